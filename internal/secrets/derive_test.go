package secrets

import (
	"errors"
	"testing"
)

func TestDeriveSeparatesPurposes(t *testing.T) {
	ring := mustRing(t, testKey(1), testKey(2))
	flash, err := ring.Derive("web flash")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ring.Derive("something else")
	again, _ := mustRing(t, testKey(1), testKey(2)).Derive("web flash")

	sealed, _ := flash.Encrypt([]byte("hello"), nil)
	if got, err := again.Decrypt(sealed, nil); err != nil || string(got) != "hello" {
		t.Fatalf("the same purpose derived again (another replica) must open it: %q %v", got, err)
	}
	for name, r := range map[string]*KeyRing{"the credentials ring": ring, "another purpose": other} {
		if _, err := r.Decrypt(sealed, nil); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("%s opened a flash value: %v", name, err)
		}
	}
	cred, _ := ring.Encrypt([]byte("token"), nil)
	if _, err := flash.Decrypt(cred, nil); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("the flash ring opened a credential: %v", err)
	}
	if len(flash.KeyIDs()) != 2 || flash.KeyIDs()[0] == ring.KeyIDs()[0] {
		t.Errorf("derived key ids %v vs %v: one per key, none shared", flash.KeyIDs(), ring.KeyIDs())
	}
	// Rotation carries over: a value sealed under the old key's derived key
	// still opens once a new key is put first.
	oldFlash, _ := mustRing(t, testKey(2)).Derive("web flash")
	old, _ := oldFlash.Encrypt([]byte("before rotation"), nil)
	if got, err := flash.Decrypt(old, nil); err != nil || string(got) != "before rotation" {
		t.Fatalf("after rotation: %q %v", got, err)
	}
	if _, err := ring.Derive(""); err == nil {
		t.Fatal("an empty purpose was accepted")
	}
}
