package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	parley "github.com/parley-forum/parley"
)

// listIndex names, for each sort, the listings column and the index that orders by it.
// Naming the index (INDEXED BY) pins the plan: one range scan of one index per page.
var listIndex = map[parley.Sort]struct{ column, index string }{
	parley.SortActivity: {"last_activity_at", "listings_by_activity"},
	parley.SortNewest:   {"created_at", "listings_by_created"},
	parley.SortReplies:  {"reply_count", "listings_by_replies"},
	parley.SortBoosts:   {"boost_count", "listings_by_boosts"},
	parley.SortViews:    {"view_count", "listings_by_views"},
}

var filterClause = map[parley.Filter]string{
	parley.FilterNone:       "",
	parley.FilterUnanswered: " AND l.answered = 0",
	parley.FilterAnswered:   " AND l.answered = 1",
	parley.FilterStaff:      " AND l.staff_replied = 1",
	parley.FilterAwaiting:   " AND l.staff_replied = 0",
}

// threadColumns are read by scanThread. The sort keys and the pinned flag come from the
// listing when a list is read (%[1]s = "l"), so that the counts shown agree with the order
// they are listed in and with the cursor taken from them; from the thread when read alone.
const threadColumns = `t.id, t.title, t.subtopic_id, t.topic_id, t.tag_ids, %[1]s.created_at, %[1]s.last_activity_at,
	%[1]s.reply_count, %[1]s.boost_count, %[1]s.view_count, %[1]s.pinned, t.locked, coalesce(t.accepted_post_id, 0), t.staff_replied,
	t.deleted_at IS NOT NULL, u.id, u.handle, u.display_name, u.role, u.badge`

// Threads returns one page of a list, pinned threads left out.
func (s *Store) Threads(ctx context.Context, q parley.ListQuery) (parley.ThreadPage, error) {
	if err := q.Validate(); err != nil {
		return parley.ThreadPage{}, err
	}
	ix := listIndex[q.Sort]
	key, id := int64(1<<63-1), int64(1<<63-1)
	if q.After != nil {
		key, id = q.After.Key, q.After.ID
	}
	query := `SELECT ` + fmt.Sprintf(threadColumns, "l") + `
		FROM thread_listings l INDEXED BY ` + ix.index + `
		JOIN threads t ON t.id = l.thread_id
		JOIN users u ON u.id = t.author_id
		WHERE l.scope = ? AND l.pinned = 0` + filterClause[q.Filter] + `
		  AND (l.` + ix.column + `, l.thread_id) < (?, ?)
		ORDER BY l.` + ix.column + ` DESC, l.thread_id DESC
		LIMIT ?`
	threads, err := s.queryThreads(ctx, query, q.Scope.Key(), key, id, q.Limit+1)
	if err != nil {
		return parley.ThreadPage{}, err
	}
	page := parley.ThreadPage{Threads: threads}
	if len(threads) > q.Limit {
		page.Threads = threads[:q.Limit]
		next := parley.CursorAfter(q.Sort, &page.Threads[q.Limit-1])
		page.Next = &next
	}
	return page, nil
}

// PinnedThreads returns the threads pinned in a list, most recently active first.
func (s *Store) PinnedThreads(ctx context.Context, sc parley.Scope) ([]parley.Thread, error) {
	return s.queryThreads(ctx, `SELECT `+fmt.Sprintf(threadColumns, "l")+`
		FROM thread_listings l INDEXED BY listings_pinned
		JOIN threads t ON t.id = l.thread_id
		JOIN users u ON u.id = t.author_id
		WHERE l.scope = ? AND l.pinned = 1
		ORDER BY l.last_activity_at DESC LIMIT 20`, sc.Key())
}

// Thread returns one thread.
func (s *Store) Thread(ctx context.Context, id int64) (parley.Thread, error) {
	threads, err := s.queryThreads(ctx, `SELECT `+fmt.Sprintf(threadColumns, "t")+`
		FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = ?`, id)
	if err != nil {
		return parley.Thread{}, err
	}
	if len(threads) == 0 {
		return parley.Thread{}, parley.NotFound("There is no thread %d.", id)
	}
	return threads[0], nil
}

// queryThreads runs a thread query and names each thread's tags. The tags are named after
// the rows are closed: a lookup while they are open would hold two connections at once, and
// enough concurrent requests doing that would exhaust the pool and wait on each other.
func (s *Store) queryThreads(ctx context.Context, query string, args ...any) ([]parley.Thread, error) {
	threads, tagIDs, err := s.scanThreads(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	for i := range threads {
		if threads[i].Tags, err = s.tagRefs(ctx, tagIDs[i]); err != nil {
			return nil, err
		}
	}
	return threads, nil
}

func (s *Store) scanThreads(ctx context.Context, query string, args ...any) ([]parley.Thread, []string, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var threads []parley.Thread
	var tagIDs []string
	for rows.Next() {
		var t parley.Thread
		var tags string
		var created, active int64
		if err := rows.Scan(&t.ID, &t.Title, &t.SubtopicID, &t.TopicID, &tags, &created, &active,
			&t.ReplyCount, &t.BoostCount, &t.ViewCount, &t.Pinned, &t.Locked, &t.AcceptedPostID, &t.StaffReplied,
			&t.Deleted, &t.Author.ID, &t.Author.Handle, &t.Author.DisplayName, &t.Author.Role, &t.Author.Badge); err != nil {
			return nil, nil, err
		}
		t.CreatedAt, t.LastActivityAt = parley.FromMillis(created), parley.FromMillis(active)
		threads, tagIDs = append(threads, t), append(tagIDs, tags)
	}
	return threads, tagIDs, rows.Err()
}

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
			VALUES (?, ?, ?, ?, ?, ?, ?)`, strings.TrimSpace(in.Title), in.SubtopicID, topicID, author.ID, joinIDs(in.TagIDs), now, now)
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
