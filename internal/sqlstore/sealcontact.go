package sqlstore

import (
	"context"
	"fmt"
	"strings"
)

// contactColumns are the volunteers' contact details kept sealed (zhiyuan.SealedContact),
// by the name of their clear column, which is also the context they are sealed under.
var contactColumns = []string{"email", "address", "guardian_name", "guardian_phone"}

// sealBatch is how many rows one transaction of SealClearContact seals: small enough that
// the write lock is held for milliseconds, so registrations keep going meanwhile.
const sealBatch = 500

// sealUpdateRows is how many rows one UPDATE of a batch writes. Measured on 50,000 rows:
// one row per UPDATE took 23 s on PostgreSQL (a round trip each), a whole batch of 500 per
// UPDATE 14 s on SQLite (it evaluates the CASE and OR lists row by row); 50 take 2 s on both.
const sealUpdateRows = 50

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
			if len(batch) == 0 {
				return nil
			}
			last = batch[len(batch)-1].id
			for len(batch) > 0 {
				chunk := batch[:min(sealUpdateRows, len(batch))]
				batch = batch[len(chunk):]
				k, err := s.sealRows(ctx, tx, chunk, seal)
				if err != nil {
					return err
				}
				n += k
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

// clearRow is a volunteer's contact details as read in clear, in contactColumns' order.
type clearRow struct {
	id     int64
	values [4]string
}

// sealRows seals rows with one UPDATE: each sealed column gets a CASE over the ids whose
// clear value is not empty, and a row is touched only if its clear columns still hold what
// was read. It returns how many rows it sealed.
func (s *Store) sealRows(ctx context.Context, tx conn, rows []clearRow, seal func(value, column string) ([]byte, error)) (int, error) {
	var sets []string
	var args []any
	for i, col := range contactColumns {
		var b strings.Builder
		for _, r := range rows {
			if r.values[i] == "" {
				continue
			}
			sealed, err := seal(r.values[i], col)
			if err != nil {
				return 0, fmt.Errorf("seal %s of volunteer %d: %w", col, r.id, err)
			}
			b.WriteString(" WHEN ? THEN ?")
			args = append(args, r.id, sealed)
		}
		if b.Len() > 0 {
			sets = append(sets, col+"_sealed = CASE id"+b.String()+" ELSE "+col+"_sealed END")
		}
	}
	for _, col := range contactColumns {
		sets = append(sets, col+" = ''")
	}
	match := make([]string, len(rows))
	for k, r := range rows {
		match[k] = "(id = ? AND email = ? AND address = ? AND guardian_name = ? AND guardian_phone = ?)"
		args = append(args, r.id, r.values[0], r.values[1], r.values[2], r.values[3])
	}
	// The text differs with the rows, so it goes around the statement and rebinding
	// caches, which would only fill up with it.
	q := s.dialect.rebind("UPDATE volunteers SET " + strings.Join(sets, ", ") + " WHERE " + strings.Join(match, " OR "))
	res, err := tx.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
