package httpserver

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Both surfaces set the session cookie through here: HttpOnly, SameSite=Lax,
// Secure when served over https, and a clear that expires it.
func TestSessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		rec := httptest.NewRecorder()
		SetSessionCookie(rec, "tok", secure)
		ClearSessionCookie(rec, secure)
		cookies := rec.Result().Cookies()
		if len(cookies) != 2 {
			t.Fatalf("cookies: %v", cookies)
		}
		set, cleared := cookies[0], cookies[1]
		if set.Name != SessionCookie || set.Value != "tok" || set.Path != "/" || !set.HttpOnly ||
			set.SameSite != http.SameSiteLaxMode || set.Secure != secure || set.MaxAge != int(account.SessionTTL/time.Second) {
			t.Errorf("set (secure %v): %+v", secure, set)
		}
		if cleared.Name != SessionCookie || cleared.Value != "" || cleared.MaxAge >= 0 || !cleared.HttpOnly || cleared.Secure != secure {
			t.Errorf("cleared (secure %v): %+v", secure, cleared)
		}
		r := httptest.NewRequest("GET", "/", nil)
		if SessionToken(r) != "" {
			t.Error("a request without the cookie has a token")
		}
		r.AddCookie(set)
		if SessionToken(r) != "tok" {
			t.Errorf("token %q", SessionToken(r))
		}
	}
}

func TestStatusOfEveryKind(t *testing.T) {
	for _, tc := range []struct {
		kind problem.Kind
		want int
	}{
		{problem.Invalid, 422}, {problem.Malformed, 400}, {problem.Unauthorized, 401}, {problem.Forbidden, 403},
		{problem.NotFound, 404}, {problem.Conflict, 409}, {problem.TooLarge, 413}, {problem.RateLimited, 429},
		{problem.Unavailable, 503}, {problem.BadGateway, 502}, {problem.UnsupportedMediaType, 415},
		{problem.InsufficientStorage, 507}, {problem.Kind(-1), 500},
	} {
		if got := Status(tc.kind); got != tc.want {
			t.Errorf("Status(%v) = %d, want %d", tc.kind, got, tc.want)
		}
	}
}

func TestAsProblem(t *testing.T) {
	own := problem.New(problem.Conflict, "busy", "Busy.")
	for _, tc := range []struct {
		name    string
		err     error
		ok      bool
		kind    problem.Kind
		code    string
		sameErr bool
	}{
		{"a problem as it is", fmt.Errorf("wrapped: %w", own), true, problem.Conflict, "busy", true},
		{"not found", fmt.Errorf("load: %w", store.ErrNotFound), true, problem.NotFound, "not_found", false},
		{"duplicate", store.ErrDuplicate, true, problem.Conflict, "duplicate", false},
		{"body too large", &http.MaxBytesError{Limit: 10}, true, problem.TooLarge, "too_large", false},
		{"anything else", errors.New("disk on fire"), false, 0, "", false},
	} {
		p, ok := AsProblem(tc.err)
		if ok != tc.ok || (ok && (p.Kind != tc.kind || p.Code != tc.code)) || (tc.sameErr && p != own) {
			t.Errorf("%s: %+v %v", tc.name, p, ok)
		}
	}
}

func TestRetryAfterRoundsUp(t *testing.T) {
	h := http.Header{}
	SetRetryAfter(h, &problem.Error{Kind: problem.RateLimited, RetryAfter: 1500 * time.Millisecond})
	if h.Get("Retry-After") != "2" {
		t.Errorf("Retry-After %q", h.Get("Retry-After"))
	}
	h = http.Header{}
	SetRetryAfter(h, &problem.Error{Kind: problem.Conflict, RetryAfter: time.Second})
	if h.Get("Retry-After") != "" {
		t.Errorf("Retry-After on a conflict: %q", h.Get("Retry-After"))
	}
}

// A route in a workspace that forgets its role needs admin: refuse rather
// than grant.
func TestRequiredRoleAndAuthorize(t *testing.T) {
	for _, tc := range []struct {
		declared    string
		inWorkspace bool
		role        string
		need        string
		allowed     bool
	}{
		{"", false, "", "", true},
		{"", true, store.RoleMember, store.RoleAdmin, false},
		{"", true, store.RoleAdmin, store.RoleAdmin, true},
		{store.RoleMember, true, store.RoleMember, store.RoleMember, true},
		{store.RoleOwner, true, store.RoleAdmin, store.RoleOwner, false},
		{store.RoleAdmin, true, store.RoleOwner, store.RoleAdmin, true},
	} {
		need := RequiredRole(tc.declared, tc.inWorkspace)
		if need != tc.need {
			t.Errorf("RequiredRole(%q, %v) = %q, want %q", tc.declared, tc.inWorkspace, need, tc.need)
		}
		err := Authorize(tc.role, need)
		if p, ok := problem.As(err); (err == nil) != tc.allowed || (err != nil && (!ok || p.Kind != problem.Forbidden)) {
			t.Errorf("Authorize(%q, %q) = %v, want allowed %v", tc.role, need, err, tc.allowed)
		}
	}
}

func TestBearerMatches(t *testing.T) {
	for _, tc := range []struct {
		header string
		ok     bool
	}{
		{"Bearer s3cret", true}, {"Bearer s3cre", false}, {"Bearer  s3cret", false}, {"bearer s3cret", false},
		{"s3cret", false}, {"", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		if got := BearerMatches(r, "s3cret"); got != tc.ok {
			t.Errorf("%q: %v, want %v", tc.header, got, tc.ok)
		}
	}
}
