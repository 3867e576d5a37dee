package api

import (
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

type notificationJSON struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

func (x *API) listNotifications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	before, limit, err := pageParams(r, 50, 200)
	if err != nil {
		return err
	}
	unread := r.URL.Query().Get("unread") == "true" || r.URL.Query().Get("unread") == "1"
	list, err := x.app.Notifications(r.Context(), p, unread, before, int(limit))
	if err != nil {
		return err
	}
	page := Page[notificationJSON]{Items: []notificationJSON{}}
	for _, n := range list {
		j := notificationJSON{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link, CreatedAt: n.CreatedAt}
		if !n.ReadAt.IsZero() {
			t := n.ReadAt
			j.ReadAt = &t
		}
		page.Items = append(page.Items, j)
	}
	if len(list) == int(limit) {
		page.NextCursor = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) readNotification(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.MarkNotificationsRead(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) readAllNotifications(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if err := x.app.MarkNotificationsRead(r.Context(), p, 0); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
