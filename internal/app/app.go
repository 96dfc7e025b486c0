// Package app wires Leadbitz together from its configuration: the database,
// the encryption keys, the rate limiter, the services and the HTTP surfaces.
// main calls it; so do end-to-end tests, which start the real thing.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/analytics"
	"github.com/leadbitz/leadbitz/internal/netguard"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/bounceguard"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/lead/importer"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/signin"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
	"github.com/leadbitz/leadbitz/internal/verify"
	"github.com/leadbitz/leadbitz/internal/web"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

// App is a running Leadbitz: everything `serve` needs.
type App struct {
	Config   config.Config
	Env      env.Env // the clock and logger every service is built with
	Store    *store.Store
	Keys     *secrets.KeyRing
	Limiter  ratelimit.Limiter
	Accounts *account.Service
	Sending  *Sending
	// Connect connects real mailboxes and opens them for sending and sync.
	Connect     *connect.Service
	Signin      *signin.Service // signing in with Google and Microsoft
	BounceGuard *bounceguard.Guard
	Leads       *lead.Service
	Imports     *importer.Importer
	DNS         *dnscheck.Checker // the deliverability and address checks' resolver
	Verify      *verify.Service   // address verification of leads
	Replies     *replies.Service
	Assist      *assist.Service
	Webhooks    *webhook.Service // event subscriptions and their deliveries
	Registry    *prometheus.Registry
	Handler     http.Handler
	Web         *web.Web
	// MetricsHandler is what Serve answers on LEADBITZ_METRICS_ADDR; nil
	// when metrics have no listener of their own.
	MetricsHandler http.Handler

	acmeClient *http.Client              // Options.ACMEHTTPClient
	beforeTick func(ctx context.Context) // Options.BeforeTick
}

// Options change how New starts.
type Options struct {
	// SkipMigrate leaves the schema alone; New then refuses a stale schema.
	SkipMigrate bool
	// Limiter replaces the one REDIS_URL selects (tests give each run its own
	// key prefix on the shared Redis).
	Limiter ratelimit.Limiter
	// AITimeout, when set, bounds each AI call instead of the defaults (tests
	// of a slow provider shorten it).
	AITimeout time.Duration
	// ACMEHTTPClient, when set, is the HTTP client the built-in HTTPS talks
	// to its ACME CA with (tests trust their CA's certificate with it).
	ACMEHTTPClient *http.Client
	// BeforeTick, when set, runs at the start of each scheduled send tick,
	// with the tick's context (the shutdown tests hold a tick in flight).
	BeforeTick func(ctx context.Context)
	// SMTPProbe, when set, replaces the SMTP probe's internal settings:
	// tests point its port and self-test at fakes on loopback (never a
	// user setting; HELO and Guard are filled in from the configuration).
	SMTPProbe *verify.ProbeOptions
	// VerifyPasses, when set, tunes on-demand address checks (tests shorten
	// how long a request waits for its pass and watch passes end).
	VerifyPasses *lead.PassOptions
}

// New opens the database (migrating it unless told not to), loads keys and
// builds the HTTP handler. Close releases what it opened.
func New(ctx context.Context, cfg config.Config, e env.Env, opts Options) (*App, error) {
	// Every line of a request or a job carries its ids, whatever handler
	// the caller chose.
	e = e.WithLog(slog.New(env.LogHandler(e.Log().Handler())))
	if err := privateDataDir(cfg.DataDir, e.Log()); err != nil {
		return nil, err
	}
	if cfg.ShutdownTimeout <= 0 { // a Config not built by FromEnv
		cfg.ShutdownTimeout = config.DefaultShutdownTimeout
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Env: e, Store: st.WithClock(e.Now), acmeClient: opts.ACMEHTTPClient, beforeTick: opts.BeforeTick}
	if err := a.init(ctx, opts); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// privateDataDir creates the data directory (keys, the SQLite database,
// uploads) readable by its owner only, and tightens one that is not.
func privateDataDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("make data directory private: %w", err)
		}
		log.Info("data directory made private (mode 700)", "dir", dir, "was", info.Mode().Perm().String())
	}
	return nil
}

func (a *App) init(ctx context.Context, opts Options) error {
	if !opts.SkipMigrate {
		n, err := a.Store.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			a.Env.Log().Info("database migrated", "applied", n, "dialect", a.Store.Dialect().String())
		}
	}
	if err := a.Store.CheckSchema(ctx); err != nil {
		return err
	}
	var err error
	if a.Keys, err = secrets.LoadKeyRing(a.Config.SecretKey, a.Config.DataDir); err != nil {
		return err
	}
	a.Limiter = opts.Limiter
	if a.Limiter == nil {
		if a.Limiter, err = ratelimit.FromURL(ctx, a.Config.RedisURL); err != nil {
			return err
		}
	}
	mailer, err := systemmail.New(systemmail.Options{URL: a.Config.SMTPURL, From: a.Config.MailFrom,
		Allow: a.Config.AllowPrivateNetworks, Log: a.Env.Log()})
	if err != nil {
		return err
	}
	a.Accounts = account.New(a.Store, a.Env, a.Limiter, account.Options{SignupsPerIPHour: a.Config.SignupsPerIPHour,
		SignupsPerHour: a.Config.SignupsPerHour, SessionMaxAge: a.Config.SessionMaxAge,
		Signup: a.Config.Signup, Mailer: mailer, BaseURL: a.Config.BaseURL})
	a.Leads = lead.New(a.Store, a.Env)
	if opts.VerifyPasses != nil {
		a.Leads.SetPassOptions(*opts.VerifyPasses)
	}
	// One DNS checker for the whole app: one cache and one bound on lookups.
	a.DNS = dnscheck.New(dnscheck.Options{Server: a.Config.DNSServer})
	a.Verify = verify.New(a.Store, a.Env, a.DNS)
	if a.Config.VerifySMTP {
		// The probe dials exchangers like mailbox hosts: through the address
		// guard, resolving names with the checks' resolver.
		var po verify.ProbeOptions
		if opts.SMTPProbe != nil {
			po = *opts.SMTPProbe
		}
		po.HELO = a.Config.VerifySMTPHelo
		po.Guard = netguard.New(netguard.Options{Allow: a.Config.AllowPrivateNetworks, Resolver: a.DNS.Resolver()})
		a.Verify.SetProber(verify.NewProber(po, a.Env))
	}
	a.Leads.SetVerifier(a.Verify)
	if err := a.initAssist(opts); err != nil {
		return fmt.Errorf("ai: %w", err)
	}
	importDir := filepath.Join(a.Config.DataDir, "imports")
	// Uploads waiting for their import, staged by the web app or received by
	// the importer, share one disk budget.
	budget := importer.NewBudget(a.Config.StagedUploadsTotalBytes, a.Config.StagedUploadsWorkspaceBytes,
		importDir, web.StagedRoot(a.Config.DataDir))
	a.Imports = importer.New(a.Store, a.Env, importer.Config{Dir: importDir, Budget: budget,
		Verify: func(ctx context.Context, ws string) error {
			_, err := a.Verify.Run(ctx, ws, verify.Selection{}, false)
			return err
		}})
	if err := a.Imports.Start(ctx); err != nil {
		return err
	}
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := a.initConnect(); err != nil {
		return err
	}
	if err := a.initSignin(); err != nil {
		return err
	}
	if err := a.initSending(ctx); err != nil {
		return err
	}
	if err := a.initReplies(); err != nil {
		return err
	}
	a.Webhooks = webhook.New(a.Store, a.Env, webhook.Options{Keys: a.Keys, Allow: a.Config.AllowPrivateNetworks,
		BaseURL: a.Config.BaseURL, Mailer: mailer})
	a.Handler, err = a.buildHandler()
	return err
}

// apiCSP is the Content-Security-Policy of JSON responses: they load nothing.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

func (a *App) buildHandler() (http.Handler, error) {
	dns := a.DNS
	ops := a.newOps() // the System page's report, for both surfaces
	jsonAPI := api.New(api.Deps{
		Config: a.Config, Store: a.Store, Accounts: a.Accounts, Env: a.Env, Leads: a.Leads, Imports: a.Imports,
		Metrics:   a.mainMetrics(),
		Campaigns: a.Sending.Campaigns, Mailboxes: a.Sending.Mailboxes, Unsubscribe: a.Sending.Unsubscribe, Connect: a.Connect,
		Cron: cronRunner{engine: a.Sending.Engine, replies: a.Replies, app: a}, Replies: a.Replies, Assist: a.Assist,
		Ops:       ops,
		DNS:       dns,
		TestSends: a.Sending.TestSends,
		Limiter:   a.Limiter,
		Analytics: analytics.New(a.Store, a.Env),
		Webhooks:  a.Webhooks,
	})
	webApp, err := web.New(web.Deps{Config: a.Config, Store: a.Store, Accounts: a.Accounts, Keys: a.Keys, Env: a.Env,
		Campaigns: a.Sending.Campaigns, Mailboxes: a.Sending.Mailboxes, Leads: a.Leads, Imports: a.Imports, Assist: a.Assist, DNS: dns,
		Connect: a.Connect, Replies: a.Replies, TestSends: a.Sending.TestSends, Signin: a.Signin, Ops: ops, Analytics: analytics.New(a.Store, a.Env),
		Webhooks: a.Webhooks})
	if err != nil {
		return nil, fmt.Errorf("web app: %w", err)
	}
	a.Web = webApp
	router := httpserver.NewRouter()
	jsonAPI.Register(router)
	webApp.Register(router)
	// Unknown paths, wrong methods, refused cross-site posts and panics are
	// answered in the surface's own format: HTML pages outside /api, JSON
	// errors under it.
	router.NotFound = bySurface(webApp.NotFound, jsonAPI.NotFound)
	router.MethodNotAllowed = bySurface(webApp.MethodNotAllowed, jsonAPI.MethodNotAllowed)

	cop := http.NewCrossOriginProtection()
	// Mail providers post RFC 8058 one-click unsubscribes from their own origin.
	cop.AddInsecureBypassPattern("POST /u/{token}")
	cop.SetDenyHandler(bySurface(webApp.CrossOriginDenied, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":{"code":"cross_origin_request","message":"Cross-site requests that change state are refused."}}`, http.StatusForbidden)
	}))
	var h http.Handler = cop.Handler(router)
	h = httpserver.SecurityHeaders(h, apiCSP, a.Config.SecureCookies())
	h = httpserver.Observe(h, a.Env.Log(), httpserver.NewMetrics(a.Registry), bySurface(webApp.InternalError, jsonAPI.InternalError))
	// Outermost: the access log, the limits and the audit log see the client
	// behind a trusted proxy.
	return httpserver.TrustProxies(h, a.Config.TrustedProxies), nil
}

// metrics is /metrics, behind LEADBITZ_METRICS_TOKEN when it is set.
func (a *App) metrics() http.Handler {
	h := promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{})
	if a.Config.MetricsToken != "" {
		h = httpserver.RequireBearer(h, a.Config.MetricsToken, "LEADBITZ_METRICS_TOKEN")
	}
	return h
}

// mainMetrics is what /metrics answers on the main address: nothing (404)
// unless a token guards it and it has no listener of its own. It also sets
// MetricsHandler, the metrics listener's handler.
func (a *App) mainMetrics() http.Handler {
	if a.Config.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.metrics())
		a.MetricsHandler = mux
		return nil
	}
	if a.Config.MetricsToken != "" {
		return a.metrics()
	}
	return nil
}

// bySurface picks the web app's handler for pages and the API's for /api/.
func bySurface(page, jsonAPI http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if web.IsPage(r) {
			page(w, r)
			return
		}
		jsonAPI(w, r)
	}
}

// Listening is where Serve listens, once it does.
type Listening struct {
	Addr        string // the app
	MetricsAddr string // /metrics, when LEADBITZ_METRICS_ADDR gives it a listener of its own
	TLSAddr     string // HTTPS, when LEADBITZ_TLS_DOMAINS is set
	HTTPAddr    string // its ACME http-01 answers and redirect to https
}

// Serve listens on the configured addresses until ctx ends, then shuts down
// gracefully. ready, if not nil, receives the bound addresses once listening.
func (a *App) Serve(ctx context.Context, ready chan<- Listening) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return err
	}
	var metricsLn net.Listener
	if a.MetricsHandler != nil {
		if metricsLn, err = net.Listen("tcp", a.Config.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("metrics listener: %w", err)
		}
	}
	tlsSrv, err := a.listenTLS()
	if err != nil {
		ln.Close()
		if metricsLn != nil {
			metricsLn.Close()
		}
		return err
	}
	stopScheduler, err := a.startScheduler(ctx)
	if err != nil {
		ln.Close()
		if metricsLn != nil {
			metricsLn.Close()
		}
		tlsSrv.close()
		return err
	}
	// The scheduler stops as soon as ctx ends, alongside the HTTP servers,
	// so that the whole stop takes at most LEADBITZ_SHUTDOWN_TIMEOUT.
	stopSched := sync.OnceFunc(stopScheduler)
	defer stopSched()
	served := make(chan struct{})
	defer close(served)
	go func() {
		select {
		case <-ctx.Done():
			stopSched()
		case <-served:
		}
	}()
	sweepCtx, stopSweeping := context.WithCancel(ctx)
	defer stopSweeping()
	go a.sweepUploadsEvery(sweepCtx, time.Minute)
	webhooksDone := make(chan struct{})
	go func() { defer close(webhooksDone); a.Webhooks.Run(sweepCtx, WebhookPollEvery) }()
	defer func() { stopSweeping(); <-webhooksDone }()
	a.Env.Log().Info("leadbitz listening", "addr", ln.Addr().String(), "base_url", a.Config.BaseURL,
		"database", a.Store.Dialect().String())
	where := Listening{Addr: ln.Addr().String()}
	// The metrics listener stops with the app's, whichever way that ends.
	metricsCtx, stopMetrics := context.WithCancel(ctx)
	defer stopMetrics()
	metricsDone := make(chan error, 1)
	if metricsLn != nil {
		where.MetricsAddr = metricsLn.Addr().String()
		a.Env.Log().Info("metrics listening", "addr", where.MetricsAddr)
		go func() { metricsDone <- a.serveMetrics(metricsCtx, metricsLn) }()
	} else {
		metricsDone <- nil
	}
	tlsDone := make(chan error, 1)
	if tlsSrv != nil {
		where.TLSAddr, where.HTTPAddr = tlsSrv.tlsLn.Addr().String(), tlsSrv.httpLn.Addr().String()
		a.Env.Log().Info("https listening", "addr", where.TLSAddr, "http_addr", where.HTTPAddr, "domains", a.Config.TLS.Domains)
		go func() { tlsDone <- tlsSrv.serve(metricsCtx, a.Handler, a.Config.ShutdownTimeout, a.Env.Log()) }()
	} else {
		tlsDone <- nil
	}
	if ready != nil {
		ready <- where
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // CSV uploads
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Env.Log().Handler(), slog.LevelWarn),
	}
	err = httpserver.Serve(ctx, srv, ln, a.Config.ShutdownTimeout, a.Env.Log())
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopMetrics()
	if merr := <-metricsDone; err == nil {
		err = merr
	}
	if terr := <-tlsDone; err == nil {
		err = terr
	}
	return err
}

// serveMetrics serves /metrics alone on ln until ctx ends.
func (a *App) serveMetrics(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.MetricsHandler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Env.Log().Handler(), slog.LevelWarn),
	}
	err := httpserver.Serve(ctx, srv, ln, 5*time.Second, a.Env.Log())
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// SweepUploads removes the uploads whose time is up at now: the web app's
// staged files and the importer's abandoned ones. Files live on the replica
// that received them, so every replica sweeps its own.
func (a *App) SweepUploads(ctx context.Context, now time.Time) error {
	a.Imports.SweepUploads(now)
	return a.Web.SweepStaged(ctx, now)
}

func (a *App) sweepUploadsEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := a.SweepUploads(ctx, now); err != nil && ctx.Err() == nil {
				a.Env.Log().Error("sweep staged uploads", "err", err)
			}
		}
	}
}

// Close stops the background workers and releases the database.
func (a *App) Close() error {
	if a.Imports != nil {
		a.Imports.Stop()
	}
	if a.Leads != nil {
		a.Leads.StopPasses() // address re-checks still running
	}
	if a.Connect != nil {
		a.Connect.Close()
	}
	if a.Accounts != nil {
		a.Accounts.WaitBackground() // a "forgot password" mail still on its way (at most a minute)
	}
	return a.Store.Close()
}
