package httpserver

import (
	"net/http"
	"strings"
)

// Router is a ServeMux that lets the application answer unknown paths (404)
// and wrong methods (405, with Allow) in its own format instead of the mux's
// plain text.
type Router struct {
	mux              *http.ServeMux
	NotFound         http.HandlerFunc
	MethodNotAllowed http.HandlerFunc
}

// NewRouter returns an empty router with plain-text fallbacks.
func NewRouter() *Router {
	return &Router{
		mux:      http.NewServeMux(),
		NotFound: http.NotFound,
		MethodNotAllowed: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		},
	}
}

// Handle registers a "METHOD /path/{param}" pattern.
func (rt *Router) Handle(pattern string, h http.Handler) { rt.mux.Handle(pattern, h) }

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := rt.mux.Handler(r); pattern != "" {
		rt.mux.ServeHTTP(w, r)
		return
	}
	var allowed []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := rt.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		rt.NotFound(w, r)
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	rt.MethodNotAllowed(w, r)
}
