// Package seimport loads a Stack Exchange data dump into an empty forum: one topic with one
// subtopic, the site's tags and users, and its questions as threads whose replies are the
// answers, with their boosts, comments, earlier versions and a credit to each author.
//
// # Two passes, in constant memory
//
// A dump is ordered by id, so a question's answers, votes and comments come long after it
// and are spread over several files. Holding a dump in memory to group them would take as
// much memory as the dump (Stack Overflow's is over 100 GB), so the import makes two passes
// over a scratch SQLite database in a temporary folder:
//
//  1. Read: every file is streamed row by row (package sedump) into scratch tables indexed
//     by thread: posts (questions and answers, each with its thread's id), up votes counted
//     per post, comments and body revisions. Then a few set-wise statements resolve what
//     needs the whole dump: answers whose question is missing, placeholder authors for
//     deleted accounts, who wrote each post.
//  2. Write: threads are read back from the scratch database in batches of BatchSize
//     questions, by range of id, each with its posts, tags, boosts, comments and
//     revisions, and handed to a parley.BulkWriter.
//
// Each pass spreads its work over two cores: the first decodes each file on one goroutine
// while another inserts the rows decoded; the second reads a batch back from the scratch
// database on one, builds the batch before it into records on another, and the bulk
// writer writes the one before that on a third.
//
// Memory holds a few batches (the one read back, the one being built and those the bulk
// writer holds), a few hundred decoded rows, the tag names and a few prepared statements,
// whatever the size of the dump. Every problem in the dump is met in the first pass, before the forum is
// touched: a malformed file gives an error naming its file and line and leaves the forum
// empty. A failure in the second pass (the database, or an interrupt) takes back what was
// written (parley.BulkWriter.Abandon), so that the forum is as empty as before: on
// PostgreSQL the load is one transaction, rolled back; on SQLite the tables the load
// filled are emptied, and a load whose process was killed is cleared by the next (package
// sqlite's bulkSink says how). Import then returns an error matching ErrLoadStopped, which
// also matches parley.ErrInterruptedLoad in the rare case that taking the load back
// failed too.
//
// # How Stack Exchange maps to the forum
//
//   - Ids are kept: thread and post ids are the dump's post ids, tag ids its tag ids, so an
//     imported thread is at /threads/ID for the question at https://SITE/q/ID. Users are
//     numbered from 1 in the order of Users.xml (the Community user, id -1, is one of them);
//     placeholder users follow.
//   - Handles are made from display names: letters and digits of ASCII, other runs of
//     characters as one underscore, at most 30 characters, "user" and the site's id when
//     fewer than two are left, and a suffix _2, _3, … when taken (handles are unique
//     whatever their case).
//   - Posts whose author's account was deleted (no OwnerUserId, or one absent from
//     Users.xml) belong to a placeholder user, one per name they were posted under
//     (OwnerDisplayName), or "deleted user" when none was kept.
//   - Bodies are the dump's HTML filtered through the forum's own allow-list (package
//     markdown's Sanitize), after links relative to the site are made to point to it and
//     headings are moved down a level, as the forum's Markdown headings are. A post's Markdown, when PostHistory.xml has it, is its source;
//     without it the source is the filtered HTML.
//   - Boosts: dumps hide who voted, so a post's boost count is the number of its up votes
//     (VoteTypeId 2) and its list of boosters names only the voters a dump does name,
//     when they are users. A forum user may boost an imported post once more on top of
//     the anonymous count: the forum's one-boost-per-user rule holds for the users it knows.
//   - Links: PostLinks.xml's related (LinkTypeId 1) and duplicate (3) links between two
//     questions become links between their threads; a pair linked both ways by the dump is
//     one duplicate link. Links to or from posts that are missing or answers are counted
//     and skipped.
//   - Badges: each row of Badges.xml is a badge its user earned, with its name (a tag's,
//     for a tag badge), class (gold, silver or bronze) and date. Badges of users absent
//     from Users.xml are counted and skipped.
//   - Comments are appended to their post's HTML as a "Comments" list, as plain text with
//     their author's name and date; the forum has no comments of its own to put them in.
//   - Revisions: body versions from PostHistory.xml (initial, edit and rollback of a body)
//     become the post's revisions, oldest first; the last is the post itself.
//   - Attribution: every post ends with a line naming its author, linking the original
//     (https://SITE/q/ID or /a/ID) and naming its license (ContentLicense; older dumps
//     lack it, and then it says "CC BY-SA").
package seimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/markdown"
)

// BatchSize is how many threads the import hands to the bulk writer at once.
const BatchSize = 500

// ErrLoadStopped is matched by the error of an import that failed after it began writing
// to the forum, and took back what it wrote (see the package comment).
var ErrLoadStopped = errors.New("the import stopped after it began writing to the forum")

// Options say where a dump goes.
type Options struct {
	// Topic names the forum topic that receives the site; "" derives it from the folder's
	// name ("stackexchange-cardano" gives "Cardano").
	Topic string
	// SiteURL is the site the dump comes from, for the links to the originals; "" derives
	// it from the folder's name ("stackexchange-cardano" gives
	// https://cardano.stackexchange.com).
	SiteURL string
	// ScratchDir is where the scratch database is made (and removed); "" is os.TempDir.
	ScratchDir string
	// Progress, when set, receives progress bars.
	Progress io.Writer
}

// Summary counts what an import wrote and what it left out, and why.
type Summary struct {
	Threads, Replies, Users, Tags, Boosts, Comments, Revisions int64
	// Placeholders are the users made for the authors of posts whose account was deleted,
	// and DeletedAuthorPosts the posts that belong to them.
	Placeholders, DeletedAuthorPosts int64
	// NoLicense counts posts without a ContentLicense, credited as "CC BY-SA".
	NoLicense int64

	OtherPosts     int64 // posts neither questions nor answers (tag wikis, …)
	OrphanAnswers  int64 // answers whose question is not in the dump
	UnknownTags    int64 // tags of questions that Tags.xml does not have
	OrphanVotes    int64 // up votes on posts not imported
	OrphanComments int64 // comments on posts not imported
	// Links are the links between threads written: one per pair of threads, a duplicate
	// when the dump says both; OrphanLinks the related or duplicate links left out, whose
	// posts are missing or not questions, or that link a question to itself.
	Links, OrphanLinks int64
	// Badges are the badges written; OrphanBadges those of users not in Users.xml, and
	// OtherBadges those of a class other than gold, silver and bronze, left out.
	Badges, OrphanBadges, OtherBadges int64
	NoHistory                         bool // the dump has no PostHistory.xml
	NoLinks                           bool // the dump has no PostLinks.xml
	NoBadges                          bool // the dump has no Badges.xml
}

// String is the summary line an import prints.
func (s Summary) String() string {
	line := fmt.Sprintf("Imported %d threads, %d replies, %d users (%d for deleted accounts, owning %d posts), %d tags, %d boosts, %d comments, %d earlier versions, %d links between threads, %d badges.",
		s.Threads, s.Replies, s.Users, s.Placeholders, s.DeletedAuthorPosts, s.Tags, s.Boosts, s.Comments, s.Revisions, s.Links, s.Badges)
	var skipped []string
	add := func(n int64, what string) {
		if n > 0 {
			skipped = append(skipped, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(s.OtherPosts, "posts neither questions nor answers")
	add(s.OrphanAnswers, "answers without their question")
	add(s.UnknownTags, "tags not in Tags.xml")
	add(s.OrphanVotes, "up votes on posts not imported")
	add(s.OrphanComments, "comments on posts not imported")
	add(s.OrphanLinks, "links whose posts are missing or not questions")
	add(s.OrphanBadges, "badges of users not in Users.xml")
	add(s.OtherBadges, "badges of no known class")
	if len(skipped) > 0 {
		line += " Skipped " + strings.Join(skipped, ", ") + "."
	}
	if s.NoLicense > 0 {
		line += fmt.Sprintf(" %d posts name no license and are credited as CC BY-SA.", s.NoLicense)
	}
	if s.NoHistory {
		line += " The dump has no PostHistory.xml, so posts have no earlier versions."
	}
	if s.NoLinks {
		line += " The dump has no PostLinks.xml, so threads have no links."
	}
	if s.NoBadges {
		line += " The dump has no Badges.xml, so members have no badges."
	}
	return line
}

// Import loads the dump in dir into store, which must hold no topic, tag, user or thread:
// importing into a forum that has them is refused with an EConflict *parley.Error, so
// running an import twice never duplicates it.
func Import(ctx context.Context, store parley.Store, dir string, opts Options) (Summary, error) {
	site, err := newSite(dir, opts)
	if err != nil {
		return Summary{}, err
	}
	if err := parley.CheckEmpty(ctx, store); err != nil {
		return Summary{}, err
	}
	scratchDir, err := os.MkdirTemp(opts.ScratchDir, "parley-import-")
	if err != nil {
		return Summary{}, fmt.Errorf("make a scratch folder: %w", err)
	}
	sc, err := openScratch(ctx, scratchDir)
	if err != nil {
		os.RemoveAll(scratchDir)
		return Summary{}, err
	}
	defer sc.remove()

	var sum Summary
	if err := sc.read(ctx, dir, &sum, opts.Progress); err != nil {
		return sum, err
	}
	w, err := store.Bulk(ctx)
	if err != nil {
		return sum, err
	}
	ld := &loader{sc: sc, w: w, site: site, md: markdown.New(), sum: &sum, progress: opts.Progress}
	if err := ld.load(ctx); err != nil {
		return sum, fmt.Errorf("%w: %w", ErrLoadStopped, errors.Join(err, w.Abandon(ctx)))
	}
	return sum, nil
}

// site is the forum topic a dump goes into and the site it came from.
type site struct {
	topic string
	url   string // https://host, without a trailing slash
	host  string
}

// newSite derives what opts leaves out from the folder's name, such as
// "stackexchange-cardano" or "cardano.stackexchange.com".
func newSite(dir string, opts Options) (site, error) {
	name := strings.ToLower(filepath.Base(filepath.Clean(dir)))
	name = strings.TrimSuffix(strings.TrimPrefix(name, "stackexchange-"), ".stackexchange.com")
	s := site{topic: opts.Topic, url: strings.TrimSuffix(opts.SiteURL, "/")}
	if s.topic == "" {
		s.topic = topicName(name)
	}
	if s.url == "" {
		// "bicycles-meta" is the meta site of bicycles: bicycles.meta.stackexchange.com.
		s.url = "https://" + strings.ReplaceAll(name, "-", ".") + ".stackexchange.com"
	}
	if !strings.HasPrefix(s.url, "https://") && !strings.HasPrefix(s.url, "http://") {
		return site{}, parley.Invalid("site-url", "The site's address starts with https://, such as https://cardano.stackexchange.com; %q does not.", s.url)
	}
	s.host = s.url[strings.Index(s.url, "//")+2:]
	if s.host == "" || strings.ContainsAny(s.host, "/?#") {
		return site{}, parley.Invalid("site-url", "The site's address is https:// and a host name only, such as https://cardano.stackexchange.com; not %q.", s.url)
	}
	if err := parley.ValidateName(parley.Slugify(s.topic), s.topic); err != nil {
		return site{}, parley.Invalid("topic", "The topic's name needs 1 to %d characters with a letter or digit; %q has not.", parley.MaxName, s.topic)
	}
	return s, nil
}

// topicName turns "bicycles-meta" into "Bicycles Meta".
func topicName(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '.' || r == '_' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
