package mailhtml

import (
	"strings"
	"testing"
)

func TestSanitizeRendersInert(t *testing.T) {
	cases := []struct {
		name       string
		in         string
		load       bool
		want       []string // in the output
		absent     []string // nowhere in the output (lower-cased match)
		heldImages int
	}{
		{name: "script", in: `<p>Hi</p><script>alert(1)</script><SCRIPT src="https://evil.example/x.js"></SCRIPT>`,
			want: []string{"<p>Hi</p>"}, absent: []string{"<script", "alert(1)", "evil.example"}},
		{name: "event handlers", in: `<img src="x" onerror="alert(1)"><p onclick="alert(2)" onmouseover=alert(3)>t</p><body onload=alert(4)>`,
			want: []string{"<p>t</p>"}, absent: []string{"onerror", "onclick", "onmouseover", "onload", "alert"}},
		{name: "javascript and data links", in: `<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(2)">b</a><a href="data:text/html,<script>x</script>">c</a><a href="vbscript:x">d</a>`,
			absent: []string{"javascript", "data:", "vbscript", "href"}},
		{name: "links open safely", in: `<a href="https://ok.example/page">ok</a> <a href="mailto:ann@ok.example">mail</a>`,
			want: []string{`href="https://ok.example/page"`, `rel="noopener noreferrer nofollow"`, `target="_blank"`, `href="mailto:ann@ok.example"`}},
		{name: "relative link dropped", in: `<a href="/settings/api-keys">keys</a>`, want: []string{"keys"}, absent: []string{"href"}},
		{name: "remote image held", in: `<img src="https://tracker.example/logo.png" alt="Logo" width="120">`,
			want: []string{`class="img-held"`, "[image: Logo]"}, absent: []string{"<img"}, heldImages: 1},
		{name: "remote image loaded on request", in: `<img src="https://cdn.example/logo.png" alt="Logo">`, load: true,
			want: []string{`<img src="https://cdn.example/logo.png"`, `referrerpolicy="no-referrer"`}},
		{name: "tracking pixel dropped even when loading", in: `<img src="https://t.example/open.gif" width="1" height="1"><img src="https://t.example/o2.gif" height="0">`, load: true,
			absent: []string{"<img", "t.example"}},
		{name: "data image dropped", in: `<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">`, absent: []string{"<img", "data:"}},
		{name: "styles stripped", in: `<style>body{background:url(https://t.example/bg)}</style><p style="background:url(https://t.example/p);width:expression(alert(1))">s</p>`,
			want: []string{"<p>s</p>"}, absent: []string{"style", "expression", "t.example"}},
		{name: "forms, frames, objects, meta refresh, base", in: `<form action="https://phish.example/login"><input name="password"><button>Log in</button></form>` +
			`<iframe src="https://evil.example"></iframe><object data="https://evil.example/x.swf"></object><embed src="https://evil.example/e">` +
			`<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/s.css">`,
			absent: []string{"<form", "<input", "<button", "<iframe", "<object", "<embed", "<meta", "<base", "<link", "evil.example", "phish.example"}},
		{name: "svg and math", in: `<svg><script>alert(1)</script><a xlink:href="javascript:alert(2)">x</a></svg><math><mtext><img src=x onerror=alert(3)></mtext></math>`,
			absent: []string{"<svg", "<script", "alert", "javascript", "onerror"}},
		{name: "text stays", in: `Plain &lt;b&gt; text & more`, want: []string{"Plain &lt;b&gt; text &amp; more"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, held := Sanitize(tc.in, tc.load)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(strings.ToLower(out), strings.ToLower(a)) {
					t.Errorf("output has %q:\n%s", a, out)
				}
			}
			if held != tc.heldImages {
				t.Errorf("held %d images, want %d", held, tc.heldImages)
			}
		})
	}
}

// Tracking pixels are dropped whatever way their size is written, and
// images a reader cannot see are dropped with them; real images stay.
func TestTrackingPixelsAndHiddenImagesAreDropped(t *testing.T) {
	cases := []struct {
		name string
		img  string // attributes of an <img src="https://t.example/x.gif">
		drop bool
	}{
		{"width 1", `width="1"`, true},
		{"height 1px", `height="1px"`, true},
		{"space before px", `width="1 px" height="1 px"`, true},
		{"decimal", `width="1.0" height="1.0"`, true},
		{"zero", `height="0"`, true},
		{"spaces around", `width=" 2 "`, true},
		{"upper-case PX", `width="1PX"`, true},
		{"CSS size", `style="width:1px;height:1px"`, true},
		{"CSS size with spaces and important", `style="WIDTH : 1px !important; height: 1px"`, true},
		{"CSS points", `style="width:1pt"`, true},
		{"CSS zero em", `style="height:0em"`, true},
		{"CSS max-height", `style="max-height:0"`, true},
		{"display none", `width="600" style="display:none"`, true},
		{"visibility hidden", `style="visibility: hidden"`, true},
		{"opacity 0", `style="opacity:0"`, true},
		{"hidden parent", ``, true}, // wrapped below
		{"real image", `width="600" height="200"`, false},
		{"3 px", `width="3px" height="3px"`, false},
		{"CSS real size", `style="width:600px;height:auto"`, false},
		{"percent", `width="1%"`, false},
		{"em width", `style="width:1em"`, false},
		{"no size", ``, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := `<p>Hi</p><img src="https://t.example/x.gif" alt="x" ` + tc.img + `>`
			if tc.name == "hidden parent" {
				in = `<p>Hi</p><div style="display:none"><span><img src="https://t.example/x.gif" alt="x"></span></div>`
			}
			for _, load := range []bool{false, true} {
				out, held := Sanitize(in, load)
				kept := strings.Contains(out, "t.example")
				if kept == tc.drop {
					t.Errorf("load=%v: %s → %s (kept %v, want dropped %v)", load, in, out, kept, tc.drop)
				}
				if want := map[bool]int{true: 0, false: 1}[tc.drop || load]; held != want {
					t.Errorf("load=%v: held %d, want %d", load, held, want)
				}
				if strings.Contains(out, "style") || !strings.Contains(out, "<p>Hi</p>") {
					t.Errorf("load=%v: %s", load, out)
				}
			}
		})
	}
}
