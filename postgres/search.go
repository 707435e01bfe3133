package postgres

import (
	"context"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// maxSimilar caps SimilarThreads' limit: the composer shows a short list.
const maxSimilar = 10

// SimilarThreads returns the threads whose titles share the most words with text, best
// first, newer first among equals. Titles are matched through threads.title_search and
// its GIN index (migrations/0001_forum.sql) by any of the text's words, and ranked by
// ts_rank, which on one-line titles counts the words a title shares with the text.
func (s *Store) SimilarThreads(ctx context.Context, text string, limit int) ([]parley.Thread, error) {
	limit = min(limit, maxSimilar)
	query := tsQuery(parley.SearchWords(text))
	if limit <= 0 || query == "" {
		return nil, nil
	}
	// The matches are ranked before anything is joined to them, so that a common word's
	// thousands of matches cost a read of their titles' words and no more.
	return s.QueryThreads(ctx, `WITH best AS (
			SELECT id, ts_rank(title_search, $1::tsquery) AS rank FROM threads
			WHERE title_search @@ $1::tsquery AND deleted_at IS NULL
			ORDER BY rank DESC, id DESC LIMIT $2)
		SELECT `+sqlstore.ThreadColumns("t")+`
		FROM best b JOIN threads t ON t.id = b.id JOIN users u ON u.id = t.author_id
		ORDER BY b.rank DESC, b.id DESC`, query, limit)
}

// maxWordBytes bounds a searched word: PostgreSQL refuses longer lexemes, and a title (at
// most parley.MaxTitle characters) has no word as long.
const maxWordBytes = 4 * parley.MaxTitle

// tsQuery writes words as a tsquery that matches any of them. Each word is quoted as one
// lexeme, taken as written: parley.SearchWords keeps only letters, digits, marks and '_',
// so nothing in a word is query syntax, and quoting keeps it so.
func tsQuery(words []string) string {
	var quoted []string
	for _, w := range words {
		if len(w) <= maxWordBytes {
			quoted = append(quoted, "'"+strings.ReplaceAll(strings.ReplaceAll(w, `\`, `\\`), "'", "''")+"'")
		}
	}
	return strings.Join(quoted, " | ")
}
