package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
)

// findAuthor returns the user who is about to write.
func findAuthor(ctx context.Context, q queryer, id int64) (parley.Author, error) {
	var a parley.Author
	err := q.QueryRow(ctx, `SELECT id, handle, display_name, role, badge FROM users WHERE id = $1`, id).
		Scan(&a.ID, &a.Handle, &a.DisplayName, &a.Role, &a.Badge)
	return a, notFound(err, "There is no user %d.", id)
}

// actable is what acting on a post needs to know of it.
type actable struct {
	id, threadID, authorID int64
	original               bool
}

// findActable reads a post that may be acted on (accepted, recommended, boosted, flagged):
// a hidden post, or one in a deleted thread, is refused (parley.CheckActable). It locks
// the post's thread first, as an UPDATE of it would, and reads the post after: hiding a
// post and deleting a thread lock the thread too, so neither can happen between this check
// and the change, and taking the thread before the post is the order they take.
func findActable(ctx context.Context, tx pgx.Tx, postID int64) (actable, error) {
	p := actable{id: postID}
	if err := tx.QueryRow(ctx, `SELECT thread_id FROM posts WHERE id = $1`, postID).Scan(&p.threadID); err != nil {
		return p, notFound(err, "There is no post %d.", postID)
	}
	var hidden, deleted bool
	if err := tx.QueryRow(ctx, `SELECT deleted_at IS NOT NULL FROM threads WHERE id = $1 FOR NO KEY UPDATE`, p.threadID).Scan(&deleted); err != nil {
		return p, err
	}
	err := tx.QueryRow(ctx, `SELECT author_id, original, hidden_at IS NOT NULL FROM posts WHERE id = $1`, postID).Scan(&p.authorID, &p.original, &hidden)
	if err != nil {
		return p, err
	}
	return p, parley.CheckActable(postID, hidden, deleted)
}
