package classify

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
)

// dsnRecipient is one per-recipient block of an RFC 3464 report.
type dsnRecipient struct {
	addr       string
	action     string // failed | delayed | delivered | relayed | expanded
	status     string // "5.1.1"
	diagnostic string
}

// statusCode matches an RFC 3463 enhanced status code on its own.
var statusCode = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}$`)

// parseDeliveryStatus reads the field blocks of a message/delivery-status
// (or message/global-delivery-status) body: one per-message block, then one
// block per recipient. A block with a recipient field is a recipient block
// wherever it appears; MTAs that skip the per-message block exist.
func parseDeliveryStatus(body []byte) []dsnRecipient {
	var out []dsnRecipient
	rest := body
	for len(rest) > 0 {
		rest = bytes.TrimLeft(rest, "\r\n \t")
		if len(rest) == 0 {
			break
		}
		var h mailmsg.Header
		h, rest = mailmsg.ParseHeader(rest)
		if len(h) == 0 {
			// A line that is not a field: skip it and keep reading.
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				rest = rest[i+1:]
			} else {
				break
			}
			continue
		}
		addr := dsnAddress(h.Get("Final-Recipient"))
		if addr == "" {
			addr = dsnAddress(h.Get("Original-Recipient"))
		}
		if addr == "" {
			addr = dsnAddress(h.Get("X-Actual-Recipient"))
		}
		action := strings.ToLower(strings.TrimSpace(h.Get("Action")))
		if addr == "" && action == "" {
			continue // the per-message block
		}
		status := ""
		if f := strings.Fields(h.Get("Status")); len(f) > 0 && statusCode.MatchString(f[0]) {
			status = f[0]
		}
		if action == "" {
			// Broken reports omit Action; infer it from the class.
			switch {
			case strings.HasPrefix(status, "5"):
				action = "failed"
			case strings.HasPrefix(status, "4"):
				action = "delayed"
			}
		}
		out = append(out, dsnRecipient{
			addr:       addr,
			action:     action,
			status:     status,
			diagnostic: cleanDiagnostic(h.Get("Diagnostic-Code")),
		})
	}
	return out
}

// dsnAddress strips the address-type ("rfc822;", "utf-8;") and brackets.
func dsnAddress(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	if !strings.Contains(v, "@") || strings.ContainsAny(v, " \t") {
		return ""
	}
	return strings.ToLower(v)
}

// cleanDiagnostic drops the diagnostic type ("smtp;") and squeezes space.
func cleanDiagnostic(v string) string {
	if t, after, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(t, " \t") && len(t) < 12 {
		v = after
	}
	return truncate(strings.Join(strings.Fields(v), " "), 500)
}
