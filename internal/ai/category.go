package ai

import "slices"

// Reply categories, exactly as the API names them.
const (
	CategoryInterested     = "interested"
	CategoryMeetingRequest = "meeting_request"
	CategoryNotInterested  = "not_interested"
	CategoryOutOfOffice    = "out_of_office"
	CategoryUnsubscribe    = "unsubscribe"
	CategoryWrongPerson    = "wrong_person"
	CategoryBounce         = "bounce"
	CategoryOther          = "other"
)

var categories = []string{
	CategoryInterested, CategoryMeetingRequest, CategoryNotInterested, CategoryOutOfOffice,
	CategoryUnsubscribe, CategoryWrongPerson, CategoryBounce, CategoryOther,
}

// Categories returns the reply categories in a stable order (a fresh slice each call).
func Categories() []string { return slices.Clone(categories) }

// ValidCategory reports whether c is one of Categories().
func ValidCategory(c string) bool { return slices.Contains(categories, c) }
