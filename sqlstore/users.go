package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	parley "github.com/parley-forum/parley"
)

const userColumns = `id, handle, display_name, role, badge, signature, signature_html, created_at, thread_count, post_count,
	coalesce(suspended_until, 0)`

func scanUser(row Row) (parley.User, error) {
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
	u, err := scanUser(s.read(ctx).QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "There is no user %d.", id)
}

// UserByHandle returns one user; handles match without regard to case. Both databases
// index lower(handle), so the lookup compares lower() with lower() to use that index.
func (s *Store) UserByHandle(ctx context.Context, handle string) (parley.User, error) {
	u, err := scanUser(s.read(ctx).QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE lower(handle) = lower($1)`, handle))
	return u, notFound(err, "There is no user %q.", handle)
}

// CreateUser adds a user; the handle must be unused.
func (s *Store) CreateUser(ctx context.Context, in parley.NewUser) (parley.User, error) {
	if err := in.Validate(); err != nil {
		return parley.User{}, err
	}
	var u parley.User
	err := s.inTx(ctx, func(tx *Tx) error {
		var taken bool
		var err error
		if u, taken, err = insertUser(ctx, tx, in, nil, nil); taken {
			return handleTaken(in.Handle)
		}
		return err
	})
	return u, err
}

// insertUser adds a user, with an email and a password hash unless they are nil, or
// reports taken when another user has the handle or the email. The insert skips a
// duplicate rather than fail on it: a failed statement aborts a PostgreSQL transaction,
// and the caller still has to find out which of the two is taken.
func insertUser(ctx context.Context, tx *Tx, in parley.NewUser, email, passwordHash *string) (u parley.User, taken bool, err error) {
	u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (handle, display_name, email, password_hash, role, badge,
			signature, signature_html, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT DO NOTHING RETURNING `+userColumns,
		in.Handle, in.DisplayName, email, passwordHash, in.Role, in.Badge, in.Signature, in.SignatureHTML, tx.Now))
	if errors.Is(err, sql.ErrNoRows) {
		return u, true, nil
	}
	return u, false, err
}

func handleTaken(handle string) error {
	return parley.Invalid("handle", "The handle %q is taken.", handle)
}

// UserPosts returns a user's posts, newest first: those written before post id before, or
// the newest when before is 0. Time, not id, orders them, since imported and bulk-loaded
// posts need not have ids in the order they were written.
func (s *Store) UserBadges(ctx context.Context, userID int64) ([]parley.BadgeCount, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT name, class, count(*), min(awarded_at), max(awarded_at) FROM badges WHERE user_id = $1
		GROUP BY class, name
		ORDER BY CASE class WHEN 'gold' THEN 1 WHEN 'silver' THEN 2 ELSE 3 END, name`, userID)
	return collect(rows, err, func(r Row) (parley.BadgeCount, error) {
		var b parley.BadgeCount
		var first, last int64
		err := r.Scan(&b.Name, &b.Class, &b.Count, &first, &last)
		b.First, b.Last = parley.FromMillis(first), parley.FromMillis(last)
		return b, err
	})
}

func (s *Store) UserBoosts(ctx context.Context, userID, after int64, limit int) ([]parley.GivenBoost, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT b.post_id, p.thread_id, b.created_at
		FROM boosts b JOIN posts p ON p.id = b.post_id
		WHERE b.user_id = $1 AND b.post_id > $2 ORDER BY b.post_id`+rowLimit(limit), userID, after)
	return collect(rows, err, func(r Row) (parley.GivenBoost, error) {
		var b parley.GivenBoost
		var created int64
		err := r.Scan(&b.PostID, &b.ThreadID, &created)
		b.CreatedAt = parley.FromMillis(created)
		return b, err
	})
}

func (s *Store) UserPosts(ctx context.Context, userID, before int64, limit int) ([]parley.UserPost, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT p.id, p.thread_id, t.title, p.original, p.created_at, p.boost_count
		FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE p.author_id = $1 AND p.hidden_at IS NULL AND t.deleted_at IS NULL
		  AND ($2 = 0 OR (p.created_at, p.id) < (SELECT created_at, id FROM posts WHERE id = $2))
		ORDER BY p.created_at DESC, p.id DESC`+rowLimit(limit), userID, before)
	return collect(rows, err, func(r Row) (parley.UserPost, error) {
		var p parley.UserPost
		var created int64
		err := r.Scan(&p.PostID, &p.ThreadID, &p.ThreadTitle, &p.Original, &created, &p.BoostCount)
		p.CreatedAt = parley.FromMillis(created)
		return p, err
	})
}
