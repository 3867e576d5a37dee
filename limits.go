package zhiyuan

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Field limits: one definition per kind of field, shared by activities, volunteers,
// organisations and the rest, and used by Validate, the application's checks, the pages'
// maxlength attributes (FieldLimit) and the tests. Two fields that must match each other
// (an activity's required skill and a volunteer's skill) share one constant, so that
// nothing can be required that nobody can have. Lengths are in characters (runes) unless
// the name says bytes.
const (
	// People's names: a volunteer's real name, a guardian's.
	MinNameRunes = 2
	MaxNameRunes = 30
	// A contact person named by an activity or an organisation.
	MaxContactNameRunes = 50
	// A contact telephone as typed (digits, dashes, an extension), in bytes.
	MaxContactPhoneLen = 30
	// Skills: a volunteer's, and an activity's requirements, item for item the same.
	MaxSkills   = 20
	MaxSkillLen = 20
	// Service areas a volunteer chooses.
	MaxAreas = 10
	// Titles of activities and projects.
	MaxTitleRunes = 100
	// Descriptions of activities and projects.
	MaxDescriptionRunes = 5000
	// An activity's target group (服务对象).
	MaxTargetGroupRunes = 100
	// Postal and venue addresses: an activity's place, a volunteer's contact address, a
	// card's delivery address.
	MaxAddressRunes = 200
	// An email address, in bytes.
	MaxEmailLen = 100
	// Reasons, comments and resolutions people write about hours, organisations and
	// decisions.
	MaxReasonRunes = 500
	// An organisation's name and introduction.
	OrgNameMax        = 60
	OrgDescriptionMax = 2000
	OrgReasonMax      = MaxReasonRunes
	// A unit's League roster count (团员总数): the largest university's League has some
	// tens of thousands; ten million still fits every sum over a province in an int.
	LeagueRosterMax = 10_000_000
	// Units a page of the units-behind list (落后单位) shows.
	LeagueUnitsPage = 30
	// Units one .xlsx export of the units-behind list holds: a province's units.
	LeagueUnitsExportMax = 100_000
	// Units one League roster import (团员总数导入) may list: a province's units fit, and
	// the whole file is applied in one transaction.
	LeagueRosterImportMaxRows = 20_000
	// Bad rows and changes a League roster import's preview lists on its page and in its
	// JSON (the counts cover all of them).
	LeagueRosterPreviewRows = 200
	// A unit is lagging (落后单位, counted on a regional admin's home page) when its
	// subtree reported a roster and registered fewer than this per cent of it. The League
	// sets no number; 80 % is the mark the units' annual review commonly asks for, and
	// units without a roster are not counted (they have no rate to be behind with).
	LeagueLaggingPercent = 80
)

// A campaign's cover image (issue 16): any JPEG or PNG within the card photo's upload
// limits (internal/proof: 5 MB, sides 100 to 12,000 pixels, decoded size) is cropped to
// the centre and re-encoded at this landscape 16:9 size: wide enough for a phone's
// screen at twice its density, and about 60 KB a campaign.
const (
	CampaignCoverWidth  = 960
	CampaignCoverHeight = 540
)

// fieldLimits are the limits by the name pages use for them (FieldLimit).
var fieldLimits = map[string]int{
	"name":            MaxNameRunes,
	"contact_name":    MaxContactNameRunes,
	"contact_phone":   MaxContactPhoneLen,
	"skill":           MaxSkillLen,
	"skills":          MaxSkills * (MaxSkillLen + 1), // the whole list typed in one box, with separators
	"title":           MaxTitleRunes,
	"description":     MaxDescriptionRunes,
	"target_group":    MaxTargetGroupRunes,
	"address":         MaxAddressRunes,
	"email":           MaxEmailLen,
	"reason":          MaxReasonRunes,
	"org_name":        OrgNameMax,
	"org_description": OrgDescriptionMax,
	// Recognition and care (honours.go).
	"award_title":    AwardTitleMax,
	"certificate_no": CertificateNoMax,
	"course":         TrainingCourseMax,
	"organiser":      TrainingOrganiserMax,
	"comment":        EvaluationCommentMax,
	"care_note":      CareNoteMax,
}

// FieldLimit returns the limit of a kind of field by its name ("address", "skill", …),
// for the pages' maxlength attributes. An unknown name is an error, so a template
// naming a limit that does not exist fails when it is rendered (and in tests).
func FieldLimit(name string) (int, error) {
	n, ok := fieldLimits[name]
	if !ok {
		return 0, fmt.Errorf("no field limit named %q", name)
	}
	return n, nil
}

// ListSeparators are what separates the items of a list typed into one box (skills,
// areas): commas of both widths, the enumeration comma, semicolons of both widths, and
// any white space. SplitList splits on them; an item may therefore contain none of them.
const ListSeparators = ",，、;；"

// isListSeparator reports whether r separates the items of a typed list.
func isListSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(ListSeparators, r)
}

// SplitList splits a list typed into one box into its items, cleaned as CleanList does.
func SplitList(s string) []string { return CleanList(strings.FieldsFunc(s, isListSeparator)) }

// CheckSkills cleans a list of skills (trimmed, empty ones and case-insensitive
// duplicates dropped, order kept) and adds a problem under field to p when it has more
// than MaxSkills items, or an item longer than MaxSkillLen or containing a list separator.
// Activities' requirements and volunteers' skills both pass through it, so every skill an
// activity can require is one a volunteer can enter, on a page or through the API.
func CheckSkills(p Problems, field string, items []string) []string {
	skills := NormalizeSkills(items)
	if len(skills) > MaxSkills {
		p.Add(field, "skills.too_many", "max", MaxSkills)
	}
	for _, s := range skills {
		if utf8.RuneCountInString(s) > MaxSkillLen || strings.IndexFunc(s, isListSeparator) >= 0 {
			p.Add(field, "skills.item_invalid", "max", MaxSkillLen)
			break
		}
	}
	return skills
}

// MaxCheckinCodeFailures is how many short check-in codes (six digits) an account may try
// for one session before the session refuses its short codes until it ends: with one
// chance in 10^6 a guess, five keep guessing hopeless, while a volunteer who mistypes still
// has room. The QR code's long code is not limited by it. Pages, API and tests read it here.
const MaxCheckinCodeFailures = 5

// Import of member lists (名单导入, internal/roster and app.Import…): what an uploaded
// spreadsheet may hold. Pages, API, the job and the tests read them here.
const (
	// MaxImportRows is how many data rows one file may carry: a university League
	// committee's whole roster in one sheet, while one preview stays a few seconds.
	MaxImportRows = 100_000
	// MaxImportBlankRows is how many empty rows a sheet may hold besides its data rows
	// (blank lines between groups, formatted but empty rows at the end). A sheet of a
	// million empty rows is refused before it is read to its end.
	MaxImportBlankRows = 1_000
	// MaxImportBytes bounds the uploaded file: 100,000 rows take about 8 MB as .xlsx
	// and 12 MB as .csv, so 32 MB leaves room without letting one upload fill memory.
	MaxImportBytes = 32 << 20
	// MaxImportUnzipBytes bounds what an .xlsx may unpack to: a zip bomb (a few kB that
	// expand to gigabytes) is refused when this much is reached.
	MaxImportUnzipBytes = 256 << 20
	// ImportBatchRows is how many rows the import job writes in one transaction: large
	// enough that the round trips do not dominate, small enough that the transaction (on
	// SQLite the only write connection) is held for a fraction of a second.
	ImportBatchRows = 1000
	// ImportPreviewErrors is how many of the first errors the preview page shows; the
	// rest are in the error sheet.
	ImportPreviewErrors = 20
	// ImportRetention is how long an import's staged rows keep their personal cells once
	// the import is over (done or failed) or has been left unconfirmed: long enough for
	// the admin to download the error sheet, correct it and upload it again; then a
	// periodic sweep clears them (a ready import left that long can no longer run). Rows
	// that were written lose their cells at once, in the batch that writes them.
	ImportRetention = 30 * 24 * time.Hour
)

// PairingVisitGrace is how long after a pairing's visit ends (结对探访) its hours may wait
// for confirmation before the visit counts as missed and the community is warned: an
// organisation confirms a session's hours within two days as a rule, and a weekend visit
// is often confirmed on Monday. Pages, API, the warning job and the tests read it here.
const PairingVisitGrace = 48 * time.Hour

// PairingWarnWindow is how far back the missed-visit check looks: a visit that ended more
// than this long ago without hours and was never warned of (the server was down all that
// time) is no longer news to the community. It bounds each run to recent visits instead
// of every visit of every pairing since the platform began.
const PairingWarnWindow = 30 * 24 * time.Hour

// Resolved login tokens (issue 18). A token's caller and roles are kept in the process
// for at most TokenCacheTTL after they were read, so that the requests of someone
// browsing cost no read of the sessions table each. Every change of what a token grants
// made through this process (logout, password change, closure, role grants and
// withdrawals, any write to accounts, account_roles or sessions) forgets them at once;
// a change made by another process (several instances on one PostgreSQL) is seen within
// TokenCacheTTL. TokenCacheSize bounds the entries (a few hundred bytes each).
const (
	TokenCacheTTL  = 10 * time.Second
	TokenCacheSize = 20000
)

// Attachments of a competition application (competition_attachment.go), kept in the
// database (docs/ARCHITECTURE.md): a PDF up to CompetitionAttachmentPDFMax; an image up to
// the photo limit (proof.MaxPhotoBytes) re-encoded to at most CompetitionAttachmentImageSide
// pixels on its longer side, which keeps a scanned page legible at a few hundred KB. A
// project holds at most CompetitionAttachmentsMax files and CompetitionAttachmentsTotal
// bytes, so a round of a few thousand projects stays a few GB at most.
const (
	CompetitionAttachmentPDFMax    = 10 << 20
	CompetitionAttachmentImageSide = 2400
	CompetitionAttachmentsMax      = 8
	CompetitionAttachmentsTotal    = 30 << 20
	CompetitionAttachmentNameMax   = 80 // characters of a file's name, before its extension
)

// The project competition (益苗计划, competition.go): how big a round and an application may
// be. A round's rubric is a handful of criteria whose weights sum to CompetitionWeightTotal;
// each criterion is scored from 0 to its own maximum, at most CompetitionMaxScoreMax.
const (
	CompetitionNameMax        = MaxTitleRunes
	CompetitionTracksMax      = 12 // tracks (赛道) in one round
	CompetitionTrackMax       = 20 // characters in a track's name
	CompetitionFieldsMax      = 10 // extra application fields a round asks for
	CompetitionFieldNameMax   = 30 // characters in such a field's name
	CompetitionFieldValueMax  = 2000
	CompetitionCriteriaMax    = 10   // criteria in a rubric
	CompetitionWeightTotal    = 100  // the weights of a rubric's criteria sum to this
	CompetitionMaxScoreMax    = 100  // the highest maximum one criterion may have
	CompetitionPerOrgMax      = 20   // the most a round may let one organisation enter
	CompetitionQuotaMax       = 1000 // a city's recommendation quota
	CompetitionTextMax        = MaxDescriptionRunes
	CompetitionSummaryMax     = 500
	CompetitionTeamMax        = 30          // team members on one project
	CompetitionBudgetLinesMax = 50          // budget lines on one project
	CompetitionBudgetLineMax  = 100_000_000 // fen (one million yuan) on one line
	CompetitionTrimJudges     = 5           // from this many judges on, the highest and lowest totals are dropped
	CompetitionRankingPage    = 50          // rows on one page of a ranking
	CompetitionRankingPageMax = 200
)

// Training of the project competition (competition_training.go): how long one session may
// last and how many sessions a round may schedule.
const (
	CompetitionTrainingMaxHours = 12 // one training session, start to end
	CompetitionTrainingsMax     = 50 // sessions in one round
)
