// Package progresstest reads what a progress bar (package progress) drew, for the tests of
// the commands that draw one.
package progresstest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Check reads drawn, everything written to a bar's writer, and fails t unless the bar
// counting unit started at nought, before the first batch was counted, showed no rate
// above maxPerSecond (the first frame once showed the first batch's count over the instant
// since the bar was drawn: millions a second), and was erased when it finished, whatever
// was written after it.
func Check(t testing.TB, drawn, unit string, maxPerSecond int) {
	t.Helper()
	frame := regexp.MustCompile(`\((\d+)/(\d+), (\d+) ` + regexp.QuoteMeta(unit) + `/(s|min|hr)\)`)
	parts := strings.Split(drawn, "\r")
	last := -1
	for i, part := range parts {
		m := frame.FindStringSubmatch(part)
		if m == nil {
			continue
		}
		if last == -1 && m[1] != "0" {
			t.Errorf("the bar did not start at 0; it drew:\n%q", drawn)
		}
		if rate, _ := strconv.Atoi(m[3]); m[4] == "s" && rate > maxPerSecond {
			t.Errorf("the bar showed %s/%s done at %d %s/s", m[1], m[2], rate, unit)
		}
		last = i
	}
	switch {
	case last == -1:
		t.Errorf("the bar drew no frame counting %s:\n%q", unit, drawn)
	case last+1 == len(parts) || strings.TrimSpace(parts[last+1]) != "":
		t.Errorf("the bar was left on screen: %q", parts[last])
	}
}
