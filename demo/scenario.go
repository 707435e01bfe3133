package demo

import (
	"fmt"
	"html"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/parley-forum/parley"
)

// A question is about one subject, its scenario: an API, a call, an error, a crash frame,
// what the asker wants to do, where it happens (OS, device, Xcode, circumstances). The
// title and the question's first paragraph are both written from it, by a story: a title
// template and an opening paragraph that names everything the title names. The thread's
// tags are those the scenario's values tie it to (tagTerms), so a thread about
// URLSessionWebSocketTask is tagged URLSession and WebSocket, never Metal.
//
// Titles are drawn again while one is taken (see window), so that a newcomer browsing a
// list never sees the same question twice on its first page.

// story is a title and the opening paragraph of the question it heads. Every blank of
// title is a blank of opener; opener names {api} always. A question about a crash or a
// leak usually attaches the report or a chart (files.go).
type story struct {
	title, opener string
	attach        fileKind
}

var stories = []story{
	{"{api} fails with {err} {ctx}", "I'm using `{api}` and it fails with `{err}` {ctx}. It started on {os}, and I can reproduce it on a {dev}.", noFile},
	{"How do I {task} with {api} on {os}?", "I need to {task}, and `{api}` looks like the right tool, but I can't get it to work on {os}.", noFile},
	{"{api} returns {err} on {os}", "Since {os}, `{api}` returns `{err}` for about {n}% of our users, mostly {ctx}.", noFile},
	{"Crash in {call} {ctx}", "Our app crashes in `{call}` {ctx}. We use `{api}`, and the crashing thread is inside `{fw}`.", fileCrash},
	{"EXC_BAD_ACCESS in {fw} when using {api} {ctx}", "We get `EXC_BAD_ACCESS` in `{fw}` when using `{api}` {ctx}. It happens on {os} only.", fileCrash},
	{"{api}: {thing} never completes {ctx}", "When I use `{api}`, {thing} never completes {ctx}. Nothing is logged, not even `{err}`.", noFile},
	{"Is it possible to {task} with {api} on {os}?", "Is it possible to {task} on {os}? The documentation for `{api}` doesn't cover my case.", noFile},
	{"{api} behaves differently on {os} and {os2}", "`{api}` behaves differently on {os} and {os2}: on {os2} it works, on {os} it fails with `{err}`.", noFile},
	{"Unexpected {err} from {call} on a {dev}", "`{call}` returns `{err}` on a {dev}, although `{api}` reports no problem before that.", noFile},
	{"Memory leak when using {api} {ctx} on {os}", "Memory grows by a few megabytes each time we use `{api}` {ctx}, and Instruments shows `{call}` in every leaked allocation. It started with {os}.", fileChart},
	{"Regression in {os}: {api} fails with {err}", "After updating to {os}, `{api}` fails with `{err}`. The same build works on {os2}.", noFile},
	{"Why does {call} block the main thread {ctx}?", "`{call}` blocks the main thread for seconds {ctx}, and the hang report points at `{api}`.", noFile},
	{"{api} works in the Simulator but not on a {dev} with {os}", "`{api}` works in the Simulator, but on a {dev} running {os} it fails with `{err}`.", noFile},
	{"Getting {err} when trying to {task} on {os}", "I'm trying to {task} with `{api}` on {os}, but I keep getting `{err}` {ctx}.", noFile},
	{"{call} is never called {ctx}", "`{call}` is never called {ctx}, although `{api}` reports no error and the same code works on {os2}.", noFile},
	{"{err} after updating to {os} on a {dev}", "Since we updated to {os}, our users on a {dev} get `{err}` from `{api}`.", noFile},
	{"Can't {task} with {api} since {xcode}", "Since {xcode}, I can't {task}: `{api}` fails with `{err}` {ctx}.", noFile},
	{"Is {api} safe to use from a background thread {ctx}?", "Is it safe to use `{api}` from a background thread? We call it {ctx} and sometimes see `{err}`.", noFile},
	{"Help: {err} from {api} on a {dev} only", "We only see `{err}` from `{api}` on a {dev} running {os}; every other device we have works.", noFile},
	{"{api}: {thing} is nil {ctx}", "With `{api}`, {thing} is nil {ctx}, so the next call to `{call}` fails with `{err}`.", noFile},
	{"What replaces {call} on {os}?", "`{call}` is deprecated on {os}. What should I use instead with `{api}`, given that we still support {os2}?", noFile},
	{"Best way to {task} with {api} {ctx}?", "What's the best way to {task} {ctx}? I'm using `{api}` and want to get it right before we ship.", noFile},
	{"{fw} crash in {call} on {os}", "Since {os} we see crashes in `{fw}`, inside `{call}`. We use `{api}` the way the documentation shows.", fileCrash},
	{"{api} logs {err} on a {dev} with {xcode}", "Built with {xcode}, our app logs `{err}` from `{api}` on a {dev}, and then {thing} stops responding.", noFile},
}

// resourceTitles make the titles of pinned resource posts, which name their subtopic.
var resourceTitles = []string{
	"{sub} Resources",
	"{sub}: read this before posting",
	"Debugging {sub} problems: start here",
	"{sub} frequently asked questions",
}

// The slots a scenario fills: the blanks of stories, in expander keys.
var scenarioKeys = []int{kAPI, kCall, kErr, kFw, kTask, kThing, kCtx, kOS, kOS2, kDev, kXcode, kN}

// slotOf returns the blank a primary tag's term fills in its home subtopic: the list of
// the subtopic's vocabulary it is in, else {api}.
func slotOf(term string, s *subSpec) int {
	for _, l := range []struct {
		key  int
		list []string
	}{{kAPI, s.types}, {kCall, s.calls}, {kErr, s.errs}, {kFw, s.frames}} {
		for _, v := range l.list {
			if v == term {
				return l.key
			}
		}
	}
	return kAPI
}

// keysOf returns the blanks a template names, as a bit set of expander keys.
func keysOf(tmpl string) uint32 {
	var set uint32
	for _, b := range blanks(tmpl) {
		if k, ok := blankKeys[b]; ok {
			set |= 1 << k
		}
	}
	return set
}

var blankKeys = map[string]int{"api": kAPI, "call": kCall, "err": kErr, "fw": kFw, "task": kTask, "thing": kThing,
	"Thing": kThing, "ctx": kCtx, "os": kOS, "os2": kOS2, "dev": kDev, "xcode": kXcode, "n": kN}

// blanks returns the names of a template's blanks in order, as expander.fill reads them.
func blanks(tmpl string) []string {
	var out []string
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return out
		}
		j := 1
		for i+j < len(tmpl) && isAlnum(tmpl[i+j]) {
			j++
		}
		if j > 1 && i+j < len(tmpl) && tmpl[i+j] == '}' {
			out = append(out, tmpl[i+1:i+j])
			tmpl = tmpl[i+j+1:]
			continue
		}
		tmpl = tmpl[i+j:]
	}
}

// scenarios draws scenarios and keeps the titles taken. Two made alike draw alike.
type scenarios struct {
	g       *generator
	e       expander
	titles  map[uint64]int64 // the last thread to take each title, by the title's hash
	terms   [][]string       // tagTerms of each tag, by index
	opener  []uint32         // keysOf each story's opener
	byKey   [numKeys][]int   // stories whose opener names each key
	implied map[string][]int // tags each value ties a thread to, filled as values come
	term    func() term      // draws from the vocabulary's tail
}

// titleTries is how often a title is drawn again while it is taken; past it, a forum
// larger than its scenarios repeats a title.
const titleTries = 12

func (g *generator) newScenarios(r *rand.Rand) *scenarios {
	sc := &scenarios{g: g, e: expander{r: r}, titles: make(map[uint64]int64, g.cfg.Threads), implied: map[string][]int{}, term: theVocab().zipf(r)}
	for _, tag := range g.tags {
		sc.terms = append(sc.terms, tagTerms[tag.Name])
	}
	for i, st := range stories {
		keys := keysOf(st.opener)
		sc.opener = append(sc.opener, keys)
		for k := range numKeys {
			if keys&(1<<k) != 0 {
				sc.byKey[k] = append(sc.byKey[k], i)
			}
		}
	}
	return sc
}

// question plans thread t's scenario, title and tags from its primary tag, whose
// subtopic t.sub is.
func (sc *scenarios) question(t *threadPlan, primary, want int) {
	g, e := sc.g, &sc.e
	terms := sc.terms[primary]
	sub := &g.subs[t.sub]
	for try := 0; ; try++ {
		term := terms[e.r.IntN(len(terms))]
		slot := slotOf(term, sub.spec)
		fitting := sc.byKey[slot]
		t.story = fitting[e.r.IntN(len(fitting))]
		e.reset(sub)
		e.vals[slot], e.set[slot] = term, true
		for _, k := range scenarioKeys {
			e.value(keyBlank[k]) // draws every slot, so that the opener can name any
		}
		sc.drawTerms(t)
		t.title = t.title[:0]
		if k := t.terms[0]; k.inTitle() && chance(e.r, titleTermShare) {
			t.title = append(append(t.title, e.vals[kSym]...), ": "...)
		}
		t.title = e.fill(t.title, stories[t.story].title)
		if len(t.title) > parley.MaxTitle {
			t.title = e.fill(t.title[:0], stories[t.story].title)
		}
		if sc.take(t.title, t.id, sc.window(primary)) || try == titleTries {
			break
		}
	}
	t.scenario = e.vals
	t.tags[0], t.ntags = primary, 1
	keys := sc.opener[t.story]
	var tied [8]int
	n := 0
	for _, k := range scenarioKeys {
		if keys&(1<<k) == 0 {
			continue
		}
		for _, tag := range sc.tagsOf(e.vals[k]) {
			if n < len(tied) && tag != primary && !contains(tied[:n], tag) {
				tied[n] = tag
				n++
			}
		}
	}
	for t.ntags < want && n > 0 {
		i := e.r.IntN(n)
		t.tags[t.ntags] = tied[i]
		t.ntags++
		tied[i] = tied[n-1]
		n--
	}
}

// titleTermShare is the share of questions whose title opens with the first term they
// name, when its kind allows.
const titleTermShare = 0.3

// termCountWeights are the weights of a question naming 1, 2 or 3 of the vocabulary's terms.
var termCountWeights = []int{45, 35, 20}

// drawTerms draws the vocabulary's terms question t names, distinct, into the expander's
// sym slots and t.terms.
func (sc *scenarios) drawTerms(t *threadPlan) {
	e := &sc.e
	t.nterms = 1 + weighted(e.r, termCountWeights)
	for i := range t.nterms {
		v := sc.term()
		for tries := 0; tries < 4 && slices.Contains(e.vals[kSym:kSym+i], v.text); tries++ {
			v = sc.term()
		}
		e.vals[kSym+i], e.set[kSym+i] = v.text, true
		t.terms[i] = v.kind
	}
}

// resource plans a pinned resource thread's title.
func (sc *scenarios) resource(t *threadPlan) {
	e := &sc.e
	for try := 0; ; try++ {
		e.reset(&sc.g.subs[t.sub])
		t.title = e.fill(t.title[:0], resourceTitles[e.r.IntN(len(resourceTitles))])
		if sc.take(t.title, t.id, int64(sc.g.cfg.Threads)) || try == titleTries {
			return
		}
	}
}

// take reports whether title was free for thread id, and takes it: free when no thread
// among the window before id has it. Titles are known by their 64-bit FNV-1a hash: two
// titles that collide are rare enough to let one of them be drawn again.
func (sc *scenarios) take(title []byte, id, window int64) bool {
	sum := uint64(14695981039346656037)
	for _, c := range title {
		sum = (sum ^ uint64(c)) * 1099511628211
	}
	if last, taken := sc.titles[sum]; taken && id-last <= window {
		return false
	}
	sc.titles[sum] = id
	return true
}

// window is how far back a title about primary tag stays taken. The first page of a
// list by activity holds threads from about the last 50/share threads of its tag (twice
// that, for old threads that had a late reply), and a title can only repeat within its
// primary tag, which it names; every title stays taken across the first 20,000 threads,
// so a forum up to that size repeats none. Past that a title about a popular tag may
// come back, long after it left every first page, rather than exhaust what its
// scenarios can say.
func (sc *scenarios) window(primary int) int64 {
	share := sc.g.tagZipf.cdf[primary]
	if primary > 0 {
		share -= sc.g.tagZipf.cdf[primary-1]
	}
	return max(20_000, int64(100/share))
}

// tagsOf returns the tags one of whose terms is part of v.
func (sc *scenarios) tagsOf(v string) []int {
	if tags, ok := sc.implied[v]; ok {
		return tags
	}
	var tags []int
	for i := range sc.g.tags {
		if mentions(v, sc.g.tags[i].Name) {
			tags = append(tags, i)
		}
	}
	sc.implied[v] = tags
	return tags
}

// mentions reports whether text names one of tag's terms or places.
func mentions(text, tag string) bool {
	for _, terms := range [][]string{tagTerms[tag], tagPlaces[tag]} {
		for _, term := range terms {
			if strings.Contains(text, term) {
				return true
			}
		}
	}
	return false
}

// keyBlank names each scenario key's blank.
var keyBlank = [numKeys]string{kAPI: "api", kCall: "call", kErr: "err", kFw: "fw", kTask: "task", kThing: "thing",
	kCtx: "ctx", kOS: "os", kOS2: "os2", kDev: "dev", kXcode: "xcode", kN: "n"}

// A question's first paragraph is its own, and so is the opening of a reply that names
// the question's terms: rendering one per post would cost the renderer's time for every
// post, so each sentence template is rendered once with markers in its blanks
// (compiled), and each value once in the place it goes (in a code span or in prose); a
// paragraph's HTML is the pieces put together, its sentences joined by spaces inside
// the renderer's paragraph tags. That equals rendering the paragraph when every value
// renders as plain text, which valueHTML checks, and TestJoinedBodiesMatchRenderer
// checks on whole forums. Sentences are compiled one by one because a forum combines
// them in hundreds of thousands of ways.

// compiled is a sentence template rendered with markers, inside a paragraph: html[i]
// comes before blank i, and the last after all of them.
type compiled struct {
	html []string
	code []bool // whether blank i is inside a code span
}

func marker(i int) string { return fmt.Sprintf("QZX%cXZQ", 'a'+i) }

// paragraphs renders question openers, and the values that fill them, once each.
type paragraphs struct {
	r         Renderer
	wrapped   bool
	open      string // what the renderer writes before a paragraph's text
	close     string // and after it
	templates map[string]*compiled
	prose     map[string]string
	code      map[string]string
	plainCode int // 1 when plain names render as themselves in code spans, -1 when not, 0 before it is known
}

// plainProbe is a plain name with each kind of character plainName allows.
const plainProbe = "nw_Probe-09.x"

// plainName reports whether v is letters, digits, '_', '-' and '.', which a code span
// holds as they are.
func plainName(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return v != "" && v != plainProbe
}

func newParagraphs(r Renderer) *paragraphs {
	return &paragraphs{r: r, templates: map[string]*compiled{}, prose: map[string]string{}, code: map[string]string{}}
}

// inline returns the text of a one-paragraph rendering, without the paragraph's tags.
func (p *paragraphs) inline(src string) (string, error) {
	if !p.wrapped {
		m := marker(0)
		w := p.r.Render(m)
		i := strings.Index(w, m)
		if i < 0 {
			return "", fmt.Errorf("demo: the renderer does not render %q as text", m)
		}
		p.open, p.close, p.wrapped = w[:i], w[i+len(m):], true
	}
	out := p.r.Render(src)
	if !strings.HasPrefix(out, p.open) || !strings.HasSuffix(out, p.close) || len(out) < len(p.open)+len(p.close) {
		return "", fmt.Errorf("demo: the renderer makes more than one paragraph of %q: %q", src, out)
	}
	return out[len(p.open) : len(out)-len(p.close)], nil
}

func (p *paragraphs) compile(tmpl string) (*compiled, error) {
	if c, ok := p.templates[tmpl]; ok {
		return c, nil
	}
	names := blanks(tmpl)
	src := string(expand(nil, tmpl, func(i int, _ string) string { return marker(i) }))
	whole, err := p.inline(src)
	if err != nil {
		return nil, err
	}
	out := whole
	c := &compiled{}
	for i := range names {
		m := marker(i)
		j := strings.Index(out, m)
		if j < 0 {
			return nil, fmt.Errorf("demo: rendering %q lost blank %d", tmpl, i)
		}
		c.html = append(c.html, out[:j])
		before := whole[:len(whole)-len(out)+j]
		c.code = append(c.code, strings.Count(before, "<code>") > strings.Count(before, "</code>")) // inside a span
		out = out[j+len(m):]
	}
	c.html = append(c.html, out)
	p.templates[tmpl] = c
	return c, nil
}

// valueHTML returns v as the renderer writes it in a code span or in prose, and fails
// when the renderer would make more of it than text (emphasis, a link).
//
// Most values in code spans are identifiers, error codes and file names, hundreds of
// thousands of them in a large forum: once the renderer has shown that it writes such
// a name in a code span as it is, they are written without rendering each.
func (p *paragraphs) valueHTML(v string, code bool) (string, error) {
	if code && plainName(v) {
		if p.plainCode == 0 {
			p.plainCode = -1
			if h, err := p.valueHTML(plainProbe, true); err == nil && h == plainProbe {
				p.plainCode = 1
			}
		}
		if p.plainCode > 0 {
			return v, nil
		}
	}
	cache, src, before, after := p.prose, "QZXaXZQ "+v+" QZXbXZQ", "QZXaXZQ ", " QZXbXZQ"
	if code {
		cache, src, before, after = p.code, "`"+v+"`", "<code>", "</code>"
	}
	if h, ok := cache[v]; ok {
		return h, nil
	}
	out := p.r.Render(src)
	i, j := strings.Index(out, before), strings.LastIndex(out, after)
	if i < 0 || j < i+len(before) {
		return "", fmt.Errorf("demo: the renderer does not render %q as text", v)
	}
	h := out[i+len(before) : j]
	if strings.Contains(h, "<") || html.UnescapeString(h) != v {
		return "", fmt.Errorf("demo: the renderer makes more than text of %q: %q", v, h)
	}
	cache[v] = h
	return h, nil
}

// paragraph appends to md and html the paragraph the sentence templates make with e's
// values, the sentences separated by spaces.
func (p *paragraphs) paragraph(e *expander, md, out []byte, sentences ...string) ([]byte, []byte, error) {
	if !p.wrapped {
		if _, err := p.inline(marker(0)); err != nil {
			return md, out, err
		}
	}
	out = append(out, p.open...)
	for i, tmpl := range sentences {
		c, err := p.compile(tmpl)
		if err != nil {
			return md, out, err
		}
		if i > 0 {
			md = append(md, ' ')
			out = append(out, ' ')
		}
		var values []string
		md = expand(md, tmpl, func(_ int, key string) string {
			v := e.valueOf(key)
			values = append(values, v)
			return v
		})
		for i, v := range values {
			out = append(out, c.html[i]...)
			if !c.code[i] {
				out = article(out, v)
			}
			h, err := p.valueHTML(v, c.code[i])
			if err != nil {
				return md, out, err
			}
			out = append(out, h...)
		}
		out = append(out, c.html[len(values)]...)
	}
	return md, append(out, p.close...), nil
}
