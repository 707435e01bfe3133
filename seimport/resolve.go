package seimport

import (
	"context"
	"database/sql"
	"fmt"
)

// authorName is the name a post or revision was written under when its author is not in
// Users.xml: the one the dump kept, or "deleted user". The same expression picks the
// placeholder of a post (?1 is the name column).
const authorName = `CASE WHEN %[1]s <> '' THEN %[1]s ELSE 'deleted user' END`

// resolve finishes the first pass with what needs the whole dump: it drops answers
// without their question, makes placeholder users for deleted accounts and names each
// post's author, indexes the tables by thread and counts what the second pass skips.
func (sc *scratch) resolve(ctx context.Context, sum *Summary) error {
	res, err := sc.db.ExecContext(ctx, `DELETE FROM posts WHERE NOT question AND thread_id NOT IN (SELECT id FROM posts WHERE question)`)
	if err != nil {
		return fmt.Errorf("drop answers without their question: %w", err)
	}
	sum.OrphanAnswers, _ = res.RowsAffected()
	// A link stays when both its ends are questions, other than one another.
	res, err = sc.db.ExecContext(ctx, `DELETE FROM links WHERE thread_id = target_id
		OR thread_id NOT IN (SELECT id FROM posts WHERE question) OR target_id NOT IN (SELECT id FROM posts WHERE question)`)
	if err != nil {
		return fmt.Errorf("drop links without their threads: %w", err)
	}
	sum.OrphanLinks, _ = res.RowsAffected()
	if err := sc.makePlaceholders(ctx, sum); err != nil {
		return err
	}
	steps := []string{
		`UPDATE posts SET author_id = coalesce((SELECT id FROM users WHERE se_id = posts.owner_se_id),
			(SELECT id FROM placeholders WHERE name = ` + fmt.Sprintf(authorName, "posts.owner_name") + `))`,
		`CREATE INDEX posts_thread ON posts (thread_id, question DESC, created, id)`,
		`CREATE INDEX posts_author ON posts (author_id, question)`,
		`CREATE INDEX comments_post ON comments (post_id, created, id)`,
		`CREATE INDEX history_post ON history (post_id, created, id)`,
		`CREATE INDEX links_thread ON links (thread_id, target_id, kind)`,
		`ANALYZE`,
	}
	for _, q := range steps {
		if _, err := sc.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	counts := []struct {
		n *int64
		q string
	}{
		{&sum.DeletedAuthorPosts, `SELECT count(*) FROM posts WHERE author_id IN (SELECT id FROM placeholders)`},
		{&sum.NoLicense, `SELECT count(*) FROM posts WHERE license = ''`},
		{&sum.OrphanVotes, `SELECT coalesce(sum(n), 0) FROM upvotes WHERE post_id NOT IN (SELECT id FROM posts)`},
		{&sum.OrphanComments, `SELECT count(*) FROM comments WHERE post_id NOT IN (SELECT id FROM posts)`},
		{&sum.OrphanBadges, `SELECT count(*) FROM badges WHERE user_se_id NOT IN (SELECT se_id FROM users)`},
	}
	for _, c := range counts {
		if err := sc.db.QueryRowContext(ctx, c.q).Scan(c.n); err != nil {
			return fmt.Errorf("%s: %w", c.q, err)
		}
	}
	return nil
}

// makePlaceholders makes one user for each name that posts and revisions by deleted
// accounts were written under, numbered after the dump's users.
func (sc *scratch) makePlaceholders(ctx context.Context, sum *Summary) error {
	rows, err := sc.db.QueryContext(ctx, `
		SELECT `+fmt.Sprintf(authorName, "owner_name")+` AS name FROM posts p
		WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.se_id = p.owner_se_id)
		UNION
		SELECT `+fmt.Sprintf(authorName, "user_name")+` FROM history h
		WHERE EXISTS (SELECT 1 FROM posts p WHERE p.id = h.post_id) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.se_id = h.user_se_id)
		ORDER BY name`)
	if err != nil {
		return fmt.Errorf("find deleted accounts: %w", err)
	}
	// The names are gathered first: the scratch database has one connection, which the
	// inserts need.
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		names = append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var last int64
	if err := sc.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM users`).Scan(&last); err != nil {
		return err
	}
	return sc.inTx(ctx, func(tx *sql.Tx) error {
		hs, err := newHandles(ctx, tx)
		if err != nil {
			return err
		}
		defer hs.close()
		for i, name := range names {
			h, err := hs.claim(ctx, baseHandle(name, "deleted_user"))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO placeholders (name, id, handle) VALUES (?, ?, ?)`, name, last+int64(i)+1, h); err != nil {
				return err
			}
		}
		sum.Placeholders = int64(len(names))
		return nil
	})
}
