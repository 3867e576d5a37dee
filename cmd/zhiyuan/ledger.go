package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"zhiyuan/internal/sqlstore"
)

// errLedgerBroken makes `zhiyuan ledger verify` exit 1 after printing what it found.
var errLedgerBroken = errors.New("ledger verification failed")

// ledger runs `zhiyuan ledger verify`: every volunteer's hash chain, every confirmation's
// seal, and the totals and pending list against the ledger; it names the first broken
// link of each broken chain and exits 1 when anything is wrong.
func ledger(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: zhiyuan ledger verify [--data DIR | --db URL]")
	}
	c, err := flags("ledger verify", args[1:], false, nil)
	if err != nil {
		return err
	}
	s, err := sqlstore.Open(ctx, c.DSN(), sqlstore.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	r, err := s.VerifyLedger(ctx, 20)
	if err != nil {
		return err
	}
	printLedgerReport(os.Stdout, r, time.Since(start))
	if !r.OK() {
		return errLedgerBroken
	}
	return nil
}

func printLedgerReport(w io.Writer, r *sqlstore.LedgerReport, took time.Duration) {
	fmt.Fprintf(w, "checked %d entries in %d chains and %d confirmations in %s\n", r.Entries, r.Chains, r.Confirmations, took.Round(time.Millisecond))
	for _, b := range r.Breaks {
		fmt.Fprintf(w, "BROKEN: %v\n", &b)
	}
	for _, m := range r.Mismatches {
		fmt.Fprintf(w, "MISMATCH: %s\n", m)
	}
	if !r.AppendOnly {
		fmt.Fprintln(w, "WARNING: the append-only triggers on hour_entries or hour_confirmations are missing or disabled")
	}
	if r.OK() {
		fmt.Fprintln(w, "ledger OK: every chain links, every hash matches, totals equal the ledger")
	}
}
