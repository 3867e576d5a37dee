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

// Error is the one error type that crosses package boundaries. Message is written for a
// person (in Chinese); Fields names each offending input field with its own message.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
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

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an *Error whose only offending field is field.
func FieldError(code Code, field, message string) *Error {
	return &Error{Code: code, Message: message, Fields: map[string]string{field: message}}
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

// ErrorMessage returns the person-facing message of err; internal errors get a generic
// message so that nothing about the system leaks to the caller.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message
	}
	return "服务器内部错误，请稍后再试"
}

// ErrorFields returns the per-field messages of err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects per-field validation messages so Validate methods can report every
// bad field at once instead of the first one only.
type Problems map[string]string

// Add records a message for field unless one is already there (the first problem of a
// field is usually the one to fix first).
func (p Problems) Add(field, message string) {
	if _, ok := p[field]; !ok {
		p[field] = message
	}
}

// Err returns nil when there are no problems, otherwise an EInvalid *Error naming them all.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	msg := "提交的信息有误，请检查标出的项目"
	if len(p) == 1 {
		for _, m := range p {
			msg = m
		}
	}
	return &Error{Code: EInvalid, Message: msg, Fields: map[string]string(p)}
}
