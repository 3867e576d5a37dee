package app

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/sqlstore"
)

// Recipient is a person to reach outside the platform. Phone and Email are for the
// sender's own use only: they must never be logged.
type Recipient struct {
	VolunteerID int64
	AccountID   int64
	Phone       string
	Email       string
}

// Message is what to send; Template names the text, so a real SMS gateway can map it to
// its registered template.
type Message struct {
	// Key is the message's idempotency key: the same for every attempt to send this
	// message, different for every other ("notification-12-sms"). A gateway that keeps
	// the keys it accepted can drop a repeat, which a crash between its acceptance and
	// our record of it would otherwise cause (jobs.go). Empty for a message sent once,
	// in the request, without retries (a password reset code).
	Key      string
	Template string
	Title    string
	Body     string
	Link     string
}

// Sender delivers messages by SMS or email. The in-app notification is written by the
// store in the same transaction as the change, or by a job queued in it; a Sender is the
// extra channel, called by a delivery job (jobs.go) once per message and channel — to
// has only the one channel's address — and retried with backoff when it returns an
// error. Its failure does not undo anything.
type Sender interface {
	Send(ctx context.Context, to Recipient, msg Message) error
}

// LogSender is the development sender: it logs that a message would go out, with only
// non-personal data (volunteer and account ids and the template), never a phone number,
// an email address or the text.
type LogSender struct{ Log *slog.Logger }

// Send implements Sender.
func (s LogSender) Send(ctx context.Context, to Recipient, msg Message) error {
	s.Log.InfoContext(ctx, "notification sent", slog.String("sender", "log"), slog.Int64("volunteer_id", to.VolunteerID),
		slog.Int64("account_id", to.AccountID), slog.String("template", msg.Template),
		slog.Bool("has_phone", to.Phone != ""), slog.Bool("has_email", to.Email != ""))
	return nil
}

func (a *App) sender() Sender {
	if a.Sender != nil {
		return a.Sender
	}
	if a.Outbox != nil {
		return outboxSender{log: LogSender{Log: a.Log}, box: a.Outbox}
	}
	return LogSender{Log: a.Log}
}

// outboxSize is how many messages the development outbox keeps.
const outboxSize = 200

// Outbox is the development sender's mailbag: when no real SMS or email gateway is
// configured (App.Sender is nil), messages are kept here, in memory, for the operator to
// read on /admin/outbox, instead of going out. It is how a reset code reaches the person
// in development and in the demo; a code is never written to the log. Each server process
// has its own outbox, and only the newest messages are kept.
type Outbox struct {
	mu   sync.Mutex
	max  int
	msgs []OutboxMessage
}

// OutboxMessage is one message kept by the outbox.
type OutboxMessage struct {
	At        time.Time
	AccountID int64
	Phone     string // the full number, for the operator's eyes only; pages show it masked
	Template  string
	Title     string
	Body      string
}

// PhoneMasked is the recipient's number as pages show it.
func (m OutboxMessage) PhoneMasked() string { return pii.MaskPhone(m.Phone) }

// When is the time the message was kept, in Beijing time, as pages show it.
func (m OutboxMessage) When() string { return m.At.In(zhiyuan.Beijing).Format("2006-01-02 15:04:05") }

// NewOutbox returns an outbox keeping the newest max messages.
func NewOutbox(max int) *Outbox { return &Outbox{max: max} }

func (o *Outbox) add(m OutboxMessage) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	if len(o.msgs) > o.max {
		o.msgs = slices.Delete(o.msgs, 0, len(o.msgs)-o.max)
	}
}

// Messages returns the kept messages, newest first.
func (o *Outbox) Messages() []OutboxMessage {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := slices.Clone(o.msgs)
	slices.Reverse(out)
	return out
}

// outboxSender logs like LogSender (without personal data or text) and keeps the message.
type outboxSender struct {
	log LogSender
	box *Outbox
}

func (s outboxSender) Send(ctx context.Context, to Recipient, msg Message) error {
	s.box.add(OutboxMessage{At: time.Now().UTC(), AccountID: to.AccountID, Phone: to.Phone,
		Template: msg.Template, Title: msg.Title, Body: msg.Body})
	return s.log.Send(ctx, to, msg)
}

// OutboxMessages lets the platform's operator (a platform admin) read the development
// outbox. With a real sender configured there is no outbox: ENotFound.
func (a *App) OutboxMessages(ctx context.Context, p *zhiyuan.Principal) ([]OutboxMessage, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActPlatformAdmin, zhiyuan.Resource{}); err != nil {
		return nil, err
	}
	if a.Sender != nil || a.Outbox == nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notify.no_dev_outbox")
	}
	return a.Outbox.Messages(), nil
}

// Notifications lists the caller's in-app notifications, newest first.
func (a *App) Notifications(ctx context.Context, p *zhiyuan.Principal, unreadOnly bool, before int64, limit int) ([]zhiyuan.Notification, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	return a.store.FindNotifications(ctx, sqlstore.NotificationFilter{AccountID: p.AccountID, UnreadOnly: unreadOnly, Before: before, Limit: limit})
}

// UnreadNotifications counts the caller's unread notifications (0 for anonymous).
func (a *App) UnreadNotifications(ctx context.Context, p *zhiyuan.Principal) int {
	if p == nil {
		return 0
	}
	n, err := a.store.CountUnreadNotifications(ctx, p.AccountID)
	if err != nil {
		return 0
	}
	return n
}

// MarkNotificationsRead marks one of the caller's notifications read, or all when id is 0.
func (a *App) MarkNotificationsRead(ctx context.Context, p *zhiyuan.Principal, id int64) error {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return err
	}
	return a.store.MarkNotificationsRead(ctx, p.AccountID, id)
}
