package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
)

var _ auth.Limits = (*Store)(nil)

// Limiter returns the rate limiter called name, whose buckets live in the rate_limits
// table and so are shared by every node on the database: N nodes allow what one allows.
// Time is the store's clock, read once per check. A node whose clock runs behind the
// others' counts no refill until its time passes the bucket's, and one that runs ahead by
// d lets at most d/every events more through, which NTP's milliseconds make nothing.
func (s *Store) Limiter(name string, every time.Duration, burst int) auth.Limiter {
	if every <= 0 {
		panic("postgres: a rate limit's every must be positive")
	}
	return &limiter{s: s, name: name, every: float64(every.Milliseconds()), burst: float64(max(burst, 1))}
}

type limiter struct {
	s     *Store
	name  string
	every float64 // milliseconds per token
	burst float64
}

// allowSQL is one atomic step of a token bucket. A new key starts full and spends one
// token. A known key's bucket is refilled for the time since it was counted, up to the
// burst, and spends one token if it then holds one; if it does not, the WHERE leaves the
// row as it was and nothing is returned, which is the refusal. The row lock taken by
// ON CONFLICT orders concurrent checks of one key, so none can spend a token twice.
//
// $1 limiter, $2 key, $3 burst, $4 milliseconds per token, $5 now (Unix milliseconds).
const allowSQL = `
INSERT INTO rate_limits AS r (limiter, key, tokens, counted_at, full_at)
VALUES ($1, $2, $3::float8 - 1, $5::bigint, $5::bigint + ceil($4::float8)::bigint)
ON CONFLICT (limiter, key) DO UPDATE SET
    tokens     = ` + refilled + ` - 1,
    counted_at = greatest(r.counted_at, $5::bigint),
    full_at    = greatest(r.counted_at, $5::bigint) + ceil(($3::float8 - (` + refilled + ` - 1)) * $4::float8)::bigint
WHERE ` + refilled + ` >= 1
RETURNING true`

// refilled is a known bucket's tokens at $5: a clock behind the bucket's adds nothing.
const refilled = `least($3::float8, r.tokens + greatest($5::bigint - r.counted_at, 0) / $4::float8)`

// Allow counts an event for key if its bucket holds a token, in one statement.
func (l *limiter) Allow(ctx context.Context, key string) (bool, error) {
	var ok bool
	err := l.s.pool.QueryRow(ctx, allowSQL, l.name, limitKey(key), l.burst, l.every, parley.Millis(l.s.Now())).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// tokensSQL reads a bucket's tokens at $5 without changing it; with the same arguments
// as allowSQL, so that one formula, refilled, serves both.
const tokensSQL = `SELECT ` + refilled + ` FROM rate_limits AS r WHERE r.limiter = $1 AND r.key = $2`

// Tokens reads key's bucket without counting an event: the burst when it has none.
func (l *limiter) Tokens(ctx context.Context, key string) (float64, error) {
	var n float64
	err := l.s.pool.QueryRow(ctx, tokensSQL, l.name, limitKey(key), l.burst, l.every, parley.Millis(l.s.Now())).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return l.burst, nil
	}
	return n, err
}

// limitKey keeps a key storable as text and short enough for the primary key's index: a
// key past 128 bytes, or one that is not text (a handle typed into the sign-in form can be
// anything), is replaced by its SHA-256.
func limitKey(key string) string {
	if len(key) <= 128 && utf8.ValidString(key) && !strings.ContainsRune(key, 0) {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// DeleteFullRateLimits removes the buckets that are full again, which mean what no bucket
// means, and returns how many; serve calls it every hour beside the session sweep.
func (s *Store) DeleteFullRateLimits(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM rate_limits WHERE full_at <= $1`, parley.Millis(s.Now()))
	return tag.RowsAffected(), err
}
