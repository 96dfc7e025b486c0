package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// APIKeyPrefix marks Leadbitz API keys so secret scanners can recognise them.
const APIKeyPrefix = "lbz_"

// newToken returns 32 random bytes, URL-safe encoded.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what we store for a session or API key token: the token has
// 256 bits of entropy, so a plain SHA-256 is enough (no salt, no slow hash)
// and lets us look it up by hash.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
