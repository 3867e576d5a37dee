package zhiyuan

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestActivitySkillsAreSkillsAVolunteerCanHave: every skill an activity may require is
// one a volunteer can enter (the page splits the typed box with SplitList, the volunteer
// check is CheckSkills) and then holds (MissingSkills finds nothing), so no activity is
// closed to everyone by its requirements. Random candidates mix Chinese, Latin letters,
// separators and spaces, up to past the length limit.
func TestActivitySkillsAreSkillsAVolunteerCanHave(t *testing.T) {
	t.Parallel()
	pool := []string{"急", "救", "手", "语", "a", "B", " ", "、", ",", "，", ";", "；", "\t", "-", "·"}
	rng := rand.New(rand.NewPCG(7, 9))
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	accepted, refused := 0, 0
	for i := range 4000 {
		var b strings.Builder
		for range rng.IntN(MaxSkillLen + 6) {
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		skill := b.String()
		if i == 0 {
			skill = strings.Repeat("急", MaxSkillLen) // exactly at the limit
		}
		a := &Activity{Skills: []string{skill}, Sessions: []ActivitySession{{StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour), Capacity: 1}}}
		if ErrorFields(a.Validate(now))["skills"] != "" {
			refused++
			continue
		}
		if len(a.Skills) == 0 {
			continue // blank: no requirement at all
		}
		accepted++
		required := a.Skills[0]
		typed := SplitList(required) // what the volunteer's profile page reads from the same text
		p := Problems{}
		have := CheckSkills(p, "skills", typed)
		if p.Err() != nil || !slices.Equal(have, []string{required}) {
			t.Fatalf("activity requires %q; a volunteer typing it gets %q, problems %v", required, have, p)
		}
		if m := MissingSkills(a.Skills, have); len(m) != 0 {
			t.Fatalf("activity requires %q; the volunteer who entered it still misses %q", required, m)
		}
	}
	if accepted < 100 || refused < 100 {
		t.Fatalf("the sample does not cover both sides: %d accepted, %d refused", accepted, refused)
	}
	// One past the limit is refused for both.
	long := strings.Repeat("救", MaxSkillLen+1)
	a := &Activity{Skills: []string{long}}
	if ErrorFields(a.Validate(now))["skills"] == "" {
		t.Errorf("an activity requires a %d-character skill", MaxSkillLen+1)
	}
	p := Problems{}
	CheckSkills(p, "skills", []string{long})
	if p["skills"].Reason == "" {
		t.Errorf("a volunteer has a %d-character skill", MaxSkillLen+1)
	}
}

// TestFieldLimitsArePublished: the limits pages read by name are the constants the
// checks use, and an unknown name is an error rather than an empty maxlength.
func TestFieldLimitsArePublished(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]int{"skill": MaxSkillLen, "name": MaxNameRunes, "address": MaxAddressRunes,
		"title": MaxTitleRunes, "contact_name": MaxContactNameRunes, "reason": MaxReasonRunes} {
		if got, err := FieldLimit(name); err != nil || got != want {
			t.Errorf("FieldLimit(%q) = %d, %v; want %d", name, got, err, want)
		}
	}
	if _, err := FieldLimit("no_such_field"); err == nil {
		t.Error("an unknown field has a limit")
	}
	// The skills box holds a full list of the longest skills with a separator each.
	box, _ := FieldLimit("skills")
	full := strings.TrimSuffix(strings.Repeat(strings.Repeat("语", MaxSkillLen)+"、", MaxSkills), "、")
	if n := utf8.RuneCountInString(full); n > box {
		t.Errorf("the skills box (%d) cannot hold %d skills of %d characters (%d)", box, MaxSkills, MaxSkillLen, n)
	}
	// Activities and organisations name the same contact person, volunteers and venues the same addresses.
	o := &Organization{Name: "天河区青年志愿者协会", Type: OrgTypes[0], ContactName: strings.Repeat("李", MaxContactNameRunes)}
	p := Problems{}
	ValidateOrgText(o, p)
	a := &Activity{ContactName: strings.Repeat("李", MaxContactNameRunes)}
	if p["contact_name"].Reason != "" || ErrorFields(a.Validate(time.Now()))["contact_name"] != "" {
		t.Errorf("a %d-character contact name is refused: %v", MaxContactNameRunes, p)
	}
}
