-- threads.link_count counts a thread's links in both directions, so that a thread page
-- reads its links only when it has some: most threads have none, and the query would be a
-- third of the page's reads.
ALTER TABLE threads ADD COLUMN link_count INTEGER NOT NULL DEFAULT 0;

UPDATE threads SET link_count = c.n
FROM (SELECT id, count(*) AS n FROM (SELECT thread_id AS id FROM thread_links UNION ALL SELECT target_id FROM thread_links) l
    GROUP BY id) c
WHERE threads.id = c.id;
