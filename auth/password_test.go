package auth

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func mustHash(tb testing.TB, password string) string {
	tb.Helper()
	h, err := HashPassword(password)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestPasswordRoundTrip(t *testing.T) {
	h := mustHash(t, "correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("encoding %q lacks the PHC prefix with the current parameters", h)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
		{"correct horse battery ", false},
	} {
		ok, err := CheckPassword(h, tc.password)
		if err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
		}
	}
}

func TestHashesAreSalted(t *testing.T) {
	a, b := mustHash(t, "same password"), mustHash(t, "same password")
	if a == b {
		t.Fatalf("two hashes of one password are equal: %s", a)
	}
	_, saltA, _, _ := decode(a)
	if len(saltA) != saltLen {
		t.Errorf("salt has %d bytes, want %d", len(saltA), saltLen)
	}
}

// A hash made with other parameters (an older or newer setting) still checks, because
// CheckPassword reads them from the string.
func TestCheckReadsParameters(t *testing.T) {
	p := params{memory: 8 * 1024, time: 3, threads: 2}
	salt := []byte("0123456789abcdef0123")
	h := encode(p, salt, argon2.IDKey([]byte("old password"), salt, p.time, p.memory, p.threads, 24))
	if !strings.Contains(h, "$m=8192,t=3,p=2$") {
		t.Fatalf("encoding %q", h)
	}
	if ok, err := CheckPassword(h, "old password"); !ok || err != nil {
		t.Errorf("right password: %v, %v", ok, err)
	}
	if ok, err := CheckPassword(h, "new password"); ok || err != nil {
		t.Errorf("wrong password: %v, %v", ok, err)
	}
}

func TestMalformedHashes(t *testing.T) {
	good := mustHash(t, "a password")
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, encoded := range map[string]string{
		"empty":             "",
		"plain text":        "a password",
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":           with(1, "argon2i"),
		"old version":       with(2, "v=16"),
		"no version":        with(2, ""),
		"params reordered":  with(3, "t=2,m=19456,p=1"),
		"params missing":    with(3, "m=19456,t=2"),
		"params extra":      with(3, "m=19456,t=2,p=1,k=1"),
		"zero time":         with(3, "m=19456,t=0,p=1"),
		"zero threads":      with(3, "m=19456,t=2,p=0"),
		"huge threads":      with(3, "m=19456,t=2,p=256"),
		"tiny memory":       with(3, "m=4,t=2,p=1"),
		"huge memory":       with(3, "m=4294967295,t=2,p=1"),
		"huge time":         with(3, "m=19456,t=100000,p=1"),
		"negative":          with(3, "m=-1,t=2,p=1"),
		"space":             with(3, "m= 19456,t=2,p=1"),
		"salt not base64":   with(4, "!!!!!!!!!!!!!!!!!!!!!!"),
		"salt padded":       with(4, parts[4]+"=="),
		"salt short":        with(4, "AAAA"),
		"hash not base64":   with(5, "*"+parts[5][1:]),
		"hash short":        with(5, "AAAAAAAA"),
		"hash missing":      strings.Join(parts[:5], "$"),
		"trailing field":    good + "$",
		"leading character": "x" + good,
	} {
		t.Run(name, func(t *testing.T) {
			ok, err := CheckPassword(encoded, "a password")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("CheckPassword(%q) = %v, %v; want ErrMalformedHash", encoded, ok, err)
			}
		})
	}
}

// A hash altered but still well formed reads, and matches nothing.
func TestTamperedHashFails(t *testing.T) {
	good := mustHash(t, "a password")
	i := strings.LastIndexByte(good, '$') + 1
	flipped := byte('A')
	if good[i] == 'A' {
		flipped = 'B'
	}
	tampered := good[:i] + string(flipped) + good[i+1:]
	if ok, err := CheckPassword(tampered, "a password"); ok || err != nil {
		t.Errorf("tampered hash: %v, %v; want false, nil", ok, err)
	}
}

func TestDummyCheck(t *testing.T) {
	if _, _, _, err := decode(dummyHash); err != nil {
		t.Fatalf("the dummy hash does not read: %v", err)
	}
	if !strings.HasPrefix(dummyHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("the dummy hash %q does not have the current parameters", dummyHash)
	}
	DummyCheck("anything")
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
