package web_test

import (
	"net/http"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestCodeBlocksArePlainWithoutJavaScript checks a thread's code block as served: a plain
// <pre><code> to select and copy, with no Copy button, which only app.js adds.
func TestCodeBlocksArePlainWithoutJavaScript(t *testing.T) {
	site := sharedSite(t)
	path := threadWithCodeBlock(t, site)
	res, body := site.get(t, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s answered %d", path, res.StatusCode)
	}
	doc := mustParseHTML(t, body)
	pre := find(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Pre && n.Parent != nil && hasClass(n.Parent, "post-body")
	})
	if pre == nil || find(pre, sel(atom.Code)) == nil {
		t.Fatalf("%s has no <pre><code> in a post body", path)
	}
	for _, b := range findAll(doc, sel(atom.Button)) {
		if hasClass(b, "copy") || textOf(b) == "Copy" {
			t.Errorf("%s carries a Copy button without JavaScript", path)
		}
	}
}

// TestCodeBlocksHaveACopyButton clicks the Copy button app.js adds to a thread's code block
// and checks that it says it copied, on the button and in a polite live region, and that
// the clipboard holds the code.
func TestCodeBlocksHaveACopyButton(t *testing.T) {
	site := sharedSite(t)
	path := threadWithCodeBlock(t, site)
	tab := newTab(t)
	loadPage(t, tab, site.URL+path)
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(".post-body .code-block button.copy"), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click the first code block's Copy button: %v", err)
	}
	copied := `document.getElementById("copy-status") && document.getElementById("copy-status").textContent !== ""`
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](copied, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("nothing was announced after the click: %v", err)
	}
	// The page wrote without any grant; the test is given leave to read the clipboard back.
	if _, err := chromedp.CallBrowser(tab, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-read"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: site.URL}); err != nil {
		t.Fatal(err)
	}
	type result struct{ Label, Announced, Live, Code, Clipboard string }
	got, err := chromedp.Run(tab, chromedp.Evaluate[result](`(async () => {
		const block = document.querySelector(".post-body .code-block");
		const status = document.getElementById("copy-status");
		let clipboard = "";
		try { clipboard = await navigator.clipboard.readText(); } catch (e) { clipboard = "unreadable: " + e; }
		return {Label: block.querySelector("button.copy").textContent, Announced: status.textContent,
			Live: status.getAttribute("aria-live"), Code: block.querySelector("pre").textContent, Clipboard: clipboard};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if got.Label != "Copied" || got.Announced != "Code copied to the clipboard" || got.Live != "polite" {
		t.Errorf("after the click the button reads %q and the %q live region %q", got.Label, got.Live, got.Announced)
	}
	if got.Clipboard != got.Code {
		t.Errorf("the clipboard holds %q, want the code %q", got.Clipboard, got.Code)
	}
}
