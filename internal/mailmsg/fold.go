package mailmsg

import (
	"fmt"
	"mime"
	"strings"
)

const (
	foldAt     = 78  // RFC 5322 §2.1.1 SHOULD
	maxLineLen = 998 // RFC 5322 §2.1.1 MUST, excluding CRLF
)

// writeField appends "Key: value\r\n" to b, folded at spaces so lines stay
// within 78 characters where the value allows and never exceed 998.
func writeField(b *strings.Builder, key, value string) error {
	line := key + ":"
	first := true
	for _, word := range strings.Split(value, " ") {
		if word == "" { // a run of spaces: keep it, never fold inside it
			if !first {
				line += " "
			}
			continue
		}
		if !first && len(line)+1+len(word) > foldAt {
			b.WriteString(line)
			b.WriteString("\r\n")
			line = ""
		}
		line += " " + word
		first = false
		if len(line) > maxLineLen {
			return fmt.Errorf("%w: header %s has a word too long to fold", ErrInvalid, key)
		}
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return nil
}

// encodeText returns value as a header-safe string: unchanged when it is
// printable ASCII, else RFC 2047 encoded words (Q for mostly-Latin text,
// B when most bytes need escaping), each short enough to fold.
func encodeText(value string) string {
	ascii := 0
	for i := 0; i < len(value); i++ {
		if value[i] >= 0x20 && value[i] < 0x7f {
			ascii++
		}
	}
	if ascii == len(value) {
		return value
	}
	if ascii*3 >= len(value)*2 {
		return mime.QEncoding.Encode("utf-8", value)
	}
	return mime.BEncoding.Encode("utf-8", value)
}
