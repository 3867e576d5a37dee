package sqlstore

import (
	"context"
	"database/sql"

	"zhiyuan"
)

// insertNotification writes an in-app notification, inside the caller's transaction so
// that it exists exactly when the change it tells about does.
func (s *Store) insertNotification(ctx context.Context, c conn, n *zhiyuan.Notification) error {
	if n.CreatedAt.IsZero() {
		n.CreatedAt = s.now()
	}
	id, err := c.insert(ctx, `INSERT INTO notifications (account_id, kind, title, body, link, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		n.AccountID, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt)
	n.ID = id
	return err
}

// CreateNotification writes one in-app notification.
func (s *Store) CreateNotification(ctx context.Context, n *zhiyuan.Notification) error {
	return s.insertNotification(ctx, s.writer(), n)
}

// NotificationFilter selects one account's notifications.
type NotificationFilter struct {
	AccountID  int64
	UnreadOnly bool
	Before     int64 // cursor: notifications with id below this
	Limit      int
}

// FindNotifications lists an account's notifications, newest first.
func (s *Store) FindNotifications(ctx context.Context, f NotificationFilter) ([]zhiyuan.Notification, error) {
	q := `SELECT id, account_id, kind, title, body, link, created_at, read_at FROM notifications WHERE account_id = ?`
	args := []any{f.AccountID}
	if f.UnreadOnly {
		q += " AND read_at IS NULL"
	}
	if f.Before > 0 {
		q += " AND id < ?"
		args = append(args, f.Before)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []zhiyuan.Notification{}
	for rows.Next() {
		var n zhiyuan.Notification
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.AccountID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &read); err != nil {
			return nil, err
		}
		n.CreatedAt, n.ReadAt = n.CreatedAt.UTC(), utcOrZero(read)
		out = append(out, n)
	}
	return out, rows.Err()
}

// CountUnreadNotifications counts an account's unread notifications (up to 100: a badge
// shows "99+" beyond that, and the count stays cheap).
func (s *Store) CountUnreadNotifications(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notifications
		WHERE account_id = ? AND read_at IS NULL LIMIT 100) u`, accountID).Scan(&n)
	return n, err
}

// MarkNotificationsRead marks an account's notifications read: the one with id, or all
// of them when id is 0. Another account's notification is ENotFound.
func (s *Store) MarkNotificationsRead(ctx context.Context, accountID, id int64) error {
	q := "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL"
	args := []any{s.now(), accountID}
	if id != 0 {
		q += " AND id = ?"
		args = append(args, id)
	}
	res, err := s.writer().exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 && id != 0 {
		var owner int64
		err := s.reader().queryRow(ctx, "SELECT account_id FROM notifications WHERE id = ?", id).Scan(&owner)
		if err == sql.ErrNoRows || owner != accountID {
			return notFound("notfound.notification")
		}
		return err // already read: fine
	}
	return nil
}
