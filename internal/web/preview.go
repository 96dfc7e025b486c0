package web

import (
	"html"
	"html/template"
	"strings"

	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/store"
	msgtemplate "github.com/leadbitz/leadbitz/internal/template"
)

// previewMessage is one step and variant rendered for one lead, as the
// sequence and review pages show it: the text that lead would get, with
// each merge tag the lead has no value for marked in red.
type previewMessage struct {
	Step     int
	Letter   string
	Subject  template.HTML
	Reply    bool // an empty subject: the email replies in step 1's thread
	Body     template.HTML
	Missing  []string // tags the lead lacks a value for
	Problems []string // templates that do not parse
}

// previewVariant is the text of one variant to preview.
type previewVariant struct {
	Letter, Subject, Body string
}

// missingMark brackets a missing tag in a preview: a byte no lead value or
// template contains once NULs are removed from the data.
const missingMark = "\x00"

// previewSequence renders every step and variant for lead l with the same
// seed the send engine uses (template.Seed of lead, step and variant index),
// so the preview shows the very spintax choices the lead will get.
func previewSequence(steps [][]previewVariant, l store.Lead) []previewMessage {
	data := cleanData(input.LeadData(l))
	mark := func(name string) string { return missingMark + name + missingMark }
	var out []previewMessage
	var firstSubject template.HTML
	for i, variants := range steps {
		for vi, v := range variants {
			m := previewMessage{Step: i + 1, Letter: v.Letter}
			seed := msgtemplate.Seed(l.ID, i+1, vi)
			for _, part := range []struct {
				name, src string
				dst       *template.HTML
			}{{"subject", v.Subject, &m.Subject}, {"body", v.Body, &m.Body}} {
				t, err := msgtemplate.Parse(part.src)
				if err != nil {
					m.Problems = append(m.Problems, "The "+part.name+" does not parse: "+err.Error())
					continue
				}
				for _, f := range t.MissingFields(data) {
					if !contains(m.Missing, f) {
						m.Missing = append(m.Missing, f)
					}
				}
				*part.dst = markMissing(t.Preview(data, seed, mark))
			}
			if i == 0 && vi == 0 {
				firstSubject = m.Subject
			}
			if i > 0 && strings.TrimSpace(v.Subject) == "" {
				m.Reply = true
				m.Subject = "Re: " + firstSubject
			}
			out = append(out, m)
		}
	}
	return out
}

// markMissing escapes a preview and turns each marked tag into a red
// <mark> naming the tag.
func markMissing(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(s, missingMark) {
		if i%2 == 0 {
			b.WriteString(html.EscapeString(part))
			continue
		}
		name := html.EscapeString(part)
		b.WriteString(`<mark class="tag-missing" title="This lead has no ` + name + `">{{` + name + `}}</mark>`)
	}
	return template.HTML(b.String())
}

// cleanData removes NUL bytes from the lead's values, so none can be taken
// for a missing-tag mark.
func cleanData(d msgtemplate.Data) msgtemplate.Data {
	c := func(s string) string { return strings.ReplaceAll(s, missingMark, "") }
	d.Email, d.FirstName, d.LastName, d.Company = c(d.Email), c(d.FirstName), c(d.LastName), c(d.Company)
	d.Title, d.Website, d.LinkedInURL, d.Phone = c(d.Title), c(d.Website), c(d.LinkedInURL), c(d.Phone)
	if d.Custom != nil {
		custom := make(map[string]string, len(d.Custom))
		for k, v := range d.Custom {
			custom[k] = c(v)
		}
		d.Custom = custom
	}
	return d
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
