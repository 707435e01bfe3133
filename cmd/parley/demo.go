package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/demo"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/progress"
)

// smallDemo is what serve --demo builds: enough to browse every kind of page, built in
// a few seconds.
var smallDemo = demo.Config{Threads: 3000, Posts: 15000, Users: 600, Seed: 1}

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := common{loading: true}
	cfg := demo.Config{}
	f := newFlags("demo", getenv, stderr)
	c.register(f)
	f.Int(&cfg.Threads, "threads", 10_000, "threads to generate (ids 1..N)")
	f.Int(&cfg.Posts, "posts", 50_000, "posts to generate, original posts included")
	f.Int(&cfg.Users, "users", 2_000, "users to generate")
	var seed int
	f.Int(&seed, "seed", 1, "seed: the same seed builds the same forum")
	if err := f.parse(args); err != nil {
		return err
	}
	cfg.Seed, cfg.Now = int64(seed), time.Now()
	if err := cfg.Validate(); err != nil {
		var pe *parley.Error
		if errors.As(err, &pe) && pe.Field != "" {
			return fmt.Errorf("--%s: %s", pe.Field, pe.Message)
		}
		return err
	}
	store, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	// Attached files go where serve keeps them by default: the database on PostgreSQL,
	// else the data folder.
	files := serveConfig{common: c}
	if err := files.validateBlobs(); err != nil {
		return err
	}
	blobs, err := files.openBlobs(store)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := buildDemo(ctx, store, blobs, cfg, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Built %d threads, %d posts and %d users into %s in %s.\n",
		cfg.Threads, cfg.Posts, cfg.Users, c.database(), time.Since(start).Round(time.Second/10))
	return nil
}

// seedDemo fills an empty store with the small demo forum and leaves a non-empty one alone.
// A forum it fills gets an admin account with a fresh random password, printed to out, so
// that whoever tries the demo can moderate and manage it too. For a forum filled before,
// whose admin's password was printed then, it prints how to make an admin: makeAdmin.
func seedDemo(ctx context.Context, store parley.Store, blobs blob.Store, out, progress io.Writer, makeAdmin string) error {
	err := buildDemo(ctx, store, blobs, smallDemo, progress)
	if parley.ErrorCode(err) == parley.EConflict {
		fmt.Fprintf(out, "The database holds a forum already, so no demo admin was made now (its password was printed when the demo was built). "+
			"To make an admin, give a password on standard input to:\n  %s\n", makeAdmin)
		return nil
	}
	if err != nil {
		return err
	}
	password := demoPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	_, err = store.CreateAccount(ctx, parley.NewUser{Handle: demoAdmin, DisplayName: "Demo Admin", Role: parley.RoleAdmin},
		demoAdmin+"@demo.invalid", hash)
	if err != nil {
		return fmt.Errorf("create the demo admin: %w", err)
	}
	fmt.Fprintf(out, "Demo forum built. Sign in as %s with the password %s to moderate and manage it.\n", demoAdmin, password)
	return nil
}

// demoAdmin is the handle of the demo forum's admin account.
const demoAdmin = "demo_admin"

// demoPassword is 16 letters and digits (80 bits) from crypto/rand, never the same twice.
func demoPassword() string { return strings.ToLower(rand.Text()[:16]) }

// buildDemo bulk-loads a demo forum into store, and the files its questions attach into
// blobs, drawing a progress bar to barOut.
func buildDemo(ctx context.Context, store parley.Store, blobs blob.Store, cfg demo.Config, barOut io.Writer) error {
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	cfg.Blobs = blobs
	w, err := store.Bulk(ctx)
	if err != nil {
		return err
	}
	bar := progress.New(barOut, int64(cfg.Threads), "Building the demo forum", "threads")
	err = demo.Generate(ctx, cfg, markdown.New(), w, func(done int) { bar.Set(done) })
	bar.Finish()
	if err != nil {
		return fmt.Errorf("build demo forum: %w", errors.Join(err, w.Abandon(ctx)))
	}
	return nil
}
