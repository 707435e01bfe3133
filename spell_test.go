package parley_test

import (
	"testing"

	parley "github.com/parley-forum/parley"
)

func TestSpellSize(t *testing.T) {
	for n, want := range map[int64]string{1: "1 byte", 512: "512 bytes", 1536: "1.5 KB", 4102: "4 KB", 5 << 20: "5 MB", 1 << 30: "1 GB", 3 << 29: "1.5 GB"} {
		if got := parley.SpellSize(n); got != want {
			t.Errorf("SpellSize(%d) = %q, want %q", n, got, want)
		}
	}
}
