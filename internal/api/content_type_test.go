package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// A JSON body must say so: a form or text body (what a browser may send
// cross-site without a preflight) is refused with 415 before it is read. A
// POST without a body needs no Content-Type.
func TestJSONBodiesRequireTheJSONContentType(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	post := func(contentType, body string) apptest.Response {
		req, err := http.NewRequest("POST", ann.URL()+"/api/workspaces", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return ann.Send(req)
	}
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
		"application/json; charset=latin1", "application/jsonp", "application/json; x=1"} {
		r := post(ct, `{"name":"sneaky"}`)
		if r.Status != http.StatusUnsupportedMediaType || r.ErrorCode() != "unsupported_media_type" ||
			!strings.Contains(r.Map(t)["error"].(map[string]any)["message"].(string), "Content-Type: application/json") {
			t.Errorf("Content-Type %q: %d %s, want 415 unsupported_media_type naming the header", ct, r.Status, r.Body)
		}
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"} {
		if r := post(ct, `{"name":"fine"}`); r.Status != http.StatusCreated {
			t.Errorf("Content-Type %q: %d %s, want 201", ct, r.Status, r.Body)
		}
	}
	// No body, no header: switching workspace and logging out take none.
	req, _ := http.NewRequest("POST", ann.URL()+"/api/workspaces/"+ann.WorkspaceID+"/switch", nil)
	if r := ann.Send(req); r.Status != http.StatusOK {
		t.Errorf("POST without a body or Content-Type: %d %s", r.Status, r.Body)
	}
}
