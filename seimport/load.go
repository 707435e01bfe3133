package seimport

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/markdown"
	"github.com/parley-forum/parley/progress"
)

// The import's one topic and subtopic.
const (
	topicID    = 1
	subtopicID = 1
)

// usersBatch is how many users are handed to the bulk writer at once.
const usersBatch = 10_000

// loader runs the second pass: from the scratch database to the forum.
type loader struct {
	sc       *scratch
	w        parley.BulkWriter
	site     site
	md       *markdown.Renderer
	sum      *Summary
	progress io.Writer
	tails    *tails // nil until the first post is made
}

func (ld *loader) load(ctx context.Context) error {
	var threads int64
	if err := ld.sc.db.QueryRowContext(ctx, `SELECT count(*) FROM posts WHERE question`).Scan(&threads); err != nil {
		return err
	}
	if err := ld.w.Topics(ctx, []parley.Topic{ld.topic(threads)}); err != nil {
		return fmt.Errorf("write the topic: %w", err)
	}
	if err := ld.tags(ctx); err != nil {
		return fmt.Errorf("write tags: %w", err)
	}
	if err := ld.users(ctx); err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	if err := ld.badges(ctx); err != nil {
		return fmt.Errorf("write badges: %w", err)
	}
	if err := ld.threads(ctx, threads); err != nil {
		return err
	}
	// Finishing the load builds the forum's indexes, its longest step and the one that
	// takes the most memory: the scratch database's cache and disk are given back first.
	ld.sc.remove()
	if err := ld.w.Close(ctx); err != nil {
		return fmt.Errorf("finish the import: %w", err)
	}
	return nil
}

func (ld *loader) topic(threads int64) parley.Topic {
	about := fmt.Sprintf("Questions and answers from %s, imported from its Stack Exchange data dump.", ld.site.host)
	return parley.Topic{ID: topicID, Slug: parley.Slugify(ld.site.topic), Name: ld.site.topic, Description: about, Position: 1,
		Subtopics: []parley.Subtopic{{ID: subtopicID, TopicID: topicID, Slug: "questions", Name: "Questions", Description: about,
			Position: 1, ThreadCount: threads}}}
}

// tags writes the tags, each described by the text of its excerpt.
func (ld *loader) tags(ctx context.Context) error {
	rows, err := ld.sc.db.QueryContext(ctx, `SELECT t.id, t.slug, t.name, coalesce(e.body, ''), coalesce(c.n, 0)
		FROM tags t LEFT JOIN excerpts e ON e.post_id = t.excerpt_id
		LEFT JOIN (SELECT tag_id, count(*) AS n FROM thread_tags GROUP BY tag_id) c ON c.tag_id = t.id
		ORDER BY t.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var tags []parley.Tag
	for rows.Next() {
		var t parley.Tag
		var excerpt string
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &excerpt, &t.ThreadCount); err != nil {
			return err
		}
		t.Description = plainText(ld.md.Sanitize(excerpt))
		tags = append(tags, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ld.sum.Tags = int64(len(tags))
	return ld.w.Tags(ctx, tags)
}

// users writes the dump's users, then the placeholders, with the threads and replies each
// wrote. A placeholder joined the forum with its first post.
func (ld *loader) users(ctx context.Context) error {
	rows, err := ld.sc.db.QueryContext(ctx, `
		SELECT id, handle, name, created,
			(SELECT count(*) FROM posts p WHERE p.author_id = u.id AND p.question),
			(SELECT count(*) FROM posts p WHERE p.author_id = u.id AND NOT p.question)
		FROM users u
		UNION ALL
		SELECT id, handle, name, coalesce((SELECT min(created) FROM posts p WHERE p.author_id = pl.id), (SELECT min(created) FROM posts), 0),
			(SELECT count(*) FROM posts p WHERE p.author_id = pl.id AND p.question),
			(SELECT count(*) FROM posts p WHERE p.author_id = pl.id AND NOT p.question)
		FROM placeholders pl
		ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	batch := make([]parley.User, 0, usersBatch)
	for rows.Next() {
		var u parley.User
		var created int64
		if err := rows.Scan(&u.ID, &u.Handle, &u.DisplayName, &created, &u.ThreadCount, &u.PostCount); err != nil {
			return err
		}
		u.DisplayName = displayName(u.DisplayName, u.Handle)
		u.Role, u.CreatedAt = parley.RoleMember, time.UnixMilli(created).UTC()
		batch = append(batch, u)
		if len(batch) == usersBatch {
			if err := ld.w.Users(ctx, batch); err != nil {
				return err
			}
			ld.sum.Users += int64(len(batch))
			batch = make([]parley.User, 0, usersBatch)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ld.sum.Users += int64(len(batch))
	return ld.w.Users(ctx, batch)
}

// badges writes the badges of the dump's users, in batches of usersBatch.
func (ld *loader) badges(ctx context.Context) error {
	rows, err := ld.sc.db.QueryContext(ctx, `SELECT b.id, u.id, b.name, b.class, b.awarded
		FROM badges b JOIN users u ON u.se_id = b.user_se_id ORDER BY b.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	batch := make([]parley.EarnedBadge, 0, usersBatch)
	for rows.Next() {
		var b parley.EarnedBadge
		var awarded int64
		if err := rows.Scan(&b.ID, &b.UserID, &b.Name, &b.Class, &awarded); err != nil {
			return err
		}
		b.AwardedAt = time.UnixMilli(awarded).UTC()
		if batch = append(batch, b); len(batch) == usersBatch {
			if err := ld.w.Badges(ctx, batch); err != nil {
				return err
			}
			ld.sum.Badges += int64(len(batch))
			batch = batch[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ld.sum.Badges += int64(len(batch))
	return ld.w.Badges(ctx, batch)
}

// threads writes the threads in batches of BatchSize questions. Three goroutines share
// the work, so that on two cores it overlaps: one reads each batch back from the scratch
// database (readBatches), this one builds the batch read before it into records, and the
// bulk writer's writes the one built before that.
func (ld *loader) threads(ctx context.Context, total int64) error {
	bar := progress.New(ld.progress, total, "Writing threads", "threads")
	defer bar.Finish()
	readCtx, stop := context.WithCancel(ctx)
	batches := make(chan readBatch, 1)
	go ld.readBatches(readCtx, batches)
	defer func() {
		stop()
		for range batches { // wait for the reader to stop using the scratch database
		}
	}()
	for b := range batches {
		if b.err != nil {
			return fmt.Errorf("read threads %d to %d back: %w", b.lo, b.hi, b.err)
		}
		// The writer keeps ctx for the batches it writes after this call returns, so
		// it is given ctx, not readCtx, which ends with this function.
		if err := ld.w.Threads(ctx, ld.build(b)); err != nil {
			return fmt.Errorf("write threads %d to %d: %w", b.lo, b.hi, err)
		}
		bar.Add64(b.n)
	}
	return nil
}

// readBatch is a batch of threads as the scratch database gives it back: the questions
// whose ids are lo to hi, n of them, with their answers and what they carry.
type readBatch struct {
	lo, hi, n int64
	posts     []postRow // by thread, the question first, then its answers in order
	x         *extras
	err       error // what stopped the reading, as the last batch sent
}

// readBatches reads the batches in order and sends them to batches, which it closes after
// the last, or after a batch with the error that stopped it, or once ctx is done.
func (ld *loader) readBatches(ctx context.Context, batches chan<- readBatch) {
	defer close(batches)
	var after int64
	for {
		b := readBatch{lo: after + 1}
		err := ld.sc.db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM
			(SELECT id FROM posts WHERE question AND id > ? ORDER BY id LIMIT ?)`, after, BatchSize).Scan(&b.n, &b.hi)
		if err == nil && b.n == 0 {
			return
		}
		if err == nil {
			b.posts, b.x, err = ld.read(ctx, b.lo, b.hi)
		}
		b.err = err
		select {
		case batches <- b:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
		after = b.hi
	}
}

// read reads back the posts of the threads whose ids are lo to hi, with what they carry.
func (ld *loader) read(ctx context.Context, lo, hi int64) ([]postRow, *extras, error) {
	x, err := ld.extras(ctx, lo, hi)
	if err != nil {
		return nil, nil, err
	}
	rows, err := ld.sc.db.QueryContext(ctx, `
		SELECT p.id, p.question, p.accepted_id, p.created, p.views, p.title, b.body, p.license, p.author_id,
			coalesce(u.name, pl.name), u.se_id, coalesce(v.n, 0)
		FROM posts p JOIN bodies b ON b.post_id = p.id
		LEFT JOIN users u ON u.id = p.author_id LEFT JOIN placeholders pl ON pl.id = p.author_id
		LEFT JOIN upvotes v ON v.post_id = p.id
		WHERE p.thread_id BETWEEN ? AND ?
		ORDER BY p.thread_id, p.question DESC, p.created, p.id`, lo, hi)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var posts []postRow
	for rows.Next() {
		var r postRow
		if err := rows.Scan(&r.id, &r.question, &r.accepted, &r.created, &r.views, &r.title, &r.body, &r.license, &r.authorID,
			&r.authorName, &r.seUserID, &r.upvotes); err != nil {
			return nil, nil, err
		}
		posts = append(posts, r)
	}
	return posts, x, rows.Err()
}

// build makes the records of a batch's threads.
func (ld *loader) build(b readBatch) []parley.ThreadRecord {
	var threads []parley.ThreadRecord
	var accepted *int64
	for _, r := range b.posts {
		if r.question {
			finishThread(threads, accepted)
			threads = append(threads, parley.ThreadRecord{Thread: parley.Thread{ID: r.id, Title: r.title, SubtopicID: subtopicID,
				TopicID: topicID, Author: parley.Author{ID: r.authorID}, ViewCount: r.views, BoostCount: r.upvotes},
				TagIDs: b.x.tags[r.id], Links: b.x.links[r.id]})
			ld.sum.Links += int64(len(b.x.links[r.id]))
			accepted = r.accepted
			ld.sum.Threads++
		} else {
			ld.sum.Replies++
		}
		t := &threads[len(threads)-1]
		t.Posts = append(t.Posts, ld.post(t.Thread.ID, r, b.x))
	}
	finishThread(threads, accepted)
	return threads
}

// finishThread sets the last thread's counters from its posts, and its accepted answer
// when the question's is one of them.
func finishThread(threads []parley.ThreadRecord, accepted *int64) {
	if len(threads) == 0 {
		return
	}
	r := &threads[len(threads)-1]
	t := &r.Thread
	t.ReplyCount = int64(len(r.Posts) - 1)
	for _, p := range r.Posts {
		if p.Post.CreatedAt.After(t.LastActivityAt) {
			t.LastActivityAt = p.Post.CreatedAt
		}
		if !p.Post.Original && accepted != nil && p.Post.ID == *accepted {
			t.AcceptedPostID = p.Post.ID
		}
	}
	t.CreatedAt = r.Posts[0].Post.CreatedAt
}

// postRow is a post as the scratch database gives it back.
type postRow struct {
	id                      int64
	question                bool
	accepted                *int64
	created, views, upvotes int64
	title, body, license    string
	authorID                int64
	authorName              string
	seUserID                *int64
}

// post makes a post record: the dump's HTML, sanitised, with its comments and credit; its
// Markdown and earlier versions when the dump has its history. The body is sanitised once:
// filtering it again with what follows it would cost an import a tenth of its time.
func (ld *loader) post(threadID int64, r postRow, x *extras) parley.PostRecord {
	body := ld.md.Sanitize(ld.site.adapt(r.body))
	cs := x.comments[r.id]
	p := parley.PostRecord{
		Post: parley.Post{ID: r.id, ThreadID: threadID, Author: parley.Author{ID: r.authorID}, Body: body,
			HTML:     body + ld.tail(cs, r),
			Original: r.question, CreatedAt: time.UnixMilli(r.created).UTC(), Revision: 1, BoostCount: r.upvotes},
		Boosters: x.voters[r.id],
	}
	ld.sum.Boosts += r.upvotes
	ld.sum.Comments += int64(len(cs))
	if vs := x.versions[r.id]; len(vs) > 0 {
		last := vs[len(vs)-1]
		p.Post.Body, p.Post.Revision = last.Body, len(vs)
		if len(vs) > 1 {
			p.Post.EditedAt, p.EditorID, p.EditorSummary = last.CreatedAt, last.Editor.ID, last.Summary
			p.Revisions = vs[:len(vs)-1]
			for i := range p.Revisions {
				p.Revisions[i].PostID = r.id
			}
			ld.sum.Revisions += int64(len(p.Revisions))
		}
	}
	return p
}

// tail is the post's comments and credit, sanitised: written as the sanitiser would give
// them back when the site's links allow (see site.sanitisedTail), else sanitised.
func (ld *loader) tail(cs []comment, r postRow) string {
	if ld.tails == nil {
		style, ok := ld.site.sanitisedTail(ld.md)
		ld.tails = &tails{style: style, sanitise: !ok}
	}
	if ld.tails.sanitise {
		return ld.md.Sanitize(tail(ld.site.sourceTail(), ld.site.host, cs, r.question, r.id, r.authorName, r.seUserID, r.license))
	}
	return tail(ld.tails.style, ld.site.host, cs, r.question, r.id, r.authorName, r.seUserID, r.license)
}

// tails say how the posts' tails are written.
type tails struct {
	style    tailStyle
	sanitise bool // the tails are written in the source style and sanitised instead
}

// extras are what a batch's posts carry besides themselves, by thread or post id.
type extras struct {
	tags     map[int64][]int64             // by thread
	links    map[int64][]parley.ThreadLink // by thread
	voters   map[int64][]int64
	comments map[int64][]comment
	versions map[int64][]parley.Revision // every body version, oldest first, numbered
}

func (ld *loader) extras(ctx context.Context, lo, hi int64) (*extras, error) {
	x := &extras{tags: map[int64][]int64{}, links: map[int64][]parley.ThreadLink{}, voters: map[int64][]int64{}, comments: map[int64][]comment{},
		versions: map[int64][]parley.Revision{}}
	db := ld.sc.db
	err := scanRows(ctx, db, `SELECT thread_id, tag_id FROM thread_tags WHERE thread_id BETWEEN ? AND ? ORDER BY thread_id, position`,
		lo, hi, func(rows *sql.Rows) error {
			var thread, tag int64
			err := rows.Scan(&thread, &tag)
			x.tags[thread] = append(x.tags[thread], tag)
			return err
		})
	if err != nil {
		return nil, err
	}
	// "duplicate" sorts before "related": a pair the dump links both ways is a duplicate.
	err = scanRows(ctx, db, `SELECT thread_id, target_id, min(kind) FROM links WHERE thread_id BETWEEN ? AND ?
		GROUP BY thread_id, target_id ORDER BY thread_id, target_id`,
		lo, hi, func(rows *sql.Rows) error {
			var thread int64
			var l parley.ThreadLink
			err := rows.Scan(&thread, &l.TargetID, &l.Kind)
			x.links[thread] = append(x.links[thread], l)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = scanRows(ctx, db, `SELECT vt.post_id, u.id FROM posts p JOIN voters vt ON vt.post_id = p.id
		JOIN users u ON u.se_id = vt.user_se_id WHERE p.thread_id BETWEEN ? AND ?`,
		lo, hi, func(rows *sql.Rows) error {
			var post, user int64
			err := rows.Scan(&post, &user)
			x.voters[post] = append(x.voters[post], user)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = scanRows(ctx, db, `SELECT c.post_id, c.created, c.text, coalesce(u.name, `+fmtName("c.user_name")+`)
		FROM posts p JOIN comments c ON c.post_id = p.id LEFT JOIN users u ON u.se_id = c.user_se_id
		WHERE p.thread_id BETWEEN ? AND ? ORDER BY c.post_id, c.created, c.id`,
		lo, hi, func(rows *sql.Rows) error {
			var post, created int64
			var c comment
			err := rows.Scan(&post, &created, &c.text, &c.author)
			c.created = time.UnixMilli(created).UTC()
			x.comments[post] = append(x.comments[post], c)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = scanRows(ctx, db, `SELECT h.post_id, h.created, coalesce(u.id, pl.id, p.author_id), h.summary, h.text
		FROM posts p JOIN history h ON h.post_id = p.id LEFT JOIN users u ON u.se_id = h.user_se_id
		LEFT JOIN placeholders pl ON u.id IS NULL AND pl.name = `+fmtName("h.user_name")+`
		WHERE p.thread_id BETWEEN ? AND ? ORDER BY h.post_id, h.created, h.id`,
		lo, hi, func(rows *sql.Rows) error {
			var post, created int64
			var v parley.Revision
			err := rows.Scan(&post, &created, &v.Editor.ID, &v.Summary, &v.Body)
			v.CreatedAt, v.Summary = time.UnixMilli(created).UTC(), cut(v.Summary, parley.MaxSummary)
			v.Number = len(x.versions[post]) + 1
			x.versions[post] = append(x.versions[post], v)
			return err
		})
	if err != nil {
		return nil, err
	}
	return x, nil
}

func fmtName(column string) string { return fmt.Sprintf(authorName, column) }

// scanRows runs a query over the thread ids lo to hi and calls scan for each row.
func scanRows(ctx context.Context, db *sql.DB, query string, lo, hi int64, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
