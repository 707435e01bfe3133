package postgres

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// logged runs a moderation change and writes its log entry in the same transaction. change
// returns the entry to write, or nil when it found nothing to change (pinning a pinned
// thread), so the log holds only what happened.
func (s *Store) logged(ctx context.Context, a parley.Audit, change func(tx pgx.Tx, now int64) (*parley.LogEntry, error)) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx, now int64) error {
		e, err := change(tx, now)
		if err != nil || e == nil {
			return err
		}
		return writeLog(ctx, tx, a, e, now)
	})
}

// writeLog adds an entry to the moderation log.
func writeLog(ctx context.Context, tx pgx.Tx, a parley.Audit, e *parley.LogEntry, now int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO moderation_log (actor_id, action, target_kind, target_id, target, detail, reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ActorID, e.Action, e.TargetKind, e.TargetID, e.Target, e.Detail,
		strings.TrimSpace(a.Reason), now)
	if isForeignKeyViolation(err) {
		return parley.Invalid("actor", "There is no user %d to take this action.", a.ActorID)
	}
	return err
}

// logCreation writes the creation of a topic, subtopic or tag to the log when an actor
// made it.
func logCreation(ctx context.Context, tx pgx.Tx, a parley.Audit, action, kind string, id int64, name string, now int64) error {
	if a.ActorID == 0 {
		return nil
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return writeLog(ctx, tx, a, &parley.LogEntry{Action: action, TargetKind: kind, TargetID: id, Target: name}, now)
}

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
func loadThread(ctx context.Context, tx pgx.Tx, id int64) (threadState, error) {
	t := threadState{id: id}
	var tagIDs string
	err := tx.QueryRow(ctx, `SELECT subtopic_id, topic_id, author_id, title, tag_ids, deleted_at IS NOT NULL, locked
		FROM threads WHERE id = $1 FOR UPDATE`, id).Scan(&t.subtopicID, &t.topicID, &t.authorID, &t.title, &tagIDs, &t.deleted, &t.locked)
	t.tagIDs = sqlstore.SplitIDs(tagIDs)
	return t, notFound(err, "There is no thread %d.", id)
}

func (t threadState) entry(action, detail string) *parley.LogEntry {
	return &parley.LogEntry{Action: action, TargetKind: "thread", TargetID: t.id, Target: t.title, Detail: detail}
}

// loadLiveThread is loadThread for changes other than restoring: a deleted thread refuses
// them, since they would touch list entries it does not have.
func loadLiveThread(ctx context.Context, tx pgx.Tx, id int64) (threadState, error) {
	t, err := loadThread(ctx, tx, id)
	if err == nil && t.deleted {
		err = parley.Errorf(parley.EConflict, "Thread %d is deleted; restore it first.", t.id)
	}
	return t, err
}

// SetLocked locks or unlocks a thread against replies.
func (s *Store) SetLocked(ctx context.Context, threadID int64, on bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx pgx.Tx, _ int64) (*parley.LogEntry, error) {
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil || t.locked == on {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE threads SET locked = $1 WHERE id = $2`, on, threadID); err != nil {
			return nil, err
		}
		return t.entry(pick(on, parley.LogThreadLocked, parley.LogThreadUnlocked), ""), nil
	})
}

// SetPinned pins or unpins a thread in one list, or in all of its lists when sc is nil.
func (s *Store) SetPinned(ctx context.Context, threadID int64, sc *parley.Scope, on bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx pgx.Tx, _ int64) (*parley.LogEntry, error) {
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil {
			return nil, err
		}
		scope, detail := any(nil), "in every list"
		if sc != nil {
			scope = sc.Key()
			if detail, err = scopeName(ctx, tx, *sc); err != nil {
				return nil, err
			}
			var listed bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM thread_listings WHERE thread_id = $1 AND scope = $2)`,
				threadID, scope).Scan(&listed); err != nil {
				return nil, err
			}
			if !listed {
				return nil, parley.NotFound("Thread %d is not in that list.", threadID)
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE thread_listings SET pinned = $1
			WHERE pinned <> $1 AND thread_id = $2 AND ($3::bigint IS NULL OR scope = $3)`, on, threadID, scope)
		if err != nil || tag.RowsAffected() == 0 {
			return nil, err
		}
		_, err = tx.Exec(ctx, `UPDATE threads SET pinned = EXISTS (
			SELECT 1 FROM thread_listings WHERE thread_id = $1 AND pinned) WHERE id = $1`, threadID)
		return t.entry(pick(on, parley.LogThreadPinned, parley.LogThreadUnpinned), detail), err
	})
}

// scopeName names a list for the log: "in tag Network".
func scopeName(ctx context.Context, q queryer, sc parley.Scope) (string, error) {
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
	defer s.forgetTopics() // subtopic thread counts change
	return s.logged(ctx, a, func(tx pgx.Tx, _ int64) (*parley.LogEntry, error) {
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil || t.subtopicID == subtopicID {
			return nil, err
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
		for _, m := range moves {
			if _, err := tx.Exec(ctx, `UPDATE thread_listings SET scope = $1 WHERE scope = $2 AND thread_id = $3`,
				m[1].Key(), m[0].Key(), threadID); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE threads SET subtopic_id = $1, topic_id = $2 WHERE id = $3`, subtopicID, topicID, threadID); err != nil {
			return nil, err
		}
		// Both subtopics' counts change; the lower id is locked first.
		for _, id := range slices.Sorted(slices.Values([]int64{t.subtopicID, subtopicID})) {
			if err := countThreads(ctx, tx, "subtopics", []int64{id}, pick(id == subtopicID, 1, -1)); err != nil {
				return nil, err
			}
		}
		oldName, _ := scopeName(ctx, tx, from)
		newName, err := scopeName(ctx, tx, to)
		return t.entry(parley.LogThreadMoved, parley.MovedDetail(strings.TrimPrefix(oldName, "in "), strings.TrimPrefix(newName, "in "))), err
	})
}

// countThreads adds n to the thread count of subtopics, tags or users (table), in id order.
func countThreads(ctx context.Context, tx pgx.Tx, table string, ids []int64, n int) error {
	_, err := tx.Exec(ctx, `UPDATE `+table+` SET thread_count = thread_count + $1 WHERE id = ANY($2)`,
		n, slices.Sorted(slices.Values(ids)))
	return err
}

// RetagThread replaces a thread's tags, adding and removing its tag list entries. A new
// tag's entry copies the thread's sort keys from its entry in the list of all threads.
func (s *Store) RetagThread(ctx context.Context, threadID int64, tagIDs []int64, a parley.Audit) error {
	if err := parley.ValidateTags(tagIDs); err != nil {
		return err
	}
	return s.logged(ctx, a, func(tx pgx.Tx, _ int64) (*parley.LogEntry, error) {
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil {
			return nil, err
		}
		if err := checkTags(ctx, tx, tagIDs); err != nil {
			return nil, err
		}
		added, removed := parley.TagChanges(t.tagIDs, tagIDs)
		if len(added) == 0 && len(removed) == 0 {
			return nil, nil
		}
		tagScope := func(id int64) int64 { return parley.Scope{Kind: parley.ScopeTag, ID: id}.Key() }
		for _, id := range removed {
			if _, err := tx.Exec(ctx, `DELETE FROM thread_tags WHERE thread_id = $1 AND tag_id = $2`, threadID, id); err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM thread_listings WHERE scope = $1 AND thread_id = $2`, tagScope(id), threadID); err != nil {
				return nil, err
			}
		}
		for _, id := range added {
			if _, err := tx.Exec(ctx, `INSERT INTO thread_tags (thread_id, tag_id) VALUES ($1, $2)`, threadID, id); err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO thread_listings (scope, thread_id, created_at, last_activity_at,
				reply_count, boost_count, view_count, answered, staff_replied)
				SELECT $1, thread_id, created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied
				FROM thread_listings WHERE scope = $2 AND thread_id = $3`,
				tagScope(id), parley.Scope{Kind: parley.ScopeAll}.Key(), threadID); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE tags SET thread_count = thread_count + CASE WHEN id = ANY($1) THEN 1 ELSE -1 END
			WHERE id = ANY($2)`, added, slices.Sorted(slices.Values(append(slices.Clone(added), removed...)))); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE threads SET tag_ids = $1 WHERE id = $2`, sqlstore.JoinIDs(tagIDs), threadID); err != nil {
			return nil, err
		}
		return t.entry(parley.LogThreadRetagged, parley.RetaggedDetail(tagNames(ctx, tx, t.tagIDs), tagNames(ctx, tx, tagIDs))), nil
	})
}

// tagNames lists tags by name for the log, in the order given: "Network, TLS".
func tagNames(ctx context.Context, tx pgx.Tx, ids []int64) string {
	rows, err := tx.Query(ctx, `SELECT t.name FROM unnest($1::bigint[]) WITH ORDINALITY AS i (id, n)
		JOIN tags t ON t.id = i.id ORDER BY i.n`, ids)
	names, err := collect(rows, err, pgx.RowTo[string])
	if err != nil {
		return ""
	}
	return strings.Join(names, ", ")
}

// SetThreadDeleted deletes or restores a thread. Deleting parks its list entries and takes
// it and its posts out of every count; restoring reverses both exactly.
func (s *Store) SetThreadDeleted(ctx context.Context, threadID int64, deleted bool, a parley.Audit) error {
	defer s.forgetTopics()
	return s.logged(ctx, a, func(tx pgx.Tx, now int64) (*parley.LogEntry, error) {
		t, err := loadThread(ctx, tx, threadID)
		if err != nil || t.deleted == deleted {
			return nil, err
		}
		from, to, sign := "thread_listings", "parked_listings", -1
		if !deleted {
			from, to, sign = to, from, 1
		}
		if err := moveListings(ctx, tx, from, to, threadID); err != nil {
			return nil, err
		}
		if !deleted {
			// The parked entries keep where the thread was listed and pinned; its counts
			// may have moved on since (a boost, a late view), so they come from the thread.
			if err := refreshListings(ctx, tx, threadID); err != nil {
				return nil, err
			}
		}
		if err := countThreadEverywhere(ctx, tx, t, sign); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE threads SET deleted_at = $1 WHERE id = $2`, nullInt(pick(deleted, now, 0)), threadID); err != nil {
			return nil, err
		}
		if deleted {
			if err := resolveFlags(ctx, tx, `post_id IN (SELECT id FROM posts WHERE thread_id = $4)`, threadID, a.ActorID, "acted", now); err != nil {
				return nil, err
			}
		}
		return t.entry(pick(deleted, parley.LogThreadDeleted, parley.LogThreadRestored), ""), nil
	})
}

func moveListings(ctx context.Context, tx pgx.Tx, from, to string, threadID int64) error {
	const columns = `scope, thread_id, created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied, pinned`
	_, err := tx.Exec(ctx, `WITH moved AS (DELETE FROM `+from+` WHERE thread_id = $1 RETURNING `+columns+`)
		INSERT INTO `+to+` (`+columns+`) SELECT `+columns+` FROM moved`, threadID)
	return err
}

// countThreadEverywhere adds sign × the thread to its subtopic's, tags' and author's
// thread counts, and sign × its visible posts to their authors' post counts.
func countThreadEverywhere(ctx context.Context, tx pgx.Tx, t threadState, sign int) error {
	if err := countThreads(ctx, tx, "subtopics", []int64{t.subtopicID}, sign); err != nil {
		return err
	}
	if err := countThreads(ctx, tx, "tags", t.tagIDs, sign); err != nil {
		return err
	}
	if err := countThreads(ctx, tx, "users", []int64{t.authorID}, sign); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE users SET post_count = post_count + $1 * p.n
		FROM (SELECT author_id, count(*) AS n FROM posts WHERE thread_id = $2 AND hidden_at IS NULL GROUP BY author_id) p
		WHERE users.id = p.author_id`, sign, t.id)
	return err
}

// SetPostHidden hides or restores a reply and brings its thread's counts up to date. Hiding
// the accepted answer also clears the thread's accepted answer.
func (s *Store) SetPostHidden(ctx context.Context, postID int64, hidden bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx pgx.Tx, now int64) (*parley.LogEntry, error) {
		var threadID, authorID int64
		var original, isHidden bool
		var handle string
		err := tx.QueryRow(ctx, `SELECT p.thread_id, p.author_id, p.original, p.hidden_at IS NOT NULL, u.handle
			FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = $1`, postID).Scan(&threadID, &authorID, &original, &isHidden, &handle)
		if err != nil {
			return nil, notFound(err, "There is no post %d.", postID)
		}
		if original {
			return nil, parley.Invalid("post", "A question cannot be hidden on its own; delete its thread instead.")
		}
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil {
			return nil, err
		}
		// Read again now that the thread is locked: another moderator may have just done it.
		if err := tx.QueryRow(ctx, `SELECT hidden_at IS NOT NULL FROM posts WHERE id = $1`, postID).Scan(&isHidden); err != nil || isHidden == hidden {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE posts SET hidden_at = $1 WHERE id = $2`, nullInt(pick(hidden, now, 0)), postID); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET post_count = post_count + $1 WHERE id = $2`, pick(hidden, -1, 1), authorID); err != nil {
			return nil, err
		}
		detail := ""
		if hidden {
			tag, err := tx.Exec(ctx, `UPDATE threads SET accepted_post_id = NULL WHERE id = $1 AND accepted_post_id = $2`, threadID, postID)
			if err != nil {
				return nil, err
			}
			if tag.RowsAffected() > 0 {
				detail = parley.AcceptedCleared
			}
			if err := resolveFlags(ctx, tx, `post_id = $4`, postID, a.ActorID, "acted", now); err != nil {
				return nil, err
			}
		}
		if err := refreshThread(ctx, tx, threadID); err != nil {
			return nil, err
		}
		return &parley.LogEntry{Action: pick(hidden, parley.LogPostHidden, parley.LogPostRestored), TargetKind: "post",
			TargetID: postID, Target: parley.PostLabel(handle, t.title), Detail: detail}, nil
	})
}

// refreshThread derives a thread's reply count, last activity, staff flag and answered
// flag from its visible posts, and copies them to its list entries.
func refreshThread(ctx context.Context, tx pgx.Tx, threadID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE threads SET
		reply_count = (SELECT count(*) FROM posts WHERE thread_id = $1 AND NOT original AND hidden_at IS NULL),
		last_activity_at = (SELECT max(created_at) FROM posts WHERE thread_id = $1 AND hidden_at IS NULL),
		staff_replied = EXISTS (SELECT 1 FROM posts p JOIN users u ON u.id = p.author_id
			WHERE p.thread_id = $1 AND NOT p.original AND p.hidden_at IS NULL AND u.role IN ('staff', 'admin'))
		WHERE id = $1`, threadID); err != nil {
		return err
	}
	return refreshListings(ctx, tx, threadID)
}

// refreshListings copies a thread's sort keys and flags to its list entries.
func refreshListings(ctx context.Context, tx pgx.Tx, threadID int64) error {
	_, err := tx.Exec(ctx, `UPDATE thread_listings l SET
		created_at = t.created_at, last_activity_at = t.last_activity_at, reply_count = t.reply_count,
		boost_count = t.boost_count, view_count = t.view_count, answered = t.accepted_post_id IS NOT NULL,
		staff_replied = t.staff_replied
		FROM threads t WHERE t.id = $1 AND l.thread_id = $1`, threadID)
	return err
}

// resolveFlags closes the open flags matching where, which names its one argument $4.
func resolveFlags(ctx context.Context, tx pgx.Tx, where string, arg, resolverID int64, outcome string, now int64) error {
	_, err := tx.Exec(ctx, `UPDATE flags SET resolved_at = $1, resolver_id = $2, outcome = $3
		WHERE resolved_at IS NULL AND `+where, now, resolverID, outcome, arg)
	return err
}

// SuspendUser sets or lifts a suspension.
func (s *Store) SuspendUser(ctx context.Context, userID int64, until time.Time, a parley.Audit) error {
	return s.logged(ctx, a, func(tx pgx.Tx, now int64) (*parley.LogEntry, error) {
		var handle string
		if err := tx.QueryRow(ctx, `SELECT handle FROM users WHERE id = $1`, userID).Scan(&handle); err != nil {
			return nil, notFound(err, "There is no user %d.", userID)
		}
		var ms int64
		if !until.IsZero() {
			ms = parley.Millis(until)
			if ms <= now {
				return nil, parley.Invalid("until", "A suspension must end in the future.")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET suspended_until = $1 WHERE id = $2`, nullInt(ms), userID); err != nil {
			return nil, err
		}
		e := &parley.LogEntry{Action: parley.LogUserUnsuspended, TargetKind: "user", TargetID: userID, Target: "@" + handle}
		if ms != 0 {
			e.Action, e.Detail = parley.LogUserSuspended, parley.SuspendedDetail(until)
			err := resolveFlags(ctx, tx, `post_id IN (SELECT id FROM posts WHERE author_id = $4)`, userID, a.ActorID, "acted", now)
			return e, err
		}
		return e, nil
	})
}
