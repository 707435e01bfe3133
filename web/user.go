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
	// Moderate shows moderators the suspension form; Administer shows admins the edit link.
	Moderate, Administer bool
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
		v := &userView{page: s.newPage(r, u.DisplayName), User: u, Signature: template.HTML(u.SignatureHTML), Posts: posts}
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
		// The page changes with every post the user writes, not only when they sign up.
		modified := u.CreatedAt
		for _, p := range v.Posts {
			if p.CreatedAt.After(modified) {
				modified = p.CreatedAt
			}
		}
		s.html(w, r, "user", v, modified)
	})
}
