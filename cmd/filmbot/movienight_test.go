package main

import (
	"context"

	"github.com/bwmarrin/discordgo"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// A movie night end to end on PostgreSQL: a host plans it through Discord
// (the running bot posts a native poll), members vote, and another process
// (here the test, with a clock it moves) runs the steps: the poll closes,
// the winner is announced and a scheduled event created, the rating prompt
// comes after the screening and members rate from its menu through the
// bot, then the verdict.
func TestEndToEndMovieNight(t *testing.T) {
	l, db, scope := plannedNight(t)
	ctx := context.Background()
	ch := l.sb.ChannelMessages(l.sb.Guilds()[0].Channels[0].ID)
	var pollID string
	for _, m := range ch {
		if m.Poll != nil {
			pollID = m.ID
		}
	}
	if pollID == "" {
		t.Fatalf("no poll posted: %+v", ch)
	}
	other := sandbox.Member{GuildID: sandbox.Viewer.GuildID, UserID: "500000000000000088", Name: "O"}
	for _, m := range []sandbox.Member{sandbox.Viewer, other} {
		if err := l.sb.Vote(m, pollID, 2); err != nil {
			t.Fatal(err)
		}
	}
	l.sb.Vote(sandbox.Moderator, pollID, 1)

	// Another process runs the steps, on a clock the test moves.
	s, err := bot.NewSession(bot.Config{Token: l.sb.Token(), APIURL: l.sb.URL})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(4 * time.Hour)
	steps := commands.New(db).WithScreener(bot.SessionPoster{S: s}, "other").WithClock(func() time.Time { return now })
	if n, err := steps.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("close: %d %v", n, err)
	}
	if m, _ := l.sb.Message(pollID); m.Poll == nil || !m.Poll.Finalized {
		t.Errorf("the poll was not ended")
	}
	evs := l.sb.Events(sandbox.Viewer.GuildID)
	if len(evs) != 1 || evs[0].Name != "Movie night: Tangerine (2015)" {
		t.Errorf("events: %+v", evs)
	}
	last := func() *sandbox.Message {
		ms := l.sb.ChannelMessages(l.sb.Guilds()[0].Channels[0].ID)
		return ms[len(ms)-1]
	}
	if a := last(); len(a.Cards()) == 0 || a.Cards()[0].Title != "Tonight's film: Tangerine (2015)" || !strings.Contains(a.Cards()[0].Description, "2 votes") {
		t.Errorf("announcement: %+v", a)
	}
	now = now.Add(3 * 24 * time.Hour) // past the screening
	if n, err := steps.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("end: %d %v", n, err)
	}
	prompt := last()
	if !strings.Contains(prompt.Content, "how was it") {
		t.Fatalf("prompt: %+v", prompt)
	}
	sel, err := l.sb.Select(other, prompt.ID, menuID(prompt), "9")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := sel.Wait(l.ctx()); err != nil || !strings.Contains(a.Message.Cards()[0].Title, "Tangerine") {
		t.Fatalf("rating from the prompt: %v %+v", err, a)
	}
	// The live bot rated on the real clock, days before this test's
	// screening: the verdict counts only what came after the screening,
	// like this member's rating (stamped at the test's clock).
	tang, _ := db.Films(ctx, scope)
	var tangID uint64
	for _, f := range tang {
		if f.Title == "Tangerine" {
			tangID = f.ID
		}
	}
	if _, err := db.ImportRatings(ctx, scope, 500000000000000099, []storage.Rating{{Film: tangID, Score: 7, At: now}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * 24 * time.Hour) // the verdict's day
	if n, err := steps.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("verdict: %d %v", n, err)
	}
	if v := last(); len(v.Cards()) == 0 || !strings.Contains(v.Cards()[0].Description, "1 rating since the screening: average **7.0**/10") {
		t.Errorf("verdict: %+v", v.Cards())
	}
	if h := l.do(sandbox.Viewer, "/movienight history"); !strings.Contains(h.Message.Cards()[0].Description, "Tangerine (2015)") {
		t.Errorf("history: %+v", h.Message.Cards())
	}
	l.noViolations()
}

// menuID is the custom id of a message's select menu.
func menuID(m *sandbox.Message) string {
	for _, row := range m.Rows() {
		for _, x := range row.Components {
			if sm, ok := x.(discordgo.SelectMenu); ok {
				return sm.CustomID
			}
		}
	}
	return ""
}

// plannedNight starts the bot on a PostgreSQL database of its own (a
// test's second process reaches it too), adds Tangerine to the first
// server, and has the moderator plan a night of Anora and Tangerine,
// closing in 3 hours; db is the test's own connection to the database.
func plannedNight(t *testing.T) (*live, *postgres.DB, storage.Scope) {
	t.Helper()
	l, db, scope := liveWithTangerine(t)
	if plan := l.do(sandbox.Moderator, `/movienight plan starts:"in 2 days" closes:"in 3 hours" candidates:"anora, tangerine"`); !strings.Contains(plan.Message.Content, "Planned") {
		t.Fatalf("plan: %+v", plan.Message)
	}
	return l, db, scope
}

// liveWithTangerine is the bot on PostgreSQL with the test's own handle
// on its database, and a second film, Tangerine (2015), in the viewer's
// server.
func liveWithTangerine(t *testing.T) (*live, *postgres.DB, storage.Scope) {
	t.Helper()
	pg := pgtest.URL(t)
	l := startLive(t, sandbox.Options{}, "FILMBOT_DB", pg)
	ctx := context.Background()
	db, err := postgres.Open(ctx, pg, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	scope, _ := storage.ParseScope(sandbox.Viewer.GuildID)
	if _, err := db.CreateFilm(ctx, scope, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88}); err != nil {
		t.Fatal(err)
	}
	return l, db, scope
}
