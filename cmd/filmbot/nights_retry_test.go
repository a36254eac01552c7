package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres"
)

// awayAfterPost is the database failing the save that would record a
// post (and the save after it): the post is on Discord, the store does
// not know.
type awayAfterPost struct {
	*postgres.DB
	fail int
}

func (a *awayAfterPost) SaveNight(ctx context.Context, n storage.Night, owner string, release bool) (storage.Night, error) {
	if a.fail > 0 && (a.fail == 1 || n.Announce != "") {
		a.fail--
		return n, errors.New("the database went away")
	}
	return a.DB.SaveNight(ctx, n, owner, release)
}

// End to end, through the real Discord edge and the sandbox: the close
// step posts the announcement, fails to save it, and is retried; the
// retry finds the announcement among the channel's messages by its tag,
// and posts it, and the event, once.
func TestEndToEndMovieNightRetryPostsOnce(t *testing.T) {
	l, db, scope := plannedNight(t)
	ctx := context.Background()
	s, err := bot.NewSession(bot.Config{Token: l.sb.Token(), APIURL: l.sb.URL})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(4 * time.Hour)
	away := &awayAfterPost{DB: db, fail: 2}
	steps := commands.New(away).WithScreener(bot.SessionPoster{S: s}, bot.OwnerID("steps")).WithClock(func() time.Time { return now })
	if _, err := steps.Nights().RunDue(ctx); err == nil {
		t.Fatal("the close step did not fail")
	}
	ns, _ := db.Nights(ctx, scope)
	if len(ns) != 1 || ns[0].Announce != "" || ns[0].Tries["announce"] != 1 {
		t.Fatalf("after the failed save: %+v", ns)
	}
	now = ns[0].NextAt
	if n, err := steps.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("retry: %d %v", n, err)
	}
	announced := 0
	for _, m := range l.sb.ChannelMessages(l.sb.Guilds()[0].Channels[0].ID) {
		if len(m.Cards()) > 0 && strings.HasPrefix(m.Cards()[0].Title, "Tonight's film") {
			announced++
		}
	}
	if evs := l.sb.Events(sandbox.Viewer.GuildID); announced != 1 || len(evs) != 1 {
		t.Errorf("%d announcements, events %+v", announced, evs)
	}
	if ns, _ := db.Nights(ctx, scope); ns[0].Announce == "" || ns[0].Step != storage.StepEnd {
		t.Errorf("after the retry: %+v", ns[0])
	}
	l.noViolations()
}
