package rules

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// propZones mixes ordinary zones with the awkward ones: half-hour and
// quarter-hour offsets, a 30-minute DST (Lord Howe), a 2-hour DST (Troll),
// DST changes at midnight (Santiago, Havana, Gaza), negative DST (Dublin),
// Ramadan suspensions (Casablanca) and both ends of the date line.
var propZones = []string{
	"UTC", "Europe/Paris", "Europe/London", "Europe/Dublin", "America/New_York", "America/Santiago",
	"America/Sao_Paulo", "America/St_Johns", "America/Havana", "Australia/Lord_Howe", "Australia/Adelaide",
	"Asia/Kathmandu", "Asia/Kolkata", "Asia/Tehran", "Asia/Gaza", "Pacific/Chatham", "Pacific/Apia",
	"Pacific/Kiritimati", "Pacific/Pago_Pago", "Africa/Casablanca", "Antarctica/Troll",
}

type gen struct {
	t     *testing.T
	r     *rand.Rand
	zones []*time.Location
}

func newGen(t *testing.T, seed uint64) *gen {
	g := &gen{t: t, r: rand.New(rand.NewPCG(seed, 0x5eed))}
	for _, z := range propZones {
		g.zones = append(g.zones, mustLoc(t, z))
	}
	return g
}

func (g *gen) zone() *time.Location { return g.zones[g.r.IntN(len(g.zones))] }

var (
	genFrom = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	genTo   = time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
)

// instant returns a time in 2024–2028, half the time within 36 hours of one
// of loc's zone changes, sometimes with a fraction of a second.
func (g *gen) instant(loc *time.Location) time.Time {
	t := genFrom.Add(time.Duration(g.r.Int64N(int64(genTo.Sub(genFrom)/time.Second))) * time.Second)
	if g.r.IntN(2) == 0 {
		if _, end := t.In(loc).ZoneBounds(); !end.IsZero() {
			t = end.Add(time.Duration(g.r.Int64N(72*3600)-36*3600) * time.Second)
		}
	}
	if g.r.IntN(10) == 0 {
		t = t.Add(time.Duration(g.r.Int64N(int64(time.Second))))
	}
	return t
}

// clock prefers the minutes where DST changes happen.
func (g *gen) clock() int {
	special := []int{0, 30, 60, 90, 120, 150, 180, 540, 1020, 1380, 1410, 1439}
	if g.r.IntN(2) == 0 {
		return special[g.r.IntN(len(special))]
	}
	return g.r.IntN(MinutesPerDay)
}

func (g *gen) schedule() Schedule {
	var s Schedule
	for s.Days == [7]bool{} {
		for d := range s.Days {
			s.Days[d] = g.r.IntN(3) > 0
		}
	}
	a, b := g.clock(), g.clock()+1
	if g.r.IntN(6) == 0 {
		b = MinutesPerDay
	}
	s.Start, s.End = min(a, b-1), max(a+1, b)
	s.End = min(s.End, MinutesPerDay)
	s.Timezone = g.zone()
	s.UseLeadTimezone = g.r.IntN(2) == 0
	return s
}

func (g *gen) limits(now time.Time) MailboxLimits {
	l := MailboxLimits{
		DailyCap:    g.r.IntN(60) + 1,
		MinGap:      time.Duration(g.r.IntN(31)) * time.Minute,
		Timezone:    g.zone(),
		ActiveSince: now.Add(-time.Duration(g.r.Int64N(30*24)) * time.Hour),
	}
	if g.r.IntN(20) == 0 {
		l.DailyCap = 0
	}
	if g.r.IntN(2) == 0 {
		l.RampStart, l.RampIncrement = g.r.IntN(10)+1, g.r.IntN(5)
	}
	if g.r.IntN(4) == 0 {
		l.MinGap = 0
	}
	return l
}

func (g *gen) input(now time.Time) Input {
	in := Input{
		Schedule: g.schedule(),
		Campaign: Campaign{Status: CampaignActive},
		Mailbox:  Mailbox{Email: "m@x.test", Status: MailboxActive, Limits: g.limits(now)},
		Lead:     Lead{Status: LeadActive},
		Due:      now.Add(time.Duration(g.r.Int64N(8*24*3600)-3*24*3600) * time.Second),
	}
	if g.r.IntN(2) == 0 {
		in.Lead.Timezone = g.zone()
	}
	limit := TodayLimit(in.Mailbox.Limits, now)
	in.Mailbox.Usage.SentToday = g.r.IntN(limit + 3)
	if g.r.IntN(4) > 0 {
		in.Mailbox.Usage.LastSentAt = now.Add(-time.Duration(g.r.Int64N(int64(40 * time.Minute))))
		in.Mailbox.Usage.Gap = time.Duration(g.r.Int64N(int64(45 * time.Minute)))
	}
	if g.r.IntN(3) == 0 {
		in.Campaign.DailyLimit = g.r.IntN(50) + 1
		in.Campaign.SentToday = g.r.IntN(in.Campaign.DailyLimit + 2)
	}
	switch g.r.IntN(40) {
	case 0:
		in.Lead.Suppressed = true
	case 1:
		in.Lead.Status = LeadReplied
	case 2:
		in.Campaign.Status = CampaignPaused
	case 3:
		in.Mailbox.Status = MailboxDisconnected
	}
	return in
}

// rolled is in as seen at `to` by a caller whose counts did not change since
// `from`: daily counts restart when the local day changed.
func rolled(in Input, from, to time.Time) Input {
	if localDay(from, orUTC(in.Mailbox.Limits.Timezone)) != localDay(to, orUTC(in.Mailbox.Limits.Timezone)) {
		in.Mailbox.Usage.SentToday = 0
	}
	if localDay(from, orUTC(in.Schedule.Timezone)) != localDay(to, orUTC(in.Schedule.Timezone)) {
		in.Campaign.SentToday = 0
	}
	return in
}

// checkSendIsAllowed fails if a Send decision breaks any rule.
func checkSendIsAllowed(t *testing.T, now time.Time, in Input) {
	t.Helper()
	u, l := in.Mailbox.Usage, in.Mailbox.Limits
	switch {
	case !InWindow(in.Schedule, in.Lead.Timezone, now):
		t.Fatalf("sent outside the window at %s: %+v", now, in)
	case now.Before(in.Due):
		t.Fatalf("sent at %s before the step was due at %s", now, in.Due)
	case u.SentToday >= TodayLimit(l, now):
		t.Fatalf("sent with %d sent today and a limit of %d", u.SentToday, TodayLimit(l, now))
	case l.MinGap > 0 && !u.LastSentAt.IsZero() && now.Sub(u.LastSentAt) < max(l.MinGap, min(u.Gap, l.MinGap+MaxJitter(l.MinGap))):
		t.Fatalf("sent %s after the last send, gap %s (stored %s)", now.Sub(u.LastSentAt), l.MinGap, u.Gap)
	case in.Campaign.DailyLimit > 0 && in.Campaign.SentToday >= in.Campaign.DailyLimit:
		t.Fatalf("sent over the campaign's daily limit")
	case in.Lead.Suppressed || in.Lead.Status != LeadActive || in.Campaign.Status != CampaignActive || in.Mailbox.Status != MailboxActive:
		t.Fatalf("sent for a stopped lead, campaign or mailbox")
	}
}

var waitingForAPerson = []Reason{ReasonLeadStopped, ReasonSuppressed, ReasonCampaignDraft, ReasonCampaignPaused,
	ReasonCampaignCompleted, ReasonMailboxPaused, ReasonMailboxDisconnected, ReasonMailboxError, ReasonScheduleInvalid, ReasonMailboxDailyCap}

func TestPropertyDecide(t *testing.T) {
	g := newGen(t, 1)
	sends, waits := 0, 0
	for i := range 20000 {
		now := g.instant(g.zone())
		in := g.input(now)
		d := Decide(now, in)
		if d.Send {
			sends++
			checkSendIsAllowed(t, now, in)
			continue
		}
		if d.NotBefore.IsZero() {
			if !slices.Contains(waitingForAPerson, d.Reason) {
				t.Fatalf("case %d: no NotBefore for time-based reason %q", i, d.Reason)
			}
			continue
		}
		waits++
		if !d.NotBefore.After(now) {
			t.Fatalf("case %d: NotBefore %s is not after now %s (%s)", i, d.NotBefore, now, d.Reason)
		}
		// Re-deciding at NotBefore with unchanged usage sends.
		next := rolled(in, now, d.NotBefore)
		if d2 := Decide(d.NotBefore, next); !d2.Send {
			t.Fatalf("case %d: Decide(now=%s) said not before %s (%s), which then says %q %s; input %+v",
				i, now, d.NotBefore, d.Reason, d2.Reason, d2.Detail(), in)
		} else {
			checkSendIsAllowed(t, d.NotBefore, next)
		}
		// Nothing earlier would have sent: NotBefore is the earliest.
		probes := []time.Time{d.NotBefore.Add(-time.Nanosecond), d.NotBefore.Add(-time.Second)}
		for range 3 {
			probes = append(probes, now.Add(time.Duration(g.r.Int64N(int64(d.NotBefore.Sub(now))))))
		}
		for _, p := range probes {
			if p.After(now) {
				if dp := Decide(p, rolled(in, now, p)); dp.Send {
					t.Fatalf("case %d: Decide sends at %s, before NotBefore %s (%s)", i, p, d.NotBefore, d.Reason)
				}
			}
		}
	}
	if sends < 1000 || waits < 5000 {
		t.Errorf("generator too narrow: %d sends, %d waits of 20000", sends, waits)
	}
}

// naiveInWindow reads the wall clock directly. It agrees with InWindow
// except on days with a zone change, where the wall clock jumps.
func naiveInWindow(s Schedule, loc *time.Location, t time.Time) bool {
	lt := t.In(loc)
	sec := lt.Hour()*3600 + lt.Minute()*60 + lt.Second()
	return s.Days[lt.Weekday()] && sec >= s.Start*60 && sec < s.End*60
}

func TestPropertyNextWindowStart(t *testing.T) {
	g := newGen(t, 2)
	for i := range 20000 {
		s := g.schedule()
		var leadTZ *time.Location
		if g.r.IntN(2) == 0 {
			leadTZ = g.zone()
		}
		loc := s.location(leadTZ)
		now := g.instant(loc)
		r := NextWindowStart(s, leadTZ, now)
		if r.IsZero() || r.Before(now) || !InWindow(s, leadTZ, r) {
			t.Fatalf("case %d: NextWindowStart(%s) = %s in %s, schedule %+v", i, now, r, loc, s)
		}
		if r.After(now) {
			probes := []time.Time{r.Add(-time.Nanosecond), now}
			for range 3 {
				probes = append(probes, now.Add(time.Duration(g.r.Int64N(int64(r.Sub(now))))))
			}
			for _, p := range probes {
				if InWindow(s, leadTZ, p) {
					t.Fatalf("case %d: %s is in the window but NextWindowStart(%s) = %s", i, p, now, r)
				}
			}
		}
		for _, p := range []time.Time{now, r, r.Add(-time.Second)} {
			if start, end := p.In(loc).ZoneBounds(); p.Sub(start) > 30*time.Hour && (end.IsZero() || end.Sub(p) > 30*time.Hour) {
				if InWindow(s, leadTZ, p) != naiveInWindow(s, loc, p) {
					t.Fatalf("case %d: InWindow(%s) = %v, wall clock %s says otherwise; schedule %+v",
						i, p, InWindow(s, leadTZ, p), p.In(loc), s)
				}
			}
		}
	}
}

// TestPropertySimulatedWeek runs the engine's loop against Decide: a tick
// every few minutes for a week, jobs re-checked at the NotBefore they were
// given, usage counted from the sends themselves. No mailbox-local day may
// exceed that day's limit, and no send may break a rule.
func TestPropertySimulatedWeek(t *testing.T) {
	g := newGen(t, 3)
	for scenario := range 50 {
		simulateWeek(t, g, scenario)
	}
}

type simJob struct {
	lead      int
	step      int
	due       time.Time
	nextCheck time.Time
	leadTZ    *time.Location
	mailbox   int
}

type simSend struct {
	at      time.Time
	mailbox int
}

func simulateWeek(t *testing.T, g *gen, scenario int) {
	start := g.instant(time.UTC)
	s := g.schedule()
	steps := []Delay{{}, {Days: g.r.IntN(3), Minutes: g.r.IntN(600)}}
	campaignLimit := 0
	if g.r.IntN(2) == 0 {
		campaignLimit = g.r.IntN(40) + 5
	}
	mailboxes := make([]Mailbox, 1+g.r.IntN(3))
	for i := range mailboxes {
		mailboxes[i] = Mailbox{Status: MailboxActive, Limits: g.limits(start)}
		mailboxes[i].Limits.DailyCap = max(mailboxes[i].Limits.DailyCap, 1)
	}
	var jobs []*simJob
	for lead := range 150 {
		j := &simJob{lead: lead, step: 1, due: steps[0].After(start, s.Timezone), mailbox: lead % len(mailboxes)}
		if g.r.IntN(2) == 0 {
			j.leadTZ = g.zone()
		}
		j.nextCheck = j.due
		jobs = append(jobs, j)
	}
	var sends []simSend
	countSince := func(from time.Time, mailbox int) int {
		n := 0
		for _, sd := range sends {
			if !sd.at.Before(from) && (mailbox < 0 || sd.mailbox == mailbox) {
				n++
			}
		}
		return n
	}
	end := start.Add(7 * 24 * time.Hour)
	for now := start; now.Before(end); now = now.Add(time.Duration(1+g.r.IntN(7)) * time.Minute) {
		for _, j := range jobs {
			if j.step == 0 || now.Before(j.nextCheck) {
				continue
			}
			ib := &mailboxes[j.mailbox]
			ib.Usage.SentToday = countSince(DayStart(ib.Limits.Timezone, now), j.mailbox)
			in := Input{Schedule: s, Mailbox: *ib, Lead: Lead{Status: LeadActive, Timezone: j.leadTZ}, Due: j.due,
				Campaign: Campaign{Status: CampaignActive, DailyLimit: campaignLimit,
					SentToday: countSince(DayStart(s.Timezone, now), -1)}}
			d := Decide(now, in)
			if !d.Send {
				if d.NotBefore.IsZero() {
					t.Fatalf("scenario %d: an active job was told to wait for a person: %s", scenario, d.Detail())
				}
				j.nextCheck = d.NotBefore
				continue
			}
			checkSendIsAllowed(t, now, in)
			sends = append(sends, simSend{at: now, mailbox: j.mailbox})
			ib.Usage.LastSentAt, ib.Usage.Gap = now, NextGap(ib.Limits, g.r)
			if j.step == len(steps) {
				j.step = 0
				continue
			}
			j.due = steps[j.step].After(now, s.Timezone)
			j.nextCheck, j.step = j.due, j.step+1
		}
	}
	// Independent recount: per mailbox-local day, per campaign day.
	perDay := map[[2]int64]int{}
	for _, sd := range sends {
		l := mailboxes[sd.mailbox].Limits
		key := [2]int64{int64(sd.mailbox), localDay(sd.at, orUTC(l.Timezone))}
		perDay[key]++
		if perDay[key] > TodayLimit(l, sd.at) {
			t.Fatalf("scenario %d: mailbox %d sent %d on local day %d, limit %d", scenario, sd.mailbox, perDay[key], key[1], TodayLimit(l, sd.at))
		}
		campKey := [2]int64{-1, localDay(sd.at, orUTC(s.Timezone))}
		perDay[campKey]++
		if campaignLimit > 0 && perDay[campKey] > campaignLimit {
			t.Fatalf("scenario %d: campaign sent %d in a day, limit %d", scenario, perDay[campKey], campaignLimit)
		}
	}
	// Ticks minutes apart can miss a window of a few minutes; a longer one
	// must see sends within a week.
	if len(sends) == 0 && s.End-s.Start >= 30 {
		t.Fatalf("scenario %d: a week of ticks sent nothing (schedule %+v)", scenario, s)
	}
}

// TestPropertyFirstAtOrAfter compares the window-edge computation with a
// brute-force scan of every minute: the first instant whose wall clock
// reads the wanted date and minute or later. Zone changes in the generated
// years happen on whole minutes, so a minute grid finds the exact answer.
func TestPropertyFirstAtOrAfter(t *testing.T) {
	g := newGen(t, 4)
	for i := range 400 {
		loc := g.zone()
		near := g.instant(loc)
		day := localDay(near, loc) + int64(g.r.IntN(3)-1)
		minute := g.clock()
		if g.r.IntN(8) == 0 {
			minute = MinutesPerDay
		}
		got := firstAtOrAfter(day, minute, loc)
		w := day*secondsPerDay + int64(minute)*60
		var want time.Time
		for x := time.Unix(w, 0).Add(-15 * time.Hour); ; x = x.Add(time.Minute) {
			if wallSeconds(x, loc) >= w {
				want = x
				break
			}
		}
		if !got.Equal(want) {
			t.Fatalf("case %d: firstAtOrAfter(%s %s, %s) = %s, brute force %s",
				i, dateString(day), FormatClock(minute), loc, got.In(loc), want.In(loc))
		}
	}
}
