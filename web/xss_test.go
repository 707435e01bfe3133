package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// xssPayload is hostile input. Each one that could run does one of the things
// the browser test watches for: alert(1), console.log("XSS-MARKER"),
// document.title='XSS' or window.__xss=1.
type xssPayload struct {
	name string
	text string
}

var xssPayloads = []xssPayload{
	{"script element", `<script>alert(1)</script>`},
	{"script with data src", `<script src="data:text/javascript,window.__xss=1"></script>`},
	{"img onerror", `<img src=x onerror="console.log('XSS-MARKER')">`},
	{"svg onload", `<svg onload="window.__xss=1"><circle r="5"/></svg>`},
	{"svg script", `<svg><script>alert(1)</script></svg>`},
	{"svg animate onbegin", `<svg><animate onbegin="document.title='XSS'" attributeName="x" dur="1s"/></svg>`},
	{"body onload", `<body onload="document.title='XSS'">`},
	{"autofocus onfocus", `<input autofocus onfocus="alert(1)"> <a autofocus tabindex=1 onfocus="window.__xss=1">x</a>`},
	{"details ontoggle", `<details open ontoggle="console.log('XSS-MARKER')"><summary>x</summary></details>`},
	{"iframe srcdoc", `<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>`},
	{"iframe javascript", `<iframe src="javascript:alert(1)"></iframe>`},
	{"object and embed", `<object data="data:text/html,<script>alert(1)</script>"></object><embed src="javascript:alert(1)">`},
	{"markdown javascript link", `[click me](javascript:alert(1))`},
	{"markdown entity-encoded javascript link", `[click me](&#x6A;avascript&#58;alert(1)) [tab](java&#x09;script:alert(1))`},
	{"markdown vbscript link", `[click me](vbscript:msgbox(1))`},
	{"markdown data link", `[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`},
	{"markdown javascript image", `![x](javascript:alert(1)) ![y](https://example.com/a.png" onerror="alert(1))`},
	{"markdown javascript autolink", `<javascript:alert(1)> <JaVaScRiPt:window.__xss=1>`},
	{"html javascript href with tab", `<a href="jav&#x09;ascript:alert(1)">x</a> <a href=" javascript:alert(1)">y</a>`},
	{"markdown html block", "<div onmouseover=\"alert(1)\">\n\n**hover**\n\n</div>"},
	{"markdown heading img", "# <img src=x onerror=\"window.__xss=1\">\n"},
	{"style element", `<style>body{background:url("javascript:alert(1)")}*{color:red}</style>`},
	{"style attribute", `<p style="background:url(javascript:alert(1));position:fixed;inset:0">x</p>`},
	{"css expression", `<div style="width:expression(alert(1))">x</div> <link rel=stylesheet href="data:text/css,*{color:red}">`},
	{"meta refresh and base", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="javascript:alert(1)//">`},
	{"form and formaction", `<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>`},
	{"mathml xlink", `<math><a xlink:href="javascript:alert(1)">x</a></math>`},
	{"attribute breakout", `"><script>alert(1)</script>`},
	{"single-quote attribute breakout", `'><img src=x onerror=alert(1)>`},
	{"javascript string breakout", `'-alert(1)-' ";window.__xss=1;//`},
	{"script close", `</script><script>alert(1)</script>`},
	{"title and textarea close", `</title></textarea><script>document.title='XSS'</script>`},
	{"comment close", `--><script>alert(1)</script><!--`},
	{"cdata close", `]]><script>alert(1)</script><![CDATA[`},
	{"template actions", `{{.}} {{template "layout" .}} {{printf "%s" "<script>alert(1)</script>"}} ${alert(1)} {{constructor.constructor('alert(1)')()}}`},
	{"unicode escapes", `\u003cscript\u003ealert(1)\u003c/script\u003e \x3cscript\x3ewindow.__xss=1\x3c/script\x3e`},
	{"fullwidth brackets", `＜script＞alert(1)＜/script＞ ＜img src=x onerror=alert(1)＞`},
	{"entity encoded", `&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;`},
	{"null bytes", "<scr\x00ipt>alert(1)</scr\x00ipt> <img src=x o\x00nerror=alert(1)> [x](java\x00script:alert(1))"},
	{"line separators", "\u2028\u2029</script><script>alert(1)</script>\u2028"},
	{"bidi and zero width", "\u202e<script>alert(1)</script>\u200b<img src=x onerror=alert(1)>"},
	{"mention breakout", `@ana"><script>alert(1)</script> @b"onmouseover="alert(1)`},
	{"very long", strings.Repeat(`<img src=x onerror="window.__xss=1">`, 800)},
	{"file name img onerror", `<img src=x onerror=alert(1)>.log`},
	{"file name attribute breakout", `"><svg onload="window.__xss=1">.txt`},
	{"file name single-quote breakout", `x' onerror='alert(1)' '.log`},
	{"file name url breakout", `a.log?x="><img src=x onerror=alert(1)>#.log`},
	{"file name header breakout", "a.log\"; filename=\"evil.html\nContent-Type: text/html\n\n<img src=x onerror=alert(1)>.log"},
}

// xssFixture is a forum with every payload planted where people can write: for payload i,
// tag i (name and description), user i (display name and signature), thread i asked by
// user i through the composer (title and body, and a file named and filled with the
// payload), edited with the payload as its summary,
// and a reply by user i in thread 0. User 0 also edits thread 0's question once per
// payload, so one history page shows every summary, and thread 0 has an accepted and a
// recommended reply, which its page summarises.
type xssFixture struct {
	payloads []xssPayload
	users    []parley.User
	tags     []parley.Tag
	threads  []parley.Thread // as stored, after the edits
	openers  []parley.Post   // each thread's question
	mod      *browser        // a moderator, who reads the queue and the log
}

func plantXSS(t *testing.T, site *testSite, payloads []xssPayload) *xssFixture {
	t.Helper()
	ctx := context.Background()
	md := markdown.New()
	f := &xssFixture{payloads: payloads}
	if _, err := site.Store.CreateTag(ctx, parley.NewTag{Slug: "xss-all", Name: "XSS payloads", Description: "Every thread of the XSS tests."}); err != nil {
		t.Fatal(err)
	}
	subtopic := itoa(firstSubtopic(t, site).ID)
	browsers := make([]*browser, len(payloads))
	for i, p := range payloads {
		// What goes into the store directly is cleaned as forms clean it: no database
		// stores NUL bytes, and no form passes them on.
		text := strings.ReplaceAll(p.text, "\x00", "")
		tag, err := site.Store.CreateTag(ctx, parley.NewTag{Slug: xssTagSlug(i), Name: xssFit(text, parley.MaxName), Description: text})
		if err != nil {
			t.Fatalf("%s: create tag: %v", p.name, err)
		}
		signature := xssFit(text, parley.MaxSignature)
		u, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: xssHandle(i), DisplayName: xssFit(text, parley.MaxName),
			Signature: signature, SignatureHTML: md.Render(signature)})
		if err != nil {
			t.Fatalf("%s: create user: %v", p.name, err)
		}
		f.tags, f.users = append(f.tags, tag), append(f.users, u)
		browsers[i] = xssSessionBrowser(t, site, u)
		res, _ := browsers[i].upload("/ask", "", map[string]string{"title": xssTitle(p.text), "subtopic": subtopic,
			"tags": "xss-all, " + tag.Slug, "body": p.text, "action": "post"}, xssFile(p.text, ".log"))
		id, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/threads/"), 10, 64)
		if res.StatusCode != http.StatusSeeOther || err != nil {
			t.Fatalf("%s: asking answered %d to %q", p.name, res.StatusCode, res.Header.Get("Location"))
		}
		posts, err := site.Store.Posts(ctx, id, 0, 1)
		if err != nil || len(posts[0].Attachments) != 1 {
			t.Fatalf("%s: the question was stored without its file (%v)", p.name, err)
		}
		f.openers = append(f.openers, posts[0])
	}
	first := threadPath(f.openers[0].ThreadID)
	for i, p := range payloads {
		if res, _ := browsers[i].submitTo(first, first+"/replies", map[string]string{"body": p.text}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: replying answered %d", p.name, res.StatusCode)
		}
		summary := strings.TrimSpace(xssFit(p.text, parley.MaxSummary))
		if i > 0 {
			xssEdit(t, browsers[i], f.openers[i], p.text+"\n\nEdited.", summary)
		}
		version := fmt.Sprintf("Version %d.\n\n%s", i+2, p.text)
		if i == 0 {
			xssEdit(t, browsers[0], f.openers[0], version, summary)
			continue
		}
		// One account saves edits only so fast, so the question's later versions go into
		// the store directly, cleaned and rendered as the edit form does.
		version = strings.ReplaceAll(strings.ToValidUTF8(version, "\uFFFD"), "\x00", "")
		summary = strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(summary, "\uFFFD"), "\x00", ""))
		if _, err := site.Store.EditPost(ctx, parley.PostEdit{PostID: f.openers[0].ID, EditorID: f.users[0].ID, Text: storetest.Text(version), Summary: summary}); err != nil {
			t.Fatalf("%s: editing the first question: %v", p.name, err)
		}
	}
	replies, err := site.Store.Posts(ctx, f.openers[0].ThreadID, f.openers[0].ID, len(payloads))
	if err != nil || len(replies) < 3 {
		t.Fatalf("thread 0 has replies %d (%v), want %d", len(replies), err, len(payloads))
	}
	accept := first + "/accept"
	if res, _ := browsers[0].post(accept, urlValues(map[string]string{"csrf": csrfOf(t, browsers[0]), "post": itoa(replies[1].ID)})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepting answered %d", res.StatusCode)
	}
	staff, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: "xss_staff", DisplayName: "Staff", Role: parley.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	sb := xssSessionBrowser(t, site, staff)
	sb.get(first) // for the form token
	recommend := "/posts/" + itoa(replies[2].ID) + "/recommend"
	if res, _ := sb.post(recommend, urlValues(map[string]string{"csrf": csrfOf(t, sb), "on": "1"})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("recommending answered %d", res.StatusCode)
	}
	for _, op := range f.openers {
		th, err := site.Store.Thread(ctx, op.ThreadID)
		if err != nil {
			t.Fatal(err)
		}
		f.threads = append(f.threads, th)
	}
	f.mod = plantModeration(t, site, f)
	return f
}

// plantModeration flags every question with its payload as the note and locks and unlocks
// every thread with the payload as the reason, so that the moderation queue and log show
// each payload next to titles and handles made of payloads. It returns the moderator.
func plantModeration(t *testing.T, site *testSite, f *xssFixture) *browser {
	t.Helper()
	ctx := context.Background()
	mod, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: "xss_mod", DisplayName: "Moderator", Role: parley.RoleModerator})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range f.payloads {
		reason := xssFit(strings.ReplaceAll(p.text, "\x00", ""), parley.MaxReason)
		reporter := f.users[(i+1)%len(f.users)]
		if _, err := site.Store.FlagPost(ctx, parley.NewFlag{PostID: f.openers[i].ID, ReporterID: reporter.ID, Reason: parley.FlagOther, Note: reason}); err != nil {
			t.Fatalf("%s: flag: %v", p.name, err)
		}
		for _, on := range []bool{true, false} {
			if err := site.Store.SetLocked(ctx, f.openers[i].ThreadID, on, parley.Audit{ActorID: mod.ID, Reason: reason}); err != nil {
				t.Fatalf("%s: lock: %v", p.name, err)
			}
		}
	}
	b := xssSessionBrowser(t, site, mod)
	b.get("/") // for the form token
	return b
}

// xssFile is a text file named with a payload, cut to fit a file name and given ext, and
// holding the payload (without NUL, which would make it no text file).
func xssFile(payload, ext string) sentFile {
	name := xssFit(payload, parley.MaxFileName-10)
	if !strings.HasSuffix(name, ext) {
		name += ext
	}
	return textFile(name, strings.ReplaceAll(payload, "\x00", "")+"\n")
}

func xssTagSlug(i int) string { return fmt.Sprintf("xss-%02d", i) }
func xssHandle(i int) string  { return fmt.Sprintf("xss_%02d", i) }

// xssTitle fits a payload into a thread title's limits, padding short ones.
func xssTitle(s string) string {
	s = strings.TrimSpace(xssFit(s, parley.MaxTitle))
	if utf8.RuneCountInString(s) < parley.MinTitle {
		s = "XSS test " + s
	}
	return s
}

// xssFit cuts s to at most n runes, as a field's limit asks.
func xssFit(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func xssEdit(t *testing.T, b *browser, p parley.Post, body, summary string) {
	t.Helper()
	edit := "/posts/" + itoa(p.ID) + "/edit"
	if res, _ := b.submit(edit, map[string]string{"body": body, "summary": summary, "action": "save"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("editing post %d answered %d", p.ID, res.StatusCode)
	}
}

// xssSessionBrowser is a browser signed in as u through a session made in the store, so that
// dozens of users can sign in without meeting the sign-in rate limits.
func xssSessionBrowser(t *testing.T, site *testSite, u parley.User) *browser {
	t.Helper()
	token, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := site.Store.CreateSession(context.Background(), parley.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, site)
	b.c.Jar.SetCookies(mustURL(t, site.URL), []*http.Cookie{{Name: "parley_session", Value: token}})
	return b
}

// TestXSSPayloadsStayInertOnEveryPage reads, as a reader without a session, every page and
// feed that shows a planted payload, and the error pages that repeat one from the URL. On
// each page no script may appear but the site's own, no event handler or style attribute,
// no javascript:, vbscript: or data: URL, no frame, plugin or style element, and in post
// bodies and signatures only what the Markdown policy allows; feeds must be well-formed
// XML whose HTML holds the same. Each payload must also show as the text it is.
func TestXSSPayloadsStayInertOnEveryPage(t *testing.T) {
	if len(xssPayloads) < 30 {
		t.Fatalf("%d payloads, want at least 30", len(xssPayloads))
	}
	site := newSiteWith(t, tinyForum, web.Config{AddressPosts: 1000}) // every payload is posted from one address
	f := plantXSS(t, site, xssPayloads)
	first := f.threads[0]

	t.Run("lists", func(t *testing.T) {
		for _, path := range []string{"/", "/threads", "/tags", "/tags/xss-all", "/tags/xss-all?sort=newest"} {
			xssCheckPages(t, site, path)
		}
		for _, path := range []string{"/threads", "/tags/xss-all"} {
			xssCheckFeed(t, site, path+".rss")
			xssCheckFeed(t, site, path+".atom")
		}
		_, doc := xssCheckPage(t, site, "/tags", http.StatusOK)
		for i, tag := range f.tags {
			item := find(doc, func(n *html.Node) bool {
				return n.DataAtom == atom.A && attr(n, "href") == "/tags/"+tag.Slug
			})
			if !xssShows(item, tag.Name) {
				t.Errorf("%s: the tag index does not show the tag's name as text", f.payloads[i].name)
				continue
			}
			if !strings.Contains(xssText(textOf(item.Parent.Parent)), xssText(tag.Description)) {
				t.Errorf("%s: the tag index does not show the tag's description as text", f.payloads[i].name)
			}
		}
	})

	t.Run("moderation pages", func(t *testing.T) {
		for _, path := range []string{"/moderation", "/moderation/log", threadPath(first.ID)} {
			for path != "" {
				res, doc := f.mod.get(path)
				xssCheckDoc(t, path, res, doc, http.StatusOK)
				path = ""
				if next := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.A && attr(n, "rel") == "next" }); next != nil {
					path = attr(next, "href")
				}
			}
		}
		_, doc := f.mod.get("/moderation")
		for i, p := range f.payloads {
			entry := find(doc, func(n *html.Node) bool { return attr(n, "id") == "flagged-"+itoa(f.openers[i].ID) })
			if !strings.Contains(xssText(textOf(entry)), xssText(strings.TrimSpace(xssFit(p.text, parley.MaxReason)))) {
				t.Errorf("%s: the queue does not show the flag's note as text", p.name)
			}
		}
	})

	t.Run("thread with every reply", func(t *testing.T) {
		doc := xssCheckPages(t, site, threadPath(first.ID))
		for _, class := range []string{"accepted-summary", "recommended-summary"} {
			if find(doc, func(n *html.Node) bool { return hasClass(n, class) }) == nil {
				t.Errorf("the page has no .%s, so the test misses where it shows a reply's author", class)
			}
		}
		xssCheckPage(t, site, "/posts/"+itoa(f.openers[0].ID)+"/revisions?from=1&to="+itoa(int64(len(f.payloads)+1)), http.StatusOK)
		_, doc = xssCheckPage(t, site, "/posts/"+itoa(f.openers[0].ID)+"/revisions", http.StatusOK)
		cells := findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Td })
		for _, p := range f.payloads {
			want := xssFit(p.text, parley.MaxSummary)
			if !slices.ContainsFunc(cells, func(n *html.Node) bool { return xssShows(n, want) }) {
				t.Errorf("%s: the revision history does not show the edit summary as text", p.name)
			}
		}
	})

	for i, p := range f.payloads {
		t.Run(p.name, func(t *testing.T) {
			th, u, tag := f.threads[i], f.users[i], f.tags[i]
			path := threadPath(th.ID)
			doc := xssCheckPages(t, site, path)
			if !xssShows(find(doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 }), th.Title) {
				t.Errorf("the thread's h1 does not show its title %q as text", th.Title)
			}
			if ld := xssJSONLD(t, doc); ld.Headline != th.Title || ld.Author.Name != u.DisplayName {
				t.Errorf("JSON-LD headline %q by %q, want %q by %q", ld.Headline, ld.Author.Name, th.Title, u.DisplayName)
			}
			xssCheckFeed(t, site, path+".rss")
			xssCheckFeed(t, site, path+".atom")
			xssCheckFile(t, site, doc, f.openers[i].Attachments[0])

			doc = xssCheckPages(t, site, "/tags/"+tag.Slug)
			if !xssShows(find(doc, func(n *html.Node) bool { return hasClass(n, "intro") }), tag.Description) {
				t.Errorf("the tag page does not show the description as text")
			}
			if !xssShows(find(doc, func(n *html.Node) bool { return n.DataAtom == atom.A && attr(n, "href") == path }), th.Title) {
				t.Errorf("the tag page does not list the thread's title as text")
			}
			xssCheckFeed(t, site, "/tags/"+tag.Slug+".rss")
			xssCheckFeed(t, site, "/tags/"+tag.Slug+".atom")

			doc = xssCheckPages(t, site, "/users/"+u.Handle)
			if !xssShows(find(doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 }), u.DisplayName) {
				t.Errorf("the profile's h1 does not show the display name as text")
			}
			if find(doc, func(n *html.Node) bool { return hasClass(n, "signature") }) == nil && strings.TrimSpace(u.SignatureHTML) != "" {
				t.Errorf("the profile does not show the signature")
			}

			doc = xssCheckPages(t, site, "/posts/"+itoa(f.openers[i].ID)+"/revisions")
			want := xssFit(p.text, parley.MaxSummary)
			if !slices.ContainsFunc(findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Td }), func(n *html.Node) bool { return xssShows(n, want) }) {
				t.Errorf("the revision history does not show the edit summary as text")
			}

			// Error pages repeat what was asked for.
			bad := url.PathEscape(xssFit(p.text, 200))
			for _, path := range []string{"/users/" + bad, "/tags/" + bad, "/threads/" + bad, "/posts/" + bad + "/revisions", "/" + bad} {
				xssCheckPage(t, site, path, http.StatusNotFound)
			}
		})
	}
}

// TestXSSPayloadsStayInertInForms checks the pages that show what was just typed: the
// composer's preview and its refusal, the edit preview, and sign-up.
func TestXSSPayloadsStayInertInForms(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{AddressPosts: 1000}) // every payload is posted from one address
	ctx := context.Background()
	u, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: "xss_author", DisplayName: "XSS author"})
	if err != nil {
		t.Fatal(err)
	}
	b := xssSessionBrowser(t, site, u)
	_, op := askAs(t, site, b, "A thread to edit with hostile previews")
	subtopic := itoa(firstSubtopic(t, site).ID)
	for i, p := range xssPayloads {
		t.Run(p.name, func(t *testing.T) {
			b := xssSessionBrowser(t, site, u)
			// Each asker has their own upload allowance, which one asker would use up here.
			asker, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: fmt.Sprintf("xss_asker_%02d", i), DisplayName: "Asker"})
			if err != nil {
				t.Fatal(err)
			}
			ab := xssSessionBrowser(t, site, asker)
			file := xssFile(p.text, ".log")
			res, doc := ab.upload("/ask", "", map[string]string{"title": xssTitle(p.text), "subtopic": subtopic, "tags": "network", "body": p.text, "action": "preview"},
				file, xssFile(p.text, ".svg"))
			xssCheckDoc(t, "ask preview", res, doc, http.StatusBadRequest)
			if find(doc, func(n *html.Node) bool { return hasClass(n, "preview") }) != nil {
				t.Error("the composer shows a preview beside a refused file")
			}
			if got := fieldError(doc, "attachments"); !strings.Contains(xssText(got), xssText(parley.CleanFileName(xssFile(p.text, ".svg").name))) {
				t.Errorf("the refusal %q does not name the refused file as text", got)
			}
			kept := find(doc, func(n *html.Node) bool { return hasClass(n, "kept-files") })
			if kept == nil || !strings.Contains(xssText(textOf(kept)), xssText(parley.CleanFileName(file.name))) {
				t.Errorf("the composer does not show the kept file %q as text", parley.CleanFileName(file.name))
			}
			res, doc = ab.upload("/ask", "", map[string]string{"title": xssTitle(p.text), "subtopic": subtopic, "tags": "network", "body": p.text, "action": "preview"}, file)
			xssCheckDoc(t, "ask preview", res, doc, http.StatusOK)
			if find(doc, func(n *html.Node) bool { return hasClass(n, "preview") }) == nil {
				t.Error("the composer shows no preview")
			}
			// Without a subtopic the question is refused and comes back as typed. The
			// title and tags are cut as the browser's maxlength would; the whole form must
			// stay under the server's form size limit.
			title, tags := xssFit(p.text, parley.MaxTitle), xssFit(p.text, 200)
			res, doc = b.submit("/ask", map[string]string{"title": title, "subtopic": "", "tags": tags, "body": p.text, "action": "post"})
			xssCheckDoc(t, "refused question", res, doc, http.StatusBadRequest)
			if got := inputValue(doc, "title"); got != strings.TrimSpace(title) && !strings.ContainsRune(title, 0) {
				t.Errorf("the refused composer shows the title as %q, want it as typed", got)
			}

			// Each payload's edit is previewed by a moderator of its own: previews are limited
			// per account, and one editor would use up the allowance here.
			mod, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: fmt.Sprintf("xss_editor_%02d", i), DisplayName: "Editor", Role: parley.RoleModerator})
			if err != nil {
				t.Fatal(err)
			}
			res, doc = xssSessionBrowser(t, site, mod).submit("/posts/"+itoa(op.ID)+"/edit", map[string]string{"body": p.text, "summary": xssFit(p.text, parley.MaxSummary), "action": "preview"})
			xssCheckDoc(t, "edit preview", res, doc, http.StatusOK)

			// Handles are letters, digits and underscores only: a payload is refused, and
			// the refusal shows the handle and display name back, inert.
			fields := map[string]string{"handle": p.text, "display_name": xssFit(p.text, parley.MaxName),
				"email": fmt.Sprintf("xss%d@example.com", i), "password": "long enough password"}
			res, doc = newBrowser(t, site).submit("/signup", fields)
			xssCheckDoc(t, "refused sign-up", res, doc, http.StatusBadRequest)
			if fieldError(doc, "handle") == "" {
				t.Error("sign-up gave no reason beside the handle field")
			}
			if _, err := site.Store.UserByHandle(ctx, p.text); !errors.Is(err, parley.ErrNotFound) {
				t.Errorf("looking up the refused handle: %v, want not found", err)
			}
			if _, err := site.Store.CreateUser(ctx, parley.NewUser{Handle: xssFit(p.text, 30), DisplayName: "x"}); parley.ErrorCode(err) != parley.EInvalid {
				t.Errorf("the store took the handle %q: %v", xssFit(p.text, 30), err)
			}
		})
	}

	// A display name may be anything printable: sign-up takes a hostile one, and the
	// profile and header show it as text.
	name := `"><script>alert(1)</script>'-alert(1)-'</title>`
	nb := newBrowser(t, site)
	res, _ := nb.submit("/signup", map[string]string{"handle": "xss_signup", "display_name": name, "email": "xss-signup@example.com", "password": "long enough password"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up with a hostile display name answered %d, want 303", res.StatusCode)
	}
	res, doc := nb.get("/users/xss_signup")
	xssCheckDoc(t, "/users/xss_signup signed in", res, doc, http.StatusOK)
	if !xssShows(find(doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 }), name) {
		t.Errorf("the profile does not show the display name %q as text", name)
	}
	if got := nb.signedInAs(); got != name {
		t.Errorf("the header shows the signed-in user as %q, want %q", got, name)
	}
}

// xssCheckFile checks a text file named and filled with a payload: the thread page (doc)
// lists it by its name as text, its page shows the name and every line as text, and the
// file is served with its own name in a download disposition that parses back to it.
func xssCheckFile(t *testing.T, site *testSite, doc *html.Node, a parley.Attachment) {
	t.Helper()
	view := "/attachments/" + itoa(a.ID)
	link := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.A && attr(n, "href") == view })
	if !xssShows(link, a.Name) {
		t.Errorf("the thread does not list the file %q by its name as text", a.Name)
	}
	_, page := xssCheckPage(t, site, view, http.StatusOK)
	if !xssShows(find(page, func(n *html.Node) bool { return n.DataAtom == atom.H1 }), a.Name) {
		t.Errorf("the file's page does not show its name %q as text", a.Name)
	}
	if lines := lineItems(page); len(lines) != a.Lines {
		t.Errorf("the file's page shows %d lines, want %d", len(lines), a.Lines)
	}
	res, _ := site.get(t, "/attachments/"+itoa(a.ID)+"/"+url.PathEscape(a.Name))
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if res.StatusCode != http.StatusOK || err != nil || params["filename"] != a.Name || res.Header.Get("Content-Type") != parley.TypeText {
		t.Errorf("the file is served %d as %q with %q (%v), want its name %q", res.StatusCode, res.Header.Get("Content-Type"),
			res.Header.Get("Content-Disposition"), err, a.Name)
	}
}

// xssText is s as a page shows it, for comparing: white space collapsed, and NUL left out
// (html/template writes it as U+FFFD, the HTML parser drops a raw one).
func xssText(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\x00", "", "\uFFFD", "").Replace(s)), " ")
}

// xssShows reports whether n's text is s.
func xssShows(n *html.Node, s string) bool { return n != nil && xssText(textOf(n)) == xssText(s) }

// xssCheckPages checks the page at path and the pages its rel=next links lead to, and
// returns the first.
func xssCheckPages(t *testing.T, site *testSite, path string) *html.Node {
	t.Helper()
	_, first := xssCheckPage(t, site, path, http.StatusOK)
	doc := first
	for range 10 {
		next := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.A && attr(n, "rel") == "next" })
		if next == nil {
			return first
		}
		_, doc = xssCheckPage(t, site, attr(next, "href"), http.StatusOK)
	}
	t.Errorf("%s: more than 10 pages", path)
	return first
}

// xssCheckPage fetches path as a reader without a session and checks it.
func xssCheckPage(t *testing.T, site *testSite, path string, status int) (*http.Response, *html.Node) {
	t.Helper()
	res, body := site.get(t, path)
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	xssCheckDoc(t, path, res, doc, status)
	return res, doc
}

func xssCheckDoc(t *testing.T, where string, res *http.Response, doc *html.Node, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("%s: status %d, want %d", where, res.StatusCode, status)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", where, ct)
	}
	for _, p := range xssProblems(doc, false) {
		t.Errorf("%s: %s", where, p)
	}
}

// The page parts that hold what users wrote: post bodies and previews, and signatures.
// Inside them only the elements the Markdown policy allows may appear.
var (
	xssUserContentClasses = []string{"post-body", "signature"}
	xssContentElements    = []string{"p", "br", "hr", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
		"em", "strong", "del", "a", "img", "pre", "code", "span", "table", "thead", "tbody", "tr", "th", "td", "sup", "div", "input"}
	// xssForbiddenElements never belong on a page of the site, wherever they come from.
	xssForbiddenElements = []string{"iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "svg", "math",
		"noscript", "template", "portal", "fencedframe"}
	// xssURLAttributes are the attributes a browser follows or loads as URLs.
	xssURLAttributes = []string{"href", "src", "action", "formaction", "poster", "background", "cite", "data", "longdesc",
		"lowsrc", "dynsrc", "ping", "manifest", "icon", "codebase", "archive", "usemap"}
)

// xssProblems lists what in doc could run script or restyle the page. In a feed every
// element is user content and no script belongs at all; on a page the site's own scripts
// are allowed: a file under /static/, and JSON-LD that parses as JSON.
func xssProblems(doc *html.Node, feed bool) []string {
	var problems []string
	add := func(n *html.Node, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("<%s %s>: ", n.Data, xssAttrs(n))+fmt.Sprintf(format, args...))
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.DataAtom == atom.Script:
			if problem := xssScriptProblem(n, feed); problem != "" {
				add(n, "%s", problem)
			}
		case slices.Contains(xssForbiddenElements, n.Data):
			add(n, "element not allowed")
		case n.DataAtom == atom.Meta:
			name := attr(n, "name")
			if !xssInHead(n) || xssHasAttr(n, "http-equiv") || (!xssHasAttr(n, "charset") && name != "viewport" && name != "description") {
				add(n, "meta element not the site's own")
			}
		case n.DataAtom == atom.Link:
			if !xssInHead(n) || !slices.Contains([]string{"canonical", "alternate", "icon", "stylesheet", "search"}, attr(n, "rel")) ||
				(attr(n, "rel") == "search" && attr(n, "href") != "/opensearch.xml") ||
				(attr(n, "rel") == "stylesheet" && !strings.HasPrefix(attr(n, "href"), "/static/")) {
				add(n, "link element not the site's own")
			}
		}
		if (feed || xssInUserContent(n)) && !slices.Contains(xssContentElements, n.Data) && !slices.Contains([]string{"html", "head", "body"}, n.Data) {
			add(n, "element not allowed in user content")
		}
		if n.DataAtom == atom.Input && (feed || xssInUserContent(n)) && (attr(n, "type") != "checkbox" || !xssHasAttr(n, "disabled")) {
			add(n, "input in user content that is not a disabled checkbox")
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"):
				add(n, "event handler attribute %s", a.Key)
			case key == "style":
				add(n, "style attribute")
			case key == "srcset":
				for _, candidate := range strings.Split(a.Val, ",") {
					if fields := strings.Fields(candidate); len(fields) > 0 && !xssSafeURL(fields[0]) {
						add(n, "unsafe URL in srcset")
					}
				}
			case slices.Contains(xssURLAttributes, key) && !xssSafeURL(a.Val):
				add(n, "unsafe URL in %s", a.Key)
			}
		}
	}
	return problems
}

func xssScriptProblem(n *html.Node, feed bool) string {
	text := rawText(n, nil)
	switch {
	case feed:
		return "script in feed content"
	case xssHasAttr(n, "src"):
		if !strings.HasPrefix(attr(n, "src"), "/static/") || strings.TrimSpace(text) != "" || (attr(n, "type") != "" && attr(n, "type") != "text/javascript") {
			return "script is not the site's own file"
		}
	case attr(n, "type") == "application/ld+json":
		if !json.Valid([]byte(text)) {
			return fmt.Sprintf("JSON-LD is not valid JSON: %.200q", text)
		}
	default:
		return "inline script"
	}
	return ""
}

func xssInHead(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Head {
			return true
		}
	}
	return false
}

func xssInUserContent(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if slices.ContainsFunc(xssUserContentClasses, func(c string) bool { return hasClass(p, c) }) {
			return true
		}
	}
	return false
}

func xssHasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

func xssAttrs(n *html.Node) string {
	var parts []string
	for _, a := range n.Attr {
		key := a.Key
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		parts = append(parts, fmt.Sprintf("%s=%.60q", key, a.Val))
	}
	return strings.Join(parts, " ")
}

// xssSafeURL reads a URL as a browser does (tabs and newlines removed, leading and
// trailing spaces and control characters trimmed) and accepts http, https, mailto and
// URLs without a scheme.
func xssSafeURL(raw string) bool {
	cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(raw)
	cleaned = strings.TrimFunc(cleaned, func(r rune) bool { return r <= ' ' })
	scheme, _, found := strings.Cut(cleaned, ":")
	if !found || strings.ContainsAny(scheme, "/?#") {
		return true // no scheme: a path, query or fragment on this site
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// xssLD is the part of a thread's JSON-LD the tests read.
type xssLD struct {
	Type     string `json:"@type"`
	Headline string `json:"headline"`
	Author   struct {
		Name string `json:"name"`
	} `json:"author"`
}

// xssJSONLD returns the page's one JSON-LD document.
func xssJSONLD(t *testing.T, doc *html.Node) xssLD {
	t.Helper()
	scripts := findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Script && attr(n, "type") == "application/ld+json" })
	if len(scripts) != 1 {
		t.Fatalf("%d JSON-LD scripts, want 1", len(scripts))
	}
	var ld xssLD
	if err := json.Unmarshal([]byte(rawText(scripts[0], nil)), &ld); err != nil || ld.Type != "DiscussionForumPosting" {
		t.Fatalf("JSON-LD %q (%v): want a DiscussionForumPosting", rawText(scripts[0], nil), err)
	}
	return ld
}

// xssCheckFeed fetches a feed and checks that it is well-formed XML whose HTML parts
// (RSS descriptions and content, Atom content of type html) hold no script. Titles and
// other text elements are plain text to every reader, so they need no check.
func xssCheckFeed(t *testing.T, site *testSite, path string) {
	t.Helper()
	res, body := site.get(t, path)
	if res.StatusCode != http.StatusOK {
		t.Errorf("%s: status %d", path, res.StatusCode)
		return
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []xml.StartElement
	var text strings.Builder
	items := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("%s: not well-formed XML: %v", path, err)
			return
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok)
			text.Reset()
			if tok.Name.Local == "item" || tok.Name.Local == "entry" {
				items++
			}
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			el := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !xssFeedHTML(el, stack) {
				continue
			}
			doc, err := html.Parse(strings.NewReader(text.String()))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, p := range xssProblems(doc, true) {
				t.Errorf("%s <%s>: %s", path, el.Name.Local, p)
			}
		}
	}
	if items == 0 {
		t.Errorf("%s: no items", path)
	}
}

// xssFeedHTML reports whether a feed element's text is HTML to a feed reader: an RSS
// item's description and content:encoded, and Atom content and summary of type html.
// RSS 2.0 allows HTML in no other element; the channel's description, which many readers
// show as HTML all the same, is TestXSSRSSChannelDescriptionIsHTML's.
func xssFeedHTML(el xml.StartElement, parents []xml.StartElement) bool {
	switch el.Name.Local {
	case "description", "encoded":
		return len(parents) > 0 && parents[len(parents)-1].Name.Local == "item"
	case "content", "summary": // Atom
		for _, a := range el.Attr {
			if a.Name.Local == "type" {
				return a.Value == "html"
			}
		}
	}
	return false
}

// TestXSSRSSChannelDescriptionIsHTML holds the RSS channel description to what an item's
// description meets: RSS leaves open whether it is HTML, and many readers render it as
// HTML, so user text in it should be escaped HTML that shows as the text.
func TestXSSRSSChannelDescriptionIsHTML(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{AddressPosts: 1000}) // every payload is posted from one address
	f := plantXSS(t, site, xssPayloads[:3])
	for _, path := range []string{"/tags/" + f.tags[0].Slug + ".rss", threadPath(f.threads[0].ID) + ".rss"} {
		_, body := site.get(t, path)
		var rss struct {
			Channel struct {
				Description string `xml:"description"`
			} `xml:"channel"`
		}
		if err := xml.Unmarshal(body, &rss); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		doc, err := html.Parse(strings.NewReader(rss.Channel.Description))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range xssProblems(doc, true) {
			t.Errorf("%s <channel><description>: %s", path, p)
		}
	}
}

// TestXSSCheckerSeesUnescapedPayloads shows that xssProblems would notice a payload that
// reached a page unescaped: every payload with markup in it, put raw into a heading and
// into a post body, gives at least one problem.
func TestXSSCheckerSeesUnescapedPayloads(t *testing.T) {
	for _, p := range xssPayloads {
		if !strings.Contains(p.text, "<") {
			continue // text or Markdown: inert unless rendered, which the page tests check
		}
		page := `<!doctype html><html><head><title>t</title></head><body><h1>` + p.text +
			`</h1><div class="post-body">` + p.text + `</div></body></html>`
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		if len(xssProblems(doc, false)) == 0 {
			t.Errorf("%s: unescaped, the payload raises no problem", p.name)
		}
	}
}
