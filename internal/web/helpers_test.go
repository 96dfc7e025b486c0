package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// postForm submits a urlencoded form as a browser on the same origin does.
func postForm(t *testing.T, c *apptest.Client, path string, form url.Values) apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.URL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.URL())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Send(req)
}

// get fetches a page and fails unless the status is want.
func get(t *testing.T, c *apptest.Client, path string, want int) apptest.Response {
	t.Helper()
	r := c.Do(http.MethodGet, path, nil)
	if r.Status != want {
		t.Fatalf("GET %s: status %d, want %d; body %.400s", path, r.Status, want, r.Body)
	}
	return r
}

// follow GETs the Location of a redirect and fails unless it is one.
func follow(t *testing.T, c *apptest.Client, r apptest.Response) apptest.Response {
	t.Helper()
	if r.Status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303; body %.600s", r.Status, r.Body)
	}
	return get(t, c, r.Header.Get("Location"), http.StatusOK)
}

// doc parses a page.
func doc(t *testing.T, body []byte) *html.Node {
	t.Helper()
	n, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// walk calls fn for every element node.
func walk(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// byID finds the element with this id, or nil.
func byID(root *html.Node, id string) *html.Node {
	var found *html.Node
	walk(root, func(n *html.Node) {
		if v, ok := attr(n, "id"); ok && v == id && found == nil {
			found = n
		}
	})
	return found
}

// checked is the values of a page's ticked checkboxes named name.
func checked(root *html.Node, name string) []string {
	var out []string
	walk(root, func(n *html.Node) {
		if n.Data != "input" {
			return
		}
		nm, _ := attr(n, "name")
		_, on := attr(n, "checked")
		if v, _ := attr(n, "value"); nm == name && on {
			out = append(out, v)
		}
	})
	return out
}

// text is the text content of a node.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// inlineCode lists what a strict CSP would block on a page: inline
// scripts, event-handler attributes, inline styles and javascript: URLs.
func inlineCode(root *html.Node) []string {
	var found []string
	walk(root, func(n *html.Node) {
		if n.Data == "script" {
			if src, ok := attr(n, "src"); !ok || src == "" || strings.TrimSpace(text(n)) != "" {
				found = append(found, "inline <script>")
			}
		}
		if n.Data == "style" {
			found = append(found, "<style> element")
		}
		for _, a := range n.Attr {
			switch {
			case strings.HasPrefix(a.Key, "on"):
				found = append(found, "<"+n.Data+" "+a.Key+">")
			case a.Key == "style":
				found = append(found, "<"+n.Data+" style>")
			case (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				found = append(found, "<"+n.Data+" "+a.Key+"=javascript:>")
			}
		}
	})
	return found
}

// postFile uploads a file as a browser's multipart form does.
func postFile(t *testing.T, c *apptest.Client, path, fileName, content string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(fw, content); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.URL()+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.URL())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Send(req)
}

// apiImport imports a CSV through the JSON API and waits for it to end; it
// returns the import's id.
func apiImport(t *testing.T, c *apptest.Client, csv string) string {
	t.Helper()
	r := postFile(t, c, "/api/leads/import", "leads.csv", csv)
	if r.Status != http.StatusAccepted {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	id := r.Map(t)["importId"].(string)
	waitImport(t, c, id)
	return id
}

// waitImport waits for the app to finish an import.
func waitImport(t *testing.T, c *apptest.Client, id string) {
	t.Helper()
	c.WaitImport(id)
	if st := c.Must(http.StatusOK, "GET", "/api/leads/imports/"+id, nil).Map(t); st["status"] == "running" {
		t.Fatalf("import %s let go while running: %v", id, st)
	}
}

// stagedUpload uploads a CSV to the Leads import page and returns the
// staged upload's token from the mapping step it redirects to.
func stagedUpload(t *testing.T, c *apptest.Client, csv string) string {
	t.Helper()
	r := postFile(t, c, "/leads/import/upload", "leads.csv", csv)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/leads/import/map/") {
		t.Fatalf("upload: %d to %q; %.300s", r.Status, loc, r.Body)
	}
	token, _, _ := strings.Cut(strings.TrimPrefix(loc, "/leads/import/map/"), "?")
	return token
}
