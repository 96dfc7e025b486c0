package realmail

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
)

// Config returns an smtpimap configuration for the mailbox addr (created
// with Options.Users or AddUser): submission with STARTTLS and IMAP with
// STARTTLS, trusting the server's certificate.
func (s *Server) Config(addr string) smtpimap.Config {
	s.mu.Lock()
	pass := s.users[strings.ToLower(addr)]
	s.mu.Unlock()
	return smtpimap.Config{
		Address:   addr,
		SMTP:      smtpimap.Server{Host: s.Host, Port: s.SubmissionPort, Username: addr, Password: pass, Security: smtpimap.StartTLS},
		IMAP:      smtpimap.Server{Host: s.Host, Port: s.IMAPPort, Username: addr, Password: pass, Security: smtpimap.StartTLS},
		TLSConfig: s.ClientTLS(),
		Timeout:   10 * time.Second,
		Guard:     netguard.AllowLoopback(), // the servers listen on loopback
	}
}

// Message is one message of a folder as the test reads it over IMAP.
type Message struct {
	UID imap.UID
	Raw []byte
}

// Messages reads addr's folder over IMAP (read-only, nothing is marked
// seen), in UID order.
func (s *Server) Messages(ctx context.Context, addr, folder string) ([]Message, error) {
	s.mu.Lock()
	pass := s.users[strings.ToLower(addr)]
	s.mu.Unlock()
	c, err := imapclient.DialStartTLS(net.JoinHostPort(s.Host, strconv.Itoa(s.IMAPPort)),
		&imapclient.Options{TLSConfig: s.ClientTLS()})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.Login(addr, pass).Wait(); err != nil {
		return nil, fmt.Errorf("login %s: %w", addr, err)
	}
	sd, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("select %s: %w", folder, err)
	}
	if sd.NumMessages == 0 {
		return nil, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}},
		&imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(bufs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	out := make([]Message, 0, len(bufs))
	for _, b := range bufs {
		out = append(out, Message{UID: b.UID, Raw: b.FindBodySection(section)})
	}
	return out, c.Logout().Wait()
}

// WaitFor polls addr's folder until a message containing substr arrives
// (Postfix delivers asynchronously) and returns it.
func (s *Server) WaitFor(ctx context.Context, addr, folder, substr string) (Message, error) {
	for {
		list, err := s.Messages(ctx, addr, folder)
		if err == nil {
			for _, m := range list {
				if bytes.Contains(m.Raw, []byte(substr)) {
					return m, nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return Message{}, fmt.Errorf("no message with %q in %s's %s (last error %v): %w\n%s",
				substr, addr, folder, err, ctx.Err(), s.Logs())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// SetUIDValidity gives addr's folder a new UIDVALIDITY with doveadm, as
// after a server-side rebuild: every UID a client remembers is void.
func (s *Server) SetUIDValidity(ctx context.Context, addr, folder string, v uint32) error {
	out, err := exec.CommandContext(ctx, "doveadm", "-c", s.path("dovecot", "dovecot.conf"), "mailbox", "update",
		"-u", addr, "--uid-validity", strconv.FormatUint(uint64(v), 10), folder).CombinedOutput()
	if err != nil {
		return fmt.Errorf("doveadm mailbox update: %w: %s", err, out)
	}
	return nil
}

// UIDValidity returns addr's folder's current UIDVALIDITY.
func (s *Server) UIDValidity(ctx context.Context, addr, folder string) (uint32, error) {
	out, err := exec.CommandContext(ctx, "doveadm", "-c", s.path("dovecot", "dovecot.conf"), "-f", "flow",
		"mailbox", "status", "-u", addr, "uidvalidity", folder).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("doveadm mailbox status: %w: %s", err, out)
	}
	_, v, ok := strings.Cut(strings.TrimSpace(string(out)), "uidvalidity=")
	if !ok {
		return 0, fmt.Errorf("doveadm mailbox status: unexpected output %q", out)
	}
	n, err := strconv.ParseUint(strings.Fields(v)[0], 10, 32)
	return uint32(n), err
}
