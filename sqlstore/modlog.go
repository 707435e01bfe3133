package sqlstore

import (
	"context"
	"strings"

	parley "github.com/parley-forum/parley"
)

// logged runs a moderation change and writes its log entry in the same transaction. change
// returns the entry to write, or nil when it found nothing to change (pinning a pinned
// thread), so the log holds only what happened.
func (s *Store) logged(ctx context.Context, a parley.Audit, change func(tx *Tx) (*parley.LogEntry, error)) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		e, err := change(tx)
		if err != nil || e == nil {
			return err
		}
		return s.writeLog(ctx, tx, a, e)
	})
}

// writeLog adds an entry to the moderation log.
func (s *Store) writeLog(ctx context.Context, tx *Tx, a parley.Audit, e *parley.LogEntry) error {
	_, err := tx.Exec(ctx, `INSERT INTO moderation_log (actor_id, action, target_kind, target_id, target, detail, reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ActorID, e.Action, e.TargetKind, e.TargetID, e.Target, e.Detail,
		strings.TrimSpace(a.Reason), tx.Now)
	if s.d.IsForeignKey(err) {
		return parley.Invalid("actor", "There is no user %d to take this action.", a.ActorID)
	}
	if err != nil {
		return err
	}
	return s.queueModeration(ctx, tx, a, e)
}

// creation is the making of a topic, subtopic or tag: who made it (nobody for the demo
// and imports), how the log names it, where its new id goes and what a taken address is.
type creation struct {
	by                 parley.Audit
	action, kind, name string
	id                 *int64
	taken              error
}

// createNamed inserts a topic, subtopic or tag with insert, which returns its id, refuses
// an address in use with c.taken and logs the creation when an actor made it.
func (s *Store) createNamed(ctx context.Context, tx *Tx, c creation, insert string, args ...any) error {
	err := tx.QueryRow(ctx, insert, args...).Scan(c.id)
	if s.d.IsUnique(err) {
		return c.taken
	}
	if err != nil {
		return err
	}
	tx.ForumChanged()
	if c.by.ActorID == 0 {
		return nil
	}
	if err := c.by.Validate(); err != nil {
		return err
	}
	return s.writeLog(ctx, tx, c.by, &parley.LogEntry{Action: c.action, TargetKind: c.kind, TargetID: *c.id, Target: c.name})
}
