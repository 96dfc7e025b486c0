package field

import (
	"strings"
	"unicode"
)

// E.164 numbers have at most 15 digits; fewer than 5 is no dialable number.
const (
	minPhoneDigits = 5
	maxPhoneDigits = 15
)

// NormalizePhone keeps a phone number's leading "+" and its digits and drops
// the punctuation people format it with: "+1 (415) 555-0100" →
// "+14155550100". It also handles what exports add around numbers: Excel's
// leading apostrophe, a "tel:" prefix, the international "00" prefix (→ "+"),
// the "(0)" trunk digit written inside an international number
// ("+33 (0)1 23 45 67 89" → "+33123456789"), and an extension after the
// number ("x12", "ext. 12", "#12"), which is dropped. Placeholders give "".
// It does not guess a country code for national numbers: without a "+" the
// digits are kept as they are. It fails (Field "phone") for letters inside
// the number, a misplaced "+", or fewer than 5 or more than 15 digits.
func NormalizePhone(s string) (string, error) {
	s = TrimSpace(s)
	s = strings.TrimPrefix(s, "'")
	if len(s) >= 4 && strings.EqualFold(s[:4], "tel:") {
		s = s[4:]
	}
	s = TrimSpace(s)
	if s == "" || isPlaceholder(s) {
		return "", nil
	}
	if len(s) > 100 {
		return "", fieldErr(Phone, "is too long for a phone number")
	}
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00") {
		// "+33 (0)1 23…": the trunk 0 is not dialled from abroad.
		s = strings.Replace(s, "(0)", "", 1)
	}
	plus := false
	var buf [maxPhoneDigits + 2]byte // "+" and one digit too many
	digits := buf[1:1]
	for i, r := range s {
		switch {
		case '0' <= r && r <= '9':
			if len(digits) <= maxPhoneDigits {
				digits = append(digits, byte(r))
			}
		case r == '+':
			if plus || len(digits) > 0 {
				return "", fieldErr(Phone, "has a + that is not at the start")
			}
			plus = true
		case strings.ContainsRune(" -.()/\u00a0\u2010\u2011\u2012\u2013\u2014", r):
		case unicode.IsLetter(r) || r == '#' || r == ',' || r == ';':
			if len(digits) >= minPhoneDigits && isExtension(s[i:]) {
				return finishPhone(s, plus, buf[:], digits)
			}
			return "", fieldErr(Phone, "contains letters or symbols")
		default:
			return "", fieldErr(Phone, "contains letters or symbols")
		}
	}
	return finishPhone(s, plus, buf[:], digits)
}

// isExtension reports whether rest starts an extension: "x12", "ext 12",
// "ext. 12", "extension 12", "#12", ",12" or ";ext=12".
func isExtension(rest string) bool {
	l := strings.ToLower(rest)
	for _, p := range []string{";ext=", "extension", "ext.", "ext", "x", "#", ",", ";"} {
		if after, ok := strings.CutPrefix(l, p); ok {
			after = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(after), ":"))
			return after != "" && strings.Trim(after, "0123456789") == ""
		}
	}
	return false
}

// finishPhone applies the "00" prefix rule and checks the digit count.
// digits live in buf from index 1, so the "+" can go in front without a
// copy; s is returned as is when it already is the result.
func finishPhone(s string, plus bool, buf, digits []byte) (string, error) {
	if !plus && len(digits) >= 2 && digits[0] == '0' && digits[1] == '0' {
		plus, digits = true, digits[2:]
		buf = buf[2:]
	}
	switch {
	case len(digits) < minPhoneDigits:
		return "", fieldErr(Phone, "has fewer than 5 digits")
	case len(digits) > maxPhoneDigits:
		return "", fieldErr(Phone, "has more than 15 digits")
	case plus && digits[0] == '0':
		return "", fieldErr(Phone, "country code after + cannot start with 0")
	}
	out := digits
	if plus {
		buf[0] = '+'
		out = buf[:len(digits)+1]
	}
	if string(out) == s {
		return s, nil
	}
	return string(out), nil
}
