package zhiyuan

import "time"

// ProvincialDecision is the province's result for one recommended project, recorded
// during the provincial review (省级评审) with a comment and changeable until the round is
// published; publishing makes it the project's public result (issue 17: "the province
// reviews and publishes results"). Until then only the round's admins see it.
type ProvincialDecision struct {
	ProjectID int64         `json:"project_id"`
	Result    ProjectResult `json:"result"`
	Comment   string        `json:"comment"`
	DecidedAt time.Time     `json:"decided_at"`
}

// Valid reports whether r is one of the three results.
func (r ProjectResult) Valid() bool {
	return r == ResultFunded || r == ResultCommended || r == ResultNotSelected
}
