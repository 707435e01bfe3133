package web

import (
	"strconv"
	"time"
	"unicode/utf8"

	parley "github.com/parley-forum/parley"
)

// discussionLD returns the thread's schema.org DiscussionForumPosting, for search engines,
// as json.Marshal would write it (TestDiscussionLDAsMarshalled): <, > and & escaped, so
// that it cannot close the script element it is put in. It is written by hand, as the rest
// of the thread page is: marshalling it cost 4% of the page.
func (s *Server) discussionLD(t parley.Thread, posts []parley.Post) []byte {
	link := threadLink(t.ID)
	b := append(make([]byte, 0, 1024), `{"@context":"https://schema.org","@type":"DiscussionForumPosting","headline":`...)
	b = appendJSONString(b, t.Title)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, s.absolute(link))
	for _, p := range posts {
		if p.Original {
			b = append(b, `,"text":`...)
			b = appendJSONString(b, p.Body)
		}
	}
	b = append(b, `,"datePublished":`...)
	b = appendJSONTime(b, t.CreatedAt)
	b = append(b, `,"dateModified":`...)
	b = appendJSONTime(b, t.LastActivityAt)
	b = append(b, `,"author":`...)
	b = s.appendJSONPerson(b, t.Author)
	b = append(b, `,"interactionStatistic":[`...)
	for i, c := range []struct {
		kind  string
		count int64
	}{{"CommentAction", t.ReplyCount}, {"LikeAction", t.BoostCount}, {"ViewAction", t.ViewCount}} {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"@type":"InteractionCounter","interactionType":"https://schema.org/`...)
		b = append(b, c.kind...)
		b = append(b, `","userInteractionCount":`...)
		b = strconv.AppendInt(b, c.count, 10)
		b = append(b, '}')
	}
	b = append(b, ']')
	replies := 0
	for _, p := range posts {
		if p.Original {
			continue
		}
		if replies++; replies == 1 {
			b = append(b, `,"comment":[`...)
		} else {
			b = append(b, ',')
		}
		b = append(b, `{"@type":"Comment","url":`...)
		b = appendJSONString(b, s.absolute(link+"#post-"+strconv.FormatInt(p.ID, 10)))
		b = append(b, `,"text":`...)
		b = appendJSONString(b, excerpt(p.Body, 500))
		b = append(b, `,"datePublished":`...)
		b = appendJSONTime(b, p.CreatedAt)
		b = append(b, `,"author":`...)
		b = s.appendJSONPerson(b, p.Author)
		b = append(b, '}')
	}
	if replies > 0 {
		b = append(b, ']')
	}
	return append(b, '}')
}

func (s *Server) appendJSONPerson(b []byte, a parley.Author) []byte {
	b = append(b, `{"@type":"Person","name":`...)
	b = appendJSONString(b, a.DisplayName)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, s.absolute("/users/"+a.Handle))
	return append(b, '}')
}

func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// jsonSafe tells the ASCII bytes a JSON string inside a script element holds as they are.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return safe
}()

// appendJSONString appends s as a JSON string the way json.Marshal writes it: <, > and &
// escaped, as are U+2028 and U+2029, and invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}
