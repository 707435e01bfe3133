package demo

import (
	"math"
	"math/rand/v2"
)

// The generator works in two passes over the threads. The first plans each thread's
// shape — time, subtopic, tags, authors, reply times — to learn every counter the
// topics, tags and users must carry, because those are written before any thread. The
// second replays the same plan from the same seed and writes the threads with their
// content. Replaying costs a few random draws per post; keeping the plan would cost
// memory in proportion to the posts.

const (
	day  = int64(24 * 60 * 60 * 1000) // milliseconds
	hour = int64(60 * 60 * 1000)
	// span is how far back the forum goes.
	span = 4 * 365 * day
)

// subInfo is a subtopic as the generator uses it.
type subInfo struct {
	spec    *subSpec
	id      int64
	topic   int // index into topicSpecs
	topicID int64
	// homeTags are the tags whose threads usually live here, most popular first.
	homeTags []int
	// tagName and tagSlug are of homeTags[0], which resource posts link to.
	tagName, tagSlug string
	// oses are the OS versions its questions run on (subPlatforms).
	oses []string
}

// pin is a thread planned as a pinned resource post.
type pin struct {
	thread int64
	sub    int
}

// replyPlan is one reply's author (a user slot, see users.go) and time in milliseconds.
type replyPlan struct {
	author int32
	at     int64
}

// threadPlan is everything about a thread that a counter depends on.
type threadPlan struct {
	id      int64
	created int64 // milliseconds since the Unix epoch
	sub     int
	tags    [5]int
	ntags   int
	author  int32 // user slot
	pinned  bool
	replies []replyPlan
	// The question's subject: its story (an index into stories), the values of its
	// blanks (by expander key) and the title they make.
	story    int
	scenario [numKeys]string
	title    []byte
	// terms are the kinds of the vocabulary's terms the question names, in
	// scenario[kSym:kSym+nterms].
	terms  [3]termKind
	nterms int
}

// Reply-count shape: ~30% of threads unanswered, most of the rest with 1–5 replies,
// a tail reaching 200.
var smallReplyWeights = []int{34, 24, 17, 14, 11} // for 1..5 replies

const (
	unansweredShare = 0.30
	tailMin         = 6
	tailMax         = 200
	tailExponent    = 1.6
	staffShare      = 0.15 // of all threads
)

// replyCounts returns how many replies each thread gets, summing exactly to replies.
func replyCounts(r *rand.Rand, threads, replies int) []int32 {
	counts := make([]int32, threads)
	if replies == 0 {
		return counts
	}
	smallMean := 0.0
	for i, w := range smallReplyWeights {
		smallMean += float64((i+1)*w) / 100
	}
	tail := newZipf(tailMax-tailMin+1, tailExponent)
	tailMean, prev := 0.0, 0.0
	for i, c := range tail.cdf {
		tailMean += float64(tailMin+i) * (c - prev)
		prev = c
	}

	mean := float64(replies) / float64(threads)
	zero := unansweredShare
	target := mean / (1 - zero) // mean of the threads that have replies
	tailShare := 0.0
	if target < smallMean {
		zero = 1 - mean/smallMean
	} else {
		tailShare = min((target-smallMean)/(tailMean-smallMean), 1)
	}

	sum, nonzero := 0, 0
	for i := range counts {
		var n int
		switch {
		case r.Float64() < zero:
		case r.Float64() < tailShare:
			n = tailMin + tail.draw(r)
		default:
			n = 1 + weighted(r, smallReplyWeights)
		}
		counts[i] = int32(n)
		sum += n
		if n > 0 {
			nonzero++
		}
	}

	// Hit the total exactly: spread what is missing over threads that already have
	// replies (so the unanswered share holds), or take the excess from them.
	diff := replies - sum
	if diff > 0 && nonzero > 0 && diff >= nonzero {
		each := int32(diff / nonzero)
		for i, c := range counts {
			if c > 0 {
				counts[i] += each
			}
		}
		diff -= int(each) * nonzero
	}
	for diff > 0 {
		i := r.IntN(threads)
		for t := 0; t < 8 && counts[i] == 0 && nonzero > 0; t++ {
			i = r.IntN(threads)
		}
		counts[i]++
		diff--
	}
	for diff < 0 {
		i := r.IntN(threads)
		for counts[i] == 0 {
			i = (i + 1) % threads
		}
		counts[i]--
		diff++
	}
	return counts
}

// planPins picks the pinned resource threads: about one in a thousand, at most two per
// subtopic, at least one per topic in a forum of 100 threads or more, spread evenly over
// time and over the subtopics of each topic.
func planPins(r *rand.Rand, threads int, topicSubs [][]int) []pin {
	subs := 0
	for _, t := range topicSubs {
		subs += len(t)
	}
	// Real forums pin a handful of resource posts per subtopic, however large they grow.
	n := min(max(threads/1000, 1), 2*subs)
	if threads >= 100 {
		n = max(n, len(topicSubs))
	}
	n = min(n, threads)
	pins := make([]pin, n)
	for k := range pins {
		lo, hi := k*threads/n, (k+1)*threads/n
		subs := topicSubs[k%len(topicSubs)]
		pins[k] = pin{
			thread: int64(1 + lo + r.IntN(hi-lo)),
			sub:    subs[(k/len(topicSubs))%len(subs)],
		}
	}
	return pins
}

// planner draws thread plans in id order. Two planners made by newPlanner draw the
// same plans.
type planner struct {
	g    *generator
	r    *rand.Rand
	sc   *scenarios
	prev int64 // the previous thread's creation time
	pin  int   // index of the next pin
	cur  threadPlan
	buf  []replyPlan
}

func (g *generator) newPlanner() *planner {
	r := newRand(g.cfg.Seed, streamPlan)
	return &planner{g: g, r: r, sc: g.newScenarios(r)}
}

var tagCountWeights = []int{40, 30, 18, 8, 4} // for 1..5 tags

// next plans thread id. The plan it returns is overwritten by the following call.
func (p *planner) next(id int64) *threadPlan {
	g, r := p.g, p.r
	t := &p.cur
	*t = threadPlan{id: id, title: t.title[:0]}

	// Creation times follow the square root of the thread's rank: density grows
	// linearly towards now, the way a forum's traffic grows.
	x := math.Sqrt((float64(id-1) + r.Float64()) / float64(g.cfg.Threads))
	t.created = max(g.start+int64(x*float64(g.end-g.start)), p.prev+1)
	p.prev = t.created

	if p.pin < len(g.pins) && g.pins[p.pin].thread == id {
		// A resource post is tagged with its subtopic's main tag, which it points to.
		t.pinned = true
		t.sub = g.pins[p.pin].sub
		p.pin++
		t.tags[0], t.ntags = g.subs[t.sub].homeTags[0], 1
		t.author = g.staffSlot(r)
		p.sc.resource(t)
	} else {
		primary := g.tagZipf.draw(r)
		t.sub = g.tagHome[primary]
		p.sc.question(t, primary, 1+weighted(r, tagCountWeights))
		if chance(r, 0.02) {
			t.author = g.staffSlot(r)
		} else {
			t.author = g.askerSlot(r)
		}
	}

	n := int(g.replies[id-1])
	p.buf = p.buf[:0]
	staffThread := chance(r, g.staffChance)
	first := 0
	if n > 1 && chance(r, 0.5) {
		first = r.IntN(n)
	}
	staff := g.staffSlot(r)
	at := t.created
	for i := range n {
		median, sigma := 5*float64(hour), 1.8
		if i == 0 {
			median, sigma = 3*float64(hour), 1.6
		}
		at += max(int64(logNormal(r, math.Log(median), sigma)), 1000)
		var a int32
		switch {
		case staffThread && i == first:
			a = staff
		case staffThread && i > first && chance(r, 0.35):
			a = staff
		case i > 0 && chance(r, 0.25):
			a = t.author
		default:
			a = g.answererSlot(r)
		}
		p.buf = append(p.buf, replyPlan{author: a, at: at})
	}
	if n > 0 && p.buf[n-1].at > g.now {
		fitReplies(p.buf, t.created, g.now-quietTime(r, g.now-t.created))
	}
	t.replies = p.buf
	return t
}

// quietTime is how long before now the last reply of a thread whose replies would run
// past now was written. Squeezing every such thread to end exactly at now would show a
// fresh forum's busiest threads all active "just now"; a log-normal pause (median six
// hours) spreads them over the last hours and days, as a real forum's front page is.
// It is at least a minute and at most half the thread's age.
func quietTime(r *rand.Rand, age int64) int64 {
	quiet := max(int64(logNormal(r, math.Log(float64(6*hour)), 1.5)), 60_000)
	return min(quiet, age/2)
}

// fitReplies squeezes reply times that run past now into the time between the
// thread's creation and now, keeping them in order and at least a millisecond apart.
func fitReplies(rs []replyPlan, created, now int64) {
	if len(rs) == 0 {
		return
	}
	if last := rs[len(rs)-1].at; last > now {
		f := float64(now-created) / float64(last-created)
		for i := range rs {
			rs[i].at = created + int64(float64(rs[i].at-created)*f)
		}
	}
	prev := created
	for i := range rs {
		rs[i].at = max(rs[i].at, prev+1)
		prev = rs[i].at
	}
}
