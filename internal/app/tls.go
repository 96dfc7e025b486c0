package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/autotls"
	"github.com/leadbitz/leadbitz/internal/httpserver"
)

// tlsServing is the built-in HTTPS (LEADBITZ_TLS_DOMAINS): the app on the
// HTTPS listener with certificates from the ACME CA, and on the HTTP
// listener the ACME http-01 answers and a redirect to https for the rest.
type tlsServing struct {
	tlsLn, httpLn net.Listener
	tlsConfig     *tls.Config
	httpHandler   http.Handler
}

// listenTLS opens the two listeners, or returns nil when TLS is off.
func (a *App) listenTLS() (*tlsServing, error) {
	if !a.Config.TLS.On() {
		return nil, nil
	}
	cache, err := autotls.NewCache(a.Store, a.Keys)
	if err != nil {
		return nil, err
	}
	m := autotls.NewManager(a.Config.TLS, cache, a.acmeClient)
	t := &tlsServing{tlsConfig: m.TLSConfig(), httpHandler: m.HTTPHandler(nil)}
	if t.tlsLn, err = net.Listen("tcp", a.Config.TLS.Addr); err != nil {
		return nil, fmt.Errorf("LEADBITZ_TLS_ADDR: %w", err)
	}
	if t.httpLn, err = net.Listen("tcp", a.Config.TLS.HTTPAddr); err != nil {
		t.tlsLn.Close()
		return nil, fmt.Errorf("LEADBITZ_HTTP_ADDR: %w", err)
	}
	return t, nil
}

func (t *tlsServing) close() {
	if t != nil {
		t.tlsLn.Close()
		t.httpLn.Close()
	}
}

// serve runs both servers until ctx ends, each shut down within grace.
func (t *tlsServing) serve(ctx context.Context, app http.Handler, grace time.Duration, log *slog.Logger) error {
	errLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	httpsSrv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // CSV uploads
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          errLog,
	}
	redirect := &http.Server{
		Handler:           t.httpHandler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          errLog,
	}
	done := make(chan error, 2)
	go func() { done <- httpserver.Serve(ctx, httpsSrv, tls.NewListener(t.tlsLn, t.tlsConfig), grace, log) }()
	go func() { done <- httpserver.Serve(ctx, redirect, t.httpLn, grace, log) }()
	var err error
	for range 2 {
		if e := <-done; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
			err = e
		}
	}
	return err
}
