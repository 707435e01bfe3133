-- The list indexes of 0028 held each entry's view count, so that a list page read its
-- entries from the index alone. But every time a thread's count moved its lists' copy
-- (sqlstore AddViews), each of the five indexes was written for each of its list entries:
-- a flush of views cost three to five times as much, and the list pages gained too little
-- to measure. The count is again in the views' index alone.
DROP INDEX listings_by_activity;
DROP INDEX listings_by_boosts;
DROP INDEX listings_by_created;
DROP INDEX listings_by_replies;
CREATE INDEX listings_by_activity ON thread_listings (scope, last_activity_at, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_by_boosts   ON thread_listings (scope, boost_count, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_by_created  ON thread_listings (scope, created_at, thread_id, pinned, answered, staff_replied);
CREATE INDEX listings_by_replies  ON thread_listings (scope, reply_count, thread_id, pinned, answered, staff_replied);
