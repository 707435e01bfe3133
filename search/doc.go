// Package search reads what a user types into the search box: free words, quoted phrases,
// exclusions and operators such as tag: and is:answered. Both stores build their full-text
// queries from the Query it returns, and the web handler shows its errors on the page, so
// Parse never panics and explains every refusal in words a reader can act on.
//
// # Syntax
//
// A query is split at spaces. Each part is one of:
//
//   - a word, kept as typed: URLSession, EXC_BAD_ACCESS, Info.plist, 0x8badf00d. A minus
//     followed by a digit or another minus is part of the word, so error codes and
//     command-line flags can be searched for: -1009, --verbose.
//   - "a phrase" in double quotes. A quote left open runs to the end of the query, so a
//     half-typed phrase still searches. A quote also ends a word: foo"bar baz" is the word
//     foo and the phrase "bar baz".
//   - -word or -"a phrase": threads without it.
//   - an operator, NAME:VALUE with no space around the colon (see Help for the list).
//     Operator names are case-insensitive. Tags, handles, topic and subtopic addresses are
//     lower-cased, since the forum compares them without case.
//   - -tag:NAME, -is:FLAG and -has:FLAG leave out threads with the tag or flag. No other
//     operator can be negated; the error says what to write instead.
//
// Words and phrases with no letter or digit (a lone -, "??") are dropped: no index holds
// them. Repeats are dropped too, comparing words and phrases without case. Tags are kept
// sorted, so that the same tags in any order make the same Query and the same String.
//
// # Words with a colon
//
// Developers paste text full of colons, so only some words with a colon are operators:
//
//   - If the text before the first colon is an operator name, in any case, the word is that
//     operator, and a bad value is an error: tag:, is:maybe, before:yesterday.
//   - Otherwise the word is an unknown operator, and an error that lists the operators, when
//     it reads like one: the name is ASCII letters written in one case (foo, Foo, FOO), and
//     the value starts with a lower-case letter and holds only lower-case letters, digits,
//     '-', '_' and '.'. So foo:bar, Tags:network and lang:swift are refused.
//   - Every other word with a colon is a word: URLs (https://example.com, the value starts
//     with '/'), times and ports (10:30, localhost:8080, the name or value starts with a
//     digit), selectors (application:didFinishLaunchingWithOptions:, a second colon and
//     upper-case letters), domains with codes (NSURLErrorDomain:-1009), C++ names
//     (std::vector), and a word that ends with its colon (error:, as pasted from a log).
//
// A word refused as an unknown operator can always be searched for in quotes: "foo:bar".
//
// # Dates
//
// before: and after: take YYYY-MM-DD, YYYY-MM or YYYY, read in UTC. Each stands for the
// start of its day, month or year. before: is exclusive: before:2024-03 finds threads
// started up to the end of February 2024. after: is inclusive: after:2024-03 finds threads
// started on 1 March 2024 or later. So after:2024 before:2025 is the year 2024.
//
// # Limits
//
// A query may be MaxBytes long and hold MaxTerms words, phrases and operators once repeats
// are dropped; past either, Parse refuses it rather than searching for part of it.
//
// # Indexing
//
// Both stores index the same tokens, cut here (Index, Post, Query.Match), so that the two
// databases find the same threads:
//
//   - Words are runs of letters, digits and marks, lower-cased, stop words left out. The
//     database stems them (SQLite's porter, PostgreSQL's English Snowball without stop
//     words), so "crashes" finds "crash". An identifier written as one word (URLSession,
//     NSURLErrorDomain, kCFErrorDomainCFNetwork, FB12345678, 0x8badf00d) is stemmed the same
//     way in posts and queries, so it is found as written, in any case.
//   - Code terms are words joined by '_', '.' or '-', and negative numbers: EXC_BAD_ACCESS,
//     nw_connection_t, Info.plist, -1009. Each is one token, lower-cased, which PostgreSQL
//     keeps as written and SQLite stems like a word in posts and queries alike, so it finds
//     only itself: EXC_BAD_ACCESS does not find "bad access". Its words are indexed too, so
//     "1009" finds -1009 and "info plist" finds Info.plist. A dotted name is indexed with
//     every run of its parts (URLSession.shared finds URLSession.shared.dataTask).
//   - A post's words come first, in order, so phrases match; its code terms follow.
//
// A query word is looked up as its code terms and, as one phrase, its other words; a
// phrase as its words next to each other and its code terms. Words too long to type
// (MaxTermBytes) are in neither.
package search
