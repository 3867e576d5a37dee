package zhiyuan

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Training (培训) of the project competition 益苗计划 (issue 17). The round's admin schedules
// sessions during the training stage for the teams that passed the first review. Each
// session is backed by an activity of a host organisation (which runs the check-in screen)
// with one session: the teams' members hold confirmed seats in it and check in by the
// ordinary check-in of activities (the rotating code, a card, or by hand), so attendance
// is the attendance table's. TrainingOutcome is the one rule saying whether a team
// attended or missed a session; pages, API, the committee's sheet and the missed-training
// notice all read it.

// TrainingStatus is where a team stands with one training session, or with all of them.
type TrainingStatus string

// Training statuses.
const (
	TrainingNone      TrainingStatus = "none"      // no session requires the team
	TrainingScheduled TrainingStatus = "scheduled" // not yet attended, and not over yet
	TrainingAttended  TrainingStatus = "attended"  // at least one team member checked in
	TrainingMissed    TrainingStatus = "missed"    // the session ended and no team member checked in
)

// Chinese is the status's name on pages and the committee's sheet.
func (s TrainingStatus) Chinese() string {
	switch s {
	case TrainingNone:
		return "无需培训"
	case TrainingScheduled:
		return "待培训"
	case TrainingAttended:
		return "已参加培训"
	case TrainingMissed:
		return "缺席培训"
	}
	return string(s)
}

// TrainingOutcome is the rule: a team attended a session when at least one of its members
// checked in to it (checkedIn > 0, by any check-in method, at any time the check-in
// accepted); it missed the session when the session has ended (now after endsAt) and none
// did; otherwise the session is still to come or under way.
func TrainingOutcome(endsAt time.Time, checkedIn int, now time.Time) TrainingStatus {
	switch {
	case checkedIn > 0:
		return TrainingAttended
	case now.After(endsAt):
		return TrainingMissed
	}
	return TrainingScheduled
}

// TrainingSession is one training session of a round.
type TrainingSession struct {
	ID            int64     `json:"id"`
	CompetitionID int64     `json:"competition_id"`
	Title         string    `json:"title"`
	Place         string    `json:"place"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
	HostOrgID     int64     `json:"host_org_id"`
	HostOrgName   string    `json:"host_org_name,omitempty"`
	ActivityID    int64     `json:"activity_id"`
	SessionID     int64     `json:"session_id"` // the activity session volunteers check in to
	ProjectIDs    []int64   `json:"project_ids"`
	CreatedAt     time.Time `json:"created_at"`
}

// Validate checks a session as the round's admin enters it, for round c, and names each
// bad field: a title and a place, an end after the start within
// CompetitionTrainingMaxHours, and both inside the round's training stage.
func (t *TrainingSession) Validate(c *Competition) error {
	p := Problems{}
	t.Title, t.Place = strings.TrimSpace(t.Title), strings.TrimSpace(t.Place)
	switch {
	case t.Title == "":
		p.Add("title", "training.title_required")
	case utf8.RuneCountInString(t.Title) > MaxTitleRunes:
		p.Add("title", "training.title_long", "max", MaxTitleRunes)
	}
	switch {
	case t.Place == "":
		p.Add("place", "training.place_required")
	case utf8.RuneCountInString(t.Place) > MaxAddressRunes:
		p.Add("place", "training.place_long", "max", MaxAddressRunes)
	}
	switch {
	case t.StartsAt.IsZero():
		p.Add("starts_at", "training.starts_required")
	case t.EndsAt.IsZero() || !t.EndsAt.After(t.StartsAt):
		p.Add("ends_at", "training.ends_after_starts")
	case t.EndsAt.Sub(t.StartsAt) > CompetitionTrainingMaxHours*time.Hour:
		p.Add("ends_at", "training.too_long", "hours", CompetitionTrainingMaxHours)
	default:
		for _, d := range c.Stages {
			if d.Stage == StageTraining && (t.StartsAt.Before(d.StartsAt) || t.EndsAt.After(d.EndsAt)) {
				p.Add("starts_at", "training.outside_stage", "start", d.StartsAt.In(Beijing).Format("2006-01-02 15:04"),
					"end", d.EndsAt.In(Beijing).Format("2006-01-02 15:04"))
			}
		}
	}
	if t.HostOrgID == 0 {
		p.Add("host_org_id", "training.host_required")
	}
	return p.Err()
}

// TrainingAttendance is how one team did at one session.
type TrainingAttendance struct {
	TrainingID int64          `json:"training_id"`
	Title      string         `json:"title"`
	StartsAt   time.Time      `json:"starts_at"`
	EndsAt     time.Time      `json:"ends_at"`
	CheckedIn  int            `json:"members_checked_in"`
	Status     TrainingStatus `json:"status"`
}

// ProjectTraining is a team's training record: each session it must attend and the sum.
type ProjectTraining struct {
	Status   TrainingStatus       `json:"status"`
	Sessions []TrainingAttendance `json:"sessions"`
}

// SumTraining is a team's overall status over its sessions, each judged by
// TrainingOutcome: missed when it missed any (the flag), else scheduled while one is to
// come, else attended, and none without sessions.
func SumTraining(sessions []TrainingAttendance, now time.Time) ProjectTraining {
	out := ProjectTraining{Status: TrainingNone, Sessions: sessions}
	if out.Sessions == nil {
		out.Sessions = []TrainingAttendance{}
	}
	var missed, scheduled, attended bool
	for i := range out.Sessions {
		s := &out.Sessions[i]
		s.Status = TrainingOutcome(s.EndsAt, s.CheckedIn, now)
		missed = missed || s.Status == TrainingMissed
		scheduled = scheduled || s.Status == TrainingScheduled
		attended = attended || s.Status == TrainingAttended
	}
	switch {
	case missed:
		out.Status = TrainingMissed
	case scheduled:
		out.Status = TrainingScheduled
	case attended:
		out.Status = TrainingAttended
	}
	return out
}
