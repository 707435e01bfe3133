package sedump

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scanner reads a dump file's rows a line at a time: cardano's Posts.xml reads into
// records 3.6 times as fast as with encoding/xml, which spends its time on a method call
// per byte and a string per attribute. It relies on what every dump file is: one self-closing <row/> element a line,
// simple attribute names, values whose only markup is the five predefined entities and
// character references. Whatever else it meets, it does not guess at: from the start of
// that line on, it hands the file to encoding/xml (rowReader), so that a file reads
// exactly as encoding/xml reads it, errors included, only faster where it can.
//
// The prolog, up to the root element's start tag, is read by encoding/xml too.
type scanner struct {
	path, root string
	br         *bufio.Reader
	line       int // the line the next byte is on
	entered    bool
	long       []byte // a line longer than br's buffer
	r          row    // the row returned last, reused: read keeps none
	buf        []byte // the row's names and values, unescaped, one after another
	spans      []int  // the ends of each name and value in buf
	xml        *rowReader
}

func newScanner(path, root string, br *bufio.Reader) rowSource {
	return &scanner{path: path, root: root, br: br}
}

func (s *scanner) next() (*row, error) {
	if s.xml != nil {
		return s.xml.next()
	}
	if !s.entered {
		if err := s.enter(); err != nil || s.xml != nil {
			return s.xmlNext(err)
		}
	}
	for {
		text, err := s.readLine()
		if err != nil && err != io.EOF {
			return nil, &Error{File: s.path, Line: s.line, Msg: err.Error(), Err: err}
		}
		at := s.line
		if len(text) > 0 && text[len(text)-1] == '\n' {
			s.line++
		}
		switch s.scanLine(text, at) {
		case lineBlank:
			if err == io.EOF {
				return s.giveWay(text, at)
			}
		case lineRow:
			return &s.r, nil
		case lineEnd:
			return nil, io.EOF
		default:
			return s.giveWay(text, at)
		}
	}
}

func (s *scanner) xmlNext(err error) (*row, error) {
	if err != nil {
		return nil, err
	}
	return s.xml.next()
}

// enter reads the prolog and the root's start tag with encoding/xml, which reads no
// further. A root element with attributes (say, a namespace) leaves the whole file to it.
func (s *scanner) enter() error {
	rr := newXMLReader(s.path, s.root, s.br)
	start, err := rr.enter()
	if err != nil {
		return err
	}
	s.entered = true
	if start.Name.Space != "" || len(start.Attr) > 0 {
		s.xml = rr
		return nil
	}
	s.line, _ = rr.dec.InputPos()
	return nil
}

// giveWay hands the rest of the file, from text, the line at on, to encoding/xml, as if
// it had read the file from its start: it is given the root's start tag first, and counts
// lines from at.
func (s *scanner) giveWay(text []byte, at int) (*row, error) {
	rest := io.MultiReader(strings.NewReader("<"+s.root+">"), bytes.NewReader(bytes.Clone(text)), s.br)
	s.xml = newXMLReader(s.path, s.root, rest)
	s.xml.lineOffset = at - 1
	return s.xml.next()
}

// readLine returns the next line with its line break, or what is left before the end of
// the file, with io.EOF.
func (s *scanner) readLine() ([]byte, error) {
	text, err := s.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return text, err
	}
	s.long = append(s.long[:0], text...)
	for err == bufio.ErrBufferFull {
		text, err = s.br.ReadSlice('\n')
		s.long = append(s.long, text...)
	}
	return s.long, err
}

// lineKind is what a line holds, as far as the scanner can tell.
type lineKind int

const (
	lineOther lineKind = iota // anything the scanner leaves to encoding/xml
	lineBlank                 // white space only
	lineRow                   // one <row/>, in s.r
	lineEnd                   // the root's end tag
)

// isSpace is white space as XML has it.
func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func skipSpace(text []byte, i int) int {
	for i < len(text) && isSpace(text[i]) {
		i++
	}
	return i
}

func (s *scanner) scanLine(text []byte, at int) lineKind {
	i := skipSpace(text, 0)
	rest := text[i:]
	switch {
	case len(rest) == 0:
		return lineBlank
	case bytes.HasPrefix(rest, []byte("</")):
		if s.isEnd(rest[2:]) {
			return lineEnd
		}
		return lineOther
	case bytes.HasPrefix(rest, []byte("<row")) && len(rest) > 4 && (isSpace(rest[4]) || rest[4] == '/'):
		if s.scanRow(rest[4:], at) {
			return lineRow
		}
	}
	return lineOther
}

// isEnd says whether text begins with the root's name and the end of its end tag, after
// which encoding/xml reads no more either.
func (s *scanner) isEnd(text []byte) bool {
	if !bytes.HasPrefix(text, []byte(s.root)) {
		return false
	}
	i := skipSpace(text, len(s.root))
	if i == len(s.root) && i < len(text) && isNameByte(text[i]) {
		return false
	}
	return i < len(text) && text[i] == '>'
}

// scanRow reads a row's attributes and the "/>" that ends it, which only white space may
// follow on its line. The names and values go to s.buf, then into one string that the
// record's fields share.
func (s *scanner) scanRow(text []byte, at int) bool {
	s.buf = s.buf[:0]
	spans := s.spans[:0]
	i := 0
	for {
		i = skipSpace(text, i)
		if i == len(text) {
			return false
		}
		if text[i] == '/' {
			if i+1 == len(text) || text[i+1] != '>' || skipSpace(text, i+2) != len(text) {
				return false
			}
			break
		}
		n := nameEnd(text, i)
		if n == i {
			return false
		}
		s.buf = append(s.buf, text[i:n]...)
		spans = append(spans, len(s.buf))
		i = skipSpace(text, n)
		if i == len(text) || text[i] != '=' {
			return false
		}
		i = skipSpace(text, i+1)
		if i == len(text) || text[i] != '"' && text[i] != '\'' {
			return false
		}
		var ok bool
		if i, ok = s.value(text, i+1, text[i]); !ok {
			return false
		}
		spans = append(spans, len(s.buf))
	}
	s.spans = spans
	all := string(s.buf)
	s.r = row{line: at, attrs: s.r.attrs[:0]}
	from := 0
	for j := 0; j < len(spans); j += 2 {
		s.r.attrs = append(s.r.attrs, attr{name: all[from:spans[j]], value: all[spans[j]:spans[j+1]]})
		from = spans[j+1]
	}
	return true
}

// nameEnd returns the end of the attribute name at text[i:], or i when there is none the
// scanner takes: it takes names of ASCII letters, digits, _, - and ., starting with a
// letter or _, which encoding/xml reads whole. A name with a namespace (a:b) or other
// characters is left to it.
func nameEnd(text []byte, i int) int {
	if i == len(text) || !(isLetter(text[i]) || text[i] == '_') {
		return i
	}
	j := i + 1
	for j < len(text) && isNameByte(text[j]) && text[j] != ':' {
		j++
	}
	if j < len(text) && (text[j] == ':' || text[j] >= utf8.RuneSelf) {
		return i
	}
	return j
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// isNameByte is encoding/xml's: the ASCII bytes a name may hold.
func isNameByte(b byte) bool {
	return isLetter(b) || '0' <= b && b <= '9' || b == '_' || b == ':' || b == '.' || b == '-'
}

// value appends the value at text[i:] to s.buf, unescaped, up to the quote that ends it,
// and returns the index after that quote. It gives up where encoding/xml would fail, or
// would turn a carriage return into a line feed: the line ends before the quote does, a
// '<', an entity other than the five XML defines or a character reference, a character
// XML does not allow (checked after unescaping, as encoding/xml does, so that &#0; fails
// and &#xD800; is U+FFFD like any rune Go cannot encode).
func (s *scanner) value(text []byte, i int, quote byte) (int, bool) {
	start := len(s.buf)
	var high byte // the bytes' upper bits, ORed: whether there are runes to check
	for {
		j := i
		for j < len(text) && text[j] != quote && text[j] != '&' && text[j] != '<' && (text[j] >= 0x20 || text[j] == '\t') {
			high |= text[j]
			j++
		}
		s.buf = append(s.buf, text[i:j]...)
		if j == len(text) {
			return 0, false
		}
		switch text[j] {
		case quote:
			if high >= utf8.RuneSelf && !validChars(s.buf[start:]) {
				return 0, false
			}
			return j + 1, true
		case '&':
			n, ref, ok := s.entity(text, j+1)
			if !ok {
				return 0, false
			}
			if i = n; ref {
				high |= utf8.RuneSelf // a character reference may stand for any rune, &#0; too
			}
		default: // '<', '\r', '\n' or another control character
			return 0, false
		}
	}
}

// entity appends what the entity or character reference after an '&' at text[i:] stands
// for, and returns the index after its ';' and whether it was a character reference.
func (s *scanner) entity(text []byte, i int) (next int, ref, ok bool) {
	end := bytes.IndexByte(text[i:], ';')
	if end < 0 {
		return 0, false, false
	}
	name := text[i : i+end]
	switch string(name) {
	case "amp":
		s.buf = append(s.buf, '&')
	case "lt":
		s.buf = append(s.buf, '<')
	case "gt":
		s.buf = append(s.buf, '>')
	case "quot":
		s.buf = append(s.buf, '"')
	case "apos":
		s.buf = append(s.buf, '\'')
	default:
		r, ok := charRef(name)
		if !ok {
			return 0, false, false
		}
		s.buf, ref = utf8.AppendRune(s.buf, r), true
	}
	return i + end + 1, ref, true
}

// charRef reads the NN of &#NN; or &#xNN; as encoding/xml does: decimal digits, or after
// a lower-case x, hexadecimal ones, making a rune of any number up to unicode.MaxRune.
func charRef(name []byte) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	for _, d := range digits {
		if !('0' <= d && d <= '9' || base == 16 && ('a' <= d && d <= 'f' || 'A' <= d && d <= 'F')) {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(string(digits), base, 64)
	if err != nil || n > unicode.MaxRune {
		return 0, false
	}
	return rune(n), true
}

// validChars says whether b is UTF-8 of characters XML allows, as encoding/xml checks.
func validChars(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return false
		}
		b = b[size:]
		if !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
	}
	return true
}
