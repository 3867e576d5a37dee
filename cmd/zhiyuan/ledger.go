package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"zhiyuan"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore"
)

// errLedgerBroken makes `zhiyuan ledger verify` exit 1 after printing what it found.
var errLedgerBroken = errors.New("ledger verification failed")

// ledger runs `zhiyuan ledger verify`: every volunteer's hash chain, every confirmation's
// seal, and the totals and pending list against the ledger; it names the first broken
// link of each broken chain and exits 1 when anything is wrong.
func ledger(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: zhiyuan ledger verify [--data DIR | --db URL] [--keys FILE]")
	}
	var keysFile string
	c, err := flags("ledger verify", args[1:], false, func(fs *flag.FlagSet) {
		fs.StringVar(&keysFile, "keys", "", "public keys to check anchor signatures with: a saved copy of GET /api/v1/keys; empty means the data folder's signing.keys")
	})
	if err != nil {
		return err
	}
	keys, keysErr := verifyKeys(c.DataDir, keysFile)
	s, err := sqlstore.Open(ctx, c.DSN(), storeOptions(c.Pool))
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	r, err := s.VerifyLedger(ctx, 20)
	if err != nil {
		return err
	}
	ar, err := s.VerifyAnchors(ctx, func(a *zhiyuan.LedgerAnchor) error {
		if keysErr != nil {
			return keysErr
		}
		return proof.VerifyAnchor(keys, a.KeyID, a.Hash, a.Signature)
	}, 20)
	if err != nil {
		return err
	}
	printLedgerReport(os.Stdout, r, time.Since(start))
	printAnchorReport(os.Stdout, ar)
	if !r.OK() || len(ar.Problems) > 0 {
		return errLedgerBroken
	}
	return nil
}

// verifyKeys reads the keys anchors are checked with: a published JWK set when given,
// else the data folder's signing keys, read only (verification never makes a key).
func verifyKeys(dataDir, file string) (proof.PublicKeys, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		return proof.ParseJWKS(b)
	}
	b, err := os.ReadFile(filepath.Join(dataDir, proof.KeyFileName))
	if err != nil {
		return nil, fmt.Errorf("no platform keys to check the signature with (%w); pass --keys", err)
	}
	s, err := proof.SignerFromString(string(b))
	if err != nil {
		return nil, err
	}
	return s.PublicKeys(), nil
}

func printAnchorReport(w io.Writer, r *sqlstore.AnchorReport) {
	fmt.Fprintf(w, "checked %d anchors covering %d chain heads\n", r.Anchors, r.Heads)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "ANCHOR MISMATCH: %s\n", p)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "anchors OK: every signature verifies, anchors chain, every anchored chain head is still in the ledger")
	}
}

func printLedgerReport(w io.Writer, r *zhiyuan.LedgerReport, took time.Duration) {
	fmt.Fprintf(w, "checked %d entries in %d chains, %d confirmations and %d proofs in %s\n", r.Entries, r.Chains, r.Confirmations, r.Proofs, took.Round(time.Millisecond))
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
		fmt.Fprintln(w, "ledger OK: every chain links, every hash matches, totals equal the ledger, every proof's head is in its chain")
	}
}
