package api_test

import (
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore/storetest"
)

// registerBurst is how many people press "register" at the same moment in
// BenchmarkRegisterBurst (issue 18: peak RSS under 150 MB for 200 at once).
const registerBurst = 200

// BenchmarkRegisterBurst: 200 volunteer registrations sent at the same moment through the
// API with the production argon2id cost (password.Default), each on its own connection. The
// hashing pool (package password) runs one hash per core and queues the rest, so memory
// should stay near cores × one work area above where it started. It reports the process's peak
// resident memory during the burst beside its resident memory just before (the
// reference), the growth, and the registrations per second beside raw argon2id hashes
// per second at one per core measured in the same run.
func BenchmarkRegisterBurst(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			e := servertest.New(b, engine)
			e.App.Config.Password = password.Default
			var peak, before, growth float64
			var regTime time.Duration
			var regs int
			for range b.N * benchRepeats() {
				bodies := make([]map[string]any, registerBurst)
				for i := range bodies {
					bodies[i] = registration(e, idNumber("440106", 20+i%40, i/40))
				}
				runtime.GC()
				debug.FreeOSMemory() // each round starts from the memory it needs, not the last one's
				rss := resetPeakRSS()
				var wg sync.WaitGroup
				gate := make(chan struct{})
				start := time.Now()
				for _, body := range bodies {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-gate
						if res := e.Do("POST", "/api/v1/volunteers", "", body); res.Status != 201 {
							b.Errorf("register: %d %s", res.Status, res.Body)
						}
					}()
				}
				close(gate)
				wg.Wait()
				regTime += time.Since(start)
				regs += registerBurst
				hwm := peakRSS()
				if float64(hwm) > peak {
					peak = float64(hwm)
					before = float64(rss)
				}
				growth = max(growth, float64(hwm-rss))
			}
			// Reference: argon2id alone at the same cost, one hash per core at a time.
			workers := runtime.GOMAXPROCS(0)
			start := time.Now()
			var wg sync.WaitGroup
			const hashes = 40
			next := make(chan struct{}, hashes)
			for range hashes {
				next <- struct{}{}
			}
			close(next)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range next {
						if _, err := password.Hash("secret123", password.Default); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			hashRate := hashes / time.Since(start).Seconds()
			regRate := float64(regs) / regTime.Seconds()
			b.ReportMetric(peak/(1<<20), "peak_rss_MB")
			b.ReportMetric(before/(1<<20), "rss_before_MB")
			b.ReportMetric(growth/(1<<20), "peak_rss_growth_MB")
			b.ReportMetric(regRate, "reg/s")
			b.ReportMetric(hashRate, "argon2id_hashes/s")
			b.ReportMetric(100*regRate/hashRate, "ratio_pct")
		})
	}
}
