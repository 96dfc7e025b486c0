package mailmsg

import (
	"bytes"
	"strings"
)

// Field is one header field as it appeared, unfolded. Value is not
// RFC 2047-decoded; use [Header.Text] for human-readable fields.
type Field struct {
	Key   string
	Value string
}

// Header is an ordered list of fields. Lookups are case-insensitive, and
// repeated fields (Received, DKIM-Signature…) keep their order.
type Header []Field

// Get returns the first value of key, trimmed, or "" when absent.
func (h Header) Get(key string) string {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return f.Value
		}
	}
	return ""
}

// Has reports whether key is present, even with an empty value.
func (h Header) Has(key string) bool {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return true
		}
	}
	return false
}

// Values returns every value of key in order.
func (h Header) Values(key string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Text returns the first value of key with RFC 2047 encoded words decoded
// (any charset go-message/charset knows) and raw 8-bit bytes made UTF-8.
func (h Header) Text(key string) string {
	return DecodeHeaderText(h.Get(key))
}

// ParseHeader reads a header block and returns it with the bytes that follow
// the blank line ending it. It accepts CRLF, LF or mixed line endings, skips
// lines that are not fields (an mbox "From " line, junk), and treats a
// header without a blank line as running to the end of raw. It is also used
// for the field blocks of message/delivery-status and
// message/feedback-report parts and for text/rfc822-headers.
func ParseHeader(raw []byte) (Header, []byte) {
	var h Header
	rest := raw
	for len(rest) > 0 {
		line, next := cutLine(rest)
		if len(bytes.TrimRight(line, "\r")) == 0 {
			return h, next
		}
		rest = next
		if line[0] == ' ' || line[0] == '\t' {
			if len(h) > 0 {
				h[len(h)-1].Value = joinFolded(h[len(h)-1].Value, line)
			}
			continue
		}
		key, value, ok := bytes.Cut(line, []byte(":"))
		k := strings.TrimSpace(string(key))
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			continue // not a field: mbox separator or junk
		}
		h = append(h, Field{Key: k, Value: strings.TrimSpace(string(value))})
	}
	return h, nil
}

// cutLine returns the first line of b without its terminator and the rest.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimRight(b, "\r"), nil
	}
	return bytes.TrimRight(b[:i], "\r"), b[i+1:]
}

// joinFolded appends a continuation line to a value: unfolding per RFC 5322
// removes the line break and keeps the whitespace, which we collapse to one
// space because nothing we read depends on its width.
func joinFolded(value string, cont []byte) string {
	c := strings.TrimSpace(string(cont))
	if c == "" {
		return value
	}
	if value == "" {
		return c
	}
	return value + " " + c
}
