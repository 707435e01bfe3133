// Command searchmix times a running forum's search with the query mix in queries.txt, one
// request at a time, as one reader searching would, and prints the latency percentiles and
// the slowest queries:
//
//	go run ./tools/searchmix -base http://127.0.0.1:8080 -rounds 3
//
// The mix is written for the demo forum (parley demo --seed 1): common words, rare
// identifiers, error codes, phrases, two and three words, and operators alone and with
// words. Each round asks every query once, in a fresh random order, so that no query is
// always asked right after the one that warmed its pages. For throughput, mix.lua drives
// wrk over the same queries (see run.sh), beside loadcheck's ceiling.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the forum's address")
	file := flag.String("queries", "tools/searchmix/queries.txt", "the query mix, one query a line; # starts a comment")
	rounds := flag.Int("rounds", 3, "how many times to ask every query")
	slowest := flag.Int("slowest", 10, "how many of the slowest searches to list")
	flag.Parse()
	if err := run(*base, *file, *rounds, *slowest); err != nil {
		fmt.Fprintln(os.Stderr, "searchmix:", err)
		os.Exit(1)
	}
}

// timing is one search and how long it took.
type timing struct {
	query string
	took  time.Duration
}

func run(base, file string, rounds, slowest int) error {
	queries, err := readQueries(file)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	var all []timing
	rng := rand.New(rand.NewPCG(1, 2))
	for range rounds {
		rng.Shuffle(len(queries), func(i, j int) { queries[i], queries[j] = queries[j], queries[i] })
		for _, q := range queries {
			took, err := search(client, base, q)
			if err != nil {
				return fmt.Errorf("%q: %w", q, err)
			}
			all = append(all, timing{q, took})
		}
	}
	report(os.Stdout, len(queries), all, slowest)
	return nil
}

// readQueries reads the mix: a query a line, blank lines and # comments left out.
func readQueries(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var queries []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			queries = append(queries, line)
		}
	}
	if len(queries) == 0 && sc.Err() == nil {
		return nil, errors.New(file + " holds no query")
	}
	return queries, sc.Err()
}

// search asks for one page of results and reads it whole; anything but 200 is an error.
func search(client *http.Client, base, query string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/search?q="+url.QueryEscape(query), nil)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if res.StatusCode != http.StatusOK {
		return took, fmt.Errorf("status %d", res.StatusCode)
	}
	return took, nil
}

// report prints the percentiles of every search and the slowest few.
func report(w io.Writer, queries int, all []timing, slowest int) {
	slices.SortFunc(all, func(a, b timing) int { return int(a.took - b.took) })
	at := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))].took }
	fmt.Fprintf(w, "%d queries, %d searches: p50 %s, p95 %s, p99 %s, max %s\n", queries, len(all),
		ms(at(0.50)), ms(at(0.95)), ms(at(0.99)), ms(all[len(all)-1].took))
	fmt.Fprintln(w, "slowest:")
	for _, t := range slices.Backward(all[max(0, len(all)-slowest):]) {
		fmt.Fprintf(w, "  %8s  %s\n", ms(t.took), t.query)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
