// Package doctor checks that an installation can run: `leadbitz doctor`.
// Each check is a plain function returning a Result that names the setting
// to fix; Run runs them all, Print shows the table. Nothing here changes the
// installation (no migration, no key generated).
package doctor

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Status is a check's outcome.
type Status int

const (
	OK Status = iota
	Warn
	Fail
)

func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warn:
		return "warn"
	}
	return "FAIL"
}

// Result is one line of the table.
type Result struct {
	Check   string // what was checked
	Setting string // what to change when it is not OK
	Status  Status
	Detail  string // in our words; never a secret
}

// Probe is an outbound connection the app needs: its name, and an address
// that answers on the port the app uses.
type Probe struct {
	Name string // "SMTP submission"
	Addr string // host:port
}

// Options are what the checks need besides the configuration.
type Options struct {
	// Replicas is how many `serve` processes share the database: more than
	// one needs Redis.
	Replicas int
	// Probes are dialled to prove outbound ports are open; DefaultProbes
	// when nil.
	Probes []Probe
	// DNSName is looked up to prove the resolver answers.
	DNSName string
	// Dial opens outbound connections (tests: loopback listeners).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Now is this machine's clock.
	Now func() time.Time
	// Timeout bounds each network check.
	Timeout time.Duration
}

// DefaultProbes are the servers most mailboxes talk to: Gmail's SMTP
// submission (587 STARTTLS, 465 implicit TLS) and IMAP (993), and the
// Google API host for HTTPS (443).
func DefaultProbes(cfg config.Config) []Probe {
	httpsHost := "oauth2.googleapis.com:443"
	if h := hostPort(cfg.GoogleOAuthBaseURL, "443"); h != "" {
		httpsHost = h
	}
	return []Probe{
		{Name: "SMTP submission (587)", Addr: "smtp.gmail.com:587"},
		{Name: "SMTP over TLS (465)", Addr: "smtp.gmail.com:465"},
		{Name: "IMAP over TLS (993)", Addr: "imap.gmail.com:993"},
		{Name: "HTTPS (443)", Addr: httpsHost},
	}
}

// Run runs every check in order and returns their results.
func Run(ctx context.Context, cfg config.Config, o Options) []Result {
	if o.Dial == nil {
		var d net.Dialer
		o.Dial = d.DialContext
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Probes == nil {
		o.Probes = DefaultProbes(cfg)
	}
	if o.DNSName == "" {
		o.DNSName = "gmail.com"
	}
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	var results []Result
	st, dbResult := Database(ctx, cfg.DatabaseURL, o.Timeout)
	results = append(results, dbResult)
	if st != nil {
		defer st.Close()
	}
	results = append(results, Key(ctx, cfg, st))
	results = append(results, BaseURL(cfg))
	results = append(results, Redis(ctx, cfg.RedisURL, o.Replicas, o.Timeout))
	if st != nil {
		results = append(results, Clock(ctx, st, o.Now))
	}
	results = append(results, DNS(ctx, cfg.DNSServer, o.DNSName, o.Timeout))
	for _, p := range o.Probes {
		results = append(results, Outbound(ctx, o.Dial, p, o.Timeout))
	}
	return results
}

// Print writes the results as a table.
func Print(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tSETTING\tDETAIL")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Status, r.Check, r.Setting, r.Detail)
	}
	return tw.Flush()
}

// Failed returns an error naming the settings of the failed checks, or nil.
func Failed(results []Result) error {
	var names []string
	for _, r := range results {
		if r.Status == Fail {
			names = append(names, r.Setting)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fmt.Errorf("%d check(s) failed: fix %s", len(names), strings.Join(names, ", "))
}

// Database opens the database and checks its schema is the one this binary
// needs. It does not migrate. The store is returned open when reachable.
func Database(ctx context.Context, url string, timeout time.Duration) (*store.Store, Result) {
	r := Result{Check: "database reachable and migrated", Setting: "DATABASE_URL"}
	openCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	st, err := store.Open(openCtx, url)
	if err != nil {
		r.Status, r.Detail = Fail, redact(err.Error(), url)
		return nil, r
	}
	if err := st.CheckSchema(ctx); err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return st, r
	}
	current, _, err := st.SchemaVersion(ctx)
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return st, r
	}
	r.Detail = fmt.Sprintf("%s, schema %04d", st.Dialect(), current)
	return st, r
}

// redact keeps a database URL's password out of a driver's message.
func redact(msg, rawURL string) string {
	msg = strings.ReplaceAll(msg, rawURL, "DATABASE_URL")
	if i := strings.Index(rawURL, "://"); i >= 0 {
		if at := strings.LastIndexByte(rawURL, '@'); at > i {
			if _, pw, ok := strings.Cut(rawURL[i+3:at], ":"); ok && pw != "" {
				msg = strings.ReplaceAll(msg, pw, "xxxxx")
			}
		}
	}
	return msg
}

func hostPort(rawURL, defaultPort string) string {
	rest, ok := strings.CutPrefix(rawURL, "https://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" {
		return ""
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, defaultPort)
	}
	return host
}
