package main

import (
	"runtime/debug"
	"testing"
)

// TestCommandsTuneTheCollector: every command raises the collector's target, unless GOGC
// is set, which the runtime has read already and the operator's choice stands.
func TestCommandsTuneTheCollector(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("without GOGC the collector's target is %d%%; want %d%%", got, gcPercent)
	}
	tuneGC(func(name string) string {
		if name == "GOGC" {
			return "100"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC=100 the collector's target is %d%%; want the operator's 100%%", got)
	}
}
