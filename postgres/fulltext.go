package postgres

import (
	"cmp"
	"context"
	"database/sql/driver"
	"strings"

	"github.com/parley-forum/parley/search"
	"github.com/parley-forum/parley/sqlstore"
)

// titleDocument is the tsvector of a title's entry in title_search: the title's part of
// its question's document, so that a query of titles alone (weight A) reads the same.
func titleDocument(words, code string) string {
	return `setweight(to_tsvector('parley_search', ` + words + `) || search_code(` + code + `), 'A')`
}

// document is the tsvector of a post's index entry from its title's words and code terms
// and its body's (migrations/0008_fulltext.sql).
func document(titleWords, titleCode, bodyWords, bodyCode string) string {
	return `setweight(to_tsvector('parley_search', ` + titleWords + `) || search_code(` + titleCode + `), 'A') ||
		setweight(to_tsvector('parley_search', ` + bodyWords + `) || search_code(` + bodyCode + `), 'B')`
}

// words is the tsquery of a search's query in the placeholder param (tsQueryOf) that the
// documents are matched against: its words, without its phrases' pairs.
func words(param string) string { return `search_words(` + param + `)` }

// fullText is the full-text index in post_search, with the titles apart in title_search
// (migrations/0022_title_index.sql) and the pairs of words next to each other in post_pairs
// (migrations/0025_phrase_pairs.sql). Ranking is ts_rank, a title match (A) weighing two
// and a half times a body match (B).
var fullText = sqlstore.SearchDialect{
	// One statement: the pairs, when there are any, then the entry.
	Add: `WITH pairs AS (INSERT INTO post_pairs (post_id, pairs) SELECT $1, search_pairs($8) WHERE $8 <> '')
		INSERT INTO post_search (post_id, thread_id, original, document)
		VALUES ($1, $2, $3, ` + document("$4", "$5", "$6", "$7") + `)`,
	Pairs:    true,
	AddTitle: `INSERT INTO title_search (post_id, thread_id, document) VALUES ($1, $2, ` + titleDocument("$3", "$4") + `)`,
	AddFrom: func(table string) []string {
		return []string{
			`INSERT INTO post_search (post_id, thread_id, original, document)
			SELECT post_id, thread_id, original, ` + document("title_words", "title_code", "body_words", "body_code") +
				` FROM ` + table + ` ORDER BY post_id`,
			`INSERT INTO post_pairs (post_id, pairs)
			SELECT post_id, search_pairs(pairs) FROM ` + table + ` WHERE pairs <> '' ORDER BY post_id`,
			`INSERT INTO title_search (post_id, thread_id, document)
			SELECT post_id, thread_id, ` + titleDocument("title_words", "title_code") + ` FROM ` + table + `
			WHERE original ORDER BY post_id`,
		}
	},
	Any:       `SELECT post_id FROM post_search LIMIT 1`,
	Reindexed: `UPDATE search_state SET pairs = true`,
	Remove: []string{
		`DELETE FROM post_search WHERE post_id = ANY($1)`,
		`DELETE FROM post_pairs WHERE post_id = ANY($1)`,
		`DELETE FROM title_search WHERE post_id = ANY($1)`,
	},
	// The matches are limited before they are ranked, so that ts_rank runs on limit rows
	// rather than on every match of a common word.
	Hits: func(param, limit string) string {
		return `(SELECT post_id, CAST(ts_rank('{0.1, 0.2, 0.4, 1.0}', document, ` + words(param) + `) * 1000000000 AS BIGINT) AS score
			FROM (SELECT post_id, document FROM post_search WHERE document @@ ` + words(param) + `
				ORDER BY post_id DESC LIMIT ` + limit + `) newest)`
	},
	Matching: func(param string) string {
		return `SELECT post_id FROM post_search WHERE document @@ ` + words(param)
	},
	// A query with phrases reads the posts holding their pairs first, by the pairs' index.
	Phrases: func(match any, param string) string {
		if len(match.(tsMatch).pairs) == 0 {
			return ""
		}
		return `SELECT s.post_id FROM post_pairs c JOIN post_search s ON s.post_id = c.post_id
			WHERE c.pairs @@ search_pairs_of(` + param + `) AND s.document @@ ` + words(param)
	},
	Titles: func(param string) string {
		return `SELECT post_id FROM title_search WHERE document @@ ` + words(param)
	},
	InThread: func(param, thread, lowest string) string {
		return thread + ` IN (SELECT thread_id FROM post_search WHERE document @@ ` + words(param) + ` AND post_id >= ` +
			cmp.Or(lowest, "0") + `)`
	},
	Holds: func(param, post string) string {
		return `EXISTS (SELECT 1 FROM post_search s WHERE s.post_id = ` + post + ` AND s.document @@ ` + words(param) + `)`
	},
	Query: tsQueryOf,
	Few:   fewMatches,
}

// fewMatches reports whether the planner reckons the posts matching the query match few
// enough to be read whole from the index and sorted, to find the newest wanted, rather than
// found by walking the posts newest first. The walk tests about wanted × posts / matches
// posts at some 1.9 µs each (a document to read and often unpack); reading all the matches
// from the index costs about 4.6 µs each, mostly the row (5,000,000 posts, in memory). The
// two are even where matches² = 0.4 × wanted × posts. The estimate is the planner's,
// which statistics of 1,000 on the documents make close (11,434 for a word in 12,253
// posts): EXPLAIN with the query as a literal, as a search's reader sends it (byValue),
// since a prepared statement may be planned for any query.
//
// A query with phrases is read through their pairs (SearchDialect.Phrases), and its
// matches are reckoned as the posts holding the pairs. Each must be checked for the phrase,
// about 7.5 µs, where the walk tests a post in 0.8 µs (111,706 posts holding "crashes" and
// "launch" checked in 0.84 s, 5,000,000 walked in 3.97 s; 9,093 holding "local network" read
// in 38–54 ms against 15 ms for the walk to find its newest 500, at 500,000 posts): the two
// are even where matches² = 0.1 × wanted × posts. A phrase's pairs go together as its words
// do, so the posts holding them are reckoned as those holding its rarest pair, the planner
// asked of each apart: it took two pairs of "only on some customers' devices", each in
// 190,654 of 5,000,000 posts and always together, for 8,585 posts.
func fewMatches(ctx context.Context, q sqlstore.Querier, match any, wanted int) (bool, error) {
	var posts float64
	if err := q.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'post_search'::regclass`).Scan(&posts); err != nil {
		return false, err
	}
	m := match.(tsMatch)
	if len(m.pairs) == 0 {
		matches, err := plannedRows(ctx, q, `SELECT post_id FROM post_search WHERE document @@ `+words("$1"), m)
		return matches*matches <= 0.4*float64(wanted)*posts, err
	}
	var matches float64
	for _, pairs := range m.pairs {
		rarest := posts
		for _, p := range pairs {
			n, err := plannedRows(ctx, q, `SELECT post_id FROM post_pairs WHERE pairs @@ $1::tsquery`, tsLexeme(p))
			if err != nil {
				return false, err
			}
			rarest = min(rarest, n)
		}
		matches += rarest
	}
	return matches*matches <= 0.1*float64(wanted)*posts, nil
}

// plannedRows returns how many rows the planner reckons query returns, given arg for $1.
func plannedRows(ctx context.Context, q sqlstore.Querier, query string, arg any) (float64, error) {
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := q.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+query, arg).Scan(&plan); err != nil || len(plan) == 0 {
		return 0, err
	}
	return plan[0].Plan.Rows, nil
}

// tsMatch is a search's query as tsQueryOf writes it, sent as its text.
type tsMatch struct {
	// query is the tsquery of the words, then, when pairs, pairsMark and the tsquery of
	// the pairs of words the query's phrases ask for (pairsQuery).
	query string
	// pairs are those pairs by group of the query, all of a group's phrases' together.
	pairs [][]string
}

// Value sends a tsMatch as its text, which search_words and search_pairs_of read.
func (m tsMatch) Value() (driver.Value, error) { return m.query, nil }

// tsQueryOf writes groups as a tsquery: code terms as lexemes, as written; words as the
// lexemes parley_search stems them to, asked of the database, a term's words joined by
// <->; the terms of a group joined by & and the groups by |. In titles alone, each lexeme
// is restricted to weight A. Elsewhere, once every entry has its pairs, a query with
// phrases is followed by chr(1) and the tsquery of their pairs (pairsQuery), which the
// statements read apart (words, SearchDialect.Phrases).
func tsQueryOf(ctx context.Context, q sqlstore.Querier, groups [][]search.Term, title bool) (any, bool, error) {
	stems, paired, err := stemWords(ctx, q, groups)
	if err != nil {
		return nil, false, err
	}
	weight := ""
	if title {
		weight = ":A"
	}
	query := sqlstore.BooleanQuery(groups, func(t search.Term) string {
		var lexemes []string
		if t.Code != "" {
			lexemes = append(lexemes, tsLexeme(t.Code)+weight)
		}
		for _, w := range t.Words {
			if s := stems[w]; s != "" {
				lexemes = append(lexemes, tsLexeme(s)+weight)
			}
		}
		if len(lexemes) == 0 {
			return ""
		}
		return "(" + strings.Join(lexemes, " <-> ") + ")"
	}, " & ", " | ")
	m := tsMatch{query: query}
	if pairs, byGroup := pairsQuery(groups); paired && !title && pairs != "" {
		m = tsMatch{query: query + pairsMark + pairs, pairs: byGroup}
	}
	return m, query != "", nil
}

// pairsMark parts a search's query from the tsquery of its phrases' pairs (tsQueryOf):
// chr(1), as migrations/0025_phrase_pairs.sql's search_words and search_pairs_of read it.
const pairsMark = "\x01"

// pairsQuery writes the tsquery of the pairs of words (search.Pairs) that a post holding
// groups' terms must hold: each phrase's pairs, the phrases of a group joined by & and the
// groups by |; "" when some group has no phrase, and so asks for no pair. GIN, which keeps
// no positions, reads the posts holding a phrase's pairs, few where its words are common,
// rather than every post holding its words, each then checked for the phrase. An entry too
// long to hold all its pairs (sqlstore.LongPairs) is read as well. It returns the pairs by
// group too.
func pairsQuery(groups [][]search.Term) (string, [][]string) {
	var ors []string
	var byGroup [][]string
	for _, g := range groups {
		var ands, all []string
		for _, t := range g {
			pairs := search.Pairs(t.Words)
			if len(pairs) == 0 {
				continue
			}
			all = append(all, pairs...)
			lexemes := make([]string, len(pairs))
			for i, p := range pairs {
				lexemes[i] = tsLexeme(p)
			}
			ands = append(ands, "("+strings.Join(lexemes, " & ")+" | "+tsLexeme(sqlstore.LongPairs)+")")
		}
		if len(ands) == 0 {
			return "", nil
		}
		ors = append(ors, "("+strings.Join(ands, " & ")+")")
		byGroup = append(byGroup, all)
	}
	return strings.Join(ors, " | "), byGroup
}

// stemWords asks the database what parley_search makes of each word of groups, and
// whether every entry of the index holds its pairs of words (search_state).
func stemWords(ctx context.Context, q sqlstore.Querier, groups [][]search.Term) (map[string]string, bool, error) {
	stems := map[string]string{}
	var words []string
	for _, g := range groups {
		for _, t := range g {
			for _, w := range t.Words {
				if _, ok := stems[w]; !ok {
					stems[w] = ""
					words = append(words, w)
				}
			}
		}
	}
	if len(words) == 0 {
		return stems, false, nil
	}
	rows, err := q.Query(ctx, `SELECT w, coalesce((SELECT min(l) FROM unnest(tsvector_to_array(to_tsvector('parley_search', w))) l), ''),
			(SELECT pairs FROM search_state)
		FROM unnest($1::text[]) w`, words)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	paired := false
	for rows.Next() {
		var w, s string
		if err := rows.Scan(&w, &s, &paired); err != nil {
			return nil, false, err
		}
		stems[w] = s
	}
	return stems, paired, rows.Err()
}

// tsLexeme quotes a lexeme for a tsquery.
func tsLexeme(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}
