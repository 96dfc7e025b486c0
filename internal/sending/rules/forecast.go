package rules

import (
	"container/heap"
	"time"
)

// ForecastInput describes one campaign for Forecast.
type ForecastInput struct {
	Schedule Schedule
	Campaign Campaign
	// Steps[i] is step i+1's delay: Steps[0] after the lead joins, the
	// others after the previous step.
	Steps     []Delay
	Mailboxes []ForecastMailbox
	// Routes are the delays of reply route steps by ledger position
	// (internal/routing: route r step k is r*100 + k): a lead with a route
	// step scheduled is planned through the rest of its route.
	Routes map[int]Delay
}

// ForecastMailbox is one of the campaign's mailboxes and the work assigned to
// it.
type ForecastMailbox struct {
	ID      string
	Mailbox Mailbox
	// Jobs are the steps already scheduled for this mailbox's leads.
	Jobs []Job
	// NewLeads are assigned leads that have not started: their step 1 is
	// due Steps[0] after now, as if they joined (or the campaign launched)
	// now. It lets a draft campaign be forecast before launch.
	NewLeads int
}

// Job is one scheduled step of one lead.
type Job struct {
	Step int // 1-based
	Due  time.Time
}

// ForecastDay is the plan for one local date of the campaign's zone.
type ForecastDay struct {
	Date       string         // YYYY-MM-DD in the campaign's zone
	PerMailbox map[string]int // sends per mailbox ID (every mailbox listed)
	Total      int
	FollowUps  int // of Total, steps after the first
}

// Forecast plans the campaign's sends for `days` local dates starting with
// today, by running Decide over simulated time: each mailbox sends its due
// follow-ups before new leads, each send is followed by the average gap
// (MinGap plus half the maximum jitter), and each sent step schedules the
// next one. Leads' own time zones are not known here, so the window is the
// campaign's. Other campaigns sharing a mailbox are not simulated: their
// sends so far are in Usage.SentToday, their future ones are not.
//
// The work is proportional to the sends planned plus the rule changes met
// (a few per mailbox per day), not to minutes in the horizon.
func Forecast(now time.Time, days int, in ForecastInput) []ForecastDay {
	if days <= 0 {
		return nil
	}
	campLoc := orUTC(in.Schedule.Timezone)
	firstDay := localDay(now, campLoc)
	end := firstAtOrAfter(firstDay+int64(days), 0, campLoc)
	out := make([]ForecastDay, days)
	for i := range out {
		out[i] = ForecastDay{Date: dateString(firstDay + int64(i)), PerMailbox: make(map[string]int, len(in.Mailboxes))}
		for _, ib := range in.Mailboxes {
			out[i].PerMailbox[ib.ID] = 0
		}
	}

	sims := make(simQueue, 0, len(in.Mailboxes))
	for _, ib := range in.Mailboxes {
		s := &simMailbox{id: ib.ID, mailbox: ib.Mailbox, at: now, newLeads: ib.NewLeads,
			day: localDay(now, orUTC(ib.Mailbox.Limits.Timezone))}
		if len(in.Steps) > 0 {
			s.newDue = in.Steps[0].After(now, campLoc)
		}
		for _, j := range ib.Jobs {
			if j.Step > 1 {
				s.followUps = append(s.followUps, j)
			} else {
				s.firsts = append(s.firsts, j)
			}
		}
		heap.Init(&s.followUps)
		heap.Init(&s.firsts)
		sims = append(sims, s)
	}
	heap.Init(&sims)

	camp := in.Campaign
	campDay := firstDay
	for sims.Len() > 0 {
		s := sims[0]
		if !s.at.Before(end) {
			break
		}
		if d := localDay(s.at, orUTC(s.mailbox.Limits.Timezone)); d != s.day {
			s.day, s.mailbox.Usage.SentToday = d, 0
		}
		if d := localDay(s.at, campLoc); d != campDay {
			campDay, camp.SentToday = d, 0
		}
		due, ok := s.nextDue()
		if !ok {
			heap.Pop(&sims)
			continue
		}
		dec := Decide(s.at, Input{Schedule: in.Schedule, Campaign: camp, Mailbox: s.mailbox,
			Lead: Lead{Status: LeadActive}, Due: due})
		if !dec.Send {
			if !dec.NotBefore.After(s.at) { // zero: this mailbox never sends
				heap.Pop(&sims)
				continue
			}
			s.at = dec.NotBefore
			heap.Fix(&sims, 0)
			continue
		}
		step := s.take()
		day := &out[localDay(s.at, campLoc)-firstDay]
		day.PerMailbox[s.id]++
		day.Total++
		if step > 1 {
			day.FollowUps++
		}
		s.mailbox.Usage.SentToday++
		s.mailbox.Usage.LastSentAt = s.at
		s.mailbox.Usage.Gap = expectedGap(s.mailbox.Limits)
		camp.SentToday++
		if step < len(in.Steps) {
			heap.Push(&s.followUps, Job{Step: step + 1, Due: in.Steps[step].After(s.at, campLoc)})
		} else if d, ok := in.Routes[step+1]; ok {
			heap.Push(&s.followUps, Job{Step: step + 1, Due: d.After(s.at, campLoc)})
		}
		heap.Fix(&sims, 0)
	}
	return out
}

// simMailbox is one mailbox in the simulation.
type simMailbox struct {
	id        string
	mailbox   Mailbox
	at        time.Time // the next moment to decide at
	day       int64     // the mailbox-local day Usage.SentToday counts
	followUps jobQueue
	firsts    jobQueue
	newLeads  int
	newDue    time.Time
}

// nextDue is the earliest due time of the mailbox's remaining work.
func (s *simMailbox) nextDue() (time.Time, bool) {
	var due time.Time
	ok := false
	consider := func(t time.Time) {
		if !ok || t.Before(due) {
			due, ok = t, true
		}
	}
	if len(s.followUps) > 0 {
		consider(s.followUps[0].Due)
	}
	if len(s.firsts) > 0 {
		consider(s.firsts[0].Due)
	}
	if s.newLeads > 0 {
		consider(s.newDue)
	}
	return due, ok
}

// take removes the job to send at s.at, follow-ups first, and returns its
// step number. Decide has checked that some job is due.
func (s *simMailbox) take() int {
	if len(s.followUps) > 0 && !s.followUps[0].Due.After(s.at) {
		return heap.Pop(&s.followUps).(Job).Step
	}
	if len(s.firsts) > 0 && !s.firsts[0].Due.After(s.at) &&
		(s.newLeads == 0 || !s.firsts[0].Due.After(s.newDue)) {
		heap.Pop(&s.firsts)
		return 1
	}
	s.newLeads--
	return 1
}

// jobQueue is a min-heap of jobs by due time.
type jobQueue []Job

func (q jobQueue) Len() int           { return len(q) }
func (q jobQueue) Less(i, j int) bool { return q[i].Due.Before(q[j].Due) }
func (q jobQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *jobQueue) Push(x any)        { *q = append(*q, x.(Job)) }
func (q *jobQueue) Pop() any {
	old := *q
	j := old[len(old)-1]
	*q = old[:len(old)-1]
	return j
}

// simQueue orders mailboxes by their next moment, so the campaign-wide daily
// limit is consumed in time order.
type simQueue []*simMailbox

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].id < q[j].id
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(*simMailbox)) }
func (q *simQueue) Pop() any {
	old := *q
	s := old[len(old)-1]
	*q = old[:len(old)-1]
	return s
}
