package parley

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sort is the order of a thread list.
type Sort string

const (
	SortActivity Sort = "activity" // most recent activity first; the default
	SortNewest   Sort = "newest"   // most recently asked first
	SortReplies  Sort = "replies"
	SortBoosts   Sort = "boosts"
	SortViews    Sort = "views"
)

// Sorts lists every sort in the order a sort control offers them.
var Sorts = []Sort{SortActivity, SortNewest, SortReplies, SortBoosts, SortViews}

// ParseSort reads a ?sort= value; empty means the default.
func ParseSort(s string) (Sort, error) {
	return parseSortOf(s, Sorts, "use one of activity, newest, replies, boosts, views")
}

// parseSortOf reads a ?sort= value that must be one of sorts; empty means the first.
func parseSortOf(s string, sorts []Sort, hint string) (Sort, error) {
	if s == "" {
		return sorts[0], nil
	}
	for _, v := range sorts {
		if string(v) == s {
			return v, nil
		}
	}
	return "", Invalid("sort", "Unknown sort %q: %s.", s, hint)
}

// Label is the sort's name in a sort control.
func (s Sort) Label() string {
	switch s {
	case SortNewest:
		return "Newest"
	case SortReplies:
		return "Most replies"
	case SortBoosts:
		return "Most boosts"
	case SortViews:
		return "Most views"
	case SortRelevance:
		return "Relevance"
	}
	return "Recent activity"
}

// Key is the value a thread is ordered by under this sort.
func (s Sort) Key(t *Thread) int64 {
	switch s {
	case SortNewest:
		return t.CreatedAt.UnixMilli()
	case SortReplies:
		return t.ReplyCount
	case SortBoosts:
		return t.BoostCount
	case SortViews:
		return t.ViewCount
	}
	return t.LastActivityAt.UnixMilli()
}

// Filter narrows a thread list.
type Filter string

const (
	FilterNone       Filter = ""
	FilterUnanswered Filter = "unanswered"     // no accepted answer
	FilterAnswered   Filter = "answered"       // an accepted answer
	FilterStaff      Filter = "staff"          // a staff member replied
	FilterAwaiting   Filter = "awaiting-staff" // no staff member has replied yet
)

// Filters lists every filter in the order a filter control offers them.
var Filters = []Filter{FilterNone, FilterUnanswered, FilterAnswered, FilterStaff, FilterAwaiting}

// ParseFilter reads a ?filter= value; empty means no filter.
func ParseFilter(s string) (Filter, error) {
	for _, v := range Filters {
		if string(v) == s {
			return v, nil
		}
	}
	return "", Invalid("filter", "Unknown filter %q: use unanswered, answered, staff or awaiting-staff.", s)
}

// Label is the filter's name in a filter control.
func (f Filter) Label() string {
	switch f {
	case FilterUnanswered:
		return "Unanswered"
	case FilterAnswered:
		return "Answered"
	case FilterStaff:
		return "Staff replied"
	case FilterAwaiting:
		return "Awaiting staff"
	}
	return "All threads"
}

// ScopeKind says which threads a list holds.
type ScopeKind int64

const (
	ScopeAll ScopeKind = iota
	ScopeTopic
	ScopeSubtopic
	ScopeTag
)

// Scope is one list of threads: the whole forum, a topic, a subtopic or a tag.
type Scope struct {
	Kind ScopeKind
	ID   int64 // the topic, subtopic or tag; 0 for ScopeAll
}

// Key packs the scope into one integer, the leading column of every list index. Ids stay
// below 2^40, far above any forum's count of topics or tags.
func (s Scope) Key() int64 { return int64(s.Kind)<<40 | s.ID }

// Scopes returns every list a thread in subtopic sub of topic topic with these tags appears in.
func Scopes(topic, sub int64, tagIDs []int64) []Scope {
	out := []Scope{{Kind: ScopeAll}, {ScopeTopic, topic}, {ScopeSubtopic, sub}}
	for _, id := range tagIDs {
		out = append(out, Scope{ScopeTag, id})
	}
	return out
}

// Cursor marks a position in a sorted list: the last thread of the previous page. It is
// a keyset cursor, so a deep page costs what the first page costs and threads that
// arrive meanwhile cause neither duplicates nor gaps.
type Cursor struct {
	Sort Sort
	Key  int64 // the sort key of the last thread shown
	ID   int64 // the id of the last thread shown, which breaks ties
}

// CursorAfter is the cursor that continues a list after thread t.
func CursorAfter(s Sort, t *Thread) Cursor { return Cursor{Sort: s, Key: s.Key(t), ID: t.ID} }

// String encodes the cursor for a URL.
func (c Cursor) String() string {
	raw := fmt.Sprintf("%s.%d.%d", c.Sort, c.Key, c.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor reads a ?after= value made by Cursor.String for sort s.
func ParseCursor(s string, sort Sort) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := Invalid("after", "This page link is damaged or out of date; start again from the first page.")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || Sort(parts[0]) != sort {
		return nil, bad
	}
	key, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return nil, bad
	}
	return &Cursor{Sort: sort, Key: key, ID: id}, nil
}

// ListQuery asks for one page of a thread list. Pinned threads are not part of the page:
// they are shown above the first page, read with it when WithPinned asks, or alone with
// Store.PinnedThreads.
type ListQuery struct {
	Scope  Scope
	Sort   Sort
	Filter Filter
	After  *Cursor // nil for the first page
	Limit  int
	// WithPinned asks the first page to carry the list's pinned threads that pass Filter
	// (ThreadPage.Pinned), read in the same statement as the page.
	WithPinned bool
}

// ThreadPage is one page of a thread list.
type ThreadPage struct {
	Threads []Thread
	Next    *Cursor  // nil on the last page
	Pinned  []Thread // with ListQuery.WithPinned on a first page: its pinned threads, most recently active first
}

// ListLimit bounds ListQuery.Limit.
const ListLimit = 100

// Validate checks the query's fields, so that a store only ever sees a sound query.
func (q *ListQuery) Validate() error {
	if _, err := ParseSort(string(q.Sort)); err != nil || q.Sort == "" {
		return Invalid("sort", "Unknown sort %q.", q.Sort)
	}
	if _, err := ParseFilter(string(q.Filter)); err != nil {
		return err
	}
	if q.After != nil && q.After.Sort != q.Sort {
		return Invalid("after", "This page link belongs to another sort order.")
	}
	if q.Limit < 1 || q.Limit > ListLimit {
		return Invalid("limit", "A page holds 1 to %d threads.", ListLimit)
	}
	return nil
}

// Millis converts a time to the millisecond count stores use for sort keys.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// FromMillis is the inverse of Millis, in UTC.
func FromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
