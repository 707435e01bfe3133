// Package sedump reads the XML files of a Stack Exchange data dump (Posts.xml, Users.xml,
// Tags.xml, Votes.xml, Comments.xml, PostHistory.xml, PostLinks.xml, Badges.xml) as streams
// of typed records, one <row> at a time, so that a dump of any size is read in the memory
// one row takes.
//
// Each file has one function, named for it, that returns an iterator:
//
//	for p, err := range sedump.Posts(dir) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// The iterator opens the file when the loop starts and closes it when the loop ends, early
// or not, so it can be ranged over again. It yields an error at most once, as its last
// value: the reader stops at the first problem rather than guess what a broken row meant.
// A missing file gives the error of os.Open, which errors.Is(err, fs.ErrNotExist) matches,
// so that an importer can note it and go on (some dumps lack PostHistory.xml). Any other
// problem is an *Error naming the file, the line, and the attribute and value at fault.
//
// # Absent attributes
//
// A dump leaves out an attribute to mean NULL. Each record's field is then:
//   - for a reference to another row (ParentID, OwnerUserID, AcceptedAnswerID, …): nil.
//     These are pointers because a reference that is missing means something (a deleted
//     user, a question rather than an answer), and user ids include -1 (the Community
//     user), so no number could stand for "none";
//   - for a date: the zero time.Time (check it with IsZero); dump dates are never year 1;
//   - for a count, a string or a flag: 0, "" or false, which mean the same as absent.
//
// Only the attributes without which a row means nothing are required: Id in every file,
// the type of posts, votes, history entries and links, and the row they are about (PostId,
// RelatedPostId, a badge's UserId and Name, a tag's TagName). Attributes the reader does
// not know, such as those of older or newer dumps, are ignored.
//
// # Format
//
// Files are UTF-8, usually with a byte order mark and CRLF line endings, one <row/> per
// line inside a root element named for the file in lower case (<posts>, <posthistory>).
// Dates such as 2021-04-27T15:06:44.553 are UTC without a zone, with or without the
// fraction; flags are True or False; a post's tags are written <a><b> or, in dumps from
// late 2025 on, |a|b| (see ParseTags).
//
// Rows are read by a scanner made for that layout, several times faster than encoding/xml.
// From the first line it does not take on (a row over several lines, a comment, a name
// with a namespace prefix), encoding/xml reads the rest of the file, so that any file reads
// as encoding/xml reads it, errors included, only slower.
package sedump

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
)

// Error is a problem in a dump file, located where a person can find it with an editor.
type Error struct {
	File string // the path of the file, as the directory given to the reader joined with its name
	Line int    // 1-based
	// Msg says what is wrong, naming the attribute and its value when one is at fault,
	// e.g. `CreationDate "yesterday" is not a date`.
	Msg string
	Err error // the XML parser's error when the file is not well-formed XML, else nil
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

func (e *Error) Unwrap() error { return e.Err }

// bufferSize is how much of a file is read at once: large enough that a multi-gigabyte
// file is read in few system calls, small beside the rows themselves.
const bufferSize = 256 << 10

// rowSource gives the rows of one file in turn, then io.EOF once its root element closes.
type rowSource interface {
	next() (*row, error)
}

// read streams the rows of the file name in dir, turning each into a record with parse.
func read[T any](dir, name string, parse func(*row) T) iter.Seq2[T, error] {
	return readWith(dir, name, newScanner, parse)
}

// readWith is read with the row source open makes, so that tests can compare sources.
func readWith[T any](dir, name string, open func(path, root string, r *bufio.Reader) rowSource, parse func(*row) T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		path := filepath.Join(dir, name)
		f, err := os.Open(path)
		if err != nil {
			yield(zero, err)
			return
		}
		defer f.Close()
		rows := open(path, strings.ToLower(strings.TrimSuffix(name, ".xml")), bufio.NewReaderSize(f, bufferSize))
		for {
			r, err := rows.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(zero, err)
				return
			}
			record := parse(r)
			if r.err != nil {
				yield(zero, &Error{File: path, Line: r.line, Msg: r.err.Error()})
				return
			}
			if !yield(record, nil) {
				return
			}
		}
	}
}

// rowReader walks the XML of one dump file with encoding/xml: the root element, then its
// <row> elements. It reads whatever the scanner does not (see scanner).
type rowReader struct {
	path   string
	root   string // the root element's expected name
	dec    *xml.Decoder
	inRoot bool
	// lineOffset is added to the lines the decoder counts: the line it began reading at,
	// less one, when the scanner hands it the rest of a file.
	lineOffset int
}

// xmlRows reads a whole file with encoding/xml: what the scanner must match.
func xmlRows(path, root string, r *bufio.Reader) rowSource {
	return newXMLReader(path, root, r)
}

// newXMLReader reads from r, which, being an io.ByteReader, the decoder reads no further
// than the tokens it returns.
func newXMLReader(path, root string, r io.Reader) *rowReader {
	return &rowReader{path: path, root: root, dec: xml.NewDecoder(r)}
}

// enter reads up to the root element's start tag, and returns it.
func (rr *rowReader) enter() (xml.StartElement, error) {
	for {
		line := rr.line()
		tok, err := rr.dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, rr.fail(line, fmt.Sprintf("the file ends before its <%s> element", rr.root), nil)
		}
		if err != nil {
			return xml.StartElement{}, rr.xmlError(line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != rr.root {
				return xml.StartElement{}, rr.fail(line, fmt.Sprintf("the root element is <%s>, not <%s>", t.Name.Local, rr.root), nil)
			}
			rr.inRoot = true
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, io.EOF
		}
	}
}

// next returns the next <row>, or io.EOF once the root element is closed. A byte order
// mark and the line breaks between rows reach it as character data, which it passes over.
func (rr *rowReader) next() (*row, error) {
	if !rr.inRoot {
		if _, err := rr.enter(); err != nil {
			return nil, err
		}
	}
	for {
		// The position before the token is the start of the tag: the line a person
		// looks for, even if a row were spread over several lines.
		line := rr.line()
		tok, err := rr.dec.Token()
		if err == io.EOF {
			return nil, rr.fail(line, fmt.Sprintf("the file ends before its <%s> element", rr.root), nil)
		}
		if err != nil {
			return nil, rr.xmlError(line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" {
				return nil, rr.fail(line, fmt.Sprintf("<%s> where a <row> belongs", t.Name.Local), nil)
			}
			// Skip reads the row's end tag, and any content a row should not have.
			if err := rr.dec.Skip(); err != nil {
				return nil, rr.xmlError(line, err)
			}
			r := &row{line: line, attrs: make([]attr, len(t.Attr))}
			for i, a := range t.Attr {
				r.attrs[i] = attr{name: a.Name.Local, value: a.Value}
			}
			return r, nil
		case xml.EndElement:
			// The decoder checks that end tags match, so this one closes the root.
			return nil, io.EOF
		}
	}
}

func (rr *rowReader) line() int {
	line, _ := rr.dec.InputPos()
	return line + rr.lineOffset
}

func (rr *rowReader) fail(line int, msg string, err error) error {
	return &Error{File: rr.path, Line: line, Msg: msg, Err: err}
}

// xmlError reports a file that is not well-formed, at the line the parser names.
func (rr *rowReader) xmlError(line int, err error) error {
	var syntax *xml.SyntaxError
	if errors.As(err, &syntax) {
		if syntax.Msg == "unexpected EOF" {
			return rr.fail(syntax.Line+rr.lineOffset, "the file ends in the middle (was it cut short?)", err)
		}
		return rr.fail(syntax.Line+rr.lineOffset, "XML syntax error: "+syntax.Msg, err)
	}
	return rr.fail(line, err.Error(), err)
}
