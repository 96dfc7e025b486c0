package timezone

import (
	"testing"
	"time"
)

func TestValid(t *testing.T) {
	for name, want := range map[string]bool{
		"Europe/Paris": true, "UTC": true, "America/New_York": true,
		"": false, "Local": false, "Mars/Olympus": false, "../etc/passwd": false,
	} {
		if got := Valid(name); got != want {
			t.Errorf("Valid(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLocationCachesAndReportsUnknownNames(t *testing.T) {
	a, err := Location("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Location("Europe/Paris")
	if a != b {
		t.Error("second load is not the cached zone")
	}
	if loc, err := Location(""); err != nil || loc != time.UTC {
		t.Errorf(`Location("") = %v, %v; want UTC`, loc, err)
	}
	if _, err := Location("Mars/Olympus"); err == nil {
		t.Error("unknown zone loaded")
	}
	if Or("Mars/Olympus") != time.UTC || Or("Europe/Paris") != a {
		t.Error("Or does not fall back to UTC only for a bad name")
	}
}
