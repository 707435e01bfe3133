package sedump

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// row is one <row> element being turned into a record. Its getters keep the first problem
// they meet in err (a value that does not parse, a required attribute that is absent), so
// that a record is built in one straight run of assignments and checked once at the end.
type row struct {
	line  int
	attrs []attr
	err   error
}

// attr is an attribute of a row, its value unescaped.
type attr struct {
	name, value string
}

// lookup returns the attribute's value and whether the row has it. A row has a dozen or
// so attributes, which a loop searches faster than a map could be built.
func (r *row) lookup(name string) (string, bool) {
	for _, a := range r.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

func (r *row) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *row) text(name string) string {
	v, _ := r.lookup(name)
	return v
}

// require returns the value of an attribute the row cannot do without.
func (r *row) require(name string) (string, bool) {
	v, ok := r.lookup(name)
	if !ok {
		r.fail("the row has no %s", name)
	}
	return v, ok
}

func (r *row) requireText(name string) string {
	v, _ := r.require(name)
	return v
}

// id returns a required id.
func (r *row) id(name string) int64 {
	v, ok := r.require(name)
	if !ok {
		return 0
	}
	return r.parseInt(name, v)
}

// ref returns an optional reference to another row: nil when absent.
func (r *row) ref(name string) *int64 {
	v, ok := r.lookup(name)
	if !ok {
		return nil
	}
	n := r.parseInt(name, v)
	return &n
}

// count returns an optional number: 0 when absent.
func (r *row) count(name string) int {
	v, ok := r.lookup(name)
	if !ok {
		return 0
	}
	return int(r.parseInt(name, v))
}

// kind returns a required type id, such as PostTypeId.
func (r *row) kind(name string) int {
	return int(r.id(name))
}

func (r *row) parseInt(name, v string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail("%s %q is not a whole number", name, v)
	}
	return n
}

// dateLayout is a dump's date without its fraction of a second: time.Parse accepts a
// fraction after the seconds even when the layout has none, so this one reads both
// 2021-04-27T15:06:44.553 and 2021-04-27T15:06:44, as UTC since neither names a zone.
const dateLayout = "2006-01-02T15:04:05"

// date returns an optional date: the zero time when absent.
func (r *row) date(name string) time.Time {
	v, ok := r.lookup(name)
	if !ok {
		return time.Time{}
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil {
		r.fail("%s %q is not a date", name, v)
	}
	return t
}

// flag returns an optional True or False: false when absent.
func (r *row) flag(name string) bool {
	switch v := r.text(name); v {
	case "", "False", "false":
		return false
	case "True", "true":
		return true
	default:
		r.fail("%s %q is not True or False", name, v)
		return false
	}
}

// tags returns an optional tag list: nil when absent.
func (r *row) tags(name string) []string {
	v := r.text(name)
	tags, err := ParseTags(v)
	if err != nil {
		r.fail("%s %q is not a list of tags: %v", name, v, err)
	}
	return tags
}

// ParseTags splits a tag list as dumps write it, <a><b> (once XML unescaped) or |a|b|,
// into its tag names. An empty list gives nil. Besides a post's Tags, it reads the Text of
// the PostHistory entries that set a post's tags (InitialTags, EditTags, RollbackTags).
func ParseTags(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var tags []string
	switch {
	case s[0] == '<':
		if !strings.HasSuffix(s, ">") {
			return nil, errors.New("a list that starts with < must end with >")
		}
		tags = strings.Split(s[1:len(s)-1], "><")
	case s[0] == '|':
		if len(s) < 2 || !strings.HasSuffix(s, "|") {
			return nil, errors.New("a list that starts with | must end with |")
		}
		tags = strings.Split(s[1:len(s)-1], "|")
	default:
		return nil, errors.New("a list starts with < or |")
	}
	for _, t := range tags {
		if t == "" {
			return nil, errors.New("a tag is empty")
		}
		if strings.ContainsAny(t, "<>|") {
			return nil, fmt.Errorf("tag %q holds a separator", t)
		}
	}
	return tags, nil
}
