package parley

import (
	"strconv"
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

func count(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}
