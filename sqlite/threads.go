package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// CreateThread stores a thread, its original post, its tags and its list entries.
func (s *Store) CreateThread(ctx context.Context, in parley.NewThread) (parley.Thread, parley.Post, error) {
	if err := in.Validate(); err != nil {
		return parley.Thread{}, parley.Post{}, err
	}
	var threadID, postID int64
	err := s.inTx(ctx, func(tx *sql.Tx, now int64) error {
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
		res, err := tx.ExecContext(ctx, `INSERT INTO threads (title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, strings.TrimSpace(in.Title), in.SubtopicID, topicID, author.ID, sqlstore.JoinIDs(in.TagIDs), now, now)
		if err != nil {
			return err
		}
		if threadID, err = res.LastInsertId(); err != nil {
			return err
		}
		if postID, err = insertPost(ctx, tx, threadID, author.ID, true, in.Body, in.HTML, now); err != nil {
			return err
		}
		if err := insertAttachments(ctx, tx, postID, in.Attachments, now); err != nil {
			return err
		}
		return s.addThreadEntries(ctx, tx, threadID, topicID, in, now)
	})
	s.forgetTopics() // a subtopic's thread count changed
	if err != nil {
		return parley.Thread{}, parley.Post{}, err
	}
	t, err := s.Thread(ctx, threadID)
	if err != nil {
		return t, parley.Post{}, err
	}
	p, err := s.Post(ctx, postID)
	return t, p, err
}

// addThreadEntries writes a new thread's tags and list entries and counts it everywhere.
func (s *Store) addThreadEntries(ctx context.Context, tx *sql.Tx, threadID, topicID int64, in parley.NewThread, now int64) error {
	for _, tagID := range in.TagIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO thread_tags (thread_id, tag_id) VALUES (?, ?)`, threadID, tagID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tags SET thread_count = thread_count + 1 WHERE id = ?`, tagID); err != nil {
			return err
		}
	}
	for _, sc := range parley.Scopes(topicID, in.SubtopicID, in.TagIDs) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO thread_listings (scope, thread_id, created_at, last_activity_at,
			reply_count, boost_count, view_count, answered, staff_replied) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0)`,
			sc.Key(), threadID, now, now); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subtopics SET thread_count = thread_count + 1 WHERE id = ?`, in.SubtopicID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE users SET thread_count = thread_count + 1 WHERE id = ?`, in.AuthorID)
	return err
}

func checkTags(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for _, id := range ids {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM tags WHERE id = ?`, id).Scan(&one); err != nil {
			if err == sql.ErrNoRows {
				return parley.Invalid("tags", "There is no tag %d.", id)
			}
			return err
		}
	}
	return nil
}

// AddViews adds batched view counts to threads. A thread's list entries take the new count
// only once it has grown by an eighth since they last did: every view would otherwise
// rewrite a row and an index entry in each of the thread's lists, which under heavy reading
// costs the single writer more than everything else together. So the views sort, and the
// counts lists show, trail the exact count (on the thread's own page) by at most an eighth.
func (s *Store) AddViews(ctx context.Context, views map[int64]int64) error {
	if len(views) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx, _ int64) error {
		threads, err := tx.PrepareContext(ctx, `UPDATE threads SET view_count = view_count + ? WHERE id = ? RETURNING view_count`)
		if err != nil {
			return err
		}
		defer threads.Close()
		listings, err := tx.PrepareContext(ctx, `UPDATE thread_listings SET view_count = ?1
			WHERE thread_id = ?2 AND ?1 >= view_count + view_count / 8 + 1`)
		if err != nil {
			return err
		}
		defer listings.Close()
		// In id order, neighbouring updates share B-tree pages, so each page is read and
		// written once per flush rather than once per thread.
		for _, id := range slices.Sorted(maps.Keys(views)) {
			var total int64
			err := threads.QueryRowContext(ctx, views[id], id).Scan(&total)
			if errors.Is(err, sql.ErrNoRows) {
				continue // deleted since it was viewed
			}
			if err != nil {
				return err
			}
			if _, err := listings.ExecContext(ctx, total, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// execOne runs a statement that must change at least one row, or returns missing.
func execOne(ctx context.Context, tx *sql.Tx, missing error, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	return nil
}
