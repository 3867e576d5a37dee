package sqlstore

import (
	"context"
	"fmt"
)

// contactColumns are the volunteers' contact details kept sealed (zhiyuan.SealedContact),
// by the name of their clear column, which is also the context they are sealed under.
var contactColumns = []string{"email", "address", "guardian_name", "guardian_phone"}

// sealBatch is how many rows one transaction of SealClearContact seals: small enough that
// the write lock is held for milliseconds, so registrations keep going meanwhile.
const sealBatch = 500

// SealClearContact seals the contact details that rows written before migration 0011 still
// hold in clear, and empties the clear columns, with seal (pii.Keys.Seal: value, column).
// It works in batches of sealBatch rows by id, each in its own transaction, and returns how
// many rows it sealed.
//
// It is safe to stop at any point and to run again (the rows still in clear are the ones
// left to do), and to run from several servers at once: each row is updated only if its
// clear columns still hold what was read and sealed, so a row another server (or the
// volunteer, through the new code) changed meanwhile is left alone, never overwritten with
// an older value. A sealed column is written only for a clear value that is not empty, so a
// guardian recorded sealed is kept when only the email was still in clear.
func (s *Store) SealClearContact(ctx context.Context, seal func(value, column string) ([]byte, error)) (int, error) {
	var after int64
	total := 0
	for {
		var last int64
		n := 0
		err := s.inTx(ctx, func(tx conn) error {
			type clearRow struct {
				id     int64
				values [4]string
			}
			rows, err := tx.query(ctx, `SELECT id, email, address, guardian_name, guardian_phone FROM volunteers
				WHERE id > ? AND (email <> '' OR address <> '' OR guardian_name <> '' OR guardian_phone <> '')
				ORDER BY id LIMIT ?`, after, sealBatch)
			if err != nil {
				return err
			}
			var batch []clearRow
			for rows.Next() {
				var r clearRow
				if err := rows.Scan(&r.id, &r.values[0], &r.values[1], &r.values[2], &r.values[3]); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			n, last = 0, 0
			for _, r := range batch {
				last = r.id
				args := make([]any, 0, 9)
				for i, col := range contactColumns {
					var sealed any // NULL: COALESCE keeps the sealed value already there
					if r.values[i] != "" {
						b, err := seal(r.values[i], col)
						if err != nil {
							return fmt.Errorf("seal %s of volunteer %d: %w", col, r.id, err)
						}
						sealed = b
					}
					args = append(args, sealed)
				}
				args = append(args, r.id, r.values[0], r.values[1], r.values[2], r.values[3])
				res, err := tx.exec(ctx, `UPDATE volunteers SET email_sealed = COALESCE(?, email_sealed),
					address_sealed = COALESCE(?, address_sealed), guardian_name_sealed = COALESCE(?, guardian_name_sealed),
					guardian_phone_sealed = COALESCE(?, guardian_phone_sealed),
					email = '', address = '', guardian_name = '', guardian_phone = ''
					WHERE id = ? AND email = ? AND address = ? AND guardian_name = ? AND guardian_phone = ?`, args...)
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k > 0 {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("seal contact details: %w", err)
		}
		total += n
		if last == 0 {
			return total, nil
		}
		after = last
	}
}
