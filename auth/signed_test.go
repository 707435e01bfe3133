package auth

import "testing"

func TestSignedID(t *testing.T) {
	key, other := []byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")
	token := SignID(key, "unsubscribe", 42)
	if id, ok := VerifyID(key, "unsubscribe", token); !ok || id != 42 {
		t.Fatalf("VerifyID(%q) = %d, %v; want 42", token, id, ok)
	}
	forged := []string{
		SignID(other, "unsubscribe", 42), // another key
		SignID(key, "verify", 42),        // another purpose
		"43" + token[2:],                 // another id, same signature
		"042" + token[2:],                // the id written otherwise
		"42", "42.", ".", "", "x.y", token + "A",
	}
	for _, f := range forged {
		if id, ok := VerifyID(key, "unsubscribe", f); ok {
			t.Errorf("VerifyID(%q) accepted it as %d", f, id)
		}
	}
}
