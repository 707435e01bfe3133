package sqlstore

import (
	"context"

	parley "github.com/parley-forum/parley"
)

const attachmentColumns = `id, post_id, name, content_type, size, sha256, width, height, lines, created_at`

func scanAttachment(r Row) (parley.Attachment, error) {
	var a parley.Attachment
	var created int64
	err := r.Scan(&a.ID, &a.PostID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Width, &a.Height, &a.Lines, &created)
	a.CreatedAt = parley.FromMillis(created)
	return a, err
}

// Attachment returns one attachment's record.
func (s *Store) Attachment(ctx context.Context, id int64) (parley.Attachment, error) {
	a, err := scanAttachment(s.read(ctx).QueryRow(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1`, id))
	return a, notFound(err, "There is no attachment %d.", id)
}

// insertAttachments records a new post's files, in order, once each is found held. Each
// row repeats the post's author, whose quota the file counts against (heldBytes).
func (s *Store) insertAttachments(ctx context.Context, tx *Tx, postID, authorID int64, files []parley.File) error {
	if err := s.checkHeld(ctx, tx, files); err != nil {
		return err
	}
	for _, f := range files {
		if _, err := tx.Exec(ctx, `INSERT INTO attachments (post_id, author_id, name, content_type, size, sha256, width, height, lines,
			created_at, search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			postID, authorID, f.Name, f.ContentType, f.Size, f.SHA256, f.Width, f.Height, f.Lines, tx.Now, f.Text); err != nil {
			return err
		}
	}
	return nil
}

// withAttachments fills in the attachments of the posts that have any (scanPost gave them
// room for their files), with one query however many posts, and none when no post has
// files, as most pages have not.
func (s *Store) withAttachments(ctx context.Context, posts []parley.Post) error {
	byID := make(map[int64]*parley.Post)
	var ids []int64
	for i := range posts {
		if cap(posts[i].Attachments) > 0 {
			byID[posts[i].ID] = &posts[i]
			ids = append(ids, posts[i].ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.read(ctx).Query(ctx, `SELECT `+attachmentColumns+` FROM attachments
		WHERE `+s.d.AnyID("post_id", "$1")+` ORDER BY post_id, id`, s.d.IDs(ids))
	found, err := collect(rows, err, scanAttachment)
	for _, a := range found {
		p := byID[a.PostID]
		p.Attachments = append(p.Attachments, a)
	}
	return err
}
