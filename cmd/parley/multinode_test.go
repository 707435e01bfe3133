package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/postgres"
	"github.com/parley-forum/parley/postgres/pgtest"
)

// asParley makes the test binary stand in for the parley binary, so that the multi-node
// test can run real, separate processes it may kill.
const asParley = "PARLEY_TEST_AS_PARLEY"

func TestMain(m *testing.M) {
	if os.Getenv(asParley) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// node is one `parley serve` process.
type node struct {
	URL    string
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{} // closed when the process has exited, with its error in err
	err    error
}

// startNode starts parley serve on dbURL in a process of its own, on a port the system
// chooses, and returns once it serves.
func startNode(t *testing.T, dbURL string, args ...string) *node {
	t.Helper()
	n := &node{stderr: &syncBuffer{}, exited: make(chan struct{})}
	n.cmd = exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--database-url", dbURL}, args...)...)
	n.cmd.Env = append(os.Environ(), asParley+"=1")
	n.cmd.Stderr = n.stderr
	stdout, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	announced := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servedLine.FindStringSubmatch(sc.Text()); m != nil {
				announced <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
		n.err = n.cmd.Wait()
		close(n.exited)
	}()
	t.Cleanup(func() { n.kill() })
	select {
	case n.URL = <-announced:
		return n
	case <-n.exited:
		t.Fatalf("node ended before serving: %v\n%s", n.err, n.stderr)
	case <-time.After(2 * time.Minute):
		t.Fatalf("node did not serve within two minutes\n%s", n.stderr)
	}
	return nil
}

// stop sends SIGTERM and waits for a graceful exit.
func (n *node) stop(t *testing.T) {
	t.Helper()
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
		if n.err != nil {
			t.Errorf("node exited with %v\n%s", n.err, n.stderr)
		}
	case <-time.After(shutdownGrace + 10*time.Second):
		t.Fatalf("node did not stop after SIGTERM\n%s", n.stderr)
	}
}

// kill sends SIGKILL: the process gets no chance to finish anything.
func (n *node) kill() {
	n.cmd.Process.Kill()
	<-n.exited
}

// member is a browser signed in through a session made in the database.
func member(t *testing.T, store *postgres.Store, handle string) *http.Client {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	u, err := store.CreateAccount(ctx, parley.NewUser{Handle: handle, DisplayName: handle}, handle+"@example.com", hash)
	if err != nil {
		t.Fatal(err)
	}
	token, tokenHash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := store.CreateSession(ctx, parley.Session{TokenHash: tokenHash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	// Cookies belong to a host, whatever its port, so the session reaches every node.
	c.Jar.SetCookies(&url.URL{Scheme: "http", Host: "127.0.0.1"}, []*http.Cookie{
		{Name: "parley_session", Value: token}, {Name: "parley_csrf", Value: strings.Repeat("c", 43)}})
	return c
}

func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// reply posts a reply through a node and returns the new post's id, or an error when the
// node did not acknowledge it.
func reply(c *http.Client, base string, threadID int64, body string) (int64, error) {
	res, err := c.PostForm(base+"/threads/"+strconv.FormatInt(threadID, 10)+"/replies",
		url.Values{"csrf": {strings.Repeat("c", 43)}, "body": {body}})
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	_, anchor, found := strings.Cut(res.Header.Get("Location"), "#post-")
	if res.StatusCode != http.StatusSeeOther || !found {
		return 0, &statusError{res.StatusCode}
	}
	return strconv.ParseInt(anchor, 10, 64)
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "status " + strconv.Itoa(e.code) }

// TestNodesShareOneDatabase runs parley serve as separate processes on one PostgreSQL
// database: a session made on one node works on the other, a reply posted through one
// reaches a live reader of the other, views counted on both add up exactly, and killing a
// node mid-traffic leaves the other serving and loses no write it acknowledged.
func TestNodesShareOneDatabase(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.MustURL(t)
	a := startNode(t, dbURL, "--demo")
	b := startNode(t, dbURL)
	store, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	const threadID = 7
	ctx := context.Background()

	t.Run("a session made on one node works on the other", func(t *testing.T) {
		c := newClient(t)
		res, err := c.Get(a.URL + "/signup")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var csrf string
		for _, ck := range c.Jar.Cookies(&url.URL{Scheme: "http", Host: "127.0.0.1"}) {
			if ck.Name == "parley_csrf" {
				csrf = ck.Value
			}
		}
		res, err = c.PostForm(a.URL+"/signup", url.Values{"csrf": {csrf}, "handle": {"roaming"}, "display_name": {"Roaming Reader"},
			"email": {"roaming@example.com"}, "password": {"a long enough password"}})
		if err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign up on node A: %v %v", res, err)
		}
		res.Body.Close()
		res, err = c.Get(b.URL + "/account/password")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("node B with node A's session: %v %v, want the signed-in page", res.Status, err)
		}
		res.Body.Close()
	})

	t.Run("a reply through one node reaches a live reader of the other", func(t *testing.T) {
		posts, err := store.Posts(ctx, threadID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		stream := openLive(t, b.URL+"/threads/"+strconv.Itoa(threadID)+"/live?after="+strconv.FormatInt(posts[len(posts)-1].ID, 10))
		id, err := reply(member(t, store, "writer_one"), a.URL, threadID, "Posted through node A.")
		if err != nil {
			t.Fatal(err)
		}
		if got := stream.nextID(t); got != strconv.FormatInt(id, 10) {
			t.Errorf("node B's stream sent %q, want reply %d", got, id)
		}
	})

	t.Run("views counted on both nodes add up", func(t *testing.T) {
		th, err := store.Thread(ctx, threadID)
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range []*node{a, a, b, b, b} {
			res, err := newClient(t).Do(mustRequest(t, n.URL+"/threads/"+strconv.Itoa(threadID), "viewer/"+strconv.Itoa(i)))
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("view %d: %v", i, err)
			}
			res.Body.Close()
		}
		a.stop(t) // each node writes the views it holds as it stops
		b.stop(t)
		if got, _ := store.Thread(ctx, threadID); got.ViewCount != th.ViewCount+5 {
			t.Errorf("views %d, want %d + 5 from two nodes", got.ViewCount, th.ViewCount)
		}
	})

	t.Run("killing a node mid-traffic loses no acknowledged write", func(t *testing.T) {
		doomed, survivor := startNode(t, dbURL), startNode(t, dbURL)
		writers := []*http.Client{member(t, store, "writer_two"), member(t, store, "writer_three")}
		var mu sync.Mutex
		var acked []int64
		enough := make(chan struct{})
		var wg sync.WaitGroup
		for i, c := range writers {
			wg.Go(func() {
				for k := 0; ; k++ {
					id, err := reply(c, doomed.URL, threadID, "Reply "+strconv.Itoa(k)+" from writer "+strconv.Itoa(i))
					if err != nil {
						return // the node is gone, or this writer met its posting limit
					}
					mu.Lock()
					if acked = append(acked, id); len(acked) == 6 {
						close(enough)
					}
					mu.Unlock()
				}
			})
		}
		select {
		case <-enough:
		case <-time.After(time.Minute):
			t.Fatalf("the writers got no 6 replies acknowledged\n%s", doomed.stderr)
		}
		doomed.kill()
		wg.Wait()
		res, err := newClient(t).Get(survivor.URL + "/threads/" + strconv.Itoa(threadID))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("the surviving node after the kill: %v %v", res, err)
		}
		res.Body.Close()
		for _, id := range acked {
			if p, err := store.Post(ctx, id); err != nil || p.ThreadID != threadID {
				t.Errorf("acknowledged reply %d: %v", id, err)
			}
		}
		survivor.stop(t)
	})
}

func mustRequest(t *testing.T, rawURL, userAgent string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", userAgent)
	return req
}

// liveStream reads the ids of a Server-Sent Events stream.
type liveStream struct{ lines *bufio.Scanner }

func openLive(t *testing.T, rawURL string) *liveStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("open %s: %v %v", rawURL, res, err)
	}
	return &liveStream{lines: bufio.NewScanner(res.Body)}
}

// nextID returns the id of the next event; the stream's deadline fails a test that waits
// for one that never comes.
func (s *liveStream) nextID(t *testing.T) string {
	t.Helper()
	for s.lines.Scan() {
		if id, ok := strings.CutPrefix(s.lines.Text(), "id: "); ok {
			return id
		}
	}
	t.Fatalf("the stream ended: %v", s.lines.Err())
	return ""
}

// TestReadReplica runs a node with --database-read-url naming a replica that has not caught
// up (a second database with the same demo forum, which never receives the node's writes):
// a reply posted through the node shows on the writer's next page, read from the primary,
// while a reader without that fresh write reads the replica.
func TestReadReplica(t *testing.T) {
	t.Parallel()
	primary, replica := pgtest.MustURL(t), pgtest.MustURL(t)
	for _, db := range []string{primary, replica} {
		if _, _, err := runCmd(t, env(), "demo", "--threads", "30", "--posts", "120", "--users", "20", "--database-url", db); err != nil {
			t.Fatal(err)
		}
	}
	n := startNode(t, primary, "--database-read-url", replica)
	store, err := postgres.Open(context.Background(), primary, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	writer := member(t, store, "writer")
	body := "Only the primary has this reply."
	id, err := reply(writer, n.URL, 3, body)
	if err != nil {
		t.Fatalf("reply: %v\n%s", err, n.stderr)
	}
	page := func(c *http.Client) string {
		t.Helper()
		res, err := c.Get(n.URL + "/threads/3")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /threads/3: %v %v", res, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	if !strings.Contains(page(writer), body) {
		t.Errorf("the writer's next page lacks reply %d: it should read the primary", id)
	}
	if strings.Contains(page(newClient(t)), body) {
		t.Error("a reader who wrote nothing sees the reply: reads should go to the replica")
	}
	res, err := http.Get(n.URL + "/readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("/readyz with a replica: %v %v", res, err)
	}
}
