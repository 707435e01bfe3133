package sqlite

import (
	"cmp"
	"context"
	"database/sql/driver"
	"strings"

	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sqlstore"
	"modernc.org/sqlite"
)

// fullText is the full-text index in FTS5's table post_fts (migrations/0011_fulltext.sql),
// with the titles apart in title_fts (migrations/0025_title_index.sql), each row of both
// the post's id. Ranking is FTS5's bm25(), a title match weighing four times a body match.
var fullText = sqlstore.SearchDialect{
	Add: `INSERT INTO post_fts (rowid, title, body)
		SELECT $1, $4 || ' ' || $5, $6 || ' ' || $7 WHERE $2 IS NOT NULL AND $3 IS NOT NULL AND $8 IS NOT NULL`,
	AddTitle: `INSERT INTO title_fts (rowid, title) SELECT $1, $3 || ' ' || $4 WHERE $2 IS NOT NULL`,
	// A bulk load indexes each batch of posts as it writes them (bulkSink gives FTS5 a
	// larger hash for it), beside their rows on the load's one connection, rather than
	// gathering them in a table to index at the end, which wrote and read every post's
	// terms twice.
	LoadTables: []sqlstore.TableRows{
		{Table: "post_fts", Columns: []string{"rowid", "title", "body"}},
		{Table: "title_fts", Columns: []string{"rowid", "title"}},
	},
	LoadRows: func(r []any) [][]any {
		title := r[3].(string) + " " + r[4].(string)
		rows := [][]any{{r[0], title, r[5].(string) + " " + r[6].(string)}, nil}
		if r[2].(bool) {
			rows[1] = []any{r[0], title}
		}
		return rows
	},
	Any: `SELECT rowid FROM post_fts LIMIT 1`,
	Remove: []string{
		`DELETE FROM post_fts WHERE rowid IN (SELECT value FROM json_each($1))`,
		`DELETE FROM title_fts WHERE rowid IN (SELECT value FROM json_each($1))`,
	},
	// FTS5 reads matches newest first from the index and computes bm25 for those it
	// returns, so a common word costs limit scores, not one per match.
	Hits: func(param, limit string) string {
		return `(SELECT rowid AS post_id, CAST(-bm25(post_fts, 4.0, 1.0) * 1000000000 AS INTEGER) AS score
			FROM post_fts WHERE post_fts MATCH ` + param + ` ORDER BY rowid DESC LIMIT ` + limit + `)`
	},
	Matching: func(param string) string {
		return `SELECT rowid AS post_id FROM post_fts WHERE post_fts MATCH ` + param
	},
	// A query of titles alone names the column title (ftsQuery), which title_fts has too.
	Titles: func(param string) string {
		return `SELECT rowid AS post_id FROM title_fts WHERE title_fts MATCH ` + param
	},
	// The index holds post ids alone: the set of those that match is made once, and each
	// thread's posts are looked for in it through posts_by_thread, without reading the
	// posts. Looking up the thread of each match instead read a row of posts for each,
	// over a second for a word in a tenth of a million threads' posts; looking up each
	// post of the thread in the index, a cursor opened per post, was slower still.
	InThread: func(param, thread, lowest string) string {
		return `EXISTS (SELECT 1 FROM posts r WHERE r.thread_id = ` + thread + `
			AND +r.id IN (SELECT rowid FROM post_fts WHERE post_fts MATCH ` + param + ` AND rowid >= ` + cmp.Or(lowest, "0") + `))`
	},
	Holds: func(param, post string) string {
		return `EXISTS (SELECT 1 FROM post_fts WHERE post_fts MATCH ` + param + ` AND post_fts.rowid = ` + post + `)`
	},
	Query: func(_ context.Context, _ sqlstore.Querier, groups [][]search.Term, title bool) (any, bool, error) {
		q := ftsQuery(groups, title)
		return q, q != "", nil
	},
}

// search_title is a title's entry in title_fts (AddTitle's text), for the migration that
// made the index to fill it from the threads.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("search_title", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		title, _ := args[0].(string)
		r := fullText.Row(0, 0, true, title, "")
		return r[3].(string) + " " + r[4].(string), nil
	})
}

// ftsQuery writes groups as an FTS5 query: each term a quoted string, which FTS5 cuts and
// stems as it did the text (several words make a phrase), the terms of a group joined by
// AND and the groups by OR.
func ftsQuery(groups [][]search.Term, title bool) string {
	q := sqlstore.BooleanQuery(groups, func(t search.Term) string {
		text := t.Code
		if text == "" {
			text = strings.Join(t.Words, " ")
		}
		if text == "" {
			return ""
		}
		return ftsString(text)
	}, " AND ", " OR ")
	if title && q != "" {
		q = "{title} : (" + q + ")"
	}
	return q
}

// ftsString quotes text as an FTS5 string, so that any query syntax in it (AND, NEAR, *,
// ^, a column filter) is taken as text.
func ftsString(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}
