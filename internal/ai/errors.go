package ai

import "errors"

// Sentinel errors. Implementations wrap them with %w and add detail that never includes
// credentials or the text of the data sent.
var (
	// ErrUnavailable means the provider could not answer: outage, timeout, rate limit after
	// retries, rejected credentials. Callers answer 503; nothing is wrong with the request.
	ErrUnavailable = errors.New("ai: provider unavailable")
	// ErrRefused means the model declined the task (a refusal or a content filter).
	ErrRefused = errors.New("ai: model refused the request")
	// ErrInvalidOutput means the model answered, but the answer did not decode, did not match
	// the task's schema, or contained links or merge tags that were not asked for.
	ErrInvalidOutput = errors.New("ai: model output failed validation")
	// ErrInvalidInput means the request itself cannot be worked on (for example an empty
	// product description). Callers answer 422.
	ErrInvalidInput = errors.New("ai: invalid input")
)
