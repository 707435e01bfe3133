package postgres

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// CreateThread stores a thread, its original post, its tags and its list entries.
func (s *Store) CreateThread(ctx context.Context, in parley.NewThread) (parley.Thread, parley.Post, error) {
	if err := in.Validate(); err != nil {
		return parley.Thread{}, parley.Post{}, err
	}
	var threadID, postID int64
	err := s.inTx(ctx, func(tx pgx.Tx, now int64) error {
		topicID, err := subtopicTopic(ctx, tx, in.SubtopicID)
		if err != nil {
			return parley.Invalid("subtopic", "There is no such subtopic.")
		}
		if err := checkTags(ctx, tx, in.TagIDs); err != nil {
			return err
		}
		author, err := findAuthor(ctx, tx, in.AuthorID)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO threads (title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			strings.TrimSpace(in.Title), in.SubtopicID, topicID, author.ID, sqlstore.JoinIDs(in.TagIDs), now).Scan(&threadID); err != nil {
			return err
		}
		if postID, err = insertPost(ctx, tx, threadID, author.ID, true, in.Body, in.HTML, now); err != nil {
			return err
		}
		if err := insertAttachments(ctx, tx, postID, in.Attachments, now); err != nil {
			return err
		}
		return addThreadEntries(ctx, tx, threadID, topicID, in, now)
	})
	s.forgetTopics() // a subtopic's thread count changed
	if err != nil {
		return parley.Thread{}, parley.Post{}, err
	}
	t, err := s.Thread(parley.ReadPrimary(ctx), threadID)
	if err != nil {
		return t, parley.Post{}, err
	}
	p, err := s.Post(parley.ReadPrimary(ctx), postID)
	return t, p, err
}

// addThreadEntries writes a new thread's tags and list entries and counts it everywhere.
// Tags are counted in id order, so that two threads created at once lock the tags' rows in
// the same order and never wait on each other in a cycle.
func addThreadEntries(ctx context.Context, tx pgx.Tx, threadID, topicID int64, in parley.NewThread, now int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO thread_tags (thread_id, tag_id) SELECT $1, unnest($2::bigint[])`, threadID, in.TagIDs); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE tags SET thread_count = thread_count + 1 WHERE id = ANY($1)`, slices.Sorted(slices.Values(in.TagIDs))); err != nil {
		return err
	}
	scopes := parley.Scopes(topicID, in.SubtopicID, in.TagIDs)
	keys := make([]int64, len(scopes))
	for i, sc := range scopes {
		keys[i] = sc.Key()
	}
	if _, err := tx.Exec(ctx, `INSERT INTO thread_listings (scope, thread_id, created_at, last_activity_at,
		reply_count, boost_count, view_count, answered, staff_replied)
		SELECT unnest($1::bigint[]), $2, $3, $3, 0, 0, 0, false, false`, keys, threadID, now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE subtopics SET thread_count = thread_count + 1 WHERE id = $1`, in.SubtopicID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE users SET thread_count = thread_count + 1 WHERE id = $1`, in.AuthorID)
	return err
}

// checkTags makes sure every tag exists.
func checkTags(ctx context.Context, q queryer, ids []int64) error {
	rows, err := q.Query(ctx, `SELECT id FROM tags WHERE id = ANY($1)`, ids)
	found, err := collect(rows, err, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			return parley.Invalid("tags", "There is no tag %d.", id)
		}
	}
	return nil
}

// AddViews adds batched view counts to threads. A thread's list entries take the new count
// only once it has grown by an eighth since they last did, as in the SQLite store: every
// view would otherwise rewrite a row and six index entries in each of the thread's lists.
// So the views sort, and the counts lists show, trail the exact count (on the thread's own
// page) by at most an eighth. The threads are locked in id order first, so that two nodes
// flushing at once wait for each other instead of deadlocking.
func (s *Store) AddViews(ctx context.Context, views map[int64]int64) error {
	if len(views) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(views))
	counts := make([]int64, len(ids))
	for i, id := range ids {
		counts[i] = views[id]
	}
	return s.inTx(ctx, func(tx pgx.Tx, _ int64) error {
		if _, err := tx.Exec(ctx, `SELECT FROM threads WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids); err != nil {
			return err
		}
		// Unknown threads fall out of the join: AddViews ignores them.
		_, err := tx.Exec(ctx, `WITH v AS (
				SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS v (id, n)),
			counted AS (
				UPDATE threads t SET view_count = t.view_count + v.n FROM v WHERE t.id = v.id
				RETURNING t.id, t.view_count)
			UPDATE thread_listings l SET view_count = c.view_count FROM counted c
			WHERE l.thread_id = c.id AND c.view_count >= l.view_count + l.view_count / 8 + 1`, ids, counts)
		return err
	})
}
