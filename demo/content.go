package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/parley-forum/parley"
)

// content runs the second pass: it turns thread plans into records with titles,
// bodies, boosts, views, accepted answers and revisions, drawing from its own stream.
type content struct {
	g        *generator
	r        *rand.Rand
	e        *expander
	par      *paragraphs
	files    *files // nil: questions attach nothing
	err      error  // the first failure to make a paragraph or a file
	md, html []byte
	parts    []string // the sentences of a paragraph being written
	ids      [4]int32
	nextPost int64
	boosters slab[int64]
}

func newContent(g *generator, rend Renderer) *content {
	r := newRand(g.cfg.Seed, streamContent)
	return &content{g: g, r: r, e: &expander{r: r}, par: newParagraphs(rend), nextPost: 1}
}

func ms(t int64) time.Time { return time.UnixMilli(t).UTC() }

// batch builds the records of threads lo..hi. Each batch gets fresh memory, carved
// from a few allocations, since the writer may keep the records.
func (c *content) batch(p *planner, lo, hi int64) []parley.ThreadRecord {
	g := c.g
	n := int(hi - lo + 1)
	total := 0
	for id := lo; id <= hi; id++ {
		total += int(g.replies[id-1]) + 1
	}
	recs := make([]parley.ThreadRecord, n)
	posts := make([]parley.PostRecord, total)
	tagIDs := make([]int64, 5*n)
	tagRefs := make([]parley.TagRef, 5*n)
	c.boosters = slab[int64]{size: 16 << 10}
	for i := range recs {
		t := p.next(lo + int64(i))
		rec := &recs[i]
		k, np := t.ntags, len(t.replies)+1
		rec.TagIDs = tagIDs[5*i : 5*i+k : 5*i+k]
		rec.Thread.Tags = tagRefs[5*i : 5*i+k : 5*i+k]
		rec.Posts, posts = posts[:np:np], posts[np:]
		c.thread(t, rec)
	}
	return recs
}

// Body roles pick which fragments a body is made of.
type bodyRole int

const (
	roleQuestion bodyRole = iota
	roleAnswer
	roleFollowUp // a reply by the thread's author
)

type bodyShape struct {
	footnote float64  // chance of a single fragment with a footnote
	foot     fragKind // its kind
	lengths  []int    // weights of 1..4 fragments, the lead included
	lead     fragKind // fragScenario: the thread's own first paragraph
	extras   []fragKind
	weights  []int
}

// fragScenario marks a body that opens with its thread's scenario (scenario.go), a
// paragraph of its own rather than a fragment of the pool.
const fragScenario = numKinds

var bodyShapes = [...]bodyShape{
	roleQuestion: {
		lengths: []int{30, 35, 22, 13}, lead: fragScenario,
		extras:  []fragKind{fragAskMore, fragCode, fragLog, fragListAsk, fragSteps},
		weights: []int{30, 35, 15, 10, 10},
	},
	roleAnswer: {
		footnote: 0.015, foot: fragFootAnswer, lengths: []int{40, 35, 18, 7}, lead: fragAnswerLead,
		extras:  []fragKind{fragAnswerMore, fragCode, fragListAnswer, fragLog},
		weights: []int{40, 35, 20, 5},
	},
	roleFollowUp: {
		lengths: []int{70, 20, 10}, lead: fragFollow,
		extras:  []fragKind{fragAskMore, fragCode, fragLog},
		weights: []int{50, 25, 25},
	},
}

// compose picks the fragments of a body in subtopic sub and returns them (in c.ids):
// all of them, or all after the scenario paragraph when the role's bodies open with one.
func (c *content) compose(sub int, role bodyRole) []int32 {
	r := c.r
	sp := &c.g.pool.subs[sub]
	shape := &bodyShapes[role]
	if shape.footnote > 0 && chance(r, shape.footnote) {
		list := sp.kinds[shape.foot]
		c.ids[0] = list[r.IntN(len(list))]
		return c.ids[:1]
	}
	n := 1 + weighted(r, shape.lengths)
	first := 0
	if shape.lead == fragScenario {
		n--
	} else {
		lead := sp.kinds[shape.lead]
		c.ids[0] = lead[r.IntN(len(lead))]
		first = 1
	}
	for i := first; i < n; i++ {
		list := sp.kinds[shape.extras[weighted(r, shape.weights)]]
		id := list[r.IntN(len(list))]
		for t := 0; t < 3 && slices.Contains(c.ids[:i], id); t++ {
			id = list[r.IntN(len(list))]
		}
		c.ids[i] = id
	}
	return c.ids[:n]
}

func (c *content) thread(t *threadPlan, rec *parley.ThreadRecord) {
	g, r := c.g, c.r
	sub := &g.subs[t.sub]
	op := g.authorOf(t.author)

	th := &rec.Thread
	th.ID = t.id
	th.Title = string(t.title)
	th.SubtopicID = sub.id
	th.TopicID = sub.topicID
	th.Author = *op
	for i, tag := range t.tags[:t.ntags] {
		rec.TagIDs[i] = g.tags[tag].ID
		th.Tags[i] = g.tagRefs[tag]
	}
	th.CreatedAt = ms(t.created)
	th.LastActivityAt = th.CreatedAt
	th.ReplyCount = int64(len(t.replies))

	// The accepted answer is chosen from the plan first, since it draws boosts.
	accepted := -1
	firstStaff, others := -1, 0
	for i, rp := range t.replies {
		if rp.author == t.author {
			continue
		}
		others++
		if firstStaff < 0 && g.role(rp.author).IsStaff() {
			firstStaff = i
		}
	}
	if others > 0 && chance(r, 0.4) {
		if firstStaff >= 0 && chance(r, 0.6) {
			accepted = firstStaff
		} else {
			k := r.IntN(min(others, 3))
			for i, rp := range t.replies {
				if rp.author != t.author {
					if k == 0 {
						accepted = i
						break
					}
					k--
				}
			}
		}
	}

	// The original post.
	pr := &rec.Posts[0]
	c.post(pr, t.id, op, t.created)
	pr.Post.Original = true
	if t.pinned {
		c.resource(pr, t, op)
		pr.Boosters = c.boost(op.ID, 1, 8)
	} else {
		c.question(pr, t)
		pr.Boosters = c.boost(op.ID, 0.22, 1)
	}
	pr.Post.BoostCount = int64(len(pr.Boosters))
	th.BoostCount = pr.Post.BoostCount

	for i, rp := range t.replies {
		a := g.authorOf(rp.author)
		pr := &rec.Posts[i+1]
		c.post(pr, t.id, a, rp.at)
		role := roleAnswer
		if rp.author == t.author {
			role = roleFollowUp
		}
		c.reply(pr, t, role)
		staff := a.Role.IsStaff()
		if staff {
			th.StaffReplied = true
			pr.Post.StaffRecommended = chance(r, 0.03)
		}
		switch {
		case i == accepted:
			th.AcceptedPostID = pr.Post.ID
			pr.Boosters = c.boost(a.ID, 0.6, 2)
		case staff:
			pr.Boosters = c.boost(a.ID, 0.3, 1)
		default:
			pr.Boosters = c.boost(a.ID, 0.1, 1)
		}
		pr.Post.BoostCount = int64(len(pr.Boosters))
		th.LastActivityAt = pr.Post.CreatedAt
	}

	// Views grow with replies and age, log-normally; resource posts are read by many.
	ageDays := float64(g.now-t.created) / float64(day)
	views := logNormal(r, 3.0+0.9*math.Log1p(float64(len(t.replies)))+0.25*math.Log1p(ageDays), 1.0)
	if t.pinned {
		views *= 20
	}
	th.ViewCount = int64(views) + 2*int64(len(t.replies)) + 1
	// Moderators lock the odd long, old argument, never a short question.
	th.Locked = ageDays > 180 && len(t.replies) >= 10 && chance(r, 0.02)

	if t.pinned {
		th.Pinned = true
		rec.PinnedIn = make([]parley.Scope, 0, 1+t.ntags)
		rec.PinnedIn = append(rec.PinnedIn, parley.Scope{Kind: parley.ScopeSubtopic, ID: sub.id})
		for _, id := range rec.TagIDs {
			rec.PinnedIn = append(rec.PinnedIn, parley.Scope{Kind: parley.ScopeTag, ID: id})
		}
	}
}

// post fills the fields every post has.
func (c *content) post(pr *parley.PostRecord, thread int64, a *parley.Author, at int64) {
	pr.Post.ID = c.nextPost
	c.nextPost++
	pr.Post.ThreadID = thread
	pr.Post.Author = *a
	pr.Post.CreatedAt = ms(at)
	pr.Post.Revision = 1
}

// question gives a thread's original post its body: the scenario's paragraph, which
// names the vocabulary's terms the question is about, then fragments of the pool.
func (c *content) question(pr *parley.PostRecord, t *threadPlan) {
	c.scenario(t)
	st := &stories[t.story]
	c.parts = append(c.parts[:0], st.opener)
	var used [3]int // which sentence each term got: two terms of a kind get different ones
	for i := range t.nterms {
		k := t.terms[i]
		list := termSentences[i][k].ask
		taken := func(j int) bool {
			for p := range i {
				if t.terms[p] == k && used[p] == j {
					return true
				}
			}
			return false
		}
		j := c.r.IntN(len(list))
		for taken(j) {
			j = (j + 1) % len(list)
		}
		used[i] = j
		c.parts = append(c.parts, list[j])
	}
	if kind := c.attachment(st); kind != noFile && c.files != nil {
		file, ok, err := c.files.attach(kind, &c.g.subs[t.sub], &t.scenario, t.created)
		c.fail(err)
		if ok {
			pr.Attachments = []parley.Attachment{{File: file}}
			c.parts = append(c.parts, attachedNotes[kind])
		}
	}
	if chance(c.r, 0.4) {
		c.parts = append(c.parts, pick(c.r, askClosers))
	}
	var err error
	c.md, c.html, err = c.par.paragraph(c.e, c.md[:0], c.html[:0], c.parts...)
	c.fail(err)
	c.body(pr, c.compose(t.sub, roleQuestion), string(c.md), string(c.html))
}

// scenario readies the expander with question t's values.
func (c *content) scenario(t *threadPlan) {
	e := c.e
	e.reset(&c.g.subs[t.sub])
	e.vals = t.scenario
	for _, k := range scenarioKeys {
		e.set[k] = true
	}
	for i := range t.nterms {
		e.set[kSym+i] = true
	}
}

// Shares of replies that open by naming one of their question's terms: askers repeat
// them when they follow up, others when they answer.
const (
	answerTermShare = 0.3
	followTermShare = 0.4
)

// reply gives a reply its body. Now and then it opens with a sentence about one of the
// terms its question names, unless the body is one with a footnote, which must stand
// alone (see pool.go).
func (c *content) reply(pr *parley.PostRecord, t *threadPlan, role bodyRole) {
	ids := c.compose(t.sub, role)
	share := answerTermShare
	if role == roleFollowUp {
		share = followTermShare
	}
	footnote := len(ids) == 1 && c.g.pool.frags[ids[0]].kind == fragFootAnswer
	if t.pinned || t.nterms == 0 || footnote || !chance(c.r, share) {
		c.body(pr, ids, "", "")
		return
	}
	c.scenario(t)
	i := c.r.IntN(t.nterms)
	kinds := &termSentences[i][t.terms[i]]
	list := kinds.answer
	if role == roleFollowUp {
		list = kinds.follow
	}
	var err error
	c.md, c.html, err = c.par.paragraph(c.e, c.md[:0], c.html[:0], pick(c.r, list))
	c.fail(err)
	c.body(pr, ids, string(c.md), string(c.html))
}

// attachment draws the kind of file a question of story st carries: mostly the story's
// own, now and then a log or a screenshot.
func (c *content) attachment(st *story) fileKind {
	switch {
	case st.attach != noFile && chance(c.r, 0.7):
		return st.attach
	case chance(c.r, 0.05):
		return fileLog
	case chance(c.r, 0.03):
		return fileDialog
	}
	return noFile
}

// fail keeps the first error, which Generate returns after the batch.
func (c *content) fail(err error) {
	if err != nil && c.err == nil {
		c.err = err
	}
}

// body gives an ordinary post its body, the fragments ids opened by lead (Markdown and
// HTML) when there is one, and sometimes one edit.
func (c *content) body(pr *parley.PostRecord, ids []int32, leadMD, leadHTML string) {
	p := &pr.Post
	p.Body, p.HTML = c.g.pool.body(leadMD, leadHTML, ids)
	if !chance(c.r, 0.02) {
		return
	}
	created := p.CreatedAt.UnixMilli()
	at := min(created+max(int64(logNormal(c.r, math.Log(float64(30*60_000)), 1.5)), 60_000), c.g.now)
	if at <= created {
		return
	}
	var old, summary string
	if parts := len(ids) + min(len(leadMD), 1); parts > 1 {
		last := &c.g.pool.frags[ids[len(ids)-1]]
		old = p.Body[:len(p.Body)-len(last.md)-2]
		summary = addedSummary(last.kind)
	} else {
		old, summary = typo(p.Body), "Fixed a typo"
	}
	pr.Revisions = []parley.Revision{{PostID: p.ID, Number: 1, Body: old, Editor: p.Author, CreatedAt: p.CreatedAt}}
	p.Revision = 2
	p.EditedAt = ms(at)
	pr.EditorID = p.Author.ID
	pr.EditorSummary = summary
}

func addedSummary(k fragKind) string {
	switch k {
	case fragCode:
		return "Added the code"
	case fragLog:
		return "Added the log"
	case fragSteps:
		return "Added steps to reproduce"
	case fragListAsk, fragListAnswer:
		return "Added a list"
	case fragAskMore, fragAnswerMore:
		return "Added more detail"
	}
	return "Edited for clarity"
}

// typo returns s with two letters of one longer word swapped: the version before
// "Fixed a typo".
func typo(s string) string {
	run := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			run++
			if run == 6 && s[i-3] != s[i-2] {
				b := []byte(s)
				b[i-3], b[i-2] = b[i-2], b[i-3]
				return string(b)
			}
		} else {
			run = 0
		}
	}
	return s + " (draft)"
}

// boost returns the distinct users, never the author, who boosted a post: none with
// probability 1-p, otherwise a Pareto-distributed number scaled by scale.
func (c *content) boost(author int64, p, scale float64) []int64 {
	r := c.r
	if !chance(r, p) {
		return nil
	}
	users := c.g.cfg.Users
	k := int(scale * math.Pow(1-r.Float64(), -1/1.3))
	k = max(1, min(k, 500, users-1))
	out := c.boosters.take(k)
	// Walk the ids with a stride coprime to their number: k distinct ids, no set needed.
	pos, step := r.IntN(users), 1+r.IntN(users-1)
	for gcd(step, users) != 1 {
		step = 1 + r.IntN(users-1)
	}
	for j := 0; j < k; {
		id := int64(pos + 1)
		pos = (pos + step) % users
		if id != author {
			out[j] = id
			j++
		}
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// resourceState is one version of a resource post: its fragments, and which of the
// edits that happen only once are still to come.
type resourceState struct {
	intro, outro int32 // outro -1 when not yet added
	sections     []int32
	heads        []int // sectionHeadings index of each section
	oldOS, typo  bool
	reworded     bool
	clarified    uint32 // bit h set when the section under heading h was rewritten
}

type resourceEdit int

const (
	editAddSection resourceEdit = iota
	editClarify
	editUpdateOS
	editFixTypo
	editReword
	editAddOutro
)

// resource writes a pinned resource post: an introduction, three to six titled
// sections and a pointer to the subtopic's tag, revised two to six times over the
// years since it was posted. The history is made backwards from the current version,
// each step undoing one edit: a section added or rewritten, an OS update, a typo
// fixed, the introduction reworded, the closing pointer added. Every edit happens at
// most once (per section), so no two versions are the same.
func (c *content) resource(pr *parley.PostRecord, t *threadPlan, op *parley.Author) {
	g, r := c.g, c.r
	pl := g.pool
	sp := &pl.subs[t.sub]
	cur := resourceState{
		intro: sp.kinds[fragIntro][r.IntN(len(sp.kinds[fragIntro]))],
		outro: sp.kinds[fragOutro][r.IntN(len(sp.kinds[fragOutro]))],
		heads: r.Perm(len(sectionHeadings))[:3+r.IntN(4)],
	}
	slices.Sort(cur.heads)
	for _, h := range cur.heads {
		cur.sections = append(cur.sections, sp.sections[h][r.IntN(sectionVariants)])
	}
	ids := append(append([]int32{cur.intro}, cur.sections...), cur.outro)
	p := &pr.Post
	p.Body, p.HTML = pl.body("", "", ids)

	n := 2 + r.IntN(5) // earlier versions
	bodies := make([]string, n+2)
	summaries := make([]string, n+2)
	state := cur
	var allowed []resourceEdit
	for v := n; v >= 1; v-- {
		allowed = allowed[:0]
		if len(state.sections) > 2 {
			allowed = append(allowed, editAddSection, editAddSection)
		}
		for _, h := range state.heads {
			if state.clarified&(1<<h) == 0 {
				allowed = append(allowed, editClarify)
				break
			}
		}
		if !state.oldOS {
			allowed = append(allowed, editUpdateOS)
		}
		if !state.typo {
			allowed = append(allowed, editFixTypo)
		}
		if !state.reworded && len(sp.kinds[fragIntro]) > 1 {
			allowed = append(allowed, editReword)
		}
		if state.outro >= 0 {
			allowed = append(allowed, editAddOutro)
		}
		switch allowed[r.IntN(len(allowed))] {
		case editAddSection:
			i := 1 + r.IntN(len(state.sections)-1)
			summaries[v+1] = `Added the section "` + heading(pl.frags[state.sections[i]].md) + `"`
			state.sections = slices.Delete(slices.Clone(state.sections), i, i+1)
			state.heads = slices.Delete(slices.Clone(state.heads), i, i+1)
		case editClarify:
			i := r.IntN(len(state.heads))
			for state.clarified&(1<<state.heads[i]) != 0 {
				i = (i + 1) % len(state.heads)
			}
			h := state.heads[i]
			state.clarified |= 1 << h
			summaries[v+1] = `Clarified "` + heading(pl.frags[state.sections[i]].md) + `"`
			variants := sp.sections[h]
			other := variants[0]
			if other == state.sections[i] {
				other = variants[1]
			}
			state.sections = slices.Clone(state.sections)
			state.sections[i] = other
		case editUpdateOS:
			summaries[v+1] = "Updated for " + osLatest[0] + " and " + osLatest[1]
			state.oldOS = true
		case editFixTypo:
			summaries[v+1] = "Fixed a typo"
			state.typo = true
		case editAddOutro:
			summaries[v+1] = "Added a pointer to the " + g.subs[t.sub].tagName + " tag"
			state.outro = -1
		case editReword:
			summaries[v+1] = "Reworded the introduction"
			state.reworded = true
			intros := sp.kinds[fragIntro]
			for {
				if next := intros[r.IntN(len(intros))]; next != state.intro {
					state.intro = next
					break
				}
			}
		}
		bodies[v] = pl.markdown(state)
	}

	// Version v was written at times[v]; the current one is n+1.
	times := make([]int64, n+2)
	times[1] = t.created
	window := max(g.now-t.created, int64(n+1))
	step := window / int64(n+1)
	for v := 2; v <= n+1; v++ {
		times[v] = max(t.created+step*int64(v-1)+r.Int64N(max(step/2, 1)), times[v-1]+1)
	}
	editor := func() parley.Author {
		if chance(r, 0.25) {
			return *g.authorOf(g.staffSlot(r))
		}
		return *op
	}
	pr.Revisions = make([]parley.Revision, n)
	for v := 1; v <= n; v++ {
		ed := *op
		if v > 1 {
			ed = editor()
		}
		pr.Revisions[v-1] = parley.Revision{PostID: p.ID, Number: v, Body: bodies[v], Editor: ed, CreatedAt: ms(times[v]), Summary: summaries[v]}
	}
	last := editor()
	p.Revision = n + 1
	p.EditedAt = ms(times[n+1])
	pr.EditorID = last.ID
	pr.EditorSummary = summaries[n+1]
}

var osBackdate = strings.NewReplacer(osLatest[0], osPrevious[0], osLatest[1], osPrevious[1])

// markdown returns the body of one version of a resource post.
func (p *pool) markdown(s resourceState) string {
	var b strings.Builder
	b.WriteString(p.frags[s.intro].md)
	for _, id := range s.sections {
		b.WriteString("\n\n")
		b.WriteString(p.frags[id].md)
	}
	if s.outro >= 0 {
		b.WriteString("\n\n")
		b.WriteString(p.frags[s.outro].md)
	}
	body := b.String()
	if s.oldOS {
		body = osBackdate.Replace(body)
	}
	if s.typo {
		body = typo(body)
	}
	return body
}

// heading returns the title of a section fragment ("## Title\n\n…").
func heading(md string) string {
	md = strings.TrimPrefix(md, "## ")
	if i := strings.IndexByte(md, '\n'); i >= 0 {
		return md[:i]
	}
	return md
}
