package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// webhookTimeout bounds one call to the gateway; a delivery that times out is retried.
// The job's own timeout (--job-timeout) bounds it too, whichever ends first.
const webhookTimeout = 10 * time.Second

// WebhookSender hands each message to an HTTP gateway (--sender-url): a POST of one JSON
// object
//
//	{"key": "notification-12-sms", "template": "activity_cancelled", "title": "…",
//	 "body": "…", "link": "/activities/3", "phone": "13800000000"}      (or "email")
//
// with the key also in the Idempotency-Key header. Any 2xx answer means the gateway has
// the message; anything else, or no answer, is a failure that the delivery job retries
// with the same key, so a gateway that remembers keys sends each message once. The
// phone number and email address go only into the body, never into a log or the error.
type WebhookSender struct {
	URL    string
	Client *http.Client // nil: one with webhookTimeout
}

// webhookMessage is the JSON the gateway receives.
type webhookMessage struct {
	Key      string `json:"key"`
	Template string `json:"template"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Link     string `json:"link,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
}

// Send implements Sender.
func (s WebhookSender) Send(ctx context.Context, to Recipient, msg Message) error {
	b, err := json.Marshal(webhookMessage{Key: msg.Key, Template: msg.Template, Title: msg.Title, Body: msg.Body,
		Link: msg.Link, Phone: to.Phone, Email: to.Email})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("gateway request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if msg.Key != "" {
		req.Header.Set("Idempotency-Key", msg.Key)
	}
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: webhookTimeout}
	}
	resp, err := c.Do(req)
	if err != nil {
		// The cause (refused, timeout) without the URL, which may hold the gateway's token.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("gateway: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("gateway answered %s", resp.Status)
	}
	return nil
}
