package oauthfake

import (
	"net/http"
	"net/url"
	"testing"
)

// Authorize plays the browser on a consent page: it opens authURL without
// following the redirect and returns where the server sent the user back
// to. A test fails at once when the answer is not a redirect.
func Authorize(t testing.TB, authURL string) *url.URL {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
