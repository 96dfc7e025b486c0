package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// errorInfo is what the error page says for a status.
type errorInfo struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
}

var errorTexts = map[int][2]string{
	http.StatusNotFound:            {"Page not found", "There is nothing here. It may have been removed, or it belongs to another workspace."},
	http.StatusMethodNotAllowed:    {"Not allowed", "This page cannot be used that way."},
	http.StatusForbidden:           {"Not allowed", "This request was refused. If you submitted a form, go back, reload the page and try again."},
	http.StatusInternalServerError: {"Something went wrong", "Something went wrong on our side. Try again; if it keeps happening, give us the request id below."},
}

// fail answers a handler's error that no form showed: not found (a problem
// or the store's sentinel) and forbidden with their pages, anything else
// logged once and answered with a 500 that reveals nothing.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, err error) {
	status, message := http.StatusInternalServerError, ""
	if p, ok := httpserver.AsProblem(err); ok {
		switch p.Kind {
		case problem.NotFound:
			status = httpserver.Status(p.Kind)
		case problem.Forbidden: // a role below the page's, or another refusal: say why
			status, message = httpserver.Status(p.Kind), p.Message
		}
	}
	if status == http.StatusInternalServerError {
		w.Env.Log().ErrorContext(r.Context(), "page failed", "request_id", httpserver.RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "err", err)
	}
	w.errorPageSaying(rw, r, status, message)
}

// errorPage renders the error page with the user's layout when they are
// logged in, so they keep their navigation.
func (w *Web) errorPage(rw http.ResponseWriter, r *http.Request, status int) {
	w.errorPageSaying(rw, r, status, "")
}

// errorPageSaying is errorPage with message instead of the status's usual
// text when it is not "".
func (w *Web) errorPageSaying(rw http.ResponseWriter, r *http.Request, status int, message string) {
	text, ok := errorTexts[status]
	if !ok {
		text = [2]string{http.StatusText(status), ""}
	}
	if message != "" {
		text[1] = message
	}
	v := &view{web: w, r: r, page: errorPage, Title: text[0],
		Data: errorInfo{Status: status, Heading: text[0], Message: text[1], RequestID: httpserver.RequestID(r.Context())}}
	if p, err := httpserver.AuthenticateSession(r, w.Accounts); err == nil {
		v.P = p
		if v.loadLayout() != nil {
			v.User = nil // render the bare page rather than fail twice
		}
	}
	if err := w.renderPage(rw, r, errorPage, status, v); err != nil {
		w.Env.Log().ErrorContext(r.Context(), "render error page", "err", err)
		http.Error(rw, text[0], status)
	}
}
