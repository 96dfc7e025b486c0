package web

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed templates
var templateFS embed.FS

// errorPage is the template of every error answer (404, 403, 500…).
const errorPage = "error"

// templates holds the layout and partials, parsed at start, and one
// template per page: the layout with that page's "content" block. A page is
// put together on its first render: each is a copy of the layout's trees
// (html/template's Clone), and all of them at start held 11 MB that an idle
// server never uses. TestEveryPageParses parses them all.
type templates struct {
	base  *template.Template
	pages map[string]*page
}

// page is one page's template, parsed once, on first use.
type page struct {
	once sync.Once
	file string
	tpl  *template.Template
	err  error
}

// parseTemplates parses the layout and checks the pages against the names
// the routes need: a route naming a missing page, or a page no route uses,
// is a boot error rather than a 500 on first visit.
func parseTemplates(funcs template.FuncMap, required []string) (*templates, error) {
	base, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{base: base, pages: map[string]*page{}}
	for _, f := range files {
		t.pages[strings.TrimSuffix(path.Base(f), ".html")] = &page{file: f}
	}
	var errs []error
	for _, name := range required {
		if t.pages[name] == nil {
			errs = append(errs, fmt.Errorf("template for page %q is missing (templates/pages/%s.html)", name, name))
		}
	}
	for name := range t.pages {
		if !slices.Contains(required, name) {
			errs = append(errs, fmt.Errorf("templates/pages/%s.html is not rendered by any route", name))
		}
	}
	return t, errors.Join(errs...)
}

// page returns a page's template, parsing it on first use.
func (t *templates) page(name string) (*template.Template, error) {
	p := t.pages[name]
	if p == nil {
		return nil, fmt.Errorf("no template for page %q", name)
	}
	p.once.Do(func() {
		clone, err := t.base.Clone()
		if err == nil {
			clone, err = clone.ParseFS(templateFS, p.file)
		}
		switch {
		case err != nil:
			p.err = fmt.Errorf("parse page %s: %w", name, err)
		case clone.Lookup("content") == nil:
			p.err = fmt.Errorf("page %s defines no \"content\" block", name)
		default:
			p.tpl = clone
		}
	})
	return p.tpl, p.err
}

func (t *templates) execute(w io.Writer, page string, data any) error {
	tpl, err := t.page(page)
	if err != nil {
		return err
	}
	return tpl.ExecuteTemplate(w, "layout", data)
}

// funcs are the helpers templates may call.
func (w *Web) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":        w.assets.url,
		"field":        newField,
		"dict":         dict,
		"datetime":     formatTime,
		"iso":          func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"ago":          func(t time.Time) string { return ago(w.Env.Now(), t) },
		"num":          formatInt,
		"bytes":        formatBytes,
		"plural":       plural,
		"initial":      initial,
		"action":       describeAction,
		"secKind":      describeSecurityKind,
		"provider":     providerLabel,
		"source":       describeProvenance,
		"leadName":     leadName,
		"verifyText":   verifyText,
		"verifySource": verifySource,
		"gap":          formatGap,
		"percent":      percent,
		"sharePct":     func(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" },
		"mul60":        func(n int) int { return n * 60 },
		"svgNum":       svgNum,
		"heldTotal": func(h []heldReason) int {
			n := 0
			for _, r := range h {
				n += r.Count
			}
			return n
		},
	}
}

// newField builds a form field for the "field" partial. opts are flags and
// key=value pairs: required, autofocus, autocomplete=email, hint=…,
// maxlength=200, rows=4, option=value:Label (repeatable, for selects).
func newField(f *form, name, label, typ string, opts ...string) (field, error) {
	fl := field{Name: name, Label: label, Type: typ}
	if f != nil {
		fl.Value, fl.Error = f.Values[name], f.Errors[name]
	}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			fl.Required = true
		case "autofocus":
			fl.Autofocus = true
		case "autocomplete":
			fl.Autocomplete = v
		case "hint":
			fl.Hint = v
		case "maxlength", "rows":
			n, err := strconv.Atoi(v)
			if err != nil {
				return fl, fmt.Errorf("field %s: %s=%q is not a number", name, k, v)
			}
			if k == "rows" {
				fl.Rows = n
			} else {
				fl.MaxLength = n
			}
		case "option":
			val, lbl, _ := strings.Cut(v, ":")
			fl.Options = append(fl.Options, option{Value: val, Label: lbl})
		default:
			return fl, fmt.Errorf("field %s: unknown option %q", name, o)
		}
	}
	return fl, nil
}

// dict builds a map for passing several values to a partial.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict needs key/value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// formatTime shows an instant in UTC, saying so (a time without its zone is
// a support ticket).
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// ago says how long before now t was, in the largest whole unit.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour", "hours") + " ago"
	case d < 60*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day", "days") + " ago"
	default:
		return t.UTC().Format("2 Jan 2006")
	}
}

// formatInt writes n with thousands separators: 1,204.
func formatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatGap writes a number of seconds as the largest whole unit that
// keeps it exact: "90 s", "2 min", "1 h".
func formatGap(seconds int) string {
	switch {
	case seconds%3600 == 0:
		return formatInt(seconds/3600) + " h"
	case seconds%60 == 0:
		return formatInt(seconds/60) + " min"
	default:
		return formatInt(seconds) + " s"
	}
}

// plural writes "1 lead" or "3 leads".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatInt(n) + " " + many
}

// initial is the first letter of a name, for the avatar circle.
func initial(s string) string {
	for _, r := range strings.TrimSpace(s) {
		return strings.ToUpper(string(r))
	}
	return "?"
}
