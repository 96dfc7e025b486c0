// Package mailhtml is the one sanitiser of inbound HTML mail: the Replies
// page's sandboxed frame (internal/web) and the JSON API's thread
// (internal/replies, GET /api/replies/{id}) both show a sender's HTML
// through Sanitize, so neither can be weaker than the other.
package mailhtml

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is bluemonday's user-generated-content rules (no script, style,
// form, iframe, object, meta or event-handler attribute; only http, https
// and mailto URLs), with absolute URLs only and no inline styles, so
// nothing in a message can run, restyle our page or reach our own paths.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
})

// pixelMax is the largest width or height (in CSS pixels) of an image
// taken for a tracking pixel and dropped even when images are loaded.
const pixelMax = 2

// Sanitize makes an inbound message's HTML safe to show: tracking pixels
// and hidden images dropped (read from the original, whose size and
// visibility may be in a style attribute the sanitiser then removes),
// sanitised, every link opening in a new tab with rel="noopener noreferrer
// nofollow", images without an http(s) source dropped and, unless
// loadImages, every remote image replaced by a placeholder naming it (so
// nothing is fetched from the sender's servers until the user asks). It
// returns the HTML and how many images were held back.
func Sanitize(raw string, loadImages bool) (string, int) {
	clean := policy().Sanitize(dropPixels(raw))
	body, ok := parse(clean)
	if !ok {
		// Sanitised output always parses; if it ever does not, show nothing
		// rather than something unchecked.
		return "", 0
	}
	held := 0
	walk(body, func(n *html.Node) {
		switch n.DataAtom {
		case atom.Img:
			held += fixImage(n, loadImages)
		case atom.A, atom.Area:
			if hasAttr(n, "href") {
				setAttr(n, "rel", "noopener noreferrer nofollow")
				setAttr(n, "target", "_blank")
			}
		}
	})
	out, ok := render(body)
	if !ok {
		return "", 0
	}
	return out, held
}

// dropPixels removes, before sanitising, the images a reader would not see:
// at most pixelMax wide or high (by attribute or style), or hidden by their
// own or an ancestor's style. The result goes through the sanitiser, so
// what this parse and render make of hostile markup does not matter.
func dropPixels(raw string) string {
	body, ok := parse(raw)
	if !ok {
		return raw
	}
	var drop []*html.Node
	var visit func(n *html.Node, hidden bool)
	visit = func(n *html.Node, hidden bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			style := parseStyle(getAttr(c, "style"))
			h := hidden || isHidden(style)
			if c.DataAtom == atom.Img && (h || isPixel(getAttr(c, "width"), getAttr(c, "height"), style)) {
				drop = append(drop, c)
				continue
			}
			visit(c, h)
		}
	}
	visit(body, false)
	if len(drop) == 0 {
		return raw
	}
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
	out, ok := render(body)
	if !ok {
		return ""
	}
	return out
}

// isPixel reports whether an image's width or height attribute, or its
// style's width, height, max-width or max-height, is at most pixelMax CSS
// pixels: "1", "1px", "1 px", "1.0", "0", "width:1px".
func isPixel(width, height string, style map[string]string) bool {
	for _, v := range []string{width, height} {
		if n, ok := attrPixels(v); ok && n <= pixelMax {
			return true
		}
	}
	for _, k := range []string{"width", "height", "max-width", "max-height"} {
		if n, ok := cssPixels(style[k]); ok && n <= pixelMax {
			return true
		}
	}
	return false
}

// attrPixels reads a width or height attribute: a number of pixels,
// perhaps with "px" and spaces. Percentages are not pixels.
func attrPixels(v string) (float64, bool) {
	v = strings.TrimSpace(strings.ToLower(v))
	v = strings.TrimSpace(strings.TrimSuffix(v, "px"))
	n, err := strconv.ParseFloat(v, 64)
	return n, err == nil
}

// cssPixels reads a CSS length in pixels: unitless or px, pt (4/3 px);
// zero in any unit is zero. Other units ("em", "%") are not judged.
func cssPixels(v string) (float64, bool) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))
	i := strings.IndexFunc(v, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+') })
	num, unit := v, ""
	if i >= 0 {
		num, unit = v[:i], strings.TrimSpace(v[i:])
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	switch {
	case n == 0:
		return 0, true
	case unit == "" || unit == "px":
		return n, true
	case unit == "pt":
		return n * 4 / 3, true
	}
	return 0, false
}

// parseStyle reads a style attribute's declarations, property names and
// values lower-cased.
func parseStyle(s string) map[string]string {
	if s == "" {
		return nil
	}
	out := map[string]string{}
	for decl := range strings.SplitSeq(strings.ToLower(s), ";") {
		if k, v, ok := strings.Cut(decl, ":"); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// isHidden reports a style that keeps an element from being seen.
func isHidden(style map[string]string) bool {
	first := func(k string) string { return strings.TrimSpace(strings.TrimSuffix(style[k], "!important")) }
	if first("display") == "none" || first("visibility") == "hidden" {
		return true
	}
	n, err := strconv.ParseFloat(first("opacity"), 64)
	return err == nil && n == 0
}

// fixImage drops an image without an http(s) source, and replaces a
// remote image by its placeholder unless images are loaded. It returns 1
// when it held an image back.
func fixImage(img *html.Node, load bool) int {
	src := getAttr(img, "src")
	lower := strings.ToLower(src)
	if !(strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")) ||
		isPixel(getAttr(img, "width"), getAttr(img, "height"), nil) {
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

// parse reads HTML as the content of a body element.
func parse(s string) (*html.Node, bool) {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return nil, false
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	return body, true
}

func render(body *html.Node) (string, bool) {
	var buf bytes.Buffer
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&buf, c); err != nil {
			return "", false
		}
	}
	return buf.String(), true
}

// walk calls fn on every element under n, depth first; fn may remove the
// element it is given.
func walk(n *html.Node, fn func(*html.Node)) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			fn(c)
			walk(c, fn)
		}
		c = next
	}
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
