package gmailfake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

const alice = "alice@example.com"

func call(t *testing.T, s *gmailfake.Server, token, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/gmail/v1/users/me"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func reason(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	errs, _ := e["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	return errs[0].(map[string]any)["reason"].(string)
}

func TestDocumentedAnswers(t *testing.T) {
	s := gmailfake.New(gmailfake.Options{})
	defer s.Close()
	s.AddUser(alice)
	m, err := s.Deliver(alice, []byte("From: b@x.test\r\nTo: "+alice+"\r\nSubject: Hi\r\nMessage-ID: <hi@x.test>\r\n\r\nhello\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	full := s.Grant(alice, gmailfake.ScopeReadonly).AccessToken
	meta := s.Grant(alice, gmailfake.ScopeMetadata).AccessToken
	send := s.Grant(alice, gmailfake.ScopeSend).AccessToken

	tests := []struct {
		name, token, path string
		status            int
		reason            string
		check             func(map[string]any) bool
	}{
		{"history id 0 is invalid", full, "/history?startHistoryId=0", 404, "notFound", nil},
		{"missing history id", full, "/history", 404, "notFound", nil},
		{"history lists the delivery", full, "/history?startHistoryId=1&labelId=INBOX", 200, "", func(b map[string]any) bool {
			h, _ := b["history"].([]any)
			return len(h) == 1 && b["historyId"] != nil
		}},
		{"history of another label is empty", full, "/history?startHistoryId=1&labelId=SENT", 200, "", func(b map[string]any) bool {
			return b["history"] == nil
		}},
		{"metadata honours metadataHeaders", full, "/messages/" + m.ID + "?format=metadata&metadataHeaders=Subject", 200, "", func(b map[string]any) bool {
			h := b["payload"].(map[string]any)["headers"].([]any)
			return len(h) == 1 && h[0].(map[string]any)["value"] == "Hi" && b["raw"] == nil
		}},
		{"minimal has no payload", full, "/messages/" + m.ID + "?format=minimal", 200, "", func(b map[string]any) bool {
			return b["payload"] == nil && b["labelIds"] != nil && b["internalDate"] != nil
		}},
		{"metadata scope refuses raw", meta, "/messages/" + m.ID + "?format=raw", 403, "forbidden", nil},
		{"metadata scope refuses q", meta, "/messages?q=from:b", 403, "forbidden", nil},
		{"metadata scope reads headers", meta, "/messages/" + m.ID + "?format=metadata", 200, "", nil},
		{"send scope cannot read the profile", send, "/profile", 403, "insufficientPermissions", nil},
		{"unknown message", full, "/messages/ffff?format=raw", 404, "notFound", nil},
		{"unknown query operator is rejected", full, "/messages?q=" + url.QueryEscape("bogus:1"), 400, "invalidArgument", nil},
		{"rfc822msgid search", full, "/messages?q=" + url.QueryEscape("rfc822msgid:<hi@x.test>"), 200, "", func(b map[string]any) bool {
			l, _ := b["messages"].([]any)
			return len(l) == 1
		}},
		{"bad token", "nope", "/profile", 401, "authError", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, s, tt.token, tt.path)
			if status != tt.status || reason(body) != tt.reason {
				t.Fatalf("got %d %q, want %d %q: %v", status, reason(body), tt.status, tt.reason, body)
			}
			if tt.check != nil && !tt.check(body) {
				t.Errorf("unexpected body: %v", body)
			}
		})
	}
}

func TestListPaging(t *testing.T) {
	s := gmailfake.New(gmailfake.Options{})
	defer s.Close()
	s.AddUser(alice)
	for range 5 {
		if _, err := s.Deliver(alice, []byte("From: b@x.test\r\nSubject: x\r\n\r\nx\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	tok := s.Grant(alice, gmailfake.ScopeReadonly).AccessToken
	seen := map[string]bool{}
	path := "/messages?maxResults=2"
	for pages := 0; ; pages++ {
		_, body := call(t, s, tok, path)
		for _, m := range body["messages"].([]any) {
			seen[m.(map[string]any)["id"].(string)] = true
		}
		next, _ := body["nextPageToken"].(string)
		if next == "" {
			if pages != 2 {
				t.Errorf("pages = %d, want 3", pages+1)
			}
			break
		}
		path = "/messages?maxResults=2&pageToken=" + next
	}
	if len(seen) != 5 {
		t.Errorf("listed %d distinct messages, want 5", len(seen))
	}
}

func TestRefreshTokenOnlyWithConsent(t *testing.T) {
	s := gmailfake.New(gmailfake.Options{})
	defer s.Close()
	s.AddUser(alice)
	exchange := func(prompt string) map[string]any {
		q := url.Values{"client_id": {"test-client"}, "redirect_uri": {"http://app/cb"}, "response_type": {"code"},
			"scope": {gmailfake.ScopeSend}, "access_type": {"offline"}, "login_hint": {alice}, "state": {"s"}}
		if prompt != "" {
			q.Set("prompt", prompt)
		}
		loc := oauthfake.Authorize(t, s.URL+"/o/oauth2/v2/auth?"+q.Encode())
		form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://app/cb"},
			"client_id": {"test-client"}, "client_secret": {"test-secret"}}
		tr, err := http.PostForm(s.URL+"/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(tr.Body).Decode(&out)
		return out
	}
	if first := exchange(""); first["refresh_token"] == nil {
		t.Errorf("first consent gave no refresh token: %v", first)
	}
	if again := exchange(""); again["refresh_token"] != nil {
		t.Errorf("second consent without prompt=consent gave a refresh token")
	}
	if forced := exchange("consent"); forced["refresh_token"] == nil || !strings.HasPrefix(forced["refresh_token"].(string), "1//") {
		t.Errorf("prompt=consent gave no refresh token: %v", forced)
	}
}
