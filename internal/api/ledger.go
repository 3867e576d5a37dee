package api

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// anchorJSON is a published ledger anchor. Hashes are lowercase hex as in the canonical
// bytes; the signature is unpadded base64url like the keys at /keys.
type anchorJSON struct {
	Day        string    `json:"day"`
	Hash       string    `json:"hash"`
	PrevHash   string    `json:"prev_hash"`
	ChainCount int64     `json:"chain_count"`
	KeyID      string    `json:"key_id"`
	Signature  string    `json:"signature"`
	CreatedAt  time.Time `json:"created_at"`
}

// ledgerAnchors lists the daily anchors, newest first, for anyone to copy and check
// against the published keys (docs/hours.md).
func (x *API) ledgerAnchors(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	before, limit, err := pageParams(r, 30, 366)
	if err != nil {
		return err
	}
	list, err := x.app.LedgerAnchors(r.Context(), before, int(limit))
	if err != nil {
		return err
	}
	page := Page[anchorJSON]{Items: []anchorJSON{}}
	for _, a := range list {
		page.Items = append(page.Items, anchorJSON{Day: a.Day, Hash: hex.EncodeToString(a.Hash), PrevHash: hex.EncodeToString(a.PrevHash),
			ChainCount: a.ChainCount, KeyID: a.KeyID, Signature: base64.RawURLEncoding.EncodeToString(a.Signature), CreatedAt: a.CreatedAt})
	}
	if n := len(list); n > 0 && int64(n) == limit {
		page.NextCursor = strconv.FormatInt(list[n-1].ID, 10)
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}
