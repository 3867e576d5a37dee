package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zhiyuan/internal/config"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the real zhiyuan binary once for the package's tests.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zhiyuan-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "zhiyuan")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// run runs the binary to completion with a clean ZHIYUAN_* environment plus env.
func run(t *testing.T, env []string, args ...string) (stdout, stderr string, exit int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(cleanEnv(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		exit = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), exit
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZHIYUAN_") {
			env = append(env, kv)
		}
	}
	return env
}

// dbArgs returns the flags that point a command at a fresh database on engine.
func dbArgs(t *testing.T, engine string) []string {
	data := t.TempDir()
	if engine == "postgres" {
		return []string{"--data", data, "--db", storetest.DSN(t, engine)}
	}
	return []string{"--data", data}
}

// dbStore makes the command's database arguments for engine (dbArgs) and opens the same
// database as a store, for a test to fill before it runs the binary; the caller closes it.
func dbStore(t *testing.T, engine string) ([]string, *sqlstore.Store) {
	t.Helper()
	args := dbArgs(t, engine)
	dsn := config.SQLitePath(args[1])
	if engine == "postgres" {
		dsn = args[3]
	}
	s, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return args, s
}

// TestConfigErrors: bad configuration stops the binary at once with exit 1 and a message
// naming what is wrong, whether it came from a flag or from the environment.
func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"mysql url", nil, []string{"serve", "--db", "mysql://x"}, "--db must be a postgres:// URL"},
		{"mysql url from env", []string{"ZHIYUAN_DB=mysql://x"}, []string{"migrate"}, "--db must be a postgres:// URL"},
		{"bad address", nil, []string{"serve", "--addr", "8080"}, `--addr "8080" is not host:port`},
		{"bad log level", []string{"ZHIYUAN_LOG_LEVEL=loud"}, []string{"serve"}, "--log-level must be"},
		{"bad log format", nil, []string{"demo", "--log-format", "xml"}, "--log-format must be text or json"},
		{"stray argument", nil, []string{"migrate", "extra"}, `unexpected argument "extra"`},
		{"unknown flag", nil, []string{"serve", "--bogus"}, "flag provided but not defined: -bogus"},
		{"pool of no connections", []string{"ZHIYUAN_DB_MAX_CONNS=0"}, []string{"migrate"}, `--db-max-conns "0" (or ZHIYUAN_DB_MAX_CONNS)`},
		{"public metrics without a token", []string{"ZHIYUAN_METRICS_ADDR=0.0.0.0:9090"}, []string{"serve"}, "--metrics-addr"},
		{"sender not a URL", []string{"ZHIYUAN_SENDER_URL=sms-gateway:8080"}, []string{"serve"}, "--sender-url must be an http:// or https:// URL"},
		{"job timeout out of range", nil, []string{"serve", "--job-timeout", "0s"}, "--job-timeout (or ZHIYUAN_JOB_TIMEOUT) must be between 1s and 1h"},
		{"unreachable postgres", nil, []string{"migrate", "--db", "postgres://nobody@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"}, "connect to database"},
		{"bad admin region", nil, []string{"admin", "create", "--role", "regional", "--region", "449999", "--phone", "13800000001", "--password", "good1234"}, "行政区划代码不存在"},
		{"admin without create", nil, []string{"admin"}, "usage: zhiyuan admin create"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append(tc.args, "--data", t.TempDir())
			if tc.name == "stray argument" || tc.name == "admin without create" {
				args = tc.args
			}
			_, stderr, exit := run(t, tc.env, args...)
			if exit != 1 {
				t.Errorf("exit %d, want 1; stderr: %s", exit, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("a configuration error crashed:\n%s", stderr)
			}
		})
	}
	_, stderr, exit := run(t, nil, "frobnicate")
	if exit != 2 || !strings.Contains(stderr, "usage:") {
		t.Errorf("unknown command: exit %d, stderr %s", exit, stderr)
	}
}

// TestServeShutsDownGracefully starts the real binary, keeps a login request in flight
// (its body half sent), sends SIGTERM, and checks that the server stops taking new
// connections, still answers the request in flight, and exits 0 promptly.
func TestServeShutsDownGracefully(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db := dbArgs(t, engine)
			out, stderr, exit := run(t, nil, append([]string{"admin", "create", "--role", "regional", "--region", "440100",
				"--phone", "13800000001", "--password", "good1234", "--name", "广州市管理员"}, db...)...)
			if exit != 0 || !strings.Contains(out, "now holds role regional 440100") {
				t.Fatalf("admin create: exit %d\n%s%s", exit, out, stderr)
			}

			free, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			metricsAddr := free.Addr().String()
			free.Close()
			srv := startServe(t, cleanEnv(), append([]string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", metricsAddr}, db...)...)
			cmd, logs, done, addr := srv.cmd, srv.logs, srv.done, srv.addr

			res, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			var health struct{ Status, Database string }
			json.NewDecoder(res.Body).Decode(&health)
			res.Body.Close()
			if health.Status != "ok" || health.Database != engine {
				t.Fatalf("healthz: %+v", health)
			}
			// /metrics: refused on the main address (no token set), served on its own.
			for _, tc := range []struct {
				addr string
				want int
			}{{addr, http.StatusForbidden}, {metricsAddr, http.StatusOK}} {
				res, err := http.Get("http://" + tc.addr + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != tc.want {
					t.Errorf("/metrics on %s: %d, want %d", tc.addr, res.StatusCode, tc.want)
				}
			}

			// A login whose body is only half sent: the server is inside the request.
			body := `{"login": "13800000001", "password": "good1234"}`
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			half := len(body) / 2
			io.WriteString(conn, "POST /api/v1/auth/token HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\n"+
				"Content-Length: "+itoa(len(body))+"\r\n\r\n"+body[:half])
			// Signal only once the server is inside it: before, the connection is not yet
			// a request and shutting down would rightly drop it.
			waitInFlight(t, metricsAddr, 1)

			start := time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			// New connections are refused once shutdown began.
			deadline := time.Now().Add(3 * time.Second)
			for {
				c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
				if err != nil {
					break
				}
				c.Close()
				if time.Now().After(deadline) {
					t.Fatal("still accepting connections 3s after SIGTERM")
				}
				time.Sleep(20 * time.Millisecond)
			}
			select {
			case err := <-done:
				t.Fatalf("exited (%v) with a request in flight", err)
			default:
			}

			// Finish the request: it is answered in full.
			io.WriteString(conn, body[half:])
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("the request in flight got no answer: %v", err)
			}
			var tok struct {
				Token string `json:"token"`
			}
			json.NewDecoder(resp.Body).Decode(&tok)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || tok.Token == "" {
				t.Errorf("the request in flight: %d", resp.StatusCode)
			}

			select {
			case err := <-done:
				if err != nil {
					t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("took %v to stop", d)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10s after SIGTERM\n%s", logs.String())
			}
			if !strings.Contains(logs.String(), "shutting down") {
				t.Errorf("no shutdown in the log:\n%s", logs.String())
			}
		})
	}
}

// waitInFlight polls the metrics listener until the server reports n requests being
// served, for at most 10 s.
func waitInFlight(t *testing.T, metricsAddr string, n int) {
	t.Helper()
	want := "zhiyuan_http_requests_in_flight " + itoa(n) + "\n"
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get("http://" + metricsAddr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not report %d request(s) in flight within 10s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// startedAt reads the binary's stdout until it announces its address.
// served is a zhiyuan process a test started; it is killed when the test ends if it
// still runs.
type served struct {
	cmd  *exec.Cmd
	logs *bytes.Buffer // its standard error
	done chan error    // receives Wait's answer when it exits
	addr string        // where it serves, from its first line
}

// startServe starts the binary with args and env and waits until it serves.
func startServe(t *testing.T, env []string, args ...string) *served {
	t.Helper()
	srv := &served{cmd: exec.Command(binary(t), args...), logs: &bytes.Buffer{}, done: make(chan error, 1)}
	srv.cmd.Env = env
	srv.cmd.Stderr = srv.logs
	stdout, err := srv.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { srv.done <- srv.cmd.Wait() }()
	t.Cleanup(func() {
		if srv.cmd.ProcessState == nil {
			srv.cmd.Process.Kill()
			<-srv.done
		}
	})
	srv.addr = startedAt(t, stdout)
	return srv
}

func startedAt(t *testing.T, stdout io.Reader) string {
	t.Helper()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	const prefix = "zhiyuan 已启动: http://"
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("the binary ended without announcing its address")
			}
			if i := strings.Index(line, prefix); i >= 0 {
				rest := line[i+len(prefix):]
				go func() {
					for range lines {
					}
				}()
				return rest[:strings.Index(rest, "/")]
			}
		case <-timeout:
			t.Fatal("the binary did not start within 30s")
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
