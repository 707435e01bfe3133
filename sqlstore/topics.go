package sqlstore

import (
	"context"
	"time"

	parley "github.com/parley-forum/parley"
)

// topicsTTL bounds how long a node may show the forum's structure (and its subtopics'
// thread counts) after another node changed it; changes made through this store are seen
// at once.
const topicsTTL = 5 * time.Second

// Topics returns every topic with its subtopics, in display order. The structure is read on
// every page and changes rarely, so it is cached; callers must not modify what it returns.
func (s *Store) Topics(ctx context.Context) ([]parley.Topic, error) {
	return s.topics.Get(func() ([]parley.Topic, error) { return s.loadTopics(ctx) })
}

func (s *Store) loadTopics(ctx context.Context) ([]parley.Topic, error) {
	rows, err := s.read(ctx).Query(ctx, `SELECT id, slug, name, description, position FROM topics ORDER BY position, id`)
	topics, err := collect(rows, err, func(r Row) (parley.Topic, error) {
		var t parley.Topic
		return t, r.Scan(&t.ID, &t.Slug, &t.Name, &t.Description, &t.Position)
	})
	if err != nil {
		return nil, err
	}
	subs, err := findSubtopics(ctx, s.read(ctx), 0)
	if err != nil {
		return nil, err
	}
	for i := range topics {
		for _, sub := range subs {
			if sub.TopicID == topics[i].ID {
				topics[i].Subtopics = append(topics[i].Subtopics, sub)
			}
		}
	}
	return append([]parley.Topic{}, topics...), nil
}

// TopicBySlug returns one topic with its subtopics.
func (s *Store) TopicBySlug(ctx context.Context, slug string) (parley.Topic, error) {
	topics, err := s.Topics(ctx)
	if err != nil {
		return parley.Topic{}, err
	}
	for _, t := range topics {
		if t.Slug == slug {
			return t, nil
		}
	}
	return parley.Topic{}, parley.NotFound("There is no topic %q.", slug)
}

// findSubtopics returns the subtopics of one topic, or of every topic when topicID is 0.
func findSubtopics(ctx context.Context, q Querier, topicID int64) ([]parley.Subtopic, error) {
	rows, err := q.Query(ctx, `SELECT id, topic_id, slug, name, description, position, thread_count
		FROM subtopics WHERE $1 = 0 OR topic_id = $1 ORDER BY position, id`, topicID)
	return collect(rows, err, func(r Row) (parley.Subtopic, error) {
		var s parley.Subtopic
		return s, r.Scan(&s.ID, &s.TopicID, &s.Slug, &s.Name, &s.Description, &s.Position, &s.ThreadCount)
	})
}

// CreateTopic adds a topic; its slug must be unused.
func (s *Store) CreateTopic(ctx context.Context, in parley.NewTopic) (parley.Topic, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Topic{}, err
	}
	t := parley.Topic{Slug: in.Slug, Name: in.Name, Description: in.Description, Position: in.Position}
	err := s.inTx(ctx, func(tx *Tx) error {
		return s.createNamed(ctx, tx, creation{in.By, parley.LogTopicCreated, "topic", in.Name, &t.ID,
			parley.Errorf(parley.EConflict, "A topic with the address %q exists already.", in.Slug)},
			`INSERT INTO topics (slug, name, description, position) VALUES ($1, $2, $3, $4) RETURNING id`,
			in.Slug, in.Name, in.Description, in.Position)
	})
	return t, err
}

// CreateSubtopic adds a subtopic to a topic; its slug must be unused within the topic.
func (s *Store) CreateSubtopic(ctx context.Context, in parley.NewSubtopic) (parley.Subtopic, error) {
	if err := parley.ValidateName(in.Slug, in.Name); err != nil {
		return parley.Subtopic{}, err
	}
	sub := parley.Subtopic{TopicID: in.TopicID, Slug: in.Slug, Name: in.Name, Description: in.Description, Position: in.Position}
	err := s.inTx(ctx, func(tx *Tx) error {
		if err := mustExist(ctx, tx, parley.NotFound("There is no topic %d.", in.TopicID), `SELECT 1 FROM topics WHERE id = $1`, in.TopicID); err != nil {
			return err
		}
		return s.createNamed(ctx, tx, creation{in.By, parley.LogSubtopicCreated, "subtopic", in.Name, &sub.ID,
			parley.Errorf(parley.EConflict, "This topic has a subtopic with the address %q already.", in.Slug)},
			`INSERT INTO subtopics (topic_id, slug, name, description, position) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			in.TopicID, in.Slug, in.Name, in.Description, in.Position)
	})
	return sub, err
}

// subtopicTopic returns the topic a subtopic belongs to.
func subtopicTopic(ctx context.Context, q Querier, subtopicID int64) (int64, error) {
	var topicID int64
	err := q.QueryRow(ctx, `SELECT topic_id FROM subtopics WHERE id = $1`, subtopicID).Scan(&topicID)
	return topicID, notFound(err, "There is no subtopic %d.", subtopicID)
}
