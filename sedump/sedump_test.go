package sedump_test

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-forum/parley/sedump"
	"github.com/parley-forum/parley/sedump/sedumptest"
)

// count ranges over a whole file, returning how many records it held.
func count[T any](rows iter.Seq2[T, error]) (int, error) {
	n := 0
	for _, err := range rows {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// find returns the first record that matches, failing the test if there is none.
func find[T any](t *testing.T, rows iter.Seq2[T, error], match func(T) bool) T {
	t.Helper()
	for r, err := range rows {
		if err != nil {
			t.Fatal(err)
		}
		if match(r) {
			return r
		}
	}
	var zero T
	t.Fatalf("no %T matches", zero)
	return zero
}

// countAll counts every file of a dump; a missing file counts -1.
func countAll(dir string) (map[string]int, error) {
	counts := map[string]int{}
	for name, n := range map[string]func() (int, error){
		"Posts":       func() (int, error) { return count(sedump.Posts(dir)) },
		"Users":       func() (int, error) { return count(sedump.Users(dir)) },
		"Tags":        func() (int, error) { return count(sedump.Tags(dir)) },
		"Votes":       func() (int, error) { return count(sedump.Votes(dir)) },
		"Comments":    func() (int, error) { return count(sedump.Comments(dir)) },
		"PostHistory": func() (int, error) { return count(sedump.PostHistories(dir)) },
		"PostLinks":   func() (int, error) { return count(sedump.PostLinks(dir)) },
		"Badges":      func() (int, error) { return count(sedump.Badges(dir)) },
	} {
		c, err := n()
		if errors.Is(err, fs.ErrNotExist) {
			c, err = -1, nil
		}
		if err != nil {
			return nil, err
		}
		counts[name] = c
	}
	return counts, nil
}

// TestRowCounts reads every file of the three extracts to its end. The expected numbers
// were counted once with `grep -c '<row' DIR/FILE.xml` (the files hold one row a line);
// -1 marks a file the dump lacks.
func TestRowCounts(t *testing.T) {
	for _, c := range []struct {
		site string
		want map[string]int
	}{
		{"cardano", map[string]int{"Posts": 2630, "Users": 3988, "Tags": 224, "Votes": 9147,
			"Comments": 1829, "PostHistory": -1, "PostLinks": 104, "Badges": 4467}},
		{"bicycles-meta", map[string]int{"Posts": 1446, "Users": 2551, "Tags": 94, "Votes": 5671,
			"Comments": 2448, "PostHistory": 3994, "PostLinks": 189, "Badges": 6585}},
		{"conlang-meta", map[string]int{"Posts": 177, "Users": 272, "Tags": 71, "Votes": 1119,
			"Comments": 230, "PostHistory": 450, "PostLinks": 20, "Badges": 612}},
	} {
		t.Run(c.site, func(t *testing.T) {
			got, err := countAll(sedumptest.Dump(t, c.site))
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range c.want {
				if got[name] != want {
					t.Errorf("%s.xml: %d rows, want %d", name, got[name], want)
				}
			}
		})
	}
}

// TestTypeCounts checks that the type ids come through: the numbers were counted with
// `grep -c 'PostTypeId="1"'` (and "2") in Posts.xml and `grep -c 'VoteTypeId="2"'` in Votes.xml.
func TestTypeCounts(t *testing.T) {
	for _, c := range []struct {
		site                        string
		questions, answers, upVotes int
	}{
		{"cardano", 1042, 1496, 7604},
		{"bicycles-meta", 453, 971, 5136},
		{"conlang-meta", 54, 115, 950},
	} {
		t.Run(c.site, func(t *testing.T) {
			dir := sedumptest.Dump(t, c.site)
			posts := map[sedump.PostType]int{}
			for p, err := range sedump.Posts(dir) {
				if err != nil {
					t.Fatal(err)
				}
				posts[p.PostTypeID]++
				if (p.PostTypeID == sedump.Answer) != (p.ParentID != nil) {
					t.Errorf("post %d is a %v with ParentID %v", p.ID, p.PostTypeID, p.ParentID)
				}
			}
			upVotes := 0
			for v, err := range sedump.Votes(dir) {
				if err != nil {
					t.Fatal(err)
				}
				if v.VoteTypeID == sedump.VoteUpMod {
					upVotes++
				}
			}
			if posts[sedump.Question] != c.questions || posts[sedump.Answer] != c.answers || upVotes != c.upVotes {
				t.Errorf("%d questions, %d answers, %d up votes; want %d, %d, %d",
					posts[sedump.Question], posts[sedump.Answer], upVotes, c.questions, c.answers, c.upVotes)
			}
		})
	}
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000", s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(n int64) *int64 { return &n }

func equalRef(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// TestKnownPosts compares whole records with the rows of cardano's Posts.xml they came
// from (all but Body, which is checked on its own).
func TestKnownPosts(t *testing.T) {
	dir := sedumptest.Dump(t, "cardano")
	for _, want := range []sedump.Post{
		{ // a question with tags, an accepted answer and a view count
			ID: 1, PostTypeID: sedump.Question, AcceptedAnswerID: ptr(12),
			CreationDate: utc("2021-04-27T15:06:44.553"), Score: 36, ViewCount: 918,
			OwnerUserID: ptr(17), LastEditorUserID: ptr(149),
			LastEditDate: utc("2021-04-28T08:29:48.957"), LastActivityDate: utc("2021-05-26T04:19:24.647"),
			Title:       "How Cardano is different from Ethereum (2.0)?",
			Tags:        []string{"proof-of-work", "governance", "ethereum"},
			AnswerCount: 2, CommentCount: 2, FavoriteCount: 6, ContentLicense: "CC BY-SA 4.0",
		},
		{ // its accepted answer: no title, tags or view count
			ID: 12, PostTypeID: sedump.Answer, ParentID: ptr(1),
			CreationDate: utc("2021-04-27T15:36:20.137"), Score: 43, OwnerUserID: ptr(14),
			LastActivityDate: utc("2021-04-27T15:36:20.137"), ContentLicense: "CC BY-SA 4.0",
		},
		{ // the most viewed question
			ID: 1947, PostTypeID: sedump.Question, AcceptedAnswerID: ptr(1950),
			CreationDate: utc("2021-06-07T18:53:56.133"), Score: 9, ViewCount: 17309, OwnerUserID: ptr(1605),
			LastActivityDate: utc("2021-11-24T18:38:10.553"),
			Title:            "Daedalus wallet not syncing and cardano node not responding",
			Tags:             []string{"daedalus"}, AnswerCount: 4, CommentCount: 1, ContentLicense: "CC BY-SA 4.0",
		},
		{ // a question whose author's account is gone: no OwnerUserId, only a name
			ID: 2568, PostTypeID: sedump.Question, CreationDate: utc("2021-08-31T07:25:45.977"),
			Score: 2, ViewCount: 107, OwnerDisplayName: "user2878", LastEditorUserID: ptr(281),
			LastEditDate: utc("2021-11-03T05:27:14.417"), LastActivityDate: utc("2021-11-03T09:42:50.273"),
			Title:       "When will k parameter be changed?",
			Tags:        []string{"stake-pool", "staking", "decentralization", "proof-of-stake"},
			AnswerCount: 1, CommentCount: 4, FavoriteCount: 1, ContentLicense: "CC BY-SA 4.0",
		},
	} {
		got := find(t, sedump.Posts(dir), func(p sedump.Post) bool { return p.ID == want.ID })
		got.Body = ""
		for _, d := range differences(got, want) {
			t.Errorf("post %d: %s", want.ID, d)
		}
	}

	first := find(t, sedump.Posts(dir), func(p sedump.Post) bool { return p.ID == 1 })
	if !strings.HasPrefix(first.Body, "<p>As far as I know, the Cardano project") || !strings.Contains(first.Body, "</p>\n<p>However") {
		t.Errorf("post 1's body is not its unescaped HTML: %.80q", first.Body)
	}
	if first.CreationDate.Location() != time.UTC {
		t.Errorf("post 1's date is in %v, want UTC", first.CreationDate.Location())
	}
	closed := find(t, sedump.Posts(dir), func(p sedump.Post) bool { return p.ID == 4 })
	if !closed.ClosedDate.Equal(utc("2021-05-05T06:19:21.023")) || !closed.CommunityOwnedDate.IsZero() {
		t.Errorf("post 4 was closed %v and community-owned %v", closed.ClosedDate, closed.CommunityOwnedDate)
	}
}

// differences names the fields of two records that differ, showing what pointers point to.
func differences[T any](got, want T) []string {
	var out []string
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			out = append(out, fmt.Sprintf("%s is %s, want %s", g.Type().Field(i).Name, show(g.Field(i)), show(w.Field(i))))
		}
	}
	return out
}

func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return fmt.Sprintf("%v", v)
}

// TestKnownRows spot-checks one row of each other file against its XML.
func TestKnownRows(t *testing.T) {
	cardano, bicycles, conlang := sedumptest.Dump(t, "cardano"), sedumptest.Dump(t, "bicycles-meta"), sedumptest.Dump(t, "conlang-meta")

	t.Run("a bounty vote", func(t *testing.T) {
		v := find(t, sedump.Votes(cardano), func(v sedump.Vote) bool { return v.ID == 2505 })
		if v.PostID != 467 || v.VoteTypeID != sedump.VoteBountyStart || !equalRef(v.UserID, ptr(1098)) ||
			v.BountyAmount != 50 || !v.CreationDate.Equal(utc("2021-05-19T00:00:00.000")) {
			t.Errorf("vote 2505 is %+v", v)
		}
	})
	t.Run("an anonymous up vote", func(t *testing.T) {
		v := find(t, sedump.Votes(bicycles), func(v sedump.Vote) bool { return v.ID == 1 })
		if v.PostID != 1 || v.VoteTypeID != sedump.VoteUpMod || v.UserID != nil {
			t.Errorf("vote 1 is %+v", v)
		}
	})
	t.Run("the Community user", func(t *testing.T) {
		u := find(t, sedump.Users(cardano), func(u sedump.User) bool { return u.ID == -1 })
		if u.DisplayName != "Community" || u.Location != "on the server farm" || u.DownVotes != 26 ||
			!equalRef(u.AccountID, ptr(-1)) || !u.CreationDate.Equal(utc("2018-02-20T21:07:06.207")) {
			t.Errorf("user -1 is %+v", u)
		}
	})
	t.Run("a user", func(t *testing.T) {
		u := find(t, sedump.Users(cardano), func(u sedump.User) bool { return u.ID == 1 })
		if u.DisplayName != "Adam Lear" || u.Reputation != 101 || !strings.Contains(u.AboutMe, "public Q&amp;A") {
			t.Errorf("user 1 is %+v", u)
		}
	})
	t.Run("a tag with a wiki", func(t *testing.T) {
		tag := find(t, sedump.Tags(cardano), func(tag sedump.Tag) bool { return tag.TagName == "governance" })
		if tag.ID != 3 || tag.Count != 8 || !equalRef(tag.ExcerptPostID, ptr(117)) || !equalRef(tag.WikiPostID, ptr(116)) {
			t.Errorf("tag governance is %+v", tag)
		}
	})
	t.Run("required and moderator-only tags", func(t *testing.T) {
		bug := find(t, sedump.Tags(bicycles), func(tag sedump.Tag) bool { return tag.TagName == "bug" })
		faq := find(t, sedump.Tags(bicycles), func(tag sedump.Tag) bool { return tag.TagName == "faq" })
		if !bug.IsRequired || bug.IsModeratorOnly || bug.WikiPostID != nil || faq.IsRequired || !faq.IsModeratorOnly {
			t.Errorf("tags are %+v and %+v", bug, faq)
		}
	})
	t.Run("a comment", func(t *testing.T) {
		c := find(t, sedump.Comments(cardano), func(c sedump.Comment) bool { return c.ID == 42 })
		if c.PostID != 1 || c.Score != 2 || !equalRef(c.UserID, ptr(149)) || !strings.HasPrefix(c.Text, "Does Etherium 2.0") {
			t.Errorf("comment 42 is %+v", c)
		}
	})
	t.Run("a revision of tags", func(t *testing.T) {
		h := find(t, sedump.PostHistories(conlang), func(h sedump.PostHistory) bool { return h.ID == 3 })
		tags, err := sedump.ParseTags(h.Text)
		if h.PostHistoryTypeID != sedump.InitialTags || h.PostID != 1 || h.RevisionGUID != "990d3fa1-a80c-4b14-9414-14b2ec0fd7ad" ||
			err != nil || !slices.Equal(tags, []string{"discussion", "on-topic"}) {
			t.Errorf("history 3 is %+v, tags %q (%v)", h, tags, err)
		}
	})
	t.Run("an edit with a summary", func(t *testing.T) {
		h := find(t, sedump.PostHistories(conlang), func(h sedump.PostHistory) bool { return h.ID == 12 })
		if h.PostHistoryTypeID != sedump.EditBody || !strings.HasPrefix(h.Comment, "No need for the opening commentary") ||
			!strings.HasPrefix(h.Text, "\r\n\r\nA lot of conla") {
			t.Errorf("history 12 is %+v", h)
		}
	})
	t.Run("a duplicate link", func(t *testing.T) {
		l := find(t, sedump.PostLinks(cardano), func(l sedump.PostLink) bool { return l.ID == 437 })
		if l.PostID != 329 || l.RelatedPostID != 330 || l.LinkTypeID != sedump.Duplicate {
			t.Errorf("link 437 is %+v", l)
		}
	})
	t.Run("a tag badge", func(t *testing.T) {
		b := find(t, sedump.Badges(bicycles), func(b sedump.Badge) bool { return b.ID == 569 })
		if b.UserID != 76 || b.Name != "discussion" || b.Class != sedump.Bronze || !b.TagBased ||
			!b.Date.Equal(utc("2011-08-24T03:00:10.910")) {
			t.Errorf("badge 569 is %+v", b)
		}
	})
}

// TestMissingFile reads the PostHistory.xml that cardano's dump lacks.
func TestMissingFile(t *testing.T) {
	n := 0
	var last error
	for _, err := range sedump.PostHistories(sedumptest.Dump(t, "cardano")) {
		n++
		last = err
	}
	if n != 1 || !errors.Is(last, fs.ErrNotExist) {
		t.Fatalf("got %d values ending in %v, want one error matching fs.ErrNotExist", n, last)
	}
	if !strings.Contains(last.Error(), "PostHistory.xml") {
		t.Errorf("the error %q does not name the file", last)
	}
}

// TestRangeAgain ranges twice over one iterator, breaking out of the first loop: each
// loop reads the file afresh from its start.
func TestRangeAgain(t *testing.T) {
	posts := sedump.Posts(sedumptest.Dump(t, "conlang-meta"))
	var first []int64
	for p, err := range posts {
		if err != nil {
			t.Fatal(err)
		}
		if first = append(first, p.ID); len(first) == 3 {
			break
		}
	}
	n, err := count(posts)
	if err != nil || n != 177 {
		t.Fatalf("the second loop read %d posts (%v), want 177", n, err)
	}
	again := find(t, posts, func(sedump.Post) bool { return true })
	if again.ID != first[0] {
		t.Errorf("the first post is %d, then %d", first[0], again.ID)
	}
}

func TestTypeNames(t *testing.T) {
	for _, c := range []struct {
		got  interface{ String() string }
		want string
	}{
		{sedump.Question, "Question"},
		{sedump.PostType(42), "PostType(42)"},
		{sedump.VoteUpMod, "UpMod"},
		{sedump.VoteApproveEditSuggestion, "ApproveEditSuggestion"},
		{sedump.VoteType(13), "VoteType(13)"},
		{sedump.DiscussionMovedToChat, "Discussion moved to chat"},
		{sedump.RemovedHotQuestion, "RemovedHotQuestion"},
		{sedump.PostHistoryType(21), "PostHistoryType(21)"},
		{sedump.Duplicate, "Duplicate"},
		{sedump.Gold, "Gold"},
	} {
		if s := c.got.String(); s != c.want {
			t.Errorf("got %q, want %q", s, c.want)
		}
	}
}
