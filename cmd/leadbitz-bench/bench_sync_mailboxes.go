package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["sync-inboxes"] = benchSyncMailboxes }

// benchSyncMailboxes is `leadbitz-bench sync-inboxes`: `inboxes` mailboxes,
// half Gmail and half Microsoft 365, each connected through its OAuth
// flow against the fake providers and holding `messages` new messages,
// then one sync pass over all of them (replies.SyncAll: fetch, parse,
// classify, store), timed. Every API request goes through one HTTP client
// whose transport allows at most --max-conns connections per host; the
// peak of open connections is reported.
//
//	leadbitz-bench sync-inboxes --db postgres://…/empty_db
func benchSyncMailboxes(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench sync-inboxes", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	n := fs.Int("inboxes", 1000, "mailboxes (half Gmail, half Microsoft)")
	perMailbox := fs.Int("messages", 3, "new messages in each mailbox")
	concurrency := fs.Int("concurrency", 16, "mailboxes synced at once")
	maxConns := fs.Int("max-conns", 32, "HTTP connections per provider host")
	latency := fs.Duration("latency", 5*time.Millisecond, "added to every Graph request (the Gmail fake has none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	user, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}
	gf := gmailfake.New(gmailfake.Options{})
	defer gf.Close()
	mf := graphfake.New(graphfake.Options{Latency: *latency})
	defer mf.Close()

	var open, peak atomic.Int64
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = *maxConns, *maxConns
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		now := open.Add(1)
		for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
		}
		return &countedConn{Conn: c, open: &open}, nil
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keys, err := secrets.NewKeyRing(key)
	if err != nil {
		return err
	}
	reg, err := connect.New(connect.Config{Store: st, Env: env.New(nil, nil), Keys: keys, BaseURL: "https://bench.example",
		HTTPClient: &http.Client{Transport: tr, Timeout: time.Minute},
		Google:     connect.OAuthApp{ClientID: "test-client", ClientSecret: "test-secret", AuthBaseURL: gf.URL, APIBaseURL: gf.URL},
		Microsoft:  connect.OAuthApp{ClientID: "test-client", ClientSecret: "test-secret", AuthBaseURL: mf.URL, APIBaseURL: mf.URL}})
	if err != nil {
		return err
	}
	defer reg.Close()

	p := account.Principal{User: user, WorkspaceID: ws.ID, Role: store.RoleOwner}
	t0 := time.Now()
	total := 0
	for i := range *n {
		provider, addr := "google", fmt.Sprintf("box%d@gmail.bench", i)
		deliver := func(to string, raw []byte) error { _, err := gf.Deliver(to, raw); return err }
		if i%2 == 1 {
			provider, addr = "microsoft", fmt.Sprintf("box%d@outlook.bench", i)
			mf.AddUser(addr)
			deliver = func(to string, raw []byte) error { _, err := mf.Deliver(to, raw); return err }
		} else {
			gf.AddUser(addr)
		}
		if err := benchConnectOAuth(ctx, reg, p, provider, addr); err != nil {
			return fmt.Errorf("connect %s: %w", addr, err)
		}
		for j := range *perMailbox {
			raw, err := mailmsg.Build(mailmsg.Outgoing{MessageID: mailmsg.NewMessageID("sender.bench"),
				From: mail.Address{Name: "Sender", Address: fmt.Sprintf("person%d@sender.bench", j)},
				To:   []mail.Address{{Address: addr}}, Subject: fmt.Sprintf("Hello %d", j), Text: "A message to read."})
			if err != nil {
				return err
			}
			if err := deliver(addr, raw); err != nil {
				return err
			}
			total++
		}
	}
	fmt.Fprintf(stdout, "%s: connected %d mailboxes by OAuth (half Gmail, half Microsoft) holding %d messages in %s\n",
		st.Dialect(), *n, total, time.Since(t0).Round(time.Millisecond))

	svc, err := replies.New(replies.Config{Store: st, Env: env.New(nil, nil), Fallback: offline.Classify, Providers: reg.Openers(), Concurrency: *concurrency})
	if err != nil {
		return err
	}
	peak.Store(open.Load())
	start := time.Now()
	res, err := svc.SyncAll(ctx)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "sync pass: %d mailboxes (%d failed), %d messages stored in %s (%.0f mailboxes/s), "+
		"%d mailboxes at once, peak %d open HTTP connections (limit %d per host, 2 hosts)\n",
		res.Mailboxes, res.Failed, res.Messages, took.Round(time.Millisecond), float64(res.Mailboxes)/took.Seconds(),
		*concurrency, peak.Load(), *maxConns)
	if res.Failed > 0 || res.Messages != total {
		return fmt.Errorf("the pass stored %d of %d messages with %d failed mailboxes", res.Messages, total, res.Failed)
	}
	start = time.Now()
	if res, err = svc.SyncAll(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "a second pass with nothing new: %s (%d messages)\n", time.Since(start).Round(time.Millisecond), res.Messages)
	return nil
}

// benchConnectOAuth runs one OAuth flow against a fake: start, consent
// (the fake signs in the login hint), callback.
func benchConnectOAuth(ctx context.Context, reg *connect.Service, p account.Principal, provider, addr string) error {
	authURL, err := reg.StartOAuth(ctx, p, provider, connect.StartInput{LoginHint: addr})
	if err != nil {
		return err
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		return err
	}
	resp.Body.Close()
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	to := reg.FinishOAuth(ctx, provider, cb.Query(), p.User.ID, account.Meta{})
	if u, err := url.Parse(to); err != nil || u.Query().Get("connected") == "" {
		return fmt.Errorf("callback answered %s", to)
	}
	return nil
}

// countedConn keeps the count of open connections.
type countedConn struct {
	net.Conn
	open   *atomic.Int64
	closed atomic.Bool
}

func (c *countedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.open.Add(-1)
	}
	return c.Conn.Close()
}
