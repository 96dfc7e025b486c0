package template

import (
	"math"
	"strings"
)

// maxNesting bounds how deep spintax groups may nest. Real templates use two
// or three levels; the bound keeps parsing and rendering of hostile input
// from exhausting the stack.
const maxNesting = 32

// Template is a parsed subject or body. It is immutable and safe for
// concurrent use.
type Template struct {
	nodes    []node
	tags     []string
	variants int
}

// node is one piece of a template: text, *tag or *choice.
type node any

// text is literal output, escapes already resolved.
type text string

// tag is a merge tag with its pipeline.
type tag struct {
	name        string // canonical name, as Tags reports it
	field       field
	key         string // custom key, for fieldCustom
	stages      []stage
	hasFallback bool
}

// stage is one step of a tag's pipeline: a filter, or a fallback when
// filter is nil.
type stage struct {
	filter   func(string) string
	fallback string
}

// choice is a spintax group. id numbers groups in source order and, with the
// seed, decides which alternative renders.
type choice struct {
	id   int
	alts [][]node
}

// Parse checks src and returns the parsed template, or a *SyntaxError that
// points at the problem.
func Parse(src string) (*Template, error) {
	p := &parser{src: src}
	nodes, err := p.parseSeq(0)
	if err != nil {
		return nil, err
	}
	t := &Template{nodes: nodes, variants: countVariants(nodes)}
	seen := map[string]bool{}
	walkTags(nodes, func(tg *tag) {
		if !seen[tg.name] {
			seen[tg.name] = true
			t.tags = append(t.tags, tg.name)
		}
	})
	return t, nil
}

// Tags lists the distinct merge tags the template uses, in order of first
// appearance, spelled canonically ("firstName", "custom.industry").
func (t *Template) Tags() []string {
	return append([]string(nil), t.tags...)
}

// VariantCount is the number of different ways the spintax can be resolved
// (1 for a template without spintax), for the editor's "12 variants"
// counter. It saturates at math.MaxInt.
func (t *Template) VariantCount() int {
	return t.variants
}

type parser struct {
	src    string
	pos    int
	groups int
}

func (p *parser) errorf(offset int, format string, args ...any) error {
	return newSyntaxError(p.src, offset, format, args...)
}

// parseSeq reads text, tags and groups until the end of the source or, inside
// a group (depth > 0), until the | or } that ends the alternative, which it
// leaves for the caller.
func (p *parser) parseSeq(depth int) ([]node, error) {
	var nodes []node
	var buf strings.Builder
	flush := func() {
		if buf.Len() > 0 {
			nodes = append(nodes, text(buf.String()))
			buf.Reset()
		}
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src) && strings.IndexByte(`{}|\`, p.src[p.pos+1]) >= 0:
			buf.WriteByte(p.src[p.pos+1])
			p.pos += 2
		case c == '{' && p.tagOpens():
			flush()
			tg, err := p.parseTag()
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, tg)
		case c == '{':
			flush()
			ch, err := p.parseChoice(depth + 1)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, ch)
		case c == '}' && depth == 0:
			return nil, p.errorf(p.pos, `unexpected "}"; write \} for a literal brace`)
		case c == '}' || (c == '|' && depth > 0):
			flush()
			return nodes, nil
		default:
			end := p.pos + 1
			for end < len(p.src) && strings.IndexByte(`\{}|`, p.src[end]) < 0 {
				end++
			}
			buf.WriteString(p.src[p.pos:end])
			p.pos = end
		}
	}
	flush()
	return nodes, nil
}

// tagOpens reports whether the { at p.pos starts a merge tag: "{{" not
// followed by a third brace. "{{{" is a spintax group whose first
// alternative starts with a tag.
func (p *parser) tagOpens() bool {
	s := p.src[p.pos:]
	return len(s) >= 2 && s[1] == '{' && (len(s) == 2 || s[2] != '{')
}

func (p *parser) parseChoice(depth int) (*choice, error) {
	open := p.pos
	if depth > maxNesting {
		return nil, p.errorf(open, "spintax nested more than %d levels deep", maxNesting)
	}
	p.pos++
	ch := &choice{id: p.groups}
	p.groups++
	for {
		alt, err := p.parseSeq(depth)
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			return nil, p.errorf(open, `unclosed spintax "{": close it with "}" or write \{ for a literal brace`)
		}
		ch.alts = append(ch.alts, alt)
		closing := p.src[p.pos] == '}'
		p.pos++
		if closing {
			break
		}
	}
	if len(ch.alts) < 2 {
		return nil, p.errorf(open, `spintax needs at least two choices separated by "|"; write {{name}} for a merge tag or \{ for a literal brace`)
	}
	return ch, nil
}

// isSpace reports the blanks allowed inside a tag. A newline is not one: a
// tag left open runs into the next line, and saying so is the useful error.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func (p *parser) skipSpaces() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

// parseTag reads {{name | stage | ...}} starting at p.pos.
func (p *parser) parseTag() (*tag, error) {
	start := p.pos
	unclosed := func() error {
		return p.errorf(start, `merge tag is not closed with "}}"`)
	}
	p.pos += 2
	p.skipSpaces()
	nameStart := p.pos
	for p.pos < len(p.src) && strings.IndexByte("|}{\n\"'", p.src[p.pos]) < 0 {
		p.pos++
	}
	if p.pos >= len(p.src) || p.src[p.pos] == '\n' {
		return nil, unclosed()
	}
	switch p.src[p.pos] {
	case '"', '\'':
		return nil, p.errorf(p.pos, `unexpected quote in merge tag name; a fallback goes after "|"`)
	case '{':
		return nil, p.errorf(p.pos, `unexpected "{" inside merge tag`)
	}
	name := strings.TrimSpace(p.src[nameStart:p.pos])
	if name == "" {
		return nil, p.errorf(start, "empty merge tag: name a field, as in {{firstName}}")
	}
	f, key, ok := lookupField(name)
	if !ok {
		if len(name) >= len("custom.") && strings.EqualFold(name[:len("custom.")], "custom.") {
			return nil, p.errorf(nameStart, "custom field needs a key, as in {{custom.industry}}")
		}
		return nil, p.errorf(nameStart, "unknown merge tag %q; custom fields are written {{custom.%s}}", name, name)
	}
	tg := &tag{field: f, key: key, name: canonicalNames[f]}
	if f == fieldCustom {
		tg.name = "custom." + key
	}
	for {
		// p.pos is at '|' or '}'.
		if p.src[p.pos] == '}' {
			if p.pos+1 < len(p.src) && p.src[p.pos+1] == '}' {
				p.pos += 2
				return tg, nil
			}
			return nil, p.errorf(p.pos, `merge tag must be closed with "}}"`)
		}
		p.pos++ // the '|'
		st, err := p.parseStage(unclosed)
		if err != nil {
			return nil, err
		}
		if st.filter == nil {
			tg.hasFallback = true
		}
		tg.stages = append(tg.stages, st)
	}
}

// parseStage reads one pipeline stage after a '|' and leaves p.pos at the
// following '|' or '}'.
func (p *parser) parseStage(unclosed func() error) (stage, error) {
	p.skipSpaces()
	if p.pos >= len(p.src) || p.src[p.pos] == '\n' {
		return stage{}, unclosed()
	}
	var st stage
	switch c := p.src[p.pos]; c {
	case '"', '\'':
		s, err := p.parseQuoted()
		if err != nil {
			return stage{}, err
		}
		st.fallback = s
	case '|', '}':
		return stage{}, p.errorf(p.pos, `empty stage after "|": expected a quoted fallback or a filter`)
	default:
		nameStart := p.pos
		for p.pos < len(p.src) && !isSpace(p.src[p.pos]) && strings.IndexByte("|}{\n\"'", p.src[p.pos]) < 0 {
			p.pos++
		}
		name := p.src[nameStart:p.pos]
		st.filter = filters[strings.ToLower(name)]
		if st.filter == nil {
			return stage{}, p.errorf(nameStart, `unknown filter %q; use lower, upper, capitalize or a quoted fallback such as "there"`, name)
		}
	}
	p.skipSpaces()
	if p.pos >= len(p.src) || p.src[p.pos] == '\n' {
		return stage{}, unclosed()
	}
	if c := p.src[p.pos]; c != '|' && c != '}' {
		return stage{}, p.errorf(p.pos, `unexpected %q in merge tag; expected "|" or "}}"`, string(c))
	}
	return st, nil
}

// parseQuoted reads a '…' or "…" string; a backslash escapes the quote or
// itself.
func (p *parser) parseQuoted() (string, error) {
	open := p.pos
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			return "", p.errorf(open, "fallback string is not closed before the end of the line")
		case c == '\\' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == q || p.src[p.pos+1] == '\\'):
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		case c == q:
			p.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorf(open, "fallback string is not closed")
}

// walkTags calls fn for every tag, in every alternative, in source order.
func walkTags(nodes []node, fn func(*tag)) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *tag:
			fn(n)
		case *choice:
			for _, alt := range n.alts {
				walkTags(alt, fn)
			}
		}
	}
}

// countVariants multiplies the choices of consecutive groups and adds those
// of alternatives, saturating at math.MaxInt.
func countVariants(nodes []node) int {
	total := 1
	for _, n := range nodes {
		ch, ok := n.(*choice)
		if !ok {
			continue
		}
		sum := 0
		for _, alt := range ch.alts {
			sum = satAdd(sum, countVariants(alt))
		}
		total = satMul(total, sum)
	}
	return total
}

func satAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func satMul(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}
