package generator_test

import (
	"context"
	"fmt"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ai/generator"
)

// With no API key configured, the offline generator answers, and says so in every result.
func ExampleNew() {
	gen, err := generator.New(ai.ConfigFromEnv(func(string) string { return "" }))
	if err != nil {
		panic(err)
	}
	c, _ := gen.Categorize(context.Background(), ai.ReplyInput{
		Subject: "Automatic reply: Payroll at Trattoria Roma",
		Body:    "I am out of the office until 10 March. For urgent matters contact my colleague Jane.",
	})
	fmt.Println(gen.Name(), c.Category, c.Generator)
	// Output: offline out_of_office rules
}
