package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseWhen reads a time as members type it, in the server's zone loc:
// "2026-12-05 21:00" (or with a T), "21:00" (today, or tomorrow once
// past), "today 20:30", "tomorrow 20:30", "friday 21:00" (the coming
// Friday; today if later today), "in 3 days", "in 2 hours", "in 45
// minutes", "in 1 week". now is the current time.
func parseWhen(value string, now time.Time, loc *time.Location) (time.Time, error) {
	v := strings.ToLower(strings.Join(strings.Fields(value), " "))
	now = now.In(loc)
	bad := fmt.Errorf("%q is not a time I can read: try `friday 21:00`, `tomorrow 20:30`, `in 3 days` or `2026-12-05 21:00`", clip(value, 60))
	if v == "" {
		return time.Time{}, bad
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, strings.ToUpper(v), loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(v)); err == nil {
		return t, nil
	}
	if rest, ok := strings.CutPrefix(v, "in "); ok {
		f := strings.Fields(rest)
		if len(f) != 2 {
			return time.Time{}, bad
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n < 1 || n > 10000 {
			return time.Time{}, bad
		}
		unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour}[strings.TrimSuffix(f[1], "s")]
		if unit == 0 {
			return time.Time{}, bad
		}
		if unit >= 24*time.Hour {
			return now.AddDate(0, 0, n*int(unit/(24*time.Hour))), nil // calendar days, across clock changes
		}
		return now.Add(time.Duration(n) * unit), nil
	}
	day, clock, hasDay := strings.Cut(v, " ")
	if !hasDay {
		day, clock = "", v
	}
	hm, err := time.Parse("15:04", clock)
	if err != nil {
		return time.Time{}, bad
	}
	at := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hm.Hour(), hm.Minute(), 0, 0, loc)
	}
	switch day {
	case "":
		t := at(now)
		if !t.After(now) {
			t = at(now.AddDate(0, 0, 1))
		}
		return t, nil
	case "today":
		return at(now), nil
	case "tomorrow":
		return at(now.AddDate(0, 0, 1)), nil
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		name := strings.ToLower(wd.String())
		if day == name || day == name[:3] {
			ahead := (int(wd) - int(now.Weekday()) + 7) % 7
			t := at(now.AddDate(0, 0, ahead))
			if !t.After(now) {
				t = at(now.AddDate(0, 0, ahead+7))
			}
			return t, nil
		}
	}
	return time.Time{}, bad
}
