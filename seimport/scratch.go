package seimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/progress"
	"github.com/parley-forum/parley/sedump"
	"github.com/parley-forum/parley/sqlite" // registers the driver too
)

// scratch is the import's working database: the dump's rows grouped by thread (see the
// package comment). It lives for one import, so it is written without a journal or syncs.
type scratch struct {
	db  *sql.DB
	dir string
}

// scratchSchema keeps only what the forum will show. Dates are Unix milliseconds. Indexes
// that the reading pass does not need are made after it, by resolve. The posts' bodies,
// most of their bytes, have a table of their own, so that the statements that read
// or rewrite every post (resolve's) do not read or rewrite them too.
const scratchSchema = `
CREATE TABLE users (se_id INTEGER PRIMARY KEY, id INTEGER NOT NULL UNIQUE, handle TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE handles (handle TEXT PRIMARY KEY COLLATE NOCASE) WITHOUT ROWID;
CREATE TABLE placeholders (name TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE, handle TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, slug TEXT NOT NULL UNIQUE, excerpt_id INTEGER);
CREATE TABLE excerpts (post_id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, thread_id INTEGER NOT NULL, question INTEGER NOT NULL, accepted_id INTEGER,
	created INTEGER NOT NULL, views INTEGER NOT NULL, title TEXT NOT NULL, owner_se_id INTEGER,
	owner_name TEXT NOT NULL, license TEXT NOT NULL, author_id INTEGER);
CREATE TABLE bodies (post_id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE thread_tags (thread_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, position INTEGER NOT NULL,
	PRIMARY KEY (thread_id, tag_id)) WITHOUT ROWID;
CREATE TABLE upvotes (post_id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE voters (post_id INTEGER NOT NULL, user_se_id INTEGER NOT NULL, PRIMARY KEY (post_id, user_se_id)) WITHOUT ROWID;
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, created INTEGER NOT NULL, text TEXT NOT NULL,
	user_se_id INTEGER, user_name TEXT NOT NULL);
CREATE TABLE links (thread_id INTEGER NOT NULL, target_id INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE TABLE history (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, created INTEGER NOT NULL, user_se_id INTEGER,
	user_name TEXT NOT NULL, summary TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE badges (id INTEGER PRIMARY KEY, user_se_id INTEGER NOT NULL, name TEXT NOT NULL, class TEXT NOT NULL,
	awarded INTEGER NOT NULL);
`

// openScratch makes the scratch database in dir, a folder of its own that remove deletes.
func openScratch(ctx context.Context, dir string) (*scratch, error) {
	path := filepath.Join(dir, "scratch.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, fmt.Errorf("open the scratch database: %w", err)
	}
	// One connection: the scratch database is used by one goroutine at a time, and a
	// second connection would open the file again with its own cache.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, scratchSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("make the scratch database: %w", err)
	}
	return &scratch{db: db, dir: dir}, nil
}

// remove closes the scratch database and deletes its folder. It may be called again.
func (sc *scratch) remove() {
	sc.db.Close()
	os.RemoveAll(sc.dir)
}

// read runs the first pass: it reads every file of the dump in dir into the scratch
// database, then resolves authors. PostHistory.xml may be missing; the other files the
// import uses may not.
func (sc *scratch) read(ctx context.Context, dir string, sum *Summary, bar io.Writer) error {
	steps := []struct {
		file string
		read func(context.Context, *sql.Tx, string, *Summary, func()) error
	}{
		{"Users.xml", readUsers},
		{"Tags.xml", readTags},
		{"Posts.xml", readPosts},
		{"Votes.xml", readVotes},
		{"Comments.xml", readComments},
		{"PostHistory.xml", readHistory},
		{"PostLinks.xml", readLinks},
		{"Badges.xml", readBadges},
	}
	for _, step := range steps {
		b := progress.New(bar, -1, "Reading "+step.file, "rows")
		err := sc.inTx(ctx, func(tx *sql.Tx) error { return step.read(ctx, tx, dir, sum, func() { b.Add(1) }) })
		b.Finish()
		if errors.Is(err, fs.ErrNotExist) && step.file == "PostHistory.xml" {
			sum.NoHistory = true
			continue
		}
		if errors.Is(err, fs.ErrNotExist) && step.file == "PostLinks.xml" {
			sum.NoLinks = true
			continue
		}
		if errors.Is(err, fs.ErrNotExist) && step.file == "Badges.xml" {
			sum.NoBadges = true
			continue
		}
		if err != nil {
			return err
		}
	}
	return sc.resolve(ctx, sum)
}

func (sc *scratch) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := sc.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// each inserts a row with query, an INSERT with one VALUES tuple, for each row of rows,
// with the arguments args gives, or none when args gives none. Rows are inserted many at a
// time (sqlite.Inserter), so args may write other tables before the rows are inserted. It
// stops at the first error, the dump's, args' or the database's.
func each[T any](ctx context.Context, tx *sql.Tx, rows iter.Seq2[T, error], query string, tick func(), args func(T) ([]any, error)) error {
	in, err := sqlite.NewInserter(ctx, tx, query)
	if err != nil {
		return err
	}
	defer in.Close()
	for r, err := range ahead(rows) {
		if err != nil {
			return err
		}
		tick()
		a, err := args(r)
		if err != nil {
			return err
		}
		if a == nil {
			continue
		}
		if err := in.Add(ctx, a...); err != nil {
			return err
		}
	}
	return in.Flush(ctx)
}

func readUsers(ctx context.Context, tx *sql.Tx, dir string, _ *Summary, tick func()) error {
	hs, err := newHandles(ctx, tx)
	if err != nil {
		return err
	}
	defer hs.close()
	var id int64
	return each(ctx, tx, sedump.Users(dir),
		`INSERT INTO users (se_id, id, handle, name, created) VALUES (?, ?, ?, ?, ?)`, tick,
		func(u sedump.User) ([]any, error) {
			fallback := fmt.Sprintf("user%d", max(u.ID, 0))
			h, err := hs.claim(ctx, baseHandle(u.DisplayName, fallback))
			if err != nil {
				return nil, err
			}
			id++
			return []any{u.ID, id, h, displayName(u.DisplayName, fallback), u.CreationDate.UnixMilli()}, nil
		})
}

func readTags(ctx context.Context, tx *sql.Tx, dir string, _ *Summary, tick func()) error {
	slugs := map[string]bool{}
	return each(ctx, tx, sedump.Tags(dir),
		`INSERT INTO tags (id, name, slug, excerpt_id) VALUES (?, ?, ?, ?)`, tick,
		func(t sedump.Tag) ([]any, error) {
			slug := uniqueSlug(t, slugs)
			return []any{t.ID, t.TagName, slug, t.ExcerptPostID}, nil
		})
}

func readPosts(ctx context.Context, tx *sql.Tx, dir string, sum *Summary, tick func()) error {
	tagIDs, err := tagsByName(ctx, tx)
	if err != nil {
		return err
	}
	tags, err := sqlite.NewInserter(ctx, tx, `INSERT OR IGNORE INTO thread_tags (thread_id, tag_id, position) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer tags.Close()
	bodies, err := sqlite.NewInserter(ctx, tx, `INSERT INTO bodies (post_id, body) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer bodies.Close()
	excerptStmt, err := tx.PrepareContext(ctx, `INSERT INTO excerpts (post_id, body) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer excerptStmt.Close()
	err = each(ctx, tx, sedump.Posts(dir),
		`INSERT INTO posts (id, thread_id, question, accepted_id, created, views, title, owner_se_id, owner_name, license)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tick,
		func(p sedump.Post) ([]any, error) {
			thread := p.ID
			switch {
			case p.PostTypeID == sedump.Question:
				for i, name := range p.Tags {
					id, ok := tagIDs[name]
					if !ok {
						sum.UnknownTags++
						continue
					}
					if err := tags.Add(ctx, p.ID, id, i); err != nil {
						return nil, err
					}
				}
			case p.PostTypeID == sedump.Answer && p.ParentID != nil:
				thread = *p.ParentID
			case p.PostTypeID == sedump.TagWikiExcerpt:
				sum.OtherPosts++
				_, err := excerptStmt.ExecContext(ctx, p.ID, p.Body)
				return nil, err
			default:
				sum.OtherPosts++
				return nil, nil
			}
			if err := bodies.Add(ctx, p.ID, p.Body); err != nil {
				return nil, err
			}
			return []any{p.ID, thread, p.PostTypeID == sedump.Question, p.AcceptedAnswerID, p.CreationDate.UnixMilli(), p.ViewCount,
				p.Title, p.OwnerUserID, p.OwnerDisplayName, p.ContentLicense}, nil
		})
	if err != nil {
		return err
	}
	if err := tags.Flush(ctx); err != nil {
		return err
	}
	return bodies.Flush(ctx)
}

// tagsByName maps each tag's name to its id: the one part of a dump held in memory, since
// every question names its tags (Stack Overflow has about 65,000).
func tagsByName(ctx context.Context, tx *sql.Tx) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, id FROM tags`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return nil, err
		}
		ids[name] = id
	}
	return ids, rows.Err()
}

// readVotes counts the up votes of each post, and keeps the voters a dump names.
func readVotes(ctx context.Context, tx *sql.Tx, dir string, _ *Summary, tick func()) error {
	voterStmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO voters (post_id, user_se_id) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer voterStmt.Close()
	return each(ctx, tx, sedump.Votes(dir),
		`INSERT INTO upvotes (post_id, n) VALUES (?, 1) ON CONFLICT (post_id) DO UPDATE SET n = n + 1`, tick,
		func(v sedump.Vote) ([]any, error) {
			if v.VoteTypeID != sedump.VoteUpMod {
				return nil, nil
			}
			if v.UserID != nil {
				if _, err := voterStmt.ExecContext(ctx, v.PostID, *v.UserID); err != nil {
					return nil, err
				}
			}
			return []any{v.PostID}, nil
		})
}

func readComments(ctx context.Context, tx *sql.Tx, dir string, _ *Summary, tick func()) error {
	return each(ctx, tx, sedump.Comments(dir),
		`INSERT INTO comments (id, post_id, created, text, user_se_id, user_name) VALUES (?, ?, ?, ?, ?, ?)`, tick,
		func(c sedump.Comment) ([]any, error) {
			return []any{c.ID, c.PostID, c.CreationDate.UnixMilli(), c.Text, c.UserID, c.UserDisplayName}, nil
		})
}

// readLinks keeps the links between posts that become links between threads: related
// (LinkTypeId 1) and duplicate (3). Whether both ends are questions is known once every
// post is read (resolve).
func readLinks(ctx context.Context, tx *sql.Tx, dir string, _ *Summary, tick func()) error {
	return each(ctx, tx, sedump.PostLinks(dir),
		`INSERT INTO links (thread_id, target_id, kind) VALUES (?, ?, ?)`, tick,
		func(l sedump.PostLink) ([]any, error) {
			switch l.LinkTypeID {
			case sedump.Linked:
				return []any{l.PostID, l.RelatedPostID, string(parley.LinkRelated)}, nil
			case sedump.Duplicate:
				return []any{l.PostID, l.RelatedPostID, string(parley.LinkDuplicate)}, nil
			}
			return nil, nil
		})
}

// badgeClasses are the forum's names of a dump's badge classes.
var badgeClasses = map[sedump.BadgeClass]parley.BadgeClass{
	sedump.Gold: parley.BadgeGold, sedump.Silver: parley.BadgeSilver, sedump.Bronze: parley.BadgeBronze,
}

// readBadges keeps the badges of the known classes; whether their users are in the dump
// is known once every user is read (resolve).
func readBadges(ctx context.Context, tx *sql.Tx, dir string, sum *Summary, tick func()) error {
	return each(ctx, tx, sedump.Badges(dir),
		`INSERT INTO badges (id, user_se_id, name, class, awarded) VALUES (?, ?, ?, ?, ?)`, tick,
		func(b sedump.Badge) ([]any, error) {
			class, ok := badgeClasses[b.Class]
			if !ok {
				sum.OtherBadges++
				return nil, nil
			}
			return []any{b.ID, b.UserID, b.Name, string(class), b.Date.UnixMilli()}, nil
		})
}

// readHistory keeps the versions of post bodies: initial, edit and rollback.
func readHistory(ctx context.Context, tx *sql.Tx, dir string, _ *Summary, tick func()) error {
	return each(ctx, tx, sedump.PostHistories(dir),
		`INSERT INTO history (id, post_id, created, user_se_id, user_name, summary, text) VALUES (?, ?, ?, ?, ?, ?, ?)`, tick,
		func(h sedump.PostHistory) ([]any, error) {
			switch h.PostHistoryTypeID {
			case sedump.InitialBody, sedump.EditBody, sedump.RollbackBody:
				return []any{h.ID, h.PostID, h.CreationDate.UnixMilli(), h.UserID, h.UserDisplayName, h.Comment, h.Text}, nil
			}
			return nil, nil
		})
}
