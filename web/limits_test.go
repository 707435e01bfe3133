package web_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/web"
)

// twoNodes serves one PostgreSQL database through two servers, as two nodes behind a load
// balancer, set up as parley serve sets up nodes on PostgreSQL: limits and files in the
// database.
func twoNodes(t *testing.T) [2]*testSite {
	store := pgtest.MustOpen(t, nil)
	if err := fill(store, tinyForum); err != nil {
		t.Fatal(err)
	}
	var nodes [2]*testSite
	for i := range nodes {
		n, err := serveStore(store, web.Config{Limits: store, Blobs: store.Blobs()}, t.Cleanup)
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = n
	}
	return nodes
}

// TestSignInLimitSharedByNodes: guesses spread over two nodes meet one budget, where each
// node counting its own would allow twice as many.
func TestSignInLimitSharedByNodes(t *testing.T) {
	nodes := twoNodes(t)
	newBrowser(t, nodes[0]).submit("/signup", ana)
	// Five guesses at one account are allowed, the sixth is not: three through each node.
	for i := range 6 {
		res, _ := newBrowser(t, nodes[i%2]).submit("/login", map[string]string{"handle": "ana_dev", "password": "guess number " + string(rune('a'+i))})
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if res.StatusCode != want {
			t.Fatalf("guess %d, through node %d: %d, want %d", i+1, i%2+1, res.StatusCode, want)
		}
	}
}

// TestFileServedByAnotherNode: a file sent through one node is served by the other.
func TestFileServedByAnotherNode(t *testing.T) {
	nodes := twoNodes(t)
	path := threadPath(2)
	const log = "panic: runtime error: index out of range\n"
	if res, _ := signedIn(t, nodes[0], "replier").upload(path, path+"/replies", map[string]string{"body": "My log"}, textFile("crash.log", log)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply with a file: %d", res.StatusCode)
	}
	posts, err := nodes[0].Store.Posts(context.Background(), 2, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	a := posts[len(posts)-1].Attachments[0]
	res, body := nodes[1].get(t, "/attachments/"+itoa(a.ID)+"/crash.log")
	if res.StatusCode != http.StatusOK || string(body) != log {
		t.Errorf("the file through the other node: %d %q, want 200 and what was sent", res.StatusCode, body)
	}
}

// brokenLimits are limits whose database never answers.
type brokenLimits struct{}

func (brokenLimits) Limiter(string, time.Duration, int) auth.Limiter { return brokenLimits{} }

func (brokenLimits) Allow(context.Context, string) (bool, error) {
	return false, errors.New("connection refused")
}

func (brokenLimits) Tokens(context.Context, string) (float64, error) {
	return 0, errors.New("connection refused")
}

// TestLimitsThatCannotBeChecked: sign-in and sign-up are refused while their limits cannot
// be counted, posting goes on.
func TestLimitsThatCannotBeChecked(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{Limits: brokenLimits{}})
	if res, _ := newBrowser(t, site).submit("/signup", ana); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sign-up: %d, want 429", res.StatusCode)
	}
	if res, _ := newBrowser(t, site).submit("/login", map[string]string{"handle": "ana_dev", "password": "whatever it is"}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sign-in: %d, want 429", res.StatusCode)
	}
	u, err := site.Store.CreateUser(context.Background(), parley.NewUser{Handle: "poster", DisplayName: "Poster"})
	if err != nil {
		t.Fatal(err)
	}
	c := sessionClient(t, site, u)
	if got := try(t, c, site.URL, http.MethodPost, threadPath(2)+"/replies", map[string][]string{"body": {"Still here."}}); got != allow {
		t.Errorf("a reply: %s, want it posted", got)
	}
}
