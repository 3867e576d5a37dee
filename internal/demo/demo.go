// Package demo fills an empty database with a believable Guangdong: administrators for the
// province, its 21 cities and 顺德区, and (in the features that add them) organisations,
// volunteers and activities, so a newcomer has something to click through and benchmarks
// have something to chew on.
package demo

import (
	"context"
	"fmt"
	"io"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/sqlstore"
)

// Password is every demo account's password. Demo data is for local trials only.
const Password = "demo1234"

// Options say how much to create.
type Options struct {
	Volunteers int // volunteers to register (default 5000)
	Seed       int64
}

// Account is a demo login to print.
type Account struct {
	Role, Login, Name string
}

// Filler adds one feature's demo data, after the administrators exist.
// It gets the store as well as the App: a million demo volunteers are bulk-loaded
// straight into the store, which no use case would do.
type Filler func(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, accounts *[]Account) error

// fillers is every feature's demo data, in the order it is made: a filler comes after the
// ones whose records it links. A feature adds its filler here, after what it needs.
func fillers() []Filler {
	return []Filler{
		fillVolunteers,    // volunteers.go: first, memberships and sign-ups are made of them
		fillOrganizations, // organizations.go
		fillActivities,    // activities.go: organisations' activities, volunteers' sign-ups
		fillRatedNeed,     // needs.go: a need served last week and rated; before fillHours sets 张小红's total
		fillHours,         // hours.go: a service history in activities of organisations, by volunteers
		fillHistory,       // history.go: 20 months of past service across the cities, for the figures
		fillMemberships,   // organizations.go: volunteers in organisations
		fillImport,        // imports.go: a finished import of a member list, with its error sheet
		fillLeagueRosters, // league.go: roster counts beside the members who are League members
		fillHonours,       // honours.go: awards, training, evaluations for 我的荣誉, before the cards' proof prints them
		fillCards,         // cards.go: star levels and proofs need the hour history
		fillPartners,      // partners.go: a partner, its benefits and staff; a use of 张小红's card
		fillCredit,        // credit.go: a no-show on 张小红's record, appealed; an insurance policy
		fillNeeds,         // needs.go: open needs in 广州, one taken by 广州市义工联合会, one awaiting review
		fillPairings,      // pairings.go: 广州市义工联合会's weekly visits from a need, one held, one missed
		fillCampaigns,     // campaigns.go: the 2027 学雷锋志愿服务月 with entered activities and its rankings
		fillSelections,    // selections.go: 身边雷锋 candidates with likes, a consent and a review waiting
		fillCompetition,   // competitions.go: a round of 益苗计划 with applications, a first review and scores
		fillWaiting,       // home.go: last, something waiting on every demo account's home page
	}
}

// Empty reports whether the database has no accounts yet.
func Empty(ctx context.Context, s *sqlstore.Store) (bool, error) {
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n); err != nil {
		return false, err
	}
	return n == 0, nil
}

// Fill creates the demo data through a, and bulk records straight in s (the store a runs
// on), and returns the accounts worth printing.
func Fill(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options) ([]Account, error) {
	if opt.Volunteers <= 0 {
		opt.Volunteers = 5000
	}
	// Demo accounts are hashed cheaply: a million volunteers at the real cost would take hours.
	saved := a.Config.Password
	a.Config.Password = password.Fast
	defer func() { a.Config.Password = saved }()

	var accounts []Account
	admin := func(phone, name string, role zhiyuan.Role) error {
		_, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: phone, Name: name, Password: Password, Role: role})
		if err != nil {
			return fmt.Errorf("demo admin %s: %w", name, err)
		}
		return nil
	}
	if err := admin("13900000000", "平台管理员", zhiyuan.Role{Kind: zhiyuan.RolePlatform}); err != nil {
		return nil, err
	}
	accounts = append(accounts, Account{"平台管理员", "13900000000", "平台管理员"})
	if err := admin("13900000001", "广东省管理员", zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"}); err != nil {
		return nil, err
	}
	accounts = append(accounts, Account{"省级管理员", "13900000001", "广东省管理员"})
	for i, unit := range a.Regions.StatsUnits("440000") {
		phone := fmt.Sprintf("139000001%02d", i)
		name := unit.Name + "管理员"
		if err := admin(phone, name, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: unit.Code}); err != nil {
			return nil, err
		}
		if unit.Code == "440100" || unit.Code == "440300" || unit.Code == "440606" {
			accounts = append(accounts, Account{"市级管理员", phone, name})
		}
	}
	for _, fill := range fillers() {
		if err := fill(ctx, a, s, opt, &accounts); err != nil {
			return nil, err
		}
	}
	return accounts, nil
}

// Print writes the demo accounts as a table.
func Print(w io.Writer, accounts []Account) {
	fmt.Fprintf(w, "演示账号（密码均为 %s）:\n", Password)
	for _, acc := range accounts {
		fmt.Fprintf(w, "  %-8s  %-14s  %s\n", acc.Role, acc.Login, acc.Name)
	}
	fmt.Fprintln(w, "  其余市级管理员: 13900000100 起，按 广州、韶关、深圳… 的顺序编号")
}
