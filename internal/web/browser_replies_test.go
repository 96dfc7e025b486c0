package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// logIn signs the browser in as an account made through the API.
func (b *browser) logIn(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	b.submit("form[action='/login'] button[type=submit]")
	if p := b.path(); p != "/" {
		b.t.Fatalf("after login the browser is on %s", p)
	}
}

// TestBrowserRepliesInbox is the reply loop as a user sees it: a lead's
// answer arrives in the sandbox mailbox, the sync threads and categorises
// it, the user opens it from the inbox, takes the suggested reply and sends
// it; the sandbox mailbox then holds the reply, in the lead's thread.
func TestBrowserRepliesInbox(t *testing.T) {
	w := newReplyWorld(t)
	b := startBrowser(t, w.srv.URL)
	b.logIn(w.owner.Email, w.owner.Password)

	b.open("/replies")
	if got := strings.Join(strings.Fields(b.text(".nav-badge")), " "); got != "1 unread" {
		t.Errorf("nav badge %q", got)
	}
	row := b.text(".reply-row.is-unread")
	for _, want := range []string{"Ann Archer", "Acme", "Q1 founders", "step 1", "Sounds interesting"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	category := b.text(".reply-row .chip")
	if category == "Not sorted yet" || category == "" {
		t.Errorf("the reply is not categorised: %q", category)
	}
	b.screenshot("replies")

	b.submit(".reply-row a")
	if !strings.HasPrefix(b.path(), "/replies/") {
		t.Fatalf("the row went to %s", b.path())
	}
	if got := b.text(".thread-context"); !strings.Contains(got, "Stopped: replied") || !strings.Contains(got, "Replied after step 1") {
		t.Errorf("context box: %q", got)
	}
	// The GET changed nothing; the page's script marks it read with a POST.
	b.waitFor("form.mark-unread")
	if n := eval[int](b, `document.querySelectorAll(".nav-badge").length`); n != 0 {
		t.Error("the badge stays after reading the only unread reply")
	}
	if u := w.owner.Must(200, "GET", "/api/replies?unread=true", nil).Map(t)["items"].([]any); len(u) != 0 {
		t.Errorf("%d unread conversations after opening the only one", len(u))
	}
	// Both panes side by side on a laptop.
	if side := eval[bool](b, `document.querySelector(".inbox-thread").getBoundingClientRect().left >
		document.querySelector(".inbox-list").getBoundingClientRect().right`); !side {
		t.Error("the thread is not beside the list")
	}

	b.submit(".suggest-form button")
	suggestion := b.value("#f-body")
	if strings.TrimSpace(suggestion) == "" {
		t.Fatal("the suggested reply did not fill the composer")
	}
	if got := b.text(".suggestion"); !strings.Contains(got, "nothing is sent until you press Send") {
		t.Errorf("suggestion note: %q", got)
	}
	sentBefore := len(w.sandboxSent(t))
	b.submit(".composer-form button[type=submit]")
	if got := b.text(".flash p"); got != "Reply sent to ann@acme.test from sales@sender.test, in the same thread." {
		t.Errorf("flash after sending: %q", got)
	}
	sent := w.sandboxSent(t)
	if len(sent) != sentBefore+1 {
		t.Fatalf("the sandbox sent %d messages, want 1", len(sent)-sentBefore)
	}
	reply := sent[0]
	headers := reply["headers"].(map[string]any)
	if reply["to"] != "ann@acme.test" || headers["In-Reply-To"] != w.annReplyID ||
		!strings.Contains(headers["References"].(string), w.annSentID) || reply["subject"] != "Re: "+w.subject {
		t.Errorf("the reply is not in Ann's thread: %v", reply)
	}
	// The body is the suggestion the user kept, then the quoted answer.
	if body := reply["body"].(string); !strings.HasPrefix(body, strings.TrimSpace(suggestion)) || !strings.Contains(body, "> Sounds interesting") {
		t.Errorf("the sent body is not the suggestion the user kept:\n%s\n---\n%s", body, suggestion)
	}
	if got := b.text(".messages li:last-child"); !strings.Contains(got, "Sent") {
		t.Errorf("the sent reply is not in the thread: %q", got)
	}
	b.screenshot("replies-thread")

	// On a phone the thread is its own page, with a way back to the list.
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open(b.path())
	if vis := eval[bool](b, `getComputedStyle(document.querySelector(".inbox-list")).display === "none" &&
		getComputedStyle(document.querySelector(".back-link")).display !== "none"`); !vis {
		t.Error("on a phone the thread page still shows the list, or no way back")
	}
	if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
		t.Error("the thread scrolls sideways on a 390px-wide screen")
	}
	b.screenshot("replies-phone")
	b.submit(".back-link a")
	if vis := eval[bool](b, `getComputedStyle(document.querySelector(".inbox-list")).display !== "none"`); !vis {
		t.Error("the list is hidden on the phone's list page")
	}
}

// remoteHost stands for the sender's servers: every request it gets is
// one the email made the browser send.
type remoteHost struct {
	*httptest.Server
	mu   sync.Mutex
	hits []string
}

func newRemoteHost(t *testing.T) *remoteHost {
	h := &remoteHost{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits = append(h.hits, r.URL.Path)
		h.mu.Unlock()
		if strings.HasSuffix(r.URL.Path, ".png") {
			rw.Header().Set("Content-Type", "image/png")
			// A 1×1 transparent PNG.
			_, _ = rw.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"))
			return
		}
		_, _ = rw.Write([]byte("<script>parent.pwned='remote'</script>"))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *remoteHost) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := append([]string(nil), h.hits...)
	sort.Strings(out)
	return out
}

// frameReport is what the inert-email test reads inside the message frame.
type frameReport struct {
	Hello     bool     `json:"hello"`
	Dangerous []string `json:"dangerous"`
	Attrs     []string `json:"attrs"`
	Links     []string `json:"links"`
	Images    int      `json:"images"`
	Held      int      `json:"held"`
	Resources []string `json:"resources"`
}

const readFrame = `(function () {
  var d = document.querySelector("iframe.mail-frame").contentDocument, out = {dangerous: [], attrs: [], links: [], resources: []};
  out.hello = !!d.getElementById("hello");
  d.body.querySelectorAll("script, style, form, input, button, textarea, iframe, frame, meta, object, embed, link, base, svg, math").forEach(function (e) { out.dangerous.push(e.tagName); });
  d.head.querySelectorAll("*").forEach(function (e) {
    var ours = (e.tagName === "META" && (e.hasAttribute("charset") || e.name === "referrer")) ||
      (e.tagName === "LINK" && e.rel === "stylesheet" && e.getAttribute("href").indexOf("/static/") === 0);
    if (!ours) { out.dangerous.push("head " + e.tagName); }
  });
  d.body.querySelectorAll("*").forEach(function (e) {
    for (var i = 0; i < e.attributes.length; i++) {
      var a = e.attributes[i];
      if (a.name.indexOf("on") === 0 || a.name === "style" || /^\s*(javascript|data|vbscript):/i.test(a.value)) { out.attrs.push(e.tagName + " " + a.name + "=" + a.value); }
    }
  });
  d.querySelectorAll("a").forEach(function (a) { out.links.push((a.getAttribute("href") || "-") + " rel=" + a.rel + " target=" + a.target); });
  out.images = d.images.length;
  out.held = d.querySelectorAll(".img-held").length;
  d.defaultView.performance.getEntriesByType("resource").forEach(function (r) { out.resources.push(r.name); });
  return JSON.stringify(out);
})()`

// TestBrowserMaliciousEmailRendersInert opens an email built to attack the
// reader: scripts, event handlers, javascript: links, a remote image and a
// tracking pixel, CSS (with an expression), a form, an iframe, a meta
// refresh. Nothing runs, nothing is fetched from the sender's host until
// the user asks for images, and the links are safe.
func TestBrowserMaliciousEmailRendersInert(t *testing.T) {
	w := newReplyWorld(t)
	remote := newRemoteHost(t)
	r := remote.URL
	conv := w.deliverHTML(t, `<html><head><meta http-equiv="refresh" content="0;url=`+r+`/refresh">
<link rel="stylesheet" href="`+r+`/x.css"><style>body { background: url(`+r+`/style-bg.png) }</style>
<base href="`+r+`/"></head><body onload="parent.pwned='body'">
<p id="hello">Hello from Bob, <b>see below</b>.</p>
<script>parent.pwned = "script"; top.pwned = "script";</script>
<img src="`+r+`/pixel.png" width="1" height="1" alt="">
<img src="`+r+`/logo.png" alt="Globex logo" onerror="parent.pwned='onerror'">
<img src="x" onerror="parent.pwned='onerror2'">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
<a id="js" href="javascript:parent.pwned='link'">click me</a>
<a href=" JaVaScRiPt:parent.pwned='link2'">me too</a>
<a id="ok" href="`+r+`/page">our pricing</a>
<div style="background:url(`+r+`/div-bg.png); width: expression(alert(1))">styled</div>
<form action="`+r+`/phish" method="post"><input name="password"><button>Log in</button></form>
<iframe src="`+r+`/frame"></iframe>
<object data="`+r+`/obj"></object><embed src="`+r+`/embed">
<svg onload="parent.pwned='svg'"><script>parent.pwned='svgscript'</script></svg>
</body></html>`)
	b := startBrowser(t, w.srv.URL)
	b.logIn(w.owner.Email, w.owner.Password)
	b.open("/replies/" + conv)

	waitFrame := func(cond string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancel()
		js := `(function () { var f = document.querySelector("iframe.mail-frame"); var d = f && f.contentDocument;
			return !!(d && d.readyState === "complete" && d.getElementById("hello") && (` + cond + `)); })()`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			t.Fatalf("the message frame never showed the email (%s): %v", cond, err)
		}
	}
	// The frame grows (or shrinks) to its content: the thread reads as one page.
	waitFrame(`Math.abs(f.getBoundingClientRect().height - Math.max(40, d.documentElement.offsetHeight + 2)) < 1`)
	var rep frameReport
	if err := json.Unmarshal([]byte(eval[string](b, readFrame)), &rep); err != nil {
		t.Fatal(err)
	}
	if pwned := eval[string](b, `String(window.pwned)`); pwned != "undefined" {
		t.Errorf("a script ran: window.pwned = %q", pwned)
	}
	if len(rep.Dangerous) > 0 || len(rep.Attrs) > 0 {
		t.Errorf("dangerous elements %v, attributes %v in the frame", rep.Dangerous, rep.Attrs)
	}
	real := 0
	for _, l := range rep.Links {
		if strings.HasPrefix(l, "- ") { // a javascript: link, its href removed
			continue
		}
		real++
		if !strings.HasPrefix(l, r+"/page ") || !strings.Contains(l, "rel=noopener noreferrer nofollow") || !strings.HasSuffix(l, "target=_blank") {
			t.Errorf("unsafe link %q", l)
		}
	}
	if real != 1 {
		t.Errorf("links %v, want only the pricing link to keep an address", rep.Links)
	}
	if rep.Images != 0 || rep.Held != 1 {
		t.Errorf("images before asking: %d loaded, %d held (want 0 and the logo)", rep.Images, rep.Held)
	}
	for _, res := range rep.Resources {
		if !strings.HasPrefix(res, w.srv.URL+"/static/") {
			t.Errorf("the frame loaded %s", res)
		}
	}
	if hits := remote.requests(); len(hits) != 0 {
		t.Errorf("the sender's host got %v before the user asked for images", hits)
	}
	if got := b.text(".images-note"); !strings.Contains(got, "1 remote image was not loaded") {
		t.Errorf("images note: %q", got)
	}
	b.screenshot("reply-malicious")

	// Load images: the logo comes, the tracking pixel and CSS backgrounds
	// never do, and still nothing runs.
	b.submit(".load-images")
	waitFrame(`d.images.length === 1 && d.images[0].complete`)
	if hits := remote.requests(); len(hits) != 1 || hits[0] != "/logo.png" {
		t.Errorf("after Load images the sender's host got %v, want only /logo.png", hits)
	}
	if pwned := eval[string](b, `String(window.pwned)`); pwned != "undefined" {
		t.Errorf("a script ran after loading images: window.pwned = %q", pwned)
	}
}
