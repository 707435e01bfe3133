package sqlstore

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
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

// listColumns are the select lists of list pages by the column their sort orders by
// (listIndex): threadColumns, but for that column, the views and the pinned flag, read from
// the list entry l. The order a list shows and the cursor taken from its last thread then
// agree with the index. Lists show the views they sort by, which trail the thread's own
// count by at most an eighth (AddViews). On SQLite only the views' index holds the count
// (TestViewsInOneListIndexUpgradeInPlace), so the other sorts read each entry's row as
// well: holding it in all five made each move of a listed count write five indexes.
var listColumns = func() map[string]string {
	cols := map[string]string{}
	for _, ix := range listIndex {
		cols[ix.column] = strings.NewReplacer("t."+ix.column+",", "l."+ix.column+",", "v.view_count,", "l.view_count,",
			"t.pinned,", "l.pinned,").Replace(threadColumns)
	}
	return cols
}()

var filterClause = map[parley.Filter]string{
	parley.FilterNone:       "",
	parley.FilterUnanswered: " AND l.answered = false",
	parley.FilterAnswered:   " AND l.answered = true",
	parley.FilterStaff:      " AND l.staff_replied = true",
	parley.FilterAwaiting:   " AND l.staff_replied = false",
}

// threadColumns are the select list QueryThreads reads: a thread t, its views v and its
// author u, as threadsFrom joins them.
const threadColumns = `t.id, t.title, t.subtopic_id, t.topic_id, t.tag_ids, t.created_at, t.last_activity_at,
	t.reply_count, t.boost_count, v.view_count, t.pinned, t.locked, coalesce(t.accepted_post_id, 0), t.staff_replied,
	t.deleted_at IS NOT NULL, t.link_count, u.id, u.handle, u.display_name, u.role, u.badge`

// threadsFrom joins what threadColumns reads.
const threadsFrom = `threads t JOIN thread_views v ON v.thread_id = t.id JOIN users u ON u.id = t.author_id`

// Threads returns one page of a list, pinned threads left out. The page is one range of
// the sort's index: the row comparison (key, thread_id) < (cursor) starts it, and ORDER BY
// … DESC LIMIT reads it backwards and stops. A first page asked WithPinned reads the
// list's pinned threads in the same statement: a statement of its own cost a list page a
// tenth of its CPU on SQLite.
func (s *Store) Threads(ctx context.Context, q parley.ListQuery) (parley.ThreadPage, error) {
	if err := q.Validate(); err != nil {
		return parley.ThreadPage{}, err
	}
	ix := listIndex[q.Sort]
	key, id := int64(1<<63-1), int64(1<<63-1)
	if q.After != nil {
		key, id = q.After.Key, q.After.ID
	}
	query := `SELECT ` + listColumns[ix.column] + `
		FROM thread_listings l` + s.d.IndexedBy(ix.index) + `
		JOIN threads t ON t.id = l.thread_id
		JOIN users u ON u.id = t.author_id
		WHERE l.scope = $1 AND l.pinned = false` + filterClause[q.Filter] + `
		  AND (l.` + ix.column + `, l.thread_id) < ($2, $3)
		ORDER BY l.` + ix.column + ` DESC, l.thread_id DESC` + rowLimit(q.Limit+1)
	withPinned, err := s.readsPinned(ctx, q)
	if err != nil {
		return parley.ThreadPage{}, err
	}
	if withPinned {
		query = `SELECT * FROM (` + s.pinnedQuery(q.Filter) + `) pinned UNION ALL SELECT * FROM (` + query + `) page`
	}
	threads, err := s.QueryThreads(ctx, query, q.Scope.Key(), key, id)
	if err != nil {
		return parley.ThreadPage{}, err
	}
	page := parley.ThreadPage{Threads: threads}
	if withPinned {
		page.Pinned, page.Threads = splitPinned(threads, q.Sort)
	}
	if len(page.Threads) > q.Limit {
		page.Threads = page.Threads[:q.Limit]
		next := parley.CursorAfter(q.Sort, &page.Threads[q.Limit-1])
		page.Next = &next
	}
	return page, nil
}

// readsPinned reports whether q's page carries its list's pinned threads: a first page
// asked WithPinned, of a list that has some.
func (s *Store) readsPinned(ctx context.Context, q parley.ListQuery) (bool, error) {
	if !q.WithPinned || q.After != nil {
		return false, nil
	}
	return s.hasPinned(ctx, q.Scope)
}

// splitPinned parts the rows of a page read with its pinned threads, each part in its own
// order: the statement's two parts (UNION ALL) leave the order of its rows to the database.
func splitPinned(threads []parley.Thread, srt parley.Sort) (pinned, page []parley.Thread) {
	for _, t := range threads {
		if t.Pinned {
			pinned = append(pinned, t)
		}
	}
	page = slices.DeleteFunc(threads, func(t parley.Thread) bool { return t.Pinned })
	sortDesc(pinned, parley.SortActivity)
	sortDesc(page, srt)
	return pinned, page
}

// sortDesc puts threads in the order of a list sorted by srt: its key, then id, descending.
func sortDesc(threads []parley.Thread, srt parley.Sort) {
	slices.SortFunc(threads, func(a, b parley.Thread) int {
		return cmp.Or(cmp.Compare(srt.Key(&b), srt.Key(&a)), cmp.Compare(b.ID, a.ID))
	})
}

// PinnedThreads returns the threads pinned in a list, most recently active first. Most
// lists have none, and every list page asks, so the lists that have some are kept in
// memory (pinnedScopes) and the others answered without a query.
func (s *Store) PinnedThreads(ctx context.Context, sc parley.Scope) ([]parley.Thread, error) {
	if pinned, err := s.hasPinned(ctx, sc); err != nil || !pinned {
		return nil, err
	}
	return s.QueryThreads(ctx, s.pinnedQuery(parley.FilterNone), sc.Key())
}

// hasPinned reports whether list sc has pinned threads, from memory (pinnedScopes).
func (s *Store) hasPinned(ctx context.Context, sc parley.Scope) (bool, error) {
	scopes, err := s.pinnedScopes.Get(func() (map[int64]bool, error) { return s.loadPinnedScopes(ctx) })
	return scopes[sc.Key()], err
}

// pinnedQuery selects list $1's pinned threads that pass filter, most recently active
// first, as QueryThreads reads them.
func (s *Store) pinnedQuery(filter parley.Filter) string {
	return `SELECT ` + listColumns["last_activity_at"] + `
		FROM thread_listings l` + s.d.IndexedBy("listings_pinned") + `
		JOIN threads t ON t.id = l.thread_id
		JOIN users u ON u.id = t.author_id
		WHERE l.scope = $1 AND l.pinned` + filterClause[filter] + `
		ORDER BY l.last_activity_at DESC, l.thread_id DESC LIMIT 20`
}

// loadPinnedScopes reads which lists have a pinned thread, from the pinned entries' index.
func (s *Store) loadPinnedScopes(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT DISTINCT scope FROM thread_listings`+s.d.IndexedBy("listings_pinned")+` WHERE pinned`)
	keys, err := collect(rows, err, scanValue[int64])
	scopes := make(map[int64]bool, len(keys))
	for _, k := range keys {
		scopes[k] = true
	}
	return scopes, err
}

// threadByID selects one thread, deleted or not, by its id $1.
const threadByID = `SELECT ` + threadColumns + ` FROM ` + threadsFrom + ` WHERE t.id = $1`

// Thread returns one thread, deleted or not.
func (s *Store) Thread(ctx context.Context, id int64) (parley.Thread, error) {
	threads, err := s.QueryThreads(ctx, threadByID, id)
	return onlyThread(threads, err, id)
}

// ThreadWithPosts returns one thread, deleted or not, and one page of its posts as Posts
// returns them. The two reads go together: the thread page needs both, and on PostgreSQL
// each read on its own is a round trip.
func (s *Store) ThreadWithPosts(ctx context.Context, id, after int64, limit int) (parley.Thread, []parley.Post, error) {
	var found []threadRow
	var posts []parley.Post
	err := readBatch(ctx, s.read(ctx), []Query{{threadByID, []any{id}}, {postsOfThread(limit), []any{id, after}}},
		func(i int, rows Rows) (err error) {
			if i == 0 {
				found, err = collect(rows, nil, scanThreadRow)
			} else {
				posts, err = collect(rows, nil, scanPost)
			}
			return err
		})
	if err != nil {
		return parley.Thread{}, nil, err
	}
	threads, err := s.namedTags(ctx, found)
	t, err := onlyThread(threads, err, id)
	if err != nil {
		return t, nil, err
	}
	return t, posts, s.withAttachments(ctx, posts)
}

// onlyThread is the one thread a lookup by id found, or not found.
func onlyThread(threads []parley.Thread, err error, id int64) (parley.Thread, error) {
	if err != nil {
		return parley.Thread{}, err
	}
	if len(threads) == 0 {
		return parley.Thread{}, parley.NotFound("There is no thread %d.", id)
	}
	return threads[0], nil
}

// threadsByID reads the threads among ids that are not deleted, by id.
func (s *Store) threadsByID(ctx context.Context, ids []int64) (map[int64]parley.Thread, error) {
	threads, err := s.QueryThreads(ctx, `SELECT `+threadColumns+` FROM `+threadsFrom+`
		WHERE `+s.d.AnyID("t.id", "$1")+` AND t.deleted_at IS NULL`, s.d.IDs(ids))
	byID := make(map[int64]parley.Thread, len(threads))
	for _, t := range threads {
		byID[t.ID] = t
	}
	return byID, err
}

// QueryThreads runs a query that selects threadColumns and names each thread's tags.
func (s *Store) QueryThreads(ctx context.Context, query string, args ...any) ([]parley.Thread, error) {
	rows, err := s.read(ctx).Query(ctx, query, args...)
	found, err := collect(rows, err, scanThreadRow)
	if err != nil {
		return nil, err
	}
	return s.namedTags(ctx, found)
}

// threadRow is a thread as threadColumns read it, its tags still ids.
type threadRow struct {
	t      parley.Thread
	tagIDs string
}

func scanThreadRow(r Row) (threadRow, error) {
	var x threadRow
	t := &x.t
	var created, active int64
	err := r.Scan(&t.ID, &t.Title, &t.SubtopicID, &t.TopicID, &x.tagIDs, &created, &active,
		&t.ReplyCount, &t.BoostCount, &t.ViewCount, &t.Pinned, &t.Locked, &t.AcceptedPostID, &t.StaffReplied,
		&t.Deleted, &t.LinkCount, &t.Author.ID, &t.Author.Handle, &t.Author.DisplayName, &t.Author.Role, &t.Author.Badge)
	t.CreatedAt, t.LastActivityAt = parley.FromMillis(created), parley.FromMillis(active)
	return x, err
}

// namedTags names the threads' tags. It runs after the rows are closed: a lookup while
// they are open would hold two connections at once, and enough concurrent requests doing
// that would exhaust the pool and wait on each other.
func (s *Store) namedTags(ctx context.Context, found []threadRow) (threads []parley.Thread, err error) {
	threads = make([]parley.Thread, 0, len(found))
	for _, x := range found {
		if x.t.Tags, err = s.tagRefs(ctx, x.tagIDs); err != nil {
			return nil, err
		}
		threads = append(threads, x.t)
	}
	return threads, nil
}

// CreateThread stores a thread, its original post, its tags and its list entries.
func (s *Store) CreateThread(ctx context.Context, in parley.NewThread) (parley.Thread, parley.Post, error) {
	if err := in.Validate(); err != nil {
		return parley.Thread{}, parley.Post{}, err
	}
	var threadID, postID int64
	err := s.inTx(ctx, func(tx *Tx) error {
		topicID, err := subtopicTopic(ctx, tx, in.SubtopicID)
		if err != nil {
			return parley.Invalid("subtopic", "There is no such subtopic.")
		}
		if err := s.checkTags(ctx, tx, in.TagIDs); err != nil {
			return err
		}
		author, err := findAuthor(ctx, tx, in.AuthorID)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO threads (title, subtopic_id, topic_id, author_id, tag_ids, created_at, last_activity_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			strings.TrimSpace(in.Title), in.SubtopicID, topicID, author.ID, JoinIDs(in.TagIDs), tx.Now).Scan(&threadID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO thread_views (thread_id) VALUES ($1)`, threadID); err != nil {
			return err
		}
		if postID, err = insertPost(ctx, tx, threadID, author.ID, true, in.Text.Body(), in.Text.HTML(), len(in.Attachments)); err != nil {
			return err
		}
		if err := s.insertAttachments(ctx, tx, postID, author.ID, in.Attachments); err != nil {
			return err
		}
		tx.indexPost(postID)
		if err := s.queueThread(ctx, tx, threadID, postID, author.ID, in.Text); err != nil {
			return err
		}
		return addThreadEntries(ctx, tx, threadID, topicID, in)
	})
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

// addThreadEntries writes a new thread's tags and list entries, counts it everywhere and
// records the lists it appears in. Tags are counted in id order, so that two threads
// created at once lock the tags' rows in the same order and never wait on each other in a
// cycle.
func addThreadEntries(ctx context.Context, tx *Tx, threadID, topicID int64, in parley.NewThread) error {
	var stmts []Stmt
	for _, tagID := range slices.Sorted(slices.Values(in.TagIDs)) {
		stmts = append(stmts, stmt(`INSERT INTO thread_tags (thread_id, tag_id) VALUES ($1, $2)`, threadID, tagID),
			stmt(`UPDATE tags SET thread_count = thread_count + 1 WHERE id = $1`, tagID))
	}
	scopes := parley.Scopes(topicID, in.SubtopicID, in.TagIDs)
	keys := make([]int64, len(scopes))
	for i, sc := range scopes {
		keys[i] = sc.Key()
		stmts = append(stmts, stmt(`INSERT INTO thread_listings (scope, thread_id, created_at, last_activity_at,
			reply_count, boost_count, view_count, answered, staff_replied) VALUES ($1, $2, $3, $3, 0, 0, 0, false, false)`,
			keys[i], threadID, tx.Now))
	}
	stmts = append(stmts, stmt(`UPDATE subtopics SET thread_count = thread_count + 1 WHERE id = $1`, in.SubtopicID),
		stmt(`UPDATE users SET thread_count = thread_count + 1 WHERE id = $1`, in.AuthorID))
	tx.Changed(events.Event{Kind: events.ThreadAdded, ThreadID: threadID, Lists: keys})
	return ExecAll(ctx, tx, stmts...)
}

// checkTags makes sure every tag exists.
func (s *Store) checkTags(ctx context.Context, q Querier, ids []int64) error {
	rows, err := q.Query(ctx, `SELECT id FROM tags WHERE `+s.d.AnyID("id", "$1"), s.d.IDs(ids))
	found, err := collect(rows, err, scanValue[int64])
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
// only once it has grown by an eighth since they last did: every view would otherwise
// rewrite a row and an index entry in each of the thread's lists, which under heavy reading
// costs the writer more than everything else together. So the views sort, and the counts
// lists show, trail the exact count (on the thread's own page) by at most an eighth.
//
// The counts are updated in thread order: neighbouring counts share B-tree pages, so each
// page is read and written once per flush rather than once per thread; and where rows are
// locked, the counts are locked first, in that order, so that two nodes flushing at once
// wait for each other instead of deadlocking.
func (s *Store) AddViews(ctx context.Context, views map[int64]int64) error {
	if len(views) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(views))
	added := make([][2]int64, len(ids))
	for i, id := range ids {
		added[i] = [2]int64{id, views[id]}
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if s.d.ForUpdate != "" {
			if _, err := tx.Exec(ctx, `SELECT thread_id FROM thread_views WHERE `+s.d.AnyID("thread_id", "$1")+
				` ORDER BY thread_id`+s.d.ForUpdate, s.d.IDs(ids)); err != nil {
				return err
			}
		}
		// Unknown threads fall out of the join: AddViews ignores them. A thread whose count
		// has drifted from its lists' copy by an eighth takes its new count as the lists'
		// (listed_view_count), and only such threads' list entries are written.
		rows, err := tx.Query(ctx, `UPDATE thread_views SET view_count = view_count + v.n,
			listed_view_count = CASE WHEN view_count + v.n >= listed_view_count + listed_view_count / 8 + 1
				THEN view_count + v.n ELSE listed_view_count END
			FROM `+s.d.Pairs("$1")+` v
			WHERE thread_views.thread_id = v.id
			RETURNING thread_views.thread_id, thread_views.view_count, thread_views.listed_view_count`, pairsArg(added))
		totals, err := collect(rows, err, func(r Row) (t [3]int64, err error) { return t, r.Scan(&t[0], &t[1], &t[2]) })
		if err != nil {
			return err
		}
		// The lists' copy never exceeds the count before these views, so it equals the
		// count after them only where the CASE has just moved it.
		var drifted [][2]int64
		for _, t := range totals {
			if t[2] == t[1] {
				drifted = append(drifted, [2]int64{t[0], t[1]})
			}
		}
		if len(drifted) > 0 {
			slices.SortFunc(drifted, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
			if _, err := tx.Exec(ctx, `UPDATE thread_listings SET view_count = c.n FROM `+s.d.Pairs("$1")+` c
				WHERE thread_listings.thread_id = c.id`, pairsArg(drifted)); err != nil {
				return err
			}
		}
		tx.Changed(events.Event{Kind: events.ViewsCounted})
		return nil
	})
}

// pairsArg is the argument Dialect.Pairs reads: the pairs as a JSON array of arrays.
func pairsArg(pairs [][2]int64) string {
	b, _ := json.Marshal(pairs) // cannot fail on integers
	return string(b)
}
