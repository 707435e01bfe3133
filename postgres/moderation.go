package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
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
