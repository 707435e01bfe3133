package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// tokenBytes is the randomness in a session token: 256 bits, beyond guessing.
const tokenBytes = 32

// NewToken returns a fresh session token for the browser (43 characters of unpadded
// base64url, safe in a cookie) and its hash for the database, as HashToken computes it.
func NewToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("session token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the hex SHA-256 of a token: what the store keeps and looks sessions up
// by. A fast hash is enough here, unlike for passwords, since the token is random.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
