package web

import (
	"net/http"
	"strconv"
	"strings"

	parley "github.com/parley-forum/parley"
)

// adminView is the overview of the forum's structure: topics and their subtopics for
// admins, tags for staff.
type adminView struct {
	page
	Topics     []parley.Topic
	Tags       []parley.Tag
	Administer bool // topics, subtopics and users may be changed, not only tags
}

func (s *Server) handleAdmin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		me := viewerFrom(r.Context())
		if err := me.permit(parley.ActManageTags, 0, "manage the forum: that is for staff and admins"); err != nil {
			s.renderError(w, r, err)
			return
		}
		v := &adminView{page: s.newPage(r, "Admin"), Administer: me.may(parley.ActAdminister, 0)}
		var err error
		if v.Topics, err = s.store.Topics(r.Context()); err != nil {
			s.renderError(w, r, err)
			return
		}
		if v.Tags, err = s.store.Tags(r.Context()); err != nil {
			s.renderError(w, r, err)
			return
		}
		s.showPage(w, r, "admin", v, http.StatusOK)
	})
}

// nameView is the one form for creating or editing a topic, a subtopic or a tag.
type nameView struct {
	page
	form
	Kind        string // "topic", "subtopic" or "tag"
	Action      string // where the form posts
	Heading     string
	Slug, Name  string
	Description string
	Position    int
	HasPosition bool // topics and subtopics are ordered; tags are not
	Reason      string
}

// nameForm is what one kind of record needs for nameView: who may change it, how to
// load the record the URL names (filling the form), and how to save the form.
type nameForm struct {
	kind   string
	act    parley.Action
	load   func(r *http.Request, v *nameView) error
	save   func(r *http.Request, v *nameView, by parley.Audit) error
	target func(v *nameView) string // where to go after saving
}

func (s *Server) nameFormPage(nf nameForm) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.newNameView(w, r, nf)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.showPage(w, r, "structure", v, http.StatusOK)
	})
}

func (s *Server) newNameView(w http.ResponseWriter, r *http.Request, nf nameForm) (*nameView, error) {
	if err := viewerFrom(r.Context()).permit(nf.act, 0, "change the forum's "+nf.kind+"s"); err != nil {
		return nil, err
	}
	v := &nameView{page: s.newPage(r, "New "+nf.kind), form: newFormState(), Kind: nf.kind, Action: r.URL.Path,
		Heading: "New " + nf.kind, HasPosition: nf.kind != "tag"}
	v.CSRF = s.csrfToken(w, r)
	return v, nf.load(r, v)
}

// nameFormSave checks and saves the form; a refusal shows it again as typed.
func (s *Server) nameFormSave(nf nameForm) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		v, err := s.newNameView(w, r, nf)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		f := r.PostForm
		v.Slug, v.Name = strings.TrimSpace(f.Get("slug")), strings.TrimSpace(f.Get("name"))
		v.Description, v.Reason = strings.TrimSpace(f.Get("description")), f.Get("reason")
		if v.HasPosition {
			if v.Position, err = strconv.Atoi(strings.TrimSpace(f.Get("position"))); err != nil {
				s.refuse(w, r, "structure", v, &v.form, parley.Invalid("position", "The position is a whole number; lower comes first."))
				return
			}
		}
		if err := nf.save(r, v, audit(r)); err != nil {
			s.refuse(w, r, "structure", v, &v.form, err)
			return
		}
		http.Redirect(w, r, nf.target(v), http.StatusSeeOther)
	})
}

// findTopic returns the topic in the URL's {id}.
func (s *Server) findTopic(r *http.Request) (parley.Topic, error) {
	id, err := pathID(r, "topic")
	if err != nil {
		return parley.Topic{}, err
	}
	topics, err := s.store.Topics(r.Context())
	if err != nil {
		return parley.Topic{}, err
	}
	for _, t := range topics {
		if t.ID == id {
			return t, nil
		}
	}
	return parley.Topic{}, parley.NotFound("There is no topic %d.", id)
}

// findSubtopic returns the subtopic in the URL's {id} and its topic.
func (s *Server) findSubtopic(r *http.Request) (parley.Topic, parley.Subtopic, error) {
	id, err := pathID(r, "subtopic")
	if err != nil {
		return parley.Topic{}, parley.Subtopic{}, err
	}
	topics, err := s.store.Topics(r.Context())
	if err != nil {
		return parley.Topic{}, parley.Subtopic{}, err
	}
	for _, t := range topics {
		for _, sub := range t.Subtopics {
			if sub.ID == id {
				return t, sub, nil
			}
		}
	}
	return parley.Topic{}, parley.Subtopic{}, parley.NotFound("There is no subtopic %d.", id)
}

// findTag returns the tag in the URL's {id}.
func (s *Server) findTag(r *http.Request) (parley.Tag, error) {
	id, err := pathID(r, "tag")
	if err != nil {
		return parley.Tag{}, err
	}
	tags, err := s.store.Tags(r.Context())
	if err != nil {
		return parley.Tag{}, err
	}
	for _, t := range tags {
		if t.ID == id {
			return t, nil
		}
	}
	return parley.Tag{}, parley.NotFound("There is no tag %d.", id)
}

func (v *nameView) fill(heading, slug, name, description string, position int) {
	v.Heading, v.Title = heading, heading
	v.Slug, v.Name, v.Description, v.Position = slug, name, description, position
}

func noLoad(*http.Request, *nameView) error { return nil }

func (s *Server) newTopicForm() nameForm {
	return nameForm{kind: "topic", act: parley.ActAdminister, load: noLoad,
		save: func(r *http.Request, v *nameView, by parley.Audit) error {
			_, err := s.store.CreateTopic(r.Context(), parley.NewTopic{Slug: v.Slug, Name: v.Name, Description: v.Description, Position: v.Position, By: by})
			return err
		},
		target: func(v *nameView) string { return "/topics/" + v.Slug }}
}

func (s *Server) editTopicForm() nameForm {
	return nameForm{kind: "topic", act: parley.ActAdminister,
		load: func(r *http.Request, v *nameView) error {
			t, err := s.findTopic(r)
			v.fill("Edit topic "+t.Name, t.Slug, t.Name, t.Description, t.Position)
			return err
		},
		save: func(r *http.Request, v *nameView, by parley.Audit) error {
			t, err := s.findTopic(r)
			if err != nil {
				return err
			}
			_, err = s.store.UpdateTopic(r.Context(), t.ID, parley.NewTopic{Slug: v.Slug, Name: v.Name, Description: v.Description, Position: v.Position}, by)
			return err
		},
		target: func(v *nameView) string { return "/topics/" + v.Slug }}
}

func (s *Server) newSubtopicForm() nameForm {
	return nameForm{kind: "subtopic", act: parley.ActAdminister,
		load: func(r *http.Request, v *nameView) error {
			t, err := s.findTopic(r)
			v.Heading = "New subtopic in " + t.Name
			return err
		},
		save: func(r *http.Request, v *nameView, by parley.Audit) error {
			t, err := s.findTopic(r)
			if err != nil {
				return err
			}
			_, err = s.store.CreateSubtopic(r.Context(), parley.NewSubtopic{TopicID: t.ID, Slug: v.Slug, Name: v.Name,
				Description: v.Description, Position: v.Position, By: by})
			return err
		},
		target: func(v *nameView) string { return "/admin" }}
}

func (s *Server) editSubtopicForm() nameForm {
	return nameForm{kind: "subtopic", act: parley.ActAdminister,
		load: func(r *http.Request, v *nameView) error {
			t, sub, err := s.findSubtopic(r)
			v.fill("Edit subtopic "+t.Name+" › "+sub.Name, sub.Slug, sub.Name, sub.Description, sub.Position)
			return err
		},
		save: func(r *http.Request, v *nameView, by parley.Audit) error {
			_, sub, err := s.findSubtopic(r)
			if err != nil {
				return err
			}
			_, err = s.store.UpdateSubtopic(r.Context(), sub.ID, parley.NewSubtopic{Slug: v.Slug, Name: v.Name, Description: v.Description, Position: v.Position}, by)
			return err
		},
		target: func(v *nameView) string { return "/admin" }}
}

func (s *Server) newTagForm() nameForm {
	return nameForm{kind: "tag", act: parley.ActManageTags, load: noLoad,
		save: func(r *http.Request, v *nameView, by parley.Audit) error {
			_, err := s.store.CreateTag(r.Context(), parley.NewTag{Slug: v.Slug, Name: v.Name, Description: v.Description, By: by})
			return err
		},
		target: func(v *nameView) string { return "/tags/" + v.Slug }}
}

func (s *Server) editTagForm() nameForm {
	return nameForm{kind: "tag", act: parley.ActManageTags,
		load: func(r *http.Request, v *nameView) error {
			t, err := s.findTag(r)
			v.fill("Edit tag "+t.Name, t.Slug, t.Name, t.Description, 0)
			return err
		},
		save: func(r *http.Request, v *nameView, by parley.Audit) error {
			t, err := s.findTag(r)
			if err != nil {
				return err
			}
			_, err = s.store.UpdateTag(r.Context(), t.ID, parley.NewTag{Slug: v.Slug, Name: v.Name, Description: v.Description}, by)
			return err
		},
		target: func(v *nameView) string { return "/tags/" + v.Slug }}
}

// userEditView is the admins' form for a user's role, badge and signature.
type userEditView struct {
	page
	form
	User      parley.User
	Roles     []parley.Role
	Role      parley.Role
	Badge     string
	Signature string
	Reason    string
}

func (s *Server) loadUserEdit(w http.ResponseWriter, r *http.Request) (*userEditView, error) {
	if err := viewerFrom(r.Context()).permit(parley.ActAdminister, 0, "change users' roles: that is for admins"); err != nil {
		return nil, err
	}
	u, err := s.store.UserByHandle(r.Context(), r.PathValue("handle"))
	if err != nil {
		return nil, err
	}
	v := &userEditView{page: s.newPage(r, "Edit @"+u.Handle), form: newFormState(), User: u,
		Roles: []parley.Role{parley.RoleMember, parley.RoleModerator, parley.RoleStaff, parley.RoleAdmin},
		Role:  u.Role, Badge: u.Badge, Signature: u.Signature}
	v.CSRF = s.csrfToken(w, r)
	return v, nil
}

func (s *Server) handleUserEditForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.loadUserEdit(w, r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.showPage(w, r, "useredit", v, http.StatusOK)
	})
}

// handleUserEdit saves a user's role, badge and signature. An admin cannot take away their
// own admin role, so a forum cannot be left without one by a slip.
func (s *Server) handleUserEdit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		v, err := s.loadUserEdit(w, r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		f := r.PostForm
		v.Role, v.Badge, v.Signature, v.Reason = parley.Role(f.Get("role")), f.Get("badge"), f.Get("signature"), f.Get("reason")
		if v.User.ID == viewerFrom(r.Context()).User.ID && v.Role != parley.RoleAdmin {
			s.refuse(w, r, "useredit", v, &v.form, parley.Invalid("role", "You cannot take away your own admin role; ask another admin."))
			return
		}
		in := parley.UserUpdate{UserID: v.User.ID, Role: v.Role, Badge: v.Badge, Signature: v.Signature,
			SignatureHTML: s.cfg.Markdown.Render(v.Signature)}
		if _, err := s.store.UpdateUser(r.Context(), in, audit(r)); err != nil {
			s.refuse(w, r, "useredit", v, &v.form, err)
			return
		}
		http.Redirect(w, r, "/users/"+v.User.Handle, http.StatusSeeOther)
	})
}
