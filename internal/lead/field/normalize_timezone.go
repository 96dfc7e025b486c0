package field

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/leadbitz/leadbitz/internal/timezone"
)

// NormalizeTimezone returns an IANA time zone name ("Europe/Paris"), the
// only form the scheduler's sending windows can use, or a *Error
// (Field "timezone"). Placeholders give "".
//
// Decisions, because exports rarely hold clean IANA names:
//   - Case is repaired: "europe/paris" → "Europe/Paris".
//   - HubSpot's internal values ("america_slash_new_york") and labels with an
//     offset in front ("(GMT+01:00) Europe/Paris") are read.
//   - North American abbreviations and their long names map to the city
//     zone people mean, with daylight saving: EST/EDT/ET/"Eastern Time" →
//     America/New_York, CST/CT → America/Chicago, MST/MT → America/Denver
//     (MST alone too, though Arizona has no DST), PST/PT →
//     America/Los_Angeles, AKST → America/Anchorage, HST → Pacific/Honolulu.
//     GMT, UTC and Z → UTC. The tz database's own "EST" is a fixed offset,
//     which is not what a person writing EST means.
//   - A whole-hour offset ("UTC+2", "GMT-05:00", "+03") maps to
//     Etc/GMT-2-style zones (POSIX sign: Etc/GMT-2 is UTC+2). Other offsets
//     and ambiguous abbreviations (IST, BST, CST for China) are refused with
//     a message asking for a zone name.
func NormalizeTimezone(s string) (string, error) {
	s = collapseSpace(s)
	if s == "" || isPlaceholder(s) {
		return "", nil
	}
	if z, ok := tzCache.Load(s); ok {
		return z.(string), nil
	}
	z, err := resolveTimezone(s)
	if err != nil {
		return "", fieldErr(Timezone, err.Error())
	}
	if tzCacheSize.Add(1) <= maxTZCache {
		tzCache.Store(s, z)
	}
	return z, nil
}

// tzCache remembers resolved spellings: time.LoadLocation parses zone data
// on every call, too slow for a million rows that repeat a few zones. Only
// successes are cached, and at most maxTZCache of them, so hostile input
// cannot grow it.
var (
	tzCache     sync.Map
	tzCacheSize atomic.Int64
)

const maxTZCache = 4096

// tzAliases maps lower-cased abbreviations and long names to zones.
var tzAliases = map[string]string{
	"est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
	"eastern": "America/New_York", "eastern time": "America/New_York",
	"eastern standard time": "America/New_York", "eastern time (us & canada)": "America/New_York",
	"us/eastern": "America/New_York",
	"cst":        "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
	"central": "America/Chicago", "central time": "America/Chicago",
	"central standard time": "America/Chicago", "central time (us & canada)": "America/Chicago",
	"us/central": "America/Chicago",
	"mst":        "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
	"mountain": "America/Denver", "mountain time": "America/Denver",
	"mountain standard time": "America/Denver", "mountain time (us & canada)": "America/Denver",
	"us/mountain": "America/Denver",
	"pst":         "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
	"pacific": "America/Los_Angeles", "pacific time": "America/Los_Angeles",
	"pacific standard time": "America/Los_Angeles", "pacific time (us & canada)": "America/Los_Angeles",
	"us/pacific": "America/Los_Angeles",
	"akst":       "America/Anchorage", "akdt": "America/Anchorage", "alaska": "America/Anchorage",
	"hst": "Pacific/Honolulu", "hawaii": "Pacific/Honolulu",
	"gmt": "UTC", "utc": "UTC", "z": "UTC", "zulu": "UTC", "etc/utc": "UTC", "etc/gmt": "UTC",
	"universal": "UTC", "coordinated universal time": "UTC", "greenwich mean time": "UTC",
}

// refusedZones load from the tz database but are not zones a person lives in.
var refusedZones = map[string]bool{"Local": true, "Factory": true, "posixrules": true, "localtime": true}

func resolveTimezone(s string) (string, error) {
	// "(GMT+01:00) Europe/Paris" and "(UTC-05:00) Eastern Time (US & Canada)"
	if strings.HasPrefix(s, "(") {
		if i := strings.IndexByte(s, ')'); i > 0 {
			if rest := strings.TrimSpace(s[i+1:]); rest != "" {
				if z, err := resolveTimezone(rest); err == nil {
					return z, nil
				}
			}
			s = s[1:i]
		}
	}
	lower := strings.ToLower(s)
	lower = strings.ReplaceAll(lower, "_slash_", "/")
	if z, ok := tzAliases[lower]; ok {
		return z, nil
	}
	if z, ok, err := offsetZone(lower); ok {
		return z, err
	}
	if !isZoneName(s) {
		return "", fmt.Errorf("%q is not an IANA time zone name (like Europe/Paris)", Truncate(s, 40))
	}
	for _, cand := range []string{strings.ReplaceAll(s, "_slash_", "/"), zoneCase(lower)} {
		if refusedZones[cand] {
			continue
		}
		if _, err := timezone.Location(cand); err == nil {
			return cand, nil
		}
	}
	return "", fmt.Errorf("%q is not an IANA time zone name (like Europe/Paris)", Truncate(s, 40))
}

// isZoneName reports whether s has the shape of a tz database name, so that
// nothing else reaches timezone.Location.
func isZoneName(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '/' || strings.Contains(s, "..") || strings.Contains(s, "//") {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/_+-", c) >= 0) {
			return false
		}
	}
	return true
}

// zoneCase rebuilds the capitalisation of a lower-cased zone name:
// "america/port_of_spain" → "America/Port_of_Spain", "etc/gmt+5" →
// "Etc/GMT+5". Names with odd capitals (America/DumontDUrville) are not
// recovered and must be written exactly.
func zoneCase(lower string) string {
	if rest, ok := strings.CutPrefix(lower, "etc/"); ok {
		return "Etc/" + strings.ToUpper(rest)
	}
	b := []byte(lower)
	start := true
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '/' || c == '_' || c == '-' {
			start = true
			continue
		}
		if start && 'a' <= c && c <= 'z' && !isLowerWord(lower[i:]) {
			b[i] = c - 'a' + 'A'
		}
		start = false
	}
	return string(b)
}

// isLowerWord reports the particles tz names keep in lower case
// (Port_of_Spain, Dar_es_Salaam, Port-au-Prince, Isle_of_Man).
func isLowerWord(rest string) bool {
	for _, w := range []string{"of", "es", "au"} {
		if after, ok := strings.CutPrefix(rest, w); ok && after != "" && (after[0] == '_' || after[0] == '-') {
			return true
		}
	}
	return false
}

// offsetZone reads "utc+2", "gmt-05:00", "+03", "utc +5:30" and answers an
// Etc/GMT zone for whole hours. ok is false when s is not an offset at all.
func offsetZone(lower string) (zone string, ok bool, err error) {
	s := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(lower, "utc"), "gmt"))
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return "", false, nil
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	hh, mm, _ := strings.Cut(strings.TrimSpace(s[1:]), ":")
	if mm == "" && len(hh) == 4 { // "+0530"
		hh, mm = hh[:2], hh[2:]
	}
	h, err1 := strconv.Atoi(hh)
	m := 0
	var err2 error
	if mm != "" {
		m, err2 = strconv.Atoi(mm)
	}
	if err1 != nil || err2 != nil || len(hh) > 2 || h < 0 || h > 14 || m < 0 || m >= 60 {
		return "", true, fmt.Errorf("%q is not a valid UTC offset", Truncate(lower, 20))
	}
	if m != 0 {
		return "", true, fmt.Errorf("offset %q is not a whole hour; use a zone name (like Asia/Kolkata)", Truncate(lower, 20))
	}
	switch {
	case h == 0:
		return "UTC", true, nil
	case sign > 0:
		return "Etc/GMT-" + strconv.Itoa(h), true, nil
	default:
		if h > 12 {
			return "", true, fmt.Errorf("offset %q does not exist", Truncate(lower, 20))
		}
		return "Etc/GMT+" + strconv.Itoa(h), true, nil
	}
}
