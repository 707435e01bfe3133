package events

import (
	"context"
	"testing"
)

func TestLocalDeliversToEverySubscriber(t *testing.T) {
	b := NewLocal()
	a, stopA := b.Subscribe()
	c, stopC := b.Subscribe()
	defer stopC()
	e := Event{Kind: ThreadAdded, ThreadID: 7, Lists: []int64{1, 2}}
	if err := b.Publish(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []<-chan Event{a, c} {
		if got := <-ch; got.Kind != e.Kind || got.ThreadID != 7 || len(got.Lists) != 2 {
			t.Errorf("got %+v, want %+v", got, e)
		}
	}
	stopA()
	if _, open := <-a; open {
		t.Error("a stopped subscription's channel stays open")
	}
	b.Publish(context.Background(), Event{Kind: ThreadChanged, ThreadID: 8}) // must not block on the stopped one
	if got := <-c; got.ThreadID != 8 {
		t.Errorf("got %+v", got)
	}
	stopA() // twice is harmless
}

// TestLocalSaysLostWhenASubscriberFallsBehind checks that a subscriber that does not keep
// up never blocks the publisher and learns that it missed events.
func TestLocalSaysLostWhenASubscriberFallsBehind(t *testing.T) {
	b := NewLocal()
	ch, stop := b.Subscribe()
	defer stop()
	for i := range buffered + 10 {
		b.Publish(context.Background(), Event{Kind: ThreadChanged, ThreadID: int64(i)})
	}
	for i := range buffered {
		if got := <-ch; got.ThreadID != int64(i) {
			t.Fatalf("event %d: got %+v", i, got)
		}
	}
	b.Publish(context.Background(), Event{Kind: ThreadChanged, ThreadID: 999})
	if got := <-ch; got.Kind != Lost {
		t.Fatalf("after falling behind, got %+v, want Lost", got)
	}
	if got := <-ch; got.ThreadID != 999 {
		t.Fatalf("after Lost, got %+v, want the newest event", got)
	}
}
