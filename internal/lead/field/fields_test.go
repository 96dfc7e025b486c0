package field

import (
	"errors"
	"strings"
	"testing"
)

func TestFieldByName(t *testing.T) {
	for in, want := range map[string]string{
		"email": "email", "First Name": "firstName", "first_name": "firstName", "LINKEDINURL": "linkedinUrl",
		"linkedin-url": "linkedinUrl", "fullName": "fullName", "custom.icebreaker": "custom.icebreaker",
		"Custom.Deal_Size-2": "custom.Deal_Size-2",
	} {
		fd, err := ByName(in)
		if err != nil || fd.Name() != want {
			t.Errorf("ByName(%q) = %q, %v; want %q", in, fd.Name(), err, want)
		}
	}
	for _, in := range []string{"", "emails", "custom.", "custom.a b", "custom.{{x}}", "custom." + strings.Repeat("k", 65), "status"} {
		if fd, err := ByName(in); err == nil || !errors.Is(err, ErrUnknown) {
			t.Errorf("ByName(%q) = %q, %v; want ErrUnknown", in, fd.Name(), err)
		}
	}

	var f Fields
	for _, name := range []string{"firstName", "custom.icebreaker", "phone"} {
		fd, _ := ByName(name)
		fd.Set(&f, "v-"+name)
		if got := fd.Get(f); got != "v-"+name {
			t.Errorf("%s: Get after Set = %q", name, got)
		}
	}
	full, _ := ByName("fullName")
	full.Set(&f, "Lovelace, Ada")
	if f.FirstName != "Ada" || f.LastName != "Lovelace" || full.Get(f) != "Ada Lovelace" {
		t.Errorf("fullName Set/Get: %+v", f)
	}
	var names []string
	for name, v := range f.All() {
		names = append(names, name+"="+v)
	}
	if got := strings.Join(names, ","); got != "firstName=Ada,lastName=Lovelace,phone=v-phone,custom.icebreaker=v-custom.icebreaker" {
		t.Errorf("All() = %s", got)
	}
}
