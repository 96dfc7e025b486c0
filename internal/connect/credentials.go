package connect

import (
	"encoding/json"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/store"
)

// credentials are the secrets of one mailbox, stored encrypted in
// inbox_connections.credentials: an OAuth token, or the SMTP and IMAP
// passwords.
type credentials struct {
	Token        *oauth2.Token `json:"token,omitempty"`
	SMTPPassword string        `json:"smtpPassword,omitempty"`
	IMAPPassword string        `json:"imapPassword,omitempty"`
}

// serverSettings are the non-secret parts of an SMTP or IMAP endpoint.
type serverSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Username string `json:"username"`
	Security string `json:"security"`
}

// settings are a mailbox's non-secret provider settings
// (inbox_connections.config).
type settings struct {
	SMTP *serverSettings `json:"smtp,omitempty"`
	IMAP *serverSettings `json:"imap,omitempty"`
	// SkipSentCopy: the server files submitted mail in Sent itself (Gmail,
	// Exchange Online), so no copy is appended over IMAP.
	SkipSentCopy bool `json:"skipSentCopy,omitempty"`
}

func (s *Service) seal(mailboxID string, c credentials) (string, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return s.keys.Encrypt(data, store.CredentialsAD(mailboxID))
}

func (s *Service) unseal(mailboxID, ciphertext string) (credentials, error) {
	var c credentials
	if ciphertext == "" {
		return c, fmt.Errorf("mailbox %s has no stored credentials", mailboxID)
	}
	data, err := s.keys.Decrypt(ciphertext, store.CredentialsAD(mailboxID))
	if err != nil {
		return c, fmt.Errorf("decrypt credentials of mailbox %s: %w", mailboxID, err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("read credentials of mailbox %s: %w", mailboxID, err)
	}
	return c, nil
}

func readSettings(config string) (settings, error) {
	var st settings
	if config == "" {
		return st, nil
	}
	err := json.Unmarshal([]byte(config), &st)
	return st, err
}

func (st settings) json() string {
	data, _ := json.Marshal(st)
	return string(data)
}
