package demo

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/parley-forum/parley"
	"github.com/parley-forum/parley/attachment"
	"github.com/parley-forum/parley/blob"
)

// Questions carry files as askers attach them: a crash report to a question about a
// crash, a chart of memory to a question about a leak, now and then a console log or a
// screenshot of the error. A file's content is made from what the question is about (the
// crashing frame and call, the API and error, the subtopic), inspected as an upload is
// (attachment.Inspect) and stored once in the blob store under its digest; questions
// about the same thing share it under names of their own. So that a forum of millions
// of threads stores a bounded number of files, each kind makes at most maxFiles
// contents; past that, only questions whose file exists already carry one.

// fileKind is what a question attaches.
type fileKind uint8

const (
	noFile fileKind = iota
	fileCrash
	fileLog
	fileDialog
	fileChart
	numFileKinds
)

// maxFiles bounds the contents each kind makes.
const maxFiles = 500

// attachedNotes are what a question says about its file, by kind.
var attachedNotes = [numFileKinds]string{
	fileCrash:  "The full crash report is attached.",
	fileLog:    "I've attached the console log from a failing run.",
	fileDialog: "A screenshot of the error is attached.",
	fileChart:  "The attached chart shows memory over an hour of use.",
}

// files makes the files questions carry, and stores them from a goroutine of its own:
// a store that syncs each content (a folder, a database) waits on the disk, which the
// generator need not. Generate waits for the last one before the forum is complete.
type files struct {
	seed   int64
	stored map[string]parley.File // by what the content is made from
	made   [numFileKinds]int
	buf    bytes.Buffer
	puts   chan put   // nil once closed
	done   chan error // the storing goroutine's first error, once puts is closed
	err    error
}

type put struct {
	key     string
	content []byte
}

func newFiles(ctx context.Context, blobs blob.Store, seed int64) *files {
	f := &files{seed: seed, stored: map[string]parley.File{}, puts: make(chan put, 64), done: make(chan error, 1)}
	go func() {
		var first error
		for p := range f.puts {
			if first == nil {
				first = blobs.Put(ctx, p.key, bytes.NewReader(p.content))
			}
		}
		f.done <- first
	}()
	return f
}

// wait returns once every content is stored, with the first error storing one. Calls
// after the first return at once.
func (f *files) wait() error {
	if f.puts != nil {
		close(f.puts)
		f.puts, f.err = nil, <-f.done
	}
	return f.err
}

// attach returns the file of kind a question with scenario vals in subtopic sub carries,
// named for a post written at created; ok is false when it carries none.
func (f *files) attach(kind fileKind, sub *subInfo, vals *[numKeys]string, created int64) (parley.File, bool, error) {
	var key string
	switch kind {
	case fileCrash:
		key = strings.Join([]string{"crash", sub.spec.name, vals[kCall], vals[kFw], vals[kOS]}, "\x00")
	case fileLog:
		key = strings.Join([]string{"log", sub.spec.name, vals[kAPI], vals[kErr]}, "\x00")
	default:
		key = fmt.Sprintf("image\x00%s\x00%d\x00%d", sub.spec.name, kind, created%3)
	}
	name := fileName(kind, sub, vals, created)
	if file, ok := f.stored[key]; ok {
		file.Name = name
		return file, true, nil
	}
	if f.made[kind] == maxFiles {
		return parley.File{}, false, nil
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	r := rand.New(rand.NewPCG(uint64(f.seed), h.Sum64()))
	f.buf.Reset()
	switch kind {
	case fileCrash:
		crashReport(&f.buf, r, sub, vals, created, strings.HasSuffix(name, ".ips"))
	case fileLog:
		consoleFile(&f.buf, r, sub, vals, created)
	case fileDialog:
		png.Encode(&f.buf, dialogImage(r))
	case fileChart:
		png.Encode(&f.buf, chartImage(r))
	}
	file, err := attachment.Inspect(name, bytes.NewReader(f.buf.Bytes()))
	if err != nil {
		return file, false, fmt.Errorf("demo: a generated %s is not one the forum takes: %w", name, err)
	}
	f.puts <- put{file.SHA256, bytes.Clone(f.buf.Bytes())}
	f.stored[key] = file
	f.made[kind]++
	return file, true, nil
}

// fileName names a file as the system or the asker would have.
func fileName(kind fileKind, sub *subInfo, vals *[numKeys]string, created int64) string {
	at := ms(created)
	switch kind {
	case fileCrash:
		app := appOf(vals)
		if created%4 == 0 {
			return app + ".crash"
		}
		return app + "-" + at.Format("2006-01-02-150405") + ".ips"
	case fileLog:
		return strings.ToLower(appOf(vals)) + "-console.log"
	case fileChart:
		return "Memory " + at.Format("2006-01-02") + ".png"
	}
	return "Screenshot " + at.Format("2006-01-02 at 15.04.05") + ".png"
}

// appOf is the asker's app: one of appNames, the same for the same scenario.
func appOf(vals *[numKeys]string) string {
	h := fnv.New32a()
	h.Write([]byte(vals[kAPI]))
	h.Write([]byte(vals[kCall]))
	return strings.ReplaceAll(appNames[h.Sum32()%uint32(len(appNames))], " ", "")
}

// crashReport writes a crash report in the text form Xcode and Console show; an .ips
// file starts with the line of JSON that the system writes above it. The crashing
// thread runs through the question's call and framework.
func crashReport(b *bytes.Buffer, r *rand.Rand, sub *subInfo, vals *[numKeys]string, created int64, ips bool) {
	app, os := appOf(vals), vals[kOS]
	k := crashKinds[r.IntN(len(crashKinds))]
	if strings.HasPrefix(vals[kErr], "EXC_") {
		for _, c := range crashKinds {
			if c.exception == vals[kErr] {
				k = c
			}
		}
	}
	at := ms(created - int64(r.IntN(3_600_000)))
	pid, build := 300+r.IntN(9000), fmt.Sprintf("%d%c%d", 21+r.IntN(3), 'A'+r.IntN(8), 10+r.IntN(300))
	version := fmt.Sprintf("3.%d", r.IntN(10))
	osLine := strings.Replace(os, "iOS", "iPhone OS", 1) + " (" + build + ")"
	uuid := func() string {
		return fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", r.Uint32(), r.IntN(1<<16), r.IntN(1<<16), r.IntN(1<<16), r.Uint64N(1<<48))
	}
	bundle := "com.example." + strings.ToLower(app)
	if ips {
		fmt.Fprintf(b, `{"app_name":"%s","timestamp":"%s","app_version":"%s","bundleID":"%s","os_version":"%s","incident_id":"%s","name":"%s"}`+"\n",
			app, at.Format("2006-01-02 15:04:05.00 -0700"), version, bundle, osLine, uuid(), app)
	}
	fmt.Fprintf(b, "Incident Identifier: %s\nHardware Model:      %s\nProcess:             %s [%d]\nIdentifier:          %s\n",
		uuid(), hardwareModel(os), app, pid, bundle)
	fmt.Fprintf(b, "Version:             %s (%d)\nCode Type:           ARM-64 (Native)\nRole:                Foreground\nParent Process:      launchd [1]\n\n",
		version, 100+r.IntN(900))
	fmt.Fprintf(b, "Date/Time:           %s\nLaunch Time:         %s\nOS Version:          %s\nRelease Type:        User\nReport Version:      104\n\n",
		at.Format("2006-01-02 15:04:05.0000 -0700"), at.Add(-time.Duration(1+r.IntN(600))*time.Second).Format("2006-01-02 15:04:05.0000 -0700"), osLine)
	fmt.Fprintf(b, "Exception Type:  %s\n", k.exception)
	if k.subtype != "" {
		fmt.Fprintf(b, "Exception Subtype: "+k.subtype+"\n", uint64(r.IntN(4096))*8)
	}
	crashed := 1 + r.IntN(8)
	fmt.Fprintf(b, "Termination Reason: %s\nTerminating Process: exc handler [%d]\n\nTriggered by Thread:  %d\n\n", k.reason, pid, crashed)

	frame := 0
	line := func(binary, symbol string) {
		fmt.Fprintf(b, "%-3d %-28s 0x%016x %s + %d\n", frame, binary, 0x180000000+r.Uint64N(0x20000000), symbol, 4*r.IntN(300))
		frame++
	}
	b.WriteString("Thread 0 name:  Dispatch queue: com.apple.main-thread\nThread 0:\n")
	main := mainThreadFrames
	if platform(os) == "macOS" {
		main = macMainThreadFrames
	}
	for _, f := range main {
		line(f[0], f[1])
	}
	line(app, "main")
	line("dyld", "start")
	frame = 0
	fmt.Fprintf(b, "\nThread %d Crashed:\n", crashed)
	line(k.binary, k.symbol)
	method := methodName(vals[kCall])
	line(vals[kFw], "-["+identifier(vals[kAPI])+" "+method+"]")
	line(vals[kFw], varName(vals[kAPI])+"_"+method+"_block_invoke")
	line(app, app+"Client."+method+"()")
	line("libdispatch.dylib", "_dispatch_call_block_and_release")
	line("libdispatch.dylib", "_dispatch_client_callout")
	line("libsystem_pthread.dylib", "_pthread_wqthread")

	b.WriteString("\nBinary Images:\n")
	for _, img := range []string{app, vals[kFw], k.binary, "libdispatch.dylib", "libsystem_pthread.dylib"} {
		base := 0x180000000 + r.Uint64N(0x20000000)&^0xfff
		fmt.Fprintf(b, "0x%x - 0x%x %s arm64e <%s> %s\n", base, base+0x3ffff+r.Uint64N(0x400000), img,
			strings.ToLower(strings.ReplaceAll(uuid(), "-", "")), imagePath(img, app))
	}
	b.WriteString("\nEOF\n")
}

var mainThreadFrames = [][2]string{
	{"libsystem_kernel.dylib", "mach_msg2_trap"},
	{"libsystem_kernel.dylib", "mach_msg2_internal"},
	{"CoreFoundation", "__CFRunLoopServiceMachPort"},
	{"CoreFoundation", "__CFRunLoopRun"},
	{"GraphicsServices", "GSEventRunModal"},
	{"UIKitCore", "-[UIApplication _run]"},
}

var macMainThreadFrames = [][2]string{
	{"libsystem_kernel.dylib", "mach_msg2_trap"},
	{"CoreFoundation", "__CFRunLoopRun"},
	{"HIToolbox", "RunCurrentEventLoopInMode"},
	{"AppKit", "_DPSNextEvent"},
	{"AppKit", "-[NSApplication run]"},
}

// hardwareModel is the model identifier of a device running os.
func hardwareModel(os string) string {
	switch platform(os) {
	case "iOS":
		return "iPhone16,1"
	case "iPadOS":
		return "iPad14,8"
	case "watchOS":
		return "Watch7,1"
	case "tvOS":
		return "AppleTV14,1"
	case "visionOS":
		return "RealityDevice14,1"
	}
	return "Mac15,6"
}

func imagePath(img, app string) string {
	switch {
	case img == app:
		return "/private/var/containers/Bundle/Application/" + app + ".app/" + app
	case strings.HasSuffix(img, ".dylib"):
		return "/usr/lib/system/" + img
	}
	return "/System/Library/Frameworks/" + img + ".framework/" + img
}

// consoleFile writes a run of the asker's app as the unified log shows it, ending in the
// question's error.
func consoleFile(b *bytes.Buffer, r *rand.Rand, sub *subInfo, vals *[numKeys]string, created int64) {
	e := &expander{r: r}
	e.reset(sub)
	for _, k := range []int{kAPI, kErr} {
		e.vals[k], e.set[k] = vals[k], true
	}
	app := appOf(vals)
	at := ms(created - int64(r.IntN(86_400_000)))
	pid, tid := 200+r.IntN(30000), 100000+r.IntN(9000000)
	var line []byte
	n := 24 + r.IntN(24)
	for i := range n {
		at = at.Add(time.Duration(1+r.IntN(900_000)) * time.Microsecond)
		tmpl := consoleLines[r.IntN(len(consoleLines))]
		if i == n-1 {
			tmpl = "[{cat}] {method} failed: {err}"
		}
		line = e.fill(line[:0], tmpl)
		fmt.Fprintf(b, "%s %s[%d:%x] %s\n", at.Format("2006-01-02 15:04:05.000000-0700"), app, pid, tid, line)
	}
}

// Screenshots are drawn, not rendered from text: a window with an alert (a warning
// sign, lines of text as bars, two buttons), or a chart of memory climbing over an hour.
var (
	paper  = color.RGBA{0xf5, 0xf5, 0xf7, 0xff}
	chrome = color.RGBA{0xe3, 0xe3, 0xe8, 0xff}
	ink    = color.RGBA{0x8e, 0x8e, 0x93, 0xff}
	blue   = color.RGBA{0x0a, 0x84, 0xff, 0xff}
	amber  = color.RGBA{0xff, 0x9f, 0x0a, 0xff}
	red    = color.RGBA{0xff, 0x45, 0x3a, 0xff}
)

func paint(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	for y := max(y0, 0); y < min(y1, img.Rect.Dy()); y++ {
		for x := max(x0, 0); x < min(x1, img.Rect.Dx()); x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func disc(img *image.RGBA, cx, cy, rad int, c color.RGBA) {
	for y := -rad; y <= rad; y++ {
		for x := -rad; x <= rad; x++ {
			if x*x+y*y <= rad*rad {
				img.SetRGBA(cx+x, cy+y, c)
			}
		}
	}
}

// dialogImage draws an app window showing an error alert.
func dialogImage(r *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 480, 320))
	paint(img, 0, 0, 480, 320, paper)
	paint(img, 0, 0, 480, 28, chrome)
	for i, c := range []color.RGBA{red, amber, {0x32, 0xd7, 0x4b, 0xff}} {
		disc(img, 16+i*20, 14, 6, c)
	}
	for y := 48; y < 300; y += 22 { // the list behind the alert
		paint(img, 24, y, 24+120+r.IntN(300), y+8, chrome)
	}
	paint(img, 110, 70, 370, 260, color.RGBA{0xff, 0xff, 0xff, 0xff})
	disc(img, 240, 106, 22, amber)
	paint(img, 237, 92, 243, 112, color.RGBA{0xff, 0xff, 0xff, 0xff})
	paint(img, 237, 116, 243, 122, color.RGBA{0xff, 0xff, 0xff, 0xff})
	paint(img, 170, 140, 310, 150, ink) // the title
	for i := range 2 + r.IntN(2) {      // the message
		w := 180 + r.IntN(40)
		paint(img, 240-w/2, 162+i*14, 240+w/2, 168+i*14, chrome)
	}
	paint(img, 126, 216, 236, 244, chrome)
	paint(img, 244, 216, 354, 244, blue)
	return img
}

// chartImage draws memory in use over an hour, climbing as a leak does.
func chartImage(r *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 480, 300))
	paint(img, 0, 0, 480, 300, color.RGBA{0xff, 0xff, 0xff, 0xff})
	for y := 40; y <= 260; y += 44 {
		paint(img, 40, y, 460, y+1, chrome)
	}
	paint(img, 40, 40, 41, 261, ink)
	paint(img, 40, 260, 460, 261, ink)
	level, slope := 230.0, 0.3+r.Float64()*0.25
	for x := 41; x < 460; x++ {
		level -= slope + (r.Float64()-0.5)*1.5
		if r.IntN(150) == 0 {
			level += 5 + r.Float64()*8 // a little is freed now and then, never all of it
		}
		level = max(min(level, 250), 48)
		paint(img, x, int(level), x+1, 260, color.RGBA{0xd6, 0xe9, 0xff, 0xff})
		paint(img, x, int(level), x+1, int(level)+2, blue)
	}
	return img
}
