-- The threads with a visible answer staff recommended (search's is:answered): few posts
-- are, so the planner reads the threads that have one from this small index, where it
-- read every post (3 s at 5,000,000 posts) to gather them.
CREATE INDEX posts_staff_recommended ON posts (thread_id) WHERE staff_recommended AND hidden_at IS NULL;
