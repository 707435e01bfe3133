package sqlstore

// Dialect is what the store's SQL cannot say the same way on every database. Everything
// else (placeholders, boolean literals) the DB translates as it runs a statement.
type Dialect struct {
	// IndexedBy returns the clause that makes a query read the named index, or "" where
	// the planner picks the index unaided.
	IndexedBy func(index string) string
	// ForUpdate ends a SELECT in a write transaction that must lock the rows it reads
	// against concurrent writers; "" where a write transaction holds the whole database
	// from its start.
	ForUpdate string
	// SkipLocked ends a SELECT in a write transaction that claims rows as work: rows
	// another transaction claimed are skipped rather than waited for. "" where a write
	// transaction holds the whole database from its start.
	SkipLocked string
	// AnyID returns a condition that holds when column equals one of the ids in the
	// placeholder param, whose argument IDs makes.
	AnyID func(column, param string) string
	// IDs turns ids into the argument AnyID expects.
	IDs func(ids []int64) any
	// Pairs returns a subquery of the rows (id, n) in the placeholder param, whose
	// argument is a JSON array of [id, n] pairs (pairsArg): many rows' changes in one
	// statement.
	Pairs func(param string) string
	// LockKey returns a statement that takes a lock on a key, the text $2 within the
	// class $1 (an int32), held until the transaction ends: shared with other sharers, or
	// alone. "" where a write transaction holds the whole database from its start.
	LockKey func(shared bool) string
	// IsUnique reports whether err is the database refusing a duplicate key, and
	// IsForeignKey a reference to a row that does not exist.
	IsUnique, IsForeignKey func(err error) bool
	// Search is how the database keeps and reads the full-text index (searchindex.go).
	Search SearchDialect
}
