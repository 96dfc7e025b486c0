package gmailfake

import (
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// Fault is an error the fake returns instead of serving a call.
type Fault struct {
	Status     int           // HTTP status
	Domain     string        // errors[].domain
	Reason     string        // errors[].reason
	Message    string        // error.message
	RetryAfter time.Duration // sent as a Retry-After header when set
	Endpoint   string        // only calls to this endpoint ("send", "get", ...); "" = any API call
}

// The documented Gmail failures (REFERENCE §1.5).
var (
	RateLimited = Fault{Status: http.StatusTooManyRequests, Domain: "usageLimits", Reason: "rateLimitExceeded",
		Message: "Too many concurrent requests for user."}
	UserRateLimited = Fault{Status: http.StatusForbidden, Domain: "usageLimits", Reason: "userRateLimitExceeded",
		Message: "User Rate Limit Exceeded"}
	DailyLimit = Fault{Status: http.StatusForbidden, Domain: "usageLimits", Reason: "dailyLimitExceeded",
		Message: "Daily Limit Exceeded"}
	DomainPolicy = Fault{Status: http.StatusForbidden, Domain: "global", Reason: "domainPolicy",
		Message: "The domain administrators have disabled Gmail apps."}
	InvalidCredentials = Fault{Status: http.StatusUnauthorized, Domain: "global", Reason: "authError",
		Message: "Invalid Credentials"}
	BackendError = Fault{Status: http.StatusInternalServerError, Domain: "global", Reason: "backendError",
		Message: "Backend Error"}
	BadRequest = Fault{Status: http.StatusBadRequest, Domain: "global", Reason: "invalidArgument",
		Message: "Invalid To header"}
)

// On returns a copy of f limited to one endpoint.
func (f Fault) On(endpoint string) Fault {
	f.Endpoint = endpoint
	return f
}

// FailNext makes the next n matching API calls fail with f. Queued faults are
// consumed in the order they were added.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endpoints.FailNext(n, f.Endpoint, f)
}

func writeFault(w http.ResponseWriter, f Fault) {
	mailfake.SetRetryAfter(w.Header(), f.RetryAfter)
	writeError(w, f.Status, f.Domain, f.Reason, f.Message, f.Message, statusName(f.Status))
}

func statusName(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	}
	return "INTERNAL"
}
