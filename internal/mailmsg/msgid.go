package mailmsg

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// fallbackDomain is used by NewMessageID when the caller's domain is not a
// usable dot-atom; ".invalid" (RFC 2606) can never collide with a real host.
const fallbackDomain = "leadbitz.invalid"

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewMessageID returns a fresh "<random@domain>" id: 160 random bits
// (RFC 5322 wants world-unique ids; 128 bits is the usual floor) and the
// sender's own domain, which receivers and spam filters expect. Pass the
// domain of the From address (see [Domain]); an empty or malformed domain
// falls back to "leadbitz.invalid".
func NewMessageID(domain string) string {
	var b [20]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	domain = strings.ToLower(strings.TrimSpace(domain))
	if !isDotAtom(domain) {
		domain = fallbackDomain
	}
	return "<" + strings.ToLower(idEncoding.EncodeToString(b[:])) + "@" + domain + ">"
}

// Domain returns the part of an address after the last "@", or "".
func Domain(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.Trim(addr[i+1:], "<> \t")
}

// isDotAtom reports whether s is an RFC 5322 dot-atom-text of the
// characters that make sense in a host name.
func isDotAtom(s string) bool {
	if s == "" || len(s) > 253 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// validMsgID reports whether id is "<left@right>" with no whitespace,
// brackets or control characters inside — what Build accepts.
func validMsgID(id string) bool {
	if len(id) < 5 || len(id) > 900 || id[0] != '<' || id[len(id)-1] != '>' {
		return false
	}
	inner := id[1 : len(id)-1]
	at := strings.LastIndexByte(inner, '@')
	if at <= 0 || at == len(inner)-1 {
		return false
	}
	for _, c := range inner {
		if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' {
			return false
		}
	}
	return true
}

// ParseMsgIDs extracts the message ids of an In-Reply-To, References or
// Message-ID value, each as "<id>". It copes with what real mailers write:
// comments, commas between ids, whitespace inside brackets, ids without
// brackets, a missing closing bracket at the end. Duplicates are dropped,
// order is kept.
func ParseMsgIDs(value string) []string {
	value = stripComments(value)
	var ids []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.Join(strings.Fields(s), "")
		s = strings.Trim(s, "<>")
		if s == "" || strings.ContainsAny(s, "<>") {
			return
		}
		id := "<" + s + ">"
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if !strings.Contains(value, "<") {
		for _, tok := range strings.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == ';' }) {
			if strings.Contains(tok, "@") {
				add(tok)
			}
		}
		return ids
	}
	for {
		start := strings.IndexByte(value, '<')
		if start < 0 {
			return ids
		}
		value = value[start+1:]
		end := strings.IndexAny(value, "<>")
		if end < 0 {
			add(value)
			return ids
		}
		if value[end] == '>' {
			add(value[:end])
			value = value[end+1:]
		}
		// On a second "<" before any ">" the first id was unterminated junk:
		// drop it and restart from the new bracket.
	}
}

// stripComments removes RFC 5322 (comments), nesting included, outside of
// angle brackets — "<a@b> (sent by foo)".
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth, inID := 0, false
	for _, r := range s {
		switch {
		case inID:
			inID = r != '>'
		case r == '(':
			depth++
			continue
		case r == ')' && depth > 0:
			depth--
			continue
		case depth == 0 && r == '<':
			inID = true
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ReplyReferences returns the References of a reply per RFC 5322 §3.6.4:
// the parent's References followed by the parent's Message-ID. When the
// parent had no References but a single In-Reply-To id, pass that id as
// parentReferences. Ids are normalised to "<id>" and duplicates dropped.
func ReplyReferences(parentMessageID string, parentReferences []string) []string {
	var refs []string
	seen := map[string]bool{}
	for _, r := range append(append([]string(nil), parentReferences...), parentMessageID) {
		for _, id := range ParseMsgIDs(r) {
			if !seen[id] {
				seen[id] = true
				refs = append(refs, id)
			}
		}
	}
	return refs
}

// replyPrefixes are the reply markers mail clients put in front of a
// subject, in lower case: English, German (AW), Nordic (SV, VS), Dutch
// (Antw), Italian (RIF), Portuguese (RES).
var replyPrefixes = []string{"re", "aw", "sv", "vs", "antw", "rif", "res"}

// ReplySubject returns "Re: " + the original subject with any existing
// reply markers ("Re:", "RE: Re:", "Re[2]:", "AW:") removed, so a thread
// never grows "Re: Re:". The rest of the subject is kept byte for byte:
// Gmail threads replies by subject.
func ReplySubject(s string) string {
	s = strings.TrimSpace(s)
	for {
		rest, ok := cutReplyPrefix(s)
		if !ok {
			break
		}
		s = rest
	}
	return "Re: " + s
}

// cutReplyPrefix removes one leading reply marker ("Re:", "RE[3]:", "Aw :").
func cutReplyPrefix(s string) (string, bool) {
	for _, p := range replyPrefixes {
		if len(s) < len(p) || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		rest := s[len(p):]
		if strings.HasPrefix(rest, "[") || strings.HasPrefix(rest, "(") {
			end := strings.IndexAny(rest, "])")
			if end < 0 {
				continue
			}
			rest = rest[end+1:]
		}
		rest = strings.TrimLeft(rest, " ")
		for _, colon := range []string{":", "："} { // ASCII and full-width
			if after, ok := strings.CutPrefix(rest, colon); ok {
				return strings.TrimSpace(after), true
			}
		}
	}
	return s, false
}
