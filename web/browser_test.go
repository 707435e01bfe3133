package web_test

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium, installed beside the tests; nothing is
// downloaded. A machine without it fails these tests rather than skipping them, so that
// a missing browser never passes for a green run.
const (
	chromiumPath   = "/usr/bin/chromium"
	browserTimeout = 60 * time.Second // bounds each browser test, start-up included
)

// newTab starts a headless Chromium with a fresh profile for one test and returns the
// context of its tab. The browser is closed, and its profile removed, when the test ends.
func newTab(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser tests need Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	profile := t.TempDir() // registered first, so removed after the browser has exited
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root, where Chromium's sandbox cannot start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Without the back-forward cache, Back loads the page again: a restored page gets a
		// JavaScript context that the DevTools protocol does not always report, and waiting
		// on it would hang. What a reader sees after Back is checked either way.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,BackForwardCache"),
		chromedp.UserDataDir(profile),
	)
	timeout, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(timeout, opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	// Closing the tab's context closes the browser gracefully; the allocator's cancel
	// then waits for the process to exit.
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelTimeout() })
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return tab
}

// loadPage navigates the tab to rawURL and waits for the page to load; see waitForPage.
func loadPage(t *testing.T, tab context.Context, rawURL string) *url.URL {
	t.Helper()
	return waitForPage(t, tab, "load "+rawURL, chromedp.Navigate(rawURL))
}

// waitForPage runs steps that lead to a new page, such as a click, and waits until that
// page has loaded, failing unless it answered 200. It returns the page's URL.
func waitForPage(t *testing.T, tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) *url.URL {
	t.Helper()
	res, err := chromedp.RunResponse(tab, steps...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		t.Fatalf("%s: no page loaded", what)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %s answered %d, want 200", what, res.URL, res.Status)
	}
	u, err := url.Parse(res.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// browserRows are a thread list's unpinned rows as the browser shows them. They are read
// through the DOM, not JavaScript, so they work with scripts disabled too.
type browserRows struct {
	Links   []string // each thread's link, in order
	Replies []int64
	Boosts  []int64
}

func readListRows(t *testing.T, tab context.Context) browserRows {
	t.Helper()
	const row = "ol.threads > li.thread:not(.pinned) "
	var rows browserRows
	links, err := chromedp.Run(tab, chromedp.AttributesAll(chromedp.CSSAll(row+".thread-title a")))
	if err != nil {
		t.Fatalf("read thread links: %v", err)
	}
	for _, a := range links {
		rows.Links = append(rows.Links, a["href"])
	}
	rows.Replies = readListCounts(t, tab, row+"dd[data-replies]", "data-replies")
	rows.Boosts = readListCounts(t, tab, row+"dd[data-boosts]", "data-boosts")
	if len(rows.Replies) != len(rows.Links) || len(rows.Boosts) != len(rows.Links) {
		t.Fatalf("%d rows but %d reply and %d boost counts", len(rows.Links), len(rows.Replies), len(rows.Boosts))
	}
	return rows
}

func readListCounts(t *testing.T, tab context.Context, selector, attr string) []int64 {
	t.Helper()
	nodes, err := chromedp.Run(tab, chromedp.AttributesAll(chromedp.CSSAll(selector)))
	if err != nil {
		t.Fatalf("read %s: %v", selector, err)
	}
	var counts []int64
	for _, n := range nodes {
		v, err := strconv.ParseInt(n[attr], 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", attr, n[attr], err)
		}
		counts = append(counts, v)
	}
	return counts
}

func countsNonIncreasing(counts []int64) bool {
	for i := 1; i < len(counts); i++ {
		if counts[i] > counts[i-1] {
			return false
		}
	}
	return true
}

const applyButton = "form.list-controls button[type=submit]"

func TestSortSelectReloadsWithJavaScript(t *testing.T) {
	site := sharedSite(t)
	tab := newTab(t)
	loadPage(t, tab, site.URL+"/tags/network")
	before := readListRows(t, tab)
	if len(before.Links) < 2 {
		t.Fatalf("/tags/network lists %d threads; the test needs several", len(before.Links))
	}

	// app.js hides the Apply button, since choosing reloads the list by itself.
	if err := chromedp.Do(tab, chromedp.WaitNotVisible(chromedp.CSS(applyButton))); err != nil {
		t.Fatalf("Apply button: %v", err)
	}
	display, err := chromedp.Run(tab, chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector("`+applyButton+`")).display`))
	if err != nil || display != "none" {
		t.Errorf("Apply button display = %q (%v), want none while JavaScript runs", display, err)
	}

	// Choose a sort the way a reader does: SetValue fires the select's input and change
	// events, and nothing is clicked.
	got := waitForPage(t, tab, "choose a sort",
		chromedp.SetValue(chromedp.CSS("select#sort"), "boosts"))
	q := got.Query()
	if got.Path != "/tags/network" || q.Get("sort") != "boosts" {
		t.Fatalf("choosing a sort loaded %s, want /tags/network?sort=boosts", got)
	}
	if _, ok := q["filter"]; ok {
		t.Errorf("URL %s has a filter parameter; the default filter should be left out", got)
	}
	after := readListRows(t, tab)
	if !countsNonIncreasing(after.Boosts) {
		t.Errorf("sorted by boosts, the boost counts are %v, want non-increasing", after.Boosts)
	}
	if slices.Equal(before.Links, after.Links) {
		t.Errorf("sorting by boosts kept the same order: %v", after.Links)
	}
	if v, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS("select#sort"))); err != nil || v != "boosts" {
		t.Errorf("the reloaded page's sort select shows %q (%v), want boosts", v, err)
	}

	// Back on the first list, the controls match it again and still work: the browser
	// may restore the page as it was left, with "boosts" chosen.
	nav, err := chromedp.Run(tab, chromedp.WaitEvent(page.FrameNavigated, nil, historyBack))
	if err != nil {
		t.Fatalf("go back: %v", err)
	}
	if nav.Frame.URL != site.URL+"/tags/network" {
		t.Fatalf("going back showed %s, want /tags/network", nav.Frame.URL)
	}
	const restored = `document.querySelector("select#sort").value === "activity" && !document.querySelector("select#filter").disabled`
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](restored, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		state, _ := chromedp.Run(tab, chromedp.Evaluate[string](
			`"sort=" + document.querySelector("select#sort").value + ", filter disabled=" + document.querySelector("select#filter").disabled`))
		t.Errorf("back on /tags/network (restored as %s), the controls show %s; want sort=activity and a usable filter: %v", nav.Type, state, err)
	}
}

// historyBack goes back one entry in the tab's history. Unlike chromedp.NavigateBack it
// does not wait for a load event, which a page restored from the back-forward cache
// never fires.
var historyBack = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	h, err := cdp.Call(ctx, t, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		return err
	}
	if h.CurrentIndex < 1 {
		return fmt.Errorf("no history to go back to")
	}
	_, err = cdp.Call(ctx, t, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID})
	return err
})

func TestSortFormWorksWithoutJavaScript(t *testing.T) {
	site := sharedSite(t)
	tab := newTab(t)
	if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	loadPage(t, tab, site.URL+"/tags/network")

	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(applyButton))); err != nil {
		t.Fatalf("Apply button: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.WaitNotVisible(chromedp.CSS("#controls-hint"))); err != nil {
		t.Errorf("the hint that the list reloads by itself shows without JavaScript: %v", err)
	}
	got := waitForPage(t, tab, "sort with the Apply button",
		chromedp.SetValue(chromedp.CSS("select#sort"), "replies"),
		chromedp.Click(chromedp.CSS(applyButton), chromedp.NodeVisible),
	)
	if got.Path != "/tags/network" || got.Query().Get("sort") != "replies" {
		t.Fatalf("Apply loaded %s, want /tags/network?sort=replies", got)
	}
	rows := readListRows(t, tab)
	if len(rows.Replies) == 0 || !countsNonIncreasing(rows.Replies) {
		t.Errorf("sorted by replies, the reply counts are %v, want non-increasing", rows.Replies)
	}
}

// threadWithCodeBlock finds a thread whose question holds a code block, so that the pages
// tested include highlighted code.
func threadWithCodeBlock(t *testing.T, site *testSite) string {
	t.Helper()
	for id := int64(1); id <= int64(smallForum.Threads); id++ {
		posts, err := site.Store.Posts(t.Context(), id, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(posts) > 0 && strings.Contains(posts[0].HTML, "<pre") {
			return "/threads/" + strconv.FormatInt(id, 10)
		}
	}
	t.Fatal("no thread in the test forum has a code block in its question")
	return ""
}

// consoleProblems returns the problems the tab reported since the last call: console
// errors, uncaught exceptions and browser log entries at error level, which include
// Content-Security-Policy violations. It logs a marker and reads the console up to it, so
// that every message written before is seen without waiting on a clock.
func consoleProblems(t *testing.T, tab context.Context, next func() (chromedp.ConsoleMessage, error, bool), marker string) []string {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`console.info(`+strconv.Quote(marker)+`)`)); err != nil {
		t.Fatal(err)
	}
	var problems []string
	for {
		m, err, ok := next()
		if !ok || err != nil {
			t.Fatalf("read the console: %v", err)
		}
		if m.Type == chromedp.ConsoleInfo && m.Text == marker {
			return problems
		}
		if m.Type == chromedp.ConsoleError || m.IsException() || m.Source == "security" {
			problems = append(problems, fmt.Sprintf("%s (source %q, %s:%d)", m, m.Source, m.URL, m.Line+1))
		}
	}
}

func TestPagesHaveNoConsoleErrorsAndNoInlineScriptViolations(t *testing.T) {
	site := sharedSite(t)
	withCode := threadWithCodeBlock(t, site)
	paths := []string{"/", "/tags", "/tags/network", "/threads/1", withCode}
	tab := newTab(t)
	next, stop := iter.Pull2(chromedp.Console(tab))
	defer stop()

	for i, path := range paths {
		loadPage(t, tab, site.URL+path)
		for _, p := range consoleProblems(t, tab, next, fmt.Sprint("parley-test-loaded-", i)) {
			t.Errorf("%s: %s", path, p)
		}
		// Inline handlers only break when they fire, so look for them in the page too.
		inline, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("*")].flatMap(el =>
			[...el.attributes].filter(a => a.name.startsWith("on") || a.name === "style").map(a => el.tagName.toLowerCase() + "[" + a.name + "]"))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(inline) > 0 {
			t.Errorf("%s: inline handlers or styles, which the CSP blocks: %v", path, inline)
		}
		if path == withCode {
			if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(".post-body pre"))); err != nil {
				t.Errorf("%s: no code block on the page: %v", path, err)
			}
		}
	}

	// The check itself: a script added inline must be refused and reported.
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](
		`{const s = document.createElement("script"); s.textContent = "1"; document.body.append(s)}`)); err != nil {
		t.Fatal(err)
	}
	if got := consoleProblems(t, tab, next, "parley-test-canary"); len(got) == 0 {
		t.Error("an inline script broke the Content-Security-Policy and nothing was reported: the test cannot see violations")
	}
}

// checkWidthAndShoot loads path at a viewport width, checks that nothing overflows
// sideways, and saves a full-page PNG into dir when dir is not empty.
func checkWidthAndShoot(t *testing.T, tab context.Context, site *testSite, path string, width int64, dir string) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2)) // a phone honours the viewport meta tag
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900, opts...)); err != nil {
		t.Fatal(err)
	}
	loadPage(t, tab, site.URL+path)
	type overflow struct {
		ScrollWidth int64    `json:"scrollWidth"`
		InnerWidth  int64    `json:"innerWidth"`
		Wide        []string `json:"wide"` // elements reaching past the right edge
	}
	o, err := chromedp.Run(tab, chromedp.Evaluate[overflow](`({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
		wide: [...document.querySelectorAll("body *")]
			.filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
			.slice(0, 10)
			.map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")),
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if o.ScrollWidth > o.InnerWidth {
		t.Errorf("%s at %d px: the page is %d px wide, wider than the %d px window; too wide: %v",
			path, width, o.ScrollWidth, o.InnerWidth, o.Wide)
	}
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	name := strings.NewReplacer("/", "-").Replace(strings.Trim(path, "/")) + "-" + strconv.FormatInt(width, 10) + ".png"
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", filepath.Join(dir, name))
}

// TestScreenshotsFitDesktopAndPhone renders a list and a thread at desktop and phone
// widths. With PARLEY_SCREENSHOTS set to a folder it saves the pages there as PNGs, for
// a person to look at.
func TestScreenshotsFitDesktopAndPhone(t *testing.T) {
	site := sharedSite(t)
	dir := os.Getenv("PARLEY_SCREENSHOTS")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("PARLEY_SCREENSHOTS: %v", err)
		}
	}
	paths := []string{"/tags/network", threadWithCodeBlock(t, site)}
	tab := newTab(t)
	for _, width := range []int64{1280, 390} {
		for _, path := range paths {
			checkWidthAndShoot(t, tab, site, path, width, dir)
		}
	}
}

// TestFilesFitDesktopAndPhone renders a question with a wide picture and a log with a long
// unbroken line, and the log's page, at desktop and phone widths: nothing may reach past
// the window. PARLEY_SCREENSHOTS saves them as TestScreenshotsFitDesktopAndPhone does.
func TestFilesFitDesktopAndPhone(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "wide_files")
	res, _ := b.upload("/ask", "", question(t, site, "A question with wide files attached"),
		pngFile(t, "wide.png", 1600, 400), textFile("long-line.log", "start\n"+strings.Repeat("0123456789", 200)+"\nend\n"))
	op := postedThread(t, site, res)
	tab := newTab(t)
	for _, width := range []int64{1280, 390} {
		for _, path := range []string{threadPath(op.ThreadID), "/attachments/" + itoa(op.Attachments[1].ID)} {
			checkWidthAndShoot(t, tab, site, path, width, os.Getenv("PARLEY_SCREENSHOTS"))
		}
	}
}
