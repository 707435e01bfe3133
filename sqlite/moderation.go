package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/sqlstore"
)

// logged runs a moderation change and writes its log entry in the same transaction. change
// returns the entry to write, or nil when it found nothing to change (pinning a pinned
// thread), so the log holds only what happened.
func (s *Store) logged(ctx context.Context, a parley.Audit, change func(tx *sql.Tx, now int64) (*parley.LogEntry, error)) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx, now int64) error {
		e, err := change(tx, now)
		if err != nil || e == nil {
			return err
		}
		return writeLog(ctx, tx, a, e, now)
	})
}

// writeLog adds an entry to the moderation log.
func writeLog(ctx context.Context, tx *sql.Tx, a parley.Audit, e *parley.LogEntry, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO moderation_log (actor_id, action, target_kind, target_id, target, detail, reason, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ActorID, e.Action, e.TargetKind, e.TargetID, e.Target, e.Detail,
		strings.TrimSpace(a.Reason), now)
	if isForeignKeyViolation(err) {
		return parley.Invalid("actor", "There is no user %d to take this action.", a.ActorID)
	}
	return err
}

// logCreation writes the creation of a topic, subtopic or tag to the log when an actor
// made it.
func logCreation(ctx context.Context, tx *sql.Tx, a parley.Audit, action, kind string, id int64, name string, now int64) error {
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
	title, tagIDs                     string
	deleted, locked                   bool
}

func loadThread(ctx context.Context, tx *sql.Tx, id int64) (threadState, error) {
	t := threadState{id: id}
	err := tx.QueryRowContext(ctx, `SELECT subtopic_id, topic_id, author_id, title, tag_ids, deleted_at IS NOT NULL, locked
		FROM threads WHERE id = ?`, id).Scan(&t.subtopicID, &t.topicID, &t.authorID, &t.title, &t.tagIDs, &t.deleted, &t.locked)
	return t, notFound(err, "There is no thread %d.", id)
}

func (t threadState) entry(action, detail string) *parley.LogEntry {
	return &parley.LogEntry{Action: action, TargetKind: "thread", TargetID: t.id, Target: t.title, Detail: detail}
}

// loadLiveThread is loadThread for changes other than restoring: a deleted thread refuses
// them, since they would touch list entries it does not have.
func loadLiveThread(ctx context.Context, tx *sql.Tx, id int64) (threadState, error) {
	t, err := loadThread(ctx, tx, id)
	if err == nil && t.deleted {
		err = parley.Errorf(parley.EConflict, "Thread %d is deleted; restore it first.", t.id)
	}
	return t, err
}

// SetLocked locks or unlocks a thread against replies.
func (s *Store) SetLocked(ctx context.Context, threadID int64, on bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *sql.Tx, _ int64) (*parley.LogEntry, error) {
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil || t.locked == on {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET locked = ? WHERE id = ?`, boolInt(on), threadID); err != nil {
			return nil, err
		}
		return t.entry(pick(on, parley.LogThreadLocked, parley.LogThreadUnlocked), ""), nil
	})
}

// SetPinned pins or unpins a thread in one list, or in all of its lists when sc is nil.
func (s *Store) SetPinned(ctx context.Context, threadID int64, sc *parley.Scope, on bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *sql.Tx, _ int64) (*parley.LogEntry, error) {
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil {
			return nil, err
		}
		where, args, detail := `thread_id = ?`, []any{threadID}, "in every list"
		if sc != nil {
			where, args = `thread_id = ? AND scope = ?`, append(args, sc.Key())
			if detail, err = scopeName(ctx, tx, *sc); err != nil {
				return nil, err
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM thread_listings WHERE `+where, args...).Scan(&n); err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, parley.NotFound("Thread %d is not in that list.", threadID)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE thread_listings SET pinned = ? WHERE pinned <> ? AND `+where,
			append([]any{boolInt(on), boolInt(on)}, args...)...)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE threads SET pinned = EXISTS (
			SELECT 1 FROM thread_listings WHERE thread_id = ?1 AND pinned = 1) WHERE id = ?1`, threadID)
		return t.entry(pick(on, parley.LogThreadPinned, parley.LogThreadUnpinned), detail), err
	})
}

// scopeName names a list for the log: "in tag Network".
func scopeName(ctx context.Context, tx *sql.Tx, sc parley.Scope) (string, error) {
	table := map[parley.ScopeKind]string{parley.ScopeTopic: "topics", parley.ScopeSubtopic: "subtopics", parley.ScopeTag: "tags"}[sc.Kind]
	if table == "" {
		return "in the list of all threads", nil
	}
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM `+table+` WHERE id = ?`, sc.ID).Scan(&name)
	return "in " + strings.TrimSuffix(table, "s") + " " + name, notFound(err, "There is no such list.")
}

// MoveThread moves a thread to another subtopic. Its list entries follow it, pins too.
func (s *Store) MoveThread(ctx context.Context, threadID, subtopicID int64, a parley.Audit) error {
	defer s.forgetTopics() // subtopic thread counts change
	return s.logged(ctx, a, func(tx *sql.Tx, _ int64) (*parley.LogEntry, error) {
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
			if _, err := tx.ExecContext(ctx, `UPDATE thread_listings SET scope = ? WHERE scope = ? AND thread_id = ?`,
				m[1].Key(), m[0].Key(), threadID); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET subtopic_id = ?, topic_id = ? WHERE id = ?`, subtopicID, topicID, threadID); err != nil {
			return nil, err
		}
		if err := countThread(ctx, tx, "subtopics", t.subtopicID, -1); err != nil {
			return nil, err
		}
		if err := countThread(ctx, tx, "subtopics", subtopicID, 1); err != nil {
			return nil, err
		}
		oldName, _ := scopeName(ctx, tx, from)
		newName, err := scopeName(ctx, tx, to)
		return t.entry(parley.LogThreadMoved, parley.MovedDetail(strings.TrimPrefix(oldName, "in "), strings.TrimPrefix(newName, "in "))), err
	})
}

// countThread adds n to the thread count of a subtopic or tag.
func countThread(ctx context.Context, tx *sql.Tx, table string, id int64, n int) error {
	_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET thread_count = thread_count + ? WHERE id = ?`, n, id)
	return err
}

// RetagThread replaces a thread's tags, adding and removing its tag list entries. A new
// tag's entry copies the thread's sort keys from its entry in the list of all threads.
func (s *Store) RetagThread(ctx context.Context, threadID int64, tagIDs []int64, a parley.Audit) error {
	if err := parley.ValidateTags(tagIDs); err != nil {
		return err
	}
	return s.logged(ctx, a, func(tx *sql.Tx, _ int64) (*parley.LogEntry, error) {
		t, err := loadLiveThread(ctx, tx, threadID)
		if err != nil {
			return nil, err
		}
		if err := checkTags(ctx, tx, tagIDs); err != nil {
			return nil, err
		}
		old := splitIDs(t.tagIDs)
		added, removed := parley.TagChanges(old, tagIDs)
		if len(added) == 0 && len(removed) == 0 {
			return nil, nil
		}
		for _, id := range removed {
			if err := untag(ctx, tx, threadID, id); err != nil {
				return nil, err
			}
		}
		for _, id := range added {
			if err := tag(ctx, tx, threadID, id); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET tag_ids = ? WHERE id = ?`, sqlstore.JoinIDs(tagIDs), threadID); err != nil {
			return nil, err
		}
		return t.entry(parley.LogThreadRetagged, parley.RetaggedDetail(tagNames(ctx, tx, old), tagNames(ctx, tx, tagIDs))), nil
	})
}

func tag(ctx context.Context, tx *sql.Tx, threadID, tagID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO thread_tags (thread_id, tag_id) VALUES (?, ?)`, threadID, tagID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO thread_listings (scope, thread_id, created_at, last_activity_at,
		reply_count, boost_count, view_count, answered, staff_replied)
		SELECT ?, thread_id, created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied
		FROM thread_listings WHERE scope = ? AND thread_id = ?`,
		parley.Scope{Kind: parley.ScopeTag, ID: tagID}.Key(), parley.Scope{Kind: parley.ScopeAll}.Key(), threadID); err != nil {
		return err
	}
	return countThread(ctx, tx, "tags", tagID, 1)
}

func untag(ctx context.Context, tx *sql.Tx, threadID, tagID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM thread_tags WHERE thread_id = ? AND tag_id = ?`, threadID, tagID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM thread_listings WHERE scope = ? AND thread_id = ?`,
		parley.Scope{Kind: parley.ScopeTag, ID: tagID}.Key(), threadID); err != nil {
		return err
	}
	return countThread(ctx, tx, "tags", tagID, -1)
}

// tagNames lists tags by name for the log: "Network, TLS".
func tagNames(ctx context.Context, tx *sql.Tx, ids []int64) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		var name string
		if tx.QueryRowContext(ctx, `SELECT name FROM tags WHERE id = ?`, id).Scan(&name) == nil {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Fields(s) {
		var id int64
		fmt.Sscan(f, &id)
		out = append(out, id)
	}
	return out
}

// SetThreadDeleted deletes or restores a thread. Deleting parks its list entries and takes
// it and its posts out of every count; restoring reverses both exactly.
func (s *Store) SetThreadDeleted(ctx context.Context, threadID int64, deleted bool, a parley.Audit) error {
	defer s.forgetTopics()
	return s.logged(ctx, a, func(tx *sql.Tx, now int64) (*parley.LogEntry, error) {
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
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET deleted_at = ? WHERE id = ?`, nullInt(pick(deleted, now, 0)), threadID); err != nil {
			return nil, err
		}
		if deleted {
			if err := resolveFlags(ctx, tx, `post_id IN (SELECT id FROM posts WHERE thread_id = ?)`, threadID, a.ActorID, "acted", now); err != nil {
				return nil, err
			}
		}
		return t.entry(pick(deleted, parley.LogThreadDeleted, parley.LogThreadRestored), ""), nil
	})
}

func moveListings(ctx context.Context, tx *sql.Tx, from, to string, threadID int64) error {
	const columns = `scope, thread_id, created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied, pinned`
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+to+` (`+columns+`) SELECT `+columns+` FROM `+from+` WHERE thread_id = ?`, threadID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM `+from+` WHERE thread_id = ?`, threadID)
	return err
}

// countThreadEverywhere adds sign × the thread to its subtopic's, tags' and author's
// thread counts, and sign × its visible posts to their authors' post counts.
func countThreadEverywhere(ctx context.Context, tx *sql.Tx, t threadState, sign int) error {
	if err := countThread(ctx, tx, "subtopics", t.subtopicID, sign); err != nil {
		return err
	}
	for _, id := range splitIDs(t.tagIDs) {
		if err := countThread(ctx, tx, "tags", id, sign); err != nil {
			return err
		}
	}
	if err := countThread(ctx, tx, "users", t.authorID, sign); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE users SET post_count = post_count + ?1 * (
		SELECT count(*) FROM posts WHERE thread_id = ?2 AND author_id = users.id AND hidden_at IS NULL)
		WHERE id IN (SELECT author_id FROM posts WHERE thread_id = ?2 AND hidden_at IS NULL)`, sign, t.id)
	return err
}

// SetPostHidden hides or restores a reply and brings its thread's counts up to date. Hiding
// the accepted answer also clears the thread's accepted answer.
func (s *Store) SetPostHidden(ctx context.Context, postID int64, hidden bool, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *sql.Tx, now int64) (*parley.LogEntry, error) {
		var threadID, authorID int64
		var original, isHidden bool
		var handle string
		err := tx.QueryRowContext(ctx, `SELECT p.thread_id, p.author_id, p.original, p.hidden_at IS NOT NULL, u.handle
			FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ?`, postID).Scan(&threadID, &authorID, &original, &isHidden, &handle)
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
		if isHidden == hidden {
			return nil, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET hidden_at = ? WHERE id = ?`, nullInt(pick(hidden, now, 0)), postID); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET post_count = post_count + ? WHERE id = ?`, pick(hidden, -1, 1), authorID); err != nil {
			return nil, err
		}
		detail := ""
		if hidden {
			res, err := tx.ExecContext(ctx, `UPDATE threads SET accepted_post_id = NULL WHERE id = ? AND accepted_post_id = ?`, threadID, postID)
			if err != nil {
				return nil, err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				detail = parley.AcceptedCleared
			}
			if err := resolveFlags(ctx, tx, `post_id = ?`, postID, a.ActorID, "acted", now); err != nil {
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
func refreshThread(ctx context.Context, tx *sql.Tx, threadID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE threads SET
		reply_count = (SELECT count(*) FROM posts WHERE thread_id = ?1 AND original = 0 AND hidden_at IS NULL),
		last_activity_at = (SELECT max(created_at) FROM posts WHERE thread_id = ?1 AND hidden_at IS NULL),
		staff_replied = EXISTS (SELECT 1 FROM posts p JOIN users u ON u.id = p.author_id
			WHERE p.thread_id = ?1 AND p.original = 0 AND p.hidden_at IS NULL AND u.role IN ('staff', 'admin'))
		WHERE id = ?1`, threadID); err != nil {
		return err
	}
	return refreshListings(ctx, tx, threadID)
}

// refreshListings copies a thread's sort keys and flags to its list entries.
func refreshListings(ctx context.Context, tx *sql.Tx, threadID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE thread_listings SET
		(created_at, last_activity_at, reply_count, boost_count, view_count, answered, staff_replied) =
		(SELECT created_at, last_activity_at, reply_count, boost_count, view_count, accepted_post_id IS NOT NULL, staff_replied
			FROM threads WHERE id = ?1)
		WHERE thread_id = ?1`, threadID)
	return err
}

// resolveFlags closes the open flags matching where (with its one argument).
func resolveFlags(ctx context.Context, tx *sql.Tx, where string, arg, resolverID int64, outcome string, now int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE flags SET resolved_at = ?, resolver_id = ?, outcome = ?
		WHERE resolved_at IS NULL AND `+where, now, resolverID, outcome, arg)
	return err
}

// SuspendUser sets or lifts a suspension.
func (s *Store) SuspendUser(ctx context.Context, userID int64, until time.Time, a parley.Audit) error {
	return s.logged(ctx, a, func(tx *sql.Tx, now int64) (*parley.LogEntry, error) {
		var handle string
		if err := tx.QueryRowContext(ctx, `SELECT handle FROM users WHERE id = ?`, userID).Scan(&handle); err != nil {
			return nil, notFound(err, "There is no user %d.", userID)
		}
		var ms int64
		if !until.IsZero() {
			ms = parley.Millis(until)
			if ms <= now {
				return nil, parley.Invalid("until", "A suspension must end in the future.")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET suspended_until = ? WHERE id = ?`, nullInt(ms), userID); err != nil {
			return nil, err
		}
		e := &parley.LogEntry{Action: parley.LogUserUnsuspended, TargetKind: "user", TargetID: userID, Target: "@" + handle}
		if ms != 0 {
			e.Action, e.Detail = parley.LogUserSuspended, parley.SuspendedDetail(until)
			err := resolveFlags(ctx, tx, `post_id IN (SELECT id FROM posts WHERE author_id = ?)`, userID, a.ActorID, "acted", now)
			return e, err
		}
		return e, nil
	})
}

// pick returns yes when cond holds, else no.
func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}
