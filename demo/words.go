package demo

// This file holds the words and templates the generator writes with. Templates name
// their blanks in braces ({api}, {err}, …); see expander.fill for the list. A blank
// used twice in one template gets the same value both times.

var firstNames = []string{
	"James", "Mary", "Wei", "Priya", "Mohammed", "Sofia", "Lucas", "Emma", "Hiroshi", "Yuki",
	"Olga", "Ivan", "Fatima", "Omar", "Chen", "Mei", "Carlos", "Lucía", "Mateo", "Valentina",
	"Noah", "Olivia", "Liam", "Ava", "Ethan", "Isabella", "Arjun", "Ananya", "Kwame", "Amara",
	"Jonas", "Lena", "Felix", "Clara", "Mikael", "Ingrid", "Søren", "Astrid", "Pierre", "Camille",
	"Giulia", "Marco", "Tomás", "Ines", "Daniel", "Sarah", "David", "Rachel", "Michael", "Laura",
	"Ahmed", "Layla", "Kenji", "Aiko", "Minh", "Linh", "Sipho", "Thandiwe", "Rafael", "Beatriz",
	"Aleksandr", "Natalia", "Piotr", "Zofia", "Erik", "Freya", "Samuel", "Grace", "Benjamin", "Chloe",
	"Ravi", "Deepa", "Hassan", "Nour", "Diego", "Paula", "Jae-won", "Soo-ah", "Tariq", "Zainab",
	"Oliver", "Charlotte", "Henry", "Amelia", "Leo", "Mia", "Oscar", "Ella", "Hugo", "Alice",
	"Nikolai", "Daria", "Andrés", "Marta", "Yusuf", "Elif", "Kofi", "Ama", "Quinn", "Jordan",
	"Taylor", "Morgan", "Riley", "Casey", "Jamie", "Alex", "Sam", "Robin", "Kai", "Noor",
}

var lastNames = []string{
	"Smith", "Johnson", "Wang", "Patel", "Khan", "García", "Müller", "Rossi", "Tanaka", "Sato",
	"Ivanova", "Petrov", "Haddad", "Nguyen", "Kim", "Lee", "Park", "Silva", "Santos", "Martínez",
	"Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Green",
	"Hansen", "Larsen", "Nielsen", "Berg", "Lindqvist", "Dubois", "Moreau", "Lefèvre", "Bianchi", "Romano",
	"Fernández", "López", "González", "Pérez", "Sánchez", "Kowalski", "Nowak", "Wiśniewska", "Novák", "Horváth",
	"Yilmaz", "Demir", "Okafor", "Mensah", "Abebe", "Dlamini", "Cohen", "Levi", "Friedman", "Schwartz",
	"Chen", "Liu", "Zhang", "Huang", "Zhao", "Wu", "Singh", "Sharma", "Gupta", "Iyer",
	"Suzuki", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Tran", "Pham", "Hoang", "O'Brien", "Murphy",
	"Kelly", "Byrne", "MacLeod", "Campbell", "Stewart", "Anderson", "Clark", "Lewis", "Young", "Hall",
	"Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser",
}

// handleWords make the handles of people who would rather not use their name.
var handleWords = []string{
	"swift", "packet", "kernel", "pixel", "async", "vector", "shader", "socket", "tensor", "bitwise",
	"cocoa", "lambda", "struct", "tuple", "fox", "otter", "heron", "lynx", "owl", "badger",
	"coder", "hacker", "wrangler", "smith", "builder", "tinker", "dev", "maker", "nerd", "ops",
}

var oses = []string{
	"iOS 16.7", "iOS 17.4", "iOS 17.5", "iOS 17.6", "iOS 18.0", "iOS 18.1", "iOS 18.2", "iOS 18.3",
	"iPadOS 17.5", "iPadOS 18.1", "macOS 13.6", "macOS 14.4", "macOS 14.6", "macOS 15.0", "macOS 15.1",
	"macOS 15.2", "watchOS 10.5", "watchOS 11.1", "tvOS 18.0", "visionOS 1.2", "visionOS 2.1",
}

// osLatest and osPrevious are what resource posts say they were last reviewed for; the
// "Updated for …" revision of a resource post replaces the latest with the previous.
var (
	osLatest   = []string{"iOS 18", "macOS 15"}
	osPrevious = []string{"iOS 17", "macOS 14"}
)

var xcodes = []string{"Xcode 15.2", "Xcode 15.4", "Xcode 16.0", "Xcode 16.1", "Xcode 16.2", "Xcode 16.3 beta 2"}

var devices = []string{
	"iPhone 12", "iPhone 13 mini", "iPhone 14 Pro", "iPhone 15", "iPhone 15 Pro Max", "iPhone 16",
	"iPad Air", "iPad Pro (M4)", "iPad mini", "MacBook Air (M2)", "MacBook Pro (M3 Max)",
	"Mac mini (M2)", "Mac Studio", "Intel iMac", "Apple Watch Series 9", "Apple TV 4K", "Apple Vision Pro",
}

// contexts finish a sentence about when something goes wrong.
var contexts = []string{
	"after waking from sleep", "on cellular but not on Wi-Fi", "when the app is in the background",
	"only in Release builds", "in the Simulator", "after the first launch", "behind a corporate proxy",
	"under memory pressure", "when VoiceOver is on", "while on a VPN", "after a few hours",
	"when the device is locked", "in Low Power Mode", "on the first run after an update",
	"with the debugger attached", "on a clean install", "when switching networks",
	"only on some customers' devices", "after a restore from backup", "when two windows are open",
}

var appNames = []string{
	"Tidewater", "Pinecone", "Lumen Notes", "Parcelry", "Fieldbook", "Orbitly", "Quillpad", "Harborlight",
	"Tallybird", "Meadowcast", "Copperleaf", "Sundial", "Driftwood", "Kestrel", "Waypointer", "Brightline",
	"Cobalt Mail", "Foxglove", "Ledgerly", "Nimbus Sync", "Pocket Atlas", "Rainmaker", "Stitchwork", "Vellum",
}

var companies = []string{
	"Northwind Labs", "Bluefin Software", "Cedar & Sons", "Lantern Apps", "Quartzline", "Redwood Mobile",
	"Oakmont Health", "Polar Bear Games", "Stonebridge Bank", "Tangerine Studio", "Vantage Logistics",
}

var jobTitles = []string{
	"iOS developer", "Mac developer", "Engineering manager", "Indie developer", "Platform engineer",
	"Security engineer", "Game developer", "Audio software engineer", "CTO", "Student",
}

// codeNames name the classes and views in code samples.
var codeNames = []string{
	"Sync", "Upload", "Telemetry", "Feed", "Session", "Tunnel", "Player", "Capture", "Inventory",
	"Account", "Search", "Checkout", "Import", "Report", "Chat", "Map", "Scanner", "Recorder",
}

var hosts = []string{
	"api.example.com", "sync.example.net", "push.example.org", "cdn.example.com", "auth.example.com",
	"staging.example.io", "10.0.1.20:8443", "devices.example.com",
}

var paths = []string{"items", "session", "devices/register", "upload", "feed?page=2", "token", "events"}

var logCategories = []string{"connection", "default", "session", "network", "sync", "ui", "store", "auth"}

var staffBadges = []string{
	"DTS Engineer", "DTS Engineer", "DTS Engineer", "Frameworks Engineer", "Frameworks Engineer",
	"Developer Relations", "Developer Evangelist", "Core OS Engineer", "Networking Engineer",
}

var moderatorBadges = []string{"Moderator", "Community Moderator"}

var askDetails = []string{
	"It happens about {n}% of the time, and only {ctx}.",
	"The console shows `{err}` right before {thing} gives up.",
	"I reproduced it in a new project with nothing but `{api}`, so I don't think it's our code.",
	"I've tried a longer timeout, recreating {thing} and calling `{call}` again, with no change.",
	"With the debugger attached everything looks fine; without it, {thing} fails.",
	"I checked the documentation for `{api}` but it doesn't say what should happen here.",
	"This only happens on devices; the Simulator is fine.",
	"We build with {xcode} and deploy back to {os2}.",
	"Our users report it mostly {ctx}.",
	"If I relaunch the app it works again for a while.",
	"I filed {fb} with a sysdiagnose a month ago but haven't heard back.",
	"The same code runs fine on {os2}.",
	"`{call}` returns immediately, but {thing} is never ready.",
	"Memory grows by a few megabytes each time, and Instruments shows `{api}` objects that never go away.",
	"A colleague sees the same thing on a {dev}, so it isn't one bad device.",
	"I also tried calling `{call2}` first, which made no difference.",
}

var askClosers = []string{
	"Is this expected, or should I file a bug?",
	"What am I missing?",
	"Any pointers would be appreciated.",
	"Is there a supported way to do this?",
	"Has anyone else seen this?",
	"Thanks in advance for any help.",
	"Is there a workaround until it's fixed?",
}

var answerOpeners = []string{
	"`{err}` usually means that {thing} was already gone when the work finished.",
	"The short answer is that `{api}` isn't designed to {task}.",
	"You can {task}, but not with `{call}`.",
	"This is a known issue in {os}.",
	"Looking at your crash report, the crashing thread is inside `{call}`, which points to a threading problem in the caller.",
	"That's expected: {thing} only lives as long as the object that owns it.",
	"There are two separate problems here.",
	"First, make sure you call `{call}` on the queue you gave `{api}`.",
	"I've seen this a few times, and it's almost always a lifetime problem.",
	"Good question, and the documentation doesn't make it clear.",
}

var answerDetails = []string{
	"Create {thing} once and keep a strong reference to it, rather than making a new one for each request.",
	"On {os} and later you can {task} without the workaround.",
	"Move the call to `{call}` off the main thread; it can block for seconds when the system is busy.",
	"If you need to {task}, use `{api}` instead.",
	"Enable the Thread Sanitizer and run your tests again: a data race would explain why `{err}` only shows up sometimes.",
	"Take a sysdiagnose right after the failure and attach it to your bug report, along with the exact time it happened.",
	"Check that the entitlement is in the signed app, not just in the project.",
	"Don't retry in a tight loop; wait until {thing} reports that it's ready.",
	"Keep in mind that the system can suspend your app at any point {ctx}.",
	"`{call2}` is the supported replacement and behaves better {ctx}.",
	"The behaviour changed in {os}, so code that relied on the old ordering will break.",
	"Logging the state transitions of {thing} will tell you exactly where it stalls.",
	"Avoid holding a lock while calling into `{api}`; it calls back on its own queue and can deadlock.",
	"I'd also set a breakpoint on `{call}` to see who calls it, and how often.",
}

var answerClosers = []string{
	"If that doesn't help, please file a bug and post the number here.",
	"Let me know how you get on.",
	"Hope that helps.",
	"If it still fails, post a full crash report as a text attachment.",
	"Please reply here if you see it on the latest beta.",
}

var followUps = []string{
	"Thanks, that fixed it.",
	"Thanks! Moving `{call}` off the main thread did it.",
	"Same here on {os} with a {dev}.",
	"Any update on this? Still happening on {os}.",
	"I can confirm this is fixed in {os}.",
	"Filed as {fb}.",
	"That was it: I was creating a new `{api}` for every request.",
	"Thanks for the detailed explanation. Does the same apply {ctx}?",
	"We worked around it by retrying after a short delay, but a real fix would be nice.",
	"Interesting. I'll try that and report back.",
	"Seeing the same `{err}` {ctx}, for what it's worth.",
	"Thanks, I hadn't realised {thing} had to outlive the request.",
}

var listLeadsAsk = []string{
	"Here's what I've tried so far:", "Things I've checked:", "Some details about our setup:",
	"What I know so far:",
}

var listLeadsAnswer = []string{
	"A few things to check:", "In short:", "The usual suspects:", "What I'd do next:",
}

var listItemsAsk = []string{
	"Recreating `{api}` after each failure",
	"Setting a longer timeout",
	"Running on {os} and {os2}",
	"A clean build after deleting derived data",
	"Turning off the VPN and any proxy",
	"Testing on a {dev}",
	"Calling `{call}` from the main thread",
	"Removing every other observer of {thing}",
	"Building with {xcode}",
	"Reinstalling the app from scratch",
}

var listItemsAnswer = []string{
	"Keep a strong reference to {thing}.",
	"Call `{call}` once, not on every update.",
	"Check the entitlements of the signed app.",
	"Test on a device, not just the Simulator.",
	"Look for `{err}` in the system log.",
	"Build with {xcode} or later.",
	"Make sure `{api}` is used from one queue only.",
	"Handle the failure case instead of assuming success.",
}

var stepLeads = []string{"To reproduce:", "Steps:", "Here's how to reproduce it:"}

var steps = []string{
	"Install the app on a {dev} running {os}.",
	"Start {thing}.",
	"Lock the device and wait five minutes.",
	"Unlock it and watch the console: `{err}`.",
	"Call `{call}` again.",
	"Switch from Wi-Fi to cellular.",
	"Move the app to the background and bring it back.",
	"Open the second tab.",
}

var codeLeads = []string{
	"Here's a minimal version of what we do:", "The relevant code:", "Something like this:",
	"This is roughly what I have:", "For example:", "Here's the code that fails:",
}

var logLeads = []string{
	"The crash report:", "Here's the console output:", "From the log:", "The relevant part of the crash log:",
}

// footnoteLines are the bodies of footnote definitions.
var footnoteLines = []string{
	"I've only tested this on {os}; earlier releases may differ.",
	"Filed as {fb}.",
	"The same applies to `{api}`, which uses it under the hood.",
	"This is based on what I see in the logs, not on any documentation.",
	"Measured on a {dev} with the debugger detached.",
}

// sectionHeadings title the sections of resource posts; each is distinct, so the
// headings in one post never repeat.
var sectionHeadings = []string{
	"Before you start", "How {api} fits in", "Common errors", "Debugging {thing}",
	"Testing on a device", "Known issues", "Getting a sysdiagnose", "Frequently asked questions",
	"Further reading", "Filing a useful bug report", "Performance tips", "Security considerations",
}

var sectionBodies = []string{
	"Most problems with {thing} come down to lifetime: keep a strong reference to `{api}` for as long as you need it, and cancel it explicitly when you're done.",
	"`{err}` is the error people ask about most. It means the system gave up, not that your code did something illegal, so retry only after {thing} reports a change.",
	"Use `{call}` rather than the older APIs; it's available on {os} and later and handles the edge cases for you.",
	"Always test on a real device. The Simulator uses the Mac's stack, so it won't show problems that only happen {ctx}.",
	"When you file a bug, attach a sysdiagnose taken right after the failure, note the exact time, and say whether it happens {ctx}.",
	"If you need to {task}, start with `{api}`. Don't reach for lower-level APIs unless you have a specific reason.",
	"Turn on the Thread Sanitizer while you develop. Many intermittent `{err}` reports turn out to be data races.",
}

var sectionExtras = []string{
	"- Keep a strong reference to {thing}.\n- Call `{call}` from one queue.\n- Handle `{err}` explicitly.",
	"1. Reproduce the problem.\n2. Trigger a sysdiagnose.\n3. File a bug with both attached.",
}

var resourceIntros = []string{
	"This post collects the advice we give most often about {sublower}. I update it as the system changes. Last reviewed for {latest}.",
	"If you have a question about {sublower}, read this first: it answers the questions we see every week. Last reviewed for {latest}.",
	"Here are links and tips for {sublower}, gathered from years of answering threads in this forum. Last reviewed for {latest}.",
}

var resourceOutros = []string{
	"If your question isn't answered here, start a new thread with the [{tagname}](/tags/{tagslug}) tag.",
	"Questions? Start a new thread in this subtopic and tag it [{tagname}](/tags/{tagslug}).",
}

var linkSentences = []string{
	"There's more detail in [this earlier thread](/threads/{tid}).",
	"See the [{tagname}](/tags/{tagslug}) tag for similar questions.",
	"The [documentation for {api}](https://developer.example.com/documentation/{apislug}) covers the basics.",
	"I wrote up the details in [a blog post](https://blog.example.org/{apislug}-notes).",
}

var staffSignatures = []string{
	"{first} · {badge}",
	"{first}, {badge}. Please file bugs with a sysdiagnose attached.",
	"— {first}, {badge} · [How to ask a good question](/threads/{tid})",
	"{first} {lastinitial}. · {badge} · [Tips for posting crash reports](/threads/{tid})",
}

var memberSignatures = []string{
	"Indie developer working on [{app}](https://{appslug}.example.com).",
	"{job} at {company}. Opinions are my own.",
	"Building {app} for iOS and macOS.",
	"Swift since 1.0, Objective-C before that.",
	"If an answer helped you, mark it as accepted: it helps the next person.",
	"{job} · [{appslug}.example.org](https://{appslug}.example.org)",
	"{job}, {company}",
	"Making *{app}*, one bug at a time.",
}
