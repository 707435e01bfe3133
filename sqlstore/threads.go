package sqlstore

import (
	"context"
	"fmt"

	parley "github.com/parley-forum/parley"
)

// listIndex names, for each sort, the listings column and the index that orders by it:
// keyed (scope, column, thread_id), so that each list page is one range of one index.
var listIndex = map[parley.Sort]struct{ column, index string }{
	parley.SortActivity: {"last_activity_at", "listings_by_activity"},
	parley.SortNewest:   {"created_at", "listings_by_created"},
	parley.SortReplies:  {"reply_count", "listings_by_replies"},
	parley.SortBoosts:   {"boost_count", "listings_by_boosts"},
	parley.SortViews:    {"view_count", "listings_by_views"},
}

var filterClause = map[parley.Filter]string{
	parley.FilterNone:       "",
	parley.FilterUnanswered: " AND l.answered = false",
	parley.FilterAnswered:   " AND l.answered = true",
	parley.FilterStaff:      " AND l.staff_replied = true",
	parley.FilterAwaiting:   " AND l.staff_replied = false",
}

// threadColumns are read by scanThread. The sort keys and the pinned flag come from the
// listing when a list is read (%[1]s = "l"), so that the counts shown agree with the order
// they are listed in and with the cursor taken from them; from the thread when read alone.
const threadColumns = `t.id, t.title, t.subtopic_id, t.topic_id, t.tag_ids, %[1]s.created_at, %[1]s.last_activity_at,
	%[1]s.reply_count, %[1]s.boost_count, %[1]s.view_count, %[1]s.pinned, t.locked, coalesce(t.accepted_post_id, 0), t.staff_replied,
	t.deleted_at IS NOT NULL, u.id, u.handle, u.display_name, u.role, u.badge`

// Threads returns one page of a list, pinned threads left out. The page is one range of
// the sort's index: the row comparison (key, thread_id) < (cursor) starts it, and ORDER BY
// … DESC LIMIT reads it backwards and stops.
func (s *Store) Threads(ctx context.Context, q parley.ListQuery) (parley.ThreadPage, error) {
	if err := q.Validate(); err != nil {
		return parley.ThreadPage{}, err
	}
	ix := listIndex[q.Sort]
	key, id := int64(1<<63-1), int64(1<<63-1)
	if q.After != nil {
		key, id = q.After.Key, q.After.ID
	}
	threads, err := s.queryThreads(ctx, `SELECT `+fmt.Sprintf(threadColumns, "l")+`
		FROM thread_listings l`+s.d.IndexedBy(ix.index)+`
		JOIN threads t ON t.id = l.thread_id
		JOIN users u ON u.id = t.author_id
		WHERE l.scope = $1 AND l.pinned = false`+filterClause[q.Filter]+`
		  AND (l.`+ix.column+`, l.thread_id) < ($2, $3)
		ORDER BY l.`+ix.column+` DESC, l.thread_id DESC
		LIMIT $4`, q.Scope.Key(), key, id, q.Limit+1)
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
		FROM thread_listings l`+s.d.IndexedBy("listings_pinned")+`
		JOIN threads t ON t.id = l.thread_id
		JOIN users u ON u.id = t.author_id
		WHERE l.scope = $1 AND l.pinned = true
		ORDER BY l.last_activity_at DESC LIMIT 20`, sc.Key())
}

// Thread returns one thread, deleted or not.
func (s *Store) Thread(ctx context.Context, id int64) (parley.Thread, error) {
	threads, err := s.queryThreads(ctx, `SELECT `+fmt.Sprintf(threadColumns, "t")+`
		FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = $1`, id)
	if err != nil {
		return parley.Thread{}, err
	}
	if len(threads) == 0 {
		return parley.Thread{}, parley.NotFound("There is no thread %d.", id)
	}
	return threads[0], nil
}

// QueryThreads runs a query that selects threadColumns and names each thread's tags. The
// tags are named after the rows are closed: a lookup while they are open would hold two
// connections at once, and enough concurrent requests doing that would exhaust the pool
// and wait on each other.
func (s *Store) QueryThreads(ctx context.Context, query string, args ...any) ([]parley.Thread, error) {
	return s.queryThreads(ctx, query, args...)
}

func (s *Store) queryThreads(ctx context.Context, query string, args ...any) ([]parley.Thread, error) {
	type row struct {
		t      parley.Thread
		tagIDs string
	}
	rows, err := s.read(ctx).Query(ctx, query, args...)
	found, err := collect(rows, err, func(r Row) (row, error) {
		var x row
		t := &x.t
		var created, active int64
		err := r.Scan(&t.ID, &t.Title, &t.SubtopicID, &t.TopicID, &x.tagIDs, &created, &active,
			&t.ReplyCount, &t.BoostCount, &t.ViewCount, &t.Pinned, &t.Locked, &t.AcceptedPostID, &t.StaffReplied,
			&t.Deleted, &t.Author.ID, &t.Author.Handle, &t.Author.DisplayName, &t.Author.Role, &t.Author.Badge)
		t.CreatedAt, t.LastActivityAt = parley.FromMillis(created), parley.FromMillis(active)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	threads := make([]parley.Thread, 0, len(found))
	for _, x := range found {
		if x.t.Tags, err = s.tagRefs(ctx, x.tagIDs); err != nil {
			return nil, err
		}
		threads = append(threads, x.t)
	}
	return threads, nil
}

// ThreadColumns is the select list QueryThreads reads, with the sort keys taken from the
// table aliased from ("l" for listings, "t" for threads).
func ThreadColumns(from string) string { return fmt.Sprintf(threadColumns, from) }
