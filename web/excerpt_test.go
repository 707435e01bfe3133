package web

import (
	"net/url"
	"testing"
)

func TestExcerpt(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"the quick brown fox jumps", 12, "the quick…"},
		{"naïve café résumé and more", 11, "naïve café…"},
		{"abcdefghijklmnop", 5, "abcde…"}, // no space to cut at: cut mid-word
	} {
		if got := excerpt(c.in, c.n); got != c.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// TestAbsoluteAgreesWithResolving checks the plain-path shortcut against resolving each path
// on bases with and without a path, a port and user information.
func TestAbsoluteAgreesWithResolving(t *testing.T) {
	paths := []string{"/threads/12", "/threads/12#post-40", "/users/ana_b", "/tags/network?sort=boosts&page=2",
		"/search?q=a+b", "/a/../b", "/./x", "//evil.example/x", "/caf%C3%A9", "/x y", "/", "threads/1", ""}
	for _, base := range []string{"https://forums.example", "https://forums.example/forum/", "http://127.0.0.1:8080",
		"https://user@forums.example:8443/x"} {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		s := &Server{cfg: Config{BaseURL: u}, origin: originOf(u)}
		for _, p := range paths {
			ref, err := url.Parse(p)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := s.absolute(p), u.ResolveReference(ref).String(); got != want {
				t.Errorf("absolute(%q) on %s = %q, resolving gives %q", p, base, got, want)
			}
		}
	}
}
