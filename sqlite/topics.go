package sqlite

import (
	"context"
)

// subtopicTopic returns the topic a subtopic belongs to.
func subtopicTopic(ctx context.Context, q queryer, subtopicID int64) (int64, error) {
	var topicID int64
	err := q.QueryRowContext(ctx, `SELECT topic_id FROM subtopics WHERE id = ?`, subtopicID).Scan(&topicID)
	if err != nil {
		return 0, notFound(err, "There is no subtopic %d.", subtopicID)
	}
	return topicID, nil
}
