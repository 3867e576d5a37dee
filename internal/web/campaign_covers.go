package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

// A campaign's cover image (issue 16): chosen on the creation form or changed later by
// the campaign's admins on its page (multipart forms that work without JS), served
// publicly with caching headers. The image code is the card photo's (internal/proof).

// isMultipart reports whether the request carries a multipart form (the creation form
// with its cover field); older clients post the same form url-encoded, without a cover.
func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// readCover reads the cover field of a multipart form (nil without a file); the form's
// other values are then in r.PostForm.
func readCover(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return httpx.ReadImageUpload(w, r, "cover", proof.MaxPhotoBytes, "campaign.cover_choose")
}

func (x *Web) campaignCover(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	img, v, err := x.app.CampaignCover(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WritePublicImage(w, r, "campaign-cover", id, v, img)
	return nil
}

// campaignCoverForm replaces the cover from the campaign page; a problem shows the page
// again with the field marked.
func (x *Web) campaignCoverForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	img, err := readCover(w, r)
	if err == nil && img == nil {
		err = zhiyuan.FieldFail(zhiyuan.EInvalid, "cover", "campaign.cover_choose")
	}
	if err == nil {
		_, err = x.app.SetCampaignCover(r.Context(), p, id, img)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderCampaign(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text("campaign.cover_saved"))), http.StatusSeeOther)
	return nil
}
