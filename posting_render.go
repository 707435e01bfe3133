package parley

import (
	"strings"
	"time"
)

// LinkLimit holds back link spam from brand-new accounts: a post written within Period
// after signing up may link to at most Links other sites. A zero Period holds nothing back.
type LinkLimit struct {
	Period time.Duration
	Links  int
}

// render renders a post's Markdown as it will be stored and shown, refusing HTML that is
// too large or too deeply nested to show (ValidateHTML) or that links out more than the
// writer may yet (checkLinks).
func (p *Posting) render(u *User, now time.Time, t Text) (Text, error) {
	t, err := t.Render(p.Markdown)
	if err != nil {
		return Text{}, err
	}
	return t, p.checkLinks(u, now, t.HTML())
}

// checkLinks counts links to other sites only: links within the forum (mentions, threads)
// are relative. Staff and moderators are never held back.
func (p *Posting) checkLinks(u *User, now time.Time, html string) error {
	if u.Role != RoleMember || now.Sub(u.CreatedAt) >= p.Links.Period {
		return nil
	}
	if n := strings.Count(html, `href="http`); n > p.Links.Links {
		return Invalid("body", "New accounts may put at most %d links to other sites in a post for their first %s; this post has %d. Remove some, or write them as plain text.",
			p.Links.Links, SpellDuration(p.Links.Period), n)
	}
	return nil
}
