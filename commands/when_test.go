package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/locale"
)

func TestParseWhen(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database")
	}
	now := time.Date(2026, 11, 27, 18, 30, 0, 0, paris) // a Friday
	for in, want := range map[string]string{
		"2026-12-05 21:00": "2026-12-05 21:00",
		"2026-12-05T21:00": "2026-12-05 21:00",
		"21:00":            "2026-11-27 21:00",
		"17:00":            "2026-11-28 17:00",
		"today 20:30":      "2026-11-27 20:30",
		"Tomorrow  20:30":  "2026-11-28 20:30",
		"friday 21:00":     "2026-11-27 21:00",
		"friday 18:00":     "2026-12-04 18:00",
		"sat 20:00":        "2026-11-28 20:00",
		"monday 19:45":     "2026-11-30 19:45",
		"in 3 days":        "2026-11-30 18:30",
		"in 2 hours":       "2026-11-27 20:30",
		"in 1 week":        "2026-12-04 18:30",
		"in 45 minutes":    "2026-11-27 19:15",
	} {
		got, err := parseWhen(in, now, paris, locale.For(locale.English))
		if err != nil || got.In(paris).Format("2006-01-02 15:04") != want {
			t.Errorf("%q: %v %v, want %s", in, got.In(paris), err, want)
		}
	}
	for _, bad := range []string{"", "soon", "friday", "in 3", "in x days", "in 3 fortnights", "25:00", "funday 20:00"} {
		if _, err := parseWhen(bad, now, paris, locale.For(locale.English)); err == nil || !strings.Contains(err.Error(), "not a time") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
