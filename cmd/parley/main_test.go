package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlite"
)

// These tests start the whole program through run, as main does, with the environment
// passed in.

// syncBuffer is an io.Writer that the program's goroutines and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a getenv over the given NAME, value pairs.
func env(pairs ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(name string) string { return m[name] }
}

// runCmd runs the program to completion and returns its error and output.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut syncBuffer
	err = run(t.Context(), args, getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// server is "parley serve" running in the background.
type server struct {
	URL    string // http://ADDR, as the program announced it
	stdout *syncBuffer
	stderr *syncBuffer
	stop   context.CancelFunc
	done   chan error
}

// servedLine is what serve prints once it accepts connections.
var servedLine = regexp.MustCompile(`^Parley is serving .* at (http://\S+)$`)

// startServer runs the program with args, waits until it announces its address on
// stdout, and returns it. The server is stopped when the test ends if the test has not
// called shutdown.
func startServer(t *testing.T, getenv func(string) string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	pr, pw := io.Pipe()
	go func() {
		err := run(ctx, args, getenv, strings.NewReader(""), pw, s.stderr)
		pw.Close()
		s.done <- err
	}()
	announced := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.stdout.Write([]byte(sc.Text() + "\n"))
			if m := servedLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case announced <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, pr) // keep reading, so that the program never blocks on stdout
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(shutdownGrace + 10*time.Second):
			t.Error("run did not return after its context was cancelled")
		}
	})
	select {
	case s.URL = <-announced:
		return s
	case err := <-s.done:
		s.done <- err // for the cleanup
		t.Fatalf("parley %s ended before serving: %v\nstderr:\n%s", strings.Join(args, " "), err, s.stderr)
	case <-time.After(time.Minute):
		t.Fatalf("parley %s did not announce an address within a minute\nstderr:\n%s", strings.Join(args, " "), s.stderr)
	}
	return nil
}

// shutdown cancels the program's context, as SIGTERM does, and returns what run returns.
func (s *server) shutdown(t *testing.T) error {
	t.Helper()
	s.stop()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(shutdownGrace + 10*time.Second):
		t.Fatal("run did not return after its context was cancelled")
		return nil
	}
}

func (s *server) get(t *testing.T, path, userAgent string) *http.Response {
	t.Helper()
	res, _ := s.fetch(t, path, userAgent)
	return res
}

// fetch is get that returns the body as well.
func (s *server) fetch(t *testing.T, path, userAgent string) (*http.Response, []byte) {
	t.Helper()
	return getWith(t, s.URL+path, "User-Agent", userAgent)
}

// getWith fetches url with one request header set (none when value is empty) and returns
// the answer with its whole body read.
func getWith(t *testing.T, url, header, value string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if value != "" {
		req.Header.Set(header, value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// viewCount reads a thread's stored view count straight from the database file.
func viewCount(t *testing.T, dir string, threadID int64) int64 {
	t.Helper()
	store := openData(t, dir)
	defer store.Close()
	th, err := store.Thread(t.Context(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	return th.ViewCount
}

// openData opens the SQLite database in the data folder dir, beside a server using it.
func openData(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(dir, "parley.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// demoAttachment reads an attachment's record from the SQLite database in dir.
func demoAttachment(t *testing.T, dir string, id int64) parley.Attachment {
	t.Helper()
	store := openData(t, dir)
	defer store.Close()
	a, err := store.Attachment(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestServeDemoAndShutdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startServer(t, env(), "serve", "--demo", "--addr", "127.0.0.1:0", "--data", dir)

	for _, path := range []string{"/", "/threads/1"} {
		if res := srv.get(t, path, ""); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s, want 200 text/html", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}

	// WAL mode lets a second connection read while the server runs.
	before := viewCount(t, dir, 5)
	for _, ua := range []string{"reader-a/1.0", "reader-b/1.0", "reader-a/1.0"} { // a's second view is a repeat
		if res := srv.get(t, "/threads/5", ua); res.StatusCode != http.StatusOK {
			t.Fatalf("GET /threads/5 as %s: %d", ua, res.StatusCode)
		}
	}

	// The demo's questions carry files, which serve finds where the demo put them.
	file := demoAttachment(t, dir, 1)
	res, body := srv.fetch(t, "/attachments/1/"+url.PathEscape(file.Name), "")
	if sum := sha256.Sum256(body); res.StatusCode != http.StatusOK || hex.EncodeToString(sum[:]) != file.SHA256 {
		t.Errorf("GET the demo's first attachment %q: %d, %d bytes, want 200 and its %d bytes", file.Name, res.StatusCode, len(body), file.Size)
	}

	// The demo's admin signs in with the password serve printed.
	m := regexp.MustCompile(`Sign in as (\S+) with the password (\S+) `).FindStringSubmatch(srv.stdout.String())
	if m == nil {
		t.Fatalf("serve --demo printed no admin account:\n%s", srv.stdout)
	}
	if status := signIn(t, srv.URL, m[1], m[2]); status != http.StatusSeeOther {
		t.Errorf("signing in as the demo admin answered %d", status)
	}

	if err := srv.shutdown(t); err != nil {
		t.Fatalf("run after shutdown: %v\nstderr:\n%s", err, srv.stderr)
	}
	if got := viewCount(t, dir, 5); got != before+2 {
		t.Errorf("thread 5 has %d views after two readers, want %d+2", got, before)
	}
	if n, ok := unwrittenAtStop(srv.stderr.String()); !ok || n != 0 {
		t.Errorf("the \"stopped\" log line reports %d views unwritten (found: %t), want 0; stderr:\n%s", n, ok, srv.stderr)
	}
}

// unwrittenAtStop reads views_unwritten from the JSON log line serve writes last.
func unwrittenAtStop(log string) (int64, bool) {
	for line := range strings.Lines(log) {
		var entry struct {
			Msg       string `json:"msg"`
			Unwritten *int64 `json:"views_unwritten"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "stopped" && entry.Unwritten != nil {
			return *entry.Unwritten, true
		}
	}
	return 0, false
}

func TestFlagsAndEnvironment(t *testing.T) {
	t.Parallel()

	t.Run("PARLEY_ADDR and PARLEY_DATA", func(t *testing.T) {
		dir := t.TempDir()
		srv := startServer(t, env("PARLEY_ADDR", "127.0.0.1:0", "PARLEY_DATA", dir), "serve")
		if _, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://")); port == "8080" || port == "" {
			t.Errorf("serving at %s, want the port the system chose for PARLEY_ADDR=127.0.0.1:0", srv.URL)
		}
		if res := srv.get(t, "/healthz", ""); res.StatusCode != http.StatusOK {
			t.Errorf("GET /healthz: %d", res.StatusCode)
		}
		if err := srv.shutdown(t); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil {
			t.Errorf("no database in PARLEY_DATA: %v", err)
		}
		if fi, err := os.Stat(filepath.Join(dir, "blobs")); err != nil || !fi.IsDir() {
			t.Errorf("no folder for attached files in PARLEY_DATA: %v", err)
		}
	})

	t.Run("a flag wins over its variable", func(t *testing.T) {
		srv := startServer(t, env("PARLEY_ADDR", "not an address"), "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
		if err := srv.shutdown(t); err != nil {
			t.Fatal(err)
		}
	})

	for _, tt := range []struct {
		name   string
		getenv func(string) string
		args   []string
		want   string // in the error
	}{
		{"bad --addr", env(), []string{"serve", "--addr", "localhost"}, "--addr"},
		{"bad PARLEY_ADDR", env("PARLEY_ADDR", "8080"), []string{"serve"}, `PARLEY_ADDR`},
		{"bad --base-url", env(), []string{"serve", "--addr", "127.0.0.1:0", "--base-url", "ftp://example.com"}, "--base-url"},
		{"relative --base-url", env(), []string{"serve", "--addr", "127.0.0.1:0", "--base-url", "/forum"}, "--base-url"},
		{"bad PARLEY_DEMO", env("PARLEY_DEMO", "maybe"), []string{"serve"}, "PARLEY_DEMO"},
		{"bad PARLEY_THREADS", env("PARLEY_THREADS", "lots"), []string{"demo"}, "PARLEY_THREADS"},
		{"bad PARLEY_MAX_ATTACHMENT_SIZE", env("PARLEY_MAX_ATTACHMENT_SIZE", "big"), []string{"serve"}, "PARLEY_MAX_ATTACHMENT_SIZE"},
		{"too large --max-attachment-size", env(), []string{"serve", "--addr", "127.0.0.1:0", "--max-attachment-size", "2048MB"}, "--max-attachment-size"},
		{"bad --max-attachment-size", env(), []string{"serve", "--addr", "127.0.0.1:0", "--max-attachment-size", "5 GiB"}, "-max-attachment-size"},
		{"no --max-attachments", env(), []string{"serve", "--addr", "127.0.0.1:0", "--max-attachments", "0"}, "--max-attachments"},
		{"too many PARLEY_MAX_ATTACHMENTS", env("PARLEY_MAX_ATTACHMENTS", "50"), []string{"serve", "--addr", "127.0.0.1:0"}, "PARLEY_MAX_ATTACHMENTS"},
		{"bad PARLEY_MAX_UPLOAD_BYTES_PER_DAY", env("PARLEY_MAX_UPLOAD_BYTES_PER_DAY", "lots"), []string{"serve"}, "PARLEY_MAX_UPLOAD_BYTES_PER_DAY"},
		{"--max-upload-bytes-per-day below one file", env(), []string{"serve", "--addr", "127.0.0.1:0", "--max-upload-bytes-per-day", "1MB"}, "--max-upload-bytes-per-day"},
		{"bad PARLEY_MAX_ACCOUNT_STORAGE", env("PARLEY_MAX_ACCOUNT_STORAGE", "lots"), []string{"serve"}, "PARLEY_MAX_ACCOUNT_STORAGE"},
		{"--max-account-storage below one file", env(), []string{"serve", "--addr", "127.0.0.1:0", "--max-account-storage", "1MB"}, "--max-account-storage"},
		{"no --live-streams-per-address", env(), []string{"serve", "--addr", "127.0.0.1:0", "--live-streams-per-address", "0"}, "--live-streams-per-address"},
		{"bad --blobs", env(), []string{"serve", "--addr", "127.0.0.1:0", "--blobs", "s3"}, "--blobs"},
		{"files in SQLite", env(), []string{"serve", "--addr", "127.0.0.1:0", "--blobs", "database"}, "--blobs"},
		{"files in the database too large", env("PARLEY_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
			[]string{"serve", "--addr", "127.0.0.1:0", "--max-attachment-size", "50MB"}, "--max-attachment-size"},
		{"bad --metrics-addr", env(), []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "9090"}, "--metrics-addr"},
		{"short PARLEY_METRICS_TOKEN", env("PARLEY_METRICS_TOKEN", "secret"), []string{"serve", "--addr", "127.0.0.1:0"}, "PARLEY_METRICS_TOKEN"},
		{"metrics both apart and by token", env(), []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
			"--metrics-token", "a-long-enough-metrics-token"}, "--metrics-token"},
		{"bad --smtp-url", env(), []string{"serve", "--addr", "127.0.0.1:0", "--smtp-url", "http://mail.example", "--smtp-from", "f@example.com"}, "--smtp-url"},
		{"--smtp-url hides its password", env(), []string{"serve", "--addr", "127.0.0.1:0", "--smtp-url", "smtp://u:hunter2@mail.example/x"}, "xxxxx"},
		{"--smtp-url without --smtp-from", env("PARLEY_SMTP_URL", "smtp://127.0.0.1:25"), []string{"serve", "--addr", "127.0.0.1:0"}, "--smtp-from"},
		{"bad PARLEY_SMTP_FROM", env("PARLEY_SMTP_FROM", "the forum"), []string{"serve", "--addr", "127.0.0.1:0", "--smtp-url", "smtp://127.0.0.1:25"}, "PARLEY_SMTP_FROM"},
		{"--smtp-from without --smtp-url", env(), []string{"serve", "--addr", "127.0.0.1:0", "--smtp-from", "f@example.com"}, "--smtp-url"},
		{"bad --log-level", env(), []string{"serve", "--addr", "127.0.0.1:0", "--log-level", "loud"}, "--log-level"},
		{"unknown flag", env(), []string{"serve", "--port", "80"}, "-port"},
		{"unknown command", env(), []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"no command", env(), nil, "no command"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			args := tt.args
			if len(args) > 0 && args[0] != "frobnicate" {
				args = slices.Concat(args, []string{"--data", dir})
			}
			_, _, err := runCmd(t, tt.getenv, args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run(%q) = %v, want an error naming %s", args, err, tt.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a bad configuration touched the data folder (%v); it should fail before", err)
			}
		})
	}

	t.Run("version", func(t *testing.T) {
		out, _, err := runCmd(t, env(), "version")
		if err != nil || !strings.HasPrefix(out, "parley ") {
			t.Fatalf("parley version printed %q, %v", out, err)
		}
	})
}

// metricsLine is what serve prints when it serves metrics on an address of their own.
var metricsLine = regexp.MustCompile(`(?m)^Metrics are served at (http://\S+/metrics)$`)

// getStatus fetches url with the given Authorization header ("" for none) and returns the
// status and body.
func getStatus(t *testing.T, url, authorization string) (int, string) {
	t.Helper()
	res, body := getWith(t, url, "Authorization", authorization)
	return res.StatusCode, string(body)
}

// TestMetricsServedApart: with --metrics-addr the figures and the profiler are served
// there, counting the site's requests, and not on the site's address, where health and
// readiness stay open.
func TestMetricsServedApart(t *testing.T) {
	t.Parallel()
	srv := startServer(t, env(), "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--metrics-addr", "127.0.0.1:0")
	m := metricsLine.FindStringSubmatch(srv.stdout.String())
	if m == nil {
		t.Fatalf("serve --metrics-addr printed no metrics address:\n%s", srv.stdout)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, _ := getStatus(t, srv.URL+path, ""); status != http.StatusOK {
			t.Errorf("GET %s on the site's address: %d, want 200", path, status)
		}
	}
	if status, body := getStatus(t, srv.URL+"/metrics", ""); status != http.StatusNotFound || strings.Contains(body, "parley_http") {
		t.Errorf("GET /metrics on the site's address: %d, want 404 and no figures", status)
	}
	status, body := getStatus(t, m[1], "")
	if status != http.StatusOK || !strings.Contains(body, `parley_http_requests_total{code="200",method="GET",route="GET /healthz"}`) {
		t.Errorf("GET %s: %d, want 200 with the site's requests counted:\n%.2000s", m[1], status, body)
	}
	// The profiler is for operators too: there, and not on the site's address.
	operators := strings.TrimSuffix(m[1], "/metrics")
	if status, body := getStatus(t, operators+"/debug/pprof/cmdline", ""); status != http.StatusOK || body == "" {
		t.Errorf("GET /debug/pprof/cmdline on the metrics address: %d %q, want 200 and the process's command line", status, body)
	}
	if status, _ := getStatus(t, srv.URL+"/debug/pprof/cmdline", ""); status != http.StatusNotFound {
		t.Errorf("GET /debug/pprof/cmdline on the site's address: %d, want 404", status)
	}
	if status, _ := getStatus(t, operators+"/threads", ""); status != http.StatusNotFound {
		t.Errorf("the metrics address serves the site's pages: %d, want 404", status)
	}
	if err := srv.shutdown(t); err != nil {
		t.Fatalf("run after shutdown: %v\nstderr:\n%s", err, srv.stderr)
	}
}

// TestMetricsByToken: with PARLEY_METRICS_TOKEN the site's /metrics answers only a bearer
// of the token.
func TestMetricsByToken(t *testing.T) {
	t.Parallel()
	const token = "a-long-enough-metrics-token"
	srv := startServer(t, env("PARLEY_METRICS_TOKEN", token), "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	if status, _ := getStatus(t, srv.URL+"/metrics", ""); status != http.StatusUnauthorized {
		t.Errorf("GET /metrics without the token: %d, want 401", status)
	}
	if status, body := getStatus(t, srv.URL+"/metrics", "Bearer "+token); status != http.StatusOK || !strings.Contains(body, "parley_http_requests_total") {
		t.Errorf("GET /metrics with the token: %d, want 200 and the figures", status)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"5MB": 5 << 20, "5mb": 5 << 20, "512KB": 512 << 10, "1048576": 1 << 20, "100B": 100, " 2 MB ": 2 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "5GB", "-1MB", "1.5MB", "five"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
	if got := formatSize(5 << 20); got != "5MB" {
		t.Errorf("formatSize(5 MB) = %q", got)
	}
}

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"demo", "--threads", "50", "--posts", "200", "--users", "20", "--data", dir}
	out, _, err := runCmd(t, env(), args...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Built 50 threads, 200 posts and 20 users") {
		t.Errorf("demo printed %q", out)
	}
	store, err := sqlite.Open(t.Context(), filepath.Join(dir, "parley.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Thread(t.Context(), 50); err != nil {
		t.Errorf("thread 50: %v", err)
	}
	if _, err := store.Thread(t.Context(), 51); parley.ErrorCode(err) != parley.ENotFound {
		t.Errorf("thread 51: %v, want not found", err)
	}
	store.Close()

	_, _, err = runCmd(t, env(), args...)
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("demo into a full database: %v, want an error saying it must be empty", err)
	}

	_, _, err = runCmd(t, env(), "demo", "--threads", "10", "--posts", "5", "--data", t.TempDir())
	if err == nil || !strings.HasPrefix(err.Error(), "--posts") {
		t.Errorf("demo with fewer posts than threads: %v, want an error naming --posts", err)
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	version := regexp.MustCompile(`parley\.db is at schema version (\d+)\.`)
	var first string
	for range 2 { // a second run finds nothing to do and reports the same version
		out, _, err := runCmd(t, env(), "migrate", "--data", dir)
		if err != nil {
			t.Fatal(err)
		}
		m := version.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("migrate printed %q, want the schema version", out)
		}
		if n, _ := strconv.Atoi(m[1]); n < 1 {
			t.Errorf("schema version %d, want at least 1", n)
		}
		if first != "" && m[1] != first {
			t.Errorf("second migrate reports version %s, first %s", m[1], first)
		}
		first = m[1]
	}
}

// signIn submits the sign-in form and returns the status it answered.
func signIn(t *testing.T, base, handle, password string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(base)
	var csrf string
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "parley_csrf" {
			csrf = ck.Value
		}
	}
	res, err = c.PostForm(base+"/login", url.Values{"csrf": {csrf}, "handle": {handle}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestServeDemoOnABuiltForumSaysHowToMakeAnAdmin starts serve --demo a second time on the
// same folder, where the demo admin's password was printed once and is not again, and runs
// the command it prints instead to make an admin, who then signs in.
func TestServeDemoOnABuiltForumSaysHowToMakeAnAdmin(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a data folder")
	first := startServer(t, env(), "serve", "--demo", "--addr", "127.0.0.1:0", "--data", dir)
	if err := first.shutdown(t); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, env(), "serve", "--demo", "--addr", "127.0.0.1:0", "--data", dir)
	out := srv.stdout.String()
	_, cmd, found := strings.Cut(out, "parley user create ")
	cmd, _, _ = strings.Cut(cmd, "\n")
	if !found || !strings.Contains(cmd, "--role admin") {
		t.Fatalf("serve --demo on a built forum printed no way to make an admin:\n%s", out)
	}
	args, err := shellWords(cmd)
	if err != nil {
		t.Fatalf("%v in %q", err, cmd)
	}
	if _, err := runInput(t, "a long admin password\n", append([]string{"user", "create"}, args...)...); err != nil {
		t.Fatalf("parley user create %s: %v", cmd, err)
	}
	handle := args[slices.Index(args, "--handle")+1]
	if status := signIn(t, srv.URL, handle, "a long admin password"); status != http.StatusSeeOther {
		t.Errorf("signing in as the admin made as serve said answered %d", status)
	}
}

// shellWords splits a command line as a POSIX shell would, for words that are plain or in
// single quotes.
func shellWords(line string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, word.String())
			}
			word.Reset()
			inWord = false
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, errors.New("an unclosed quote")
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// TestMakeAdminCommandHidesPasswords checks the printed command for a PostgreSQL forum:
// it names the database, but not the password in its URL.
func TestMakeAdminCommandHidesPasswords(t *testing.T) {
	c := common{Data: "./data", DatabaseURL: "postgres://parley:s3cret@db.internal/parley?sslmode=disable"}
	got := c.makeAdminCommand()
	args, err := shellWords(strings.TrimPrefix(got, "parley "))
	if err != nil || strings.Contains(got, "s3cret") || !slices.Contains(args, "postgres://parley:xxxxx@db.internal/parley?sslmode=disable") {
		t.Errorf("the command is %q (%v), want the database URL without its password", got, err)
	}
}

// TestServeCapsLiveStreamsPerAddress serves with --live-streams-per-address 1, as a test of
// the flag: a second stream from the same address is refused while the first is open.
func TestServeCapsLiveStreamsPerAddress(t *testing.T) {
	t.Parallel()
	srv := startServer(t, env(), "serve", "--demo", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--live-streams-per-address", "1")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/live?list=all", nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Body.Close()
	if first.StatusCode != http.StatusOK {
		t.Fatalf("the first stream answered %d", first.StatusCode)
	}
	if res := srv.get(t, "/threads/1/live", ""); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a second stream from the address answered %d, want 429", res.StatusCode)
	}
}
