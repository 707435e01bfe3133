-- Email of notifications (parley.OutboxStore).
--
-- notification_settings.email: how a member hears of notifications by email. Members who
-- chose nothing yet get them immediately, once the forum has an SMTP server.
ALTER TABLE notification_settings ADD COLUMN email TEXT NOT NULL DEFAULT 'immediately'
    CHECK (email IN ('immediately', 'daily', 'never'));

-- email_outbox: the email to send, written in the transaction that makes what it is about.
-- A row is one notification's email (notification_id); a member's digest of one UTC day
-- (ref, YYYY-MM-DD, due once the day ends); or a link that verifies a member's address or
-- resets their password (ref, when it was asked for: its token is made when it is sent, so
-- that the database never holds it but hashed). email_outbox_once keeps each to one row,
-- whichever node writes it. A sender claims a row by moving due_at past
-- its lease and counting the attempt; sent_at is set once the server accepted it, and a
-- failure leaves last_error and a later due_at.
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('notification', 'digest', 'verify', 'reset')),
    notification_id INTEGER NOT NULL DEFAULT 0,
    ref             TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         INTEGER
);
CREATE UNIQUE INDEX email_outbox_once ON email_outbox (user_id, kind, notification_id, ref);
CREATE INDEX email_outbox_due ON email_outbox (due_at) WHERE sent_at IS NULL;
CREATE INDEX email_outbox_by_age ON email_outbox (created_at);

-- site_keys: the forum's secret keys, made at random when first needed, so that every
-- node signs with the same one (the links that unsubscribe without signing in).
CREATE TABLE site_keys (
    name   TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
