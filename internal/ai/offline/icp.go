package offline

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// GenerateICP builds a profile from the description by rules; see BuildICP.
func (*Generator) GenerateICP(ctx context.Context, req ai.ICPRequest) (ai.ICPResult, error) {
	if err := ctx.Err(); err != nil {
		return ai.ICPResult{}, err
	}
	icp, err := BuildICP(req)
	if err != nil {
		return ai.ICPResult{}, err
	}
	return ai.ICPResult{ICP: icp, Generator: ai.GeneratorOffline}, nil
}

// BuildICP proposes an ideal customer profile from the product description, the notes and
// any website text, using only what it can point to in them: industries and buyer
// functions from keyword dictionaries (words in "for restaurant owners"-style phrases count
// most, website text least), company sizes and regions from the words that state them,
// value propositions from the description's own benefit sentences, pains from its "no more
// X" / "instead of X" phrases and from the matched function. Company size falls back to
// small and mid-sized companies when nothing states it; regions stay empty unless the text
// or the website's country domain names one.
func BuildICP(req ai.ICPRequest) (ai.ICP, error) {
	p, err := analyze(req)
	if err != nil {
		return ai.ICP{}, err
	}
	icp := ai.ICP{
		Industries:    orEmpty(p.industryNames()),
		CompanySizes:  orEmpty(p.sizes),
		Regions:       orEmpty(p.regions),
		Titles:        orEmpty(p.titles()),
		PainPoints:    orEmpty(p.painPoints()),
		ValueProps:    orEmpty(p.valueProps()),
		Disqualifiers: orEmpty(p.disqualifiers()),
	}
	icp.Summary = p.summary(icp)
	// Links may come from the user's own words, never from fetched website text.
	allowed := ai.AllowedText(req.ProductDescription, req.Notes, req.Website)
	for _, list := range [][]string{icp.Industries, icp.CompanySizes, icp.Regions, icp.Titles, icp.PainPoints, icp.ValueProps, icp.Disqualifiers} {
		for i := range list {
			list[i] = ai.StripUnrequested(list[i], allowed, nil)
		}
	}
	icp.Summary = ai.StripUnrequested(icp.Summary, allowed, nil)
	return icp, nil
}

// profile is what the rules read out of a product description.
type profile struct {
	name       string // product name, when the description starts with one
	desc       string // cleaned description
	industries []industry
	functions  []function
	audience   []string // explicit titles named in the text
	sizes      []string
	sizeKinds  []string // "small", "startup", "mid", "enterprise"
	sizeStated bool
	regions    []string
	textPains  []string
	textValues []string
	excluded   []string // "not for X" phrases
	primary    string   // folded description and notes
}

func analyze(req ai.ICPRequest) (profile, error) {
	desc := ai.Clean(req.ProductDescription, ai.MaxDescriptionRunes)
	if desc == "" {
		return profile{}, fmt.Errorf("%w: a product description is required", ai.ErrInvalidInput)
	}
	notes := ai.Clean(req.Notes, ai.MaxNotesRunes)
	site := ai.Clean(req.WebsiteText, ai.MaxWebsiteTextRunes)
	text := desc + "\n" + notes
	p := profile{desc: desc, primary: fold(text), name: productName(desc)}
	audience := fold(strings.Join(audiencePhrases(text), "\n"))
	secondary := fold(site)
	score := func(re matcher) int {
		return 3*min(len(re.FindAllString(audience, -1)), 3) + 2*min(len(re.FindAllString(p.primary, -1)), 5) + min(len(re.FindAllString(secondary, -1)), 3)
	}

	p.industries = topScored(industries, func(i industry) int { return score(i.match) }, 3)
	p.functions = topScored(functions, func(f function) int { return score(f.match) }, 2)
	// A second function only counts when it is nearly as present as the first: "GDPR
	// compliant" in a scheduling tool does not make its buyer a lawyer.
	if len(p.functions) == 2 && 2*score(p.functions[1].match) <= score(p.functions[0].match) {
		p.functions = p.functions[:1]
	}
	for _, a := range audienceTitles {
		if a.match.MatchString(audience) || a.match.MatchString(p.primary) {
			p.audience = append(p.audience, a.title)
		}
	}
	p.sizes, p.sizeKinds, p.sizeStated = companySizes(text, p.primary)
	p.regions = regions(text+"\n"+site, req.Website)
	p.textPains = painsFromText(desc + "\n" + notes)
	p.textValues = valuesFromText(desc, p.name)
	if len(p.textValues) < 2 && site != "" {
		p.textValues = appendUnique(p.textValues, 4, valuesFromText(site, p.name)...)
	}
	p.excluded = exclusions(text)
	return p, nil
}

// topScored returns up to n items whose score is at least 2 (one mention in the
// description, or two on the website), best first, ties in dictionary order.
func topScored[T any](items []T, score func(T) int, n int) []T {
	type s struct {
		item  T
		score int
		order int
	}
	var hits []s
	for i, it := range items {
		if sc := score(it); sc >= 2 {
			hits = append(hits, s{it, sc, i})
		}
	}
	slices.SortStableFunc(hits, func(a, b s) int { return b.score - a.score })
	var out []T
	for i, h := range hits {
		if i == n {
			break
		}
		out = append(out, h.item)
	}
	return out
}

var namePattern = regexp.MustCompile(`^\s*([A-Z][\w.&'’+-]*(?:\s+[A-Z][\w.&'’+-]*){0,2})(?:\s*\([^)]{1,40}\))?\s*(?:is|helps|lets|makes|gives|automates|turns|provides|offers|connects|brings|takes|runs|handles|keeps|was built|does)\b`)

var notNames = map[string]bool{"We": true, "Our": true, "This": true, "The": true, "It": true, "A": true, "An": true, "Your": true, "Most": true, "Every": true}

// productName finds "Tipwise" in "Tipwise is a payroll app…".
func productName(desc string) string {
	m := namePattern.FindStringSubmatch(desc)
	if m == nil {
		return ""
	}
	first, _, _ := strings.Cut(m[1], " ")
	if notNames[first] {
		return ""
	}
	return m[1]
}

var audiencePattern = regexp.MustCompile(`(?i)\b(?:for|built for|designed for|made for|helps|helping|lets|serving|serves|used by|trusted by|für|pour|para)\s+([^.,;:!?\n]{3,80})`)
var audienceStop = regexp.MustCompile(`(?i)\s(to|that|who|which|so|because|while|without|in minutes|in seconds|do|run|get|keep|pay|save|cut|automate|manage|track)\s.*$`)

// audiencePhrases returns the "for X" and "helps X" phrases: the description's own words
// for who it serves.
func audiencePhrases(text string) []string {
	var out []string
	for _, m := range audiencePattern.FindAllStringSubmatch(text, -1) {
		out = append(out, audienceStop.ReplaceAllString(" "+m[1]+" ", ""))
	}
	return out
}

// Company-size rules, on folded text.
var sizeRules = []struct {
	kind  string
	match matcher
	sizes []string
}{
	{"small", w(`small (businesses|business|teams|companies|shops|restaurants|practices|firms|agencies|stores|clinics|offices)`, `smbs?`, `smes?`, `independent`, `local`,
		`owner-operated`, `family-(run|owned)`, `single[- ]location`, `solo`, `solopreneurs?`, `freelancers?`, `mom-and-pop`, `kleine(n|re)? (unternehmen|betriebe|firmen)`, `kmu`,
		`petites? (entreprises|structures)`, `tpe`, `pme`, `pequenas empresas`, `pymes?`), []string{"1–10 employees", "11–50 employees"}},
	{"startup", w(`startups?`, `start-ups?`, `early-stage`, `seed-stage`, `series a`), []string{"11–50 employees", "51–200 employees"}},
	{"mid", w(`mid-?sized?`, `mid-?market`, `medium-sized`, `growing (companies|businesses|teams|brands|restaurants|chains)`, `scale-?ups?`, `multi-?location`, `multi-?site`,
		`chains?`, `restaurant groups`, `franchis(e|es|ees)`, `mittelstand\w*`, `mittelstandische`), []string{"51–200 employees", "201–1,000 employees"}},
	{"enterprise", w(`enterprises?`, `large (companies|organi[sz]ations|enterprises|businesses)`, `fortune (500|1000)`, `global (brands|companies)`, `multinationals?`,
		`konzern\w*`, `grandes (entreprises|empresas)`), []string{"1,000+ employees"}},
}

var (
	explicitRange = regexp.MustCompile(`(?i)(\d[\d,.]*)\s*(?:-|–|to|bis|à|a)\s*(\d[\d,.]*)\s*(?:employees|people|staff|team members|mitarbeiter\w*|salariés|empleados)`)
	explicitOver  = regexp.MustCompile(`(?i)(?:\b(?:over|more than|at least)\s+(\d[\d,.]*)|(\d[\d,.]*)\s*\+)\s*(?:employees|people|staff)`)
)

// companySizes reads company sizes from the text; without any, it assumes small and
// mid-sized companies, the usual cold-outreach target, and says so (stated=false).
func companySizes(text, folded string) (sizes, kinds []string, stated bool) {
	for _, m := range explicitRange.FindAllStringSubmatch(text, 2) {
		sizes = appendUnique(sizes, 4, fmt.Sprintf("%s–%s employees", m[1], m[2]))
	}
	if len(sizes) == 0 {
		for _, m := range explicitOver.FindAllStringSubmatch(text, 1) {
			sizes = appendUnique(sizes, 4, m[1]+m[2]+"+ employees")
		}
	}
	explicit := len(sizes) > 0
	for _, r := range sizeRules {
		if r.match.MatchString(folded) {
			kinds = append(kinds, r.kind)
			if !explicit {
				sizes = appendUnique(sizes, 4, r.sizes...)
			}
		}
	}
	if len(sizes) == 0 {
		return []string{"11–50 employees", "51–200 employees"}, nil, false
	}
	return sizes, kinds, true
}

// Regions: names matched case-insensitively on folded text, acronyms case-sensitively on
// the original (so "US" counts and "us" does not).
var regionRules = []struct {
	region   string
	folded   matcher
	original *regexp.Regexp
}{
	{"United States", w(`united states`, `u\.s\.`, `american`, `nationwide`, `irs`, `hipaa`, `401\(?k\)?`, `w-2`, `1099s?`, `all 50 states`), regexp.MustCompile(`\b(US|USA|U\.S\.A?\.?)\b`)},
	{"Canada", w(`canada`, `canadian`), nil},
	{"United Kingdom", w(`united kingdom`, `britain`, `british`, `england`, `scotland`, `london`, `hmrc`), regexp.MustCompile(`\bUK\b|£`)},
	{"Ireland", w(`ireland`, `irish`, `dublin`), nil},
	{"DACH (Germany, Austria, Switzerland)", w(`dach`, `german-speaking`, `deutschland`, `germany`, `german`, `austria`, `osterreich`, `switzerland`, `schweiz`, `berlin`, `munich`, `munchen`, `hamburg`, `vienna`, `wien`, `zurich`), nil},
	{"France", w(`france`, `paris`, `lyon`, `francais\w*`), nil},
	{"Spain", w(`spain`, `espana`, `madrid`, `barcelona`), nil},
	{"Netherlands & Belgium", w(`netherlands`, `dutch`, `holland`, `amsterdam`, `belgium`, `benelux`), nil},
	{"Nordics", w(`nordics?`, `scandinavia\w*`, `sweden`, `norway`, `denmark`, `finland`), nil},
	{"Europe", w(`europe`, `european`, `gdpr`, `eu-based`), regexp.MustCompile(`\bEU\b|€`)},
	{"Latin America", w(`latam`, `latin america`, `mexico`, `brazil`, `brasil`, `argentina`, `colombia`, `chile`, `peru`), nil},
	{"Australia & New Zealand", w(`australia\w*`, `new zealand`, `anz`, `sydney`, `melbourne`), nil},
	{"Asia-Pacific", w(`apac`, `asia`, `singapore`, `india`, `japan`, `hong kong`), nil},
	{"Middle East", w(`middle east`, `uae`, `dubai`, `saudi`, `gcc`), nil},
	{"North America", w(`north america\w*`), nil},
	{"Worldwide", w(`worldwide`, `global(ly)?`, `international(ly)?`, `any country`), nil},
}

var tldRegion = map[string]string{
	"de": "DACH (Germany, Austria, Switzerland)", "at": "DACH (Germany, Austria, Switzerland)", "ch": "DACH (Germany, Austria, Switzerland)",
	"fr": "France", "es": "Spain", "uk": "United Kingdom", "ie": "Ireland", "ca": "Canada", "au": "Australia & New Zealand", "nz": "Australia & New Zealand",
	"nl": "Netherlands & Belgium", "be": "Netherlands & Belgium", "se": "Nordics", "no": "Nordics", "dk": "Nordics", "fi": "Nordics", "mx": "Latin America", "br": "Latin America",
}

func regions(text, website string) []string {
	folded := fold(text)
	var out []string
	for _, r := range regionRules {
		if r.folded.MatchString(folded) || (r.original != nil && r.original.MatchString(text)) {
			out = appendUnique(out, 4, r.region)
		}
	}
	if len(out) == 0 && website != "" {
		host := strings.ToLower(website)
		host = strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")
		host, _, _ = strings.Cut(host, "/")
		if i := strings.LastIndexByte(host, '.'); i >= 0 {
			if r, ok := tldRegion[host[i+1:]]; ok {
				out = append(out, r)
			}
		}
	}
	return out
}

var (
	painPhrase   = regexp.MustCompile(`(?i)\b(?:no more|stop|tired of|instead of|say goodbye to|forget about|without the|without|replaces?|eliminates?|ends?)\s+([^.;!?:\n]{6,100})`)
	painSentence = w(`manual(ly)?`, `by hand`, `spreadsheets?`, `on paper`, `errors?`, `mistakes?`, `hours (every|each|a|per)`, `wast(e|es|ed|ing)`, `frustrat\w*`,
		`headaches?`, `chaos`, `struggl\w*`, `hard to`, `difficult`, `costly`, `painful`, `tedious`)
	benefitWords = w(`save[sd]?`, `saving`, `cuts?`, `reduc(e|es|ing)`, `automat\w*`, `eliminat(e|es)`, `increas(e|es)`, `boosts?`, `grows?`, `improv(e|es)`, `faster`,
		`in (minutes|seconds|one click|one place)`, `no more`, `never`, `helps?`, `lets?`, `so (you|they|that|your)`, `instantly`, `real-time`, `\d+ ?%`, `\d+x`,
		`calculat(e|es)`, `files`, `pays`, `tracks`, `syncs`, `sends`, `prevents?`, `avoids?`, `fewer`, `less`, `on time`)
	definitional  = regexp.MustCompile(`(?i)^.{0,60}?\b(?:is|are)\s+(?:a|an|the)\b.*?\b(?:that|which|to)\s+(.+)$`)
	leadSubject   = regexp.MustCompile(`(?i)^(it|we|they|this|our (app|platform|tool|software|product|service|team))\s+`)
	verbListSplit = regexp.MustCompile(`\s*,\s*(?:and\s+)?|\s+and\s+`)
)

// painsFromText turns "no more X" and "instead of X" phrases and problem sentences into
// pain points.
func painsFromText(text string) []string {
	var out []string
	for _, m := range painPhrase.FindAllStringSubmatch(text, -1) {
		if p := strings.TrimSpace(m[1]); wordCount(p) >= 2 {
			// "No more late-night tip calculations" names the pain without a verb.
			out = appendUnique(out, 2, "Still dealing with "+lowerFirst(p))
		}
	}
	for _, s := range sentences(text) {
		if len(out) >= 2 {
			break
		}
		f := fold(s)
		if painSentence.MatchString(f) && !benefitWords.MatchString(f) && len(s) <= 160 {
			out = appendUnique(out, 2, strings.TrimRight(s, "."))
		}
	}
	return out
}

// valuesFromText picks benefit sentences, drops their subject ("It", "We", the product
// name) and splits verb lists ("calculates X, pays Y and files Z") into separate props.
func valuesFromText(text, name string) []string {
	var quantified, other []string
	for _, s := range sentences(text) {
		if m := definitional.FindStringSubmatch(s); m != nil {
			s = m[1]
		}
		f := fold(s)
		if !benefitWords.MatchString(f) || painOpener.MatchString(f) || exclusionPattern.MatchString(s) {
			continue
		}
		s = strings.TrimRight(strings.TrimSpace(s), ".!")
		if name != "" {
			s = strings.TrimSpace(strings.TrimPrefix(s, name))
		}
		if m := weSubject.FindStringSubmatch(s); m != nil {
			s = thirdPerson(m[1]) + s[len(m[0])-1:]
		}
		s = leadSubject.ReplaceAllString(s, "")
		for _, part := range splitVerbList(s) {
			if wordCount(part) < 2 || len(part) > 160 {
				continue
			}
			// Numbers ("save 5 hours a week", "30 % fewer no-shows") make the strongest props.
			if hasDigit.MatchString(part) {
				quantified = append(quantified, upperFirst(part))
			} else {
				other = append(other, upperFirst(part))
			}
		}
	}
	return appendUnique(appendUnique(nil, 4, quantified...), 4, other...)
}

var (
	painOpener = regexp.MustCompile(`^(no more|stop|tired of|say goodbye to|forget about)\b`)
	weSubject  = regexp.MustCompile(`(?i)^(?:we|our (?:team|app|platform))\s+(help|make|let|give|turn|build|find|write|sync|run|take|keep|cut|save|automate|pay|file|track|send|show|connect|bring|handle|manage|schedule|book|answer|collect|protect)\s`)
	hasDigit   = regexp.MustCompile(`\d`)
)

// thirdPerson turns "help" into "helps" for "We help X" → "Helps X".
func thirdPerson(v string) string {
	v = strings.ToLower(v)
	switch {
	case strings.HasSuffix(v, "y"):
		return v[:len(v)-1] + "ies"
	case strings.HasSuffix(v, "s"), strings.HasSuffix(v, "sh"), strings.HasSuffix(v, "ch"), strings.HasSuffix(v, "x"), strings.HasSuffix(v, "z"), strings.HasSuffix(v, "o"):
		return v + "es"
	}
	return v + "s"
}

// splitVerbList splits "calculates tips, pays staff and files taxes" when every part
// starts with a third-person verb; otherwise it returns the sentence whole.
func splitVerbList(s string) []string {
	parts := verbListSplit.Split(s, -1)
	if len(parts) < 2 {
		return []string{s}
	}
	for _, p := range parts {
		first, _, _ := strings.Cut(strings.TrimSpace(p), " ")
		first = strings.ToLower(first)
		if len(first) < 4 || !strings.HasSuffix(first, "s") || strings.HasSuffix(first, "ss") || wordCount(p) < 2 {
			return []string{s}
		}
	}
	return parts
}

var exclusionPattern = regexp.MustCompile(`(?i)\b(?:not (?:a fit|a good fit|suited|designed|built|meant) for|(?:isn't|is not|aren't|are not) for|we (?:don't|do not) (?:serve|support|work with)|doesn't work for|does not work for)\s+([^.;!?\n]{3,80})`)

// exclusions returns the description's own "not for X" statements.
func exclusions(text string) []string {
	var out []string
	for _, m := range exclusionPattern.FindAllStringSubmatch(text, -1) {
		out = appendUnique(out, 2, upperFirst(strings.TrimSpace(m[1])))
	}
	return out
}

func (p profile) industryNames() []string {
	var out []string
	for _, i := range p.industries {
		out = append(out, i.name)
	}
	if len(out) == 0 {
		for _, a := range audiencePhrases(p.desc) {
			if wordCount(a) <= 5 {
				out = appendUnique(out, 2, upperFirst(strings.TrimSpace(a)))
			}
		}
	}
	if len(out) == 0 {
		out = []string{"B2B companies"}
	}
	return out
}

func (p profile) has(kind string) bool { return slices.Contains(p.sizeKinds, kind) }

// small reports whether the buyer is likely the owner: small businesses, or a vertical
// whose buyers are owners (industry titles) with no sign of large companies.
func (p profile) small() bool {
	return (p.has("small") || !p.sizeStated) && !p.has("enterprise")
}

func (p profile) titles() []string {
	out := appendUnique(nil, 6, p.audience...)
	var fnSmall, fn []string
	for _, f := range p.functions {
		fnSmall = append(fnSmall, f.smallTitles...)
		fn = append(fn, f.titles...)
	}
	var ownerLed, functional []string
	for _, i := range p.industries {
		if i.ownerLed {
			ownerLed = append(ownerLed, i.titles...)
		} else {
			functional = append(functional, i.titles...)
		}
	}
	switch {
	case p.small():
		// In small businesses the owner or manager buys: the vertical's owner titles first.
		out = appendUnique(out, 6, ownerLed[:min(len(ownerLed), 3)]...)
		out = appendUnique(out, 6, fnSmall...)
		out = appendUnique(out, 6, fn...)
	default:
		out = appendUnique(out, 6, fn...)
		if len(out) < 3 {
			out = appendUnique(out, 6, ownerLed...)
		}
	}
	if len(p.functions) == 0 {
		// Without a function, the vertical's usual buyers are the best guess.
		out = appendUnique(out, 6, functional...)
	}
	if p.has("enterprise") {
		out = slices.DeleteFunc(out, func(t string) bool { return t == "Owner" || t == "Store Owner" || t == "Studio Owner" })
	}
	if len(out) == 0 {
		out = []string{"Founder", "CEO", "Head of Operations"}
	}
	return out
}

func (p profile) painPoints() []string {
	out := appendUnique(nil, 4, p.textPains...)
	// Pains the text points to first, then the function's general ones, then the vertical's.
	for _, f := range p.functions {
		for _, pn := range f.pains {
			if pn.when != nil && pn.when.MatchString(p.primary) {
				out = appendUnique(out, 4, pn.text)
			}
		}
	}
	for _, f := range p.functions {
		for _, pn := range f.pains {
			if pn.when == nil {
				out = appendUnique(out, 4, pn.text)
			}
		}
	}
	// A vertical's own pains are general ("thin margins"); one is enough, and only when the
	// function said little.
	if len(out) < 3 && len(p.industries) > 0 {
		out = appendUnique(out, 4, p.industries[0].pains[0])
	}
	if len(out) == 0 {
		out = []string{"Work that should be automatic is still done by hand"}
	}
	return out
}

func (p profile) valueProps() []string {
	out := appendUnique(nil, 5, p.textValues...)
	for _, f := range p.functions {
		if len(out) >= 3 {
			break
		}
		out = appendUnique(out, 5, f.values...)
	}
	return out
}

func (p profile) disqualifiers() []string {
	out := appendUnique(nil, 4, p.excluded...)
	team := "operations"
	if len(p.functions) > 0 {
		team = p.functions[0].team
	}
	switch {
	case p.has("enterprise") && !p.has("small"):
		out = appendUnique(out, 4, "Very small businesses (under 10 people)")
	case p.small():
		out = appendUnique(out, 4, fmt.Sprintf("Large enterprises with an in-house %s team and custom systems", team))
	}
	for _, f := range p.functions {
		out = appendUnique(out, 4, f.disqualify...)
	}
	if len(p.regions) > 0 && !slices.Contains(p.regions, "Worldwide") {
		out = appendUnique(out, 4, "Companies with no presence in "+regionList(p.regions))
	}
	return out
}

// topic is what the product is about, for prose and subject lines.
func (p profile) topic() string {
	if len(p.functions) == 0 {
		return "operations"
	}
	f := p.functions[0]
	for _, t := range f.topics {
		if t.when.MatchString(p.primary) {
			return t.topic
		}
	}
	return f.topic
}

func (p profile) segment() string {
	if len(p.industries) > 0 {
		return p.industries[0].segment
	}
	if len(p.functions) > 0 {
		return "companies that handle " + p.topic() + " in-house"
	}
	return "companies"
}

func (p profile) sizeAdjective() string {
	var adj []string
	for _, k := range p.sizeKinds {
		adj = append(adj, map[string]string{"small": "small", "startup": "early-stage", "mid": "mid-sized", "enterprise": "large"}[k])
	}
	if !p.sizeStated {
		adj = []string{"small", "mid-sized"}
	}
	return joinAnd(adj)
}

func (p profile) summary(icp ai.ICP) string {
	var b strings.Builder
	b.WriteString(upperFirst(strings.TrimSpace(p.sizeAdjective() + " " + p.segment())))
	if len(icp.Regions) > 0 {
		b.WriteString(" in " + regionList(icp.Regions[:min(2, len(icp.Regions))]))
	}
	if pain := clausePain(icp.PainPoints); pain != "" {
		b.WriteString(" where " + lowerFirst(pain))
	}
	if len(icp.Titles) >= 2 {
		fmt.Fprintf(&b, "; the buyer is usually the %s or %s", icp.Titles[0], icp.Titles[1])
	} else if len(icp.Titles) == 1 {
		fmt.Fprintf(&b, "; the buyer is usually the %s", icp.Titles[0])
	}
	return ai.Truncate(b.String()+".", 400)
}

// regionList joins regions with "the" where English needs it ("the United States").
func regionList(regions []string) string {
	out := make([]string, len(regions))
	for i, r := range regions {
		switch r {
		case "United States", "United Kingdom", "Netherlands & Belgium", "Nordics", "Middle East":
			out[i] = "the " + r
		default:
			out[i] = r
		}
	}
	return joinAnd(out)
}

// clausePain returns the first pain that reads as a clause after "where" (not a
// "Still dealing with …" phrase), or the first pain.
func clausePain(pains []string) string {
	for _, p := range pains {
		if !strings.HasPrefix(p, "Still dealing with") {
			return p
		}
	}
	if len(pains) > 0 {
		return pains[0]
	}
	return ""
}

// orEmpty keeps JSON arrays from becoming null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
