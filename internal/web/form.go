package web

import (
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/problem"
)

// form is a submitted (or empty) form: the values to show back and the
// errors to show next to each field. Field names are the JSON names the
// services use in problem.Fields ("email", "password", "name"…), so a
// service's field error lands next to its input with no mapping table.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Message string // an error about the whole form ("Email or password is incorrect.")
}

// newForm reads r's form values (urlencoded body and query).
func newForm(r *http.Request) *form {
	f := &form{Values: map[string]string{}, Errors: map[string]string{}}
	if err := r.ParseForm(); err == nil {
		for k, vs := range r.PostForm {
			if len(vs) > 0 {
				f.Values[k] = vs[0]
			}
		}
	}
	return f
}

// emptyForm is a form with initial values.
func emptyForm(values map[string]string) *form {
	if values == nil {
		values = map[string]string{}
	}
	return &form{Values: values, Errors: map[string]string{}}
}

// Get is a field's submitted value, trimmed.
func (f *form) Get(name string) string { return strings.TrimSpace(f.Values[name]) }

// Error is a field's error message, or "".
func (f *form) Error(name string) string { return f.Errors[name] }

// HasErrors reports whether anything is wrong with the form.
func (f *form) HasErrors() bool { return len(f.Errors) > 0 || f.Message != "" }

// setProblem spreads a problem over the form: field errors next to their
// fields, the rest as the form's message.
func (f *form) setProblem(p *problem.Error) {
	for k, msg := range p.Fields {
		f.Errors[k] = msg
	}
	switch {
	case len(p.Fields) == 0 || p.Code != "validation_failed":
		f.Message = p.Message
	case len(p.Fields) == 1:
		f.Message = "Please correct the field marked below."
	default:
		f.Message = "Please correct the fields marked below."
	}
}

// field is what the "field" partial renders: a label, an input and, when
// there is one, its error and hint, tied together with ids for screen
// readers.
type field struct {
	Name         string
	Label        string
	Type         string
	Value        string
	Error        string
	Hint         string
	Autocomplete string
	Required     bool
	Autofocus    bool
	MaxLength    int
	Options      []option // for Type "select"
	Rows         int      // for Type "textarea"
}

type option struct {
	Value, Label string
}
