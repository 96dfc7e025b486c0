package classify

import (
	"github.com/leadbitz/leadbitz/internal/textmatch"

	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// months maps folded month names and abbreviations in English, German,
// French, Spanish, Dutch, Italian and Portuguese. Abbreviations that are
// also common words ("out", "set", "ago", "gen", "mag") are left out.
var months = map[string]time.Month{
	"january": 1, "jan": 1, "januar": 1, "janner": 1, "janvier": 1, "janv": 1, "enero": 1, "ene": 1, "januari": 1, "gennaio": 1, "janeiro": 1,
	"february": 2, "feb": 2, "februar": 2, "fevrier": 2, "fevr": 2, "febrero": 2, "februari": 2, "febbraio": 2, "fevereiro": 2, "fev": 2,
	"march": 3, "mar": 3, "marz": 3, "maerz": 3, "mars": 3, "marzo": 3, "maart": 3, "marco": 3, "mrz": 3,
	"april": 4, "apr": 4, "avril": 4, "avr": 4, "abril": 4, "aprile": 4, "abr": 4,
	"may": 5, "mai": 5, "mayo": 5, "mei": 5, "maggio": 5, "maio": 5,
	"june": 6, "jun": 6, "juni": 6, "juin": 6, "junio": 6, "giugno": 6, "junho": 6,
	"july": 7, "jul": 7, "juli": 7, "juillet": 7, "juil": 7, "julio": 7, "luglio": 7, "julho": 7,
	"august": 8, "aug": 8, "aout": 8, "agosto": 8, "augustus": 8,
	"september": 9, "sep": 9, "sept": 9, "septembre": 9, "septiembre": 9, "settembre": 9, "setembro": 9,
	"october": 10, "oct": 10, "oktober": 10, "okt": 10, "octobre": 10, "octubre": 10, "ottobre": 10, "ott": 10, "outubro": 10,
	"november": 11, "nov": 11, "novembre": 11, "noviembre": 11, "novembro": 11,
	"december": 12, "dec": 12, "dezember": 12, "dez": 12, "decembre": 12, "diciembre": 12, "dic": 12, "dicembre": 12, "dezembro": 12,
}

// weekdays maps folded weekday names (full forms only: "sun", "sat" and
// "wed" are words too).
var weekdays = map[string]time.Weekday{
	"monday": 1, "montag": 1, "lundi": 1, "lunes": 1, "maandag": 1, "lunedi": 1, "segunda-feira": 1,
	"tuesday": 2, "dienstag": 2, "mardi": 2, "martes": 2, "dinsdag": 2, "martedi": 2, "terca-feira": 2,
	"wednesday": 3, "mittwoch": 3, "mercredi": 3, "miercoles": 3, "woensdag": 3, "mercoledi": 3, "quarta-feira": 3,
	"thursday": 4, "donnerstag": 4, "jeudi": 4, "jueves": 4, "donderdag": 4, "giovedi": 4, "quinta-feira": 4,
	"friday": 5, "freitag": 5, "vendredi": 5, "viernes": 5, "vrijdag": 5, "venerdi": 5, "sexta-feira": 5,
	"saturday": 6, "samstag": 6, "samedi": 6, "sabado": 6, "zaterdag": 6, "sabato": 6,
	"sunday": 0, "sonntag": 0, "dimanche": 0, "domingo": 0, "zondag": 0, "domenica": 0,
}

// tomorrowWords resolve to the day after the message date.
var tomorrowWords = textmatch.MustCompile(`\b(?:tomorrow|morgen|demain|manana|domani|amanha)\b`)

func alternation[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, regexp.QuoteMeta(k))
	}
	// Longest first, so "december" wins over "dec".
	sort.Slice(keys, func(i, j int) bool {
		return len(keys[i]) > len(keys[j]) || len(keys[i]) == len(keys[j]) && keys[i] < keys[j]
	})
	return strings.Join(keys, "|")
}

var (
	monthAlt = alternation(months)

	// Patterns over folded text, in priority order: a span taken by an
	// earlier pattern is not re-read by a later one.
	isoDate      = textmatch.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	dayMonthName = textmatch.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th|er|e|o|\.)?\s*(?:de\s+|of\s+)?(` + monthAlt + `)\b\.?(?:,?\s*(?:de\s+)?(\d{4})\b)?`)
	monthNameDay = textmatch.MustCompile(`\b(` + monthAlt + `)\b\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?`)
	dottedDate   = textmatch.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(?:(\d{4}|\d{2})\b)?`)
	slashDate    = textmatch.MustCompile(`\b(\d{1,2})([/-])(\d{1,2})(?:[/-](\d{4}|\d{2}))?\b`)
	weekdayName  = textmatch.MustCompile(`\b(` + alternation(weekdays) + `)\b`)

	// returnWords introduce the day someone is back; untilWords the last
	// day away (close enough: either is when to follow up). Return words
	// are tried first: "bis 02.12., ab dem 03.12. wieder da" → 03.12.
	returnWords = textmatch.MustCompile(`\b(?:back|return|returning|returns|resume|resuming|available again|reachable again|zuruck|wieder|ruckkehr|ab dem|ab|retour|reviendrai|rentre|rentrerai|a partir du|a partir de|a partir del|regreso|regresare|vuelvo|volvere|retorno|terug|vanaf|weer|rientro|rientrero|tornero|ritorno|volto|voltarei|regresso)\b`)
	untilWords  = textmatch.MustCompile(`\b(?:until|till|til|through|thru|bis|jusqu'au|jusqu'a|jusqu au|jusqu|hasta|tot en met|t/m|tot|fino al|fino a|fino|ate)\b`)
)

// keywordWindow is how far after a return/until word a date may start.
const keywordWindow = 45

// dateCand is one date mention. year is 0 when not written; alt is the
// month-first reading of an ambiguous numeric date.
type dateCand struct {
	start, end int
	day, month int
	year       int
	alt        *dateCand
	weekday    time.Weekday
	isWeekday  bool
	tomorrow   bool
	// weak mentions ("12/03" without a year, "Monday", "tomorrow") count
	// only right after a return/until word.
	weak bool
}

// returnDate finds the return date an out-of-office message states, or
// nil. text must be folded. ref is the message's Date: years left out and
// weekdays are resolved relative to it; with a zero ref only dates with a
// written year can be used.
func returnDate(text string, ref time.Time) *time.Time {
	cands := findDates(text)
	for _, words := range []textmatch.Pattern{returnWords, untilWords} {
		for _, kw := range words.FindAllStringIndex(text, -1) {
			for _, c := range cands {
				if c.start < kw[1] || c.start-kw[1] > keywordWindow {
					continue
				}
				if strings.Contains(text[kw[1]:c.start], "\n\n") {
					break
				}
				if t, ok := c.resolve(ref); ok {
					return &t
				}
				break
			}
		}
	}
	// No date follows a return word: take the latest firm date that is
	// not in the past ("OOO 25.11.2026 – 03.12.2026").
	var best *time.Time
	for _, c := range cands {
		if c.weak {
			continue
		}
		t, ok := c.resolve(ref)
		if !ok || !ref.IsZero() && t.Before(day(ref)) {
			continue
		}
		if best == nil || t.After(*best) {
			best = &t
		}
	}
	return best
}

// findDates returns every date mention in text, in order of position.
func findDates(text string) []dateCand {
	var cands []dateCand
	taken := func(s, e int) bool {
		for _, c := range cands {
			if s < c.end && e > c.start {
				return true
			}
		}
		return false
	}
	add := func(c dateCand) {
		if !taken(c.start, c.end) {
			cands = append(cands, c)
		}
	}
	for _, m := range isoDate.FindAllStringSubmatchIndex(text, -1) {
		add(dateCand{start: m[0], end: m[1], year: atoi(text, m, 1), month: atoi(text, m, 2), day: atoi(text, m, 3)})
	}
	for _, m := range dayMonthName.FindAllStringSubmatchIndex(text, -1) {
		add(dateCand{start: m[0], end: m[1], day: atoi(text, m, 1), month: int(months[text[m[4]:m[5]]]), year: atoi(text, m, 3)})
	}
	for _, m := range monthNameDay.FindAllStringSubmatchIndex(text, -1) {
		add(dateCand{start: m[0], end: m[1], month: int(months[text[m[2]:m[3]]]), day: atoi(text, m, 2), year: atoi(text, m, 3)})
	}
	for _, m := range dottedDate.FindAllStringSubmatchIndex(text, -1) {
		add(dateCand{start: m[0], end: m[1], day: atoi(text, m, 1), month: atoi(text, m, 2), year: atoi(text, m, 3)})
	}
	for _, m := range slashDate.FindAllStringSubmatchIndex(text, -1) {
		a, b, y := atoi(text, m, 1), atoi(text, m, 3), atoi(text, m, 4)
		if y == 0 && text[m[4]:m[5]] == "-" {
			continue // "3-4 days" is a range, not a date
		}
		c := dateCand{start: m[0], end: m[1], day: a, month: b, year: y, weak: y == 0}
		switch {
		case a > 12 && b <= 12: // day first
		case b > 12 && a <= 12:
			c.day, c.month = b, a
		case a == b:
		default:
			c.alt = &dateCand{day: b, month: a, year: y}
		}
		add(c)
	}
	for _, m := range weekdayName.FindAllStringSubmatchIndex(text, -1) {
		add(dateCand{start: m[0], end: m[1], isWeekday: true, weekday: weekdays[text[m[2]:m[3]]], weak: true})
	}
	for _, m := range tomorrowWords.FindAllStringIndex(text, -1) {
		add(dateCand{start: m[0], end: m[1], tomorrow: true, weak: true})
	}
	slices.SortFunc(cands, func(a, b dateCand) int { return a.start - b.start })
	// "Monday 7 Dec 2026": the weekday only names the date that follows.
	return slices.DeleteFunc(slices.Clone(cands), func(c dateCand) bool {
		if !c.isWeekday {
			return false
		}
		for _, n := range cands {
			if !n.isWeekday && n.start >= c.end && n.start-c.end <= 4 {
				return true
			}
		}
		return false
	})
}

// resolve turns a mention into a date at midnight UTC.
func (c dateCand) resolve(ref time.Time) (time.Time, bool) {
	switch {
	case c.tomorrow:
		if ref.IsZero() {
			return time.Time{}, false
		}
		return day(ref).AddDate(0, 0, 1), true
	case c.isWeekday:
		if ref.IsZero() {
			return time.Time{}, false
		}
		d := day(ref).AddDate(0, 0, 1)
		for d.Weekday() != c.weekday {
			d = d.AddDate(0, 0, 1)
		}
		return d, true
	case c.alt != nil:
		// dd/mm or mm/dd: keep the one reading that falls within the next
		// 90 days; two or none → not stated clearly enough.
		var fits []time.Time
		for _, r := range []dateCand{{day: c.day, month: c.month, year: c.year}, *c.alt} {
			t, ok := r.resolve(ref)
			if ok && !ref.IsZero() && !t.Before(day(ref)) && t.Before(day(ref).AddDate(0, 0, 91)) {
				fits = append(fits, t)
			}
		}
		if len(fits) != 1 {
			return time.Time{}, false
		}
		return fits[0], true
	}
	year := c.year
	if year > 0 && year < 100 {
		year += 2000
	}
	if year == 0 {
		if ref.IsZero() {
			return time.Time{}, false
		}
		year = ref.Year()
		// A day-month more than a month behind the message belongs to
		// next year: "back on 3 January", written on 20 December.
		if t, ok := dateOf(year, c.month, c.day); ok && t.Before(day(ref).AddDate(0, 0, -30)) {
			year++
		}
	}
	if year < 1970 || year > 2200 {
		return time.Time{}, false
	}
	return dateOf(year, c.month, c.day)
}

// dateOf builds a date, rejecting impossible ones (31 June).
func dateOf(y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d
}

// day is ref's calendar day at midnight UTC, in ref's own zone.
func day(ref time.Time) time.Time {
	y, m, d := ref.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// atoi reads submatch i of m in text, 0 when absent.
func atoi(text string, m []int, i int) int {
	if m[2*i] < 0 {
		return 0
	}
	n, _ := strconv.Atoi(text[m[2*i]:m[2*i+1]])
	return n
}
