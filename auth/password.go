// Package auth holds the security primitives of accounts: password hashing, session
// tokens and rate limits. It knows nothing of HTTP or storage.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The argon2id parameters of new hashes: OWASP's first recommended setting (19 MiB, two
// passes, one lane). It costs tens of milliseconds on one core, slow for a guesser yet
// quick for a person signing in. We prefer it to the 64 MiB, four-lane setting because
// memory, not CPU, is what a small server runs out of: on a 2-core box four lanes buy no
// speed, and 64 MiB per sign-in would eat the 300 MB budget at four at once. Changing
// these later is safe: every hash carries its own parameters, and CheckPassword reads them.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	saltLen      = 16
	keyLen       = 32
)

// Bounds on the parameters CheckPassword accepts, so that a damaged or hostile stored hash
// cannot make one check take unbounded memory or time.
const (
	maxMemory = 1024 * 1024 // KiB, 1 GiB
	maxTime   = 64
	minSalt   = 8 // RFC 9106's minimum
	minKey    = 16
	maxKey    = 64
)

// hashSlots bounds how many hashes run at once to the number of CPUs: more would not finish
// sooner, but each would hold its argonMemory, so a burst of sign-ins could exhaust memory.
var hashSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

func idKey(password, salt []byte, p params, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, p.time, p.memory, p.threads, keyLen)
}

type params struct {
	memory  uint32
	time    uint32
	threads uint8
}

var current = params{memory: argonMemory, time: argonTime, threads: argonThreads}

// HashPassword returns password hashed with argon2id and a fresh random salt, in the PHC
// string form: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, both in unpadded base64.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	return encode(current, salt, idKey([]byte(password), salt, current, keyLen)), nil
}

func encode(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// ErrMalformedHash is returned, wrapped, by CheckPassword for a stored hash it cannot read.
var ErrMalformedHash = errors.New("malformed password hash")

// CheckPassword reports whether password matches encoded, a hash made by HashPassword,
// with whatever parameters it was made. The comparison takes the same time however many
// bytes match. A hash it cannot read is an error matching ErrMalformedHash.
func CheckPassword(encoded, password string) (bool, error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := idKey([]byte(password), salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash has the current parameters and a key no password produces in practice.
var dummyHash = encode(current, make([]byte, saltLen), make([]byte, keyLen))

// DummyCheck does the work of checking a password against a hash with the current
// parameters, and nothing else. Call it when a sign-in names no account, so that the
// answer takes as long as for one that exists and timing does not reveal which do.
func DummyCheck(password string) {
	CheckPassword(dummyHash, password)
}

func decode(encoded string) (p params, salt, key []byte, err error) {
	fail := func(what string) (params, []byte, []byte, error) {
		return params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, what)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want $argon2id$v=…$m=…,t=…,p=…$salt$hash")
	}
	if parts[1] != "argon2id" {
		return fail("unknown algorithm " + strconv.Quote(parts[1]))
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unknown version " + strconv.Quote(parts[2]))
	}
	m, t, threads, ok := parseParams(parts[3])
	if !ok || m < 8*uint64(threads) || m > maxMemory || t < 1 || t > maxTime || threads < 1 || threads > 255 {
		return fail("bad parameters " + strconv.Quote(parts[3]))
	}
	p = params{memory: uint32(m), time: uint32(t), threads: uint8(threads)}
	enc := base64.RawStdEncoding.Strict()
	if salt, err = enc.DecodeString(parts[4]); err != nil || len(salt) < minSalt {
		return fail("bad salt")
	}
	if key, err = enc.DecodeString(parts[5]); err != nil || len(key) < minKey || len(key) > maxKey {
		return fail("bad hash")
	}
	return p, salt, key, nil
}

// parseParams reads "m=<memory>,t=<time>,p=<threads>", exactly in that order.
func parseParams(s string) (m, t, p uint64, ok bool) {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return 0, 0, 0, false
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		digits, found := strings.CutPrefix(fields[i], name)
		v, err := strconv.ParseUint(digits, 10, 32)
		if !found || err != nil {
			return 0, 0, 0, false
		}
		vals[i] = v
	}
	return vals[0], vals[1], vals[2], true
}
