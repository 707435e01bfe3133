package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/events"
)

// Live pages. A thread page keeps a Server-Sent Events stream open and receives each new
// reply as it is posted; a list page receives each new thread and offers to show them.
// Events only wake a stream: what it sends it reads from the store, after the last post or
// thread the reader has (the stream's Last-Event-ID), so a reconnecting reader, or one
// whose wake-up was lost, misses nothing.

const (
	// liveHeartbeat keeps idle streams open through proxies, and makes a stream look at
	// the store even if every event for it was lost.
	liveHeartbeat = 20 * time.Second
	// liveWriteTimeout drops a reader that stopped reading.
	liveWriteTimeout = 30 * time.Second
	// liveBatch bounds what one look at the store sends.
	liveBatch = 50
	// liveRetryAfter is when a refused stream may try again: long enough that a page
	// refused for being one of too many does not add to the load it was refused for.
	liveRetryAfter = 60 * time.Second
)

// liveHub wakes the streams watching a thread or a list when an event concerns them.
type liveHub struct {
	mu      sync.Mutex
	threads map[int64]map[chan struct{}]struct{}
	lists   map[int64]map[chan struct{}]struct{}
	readers map[int64]map[chan struct{}]struct{} // unread counts, by signed-in reader
	closing chan struct{}                        // closed when the server shuts down, ending every stream

	close sync.Once

	// Every open stream holds a connection, a goroutine and a file descriptor for as long
	// as its reader likes, so they are counted, per client address and in all, and refused
	// past perAddress and most.
	perAddress, most int
	open             map[string]int
	total            int
	ended            chan struct{} // closed, and replaced, each time a stream ends
}

func newLiveHub(perAddress, most int) *liveHub {
	return &liveHub{threads: map[int64]map[chan struct{}]struct{}{}, lists: map[int64]map[chan struct{}]struct{}{},
		readers: map[int64]map[chan struct{}]struct{}{},
		closing: make(chan struct{}), perAddress: perAddress, most: most, open: map[string]int{}, ended: make(chan struct{})}
}

// admit counts a new stream from addr and returns what ends it, or, past a cap, the
// status that refuses it: 429 when addr holds its share already, 503 when this node holds
// all it takes.
func (h *liveHub) admit(addr string) (end func(), refused int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.open[addr] >= h.perAddress:
		return nil, http.StatusTooManyRequests
	case h.total >= h.most:
		return nil, http.StatusServiceUnavailable
	}
	h.open[addr]++
	h.total++
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.open[addr]--; h.open[addr] == 0 {
			delete(h.open, addr)
		}
		h.total--
		close(h.ended)
		h.ended = make(chan struct{})
	}, 0
}

// streams is how many streams are open, and a channel closed when one of them ends.
func (h *liveHub) streams() (int, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total, h.ended
}

// admitStream counts the request's stream, or answers it with the refusal and returns
// false. The refusal is a short text, not an error page: its reader is a script, and a
// browser's EventSource gives up on any answer but 200 (app.js then waits before trying
// again, at least Retry-After).
func (s *Server) admitStream(w http.ResponseWriter, r *http.Request) (end func(), ok bool) {
	end, refused := s.live.admit(clientIP(r))
	if refused == 0 {
		return end, true
	}
	msg := "Too many live updates are open from your address; close some pages and try again later."
	if refused == http.StatusServiceUnavailable {
		msg = "This server follows as many live updates as it can; try again later."
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(liveRetryAfter/time.Second)))
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, refused)
	return nil, false
}

// watch registers a wake-up channel for key in m until stop is called.
func (h *liveHub) watch(m map[int64]map[chan struct{}]struct{}, key int64) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if m[key] == nil {
		m[key] = map[chan struct{}]struct{}{}
	}
	m[key][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(m[key], ch)
		if len(m[key]) == 0 {
			delete(m, key)
		}
		h.mu.Unlock()
	}
}

// notify wakes the streams an event concerns; every stream, when the event may stand for
// others that were lost.
func (h *liveHub) notify(e events.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch e.Kind {
	case events.ThreadChanged:
		wake(h.threads[e.ThreadID])
	case events.ThreadAdded:
		for _, key := range e.Lists {
			wake(h.lists[key])
		}
	case events.Notified:
		// The event does not say whom: a fan-out may tell thousands. Each reader's stream
		// reads its own count, and sends it only when it changed.
		for _, set := range h.readers {
			wake(set)
		}
	case events.Lost:
		for _, m := range []map[int64]map[chan struct{}]struct{}{h.threads, h.lists, h.readers} {
			for _, set := range m {
				wake(set)
			}
		}
	}
}

func wake(set map[chan struct{}]struct{}) {
	for ch := range set {
		select {
		case ch <- struct{}{}:
		default: // already due to look
		}
	}
}

// EndStreams ends every live stream, so that a graceful shutdown need not wait for readers
// who would otherwise stay connected; their browsers reconnect to another node.
func (s *Server) EndStreams() { s.live.close.Do(func() { close(s.live.closing) }) }

// follow receives the bus's events until it closes: each clears the caches, so that other
// nodes' writes show at once, then wakes the streams it concerns.
func (s *Server) follow(ch <-chan events.Event) {
	for e := range ch {
		if e.Kind == events.Notified { // changes no shared page
			s.live.notify(e)
			continue
		}
		if s.cfg.ListCache != nil {
			s.cfg.ListCache.Clear()
		}
		s.cache.clear()
		s.live.notify(e)
	}
}

// changed is told of every change the store commits, before the write returns: it clears
// this node's page cache at once, so the writer sees the write, and tells every node.
func (s *Server) changed(ctx context.Context, e events.Event) {
	if e.Kind == events.ViewsCounted {
		return // pages show views up to their time to live late (events.ViewsCounted)
	}
	if e.Kind != events.Notified { // changes no shared page
		s.cache.clear()
	}
	if err := s.events.Publish(context.WithoutCancel(ctx), e); err != nil {
		s.log.Warn("publish event", "kind", e.Kind, "thread", e.ThreadID, "err", err)
	}
}

// stream is one Server-Sent Events response.
type stream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func startStream(w http.ResponseWriter) (*stream, error) {
	st := &stream{w: w, rc: http.NewResponseController(w)}
	// The server's read timeout suits requests, not a stream that stays open: left set, it
	// would end the stream when it fell due. A reader who left is found by the next write.
	if err := st.rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return nil, err
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies such as nginx must pass events on at once
	w.WriteHeader(http.StatusOK)
	return st, st.write("retry: 3000\n\n")
}

func (st *stream) write(s string) error {
	if err := st.rc.SetWriteDeadline(time.Now().Add(liveWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if _, err := st.w.Write([]byte(s)); err != nil {
		return err
	}
	return st.rc.Flush()
}

// send writes one event; data may hold several lines.
func (st *stream) send(id int64, event, data string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %d\nevent: %s\n", id, event)
	for line := range strings.SplitSeq(data, "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	return st.write(b.String())
}

// lastEventID is where a stream starts: after the Last-Event-ID a reconnecting browser
// sends, or else after the id in the URL's after, the newest the page showed.
func lastEventID(r *http.Request) (int64, error) {
	raw := r.Header.Get("Last-Event-ID")
	if raw == "" {
		raw = r.URL.Query().Get("after")
	}
	return parsePostCursor(raw)
}

// runStream sends what catchUp finds, then waits to be woken, or for the heartbeat, and does it
// again, until the reader leaves or the server shuts down.
func (s *Server) runStream(ctx context.Context, st *stream, wake <-chan struct{}, catchUp func() error) {
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	for {
		if err := catchUp(); err != nil {
			if ctx.Err() == nil {
				s.log.Debug("live stream ended", "err", err)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-s.live.closing:
			return
		case <-wake:
		case <-beat.C:
			if st.write(": ping\n\n") != nil {
				return
			}
		}
	}
}

// handleThreadLive streams a thread's new replies, each as the HTML the thread page shows
// for it, with the buttons the reader may use.
func (s *Server) handleThreadLive() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		end, ok := s.admitStream(w, r)
		if !ok {
			return
		}
		defer end()
		r = r.WithContext(parley.ReadPrimary(r.Context())) // woken by a write a replica may not have yet
		id, err := pathID(r, "thread")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		after, err := lastEventID(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		t, err := s.readableThread(r, id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		csrf := ""
		if viewerFrom(r.Context()) != nil {
			csrf = s.csrfToken(w, r)
		}
		wakeUp, stop := s.live.watch(s.live.threads, id)
		defer stop()
		st, err := startStream(w)
		if err != nil {
			return
		}
		s.runStream(r.Context(), st, wakeUp, func() error {
			return s.sendReplies(r, st, t, &after, csrf)
		})
	})
}

// sendReplies sends the replies written after *after, moving it on.
func (s *Server) sendReplies(r *http.Request, st *stream, t parley.Thread, after *int64, csrf string) error {
	for {
		posts, err := s.store.Posts(r.Context(), t.ID, *after, liveBatch)
		if err != nil {
			return err
		}
		me := viewerFrom(r.Context())
		for _, p := range posts {
			*after = p.ID
			if p.Hidden && !moderates(r) {
				continue
			}
			pv := newPostView(p, t.AcceptedPostID)
			pv.Actions = actionsFor(me, t, p, csrf)
			if err := st.send(p.ID, "reply", string(postItem(&pv))); err != nil {
				return err
			}
		}
		if len(posts) < liveBatch {
			return nil
		}
	}
}

// handleListLive streams the threads started in one list (list=all, topic:ID, subtopic:ID
// or tag:ID) after thread id after, newest last, each as its id and title.
func (s *Server) handleListLive() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		end, ok := s.admitStream(w, r)
		if !ok {
			return
		}
		defer end()
		r = r.WithContext(parley.ReadPrimary(r.Context()))
		sc, err := parseLiveList(r.URL.Query().Get("list"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		after, err := lastEventID(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		wakeUp, stop := s.live.watch(s.live.lists, sc.Key())
		defer stop()
		fresh := after == 0
		if fresh { // a first connection follows from the list's newest thread on
			if after, err = s.newestIn(r.Context(), sc); err != nil {
				s.renderError(w, r, err)
				return
			}
		}
		st, err := startStream(w)
		if err != nil {
			return
		}
		if fresh { // an id alone sets the browser's Last-Event-ID, for reconnecting
			if st.write("id: "+strconv.FormatInt(after, 10)+"\n\n") != nil {
				return
			}
		}
		s.runStream(r.Context(), st, wakeUp, func() error {
			return s.sendThreads(r.Context(), st, sc, &after)
		})
	})
}

// newestIn is the highest thread id among a list's newest threads, 0 for an empty list:
// the threads sendThreads looks at, so none of them is taken for new. (Imported threads
// need not have ids in the order they were written; threads written here do.)
func (s *Server) newestIn(ctx context.Context, sc parley.Scope) (int64, error) {
	page, err := s.store.Threads(ctx, parley.ListQuery{Scope: sc, Sort: parley.SortNewest, Limit: liveBatch})
	var newest int64
	for _, t := range page.Threads {
		newest = max(newest, t.ID)
	}
	return newest, err
}

// sendThreads sends the list's threads newer than *after, oldest first, moving it on. A
// list's newest threads are its first page by the newest sort.
func (s *Server) sendThreads(ctx context.Context, st *stream, sc parley.Scope, after *int64) error {
	page, err := s.store.Threads(ctx, parley.ListQuery{Scope: sc, Sort: parley.SortNewest, Limit: liveBatch})
	if err != nil {
		return err
	}
	threads := slices.DeleteFunc(page.Threads, func(t parley.Thread) bool { return t.ID <= *after })
	slices.Reverse(threads)
	for _, t := range threads {
		if err := st.send(t.ID, "thread", t.Title); err != nil {
			return err
		}
		*after = t.ID
	}
	return nil
}

// parseLiveList reads a list name: "all", or a kind and an id such as "tag:12".
func parseLiveList(raw string) (parley.Scope, error) {
	if raw == "all" {
		return parley.Scope{Kind: parley.ScopeAll}, nil
	}
	kind, rawID, _ := strings.Cut(raw, ":")
	id, err := strconv.ParseInt(rawID, 10, 64)
	k, known := map[string]parley.ScopeKind{"topic": parley.ScopeTopic, "subtopic": parley.ScopeSubtopic, "tag": parley.ScopeTag}[kind]
	if err != nil || id <= 0 || !known {
		return parley.Scope{}, parley.Invalid("list", "There is no list %q to follow.", raw)
	}
	return parley.Scope{Kind: k, ID: id}, nil
}

// liveListName is the list= value for a scope, for the list pages' data-live attribute.
func liveListName(sc parley.Scope) string {
	switch sc.Kind {
	case parley.ScopeTopic:
		return "topic:" + strconv.FormatInt(sc.ID, 10)
	case parley.ScopeSubtopic:
		return "subtopic:" + strconv.FormatInt(sc.ID, 10)
	case parley.ScopeTag:
		return "tag:" + strconv.FormatInt(sc.ID, 10)
	}
	return "all"
}
