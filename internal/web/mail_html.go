package web

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mailPolicy is the sanitiser of inbound HTML mail: bluemonday's
// user-generated-content rules (no script, style, form, iframe, object,
// meta or event-handler attribute; only http, https and mailto URLs),
// with absolute URLs only and no inline styles, so nothing in a message
// can run, restyle our page or reach our own paths.
var mailPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
})

// trackingPixelMax is the largest width or height (in pixels) of an image
// taken for a tracking pixel and dropped even when images are loaded.
const trackingPixelMax = 2

// mailHTML is an inbound message's HTML made safe to show: sanitised, every
// link opening in a new tab with rel="noopener noreferrer nofollow", tracking
// pixels dropped, and, unless loadImages, every remote image replaced by a
// placeholder naming it (so nothing is fetched from the sender's servers
// until the user asks). It reports how many images were held back.
func mailHTML(raw string, loadImages bool) (string, int) {
	clean := mailPolicy().Sanitize(raw)
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(clean), body)
	if err != nil {
		// Sanitised output always parses; if it ever does not, show nothing
		// rather than something unchecked.
		return "", 0
	}
	held := 0
	for _, n := range nodes {
		body.AppendChild(n)
	}
	var fix func(n *html.Node)
	fix = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode {
				switch c.DataAtom {
				case atom.Img:
					held += fixImage(c, loadImages)
				case atom.A, atom.Area:
					if hasAttr(c, "href") {
						setAttr(c, "rel", "noopener noreferrer nofollow")
						setAttr(c, "target", "_blank")
					}
				}
				fix(c)
			}
			c = next
		}
	}
	fix(body)
	var buf bytes.Buffer
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&buf, c); err != nil {
			return "", 0
		}
	}
	return buf.String(), held
}

// fixImage drops a tracking pixel or an image without an http(s) source,
// and replaces a remote image by its placeholder unless images are loaded.
// It returns 1 when it held an image back.
func fixImage(img *html.Node, load bool) int {
	src := getAttr(img, "src")
	lower := strings.ToLower(src)
	if !(strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")) || isPixel(img) {
		img.Parent.RemoveChild(img)
		return 0
	}
	if load {
		setAttr(img, "referrerpolicy", "no-referrer")
		setAttr(img, "loading", "lazy")
		return 0
	}
	label := "image"
	if alt := strings.TrimSpace(getAttr(img, "alt")); alt != "" {
		label = "image: " + alt
	}
	ph := &html.Node{Type: html.ElementNode, Data: "span", DataAtom: atom.Span,
		Attr: []html.Attribute{{Key: "class", Val: "img-held"}, {Key: "title", Val: "Not loaded: " + src}}}
	ph.AppendChild(&html.Node{Type: html.TextNode, Data: "[" + label + "]"})
	img.Parent.InsertBefore(ph, img)
	img.Parent.RemoveChild(img)
	return 1
}

// isPixel reports an image declared at most trackingPixelMax wide or high.
func isPixel(img *html.Node) bool {
	for _, k := range []string{"width", "height"} {
		v := strings.TrimSpace(strings.TrimSuffix(getAttr(img, k), "px"))
		if n, err := strconv.Atoi(v); err == nil && n <= trackingPixelMax {
			return true
		}
	}
	return false
}

func getAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}
