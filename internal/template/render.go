package template

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// filters are the pipeline stages that transform a value.
var filters = map[string]func(string) string{
	"lower":      strings.ToLower,
	"upper":      strings.ToUpper,
	"capitalize": capitalize,
}

// capitalize upper-cases the first letter and leaves the rest alone, so
// "mcDonald's" becomes "McDonald's" rather than "Mcdonald's".
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// Seed builds the seed Render expects from what identifies one message: the
// lead, the step number and the variant. The engine, the preview and a
// retry all build it here, so they render the same words.
func Seed(leadID string, step, variant int) string {
	return leadID + ":" + strconv.Itoa(step) + ":" + strconv.Itoa(variant)
}

// Render produces the text for one lead. The seed picks the spintax
// alternatives (see Seed); the same template, data and seed always give the
// same text. When a tag without a fallback has no value on the path the seed
// picks, Render returns a *MissingFieldsError instead of text with a hole.
func (t *Template) Render(data Data, seed string) (string, error) {
	r := renderer{data: &data, seed: hashSeed(seed)}
	r.walk(t.nodes)
	if len(r.missing) > 0 {
		return "", &MissingFieldsError{Fields: r.missing}
	}
	return r.b.String(), nil
}

// Preview renders like Render but never fails: a tag that needs a value the
// lead lacks is replaced by mark(name), so the review page can show it in
// red. The caller escapes mark's output for its medium.
func (t *Template) Preview(data Data, seed string, mark func(name string) string) string {
	r := renderer{data: &data, seed: hashSeed(seed), mark: mark}
	r.walk(t.nodes)
	return r.b.String()
}

// MissingFields lists the tags without a fallback whose value is empty for
// data, whichever spintax alternative they sit in: launch is refused while
// any lead is missing one, so no seed can hit a hole later. Names are as
// Tags spells them, in order of first appearance; nil when nothing is
// missing.
func (t *Template) MissingFields(data Data) []string {
	var missing []string
	walkTags(t.nodes, func(tg *tag) {
		if !tg.hasFallback && data.value(tg.field, tg.key) == "" && !slices.Contains(missing, tg.name) {
			missing = append(missing, tg.name)
		}
	})
	return missing
}

type renderer struct {
	data    *Data
	seed    uint64
	mark    func(string) string
	b       strings.Builder
	missing []string
}

func (r *renderer) walk(nodes []node) {
	for _, n := range nodes {
		switch n := n.(type) {
		case text:
			r.b.WriteString(string(n))
		case *tag:
			r.tag(n)
		case *choice:
			r.walk(n.alts[pick(r.seed, n.id, len(n.alts))])
		}
	}
}

func (r *renderer) tag(tg *tag) {
	v := r.data.value(tg.field, tg.key)
	if v == "" && !tg.hasFallback {
		if !slices.Contains(r.missing, tg.name) {
			r.missing = append(r.missing, tg.name)
		}
		if r.mark != nil {
			r.b.WriteString(r.mark(tg.name))
		}
		return
	}
	for _, st := range tg.stages {
		switch {
		case st.filter != nil:
			v = st.filter(v)
		case v == "":
			v = st.fallback
		}
	}
	r.b.WriteString(v)
}

func hashSeed(seed string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return h.Sum64()
}

// pick chooses an alternative for group id. Each group gets its own
// well-mixed number (splitmix64 finaliser), so choices are independent of
// one another and spread evenly across seeds.
func pick(seed uint64, id, n int) int {
	z := seed + uint64(id+1)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	z ^= z >> 31
	return int(z % uint64(n))
}
