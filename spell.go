package parley

import (
	"strconv"
	"strings"
	"time"
)

// SpellDuration writes a configured period the way a message to a person says it:
// "24 hours", "20 minutes".
func SpellDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return count(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return count(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return count(int64(d/time.Minute), "minute")
	}
	return d.String()
}

// SpellSize writes a number of bytes the way a message to a person says it, in bytes,
// KB, MB or GB of 1024 with at most one decimal: "512 bytes", "1.5 KB", "5 MB", "1 GB".
func SpellSize(n int64) string {
	switch {
	case n < 1<<10:
		return count(n, "byte")
	case n < 1<<20:
		return oneDecimal(float64(n)/(1<<10)) + " KB"
	case n < 1<<30:
		return oneDecimal(float64(n)/(1<<20)) + " MB"
	}
	return oneDecimal(float64(n)/(1<<30)) + " GB"
}

func oneDecimal(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}

func count(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}
