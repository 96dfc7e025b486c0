// Package httpserver is the HTTP edge that every surface of Leadbitz (the JSON
// API in internal/api, the browser app in internal/web) shares, so each of
// these exists once: request ids, access logs with the status/bytes
// recorder, panic recovery, body limits, security headers, metrics and
// graceful shutdown (middleware.go, server.go, router.go); the session
// cookie, who is asking (a session or an API key → user, workspace, role),
// the role check and the request's meta for the audit log (session.go); and
// the one mapping from a problem's kind to its HTTP status (problem.go).
// Each surface keeps only its own answer's shape: JSON errors or HTML pages.
package httpserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/prometheus/client_golang/prometheus"
)

type ctxKey int

const logAttrsKey ctxKey = iota

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// RequestID returns the id of the request ctx belongs to.
func RequestID(ctx context.Context) string { return env.RequestID(ctx) }

// logAttrs lets inner handlers add fields (workspace_id…) to the access log
// line that the outer middleware writes.
type logAttrs struct{ attrs []slog.Attr }

// AddLogAttrs adds attributes to this request's access log line.
func AddLogAttrs(ctx context.Context, attrs ...slog.Attr) {
	if la, ok := ctx.Value(logAttrsKey).(*logAttrs); ok {
		la.attrs = append(la.attrs, attrs...)
	}
}

// statusRecorder remembers the status and size a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Metrics are the HTTP metrics exported at /metrics.
type Metrics struct {
	requests *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "leadbitz_http_request_duration_seconds",
		Help:    "HTTP requests by route pattern, method and status.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})}
	reg.MustRegister(m.requests)
	return m
}

// Observe wraps h with request ids, the access log, panic recovery and
// metrics. onPanic writes the response after a panic (the API's JSON error).
func Observe(h http.Handler, log *slog.Logger, m *Metrics, onPanic http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		la := &logAttrs{}
		ctx := context.WithValue(env.WithRequestID(r.Context(), id), logAttrsKey, la)
		r = r.WithContext(ctx)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(ctx, "panic serving request", "request_id", id, "panic", p, "stack", string(debug.Stack()))
				if rec.status == 0 {
					onPanic(rec, r)
				}
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			// The route pattern, never the raw path or query: paths carry
			// secrets (the unsubscribe token of /u/{token}).
			route := Route(r)
			elapsed := time.Since(start)
			if m != nil {
				m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Observe(elapsed.Seconds())
			}
			attrs := append([]slog.Attr{
				slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", status), slog.Int("bytes", rec.bytes),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000), slog.String("remote", ClientIP(r)),
			}, la.attrs...)
			log.LogAttrs(ctx, slog.LevelInfo, "http request", attrs...)
		}()
		h.ServeHTTP(rec, r)
	})
}

// Route is the pattern that served r ("GET /u/{token}"), or "unmatched".
// Logs name it instead of the path, which may hold a token.
func Route(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SecurityHeaders sets the headers every response carries. csp is the
// Content-Security-Policy for this surface; hsts adds Strict-Transport-Security
// when the site is served over https.
func SecurityHeaders(h http.Handler, csp string, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if hd.Get("Content-Security-Policy") == "" {
			hd.Set("Content-Security-Policy", csp)
		}
		if hsts {
			hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.ServeHTTP(w, r)
	})
}

// RequireBearer lets through only requests with "Authorization: Bearer
// <token>" (compared in constant time); others get 401 in the API's error
// shape. name is the setting that holds the token, for the message.
func RequireBearer(h http.Handler, token, name string) http.Handler {
	body := `{"error":{"code":"invalid_token","message":"Send Authorization: Bearer $` + name + `."}}` + "\n"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !BearerMatches(r, token) {
			w.Header().Set("WWW-Authenticate", "Bearer")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, body)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// BearerMatches reports whether r carries "Authorization: Bearer <secret>",
// compared in constant time.
func BearerMatches(r *http.Request, secret string) bool {
	presented, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(presented), []byte(secret)) == 1
}

// LimitBody caps request bodies at max bytes; reading past it fails with
// *http.MaxBytesError, which the API answers with 413.
func LimitBody(h http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.ContentLength != 0 {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		h.ServeHTTP(w, r)
	})
}
