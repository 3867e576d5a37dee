package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

type cardApplicationJSON struct {
	ID              int64      `json:"id"`
	Status          string     `json:"status"`
	StatusText      string     `json:"status_text"`
	Kind            string     `json:"kind"`
	VolunteerNo     string     `json:"volunteer_no"`
	VolunteerName   string     `json:"volunteer_name"`
	RegionCode      string     `json:"region_code"`
	Delivery        string     `json:"delivery"`
	DeliveryOrgID   int64      `json:"delivery_org_id,omitempty"`
	DeliveryOrgName string     `json:"delivery_org_name,omitempty"`
	DeliveryAddress string     `json:"delivery_address,omitempty"`
	Reason          string     `json:"reason,omitempty"`
	BatchID         int64      `json:"batch_id,omitempty"`
	CardNumber      string     `json:"card_number,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	DecidedAt       *time.Time `json:"decided_at,omitempty"`
}

func cardApplicationView(a *zhiyuan.CardApplication) cardApplicationJSON {
	out := cardApplicationJSON{ID: a.ID, Status: string(a.Status), StatusText: a.Status.Chinese(), Kind: string(a.Kind),
		VolunteerNo: a.VolunteerNo, VolunteerName: a.VolunteerName, RegionCode: a.RegionCode, Delivery: string(a.Delivery),
		DeliveryOrgID: a.DeliveryOrgID, DeliveryOrgName: a.DeliveryOrgName, DeliveryAddress: a.DeliveryAddress, Reason: a.Reason,
		BatchID: a.BatchID, CardNumber: a.CardNumber, CreatedAt: a.CreatedAt}
	if !a.DecidedAt.IsZero() {
		t := a.DecidedAt
		out.DecidedAt = &t
	}
	return out
}

type cardEventJSON struct {
	Event         string    `json:"event"`
	EventText     string    `json:"event_text"`
	ApplicationID int64     `json:"application_id,omitempty"`
	CardNumber    string    `json:"card_number,omitempty"`
	Detail        string    `json:"detail,omitempty"`
	At            time.Time `json:"at"`
}

// maxPhotoUpload bounds the multipart body: the photo limit plus room for the fields.
const maxPhotoUpload = proof.MaxPhotoBytes + 64<<10

// readCardApplication reads a multipart application form (file field "photo"; delivery,
// delivery_org_id, delivery_address); a body over the limit is a 422 naming the photo.
func readCardApplication(w http.ResponseWriter, r *http.Request) (app.CardApplyInput, error) {
	var in app.CardApplyInput
	r.Body = http.MaxBytesReader(w, r.Body, maxPhotoUpload)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return in, zhiyuan.FieldFail(zhiyuan.EInvalid, "photo", "card.photo_too_large", "max_mb", proof.MaxPhotoBytes>>20)
		}
		return in, zhiyuan.FieldFail(zhiyuan.EInvalid, "photo", "api.photo_multipart")
	}
	defer r.MultipartForm.RemoveAll()
	if err := httpx.CheckValues(r.MultipartForm.Value); err != nil {
		return in, err
	}
	in.Delivery = r.FormValue("delivery")
	in.DeliveryAddress = r.FormValue("delivery_address")
	if v := r.FormValue("delivery_org_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, zhiyuan.FieldFail(zhiyuan.EInvalid, "delivery_org_id", "api.org_id_integer")
		}
		in.DeliveryOrgID = id
	}
	f, _, err := r.FormFile("photo")
	if err != nil {
		return in, nil // no photo: the application layer says so with every other problem
	}
	defer f.Close()
	in.Photo, err = io.ReadAll(io.LimitReader(f, proof.MaxPhotoBytes+1))
	if err != nil {
		return in, zhiyuan.FieldFail(zhiyuan.EInvalid, "photo", "card.photo_incomplete")
	}
	return in, nil
}

func (x *API) applyForCard(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	// Refusals that do not depend on the upload come before reading it.
	if err := x.app.CanApplyForCard(r.Context(), p); err != nil {
		return err
	}
	in, err := readCardApplication(w, r)
	if err != nil {
		return err
	}
	a, err := x.app.ApplyForCard(r.Context(), p, in)
	if err != nil {
		return err
	}
	full, err := x.app.CardApplication(r.Context(), p, a.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, cardApplicationView(full))
	return nil
}

func (x *API) myCardApplications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	apps, err := x.app.MyCardApplications(r.Context(), p)
	if err != nil {
		return err
	}
	events, err := x.app.MyCardEvents(r.Context(), p)
	if err != nil {
		return err
	}
	out := struct {
		Items      []cardApplicationJSON `json:"items"`
		NextCursor string                `json:"next_cursor"`
		Events     []cardEventJSON       `json:"events"`
	}{Items: []cardApplicationJSON{}, Events: []cardEventJSON{}}
	for i := range apps {
		out.Items = append(out.Items, cardApplicationView(&apps[i]))
	}
	for _, e := range events {
		out.Events = append(out.Events, cardEventJSON{Event: e.Event, EventText: zhiyuan.CardEventChinese(e.Event),
			ApplicationID: e.ApplicationID, CardNumber: e.CardNumber, Detail: e.Detail, At: e.At})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

type myCardJSON struct {
	Number         string     `json:"number"`
	Status         string     `json:"status"`
	StatusText     string     `json:"status_text"`
	Name           string     `json:"name"`
	VolunteerNo    string     `json:"volunteer_no"`
	Organization   string     `json:"organization"`
	RegionCode     string     `json:"region_code"`
	RegionName     string     `json:"region_name"`
	StarLevel      int        `json:"star_level"`
	ConfirmedHours float64    `json:"confirmed_hours"`
	QRPayload      string     `json:"qr_payload"`
	QRURL          string     `json:"qr_url"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
	IssuedAt       *time.Time `json:"issued_at,omitempty"`
}

func (x *API) myCard(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	d, err := x.app.MyCard(r.Context(), p)
	if err != nil {
		return err
	}
	out := myCardJSON{Number: d.Card.Number, Status: string(d.Card.Status), StatusText: d.Card.Status.Chinese(),
		Name: d.Volunteer.Name, VolunteerNo: d.Volunteer.VolunteerNo, Organization: d.Organization, RegionCode: d.Card.RegionCode,
		RegionName: d.RegionName, StarLevel: d.StarLevel, ConfirmedHours: zhiyuan.MinutesToHours(d.ConfirmedMinutes),
		QRPayload: d.Payload, QRURL: d.VerifyURL}
	if !d.ExpiresAt.IsZero() {
		out.ExpiresAt = &d.ExpiresAt
	}
	if !d.Card.IssuedAt.IsZero() {
		out.IssuedAt = &d.Card.IssuedAt
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) myCardPhoto(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	photo, err := x.app.MyCardPhoto(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(photo)
	return nil
}

func (x *API) reportCardLost(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if err := x.app.ReportMyCardLost(r.Context(), p); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": string(zhiyuan.CardLost)})
	return nil
}

func (x *API) cardApplications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	batch, err := queryInt(r, "batch_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := x.app.CardApplications(r.Context(), p, app.CardQuery{Status: q.Get("status"), Region: q.Get("region"),
		VolunteerNo: q.Get("volunteer_no"), BatchID: batch, After: after, Limit: int(limit)})
	if err != nil {
		return err
	}
	page := Page[cardApplicationJSON]{Items: []cardApplicationJSON{}}
	for i := range list {
		page.Items = append(page.Items, cardApplicationView(&list[i]))
	}
	if n := len(list); n > 0 && (limit == 0 && n == 50 || limit > 0 && int64(n) == limit) {
		page.NextCursor = strconv.FormatInt(list[n-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) cardApplication(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := x.app.CardApplication(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cardApplicationView(a))
	return nil
}

func (x *API) decideCardApp(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, approve bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if !approve || r.ContentLength > 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	if _, err := x.app.DecideCardApplications(r.Context(), p, []int64{id}, approve, req.Reason); err != nil {
		return err
	}
	a, err := x.app.CardApplication(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cardApplicationView(a))
	return nil
}

func (x *API) approveCardApplication(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.decideCardApp(w, r, p, true)
}

func (x *API) rejectCardApplication(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.decideCardApp(w, r, p, false)
}

type bulkCardRequest struct {
	ApplicationIDs []int64 `json:"application_ids"`
	Reason         string  `json:"reason"`
}

func (x *API) bulkDecideCardApps(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, approve bool) error {
	var req bulkCardRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := x.app.DecideCardApplications(r.Context(), p, req.ApplicationIDs, approve, req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]int{"count": n})
	return nil
}

func (x *API) bulkApproveCardApplications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.bulkDecideCardApps(w, r, p, true)
}

func (x *API) bulkRejectCardApplications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.bulkDecideCardApps(w, r, p, false)
}

type cardBatchJSON struct {
	ID         int64      `json:"id"`
	Status     string     `json:"status"`
	StatusText string     `json:"status_text"`
	RegionCode string     `json:"region_code"`
	Count      int        `json:"count"`
	CreatedAt  time.Time  `json:"created_at"`
	PrintedAt  *time.Time `json:"printed_at,omitempty"`
	IssuedAt   *time.Time `json:"issued_at,omitempty"`
	PrintList  string     `json:"print_list_url"`
	Photos     string     `json:"photos_url"`
}

func cardBatchView(b *zhiyuan.CardBatch) cardBatchJSON {
	out := cardBatchJSON{ID: b.ID, Status: string(b.Status), StatusText: b.Status.Chinese(), RegionCode: b.RegionCode, Count: b.Count,
		CreatedAt: b.CreatedAt, PrintList: fmt.Sprintf("%s/card-batches/%d/print-list", Prefix, b.ID),
		Photos: fmt.Sprintf("%s/card-batches/%d/photos", Prefix, b.ID)}
	if !b.PrintedAt.IsZero() {
		out.PrintedAt = &b.PrintedAt
	}
	if !b.IssuedAt.IsZero() {
		out.IssuedAt = &b.IssuedAt
	}
	return out
}

func (x *API) createCardBatch(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req bulkCardRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	b, err := x.app.CreateCardBatch(r.Context(), p, req.ApplicationIDs)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, cardBatchView(b))
	return nil
}

func (x *API) cardBatches(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	before, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	list, err := x.app.CardBatches(r.Context(), p, before, 50)
	if err != nil {
		return err
	}
	page := Page[cardBatchJSON]{Items: []cardBatchJSON{}}
	for i := range list {
		page.Items = append(page.Items, cardBatchView(&list[i]))
	}
	if n := len(list); n == 50 {
		page.NextCursor = strconv.FormatInt(list[n-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) cardBatch(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := x.app.CardBatch(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cardBatchView(b))
	return nil
}

func (x *API) cardBatchPrintList(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	dw := httpx.NewDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("card-batch-%d.xlsx", id))
	return dw.Finish(r, x.log, x.app.WriteCardPrintList(r.Context(), p, id, dw))
}

func (x *API) cardBatchPhotos(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	dw := httpx.NewDownload(w, "application/zip", fmt.Sprintf("card-batch-%d-photos.zip", id))
	return dw.Finish(r, x.log, x.app.WriteCardPhotos(r.Context(), p, id, dw))
}

func (x *API) cardBatchAdvance(to zhiyuan.CardBatchStatus) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		b, err := x.app.AdvanceCardBatch(r.Context(), p, id, to)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, cardBatchView(b))
		return nil
	}
}

type cardJSON struct {
	Number        string     `json:"number"`
	Status        string     `json:"status"`
	StatusText    string     `json:"status_text"`
	VolunteerNo   string     `json:"volunteer_no"`
	VolunteerName string     `json:"volunteer_name"`
	RegionCode    string     `json:"region_code"`
	BatchID       int64      `json:"batch_id"`
	Reason        string     `json:"reason,omitempty"`
	IssuedAt      *time.Time `json:"issued_at,omitempty"`
}

func cardView(c *zhiyuan.Card) cardJSON {
	out := cardJSON{Number: c.Number, Status: string(c.Status), StatusText: c.Status.Chinese(), VolunteerNo: c.VolunteerNo,
		VolunteerName: c.VolunteerName, RegionCode: c.RegionCode, BatchID: c.BatchID, Reason: c.Reason}
	if !c.IssuedAt.IsZero() {
		out.IssuedAt = &c.IssuedAt
	}
	return out
}

func (x *API) getCard(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	c, err := x.app.Card(r.Context(), p, r.PathValue("number"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cardView(c))
	return nil
}

func (x *API) revokeCard(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := x.app.RevokeCard(r.Context(), p, r.PathValue("number"), req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cardView(c))
	return nil
}

func (x *API) reissueCard(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	a, err := x.app.ReissueCard(r.Context(), p, r.PathValue("number"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, cardApplicationView(a))
	return nil
}

func (x *API) publicKeys(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	w.Header().Set("Cache-Control", "public, max-age=300")
	httpx.WriteJSON(w, http.StatusOK, x.app.PublicKeys())
	return nil
}

type cardCheckJSON struct {
	Valid             bool   `json:"valid"`
	Reason            string `json:"reason"`
	ReasonText        string `json:"reason_text"`
	MaskedName        string `json:"masked_name,omitempty"`
	StarLevel         int    `json:"star_level"`
	IssuingRegion     string `json:"issuing_region,omitempty"`
	IssuingRegionName string `json:"issuing_region_name,omitempty"`
}

func (x *API) verifyCard(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	c, err := x.app.VerifyCard(r.Context(), r.PathValue("payload"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, cardCheckJSON{Valid: c.Valid, Reason: c.Reason, ReasonText: app.CardReasonChinese(c.Reason),
		MaskedName: c.MaskedName, StarLevel: c.StarLevel, IssuingRegion: c.RegionCode, IssuingRegionName: c.RegionName})
	return nil
}
