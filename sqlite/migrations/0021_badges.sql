-- badges holds the badges members earned, such as those a Stack Exchange import brings:
-- a badge earned several times is several rows. A profile shows them counted by class,
-- read by member.
CREATE TABLE badges (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT    NOT NULL,
    class      TEXT    NOT NULL CHECK (class IN ('gold', 'silver', 'bronze')),
    awarded_at INTEGER NOT NULL
);

CREATE INDEX badges_by_user ON badges (user_id, class, name);
