// Package progress draws the progress bar of parley's long commands (building a demo forum,
// copying a forum): one look and one rate for every command that shows one.
package progress

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// New returns a bar over total items, counted in unit ("threads", "rows"), drawn to w under
// description; with no writer it shows nothing. It is drawn at nought before it returns,
// which starts its clock and its rate's first window now: left to the first count, the
// window would start then and hold that first batch too, showing a rate of millions of
// items a second. Finish erases it.
func New(w io.Writer, total int64, description, unit string) *progressbar.ProgressBar {
	if w == nil {
		w = io.Discard
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
	bar.Add(0)
	return bar
}
