// Package smtpimapfake runs in-process SMTP and IMAP servers on 127.0.0.1 for
// tests of SMTP submission and IMAP sync: a go-smtp sink with optional AUTH
// (PLAIN and LOGIN), STARTTLS or implicit TLS and per-recipient or per-message
// failures, and go-imap's in-memory server with SPECIAL-USE attributes and a
// resettable INBOX (a new UIDVALIDITY). TLS uses a throw-away certificate
// authority from NewTLS.
package smtpimapfake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"time"
)

// TLS is a certificate for 127.0.0.1 and localhost and the pool that
// trusts it.
type TLS struct {
	Server  *tls.Config // for the servers
	RootCAs *x509.CertPool
}

// Client returns a client TLS configuration that trusts only this
// certificate (no InsecureSkipVerify).
func (t *TLS) Client() *tls.Config {
	return &tls.Config{RootCAs: t.RootCAs, MinVersion: tls.VersionTLS12}
}

// NewTLS generates a self-signed certificate valid for 127.0.0.1, ::1 and
// localhost.
func NewTLS() (*TLS, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "leadbitz test mail server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &TLS{
		Server:  &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12},
		RootCAs: pool,
	}, nil
}
