package sqlite

import (
	"context"
	"database/sql"

	parley "github.com/parley-forum/parley"
)

// findAuthor returns the user who is about to write.
func findAuthor(ctx context.Context, q queryer, id int64) (parley.Author, error) {
	var a parley.Author
	err := q.QueryRowContext(ctx, `SELECT id, handle, display_name, role, badge FROM users WHERE id = ?`, id).
		Scan(&a.ID, &a.Handle, &a.DisplayName, &a.Role, &a.Badge)
	return a, notFound(err, "There is no user %d.", id)
}

// actable is what acting on a post needs to know of it.
type actable struct {
	id, threadID, authorID int64
	original               bool
}

// findActable reads a post that may be acted on (accepted, recommended, boosted, flagged):
// a hidden post, or one in a deleted thread, is refused (parley.CheckActable). Write
// transactions take the database's lock at BEGIN, so nothing can hide the post between
// this read and the change.
func findActable(ctx context.Context, tx *sql.Tx, postID int64) (actable, error) {
	p := actable{id: postID}
	var hidden, deleted bool
	err := tx.QueryRowContext(ctx, `SELECT p.thread_id, p.author_id, p.original, p.hidden_at IS NOT NULL, t.deleted_at IS NOT NULL
		FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = ?`, postID).Scan(&p.threadID, &p.authorID, &p.original, &hidden, &deleted)
	if err != nil {
		return p, notFound(err, "There is no post %d.", postID)
	}
	return p, parley.CheckActable(postID, hidden, deleted)
}
