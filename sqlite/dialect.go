package sqlite

import (
	"encoding/json"
	"errors"

	"github.com/parley-forum/parley/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what SQLite says its own way.
var dialect = sqlstore.Dialect{
	// Naming the index pins the plan: one range scan of one index per list page, where
	// SQLite's planner would sometimes choose the primary key and sort.
	IndexedBy: func(index string) string { return " INDEXED BY " + index },
	// A write transaction holds the database from BEGIN (_txlock=immediate).
	ForUpdate:  "",
	SkipLocked: "",
	AnyID: func(column, param string) string {
		return column + " IN (SELECT value FROM json_each(" + param + "))"
	},
	IDs: func(ids []int64) any {
		b, _ := json.Marshal(ids)
		return string(b)
	},
	// A write transaction holds the database from BEGIN: nothing else can change a key.
	LockKey: func(bool) string { return "" },
	Pairs: func(param string) string {
		return "(SELECT value ->> 0 AS id, value ->> 1 AS n FROM json_each(" + param + "))"
	},
	IsUnique: func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se) &&
			(se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
	IsForeignKey: func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	},
	Search: fullText,
}
