package main

import (
	"fmt"
	"io"

	"github.com/leadbitz/leadbitz/internal/buildinfo"
	"github.com/leadbitz/leadbitz/internal/store"
)

// printVersion is `leadbitz version`: what an operator needs before an
// upgrade (docs/upgrading.md) and in a bug report.
func printVersion(stdout io.Writer) error {
	schema, err := store.LatestSchemaVersion()
	if err != nil {
		return err
	}
	b := buildinfo.Get()
	_, err = fmt.Fprintf(stdout, "leadbitz %s\ncommit   %s\ngo       %s\nschema   %d\n", b.Version, b.Commit, b.GoVersion, schema)
	return err
}
