package seimport

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sedump"
)

// maxHandle is the longest handle the forum takes (parley's handle rule: 2 to 30 ASCII
// letters, digits or underscores).
const maxHandle = 30

// baseHandle makes a handle from a display name: its ASCII letters and digits, with each
// run of other characters between them written as one underscore, cut to maxHandle. A name
// that leaves fewer than two characters gets fallback.
func baseHandle(name, fallback string) string {
	var b strings.Builder
	gap := false
	for _, r := range name {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(r)
			continue
		}
		gap = true
	}
	h := strings.TrimRight(b.String()[:min(b.Len(), maxHandle)], "_")
	if len(h) < 2 {
		return fallback
	}
	return h
}

// displayName is the name shown for a user: the dump's, with its spaces tidied and cut to
// the forum's limit, or fallback when there is none.
func displayName(name, fallback string) string {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return fallback
	}
	if utf8.RuneCountInString(name) > parley.MaxName {
		name = strings.TrimSpace(string([]rune(name)[:parley.MaxName]))
	}
	return name
}

// handles hands out unique handles, whatever their case, through the scratch database, so
// that a dump of millions of users needs no map of them in memory.
type handles struct {
	claimStmt, nextStmt, saveStmt *sql.Stmt
}

func newHandles(ctx context.Context, tx *sql.Tx) (*handles, error) {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS handle_next (base TEXT PRIMARY KEY COLLATE NOCASE, n INTEGER NOT NULL) WITHOUT ROWID`); err != nil {
		return nil, err
	}
	var h handles
	var err error
	prepare := func(q string) *sql.Stmt {
		s, e := tx.PrepareContext(ctx, q)
		if e != nil && err == nil {
			err = e
		}
		return s
	}
	h.claimStmt = prepare(`INSERT OR IGNORE INTO handles (handle) VALUES (?)`)
	h.nextStmt = prepare(`SELECT n FROM handle_next WHERE base = ?`)
	h.saveStmt = prepare(`INSERT OR REPLACE INTO handle_next (base, n) VALUES (?, ?)`)
	if err != nil {
		h.close()
		return nil, err
	}
	return &h, nil
}

func (h *handles) close() {
	for _, s := range []*sql.Stmt{h.claimStmt, h.nextStmt, h.saveStmt} {
		if s != nil {
			s.Close()
		}
	}
}

// claim returns base, or base with the first free suffix _2, _3, … (cut to fit), and
// takes it. It remembers each base's last suffix, so that the thousandth "John" costs
// what the second does.
func (h *handles) claim(ctx context.Context, base string) (string, error) {
	n := 1
	err := h.nextStmt.QueryRowContext(ctx, base).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return "", err
	}
	for ; ; n++ {
		candidate := base
		if n > 1 {
			suffix := "_" + strconv.Itoa(n)
			candidate = strings.TrimRight(base[:min(len(base), maxHandle-len(suffix))], "_") + suffix
		}
		res, err := h.claimStmt.ExecContext(ctx, candidate)
		if err != nil {
			return "", err
		}
		if took, _ := res.RowsAffected(); took == 1 {
			_, err := h.saveStmt.ExecContext(ctx, base, n)
			return candidate, err
		}
	}
}

// uniqueSlug makes a tag's address from its name, different from those in taken, which
// it joins. Stack Exchange tags such as "c#" and "c" would otherwise share one.
func uniqueSlug(t sedump.Tag, taken map[string]bool) string {
	base := strings.TrimRight(parley.Slugify(t.TagName)[:min(len(parley.Slugify(t.TagName)), parley.MaxName-4)], "-")
	if base == "" {
		base = fmt.Sprintf("tag-%d", t.ID)
	}
	slug := base
	for n := 2; taken[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	taken[slug] = true
	return slug
}
