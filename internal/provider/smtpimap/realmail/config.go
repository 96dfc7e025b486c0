package realmail

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/template"
	"time"
)

// writeTLS writes the throw-away certificate and key for both servers.
func (s *Server) writeTLS() error {
	cert := s.tls.Server.Certificates[0]
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})
	if err := os.WriteFile(s.path("cert.pem"), certPEM, 0o644); err != nil {
		return err
	}
	// Postfix's smtpd reads the key as the postfix user.
	if err := os.WriteFile(s.path("key.pem"), keyPEM, 0o600); err != nil {
		return err
	}
	return chownTo(s.path("key.pem"), "postfix", "")
}

// writeUsers rewrites Dovecot's passwd-file from s.users.
func (s *Server) writeUsers() error {
	s.mu.Lock()
	var lines []string
	for addr, pass := range s.users {
		if strings.ContainsAny(addr+pass, ":\n") {
			s.mu.Unlock()
			return fmt.Errorf("realmail: user %q: neither address nor password may contain ':' or a newline", addr)
		}
		lines = append(lines, addr+":{PLAIN}"+pass+"\n")
	}
	s.mu.Unlock()
	sort.Strings(lines)
	if err := os.MkdirAll(s.path("dovecot"), 0o755); err != nil {
		return err
	}
	// Written aside and renamed, so Dovecot never reads half a file.
	tmp := s.path("dovecot", "users.new")
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "")), 0o640); err != nil {
		return err
	}
	if err := chownTo(tmp, "dovecot", ""); err != nil {
		return err
	}
	return os.Rename(tmp, s.path("dovecot", "users"))
}

type layout struct {
	*Server
	Dir string
}

func (s *Server) render(name, text, dst string, mode os.FileMode) error {
	t, err := template.New(name).Parse(text)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := t.Execute(&b, layout{Server: s, Dir: s.dir}); err != nil {
		return err
	}
	if err := os.WriteFile(dst, []byte(b.String()), mode); err != nil {
		return err
	}
	// Postfix waits, 300 ms at a time, for a configuration file modified
	// within the last second to settle; these are complete when written.
	old := time.Now().Add(-time.Minute)
	return os.Chtimes(dst, old, old)
}

func (s *Server) layoutDovecot() error {
	for _, d := range []string{"run", "dovecot", "dovecot-state", "mail"} {
		if err := os.MkdirAll(s.path(d), 0o755); err != nil {
			return err
		}
	}
	// Mail processes run as the mail user (userdb below).
	if err := chownTo(s.path("mail"), "mail", ""); err != nil {
		return err
	}
	return s.render("dovecot.conf", dovecotConf, s.path("dovecot", "dovecot.conf"), 0o644)
}

func (s *Server) layoutPostfix() error {
	for _, d := range []string{"postfix", "postfix-queue", "postfix-data"} {
		if err := os.MkdirAll(s.path(d), 0o755); err != nil {
			return err
		}
	}
	if err := chownTo(s.path("postfix-data"), "postfix", ""); err != nil {
		return err
	}
	if err := s.render("main.cf", postfixMain, s.path("postfix", "main.cf"), 0o644); err != nil {
		return err
	}
	if err := s.render("master.cf", postfixMaster, s.path("postfix", "master.cf"), 0o644); err != nil {
		return err
	}
	return s.layoutQueue()
}

// queueDirs are the directories of a Postfix queue with their owners and
// modes, as post-install creates them (postfix-files). Creating them here
// lets the master start without "postfix check", which takes two seconds
// of shell on a fresh queue.
var queueDirs = []struct {
	name, owner, group string
	mode               os.FileMode
}{
	{"active", "postfix", "root", 0o700}, {"bounce", "postfix", "root", 0o700}, {"corrupt", "postfix", "root", 0o700},
	{"defer", "postfix", "root", 0o700}, {"deferred", "postfix", "root", 0o700}, {"flush", "postfix", "root", 0o700},
	{"hold", "postfix", "root", 0o700}, {"incoming", "postfix", "root", 0o700}, {"private", "postfix", "root", 0o700},
	{"saved", "postfix", "root", 0o700}, {"trace", "postfix", "root", 0o700},
	{"maildrop", "postfix", "postdrop", 0o730}, {"public", "postfix", "postdrop", 0o710}, {"pid", "root", "root", 0o755},
}

func (s *Server) layoutQueue() error {
	for _, d := range queueDirs {
		p := s.path("postfix-queue", d.name)
		if err := os.Mkdir(p, d.mode); err != nil {
			return err
		}
		if err := chownTo(p, d.owner, d.group); err != nil {
			return err
		}
		if err := os.Chmod(p, d.mode); err != nil { // past the umask
			return err
		}
	}
	return nil
}

// dovecotConf: IMAP with STARTTLS and implicit TLS on loopback, LMTP and
// the SASL service on sockets Postfix's daemons (user postfix) can open,
// passwd-file users with full addresses as names, every mailbox stored as
// the mail user under mail/<address>/Maildir, and the Sent and Drafts
// folders created with their SPECIAL-USE attributes. Login processes are not
// chrooted: the base directory is not root-owned all the way up.
const dovecotConf = `base_dir = {{.Dir}}/run/dovecot
state_dir = {{.Dir}}/dovecot-state
log_path = {{.Dir}}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <{{.Dir}}/cert.pem
ssl_key = <{{.Dir}}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_failure_delay = 0
auth_mechanisms = plain login
first_valid_uid = 8
last_valid_uid = 8
mail_location = maildir:{{.Dir}}/mail/%u/Maildir
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.Dir}}/dovecot/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home={{.Dir}}/mail/%u allow_all_users=no
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = {{.IMAPPort}}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = {{.IMAPSPort}}
    ssl = yes
  }
}
service lmtp {
  unix_listener {{.Dir}}/run/lmtp {
    user = postfix
    mode = 0600
  }
}
# No auth penalty (growing delays for every login from an address after a
# failed one): tests try wrong passwords on purpose. A socket nobody can
# open turns the penalty off (Dovecot's documented way).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener {{.Dir}}/run/auth {
    user = postfix
    mode = 0600
  }
}
protocol lmtp {
  postmaster_address = postmaster@{{.Domain}}
}
`

// postfixMain: the domain is local and every local recipient is handed to
// Dovecot over LMTP (which refuses unknown users, so Postfix bounces);
// other domains get an error transport, so nothing leaves the machine.
// SASL is Dovecot's; TLS uses the throw-away certificate. Logs go to a file
// (no syslog needed).
const postfixMain = `compatibility_level = 3.6
queue_directory = {{.Dir}}/postfix-queue
data_directory = {{.Dir}}/postfix-data
mail_owner = postfix
myhostname = mail.{{.Domain}}
mydomain = {{.Domain}}
myorigin = {{.Domain}}
mydestination = {{.Domain}}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
local_recipient_maps =
local_transport = lmtp:unix:{{.Dir}}/run/lmtp
alias_maps =
alias_database =
relayhost =
default_transport = error:this test server delivers only to {{.Domain}}
relay_transport = error:this test server delivers only to {{.Domain}}
maillog_file_prefixes = {{.Dir}}
maillog_file = {{.Dir}}/maillog
smtpd_tls_cert_file = {{.Dir}}/cert.pem
smtpd_tls_key_file = {{.Dir}}/key.pem
smtpd_sasl_type = dovecot
smtpd_sasl_path = {{.Dir}}/run/auth
smtputf8_enable = no
biff = no
# Answer at once after errors: tests fail logins on purpose.
smtpd_error_sleep_time = 0
`

// postfixMaster: submission with STARTTLS required before AUTH, and
// "submissions" with implicit TLS; only authenticated clients may send.
// Each smtpd serves one client (max_use=1), so a password changed with
// AddUser is checked by Dovecot's new auth process, not a kept connection.
// No daemon is chrooted (the queue is not under /var/spool/postfix).
const postfixMaster = `127.0.0.1:{{.SubmissionPort}} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o max_use=1
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
127.0.0.1:{{.SubmissionsPort}} inet n - n - - smtpd
  -o syslog_name=postfix/submissions
  -o max_use=1
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
proxymap  unix  - - n - - proxymap
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`
