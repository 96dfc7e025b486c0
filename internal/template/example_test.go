package template_test

import (
	"errors"
	"fmt"

	msgtemplate "github.com/leadbitz/leadbitz/internal/template"
)

func Example() {
	tpl, err := msgtemplate.Parse(`{Hi|Hello} {{firstName | "there"}}, quick question about {{company}}.`)
	if err != nil {
		panic(err)
	}
	fmt.Println(tpl.Tags(), tpl.VariantCount())
	fmt.Println(tpl.MissingFields(msgtemplate.Data{FirstName: "Ada"}))

	lead := msgtemplate.Data{FirstName: "Ada", Company: "Analytical Engines"}
	a, _ := tpl.Render(lead, msgtemplate.Seed("lead-1", 1, 0))
	b, _ := tpl.Render(lead, msgtemplate.Seed("lead-1", 1, 0))
	fmt.Println(a == b)
	// Output:
	// [firstName company] 2
	// [company]
	// true
}

func ExampleParse_syntaxError() {
	_, err := msgtemplate.Parse("Hi {{firstName | shout}}")
	var se *msgtemplate.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Line, se.Column, se.Message)
	}
	// Output:
	// 1 18 unknown filter "shout"; use lower, upper, capitalize or a quoted fallback such as "there"
}
