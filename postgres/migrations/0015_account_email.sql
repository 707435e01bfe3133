-- Accounts by email (parley.AccountEmailStore).
--
-- users.email_verified_at: when the member proved their address is theirs; NULL until then.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

-- account_tokens: the links emailed to verify an address or reset a password, by the hash
-- of their token (the token itself is only ever in the email). email is the address it
-- was sent to, which verifying proves; used_at makes each link work once.
CREATE TABLE account_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify', 'reset')),
    email      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_tokens_by_age ON account_tokens (expires_at);
