-- A list page reads each entry's view count with the columns its index holds; without the
-- count in the index, each of a page's entries cost a look-up of its row as well. The
-- views' index holds it already.
DROP INDEX listings_by_activity;
DROP INDEX listings_by_boosts;
DROP INDEX listings_by_created;
DROP INDEX listings_by_replies;
CREATE INDEX listings_by_activity ON thread_listings (scope, last_activity_at, thread_id, pinned, answered, staff_replied, view_count);
CREATE INDEX listings_by_boosts   ON thread_listings (scope, boost_count, thread_id, pinned, answered, staff_replied, view_count);
CREATE INDEX listings_by_created  ON thread_listings (scope, created_at, thread_id, pinned, answered, staff_replied, view_count);
CREATE INDEX listings_by_replies  ON thread_listings (scope, reply_count, thread_id, pinned, answered, staff_replied, view_count);
