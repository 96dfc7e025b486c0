package mailfake

import (
	"bytes"
	"net/mail"
	"regexp"
	"strings"
)

// SetHeader returns raw with header name set to value: the new field first,
// every existing one (with its folded lines) removed.
func SetHeader(raw []byte, name, value string) []byte {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(raw)
	} else {
		end += 2 // keep the last header line's CRLF with the header
	}
	var b strings.Builder
	b.WriteString(name + ": " + value + "\r\n")
	skipping := false
	for _, l := range strings.SplitAfter(string(raw[:end]), "\r\n") {
		if skipping && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) {
			continue
		}
		skipping = false
		if n, _, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(n), name) {
			skipping = true
			continue
		}
		b.WriteString(l)
	}
	return append([]byte(b.String()), raw[end:]...)
}

var msgIDRe = regexp.MustCompile(`<[^<>\s]+>`)

// References returns the Message-IDs a message with header h replies to:
// those of In-Reply-To, then of References.
func References(h mail.Header) []string {
	return msgIDRe.FindAllString(h.Get("In-Reply-To")+" "+h.Get("References"), -1)
}
