package postgres

import (
	"github.com/parley-forum/parley/sqlstore"
)

// dialect is what PostgreSQL says its own way.
var dialect = sqlstore.Dialect{
	// The planner picks the list indexes unaided: each is the only one keyed by its sort.
	IndexedBy: func(string) string { return "" },
	// Transactions run at READ COMMITTED, so a change that depends on what it read locks
	// the rows first: with the lock an UPDATE that keeps the key takes, so that readers
	// and inserts of rows that refer to it are not held up.
	ForUpdate: " FOR NO KEY UPDATE",
	// Workers on several nodes claim notification jobs at once; each takes its own.
	SkipLocked: " FOR UPDATE SKIP LOCKED",
	AnyID:      func(column, param string) string { return column + " = ANY(" + param + ")" },
	IDs:        func(ids []int64) any { return ids },
	// A transaction-level advisory lock on the key's hash: a collision only makes one
	// transaction wait for another.
	LockKey: func(shared bool) string {
		if shared {
			return `SELECT pg_advisory_xact_lock_shared($1, hashtext($2))`
		}
		return `SELECT pg_advisory_xact_lock($1, hashtext($2))`
	},
	Pairs: func(param string) string {
		return "(SELECT (p ->> 0)::bigint AS id, (p ->> 1)::bigint AS n FROM jsonb_array_elements(" + param + "::jsonb) p)"
	},
	IsUnique:     isUniqueViolation,
	IsForeignKey: isForeignKeyViolation,
	Search:       fullText,
}
