package graphfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

const (
	alice = "alice@contoso.com"
	bob   = "bob@fabrikam.com"
)

type caller struct {
	t     *testing.T
	s     *graphfake.Server
	token string
}

func (c caller) do(method, path, ctype, body string) (int, map[string]any) {
	c.t.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = c.s.URL + "/v1.0" + path
	}
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func newFake(t *testing.T) (*graphfake.Server, caller) {
	s := graphfake.New(graphfake.Options{})
	t.Cleanup(s.Close)
	s.AddUser(alice)
	s.AddUser(bob)
	return s, caller{t: t, s: s, token: s.Grant(alice, "Mail.Send", "Mail.Read", "offline_access").AccessToken}
}

func TestSendMailVariants(t *testing.T) {
	s, c := newFake(t)
	json := `{"message":{"subject":"Hello","body":{"contentType":"Text","content":"Hi Bob"},
		"toRecipients":[{"emailAddress":{"address":"` + bob + `"}}],
		"internetMessageHeaders":[{"name":"x-campaign","value":"c1"}]},"saveToSentItems":true}`
	if st, body := c.do("POST", "/me/sendMail", "application/json", json); st != 202 || body != nil {
		t.Fatalf("JSON sendMail = %d %v", st, body)
	}
	got := s.Messages(bob, graphfake.Mailbox)
	if len(got) != 1 || got[0].Subject != "Hello" || !strings.Contains(string(got[0].Raw), "x-campaign: c1") {
		t.Errorf("bob's inbox = %+v", got)
	}
	bad := strings.Replace(json, "x-campaign", "In-Reply-To", 1)
	if st, body := c.do("POST", "/me/sendMail", "application/json", bad); st != 400 || errCode(body) != "InvalidInternetMessageHeader" {
		t.Errorf("non x- header: %d %v", st, body)
	}
	if st, body := c.do("POST", "/me/sendMail", "text/plain", "not base64!"); st != 400 || errCode(body) != "ErrorMimeContentInvalidBase64String" {
		t.Errorf("bad base64: %d %v", st, body)
	}
	if st, _ := c.do("POST", "/me/sendMail", "application/xml", "<x/>"); st != 415 {
		t.Errorf("xml content type: %d", st)
	}
}

func TestCreateReplyAndSend(t *testing.T) {
	s, c := newFake(t)
	orig, err := s.Deliver(alice, []byte("From: "+bob+"\r\nTo: "+alice+"\r\nSubject: Offer\r\nMessage-ID: <o@fabrikam.com>\r\n\r\nInterested?\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st, body := c.do("POST", "/me/messages/"+orig.ID+"/createReply", "application/json",
		`{"comment":"a","message":{"body":{"content":"b"}}}`); st != 400 {
		t.Errorf("comment and body together: %d %v", st, body)
	}
	st, draft := c.do("POST", "/me/messages/"+orig.ID+"/createReply", "application/json", `{"comment":"Yes please"}`)
	if st != 201 || draft["conversationId"] != orig.ConversationID {
		t.Fatalf("createReply = %d %v", st, draft)
	}
	if st, _ := c.do("POST", "/me/messages/"+draft["id"].(string)+"/send", "", ""); st != 202 {
		t.Fatalf("send draft = %d", st)
	}
	got := s.Messages(bob, graphfake.Mailbox)
	if len(got) != 1 || !strings.Contains(string(got[0].Raw), "In-Reply-To: <o@fabrikam.com>") {
		t.Errorf("bob got %+v", got)
	}
	if len(s.Messages(alice, graphfake.SentItems)) != 1 || len(s.Messages(alice, graphfake.Drafts)) != 0 {
		t.Errorf("draft not moved to sent items")
	}
}

func TestDeltaReportsRemovedWithoutChangeType(t *testing.T) {
	s, c := newFake(t)
	st, page := c.do("GET", "/me/mailFolders/inbox/messages/delta", "", "")
	if st != 200 {
		t.Fatalf("delta = %d", st)
	}
	link := page["@odata.deltaLink"].(string)
	m, _ := s.Deliver(alice, []byte("From: "+bob+"\r\nSubject: x\r\n\r\nx\r\n"))
	s.Delete(alice, m.ID)
	n, _ := s.Deliver(alice, []byte("From: "+bob+"\r\nSubject: y\r\n\r\ny\r\n"))
	_, page = c.do("GET", link, "", "")
	value := page["value"].([]any)
	if len(value) != 2 {
		t.Fatalf("value = %v", value)
	}
	first, second := value[0].(map[string]any), value[1].(map[string]any)
	if first["id"] != m.ID || first["@removed"] == nil || second["id"] != n.ID {
		t.Errorf("value = %v", value)
	}
}

func TestDeltaQueryOptions(t *testing.T) {
	_, c := newFake(t)
	tests := []struct {
		query  string
		status int
	}{
		{"$filter=" + url.QueryEscape("receivedDateTime ge 2026-01-01T00:00:00Z"), 200},
		{"$filter=" + url.QueryEscape("subject eq 'x'"), 400},
		{"$search=" + url.QueryEscape(`"x"`), 400},
		{"changeType=created", 200},
		{"changeType=moved", 400},
		{"$deltatoken=unknown", 410},
		{"$skiptoken=unknown", 410},
	}
	for _, tt := range tests {
		st, body := c.do("GET", "/me/mailFolders/inbox/messages/delta?"+tt.query, "", "")
		if st != tt.status {
			t.Errorf("%s: %d %v, want %d", tt.query, st, body, tt.status)
		}
		if st == 410 && errCode(body) != "SyncStateNotFound" {
			t.Errorf("%s: code %q", tt.query, errCode(body))
		}
	}
}
