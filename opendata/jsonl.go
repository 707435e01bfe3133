package opendata

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// jsonlWriter writes one data file, a JSON value a line, counting the records and bytes
// and hashing them as they go, so that the manifest's entry needs no second read.
type jsonlWriter struct {
	entry FileEntry
	f     *os.File
	buf   *bufio.Writer
	hash  hash.Hash
	enc   *json.Encoder
}

func createJSONL(dir, name string) (*jsonlWriter, error) {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	w := &jsonlWriter{entry: FileEntry{Path: name}, f: f, buf: bufio.NewWriterSize(f, 256<<10), hash: sha256.New()}
	w.enc = json.NewEncoder(io.MultiWriter(w.buf, w.hash, (*byteCounter)(&w.entry.Bytes)))
	// Bodies are HTML: escaping every < and > would only make the file harder to read.
	w.enc.SetEscapeHTML(false)
	return w, nil
}

// write adds one record as a line.
func (w *jsonlWriter) write(record any) error {
	if err := w.enc.Encode(record); err != nil {
		return fmt.Errorf("write %s: %w", w.entry.Path, err)
	}
	w.entry.Records++
	return nil
}

// close flushes and syncs the file and returns its manifest entry.
func (w *jsonlWriter) close() (FileEntry, error) {
	err := w.buf.Flush()
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return FileEntry{}, fmt.Errorf("write %s: %w", w.entry.Path, err)
	}
	w.entry.SHA256 = hex.EncodeToString(w.hash.Sum(nil))
	return w.entry, nil
}

// abandon closes the file after a failure.
func (w *jsonlWriter) abandon() { w.f.Close() }

type byteCounter int64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

// jsonlReader reads one data file a record at a time, naming the file and line of a
// record that does not parse.
type jsonlReader struct {
	name    string
	f       *os.File
	scanner *bufio.Scanner
	line    int
}

// maxLine bounds one record: a thread with all its posts. A thread of thousands of long
// posts fits; a file that is not JSON Lines at all fails here instead of filling memory.
const maxLine = 1 << 30

func openJSONL(dir, name string) (*jsonlReader, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 0, 64<<10), maxLine)
	return &jsonlReader{name: name, f: f, scanner: s}, nil
}

// next reads the next record into v, and reports false at the end of the file or on an
// error, which err returns.
func (r *jsonlReader) next(v any) (bool, error) {
	if !r.scanner.Scan() {
		if err := r.scanner.Err(); err != nil {
			return false, fmt.Errorf("%s, line %d: %w", r.name, r.line+1, err)
		}
		return false, nil
	}
	r.line++
	if err := json.Unmarshal(r.scanner.Bytes(), v); err != nil {
		return false, fmt.Errorf("%s, line %d: %w", r.name, r.line, err)
	}
	return true, nil
}

func (r *jsonlReader) close() { r.f.Close() }
