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

// logCreation writes the creation of a topic, subtopic or tag to the log when an actor
// made it.
func (s *Store) logCreation(ctx context.Context, tx *Tx, a parley.Audit, action, kind string, id int64, name string) error {
	if a.ActorID == 0 {
		return nil
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return s.writeLog(ctx, tx, a, &parley.LogEntry{Action: action, TargetKind: kind, TargetID: id, Target: name})
}
