package demo

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The templates' words are few: left to them, a forum of a million threads has about a
// thousand distinct words, every one in thousands of threads, and searching it says
// nothing about searching a real forum. Real forums name a long tail of things: API
// types and functions, constants, error codes, file names, bug numbers, builds, most of
// them in a handful of threads. The vocabulary is that tail: a few hundred thousand such
// terms made by combining short lists of parts, ranked so that draws follow Zipf's law,
// a few terms very common and most rare. Questions name one to three of them, and
// replies repeat them.

// termKind says what a term is, which decides the sentences that name it.
type termKind uint8

const (
	termType     termKind = iota // an API type: URLSessionWebSocketTask
	termOwnType                  // a type of the asker's own code: SyncTunnelManager
	termFunction                 // a C function: nw_connection_set_queue
	termConstant                 // a constant: kCFStreamErrorDomainSSL
	termStatus                   // an error constant: errSSLPeerCertExpired
	termError                    // an error code or exception: -1009, 0x8badf00d, EXC_BAD_ACCESS
	termFile                     // a file: Info.plist, TunnelManager.swift
	termBug                      // a Feedback number: FB12345678
	termBuild                    // an OS build: 22A3354
	numTermKinds
)

// term is one entry of the vocabulary.
type term struct {
	text string
	kind termKind
}

// vocab is the tail, most common first, with the Zipf law that draws from it.
type vocab struct {
	terms []term
}

// vocabShares is how many terms of each kind come in every round of the ranking, so
// that common and rare terms alike are a mix of kinds; a kind that runs out drops out.
var vocabShares = [numTermKinds]int{
	termType: 4, termOwnType: 2, termFunction: 3, termConstant: 1, termStatus: 1, termError: 1, termFile: 2, termBug: 1, termBuild: 1,
}

// theVocab is made once, on first use, and only read after.
var theVocab = sync.OnceValue(newVocab)

// newVocab makes the ranked vocabulary. It depends on nothing but the part lists, so
// every forum draws from the same one.
func newVocab() *vocab {
	var lists [numTermKinds][]string
	lists[termType] = apiTypeNames()
	lists[termOwnType] = ownTypeNames()
	lists[termFunction] = functionNames()
	lists[termConstant] = constantNames()
	lists[termStatus] = statusNames()
	lists[termError] = errorCodes()
	lists[termFile] = fileNames()
	lists[termBug] = bugNumbers(30_000)
	lists[termBuild] = buildNumbers()
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	v := &vocab{terms: make([]term, 0, total)}
	var next [numTermKinds]int
	for len(v.terms) < total {
		for k := range numTermKinds {
			for range vocabShares[k] {
				if next[k] < len(lists[k]) {
					v.terms = append(v.terms, term{lists[k][next[k]], k})
					next[k]++
				}
			}
		}
	}
	return v
}

// Zipf's law over the vocabulary: rank k is drawn in proportion to 1/(k+zipfOffset)^zipfS.
// The offset keeps the very first terms from taking most draws, so that a forum of
// 100,000 threads names some 50,000 distinct terms while a few dozen are in thousands of
// threads each.
const (
	zipfS      = 1.01
	zipfOffset = 8
)

// zipf returns a function that draws terms from v with r.
func (v *vocab) zipf(r *rand.Rand) func() term {
	z := rand.NewZipf(r, zipfS, zipfOffset, uint64(len(v.terms)-1))
	return func() term { return v.terms[z.Uint64()] }
}

// Parts the terms are made of. Each list is ordered roughly most familiar first, since
// terms made of early parts rank first.
var (
	typePrefixes = []string{"NW", "URL", "NE", "Sec", "CF", "NS", "SSL", "CL", "AV", "UI", "WK", "CK", "BG", "UN", "MK", "SC"}
	typeStems    = []string{
		"Connection", "Session", "WebSocket", "Tunnel", "Path", "Listener", "Stream", "Proxy", "Certificate", "Trust",
		"Socket", "Packet", "Endpoint", "Route", "Resolver", "Browser", "Download", "Upload", "Cache", "Cookie",
		"Credential", "Keychain", "Token", "Identity", "Policy", "Channel", "Buffer", "Frame", "Flow", "Interface",
		"Relay", "DNS", "Host", "Port", "Cipher", "Handshake", "Record", "Framer", "Gateway", "Peer",
	}
	// typeQualifiers go between a stem and a suffix, or nowhere (""): URLSession + WebSocket + Task.
	typeQualifiers = []string{"", "WebSocket", "Data", "Stream", "Proxy", "Tunnel", "Path", "Trust", "Cache", "Background", "Secure", "Local", "Remote"}
	typeSuffixes   = []string{
		"Task", "Manager", "Delegate", "Configuration", "Options", "Provider", "Handler", "Request", "Result", "Error",
		"State", "Monitor", "Context", "Observer", "Descriptor", "Parameters", "Settings", "Metrics", "Reference", "Group",
	}
	ownSuffixes = []string{"Manager", "Client", "Service", "Store", "Controller", "Coordinator", "Handler", "Model", "Provider", "Cache"}

	// functionFamilies pair a C prefix with the objects its functions take.
	functionFamilies = []struct {
		prefix  string
		objects []string
	}{
		{"nw", []string{"connection", "parameters", "listener", "path", "endpoint", "browser", "framer", "resolver", "ws_options", "tls_options", "tcp_options", "quic_options", "interface", "establishment_report", "proxy_config"}},
		{"sec", []string{"trust", "identity", "certificate", "protocol_options", "protocol_metadata", "key", "policy", "access_control"}},
		{"xpc", []string{"connection", "session", "listener", "dictionary", "endpoint", "object"}},
		{"dispatch", []string{"queue", "source", "group", "io", "data", "semaphore"}},
		{"os", []string{"log", "signpost", "activity", "workgroup"}},
	}
	functionVerbs       = []string{"create", "copy", "set", "get", "start", "cancel", "send", "receive", "retain", "release", "add", "remove"}
	functionComplements = []string{
		"secure_tcp", "secure_udp", "queue", "handler", "state_changed_handler", "viability_changed_handler", "timeout",
		"verify_block", "local_endpoint", "remote_endpoint", "metadata", "options", "path", "interface", "hostname", "port",
		"data", "context", "callback", "attributes", "keepalive", "min_version", "max_version", "ciphersuite",
	}

	constantDomains = []string{"CF", "Sec", "CFStream", "CFNetwork", "SC", "NEVPN", "CFURL", "NSURL", "SSL", "CFProxy"}
	constantEndings = []string{"Key", "ErrorDomain", "Attribute", "Option", "Value", "Type", "Mode", "Protocol"}
	sslAdjectives   = []string{"Peer", "Bad", "Closed", "Unknown", "Invalid", "Unsupported", "Expired", "Revoked", "Untrusted", "Missing", "Weak", "Decrypt"}
	sslNouns        = []string{"Cert", "Record", "Cipher", "Handshake", "Protocol", "Alert", "Version", "Session", "Key", "Chain", "Root", "Host", "Name", "MAC", "Extension", "Config"}
	sslStates       = []string{"", "Expired", "Failed", "Required"}

	// Error codes people quote first; the generated ranges follow.
	knownErrors = []string{
		"-1009", "-1001", "-1200", "-9806", "-1005", "-1004", "0x8badf00d", "EXC_BAD_ACCESS", "-1003", "-9813",
		"-999", "-1022", "-9807", "-9802", "0xdead10cc", "EXC_CRASH", "-25300", "-34018", "KERN_INVALID_ADDRESS",
		"0xc00010ff", "EXC_BAD_INSTRUCTION", "-1011", "-1017", "0xbaadca11", "EXC_RESOURCE", "-25299", "EXC_GUARD",
		"KERN_PROTECTION_FAILURE", "0xbad22222", "-67050", "EXC_BREAKPOINT", "0x2bad45ec", "-9836", "-1206", "SIGPIPE",
	}
	// errorRanges are the ranges of negative codes the system's error domains use:
	// NSURLErrorDomain, Secure Transport, Security's OSStatus and code signing.
	errorRanges = [][2]int{{1000, 1206}, {9800, 9899}, {25290, 25320}, {26267, 26276}, {34010, 34020}, {67000, 67899}}

	fileStems = []string{
		"Info", "PrivacyInfo", "Entitlements", "Settings", "Config", "Release", "Debug", "Shared", "Secrets", "Tunnel",
	}
	fileExtensions    = []string{".swift", ".m", ".h"}
	fixedFiles        = []string{"Info.plist", "PrivacyInfo.xcprivacy", "Package.swift", "Package.resolved", "project.pbxproj", "embedded.mobileprovision", "Podfile.lock", "ExportOptions.plist"}
	frameworkNames    = []string{"NetworkExtension", "Network", "Security", "CFNetwork", "Foundation", "SystemConfiguration", "CoreFoundation", "CryptoKit", "AuthenticationServices", "LocalAuthentication"}
	dylibNames        = []string{"libnetwork", "libboringssl", "libsystem_kernel", "libdispatch", "libxpc", "libsystem_pthread", "libswiftCore", "libobjc.A", "libsystem_trace", "libcoretls"}
	configExtensions  = []string{".plist", ".entitlements", ".xcconfig"}
	buildMajors       = []string{"22", "21", "23", "24", "20"}
	buildTrainLetters = "ABCDEFG"
)

// combine returns every name made of one part from each list in turn, ordered by the
// sum of the parts' positions, so that names of early, familiar parts come first and
// the first few hundred mix every list. A name that repeats a part
// (NWTrustTrustTask) or another name is left out.
func combine(lists ...[]string) []string {
	n, most := 1, 0
	for _, l := range lists {
		n *= len(l)
		most += len(l) - 1
	}
	bySum := make([][]int32, most+1)
	for c := range n {
		x, sum := c, 0
		for _, l := range lists {
			sum += x % len(l)
			x /= len(l)
		}
		bySum[sum] = append(bySum[sum], int32(c))
	}
	out := make([]string, 0, n)
	seen := make(map[string]bool, n)
	parts := make([]string, len(lists))
	for _, combos := range bySum {
	next:
		for _, c := range combos {
			x := int(c)
			for i, l := range lists {
				parts[i] = l[x%len(l)]
				x /= len(l)
				if parts[i] != "" && slices.Contains(parts[:i], parts[i]) {
					continue next
				}
			}
			if name := strings.Join(parts, ""); !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// apiTypeNames are prefix, stem, an optional qualifier and suffix: NWConnectionState,
// URLSessionWebSocketTask.
func apiTypeNames() []string {
	return combine(typePrefixes, typeStems, typeQualifiers, typeSuffixes)
}

// ownTypeNames are the types of askers' apps: SyncTunnelManager, ChatSocketClient.
func ownTypeNames() []string { return combine(codeNames, typeStems, ownSuffixes) }

// functionNames are C functions: nw_connection_set_queue, sec_trust_copy_certificate.
func functionNames() []string {
	var objects []string // the families' objects, taking turns: nw_connection, sec_trust, …
	for i := 0; len(objects) < functionObjects(); i++ {
		for _, f := range functionFamilies {
			if i < len(f.objects) {
				objects = append(objects, f.prefix+"_"+f.objects[i])
			}
		}
	}
	return combine(objects, prefixed("_", functionVerbs), prefixed("_", functionComplements))
}

func functionObjects() int {
	n := 0
	for _, f := range functionFamilies {
		n += len(f.objects)
	}
	return n
}

func prefixed(prefix string, list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = prefix + s
	}
	return out
}

// constantNames are constants: kCFStreamErrorDomainSSL, kSecTrustPolicyKey.
func constantNames() []string {
	return combine(prefixed("k", constantDomains), typeStems, constantEndings)
}

// statusNames are Security's error constants: errSSLPeerCertExpired, errSecBadRecord.
func statusNames() []string {
	return combine([]string{"errSSL", "errSec"}, sslAdjectives, sslNouns, sslStates)
}

// errorCodes are the codes people quote first, then every code of the system's ranges.
func errorCodes() []string {
	out := append([]string(nil), knownErrors...)
	seen := map[string]bool{}
	for _, e := range out {
		seen[e] = true
	}
	for _, r := range errorRanges {
		for n := r[0]; n <= r[1]; n++ {
			if s := "-" + strconv.Itoa(n); !seen[s] {
				out = append(out, s)
			}
		}
	}
	return out
}

// fileNames are source files of askers' apps (SyncTunnelManager.swift), configuration
// files, frameworks and libraries that crash logs name.
func fileNames() []string {
	out := append([]string(nil), fixedFiles...)
	for _, f := range frameworkNames {
		out = append(out, f+".framework")
	}
	for _, d := range dylibNames {
		out = append(out, d+".dylib")
	}
	out = append(out, combine(codeNames, fileStems, configExtensions)...)
	out = append(out, combine(codeNames, typeStems, ownSuffixes, fileExtensions)...)
	return out
}

// bugNumbers are n distinct Feedback numbers, FB followed by eight digits, spread over
// the range by a multiplier coprime to its size.
func bugNumbers(n int) []string {
	const lo, size, step, first = 10_000_000, 9_000_000, 7_919_173, 3_241_977
	out := make([]string, n)
	for i := range out {
		out[i] = "FB" + strconv.Itoa(lo+(first+i*step)%size)
	}
	return out
}

// buildNumbers are OS builds: a major version, a release letter and a build, now and
// then with a suffix letter, as in 22A3354 or 21E236a.
func buildNumbers() []string {
	var out []string
	for n := 1; n <= 400; n++ {
		for _, major := range buildMajors {
			for _, train := range buildTrainLetters {
				b := major + string(train) + strconv.Itoa(100+n*7)
				if n%9 == 0 {
					b += "a"
				}
				out = append(out, b)
			}
		}
	}
	return out
}

// Sentences that name a term, by its kind. {sym} stands for the term; termSentences
// rewrites it for the second and third term a question names.
type termTemplates struct {
	ask    []string // in the question
	answer []string // opening a reply from someone else
	follow []string // opening a reply from the asker
}

var termSentenceKinds = [numTermKinds]termTemplates{
	termType: {
		ask:    []string{"We also go through `{sym}` on the same code path.", "`{sym}` shows up in the backtrace as well.", "The same happens when we go through `{sym}` instead."},
		answer: []string{"The `{sym}` part of your question is the interesting one.", "How are you using `{sym}` here?"},
		follow: []string{"Dropping `{sym}` from the code path made no difference.", "To answer the question about `{sym}`: we create one per request."},
	},
	termOwnType: {
		ask:    []string{"All of this lives in our `{sym}` class, which owns {thing}.", "Our `{sym}` is created once at launch and kept for the app's lifetime.", "The code is in our `{sym}`, which wraps {thing}."},
		answer: []string{"Does `{sym}` outlive {thing}?", "I'd look at how `{sym}` is torn down first."},
		follow: []string{"You were right about `{sym}`: it was released too early.", "I moved that into `{sym}` and it still happens."},
	},
	termFunction: {
		ask:    []string{"Under the hood we call `{sym}` first.", "The last thing we call before it stalls is `{sym}`.", "The backtrace goes through `{sym}`."},
		answer: []string{"Calling `{sym}` on that queue is the problem.", "You shouldn't need `{sym}` at all here."},
		follow: []string{"Removing the call to `{sym}` changed nothing.", "We only call `{sym}` once now."},
	},
	termConstant: {
		ask:    []string{"We set `{sym}` in the options, as the sample code does.", "The error's domain is `{sym}`.", "Removing `{sym}` from the configuration makes no difference."},
		answer: []string{"`{sym}` is only honoured on the first connection.", "Try it without `{sym}`."},
		follow: []string{"Without `{sym}` it behaves the same.", "Setting `{sym}` was the fix, thanks."},
	},
	termStatus: {
		ask:    []string{"The underlying status is `{sym}`.", "With verbose logging on, `{sym}` appears just before the failure.", "Sometimes the status is `{sym}` instead."},
		answer: []string{"`{sym}` means the peer gave up on the handshake, not your code.", "`{sym}` in your log is the real error; the rest follows from it."},
		follow: []string{"We still see `{sym}` now and then.", "Still `{sym}` on {os}, unfortunately."},
	},
	termError: {
		ask:    []string{"Sometimes we get `{sym}` instead.", "The log also shows `{sym}` just before that.", "The error code in the report is `{sym}`."},
		answer: []string{"`{sym}` in your log is the first thing to chase.", "Where exactly do you see `{sym}`?"},
		follow: []string{"Still getting `{sym}` on {os}.", "The `{sym}` is gone, but it still fails now and then."},
	},
	termFile: {
		ask:    []string{"I double-checked `{sym}` and it looks right.", "Nothing in `{sym}` changed between the builds.", "I attached `{sym}` to the bug report."},
		answer: []string{"Can you post the relevant part of `{sym}`?", "Check `{sym}` in the built product, not just the project."},
		follow: []string{"Here's what `{sym}` looks like now.", "Nothing unusual in `{sym}`, as far as I can see."},
	},
	termBug: {
		ask:    []string{"I filed {sym} about it.", "It may be related to {sym}, which I filed last year.", "Possibly the same as {sym}."},
		answer: []string{"Thanks for filing {sym}.", "I've found {sym} and added a note to it."},
		follow: []string{"No news on {sym} yet.", "{sym} is still open."},
	},
	termBuild: {
		ask:    []string{"It also happens on build {sym}.", "We first saw it on build {sym}.", "Build {sym} behaves the same."},
		answer: []string{"Build {sym} has a fix for something similar; can you try it?", "Is that still the case on build {sym}?"},
		follow: []string{"Same on build {sym}.", "Build {sym} fixed it for us."},
	},
}

// termSentences are termSentenceKinds with {sym} rewritten for each of the three terms a
// question may name: [slot][kind].
var termSentences = func() (out [3][numTermKinds]termTemplates) {
	for slot, key := range []string{"{sym}", "{sym2}", "{sym3}"} {
		for k, t := range termSentenceKinds {
			if len(t.ask) < len(out) {
				// A question naming three terms of one kind gives each its own sentence.
				panic("demo: too few sentences ask about a term")
			}
			rewrite := func(list []string) []string {
				var r []string
				for _, s := range list {
					if !strings.Contains(s, "{sym}") {
						panic("demo: a term's sentence does not name it: " + s)
					}
					r = append(r, strings.ReplaceAll(s, "{sym}", key))
				}
				return r
			}
			out[slot][k] = termTemplates{rewrite(t.ask), rewrite(t.answer), rewrite(t.follow)}
		}
	}
	return out
}()

// inTitle reports whether a question's title may open with a term of kind k
// ("kCFStreamErrorDomainSSL: …"), as askers do with the symbol their question is about.
func (k termKind) inTitle() bool { return k != termBug && k != termBuild }
