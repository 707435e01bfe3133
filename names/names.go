// Package names holds the forms of the names that appear in the forum's addresses: the
// slugs of topics, subtopics and tags (/tags/network) and the handles of users
// (/users/quinn). The forum checks them when they are made and the search box when they
// are typed, by the same rule.
package names

import "regexp"

var (
	slugPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	handlePattern = regexp.MustCompile(`^[A-Za-z0-9_]{2,30}$`)
)

// IsSlug reports whether s is a slug: lower-case letters and digits in runs joined by
// single hyphens.
func IsSlug(s string) bool { return slugPattern.MatchString(s) }

// IsHandle reports whether s is a handle: 2 to 30 letters, digits or underscores. Handles
// are unique whatever their case.
func IsHandle(s string) bool { return handlePattern.MatchString(s) }
