package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	parley "github.com/parley-forum/parley"
)

// BulkSink is how a database takes a bulk load: the rows, in whatever way it writes many
// rows fastest, and the preparing and finishing that only it knows (indexes to drop and
// build again, settings to relax and restore). Its Querier runs the load's own statements,
// in PostgreSQL's form, where the rows go.
type BulkSink interface {
	Querier
	// Start readies the empty database for the load, once it is known to be empty.
	Start(ctx context.Context) error
	// Write writes the rows of each table, in the order given.
	Write(ctx context.Context, tables []TableRows) error
	// Finish makes the loaded database ready to serve, after the list entries are derived.
	Finish(ctx context.Context) error
	// Abandon hands back what the load holds and, unless Finish succeeded, takes back
	// what the load wrote, whatever the state of ctx. An error that leaves part of the
	// load in the database matches parley.ErrInterruptedLoad.
	Abandon(ctx context.Context) error
}

// LoadedTables are the tables a bulk load writes rows to, children before their parents,
// besides the full-text index, which is each database's own.
var LoadedTables = []string{"thread_listings", "thread_links", "thread_tags", "thread_views", "boosts", "revisions", "attachments",
	"posts", "threads", "badges", "users", "tags", "subtopics", "topics"}

// TableRows are rows for a table's columns.
type TableRows struct {
	Table   string
	Columns []string
	Rows    [][]any
}

// bulkWriter is a parley.BulkWriter: it turns records into rows, once for every database,
// and hands them to a sink.
type bulkWriter struct {
	s    *Store
	sink BulkSink

	// Batches of threads go through two goroutines while the caller makes the next: one
	// turns a batch into rows (splitting each post into search words is most of it), the
	// other writes the rows. Making, splitting and writing each take a share of a load
	// that on two cores is best run side by side.
	batches chan []parley.ThreadRecord
	failed  chan error // receives the writing goroutine's result when it stops
	// err is the first error of a batch, returned by every call after it.
	err error
	// stopping tells the goroutines to drop what is queued: the load is abandoned, or a
	// write failed.
	stopping atomic.Bool
	done     bool // Close or Abandon ran

	// nextFile is the id the next attachment without one gets: records made for a load
	// (a demo, an import) number their files in order, an export's keep theirs.
	nextFile int64
}

// BulkLoad returns a writer that loads a whole forum into this store through sink, or
// refuses with EConflict when the store holds threads, users or any record a load writes.
// A sink that must keep two loads from both finding the store empty locks the threads
// table before.
func (s *Store) BulkLoad(ctx context.Context, sink BulkSink) (parley.BulkWriter, error) {
	w := &bulkWriter{s: s, sink: sink}
	if err := w.start(ctx); err != nil {
		return nil, errors.Join(err, sink.Abandon(ctx))
	}
	return w, nil
}

func (w *bulkWriter) start(ctx context.Context) error {
	// Every table the load fills must be empty: a load that stops takes itself back by
	// emptying them (SQLite's), which must never take anything else with it.
	for _, table := range append([]string{"threads"}, LoadedTables...) {
		found, err := exists(ctx, w.sink, `SELECT 1 FROM `+table+` LIMIT 1`)
		if err != nil {
			return err
		}
		if found {
			return parley.Errorf(parley.EConflict, "The database holds %s already; bulk loading needs an empty one.", strings.ReplaceAll(table, "_", " "))
		}
	}
	// Pins wait here, by list key, until the list entries exist at Close; so do the posts'
	// index entries, unless the database indexes them as they come.
	steps := []string{`CREATE TEMP TABLE bulk_pins (scope BIGINT NOT NULL, thread_id BIGINT NOT NULL,
		PRIMARY KEY (scope, thread_id))`}
	if w.s.d.Search.LoadRows == nil {
		steps = append(steps, createBulkSearch)
	}
	if err := ExecScript(ctx, w.sink, steps...); err != nil {
		return err
	}
	return w.sink.Start(ctx)
}

// Topics writes topics and their subtopics.
func (w *bulkWriter) Topics(ctx context.Context, topics []parley.Topic) error {
	ts := TableRows{Table: "topics", Columns: []string{"id", "slug", "name", "description", "position"}}
	subs := TableRows{Table: "subtopics", Columns: []string{"id", "topic_id", "slug", "name", "description", "position", "thread_count"}}
	for _, t := range topics {
		ts.Rows = append(ts.Rows, []any{t.ID, t.Slug, t.Name, t.Description, t.Position})
		for _, s := range t.Subtopics {
			subs.Rows = append(subs.Rows, []any{s.ID, t.ID, s.Slug, s.Name, s.Description, s.Position, s.ThreadCount})
		}
	}
	return w.sink.Write(ctx, []TableRows{ts, subs})
}

// Tags writes tags.
func (w *bulkWriter) Tags(ctx context.Context, tags []parley.Tag) error {
	rows := TableRows{Table: "tags", Columns: []string{"id", "slug", "name", "description", "thread_count"}}
	for _, t := range tags {
		rows.Rows = append(rows.Rows, []any{t.ID, t.Slug, t.Name, t.Description, t.ThreadCount})
	}
	return w.sink.Write(ctx, []TableRows{rows})
}

// Users writes users.
func (w *bulkWriter) Users(ctx context.Context, users []parley.User) error {
	rows := TableRows{Table: "users", Columns: []string{"id", "handle", "display_name", "role", "badge", "signature",
		"signature_html", "created_at", "thread_count", "post_count"}}
	for _, u := range users {
		rows.Rows = append(rows.Rows, []any{u.ID, u.Handle, u.DisplayName, string(u.Role), u.Badge, u.Signature,
			u.SignatureHTML, parley.Millis(u.CreatedAt), u.ThreadCount, u.PostCount})
	}
	return w.sink.Write(ctx, []TableRows{rows})
}

// Badges writes badges earned.
func (w *bulkWriter) Badges(ctx context.Context, badges []parley.EarnedBadge) error {
	rows := TableRows{Table: "badges", Columns: []string{"id", "user_id", "name", "class", "awarded_at"}}
	for _, b := range badges {
		rows.Rows = append(rows.Rows, []any{b.ID, b.UserID, b.Name, string(b.Class), parley.Millis(b.AwardedAt)})
	}
	return w.sink.Write(ctx, []TableRows{rows})
}

// Threads queues a batch of threads with their posts, revisions and boosts for writing.
// It may return before the batch is written, so it keeps the slice; an error writing it is
// returned by a later call or by Close.
func (w *bulkWriter) Threads(ctx context.Context, threads []parley.ThreadRecord) error {
	if w.err != nil {
		return w.err
	}
	if w.batches == nil {
		w.batches, w.failed = make(chan []parley.ThreadRecord, 1), make(chan error, 1)
		rows := make(chan []TableRows, 1)
		go w.makeRows(w.batches, rows)
		go w.writeRows(ctx, rows, w.failed)
	}
	select {
	case w.batches <- threads:
		return nil
	case err := <-w.failed:
		w.err = err
		close(w.batches) // the goroutine, draining the queue, ends
		w.batches = nil
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// makeRows turns the batches queued into rows for writeRows until the queue closes, then
// closes rows. It is given the channels: the writer forgets them once closed.
func (w *bulkWriter) makeRows(batches <-chan []parley.ThreadRecord, rows chan<- []TableRows) {
	defer close(rows)
	for batch := range batches {
		if !w.stopping.Load() {
			rows <- w.threadRows(batch)
		}
	}
}

// writeRows writes the rows made until makeRows stops or a write fails, and sends the
// result to failed: at once on a failure, after which it drops what is queued.
func (w *bulkWriter) writeRows(ctx context.Context, rows <-chan []TableRows, failed chan<- error) {
	for tables := range rows {
		if w.stopping.Load() {
			continue
		}
		if err := w.sink.Write(ctx, tables); err != nil {
			w.stopping.Store(true) // nothing more is worth making
			failed <- err
			for range rows { // let makeRows go
			}
			return
		}
	}
	failed <- nil
}

// waitBatches closes the queue and waits for the goroutines to write what it holds,
// returning the first error of a batch.
func (w *bulkWriter) waitBatches() error {
	if w.batches != nil {
		close(w.batches)
		w.batches = nil
		w.err = <-w.failed
	}
	return w.err
}

// fileID is the id an attachment is written with: its own, or the next after the largest.
func (w *bulkWriter) fileID(id int64) int64 {
	if id == 0 {
		id = max(w.nextFile, 1)
	}
	w.nextFile = max(w.nextFile, id+1)
	return id
}

// threadTables are the tables a batch of threads fills, in the order they are written, with
// their columns. A link may name a thread of a later batch: the stores check links'
// foreign keys only once the load is in. Attachments come after the posts they belong to, whose foreign key they
// keep during the load (they are few).
var threadTables = []TableRows{
	{Table: "threads", Columns: []string{"id", "title", "subtopic_id", "topic_id", "author_id", "tag_ids", "created_at",
		"last_activity_at", "reply_count", "boost_count", "pinned", "locked", "accepted_post_id", "staff_replied"}},
	{Table: "thread_views", Columns: []string{"thread_id", "view_count", "listed_view_count"}},
	{Table: "thread_tags", Columns: []string{"thread_id", "tag_id"}},
	{Table: "thread_links", Columns: []string{"thread_id", "target_id", "kind"}},
	{Table: "bulk_pins", Columns: []string{"scope", "thread_id"}},
	{Table: "posts", Columns: []string{"id", "thread_id", "author_id", "original", "body", "html", "created_at", "revision",
		"editor_id", "edited_at", "edit_summary", "boost_count", "staff_recommended", "file_count"}},
	{Table: "revisions", Columns: []string{"post_id", "number", "body", "editor_id", "created_at", "summary"}},
	{Table: "boosts", Columns: []string{"post_id", "user_id", "created_at"}},
	{Table: "attachments", Columns: []string{"id", "post_id", "author_id", "name", "content_type", "size", "sha256", "width",
		"height", "lines", "created_at", "search_text"}},
	// Index entries wait here until Close adds them all to the search index at once.
	{Table: "bulk_search", Columns: bulkSearchColumns},
}

// The indexes of threadTables, for threadRows.
const (
	threadsRows = iota
	viewsRows
	threadTagsRows
	linksRows
	pinsRows
	postsRows
	revisionsRows
	boostsRows
	attachmentsRows
	searchRows
)

// threadRows turns a batch of threads into rows for threadTables.
func (w *bulkWriter) threadRows(threads []parley.ThreadRecord) []TableRows {
	out := make([]TableRows, len(threadTables))
	copy(out, threadTables)
	add := func(table int, row ...any) { out[table].Rows = append(out[table].Rows, row) }
	index := func(search []any) [][]any { return [][]any{search} } // into bulk_search
	if load := w.s.d.Search; load.LoadRows != nil {
		out = append(out[:searchRows], load.LoadTables...)
		index = load.LoadRows
	}
	for i := range threads {
		r := &threads[i]
		t := &r.Thread
		add(threadsRows, t.ID, t.Title, t.SubtopicID, t.TopicID, t.Author.ID, JoinIDs(r.TagIDs), parley.Millis(t.CreatedAt),
			parley.Millis(t.LastActivityAt), t.ReplyCount, t.BoostCount, t.Pinned, t.Locked, nullID(t.AcceptedPostID), t.StaffReplied)
		add(viewsRows, t.ID, t.ViewCount, t.ViewCount)
		for _, id := range r.TagIDs {
			add(threadTagsRows, t.ID, id)
		}
		for _, l := range r.Links {
			add(linksRows, t.ID, l.TargetID, string(l.Kind))
		}
		for _, sc := range r.PinnedIn {
			add(pinsRows, sc.Key(), t.ID)
		}
		for j := range r.Posts {
			pr := &r.Posts[j]
			p := &pr.Post
			var edited *int64
			if !p.EditedAt.IsZero() {
				edited = nullID(parley.Millis(p.EditedAt))
			}
			if !t.Deleted && !p.Hidden {
				for i, row := range index(w.s.d.Search.Row(p.ID, p.ThreadID, p.Original, t.Title, p.HTML, fileTexts(pr.Attachments)...)) {
					if row != nil {
						add(searchRows+i, row...)
					}
				}
			}
			add(postsRows, p.ID, p.ThreadID, p.Author.ID, p.Original, p.Body, p.HTML, parley.Millis(p.CreatedAt), p.Revision,
				nullID(pr.EditorID), edited, pr.EditorSummary, p.BoostCount, p.StaffRecommended, len(pr.Attachments))
			for _, rev := range pr.Revisions {
				add(revisionsRows, p.ID, rev.Number, rev.Body, rev.Editor.ID, parley.Millis(rev.CreatedAt), rev.Summary)
			}
			for _, u := range pr.Boosters {
				add(boostsRows, p.ID, u, parley.Millis(p.CreatedAt))
			}
			for _, a := range pr.Attachments {
				add(attachmentsRows, w.fileID(a.ID), p.ID, p.Author.ID, a.Name, a.ContentType, a.Size, a.SHA256, a.Width, a.Height,
					a.Lines, parley.Millis(p.CreatedAt), a.Text)
			}
		}
	}
	return out
}

// listingsFromThreads derives every list entry from the threads and their tags, in key
// order so that the table and its primary key are written by appending, then marks the
// pins. The scope keys are parley.Scope.Key's: the kind above bit 40, the id below.
var listingsFromThreads = []string{
	listings(parley.ScopeAll, "0", "threads t", "t.id"),
	listings(parley.ScopeTopic, "t.topic_id", "threads t", "t.topic_id, t.id"),
	listings(parley.ScopeSubtopic, "t.subtopic_id", "threads t", "t.subtopic_id, t.id"),
	listings(parley.ScopeTag, "tt.tag_id", "thread_tags tt JOIN threads t ON t.id = tt.thread_id", "tt.tag_id, t.id"),
	`UPDATE thread_listings SET pinned = true WHERE (scope, thread_id) IN (SELECT scope, thread_id FROM bulk_pins)`,
	countAllLinks,
	`DROP TABLE bulk_pins`,
}

// listings returns the statement that makes the entries of the lists of one kind, whose id
// is the expression id, for the threads the from clause names t.
func listings(kind parley.ScopeKind, id, from, order string) string {
	return fmt.Sprintf(`INSERT INTO thread_listings SELECT %d | %s, t.id, t.created_at, t.last_activity_at, t.reply_count,
		t.boost_count, v.view_count, t.accepted_post_id IS NOT NULL, t.staff_replied, false
		FROM %s JOIN thread_views v ON v.thread_id = t.id ORDER BY %s`,
		parley.Scope{Kind: kind}.Key(), id, from, order)
}

// Close waits for the queued batches, derives the list entries and lets the sink finish;
// a load it cannot finish it takes back.
func (w *bulkWriter) Close(ctx context.Context) error {
	if w.done {
		return errors.New("the bulk load is closed already")
	}
	w.done = true
	defer w.s.forgetCaches() // what was read during the load
	err := w.finish(ctx)
	// After Finish, Abandon only hands back the connection.
	return errors.Join(err, w.sink.Abandon(ctx))
}

func (w *bulkWriter) finish(ctx context.Context) error {
	if err := w.waitBatches(); err != nil {
		return err
	}
	steps := listingsFromThreads
	if w.s.d.Search.LoadRows == nil {
		steps = append(append(slices.Clip(steps), w.s.d.Search.AddFrom("bulk_search")...), `DROP TABLE bulk_search`)
	}
	if err := ExecScript(ctx, w.sink, steps...); err != nil {
		return fmt.Errorf("finish bulk load: %w", err)
	}
	return w.sink.Finish(ctx)
}

// Abandon drops the queued batches, waits for the one being written and lets the sink
// take the load back.
func (w *bulkWriter) Abandon(ctx context.Context) error {
	if w.done {
		return nil
	}
	w.done = true
	defer w.s.forgetCaches()
	w.stopping.Store(true)
	w.waitBatches()
	return w.sink.Abandon(ctx)
}

// bulkSearchColumns are the columns of bulk_search, SearchDialect.AddFrom's.
var bulkSearchColumns = []string{"post_id", "thread_id", "original", "title_words", "title_code", "body_words", "body_code", "pairs"}

const createBulkSearch = `CREATE TEMP TABLE bulk_search (post_id BIGINT NOT NULL, thread_id BIGINT NOT NULL,
	original BOOLEAN NOT NULL, title_words TEXT NOT NULL, title_code TEXT NOT NULL, body_words TEXT NOT NULL,
	body_code TEXT NOT NULL, pairs TEXT NOT NULL)`

// fileTexts are the texts of a post's files that search indexes with it.
func fileTexts(files []parley.Attachment) []string {
	var texts []string
	for _, f := range files {
		if f.Text != "" {
			texts = append(texts, f.Text)
		}
	}
	return texts
}
