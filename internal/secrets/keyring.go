package secrets

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of every key: AES-256.
const KeySize = 32

// Sentinel errors. Match them with errors.Is; the wrapped messages add only
// non-secret context such as a key id.
var (
	// ErrUnknownKey means the ciphertext names a key id that is not in the
	// ring, typically because an old key was removed before every value was
	// rotated off it.
	ErrUnknownKey = errors.New("secrets: ciphertext was encrypted with a key that is not configured")
	// ErrCorrupt means the ciphertext is malformed, was altered, or was
	// bound to different associated data than the caller supplied.
	ErrCorrupt = errors.New("secrets: ciphertext is corrupt or does not belong here")
)

// keyIDDomain separates key fingerprints from any other use of SHA-256 over
// the same key bytes.
const keyIDDomain = "leadbitz secret key id v1\x00"

const formatVersion = "v1"

// KeyRing encrypts with its current key and decrypts with any of its keys.
// It is safe for concurrent use. Its String method never prints keys, so a
// KeyRing may appear in logs and error messages.
type KeyRing struct {
	keys []ringKey // keys[0] is current
	byID map[string]cipher.AEAD
}

type ringKey struct {
	id   string
	aead cipher.AEAD
	raw  []byte // a copy, kept only to derive purpose keys from (Derive)
}

// NewKeyRing builds a ring from raw 32-byte keys; the first is current.
// Keys are copied into the cipher state, so the caller may wipe its slices.
func NewKeyRing(keys ...[]byte) (*KeyRing, error) {
	r, err := newKeyRing(keys)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return r, nil
}

// newKeyRing returns errors without the package prefix so that LoadKeyRing
// can say where the keys came from.
func newKeyRing(keys [][]byte) (*KeyRing, error) {
	if len(keys) == 0 {
		return nil, errors.New("a key ring needs at least one key")
	}
	r := &KeyRing{byID: make(map[string]cipher.AEAD, len(keys))}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("key %d of %d is %d bytes, want %d", i+1, len(keys), len(k), KeySize)
		}
		id := KeyID(k)
		if _, dup := r.byID[id]; dup {
			return nil, fmt.Errorf("key %d of %d (id %s) is listed twice", i+1, len(keys), id)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i+1, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i+1, err)
		}
		r.keys = append(r.keys, ringKey{id: id, aead: aead, raw: bytes.Clone(k)})
		r.byID[id] = aead
	}
	return r, nil
}

// Derive returns a ring of keys for one purpose, derived from this ring's
// keys with HKDF-SHA256 (the purpose is HKDF's info), in the same order, so
// rotating the ring rotates the derived one too. Values sealed for one
// purpose (a web flash cookie, say) cannot be opened as stored credentials
// or as another purpose's values, and the other way round: each purpose has
// its own keys and key ids.
func (r *KeyRing) Derive(purpose string) (*KeyRing, error) {
	if purpose == "" {
		return nil, errors.New("secrets: Derive needs a purpose")
	}
	keys := make([][]byte, len(r.keys))
	for i, k := range r.keys {
		dk, err := hkdf.Key(sha256.New, k.raw, nil, derivePrefix+purpose, KeySize)
		if err != nil {
			return nil, fmt.Errorf("secrets: derive: %w", err)
		}
		keys[i] = dk
	}
	return NewKeyRing(keys...)
}

// derivePrefix separates derived keys from any other use of HKDF on the
// same keys.
const derivePrefix = "leadbitz derived key v1: "

// KeyID returns the stable, non-secret fingerprint that ciphertexts carry to
// name the key they were encrypted with.
func KeyID(key []byte) string {
	h := sha256.New()
	h.Write([]byte(keyIDDomain))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// GenerateKey returns a new random key, base64 encoded as LEADBITZ_SECRET_KEY
// and the key file expect.
func GenerateKey() string {
	return base64.StdEncoding.EncodeToString(randomBytes(KeySize))
}

// CurrentKeyID is the id of the key Encrypt uses.
func (r *KeyRing) CurrentKeyID() string { return r.keys[0].id }

// KeyIDs lists the ids of all keys in the ring, current first.
func (r *KeyRing) KeyIDs() []string {
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.id
	}
	return ids
}

// String describes the ring by key ids only.
func (r *KeyRing) String() string {
	return "secrets.KeyRing{" + strings.Join(r.KeyIDs(), ",") + "}"
}

// GoString keeps %#v from printing the cipher state.
func (r *KeyRing) GoString() string { return r.String() }

// Encrypt seals plaintext under the current key, bound to associatedData,
// and returns the text format described in the package documentation.
// The same associatedData must be passed to Decrypt. The error is part of
// the signature so that callers already handle it should a future format
// need one; version 1 never fails.
func (r *KeyRing) Encrypt(plaintext, associatedData []byte) (string, error) {
	cur := r.keys[0]
	header := header(cur.id)
	nonce := randomBytes(cur.aead.NonceSize())
	sealed := cur.aead.Seal(nonce, nonce, plaintext, additionalData(header, associatedData))
	return header + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Decrypt opens a ciphertext produced by Encrypt under any key in the ring.
// It returns ErrUnknownKey when the key is not in the ring and ErrCorrupt
// when the text is malformed, altered, or bound to other associated data.
func (r *KeyRing) Decrypt(ciphertext string, associatedData []byte) ([]byte, error) {
	id, payload, err := parse(ciphertext)
	if err != nil {
		return nil, err
	}
	aead, ok := r.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w (key id %s)", ErrUnknownKey, id)
	}
	sealed, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrCorrupt
	}
	nonce, body := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	plaintext, err := aead.Open(nil, nonce, body, additionalData(header(id), associatedData))
	if err != nil {
		return nil, ErrCorrupt
	}
	return plaintext, nil
}

// NeedsRotation reports whether ciphertext is not under the current key.
// It does not authenticate the ciphertext, so it is cheap enough to run over
// every row; anything it cannot parse also reports true, so that a rotation
// pass calls Rotate on it and surfaces the error instead of skipping it.
func (r *KeyRing) NeedsRotation(ciphertext string) bool {
	id, _, err := parse(ciphertext)
	return err != nil || id != r.keys[0].id
}

// Rotate re-encrypts ciphertext under the current key with the same
// associated data. A ciphertext already under the current key is verified
// and returned unchanged, so running a rotation twice is harmless.
func (r *KeyRing) Rotate(ciphertext string, associatedData []byte) (string, error) {
	plaintext, err := r.Decrypt(ciphertext, associatedData)
	if err != nil {
		return "", err
	}
	defer clear(plaintext)
	if !r.NeedsRotation(ciphertext) {
		return ciphertext, nil
	}
	return r.Encrypt(plaintext, associatedData)
}

// randomBytes reads from crypto/rand, which since Go 1.24 never returns an
// error: it crashes the program if the system's generator fails.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func header(keyID string) string { return formatVersion + ":" + keyID + ":" }

// additionalData authenticates the header with the caller's data. The
// header has a fixed length and ends in ':', so the concatenation is
// unambiguous.
func additionalData(header string, associatedData []byte) []byte {
	ad := make([]byte, 0, len(header)+len(associatedData))
	ad = append(ad, header...)
	return append(ad, associatedData...)
}

// parse splits "v1:<keyid>:<payload>", checking the version and that the key
// id is 8 lowercase hex characters.
func parse(ciphertext string) (keyID, payload string, err error) {
	version, rest, ok1 := strings.Cut(ciphertext, ":")
	keyID, payload, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || version != formatVersion || !isKeyID(keyID) || payload == "" {
		return "", "", ErrCorrupt
	}
	return keyID, payload, nil
}

func isKeyID(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
