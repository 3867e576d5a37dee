// Package zhiyuan holds the domain of the volunteer service platform: its types, the pure
// rules that decide things about them (authorisation, star levels, hour rounding,
// eligibility) and the error codes every layer speaks. It imports nothing of the project's
// own, so every other package can depend on it and nothing here depends on storage or HTTP.
package zhiyuan

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code is a stable, machine-readable error class. Clients switch on it; messages may change.
type Code string

// The error codes. The HTTP layers map each to one status in one place.
const (
	EInvalid      Code = "invalid"      // input failed validation (422)
	EUnauthorized Code = "unauthorized" // no or bad credentials (401)
	EForbidden    Code = "forbidden"    // authenticated but not allowed (403)
	ENotFound     Code = "notfound"     // no such record, or not visible to the caller (404)
	EConflict     Code = "conflict"     // a unique fact would be broken (409)
	EFull         Code = "full"         // no seat left and no waitlist (409)
	ERateLimited  Code = "ratelimited"  // too many attempts (429)
	EInternal     Code = "internal"     // a bug or an outage; details only in the log (500)
)

// Error is the one error type that crosses package boundaries. Reason is the stable key of
// its sentence in the message catalogue (messages.go) and Params the values that sentence
// names; Message is that sentence rendered for a person (in Chinese). Problems names each
// offending input field with its own reason, and Fields holds the same rendered. Programs
// and tests switch on Code, Reason and the field names, never on the wording.
type Error struct {
	Code     Code
	Reason   Msg
	Params   Params
	Message  string
	Fields   map[string]string
	Problems Problems
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + e.Fields[k]
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Fail returns an *Error with the code and the catalogue sentence reason; args are the
// sentence's parameters as name, value pairs ("max", MaxTitleRunes), as in log/slog.
func Fail(code Code, reason Msg, args ...any) *Error {
	params := pairs(args)
	return &Error{Code: code, Reason: reason, Params: params, Message: reason.Render(params)}
}

// FieldFail returns an *Error whose only offending field is field, for the catalogue
// sentence reason with its parameters as name, value pairs.
func FieldFail(code Code, field string, reason Msg, args ...any) *Error {
	p := Problems{}
	p.Add(field, reason, args...)
	e := p.err()
	e.Code = code
	return e
}

// Errorf is the former constructor with a sentence written at the call; use Fail.
// It remains so that code written before the catalogue still builds; TestCatalogueUse
// names every call so it can be moved to the catalogue.
//
// Deprecated: use Fail with a catalogue key.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Reason: Msg(format), Message: fmt.Sprintf(format, args...)}
}

// FieldError is the former one-field constructor with a sentence written at the call.
//
// Deprecated: use FieldFail with a catalogue key.
func FieldError(code Code, field, message string) *Error {
	return FieldFail(code, field, Msg(message))
}

// ErrorCode returns the code of err, EInternal for errors that are not ours and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorReason returns the catalogue key of err's message: "" for nil, "internal" for
// errors that are not ours or are internal (their text is never shown).
func ErrorReason(err error) Msg {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Reason
	}
	return MsgInternal
}

// ErrorParams returns the parameters of err's message, or nil.
func ErrorParams(err error) Params {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Params
	}
	return nil
}

// ErrorMessage returns the person-facing message of err; internal errors get a generic
// message so that nothing about the system leaks to the caller.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message
	}
	return MsgInternal.Render(nil)
}

// ErrorFields returns the per-field messages of err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrorProblems returns the per-field reasons of err, or nil.
func ErrorProblems(err error) Problems {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// Problem is what is wrong with one input field: a catalogue key and its parameters.
type Problem struct {
	Reason Msg
	Params Params
}

// Message renders the problem for a person.
func (p Problem) Message() string { return p.Reason.Render(p.Params) }

// Problems collects per-field validation problems so Validate methods can report every
// bad field at once instead of the first one only.
type Problems map[string]Problem

// Add records reason (with its parameters as name, value pairs) for field unless a
// problem is already there (the first problem of a field is usually the one to fix first).
func (p Problems) Add(field string, reason Msg, args ...any) {
	if _, ok := p[field]; !ok {
		p[field] = Problem{Reason: reason, Params: pairs(args)}
	}
}

// Merge adds the field problems of err under prefix+field, for a step that validates a
// part of a larger form (a session of an activity, a row of a table).
func (p Problems) Merge(prefix string, err error) {
	for f, pr := range ErrorProblems(err) {
		if _, ok := p[prefix+f]; !ok {
			p[prefix+f] = pr
		}
	}
}

// Err returns nil when there are no problems, otherwise an EInvalid *Error naming them all.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p.err()
}

// ErrWith is Err with an overall sentence of its own (reason with its parameters as
// name, value pairs) instead of the one field's or the generic one.
func (p Problems) ErrWith(reason Msg, args ...any) error {
	if len(p) == 0 {
		return nil
	}
	e := p.err()
	e.Reason, e.Params = reason, pairs(args)
	e.Message = reason.Render(e.Params)
	return e
}

func (p Problems) err() *Error {
	e := &Error{Code: EInvalid, Reason: MsgCheckFields, Problems: p, Fields: make(map[string]string, len(p))}
	for f, pr := range p {
		e.Fields[f] = pr.Message()
		if len(p) == 1 {
			e.Reason, e.Params = pr.Reason, pr.Params
		}
	}
	e.Message = e.Reason.Render(e.Params)
	return e
}

// Reasons returns the reason key of each field, the shape the API publishes as
// "field_reasons".
func (p Problems) Reasons() map[string]Msg {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string]Msg, len(p))
	for f, pr := range p {
		out[f] = pr.Reason
	}
	return out
}
