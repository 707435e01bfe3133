package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sentFile is a file a test sends with a form.
type sentFile struct {
	name    string
	content []byte
}

func textFile(name, content string) sentFile { return sentFile{name, []byte(content)} }

func pngFile(t testing.TB, name string, w, h int) sentFile {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return sentFile{name, b.Bytes()}
}

// upload is submitTo for a form that takes files: it fetches the page at path, keeps the
// form's hidden fields and ticked boxes, fills the named fields, and posts the form as
// multipart/form-data with the files, as a browser does.
func (b *browser) upload(path, action string, fields map[string]string, files ...sentFile) (*http.Response, *html.Node) {
	b.t.Helper()
	_, doc := b.get(path)
	main := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Main })
	form := find(main, func(n *html.Node) bool {
		return n.DataAtom == atom.Form && attr(n, "method") == "post" && (action == "" || attr(n, "action") == action)
	})
	if form == nil {
		b.t.Fatalf("no form on %s", path)
	}
	if got := attr(form, "enctype"); got != "multipart/form-data" {
		b.t.Fatalf("the form on %s has enctype %q, want multipart/form-data", path, got)
	}
	values := url.Values{}
	for _, in := range findAll(form, func(n *html.Node) bool { return n.DataAtom == atom.Input }) {
		if attr(in, "type") == "hidden" || (attr(in, "type") == "checkbox" && xssHasAttr(in, "checked")) {
			values.Add(attr(in, "name"), attr(in, "value"))
		}
	}
	for k, v := range fields {
		values.Set(k, v)
	}
	return b.postFiles(attr(form, "action"), values, files...)
}

// postFiles posts fields and then files as multipart/form-data, fields first as a
// browser's form order has them.
func (b *browser) postFiles(path string, values url.Values, files ...sentFile) (*http.Response, *html.Node) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range values {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		// The browser's claimed type is ignored; claim something wrong to show it.
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{mime.FormatMediaType("form-data", map[string]string{"name": "attachments", "filename": f.name})}
		h["Content-Type"] = []string{"text/html"}
		w, err := mw.CreatePart(h)
		if err != nil {
			b.t.Fatal(err)
		}
		w.Write(f.content)
	}
	mw.Close()
	res, err := b.c.Post(b.site.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, _ := html.Parse(res.Body)
	return res, doc
}

// question are the composer's fields for a question that is right in every way.
func question(t *testing.T, site *testSite, title string) map[string]string {
	return map[string]string{"title": title, "subtopic": itoa(firstSubtopic(t, site).ID), "tags": "network",
		"body": "It crashes, see the files.", "action": "post"}
}

// postedThread follows a 303 after asking to the new thread's question.
func postedThread(t *testing.T, site *testSite, res *http.Response) parley.Post {
	t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/threads/") {
		t.Fatalf("asking answered %d to %q, want 303 to the thread", res.StatusCode, loc)
	}
	var id int64
	fmt.Sscan(strings.TrimPrefix(loc, "/threads/"), &id)
	posts, err := site.Store.Posts(context.Background(), id, 0, 1)
	if err != nil || len(posts) != 1 {
		t.Fatalf("thread %d: %v", id, err)
	}
	return posts[0]
}

func attachmentNames(p parley.Post) []string {
	var names []string
	for _, a := range p.Attachments {
		names = append(names, a.Name)
	}
	return names
}

func TestAskWithAttachments(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "attacher")
	log := textFile("crash.log", "Thread 0 Crashed:\n0   libswiftCore.dylib\n1   Demo <main>\n")
	shot := pngFile(t, "screen shot.png", 320, 200)
	res, _ := b.upload("/ask", "", question(t, site, "The app crashes when the view appears"), log, shot)
	op := postedThread(t, site, res)
	if got := attachmentNames(op); fmt.Sprint(got) != "[crash.log screen shot.png]" {
		t.Fatalf("the question carries %v", got)
	}
	text, img := op.Attachments[0], op.Attachments[1]
	if text.ContentType != parley.TypeText || text.Lines != 3 || img.ContentType != parley.TypePNG || img.Width != 320 || img.Height != 200 {
		t.Errorf("files stored as %+v and %+v", text.File, img.File)
	}

	_, doc := b.get(threadPath(op.ThreadID))
	list := find(doc, sel(atom.Ul, "attachments"))
	if list == nil {
		t.Fatal("the question shows no attachments")
	}
	link := find(list, func(n *html.Node) bool { return n.DataAtom == atom.A && textOf(n) == "crash.log" })
	if link == nil || attr(link, "href") != "/attachments/"+itoa(text.ID) {
		t.Errorf("the log is not linked to its page")
	}
	if facts := textOf(link.Parent); !strings.Contains(facts, "3 lines") {
		t.Errorf("the log is listed as %q, want its line count", facts)
	}
	pic := find(list, func(n *html.Node) bool { return n.DataAtom == atom.Img })
	if pic == nil || attr(pic, "src") != "/attachments/"+itoa(img.ID)+"/screen%20shot.png" || attr(pic, "width") != "320" || attr(pic, "height") != "200" || attr(pic, "alt") != "screen shot.png" {
		t.Errorf("the image is shown as %v", pic)
	}

	t.Run("text file", func(t *testing.T) {
		res, body := site.get(t, "/attachments/"+itoa(text.ID)+"/crash.log")
		checkFileHeaders(t, res, parley.TypeText, `attachment; filename=crash.log`)
		if string(body) != string(log.content) {
			t.Errorf("served %q, want the file as sent", body)
		}
	})
	t.Run("image", func(t *testing.T) {
		res, body := site.get(t, attr(pic, "src"))
		checkFileHeaders(t, res, parley.TypePNG, `inline; filename="screen shot.png"`)
		if !bytes.Equal(body, shot.content) {
			t.Errorf("served %d bytes, want the %d sent", len(body), len(shot.content))
		}
		res, _ = site.get(t, attr(pic, "src"), "If-None-Match", res.Header.Get("ETag"))
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("revalidating answered %d, want 304", res.StatusCode)
		}
		if res, _ := site.get(t, "/attachments/"+itoa(img.ID)); res.StatusCode != http.StatusFound || res.Header.Get("Location") != attr(pic, "src") {
			t.Errorf("an image's page answered %d to %q, want the image", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("other names and ids", func(t *testing.T) {
		res, _ := site.get(t, "/attachments/"+itoa(text.ID)+"/other.html")
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/attachments/"+itoa(text.ID)+"/crash.log" {
			t.Errorf("another name answered %d to %q, want a redirect to the file's own", res.StatusCode, res.Header.Get("Location"))
		}
		for _, path := range []string{"/attachments/99999", "/attachments/99999/a.log", "/attachments/x", "/attachments/0/a.log"} {
			if res, _ := site.get(t, path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s answered %d, want 404", path, res.StatusCode)
			}
		}
	})
}

// checkFileHeaders checks what every served file carries: its stored type, never the one
// it was sent with, a disposition, nosniff and a policy under which nothing runs.
func checkFileHeaders(t *testing.T, res *http.Response, contentType, disposition string) {
	t.Helper()
	h := res.Header
	if res.StatusCode != http.StatusOK || h.Get("Content-Type") != contentType || h.Get("Content-Disposition") != disposition {
		t.Errorf("served %d as %q, %q; want 200 as %q, %q", res.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"), contentType, disposition)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" {
		t.Errorf("served with nosniff %q and policy %q", h.Get("X-Content-Type-Options"), h.Get("Content-Security-Policy"))
	}
	if !strings.Contains(h.Get("Cache-Control"), "max-age=") || h.Get("ETag") == "" {
		t.Errorf("served with Cache-Control %q and ETag %q", h.Get("Cache-Control"), h.Get("ETag"))
	}
}

// TestRefusedFilesKeepTheForm sends a question with one file the forum refuses beside
// one it takes: nothing is posted, the message names the file, everything typed stays,
// and the file taken comes back ticked, so posting again needs no file chosen again.
func TestRefusedFilesKeepTheForm(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{MaxAttachmentSize: 2 << 10, MaxAttachments: 2})
	u, err := site.Store.CreateUser(context.Background(), parley.NewUser{Handle: "refused", DisplayName: "Refused"})
	if err != nil {
		t.Fatal(err)
	}
	// Sent files wait in temporary files until inspected; none may outlive its request.
	uploads := t.TempDir()
	t.Setenv("TMPDIR", uploads)
	good := textFile("good.log", "all is well\n")
	for _, tc := range []struct {
		name  string
		files []sentFile
		want  string
	}{
		{"oversized", []sentFile{good, textFile("big.log", strings.Repeat("x", 3<<10))}, "big.log is 3 KB; a file may be at most 2 KB."},
		{"svg", []sentFile{good, textFile("logo.svg", `<svg onload="alert(1)"/>`)}, "logo.svg is text, but text files are taken only with names ending in .txt"},
		{"html", []sentFile{good, textFile("page.html", `<script>alert(1)</script>`)}, "page.html is text"},
		{"binary", []sentFile{good, textFile("core.log", "ELF\x00\x01")}, "core.log is not a file the forum takes. Attach PNG, JPEG, GIF or WebP images"},
		{"too many", []sentFile{good, textFile("b.log", "b\n"), textFile("c.log", "c\n")}, "A post may carry at most 2 files; c.log was left out."},
		{"far too large", []sentFile{good, textFile("huge.log", strings.Repeat("x", 2<<20))}, "huge.log is larger than 2 KB, the most a file may be."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := xssSessionBrowser(t, site, u)
			before := threadCount(t, site)
			fields := question(t, site, "A question with a refused file "+tc.name)
			res, doc := b.upload("/ask", "", fields, tc.files...)
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("answered %d, want 400", res.StatusCode)
			}
			if got := fieldError(doc, "attachments"); !strings.Contains(got, tc.want) {
				t.Errorf("the files' error is %q, want %q", got, tc.want)
			}
			if inputValue(doc, "title") != fields["title"] || inputValue(doc, "tags") != "network" ||
				textOf(find(doc, withAttr(atom.Textarea, "id", "body"))) != fields["body"] {
				t.Error("the refused form lost what was typed")
			}
			if threadCount(t, site) != before {
				t.Error("a refused question was posted")
			}
			kept := keptBoxes(doc)
			if len(kept) == 0 || !strings.HasSuffix(kept[0], "/good.log") {
				t.Fatalf("the file taken is not kept: %v", kept)
			}
			// Posting again sends the kept box and no file.
			values := formValues(doc)
			res, _ = b.postFiles("/ask", values)
			if op := postedThread(t, site, res); fmt.Sprint(attachmentNames(op)) != fmt.Sprint(keptNames(kept)) {
				t.Errorf("posted with %v, want the kept %v", attachmentNames(op), keptNames(kept))
			}
			if left, _ := os.ReadDir(uploads); len(left) != 0 {
				t.Errorf("%d temporary files left behind", len(left))
			}
		})
	}
}

// keptBoxes returns the values of the ticked boxes that keep files.
func keptBoxes(doc *html.Node) []string {
	var out []string
	for _, n := range findAll(doc, withAttr(atom.Input, "name", "keep")) {
		if xssHasAttr(n, "checked") {
			out = append(out, attr(n, "value"))
		}
	}
	return out
}

func keptNames(boxes []string) []string {
	var out []string
	for _, b := range boxes {
		_, name, _ := strings.Cut(b, "/")
		out = append(out, name)
	}
	return out
}

// formValues reads the composer's form as the page shows it, ready to post again.
func formValues(doc *html.Node) url.Values {
	v := url.Values{}
	form := find(doc, withAttr(atom.Form, "action", "/ask"))
	for _, in := range findAll(form, func(n *html.Node) bool { return n.DataAtom == atom.Input }) {
		switch attr(in, "type") {
		case "file", "button", "submit":
		case "checkbox":
			if xssHasAttr(in, "checked") {
				v.Add(attr(in, "name"), attr(in, "value"))
			}
		default:
			v.Add(attr(in, "name"), attr(in, "value"))
		}
	}
	v.Set("body", textOf(find(form, withAttr(atom.Textarea, "name", "body"))))
	if opt := find(form, func(n *html.Node) bool { return n.DataAtom == atom.Option && xssHasAttr(n, "selected") }); opt != nil {
		v.Set("subtopic", attr(opt, "value"))
	}
	v.Set("action", "post")
	return v
}

func TestPreviewKeepsFiles(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "previewer")
	fields := question(t, site, "A question previewed with files")
	fields["action"] = "preview"
	res, doc := b.upload("/ask", "", fields, textFile("trace.txt", "<script>alert(1)</script>\n"), pngFile(t, "crash.log", 4, 3))
	if res.StatusCode != http.StatusOK || find(doc, sel(atom.Section, "preview")) == nil {
		t.Fatalf("preview answered %d", res.StatusCode)
	}
	kept := keptBoxes(doc)
	if fmt.Sprint(keptNames(kept)) != "[trace.txt crash.log]" {
		t.Fatalf("the preview keeps %v", kept)
	}
	if facts := textOf(find(doc, sel(atom.Fieldset, "kept-files"))); !strings.Contains(facts, "1 line") || !strings.Contains(facts, "4×3") {
		t.Errorf("the kept files are described as %q", facts)
	}
	res, _ = b.postFiles("/ask", formValues(doc))
	op := postedThread(t, site, res)
	// A file kept from the preview is indexed with the post as one sent with it would be.
	if _, doc := searchPage(t, site, "alert"); fmt.Sprint(resultLinks(doc)) != "["+threadPath(op.ThreadID)+"]" {
		t.Errorf("searching the kept file's text found %v, want [%s]", resultLinks(doc), threadPath(op.ThreadID))
	}
	// A PNG named .log is an image: the type is the bytes', whatever the name says.
	if len(op.Attachments) != 2 || op.Attachments[0].ContentType != parley.TypeText || op.Attachments[1].ContentType != parley.TypePNG {
		t.Fatalf("posted with %+v", op.Attachments)
	}
	// A script in a text file is served as text, to be saved, with nothing sniffed.
	res, body := site.get(t, "/attachments/"+itoa(op.Attachments[0].ID)+"/trace.txt")
	checkFileHeaders(t, res, parley.TypeText, "attachment; filename=trace.txt")
	if string(body) != "<script>alert(1)</script>\n" {
		t.Errorf("served %q", body)
	}
	res, _ = site.get(t, "/attachments/"+itoa(op.Attachments[1].ID)+"/crash.log")
	checkFileHeaders(t, res, parley.TypePNG, "inline; filename=crash.log")
}

// TestKeptFilesAreCheckedAgain sends keep boxes the page never gave: a digest of nothing
// stored, a path, a stored content under a name the forum refuses for text.
func TestKeptFilesAreCheckedAgain(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "forger")
	fields := question(t, site, "A question with forged kept files")
	fields["action"] = "preview"
	_, doc := b.upload("/ask", "", fields, textFile("real.log", "real\n"))
	real := keptBoxes(doc)[0]
	digest, _, _ := strings.Cut(real, "/")
	before := threadCount(t, site)
	for _, tc := range []struct{ keep, want string }{
		{strings.Repeat("ab", 32) + "/ghost.log", "ghost.log is no longer held; choose it again."},
		{"../../etc/passwd/x.log", "A file kept from before could not be found"},
		{digest + "/real.html", "real.html is text, but text files are taken only with names ending in"},
	} {
		values := formValues(doc)
		values.Del("keep")
		values.Add("keep", tc.keep)
		res, refused := b.postFiles("/ask", values)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(fieldError(refused, "attachments"), tc.want) {
			t.Errorf("keep %q: %d, %q; want 400 and %q", tc.keep, res.StatusCode, fieldError(refused, "attachments"), tc.want)
		}
		if len(keptBoxes(refused)) != 0 {
			t.Errorf("keep %q: the refusal keeps %v", tc.keep, keptBoxes(refused))
		}
	}
	if threadCount(t, site) != before {
		t.Error("a question with a forged file was posted")
	}
}

func TestReplyWithAttachments(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "replier")
	path := threadPath(2)
	action := path + "/replies"
	res, doc := b.upload(path, action, map[string]string{"body": "Here is my log."}, textFile("mine.log", "ok\n"), textFile("bad.svg", "<svg/>"))
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a reply with a refused file answered %d, want 400", res.StatusCode)
	}
	problem := textOf(find(doc, withAttr(atom.P, "id", "reply-error")))
	if !strings.Contains(problem, "bad.svg is text") || textOf(find(doc, withAttr(atom.Textarea, "id", "reply-body"))) != "Here is my log." {
		t.Errorf("the refused reply says %q and lost what was typed", problem)
	}
	if kept := keptNames(keptBoxes(doc)); fmt.Sprint(kept) != "[mine.log]" {
		t.Fatalf("the refused reply keeps %v", kept)
	}
	res, _ = b.upload(path, action, map[string]string{"body": "Here is my log."}, textFile("mine.log", "ok\nTermination Reason: FRONTBOARD_WATCHDOG_7731 0x7731face\n"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replying answered %d", res.StatusCode)
	}
	// The log's text is searchable: its crash signature finds the thread.
	if _, doc := searchPage(t, site, "FRONTBOARD_WATCHDOG_7731"); fmt.Sprint(resultLinks(doc)) != "["+path+"]" {
		t.Errorf("searching the log's signature found %v, want [%s]", resultLinks(doc), path)
	}
	th, _ := site.Store.Thread(context.Background(), 2)
	posts, _ := site.Store.Posts(context.Background(), 2, 0, 100)
	last := posts[len(posts)-1]
	if last.Body != "Here is my log." || fmt.Sprint(attachmentNames(last)) != "[mine.log]" || th.ReplyCount != int64(len(posts)-1) {
		t.Errorf("the reply is %q with %v", last.Body, attachmentNames(last))
	}
}

// TestTextFilePage reads a long log's page: every line numbered and linkable, the first
// hundred shown and the rest folded into a <details>, the text escaped.
func TestTextFilePage(t *testing.T) {
	site := newSite(t, tinyForum)
	b := signedIn(t, site, "logger")
	var lines []string
	for i := 1; i <= 300; i++ {
		lines = append(lines, fmt.Sprintf("%03d <b>line</b> & more", i))
	}
	lines[41] = "" // an empty line keeps its number
	res, _ := b.upload("/ask", "", question(t, site, "A question with a long log"), textFile("long.log", strings.Join(lines, "\r\n")+"\r\n"))
	op := postedThread(t, site, res)
	res, doc := xssCheckPage(t, site, "/attachments/"+itoa(op.Attachments[0].ID), http.StatusOK)
	if res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("the page is %q", res.Header.Get("Content-Type"))
	}
	lists := findAll(doc, sel(atom.Ol, "lines"))
	details := find(doc, sel(atom.Details, "more-lines"))
	if len(lists) != 2 || details == nil || find(details, sel(atom.Ol, "lines")) != lists[1] || xssHasAttr(details, "open") {
		t.Fatalf("%d line lists, details %v: want the first lines open and the rest folded", len(lists), details)
	}
	if attr(lists[0], "start") != "1" || attr(lists[1], "start") != "101" {
		t.Errorf("lists start at %s and %s", attr(lists[0], "start"), attr(lists[1], "start"))
	}
	if got := textOf(find(details, func(n *html.Node) bool { return n.DataAtom == atom.Summary })); got != "Show lines 101 to 300" {
		t.Errorf("the fold says %q", got)
	}
	items := lineItems(doc)
	if len(items) != 300 {
		t.Fatalf("%d lines shown, want 300", len(items))
	}
	for i, li := range items {
		if attr(li, "id") != fmt.Sprintf("L%d", i+1) || textOf(li) != lines[i] {
			t.Errorf("line %d is %s %q, want %q", i+1, attr(li, "id"), textOf(li), lines[i])
			break
		}
	}
	if find(doc, func(n *html.Node) bool { return n.DataAtom == atom.B }) != nil {
		t.Error("markup in the file reached the page as markup")
	}
	if !strings.Contains(textOf(find(doc, sel(atom.P, "file-meta"))), "300 lines") {
		t.Errorf("the page describes the file as %q", textOf(find(doc, sel(atom.P, "file-meta"))))
	}
}

// lineItems are the numbered lines of a text file's page.
func lineItems(doc *html.Node) []*html.Node {
	return findAll(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Li && n.Parent != nil && hasClass(n.Parent, "lines")
	})
}
