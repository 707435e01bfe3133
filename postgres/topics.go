package postgres

import (
	"context"
)

// subtopicTopic returns the topic a subtopic belongs to.
func subtopicTopic(ctx context.Context, q queryer, subtopicID int64) (int64, error) {
	var topicID int64
	err := q.QueryRow(ctx, `SELECT topic_id FROM subtopics WHERE id = $1`, subtopicID).Scan(&topicID)
	return topicID, notFound(err, "There is no subtopic %d.", subtopicID)
}
