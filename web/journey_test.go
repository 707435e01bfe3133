package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestJourneyInTheBrowser walks the participation journey in Chromium, as two people:
// one signs up and asks with a log attached (previewed first, so the file must survive the
// preview), the other signs up, reads the log with its numbered lines, answers and boosts
// the question, the asker accepts the answer, edits the question and reads the difference
// in its history.
func TestJourneyInTheBrowser(t *testing.T) {
	site := newSite(t, tinyForum)
	sub := firstSubtopic(t, site)
	asker, answerer := newTab(t), newTab(t)

	logFile, logText := filepath.Join(t.TempDir(), "connection.log"), "nw_connection_create\nstate: preparing\n<still> preparing & waiting\n"
	if err := os.WriteFile(logFile, []byte(logText), 0o600); err != nil {
		t.Fatal(err)
	}
	signUpIn(t, asker, site.URL, "asker_ana", "Ana Asker")
	loadPage(t, asker, site.URL+"/ask")
	waitForPage(t, asker, "preview the question with a log attached",
		chromedp.SendKeys(chromedp.CSS("#title"), "NWConnection never leaves the preparing state"),
		chromedp.SetValue(chromedp.CSS("#subtopic"), itoa(sub.ID)),
		chromedp.SendKeys(chromedp.CSS("#tags"), "Network"),
		chromedp.SendKeys(chromedp.CSS("#body"), "My connection stays in preparing forever. The log is attached."),
		chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{logFile}),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`), chromedp.NodeVisible))
	if got := text(t, asker, ".kept-files li"); !strings.HasPrefix(got, "connection.log") {
		t.Fatalf("after the preview the composer keeps %q, want connection.log", got)
	}
	threadURL := waitForPage(t, asker, "post the question",
		chromedp.Click(chromedp.CSS(`button[value="post"]`), chromedp.NodeVisible))
	if !strings.HasPrefix(threadURL.Path, "/threads/") {
		t.Fatalf("posting the question led to %s", threadURL)
	}

	signUpIn(t, answerer, site.URL, "answerer_bo", "Bo Answerer")
	loadPage(t, answerer, threadURL.String())
	if got, want := text(t, answerer, "li.post.original .attachment.text"), fmt.Sprintf("connection.log 3 lines · %d bytes", len(logText)); got != want {
		t.Errorf("the question lists its file as %q, want %q", got, want)
	}
	waitForPage(t, answerer, "open the log",
		chromedp.Click(chromedp.CSS(`li.post.original .attachment a.file-name`), chromedp.NodeVisible))
	if got := text(t, answerer, "ol.lines #L3"); got != "<still> preparing & waiting" {
		t.Errorf("line 3 of the log reads %q", got)
	}
	loadPage(t, answerer, threadURL.String())
	waitForPage(t, answerer, "reply",
		chromedp.SendKeys(chromedp.CSS("#reply-body"), "Check that the endpoint resolves: try `nc` first."),
		chromedp.Click(chromedp.CSS(`.reply-form button[type="submit"]`), chromedp.NodeVisible))
	waitForPage(t, answerer, "boost the question",
		chromedp.Click(chromedp.CSS(`li.post.original form[action$="/boost"] button`), chromedp.NodeVisible))
	if got := text(t, answerer, "li.post.original .boosts"); got != "1 boost" {
		t.Errorf("after boosting, the question shows %q", got)
	}

	loadPage(t, asker, threadURL.String())
	waitForPage(t, asker, "accept the answer",
		chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`), chromedp.NodeVisible))
	if got := text(t, asker, ".accepted-summary h3"); !strings.Contains(got, "Bo Answerer") {
		t.Errorf("the summary box shows %q, want the accepted answer by Bo Answerer", got)
	}

	waitForPage(t, asker, "open the editor",
		chromedp.Click(chromedp.CSS(`li.post.original .post-actions a[href$="/edit"]`), chromedp.NodeVisible))
	waitForPage(t, asker, "save the edit",
		chromedp.SetValue(chromedp.CSS("#body"), "My connection stays in preparing forever, even on Wi-Fi."),
		chromedp.SendKeys(chromedp.CSS("#summary"), "mention Wi-Fi"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`), chromedp.NodeVisible))
	waitForPage(t, asker, "open the history",
		chromedp.Click(chromedp.CSS(`li.post.original a.edited`), chromedp.NodeVisible))
	if got := text(t, asker, ".diff ins"); !strings.Contains(got, "Wi") {
		t.Errorf("the history marks %q as inserted, want the added words", got)
	}
}

// signUpIn signs a new person up through the sign-up form.
func signUpIn(t *testing.T, tab context.Context, base, handle, name string) {
	t.Helper()
	loadPage(t, tab, base+"/signup")
	waitForPage(t, tab, "sign up as "+handle,
		chromedp.SendKeys(chromedp.CSS("#handle"), handle),
		chromedp.SendKeys(chromedp.CSS("#display_name"), name),
		chromedp.SendKeys(chromedp.CSS("#email"), handle+"@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Click(chromedp.CSS(`.account-form button[type="submit"]`), chromedp.NodeVisible))
}

// text returns the visible text of the first element matching css.
func text(t *testing.T, tab context.Context, css string) string {
	t.Helper()
	got, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("read %s: %v", css, err)
	}
	return strings.TrimSpace(got)
}
