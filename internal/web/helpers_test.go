package web_test

import (
	"bytes"
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
