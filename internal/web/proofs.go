package web

import (
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/proof"
)

func (x *Web) myProofsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderMyProofs(w, r, p, http.StatusOK, "")
}

func (x *Web) renderMyProofs(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, errMsg string) error {
	data := map[string]any{"Title": "志愿服务记录证明", "Notice": r.URL.Query().Get("notice"), "Error": errMsg}
	list, err := x.app.MyProofs(r.Context(), p)
	switch {
	case zhiyuan.ErrorCode(err) == zhiyuan.ENotFound:
		data["NotVolunteer"] = true
	case err != nil:
		return err
	default:
		data["Proofs"] = list
		if orgs, err := x.app.MyOrgs(r.Context(), p); err == nil {
			var approved []*zhiyuan.Membership
			for _, m := range orgs.Memberships {
				if m.Status == zhiyuan.MemberApproved {
					approved = append(approved, m)
				}
			}
			data["Orgs"] = approved
		}
	}
	x.render(w, r, status, "proofs_mine.html", data)
	return nil
}

func (x *Web) proofIssue(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, _ := strconv.ParseInt(r.PostFormValue("organization_id"), 10, 64)
	sp, created, err := x.app.IssueProof(r.Context(), p, orgID)
	if err != nil {
		if isFormError(err) {
			return x.renderMyProofs(w, r, p, cardStatus(err), zhiyuan.ErrorMessage(err))
		}
		return err
	}
	notice := zhiyuan.Text("notice.proof_issued", "code", proof.FormatProofCode(sp.Code))
	if !created {
		notice = zhiyuan.Text("notice.proof_unchanged", "code", proof.FormatProofCode(sp.Code))
	}
	http.Redirect(w, r, "/me/proofs?notice="+url.QueryEscape(notice), http.StatusSeeOther)
	return nil
}

func (x *Web) proofPDF(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	code := r.PathValue("code")
	pdf, err := x.app.MyProofPDF(r.Context(), p, code)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="proof-`+url.PathEscape(code)+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
	return nil
}

func (x *Web) verifyForm(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	x.render(w, r, http.StatusOK, "verify.html", map[string]any{"Title": "证明核验"})
	return nil
}

func (x *Web) verifyProofQuery(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	code, ok := proof.NormalizeProofCode(r.URL.Query().Get("code"))
	if !ok {
		x.render(w, r, http.StatusUnprocessableEntity, "verify.html", map[string]any{"Title": "证明核验",
			"Fields": map[string]string{"code": zhiyuan.Text("proof.code_format")}, "Code": r.URL.Query().Get("code")})
		return nil
	}
	http.Redirect(w, r, "/verify/proof/"+code, http.StatusSeeOther)
	return nil
}

func (x *Web) verifyProofPage(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	data := map[string]any{"Title": "志愿服务记录证明核验"}
	sp, err := x.app.CheckProof(r.Context(), r.PathValue("code"))
	switch {
	case zhiyuan.ErrorCode(err) == zhiyuan.ENotFound:
		data["NotFound"] = zhiyuan.ErrorMessage(err)
	case err != nil:
		return err
	default:
		data["Proof"], data["Mismatch"] = sp, zhiyuan.ProofLedgerMismatchText
	}
	x.render(w, r, http.StatusOK, "verify_proof.html", data)
	return nil
}
