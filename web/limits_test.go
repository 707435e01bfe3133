package web_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/storetest"
	"github.com/parley-forum/parley/web"
)

// twoNodes serves one PostgreSQL database through two servers, as two nodes behind a load
// balancer, set up as parley serve sets up nodes on PostgreSQL: limits and files in the
// database.
func twoNodes(t *testing.T) [2]*testSite {
	return twoNodesWith(t, nil)
}

// twoNodesWith is twoNodes with the nodes' limits kept in limits (nil: the forum's store).
func twoNodesWith(t *testing.T, limits *postgres.Store) [2]*testSite {
	store := pgtest.MustOpen(t, nil)
	if err := fill(store, tinyForum); err != nil {
		t.Fatal(err)
	}
	if limits == nil {
		limits = store
	}
	var nodes [2]*testSite
	for i := range nodes {
		n, err := serveStore(store, web.Config{Limits: limits, Blobs: store.Blobs()}, t.Cleanup)
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

// from makes the browser's requests come from ip, a loopback address such as 127.0.0.2,
// so that a test can act as several machines: the site sees ip as the client's address.
func (b *browser) from(ip string) *browser {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext}
	b.t.Cleanup(tr.CloseIdleConnections)
	b.c.Transport = tr
	return b
}

// Addresses the lockout tests act from: a stranger guessing, and the account's owner.
const (
	strangerAddr = "127.0.0.2"
	ownerAddr    = "127.0.0.3"
)

// signInFrom submits the sign-in form for ana_dev from ip and returns the status.
func signInFrom(t *testing.T, site *testSite, ip, password string) int {
	t.Helper()
	res, _ := newBrowser(t, site).from(ip).submit("/login", map[string]string{"handle": "ana_dev", "password": password})
	return res.StatusCode
}

// checkStrangersCannotLockOut: many wrong passwords for ana_dev from one address slow that
// address down, but ana's right password from another address still signs in; the
// stranger stays slowed, and wrong passwords from ana's address are limited too. The
// stranger uses site a, the owner site b: one site, or two nodes sharing their limits.
func checkStrangersCannotLockOut(t *testing.T, a, b *testSite) {
	newBrowser(t, a).submit("/signup", ana)
	var last int
	for i := range 12 {
		last = signInFrom(t, a, strangerAddr, fmt.Sprintf("wrong guess %d", i))
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("the stranger's 12th wrong password in a row answered %d, want 429", last)
	}
	if got := signInFrom(t, b, ownerAddr, ana["password"]); got != http.StatusSeeOther {
		t.Fatalf("ana's right password from her own address, while a stranger guesses: %d, want 303", got)
	}
	if got := signInFrom(t, a, strangerAddr, ana["password"]); got != http.StatusTooManyRequests {
		t.Errorf("the stranger's address right after its guesses, even with the right password: %d, want 429", got)
	}
	if got := signInFrom(t, b, ownerAddr, "a wrong one"); got != http.StatusUnauthorized {
		t.Errorf("a first wrong password from ana's address: %d, want 401", got)
	}
	if got := signInFrom(t, b, ownerAddr, "another wrong one"); got != http.StatusTooManyRequests {
		t.Errorf("a second wrong password from ana's address while the account is under guessing: %d, want 429", got)
	}
}

// frozenLimits are limits in this process's memory whose clock stands still, so that no
// bucket refills while a test runs, however slowly passwords hash on a busy machine.
type frozenLimits struct{ at time.Time }

func (f frozenLimits) Limiter(_ string, every time.Duration, burst int) auth.Limiter {
	return frozenLimiter{auth.NewMemoryLimiter(every, burst), f.at}
}

type frozenLimiter struct {
	l  *auth.MemoryLimiter
	at time.Time
}

func (f frozenLimiter) Allow(_ context.Context, key string) (bool, error) {
	return f.l.AllowAt(key, f.at), nil
}

func (f frozenLimiter) Tokens(_ context.Context, key string) (float64, error) {
	return f.l.TokensAt(key, f.at), nil
}

func TestStrangersCannotLockAnAccountOut(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{Limits: frozenLimits{time.Now()}})
	checkStrangersCannotLockOut(t, site, site)
}

func TestStrangersCannotLockAnAccountOutOfNodes(t *testing.T) {
	// The nodes share limits in a database of their own whose clock stands still.
	nodes := twoNodesWith(t, pgtest.MustOpen(t, storetest.NewClock().Now))
	checkStrangersCannotLockOut(t, nodes[0], nodes[1])
}

// TestPasswordChangeLimits: the password form's guesses at the current password meet the
// sign-in limits, and a stranger's guesses do not stop the owner changing it.
func TestPasswordChangeLimits(t *testing.T) {
	site := newSiteWith(t, tinyForum, web.Config{Limits: frozenLimits{time.Now()}})
	owner := newBrowser(t, site).from(ownerAddr)
	owner.submit("/signup", ana)
	for i := range 8 {
		signInFrom(t, site, strangerAddr, fmt.Sprintf("wrong guess %d", i))
	}
	res, _ := owner.submit("/account/password", map[string]string{"current": ana["password"], "password": "a brand new secret"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner changing her password while a stranger guesses: %d, want 303", res.StatusCode)
	}
	var statuses []int
	for i := range 7 {
		res, _ := owner.submit("/account/password", map[string]string{"current": fmt.Sprintf("not it %d", i), "password": "yet another secret"})
		statuses = append(statuses, res.StatusCode)
	}
	if statuses[0] != http.StatusBadRequest || statuses[len(statuses)-1] != http.StatusTooManyRequests {
		t.Errorf("wrong current passwords in a row answered %v, want 400 first and 429 at last", statuses)
	}
}
