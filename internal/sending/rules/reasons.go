package rules

// Reasons the engine records on a job besides Decide's own: why it is held,
// canceled, deferred or retried. Like Reason they are stable (stored with
// the job, counted in metrics, returned by explain); untyped, so they are a
// Reason or a string wherever they are used.
const (
	ReasonNoMailbox           = "no_inbox"
	ReasonProviderUnavailable = "provider_unavailable"
	ReasonMissingField        = "missing_merge_field"
	ReasonMessageInvalid      = "message_invalid"
	ReasonStepRemoved         = "step_removed"
	ReasonRetry               = "retry"
	ReasonNoPostalAddress     = "postal_address_missing"
)
