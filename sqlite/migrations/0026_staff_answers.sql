-- The threads with a visible answer staff recommended (search's is:answered): few posts
-- are, so the threads that have one are found in this small index rather than by testing
-- every post of every thread a search weighs.
CREATE INDEX posts_staff_recommended ON posts (thread_id) WHERE staff_recommended AND hidden_at IS NULL;
