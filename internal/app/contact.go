package app

import (
	"context"
	"fmt"
	"log/slog"

	"zhiyuan"
)

// Seal contexts of the contact details: the names of their columns, so a ciphertext moved
// into another column does not open (see pii.Keys.Seal and sqlstore.SealClearContact).
const (
	sealEmail         = "email"
	sealAddress       = "address"
	sealGuardianName  = "guardian_name"
	sealGuardianPhone = "guardian_phone"
)

// seal encrypts a contact detail for storage; empty stays empty (nil, stored as NULL).
func (a *App) seal(value, column string) ([]byte, error) {
	if value == "" {
		return nil, nil
	}
	return a.Keys.Seal(value, column)
}

// open decrypts a contact detail sealed by seal; nil opens to "".
func (a *App) open(sealed []byte, column string) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	v, err := a.Keys.Open(sealed, column)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", column, err)
	}
	return v, nil
}

// SealContact fills v.Sealed from v's clear email, address and guardian name and phone, as
// the store needs them before a volunteer is written (registration, demo data).
func (a *App) SealContact(v *zhiyuan.Volunteer) error {
	var g zhiyuan.Guardian
	if v.Guardian != nil {
		g = *v.Guardian
	}
	var err error
	for _, f := range []struct {
		value, column string
		dst           *[]byte
	}{
		{v.Email, sealEmail, &v.Sealed.Email},
		{v.Address, sealAddress, &v.Sealed.Address},
		{g.Name, sealGuardianName, &v.Sealed.GuardianName},
		{g.Phone, sealGuardianPhone, &v.Sealed.GuardianPhone},
	} {
		if *f.dst, err = a.seal(f.value, f.column); err != nil {
			return err
		}
	}
	return nil
}

// contactParts says which contact details openContact opens.
type contactParts int

const (
	openGuardian contactParts = 1 << iota // guardian name and phone: the volunteer, and admins who see the minor's record
	openOwn                               // email and address: the volunteer only
	openAll      = openGuardian | openOwn
)

// openContact opens v's sealed contact details into its clear fields: only what parts
// names, and only where a value is sealed (a row not sealed yet already has it in clear).
// Callers are the few places that show them to the volunteer or an authorised admin, or
// that deliver a message to them.
func (a *App) openContact(v *zhiyuan.Volunteer, parts contactParts) error {
	var err error
	if parts&openOwn != 0 {
		if v.Sealed.Email != nil {
			if v.Email, err = a.open(v.Sealed.Email, sealEmail); err != nil {
				return err
			}
		}
		if v.Sealed.Address != nil {
			if v.Address, err = a.open(v.Sealed.Address, sealAddress); err != nil {
				return err
			}
		}
	}
	if parts&openGuardian != 0 && v.Guardian != nil {
		if v.Sealed.GuardianName != nil {
			if v.Guardian.Name, err = a.open(v.Sealed.GuardianName, sealGuardianName); err != nil {
				return err
			}
		}
		if v.Sealed.GuardianPhone != nil {
			if v.Guardian.Phone, err = a.open(v.Sealed.GuardianPhone, sealGuardianPhone); err != nil {
				return err
			}
		}
	}
	return nil
}

// SealPersonalData seals the contact details that a database from before migration 0011
// still holds in clear (see sqlstore.SealClearContact), and returns how many volunteers it
// sealed. It runs at every start, after the migrations; once nothing is left in clear it
// costs one look-up in an empty index.
func (a *App) SealPersonalData(ctx context.Context) (int, error) {
	n, err := a.store.SealClearContact(ctx, a.Keys.Seal)
	if n > 0 {
		a.Log.InfoContext(ctx, "contact details sealed", slog.Int("volunteers", n))
	}
	return n, err
}
