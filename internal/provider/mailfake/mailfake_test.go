package mailfake_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/mail"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

func TestEndpointsTakeQueuedFaultsInOrder(t *testing.T) {
	var e mailfake.Endpoints[string]
	if f, ok := e.Call("send"); ok || f != "" {
		t.Fatalf("empty queue gave %q", f)
	}
	e.FailNext(1, "get", "get-only")
	e.FailNext(2, "", "any")
	var got []string
	for _, ep := range []string{"send", "get", "get", "list"} {
		f, ok := e.Call(ep)
		got = append(got, fmt.Sprintf("%s:%s:%v", ep, f, ok))
	}
	// The first call takes the first fault that applies: "any", queued after
	// "get-only" but the first for send.
	if want := "send:any:true get:get-only:true get:any:true list::false"; strings.Join(got, " ") != want {
		t.Errorf("calls = %s, want %s", strings.Join(got, " "), want)
	}
	if e.Calls("get") != 2 || e.Calls("send") != 2 || e.Calls("delta") != 0 { // failed calls count too
		t.Errorf("counts: get %d send %d delta %d", e.Calls("get"), e.Calls("send"), e.Calls("delta"))
	}
}

func TestSetRetryAfter(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "", 1500 * time.Millisecond: "1", 3 * time.Second: "3"} {
		w := httptest.NewRecorder()
		mailfake.SetRetryAfter(w.Header(), d)
		if got := w.Header().Get("Retry-After"); got != want {
			t.Errorf("%v: Retry-After %q, want %q", d, got, want)
		}
	}
}

func TestSetHeader(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"From: a@x\r\nMessage-ID: <old@x>\r\n (folded)\r\nSubject: s\r\n\r\nbody: not a header\r\n",
			"Message-ID: <new@x>\r\nFrom: a@x\r\nSubject: s\r\n\r\nbody: not a header\r\n"},
		{"From: a@x\r\nmessage-id: <1@x>\r\nMessage-Id: <2@x>\r\n\r\n",
			"Message-ID: <new@x>\r\nFrom: a@x\r\n\r\n"},
		{"From: a@x\r\n\r\nbody\r\n", "Message-ID: <new@x>\r\nFrom: a@x\r\n\r\nbody\r\n"},
		{"From: a@x\r\nSubject: no body", "Message-ID: <new@x>\r\nFrom: a@x\r\nSubject: no body"},
	}
	for _, tt := range tests {
		if got := string(mailfake.SetHeader([]byte(tt.raw), "Message-ID", "<new@x>")); got != tt.want {
			t.Errorf("SetHeader(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestReferencesAndRawMessage(t *testing.T) {
	raw := mailfake.RawMessage("a@x", "b@y", "Re: hi", "<2@x>", "<1@y>", "hello")
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if got := mailfake.References(m.Header); fmt.Sprint(got) != "[<1@y> <1@y>]" {
		t.Errorf("References = %v", got)
	}
	h := mail.Header{"In-Reply-To": {"<b@x>"}, "References": {"<a@x> junk <b@x>"}}
	if got := mailfake.References(h); fmt.Sprint(got) != "[<b@x> <a@x> <b@x>]" {
		t.Errorf("References = %v", got)
	}
	if !strings.HasSuffix(string(mailfake.RawMessage("a@x", "b@y", "s", "<1@x>", "", "hi")), "\r\n\r\nhi\r\n") {
		t.Error("RawMessage does not end with the body")
	}
}

func TestRecorder(t *testing.T) {
	var r mailfake.Recorder
	ctx := context.Background()
	if err := r.SaveToken(ctx, &oauth2.Token{AccessToken: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Sleep(ctx, time.Second); err != nil {
		t.Fatal(err)
	}
	saved, waits := r.Saved(), r.Waits()
	if len(saved) != 1 || saved[0].AccessToken != "a" || fmt.Sprint(waits) != "[1s]" {
		t.Errorf("saved %v waits %v", saved, waits)
	}
	waits[0] = 0 // a copy: the record does not change
	if r.Waits()[0] != time.Second {
		t.Error("Waits returned the recorder's own slice")
	}
}

func TestClock(t *testing.T) {
	start := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	c := mailfake.NewClock(start)
	c.Add(time.Hour)
	if !c.Now().Equal(start.Add(time.Hour)) {
		t.Errorf("Now = %v", c.Now())
	}
}

func TestMailboxesIgnoreCase(t *testing.T) {
	m := mailfake.Mailboxes[string]{}
	made := 0
	create := func(v string) func() *string { return func() *string { made++; return &v } }
	a := m.Add("Ann@X.test", create("first"))
	if b := m.Add("ann@x.TEST", create("second")); b != a || *a != "first" || made != 1 {
		t.Errorf("second Add = %q, made %d; want the first user, made once", *b, made)
	}
	if m.Get("ANN@x.test") != a || m.Get("bob@x.test") != nil {
		t.Errorf("Get: %v %v", m.Get("ANN@x.test"), m.Get("bob@x.test"))
	}
}
