package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
)

// Notifications are made in two steps. A write that concerns watchers records one job in
// its own transaction (queue*): a row, whatever the number of watchers, so the writer
// never waits on them. FanOut then turns jobs into notifications, a set-based INSERT per
// job, claiming jobs so that workers on several nodes each take different ones.

// job is one pending fan-out, as notification_jobs holds it. A moderation job names its
// target by post or by thread, the other 0; fanning out finds the rest.
type job struct {
	id               int64
	kind             parley.NotificationKind
	actorID          int64
	threadID, postID int64
	mentions         []string
	detail           string
	doneThrough      int64 // the last member told, when the job is done in batches
	createdAt        int64 // when the write that left it was made
}

// maxMentions is how many members one post may notify by naming them: more is a
// broadcast, not a mention.
const maxMentions = 20

// notifiedActions are the moderators' actions their content's author is told of.
var notifiedActions = []string{parley.LogPostHidden, parley.LogThreadDeleted, parley.LogThreadLocked, parley.LogThreadMoved}

func (s *Store) queue(ctx context.Context, tx *Tx, j job) error {
	_, err := tx.Exec(ctx, `INSERT INTO notification_jobs (kind, actor_id, thread_id, post_id, mentions, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, string(j.kind), j.actorID, j.threadID, j.postID,
		strings.Join(j.mentions, " "), j.detail, tx.Now)
	return err
}

// Parameters in an INSERT's SELECT list are cast: PostgreSQL infers no type for them there.

// watchOwn makes the writer watch the thread they wrote in, unless they turned that off
// or already follow it (a mute stays a mute).
func watchOwn(ctx context.Context, tx *Tx, userID, threadID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO watches (user_id, kind, target_id, level, created_at)
		SELECT CAST($1 AS BIGINT), 'thread', CAST($2 AS BIGINT), 'watch', CAST($3 AS BIGINT)
		WHERE coalesce((SELECT watch_own FROM notification_settings WHERE user_id = $1), true)
		ON CONFLICT DO NOTHING`, userID, threadID, tx.Now)
	return err
}

// queueThread records a new thread for the watchers of its tags, subtopic and author, and
// the members its question mentions.
func (s *Store) queueThread(ctx context.Context, tx *Tx, threadID, postID, authorID int64, t parley.Text) error {
	if err := watchOwn(ctx, tx, authorID, threadID); err != nil {
		return err
	}
	return s.queue(ctx, tx, job{kind: parley.NotifyThread, actorID: authorID, threadID: threadID, postID: postID, mentions: t.Mentions()})
}

// queueReply records a reply for the thread's watchers and the members it mentions.
func (s *Store) queueReply(ctx context.Context, tx *Tx, threadID, postID, authorID int64, t parley.Text) error {
	if err := watchOwn(ctx, tx, authorID, threadID); err != nil {
		return err
	}
	return s.queue(ctx, tx, job{kind: parley.NotifyReply, actorID: authorID, threadID: threadID, postID: postID, mentions: t.Mentions()})
}

// queueEdit records the members an edited post mentions; those it mentioned before are
// not told again.
func (s *Store) queueEdit(ctx context.Context, tx *Tx, threadID, postID, editorID int64, t parley.Text) error {
	mentions := t.Mentions()
	if len(mentions) == 0 {
		return nil
	}
	return s.queue(ctx, tx, job{kind: parley.NotifyMention, actorID: editorID, threadID: threadID, postID: postID, mentions: mentions})
}

// queueBoost records a boost for the post's author, when it added one.
func (s *Store) queueBoost(ctx context.Context, tx *Tx, p actable, userID, added int64) error {
	if added <= 0 {
		return nil
	}
	return s.queue(ctx, tx, job{kind: parley.NotifyBoost, actorID: userID, threadID: p.threadID, postID: p.id})
}

// queueAccepted records an accepted answer for its author; the asker is who accepts.
func (s *Store) queueAccepted(ctx context.Context, tx *Tx, threadID, postID int64) error {
	if postID == 0 {
		return nil
	}
	return s.queue(ctx, tx, job{kind: parley.NotifyAccepted, threadID: threadID, postID: postID})
}

// queueRecommended records a recommendation for the reply's author, made by staff as the
// forum rather than as anyone in particular.
func (s *Store) queueRecommended(ctx context.Context, tx *Tx, p actable, on bool) error {
	if !on {
		return nil
	}
	return s.queue(ctx, tx, job{kind: parley.NotifyRecommended, threadID: p.threadID, postID: p.id})
}

// queueModeration records a moderator's action on a post or thread for its author.
func (s *Store) queueModeration(ctx context.Context, tx *Tx, a parley.Audit, e *parley.LogEntry) error {
	if !slices.Contains(notifiedActions, e.Action) {
		return nil
	}
	j := job{kind: parley.NotifyModeration, actorID: a.ActorID, detail: e.Action}
	if e.TargetKind == "post" {
		j.postID = e.TargetID
	} else {
		j.threadID = e.TargetID
	}
	return s.queue(ctx, tx, j)
}

// fanOutBatch is how many members one transaction notifies at most: a job for a thread
// that many watch is done over several, so that no other write waits long behind one.
const fanOutBatch = 1000

// FanOut claims up to limit jobs, oldest first, and in one transaction fans each out to
// its next members, at most fanOutBatch in all, deleting the jobs it finishes and noting
// how far it got in the others. A crash leaves every job as its last commit left it: no
// member is told twice, nor skipped. On PostgreSQL the claim skips jobs another worker
// holds, so concurrent workers never share one. It returns how many jobs it worked on.
func (s *Store) FanOut(ctx context.Context, limit int) (int, error) {
	var worked int
	err := s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, kind, actor_id, thread_id, post_id, mentions, detail, done_through, created_at
			FROM notification_jobs ORDER BY id`+rowLimit(limit)+s.d.SkipLocked)
		jobs, err := collect(rows, err, func(r Row) (job, error) {
			var j job
			var mentions string
			err := r.Scan(&j.id, &j.kind, &j.actorID, &j.threadID, &j.postID, &mentions, &j.detail, &j.doneThrough, &j.createdAt)
			j.mentions = strings.Fields(mentions)
			return j, err
		})
		if err != nil {
			return err
		}
		var told []int64 // the notifications made
		budget := int64(fanOutBatch)
		for _, j := range jobs {
			if budget <= 0 {
				break
			}
			worked++
			made, next, err := s.fanOut(ctx, tx, j, budget)
			if err != nil {
				return err
			}
			told, budget = append(told, made...), budget-int64(len(made))
			if next == 0 {
				_, err = tx.Exec(ctx, `DELETE FROM notification_jobs WHERE id = $1`, j.id)
			} else {
				_, err = tx.Exec(ctx, `UPDATE notification_jobs SET done_through = $1 WHERE id = $2`, next, j.id)
			}
			if err != nil {
				return err
			}
		}
		if len(told) == 0 {
			return nil
		}
		tx.Changed(events.Event{Kind: events.Notified})
		return s.queueEmails(ctx, tx, told)
	})
	return worked, err
}

// target is what a job is about, read when it is fanned out.
type target struct {
	threadID, postID                   int64
	threadAuthor, postAuthor, subtopic int64
	tagIDs                             []int64
	hidden, deleted                    bool
}

func (s *Store) loadTarget(ctx context.Context, tx *Tx, j job) (target, error) {
	t := target{threadID: j.threadID, postID: j.postID}
	if t.postID == 0 {
		if err := tx.QueryRow(ctx, `SELECT id FROM posts WHERE thread_id = $1 AND original`, t.threadID).Scan(&t.postID); err != nil {
			return t, err
		}
	}
	var tagIDs string
	err := tx.QueryRow(ctx, `SELECT p.thread_id, p.author_id, p.hidden_at IS NOT NULL, t.author_id, t.subtopic_id, t.tag_ids,
		t.deleted_at IS NOT NULL FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = $1`, t.postID).
		Scan(&t.threadID, &t.postAuthor, &t.hidden, &t.threadAuthor, &t.subtopic, &tagIDs, &t.deleted)
	t.tagIDs = SplitIDs(tagIDs)
	return t, err
}

// fanOut makes up to budget of one job's notifications and returns their ids and the
// last member it told when more may follow, else 0. Watchers are told in order of
// their ids, so that the next batch starts after the last. Mentions go first, so that a
// mentioned watcher is told once, of the mention.
func (s *Store) fanOut(ctx context.Context, tx *Tx, j job, budget int64) ([]int64, int64, error) {
	t, err := s.loadTarget(ctx, tx, j)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var n []int64
	switch {
	case j.kind == parley.NotifyModeration:
		n, err = s.notifyOne(ctx, tx, j, t, pick(j.postID != 0, t.postAuthor, t.threadAuthor))
	case t.hidden || t.deleted:
	case j.kind == parley.NotifyAccepted:
		j.actorID = t.threadAuthor
		n, err = s.notifyOne(ctx, tx, j, t, t.postAuthor)
	case j.kind == parley.NotifyRecommended:
		n, err = s.notifyOne(ctx, tx, j, t, t.postAuthor)
	case j.kind == parley.NotifyBoost:
		n, err = s.tellBoost(ctx, tx, j, t)
	default:
		return s.tellWatchers(ctx, tx, j, t, budget)
	}
	return n, 0, err
}

// tellWatchers tells the members a new post mentions, on the job's first batch, and then
// up to budget of those who watch its thread (a reply), its tags or subtopic (a new
// thread) or its writer, after the job's doneThrough.
func (s *Store) tellWatchers(ctx context.Context, tx *Tx, j job, t target, budget int64) ([]int64, int64, error) {
	mentioned, err := s.mentionedIDs(ctx, tx, j.mentions)
	if err != nil {
		return nil, 0, err
	}
	var told []int64
	if j.doneThrough == 0 {
		if told, err = s.tellMentioned(ctx, tx, j, t, mentioned); err != nil {
			return nil, 0, err
		}
	}
	if j.kind == parley.NotifyMention {
		return told, 0, nil
	}
	sources := []parley.Watch{{Kind: parley.WatchUser, TargetID: j.actorID}}
	if j.kind == parley.NotifyReply {
		sources = append(sources, parley.Watch{Kind: parley.WatchThread, TargetID: t.threadID})
	} else {
		sources = append(sources, parley.Watch{Kind: parley.WatchSubtopic, TargetID: t.subtopic})
		for _, id := range t.tagIDs {
			sources = append(sources, parley.Watch{Kind: parley.WatchTag, TargetID: id})
		}
	}
	// One arm per source, each a range of watches_by_target in user order, so that a batch
	// reads the watchers after the last one told and no others, whatever the plan.
	arms := make([]string, len(sources))
	for i, w := range sources {
		arms[i] = `SELECT w.user_id FROM watches w WHERE ` + anyWatch("w", []parley.Watch{w}) + ` AND w.level = 'watch'
			AND w.user_id > $7 AND w.user_id <> $2 AND NOT ` + s.d.AnyID("w.user_id", "$6") + `
			AND NOT EXISTS (SELECT 1 FROM watches m WHERE m.user_id = w.user_id AND m.level = 'mute' AND (` + anyWatch("m", silencers(j, t)) + `))`
	}
	rows, err := tx.Query(ctx, `INSERT INTO notifications (user_id, kind, actor_id, thread_id, post_id, created_at)
		SELECT u.user_id, CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
		FROM (`+strings.Join(arms, " UNION ")+` ORDER BY user_id LIMIT $8) u
		RETURNING id, user_id`, string(j.kind), j.actorID, t.threadID, t.postID, tx.Now, s.d.IDs(mentioned), j.doneThrough, budget)
	type made struct{ id, userID int64 }
	ns, err := collect(rows, err, func(r Row) (n made, err error) { return n, r.Scan(&n.id, &n.userID) })
	if err != nil {
		return nil, 0, err
	}
	last := int64(0)
	for _, n := range ns {
		told, last = append(told, n.id), max(last, n.userID)
	}
	if int64(len(ns)) < budget {
		return told, 0, nil
	}
	return told, last, nil
}

// silencers are the watches whose mute silences a job: its thread, its author, and for a
// new thread its tags and subtopic.
func silencers(j job, t target) []parley.Watch {
	out := []parley.Watch{{Kind: parley.WatchThread, TargetID: t.threadID}, {Kind: parley.WatchUser, TargetID: j.actorID}}
	if j.kind == parley.NotifyThread {
		out = append(out, parley.Watch{Kind: parley.WatchSubtopic, TargetID: t.subtopic})
		for _, id := range t.tagIDs {
			out = append(out, parley.Watch{Kind: parley.WatchTag, TargetID: id})
		}
	}
	return out
}

// anyWatch is a condition that holds when the watches row alias is one of ws. Kinds are
// the domain's constants and ids integers, so they are written into the statement.
func anyWatch(alias string, ws []parley.Watch) string {
	terms := make([]string, len(ws))
	for i, w := range ws {
		terms[i] = "(" + alias + ".kind = '" + string(w.Kind) + "' AND " + alias + ".target_id = " + strconv.FormatInt(w.TargetID, 10) + ")"
	}
	return strings.Join(terms, " OR ")
}

// mentionedIDs finds the members handles name, at most maxMentions of them; handles of
// nobody are passed over.
func (s *Store) mentionedIDs(ctx context.Context, tx *Tx, handles []string) ([]int64, error) {
	ids := []int64{}
	for _, h := range handles[:min(len(handles), maxMentions)] {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE lower(handle) = lower($1)`, h).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// tellMentioned notifies the members a post mentions, but its writer and those who muted
// the thread or the writer. Every member may read every live thread, so none is left out
// for not being able to read it; a post in a deleted thread tells nobody.
func (s *Store) tellMentioned(ctx context.Context, tx *Tx, j job, t target, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return made(tx.Query(ctx, `INSERT INTO notifications (user_id, kind, actor_id, thread_id, post_id, created_at)
		SELECT u.id, 'mention', CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS BIGINT) FROM users u
		WHERE `+s.d.AnyID("u.id", "$5")+` AND u.id <> $1
		  AND NOT EXISTS (SELECT 1 FROM watches m WHERE m.user_id = u.id AND m.level = 'mute' AND (`+anyWatch("m", silencers(j, t))+`))
		ON CONFLICT DO NOTHING RETURNING id`, j.actorID, t.threadID, t.postID, tx.Now, s.d.IDs(ids)))
}

// made reads the ids an INSERT … RETURNING id gives back: the notifications it made.
func made(rows Rows, err error) ([]int64, error) {
	return collect(rows, err, func(r Row) (id int64, err error) { return id, r.Scan(&id) })
}

// notifyOne notifies one member, unless they are the actor or were told the same of the
// same post already: an answer accepted, unaccepted and accepted again is news once.
func (s *Store) notifyOne(ctx context.Context, tx *Tx, j job, t target, userID int64) ([]int64, error) {
	if userID == j.actorID {
		return nil, nil
	}
	return made(tx.Query(ctx, `INSERT INTO notifications (user_id, kind, actor_id, thread_id, post_id, detail, created_at)
		SELECT CAST($1 AS BIGINT), CAST($2 AS TEXT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT), CAST($6 AS TEXT), CAST($7 AS BIGINT)
		WHERE NOT EXISTS (SELECT 1 FROM notifications WHERE post_id = $5 AND user_id = $1 AND kind = $2 AND detail = $6)
		RETURNING id`, userID, string(j.kind), j.actorID, t.threadID, t.postID, j.detail, tx.Now))
}

// tellBoost adds a boost to the author's unread notification of boosts of the post, or
// starts one at the boost's time. The group counts the post's boosts given since it
// started, so a booster who takes a boost back and gives it again counts once. The id it
// returns may be of a notification made before: an email about it, when one is waiting,
// then names every booster, and none is made twice (queueEmails).
func (s *Store) tellBoost(ctx context.Context, tx *Tx, j job, t target) ([]int64, error) {
	if t.postAuthor == j.actorID {
		return nil, nil
	}
	return made(tx.Query(ctx, `INSERT INTO notifications (user_id, kind, actor_id, thread_id, post_id, created_at, started_at)
		VALUES ($1, 'boost', $2, $3, $4, $5, $6)
		ON CONFLICT (user_id, post_id) WHERE kind = 'boost' AND read_at IS NULL
		DO UPDATE SET actor_id = excluded.actor_id, created_at = excluded.created_at,
			actors = (SELECT CASE WHEN count(*) > 0 THEN count(*) ELSE 1 END FROM boosts b
				WHERE b.post_id = excluded.post_id AND b.created_at >= notifications.started_at)
		RETURNING id`, t.postAuthor, j.actorID, t.threadID, t.postID, tx.Now, j.createdAt))
}

// watchedTables holds what each kind of watch names.
var watchedTables = map[parley.WatchKind]string{parley.WatchThread: "threads", parley.WatchTag: "tags",
	parley.WatchSubtopic: "subtopics", parley.WatchUser: "users"}

// SetWatch watches, mutes or stops following something.
func (s *Store) SetWatch(ctx context.Context, userID int64, w parley.Watch, level parley.WatchLevel) error {
	if err := w.Validate(level); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := findAuthor(ctx, tx, userID); err != nil {
			return err
		}
		if err := mustExist(ctx, tx, parley.NotFound("There is no %s %d to watch.", w.Kind, w.TargetID),
			`SELECT 1 FROM `+watchedTables[w.Kind]+` WHERE id = $1`, w.TargetID); err != nil {
			return err
		}
		if level == parley.WatchNone {
			_, err := tx.Exec(ctx, `DELETE FROM watches WHERE user_id = $1 AND kind = $2 AND target_id = $3`, userID, string(w.Kind), w.TargetID)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO watches (user_id, kind, target_id, level, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, kind, target_id) DO UPDATE SET level = excluded.level`, userID, string(w.Kind), w.TargetID, string(level), tx.Now)
		return err
	})
}

// WatchLevel returns how a user follows w.
func (s *Store) WatchLevel(ctx context.Context, userID int64, w parley.Watch) (parley.WatchLevel, error) {
	var level string
	err := s.read(ctx).QueryRow(ctx, `SELECT level FROM watches WHERE user_id = $1 AND kind = $2 AND target_id = $3`,
		userID, string(w.Kind), w.TargetID).Scan(&level)
	if errors.Is(err, sql.ErrNoRows) {
		return parley.WatchNone, nil
	}
	return parley.WatchLevel(level), err
}

// NotificationSettings returns a member's choices, the defaults until they make any.
func (s *Store) NotificationSettings(ctx context.Context, userID int64) (parley.NotificationSettings, error) {
	st := parley.NotificationSettings{WatchOwn: true, Email: parley.EmailImmediately}
	err := s.read(ctx).QueryRow(ctx, `SELECT watch_own, email FROM notification_settings WHERE user_id = $1`, userID).Scan(&st.WatchOwn, &st.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	return st, err
}

// SetNotificationSettings stores a member's choices; an empty Email choice is the default,
// immediately.
func (s *Store) SetNotificationSettings(ctx context.Context, userID int64, st parley.NotificationSettings) error {
	if st.Email == "" {
		st.Email = parley.EmailImmediately
	}
	if err := st.Email.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := findAuthor(ctx, tx, userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO notification_settings (user_id, watch_own, email) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET watch_own = excluded.watch_own, email = excluded.email`, userID, st.WatchOwn, string(st.Email))
		return err
	})
}

// shownNotifications is the condition for a notification a member sees: none about a post
// since hidden or a thread since deleted, but a moderator's action on their own content.
const shownNotifications = `(n.kind = 'moderation' OR (t.deleted_at IS NULL AND p.hidden_at IS NULL))`

// Notifications returns one page of a user's notifications, newest first.
func (s *Store) Notifications(ctx context.Context, userID, before int64, limit int) ([]parley.Notification, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	return s.notificationsWhere(ctx, s.read(ctx), `n.user_id = $1 AND n.id < $2`, limit, userID, before)
}

// notificationsWhere reads the notifications a member sees that meet cond, newest first,
// at most limit; cond's parameters are args, from $1.
func (s *Store) notificationsWhere(ctx context.Context, q Querier, cond string, limit int, args ...any) ([]parley.Notification, error) {
	rows, err := q.Query(ctx, `SELECT n.id, n.kind, n.actor_id, coalesce(u.handle, ''), coalesce(u.display_name, ''),
		n.actors, n.thread_id, t.title, n.post_id, n.detail, n.created_at, coalesce(n.read_at, 0), coalesce(n.emailed_at, 0)
		FROM notifications n JOIN threads t ON t.id = n.thread_id JOIN posts p ON p.id = n.post_id
		LEFT JOIN users u ON u.id = n.actor_id
		WHERE `+cond+` AND `+shownNotifications+`
		ORDER BY n.id DESC`+rowLimit(limit), args...)
	return collect(rows, err, func(r Row) (parley.Notification, error) {
		var n parley.Notification
		var created, read, emailed int64
		err := r.Scan(&n.ID, &n.Kind, &n.Actor.ID, &n.Actor.Handle, &n.Actor.DisplayName, &n.Actors, &n.ThreadID, &n.ThreadTitle,
			&n.PostID, &n.Detail, &created, &read, &emailed)
		n.CreatedAt = parley.FromMillis(created)
		if read != 0 {
			n.ReadAt = parley.FromMillis(read)
		}
		if emailed != 0 {
			n.EmailedAt = parley.FromMillis(emailed)
		}
		return n, err
	})
}

// UnreadNotifications counts a user's unread notifications that Notifications shows, up
// to parley.UnreadCountLimit.
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.read(ctx).QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM notifications n
		JOIN threads t ON t.id = n.thread_id JOIN posts p ON p.id = n.post_id
		WHERE n.user_id = $1 AND n.read_at IS NULL AND `+shownNotifications+rowLimit(parley.UnreadCountLimit)+`) unread`, userID).Scan(&n)
	return n, err
}

// MarkNotificationsRead marks one notification, or all of a user's, read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID, id int64) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if id == 0 {
			if _, err := tx.Exec(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, tx.Now, userID); err != nil {
				return err
			}
		} else if err := mustExist(ctx, tx, parley.NotFound("There is no notification %d.", id),
			`SELECT 1 FROM notifications WHERE id = $1 AND user_id = $2`, id, userID); err != nil {
			return err
		} else if _, err := tx.Exec(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL`, tx.Now, id); err != nil {
			return err
		}
		tx.Changed(events.Event{Kind: events.Notified})
		return nil
	})
}
