package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunPrintsReport(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-file", "../../internal/ai/testdata/replies.json"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"out_of_office", "macro average", "accuracy:", "batch A", "rules step alone"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run([]string{"-file", "does-not-exist.json"}, &out); err == nil {
		t.Error("missing file: no error")
	}
}
