package webhook_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/webhook"
)

// verifyLeadbitz is the receiver's check that docs/webhooks.md shows: only
// the standard library. secret is the whsec_… value shown when the
// endpoint was created.
func verifyLeadbitz(secret string, r *http.Request, body []byte, now time.Time) bool {
	id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || id == "" {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return false // too old or from the future: a replay
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	// Several signatures during a secret rotation, space-separated.
	for _, sig := range strings.Fields(r.Header.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

// Example_receiver is the receiver of docs/webhooks.md, compiled and run so
// that it cannot drift from what Leadbitz sends.
func Example_receiver() {
	secret := webhook.NewSecret()
	seen := map[string]bool{} // webhook-id → handled: deliveries are at least once
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !verifyLeadbitz(secret, r, body, time.Now()) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if id := r.Header.Get("webhook-id"); !seen[id] {
			seen[id] = true
			fmt.Println("handled", id)
		}
		w.WriteHeader(http.StatusNoContent) // any 2xx: delivered
	}))
	defer receiver.Close()

	// What Leadbitz sends, twice (a retry after a lost answer).
	body := []byte(`{"id":"0193a5e0-0000-7000-8000-000000000001","type":"email.sent","data":{}}`)
	for range 2 {
		now := time.Now()
		req, _ := http.NewRequest(http.MethodPost, receiver.URL, bytes.NewReader(body))
		req.Header.Set("webhook-id", "0193a5e0-0000-7000-8000-000000000001")
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", webhook.Sign([]string{secret}, "0193a5e0-0000-7000-8000-000000000001", now, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// handled 0193a5e0-0000-7000-8000-000000000001
	// 204
	// 204
}
