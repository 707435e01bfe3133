package sqlite

import "testing"

func TestTranslate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1 FROM t WHERE a = $1 AND b = false AND c = $1`, `SELECT 1 FROM t WHERE a = ?1 AND b = 0 AND c = ?1`},
		{`SELECT 'true', "false", true_count FROM t`, `SELECT 'true', "false", true_count FROM t`},
		// A comment is kept whole, so that an apostrophe in it opens no quoted text.
		{"-- the forum's $1 is true\nSELECT true -- don't\n, 'x'", "-- the forum's $1 is true\nSELECT 1 -- don't\n, 'x'"},
		{"SELECT a - -1, false -- no newline", "SELECT a - -1, 0 -- no newline"},
	} {
		if got := translate(c.in); got != c.want {
			t.Errorf("translate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
