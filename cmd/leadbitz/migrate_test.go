package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMigrateStatusAndDryRun(t *testing.T) {
	ctx := context.Background()
	vars := map[string]string{"DATABASE_URL": storetest.EmptyURL(t), "LEADBITZ_DATA_DIR": filepath.Join(t.TempDir(), "data")}
	getenv := func(k string) string { return vars[k] }
	latest, err := store.LatestSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	lastLine := fmt.Sprintf("%04d", latest)
	runOut := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, args, getenv, &out, &errOut); err != nil {
			t.Fatalf("leadbitz %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String()
	}

	for range 2 { // the second time proves the first changed nothing
		if out := runOut("migrate", "--dry-run"); !strings.Contains(out, "would apply") || !strings.Contains(out, "0001_init") ||
			!strings.Contains(out, lastLine+"_") {
			t.Fatalf("dry run on an empty database:\n%s", out)
		}
		if out := runOut("migrate", "--status"); !strings.Contains(out, "pending") || strings.Contains(out, "applied ") {
			t.Fatalf("status of an empty database:\n%s", out)
		}
	}
	runOut("migrate")
	if out := runOut("migrate", "--status"); strings.Contains(out, "pending") || !strings.Contains(out, "up to date") {
		t.Fatalf("status after migrate:\n%s", out)
	}
	if out := runOut("migrate", "--dry-run"); !strings.Contains(out, "nothing to apply") {
		t.Fatalf("dry run after migrate:\n%s", out)
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	// An environment FromEnv refuses: version must not need one.
	bad := func(k string) string { return map[string]string{"LEADBITZ_ADDR": "nonsense"}[k] }
	if err := run(context.Background(), []string{"version"}, bad, &out, &out); err != nil {
		t.Fatal(err)
	}
	latest, _ := store.LatestSchemaVersion()
	for _, want := range []string{"leadbitz ", "commit ", "go ", fmt.Sprintf("schema   %d", latest)} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version output lacks %q:\n%s", want, out.String())
		}
	}
}
