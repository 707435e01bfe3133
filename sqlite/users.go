package sqlite

import (
	"context"
	"database/sql"

	parley "github.com/parley-forum/parley"
)

const userColumns = `id, handle, display_name, role, badge, signature, signature_html, created_at, thread_count, post_count,
	coalesce(suspended_until, 0)`

func scanUser(row interface{ Scan(...any) error }) (parley.User, error) {
	var u parley.User
	var created, suspended int64
	err := row.Scan(&u.ID, &u.Handle, &u.DisplayName, &u.Role, &u.Badge, &u.Signature, &u.SignatureHTML, &created,
		&u.ThreadCount, &u.PostCount, &suspended)
	u.CreatedAt = parley.FromMillis(created)
	if suspended != 0 {
		u.SuspendedUntil = parley.FromMillis(suspended)
	}
	return u, err
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (parley.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "There is no user %d.", id)
}

// UserByHandle returns one user; handles match without regard to case.
func (s *Store) UserByHandle(ctx context.Context, handle string) (parley.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE handle = ?`, handle))
	return u, notFound(err, "There is no user %q.", handle)
}

// CreateUser adds a user; the handle must be unused.
func (s *Store) CreateUser(ctx context.Context, in parley.NewUser) (parley.User, error) {
	if err := in.Validate(); err != nil {
		return parley.User{}, err
	}
	var u parley.User
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (handle, display_name, role, badge, signature, signature_html, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, in.Handle, in.DisplayName, in.Role, in.Badge, in.Signature, in.SignatureHTML, now)
		if isUniqueViolation(err) {
			return parley.Invalid("handle", "The handle %q is taken.", in.Handle)
		}
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
		return err
	})
	return u, err
}

// UserPosts returns a user's posts, newest first: those written before post id before, or
// the newest when before is 0. Time, not id, orders them, since imported and bulk-loaded
// posts need not have ids in the order they were written.
func (s *Store) UserPosts(ctx context.Context, userID, before int64, limit int) ([]parley.UserPost, error) {
	rows, err := s.query(ctx, `SELECT p.id, p.thread_id, t.title, p.original, p.created_at, p.boost_count
		FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE p.author_id = ?1 AND p.hidden_at IS NULL AND t.deleted_at IS NULL AND (?2 = 0 OR (p.created_at, p.id) < (SELECT created_at, id FROM posts WHERE id = ?2))
		ORDER BY p.created_at DESC, p.id DESC LIMIT ?3`, userID, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parley.UserPost
	for rows.Next() {
		var p parley.UserPost
		var created int64
		if err := rows.Scan(&p.PostID, &p.ThreadID, &p.ThreadTitle, &p.Original, &created, &p.BoostCount); err != nil {
			return nil, err
		}
		p.CreatedAt = parley.FromMillis(created)
		out = append(out, p)
	}
	return out, rows.Err()
}

// isUniqueViolation reports whether err is SQLite refusing a duplicate key.
func isUniqueViolation(err error) bool { return dialect.IsUnique(err) }

func isForeignKeyViolation(err error) bool { return dialect.IsForeignKey(err) }
