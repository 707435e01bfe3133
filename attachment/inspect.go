// Package attachment decides what an uploaded file is, from its bytes alone, and whether
// the forum takes it: PNG, JPEG, GIF and WebP images whose headers read as images, and
// UTF-8 text with a log-like name. The browser's claimed type is never asked, and the name
// matters only to text, where it chooses among the text names allowed.
package attachment

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
)

// Allowed says what the forum takes, for messages and for the file input's hint.
const Allowed = "PNG, JPEG, GIF or WebP images, or text files named .txt, .log, .crash, .ips or .json"

// Inspect reads the file r holds from its start and describes it, or returns an EInvalid
// error, about the field "attachments", that names the file and says what is wrong. name
// is the name the uploader gave. Inspect does not limit the size: the caller has bounded
// what it read.
func Inspect(name string, r io.ReadSeeker) (parley.File, error) {
	f := parley.File{Name: parley.CleanFileName(name)}
	if f.Name == "" {
		return f, parley.Invalid("attachments", "A file without a name was left out; name it and choose it again.")
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return f, err
	}
	s := newScan()
	if _, err := io.Copy(s, r); err != nil {
		return f, err
	}
	s.finish()
	f.Size, f.SHA256 = s.size, hex.EncodeToString(s.hash.Sum(nil))
	if f.Size == 0 {
		return f, parley.Invalid("attachments", "%s is empty.", f.Name)
	}
	if kind, ok := imageTypes[http.DetectContentType(s.head)]; ok {
		return readImage(f, kind, r)
	}
	if !s.text {
		return f, parley.Invalid("attachments", "%s is not a file the forum takes. Attach %s.", f.Name, Allowed)
	}
	if ext := strings.ToLower(path.Ext(f.Name)); !slices.Contains(parley.TextExtensions, ext) {
		return f, parley.Invalid("attachments", "%s is text, but text files are taken only with names ending in .txt, .log, .crash, .ips or .json. Rename it and choose it again.", f.Name)
	}
	f.ContentType, f.Lines, f.Text = parley.TypeText, s.lines, textStart(s.head)
	return f, nil
}

// imageType is one image format the forum takes: its content type, its name in messages
// and how to read its width and height.
type imageType struct {
	contentType, name string
	size              func(io.Reader) (w, h int, err error)
}

// imageTypes are keyed by what http.DetectContentType (the WHATWG sniffing algorithm)
// answers for them.
var imageTypes = map[string]imageType{
	"image/png":  {parley.TypePNG, "PNG", configSize(png.DecodeConfig)},
	"image/jpeg": {parley.TypeJPEG, "JPEG", configSize(jpeg.DecodeConfig)},
	"image/gif":  {parley.TypeGIF, "GIF", configSize(gif.DecodeConfig)},
	"image/webp": {parley.TypeWebP, "WebP", webpSize},
}

// readImage reads the header of a file whose first bytes say it is an image: a file that only
// starts like one is refused, so every image served is one a browser can show.
func readImage(f parley.File, kind imageType, r io.ReadSeeker) (parley.File, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return f, err
	}
	w, h, err := kind.size(r)
	if err != nil {
		return f, parley.Invalid("attachments", "%s starts like a %s image but cannot be read as one; it may be damaged.", f.Name, kind.name)
	}
	if w <= 0 || h <= 0 || w > parley.MaxImageSide || h > parley.MaxImageSide {
		return f, parley.Invalid("attachments", "%s is %d×%d pixels; images may be at most %d pixels wide and high.", f.Name, w, h, parley.MaxImageSide)
	}
	if pixels := int64(w) * int64(h); pixels > parley.MaxImagePixels {
		return f, parley.Invalid("attachments", "%s is %d×%d pixels, %s megapixels; images may have at most %d megapixels.",
			f.Name, w, h, strconv.FormatFloat(float64(pixels)/1e6, 'f', 1, 64), parley.MaxImagePixels/1_000_000)
	}
	f.ContentType, f.Width, f.Height = kind.contentType, w, h
	return f, nil
}

func configSize(decode func(io.Reader) (image.Config, error)) func(io.Reader) (int, int, error) {
	return func(r io.Reader) (int, int, error) {
		c, err := decode(r)
		return c.Width, c.Height, err
	}
}

// scan is one pass over a file's bytes: its digest, size, first bytes (the first 512 for
// sniffing, up to parley.MaxFileText for search), line count, and whether it is text:
// valid UTF-8 without NUL bytes.
type scan struct {
	hash    hash.Hash
	size    int64
	head    []byte
	lines   int
	lastNL  bool
	text    bool
	pending []byte // the start of a character split across writes
}

func newScan() *scan { return &scan{hash: sha256.New(), text: true} }

func (s *scan) Write(p []byte) (int, error) {
	s.hash.Write(p)
	s.size += int64(len(p))
	if n := parley.MaxFileText - len(s.head); n > 0 {
		s.head = append(s.head, p[:min(n, len(p))]...)
	}
	if len(p) > 0 {
		s.lines += bytes.Count(p, []byte{'\n'})
		s.lastNL = p[len(p)-1] == '\n'
	}
	if s.text {
		s.checkText(p)
	}
	return len(p), nil
}

// checkText checks the next bytes for UTF-8 and NUL. A character split across two writes
// is held in pending until its end arrives.
func (s *scan) checkText(p []byte) {
	if bytes.IndexByte(p, 0) >= 0 {
		s.text = false
		return
	}
	if len(s.pending) > 0 {
		joined := append(s.pending, p[:min(len(p), utf8.UTFMax)]...)
		if !utf8.FullRune(joined) {
			s.pending = joined
			return
		}
		r, n := utf8.DecodeRune(joined)
		if r == utf8.RuneError && n <= 1 {
			s.text = false
			return
		}
		p, s.pending = p[n-len(s.pending):], nil
	}
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		s.text = false
		return
	}
	s.pending = append(s.pending[:0], p[cut:]...)
}

// ReadText reads the text search indexes of a text file already taken (parley.File.Text):
// its first parley.MaxFileText bytes, whole characters only.
func ReadText(r io.Reader) (string, error) {
	head, err := io.ReadAll(io.LimitReader(r, parley.MaxFileText))
	return textStart(head), err
}

// textStart is the start of a text, head, without a character cut at its end.
func textStart(head []byte) string {
	for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(head[i]) {
			if !utf8.FullRune(head[i:]) {
				head = head[:i]
			}
			break
		}
	}
	return string(head)
}

// finish ends the pass: a character left unfinished makes the file not text, and a last
// line without a newline still counts.
func (s *scan) finish() {
	if len(s.pending) > 0 {
		s.text = false
	}
	if s.size > 0 && !s.lastNL {
		s.lines++
	}
}
