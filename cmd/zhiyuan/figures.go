package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"zhiyuan/internal/sqlstore"
)

// errFiguresWrong makes `zhiyuan figures verify` exit 1 after naming the difference.
var errFiguresWrong = errors.New("figures verification failed")

// figures runs `zhiyuan figures verify` (recompute every summary table from the base
// tables; name the first difference and exit 1) and `zhiyuan figures rebuild` (recompute
// them all in one transaction, for a database whose summaries are wrong or predate them).
func figures(ctx context.Context, args []string) error {
	const use = "usage: zhiyuan figures verify|rebuild [--data DIR | --db URL]"
	if len(args) == 0 || (args[0] != "verify" && args[0] != "rebuild") {
		return errors.New(use)
	}
	c, err := flags("figures "+args[0], args[1:], false, nil)
	if err != nil {
		return err
	}
	s, err := sqlstore.Open(ctx, c.DSN(), storeOptions(c.Pool))
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if args[0] == "rebuild" {
		if err := s.RebuildFigures(ctx); err != nil {
			return err
		}
		fmt.Printf("figures rebuilt from the base tables in %s\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	m, err := s.VerifyFigures(ctx)
	if err != nil {
		return err
	}
	if m != nil {
		fmt.Fprintf(os.Stdout, "MISMATCH: %s\n", m)
		return errFiguresWrong
	}
	fmt.Printf("figures OK: every summary row equals its recount from the base tables (%s)\n", time.Since(start).Round(time.Millisecond))
	return nil
}
