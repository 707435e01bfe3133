package main

import (
	"context"
	"fmt"
	"io"
)

// runMigrate applies the embedded migrations; serve does the same at start, so this is for
// operators who want to upgrade the schema as a separate step.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	f := newFlags("migrate", getenv, stderr)
	c.register(f)
	if err := f.parse(args); err != nil {
		return err
	}
	store, err := c.open(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer store.Close()
	v, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d.\n", c.database(), v)
	return nil
}
