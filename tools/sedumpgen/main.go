// Command sedumpgen writes a synthetic Stack Exchange data dump, for measuring
// `parley import stackexchange` on a site of any size:
//
//	go run ./tools/sedumpgen -out /tmp/se1m -questions 1000000
//
// It writes Users.xml, Tags.xml, Posts.xml, Votes.xml, Comments.xml and PostLinks.xml as
// the dumps do: ids in order, each question followed by its answers, dates rising. Sizes
// follow a real site's: about two answers and one comment per question, two up votes per
// post, bodies of a few hundred bytes to a few kilobytes with code now and then, one to five
// tags a question, and links between questions (some duplicates, a few to posts that are
// answers, which an import skips). Some posts belong to deleted accounts. There is no
// PostHistory.xml: posts have no earlier versions.
//
// It streams: memory holds one question and its answers, whatever the size. The same flags
// and seed give the same dump.
package main

import (
	"bufio"
	"encoding/xml"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("out", "", "folder to write the dump in (made if missing)")
	questions := flag.Int64("questions", 1000, "questions to write")
	seed := flag.Uint64("seed", 1, "seed of the random choices")
	flag.Parse()
	if *out == "" || *questions < 1 {
		fmt.Fprintln(os.Stderr, "usage: sedumpgen -out DIR [-questions N] [-seed S]")
		os.Exit(2)
	}
	if err := run(*out, *questions, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "sedumpgen:", err)
		os.Exit(1)
	}
}

// The shape of a site, per question.
const (
	usersPerQuestion = 0.2
	maxTags          = 5000
	linkChance       = 0.05  // a question links to an earlier one
	duplicateChance  = 0.012 // a question is a duplicate of an earlier one
	strayLinkChance  = 0.002 // a question links to an answer (an import skips it)
	deletedChance    = 0.01  // a post's author deleted their account
)

var start = time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)

func run(dir string, questions int64, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	g := &generator{rnd: rand.New(rand.NewPCG(seed, 7)), questions: questions,
		users: max(10, int64(float64(questions)*usersPerQuestion)), tags: min(maxTags, max(20, questions/50))}
	files := map[string]*dumpFile{}
	for _, name := range []string{"Users", "Tags", "Posts", "Votes", "Comments", "PostLinks"} {
		f, err := create(filepath.Join(dir, name+".xml"), strings.ToLower(name))
		if err != nil {
			return err
		}
		files[name] = f
	}
	g.posts, g.votes, g.comments, g.links = files["Posts"], files["Votes"], files["Comments"], files["PostLinks"]
	g.writeUsers(files["Users"])
	g.writeTags(files["Tags"])
	for q := int64(0); q < questions; q++ {
		g.thread()
	}
	for _, name := range []string{"Users", "Tags", "Posts", "Votes", "Comments", "PostLinks"} {
		if err := files[name].close(); err != nil {
			return err
		}
	}
	fmt.Printf("%s: %d questions, %d answers, %d users, %d tags, %d votes, %d comments, %d links\n",
		dir, questions, g.answers, g.users, g.tags, g.voteID, g.commentID, g.linkID)
	return nil
}

// dumpFile is one file of the dump, written through a buffer; the first error sticks.
type dumpFile struct {
	f    *os.File
	w    *bufio.Writer
	root string
	err  error
}

func create(path, root string) (*dumpFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	d := &dumpFile{f: f, w: bufio.NewWriterSize(f, 1<<20), root: root}
	d.w.WriteString("\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<" + root + ">\n")
	return d, nil
}

// row writes a row of attributes given as name, value pairs; empty values are left out,
// as dumps leave out what a row does not have.
func (d *dumpFile) row(attrs ...string) {
	d.w.WriteString("  <row")
	for i := 0; i < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		d.w.WriteString(" " + attrs[i] + "=\"")
		if err := xml.EscapeText(d.w, []byte(attrs[i+1])); err != nil && d.err == nil {
			d.err = err
		}
		d.w.WriteByte('"')
	}
	d.w.WriteString(" />\n")
}

func (d *dumpFile) close() error {
	d.w.WriteString("</" + d.root + ">\n")
	if err := d.w.Flush(); err != nil && d.err == nil {
		d.err = err
	}
	if err := d.f.Close(); err != nil && d.err == nil {
		d.err = err
	}
	if d.err != nil {
		return fmt.Errorf("%s: %w", d.f.Name(), d.err)
	}
	return nil
}

// generator makes the dump's rows in id order.
type generator struct {
	rnd                           *rand.Rand
	questions, users, tags        int64
	posts, votes, comments, links *dumpFile
	nextPost, voteID, commentID   int64
	linkID, answers, seen         int64
	clock                         time.Duration
	lastAnswer                    int64
	// earlier holds a uniform sample of the questions written so far (reservoir
	// sampling), which links point to: a fixed size, whatever the dump's.
	earlier []int64
}

// sampleSize is how many earlier questions links choose from.
const sampleSize = 4096

func date(t time.Time) string { return t.Format("2006-01-02T15:04:05.000") }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (g *generator) writeUsers(f *dumpFile) {
	f.row("Id", "-1", "Reputation", "1", "CreationDate", date(start.Add(-time.Hour)), "DisplayName", "Community")
	for id := int64(1); id <= g.users; id++ {
		f.row("Id", itoa(id), "Reputation", itoa(1+g.rnd.Int64N(5000)), "CreationDate", date(start.Add(time.Duration(id)*time.Minute)),
			"DisplayName", g.name(id), "LastAccessDate", date(start.Add(time.Duration(id)*time.Hour)))
	}
}

// name is a user's display name: two words and, for most, a number.
func (g *generator) name(id int64) string {
	n := first[id%int64(len(first))] + " " + last[(id/int64(len(first)))%int64(len(last))]
	if id > int64(len(first)*len(last)) {
		n += " " + itoa(id)
	}
	return n
}

func (g *generator) writeTags(f *dumpFile) {
	for id := int64(1); id <= g.tags; id++ {
		f.row("Id", itoa(id), "TagName", g.tagName(id), "Count", "0")
	}
}

func (g *generator) tagName(id int64) string {
	return words[id%int64(len(words))] + "-" + itoa(id)
}

// thread writes a question, its answers, and their votes, comments and links.
func (g *generator) thread() {
	g.nextPost++
	q := g.nextPost
	n := g.rnd.Int64N(5) // 0 to 4 answers, 2 on average
	accepted := ""
	if n > 0 && g.rnd.IntN(10) < 4 {
		accepted = itoa(q + 1 + g.rnd.Int64N(n))
	}
	created := g.tick()
	var tags strings.Builder
	for range 1 + g.rnd.IntN(5) {
		tags.WriteString("<" + g.tagName(g.zipfTag()) + ">")
	}
	owner, ownerName := g.owner()
	g.posts.row("Id", itoa(q), "PostTypeId", "1", "AcceptedAnswerId", accepted, "CreationDate", date(created),
		"Score", itoa(g.rnd.Int64N(20)), "ViewCount", itoa(g.rnd.Int64N(5000)), "Body", g.body(3),
		"OwnerUserId", owner, "OwnerDisplayName", ownerName, "LastActivityDate", date(created),
		"Title", g.title(), "Tags", tags.String(), "AnswerCount", itoa(n), "CommentCount", "1", "ContentLicense", "CC BY-SA 4.0")
	g.extras(q, created)
	for range n {
		g.nextPost++
		a := g.nextPost
		at := g.tick()
		owner, ownerName := g.owner()
		g.posts.row("Id", itoa(a), "PostTypeId", "2", "ParentId", itoa(q), "CreationDate", date(at), "Score", itoa(g.rnd.Int64N(10)),
			"Body", g.body(2), "OwnerUserId", owner, "OwnerDisplayName", ownerName, "LastActivityDate", date(at),
			"CommentCount", "1", "ContentLicense", "CC BY-SA 4.0")
		g.extras(a, at)
		g.answers++
		g.lastAnswer = a
	}
	g.linkFrom(q, created)
	g.remember(q)
}

// remember keeps question q in the sample of earlier questions with the chance that
// keeps the sample uniform.
func (g *generator) remember(q int64) {
	g.seen++
	if len(g.earlier) < sampleSize {
		g.earlier = append(g.earlier, q)
	} else if i := g.rnd.Int64N(g.seen); i < sampleSize {
		g.earlier[i] = q
	}
}

// tick moves the site's clock on by a few minutes and returns the time.
func (g *generator) tick() time.Time {
	g.clock += time.Duration(60+g.rnd.IntN(240)) * time.Second
	return start.Add(g.clock)
}

// zipfTag picks a tag, the popular ones far more often, as on a real site.
func (g *generator) zipfTag() int64 {
	u := g.rnd.Float64()
	return 1 + int64(float64(g.tags)*u*u*u)
}

// owner is a post's author: a user, or a deleted account's name.
func (g *generator) owner() (id, name string) {
	if g.rnd.Float64() < deletedChance {
		return "", "user" + itoa(g.users+1+g.rnd.Int64N(1000))
	}
	return itoa(1 + g.rnd.Int64N(g.users)), ""
}

// extras writes a post's up votes (and a down vote now and then) and its comment.
func (g *generator) extras(post int64, at time.Time) {
	for range g.rnd.IntN(5) { // 0 to 4 up votes
		g.voteID++
		g.votes.row("Id", itoa(g.voteID), "PostId", itoa(post), "VoteTypeId", "2", "CreationDate", date(at.Truncate(24*time.Hour)))
	}
	if g.rnd.IntN(10) == 0 {
		g.voteID++
		g.votes.row("Id", itoa(g.voteID), "PostId", itoa(post), "VoteTypeId", "3", "CreationDate", date(at.Truncate(24*time.Hour)))
	}
	g.commentID++
	user, name := g.owner()
	g.comments.row("Id", itoa(g.commentID), "PostId", itoa(post), "Score", "0", "Text", g.sentence(8+g.rnd.IntN(20)),
		"CreationDate", date(at.Add(time.Minute)), "UserId", user, "UserDisplayName", name, "ContentLicense", "CC BY-SA 4.0")
}

// linkFrom links a question to an earlier one now and then.
func (g *generator) linkFrom(q int64, at time.Time) {
	if len(g.earlier) == 0 {
		return
	}
	link := func(target int64, kind string) {
		g.linkID++
		g.links.row("Id", itoa(g.linkID), "CreationDate", date(at), "PostId", itoa(q), "RelatedPostId", itoa(target), "LinkTypeId", kind)
	}
	u := g.rnd.Float64()
	switch earlier := g.earlier[g.rnd.IntN(len(g.earlier))]; {
	case u < duplicateChance:
		link(earlier, "3")
	case u < duplicateChance+linkChance:
		link(earlier, "1")
	case u < duplicateChance+linkChance+strayLinkChance && g.lastAnswer > 0:
		link(g.lastAnswer, "1")
	}
}

func (g *generator) title() string {
	return "How do I " + g.sentence(4+g.rnd.IntN(8)) + "?"
}

// body is a post's HTML: paragraphs of prose, and code half the time.
func (g *generator) body(paragraphs int) string {
	var b strings.Builder
	for i := range 1 + g.rnd.IntN(paragraphs) {
		b.WriteString("<p>" + g.sentence(20+g.rnd.IntN(60)) + ".</p>\n")
		if i == 0 && g.rnd.IntN(2) == 0 {
			b.WriteString("<pre><code>")
			for range 2 + g.rnd.IntN(12) {
				b.WriteString("let " + words[g.rnd.IntN(len(words))] + " = try await " + words[g.rnd.IntN(len(words))] + "(&amp;config)\n")
			}
			b.WriteString("</code></pre>\n")
		}
	}
	return b.String()
}

func (g *generator) sentence(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[g.rnd.IntN(len(words))])
	}
	return b.String()
}

var (
	first = []string{"Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo",
		"Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara"}
	last  = []string{"Smith", "Okafor", "Nguyen", "Garcia", "Kowalski", "Tanaka", "Haddad", "Silva", "Novak", "Berg"}
	words = strings.Fields(`network session socket timeout certificate handshake request response server client cache
		thread queue actor task async await deadlock crash memory leak pointer buffer array string decode encode json
		view window layout constraint animation gesture button table list scroll image render metal shader texture
		file folder path sandbox bundle entitlement signing profile keychain token password login account build
		compile linker framework package module dependency version update install archive upload review store`)
)
