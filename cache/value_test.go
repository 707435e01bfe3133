package cache

import (
	"errors"
	"testing"
	"time"
)

func TestValueKeepsLoadsForTheirTTL(t *testing.T) {
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }
	v := Value[int]{TTL: time.Hour}
	if got, _ := v.Get(load); got != 1 {
		t.Fatalf("first get %d", got)
	}
	if got, _ := v.Get(load); got != 1 || loads != 1 {
		t.Errorf("a get within the TTL loaded again: %d after %d loads", got, loads)
	}
	v.Forget()
	if got, _ := v.Get(load); got != 2 {
		t.Errorf("after Forget, got %d, want a new load", got)
	}
	if _, err := v.Get(func() (int, error) { return 0, errors.New("down") }); err != nil {
		t.Errorf("a kept value should not need the loader: %v", err)
	}
	expired := Value[int]{TTL: 0}
	expired.Get(load)
	if got, _ := expired.Get(load); got != 4 {
		t.Errorf("with no TTL every get loads: %d", got)
	}
	failing := Value[int]{TTL: time.Hour}
	if _, err := failing.Get(func() (int, error) { return 0, errors.New("down") }); err == nil {
		t.Error("the loader's error was lost")
	}
	if got, _ := failing.Get(load); got != 5 {
		t.Errorf("an error was kept: got %d", got)
	}
}
