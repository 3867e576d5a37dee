// Command zhiyuan runs the volunteer service platform: zhiyuan serve | migrate | demo |
// admin. It only wires the parts together; everything it does lives in internal packages.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/config"
	"zhiyuan/internal/demo"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/region"
	"zhiyuan/internal/server"
	"zhiyuan/internal/sqlstore"
)

const usage = `zhiyuan — 志愿服务信息平台

usage:
  zhiyuan serve   [--data DIR | --db URL] [--addr 127.0.0.1:8080]   run pages, API and jobs
                  [--holidays FILE] [--hour-round 30m] [--login-lock 15m] …  tunable rules: see serve -h
  zhiyuan migrate [--data DIR | --db URL]                            apply database migrations
  zhiyuan demo    [--data DIR | --db URL] [--volunteers N] [--if-empty]
                                                                     fill an empty database with demo data
  zhiyuan admin create --role regional|platform|org_admin|partner|judge
                  [--region CODE] [--org ID] --phone PHONE --password PW [--name NAME]
                                                                     create or promote an administrator
  zhiyuan ledger verify [--data DIR | --db URL]                      check every hour chain and the totals
  zhiyuan figures verify|rebuild [--data DIR | --db URL]             check (or recount) the dashboards' summary tables
Every command reads ZHIYUAN_* environment variables; flags win. Run a command with -h for its flags.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = serve(ctx, args)
	case "migrate":
		err = migrate(ctx, args)
	case "demo":
		err = runDemo(ctx, args)
	case "admin":
		err = admin(ctx, args)
	case "ledger":
		err = ledger(ctx, args)
	case "figures":
		err = figures(ctx, args)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "zhiyuan: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "zhiyuan: %v\n", err)
		os.Exit(1)
	}
}

// flags parses a command's flags into a validated Config.
func flags(name string, args []string, serve bool, extra func(fs *flag.FlagSet)) (*config.Config, error) {
	var c config.Config
	fs := flag.NewFlagSet("zhiyuan "+name, flag.ContinueOnError)
	c.Register(fs, os.Getenv)
	if serve {
		c.RegisterServe(fs, os.Getenv)
	}
	if serve || name == "demo" {
		// demo records hours too, so it runs under the same rules as serve.
		c.RegisterRules(fs, os.Getenv, defaultRules())
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := c.EnsureDataDir(); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	return &c, nil
}

// openApp opens the database (migrating it) and the keys, and builds the application.
// It returns the store too: the caller closes it, and the demo loads bulk data into it;
// nothing else reaches the store but through the App.
func openApp(ctx context.Context, c *config.Config, log *slog.Logger) (*app.App, *sqlstore.Store, error) {
	store, err := sqlstore.Open(ctx, c.DSN(), storeOptions(c.Pool))
	if err != nil {
		return nil, nil, err
	}
	if err := store.WarmReaders(ctx); err != nil {
		store.Close()
		return nil, nil, err
	}
	keys, err := loadKeys(c)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	cfg := app.DefaultConfig()
	cfg.BaseURL = c.BaseURL
	if r := c.Rules; r != nil {
		cfg.RegisterPerIP = r.RegisterPerIP
		cfg.LoginMaxFailures = r.LoginMaxFailures
		cfg.LoginLock = r.LoginLock
		cfg.Hours = r.Hours
		cfg.WorkCalendar = r.WorkCalendar
		cfg.Recommend = r.Recommend
		cfg.LikesPerDay = r.LikesPerDay
		cfg.LikesPerIP = r.LikesPerIP
	}
	a := app.New(store, keys, region.Default(), log, cfg)
	// Contact details a database from before migration 0011 holds in clear are sealed now,
	// before anything reads them; a second server starting at once does no harm.
	if _, err := a.SealPersonalData(ctx); err != nil {
		store.Close()
		return nil, nil, err
	}
	// Card payloads are signed with the data folder's key, so cards keep verifying across
	// restarts; the font for proofs is looked up once here (serve warns when it is missing).
	if a.Signer, err = proof.LoadOrCreateSigner(c.DataDir); err != nil {
		store.Close()
		return nil, nil, fmt.Errorf("card signing keys in %s: %w", c.DataDir, err)
	}
	font, _ := proof.FindFont(c.FontPath)
	a.SetProofFont(font)
	return a, store, nil
}

// storeOptions are the operator's pool settings as the store takes them.
func storeOptions(p config.Pool) sqlstore.Options {
	o := sqlstore.Options{MaxOpenConns: p.MaxConns, MaxIdleConns: p.MaxIdle,
		ConnMaxLifetime: p.ConnMaxLifetime, ConnMaxIdleTime: p.ConnMaxIdleTime}
	// The store reads zero as "its default"; the operator's zero means none or never.
	if o.MaxIdleConns == 0 {
		o.MaxIdleConns = -1
	}
	if o.ConnMaxIdleTime == 0 {
		o.ConnMaxIdleTime = -1
	}
	return o
}

// defaultRules are the application's defaults as the tunable rules' flag defaults, so
// `zhiyuan serve -h` shows what runs when nothing is set.
func defaultRules() config.Rules {
	d := app.DefaultConfig()
	return config.Rules{
		RegisterPerIP:    d.RegisterPerIP,
		LoginMaxFailures: d.LoginMaxFailures,
		LoginLock:        d.LoginLock,
		Hours:            d.Hours,
		Recommend:        d.Recommend,
		LikesPerDay:      d.LikesPerDay,
		LikesPerIP:       d.LikesPerIP,
	}
}

func loadKeys(c *config.Config) (*pii.Keys, error) {
	if c.PIIKeys != "" {
		k, err := pii.KeysFromString(c.PIIKeys)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pii.EnvVar, err)
		}
		return k, nil
	}
	k, err := pii.LoadOrCreateKeys(c.DataDir)
	if err != nil {
		return nil, fmt.Errorf("personal-data keys in %s: %w", c.DataDir, err)
	}
	return k, nil
}

func serve(ctx context.Context, args []string) error {
	c, err := flags("serve", args, true, nil)
	if err != nil {
		return err
	}
	log := c.Logger()
	a, store, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer store.Close()
	// After opening, so the database's -wal and -shm files are there to be checked too.
	warnOpenDataDir(log, c.DataDir)
	srv, err := server.New(a, log, server.Options{TrustProxy: c.TrustProxy, MetricsToken: c.MetricsToken})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if a.Font == nil {
		_, err := proof.FindFont(c.FontPath)
		// Start anyway: everything but PDF proofs works, and proofs say the same thing.
		fmt.Fprintf(os.Stderr, "zhiyuan: 警告 warning: %v; PDF proofs are unavailable until then\n", err)
		log.Warn("no CJK font for PDF proofs", slog.String("error", err.Error()))
	}
	if c.MetricsAddr != "" {
		mln, err := net.Listen("tcp", c.MetricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		ms := &http.Server{Handler: srv.MetricsHandler, ReadHeaderTimeout: 10 * time.Second}
		go ms.Serve(mln)
		defer ms.Close()
		log.Info("serving metrics", slog.String("addr", mln.Addr().String()))
	}
	if c.SenderURL != "" {
		a.Sender = app.WebhookSender{URL: c.SenderURL}
	}
	// Background jobs: deliveries, fan-outs and the periodic sweeps (app/jobs.go). They
	// stop after the HTTP server, so requests in flight can still queue theirs.
	// Not ctx: its end would cancel running jobs at once; Stop below lets them finish.
	runner, err := a.RunBackground(context.WithoutCancel(ctx), jobs.Options{Log: log, JobTimeout: c.JobTimeout})
	if err != nil {
		return err
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := runner.Stop(stop); err != nil {
			log.Warn("background jobs stopped early", slog.String("error", err.Error()))
		}
	}()
	fmt.Printf("zhiyuan 已启动: http://%s/  (数据库: %s)\n", ln.Addr(), a.Engine())
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("database", a.Engine()))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight, then stop.
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func migrate(ctx context.Context, args []string) error {
	c, err := flags("migrate", args, false, nil)
	if err != nil {
		return err
	}
	s, err := sqlstore.Open(ctx, c.DSN(), storeOptions(c.Pool))
	if err != nil {
		return err
	}
	defer s.Close()
	// The data step that goes with migration 0011: what SQL cannot do, sealing contact
	// details still in clear (serve does the same at start).
	keys, err := loadKeys(c)
	if err != nil {
		return err
	}
	n, err := s.SealClearContact(ctx, keys.Seal)
	if err != nil {
		return err
	}
	fmt.Printf("migrations applied (%s); contact details sealed for %d volunteers\n", s.Engine(), n)
	return nil
}

func runDemo(ctx context.Context, args []string) error {
	var opt demo.Options
	var ifEmpty bool
	var demoFlags *flag.FlagSet
	c, err := flags("demo", args, false, func(fs *flag.FlagSet) {
		fs.IntVar(&opt.Volunteers, "volunteers", 5000, "volunteers to create")
		fs.BoolVar(&ifEmpty, "if-empty", false, "do nothing (but print the accounts) when the database already has data")
		demoFlags = fs
	})
	if err != nil {
		return err
	}
	// Filling logs an INFO line per audited step; unless asked otherwise, keep only
	// warnings so the demo accounts printed at the end are not buried.
	levelSet := os.Getenv("ZHIYUAN_LOG_LEVEL") != ""
	demoFlags.Visit(func(f *flag.Flag) { levelSet = levelSet || f.Name == "log-level" })
	if !levelSet {
		c.LogLevel = "warn"
	}
	a, store, err := openApp(ctx, c, c.Logger())
	if err != nil {
		return err
	}
	defer store.Close()
	empty, err := demo.Empty(ctx, store)
	if err != nil {
		return err
	}
	if !empty {
		if ifEmpty {
			// The accounts were printed into the data folder when the data was made.
			if b, err := os.ReadFile(filepath.Join(c.DataDir, "demo-accounts.txt")); err == nil {
				os.Stdout.Write(b)
			}
			return nil
		}
		return errors.New("the database already has data; demo fills only an empty one")
	}
	start := time.Now()
	accounts, err := demo.Fill(ctx, a, store, opt)
	if err != nil {
		return err
	}
	fmt.Printf("演示数据已生成（%s，用时 %s）\n", a.Engine(), time.Since(start).Round(time.Millisecond))
	var buf bytes.Buffer
	demo.Print(&buf, accounts)
	os.Stdout.Write(buf.Bytes())
	return os.WriteFile(filepath.Join(c.DataDir, "demo-accounts.txt"), buf.Bytes(), 0o600)
}

func admin(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: zhiyuan admin create --role … --phone … --password …")
	}
	var in app.AdminInput
	var role string
	c, err := flags("admin create", args[1:], false, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "regional, platform, org_admin, partner or judge")
		fs.StringVar(&in.Role.RegionCode, "region", "", "region code for a regional admin, e.g. 440100")
		fs.Int64Var(&in.Role.OrgID, "org", 0, "organisation id for an org admin")
		fs.StringVar(&in.Phone, "phone", "", "mobile number (the login)")
		fs.StringVar(&in.Password, "password", "", "password for a new account")
		fs.StringVar(&in.Name, "name", "", "display name")
	})
	if err != nil {
		return err
	}
	in.Role.Kind = zhiyuan.RoleKind(role)
	a, store, err := openApp(ctx, c, c.Logger())
	if err != nil {
		return err
	}
	defer store.Close()
	acc, err := a.CreateAdmin(ctx, nil, in)
	if err != nil {
		if f := zhiyuan.ErrorFields(err); len(f) > 0 {
			return fmt.Errorf("%s %v", zhiyuan.ErrorMessage(err), f)
		}
		return err
	}
	fmt.Printf("account %d (%s) now holds role %s %s\n", acc.ID, acc.Name, in.Role.Kind, in.Role.RegionCode)
	return nil
}
