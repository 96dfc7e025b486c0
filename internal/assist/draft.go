package assist

import (
	"context"
	"errors"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Limits of a draft request.
const (
	MaxStepNumber = 20
	MaxToneLen    = 40
)

// templateTags are the merge tags a campaign template may use when a draft is written for
// a campaign rather than one lead: the two fields nearly every lead list has.
var templateTags = []string{"firstName", "company"}

// DraftInput is the body of POST /api/messages/draft. Every id is optional:
//   - ICPProfileID picks the profile; without it the campaign's profile is used, then the
//     workspace's most recent one;
//   - CampaignID supplies that profile and, for a follow-up, the previous step's email
//     (variant A); without LeadID the draft is a template for the campaign, which may use
//     {{firstName}} and {{company}};
//   - LeadID personalises the draft with the lead's fields.
type DraftInput struct {
	ICPProfileID string `json:"icpProfileId"`
	CampaignID   string `json:"campaignId"`
	LeadID       string `json:"leadId"`
	StepNumber   int    `json:"stepNumber"`
	Tone         string `json:"tone"`
	Instructions string `json:"instructions"`
}

// DraftResult is a draft and the profile it was written from.
type DraftResult struct {
	ai.Draft
	ICPProfileID string `json:"icpProfileId"`
}

// Draft writes one email of a sequence, signed with the caller's name. Ids of another
// workspace are store.ErrNotFound, like missing ones.
func (s *Service) Draft(ctx context.Context, p account.Principal, in DraftInput) (DraftResult, error) {
	fields := problem.Fields{}
	if in.StepNumber < 0 || in.StepNumber > MaxStepNumber {
		fields.Add("stepNumber", "must be from 1 to %d", MaxStepNumber)
	}
	in.Tone = ai.Clean(in.Tone, 0)
	in.Instructions = ai.Clean(in.Instructions, 0)
	checkLen(fields, "tone", in.Tone, MaxToneLen)
	checkLen(fields, "instructions", in.Instructions, ai.MaxInstructionsRunes)
	if err := fields.Err(); err != nil {
		return DraftResult{}, err
	}
	req := ai.DraftRequest{StepNumber: in.StepNumber, Tone: in.Tone, Instructions: in.Instructions, SenderName: p.User.Name}
	profileID, err := s.draftContext(ctx, p.WorkspaceID, in, &req)
	if err != nil {
		return DraftResult{}, err
	}
	d, err := call(ctx, s, p.WorkspaceID, p.User.ID, TaskDraft, "icpProfileId", s.online(),
		func(ctx context.Context) (ai.Draft, error) { return s.gen.Draft(ctx, req) },
		func(d ai.Draft) (string, ai.Usage) { return d.Generator, d.Usage })
	if err != nil {
		return DraftResult{}, err
	}
	if d.RationaleBullets == nil {
		d.RationaleBullets = []string{}
	}
	return DraftResult{Draft: d, ICPProfileID: profileID}, nil
}

// draftContext reads what the draft is written from (campaign, profile, lead) into req and
// returns the id of the profile used.
func (s *Service) draftContext(ctx context.Context, ws string, in DraftInput, req *ai.DraftRequest) (string, error) {
	sc := s.store.InWorkspace(ws)
	profileID := in.ICPProfileID
	if in.CampaignID != "" {
		c, err := sc.Campaign(ctx, in.CampaignID)
		if err != nil {
			return "", err
		}
		if profileID == "" {
			profileID = c.ICPProfileID
		}
		if req.Step() > 1 {
			steps, err := sc.Sequence(ctx, c.ID)
			if err != nil {
				return "", err
			}
			for _, st := range steps {
				if st.Position == req.Step()-1 && len(st.Variants) > 0 {
					req.PreviousSubject, req.PreviousBody = st.Variants[0].Subject, st.Variants[0].Body
				}
			}
		}
		if in.LeadID == "" {
			req.MergeTags = templateTags
		}
	}

	var row store.ICPProfile
	var err error
	if profileID != "" {
		row, err = sc.ICPProfile(ctx, profileID)
	} else if row, err = sc.LatestICPProfile(ctx); errors.Is(err, store.ErrNotFound) {
		return "", &problem.Error{Kind: problem.Invalid, Code: "icp_required",
			Message: "Drafting needs an ideal customer profile: generate one first (POST /api/icp/generate) or pass icpProfileId.",
			Fields:  map[string]string{"icpProfileId": "no profile in this workspace yet"}}
	}
	if err != nil {
		return "", err
	}
	profile, err := profileOf(row)
	if err != nil {
		return "", err
	}
	req.ICP = &profile.ICP
	req.ProductDescription = profile.ProductDescription

	if in.LeadID != "" {
		l, err := sc.Lead(ctx, in.LeadID)
		if err != nil {
			return "", err
		}
		if l.Status == store.LeadErased {
			return "", problem.New(problem.Conflict, "lead_erased", "This lead's personal data was erased; there is nothing to personalise a draft with.")
		}
		req.Lead = leadFields(l)
	}
	return row.ID, nil
}

// leadFields are the lead's fields for a prompt; an "industry" custom field fills Industry.
func leadFields(l store.Lead) ai.LeadFields {
	f := ai.LeadFields{FirstName: l.FirstName, LastName: l.LastName, Company: l.Company, Title: l.Title, Website: l.Website}
	for k, v := range l.Custom {
		if strings.EqualFold(k, "industry") && f.Industry == "" {
			f.Industry = v
			continue
		}
		if f.Custom == nil {
			f.Custom = map[string]string{}
		}
		f.Custom[k] = v
	}
	return f
}
