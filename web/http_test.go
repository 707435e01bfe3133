package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/web"
)

// tinyForum is for tests that write or break their private site.
var tinyForum = demo.Config{Threads: 30, Posts: 90, Users: 12, Seed: 3}

func TestHealth(t *testing.T) {
	site := newSite(t, tinyForum)
	for _, c := range []struct {
		path, body string
		status     int
	}{
		{"/healthz", "ok\n", 200},
		{"/readyz", "database: ok\n", 200},
	} {
		res, body := site.do(t, "GET", c.path)
		if res.StatusCode != c.status || string(body) != c.body {
			t.Errorf("GET %s: %d %q, want %d %q", c.path, res.StatusCode, body, c.status, c.body)
		}
	}

	// With the database gone the process is alive but must not get traffic.
	if err := site.Store.Close(); err != nil {
		t.Fatal(err)
	}
	res, body := site.do(t, "GET", "/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || string(body) != "database: unavailable\n" {
		t.Errorf("readyz after close: %d %q, want 503", res.StatusCode, body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("readyz Cache-Control %q, want no-store", cc)
	}
	if res, _ := site.do(t, "GET", "/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("healthz after close: %d, want 200", res.StatusCode)
	}
}

// sample is one line of the Prometheus text format.
type sample struct {
	labels map[string]string
	value  float64
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

// metricsToken is the token the metrics tests' sites take for /metrics (metricsSite).
const metricsToken = "scraper-token-0123456789"

// metricsSite is a private site whose /metrics answers to metricsToken.
func metricsSite(t testing.TB) *testSite {
	t.Helper()
	return newSiteWith(t, tinyForum, web.Config{MetricsToken: metricsToken})
}

// scrape reads /metrics into samples by metric name, with the token of metricsSite.
func scrape(t testing.TB, site *testSite) map[string][]sample {
	t.Helper()
	res, body := site.do(t, "GET", "/metrics", "Authorization", "Bearer "+metricsToken)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d", res.StatusCode)
	}
	out := map[string][]sample{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		m := sampleLine.FindStringSubmatch(sc.Text())
		if m == nil || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", sc.Text(), err)
		}
		s := sample{labels: map[string]string{}, value: v}
		for _, p := range labelPair.FindAllStringSubmatch(m[2], -1) {
			s.labels[p[1]] = p[2]
		}
		out[m[1]] = append(out[m[1]], s)
	}
	return out
}

// requests is the request count for one route, method and status.
func requests(metrics map[string][]sample, route, code string) float64 {
	for _, s := range metrics["parley_http_requests_total"] {
		if s.labels["route"] == route && s.labels["method"] == "GET" && s.labels["code"] == code {
			return s.value
		}
	}
	return 0
}

func TestMetrics(t *testing.T) {
	site := metricsSite(t)
	before := scrape(t, site)
	for range 3 {
		site.do(t, "GET", "/tags/network")
	}
	site.do(t, "GET", "/tags/no-such-tag")
	site.do(t, "GET", "/threads/2")
	after := scrape(t, site)
	for _, c := range []struct {
		route, code string
		n           float64
	}{
		{"GET /tags/{tag}", "200", 3},
		{"GET /tags/{tag}", "404", 1},
		{"GET /threads/{id}", "200", 1},
	} {
		if got := requests(after, c.route, c.code) - requests(before, c.route, c.code); got != c.n {
			t.Errorf(`parley_http_requests_total{route=%q,code=%q} rose by %v, want %v`, c.route, c.code, got, c.n)
		}
	}
	// Series are per route, never per raw path: a thread must not get its own time series.
	for name, samples := range after {
		for _, s := range samples {
			if r := s.labels["route"]; strings.Contains(r, "/tags/network") || strings.Contains(r, "/threads/2") {
				t.Errorf("%s has a series for the raw path %q", name, r)
			}
		}
	}
	var buckets int
	for _, s := range after["parley_http_request_duration_seconds_bucket"] {
		if s.labels["route"] == "GET /tags/{tag}" && s.labels["le"] == "+Inf" {
			buckets++
			if s.value < 4 {
				t.Errorf("latency histogram counted %v requests, want at least 4", s.value)
			}
		}
	}
	if buckets != 1 {
		t.Error("no latency histogram for GET /tags/{tag}")
	}
}

// TestMetricsNeedTheToken: /metrics on the site's address answers only a bearer of the
// configured token, and without one configured it is not there at all; health and
// readiness stay open to every prober.
func TestMetricsNeedTheToken(t *testing.T) {
	site := metricsSite(t)
	for _, c := range []struct {
		name   string
		header []string
		status int
	}{
		{"no token", nil, http.StatusUnauthorized},
		{"wrong token", []string{"Authorization", "Bearer not-the-token-at-all"}, http.StatusUnauthorized},
		{"token as Basic", []string{"Authorization", "Basic " + metricsToken}, http.StatusUnauthorized},
		{"token with more after it", []string{"Authorization", "Bearer " + metricsToken + "x"}, http.StatusUnauthorized},
		{"the token", []string{"Authorization", "Bearer " + metricsToken}, http.StatusOK},
		{"the token, scheme in lower case", []string{"Authorization", "bearer " + metricsToken}, http.StatusOK},
	} {
		res, body := site.do(t, "GET", "/metrics", c.header...)
		if res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.status)
		}
		if shows := bytes.Contains(body, []byte("parley_http_requests_total")); shows != (c.status == http.StatusOK) {
			t.Errorf("%s: the answer shows the metrics: %t", c.name, shows)
		}
		if c.status == http.StatusUnauthorized && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", c.name, res.Header.Get("WWW-Authenticate"))
		}
	}
	open := newSite(t, tinyForum) // no token configured: metrics are not served here
	for _, header := range [][]string{nil, {"Authorization", "Bearer "}, {"Authorization", "Bearer " + metricsToken}} {
		if res, body := open.do(t, "GET", "/metrics", header...); res.StatusCode != http.StatusNotFound || bytes.Contains(body, []byte("parley_http")) {
			t.Errorf("/metrics without a configured token, header %q: %d, want 404", header, res.StatusCode)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if res, _ := open.do(t, "GET", path); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d, want 200 without any token", path, res.StatusCode)
		}
	}
}

// TestMetricsForSignedInRequests: a request with a session is counted under its route
// pattern like any other, not as unmatched.
func TestMetricsForSignedInRequests(t *testing.T) {
	site := metricsSite(t)
	b := signedIn(t, site, "metered")
	before := scrape(t, site)
	for range 2 {
		if res, _ := b.get("/threads/2"); res.StatusCode != http.StatusOK {
			t.Fatalf("GET /threads/2 signed in: %d", res.StatusCode)
		}
	}
	after := scrape(t, site)
	if got := requests(after, "GET /threads/{id}", "200") - requests(before, "GET /threads/{id}", "200"); got != 2 {
		t.Errorf(`parley_http_requests_total{route="GET /threads/{id}",code="200"} rose by %v for two signed-in reads, want 2`, got)
	}
	if got := requests(after, "unmatched", "200") - requests(before, "unmatched", "200"); got != 0 {
		t.Errorf(`parley_http_requests_total{route="unmatched",code="200"} rose by %v, want 0`, got)
	}
}

// csp parses a Content-Security-Policy into its directives.
func csp(header string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(header, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

func TestSecurityHeaders(t *testing.T) {
	site := sharedSite(t)
	style := stylesheetURL(t, site)
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/", 200}, {"/threads", 200}, {"/tags/network", 200}, {"/threads/1", 200}, {"/users/admin", 200},
		{"/threads.rss", 200}, {"/tags/network.atom", 200}, {style, 200}, {"/healthz", 200},
		{"/tags/no-such-tag", 404}, {"/threads?sort=hot", 400}, {"/static/nope.00000000.css", 404}, {"/no/such/page", 404},
	} {
		t.Run(c.path, func(t *testing.T) {
			res, _ := site.do(t, "GET", c.path)
			if res.StatusCode != c.status {
				t.Fatalf("GET %s: %d, want %d", c.path, res.StatusCode, c.status)
			}
			policy := csp(res.Header.Get("Content-Security-Policy"))
			for directive, want := range map[string][]string{
				"script-src":      {"'self'"},
				"frame-ancestors": {"'none'"},
				"object-src":      {"'none'"},
				"base-uri":        {"'none'"},
			} {
				if !slices.Equal(policy[directive], want) {
					t.Errorf("CSP %s %v, want %v", directive, policy[directive], want)
				}
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := res.Header.Get("Referrer-Policy"); !slices.Contains([]string{"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}, got) {
				t.Errorf("Referrer-Policy %q leaks paths to other sites", got)
			}
		})
	}
}

// TestStrictTransportSecurity: a site whose public URL is https tells browsers to use
// https for a year on every answer; one served over plain http says nothing, as browsers
// ignore the header there. No preload (a decision for the domain's owner, hard to undo)
// and no includeSubDomains (the forum may share its domain with sites still on http).
func TestStrictTransportSecurity(t *testing.T) {
	secure := newSiteWith(t, tinyForum, web.Config{BaseURL: mustURL(t, "https://forum.example")})
	plain := sharedSite(t)
	for _, path := range []string{"/", "/threads/2", "/tags/no-such-tag", "/login", "/healthz"} {
		res, _ := secure.do(t, "GET", path)
		if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("GET %s on an https site: Strict-Transport-Security %q, want max-age=31536000", path, got)
		}
		res, _ = plain.do(t, "GET", path)
		if got := res.Header.Values("Strict-Transport-Security"); len(got) != 0 {
			t.Errorf("GET %s on an http site: Strict-Transport-Security %q, want none", path, got)
		}
	}
}

// TestPagesNeedNoInlineCode: the policy allows no inline script or style, so a page that
// carried any would be broken in the browser. JSON-LD is data, not script, and may stay.
func TestPagesNeedNoInlineCode(t *testing.T) {
	site := sharedSite(t)
	edited := editedPost(t, site, 2)
	paths := []string{"/", "/threads", "/tags", "/tags/network?sort=boosts", "/topics/app-system-services",
		"/users/admin", fmt.Sprintf("/posts/%d/revisions", edited.ID), "/tags/no-such-tag"}
	for _, id := range threadsWhere(t, site, 30, func(parley.Thread) bool { return true }) {
		paths = append(paths, "/threads/"+strconv.FormatInt(id, 10))
	}
	for _, path := range paths {
		res, body := site.do(t, "GET", path)
		doc := mustParseHTML(t, body)
		if res.StatusCode >= 500 {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			switch {
			case n.DataAtom == atom.Script && attr(n, "src") == "" && attr(n, "type") != "application/ld+json":
				t.Errorf("GET %s: inline <script>", path)
			case n.DataAtom == atom.Script && attr(n, "src") != "" && !strings.HasPrefix(attr(n, "src"), "/static/"):
				t.Errorf("GET %s: script from %q", path, attr(n, "src"))
			case n.DataAtom == atom.Style:
				t.Errorf("GET %s: inline <style>", path)
			}
			for _, a := range n.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					t.Errorf("GET %s: <%s %s=%q> needs inline code", path, n.Data, a.Key, a.Val)
				}
			}
		}
	}
}

// stylesheetURL is the hashed URL of the site's stylesheet, as pages link it.
func stylesheetURL(t testing.TB, site *testSite) string {
	t.Helper()
	doc := getPage(t, site, "/")
	link := find(doc, withAttr(atom.Link, "rel", "stylesheet"))
	if link == nil {
		t.Fatal("no stylesheet")
	}
	return attr(link, "href")
}

var hashedName = regexp.MustCompile(`^/static/[a-z]+\.([0-9a-f]{8})\.(css|js)$`)

func TestStaticAssets(t *testing.T) {
	site := sharedSite(t)
	doc := getPage(t, site, "/threads/1")
	var urls []string
	for _, n := range findAll(doc, withAttr(atom.Link, "rel", "stylesheet")) {
		urls = append(urls, attr(n, "href"))
	}
	for _, n := range findAll(doc, hasAttr(atom.Script, "src")) {
		urls = append(urls, attr(n, "src"))
	}
	if len(urls) < 2 {
		t.Fatalf("assets %v: want the stylesheets and the script", urls)
	}
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			m := hashedName.FindStringSubmatch(u)
			if m == nil {
				t.Fatalf("%q is not a content-hashed URL", u)
			}
			res, body := site.do(t, "GET", u)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", u, res.StatusCode)
			}
			sum := sha256.Sum256(body)
			if hex.EncodeToString(sum[:4]) != m[1] {
				t.Errorf("name hash %s, content hash %x: a changed file would keep its cached name", m[1], sum[:4])
			}
			cc := res.Header.Get("Cache-Control")
			if !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
				t.Errorf("Cache-Control %q, want a year and immutable", cc)
			}
			wantType := map[string]string{"css": "text/css", "js": "text/javascript"}[m[2]]
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
				t.Errorf("Content-Type %q, want %s", ct, wantType)
			}
			res, zipped := site.do(t, "GET", u, "Accept-Encoding", "gzip")
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatal("not compressed for a client that asks")
			}
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			if unzipped, err := io.ReadAll(zr); err != nil || !bytes.Equal(unzipped, body) {
				t.Errorf("gzip body differs from the file (%v)", err)
			}
			wrong := strings.Replace(u, m[1], "00000000", 1)
			if res, _ := site.do(t, "GET", wrong); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", wrong, res.StatusCode)
			}
		})
	}
}

func TestViewCounting(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	views := func(id int64) int64 {
		t.Helper()
		if err := site.Views.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		th, err := site.Store.Thread(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return th.ViewCount
	}
	for _, c := range []struct {
		name     string
		id       int64
		requests [][2]string // method and User-Agent
		path     string
		want     int64
	}{
		{"one reader twice", 3, [][2]string{{"GET", "reader-a"}, {"GET", "reader-a"}}, "", 1},
		{"two readers", 4, [][2]string{{"GET", "reader-a"}, {"GET", "reader-b"}}, "", 2},
		{"HEAD", 5, [][2]string{{"HEAD", "reader-a"}, {"HEAD", "reader-b"}}, "", 0},
		{"feed readers", 6, [][2]string{{"GET", "reader-a"}, {"GET", "reader-b"}}, ".rss", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := views(c.id)
			for _, r := range c.requests {
				path := fmt.Sprintf("/threads/%d%s", c.id, c.path)
				if res, _ := site.do(t, r[0], path, "User-Agent", r[1]); res.StatusCode != http.StatusOK {
					t.Fatalf("%s %s: %d", r[0], path, res.StatusCode)
				}
			}
			if got := views(c.id) - before; got != c.want {
				t.Errorf("views rose by %d, want %d", got, c.want)
			}
		})
	}
}

// A thread page counts the views not yet written to the store, the reader's own among
// them, so that its figure is exact however seldom views are flushed.
func TestThreadPageShowsViewsBeforeTheyAreWritten(t *testing.T) {
	site := newSite(t, tinyForum)
	ctx := context.Background()
	stored, err := site.Store.Thread(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	shown := func(reader string) int64 {
		t.Helper()
		res, body := site.do(t, "GET", "/threads/3", "User-Agent", reader)
		m := regexp.MustCompile(` · (\d+) views?</span>`).FindSubmatch(body)
		if res.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("GET /threads/3 as %s: %d, no view count on the page", reader, res.StatusCode)
		}
		n, _ := strconv.ParseInt(string(m[1]), 10, 64)
		return n
	}
	for _, c := range []struct {
		reader string
		added  int64
	}{{"reader-a", 1}, {"reader-b", 2}, {"reader-a", 2}, {"reader-c", 3}} {
		if got := shown(c.reader); got != stored.ViewCount+c.added {
			t.Errorf("page for %s: %d views shown, want %d", c.reader, got, stored.ViewCount+c.added)
		}
	}
	if err := site.Views.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := shown("reader-c"); got != stored.ViewCount+3 {
		t.Errorf("after the flush: %d views shown, want %d", got, stored.ViewCount+3)
	}
}

// TestProblemDetails: a client that asks for machine-readable errors gets RFC 9457
// problem documents with the same status and safe message.
func TestProblemDetails(t *testing.T) {
	site := sharedSite(t)
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/tags/no-such-tag", 404}, {"/threads/999999", 404}, {"/threads?sort=hot", 400}, {"/tags/network?after=garbage", 400},
	} {
		res, body := site.do(t, "GET", c.path, "Accept", "application/problem+json")
		if res.StatusCode != c.status || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d %q, want %d application/problem+json", c.path, res.StatusCode, res.Header.Get("Content-Type"), c.status)
			continue
		}
		var p struct {
			Type, Title, Detail string
			Status              int
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("GET %s: %v", c.path, err)
		}
		if p.Status != c.status || p.Title != http.StatusText(c.status) || !strings.HasSuffix(p.Detail, ".") {
			t.Errorf("GET %s: problem %+v", c.path, p)
		}
	}
}

// TestURLsThatAreNotText answers addresses holding a NUL byte or bytes that are not UTF-8,
// in the path or the query, as naming nothing: no store is asked to compare them.
func TestURLsThatAreNotText(t *testing.T) {
	site := sharedSite(t)
	for _, path := range []string{"/tags/net%00work", "/users/%ff%fe", "/threads?sort=%00", "/tags/network?after=%c3%28"} {
		if res, _ := site.get(t, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	if res, _ := site.get(t, "/tags/network?sort=newest"); res.StatusCode != http.StatusOK {
		t.Errorf("a plain query: %d", res.StatusCode)
	}
}
