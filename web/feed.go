package web

import (
	"cmp"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/feeds"
	parley "github.com/parley-forum/parley"
)

// format is how a list or thread is answered: a page or one of the two feed formats.
type format int

const (
	formatHTML format = iota
	formatRSS
	formatAtom
)

// listFeed answers a list as a feed of its first threads, newest activity (or the chosen
// sort) first; each item is a thread, identified by its permanent URL.
func (s *Server) listFeed(w http.ResponseWriter, r *http.Request, f format, spec listSpec, params listParams, threads []parley.Thread) {
	title := spec.title
	if params.Filter != parley.FilterNone {
		title += " · " + params.Filter.Label()
	}
	if params.Sort != parley.SortActivity {
		title += " · " + params.Sort.Label()
	}
	s.threadsFeed(w, r, f, title, withQuery(spec.path, params.query(nil)), cmp.Or(spec.intro, title), threads)
}

// threadsFeed answers threads as a feed titled title, of the page at path, in the order
// given; each item is a thread, identified by its permanent URL. Lists and searches share it.
func (s *Server) threadsFeed(w http.ResponseWriter, r *http.Request, f format, title, path, description string, threads []parley.Thread) {
	feed := &feeds.Feed{
		Title:   title + " · " + s.cfg.SiteName,
		Link:    &feeds.Link{Href: s.absolute(path)},
		Id:      s.absolute(path),
		Updated: lastActivity(threads),
	}
	// Feed readers show a channel's description as HTML, so text goes in escaped.
	feed.Description = html.EscapeString(description)
	for i := range threads {
		t := &threads[i]
		link := s.absolute(threadLink(t.ID))
		feed.Items = append(feed.Items, &feeds.Item{
			Title:       t.Title,
			Link:        &feeds.Link{Href: link},
			Id:          link,
			IsPermaLink: "true",
			Author:      &feeds.Author{Name: t.Author.DisplayName},
			Created:     t.CreatedAt,
			Updated:     t.LastActivityAt,
			Description: threadSummary(t, s.absolute("/")),
		})
	}
	s.writeFeed(w, r, f, feed)
}

// threadSummary is a list feed item's HTML: who asked, where, and how the thread stands.
func threadSummary(t *parley.Thread, base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>Asked by %s · %s · %s · %s</p>", html.EscapeString(t.Author.DisplayName),
		plural(t.ReplyCount, "reply"), plural(t.BoostCount, "boost"), plural(t.ViewCount, "view"))
	if len(t.Tags) > 0 {
		b.WriteString("<p>Tags:")
		for _, tag := range t.Tags {
			fmt.Fprintf(&b, ` <a href="%stags/%s">%s</a>`, base, tag.Slug, html.EscapeString(tag.Name))
		}
		b.WriteString("</p>")
	}
	return b.String()
}

// threadFeed answers a thread as a feed of its posts, oldest first.
func (s *Server) threadFeed(w http.ResponseWriter, r *http.Request, f format, t parley.Thread, posts []parley.Post) {
	link := s.absolute(threadLink(t.ID))
	feed := &feeds.Feed{
		Title:       t.Title + " · " + s.cfg.SiteName,
		Link:        &feeds.Link{Href: link},
		Description: html.EscapeString("Posts in the thread “" + t.Title + "”"),
		Id:          link,
		Updated:     lastChange(t, posts),
	}
	for i := range posts {
		p := &posts[i]
		postLink := link + "#post-" + strconv.FormatInt(p.ID, 10)
		title := "Reply by " + p.Author.DisplayName
		if p.Original {
			title = t.Title
		}
		updated := p.CreatedAt
		if p.Edited() {
			updated = p.EditedAt
		}
		feed.Items = append(feed.Items, &feeds.Item{
			Title:       title,
			Link:        &feeds.Link{Href: postLink},
			Id:          postLink,
			IsPermaLink: "true",
			Author:      &feeds.Author{Name: p.Author.DisplayName},
			Created:     p.CreatedAt,
			Updated:     updated,
			Content:     p.HTML,
			Description: p.HTML,
		})
	}
	s.writeFeed(w, r, f, feed)
}

func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, f format, feed *feeds.Feed) {
	var body, contentType string
	var err error
	if f == formatAtom {
		feed.Description = html.UnescapeString(feed.Description) // an Atom subtitle is plain text
		body, err = feed.ToAtom()
		contentType = "application/atom+xml; charset=utf-8"
	} else {
		body, err = feed.ToRss()
		contentType = "application/rss+xml; charset=utf-8"
	}
	if err != nil {
		s.renderError(w, r, fmt.Errorf("write feed: %w", err))
		return
	}
	s.send(w, r, contentType, feed.Updated, []byte(body))
}
