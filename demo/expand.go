package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Streams of randomness. Each part of the generator draws from its own PCG stream
// seeded with Config.Seed, so that changing how one part draws (say, the post bodies)
// leaves the others (the thread plan, the users) as they were.
const (
	streamCounts uint64 = 0x9e3779b97f4a7c15 + iota
	streamPlan
	streamContent
	streamPool
	streamUsers
	streamNames
)

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// weighted returns i with probability w[i]/sum(w).
func weighted(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// logNormal returns exp(mu + sigma·Z).
func logNormal(r *rand.Rand, mu, sigma float64) float64 {
	return math.Exp(mu + sigma*r.NormFloat64())
}

// zipf draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s.
type zipf struct{ cdf []float64 }

func newZipf(n int, s float64) zipf {
	cdf := make([]float64, n)
	sum := 0.0
	for i := range n {
		sum += 1 / math.Pow(float64(i+1), s)
		cdf[i] = sum
	}
	for i := range cdf {
		cdf[i] /= sum
	}
	return zipf{cdf}
}

func (z zipf) draw(r *rand.Rand) int {
	u := r.Float64()
	lo, hi := 0, len(z.cdf)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if z.cdf[mid] <= u {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// slab hands out short slices carved from larger chunks, so that a batch of thread
// records costs a few allocations instead of one per post. Every slice it returns has
// its capacity clipped, so appending to one never writes into its neighbour.
type slab[T any] struct {
	chunk []T
	size  int
}

func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if cap(s.chunk)-len(s.chunk) < n {
		s.chunk = make([]T, 0, max(n, s.size))
	}
	l := len(s.chunk)
	s.chunk = s.chunk[:l+n]
	return s.chunk[l : l+n : l+n]
}

// Keys of the blanks an expander fills; see expander.value.
const (
	kAPI = iota
	kAPI2
	kCall
	kCall2
	kErr
	kTask
	kThing
	kCtx
	kOS
	kOS2
	kDev
	kN
	kXcode
	kFB
	kTID
	kFw
	kName
	kHost
	kPath
	kCat
	kApp
	kJob
	kCompany
	kSym // the vocabulary's terms a question names, in order (vocab.go)
	kSym2
	kSym3
	numKeys
)

// expander fills the blanks of templates with words of one subtopic. Within one
// expansion (between two calls to reset) a blank keeps its first value, so a template
// can use {api} twice and mean the same type.
type expander struct {
	r    *rand.Rand
	sub  *subInfo
	tids int64 // {tid} links to threads 1..tids
	vals [numKeys]string
	set  [numKeys]bool
	// Values for signatures, set by the caller.
	first, lastInitial, badge string
}

func (e *expander) reset(sub *subInfo) {
	e.sub = sub
	e.set = [numKeys]bool{}
}

func (e *expander) get(k int, list []string) string {
	if !e.set[k] {
		e.vals[k] = pick(e.r, list)
		e.set[k] = true
	}
	return e.vals[k]
}

// other picks a value of list unlike the one blank k holds, when list allows it.
func (e *expander) other(k, like int, list []string) string {
	if !e.set[k] {
		first := e.get(like, list)
		v := pick(e.r, list)
		for i := 0; v == first && i < 4; i++ {
			v = pick(e.r, list)
		}
		e.vals[k], e.set[k] = v, true
	}
	return e.vals[k]
}

func (e *expander) made(k int, gen func() string) string {
	if !e.set[k] {
		e.vals[k], e.set[k] = gen(), true
	}
	return e.vals[k]
}

func (e *expander) value(key string) string {
	s := e.sub.spec
	switch key {
	case "api", "Type":
		return e.get(kAPI, s.types)
	case "api2":
		return e.other(kAPI2, kAPI, s.types)
	case "var":
		return varName(e.get(kAPI, s.types))
	case "apislug":
		return strings.ToLower(identifier(e.get(kAPI, s.types)))
	case "call":
		return e.get(kCall, s.calls)
	case "call2":
		return e.other(kCall2, kCall, s.calls)
	case "method":
		return methodName(e.get(kCall, s.calls))
	case "err":
		return e.get(kErr, s.errs)
	case "task":
		return e.get(kTask, s.tasks)
	case "thing":
		return e.get(kThing, s.things)
	case "fw":
		return e.get(kFw, s.frames)
	case "ctx":
		return e.get(kCtx, contexts)
	case "os":
		return e.get(kOS, e.sub.oses)
	case "os2":
		return e.other(kOS2, kOS, e.sub.oses)
	case "dev":
		return e.get(kDev, devicesFor[platform(e.get(kOS, oses))])
	case "xcode":
		return e.get(kXcode, xcodes)
	case "n":
		return e.made(kN, func() string { return strconv.Itoa(2 + e.r.IntN(58)) })
	case "fb":
		return e.made(kFB, func() string { return "FB" + strconv.Itoa(10_000_000+e.r.IntN(9_000_000)) })
	case "tid":
		return e.made(kTID, func() string { return strconv.FormatInt(1+e.r.Int64N(max(e.tids, 1)), 10) })
	case "Name":
		return e.get(kName, codeNames)
	case "namelower":
		return strings.ToLower(e.get(kName, codeNames))
	case "host":
		return e.get(kHost, hosts)
	case "path":
		return e.get(kPath, paths)
	case "cat":
		return e.get(kCat, logCategories)
	case "app":
		return e.get(kApp, appNames)
	case "appslug":
		return strings.ReplaceAll(strings.ToLower(e.get(kApp, appNames)), " ", "")
	case "job":
		return e.get(kJob, jobTitles)
	case "company":
		return e.get(kCompany, companies)
	case "sym", "sym2", "sym3":
		k := kSym
		if key != "sym" {
			k += int(key[3] - '1')
		}
		if !e.set[k] {
			panic("demo: {" + key + "} used where the question names no such term")
		}
		return e.vals[k]
	case "sub":
		return s.name
	case "sublower":
		return lowerFirstWord(s.name)
	case "latest":
		return osLatest[0] + " and " + osLatest[1]
	case "tagname":
		return e.sub.tagName
	case "tagslug":
		return e.sub.tagSlug
	case "first":
		return e.first
	case "lastinitial":
		return e.lastInitial
	case "badge":
		return e.badge
	}
	panic("demo: unknown template blank {" + key + "}")
}

// fill appends tmpl to buf with its blanks filled. A blank is a brace, letters or
// digits, and a brace; any other brace (in code samples) is text. {Thing} is {thing}
// with a capital. fill writes "an" for "a" before a value that starts with a vowel
// ("an iPhone 15", "an Apple Watch").
func (e *expander) fill(buf []byte, tmpl string) []byte {
	return expand(buf, tmpl, func(_ int, key string) string { return e.valueOf(key) })
}

// valueOf is value with {Thing} for {thing} with a capital.
func (e *expander) valueOf(key string) string {
	if key != "Thing" {
		return e.value(key)
	}
	v := e.value("thing")
	if v != "" && v[0] >= 'a' && v[0] <= 'z' {
		return string(v[0]-('a'-'A')) + v[1:]
	}
	return v
}

// expand appends tmpl to buf with blank i, named key, replaced by value(i, key), and
// "a" before a value that starts with a vowel written "an".
func expand(buf []byte, tmpl string, value func(i int, key string) string) []byte {
	for n := 0; ; n++ {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return append(buf, tmpl...)
		}
		j := 1
		for i+j < len(tmpl) && isAlnum(tmpl[i+j]) {
			j++
		}
		if j == 1 || i+j == len(tmpl) || tmpl[i+j] != '}' {
			buf = append(buf, tmpl[:i+j]...)
			tmpl = tmpl[i+j:]
			n--
			continue
		}
		buf = append(buf, tmpl[:i]...)
		v := value(n, tmpl[i+1:i+j])
		buf = append(article(buf, v), v...)
		tmpl = tmpl[i+j+1:]
	}
}

// article turns a lone "a" that buf ends with into "an" when v starts with a vowel.
func article(buf []byte, v string) []byte {
	if n := len(buf); n >= 2 && buf[n-2] == 'a' && buf[n-1] == ' ' && (n == 2 || buf[n-3] == ' ') && v != "" && isVowel(v[0]) {
		return append(buf[:n-1], 'n', ' ')
	}
	return buf
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isVowel(c byte) bool {
	switch c | 0x20 {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// lowerFirstWord lower-cases a subtopic name for use inside a sentence, keeping names
// that are all capitals or brand-like ("iCloud & Data" → "iCloud & data",
// "Networking" → "networking", "Core ML" → "Core ML").
func lowerFirstWord(name string) string {
	words := strings.Fields(name)
	if len(words) == 1 && len(name) > 1 && name[1] >= 'a' && name[1] <= 'z' {
		return strings.ToLower(name)
	}
	for i, w := range words {
		if i > 0 && len(w) > 1 && w[1] >= 'a' && w[1] <= 'z' && w[0] >= 'A' && w[0] <= 'Z' {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

// identifier returns the leading identifier of a type or call ("PrivacyInfo.xcprivacy"
// → "PrivacyInfo").
func identifier(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			if i == 0 {
				return "value"
			}
			return s[:i]
		}
	}
	return s
}

// varName turns a type name into the variable name code would give it:
// "NWConnection" → "connection", "CLLocationManager" → "locationManager".
func varName(typ string) string {
	t := identifier(typ)
	i := 0
	for i+1 < len(t) && t[i] >= 'A' && t[i] <= 'Z' && t[i+1] >= 'A' && t[i+1] <= 'Z' {
		i++
	}
	v := strings.ToLower(t[i:i+1]) + t[i+1:]
	switch v {
	case "", "func", "var", "let", "class", "struct", "default", "case", "in":
		return "value"
	}
	return v
}

// methodName returns the method a call names: "NWConnection.start(queue:)" → "start".
// A name that opens with capitals is kept whole, so that crash reports and code name
// what the question does.
func methodName(call string) string {
	if i := strings.IndexByte(call, '('); i >= 0 {
		call = call[:i]
	}
	if i := strings.LastIndexByte(call, '.'); i >= 0 {
		call = call[i+1:]
	}
	if i := strings.LastIndexByte(call, ' '); i >= 0 {
		call = call[i+1:]
	}
	m := identifier(strings.TrimLeft(call, "#-"))
	if m == "value" || m == "" {
		return "run"
	}
	if len(m) > 1 && m[1] >= 'A' && m[1] <= 'Z' {
		return m // a constant named as a call ("NSPrivacyAccessedAPICategoryFileTimestamp"), written as it is
	}
	return strings.ToLower(m[:1]) + m[1:]
}

// platform is the first word of an OS version: "iOS 18.1" → "iOS".
func platform(os string) string {
	if i := strings.IndexByte(os, ' '); i >= 0 {
		return os[:i]
	}
	return os
}

// osesOn lists the OS versions of platforms, or every one when platforms is empty.
func osesOn(platforms []string) []string {
	if len(platforms) == 0 {
		return oses
	}
	var out []string
	for _, os := range oses {
		for _, p := range platforms {
			if platform(os) == p {
				out = append(out, os)
			}
		}
	}
	if len(out) < 2 {
		panic("demo: fewer than two OS versions run on " + strings.Join(platforms, ", "))
	}
	return out
}

// devicesFor lists the devices that run each platform, so that a question never has an
// Apple TV running watchOS.
var devicesFor = func() map[string][]string {
	runs := map[string][]string{
		"iOS": {"iPhone"}, "iPadOS": {"iPad"}, "macOS": {"Mac", "Intel iMac"},
		"watchOS": {"Apple Watch"}, "tvOS": {"Apple TV"}, "visionOS": {"Apple Vision"},
	}
	m := map[string][]string{}
	for p, prefixes := range runs {
		for _, d := range devices {
			for _, prefix := range prefixes {
				if strings.HasPrefix(d, prefix) {
					m[p] = append(m[p], d)
					break
				}
			}
		}
	}
	for _, os := range oses {
		if len(m[platform(os)]) == 0 {
			panic("demo: no device runs " + os)
		}
	}
	return m
}()
