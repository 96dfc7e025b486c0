package template

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError reports where a template is malformed. Offset is in bytes from
// the start of the source; Line and Column are 1-based, Column counting
// characters (runes), so the API can point a user at the spot.
type SyntaxError struct {
	Offset  int
	Line    int
	Column  int
	Message string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// newSyntaxError fills Line and Column from the byte offset into src.
func newSyntaxError(src string, offset int, format string, args ...any) *SyntaxError {
	offset = min(max(offset, 0), len(src))
	before := src[:offset]
	line := 1 + strings.Count(before, "\n")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return &SyntaxError{
		Offset:  offset,
		Line:    line,
		Column:  1 + utf8.RuneCountInString(before[lineStart:]),
		Message: fmt.Sprintf(format, args...),
	}
}

// MissingFieldsError is returned by Render when a merge tag without a
// fallback has no value for the lead. Fields holds the tag names (as Tags
// spells them) in order of first use.
type MissingFieldsError struct {
	Fields []string
}

func (e *MissingFieldsError) Error() string {
	return "template needs a value for " + strings.Join(e.Fields, ", ")
}
