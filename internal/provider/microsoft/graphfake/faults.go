package graphfake

import (
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// Fault is an error the fake returns instead of serving a call.
type Fault struct {
	Status     int
	Code       string // error.code
	Message    string // error.message
	RetryAfter time.Duration
	Endpoint   string // only this endpoint ("sendMail", "delta", ...); "" = any API call
}

// Documented Graph failures (REFERENCE §2.3, §2.4).
var (
	Throttled = Fault{Status: http.StatusTooManyRequests, Code: "ApplicationThrottled",
		Message: "Application is over its MailboxConcurrency limit.", RetryAfter: 2 * time.Second}
	Unavailable = Fault{Status: http.StatusServiceUnavailable, Code: "ServiceNotAvailable",
		Message: "The service is temporarily unavailable.", RetryAfter: 3 * time.Second}
	Unauthorized = Fault{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken",
		Message: "Access token has expired or is not yet valid."}
	AccessDenied = Fault{Status: http.StatusForbidden, Code: "ErrorAccessDenied",
		Message: "Access is denied. Check credentials and try again."}
	InvalidRecipients = Fault{Status: http.StatusBadRequest, Code: "ErrorInvalidRecipients",
		Message: "At least one recipient isn't valid., A message can't be sent because it contains no recipients."}
	InternalError = Fault{Status: http.StatusInternalServerError, Code: "InternalServerError",
		Message: "An internal server error occurred. The operation failed."}
)

// On returns a copy of f limited to one endpoint.
func (f Fault) On(endpoint string) Fault {
	f.Endpoint = endpoint
	return f
}

// FailNext makes the next n matching API calls fail with f.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endpoints.FailNext(n, f.Endpoint, f)
}

func writeFault(w http.ResponseWriter, f Fault) {
	mailfake.SetRetryAfter(w.Header(), f.RetryAfter)
	writeError(w, f.Status, f.Code, f.Message)
}
