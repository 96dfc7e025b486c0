package mailmsg

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// blockTags end a line of text when they open or close.
var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "tr": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"table": true, "blockquote": true, "hr": true, "pre": true, "section": true,
	"article": true, "header": true, "footer": true, "title": true,
}

// skipTags have content that is never shown as text.
var skipTags = map[string]bool{"script": true, "style": true, "head": true, "noscript": true, "template": true}

// HTMLToText renders an HTML body as plain text for matching and previews:
// tags stripped, entities decoded, script/style dropped, block elements on
// their own lines, blockquotes prefixed with "> " so quoted text stays
// recognisable, runs of blank lines collapsed. It is not a sanitiser.
func HTMLToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip, quote := 0, 0
	newline := func() {
		b.WriteByte('\n')
		if quote > 0 {
			b.WriteString(strings.Repeat("> ", quote))
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyText(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(collapseSpace(string(z.Text())))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case skipTags[tag] && tt == html.StartTagToken:
				skip++
			case skipTags[tag] && tt == html.EndTagToken:
				skip = max(0, skip-1)
			case tag == "blockquote" && tt == html.StartTagToken:
				quote++
				newline()
			case tag == "blockquote" && tt == html.EndTagToken:
				quote = max(0, quote-1)
				newline()
			case blockTags[tag]:
				newline()
			}
		}
	}
}

// collapseSpace turns runs of HTML whitespace (and no-break spaces, which
// mail editors scatter everywhere) into one space, keeping a leading or
// trailing space so adjacent inline text does not run together.
func collapseSpace(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	f := strings.Fields(s)
	if len(f) == 0 {
		if s == "" {
			return ""
		}
		return " "
	}
	out := strings.Join(f, " ")
	if strings.TrimLeftFunc(s, unicode.IsSpace) != s {
		out = " " + out
	}
	if strings.TrimRightFunc(s, unicode.IsSpace) != s {
		out += " "
	}
	return out
}

// tidyText trims each line and collapses runs of blank lines to one.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := true // drop leading blank lines
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.Trim(l, "> ") == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
