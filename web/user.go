package web

import (
	"html/template"
	"net/http"
	"strconv"

	parley "github.com/parley-forum/parley"
)

const userPostsPerPage = 30

// userView is a profile: who the user is and what they wrote, newest first.
type userView struct {
	page
	User      parley.User
	Signature template.HTML
	Posts     []parley.UserPost
	NextURL   string
	// Badges are the user's badges by class, the hardest first; classes without any are
	// left out.
	Badges []badgeClassView
	// Moderate shows moderators the suspension form; Administer shows admins the edit link.
	Moderate, Administer bool
}

// badgeClassView is a profile's badges of one class: how many, and which.
type badgeClassView struct {
	Class  parley.BadgeClass
	Count  int64
	Badges []parley.BadgeCount
}

// badgeClasses groups a user's badges, which come by class, into their classes.
func badgeClasses(badges []parley.BadgeCount) []badgeClassView {
	var out []badgeClassView
	for _, b := range badges {
		if len(out) == 0 || out[len(out)-1].Class != b.Class {
			out = append(out, badgeClassView{Class: b.Class})
		}
		c := &out[len(out)-1]
		c.Count += b.Count
		c.Badges = append(c.Badges, b)
	}
	return out
}

func (s *Server) handleUser() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.store.UserByHandle(r.Context(), r.PathValue("handle"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		before, err := parsePostCursor(r.URL.Query().Get("before"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		posts, err := s.store.UserPosts(r.Context(), u.ID, before, userPostsPerPage+1)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		badges, err := s.store.UserBadges(r.Context(), u.ID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &userView{page: s.newPage(r, u.DisplayName), User: u, Signature: template.HTML(u.SignatureHTML), Posts: posts,
			Badges: badgeClasses(badges)}
		v.Watch = s.watchControl(r, parley.Watch{Kind: parley.WatchUser, TargetID: u.ID})
		if len(posts) > userPostsPerPage {
			v.Posts = posts[:userPostsPerPage]
			v.NextURL = "/users/" + u.Handle + "?before=" + strconv.FormatInt(v.Posts[userPostsPerPage-1].PostID, 10)
		}
		v.Description = u.DisplayName + " on " + s.cfg.SiteName
		if me := viewerFrom(r.Context()); me != nil && me.User.ID != u.ID {
			v.Moderate = me.may(parley.ActModerate, 0) && (u.Role == parley.RoleMember || me.User.Role == parley.RoleAdmin)
			v.Administer = me.may(parley.ActAdminister, 0)
			v.CSRF = s.csrfToken(w, r)
		}
		// The page changes with every post the user writes and badge they earn, not only
		// when they sign up.
		modified := u.CreatedAt
		for _, p := range v.Posts {
			if p.CreatedAt.After(modified) {
				modified = p.CreatedAt
			}
		}
		for _, b := range badges {
			if b.Last.After(modified) {
				modified = b.Last
			}
		}
		s.html(w, r, "user", v, modified)
	})
}
