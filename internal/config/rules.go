package config

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
)

// Rules are the platform rules an operator may tune: sign-up and login throttling, how
// attendance becomes hours, and the work calendar behind the recording deadline. Only the
// commands that run the platform's rules (serve, demo) take them; on the others
// Config.Rules is nil and the application keeps its defaults.
type Rules struct {
	RegisterPerIP    int           // volunteer sign-ups per address per window; 0 turns the limit off
	LoginMaxFailures int           // failed logins for one login from one address before it locks
	LoginLock        time.Duration // how long such a lock lasts
	Hours            zhiyuan.HourRules
	HolidaysFile     string               // the holidays file; "" means weekends only
	WorkCalendar     zhiyuan.WorkCalendar // read from HolidaysFile by Validate
	Recommend        zhiyuan.RecommendWeights
	LikesPerDay      int // likes one account may give in a Beijing day (selections of exemplary people)
	LikesPerIP       int // likes one address may send in an hour; 0 turns the limit off

	// The values are taken as text and read by Validate, so that a bad value from the
	// environment is reported exactly like a bad flag, naming both.
	specs []*ruleSpec
}

type ruleSpec struct {
	flag, env string
	raw       string
	parse     func(string) error
}

// RegisterRules adds the tunable rules' flags to fs, each defaulting to its ZHIYUAN_*
// variable and then to def (the application's defaults, so there is one source of them).
func (c *Config) RegisterRules(fs *flag.FlagSet, getenv func(string) string, def Rules) {
	r := &Rules{}
	c.Rules = r
	add := func(name, env, defValue, usage string, parse func(string) error) {
		s := &ruleSpec{flag: name, env: "ZHIYUAN_" + env, parse: parse}
		r.specs = append(r.specs, s)
		if v := getenv(s.env); v != "" {
			defValue = v
		}
		s.raw = defValue
		fs.Func(name, usage+" ("+s.env+")", func(v string) error { s.raw = v; return nil })
		fs.Lookup(name).DefValue = defValue
	}
	add("register-per-ip", "REGISTER_PER_IP", strconv.Itoa(def.RegisterPerIP),
		"`n` volunteer sign-ups allowed from one address per window; 0 turns the limit off",
		func(s string) (err error) { r.RegisterPerIP, err = count(s, 0, 100000); return })
	add("login-max-failures", "LOGIN_MAX_FAILURES", strconv.Itoa(def.LoginMaxFailures),
		"`n` failed logins for one account from one address lock that pair",
		func(s string) (err error) { r.LoginMaxFailures, err = count(s, 1, 1000); return })
	add("login-lock", "LOGIN_LOCK", shortDuration(def.LoginLock),
		"a locked login stays locked for this `duration`, 1m to 24h",
		func(s string) (err error) { r.LoginLock, err = duration(s, time.Minute, 24*time.Hour); return })
	add("hour-round", "HOUR_ROUND", shortDuration(def.Hours.RoundTo),
		"service time is rounded down to this `duration`, whole minutes from 1m to 2h",
		func(s string) (err error) { r.Hours.RoundTo, err = duration(s, time.Minute, 2*time.Hour); return })
	add("hour-min-counted", "HOUR_MIN_COUNTED", shortDuration(def.Hours.MinCounted),
		"least `duration` present that counts at all, 0 to 4h",
		func(s string) (err error) { r.Hours.MinCounted, err = duration(s, 0, 4*time.Hour); return })
	add("hour-min-share", "HOUR_MIN_SHARE", strconv.FormatFloat(def.Hours.MinShare, 'f', -1, 64),
		"`share` of a session a volunteer must be present for before any time counts, 0 to 1 or 0% to 100%",
		func(s string) (err error) { r.Hours.MinShare, err = share(s); return })
	add("recommend-weights", "RECOMMEND_WEIGHTS", def.Recommend.String(),
		"`weights` of the recommendation score, name=value for skill, distance, time, category, org, seats and reliable (0 to 100; names left out keep their default)",
		func(s string) (err error) {
			if r.Recommend, err = zhiyuan.ParseRecommendWeights(s); err != nil {
				err = errors.New("names skill, distance, time, category, org, seats, reliable with values 0 to 100, e.g. skill=3,distance=3")
			}
			return
		})
	add("likes-per-day", "LIKES_PER_DAY", strconv.Itoa(def.LikesPerDay),
		"`n` likes one account may give exemplary candidates in a Beijing calendar day, over all candidates",
		func(s string) (err error) { r.LikesPerDay, err = count(s, 1, zhiyuan.LikesPerDayMax); return })
	add("likes-per-ip", "LIKES_PER_IP", strconv.Itoa(def.LikesPerIP),
		"`n` likes allowed from one address per hour; 0 turns the limit off",
		func(s string) (err error) { r.LikesPerIP, err = count(s, 0, 1000000); return })
	fs.StringVar(&r.HolidaysFile, "holidays", getenv("ZHIYUAN_HOLIDAYS"),
		"`FILE` of public holidays and make-up working days for the 10-working-day recording deadline, format in docs/holidays-2026.txt; empty: weekends only (ZHIYUAN_HOLIDAYS)")
}

// validate reads every value, naming the flag and its variable in each error.
func (r *Rules) validate() error {
	var errs []error
	for _, s := range r.specs {
		if err := s.parse(strings.TrimSpace(s.raw)); err != nil {
			errs = append(errs, fmt.Errorf("--%s %q (or %s): %v", s.flag, s.raw, s.env, err))
		}
	}
	r.WorkCalendar = zhiyuan.WorkCalendar{}
	if r.HolidaysFile != "" {
		cal, err := ReadHolidaysFile(r.HolidaysFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("--holidays (or ZHIYUAN_HOLIDAYS): %w", err))
		}
		r.WorkCalendar = cal
	}
	return errors.Join(errs...)
}

func count(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errors.New("must be a whole number")
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("must be between %d and %d", lo, hi)
	}
	return n, nil
}

func duration(s string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("must be a duration such as 30m or 1h30m")
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("must be between %s and %s", shortDuration(lo), shortDuration(hi))
	}
	// Hours are kept in whole minutes; a unit of 90 s would round to nonsense.
	if d%time.Minute != 0 {
		return 0, errors.New("must be whole minutes")
	}
	return d, nil
}

func share(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || math.IsNaN(f) {
		return 0, errors.New("must be a number such as 0.6 or 60%")
	}
	if pct {
		f /= 100
	}
	if f < 0 || f > 1 {
		return 0, errors.New("must be between 0 and 1 (0% and 100%)")
	}
	return f, nil
}

// shortDuration writes 15m rather than 15m0s, for help texts and messages.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ReadHolidaysFile reads a holidays file (see ParseHolidays), naming the file in errors.
func ReadHolidaysFile(path string) (zhiyuan.WorkCalendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return zhiyuan.WorkCalendar{}, err
	}
	defer f.Close()
	cal, err := ParseHolidays(f)
	if err != nil {
		return zhiyuan.WorkCalendar{}, fmt.Errorf("%s: %w", path, err)
	}
	return cal, nil
}

// maxRange keeps a typo in a range (2026-10-01..2027-10-07) from making a year of holidays.
const maxRange = 31

// ParseHolidays reads the work calendar from a text file, one entry a line:
//
//	2026-10-01              a public holiday (a weekday off)
//	2026-10-01..2026-10-07  every day of a holiday, both ends included
//	+2026-10-10             a make-up working day (调休上班, a weekend day worked)
//
// Blank lines and everything after # are ignored. Every bad line is reported with its
// number: a date that does not exist, a range backwards or longer than 31 days, a make-up
// day that is not a Saturday or Sunday (it would change nothing, so it is a typo), and a
// date that is both a holiday and a working day.
func ParseHolidays(r io.Reader) (zhiyuan.WorkCalendar, error) {
	cal := zhiyuan.WorkCalendar{Holidays: map[string]bool{}, Workdays: map[string]bool{}}
	line := map[string]int{} // where each date was first given, for the conflict message
	var errs []error
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("line %d: %s", n, fmt.Sprintf(format, args...)))
		}
		workday := strings.HasPrefix(text, "+")
		text = strings.TrimSpace(strings.TrimPrefix(text, "+"))
		from, to, isRange := strings.Cut(text, "..")
		first, err := time.Parse(time.DateOnly, strings.TrimSpace(from))
		if err != nil {
			bad("%q is not a date like 2026-10-01 (holiday) or +2026-10-10 (make-up working day)", strings.TrimSpace(from))
			continue
		}
		last := first
		if isRange {
			if last, err = time.Parse(time.DateOnly, strings.TrimSpace(to)); err != nil {
				bad("%q is not a date like 2026-10-07", strings.TrimSpace(to))
				continue
			}
			if last.Before(first) || last.Sub(first) >= maxRange*24*time.Hour {
				bad("range %s must run forwards and cover at most %d days", text, maxRange)
				continue
			}
		}
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			key := d.Format(time.DateOnly)
			if workday && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				bad("+%s is a %s, already a working day; make-up working days are weekend days", key, d.Weekday())
				continue
			}
			into, other := cal.Holidays, cal.Workdays
			if workday {
				into, other = cal.Workdays, cal.Holidays
			}
			if other[key] {
				bad("%s is both a holiday and a make-up working day (see line %d)", key, line[key])
				continue
			}
			if _, seen := line[key]; !seen {
				line[key] = n
			}
			into[key] = true
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return zhiyuan.WorkCalendar{}, err
	}
	return cal, nil
}
