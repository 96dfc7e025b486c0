// Package secrets encrypts small secrets at rest: provider OAuth tokens,
// SMTP/IMAP passwords and similar values that Leadbitz must be able to read
// back, unlike user passwords, which are hashed.
//
// # Ciphertext format
//
// Every ciphertext is printable ASCII, safe for a TEXT column:
//
//	v1:<keyid>:<base64url(nonce || sealed)>
//
// where:
//
//   - "v1" is the format version. It names the algorithm: AES-256-GCM with a
//     12-byte random nonce and a 16-byte tag.
//   - <keyid> is 8 lowercase hex characters: the first 4 bytes of
//     SHA-256("leadbitz secret key id v1\x00" || key). It identifies the key
//     without revealing it, so a KeyRing holding several keys knows which one
//     to try, and a rotation knows which rows still use an old key.
//   - The payload is unpadded URL-safe base64 of the nonce followed by the
//     GCM output (ciphertext and tag).
//
// The header "v1:<keyid>:" is authenticated together with the caller's
// associated data, so neither the version nor the key id can be altered.
// Callers pass associated data that names the row the secret belongs to
// (for example "inbox_connections.oauth_token:" + mailbox id): a ciphertext
// copied into another row then fails to decrypt instead of silently handing
// one inbox's token to another.
//
// # Keys and rotation
//
// A KeyRing holds one or more 32-byte keys. The first is current: Encrypt
// always uses it. Decrypt accepts a ciphertext under any key in the ring.
// To rotate, put a new key first and keep the old ones after it
// (LEADBITZ_SECRET_KEY="new,old", or a new first line in the key file), then re-encrypt every stored value whose
// NeedsRotation reports true with Rotate; once none remain, the old key can
// be removed.
//
// Errors returned by this package never contain plaintext or key material.
package secrets
