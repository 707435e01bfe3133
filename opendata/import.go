package opendata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/attachment"
	"github.com/parley-forum/parley/blob"
	"github.com/parley-forum/parley/progress"
)

// ErrLoadStopped is matched by the error of an import that failed after it began writing
// to the forum, and took back what it wrote (parley.BulkWriter.Abandon): the forum is as
// empty as before, unless the error matches parley.ErrInterruptedLoad too.
var ErrLoadStopped = errors.New("the import stopped after it began writing to the forum")

// recordBatch is how many topics, tags or users the import hands the bulk writer at once.
const recordBatch = 2000

// Import reads the export in dir into store, which must be empty (parley.CheckEmpty), and
// the attached files' contents into blobs. Every file is checked against the manifest
// first (Verify): a folder that changed since the export is refused before anything is
// written.
func Import(ctx context.Context, store parley.Store, blobs blob.Store, dir string, opts Options) (*Manifest, error) {
	m, err := Verify(dir)
	if err != nil {
		return nil, err
	}
	if err := parley.CheckEmpty(ctx, store); err != nil {
		return m, err
	}
	// Contents first, as the bulk writer requires: a failure then leaves at most contents
	// nothing refers to, which the upload sweep deletes.
	err = eachContent(dir, func(path string) error {
		f, err := os.Open(filepath.Join(dir, path))
		if err != nil {
			return err
		}
		defer f.Close()
		return blobs.Put(ctx, filepath.Base(path), f)
	})
	if err != nil {
		return m, fmt.Errorf("store the attached files: %w", err)
	}
	w, err := store.Bulk(ctx)
	if err != nil {
		return m, err
	}
	if err := load(ctx, w, dir, m, opts.Progress); err != nil {
		return m, fmt.Errorf("%w: %w", ErrLoadStopped, errors.Join(err, w.Abandon(ctx)))
	}
	return m, nil
}

// load hands every record to w, in the order a bulk writer takes them.
func load(ctx context.Context, w parley.BulkWriter, dir string, m *Manifest, bar io.Writer) error {
	err := readBatches(dir, TopicsFile, recordBatch, Topic.record, func(b []parley.Topic) error { return w.Topics(ctx, b) })
	if err == nil {
		err = readBatches(dir, TagsFile, recordBatch, Tag.record, func(b []parley.Tag) error { return w.Tags(ctx, b) })
	}
	if err == nil {
		err = readBatches(dir, UsersFile, recordBatch, User.record, func(b []parley.User) error { return w.Users(ctx, b) })
	}
	if err == nil && m.Lists(BadgesFile) { // an export made before badges has none
		err = readBatches(dir, BadgesFile, recordBatch, Badge.record, func(b []parley.EarnedBadge) error { return w.Badges(ctx, b) })
	}
	if err != nil {
		return err
	}
	pb := progress.New(bar, m.Records(ThreadsFile), "Importing the forum", "threads")
	err = readBatches(dir, ThreadsFile, BatchSize, Thread.record, func(b []parley.ThreadRecord) error {
		pb.Add(len(b))
		if err := readFileTexts(dir, b); err != nil {
			return err
		}
		return w.Threads(ctx, b)
	})
	pb.Finish()
	if err != nil {
		return err
	}
	return w.Close(ctx)
}

// readFileTexts gives the text files the threads' posts carry the text search indexes
// (parley.File.Text), read from the export's copy of each: the format keeps the files, not
// what the forum derives from them.
func readFileTexts(dir string, threads []parley.ThreadRecord) error {
	texts := map[string]string{} // by content: demo forums attach one to many posts
	for i := range threads {
		for j := range threads[i].Posts {
			files := threads[i].Posts[j].Attachments
			for k := range files {
				f := &files[k]
				if f.ContentType != parley.TypeText {
					continue
				}
				text, ok := texts[f.SHA256]
				if !ok {
					var err error
					if text, err = readText(filepath.Join(dir, FilesDir, f.SHA256)); err != nil {
						return err
					}
					texts[f.SHA256] = text
				}
				f.Text = text
			}
		}
	}
	return nil
}

func readText(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return attachment.ReadText(f)
}

// readBatches reads the records of one data file as R, turns each into the domain's T and
// hands them to write n at a time. Each batch is a new slice, since a writer may keep it.
func readBatches[R, T any](dir, name string, n int, convert func(R) T, write func([]T) error) error {
	r, err := openJSONL(dir, name)
	if err != nil {
		return err
	}
	defer r.close()
	batch := make([]T, 0, n)
	for {
		var rec R
		ok, err := r.next(&rec)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if batch = append(batch, convert(rec)); len(batch) == n {
			if err := write(batch); err != nil {
				return err
			}
			batch = make([]T, 0, n)
		}
	}
	if len(batch) == 0 {
		return nil
	}
	return write(batch)
}
