package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"zhiyuan/internal/config"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestPoolSettingsReachTheStore: --db-max-conns sizes the pool the platform runs on (on
// SQLite the readers; the writer stays one connection), and without it the pool has
// 2×cores+2 connections.
func TestPoolSettingsReachTheStore(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			for _, tc := range []struct {
				args []string
				want int
			}{
				{nil, config.DefaultMaxConns()},
				{[]string{"--db-max-conns", "5", "--db-max-idle", "2", "--db-conn-max-lifetime", "30m"}, 5},
			} {
				c, err := flags("serve", append(tc.args, dbArgs(t, engine)...), true, nil)
				if err != nil {
					t.Fatal(err)
				}
				_, store, err := openApp(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if err != nil {
					t.Fatal(err)
				}
				stats := store.DBStats()
				pool := "main"
				if engine == "sqlite" {
					pool = "read"
					if n := stats["write"].MaxOpenConnections; n != 1 {
						t.Errorf("%v: SQLite write pool has %d connections, want 1", tc.args, n)
					}
				}
				if n := stats[pool].MaxOpenConnections; n != tc.want {
					t.Errorf("%v: %s pool has %d connections at most, want %d", tc.args, pool, n, tc.want)
				}
				store.Close()
			}
		})
	}
}

// TestStoreOptions: the operator's zeros (--db-max-idle 0, --db-conn-max-idle-time 0) mean
// none and never, while the store reads a zero as its default.
func TestStoreOptions(t *testing.T) {
	o := storeOptions(config.Pool{MaxConns: 50, ConnMaxLifetime: 30 * time.Minute})
	if o.MaxOpenConns != 50 || o.MaxIdleConns >= 0 || o.ConnMaxLifetime != 30*time.Minute || o.ConnMaxIdleTime >= 0 {
		t.Fatalf("store options: %+v", o)
	}
	o = storeOptions(config.Pool{MaxConns: 5, MaxIdle: 2, ConnMaxIdleTime: time.Minute})
	if o.MaxOpenConns != 5 || o.MaxIdleConns != 2 || o.ConnMaxIdleTime != time.Minute {
		t.Fatalf("store options: %+v", o)
	}
}
