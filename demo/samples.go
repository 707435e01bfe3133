package demo

import (
	"fmt"
	"math/rand/v2"
)

// codeSample is a template for the inside of a fenced code block in one language.
type codeSample struct {
	lang string
	tmpl string
}

// codeLangs are the languages of codeSamples, and codeLangWeights how often each is
// drawn: Swift most, then shell, Objective-C, C and Go.
var (
	codeLangs       = []string{"swift", "sh", "objc", "c", "go"}
	codeLangWeights = []int{50, 20, 12, 10, 8}
)

var codeSamples = []codeSample{
	{"swift", `final class {Name}Client {
    private let {var}: {Type}
    private let queue = DispatchQueue(label: "com.example.{namelower}")

    init({var}: {Type}) {
        self.{var} = {var}
    }

    func start() {
        queue.async {
            self.{var}.{method}()
        }
    }
}`},
	{"swift", `func load() async throws -> Data {
    let url = URL(string: "https://{host}/v1/{path}")!
    var request = URLRequest(url: url)
    request.timeoutInterval = {n}
    let (data, response) = try await URLSession.shared.data(for: request)
    guard (response as? HTTPURLResponse)?.statusCode == 200 else {
        throw {Name}Error.badStatus
    }
    return data
}`},
	{"swift", `let {var} = {Type}()
{var}.{method}()
// fails with {err} {ctx}`},
	{"swift", `struct {Name}View: View {
    @State private var model = {Name}Model()

    var body: some View {
        List(model.items) { item in
            Text(item.title)
        }
        .task {
            await model.refresh()
        }
    }
}`},
	{"swift", `@MainActor
final class {Name}Model {
    private var task: Task<Void, Never>?

    func refresh() {
        task?.cancel()
        task = Task {
            do {
                try await {var}.{method}()
            } catch {
                logger.error("{method} failed: \(error, privacy: .public)")
            }
        }
    }
}`},
	{"swift", `extension {Name}Controller: {Type}Delegate {
    func {var}(_ {var}: {Type}, didFailWithError error: Error) {
        // error is {err} here
        retry(after: .seconds({n}))
    }
}`},
	{"swift", `func {method}Async() async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
        {var}.{method} { error in
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume()
            }
        }
    }
}`},
	{"swift", `private let logger = Logger(subsystem: "com.example.{namelower}", category: "{cat}")

func handle(_ error: Error) {
    let nsError = error as NSError
    logger.error("{method} failed: \(nsError.domain, privacy: .public) \(nsError.code)")
}`},
	{"objc", `- (void)start {
    self.{var} = [[{Type} alloc] init];
    [self.{var} {method}];
    NSLog(@"{method} started");
}`},
	{"objc", `dispatch_async(self.queue, ^{
    NSError *error = nil;
    if (![self.{var} {method}:&error]) {
        NSLog(@"{method} failed: %@", error);  // {err}
    }
});`},
	{"objc", `@interface {Name}Controller () <{Type}Delegate>
@property (nonatomic, strong) {Type} *{var};
@end`},
	{"c", `int fd = socket(AF_INET6, SOCK_STREAM, 0);
if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    fprintf(stderr, "connect: %s\n", strerror(errno));
    close(fd);
    return -1;
}`},
	{"c", `static void callback(void *info) {
    struct state *state = info;
    atomic_fetch_add(&state->count, 1);
    dispatch_semaphore_signal(state->done);
}`},
	{"c", `CFErrorRef error = NULL;
if (!SecTrustEvaluateWithError(trust, &error)) {
    CFShow(error);
    CFRelease(error);
}`},
	{"go", `client := &http.Client{
    Timeout: {n} * time.Second,
    Transport: &http.Transport{
        TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12},
    },
}
resp, err := client.Post("https://{host}/3/device/"+token, "application/json", body)
if err != nil {
    log.Printf("push failed: %v", err)
}`},
	{"go", `func verify(signed string) error {
    parts := strings.Split(signed, ".")
    if len(parts) != 3 {
        return errors.New("malformed JWS")
    }
    header, err := base64.RawURLEncoding.DecodeString(parts[0])
    if err != nil {
        return fmt.Errorf("header: %w", err)
    }
    return checkChain(header)
}`},
	{"sh", `log stream --predicate 'subsystem == "com.example.{namelower}"' --level debug`},
	{"sh", `xcrun xctrace record --template 'Time Profiler' --attach {Name} --time-limit {n}s`},
	{"sh", `codesign -d --entitlements - --xml build/{Name}.app | plutil -p -`},
	{"sh", `nscurl --ats-diagnostics --verbose https://{host}`},
	{"sh", `xcodebuild -scheme {Name} -destination 'platform=iOS Simulator,name=iPhone 16' test`},
	{"sh", `sudo log collect --last 10m --output ~/Desktop/{namelower}.logarchive`},
	{"sh", `$ swift build -c release
$ .build/release/{namelower} --verbose
error: {err}`},
}

type crashKind struct {
	exception, subtype, reason string
	binary, symbol             string // the frame the crash happened in
}

var crashKinds = []crashKind{
	{"EXC_BAD_ACCESS (SIGSEGV)", "KERN_INVALID_ADDRESS at 0x%016x", "SIGNAL 11 Segmentation fault: 11", "libobjc.A.dylib", "objc_msgSend"},
	{"EXC_BAD_ACCESS (SIGBUS)", "KERN_PROTECTION_FAILURE at 0x%016x", "SIGNAL 10 Bus error: 10", "libswiftCore.dylib", "swift_release"},
	{"EXC_CRASH (SIGABRT)", "", "SIGNAL 6 Abort trap: 6", "libsystem_kernel.dylib", "__pthread_kill"},
	{"EXC_BREAKPOINT (SIGTRAP)", "", "SIGNAL 5 Trace/BPT trap: 5", "libswiftCore.dylib", "_assertionFailure(_:_:file:line:flags:)"},
}

// crashLog writes an excerpt of a crash report whose frames run through the
// subtopic's frameworks and the asker's app.
func crashLog(e *expander, buf []byte) []byte {
	r := e.r
	s := e.sub.spec
	k := crashKinds[r.IntN(len(crashKinds))]
	thread := r.IntN(12)
	buf = fmt.Appendf(buf, "Exception Type:  %s\n", k.exception)
	if k.subtype != "" {
		buf = fmt.Appendf(buf, "Exception Subtype: "+k.subtype+"\n", uint64(r.IntN(4096))*8)
	}
	buf = fmt.Appendf(buf, "Termination Reason: %s\nTriggered by Thread:  %d\n\nThread %d Crashed:\n", k.reason, thread, thread)
	frame := 0
	line := func(binary, symbol string) {
		addr := 0x180000000 + r.Uint64N(0x20000000)
		buf = fmt.Appendf(buf, "%-3d %-28s 0x%016x %s + %d\n", frame, binary, addr, symbol, 4*r.IntN(300))
		frame++
	}
	line(k.binary, k.symbol)
	for range 1 + r.IntN(3) {
		line(pick(r, s.frames), frameSymbol(r, s))
	}
	app := e.value("Name") + "Client"
	line(e.value("app"), app+"."+e.value("method")+"()")
	line("libdispatch.dylib", "_dispatch_call_block_and_release")
	line("libdispatch.dylib", "_dispatch_client_callout")
	line("libsystem_pthread.dylib", "_pthread_wqthread")
	return buf[:len(buf)-1]
}

// frameSymbol invents a symbol from the subtopic's API in one of the styles crash
// reports show: Objective-C, Swift or C.
func frameSymbol(r *rand.Rand, s *subSpec) string {
	typ := identifier(pick(r, s.types))
	m := methodName(pick(r, s.calls))
	switch r.IntN(3) {
	case 0:
		return "-[" + typ + " " + m + "]"
	case 1:
		return typ + "." + m + "()"
	}
	return "__" + varName(typ) + "_" + m + "_block_invoke"
}

var consoleLines = []string{
	"[{cat}] {method}() called",
	"[{cat}] {api} state changed to preparing",
	"[{cat}] {api} state changed to waiting: {err}",
	"[{cat}] {method} failed: {err}",
	"[{cat}] retrying in 2 seconds",
	"[{cat}] {thing} is ready",
	"[{cat}] cancelled {api} after {n} seconds",
}

// consoleLog writes a few lines of unified log output from the asker's app.
func consoleLog(e *expander, buf []byte) []byte {
	r := e.r
	year, month, day := 2022+r.IntN(4), 1+r.IntN(12), 1+r.IntN(28)
	h, m, sec := r.IntN(24), r.IntN(60), r.IntN(60)
	micro := r.IntN(1_000_000)
	pid, tid := 200+r.IntN(30000), 100000+r.IntN(9000000)
	app := e.value("app")
	n := 3 + r.IntN(4)
	start := r.IntN(len(consoleLines))
	for i := range n {
		micro += 1000 + r.IntN(900_000)
		if micro >= 1_000_000 {
			micro -= 1_000_000
			sec++
		}
		buf = fmt.Appendf(buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+0000 %s[%d:%d] ", year, month, day, h, m, sec%60, micro, app, pid, tid)
		buf = e.fill(buf, consoleLines[(start+i)%len(consoleLines)])
		buf = append(buf, '\n')
	}
	return buf[:len(buf)-1]
}
