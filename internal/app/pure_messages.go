package app

import (
	"errors"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/password"
	"zhiyuan/internal/uscc"
)

// The pure checkers (idcard, uscc, password) report a machine-readable reason; these
// functions name the catalogue sentence for it, so the text shown for a rejected number
// lives in the catalogue with every other sentence.

// idNumberReason returns the catalogue key for a rejected document number of type t.
func idNumberReason(t zhiyuan.IDType, err error) zhiyuan.Msg {
	var e *idcard.Error
	if !errors.As(err, &e) {
		return "idcard.format"
	}
	if t == zhiyuan.IDResident {
		switch e.Reason {
		case idcard.ReasonEmpty:
			return "idcard.required"
		case idcard.ReasonLength:
			return "idcard.length"
		case idcard.ReasonChars:
			return "idcard.chars"
		case idcard.ReasonProvince:
			return "idcard.province"
		case idcard.ReasonBirthDate:
			return "idcard.birth_date"
		case idcard.ReasonFuture:
			return "idcard.birth_future"
		case idcard.ReasonChecksum:
			return "idcard.checksum"
		}
		return "idcard.format"
	}
	empty := e.Reason == idcard.ReasonEmpty
	switch {
	case t == zhiyuan.IDHKMacaoPermit && empty:
		return "idcard.hk_macao_required"
	case t == zhiyuan.IDHKMacaoPermit:
		return "idcard.hk_macao_format"
	case t == zhiyuan.IDTaiwanPermit && empty:
		return "idcard.taiwan_required"
	case t == zhiyuan.IDTaiwanPermit:
		return "idcard.taiwan_format"
	case empty:
		return "idcard.passport_required"
	}
	return "idcard.passport_format"
}

// creditCodeReason returns the catalogue key for a rejected unified social credit code.
func creditCodeReason(err error) zhiyuan.Msg {
	var e *uscc.Error
	if !errors.As(err, &e) {
		return "uscc.chars"
	}
	switch e.Reason {
	case uscc.ReasonEmpty:
		return "uscc.required"
	case uscc.ReasonLength:
		return "uscc.length"
	case uscc.ReasonAuthority:
		return "uscc.authority"
	case uscc.ReasonType:
		return "uscc.type"
	case uscc.ReasonRegion:
		return "uscc.region"
	case uscc.ReasonOrgCode:
		return "uscc.org_code"
	case uscc.ReasonChecksum:
		return "uscc.checksum"
	}
	return "uscc.chars"
}

// checkPassword adds under field the problem password.Check finds with a new password.
func checkPassword(p zhiyuan.Problems, field, pw string) {
	switch password.Check(pw) {
	case password.TooShort:
		p.Add(field, "password.too_short", "min", password.MinLen)
	case password.TooLong:
		p.Add(field, "password.too_long", "max", password.MaxLen)
	case password.NoMix:
		p.Add(field, "password.letters_and_digits")
	}
}
