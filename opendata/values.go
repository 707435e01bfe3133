package opendata

import (
	"context"
	"fmt"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/dbcopy"
)

// The snapshot's rows hold each database's own types: SQLite's integers for flags,
// PostgreSQL's booleans and 32-bit integers. These read a value as the export needs it.

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int:
		return int64(x)
	case bool:
		if x {
			return 1
		}
	}
	return 0 // NULL
}

func toBool(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	return toInt(v) != 0
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

func toTime(v any) time.Time { return parley.FromMillis(toInt(v)) }

// each runs query in the snapshot and calls fn with every row's values, which fn must not
// keep.
func each(ctx context.Context, snap *dbcopy.Snapshot, query string, fn func(v []any) error) error {
	rows, err := snap.Query(ctx, query)
	if err != nil {
		return fmt.Errorf("read the forum: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			return fmt.Errorf("read the forum: %w", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the forum: %w", err)
	}
	return nil
}
