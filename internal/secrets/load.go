package secrets

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the file, inside the data directory, that holds the keys
// when LEADBITZ_SECRET_KEY is not set.
const KeyFileName = "secret.key"

// LoadKeyRing builds the ring the server uses.
//
// When env (the value of LEADBITZ_SECRET_KEY) is not blank it holds one or
// more base64-encoded 32-byte keys separated by commas, current first, and
// the key file is ignored.
//
// Otherwise the keys are read from <dataDir>/secret.key, in the same format
// (commas or newlines between keys). When that file does not exist a new key
// is generated into it with mode 0600, creating dataDir with mode 0700 if
// needed, so that a server with no configuration still encrypts. A key file
// that group or others can access is refused: the key protects every stored
// token.
func LoadKeyRing(env, dataDir string) (*KeyRing, error) {
	if strings.TrimSpace(env) != "" {
		r, err := parseKeys(env)
		if err != nil {
			return nil, fmt.Errorf("secrets: LEADBITZ_SECRET_KEY: %w", err)
		}
		return r, nil
	}
	if dataDir == "" {
		return nil, errors.New("secrets: neither LEADBITZ_SECRET_KEY nor a data directory is set")
	}
	path := filepath.Join(dataDir, KeyFileName)
	r, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := generateKeyFile(dataDir, path); err != nil {
			return nil, err
		}
		r, err = readKeyFile(path)
	}
	return r, err
}

// parseKeys decodes a list of base64 keys separated by commas or white
// space. Errors name the key by position, never by content.
func parseKeys(list string) (*KeyRing, error) {
	fields := strings.FieldsFunc(list, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 {
		return nil, errors.New("no keys found")
	}
	keys := make([][]byte, len(fields))
	for i, f := range fields {
		k, err := decodeKey(f)
		if err != nil {
			return nil, fmt.Errorf("key %d of %d %w", i+1, len(fields), err)
		}
		keys[i] = k
	}
	defer func() {
		for _, k := range keys {
			clear(k)
		}
	}()
	return newKeyRing(keys)
}

// decodeKey accepts standard or URL-safe base64, padded or not, because keys
// come from openssl, GenerateKey and hand-written deployment files alike.
// The decoder's own error is dropped: it could quote part of the input.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		k, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(k) != KeySize {
			clear(k)
			return nil, fmt.Errorf("decodes to %d bytes, want %d (generate one with `openssl rand -base64 32`)", len(k), KeySize)
		}
		return k, nil
	}
	return nil, errors.New("is not valid base64")
}

func readKeyFile(path string) (*KeyRing, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secrets: key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("secrets: key file %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("secrets: key file %s has mode %#o; refusing a key that group or others can access (run: chmod 600 %s)", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets: key file: %w", err)
	}
	defer clear(data)
	r, err := parseKeys(string(data))
	if err != nil {
		return nil, fmt.Errorf("secrets: key file %s: %w", path, err)
	}
	return r, nil
}

// generateKeyFile writes a new key to path without ever exposing a partial
// file or overwriting one: the key goes to a private temporary file that is
// then hard-linked into place. When two processes start at once on the same
// data directory, one link wins and both read the winner's key.
func generateKeyFile(dataDir, path string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("secrets: creating data directory: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, ".secret.key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("secrets: creating key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("secrets: creating key file: %w", err)
	}
	_, err = tmp.WriteString(GenerateKey() + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("secrets: writing key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("secrets: creating key file: %w", err)
	}
	return nil
}
