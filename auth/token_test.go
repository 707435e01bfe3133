package auth

import (
	"encoding/base64"
	"regexp"
	"testing"
)

func TestNewToken(t *testing.T) {
	hexSHA256 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	seen := map[string]bool{}
	for range 100 {
		token, hash, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if b, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(b) != 32 {
			t.Fatalf("token %q: %d bytes, %v; want 32 bytes of raw base64url", token, len(b), err)
		}
		if !hexSHA256.MatchString(hash) {
			t.Fatalf("hash %q is not 64 lower-case hex digits", hash)
		}
		if again := HashToken(token); HashToken(token) != hash || again != hash {
			t.Fatalf("HashToken(%q) is not the hash NewToken gave", token)
		}
		if seen[token] {
			t.Fatalf("token %q came twice", token)
		}
		seen[token] = true
	}
}

func TestHashTokenKnownValue(t *testing.T) {
	// sha256("abc"), from FIPS 180-2.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashToken("abc"); got != want {
		t.Errorf("HashToken(abc) = %s, want %s", got, want)
	}
}
