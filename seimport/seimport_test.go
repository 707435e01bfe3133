package seimport_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/postgres/pgtest"
	"github.com/parley-forum/parley/sedump"
	"github.com/parley-forum/parley/sedump/sedumptest"
	"github.com/parley-forum/parley/seimport"
	"github.com/parley-forum/parley/sqlite"
	"golang.org/x/net/html"
)

func mustOpenSQLite(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "parley.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// question is what a dump says of a question, read with sedump alone, never with the
// importer's code.
type question struct {
	title    string
	views    int64
	answers  []int64
	accepted int64 // 0 when none, or when the accepted answer is not in the dump
	tags     []string
	// owner is the name the question was asked under when its author's account is gone.
	owner   string
	deleted bool
}

// expected is what an import of a dump must give.
type expected struct {
	questions map[int64]*question
	answers   int
	upvotes   map[int64]int64  // by post
	versions  map[int64]int    // body versions in PostHistory.xml, by post
	license   map[int64]string // ContentLicense, by post
	answerOf  map[int64]int64  // the question of each answer
	acceptIDs map[int64]*int64 // AcceptedAnswerId, by question
	// links are the links between questions, by question and target; orphanLinks the
	// related and duplicate links with an end that is no question, or that is the other.
	links       map[int64]map[int64]parley.LinkKind
	orphanLinks int64
	// badges counts each user's badges by class, by forum user id (users are numbered
	// from 1 in the order of Users.xml); orphanBadges those of users not in Users.xml.
	badges       map[int64]map[sedump.BadgeClass]int64
	orphanBadges int64
}

func expect(t *testing.T, dir string) expected {
	t.Helper()
	e := expected{questions: map[int64]*question{}, upvotes: map[int64]int64{}, versions: map[int64]int{},
		license: map[int64]string{}, answerOf: map[int64]int64{}, acceptIDs: map[int64]*int64{},
		links: map[int64]map[int64]parley.LinkKind{}}
	for p, err := range sedump.Posts(dir) {
		if err != nil {
			t.Fatal(err)
		}
		switch p.PostTypeID {
		case sedump.Question:
			e.questions[p.ID] = &question{title: p.Title, views: int64(p.ViewCount), tags: p.Tags,
				owner: p.OwnerDisplayName, deleted: p.OwnerUserID == nil}
			e.acceptIDs[p.ID] = p.AcceptedAnswerID
		case sedump.Answer:
			e.answerOf[p.ID] = *p.ParentID
		}
		e.license[p.ID] = p.ContentLicense
	}
	for a, q := range e.answerOf {
		if e.questions[q] == nil {
			continue
		}
		e.questions[q].answers = append(e.questions[q].answers, a)
		e.answers++
	}
	for id, q := range e.questions {
		if acc := e.acceptIDs[id]; acc != nil && e.answerOf[*acc] == id {
			q.accepted = *acc
		}
	}
	known := map[string]bool{}
	for tag, err := range sedump.Tags(dir) {
		if err != nil {
			t.Fatal(err)
		}
		known[tag.TagName] = true
	}
	for _, q := range e.questions {
		q.tags = slices.DeleteFunc(q.tags, func(name string) bool { return !known[name] })
	}
	for v, err := range sedump.Votes(dir) {
		if err != nil {
			t.Fatal(err)
		}
		if v.VoteTypeID == sedump.VoteUpMod {
			e.upvotes[v.PostID]++
		}
	}
	for l, err := range sedump.PostLinks(dir) {
		if err != nil {
			t.Fatal(err)
		}
		kind := map[sedump.LinkType]parley.LinkKind{sedump.Linked: parley.LinkRelated, sedump.Duplicate: parley.LinkDuplicate}[l.LinkTypeID]
		switch {
		case kind == "":
		case e.questions[l.PostID] == nil || e.questions[l.RelatedPostID] == nil || l.PostID == l.RelatedPostID:
			e.orphanLinks++
		default:
			if e.links[l.PostID] == nil {
				e.links[l.PostID] = map[int64]parley.LinkKind{}
			}
			if e.links[l.PostID][l.RelatedPostID] != parley.LinkDuplicate {
				e.links[l.PostID][l.RelatedPostID] = kind
			}
		}
	}
	e.badges = map[int64]map[sedump.BadgeClass]int64{}
	forumID := map[int64]int64{}
	for u, err := range sedump.Users(dir) {
		if err != nil {
			t.Fatal(err)
		}
		forumID[u.ID] = int64(len(forumID) + 1)
		e.badges[forumID[u.ID]] = map[sedump.BadgeClass]int64{}
	}
	for b, err := range sedump.Badges(dir) {
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := forumID[b.UserID]; ok {
			e.badges[id][b.Class]++
		} else {
			e.orphanBadges++
		}
	}
	for h, err := range sedump.PostHistories(dir) {
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch h.PostHistoryTypeID {
		case sedump.InitialBody, sedump.EditBody, sedump.RollbackBody:
			e.versions[h.PostID]++
		}
	}
	return e
}

func TestImportSQLite(t *testing.T) {
	for _, site := range []string{"conlang-meta", "bicycles-meta", "cardano"} {
		t.Run(site, func(t *testing.T) {
			checkImport(t, mustOpenSQLite(t), sedumptest.Dump(t, site))
		})
	}
}

func TestImportPostgreSQL(t *testing.T) {
	checkImport(t, pgtest.MustOpen(t, nil), sedumptest.Dump(t, "conlang-meta"))
}

// checkImport imports the dump in dir into store and checks the forum against what the
// dump says, then that a second import is refused and changes nothing.
func checkImport(t *testing.T, store parley.Store, dir string) {
	ctx := context.Background()
	want := expect(t, dir)
	sum, err := seimport.Import(ctx, store, dir, seimport.Options{ScratchDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Threads != int64(len(want.questions)) || sum.Replies != int64(want.answers) {
		t.Errorf("summary: %d threads and %d replies; the dump has %d questions and %d answers", sum.Threads, sum.Replies,
			len(want.questions), want.answers)
	}
	topics, err := store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(topics) != 1 || len(topics[0].Subtopics) != 1 || topics[0].Subtopics[0].ThreadCount != int64(len(want.questions)) {
		t.Fatalf("topics: %+v; want one topic with one subtopic of %d threads", topics, len(want.questions))
	}

	replies := 0
	for id, q := range want.questions {
		th, err := store.Thread(ctx, id)
		if err != nil {
			t.Fatalf("thread %d: %v", id, err)
		}
		replies += int(th.ReplyCount)
		if th.Title != q.title || th.ViewCount != q.views || th.ReplyCount != int64(len(q.answers)) ||
			th.AcceptedPostID != q.accepted || th.BoostCount != want.upvotes[id] {
			t.Errorf("thread %d: %q, %d views, %d replies, accepted %d, %d boosts; the dump says %q, %d, %d, %d, %d",
				id, th.Title, th.ViewCount, th.ReplyCount, th.AcceptedPostID, th.BoostCount,
				q.title, q.views, len(q.answers), q.accepted, want.upvotes[id])
		}
	}
	checkTagsAndOwners(t, store, want)
	checkLinks(t, store, want, sum)
	checkBadges(t, store, want, sum)
	if replies != want.answers {
		t.Errorf("threads count %d replies; the dump has %d answers", replies, want.answers)
	}
	checkSample(t, store, want, dir)

	again, err := seimport.Import(ctx, store, dir, seimport.Options{ScratchDir: t.TempDir()})
	if parley.ErrorCode(err) != parley.EConflict {
		t.Fatalf("second import: %v, %+v; want it refused as a conflict", err, again)
	}
	after, err := store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0].Subtopics[0].ThreadCount != int64(len(want.questions)) {
		t.Errorf("after a refused second import: %+v", after)
	}
}

// checkLinks checks that the summary counts the links the dump has between questions and
// those it leaves out, and that each thread links to the threads the dump says, and is
// linked from as many.
func checkLinks(t *testing.T, store parley.Store, want expected, sum seimport.Summary) {
	ctx := context.Background()
	pairs, incoming := 0, map[int64]int{}
	for _, targets := range want.links {
		pairs += len(targets)
		for target := range targets {
			incoming[target]++
		}
	}
	if sum.Links != int64(pairs) || sum.OrphanLinks != want.orphanLinks {
		t.Errorf("summary: %d links, %d skipped; the dump links %d pairs of questions and %d links have an end that is none",
			sum.Links, sum.OrphanLinks, pairs, want.orphanLinks)
	}
	if pairs == 0 {
		t.Fatal("the dump has no links between questions to check")
	}
	duplicates := 0
	for id := range want.questions {
		links, err := store.ThreadLinks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(links) == parley.MaxLinksShown {
			continue // some left out: what is shown cannot be compared whole
		}
		out, in := map[int64]parley.LinkKind{}, 0
		for _, l := range links {
			if l.Outgoing {
				out[l.ID] = l.Kind
			} else {
				in++
			}
			if l.DuplicateOf() {
				duplicates++
			}
		}
		if len(out) != len(want.links[id]) || in != incoming[id] {
			t.Errorf("thread %d links to %v and is linked from %d; the dump says %v and %d", id, out, in, want.links[id], incoming[id])
			continue
		}
		for target, kind := range want.links[id] {
			if out[target] != kind {
				t.Errorf("thread %d links to %d as %q; the dump says %q", id, target, out[target], kind)
			}
		}
	}
	t.Logf("%d links between questions (%d shown as duplicates), %d skipped", pairs, duplicates, want.orphanLinks)
}

// checkBadges checks that each user has as many badges of each class as Badges.xml gives
// them, and that the summary counts the badges written and those of unknown users.
func checkBadges(t *testing.T, store parley.Store, want expected, sum seimport.Summary) {
	ctx := context.Background()
	classes := map[sedump.BadgeClass]parley.BadgeClass{sedump.Gold: parley.BadgeGold, sedump.Silver: parley.BadgeSilver,
		sedump.Bronze: parley.BadgeBronze}
	var total int64
	for id, counts := range want.badges {
		badges, err := store.UserBadges(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got := map[parley.BadgeClass]int64{}
		for _, b := range badges {
			got[b.Class] += b.Count
		}
		for class, n := range counts {
			total += n
			if got[classes[class]] != n {
				t.Errorf("user %d has %d %s badges; Badges.xml gives them %d", id, got[classes[class]], classes[class], n)
			}
		}
		if len(got) > len(counts) {
			t.Errorf("user %d has badges of the classes %v; Badges.xml gives them %v", id, got, counts)
		}
	}
	if total == 0 {
		t.Fatal("the dump has no badges to check")
	}
	if sum.Badges != total || sum.OrphanBadges != want.orphanBadges {
		t.Errorf("summary: %d badges, %d of unknown users; Badges.xml has %d of its users' and %d of others", sum.Badges,
			sum.OrphanBadges, total, want.orphanBadges)
	}
}

// checkTagsAndOwners checks each thread's tags, in the asker's order, and that questions
// whose author's account is gone belong to a user named as the dump names them.
func checkTagsAndOwners(t *testing.T, store parley.Store, want expected) {
	ctx := context.Background()
	deleted := 0
	for id, q := range want.questions {
		th, err := store.Thread(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tag := range th.Tags {
			names = append(names, tag.Name)
		}
		if !slices.Equal(names, q.tags) {
			t.Errorf("thread %d is tagged %q; the dump says %q", id, names, q.tags)
		}
		if !q.deleted {
			continue
		}
		deleted++
		author, err := store.UserByID(ctx, th.Author.ID)
		if err != nil {
			t.Fatal(err)
		}
		name := q.owner
		if name == "" {
			name = "deleted user"
		}
		if author.DisplayName != name {
			t.Errorf("thread %d, asked by a deleted account as %q, belongs to %q", id, q.owner, author.DisplayName)
		}
	}
	t.Logf("%d questions by deleted accounts", deleted)
}

// checkSample reads every tenth thread post by post: each post's boosts, its credit line
// and, where the dump has its history, its versions.
func checkSample(t *testing.T, store parley.Store, want expected, dir string) {
	ctx := context.Background()
	n := 0
	for id, q := range want.questions {
		n++
		if n%10 != 0 {
			continue
		}
		posts, err := store.Posts(ctx, id, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(posts) != 1+len(q.answers) {
			t.Errorf("thread %d has %d posts; the dump has a question and %d answers", id, len(posts), len(q.answers))
			continue
		}
		for _, p := range posts {
			if p.BoostCount != want.upvotes[p.ID] {
				t.Errorf("post %d has %d boosts; the dump has %d up votes", p.ID, p.BoostCount, want.upvotes[p.ID])
			}
			checkCredit(t, p, want.license[p.ID], filepath.Base(dir))
			if v := want.versions[p.ID]; v > 0 && p.Revision != v {
				t.Errorf("post %d is at revision %d; the dump has %d versions of its body", p.ID, p.Revision, v)
			}
			if p.Revision > 1 {
				revs, err := store.Revisions(ctx, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(revs) != p.Revision {
					t.Errorf("post %d at revision %d has %d versions", p.ID, p.Revision, len(revs))
				}
			}
		}
	}
}

// checkCredit checks that a post's HTML ends with a paragraph linking its original on the
// site the folder is named for, and naming its license.
func checkCredit(t *testing.T, p parley.Post, license, folder string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(p.HTML))
	if err != nil {
		t.Fatal(err)
	}
	var last *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "p" {
			last = n
		}
	}
	if last == nil {
		t.Fatalf("post %d has no paragraph: %s", p.ID, p.HTML)
	}
	host := strings.ReplaceAll(strings.TrimPrefix(folder, "stackexchange-"), "-", ".") + ".stackexchange.com"
	kind := "a"
	if p.Original {
		kind = "q"
	}
	original := "https://" + host + "/" + kind + "/" + strconv.FormatInt(p.ID, 10)
	linked := false
	for n := range last.Descendants() {
		if n.Type == html.ElementNode && n.Data == "a" && attr(n, "href") == original {
			linked = true
		}
	}
	if license == "" {
		license = "CC BY-SA"
	}
	if text := textOf(last); !linked || !strings.Contains(text, license) {
		t.Errorf("post %d ends with %q; want a link to %s and the license %s", p.ID, text, original, license)
	}
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// TestImportMalformedPosts checks that a broken Posts.xml is reported at its file and line,
// and leaves the forum as empty as it was.
func TestImportMalformedPosts(t *testing.T) {
	src := sedumptest.Dump(t, "conlang-meta")
	dir := filepath.Join(t.TempDir(), "stackexchange-conlang-meta")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Users.xml", "Tags.xml", "Votes.xml", "Comments.xml"} {
		if err := os.Symlink(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	posts := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n" +
		`  <row Id="1" PostTypeId="1" CreationDate="2020-01-01T00:00:00.000" Title="A fine question" Body="&lt;p&gt;Hi&lt;/p&gt;" Tags="&lt;discussion&gt;" />` + "\n" +
		`  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="yesterday" Body="&lt;p&gt;Hello&lt;/p&gt;" />` + "\n</posts>\n"
	if err := os.WriteFile(filepath.Join(dir, "Posts.xml"), []byte(posts), 0o644); err != nil {
		t.Fatal(err)
	}
	store := mustOpenSQLite(t)
	ctx := context.Background()
	_, err := seimport.Import(ctx, store, dir, seimport.Options{ScratchDir: t.TempDir()})
	var de *sedump.Error
	if !errors.As(err, &de) || de.File != filepath.Join(dir, "Posts.xml") || de.Line != 4 {
		t.Fatalf("import of a broken Posts.xml: %v; want an error at %s:4", err, filepath.Join(dir, "Posts.xml"))
	}
	if !strings.Contains(err.Error(), "Posts.xml:4") {
		t.Errorf("the error %q does not say where", err)
	}
	page, err := store.Threads(ctx, parley.ListQuery{Scope: parley.Scope{Kind: parley.ScopeAll}, Sort: parley.SortActivity, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	topics, err := store.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Threads) > 0 || len(topics) > 0 {
		t.Errorf("a failed import left %d threads and %d topics", len(page.Threads), len(topics))
	}
	if _, err := seimport.Import(ctx, store, src, seimport.Options{ScratchDir: t.TempDir()}); err != nil {
		t.Errorf("an import after a failed one: %v", err)
	}
}

func BenchmarkImportCardano(b *testing.B) {
	dir := sedumptest.Dump(b, "cardano")
	for b.Loop() {
		b.StopTimer()
		store := mustOpenSQLite(b)
		b.StartTimer()
		if _, err := seimport.Import(context.Background(), store, dir, seimport.Options{ScratchDir: b.TempDir()}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestImportSkipsBadgesOfUnknownUsers imports a dump whose Badges.xml gives badges to a
// user Users.xml lacks and in a class no dump has: they are counted and skipped, and the
// others kept.
func TestImportSkipsBadgesOfUnknownUsers(t *testing.T) {
	src := sedumptest.Dump(t, "conlang-meta")
	dir := filepath.Join(t.TempDir(), "stackexchange-conlang-meta")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Users.xml", "Tags.xml", "Posts.xml", "Votes.xml", "Comments.xml"} {
		if err := os.Symlink(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	badges := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<badges>\n" +
		`  <row Id="1" UserId="1" Name="Autobiographer" Date="2018-02-06T20:08:57.353" Class="3" TagBased="False" />` + "\n" +
		`  <row Id="2" UserId="1" Name="Constituent" Date="2018-03-01T10:00:00.000" Class="2" TagBased="False" />` + "\n" +
		`  <row Id="3" UserId="999999" Name="Autobiographer" Date="2018-02-06T20:08:57.353" Class="3" TagBased="False" />` + "\n" +
		`  <row Id="4" UserId="1" Name="Mystery" Date="2018-02-06T20:08:57.353" Class="9" TagBased="False" />` + "\n</badges>\n"
	if err := os.WriteFile(filepath.Join(dir, "Badges.xml"), []byte(badges), 0o644); err != nil {
		t.Fatal(err)
	}
	store := mustOpenSQLite(t)
	sum, err := seimport.Import(context.Background(), store, dir, seimport.Options{ScratchDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Badges != 2 || sum.OrphanBadges != 1 || sum.OtherBadges != 1 ||
		!strings.Contains(sum.String(), "1 badges of users not in Users.xml, 1 badges of no known class") {
		t.Errorf("summary: %d badges, %d of unknown users, %d of no known class: %q; want 2, 1 and 1, said",
			sum.Badges, sum.OrphanBadges, sum.OtherBadges, sum)
	}
	// User 1 of the dump is the forum's user 2: the Community user (-1) comes first.
	got, err := store.UserBadges(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []parley.BadgeCount{
		{Name: "Constituent", Class: parley.BadgeSilver, Count: 1, First: time.Date(2018, 3, 1, 10, 0, 0, 0, time.UTC), Last: time.Date(2018, 3, 1, 10, 0, 0, 0, time.UTC)},
		{Name: "Autobiographer", Class: parley.BadgeBronze, Count: 1, First: time.Date(2018, 2, 6, 20, 8, 57, 353e6, time.UTC), Last: time.Date(2018, 2, 6, 20, 8, 57, 353e6, time.UTC)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the user's badges: %+v; want %+v", got, want)
	}
}
