package api

import (
	"encoding/hex"
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

type proofJSON struct {
	Code           string    `json:"code"`
	CodeDisplay    string    `json:"code_display"`
	PDFURL         string    `json:"pdf_url"`
	VerifyURL      string    `json:"verify_url"`
	OrganizationID int64     `json:"organization_id,omitempty"`
	Issuer         string    `json:"issuer"`
	RecordCount    int       `json:"record_count"`
	TotalHours     float64   `json:"total_hours"`
	ChainHead      string    `json:"chain_head"`
	Superseded     bool      `json:"superseded"`
	CreatedAt      time.Time `json:"created_at"`
}

func (x *API) proofView(p *zhiyuan.ServiceProof) proofJSON {
	return proofJSON{Code: p.Code, CodeDisplay: proof.FormatProofCode(p.Code), PDFURL: Prefix + "/me/proofs/" + p.Code + "/pdf",
		VerifyURL: x.app.Config.BaseURL + "/verify/proof/" + p.Code, OrganizationID: p.OrgID, Issuer: p.IssuerName,
		RecordCount: p.RecordCount, TotalHours: zhiyuan.MinutesToHours(p.TotalMinutes), ChainHead: hex.EncodeToString(p.ChainHead),
		Superseded: p.Superseded, CreatedAt: p.CreatedAt}
}

func (x *API) issueProof(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req struct {
		OrganizationID int64 `json:"organization_id"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	if req.OrganizationID < 0 {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "organization_id", "api.org_id_format")
	}
	sp, created, err := x.app.IssueProof(r.Context(), p, req.OrganizationID)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK // the existing proof of the same records
	}
	httpx.WriteJSON(w, status, x.proofView(sp))
	return nil
}

func (x *API) myProofs(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.MyProofs(r.Context(), p)
	if err != nil {
		return err
	}
	page := Page[proofJSON]{Items: []proofJSON{}}
	for i := range list {
		page.Items = append(page.Items, x.proofView(&list[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) myProofPDF(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	pdf, err := x.app.MyProofPDF(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="proof-`+r.PathValue("code")+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
	return nil
}

type proofCheckJSON struct {
	Valid       bool       `json:"valid"`
	Superseded  bool       `json:"superseded"`
	Reason      string     `json:"reason,omitempty"`
	ReasonText  string     `json:"reason_text,omitempty"`
	Code        string     `json:"code,omitempty"`
	MaskedName  string     `json:"masked_name,omitempty"`
	VolunteerNo string     `json:"volunteer_no,omitempty"`
	Issuer      string     `json:"issuer,omitempty"`
	RecordCount int        `json:"record_count"`
	TotalHours  float64    `json:"total_hours"`
	ChainHead   string     `json:"chain_head,omitempty"`
	IssuedAt    *time.Time `json:"issued_at,omitempty"`
}

// verifyProof answers 200 either way: "this code is not ours" is a check's answer, not
// an error of the request.
func (x *API) verifyProof(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	sp, err := x.app.CheckProof(r.Context(), r.PathValue("code"))
	w.Header().Set("Cache-Control", "no-store")
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		httpx.WriteJSON(w, http.StatusOK, proofCheckJSON{Valid: false, Reason: "not_found"})
		return nil
	}
	if err != nil {
		return err
	}
	out := proofCheckJSON{Valid: !sp.LedgerMismatch, Superseded: sp.Superseded, Code: sp.Code, MaskedName: sp.MaskedName,
		VolunteerNo: sp.VolunteerNo, Issuer: sp.IssuerName, RecordCount: sp.RecordCount, TotalHours: zhiyuan.MinutesToHours(sp.TotalMinutes),
		ChainHead: hex.EncodeToString(sp.ChainHead), IssuedAt: &sp.CreatedAt}
	if sp.LedgerMismatch {
		out.Reason, out.ReasonText = "ledger_mismatch", zhiyuan.ProofLedgerMismatchText
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
