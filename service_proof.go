package zhiyuan

import "time"

// ServiceProof is an issued proof of service (志愿服务记录证明): what it certified, kept so
// anyone holding its verification code can check it later, and whether corrections made
// since then changed the records it covers.
type ServiceProof struct {
	ID           int64
	Code         string // canonical verification code
	VolunteerID  int64
	OrgID        int64  // the issuing organisation; 0 for a platform proof
	IssuerName   string // the organisation's name, or the platform's
	MaskedName   string // the volunteer's name as the public check shows it
	VolunteerNo  string
	RecordCount  int
	TotalMinutes int64
	ChainHead    []byte // the volunteer's ledger head the proof was made from
	LastSeq      int64  // the chain position of that head
	RecordsHash  []byte // SHA-256 over the hashes of every entry the proof covers
	EntryIDs     []int64
	CreatedBy    int64
	CreatedAt    time.Time

	// Filled by reads.
	Superseded bool // a correction since issue changed a covered record
	// LedgerMismatch: the volunteer's chain no longer has the proof's head at its
	// sequence number (truncated or rewritten), so the proof does not verify.
	LedgerMismatch bool
}

// ProofLedgerMismatchText is what the public check says of a proof whose chain head is no
// longer in the ledger, on the page and in the API.
const ProofLedgerMismatchText = "该证明所载记录与平台服务时长账本不一致（账本在证明出具后被删改），证明无效，请联系出具单位核实。"
