package mailmsg

import (
	"bytes"
	"mime"
	"strings"
)

// Nesting and part-count limits keep hostile input (a million empty parts,
// a message/rfc822 nested a thousand deep) cheap. Real mail stays far below.
const (
	maxDepth = 20
	maxParts = 1000
)

// Part is one node of a message's MIME tree.
type Part struct {
	Header Header
	// MediaType is the lower-case "type/subtype" of Content-Type,
	// "text/plain" when absent or unreadable (RFC 2045 default).
	MediaType string
	// Params holds the Content-Type parameters with lower-case names.
	Params map[string]string
	// Body is the content with its Content-Transfer-Encoding undone but in
	// its own charset (see [Part.Text]). For message/rfc822 and
	// message/global it is the embedded message; for multipart it is nil.
	Body []byte
	// Parts are a multipart's children in order. A message/rfc822 or
	// message/global part has exactly one child: the embedded message,
	// whose Header is the original message's header.
	Parts []*Part
}

// Text returns Body converted to UTF-8 from the part's charset.
func (p *Part) Text() string {
	return decodeCharset(p.Body, p.Params["charset"])
}

// IsAttachment reports whether the part was sent as an attachment
// (Content-Disposition: attachment).
func (p *Part) IsAttachment() bool {
	d, _, _ := strings.Cut(p.Header.Get("Content-Disposition"), ";")
	return strings.EqualFold(strings.TrimSpace(d), "attachment")
}

// Walk calls fn for p and every part below it, depth first, in order.
// Returning false from fn skips that part's children.
func (p *Part) Walk(fn func(*Part) bool) {
	if p == nil || !fn(p) {
		return
	}
	for _, c := range p.Parts {
		c.Walk(fn)
	}
}

// Find returns the first part, depth first, whose media type is one of
// types, or nil.
func (p *Part) Find(types ...string) *Part {
	var found *Part
	p.Walk(func(q *Part) bool {
		if found != nil {
			return false
		}
		for _, t := range types {
			if q.MediaType == t {
				found = q
				return false
			}
		}
		return true
	})
	return found
}

// parser carries the part budget through one Parse call.
type parser struct{ parts int }

// parsePart builds the tree below one header/body pair.
func (ps *parser) parsePart(h Header, body []byte, depth int) *Part {
	ps.parts++
	p := &Part{Header: h}
	p.MediaType, p.Params = parseContentType(h.Get("Content-Type"))
	cte := h.Get("Content-Transfer-Encoding")
	descend := depth < maxDepth && ps.parts < maxParts
	switch {
	case strings.HasPrefix(p.MediaType, "multipart/") && p.Params["boundary"] != "" && descend:
		for _, chunk := range splitMultipart(body, p.Params["boundary"]) {
			if ps.parts >= maxParts {
				break
			}
			ch, cb := ParseHeader(chunk)
			p.Parts = append(p.Parts, ps.parsePart(ch, cb, depth+1))
		}
		if len(p.Parts) == 0 {
			// A multipart without a single delimiter: keep the bytes so a
			// reader can still look at them.
			p.Body = body
		}
	case (p.MediaType == "message/rfc822" || p.MediaType == "message/global") && descend:
		p.Body = decodeTransfer(body, cte)
		eh, eb := ParseHeader(p.Body)
		p.Parts = []*Part{ps.parsePart(eh, eb, depth+1)}
	default:
		p.Body = decodeTransfer(body, cte)
	}
	return p
}

// parseContentType returns the media type and parameters, recovering what it
// can from values mime.ParseMediaType rejects (duplicate or unquoted
// parameters with specials are common in the wild).
func parseContentType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || params == nil {
		mt, params = looseContentType(v)
	}
	mt = strings.ToLower(mt)
	if !strings.Contains(mt, "/") {
		mt = "text/plain"
	}
	return mt, params
}

// looseContentType splits "type/sub; a=b; c="d"" by hand.
func looseContentType(v string) (string, map[string]string) {
	fields := strings.Split(v, ";")
	params := map[string]string{}
	for _, f := range fields[1:] {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := params[k]; dup || k == "" {
			continue
		}
		params[k] = strings.Trim(strings.TrimSpace(val), `"'`)
	}
	return strings.TrimSpace(fields[0]), params
}

// splitMultipart returns the bodies between "--boundary" delimiter lines,
// each still with its own header. It tolerates a missing close delimiter
// (truncated bounces), LF line endings and trailing whitespace after
// delimiters. The preamble and epilogue are dropped.
func splitMultipart(body []byte, boundary string) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	for pos := 0; pos < len(body); {
		next := len(body)
		if i := bytes.IndexByte(body[pos:], '\n'); i >= 0 {
			next = pos + i + 1
		}
		line := bytes.TrimRight(body[pos:next], "\r\n")
		if rest, ok := bytes.CutPrefix(line, delim); ok {
			closing := bytes.HasPrefix(rest, []byte("--"))
			if closing || len(bytes.TrimSpace(rest)) == 0 {
				if start >= 0 {
					parts = append(parts, trimLineBreak(body[start:pos]))
				}
				if closing {
					return parts
				}
				start = next
			}
		}
		pos = next
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts
}

// trimLineBreak drops the one line break that RFC 2046 counts as part of
// the following delimiter.
func trimLineBreak(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
