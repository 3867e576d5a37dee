// The figures of the home pages (web/home.go, api/dashboard.go): one definition each.

package zhiyuan

import "time"

// CountCap bounds every count of the home pages: counting stops there (a page shows
// "1000+"), so a province-wide queue costs the same to show as a small one.
const CountCap = 1000

// SessionCount is how many things wait in one session: sign-ups to admit or hours to
// confirm.
type SessionCount struct {
	SessionID        int64
	Title            string // the activity's
	StartsAt, EndsAt time.Time
	Count            int
}

// Figures are the platform's headline numbers, the one definition of each:
// registered volunteers (accounts not closed), activities published on the platform
// (open or over, not drafts or cancelled ones), and confirmed service time in minutes
// (the sum of every volunteer's confirmed total, kept by the ledger).
type Figures struct {
	Volunteers       int64
	Activities       int64
	ConfirmedMinutes int64
}
