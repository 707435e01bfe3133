-- notifications.started_at is when a grouped boost notification began: its count of
-- boosters is the boosts of the post given since, so that taking a boost back and giving it
-- again counts one booster, not two. Groups made before count from their last boost.
ALTER TABLE notifications ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;

UPDATE notifications SET started_at = created_at;
