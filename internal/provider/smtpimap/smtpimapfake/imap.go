package smtpimapfake

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// IMAPOptions configures an IMAP server with one user.
type IMAPOptions struct {
	Username, Password string
	TLS                *tls.Config // enables STARTTLS (or implicit TLS with ImplicitTLS)
	ImplicitTLS        bool
	// Folders to create besides INBOX, with their SPECIAL-USE attributes,
	// e.g. {"Sent": {imap.MailboxAttrSent}} or {"Sent Items": nil} for a
	// server without the extension.
	Folders map[string][]imap.MailboxAttr
	// NoListExtended advertises neither LIST-EXTENDED nor SPECIAL-USE, like
	// an old IMAP4rev1 server.
	NoListExtended bool
	// NoUIDNext makes SELECT report UIDNEXT 0 (unknown), as servers
	// following the old RFC 2060 may, so clients must search "n:*" and
	// meet its quirk: it always returns the highest message, even below n.
	NoUIDNext bool
	// BeforeAppend, when set, is called with each message a client
	// APPENDs before it is stored; tests hold a copy in flight with it,
	// or refuse it by returning an error (the client gets NO).
	BeforeAppend func(raw []byte) error
}

// IMAPServer is a running IMAP server.
type IMAPServer struct {
	Host string
	Port int
	opts IMAPOptions
	mem  *imapmemserver.Server
	user *imapmemserver.User

	mu    sync.Mutex
	srv   *imapserver.Server
	attrs map[string][]imap.MailboxAttr // every mailbox name → special-use attributes

	generated map[imap.UID]generated // INBOX messages made up as they are sent
	genSent   atomic.Int64
}

// StartIMAP listens on a random 127.0.0.1 port.
func StartIMAP(opts IMAPOptions) (*IMAPServer, error) {
	s := &IMAPServer{opts: opts, user: imapmemserver.NewUser(opts.Username, opts.Password),
		attrs: map[string][]imap.MailboxAttr{}}
	mem := imapmemserver.New()
	mem.AddUser(s.user)
	for _, name := range append([]string{"INBOX"}, sortedKeys(opts.Folders)...) {
		if err := s.user.Create(name, nil); err != nil {
			return nil, err
		}
		s.attrs[name] = opts.Folders[name]
	}
	s.mem = mem
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if err := s.serve(ln); err != nil {
		ln.Close()
		return nil, err
	}
	s.Host, s.Port = "127.0.0.1", ln.Addr().(*net.TCPAddr).Port
	return s, nil
}

func (s *IMAPServer) serve(ln net.Listener) error {
	opts := s.opts
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	if !opts.NoListExtended {
		caps[imap.CapListExtended] = struct{}{}
		caps[imap.CapSpecialUse] = struct{}{}
	}
	srvOpts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{Session: s.mem.NewSession(), srv: s}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: opts.TLS == nil,
		Logger:       discardLogger{},
	}
	if opts.TLS != nil && !opts.ImplicitTLS {
		srvOpts.TLSConfig = opts.TLS
	}
	if opts.ImplicitTLS {
		if opts.TLS == nil {
			return errors.New("smtpimapfake: ImplicitTLS needs TLS")
		}
		srvOpts.InsecureAuth = true // the connection is TLS from the start
		ln = tls.NewListener(ln, opts.TLS)
	}
	srv := imapserver.New(srvOpts)
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// Restart closes every connection and serves again on the same port with
// the same mailboxes, as after a server restart.
func (s *IMAPServer) Restart() error {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if err := srv.Close(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.Addr())
	if err != nil {
		return err
	}
	return s.serve(ln)
}

// Addr is host:port.
func (s *IMAPServer) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Close stops the server.
func (s *IMAPServer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv.Close()
}

// Deliver appends raw to INBOX with internal date at (zero = now) and
// returns its UID.
func (s *IMAPServer) Deliver(raw []byte, at time.Time) (imap.UID, error) {
	return s.Append("INBOX", raw, at)
}

// Append adds raw to a folder.
func (s *IMAPServer) Append(folder string, raw []byte, at time.Time) (imap.UID, error) {
	data, err := s.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Time: at})
	if err != nil {
		return 0, err
	}
	return data.UID, nil
}

// ResetMailbox deletes and re-creates INBOX: its messages are gone and its
// UIDVALIDITY changes, as after a server-side rebuild.
func (s *IMAPServer) ResetMailbox() error {
	if err := s.user.Delete("INBOX"); err != nil {
		return err
	}
	s.mu.Lock()
	s.generated = nil
	s.mu.Unlock()
	return s.user.Create("INBOX", nil)
}

// Messages returns the raw messages of folder in UID order, read over IMAP.
func (s *IMAPServer) Messages(folder string, tlsConfig *tls.Config) ([][]byte, error) {
	var c *imapclient.Client
	var err error
	switch {
	case s.opts.ImplicitTLS:
		c, err = imapclient.DialTLS(s.Addr(), &imapclient.Options{TLSConfig: tlsConfig})
	case s.opts.TLS != nil:
		c, err = imapclient.DialStartTLS(s.Addr(), &imapclient.Options{TLSConfig: tlsConfig})
	default:
		c, err = imapclient.DialInsecure(s.Addr(), nil)
	}
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.Login(s.opts.Username, s.opts.Password).Wait(); err != nil {
		return nil, err
	}
	sd, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, err
	}
	if sd.NumMessages == 0 {
		return nil, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(bufs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	var out [][]byte
	for _, b := range bufs {
		out = append(out, b.FindBodySection(section))
	}
	return out, nil
}

// session adds SPECIAL-USE attributes to the in-memory server's LIST (it
// keeps none itself) and tracks mailbox names for that.
type session struct {
	imapserver.Session
	srv      *IMAPServer
	selected string // the selected folder, for the generated messages of INBOX
}

func (ss *session) Create(name string, options *imap.CreateOptions) error {
	if err := ss.Session.Create(name, options); err != nil {
		return err
	}
	ss.srv.mu.Lock()
	ss.srv.attrs[name] = nil
	if options != nil {
		ss.srv.attrs[name] = options.SpecialUse
	}
	ss.srv.mu.Unlock()
	return nil
}

func (ss *session) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := ss.Session.Select(name, options)
	if err == nil {
		ss.selected = name
	}
	if err == nil && ss.srv.opts.NoUIDNext {
		data.UIDNext = 0
	}
	return data, err
}

func (ss *session) Append(name string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	if ss.srv.opts.BeforeAppend == nil {
		return ss.Session.Append(name, r, options)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := ss.srv.opts.BeforeAppend(raw); err != nil {
		var ie *imap.Error
		if !errors.As(err, &ie) {
			ie = &imap.Error{Type: imap.StatusResponseTypeNo, Text: err.Error()}
		}
		return nil, ie
	}
	return ss.Session.Append(name, bytes.NewReader(raw), options) // a bytes.Reader is a LiteralReader
}

func (ss *session) Delete(name string) error {
	if err := ss.Session.Delete(name); err != nil {
		return err
	}
	ss.srv.mu.Lock()
	delete(ss.srv.attrs, name)
	ss.srv.mu.Unlock()
	return nil
}

func (ss *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: '/'})
	}
	ss.srv.mu.Lock()
	names := sortedKeys(ss.srv.attrs)
	attrs := ss.srv.attrs
	ss.srv.mu.Unlock()
	for _, name := range names {
		if !slices.ContainsFunc(patterns, func(p string) bool { return imapserver.MatchList(name, '/', ref, p) }) {
			continue
		}
		data := &imap.ListData{Mailbox: name, Delim: '/'}
		// RFC 6154: servers with the extension return the attributes.
		if !ss.srv.opts.NoListExtended {
			data.Attrs = attrs[name]
		}
		if options != nil && options.SelectSpecialUse && len(data.Attrs) == 0 {
			continue
		}
		if err := w.WriteList(data); err != nil {
			return err
		}
	}
	return nil
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
