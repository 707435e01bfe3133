package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
)

// threadState is what moderation needs to know of a thread.
type threadState struct {
	id, subtopicID, topicID, authorID int64
	title                             string
	tagIDs                            []int64
	deleted, locked                   bool
}

// loadThread reads a thread for a change and locks its row until the transaction ends, so
// that what was read stays true while the change is made: every writer that changes a
// thread locks its row before its list entries.
func (s *Store) loadThread(ctx context.Context, tx *Tx, id int64) (threadState, error) {
	t := threadState{id: id}
	var tagIDs string
	err := tx.QueryRow(ctx, `SELECT subtopic_id, topic_id, author_id, title, tag_ids, deleted_at IS NOT NULL, locked
		FROM threads WHERE id = $1`+s.d.ForUpdate, id).Scan(&t.subtopicID, &t.topicID, &t.authorID, &t.title, &tagIDs, &t.deleted, &t.locked)
	t.tagIDs = SplitIDs(tagIDs)
	return t, notFound(err, "There is no thread %d.", id)
}

func (t threadState) entry(action, detail string) *parley.LogEntry {
	return &parley.LogEntry{Action: action, TargetKind: "thread", TargetID: t.id, Target: t.title, Detail: detail}
}

// loadLiveThread is loadThread for changes other than restoring: a deleted thread refuses
// them, since they would touch list entries it does not have.
func (s *Store) loadLiveThread(ctx context.Context, tx *Tx, id int64) (threadState, error) {
	t, err := s.loadThread(ctx, tx, id)
	if err == nil && t.deleted {
		err = parley.Errorf(parley.EConflict, "Thread %d is deleted; restore it first.", t.id)
	}
	return t, err
}

// changeLiveThread runs a moderation change to a thread that is not deleted, with the
// thread read and locked (loadLiveThread), and logs it (logged).
func (s *Store) changeLiveThread(ctx context.Context, threadID int64, a parley.Audit,
	change func(tx *Tx, t threadState) (*parley.LogEntry, error)) error {
	return s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		t, err := s.loadLiveThread(ctx, tx, threadID)
		if err != nil {
			return nil, err
		}
		return change(tx, t)
	})
}

// SetLocked locks or unlocks a thread against replies.
func (s *Store) SetLocked(ctx context.Context, threadID int64, on bool, a parley.Audit) error {
	return s.changeLiveThread(ctx, threadID, a, func(tx *Tx, t threadState) (*parley.LogEntry, error) {
		if t.locked == on {
			return nil, nil
		}
		if _, err := tx.Exec(ctx, `UPDATE threads SET locked = $1 WHERE id = $2`, on, threadID); err != nil {
			return nil, err
		}
		tx.ThreadChanged(threadID)
		return t.entry(pick(on, parley.LogThreadLocked, parley.LogThreadUnlocked), ""), nil
	})
}

// SetPinned pins or unpins a thread in one list, or in all of its lists when sc is nil.
func (s *Store) SetPinned(ctx context.Context, threadID int64, sc *parley.Scope, on bool, a parley.Audit) error {
	return s.changeLiveThread(ctx, threadID, a, func(tx *Tx, t threadState) (*parley.LogEntry, error) {
		var err error
		where, args, detail := `thread_id = $2`, []any{on, threadID}, "in every list"
		if sc != nil {
			where, args = `thread_id = $2 AND scope = $3`, append(args, sc.Key())
			if detail, err = scopeName(ctx, tx, *sc); err != nil {
				return nil, err
			}
			if err := mustExist(ctx, tx, parley.NotFound("Thread %d is not in that list.", threadID),
				`SELECT 1 FROM thread_listings WHERE thread_id = $1 AND scope = $2`, threadID, sc.Key()); err != nil {
				return nil, err
			}
		}
		n, err := tx.Exec(ctx, `UPDATE thread_listings SET pinned = $1 WHERE pinned <> $1 AND `+where, args...)
		if err != nil || n == 0 {
			return nil, err
		}
		if _, err = tx.Exec(ctx, `UPDATE threads SET pinned = EXISTS (
			SELECT 1 FROM thread_listings WHERE thread_id = $1 AND pinned) WHERE id = $1`, threadID); err != nil {
			return nil, err
		}
		tx.ThreadChanged(threadID)
		tx.ForumChanged() // the lists that have pinned threads (PinnedThreads)
		return t.entry(pick(on, parley.LogThreadPinned, parley.LogThreadUnpinned), detail), nil
	})
}

// scopeName names a list for the log: "in tag Network".
func scopeName(ctx context.Context, q Querier, sc parley.Scope) (string, error) {
	table := map[parley.ScopeKind]string{parley.ScopeTopic: "topics", parley.ScopeSubtopic: "subtopics", parley.ScopeTag: "tags"}[sc.Kind]
	if table == "" {
		return "in the list of all threads", nil
	}
	var name string
	err := q.QueryRow(ctx, `SELECT name FROM `+table+` WHERE id = $1`, sc.ID).Scan(&name)
	return "in " + strings.TrimSuffix(table, "s") + " " + name, notFound(err, "There is no such list.")
}

// MoveThread moves a thread to another subtopic. Its list entries follow it, pins too.
func (s *Store) MoveThread(ctx context.Context, threadID, subtopicID int64, a parley.Audit) error {
	return s.changeLiveThread(ctx, threadID, a, func(tx *Tx, t threadState) (*parley.LogEntry, error) {
		if t.subtopicID == subtopicID {
			return nil, nil
		}
		topicID, err := subtopicTopic(ctx, tx, subtopicID)
		if err != nil {
			return nil, parley.Invalid("subtopic", "There is no such subtopic.")
		}
		from, to := parley.Scope{Kind: parley.ScopeSubtopic, ID: t.subtopicID}, parley.Scope{Kind: parley.ScopeSubtopic, ID: subtopicID}
		moves := [][2]parley.Scope{{from, to}}
		if topicID != t.topicID {
			moves = append(moves, [2]parley.Scope{{Kind: parley.ScopeTopic, ID: t.topicID}, {Kind: parley.ScopeTopic, ID: topicID}})
		}
		stmts := []Stmt{stmt(`UPDATE threads SET subtopic_id = $1, topic_id = $2 WHERE id = $3`, subtopicID, topicID, threadID)}
		for _, m := range moves {
			stmts = append(stmts, stmt(`UPDATE thread_listings SET scope = $1 WHERE scope = $2 AND thread_id = $3`,
				m[1].Key(), m[0].Key(), threadID))
		}
		// Both subtopics' counts change; the lower id is locked first.
		for _, id := range slices.Sorted(slices.Values([]int64{t.subtopicID, subtopicID})) {
			stmts = append(stmts, s.countThreads("subtopics", []int64{id}, pick(id == subtopicID, 1, -1)))
		}
		if err := ExecAll(ctx, tx, stmts...); err != nil {
			return nil, err
		}
		var names [2]string // from, to
		for i, sc := range []parley.Scope{from, to} {
			if names[i], err = scopeName(ctx, tx, sc); err != nil {
				return nil, err
			}
		}
		tx.ThreadChanged(threadID)
		tx.ForumChanged()
		return t.entry(parley.LogThreadMoved, parley.MovedDetail(strings.TrimPrefix(names[0], "in "), strings.TrimPrefix(names[1], "in "))), nil
	})
}

// countThreads adds n to the thread count of subtopics, tags or users (table), in id
// order, so that two transactions counting the same rows wait for each other instead of
// deadlocking.
func (s *Store) countThreads(table string, ids []int64, n int) Stmt {
	return stmt(`UPDATE `+table+` SET thread_count = thread_count + $1 WHERE `+s.d.AnyID("id", "$2"),
		n, s.d.IDs(slices.Sorted(slices.Values(ids))))
}

// RetagThread replaces a thread's tags, adding and removing its tag list entries. A new
// tag's entry copies the thread's sort keys from its entry in the list of all threads.
func (s *Store) RetagThread(ctx context.Context, threadID int64, tagIDs []int64, a parley.Audit) error {
	if err := parley.ValidateTags(tagIDs); err != nil {
		return err
	}
	return s.changeLiveThread(ctx, threadID, a, func(tx *Tx, t threadState) (*parley.LogEntry, error) {
		if err := s.checkTags(ctx, tx, tagIDs); err != nil {
			return nil, err
		}
		added, removed := parley.TagChanges(t.tagIDs, tagIDs)
		if len(added) == 0 && len(removed) == 0 {
			return nil, nil
		}
		var stmts []Stmt
		for _, id := range removed {
			stmts = append(stmts, untag(threadID, id)...)
		}
		for _, id := range added {
			stmts = append(stmts, tag(threadID, id)...)
		}
		// One statement counts every changed tag, so that their rows are locked in id order.
		changed := slices.Sorted(slices.Values(slices.Concat(added, removed)))
		err := ExecAll(ctx, tx, append(stmts,
			stmt(`UPDATE tags SET thread_count = thread_count + CASE WHEN `+s.d.AnyID("id", "$1")+` THEN 1 ELSE -1 END
				WHERE `+s.d.AnyID("id", "$2"), s.d.IDs(added), s.d.IDs(changed)),
			stmt(`UPDATE threads SET tag_ids = $1 WHERE id = $2`, JoinIDs(tagIDs), threadID))...)
		if err != nil {
			return nil, err
		}
		var names [2]string // before, after
		for i, ids := range [][]int64{t.tagIDs, tagIDs} {
			if names[i], err = s.tagNames(ctx, tx, ids); err != nil {
				return nil, err
			}
		}
		tx.ThreadChanged(threadID)
		tx.ForumChanged()
		return t.entry(parley.LogThreadRetagged, parley.RetaggedDetail(names[0], names[1])), nil
	})
}

// tag lists a thread under a tag; the tag's count is the caller's to change.
func tag(threadID, tagID int64) []Stmt {
	return []Stmt{stmt(`INSERT INTO thread_tags (thread_id, tag_id) VALUES ($1, $2)`, threadID, tagID),
		stmt(`INSERT INTO thread_listings (scope, thread_id, created_at, last_activity_at,
			reply_count, boost_count, view_count, answered, staff_replied)
			SELECT $1, thread_id, created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied
			FROM thread_listings WHERE scope = $2 AND thread_id = $3`,
			parley.Scope{Kind: parley.ScopeTag, ID: tagID}.Key(), parley.Scope{Kind: parley.ScopeAll}.Key(), threadID)}
}

// untag takes a thread off a tag's list; the tag's count is the caller's to change.
func untag(threadID, tagID int64) []Stmt {
	return []Stmt{stmt(`DELETE FROM thread_tags WHERE thread_id = $1 AND tag_id = $2`, threadID, tagID),
		stmt(`DELETE FROM thread_listings WHERE scope = $1 AND thread_id = $2`, parley.Scope{Kind: parley.ScopeTag, ID: tagID}.Key(), threadID)}
}

// tagNames lists tags by name for the log, in the order given: "Network, TLS".
func (s *Store) tagNames(ctx context.Context, tx *Tx, ids []int64) (string, error) {
	names := map[int64]string{}
	rows, err := tx.Query(ctx, `SELECT id, name FROM tags WHERE `+s.d.AnyID("id", "$1"), s.d.IDs(ids))
	_, err = collect(rows, err, func(r Row) (struct{}, error) {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		names[id] = name
		return struct{}{}, err
	})
	if err != nil {
		return "", err
	}
	ordered := make([]string, 0, len(ids))
	for _, id := range ids {
		if name, ok := names[id]; ok {
			ordered = append(ordered, name)
		}
	}
	return strings.Join(ordered, ", "), nil
}

// SetThreadDeleted deletes or restores a thread. Deleting parks its list entries and takes
// it and its posts out of every count; restoring reverses both exactly.
func (s *Store) SetThreadDeleted(ctx context.Context, threadID int64, deleted bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		t, err := s.loadThread(ctx, tx, threadID)
		if err != nil || t.deleted == deleted {
			return nil, err
		}
		from, to, sign := "thread_listings", "parked_listings", -1
		if !deleted {
			from, to, sign = to, from, 1
		}
		stmts := moveListings(from, to, threadID)
		if !deleted {
			// The parked entries keep where the thread was listed and pinned; its counts
			// may have moved on since (a boost, a late view), so they come from the thread.
			stmts = append(stmts, refreshListings(threadID))
		}
		stmts = append(stmts, s.countThreadEverywhere(t, sign)...)
		stmts = append(stmts, stmt(`UPDATE threads SET deleted_at = $1 WHERE id = $2`, nullID(pick(deleted, tx.Now, 0)), threadID))
		if err := ExecAll(ctx, tx, stmts...); err != nil {
			return nil, err
		}
		if deleted {
			if err := resolveFlags(ctx, tx, `post_id IN (SELECT id FROM posts WHERE thread_id = $4)`, threadID, a.ActorID, "acted"); err != nil {
				return nil, err
			}
		}
		tx.indexThread(threadID)
		tx.ThreadChanged(threadID)
		tx.ForumChanged()
		return t.entry(pick(deleted, parley.LogThreadDeleted, parley.LogThreadRestored), ""), nil
	})
}

// moveListings moves a thread's list entries between the live and the parked table.
func moveListings(from, to string, threadID int64) []Stmt {
	const columns = `scope, thread_id, created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied, pinned`
	return []Stmt{stmt(`INSERT INTO `+to+` (`+columns+`) SELECT `+columns+` FROM `+from+` WHERE thread_id = $1`, threadID),
		stmt(`DELETE FROM `+from+` WHERE thread_id = $1`, threadID)}
}

// countThreadEverywhere adds sign × the thread to its subtopic's, tags' and author's
// thread counts, and sign × its visible posts to their authors' post counts.
func (s *Store) countThreadEverywhere(t threadState, sign int) []Stmt {
	return []Stmt{s.countThreads("subtopics", []int64{t.subtopicID}, sign),
		s.countThreads("tags", t.tagIDs, sign),
		s.countThreads("users", []int64{t.authorID}, sign),
		stmt(`UPDATE users SET post_count = post_count + $1 * p.n
			FROM (SELECT author_id, count(*) AS n FROM posts WHERE thread_id = $2 AND hidden_at IS NULL GROUP BY author_id) p
			WHERE users.id = p.author_id`, sign, t.id)}
}

// SetPostHidden hides or restores a reply and brings its thread's counts up to date. Hiding
// the accepted answer also clears the thread's accepted answer.
func (s *Store) SetPostHidden(ctx context.Context, postID int64, hidden bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		var threadID int64
		var original bool
		err := tx.QueryRow(ctx, `SELECT thread_id, original FROM posts WHERE id = $1`, postID).Scan(&threadID, &original)
		if err != nil {
			return nil, notFound(err, "There is no post %d.", postID)
		}
		if original {
			return nil, parley.Invalid("post", "A question cannot be hidden on its own; delete its thread instead.")
		}
		t, err := s.loadLiveThread(ctx, tx, threadID)
		if err != nil {
			return nil, err
		}
		// Read once the thread is locked: another moderator may have just done it.
		var authorID int64
		var isHidden bool
		var handle string
		if err := tx.QueryRow(ctx, `SELECT p.author_id, p.hidden_at IS NOT NULL, u.handle
			FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = $1`, postID).Scan(&authorID, &isHidden, &handle); err != nil || isHidden == hidden {
			return nil, err
		}
		if err := ExecAll(ctx, tx, stmt(`UPDATE posts SET hidden_at = $1 WHERE id = $2`, nullID(pick(hidden, tx.Now, 0)), postID),
			stmt(`UPDATE users SET post_count = post_count + $1 WHERE id = $2`, pick(hidden, -1, 1), authorID)); err != nil {
			return nil, err
		}
		detail := ""
		if hidden {
			n, err := tx.Exec(ctx, `UPDATE threads SET accepted_post_id = NULL WHERE id = $1 AND accepted_post_id = $2`, threadID, postID)
			if err != nil {
				return nil, err
			}
			if n > 0 {
				detail = parley.AcceptedCleared
			}
			if err := resolveFlags(ctx, tx, `post_id = $4`, postID, a.ActorID, "acted"); err != nil {
				return nil, err
			}
		}
		if err := refreshThread(ctx, tx, threadID); err != nil {
			return nil, err
		}
		tx.indexPost(postID)
		tx.ThreadChanged(threadID)
		return &parley.LogEntry{Action: pick(hidden, parley.LogPostHidden, parley.LogPostRestored), TargetKind: "post",
			TargetID: postID, Target: parley.PostLabel(handle, t.title), Detail: detail}, nil
	})
}

// refreshThread derives a thread's reply count, last activity, staff flag and answered
// flag from its visible posts, and copies them to its list entries.
func refreshThread(ctx context.Context, tx *Tx, threadID int64) error {
	return ExecAll(ctx, tx, stmt(`UPDATE threads SET
		reply_count = (SELECT count(*) FROM posts WHERE thread_id = $1 AND original = false AND hidden_at IS NULL),
		last_activity_at = (SELECT max(created_at) FROM posts WHERE thread_id = $1 AND hidden_at IS NULL),
		staff_replied = EXISTS (SELECT 1 FROM posts p JOIN users u ON u.id = p.author_id
			WHERE p.thread_id = $1 AND p.original = false AND p.hidden_at IS NULL AND u.role IN ('staff', 'admin'))
		WHERE id = $1`, threadID), refreshListings(threadID))
}

// refreshListings copies a thread's sort keys and flags to its list entries; their views
// are AddViews' to keep.
func refreshListings(threadID int64) Stmt {
	return stmt(`UPDATE thread_listings SET
		(created_at, last_activity_at, reply_count, boost_count, answered, staff_replied) =
		(SELECT created_at, last_activity_at, reply_count, boost_count, accepted_post_id IS NOT NULL, staff_replied
			FROM threads WHERE id = $1)
		WHERE thread_id = $1`, threadID)
}

// resolveFlags closes the open flags matching where, which names its one argument $4.
func resolveFlags(ctx context.Context, tx *Tx, where string, arg, resolverID int64, outcome string) error {
	_, err := tx.Exec(ctx, `UPDATE flags SET resolved_at = $1, resolver_id = $2, outcome = $3
		WHERE resolved_at IS NULL AND `+where, tx.Now, resolverID, outcome, arg)
	return err
}

// SuspendUser sets or lifts a suspension.
func (s *Store) SuspendUser(ctx context.Context, userID int64, until time.Time, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		var handle string
		if err := tx.QueryRow(ctx, `SELECT handle FROM users WHERE id = $1`, userID).Scan(&handle); err != nil {
			return nil, notFound(err, "There is no user %d.", userID)
		}
		var ms int64
		if !until.IsZero() {
			ms = parley.Millis(until)
			if ms <= tx.Now {
				return nil, parley.Invalid("until", "A suspension must end in the future.")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET suspended_until = $1 WHERE id = $2`, nullID(ms), userID); err != nil {
			return nil, err
		}
		tx.ForumChanged()
		e := &parley.LogEntry{Action: parley.LogUserUnsuspended, TargetKind: "user", TargetID: userID, Target: "@" + handle}
		if ms == 0 {
			return e, nil
		}
		e.Action, e.Detail = parley.LogUserSuspended, parley.SuspendedDetail(until)
		return e, resolveFlags(ctx, tx, `post_id IN (SELECT id FROM posts WHERE author_id = $4)`, userID, a.ActorID, "acted")
	})
}
