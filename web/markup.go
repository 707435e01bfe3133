package web

import (
	"html/template"
	"strconv"
	"time"
	"unsafe"

	parley "github.com/parley-forum/parley"
)

// literal is markup written in this file. Only untyped string constants convert to it
// implicitly, so a value from the database cannot reach raw() without a visible conversion.
type literal string

// markup builds the few fragments a page repeats dozens of times (a list's rows). For them,
// html/template's per-action reflection costs several times what the database query does;
// built here they cost microseconds. Every value from outside passes through text(), which
// escapes it for element content and quoted attribute values alike.
type markup struct{ b []byte }

func (m *markup) raw(s literal) { m.b = append(m.b, s...) }

func (m *markup) text(s string) { m.b = appendEscaped(m.b, s) }

func (m *markup) int(n int64) { m.b = strconv.AppendInt(m.b, n, 10) }

// Write appends what a template executed into m wrote, already escaped by html/template.
func (m *markup) Write(p []byte) (int, error) {
	m.b = append(m.b, p...)
	return len(p), nil
}

// html is what was built. The bytes become the string without a copy (as strings.Builder
// does): a markup is done with once html is called, so they never change afterwards.
func (m *markup) html() template.HTML {
	return template.HTML(unsafe.String(unsafe.SliceData(m.b), len(m.b)))
}

// appendEscaped escapes the five characters that matter in HTML text and attributes,
// exactly as html.EscapeString does, without its intermediate string.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b = append(append(b, s[last:i]...), esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// author writes a user's name linked to their profile, with their badge.
func (m *markup) author(a parley.Author) {
	m.raw(`<a class="author" href="/users/`)
	m.text(a.Handle)
	m.raw(`">`)
	m.text(a.DisplayName)
	m.raw(`</a>`)
	if a.Badge != "" {
		m.raw(` <span class="badge">`)
		m.text(a.Badge)
		m.raw(`</span>`)
	}
}

// stat writes one of a row's counters: its exact value for machines, compact for people.
func (m *markup) stat(name, attr literal, n int64) {
	m.raw(`<div><dt>`)
	m.raw(name)
	m.raw(`</dt><dd data-`)
	m.raw(attr)
	m.raw(`="`)
	m.int(n)
	m.raw(`">`)
	m.text(compactCount(n))
	m.raw(`</dd></div>`)
}

// timeAgo writes a <time> element with the exact time and its age in words.
func (m *markup) timeAgo(t time.Time) {
	t = t.UTC()
	m.raw(`<time datetime="`)
	m.b = t.AppendFormat(m.b, time.RFC3339) // digits and punctuation: nothing to escape
	m.raw(`" title="`)
	m.b = t.AppendFormat(m.b, "2 Jan 2006")
	m.raw(`">`)
	m.text(ago(t))
	m.raw(`</time>`)
}

// threadList renders a list of threads as the rows of every list page.
func threadList(threads []parley.Thread) template.HTML {
	m := markup{b: make([]byte, 0, 1200*len(threads)+32)}
	m.threadList(threads)
	return m.html()
}

func (m *markup) threadList(threads []parley.Thread) {
	m.raw(`<ol class="threads">`)
	for i := range threads {
		m.threadRow(&threads[i])
	}
	m.raw("</ol>\n")
}

func (m *markup) threadRow(t *parley.Thread) {
	if t.Pinned {
		m.raw("\n<li class=\"thread pinned\">")
	} else {
		m.raw("\n<li class=\"thread\">")
	}
	m.raw(`<div class="thread-main"><h3 class="thread-title">`)
	if t.Pinned {
		m.raw(`<span class="pin">Pinned</span> `)
	}
	m.threadTitle(t)
	m.raw(`</h3><p class="byline">Asked by `)
	m.author(t.Author)
	m.raw(`</p>`)
	m.tags(t.Tags)
	m.raw(`</div>`)
	m.threadStats(t)
	m.raw(`</li>`)
}

// threadTitle writes a thread's title linked to it, with its answered and staff marks, as
// every row of threads shows them.
func (m *markup) threadTitle(t *parley.Thread) {
	m.raw(`<a href="/threads/`)
	m.int(t.ID)
	m.raw(`">`)
	m.text(t.Title)
	m.raw(`</a>`)
	if t.Answered() {
		m.raw(` <span class="state answered">Answered</span>`)
	}
	if t.StaffReplied {
		m.raw(` <span class="state staff">Staff replied</span>`)
	}
}

// threadStats writes a thread's counters and last activity, as every row of threads shows.
func (m *markup) threadStats(t *parley.Thread) {
	m.raw(`<dl class="stats">`)
	m.stat("Replies", "replies", t.ReplyCount)
	m.stat("Boosts", "boosts", t.BoostCount)
	m.stat("Views", "views", t.ViewCount)
	m.raw(`<div><dt>Activity</dt><dd>`)
	m.timeAgo(t.LastActivityAt)
	m.raw(`</dd></div></dl>`)
}

// trusted appends HTML that was sanitised when it was written (a post body, a signature).
func (m *markup) trusted(h template.HTML) { m.b = append(m.b, h...) }

// postItem renders one post as a thread page does, for live pages.
func postItem(p *postView) template.HTML {
	m := markup{b: make([]byte, 0, len(p.Body)+len(p.Signature)+1024)}
	m.post(p)
	return m.html()
}

func (m *markup) post(p *postView) {
	m.raw("\n<li id=\"post-")
	m.int(p.ID)
	m.raw(`" class="post`)
	if p.Original {
		m.raw(` original`)
	}
	if p.Accepted {
		m.raw(` accepted`)
	}
	if p.StaffRecommended {
		m.raw(` recommended`)
	}
	if p.Hidden {
		m.raw(` hidden-post`)
	}
	m.raw(`"><article aria-label="`)
	if p.Original {
		m.raw(`Question by `)
	} else {
		m.raw(`Reply by `)
	}
	m.text(p.Author.DisplayName)
	m.raw(`"><header class="post-head">`)
	m.author(p.Author)
	m.raw(` <a class="permalink" href="#post-`)
	m.int(p.ID)
	m.raw(`">`)
	m.timeAgo(p.CreatedAt)
	m.raw(`</a>`)
	if p.Accepted {
		m.raw(` <span class="state answered">Accepted answer</span>`)
	}
	if p.StaffRecommended {
		m.raw(` <span class="state recommended">Recommended by staff</span>`)
	}
	if p.Hidden {
		m.raw(` <span class="state hidden">Hidden by a moderator: only moderators see it</span>`)
	}
	if p.Edited() {
		m.raw(` <a class="edited" href="/posts/`)
		m.int(p.ID)
		m.raw(`/revisions">edited `)
		m.timeAgo(p.EditedAt)
		m.raw(`</a>`)
	}
	m.raw(`</header><div class="post-body">`)
	m.trusted(p.Body)
	m.raw(`</div>`)
	m.attachments(p.Attachments)
	m.raw(`<footer class="post-foot"><span class="boosts">`)
	m.text(plural(p.BoostCount, "boost"))
	m.raw(`</span>`)
	m.postActions(p)
	if p.Signature != "" {
		m.raw(`<div class="signature">`)
		m.trusted(p.Signature)
		m.raw(`</div>`)
	}
	m.raw(`</footer></article></li>`)
}

// attachments writes a post's files: an image as a picture that opens at full size, with
// its own width and height so the page does not move as it loads; a text file as a link to
// its page of numbered lines. Each says its name and size.
func (m *markup) attachments(files []parley.Attachment) {
	if len(files) == 0 {
		return
	}
	m.raw(`<ul class="attachments" aria-label="Attachments">`)
	for i := range files {
		a := &files[i]
		if a.IsImage() {
			m.raw(`<li class="attachment image"><a href="`)
			m.text(fileLink(a))
			m.raw(`"><img src="`)
			m.text(fileLink(a))
			m.raw(`" alt="`)
			m.text(a.Name)
			m.raw(`" width="`)
			m.int(int64(a.Width))
			m.raw(`" height="`)
			m.int(int64(a.Height))
			m.raw(`" loading="lazy"></a> <span class="file-name">`)
			m.text(a.Name)
			m.raw(`</span>`)
		} else {
			m.raw(`<li class="attachment text"><a class="file-name" href="`)
			m.text(viewLink(a))
			m.raw(`">`)
			m.text(a.Name)
			m.raw(`</a>`)
		}
		m.raw(` <span class="muted">`)
		m.text(fileFacts(a.File))
		m.raw(`</span></li>`)
	}
	m.raw(`</ul>`)
}

// threadHead writes a thread page's header: title, state, counters and tags.
func (m *markup) threadHead(t *parley.Thread) {
	m.raw(`<header class="thread-head"><h1>`)
	m.text(t.Title)
	m.raw(`</h1><p class="thread-meta">`)
	if t.Pinned {
		m.raw(`<span class="pin">Pinned</span> `)
	}
	if t.Locked {
		m.raw(`<span class="state locked">Locked</span> `)
	}
	if t.Answered() {
		m.raw(`<a class="state answered" href="#post-`)
		m.int(t.AcceptedPostID)
		m.raw(`">Answered</a> `)
	}
	if t.StaffReplied {
		m.raw(`<span class="state staff">Staff replied</span> `)
	}
	m.raw(`<span>`)
	m.text(plural(t.ReplyCount, "reply"))
	m.raw(` · `)
	m.text(plural(t.BoostCount, "boost"))
	m.raw(` · `)
	m.text(plural(t.ViewCount, "view"))
	m.raw(`</span> <span>Last activity `)
	m.timeAgo(t.LastActivityAt)
	m.raw(`</span></p>`)
	m.tags(t.Tags)
	m.raw(`</header>`)
}

// tags writes a thread's tags as links to their pages.
func (m *markup) tags(tags []parley.TagRef) {
	if len(tags) == 0 {
		return
	}
	m.raw(`<ul class="tags" aria-label="Tags">`)
	for _, tag := range tags {
		m.raw(`<li><a href="/tags/`)
		m.text(tag.Slug)
		m.raw(`">`)
		m.text(tag.Name)
		m.raw(`</a></li>`)
	}
	m.raw(`</ul>`)
}

// postActions writes the buttons the reader may use on a post. Each is a small form, so
// they work without JavaScript; each carries the form token.
func (m *markup) postActions(p *postView) {
	a := p.Actions
	if !a.Edit && !a.Accept && !a.Recommend && !a.Boost && !a.Quote && !a.Flag && !a.Hide {
		return
	}
	m.raw(`<div class="post-actions">`)
	if a.Boost {
		m.raw(`<form method="post" action="/posts/`)
		m.int(p.ID)
		m.raw(`/boost">`)
		m.csrf(a.CSRF)
		if a.Boosted {
			m.raw(`<input type="hidden" name="on" value="0"><button type="submit" class="link" aria-pressed="true">Boosted · undo</button></form>`)
		} else {
			m.raw(`<input type="hidden" name="on" value="1"><button type="submit" class="link" aria-pressed="false">Boost</button></form>`)
		}
	}
	if a.Quote {
		m.raw(`<a href="/threads/`)
		m.int(p.ThreadID)
		m.raw(`?quote=`)
		m.int(p.ID)
		m.raw(`#reply-body">Quote</a>`)
	}
	if a.Edit {
		m.raw(`<a href="/posts/`)
		m.int(p.ID)
		m.raw(`/edit">Edit</a>`)
	}
	if a.Accept {
		m.raw(`<form method="post" action="/threads/`)
		m.int(p.ThreadID)
		m.raw(`/accept">`)
		m.csrf(a.CSRF)
		m.raw(`<input type="hidden" name="post" value="`)
		if p.Accepted {
			m.raw(`0"><button type="submit" class="link">Unaccept</button></form>`)
		} else {
			m.int(p.ID)
			m.raw(`"><button type="submit" class="link">Accept this answer</button></form>`)
		}
	}
	if a.Recommend {
		m.raw(`<form method="post" action="/posts/`)
		m.int(p.ID)
		m.raw(`/recommend">`)
		m.csrf(a.CSRF)
		if p.StaffRecommended {
			m.raw(`<input type="hidden" name="on" value="0"><button type="submit" class="link">Withdraw recommendation</button></form>`)
		} else {
			m.raw(`<input type="hidden" name="on" value="1"><button type="submit" class="link">Recommend</button></form>`)
		}
	}
	if a.Flag {
		m.raw(`<a href="/posts/`)
		m.int(p.ID)
		m.raw(`/flag">Flag</a>`)
	}
	if a.Hide {
		m.hideForm(p)
	}
	m.raw(`</div>`)
}

// hideForm writes a moderator's button that hides a post, or restores a hidden one, with
// its own reason field: labelled for screen readers, its placeholder saying it to the eye.
func (m *markup) hideForm(p *postView) {
	m.raw(`<form method="post" action="/posts/`)
	m.int(p.ID)
	m.raw(`/hide" class="hide-form">`)
	m.csrf(p.Actions.CSRF)
	verb, button, on := "hiding", "Hide", "1"
	if p.Hidden {
		verb, button, on = "restoring", "Restore", "0"
	}
	m.raw(`<input type="hidden" name="on" value="`)
	m.text(on)
	m.raw(`"><label class="visually-hidden" for="hide-reason-`)
	m.int(p.ID)
	m.raw(`">Reason for `)
	m.text(verb)
	m.raw(` this post</label><input id="hide-reason-`)
	m.int(p.ID)
	m.raw(`" name="reason" placeholder="Reason" maxlength="500"><button type="submit" class="link">`)
	m.text(button)
	m.raw(`</button></form>`)
}

func (m *markup) csrf(token string) {
	m.raw(`<input type="hidden" name="csrf" value="`)
	m.text(token)
	m.raw(`">`)
}
