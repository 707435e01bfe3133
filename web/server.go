// Package web serves the forum's pages, feeds and operational endpoints over HTTP.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/events"
	"github.com/parley-forum/parley/markdown"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	// BaseURL is the public address, used for absolute links in feeds and canonical URLs.
	BaseURL *url.URL
	// SiteName is shown in titles and feeds.
	SiteName string
	// PageTTL is how long a rendered page or feed may answer further requests for the same
	// URL from readers without a session; 0 renders every request afresh.
	PageTTL time.Duration
	// Markdown renders what users write; nil means the standard renderer.
	Markdown Renderer
	// NewAccountPeriod and NewAccountLinks hold back link spam: for this long after signing
	// up, a post may carry at most this many links to other sites. A zero period holds
	// nothing back; parley serve's defaults are 24 hours and 2 links.
	NewAccountPeriod time.Duration
	NewAccountLinks  int
	// AddressPosts is how many threads, replies and edits one network address may post at
	// once before it is slowed to one every two seconds, whoever is signed in: it stops one
	// machine posting through many fresh accounts. Previews have a limit of the same size
	// of their own. Zero means 30.
	AddressPosts int
	// Events carries changes between this node's parts and, when it crosses processes,
	// between nodes; nil means a bus within this process, right for a single node.
	Events events.Bus
	// ListCache, when the store caches list reads, is cleared on every event, so that a
	// change made on another node shows here at once.
	ListCache interface{ Clear() }
	// FreshReads, when the store reads from a replica, is how long after a write the
	// writer's reads go to the primary, so that they see what they wrote; 0 when there is
	// no replica.
	FreshReads time.Duration
	// Checks are dependencies besides the database that /readyz reports on.
	Checks []Check
	// Collectors add figures to /metrics, such as the database pool's.
	Collectors []prometheus.Collector
	// MetricsToken, when set, lets /metrics on the site's address answer requests that
	// carry it as a bearer token (Authorization: Bearer …). When empty, the site's
	// /metrics answers 404, and the figures are for MetricsHandler to serve on an
	// address only operators reach.
	MetricsToken string
	// Limits makes the rate limiters; nil means in this process's memory, right for a
	// single node. Nodes that share a database share their limits through it.
	Limits auth.Limits
	// Blobs holds attached files; it is required.
	Blobs blob.Store
	// MaxAttachmentSize and MaxAttachments bound the files of one post: bytes per file
	// and files per post. Zero means 5 MB and 5.
	MaxAttachmentSize int64
	MaxAttachments    int
	// MaxUploadBytesPerDay is how many bytes of files one account may send in any 24
	// hours (parley.UploadGrace), whether posted or not. Zero means 100 MB.
	MaxUploadBytesPerDay int64
	// MaxAccountStorage is how many bytes of files one account may hold at once: what it
	// sent in the last 24 hours and what its visible posts carry (see parley.UploadStore).
	// Zero means 1 GB.
	MaxAccountStorage int64
	// LiveStreamsPerAddress and LiveStreams cap the live-update streams open at once: from
	// one client address, and on this node. Zero means 20 (a reader with many tabs) and
	// 5,000 (each holds a file descriptor; keep it under the process's limit).
	LiveStreamsPerAddress int
	LiveStreams           int
	// Email says whether the forum sends email (parley serve --smtp-url): the notification
	// settings say so when it does not. Unsubscribe links work either way.
	Email bool
}

// Renderer turns a post's Markdown into sanitised HTML, once, when it is written.
type Renderer interface {
	Render(markdown string) string
}

// Pinger reports whether a dependency answers, for /readyz.
type Pinger interface {
	Ping(ctx context.Context) error
}

// ViewCounter records thread views without blocking.
type ViewCounter interface {
	Count(threadID int64, viewer string)
	// Unwritten is how many of a thread's views the counter holds that the store's count
	// does not have yet.
	Unwritten(threadID int64) int64
}

// Server holds the dependencies every handler shares.
type Server struct {
	cfg     Config
	origin  string // cfg.BaseURL without its path (originOf)
	store   parley.Store
	views   ViewCounter
	ready   Pinger
	log     *slog.Logger
	pages   *pages
	assets  *assets
	metrics *metrics
	cache   *pageCache
	diffs   *diffCache
	limits  limits
	events  events.Bus
	live    *liveHub
	posting *parley.Posting
	// unfollow ends the subscription to events; Close calls it.
	unfollow func()
	now      func() time.Time
}

// limits slow down guessing and mass sign-ups. Where they are kept is Config.Limits's
// choice: this node's memory, or the database that several nodes share.
//
// When a limit cannot be checked (its database does not answer), the limits that guard
// passwords and accounts refuse, since letting guesses through unchecked is exactly what
// an attacker who can slow the database would want, and the sign-in or sign-up behind them
// needs that database anyway. The posting and upload limits let the event through: they
// are a brake on members' floods, not a guard, and refusing a member's post because a
// counter was not read would turn a counter's trouble into an outage of writing.
type limits struct {
	signup       limit // per address
	emailLink    limit // verification and reset emails asked for, per network address and per mailbox
	loginIP      limit // sign-in attempts per address
	loginPair    limit // failed sign-ins per account and address
	loginAccount limit // failed sign-ins per account, from any address; see signInAllowed
	post         limit // new threads, replies and edits, per account (parley.PostingLimits)
	postIP       limit // new threads, replies and edits, per address, whoever is signed in
	preview      limit // previews, per account
	previewIP    limit // previews, per address, whoever is signed in
	upload       limit // files stored, per account
}

// limit is one rate limit, with its rate and what to answer when it cannot be checked.
type limit struct {
	auth.Limiter
	name     string
	every    time.Duration
	burst    int
	failOpen bool
}

func newLimits(l auth.Limits, addressPosts int) limits {
	guard := func(name string, every time.Duration, burst int) limit {
		return limit{Limiter: l.Limiter(name, every, burst), name: name, every: every, burst: burst}
	}
	brake := func(name string, every time.Duration, burst int) limit {
		return limit{Limiter: l.Limiter(name, every, burst), name: name, every: every, burst: burst, failOpen: true}
	}
	return limits{
		signup:       guard("signup", 20*time.Minute, 3),
		emailLink:    guard("email-link", 20*time.Minute, 3),
		loginIP:      guard("login-address", 6*time.Second, 10),
		loginPair:    guard("login-failed-pair", 10*time.Minute, 10),
		loginAccount: guard("login-failed-account", 12*time.Second, 5),
		post:         brake("post", 20*time.Second, 6),
		postIP:       brake("post-address", 2*time.Second, addressPosts),
		preview:      brake("preview", 20*time.Second, 6),
		previewIP:    brake("preview-address", 2*time.Second, addressPosts),
		upload:       brake("upload", 30*time.Second, 30),
	}
}

// allow reports whether key may act now under l, counting the event if so; when l cannot
// be checked, it logs why and answers as l was set to.
func (s *Server) allow(ctx context.Context, l limit, key string) bool {
	ok, err := l.Allow(ctx, key)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("rate limit not checked", "limit", l.name, "let_through", l.failOpen, "err", err)
		}
		return l.failOpen
	}
	return ok
}

// tokens is how many events key may have now under l, without counting one; when l cannot
// be checked, it logs why and answers as l was set to: a whole burst, or none.
func (s *Server) tokens(ctx context.Context, l limit, key string) float64 {
	n, err := l.Tokens(ctx, key)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("rate limit not checked", "limit", l.name, "let_through", l.failOpen, "err", err)
		}
		if l.failOpen {
			return float64(l.burst)
		}
		return 0
	}
	return n
}

// New builds the server and checks its templates and assets, so that a broken template
// stops the process at start-up rather than on a reader's request.
func New(cfg Config, store parley.Store, views ViewCounter, ready Pinger, log *slog.Logger) (*Server, error) {
	if cfg.SiteName == "" {
		cfg.SiteName = "Parley"
	}
	if cfg.Markdown == nil {
		cfg.Markdown = markdown.New()
	}
	if cfg.AddressPosts == 0 {
		cfg.AddressPosts = 30
	}
	if cfg.Limits == nil {
		cfg.Limits = auth.InMemory{}
	}
	if cfg.Blobs == nil {
		return nil, errors.New("web: no blob store for attachments")
	}
	if cfg.MaxAttachmentSize == 0 {
		cfg.MaxAttachmentSize = 5 << 20
	}
	if cfg.MaxAttachments == 0 {
		cfg.MaxAttachments = 5
	}
	if cfg.MaxUploadBytesPerDay == 0 {
		cfg.MaxUploadBytesPerDay = 100 << 20
	}
	if cfg.MaxAccountStorage == 0 {
		cfg.MaxAccountStorage = 1 << 30
	}
	if cfg.LiveStreamsPerAddress == 0 {
		cfg.LiveStreamsPerAddress = 20
	}
	if cfg.LiveStreams == 0 {
		cfg.LiveStreams = 5000
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	p, err := loadPages(a)
	if err != nil {
		return nil, err
	}
	m := newMetrics(cfg.Collectors...)
	if cfg.Events == nil {
		cfg.Events = events.NewLocal()
	}
	s := &Server{cfg: cfg, origin: originOf(cfg.BaseURL), store: store, views: views, ready: ready, log: log, pages: p, assets: a, metrics: m,
		cache: newPageCache(cfg.PageTTL), diffs: newDiffCache(maxDiffBytes), limits: newLimits(cfg.Limits, cfg.AddressPosts), events: cfg.Events, live: newLiveHub(cfg.LiveStreamsPerAddress, cfg.LiveStreams),
		now: time.Now}
	s.posting = &parley.Posting{Store: store, Markdown: cfg.Markdown, Clock: s.now, Log: log,
		Limits: parley.PostingLimits{Post: s.limits.post, PostAddress: s.limits.postIP, Preview: s.limits.preview, PreviewAddress: s.limits.previewIP},
		Links:  parley.LinkLimit{Period: cfg.NewAccountPeriod, Links: cfg.NewAccountLinks}}
	ch, unfollow := s.events.Subscribe()
	s.unfollow = unfollow
	go s.follow(ch)
	if n, ok := store.(changeNotifier); ok {
		n.OnChange(s.changed)
	}
	return s, nil
}

// changeNotifier is a store that announces each change it commits, before the write
// returns; the server clears its page cache and tells every node through the events bus.
type changeNotifier interface {
	OnChange(fn func(context.Context, events.Event))
}

// Close ends the live streams and stops following events.
func (s *Server) Close() {
	s.EndStreams()
	s.unfollow()
}

// Handler returns the whole site: the routes wrapped in the middleware every request passes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	origins := http.NewCrossOriginProtection()
	// The one-click unsubscribe is posted by mail services from wherever they are; the
	// link's token, not the browser's origin, says who may use it.
	origins.AddInsecureBypassPattern("POST /unsubscribe/{token}")
	return s.recoverPanics(s.observe(s.securityHeaders(s.plainText(origins.Handler(s.readYourWrites(s.withSession(notePattern(mux))))))))
}

// plainText refuses a URL holding a NUL byte or bytes that are not UTF-8: no page has such
// an address, and some databases (PostgreSQL) cannot even compare them with what they hold.
// Forms are cleaned as they are read, in readForm.
func (s *Server) plainText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isPlainText(r.URL.Path) || !plainQuery(r.URL.RawQuery) {
			s.renderError(w, r, parley.NotFound("There is no page at this address."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// absolute turns a site path into an absolute URL on the public address. A thread page
// makes a dozen (canonical, JSON-LD authors and replies), so a plain path, which resolving
// would only append to the address's origin, is appended without parsing.
func (s *Server) absolute(path string) string {
	if s.origin != "" && plainPath(path) {
		return s.origin + path
	}
	u := *s.cfg.BaseURL
	ref, err := url.Parse(path)
	if err != nil {
		return u.String()
	}
	return u.ResolveReference(ref).String()
}

// originOf is an address without its path: what a path from the root replaces.
func originOf(u *url.URL) string {
	if u == nil {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host}).String()
}

// plainPath reports whether path is a path from the site's root made of characters that
// need no escaping, without dot segments: one that URL resolution leaves as it is.
func plainPath(path string) bool {
	if len(path) == 0 || path[0] != '/' || strings.HasPrefix(path, "//") || strings.Contains(path, "/.") {
		return false
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/_-.~#?=&", c) >= 0) {
			return false
		}
	}
	return true
}

// plainQuery reports whether every name and value of a query is plain text. Only an
// escape can hide a NUL or a bad byte in a query that is itself plain, so most queries need
// no parsing here.
func plainQuery(raw string) bool {
	if !strings.Contains(raw, "%") {
		return isPlainText(raw)
	}
	q, _ := url.ParseQuery(raw)
	for k, vs := range q {
		if !isPlainText(k) || slices.ContainsFunc(vs, func(v string) bool { return !isPlainText(v) }) {
			return false
		}
	}
	return true
}
