package storetest

import (
	"fmt"
	"testing"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/search"
)

// ask asks a question with a title and a Markdown body, one day after the last write.
func (e *env) ask(f forum, author parley.User, title, body string, tags ...parley.Tag) parley.Thread {
	e.t.Helper()
	e.clock.Advance(24 * time.Hour)
	ids := make([]int64, len(tags))
	for i, tag := range tags {
		ids[i] = tag.ID
	}
	th, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: title, SubtopicID: f.sub.ID, TagIDs: ids,
		AuthorID: author.ID, Text: text(body)})
	must(e.t, err)
	return th
}

func (e *env) answer(threadID int64, author parley.User, body string) parley.Post {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	p, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: threadID, AuthorID: author.ID, Text: text(body)})
	must(e.t, err)
	return p
}

// searchAll returns every result of a query as typed, page by page, pageSize at a time.
func (e *env) searchAll(typed string, pageSize int) []parley.SearchResult {
	e.t.Helper()
	q, errs := search.Parse(typed)
	if errs != nil {
		e.t.Fatalf("Parse(%q): %v", typed, errs)
	}
	var all []parley.SearchResult
	sq := parley.SearchQuery{Query: q, Limit: pageSize}
	for pages := 0; ; pages++ {
		page, err := e.s.Search(e.ctx, sq)
		if err != nil {
			e.t.Fatalf("Search(%q): %v", typed, err)
		}
		all = append(all, page.Results...)
		if page.Next == nil {
			return all
		}
		if pages > 1000 {
			e.t.Fatalf("Search(%q) does not end", typed)
		}
		sq.After = page.Next
	}
}

// found returns the ids of the threads a query finds, best first.
func (e *env) found(typed string) []int64 {
	e.t.Helper()
	var ids []int64
	for _, r := range e.searchAll(typed, 10) {
		ids = append(ids, r.Thread.ID)
	}
	return ids
}

// expect checks each query finds exactly the threads given, in any order.
func (e *env) expect(t *testing.T, cases map[string][]parley.Thread) {
	t.Helper()
	for typed, want := range cases {
		ids := make([]int64, len(want))
		for i, th := range want {
			ids[i] = th.ID
		}
		if got := e.found(typed); !sameSet(got, ids) {
			t.Errorf("%q found %v, want %v", typed, got, ids)
		}
	}
}

func none() []parley.Thread { return nil }

func these(threads ...parley.Thread) []parley.Thread { return threads }

// searchForum is a forum with three threads whose text developers search for.
type searchForum struct {
	forum
	offline, crash, keychain parley.Thread
	staff                    parley.User
}

func (e *env) searchForum() searchForum {
	e.t.Helper()
	f := searchForum{forum: e.forum(), staff: e.user(parley.RoleStaff)}
	f.offline = e.ask(f.forum, f.asker, "URLSession fails with -1009 when offline",
		"Calling `URLSession.shared.dataTask` fails with NSURLErrorDomain code -1009.\n\n```swift\nlet task = URLSession.shared.dataTask(with: url)\n```",
		f.tagA)
	f.crash = e.ask(f.forum, f.answerer, "App crashes with EXC_BAD_ACCESS at launch",
		"The log says EXC_BAD_ACCESS in nw_connection_t, exception 0x8badf00d, kCFErrorDomainCFNetwork. "+
			"I checked Info.plist and filed FB12345678.", f.tagB)
	f.keychain = e.ask(f.forum, f.asker, "Sharing keychain items with an extension",
		"How do I share keychain items? The app crashes sometimes.", f.tagA, f.tagB)
	return f
}

func testSearchCodeTerms(t *testing.T, e *env) {
	f := e.searchForum()
	e.expect(t, map[string][]parley.Thread{
		"URLSession":                these(f.offline),
		"urlsession":                these(f.offline),
		"URLSession.shared":         these(f.offline),
		"NSURLErrorDomain":          these(f.offline),
		"-1009":                     these(f.offline),
		"1009":                      these(f.offline),
		"EXC_BAD_ACCESS":            these(f.crash),
		"exc_bad_access":            these(f.crash),
		"nw_connection_t":           these(f.crash),
		"NW_CONNECTION_T":           these(f.crash),
		"0x8badf00d":                these(f.crash),
		"0X8BADF00D":                these(f.crash),
		"kCFErrorDomainCFNetwork":   these(f.crash),
		"kcferrordomaincfnetwork":   these(f.crash),
		"Info.plist":                these(f.crash),
		"info.PLIST":                these(f.crash),
		"FB12345678":                these(f.crash),
		"fb12345678":                these(f.crash),
		"bad_access":                none(),
		"-1008":                     none(),
		"URLSession -1009":          these(f.offline),
		"URLSession EXC_BAD_ACCESS": none(),
	})
}

func testSearchStemming(t *testing.T, e *env) {
	f := e.searchForum()
	e.expect(t, map[string][]parley.Thread{
		"crash":      these(f.crash, f.keychain),
		"crashes":    these(f.crash, f.keychain),
		"crashing":   these(f.crash, f.keychain),
		"sharing":    these(f.keychain, f.offline), // URLSession.shared
		"extensions": these(f.keychain),
		"fail":       these(f.offline),
	})
}

func testSearchOperators(t *testing.T, e *env) {
	f := e.searchForum()
	other := e.subtopic(f.topic.ID)
	must(t, e.s.MoveThread(e.ctx, f.keychain.ID, other.ID, f.by("")))
	reply := e.answer(f.offline.ID, f.staff, "Check the reachability first.")
	must(t, e.s.AcceptAnswer(e.ctx, f.offline.ID, reply.ID))
	e.answer(f.crash.ID, f.answerer, "Same crash here.")
	_, err := e.s.SetBoost(e.ctx, f.answerer.ID, e.firstPost(f.keychain.ID), true)
	must(t, err)
	must(t, e.s.SetLocked(e.ctx, f.crash.ID, true, f.by("")))
	must(t, e.s.SetPinned(e.ctx, f.keychain.ID, nil, true, f.by("")))
	day := func(th parley.Thread) string { return th.CreatedAt.Format("2006-01-02") }

	e.expect(t, map[string][]parley.Thread{
		`"keychain items"`:                           these(f.keychain),
		`"items keychain"`:                           none(),
		`"fails with -1009"`:                         these(f.offline),
		"crash -keychain":                            these(f.crash),
		`crash -"share keychain"`:                    these(f.crash),
		"crash -EXC_BAD_ACCESS":                      these(f.keychain),
		"-keychain":                                  these(f.offline, f.crash),
		"-crash tag:" + f.tagA.Slug:                  these(f.offline),
		"crash in:title":                             these(f.crash),
		"keychain -sharing in:title":                 none(),
		"tag:" + f.tagA.Slug:                         these(f.offline, f.keychain),
		"crash tag:" + f.tagA.Slug:                   these(f.keychain),
		"crash -tag:" + f.tagA.Slug:                  these(f.crash),
		"tag:" + f.tagA.Slug + " tag:" + f.tagB.Slug: these(f.keychain),
		"tag:no-such-tag":                            none(),
		"topic:" + f.topic.Slug:                      these(f.offline, f.crash, f.keychain),
		"subtopic:" + other.Slug:                     these(f.keychain),
		"crash subtopic:" + f.sub.Slug:               these(f.crash),
		"user:" + f.staff.Handle:                     these(f.offline),
		"user:" + f.answerer.Handle:                  these(f.crash),
		"asker:" + f.asker.Handle:                    these(f.offline, f.keychain),
		"asker:nobody":                               none(),
		"is:answered":                                these(f.offline),
		"is:accepted":                                these(f.offline),
		"is:unanswered":                              these(f.keychain),
		"is:staff":                                   these(f.offline),
		"-is:staff":                                  these(f.crash, f.keychain),
		"is:locked":                                  these(f.crash),
		"is:pinned":                                  these(f.keychain),
		"has:code":                                   these(f.offline),
		"-has:code tag:" + f.tagA.Slug:               these(f.keychain),
		"boosts:1":                                   these(f.keychain),
		"replies:1":                                  these(f.offline, f.crash),
		"after:" + day(f.crash):                      these(f.crash, f.keychain),
		"before:" + day(f.crash):                     these(f.offline),
		"after:" + day(f.crash) + " before:" + day(f.keychain): these(f.crash),
	})
}

// firstPost returns the id of a thread's question.
func (e *env) firstPost(threadID int64) int64 {
	e.t.Helper()
	posts, err := e.s.Posts(e.ctx, threadID, 0, 1)
	must(e.t, err)
	return posts[0].ID
}

func testSearchAttachment(t *testing.T, e *env) {
	f := e.forum()
	log := file("crash.log", "EXC_BAD_ACCESS\n")
	e.uploaded(f.asker, log)
	with, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "Crash log attached here", SubtopicID: f.sub.ID,
		TagIDs: []int64{f.tagA.ID}, AuthorID: f.asker.ID, Text: text("See the log."), Attachments: []parley.File{log}})
	must(t, err)
	without := e.ask(f, f.asker, "Crash without any log", "Nothing attached.", f.tagA)
	e.expect(t, map[string][]parley.Thread{
		"has:attachment":        these(with),
		"crash -has:attachment": these(without),
	})

	// The text of an attached log is found as its post is: a crash signature finds the
	// thread of the reply that attached it, until the reply is hidden.
	report := file("report.crash", "Exception Type:  EXC_CRASH (SIGABRT)\nTermination Reason: CFNETWORK_TLS_HANDSHAKE 0x8badf00d\nThread 3 Crashed: nw_connection_start\n")
	report.Text = "Exception Type:  EXC_CRASH (SIGABRT)\nTermination Reason: CFNETWORK_TLS_HANDSHAKE 0x8badf00d\nThread 3 Crashed: nw_connection_start\n"
	e.uploaded(f.answerer, report)
	reply, err := e.s.CreateReply(e.ctx, parley.NewReply{ThreadID: without.ID, AuthorID: f.answerer.ID,
		Text: text("Mine crashes the same way; report attached."), Attachments: []parley.File{report}})
	must(t, err)
	e.expect(t, map[string][]parley.Thread{
		"0x8badf00d":                these(without),
		"CFNETWORK_TLS_HANDSHAKE":   these(without),
		`"Termination Reason"`:      these(without),
		"nw_connection_start crash": these(without),
	})
	must(t, e.s.SetPostHidden(e.ctx, reply.ID, true, f.by("spam")))
	e.expect(t, map[string][]parley.Thread{"0x8badf00d": nil})
	must(t, e.s.SetPostHidden(e.ctx, reply.ID, false, f.by("")))
	e.expect(t, map[string][]parley.Thread{"0x8badf00d": these(without)})
}

func testSearchRanking(t *testing.T, e *env) {
	f := e.forum()
	inBody := e.ask(f, f.asker, "Widget layout question", "The gizmo moves when the view appears.", f.tagA)
	inTitle := e.ask(f, f.asker, "Gizmo moves on rotation", "The view shifts when the device turns.", f.tagA)
	if got := e.found("gizmo"); fmt.Sprint(got) != fmt.Sprint([]int64{inTitle.ID, inBody.ID}) {
		t.Errorf("gizmo found %v, want the title match %d, then %d", got, inTitle.ID, inBody.ID)
	}
	// A phrase and several words too, though the thread titled with them is the older.
	titled := e.ask(f, f.asker, "Flux capacitor overheats", "It gets hot.", f.tagA)
	mentioned := e.ask(f, f.asker, "Time circuits", "My flux capacitor overheats after a trip.", f.tagA)
	for _, q := range []string{`"flux capacitor"`, "capacitor overheats"} {
		if got := e.found(q); fmt.Sprint(got) != fmt.Sprint([]int64{titled.ID, mentioned.ID}) {
			t.Errorf(`%s found %v, want the title match %d, then %d`, q, got, titled.ID, mentioned.ID)
		}
	}

	asked := e.ask(f, f.asker, "Sprocket alignment", "Sprocket teeth slip under load.", f.tagA)
	replied := e.ask(f, f.asker, "Chain alignment", "The chain slips under load.", f.tagA)
	reply := e.answer(replied.ID, f.answerer, "Sprocket teeth wear out; replace them.")
	results := e.searchAll("teeth", 10)
	if len(results) != 2 || results[0].Thread.ID != asked.ID {
		t.Fatalf("teeth found %v, want the question's match %d first", resultIDs(results), asked.ID)
	}
	if results[1].PostID != reply.ID {
		t.Errorf("best post of thread %d is %d, want the reply %d", replied.ID, results[1].PostID, reply.ID)
	}
	if got := snippetMarks(results[1].Snippet); fmt.Sprint(got) != "[teeth]" {
		t.Errorf("snippet %+v marks %v, want [teeth]", results[1].Snippet, got)
	}
	if th := results[0].Thread; !sameThread(th, e.get(asked.ID)) {
		t.Errorf("result thread %+v, want %+v", th, e.get(asked.ID))
	}
}

func sameThread(a, b parley.Thread) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func resultIDs(results []parley.SearchResult) []int64 {
	ids := make([]int64, len(results))
	for i, r := range results {
		ids[i] = r.Thread.ID
	}
	return ids
}

func snippetMarks(spans []search.Span) []string {
	var marks []string
	for _, s := range spans {
		if s.Match {
			marks = append(marks, s.Text)
		}
	}
	return marks
}

func testSearchPaging(t *testing.T, e *env) {
	f := e.forum()
	var want []int64
	for i := range 7 {
		th := e.ask(f, f.asker, fmt.Sprintf("Pager question %d", i), "Paging through results.", f.tagA)
		want = append(want, th.ID)
	}
	for _, typed := range []string{"pager", "tag:" + f.tagA.Slug} {
		all := resultIDs(e.searchAll(typed, 10))
		paged := resultIDs(e.searchAll(typed, 2))
		if !sameSet(all, want) || fmt.Sprint(paged) != fmt.Sprint(all) {
			t.Errorf("%q: in one page %v, in pages of 2 %v, want %v", typed, all, paged, want)
		}
	}
	// With filters alone, the newest thread comes first.
	if got := e.found("tag:" + f.tagA.Slug); got[0] != want[len(want)-1] {
		t.Errorf("filters alone listed %v, want the newest %d first", got, want[len(want)-1])
	}
	_, err := e.s.Search(e.ctx, parley.SearchQuery{Query: search.Query{Words: []string{"pager"}}, Limit: 0})
	wantCode(t, err, parley.EInvalid)
}

func testSearchKeepsUp(t *testing.T, e *env) {
	f := e.searchForum()
	hidden := e.answer(f.keychain.ID, f.answerer, "Try the zebrafish entitlement.")
	e.expect(t, map[string][]parley.Thread{"zebrafish": these(f.keychain)})

	must(t, e.s.SetPostHidden(e.ctx, hidden.ID, true, f.by("spam")))
	e.expect(t, map[string][]parley.Thread{"zebrafish": none(), "user:" + f.answerer.Handle: these(f.crash)})
	must(t, e.s.SetPostHidden(e.ctx, hidden.ID, false, f.by("")))
	e.expect(t, map[string][]parley.Thread{"zebrafish": these(f.keychain)})

	must(t, e.s.SetThreadDeleted(e.ctx, f.offline.ID, true, f.by("")))
	e.expect(t, map[string][]parley.Thread{"URLSession": none(), "has:code": none(), "tag:" + f.tagA.Slug: these(f.keychain)})
	must(t, e.s.SetThreadDeleted(e.ctx, f.offline.ID, false, f.by("")))
	e.expect(t, map[string][]parley.Thread{"URLSession": these(f.offline), "has:code": these(f.offline)})

	_, err := e.s.EditPost(e.ctx, parley.PostEdit{PostID: e.firstPost(f.keychain.ID), EditorID: f.asker.ID,
		Text: text("How do I share passwords with a widget?")})
	must(t, err)
	e.expect(t, map[string][]parley.Thread{"sometimes": none(), "widget": these(f.keychain), "keychain": these(f.keychain),
		"crashes": these(f.crash)})

	must(t, e.s.RetagThread(e.ctx, f.crash.ID, []int64{f.tagA.ID}, f.by("")))
	e.expect(t, map[string][]parley.Thread{"crash tag:" + f.tagA.Slug: these(f.crash), "tag:" + f.tagB.Slug: these(f.keychain)})

	other := e.subtopic(e.topic().ID)
	must(t, e.s.MoveThread(e.ctx, f.crash.ID, other.ID, f.by("")))
	e.expect(t, map[string][]parley.Thread{"EXC_BAD_ACCESS subtopic:" + other.Slug: these(f.crash),
		"EXC_BAD_ACCESS topic:" + f.topic.Slug: none()})

	_, err = e.s.UpdateTag(e.ctx, f.tagB.ID, parley.NewTag{Slug: "keychain", Name: "Keychain"}, f.by(""))
	must(t, err)
	e.expect(t, map[string][]parley.Thread{"tag:keychain": these(f.keychain), "tag:" + f.tagB.Slug: none()})
}

// testSearchAfterBulk checks that a bulk load builds the index.
func testSearchAfterBulk(t *testing.T, e *env) {
	now := e.clock.Now()
	author := parley.Author{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember}
	w, err := e.s.Bulk(e.ctx)
	must(t, err)
	must(t, w.Topics(e.ctx, []parley.Topic{{ID: 1, Slug: "app-services", Name: "App Services",
		Subtopics: []parley.Subtopic{{ID: 1, TopicID: 1, Slug: "networking", Name: "Networking", ThreadCount: 1}}}}))
	must(t, w.Tags(e.ctx, []parley.Tag{{ID: 1, Slug: "network", Name: "Network", ThreadCount: 1}}))
	must(t, w.Users(e.ctx, []parley.User{{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember,
		CreatedAt: now, ThreadCount: 1, PostCount: 2}}))
	post := func(id int64, original, hidden bool, html string) parley.PostRecord {
		return parley.PostRecord{Post: parley.Post{ID: id, ThreadID: 1, Author: author, Original: original, Hidden: hidden,
			Body: html, HTML: html, CreatedAt: now, Revision: 1}}
	}
	question := post(1, true, false, "<p>Using <code>SecTrustEvaluateWithError</code>.</p>")
	log := file("trust.log", "boringssl_context_alert_callback_handler(3718) alert level: fatal\n")
	log.Text = "boringssl_context_alert_callback_handler(3718) alert level: fatal\n"
	question.Attachments = []parley.Attachment{{File: log}}
	must(t, w.Threads(e.ctx, []parley.ThreadRecord{{
		Thread: parley.Thread{ID: 1, Title: "TLS handshake fails with -9806", SubtopicID: 1, TopicID: 1, Author: author,
			CreatedAt: now, LastActivityAt: now, ReplyCount: 1},
		TagIDs: []int64{1},
		Posts:  []parley.PostRecord{question, post(2, false, false, "<p>Check the certificate chain.</p>")},
	}}))
	must(t, w.Close(e.ctx))
	e.expect(t, map[string][]parley.Thread{"boringssl_context_alert_callback_handler": these(e.get(1))})

	results := e.searchAll("certificates", 10)
	if len(results) != 1 || results[0].Thread.ID != 1 || results[0].PostID != 2 {
		t.Errorf("certificates found %+v, want thread 1 through post 2", results)
	}
	e.expect(t, map[string][]parley.Thread{"-9806": these(e.get(1)), "SecTrustEvaluateWithError": these(e.get(1))})
}

// testSearchSorts checks that each sort orders the threads a search finds as a list of that
// sort would, a page of one thread at a time, with words and with filters alone.
func testSearchSorts(t *testing.T, e *env) {
	f := e.searchForum()
	e.clock.Advance(time.Hour)
	e.answer(f.crash.ID, f.answerer, "Same crash here.") // crash is the most recently active
	_, err := e.s.SetBoost(e.ctx, f.answerer.ID, e.firstPost(f.offline.ID), true)
	must(t, err)
	day := func(th parley.Thread) string { return th.CreatedAt.Format("2006-01-02") }
	cases := []struct {
		typed string
		sort  parley.Sort
		want  []parley.Thread
	}{
		{"crash", parley.SortNewest, these(f.keychain, f.crash)},
		{"crash", parley.SortActivity, these(f.crash, f.keychain)},
		{"topic:" + f.topic.Slug, parley.SortNewest, these(f.keychain, f.crash, f.offline)},
		{"topic:" + f.topic.Slug, parley.SortActivity, these(f.crash, f.keychain, f.offline)},
		{"topic:" + f.topic.Slug, parley.SortBoosts, these(f.offline, f.keychain, f.crash)},
		{"tag:" + f.tagA.Slug, parley.SortBoosts, these(f.offline, f.keychain)},
		// Without words, relevance is newest first; dates read the lists by time.
		{"topic:" + f.topic.Slug, parley.SortRelevance, these(f.keychain, f.crash, f.offline)},
		{"after:" + day(f.crash), parley.SortActivity, these(f.crash, f.keychain)},
		{"before:" + day(f.keychain), parley.SortBoosts, these(f.offline, f.crash)},
		{"after:" + day(f.crash) + " tag:" + f.tagB.Slug, parley.SortRelevance, these(f.keychain, f.crash)},
		{"after:" + day(f.crash) + " before:" + day(f.keychain) + " is:locked", parley.SortNewest, none()},
		{"-keychain topic:" + f.topic.Slug, parley.SortActivity, these(f.crash, f.offline)},
		{"-keychain", parley.SortRelevance, these(f.crash, f.offline)},
	}
	for _, c := range cases {
		q, err := search.Parse(c.typed)
		must(t, err)
		var got []int64
		sq := parley.SearchQuery{Query: q, Sort: c.sort, Limit: 1}
		for range 10 {
			page, err := e.s.Search(e.ctx, sq)
			must(t, err)
			for _, r := range page.Results {
				got = append(got, r.Thread.ID)
			}
			if sq.After = page.Next; sq.After == nil {
				break
			}
		}
		want := make([]int64, len(c.want))
		for i, th := range c.want {
			want[i] = th.ID
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q sorted by %s found %v, want %v", c.typed, c.sort, got, want)
		}
	}
	_, err = e.s.Search(e.ctx, parley.SearchQuery{Sort: parley.SortViews, Limit: 10})
	if parley.ErrorCode(err) != parley.EInvalid {
		t.Errorf("a search sorted by views: %v, want it refused", err)
	}
}

// testSearchCommonWord searches a word in more posts than a search ranks (rankedPosts, five
// hundred): the thread whose title holds it comes first, though it is the oldest and
// every newer post holds the word too, and the newest of the others follow. With a filter
// that only an old thread passes, that thread is found: the posts ranked are the newest
// that pass the filters, not the newest of all.
func testSearchCommonWord(t *testing.T, e *env) {
	const n = 1100
	now := e.clock.Now()
	author := parley.Author{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember}
	w, err := e.s.Bulk(e.ctx)
	must(t, err)
	must(t, w.Topics(e.ctx, []parley.Topic{{ID: 1, Slug: "t", Name: "T",
		Subtopics: []parley.Subtopic{{ID: 1, TopicID: 1, Slug: "s", Name: "S", ThreadCount: n}}}}))
	must(t, w.Tags(e.ctx, []parley.Tag{{ID: 1, Slug: "gizmos", Name: "Gizmos"}}))
	must(t, w.Users(e.ctx, []parley.User{{ID: 1, Handle: "asker", DisplayName: "Asker", Role: parley.RoleMember,
		CreatedAt: now, ThreadCount: n, PostCount: n}}))
	threads := make([]parley.ThreadRecord, 0, n)
	for id := int64(1); id <= n; id++ {
		title, html := fmt.Sprintf("Question %d", id), "<p>The gizmo spins.</p>"
		if id == 1 {
			title, html = "Gizmo calibration", "<p>How is it calibrated?</p>"
		}
		at := now.Add(time.Duration(id) * time.Minute)
		threads = append(threads, parley.ThreadRecord{
			Thread: parley.Thread{ID: id, Title: title, SubtopicID: 1, TopicID: 1, Author: author, CreatedAt: at, LastActivityAt: at,
				Locked: id == 2},
			Posts: []parley.PostRecord{{Post: parley.Post{ID: id, ThreadID: id, Author: author, Original: true, Body: html,
				HTML: html, CreatedAt: at, Revision: 1}}},
		})
	}
	must(t, w.Threads(e.ctx, threads))
	must(t, w.Close(e.ctx))

	if got := e.found("gizmo"); len(got) < 5 || fmt.Sprint(got[:5]) != fmt.Sprint([]int64{1, n, n - 1, n - 2, n - 3}) {
		t.Errorf("gizmo found %v…, want the thread titled with it, then the newest", got[:min(5, len(got))])
	}
	if got := e.found("gizmo is:locked"); fmt.Sprint(got) != "[2]" {
		t.Errorf("gizmo is:locked found %v, want [2], the one locked thread", got)
	}

	// The title's entry leaves with its thread and comes back with it.
	audit := parley.Audit{ActorID: e.user(parley.RoleModerator).ID}
	must(t, e.s.SetThreadDeleted(e.ctx, 1, true, audit))
	if got := e.found("calibration"); len(got) != 0 {
		t.Errorf("calibration found %v in a deleted thread", got)
	}
	must(t, e.s.SetThreadDeleted(e.ctx, 1, false, audit))
	if got := e.found("gizmo"); len(got) == 0 || got[0] != 1 {
		t.Errorf("gizmo found %v… after the thread came back, want the thread titled with it first", got[:min(5, len(got))])
	}
	// A new thread's title is indexed with its question: titled as thread 1 is, it comes
	// before it, being newer.
	latest, _, err := e.s.CreateThread(e.ctx, parley.NewThread{Title: "Gizmo drift", SubtopicID: 1, TagIDs: []int64{1},
		AuthorID: e.user(parley.RoleMember).ID, Text: text("It drifts after an hour.")})
	must(t, err)
	if got := e.found("gizmo"); len(got) < 2 || got[0] != latest.ID || got[1] != 1 {
		t.Errorf("gizmo found %v…, want the threads titled with it first, newest first: %d, 1", got[:min(5, len(got))], latest.ID)
	}
}
