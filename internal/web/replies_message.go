package web

import (
	"html/template"
	"net/http"

	"github.com/leadbitz/leadbitz/internal/mailhtml"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailFrameCSP is the Content-Security-Policy of a message's HTML frame:
// nothing may load but our own stylesheet (and, once the user asked,
// remote images), no script runs, no form posts, and the document is
// sandboxed even when opened on its own. allow-same-origin (without
// allow-scripts) lets the thread page size the frame to its content;
// allow-popups lets links open in a new tab, outside the sandbox.
func mailFrameCSP(images bool) string {
	img := "'none'"
	if images {
		img = "https: http:"
	}
	return "default-src 'none'; style-src 'self'; img-src " + img + "; base-uri 'none'; form-action 'none'; " +
		"frame-ancestors 'self'; sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox"
}

// mailFrame is the document a message's HTML is shown in.
var mailFrame = template.Must(template.New("frame").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<link rel="stylesheet" href="{{.CSS}}"></head>
<body>{{.Body}}</body></html>
`))

// replyMessageHTML serves one message's HTML body, sanitised again here
// from the stored original (mailhtml.Sanitize), for the sandboxed frame of the
// thread page.
func (w *Web) replyMessageHTML(rw http.ResponseWriter, r *http.Request, v *view) error {
	m, err := w.Store.InWorkspace(v.P.WorkspaceID).Message(r.Context(), r.PathValue("message"))
	if err != nil {
		return err
	}
	if m.ConversationID != r.PathValue("id") || m.HTML == "" {
		return store.ErrNotFound
	}
	images := r.URL.Query().Get("images") == "1"
	body, _ := mailhtml.Sanitize(m.HTML, images)
	css, err := w.assets.url("mail.css")
	if err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", mailFrameCSP(images))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "no-store")
	// body is mailhtml.Sanitize's output: sanitised, then rebuilt by the HTML
	// renderer, so it is trusted as markup here.
	return mailFrame.Execute(rw, struct {
		CSS  string
		Body template.HTML
	}{css, template.HTML(body)})
}

// UnreadReplies is the Replies nav badge: the workspace's unread
// conversations, "99+" past 99, "" when none.
func (v *view) UnreadReplies() (string, error) {
	if v.P.WorkspaceID == "" || v.web.Store == nil {
		return "", nil
	}
	n, err := v.web.Store.InWorkspace(v.P.WorkspaceID).CountUnreadConversations(v.r.Context(), 100)
	switch {
	case err != nil:
		return "", err
	case n == 0:
		return "", nil
	case n > 99:
		return "99+", nil
	default:
		return formatInt(n), nil
	}
}
