package demo

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-forum/parley"
	"github.com/parley-forum/parley/attachment"
	"github.com/parley-forum/parley/blob"
)

// serveDemo is the forum serve --demo builds (cmd/parley's smallDemo).
var serveDemo = Config{Threads: 3000, Posts: 15000, Users: 600, Seed: 1}

// byActivity returns threads as a list shows them by default: most recent activity first.
func byActivity(threads []*parley.Thread) []*parley.Thread {
	out := slices.Clone(threads)
	slices.SortFunc(out, func(a, b *parley.Thread) int {
		return cmp.Or(b.LastActivityAt.Compare(a.LastActivityAt), cmp.Compare(b.ID, a.ID))
	})
	return out
}

func allThreads(w *memWriter) []*parley.Thread {
	out := make([]*parley.Thread, len(w.threads))
	for i := range w.threads {
		out[i] = &w.threads[i].Thread
	}
	return out
}

// TestFirstPageShowsASpreadOfTimes checks what a newcomer sees on the home page of a fresh
// demo: the latest threads were active at different times, not all "just now".
func TestFirstPageShowsASpreadOfTimes(t *testing.T) {
	w := mustGenerate(t, serveDemo, blockRenderer{})
	page := byActivity(allThreads(w))[:50]

	perMinute := map[time.Time]int{}
	for _, th := range page {
		if th.LastActivityAt.After(testNow) {
			t.Errorf("thread %d was active at %v, after the forum was built at %v", th.ID, th.LastActivityAt, testNow)
		}
		perMinute[th.LastActivityAt.Truncate(time.Minute)]++
	}
	for minute, n := range perMinute {
		if n > 2 {
			t.Errorf("%d of the first 50 threads were last active in the minute of %v", n, minute)
		}
	}
	if spread := page[0].LastActivityAt.Sub(page[len(page)-1].LastActivityAt); spread < 6*time.Hour {
		t.Errorf("the first page's activity spans %v, want at least hours between the newest and the 50th", spread)
	}
	if newest := testNow.Sub(page[0].LastActivityAt); newest > 6*time.Hour {
		t.Errorf("the newest activity is %v old, want a forum that was busy recently", newest)
	}

	all := byActivity(allThreads(w))
	if span := all[0].LastActivityAt.Sub(all[len(all)-1].LastActivityAt); span < 4*7*24*time.Hour {
		t.Errorf("activity spans %v, want at least weeks", span)
	}
}

// vocabulary is every term a title may name: each subtopic's types, calls, errors,
// crash frames, tasks and things, the tags' terms, and the OS versions, devices, Xcode
// versions and circumstances questions mention. Prose terms are matched without regard
// to case, since a title may start with one.
func vocabulary() (code, prose []string) {
	for _, tp := range topicSpecs {
		for _, s := range tp.subs {
			code = append(code, s.types...)
			code = append(code, s.calls...)
			code = append(code, s.errs...)
			code = append(code, s.frames...)
			prose = append(prose, s.tasks...)
			prose = append(prose, s.things...)
		}
	}
	for _, terms := range tagTerms {
		code = append(code, terms...)
	}
	code = append(append(append(code, oses...), devices...), xcodes...)
	prose = append(prose, contexts...)
	return code, prose
}

// TestTitlesMatchTheirQuestions checks that every term a thread's title names (an API,
// an error code, a device, what the asker wants to do) appears in its original post.
func TestTitlesMatchTheirQuestions(t *testing.T) {
	code, prose := vocabulary()
	w := mustGenerate(t, serveDemo, blockRenderer{})
	bad := 0
	for i := range w.threads {
		th, body := &w.threads[i].Thread, w.threads[i].Posts[0].Post.Body
		var missing []string
		for _, term := range code {
			if strings.Contains(th.Title, term) && !strings.Contains(body, term) {
				missing = append(missing, term)
			}
		}
		for _, term := range prose {
			if strings.Contains(strings.ToLower(th.Title), strings.ToLower(term)) && !strings.Contains(strings.ToLower(body), strings.ToLower(term)) {
				missing = append(missing, term)
			}
		}
		if len(missing) > 0 {
			if bad++; bad <= 5 {
				t.Errorf("thread %d %q: its question does not mention %q:\n%s", th.ID, th.Title, missing, body)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d titles name what their question does not", bad, len(w.threads))
	}
}

// TestTagsFitTheirQuestions checks that every tag of every thread is tied to its
// question: the original post names one of the tag's terms or places, or links to the
// tag (a resource post points to its tag).
func TestTagsFitTheirQuestions(t *testing.T) {
	w := mustGenerate(t, serveDemo, blockRenderer{})
	bad := 0
	for i := range w.threads {
		rec := &w.threads[i]
		body := rec.Posts[0].Post.Body
		for _, tag := range rec.Thread.Tags {
			if !mentions(body, tag.Name) && !strings.Contains(body, "["+tag.Name+"]") {
				if bad++; bad <= 5 {
					t.Errorf("thread %d %q is tagged %s, but its question names none of %q:\n%s", rec.Thread.ID, rec.Thread.Title, tag.Name, tagTerms[tag.Name], body)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d tags do not fit their threads", bad)
	}
	for _, tg := range tagSpecs {
		if len(tagTerms[tg.name]) == 0 {
			t.Errorf("tag %s has no terms, so no thread could carry it", tg.name)
		}
	}
}

// TestListsShowNoTitleTwice checks the first page of every list a newcomer browses (the
// forum, each topic, subtopic and tag, by the default sort) for two threads with the same
// title, on the forum serve --demo builds and on a larger one.
func TestListsShowNoTitleTwice(t *testing.T) {
	for _, cfg := range []Config{serveDemo, {Threads: 20000, Posts: 100000, Users: 4000, Seed: 2}} {
		w := mustGenerate(t, cfg, blockRenderer{})
		lists := map[string][]*parley.Thread{}
		for i := range w.threads {
			th := &w.threads[i].Thread
			keys := []string{"all", fmt.Sprintf("topic %d", th.TopicID), fmt.Sprintf("subtopic %d", th.SubtopicID)}
			for _, tag := range th.Tags {
				keys = append(keys, "tag "+tag.Slug)
			}
			for _, k := range keys {
				lists[k] = append(lists[k], th)
			}
		}
		for name, threads := range lists {
			page := byActivity(threads)
			page = page[:min(50, len(page))]
			seen := map[string]int64{}
			for _, th := range page {
				if id, ok := seen[th.Title]; ok {
					t.Errorf("%d threads: the first page of %s shows %q twice (threads %d and %d)", cfg.Threads, name, th.Title, id, th.ID)
				}
				seen[th.Title] = th.ID
			}
		}
	}
}

// TestQuestionsAttachFiles checks the files a demo forum's questions carry: each one is a
// file the forum takes from an upload (attachment.Inspect, on the stored content, agrees
// with the record), the blob store holds exactly the contents posts name, a crash
// report reads as one about the question's code, and the question says it attached it.
func TestQuestionsAttachFiles(t *testing.T) {
	dir := t.TempDir()
	blobs, err := blob.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := serveDemo
	cfg.Blobs = blobs
	w := mustGenerate(t, cfg, blockRenderer{})

	kinds := map[string]int{}
	named := map[string]bool{}
	for i := range w.threads {
		rec := &w.threads[i]
		for j, pr := range rec.Posts {
			if j > 0 && len(pr.Attachments) > 0 {
				t.Errorf("reply %d carries files; only questions do", pr.Post.ID)
			}
			for _, f := range pr.Attachments {
				named[f.SHA256] = true
				content := readBlob(t, blobs, f.SHA256)
				got, err := attachment.Inspect(f.Name, bytes.NewReader(content))
				if err != nil || got != f.File {
					t.Errorf("thread %d: %s inspects as %+v, %v; the record says %+v", rec.Thread.ID, f.Name, got, err, f)
					continue
				}
				ext := path.Ext(f.Name)
				kinds[ext]++
				body := pr.Post.Body
				if !strings.Contains(body, "attached") {
					t.Errorf("thread %d carries %s but does not say so:\n%s", rec.Thread.ID, f.Name, body)
				}
				if ext == ".crash" || ext == ".ips" {
					checkCrashReport(t, rec.Thread.ID, string(content), body)
				}
			}
		}
	}
	for _, ext := range []string{".crash", ".ips", ".log", ".png"} {
		if kinds[ext] == 0 {
			t.Errorf("no question attaches a %s file (%v)", ext, kinds)
		}
	}
	stored, err := filepath.Glob(filepath.Join(dir, "??", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(named) {
		t.Errorf("the blob store holds %d contents, posts name %d", len(stored), len(named))
	}
	t.Logf("%d files attached (%v), %d contents stored", kinds[".crash"]+kinds[".ips"]+kinds[".log"]+kinds[".png"], kinds, len(stored))

	// The same seed stores the same contents, and a forum built without a blob store is
	// the same forum but for the files.
	again := mustGenerate(t, cfg, blockRenderer{})
	if !reflect.DeepEqual(w.threads, again.threads) {
		t.Error("two runs with the same seed attached different files")
	}
}

func readBlob(t *testing.T, blobs blob.Store, key string) []byte {
	t.Helper()
	r, err := blobs.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkCrashReport checks that a crash report has the parts of one and that its crashing
// thread runs through code the question names (in backticks).
func checkCrashReport(t *testing.T, thread int64, report, question string) {
	t.Helper()
	for _, part := range []string{"Incident Identifier:", "OS Version:", "Exception Type:", "Crashed:\n", "Binary Images:"} {
		if !strings.Contains(report, part) {
			t.Errorf("thread %d: the crash report has no %q:\n%s", thread, part, report)
			return
		}
	}
	crashed := report[strings.Index(report, "Crashed:\n"):strings.Index(report, "Binary Images:")]
	for _, span := range strings.Split(question, "`")[1:] {
		if len(span) > 3 && !strings.Contains(span, " ") && strings.Contains(crashed, identifier(span)) {
			return
		}
	}
	t.Errorf("thread %d: the crashing thread names nothing the question does:\n%s\n\n%s", thread, question, crashed)
}

// TestQuestionsNameDevicesThatRunTheirOS checks that a question's first paragraph never
// puts a device with an OS it cannot run (an Apple TV on watchOS), nor a Mac framework
// on an iPhone.
func TestQuestionsNameDevicesThatRunTheirOS(t *testing.T) {
	w := mustGenerate(t, serveDemo, blockRenderer{})
	subName := map[int64]string{}
	for _, tp := range w.topics {
		for _, s := range tp.Subtopics {
			subName[s.ID] = s.Name
		}
	}
	bad := 0
	for i := range w.threads {
		th, body := &w.threads[i].Thread, w.threads[i].Posts[0].Post.Body
		first, _, _ := strings.Cut(body, "\n\n")
		var named []string
		for _, os := range oses {
			if strings.Contains(first, os) {
				named = append(named, os)
			}
		}
		for _, dev := range devices {
			if !strings.Contains(first, dev) || len(named) == 0 {
				continue
			}
			if !slices.ContainsFunc(named, func(os string) bool { return slices.Contains(devicesFor[platform(os)], dev) }) {
				if bad++; bad <= 5 {
					t.Errorf("thread %d puts a %s with %v: %s", th.ID, dev, named, first)
				}
			}
		}
		if subName[th.SubtopicID] == "AppKit" && slices.ContainsFunc(named, func(os string) bool { return platform(os) != "macOS" }) {
			if bad++; bad <= 5 {
				t.Errorf("thread %d asks about AppKit on %v: %s", th.ID, named, first)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d questions name a device or framework with an OS it does not run", bad)
	}
}

// TestStoriesNameInTheirQuestionWhatTheirTitleNames checks the stories themselves: every
// blank of a title is a blank of its opening paragraph, which names the API.
func TestStoriesNameInTheirQuestionWhatTheirTitleNames(t *testing.T) {
	for _, st := range stories {
		title, opener := keysOf(st.title), keysOf(st.opener)
		if title&^opener != 0 || opener&(1<<kAPI) == 0 {
			t.Errorf("story %q: its opener %q does not name all the title names, and the API", st.title, st.opener)
		}
	}
}
