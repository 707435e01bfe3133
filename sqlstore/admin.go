package sqlstore

import (
	"context"

	parley "github.com/parley-forum/parley"
)

// UpdateUser sets a user's role, badge and signature, which every page they posted on
// shows.
func (s *Store) UpdateUser(ctx context.Context, in parley.UserUpdate, a parley.Audit) (parley.User, error) {
	if err := in.Validate(); err != nil {
		return parley.User{}, err
	}
	err := s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		var old parley.UserUpdate
		var handle string
		err := tx.QueryRow(ctx, `SELECT handle, role, badge, signature FROM users WHERE id = $1`+s.d.ForUpdate, in.UserID).
			Scan(&handle, &old.Role, &old.Badge, &old.Signature)
		if err != nil {
			return nil, notFound(err, "There is no user %d.", in.UserID)
		}
		changes := in.Changes(old)
		if changes == "" {
			return nil, nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $1, badge = $2, signature = $3, signature_html = $4 WHERE id = $5`,
			in.Role, in.Badge, in.Signature, in.SignatureHTML, in.UserID); err != nil {
			return nil, err
		}
		tx.ForumChanged()
		return &parley.LogEntry{Action: parley.LogUserUpdated, TargetKind: "user", TargetID: in.UserID,
			Target: "@" + handle, Detail: changes}, nil
	})
	if err != nil {
		return parley.User{}, err
	}
	return s.UserByID(parley.ReadPrimary(ctx), in.UserID)
}

// UpdateTopic renames, re-describes or reorders a topic.
func (s *Store) UpdateTopic(ctx context.Context, id int64, in parley.NewTopic, a parley.Audit) (parley.Topic, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Topic{}, err
	}
	err := s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		return s.renamed(ctx, tx, "topic", id, parley.LogTopicUpdated, `UPDATE topics SET slug = $1, name = $2, description = $3, position = $4 WHERE id = $5`,
			in.Slug, in.Name, in.Description, in.Position, id)
	})
	if err != nil {
		return parley.Topic{}, err
	}
	return parley.Topic{ID: id, Slug: in.Slug, Name: in.Name, Description: in.Description, Position: in.Position}, nil
}

// UpdateSubtopic renames, re-describes or reorders a subtopic; it stays in its topic,
// since moving it would move every thread in it between topic lists.
func (s *Store) UpdateSubtopic(ctx context.Context, id int64, in parley.NewSubtopic, a parley.Audit) (parley.Subtopic, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Subtopic{}, err
	}
	var topicID int64
	err := s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		var err error
		if topicID, err = subtopicTopic(ctx, tx, id); err != nil {
			return nil, err
		}
		if in.TopicID != 0 && in.TopicID != topicID {
			return nil, parley.Invalid("topic", "A subtopic cannot move to another topic; move its threads instead.")
		}
		return s.renamed(ctx, tx, "subtopic", id, parley.LogSubtopicUpdated, `UPDATE subtopics SET slug = $1, name = $2, description = $3, position = $4 WHERE id = $5`,
			in.Slug, in.Name, in.Description, in.Position, id)
	})
	if err != nil {
		return parley.Subtopic{}, err
	}
	return parley.Subtopic{ID: id, TopicID: topicID, Slug: in.Slug, Name: in.Name, Description: in.Description, Position: in.Position}, nil
}

// UpdateTag renames or re-describes a tag. Other nodes name it anew within tagsTTL.
func (s *Store) UpdateTag(ctx context.Context, id int64, in parley.NewTag, a parley.Audit) (parley.Tag, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Tag{}, err
	}
	err := s.logged(ctx, a, func(tx *Tx) (*parley.LogEntry, error) {
		return s.renamed(ctx, tx, "tag", id, parley.LogTagUpdated, `UPDATE tags SET slug = $1, name = $2, description = $3 WHERE id = $4`,
			in.Slug, in.Name, in.Description, id)
	})
	if err != nil {
		return parley.Tag{}, err
	}
	return s.TagBySlug(parley.ReadPrimary(ctx), in.Slug)
}

// renamed applies an update to a topic, subtopic or tag (kind; its table is kind+"s"),
// whose name and address many pages show, and returns the log entry naming it before and
// after. The update's second argument is the new name.
func (s *Store) renamed(ctx context.Context, tx *Tx, kind string, id int64, action, update string, args ...any) (*parley.LogEntry, error) {
	var oldName string
	if err := tx.QueryRow(ctx, `SELECT name FROM `+kind+`s WHERE id = $1`+s.d.ForUpdate, id).Scan(&oldName); err != nil {
		return nil, notFound(err, "There is no %s %d.", kind, id)
	}
	_, err := tx.Exec(ctx, update, args...)
	if s.d.IsUnique(err) {
		return nil, parley.Invalid("slug", "Another %s has that address already.", kind)
	}
	if err != nil {
		return nil, err
	}
	tx.ForumChanged()
	e := &parley.LogEntry{Action: action, TargetKind: kind, TargetID: id, Target: oldName}
	if newName := args[1].(string); newName != oldName {
		e.Detail = parley.RenamedDetail(newName)
	}
	return e, nil
}
