package secrets

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadKeyRingFromEnv(t *testing.T) {
	k1, k2 := testKey(1), testKey(2)
	std1, std2 := base64.StdEncoding.EncodeToString(k1), base64.StdEncoding.EncodeToString(k2)
	tests := []struct {
		name string
		env  string
		ids  []string
	}{
		{"one key", std1, []string{KeyID(k1)}},
		{"two keys, current first", std2 + "," + std1, []string{KeyID(k2), KeyID(k1)}},
		{"spaces, newline and trailing comma", " " + std1 + " ,\n" + std2 + ",", []string{KeyID(k1), KeyID(k2)}},
		{"url-safe unpadded", base64.RawURLEncoding.EncodeToString(k1), []string{KeyID(k1)}},
		{"standard unpadded", base64.RawStdEncoding.EncodeToString(k2), []string{KeyID(k2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := LoadKeyRing(tc.env, dir)
			if err != nil {
				t.Fatalf("LoadKeyRing: %v", err)
			}
			if got := strings.Join(r.KeyIDs(), ","); got != strings.Join(tc.ids, ",") {
				t.Errorf("key ids = %s, want %s", got, strings.Join(tc.ids, ","))
			}
			if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
				t.Errorf("a key file was written although LEADBITZ_SECRET_KEY is set (stat err %v)", err)
			}
		})
	}
}

func TestLoadKeyRingEnvErrors(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(testKey(3)[:24])
	long := base64.StdEncoding.EncodeToString(append(testKey(4), testKey(5)...))
	good := base64.StdEncoding.EncodeToString(testKey(1))
	notBase64 := "this-is-my-secret-passphrase!!"
	tests := []struct {
		name   string
		env    string
		want   string
		secret string // must not appear in the error
	}{
		{"not base64", notBase64, "key 1 of 1 is not valid base64", notBase64},
		{"too short", good + "," + short, "key 2 of 2 decodes to 24 bytes, want 32", short},
		{"too long", long, "key 1 of 1 decodes to 64 bytes, want 32", long},
		{"only separators", " , ,", "no keys found", ""},
		{"duplicate", good + "," + good, "is listed twice", good},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadKeyRing(tc.env, t.TempDir())
			if err == nil {
				t.Fatal("LoadKeyRing succeeded")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "secrets: LEADBITZ_SECRET_KEY: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("err = %q, want LEADBITZ_SECRET_KEY prefix and %q", msg, tc.want)
			}
			if tc.secret != "" && strings.Contains(msg, tc.secret) {
				t.Errorf("err %q contains the key", msg)
			}
			for _, seed := range []byte{1, 3, 4, 5} {
				assertNoKeyMaterial(t, msg, testKey(seed))
			}
		})
	}
}

func TestLoadKeyRingGeneratesKeyFile(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data") // does not exist yet
	r, err := LoadKeyRing("", dataDir)
	if err != nil {
		t.Fatalf("LoadKeyRing: %v", err)
	}
	assertMode(t, dataDir, 0o700)
	path := filepath.Join(dataDir, KeyFileName)
	assertMode(t, path, 0o600)

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != KeySize {
		t.Fatalf("key file holds %q: %d bytes, %v", data, len(key), err)
	}
	if r.CurrentKeyID() != KeyID(key) {
		t.Errorf("ring uses key %s, file holds %s", r.CurrentKeyID(), KeyID(key))
	}

	// A restart reads the same key back instead of generating another.
	again, err := LoadKeyRing("", dataDir)
	if err != nil {
		t.Fatalf("second LoadKeyRing: %v", err)
	}
	if again.CurrentKeyID() != r.CurrentKeyID() {
		t.Errorf("restart loaded key %s, want %s", again.CurrentKeyID(), r.CurrentKeyID())
	}
	ct := mustEncrypt(t, r, []byte("token"), nil)
	if _, err := again.Decrypt(ct, nil); err != nil {
		t.Errorf("ciphertext from before the restart: %v", err)
	}

	entries, err := os.ReadDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("data dir holds %d entries, want only %s (temporary file left behind?)", len(entries), KeyFileName)
	}
}

func TestLoadKeyRingKeepsExistingDataDirMode(t *testing.T) {
	dataDir := t.TempDir()
	if err := os.Chmod(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyRing("", dataDir); err != nil {
		t.Fatalf("LoadKeyRing: %v", err)
	}
	assertMode(t, dataDir, 0o755)
	assertMode(t, filepath.Join(dataDir, KeyFileName), 0o600)
}

func TestLoadKeyRingConcurrentFirstStart(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	const n = 8
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := LoadKeyRing("", dataDir)
			errs[i] = err
			if err == nil {
				ids[i] = r.CurrentKeyID()
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("process %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("processes started together use different keys: %v", ids)
		}
	}
}

func TestLoadKeyRingFromFile(t *testing.T) {
	k1, k2 := testKey(1), testKey(2)
	std1, std2 := base64.StdEncoding.EncodeToString(k1), base64.StdEncoding.EncodeToString(k2)
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		ids     []string // nil when an error is expected
		wantErr string
	}{
		{"one key", std1 + "\n", 0o600, []string{KeyID(k1)}, ""},
		{"owner read-only", std1, 0o400, []string{KeyID(k1)}, ""},
		{"two keys on lines", std2 + "\n" + std1 + "\n", 0o600, []string{KeyID(k2), KeyID(k1)}, ""},
		{"group readable", std1, 0o640, nil, "has mode 0640; refusing a key that group or others can access (run: chmod 600"},
		{"world readable", std1, 0o604, nil, "has mode 0604"},
		{"group writable", std1, 0o620, nil, "has mode 0620"},
		{"bad content", "passw0rd!\n", 0o600, nil, "key 1 of 1 is not valid base64"},
		{"empty file", "", 0o600, nil, "no keys found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			r, err := LoadKeyRing("", dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v, want it to name %s and contain %q", err, path, tc.wantErr)
				}
				assertNoKeyMaterial(t, err.Error(), k1)
				// The refused file is left alone, not replaced by a new key.
				if data, _ := os.ReadFile(path); string(data) != tc.content {
					t.Errorf("key file was modified")
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadKeyRing: %v", err)
			}
			if got := strings.Join(r.KeyIDs(), ","); got != strings.Join(tc.ids, ",") {
				t.Errorf("key ids = %s, want %s", got, strings.Join(tc.ids, ","))
			}
		})
	}
}

func TestLoadKeyRingFileErrors(t *testing.T) {
	t.Run("key file is a directory", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, KeyFileName), 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := LoadKeyRing("", dir)
		if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
			t.Fatalf("err = %v, want a not-a-regular-file error", err)
		}
	})
	t.Run("no env and no data dir", func(t *testing.T) {
		_, err := LoadKeyRing("  ", "")
		if err == nil || !strings.Contains(err.Error(), "neither LEADBITZ_SECRET_KEY nor a data directory") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("data dir path is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "data")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadKeyRing("", file); err == nil {
			t.Fatal("LoadKeyRing succeeded with a data dir that is a file")
		}
	})
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %#o, want %#o", path, got, want)
	}
}
