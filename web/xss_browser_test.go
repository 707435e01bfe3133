package web_test

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// xssMarker is what the payloads write to the console.
const xssMarker = "XSS-MARKER"

// TestXSSPayloadsDoNotRunInChromium loads every page that shows the planted payloads in
// Chromium and fails if any payload runs: a dialog opens, the console shows XSS-MARKER,
// window.__xss is set or the document title changes. The pages are loaded with the
// Content-Security-Policy bypassed, so that escaping alone must keep the payloads inert;
// each kind of page gets its own browser, and so its own time limit. The pages that gather
// every payload are loaded once more with the policy as served, which must report no
// violation: a blocked inline script or style is still markup that got through.
func TestXSSPayloadsDoNotRunInChromium(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{AddressPosts: 1000}) // every payload is posted from one address
	f := plantXSS(t, site, xssPayloads)
	canary := xssCanary(t)
	history := "/posts/" + itoa(f.openers[0].ID) + "/revisions"
	groups := []struct {
		name  string
		paths []string
	}{
		// Thread 0's history lists every edit summary, and its whole diff every payload.
		{"threads and revisions", []string{history, history + "?from=1&to=" + itoa(int64(len(f.payloads)+1))}},
		{"tag lists", []string{"/tags", "/tags/xss-all"}},
		{"profiles", nil},
		{"file pages", nil}, // each named and filled with a payload
	}
	for i := range f.payloads {
		groups[0].paths = append(groups[0].paths, threadPath(f.threads[i].ID))
		groups[1].paths = append(groups[1].paths, "/tags/"+f.tags[i].Slug)
		groups[2].paths = append(groups[2].paths, "/users/"+f.users[i].Handle)
		groups[3].paths = append(groups[3].paths, "/attachments/"+itoa(f.openers[i].Attachments[0].ID))
	}
	anonymous := newBrowser(t, site)
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			xssLoadAll(t, site, anonymous, canary, g.paths)
		})
	}
	// The queue shows every flagged question with its note, the log every reason, and a
	// moderator's thread page the moderation panel.
	t.Run("moderation pages, as a moderator", func(t *testing.T) {
		xssLoadAll(t, site, f.mod, canary, []string{"/moderation", "/moderation/log", threadPath(f.threads[0].ID)})
	})
	t.Run("pages that gather every payload, with the CSP", func(t *testing.T) {
		tab := newTab(t)
		w := watchXSS(t, tab, canary)
		if seen := w.load(t, tab, canary+"/inline-script"); len(seen.violations) == 0 {
			t.Fatal("a canary page broke the CSP but the watch saw no violation")
		}
		for _, p := range xssBrowserPages(t, anonymous, []string{threadPath(f.threads[0].ID), "/tags", "/tags/xss-all", history,
			"/attachments/" + itoa(f.openers[0].Attachments[0].ID)}) {
			seen := w.load(t, tab, site.URL+p.path)
			for _, problem := range seen.problems(site.URL+p.path, p.title) {
				t.Errorf("%s: %s", p.path, problem)
			}
			for _, v := range seen.violations {
				t.Errorf("%s: the CSP blocked something, so markup got through: %s", p.path, v)
			}
		}
	})
}

// xssBrowserPage is a page to load and the title it is served with.
type xssBrowserPage struct{ path, title string }

// xssBrowserPages reads the pages at paths over HTTP, and the pages their rel=next links
// lead to, for the titles they are served with.
// xssLoadAll loads paths, and the pages after them, in a new tab with the CSP bypassed and
// the cookies of b (its session, if any), and fails on anything a payload did.
func xssLoadAll(t *testing.T, site *testSite, b *browser, canary string, paths []string) {
	t.Helper()
	tab := newTab(t)
	w := watchXSS(t, tab, canary)
	if _, err := chromedp.Call(tab, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("bypass the CSP: %v", err)
	}
	for _, c := range b.c.Jar.Cookies(mustURL(t, site.URL)) {
		if _, err := chromedp.Call(tab, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: site.URL}); err != nil {
			t.Fatalf("set cookie %s: %v", c.Name, err)
		}
	}
	for _, p := range xssBrowserPages(t, b, paths) {
		for _, problem := range w.load(t, tab, site.URL+p.path).problems(site.URL+p.path, p.title) {
			t.Errorf("%s: %s", p.path, problem)
		}
	}
}

// xssBrowserPages lists paths and the pages their "next" links lead to, with each page's
// title as b reads it.
func xssBrowserPages(t *testing.T, b *browser, paths []string) []xssBrowserPage {
	t.Helper()
	var pages []xssBrowserPage
	for _, path := range paths {
		for path != "" && len(pages) < 1000 {
			res, doc := b.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			title := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Title })
			pages = append(pages, xssBrowserPage{path: path, title: xssDocumentTitle(rawText(title, nil))})
			path = ""
			if next := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.A && attr(n, "rel") == "next" }); next != nil {
				path = attr(next, "href")
			}
		}
	}
	return pages
}

// xssDocumentTitle is document.title for a <title> with this text: ASCII white space
// stripped and collapsed.
func xssDocumentTitle(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("\t\n\f\r ", r) }), " ")
}

// xssWatch sees what the tab's pages do: the dialogs they open, which it dismisses so
// that the page goes on, and their console messages.
type xssWatch struct {
	mu      sync.Mutex
	dialogs []string
	console func() (chromedp.ConsoleMessage, error, bool)
	pages   int // pages loaded, to number the console markers
}

// xssCanary serves the pages that show the watch works: at /run a page that does every
// thing the payloads try, and at /inline-script one whose inline script its own
// Content-Security-Policy forbids.
func xssCanary(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/inline-script" {
			rw.Header().Set("Content-Security-Policy", "script-src 'self'")
			fmt.Fprint(rw, `<!doctype html><title>Canary</title><script>window.__canary = 1</script>`)
			return
		}
		fmt.Fprint(rw, `<!doctype html><title>Canary</title><body>`+
			`<img src="data:," onerror="console.log('`+xssMarker+`'); window.__xss = 1; document.title = 'XSS'; alert(1)">`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// watchXSS watches tab. It first loads the canary's /run page, to show that the watch
// sees each thing a payload might do.
func watchXSS(t *testing.T, tab context.Context, canary string) *xssWatch {
	t.Helper()
	w := &xssWatch{}
	// A document may open one dialog; later ones are dropped. Otherwise a payload such as
	// <input autofocus onfocus=alert(1)> opens a dialog each time closing the last one
	// gives the focus back, and the tab never gets to the next page. One dialog is enough
	// to fail the test.
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		for (const name of ["alert", "confirm", "prompt"]) {
			const open = window[name];
			window[name] = function (...args) { if (!window.__dialogShown) { window.__dialogShown = true; return open.apply(this, args); } };
		}`}); err != nil {
		t.Fatal(err)
	}
	// Listen runs the func before the command the event precedes returns, so a dialog a
	// page opens is on the list by the time the check after loading it returns. The func
	// may not send commands itself; a goroutine closes the dialogs it reports: dismissed,
	// but a "leave this page?" one accepted, so that the next navigation goes ahead.
	dialogs := make(chan page.DialogType, 64) // dialogs come one at a time: each blocks its page
	err := chromedp.Listen(tab, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			w.mu.Lock()
			w.dialogs = append(w.dialogs, fmt.Sprintf("%s(%q)", e.Type, e.Message))
			w.mu.Unlock()
			select {
			case dialogs <- e.Type:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-tab.Done():
				return
			case typ := <-dialogs:
				_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: typ == page.DialogTypeBeforeunload})
			}
		}
	}()
	next, stop := iter.Pull2(chromedp.Console(tab))
	t.Cleanup(stop)
	w.console = next

	seen := w.load(t, tab, canary+"/run")
	if len(seen.dialogs) == 0 || len(seen.console) == 0 || !seen.XSS || seen.Title != "XSS" {
		t.Fatalf("a canary page ran every effect but the watch saw dialogs %q, console %q, __xss %v, title %q",
			seen.dialogs, seen.console, seen.XSS, seen.Title)
	}
	return w
}

// xssSeen is what one page did.
type xssSeen struct {
	XSS        bool   `json:"xss"` // window.__xss is set
	Title      string `json:"title"`
	URL        string `json:"url"`
	dialogs    []string
	console    []string // messages that hold xssMarker
	violations []string // Content-Security-Policy reports
}

// load navigates to rawURL and reports what the page did. After the page's load event it
// waits for one animation frame and the task after it, so that what the page queued while
// loading (autofocus, an image's error event) has run, then logs a marker that ends the
// page's console messages.
func (w *xssWatch) load(t *testing.T, tab context.Context, rawURL string) xssSeen {
	t.Helper()
	loadPage(t, tab, rawURL)
	w.pages++
	marker := "xss-test-page-" + strconv.Itoa(w.pages)
	seen, err := chromedp.Run(tab, chromedp.Evaluate[xssSeen](`new Promise(done => requestAnimationFrame(() => setTimeout(done)))
		.then(() => { console.info(`+strconv.Quote(marker)+`); return {xss: window.__xss !== undefined, title: document.title, url: location.href} })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: read the page's state: %v", rawURL, err)
	}
	for {
		m, err, ok := w.console()
		if !ok || err != nil {
			t.Fatalf("read the console: %v", err)
		}
		if m.Type == chromedp.ConsoleInfo && m.Text == marker {
			break
		}
		switch {
		case strings.Contains(m.Text, xssMarker):
			seen.console = append(seen.console, m.String())
		case m.Source == "security" || strings.Contains(m.Text, "Content Security Policy"):
			seen.violations = append(seen.violations, m.String())
		}
	}
	w.mu.Lock()
	seen.dialogs, w.dialogs = w.dialogs, nil
	w.mu.Unlock()
	return seen
}

// problems lists the signs that a payload ran on a page served with title at rawURL.
func (s xssSeen) problems(rawURL, title string) []string {
	var out []string
	for _, d := range s.dialogs {
		out = append(out, "a dialog opened: "+d)
	}
	for _, m := range s.console {
		out = append(out, "the console shows "+m)
	}
	if s.XSS {
		out = append(out, "window.__xss is set")
	}
	if s.Title != title {
		out = append(out, fmt.Sprintf("document.title is %q, want %q as served", s.Title, title))
	}
	if s.URL != rawURL {
		out = append(out, fmt.Sprintf("the page moved to %s", s.URL))
	}
	return out
}
