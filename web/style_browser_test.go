package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	parley "github.com/parley-forum/parley"
)

// TestUnderlinesLeaveUnderscoresVisible loads a list whose first thread title is full of
// underscores and checks, from the styles Chromium computed, that the title link's
// underline runs below the underscore's ink rather than over it: a title such as
// ___res_9_state must not read as spaces.
func TestUnderlinesLeaveUnderscoresVisible(t *testing.T) {
	site := newSite(t, tinyForum)
	asker, _ := signedInWithRole(t, site, "asker", parley.RoleMember)
	askAs(t, site, asker, "___res_9_state is nil after fork")
	tab := newTab(t)
	loadPage(t, tab, site.URL+"/threads")
	type underline struct {
		Found      bool
		Underlined bool
		Offset     float64 // px below the baseline; -1 when the browser places it ("auto")
		Descent    float64 // px the underscore's ink reaches below the baseline
		Font       string
	}
	got, err := chromedp.Run(tab, chromedp.Evaluate[underline](`(() => {
		const a = [...document.querySelectorAll(".thread-title a")].find(a => a.textContent.includes("___res_9_state"));
		if (!a) return {Found: false};
		const cs = getComputedStyle(a);
		const font = cs.fontStyle + " " + cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
		const ctx = document.createElement("canvas").getContext("2d");
		ctx.font = font;
		const offset = parseFloat(cs.textUnderlineOffset);
		return {Found: true, Underlined: cs.textDecorationLine.includes("underline"),
			Offset: isNaN(offset) ? -1 : offset, Descent: ctx.measureText("_").actualBoundingBoxDescent, Font: font};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Found {
		t.Fatal("the list shows no link to the thread with underscores")
	}
	if got.Underlined && got.Offset < got.Descent {
		t.Errorf("the title's underline is %.1f px below the baseline (-1: where the font puts it), over underscores that reach %.1f px (%s)",
			got.Offset, got.Descent, got.Font)
	}
}
