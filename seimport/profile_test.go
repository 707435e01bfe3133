package seimport_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/sedump/sedumptest"
	"github.com/parley-forum/parley/seimport"
	"github.com/parley-forum/parley/views"
	"github.com/parley-forum/parley/web"
	"golang.org/x/net/html"
)

// TestProfilesShowBadges imports a dump and reads the profiles of the members with the
// most badges, and of one with none, as a reader's browser gets them: each shows as many
// badges of each class as Badges.xml gives the member, with their names.
func TestProfilesShowBadges(t *testing.T) {
	dump := sedumptest.Dump(t, "bicycles-meta")
	store := mustOpenSQLite(t)
	if _, err := seimport.Import(context.Background(), store, dump, seimport.Options{ScratchDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	want := expect(t, dump)
	blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://parley.test")
	site, err := web.New(web.Config{BaseURL: base, SiteName: "Parley", Blobs: blobs}, store, views.New(store, time.Hour, log), store, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler())
	defer srv.Close()

	total := func(id int64) (n int64) {
		for _, c := range want.badges[id] {
			n += c
		}
		return n
	}
	ids := make([]int64, 0, len(want.badges))
	for id := range want.badges {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int { return int(total(b) - total(a)) })
	for _, id := range slices.Concat(ids[:5], ids[len(ids)-1:]) {
		u, err := store.UserByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		shown := profileBadges(t, srv.URL+"/users/"+u.Handle)
		wantShown := map[string]int64{}
		for class, n := range want.badges[id] {
			wantShown[strings.ToLower(class.String())] = n
		}
		if fmt.Sprint(shown) != fmt.Sprint(wantShown) {
			t.Errorf("the profile of %s shows the badges %v; Badges.xml gives them %v", u.Handle, shown, wantShown)
		}
	}
	if total(ids[len(ids)-1]) != 0 || total(ids[0]) == 0 || len(want.badges[ids[0]]) < 2 {
		t.Errorf("the profiles read show %d and %d badges; want one with none and one with badges of several classes",
			total(ids[len(ids)-1]), total(ids[0]))
	}
}

// profileBadges fetches a profile page and returns the badges it shows, counted by class:
// the count its summary says, checked against the names listed under it.
func profileBadges(t *testing.T, page string) map[string]int64 {
	t.Helper()
	res, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := html.Parse(res.Body)
	if res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("GET %s: %d, %v", page, res.StatusCode, err)
	}
	shown := map[string]int64{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "details" {
			continue
		}
		var count int64
		var class string
		var listed int64
		for d := range n.Descendants() {
			switch {
			case d.Type == html.ElementNode && d.Data == "summary":
				fmt.Sscanf(strings.TrimSpace(textOf(d)), "%d %s", &count, &class)
			case d.Type == html.ElementNode && d.Data == "li":
				times := int64(1)
				if _, after, ok := strings.Cut(textOf(d), "×"); ok {
					fmt.Sscanf(after, "%d", &times)
				}
				listed += times
			}
		}
		if listed != count {
			t.Errorf("%s: the %s badges say %d and list %d", page, class, count, listed)
		}
		shown[class] = count
	}
	return shown
}
