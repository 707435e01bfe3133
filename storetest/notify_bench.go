package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
)

// BenchmarkReplyWatched measures CreateReply on a thread that watchers members watch, and
// then one fan-out of such a reply. A reply records one job however many watch, so its
// time should not grow with them; the fan-out, after commit, does.
func BenchmarkReplyWatched(b *testing.B, s parley.Store, watchers int) {
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	bulk, err := s.Bulk(ctx)
	must(err)
	users := make([]parley.User, watchers+1)
	for i := range users {
		users[i] = parley.User{ID: int64(i + 1), Handle: fmt.Sprintf("member%d", i+1), DisplayName: "Member", Role: parley.RoleMember, CreatedAt: time.Now()}
	}
	must(bulk.Users(ctx, users))
	must(bulk.Close(ctx))
	top, err := s.CreateTopic(ctx, parley.NewTopic{Slug: "bench", Name: "Bench"})
	must(err)
	sub, err := s.CreateSubtopic(ctx, parley.NewSubtopic{TopicID: top.ID, Slug: "bench", Name: "Bench"})
	must(err)
	tag, err := s.CreateTag(ctx, parley.NewTag{Slug: "bench", Name: "Bench"})
	must(err)
	author := users[0].ID
	th, _, err := s.CreateThread(ctx, parley.NewThread{Title: "A well watched question", SubtopicID: sub.ID, TagIDs: []int64{tag.ID},
		AuthorID: author, Text: Text("The question.")})
	must(err)
	for _, u := range users[1:] {
		must(s.SetWatch(ctx, u.ID, parley.Watch{Kind: parley.WatchThread, TargetID: th.ID}, parley.WatchOn))
	}
	_, err = s.FanOut(ctx, 100)
	must(err)
	reply := parley.NewReply{ThreadID: th.ID, AuthorID: author, Text: Text("An answer for everyone watching.")}

	b.Run("CreateReply", func(b *testing.B) {
		for b.Loop() {
			_, err := s.CreateReply(ctx, reply)
			must(err)
		}
	})
	b.Run("FanOut", func(b *testing.B) {
		drain(b, s) // the replies above, whose fan-out is not this benchmark's
		told := 0
		for b.Loop() {
			b.StopTimer()
			_, err := s.CreateReply(ctx, reply)
			must(err)
			b.StartTimer()
			drain(b, s)
			told += watchers
		}
		if told > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(told), "ns/notification")
		}
	})
}

// drain does every pending notification job.
func drain(b *testing.B, s parley.Store) {
	for {
		n, err := s.FanOut(context.Background(), 100)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}
