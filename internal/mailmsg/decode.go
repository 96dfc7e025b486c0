package mailmsg

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// wordDecoder decodes RFC 2047 encoded words in any charset that
// go-message/charset knows (ISO-8859-*, Windows-125x, KOI8, Shift_JIS, GB18030…).
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// DecodeHeaderText decodes RFC 2047 encoded words in a header value. Broken
// encoded words are left as written rather than failing the whole value, and
// raw 8-bit bytes (common from old mailers) become UTF-8.
func DecodeHeaderText(s string) string {
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		}
	}
	return toUTF8(s)
}

// toUTF8 returns s unchanged when it is valid UTF-8 and otherwise reads it as
// Windows-1252, the de-facto charset of unlabelled 8-bit mail.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	d, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return d
}

// decodeTransfer undoes a Content-Transfer-Encoding. Damaged input yields
// what could be decoded, never an error: a half-readable bounce is still
// useful.
func decodeTransfer(body []byte, cte string) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return decodeBase64(body)
	case "quoted-printable":
		out, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		return out
	default:
		return body
	}
}

// decodeBase64 decodes base64 while ignoring line breaks, stray characters
// and missing or early padding.
func decodeBase64(body []byte) []byte {
	clean := make([]byte, 0, len(body))
	for _, c := range body {
		// Everything but the alphabet (CRLF, spaces, "=" padding, junk) is
		// skipped: RawStdEncoding needs no padding.
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
			clean = append(clean, c)
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

// decodeCharset converts a text body to UTF-8. An unknown or missing charset
// falls back to UTF-8 when the bytes are valid UTF-8, else Windows-1252.
func decodeCharset(body []byte, cs string) string {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return toUTF8(string(body))
	}
	r, err := charset.Reader(cs, bytes.NewReader(body))
	if err != nil {
		return toUTF8(string(body))
	}
	out, err := io.ReadAll(r)
	if err != nil && len(out) == 0 {
		return toUTF8(string(body))
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}
