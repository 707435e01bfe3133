package sqlstore

import (
	"context"

	parley "github.com/parley-forum/parley"
)

const postColumns = `p.id, p.thread_id, p.original, p.body, p.html, p.created_at, coalesce(p.edited_at, 0), p.revision,
	p.boost_count, p.staff_recommended, p.hidden_at IS NOT NULL, u.id, u.handle, u.display_name, u.role, u.badge, u.signature_html`

func scanPost(row Row) (parley.Post, error) {
	var p parley.Post
	var created, edited int64
	err := row.Scan(&p.ID, &p.ThreadID, &p.Original, &p.Body, &p.HTML, &created, &edited, &p.Revision,
		&p.BoostCount, &p.StaffRecommended, &p.Hidden, &p.Author.ID, &p.Author.Handle, &p.Author.DisplayName,
		&p.Author.Role, &p.Author.Badge, &p.Author.SignatureHTML)
	p.CreatedAt = parley.FromMillis(created)
	if edited != 0 {
		p.EditedAt = parley.FromMillis(edited)
	}
	return p, err
}

// Post returns one post with its attachments.
func (s *Store) Post(ctx context.Context, id int64) (parley.Post, error) {
	p, err := findPost(ctx, s.read(ctx), id)
	if err != nil {
		return p, err
	}
	posts := []parley.Post{p}
	err = s.withAttachments(ctx, posts)
	return posts[0], err
}

func findPost(ctx context.Context, q Querier, id int64) (parley.Post, error) {
	p, err := scanPost(q.QueryRow(ctx, `SELECT `+postColumns+` FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = $1`, id))
	return p, notFound(err, "There is no post %d.", id)
}

const attachmentColumns = `id, post_id, name, content_type, size, sha256, width, height, lines, created_at`

func scanAttachment(row Row) (parley.Attachment, error) {
	var a parley.Attachment
	var created int64
	err := row.Scan(&a.ID, &a.PostID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Width, &a.Height, &a.Lines, &created)
	a.CreatedAt = parley.FromMillis(created)
	return a, err
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
	rows, err := s.read(ctx).Query(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE `+s.d.AnyID("post_id", "$1")+
		` ORDER BY post_id, id`, s.d.IDs(ids))
	found, err := collect(rows, err, scanAttachment)
	for _, a := range found {
		p := byID[a.PostID]
		p.Attachments = append(p.Attachments, a)
	}
	return err
}
