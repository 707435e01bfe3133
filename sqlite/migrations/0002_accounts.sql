-- Accounts: users.email and users.password_hash exist since 0001; this adds the sessions of
-- signed-in browsers. A session is found by the SHA-256 of the token its browser holds, so
-- the table alone lets no one sign in.

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- sessions_by_user serves ending a user's other sessions on a password change;
-- sessions_by_expiry serves the periodic sweep of expired sessions.
CREATE INDEX sessions_by_user   ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
