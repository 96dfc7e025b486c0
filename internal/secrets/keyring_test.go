package secrets

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// testKey returns a deterministic key so failures are reproducible.
func testKey(seed byte) []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func mustRing(t *testing.T, keys ...[]byte) *KeyRing {
	t.Helper()
	r, err := NewKeyRing(keys...)
	if err != nil {
		t.Fatalf("NewKeyRing: %v", err)
	}
	return r
}

func mustEncrypt(t *testing.T, r *KeyRing, plaintext, ad []byte) string {
	t.Helper()
	ct, err := r.Encrypt(plaintext, ad)
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	return ct
}

var formatRE = regexp.MustCompile(`^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$`)

func TestRoundTrip(t *testing.T) {
	r := mustRing(t, testKey(1))
	tests := []struct {
		name      string
		plaintext []byte
		ad        []byte
	}{
		{"empty plaintext", []byte{}, []byte("inbox:1")},
		{"nil associated data", []byte("ya29.token"), nil},
		{"oauth token", []byte(`{"access_token":"ya29.a0","refresh_token":"1//0g"}`), []byte("inbox_connections:0190f3")},
		{"binary", []byte{0, 1, 2, 255, 254, ':', '\n'}, []byte{0, ':'}},
		{"large", bytes.Repeat([]byte("password"), 8192), []byte("x")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct := mustEncrypt(t, r, tc.plaintext, tc.ad)
			if !formatRE.MatchString(ct) {
				t.Fatalf("ciphertext %q does not match the v1 format", ct)
			}
			if got := strings.Split(ct, ":")[1]; got != r.CurrentKeyID() {
				t.Errorf("key id in ciphertext = %s, want current %s", got, r.CurrentKeyID())
			}
			if len(tc.plaintext) > 3 && strings.Contains(ct, string(tc.plaintext)) {
				t.Errorf("ciphertext contains the plaintext")
			}
			got, err := r.Decrypt(ct, tc.ad)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Errorf("Decrypt = %q, want %q", got, tc.plaintext)
			}
			if again := mustEncrypt(t, r, tc.plaintext, tc.ad); again == ct {
				t.Errorf("two encryptions of the same plaintext are identical; nonce is not random")
			}
		})
	}
}

func TestKeyIDIsStableAndDomainSeparated(t *testing.T) {
	k := testKey(7)
	// Pinned: changing the derivation would orphan every stored ciphertext.
	// Computed independently: sha256(b"leadbitz secret key id v1\x00"+key)[:4].
	if got, want := KeyID(k), "2afc6671"; got != want {
		t.Errorf("KeyID = %s, want %s", got, want)
	}
	plain := sha256.Sum256(k)
	if KeyID(k) == hex.EncodeToString(plain[:4]) {
		t.Errorf("KeyID is the bare SHA-256 of the key; want it domain separated")
	}
	if KeyID(k) == KeyID(testKey(8)) {
		t.Errorf("different keys share a key id")
	}
	if got := mustRing(t, k).CurrentKeyID(); got != KeyID(k) {
		t.Errorf("CurrentKeyID = %s, want %s", got, KeyID(k))
	}
}

func TestDecryptRejectsTampering(t *testing.T) {
	r := mustRing(t, testKey(1), testKey(2))
	ad := []byte("inbox:42")
	ct := mustEncrypt(t, r, []byte("refresh-token-value"), ad)
	hdr, payload := ct[:12], ct[12:]
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}

	// Every single-bit flip anywhere in nonce, ciphertext or tag is caught.
	for i := range raw {
		flipped := bytes.Clone(raw)
		flipped[i] ^= 0x01
		_, err := r.Decrypt(hdr+base64.RawURLEncoding.EncodeToString(flipped), ad)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("flip at byte %d: err = %v, want ErrCorrupt", i, err)
		}
	}

	otherID := KeyID(testKey(2))
	tests := []struct {
		name string
		ct   string
		ad   []byte
		want error
	}{
		{"wrong associated data (row swap)", ct, []byte("inbox:43"), ErrCorrupt},
		{"missing associated data", ct, nil, ErrCorrupt},
		{"relabelled to another key in the ring", "v1:" + otherID + ":" + payload, ad, ErrCorrupt},
		{"unknown version", "v2" + ct[2:], ad, ErrCorrupt},
		{"upper-case key id", "v1:" + strings.ToUpper(ct[3:11]) + ct[11:], ad, ErrCorrupt},
		{"short key id", "v1:abc:" + payload, ad, ErrCorrupt},
		{"truncated tag", ct[:len(ct)-4], ad, ErrCorrupt},
		{"too short for nonce and tag", hdr + "AAAA", ad, ErrCorrupt},
		{"appended data", ct + "AA", ad, ErrCorrupt},
		{"not base64", hdr + "!!!!" + payload, ad, ErrCorrupt},
		{"padded base64", ct + "=", ad, ErrCorrupt},
		{"empty payload", hdr, ad, ErrCorrupt},
		{"empty string", "", ad, ErrCorrupt},
		{"plaintext stored by mistake", "ya29.token", ad, ErrCorrupt},
		{"no payload separator", "v1:" + ct[3:11], ad, ErrCorrupt},
		{"unknown key", "v1:00000000:" + payload, ad, ErrUnknownKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Decrypt(tc.ct, tc.ad)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if got != nil {
				t.Errorf("returned %q alongside the error", got)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := testKey(1), testKey(2)
	ad := []byte("inbox:7")
	secret := []byte("smtp-password-hunter2")

	before := mustRing(t, oldKey)
	ct := mustEncrypt(t, before, secret, ad)
	if before.NeedsRotation(ct) {
		t.Fatalf("fresh ciphertext under the only key needs rotation")
	}

	during := mustRing(t, newKey, oldKey) // operator put a new key first
	if !during.NeedsRotation(ct) {
		t.Fatalf("ciphertext under the old key does not need rotation")
	}
	if got, err := during.Decrypt(ct, ad); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("old ciphertext under the new ring: %q, %v", got, err)
	}
	if _, err := during.Rotate(ct, []byte("inbox:8")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Rotate with wrong associated data: err = %v, want ErrCorrupt", err)
	}
	rotated, err := during.Rotate(ct, ad)
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if !strings.HasPrefix(rotated, "v1:"+KeyID(newKey)+":") {
		t.Fatalf("rotated ciphertext %q is not under the new key %s", rotated, KeyID(newKey))
	}
	if during.NeedsRotation(rotated) {
		t.Errorf("rotated ciphertext still needs rotation")
	}
	if again, err := during.Rotate(rotated, ad); err != nil || again != rotated {
		t.Errorf("Rotate of a current ciphertext = %q, %v; want it unchanged", again, err)
	}

	after := mustRing(t, newKey) // old key removed once everything rotated
	if got, err := after.Decrypt(rotated, ad); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("rotated ciphertext after removing the old key: %q, %v", got, err)
	}
	if _, err := after.Decrypt(ct, ad); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old ciphertext after removing the old key: err = %v, want ErrUnknownKey", err)
	}
	if _, err := after.Rotate(ct, ad); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Rotate of an old ciphertext without the old key: err = %v, want ErrUnknownKey", err)
	}
}

func TestNeedsRotationFlagsUnparseableValues(t *testing.T) {
	r := mustRing(t, testKey(1))
	for _, ct := range []string{"", "plaintext", "v2:" + r.CurrentKeyID() + ":AAAA", "v1:" + r.CurrentKeyID() + ":"} {
		if !r.NeedsRotation(ct) {
			t.Errorf("NeedsRotation(%q) = false; a rotation pass would silently skip it", ct)
		}
	}
}

func TestNewKeyRingErrors(t *testing.T) {
	tests := []struct {
		name string
		keys [][]byte
		want string
	}{
		{"no keys", nil, "at least one key"},
		{"short key", [][]byte{testKey(1), testKey(2)[:16]}, "key 2 of 2 is 16 bytes, want 32"},
		{"long key", [][]byte{append(testKey(1), 0)}, "key 1 of 1 is 33 bytes"},
		{"duplicate", [][]byte{testKey(1), testKey(2), testKey(1)}, "key 3 of 3 (id " + KeyID(testKey(1)) + ") is listed twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewKeyRing(tc.keys...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			for _, k := range tc.keys {
				assertNoKeyMaterial(t, err.Error(), k)
			}
		})
	}
}

func TestKeyRingFormattingHidesKeys(t *testing.T) {
	k1, k2 := testKey(1), testKey(2)
	r := mustRing(t, k1, k2)
	want := "secrets.KeyRing{" + KeyID(k1) + "," + KeyID(k2) + "}"
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(verb, r)
		if got != want {
			t.Errorf("Sprintf(%s) = %q, want %q", verb, got, want)
		}
	}
	if ids := r.KeyIDs(); len(ids) != 2 || ids[0] != KeyID(k1) || ids[1] != KeyID(k2) {
		t.Errorf("KeyIDs = %v", ids)
	}
}

func TestGenerateKey(t *testing.T) {
	a, b := GenerateKey(), GenerateKey()
	if a == b {
		t.Fatalf("GenerateKey returned the same key twice")
	}
	k, err := base64.StdEncoding.DecodeString(a)
	if err != nil || len(k) != KeySize {
		t.Fatalf("GenerateKey = %q: decodes to %d bytes, %v", a, len(k), err)
	}
	if _, err := LoadKeyRing(a+","+b, ""); err != nil {
		t.Fatalf("generated keys are not accepted by LoadKeyRing: %v", err)
	}
}

// assertNoKeyMaterial fails when msg contains the key in any encoding a
// careless error might use.
func assertNoKeyMaterial(t *testing.T, msg string, key []byte) {
	t.Helper()
	if len(key) == 0 {
		return
	}
	for _, enc := range []string{
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
		hex.EncodeToString(key),
		fmt.Sprint(key),
		string(key),
	} {
		if strings.Contains(msg, enc) {
			t.Errorf("error %q contains key material", msg)
		}
	}
}
