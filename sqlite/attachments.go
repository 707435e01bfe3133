package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	parley "github.com/parley-forum/parley"
)

const attachmentColumns = `id, post_id, name, content_type, size, sha256, width, height, lines, created_at`

func scanAttachment(row interface{ Scan(...any) error }) (parley.Attachment, error) {
	var a parley.Attachment
	var created int64
	err := row.Scan(&a.ID, &a.PostID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Width, &a.Height, &a.Lines, &created)
	a.CreatedAt = parley.FromMillis(created)
	return a, err
}

// Attachment returns one attachment's record.
func (s *Store) Attachment(ctx context.Context, id int64) (parley.Attachment, error) {
	a, err := scanAttachment(s.queryRow(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = ?`, id))
	return a, notFound(err, "There is no attachment %d.", id)
}

// insertAttachments records a new post's files, in order, once each is found held.
func insertAttachments(ctx context.Context, tx *sql.Tx, postID int64, files []parley.File, now int64) error {
	if err := checkHeld(ctx, tx, files); err != nil {
		return err
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (post_id, name, content_type, size, sha256, width, height, lines, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, postID, f.Name, f.ContentType, f.Size, f.SHA256, f.Width, f.Height, f.Lines, now); err != nil {
			return err
		}
	}
	return nil
}

// withAttachments fills in the posts' attachments with one query, however many posts.
func (s *Store) withAttachments(ctx context.Context, posts []parley.Post) error {
	if len(posts) == 0 {
		return nil
	}
	byID := make(map[int64]*parley.Post, len(posts))
	ids := make([]int64, len(posts))
	for i := range posts {
		byID[posts[i].ID], ids[i] = &posts[i], posts[i].ID
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := s.query(ctx, `SELECT `+attachmentColumns+` FROM attachments
		WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, id`, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return err
		}
		p := byID[a.PostID]
		p.Attachments = append(p.Attachments, a)
	}
	return rows.Err()
}
