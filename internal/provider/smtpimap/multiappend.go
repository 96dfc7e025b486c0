package smtpimap

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// appendSession is a minimal IMAP client for one job: storing many
// messages in one folder with one MULTIAPPEND command (RFC 3502), which
// the IMAP library used elsewhere cannot send. A server saves a
// MULTIAPPEND in one transaction (all or none), so a batch costs it one
// index update instead of one per message. It is used only when the server
// offers MULTIAPPEND after login and the folder name and the credentials
// are plain ASCII (no modified UTF-7, no literals in LOGIN); otherwise the
// copier pipelines ordinary APPENDs.
type appendSession struct {
	conn     net.Conn
	r        *bufio.Reader
	w        *bufio.Writer
	tag      int
	caps     map[string]bool
	timeout  time.Duration
	literalP bool // LITERAL+: literals need no continuation
}

// errNoMultiAppend: the server does not offer MULTIAPPEND, or the session
// cannot be opened this way; the copier falls back to pipelined APPENDs.
var errNoMultiAppend = errors.New("smtpimap: MULTIAPPEND not available")

// maxIMAPLine bounds one response line read from the server.
const maxIMAPLine = 64 << 10

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// openAppendSession connects, secures and logs in like openIMAP, and
// returns errNoMultiAppend when MULTIAPPEND cannot be used.
func openAppendSession(ctx context.Context, cfg *Config) (*appendSession, error) {
	srv := cfg.IMAP
	if srv.Username == "" || !plainASCII(srv.Username) || !plainASCII(srv.Password) {
		return nil, errNoMultiAppend
	}
	conn, _, err := dialServer(ctx, cfg, srv, "IMAP")
	if err != nil {
		return nil, err
	}
	s := &appendSession{conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn), timeout: cfg.Timeout}
	fail := func(err error) (*appendSession, error) {
		conn.Close()
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	s.deadline()
	if _, err := s.readLine(); err != nil { // greeting
		return fail(err)
	}
	if srv.Security == StartTLS {
		if _, err := s.command("STARTTLS"); err != nil {
			return fail(err)
		}
		tc := tls.Client(conn, cfg.tlsFor(srv.Host))
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(err)
		}
		s.conn, s.r, s.w = tc, bufio.NewReader(tc), bufio.NewWriter(tc)
	}
	if _, err := s.command("LOGIN " + quoteIMAP(srv.Username) + " " + quoteIMAP(srv.Password)); err != nil {
		return fail(err)
	}
	lines, err := s.command("CAPABILITY")
	if err != nil {
		return fail(err)
	}
	s.caps = map[string]bool{}
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "* CAPABILITY "); ok {
			for _, c := range strings.Fields(rest) {
				s.caps[strings.ToUpper(c)] = true
			}
		}
	}
	if !s.caps["MULTIAPPEND"] {
		s.close()
		return nil, errNoMultiAppend
	}
	s.literalP = s.caps["LITERAL+"]
	return s, nil
}

func quoteIMAP(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (s *appendSession) deadline() { _ = s.conn.SetDeadline(time.Now().Add(s.timeout)) }

func (s *appendSession) close() {
	s.deadline()
	_, _ = s.command("LOGOUT")
	_ = s.conn.Close()
}

func (s *appendSession) nextTag() string {
	s.tag++
	return "M" + strconv.Itoa(s.tag)
}

// readLine reads one CRLF-terminated line, at most maxIMAPLine bytes.
func (s *appendSession) readLine() (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := s.r.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxIMAPLine {
			return "", errors.New("smtpimap: IMAP response line too long")
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

// command sends one line and reads until its tagged answer, returning the
// untagged lines; a NO or BAD is an error.
func (s *appendSession) command(line string) ([]string, error) {
	tag := s.nextTag()
	if _, err := s.w.WriteString(tag + " " + line + "\r\n"); err != nil {
		return nil, err
	}
	if err := s.w.Flush(); err != nil {
		return nil, err
	}
	return s.answer(tag)
}

func (s *appendSession) answer(tag string) ([]string, error) {
	var untagged []string
	for {
		l, err := s.readLine()
		if err != nil {
			return nil, err
		}
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			if strings.HasPrefix(strings.ToUpper(rest), "OK") {
				return untagged, nil
			}
			return nil, &appendRefused{text: rest}
		}
		untagged = append(untagged, l)
	}
}

// appendRefused is a NO or BAD from the server: nothing of the command
// was stored.
type appendRefused struct{ text string }

func (e *appendRefused) Error() string {
	return "smtpimap: the IMAP server refused the append: " + truncateText(e.text, 200)
}

func truncateText(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// multiAppend stores msgs in folder, flagged \Seen, in one command.
func (s *appendSession) multiAppend(folder string, msgs [][]byte, at time.Time) error {
	if !plainASCII(folder) {
		return errNoMultiAppend
	}
	tag := s.nextTag()
	date := `"` + at.Format("02-Jan-2006 15:04:05 -0700") + `"`
	s.w.WriteString(tag + " APPEND " + quoteIMAP(folder))
	for _, raw := range msgs {
		s.deadline()
		s.w.WriteString(` (\Seen) ` + date + " {" + strconv.Itoa(len(raw)))
		if s.literalP {
			s.w.WriteString("+}\r\n")
		} else {
			s.w.WriteString("}\r\n")
			if err := s.w.Flush(); err != nil {
				return err
			}
			l, err := s.readLine()
			if err != nil {
				return err
			}
			if !strings.HasPrefix(l, "+") {
				if rest, ok := strings.CutPrefix(l, tag+" "); ok {
					return &appendRefused{text: rest}
				}
				return fmt.Errorf("smtpimap: unexpected answer to a literal: %q", truncateText(l, 100))
			}
		}
		if _, err := s.w.Write(raw); err != nil {
			return err
		}
	}
	s.w.WriteString("\r\n")
	if err := s.w.Flush(); err != nil {
		return err
	}
	s.deadline()
	_, err := s.answer(tag)
	return err
}

// flaggedSent asks this session for the folder flagged \Sent (RFC 6154)
// and returns the first one's name when it is plain ASCII without '&' (so
// its modified UTF-7 form is the name itself); otherwise "", and the
// copier discovers the folder with findSentFolder on a second session.
// Asking here spares the copier that second login on most servers.
func (s *appendSession) flaggedSent() string {
	cmd := `LIST "" "*"`
	if s.caps["LIST-EXTENDED"] || s.caps["IMAP4REV2"] {
		cmd += " RETURN (SPECIAL-USE)"
	}
	s.deadline()
	lines, err := s.command(cmd)
	if err != nil {
		return ""
	}
	for _, l := range lines {
		attrs, name, ok := parseListLine(l)
		if slices.ContainsFunc(attrs, func(a string) bool { return strings.EqualFold(a, `\Sent`) }) {
			if !ok {
				return ""
			}
			return name
		}
	}
	return ""
}

// parseListLine reads an untagged LIST answer, `* LIST (attrs) delim name`
// (RFC 9051 7.3.1). nameOK is false for a name sent as a literal, one
// that is not plain ASCII, or one with '&' (modified UTF-7).
func parseListLine(l string) (attrs []string, name string, nameOK bool) {
	rest, ok := cutPrefixFold(l, "* LIST (")
	if !ok {
		return nil, "", false
	}
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return nil, "", false
	}
	attrs = strings.Fields(rest[:end])
	rest = strings.TrimLeft(rest[end+1:], " ")
	if r, ok := cutPrefixFold(rest, "NIL "); ok { // no hierarchy delimiter
		rest = r
	} else if _, r, ok := readQuoted(rest); ok {
		rest = strings.TrimLeft(r, " ")
	} else {
		return attrs, "", false
	}
	if strings.HasPrefix(rest, `"`) {
		q, tail, ok := readQuoted(rest)
		if !ok || tail != "" {
			return attrs, "", false
		}
		name = q
	} else {
		if rest == "" || strings.ContainsAny(rest, ` {"`) {
			return attrs, "", false
		}
		name = rest
	}
	return attrs, name, plainASCII(name) && !strings.Contains(name, "&")
}

// readQuoted reads a quoted string at the start of s (backslash escapes
// \" and \\) and returns it and what follows it.
func readQuoted(s string) (string, string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", s, false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
