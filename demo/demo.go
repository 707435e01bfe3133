// Package demo generates a realistic developer forum — topics, tags, users, threads
// with long-tailed replies, staff answers, pinned resource posts with revision history —
// and loads it through a parley.BulkWriter. The same Config always yields the same
// forum, byte for byte, so load tests and benchmarks compare like with like. Besides the
// prose its templates write, questions name terms from a vocabulary of some 250,000
// identifiers, error codes, file names, bug numbers and builds (vocab.go), drawn by
// Zipf's law, so that searching a demo forum meets rare terms as well as common words.
//
// It is built for size: a million threads and five million posts take well under two
// minutes of one core. Post bodies are joined from a pool of pre-rendered fragments
// (see pool.go) instead of rendering each body, and records are carved from a few
// large allocations per batch.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parley-forum/parley"
	"github.com/parley-forum/parley/blob"
)

// Config sizes the generated forum.
type Config struct {
	Threads int // number of threads; thread ids are exactly 1..Threads
	Posts   int // total posts including original posts (>= Threads); replies are spread long-tailed
	Users   int
	Seed    int64
	Now     time.Time // timestamps spread over the ~4 years before Now
	// Blobs, when set, takes the contents of the files questions attach (crash reports,
	// logs, screenshots), which the records name by digest; without it no post carries a
	// file and the forum is otherwise the same.
	Blobs blob.Store
}

// Limits on a Config; beyond them memory or the id space runs out.
const (
	MaxThreads        = 100_000_000
	MaxUsers          = 50_000_000
	MinUsers          = 10
	MaxPostsPerThread = 200 // on average
)

// Validate reports config errors as *parley.Error with Field set to the flag name
// ("threads", "posts", "users", "now").
func (c Config) Validate() error {
	switch {
	case c.Threads < 1:
		return parley.Invalid("threads", "A demo forum needs at least 1 thread, not %d.", c.Threads)
	case c.Threads > MaxThreads:
		return parley.Invalid("threads", "A demo forum has at most %d threads.", MaxThreads)
	case c.Posts < c.Threads:
		return parley.Invalid("posts", "Posts (%d) must be at least threads (%d): every thread has an original post.", c.Posts, c.Threads)
	case c.Posts > c.Threads*MaxPostsPerThread:
		return parley.Invalid("posts", "At most %d posts per thread on average: %d posts need at least %d threads.", MaxPostsPerThread, c.Posts, (c.Posts+MaxPostsPerThread-1)/MaxPostsPerThread)
	case c.Users < MinUsers:
		return parley.Invalid("users", "A demo forum needs at least %d users, not %d.", MinUsers, c.Users)
	case c.Users > MaxUsers:
		return parley.Invalid("users", "A demo forum has at most %d users.", MaxUsers)
	case c.Now.IsZero():
		return parley.Invalid("now", "Set the time the forum's history ends.")
	}
	return nil
}

// Renderer renders Markdown to sanitised HTML (package markdown provides it; pass any
// implementation). It must render blocks separated by a blank line independently, as
// CommonMark renderers do; Generate checks that before using it.
type Renderer interface{ Render(markdown string) string }

// BatchSize is about how many threads Generate hands to BulkWriter.Threads at once.
const BatchSize = 2000

// Generate writes the whole forum to w: w.Topics, w.Tags, w.Users, then w.Threads in
// batches (about 2,000 threads per call), then w.Close. progress (may be nil) is called
// after each batch with the number of threads written so far.
//
// Records passed to w are not reused after the call returns, so a writer may keep
// them. Generate runs on the calling goroutine and calls r from it only.
func Generate(ctx context.Context, cfg Config, r Renderer, w parley.BulkWriter, progress func(threadsDone int)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if r == nil || w == nil {
		return errors.New("demo: Generate needs a renderer and a writer")
	}
	g := newGenerator(cfg)
	g.survey()
	g.assignIDs(newRand(cfg.Seed, streamUsers))
	p, err := newPool(ctx, cfg.Seed, poolScale(cfg.Posts), g.subs, int64(max(cfg.Threads/10, 1)), r)
	if err != nil {
		return err
	}
	g.pool = p

	if err := w.Topics(ctx, g.topics()); err != nil {
		return fmt.Errorf("demo: write topics: %w", err)
	}
	if err := w.Tags(ctx, g.tags); err != nil {
		return fmt.Errorf("demo: write tags: %w", err)
	}
	if err := w.Users(ctx, g.makeUsers(newRand(cfg.Seed, streamNames), r)); err != nil {
		return fmt.Errorf("demo: write users: %w", err)
	}

	plan := g.newPlanner()
	c := newContent(g, r)
	if cfg.Blobs != nil {
		c.files = newFiles(ctx, cfg.Blobs, cfg.Seed)
		defer c.files.wait() // stops the storing goroutine on the way out after a failure
	}
	for lo := 1; lo <= cfg.Threads; lo += BatchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+BatchSize-1, cfg.Threads)
		batch := c.batch(plan, int64(lo), int64(hi))
		if c.err != nil {
			return c.err
		}
		if err := w.Threads(ctx, batch); err != nil {
			return fmt.Errorf("demo: write threads %d to %d: %w", lo, hi, err)
		}
		if progress != nil {
			progress(hi)
		}
	}
	// Attachments' contents are stored before the load completes, as an upload's are
	// before its post.
	if c.files != nil {
		if err := c.files.wait(); err != nil {
			return fmt.Errorf("demo: store attached files: %w", err)
		}
	}
	if err := w.Close(ctx); err != nil {
		return fmt.Errorf("demo: close: %w", err)
	}
	return nil
}

// generator holds the forum's structure and what the first pass learned.
type generator struct {
	cfg             Config
	now, start, end int64 // milliseconds: Now, the first and the last thread's earliest time
	subs            []subInfo
	topicSubs       [][]int // subtopic indices of each topic
	subThreads      []int64
	tags            []parley.Tag
	tagRefs         []parley.TagRef
	tagHome         []int // subtopic index of each tag
	tagZipf         zipf
	replies         []int32 // by thread id - 1
	pins            []pin
	staffChance     float64 // that a thread gets a staff reply, given it has replies
	staff, mods     int     // how many users are staff (besides the admin) and moderators
	plans           []userPlan
	slotID          []int32 // user id of each slot
	idSlot          []int32 // slot of user id i+1
	created         []int64 // sign-up time of user id i+1
	authors         []parley.Author
	pool            *pool
}

func newGenerator(cfg Config) *generator {
	g := &generator{cfg: cfg, now: cfg.Now.UnixMilli()}
	g.start = g.now - span
	g.end = g.now - hour

	g.staff = max(1, cfg.Users/100)
	g.mods = max(1, min(cfg.Users/500, 25))

	bySub := map[string]int{}
	for ti := range topicSpecs {
		var subs []int
		for si := range topicSpecs[ti].subs {
			spec := &topicSpecs[ti].subs[si]
			bySub[spec.name] = len(g.subs)
			subs = append(subs, len(g.subs))
			g.subs = append(g.subs, subInfo{spec: spec, id: int64(len(g.subs) + 1), topic: ti, topicID: int64(ti + 1)})
		}
		g.topicSubs = append(g.topicSubs, subs)
	}
	g.subThreads = make([]int64, len(g.subs))
	for i, ts := range tagSpecs {
		sub, ok := bySub[ts.sub]
		if !ok {
			panic("demo: tag " + ts.name + " names unknown subtopic " + ts.sub)
		}
		slug := parley.Slugify(ts.name)
		g.tags = append(g.tags, parley.Tag{ID: int64(i + 1), Slug: slug, Name: ts.name, Description: ts.desc})
		g.tagRefs = append(g.tagRefs, parley.TagRef{Slug: slug, Name: ts.name})
		g.tagHome = append(g.tagHome, sub)
		s := &g.subs[sub]
		if len(s.homeTags) == 0 {
			s.tagName, s.tagSlug = ts.name, slug
		}
		s.homeTags = append(s.homeTags, i)
	}
	for i := range g.subs {
		s := &g.subs[i]
		if len(s.homeTags) == 0 {
			panic("demo: subtopic " + s.spec.name + " has no tags")
		}
		s.oses = osesOn(subPlatforms[s.spec.name])
	}
	g.tagZipf = newZipf(len(g.tags), 1.0)

	r := newRand(cfg.Seed, streamCounts)
	g.replies = replyCounts(r, cfg.Threads, cfg.Posts-cfg.Threads)
	g.pins = planPins(r, cfg.Threads, g.topicSubs)
	answered := 0
	for _, n := range g.replies {
		if n > 0 {
			answered++
		}
	}
	if answered > 0 {
		g.staffChance = min(staffShare*float64(cfg.Threads)/float64(answered), 1)
	}
	return g
}

// survey runs the first pass: it plans every thread and counts what the topics, tags
// and users must carry.
func (g *generator) survey() {
	g.plans = make([]userPlan, g.cfg.Users)
	post := func(slot int32, at int64) {
		u := &g.plans[slot]
		if u.posts == 0 || at < u.first {
			u.first = at
		}
		u.posts++
	}
	p := g.newPlanner()
	for id := int64(1); id <= int64(g.cfg.Threads); id++ {
		t := p.next(id)
		g.subThreads[t.sub]++
		for _, tag := range t.tags[:t.ntags] {
			g.tags[tag].ThreadCount++
		}
		g.plans[t.author].threads++
		post(t.author, t.created)
		for _, rp := range t.replies {
			post(rp.author, rp.at)
		}
	}
}

// topics returns the topics with their subtopics and thread counts.
func (g *generator) topics() []parley.Topic {
	topics := make([]parley.Topic, len(topicSpecs))
	for ti, ts := range topicSpecs {
		t := &topics[ti]
		*t = parley.Topic{ID: int64(ti + 1), Slug: parley.Slugify(ts.name), Name: ts.name, Description: ts.desc, Position: ti + 1}
		for pos, si := range g.topicSubs[ti] {
			s := &g.subs[si]
			t.Subtopics = append(t.Subtopics, parley.Subtopic{
				ID:          s.id,
				TopicID:     t.ID,
				Slug:        parley.Slugify(s.spec.name),
				Name:        s.spec.name,
				Description: s.spec.desc,
				Position:    pos + 1,
				ThreadCount: g.subThreads[si],
			})
		}
	}
	return topics
}
