package mailmsg

import (
	"net/mail"
	"regexp"
	"strings"
)

var addressParser = &mail.AddressParser{WordDecoder: wordDecoder}

// looseAddr finds address-looking tokens in header values net/mail rejects.
var looseAddr = regexp.MustCompile(`[^\s<>"(),;:\[\]]+@[^\s<>"(),;:\[\]]+`)

// ParseAddressList parses an address header value (From, To, Cc…). When
// net/mail rejects the value, as it does for unquoted dots in names, bare
// "MAILER-DAEMON" or stray brackets, it falls back to picking out every
// address-looking token, so a bounce's From is never lost. Addresses are
// returned as written; names are decoded.
func ParseAddressList(value string) []mail.Address {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil
	}
	if list, err := addressParser.ParseList(value); err == nil {
		out := make([]mail.Address, 0, len(list))
		for _, a := range list {
			out = append(out, mail.Address{Name: toUTF8(a.Name), Address: a.Address})
		}
		return out
	}
	var out []mail.Address
	for _, loc := range looseAddr.FindAllStringIndex(value, -1) {
		addr := strings.Trim(value[loc[0]:loc[1]], ".")
		name := ""
		if len(out) == 0 {
			// Only the first address's name is recoverable with any
			// confidence: the text before it, unquoted.
			name = strings.Trim(strings.TrimSpace(value[:loc[0]]), `<"' `)
			name = DecodeHeaderText(name)
		}
		out = append(out, mail.Address{Name: name, Address: addr})
	}
	if len(out) > 0 {
		return out
	}
	// No "@" anywhere: a bare local part such as "MAILER-DAEMON" or
	// "Mail Delivery System <MAILER-DAEMON>". Keep it so the classifier can
	// still recognise the sender.
	name, addr := "", value
	if before, inside, ok := strings.Cut(value, "<"); ok {
		name, addr = strings.Trim(strings.TrimSpace(before), `"`), inside
	}
	addr = strings.TrimSpace(strings.Trim(addr, `<>" `))
	if strings.ContainsAny(addr, " \t") {
		name, addr = value, ""
	}
	return []mail.Address{{Name: DecodeHeaderText(name), Address: addr}}
}
