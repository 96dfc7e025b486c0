// Command leadbitz-aieval prints how well the offline reply classifier does on the labelled
// reply set: precision and recall per category, macro averages, accuracy overall and per
// writing batch, and how many replies the certain rules decide before any model is asked.
//
// Run it from the repository root:
//
//	go run ./cmd/leadbitz-aieval              # internal/ai/testdata/replies.json
//	go run ./cmd/leadbitz-aieval -v           # also list every misclassified reply
//	go run ./cmd/leadbitz-aieval -file x.json # another labelled set in the same format
//
// internal/ai/testdata/README.md explains the batches and records the accuracy each batch
// had the first time it was run, before the rules were tuned on it: that is the fair
// estimate for replies worded unlike anything in the set.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/leadbitz/leadbitz/internal/ai/aieval"
	"github.com/leadbitz/leadbitz/internal/ai/offline"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "leadbitz-aieval:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("leadbitz-aieval", flag.ContinueOnError)
	verbose := fs.Bool("v", false, "list misclassified replies")
	file := fs.String("file", "internal/ai/testdata/replies.json", "labelled JSON file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	examples, err := aieval.Load(*file)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %d labelled replies, offline classifier\n", *file, len(examples))
	if err := aieval.Evaluate(examples, offline.Classify).Write(out, *verbose); err != nil {
		return err
	}
	return aieval.EvaluateRules(examples).Write(out)
}
