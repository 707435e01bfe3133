// Command replyload posts replies to a running Parley forum at a steady rate, the way many
// members would, so that read throughput can be measured while the forum takes writes:
//
//	go run ./tools/replyload -base http://127.0.0.1:8080 -threads 100000 -rate 5 -for 40s
//
// Every account signs up and posts from its own loopback address (127.0.1.x, 127.0.2.x …),
// so the forum's per-address and per-account limits see many members, not one machine; the
// rate must stay under accounts × the per-account limit, or the forum answers 429. It prints
// how many replies were written and how long a reply took.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the forum's address")
	threads := flag.Int("threads", 10000, "reply to threads 1..N, chosen at random")
	rate := flag.Float64("rate", 5, "replies a second, spread over the accounts")
	accounts := flag.Int("accounts", 100, "members posting, each from its own loopback address")
	run := flag.Duration("for", 30*time.Second, "how long to post")
	prefix := flag.String("prefix", "load", "handle prefix, so that several runs against one forum do not collide")
	first := flag.Int("first-address", 0, "index of the first loopback address; the forum allows few sign-ups per address, so each run needs fresh ones")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := load(ctx, *base, *prefix, *first, *threads, *accounts, *rate, *run); err != nil {
		fmt.Fprintln(os.Stderr, "replyload:", err)
		os.Exit(1)
	}
}

// member is one signed-in account with its own source address.
type member struct {
	c    *http.Client
	csrf string
}

func load(ctx context.Context, base, prefix string, first, threads, accounts int, rate float64, run time.Duration) error {
	members := make([]*member, accounts)
	for i := range members {
		m, err := signUp(ctx, base, fmt.Sprintf("%s_%d_%d", prefix, time.Now().Unix()%100000, i), loopback(first+i))
		if err != nil {
			return fmt.Errorf("sign up member %d: %w", i, err)
		}
		members[i] = m
	}
	fmt.Printf("%d members signed up; posting %.1f replies/s for %s\n", accounts, rate, run)
	ctx, cancel := context.WithTimeout(ctx, run)
	defer cancel()
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		took     []time.Duration
		failures = map[string]int{}
	)
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			report(took, failures)
			return nil
		case <-tick.C:
		}
		m := members[n%len(members)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := m.reply(base, 1+rand.IntN(threads), n)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures[err.Error()]++
				return
			}
			took = append(took, time.Since(start))
		}()
	}
}

// loopback is the i-th source address: 127.0.1.1 upwards, all of which Linux routes to lo.
func loopback(i int) net.IP { return net.IPv4(127, 0, byte(1+i/250), byte(1+i%250)) }

func signUp(ctx context.Context, base, handle string, from net.IP) (*member, error) {
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 5 * time.Second}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 2},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	m := &member{c: c}
	res, err := c.Get(base + "/signup")
	if err != nil {
		return nil, err
	}
	drain(res)
	u, _ := url.Parse(base)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "parley_csrf" {
			m.csrf = ck.Value
		}
	}
	if m.csrf == "" {
		return nil, errors.New("the sign-up page set no form token")
	}
	res, err = c.PostForm(base+"/signup", url.Values{"csrf": {m.csrf}, "handle": {handle}, "display_name": {handle},
		"email": {handle + "@load.example"}, "password": {"a long enough password"}})
	if err != nil {
		return nil, err
	}
	drain(res)
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign up answered %d", res.StatusCode)
	}
	return m, nil
}

func (m *member) reply(base string, thread, n int) error {
	body := fmt.Sprintf("Reply %d from the load run. Have you checked `NWPathMonitor` on the tunnel interface?", n)
	res, err := m.c.PostForm(fmt.Sprintf("%s/threads/%d/replies", base, thread), url.Values{"csrf": {m.csrf}, "body": {body}})
	if err != nil {
		return err
	}
	drain(res)
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

func drain(res *http.Response) {
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

func report(took []time.Duration, failures map[string]int) {
	slices.Sort(took)
	at := func(q float64) time.Duration {
		if len(took) == 0 {
			return 0
		}
		return took[min(len(took)-1, int(q*float64(len(took))))].Round(100 * time.Microsecond)
	}
	fmt.Printf("replies written: %d; time per reply p50 %s, p99 %s\n", len(took), at(.5), at(.99))
	var lines []string
	for msg, n := range failures {
		lines = append(lines, fmt.Sprintf("  %d × %s", n, msg))
	}
	slices.Sort(lines)
	if len(lines) > 0 {
		fmt.Printf("failed:\n%s\n", strings.Join(lines, "\n"))
	}
}
