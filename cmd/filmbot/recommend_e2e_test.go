package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// /recommend end to end, on both stores and both transports: a member's
// picks with their why lines, the menus (watchlist, not interested), a
// rating made since reflected in the next answer, a group by mentions,
// and group:voice from the gateway's voice states (over HTTP: said to be
// impossible); Discord's rules hold throughout.
func TestEndToEndRecommend(t *testing.T) {
	t.Parallel()
	t.Run("gateway", func(t *testing.T) { endToEndRecommend(t, filepath.Join(t.TempDir(), "rec.db")) })
	t.Run("http", func(t *testing.T) {
		endToEndRecommend(t, filepath.Join(t.TempDir(), "rec.db"), "FILMBOT_HTTP_LISTEN", "127.0.0.1:0")
	})
	t.Run("postgres", func(t *testing.T) { endToEndRecommend(t, pgtest.URL(t)) })
}

// seedTaste gives the first sandbox server eight films and a clear
// taste: Vi, Mo and three others rate alike, Ada the opposite; Picture F
// is loved by those like Vi, whom it is not rated by.
func seedTaste(t *testing.T, url string) []storage.Film {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scope, err := storage.ParseScope(sandbox.Viewer.GuildID)
	if err != nil {
		t.Fatal(err)
	}
	var films []storage.Film
	for k := range 8 {
		f, err := db.CreateFilm(ctx, scope, storage.Film{Title: fmt.Sprintf("Picture %c", 'A'+k), Year: 2000 + k})
		if err != nil {
			t.Fatal(err)
		}
		films = append(films, f)
	}
	id := func(m sandbox.Member) uint64 {
		var n uint64
		fmt.Sscan(m.UserID, &n)
		return n
	}
	vi, mo, ada := id(sandbox.Viewer), id(sandbox.Moderator), id(sandbox.Admin)
	rate := func(user uint64, k, score int) {
		t.Helper()
		if _, err := db.Rate(ctx, scope, films[k].ID, user, score); err != nil {
			t.Fatal(err)
		}
	}
	for k, sc := range []int{9, 2, 8, 3, 7} {
		rate(vi, k, sc)
		rate(mo, k, sc)
		rate(ada, k, 11-sc)
		for u := range uint64(3) {
			rate(900+u, k, min(sc+int(u%2), 10))
		}
	}
	for u := range uint64(3) {
		rate(900+u, 5, 10-int(u))
		rate(900+u, 6, 2)
	}
	rate(ada, 6, 10)
	rate(ada, 7, 9)
	return films
}

func endToEndRecommend(t *testing.T, db string, extraEnv ...string) {
	seedTaste(t, db)
	overHTTP := len(extraEnv) > 0 && extraEnv[0] == "FILMBOT_HTTP_LISTEN"
	l := startLive(t, sandbox.Options{}, append([]string{"FILMBOT_DB", db}, extraEnv...)...)
	a := l.do(sandbox.Viewer, "/recommend")
	if !a.Message.Ephemeral() || len(a.Message.Embeds) != 1 {
		t.Fatalf("recommend: %+v", a.Message)
	}
	e := a.Message.Embeds[0]
	if len(e.Fields) == 0 || !strings.HasPrefix(e.Fields[0].Name, "1. Picture F (2005) · predicted ") || !strings.Contains(e.Fields[0].Value, "who rate like you, gave it") {
		t.Fatalf("picks: %+v", e.Fields)
	}
	// Add to watchlist, then not interested, from the answer's menus.
	sel := func(custom, value string) *sandbox.Answer {
		t.Helper()
		ix, err := l.sb.Select(sandbox.Viewer, a.Message.ID, custom, value)
		if err != nil {
			t.Fatalf("%s: %v", custom, err)
		}
		ans, err := ix.Wait(l.ctx())
		if err != nil {
			t.Fatalf("%s: %v", custom, err)
		}
		return ans
	}
	menu := a.Message.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.SelectMenu)
	second := menu.Options[1]
	if ans := sel("rec:wl", second.Value); !strings.Contains(ans.Message.Content, "is on your watchlist now") {
		t.Errorf("watchlist: %+v", ans.Message)
	}
	first := menu.Options[0]
	ans := sel("rec:no", first.Value)
	if ans.Type != discordgo.InteractionResponseUpdateMessage || strings.Contains(fieldsText(ans.Message), "Picture F") {
		t.Errorf("not interested: %+v", ans.Message)
	}
	// Never offered again; a rating made since is in the next answer.
	if r := l.do(sandbox.Viewer, "/rate film:\"Picture G\" score:4"); !r.Message.Ephemeral() {
		t.Errorf("rate: %+v", r.Message)
	}
	next := fieldsText(l.do(sandbox.Viewer, "/recommend count:10").Message)
	if strings.Contains(next, "Picture F") || strings.Contains(next, "Picture G") || !strings.Contains(next, "Already on your watchlist") {
		t.Errorf("after not interested, a rating and a watchlist: %s", next)
	}
	// A group by mentions: everyone's prediction per pick.
	g := l.do(sandbox.Viewer, fmt.Sprintf("/recommend group:<@%s>", sandbox.Moderator.UserID)).Message
	if !strings.Contains(g.Embeds[0].Description, "<@"+sandbox.Moderator.UserID+">") || !strings.Contains(fieldsText(g), "<@"+sandbox.Viewer.UserID+"> ") {
		t.Errorf("group: %+v", g.Embeds[0])
	}
	// group:voice: the gateway tells who is in the voice channel.
	voice := "/recommend group:voice"
	if overHTTP {
		if v := l.do(sandbox.Viewer, voice).Message.Content; !strings.Contains(v, "HTTP only") {
			t.Errorf("voice over HTTP: %q", v)
		}
	} else {
		if v := l.do(sandbox.Viewer, voice).Message.Content; !strings.Contains(v, "not in a voice channel") {
			t.Errorf("outside voice: %q", v)
		}
		for _, m := range []sandbox.Member{sandbox.Viewer, sandbox.Moderator} {
			if err := l.sb.SetVoice(m.GuildID, m.UserID, "200000000000000004"); err != nil {
				t.Fatal(err)
			}
		}
		var got *sandbox.Message
		if !eventually(10*time.Second, func() bool {
			got = l.do(sandbox.Viewer, voice).Message
			return len(got.Embeds) > 0
		}) {
			t.Fatalf("group:voice never saw the voice channel: %q", got.Content)
		}
		if d := got.Embeds[0].Description; !strings.Contains(d, "<@"+sandbox.Moderator.UserID+">") {
			t.Errorf("voice group: %q", d)
		}
	}
	l.noViolations()
}

// filmbot try answers /recommend from the file's ratings, and --voice
// puts the member in a voice channel with others for group:voice.
func TestTryRecommend(t *testing.T) {
	db := filepath.Join(t.TempDir(), "try.db")
	seedTaste(t, db)
	g, vi, mo := sandbox.Viewer.GuildID, sandbox.Viewer.UserID, sandbox.Moderator.UserID
	code, out, errs := runMain(t, env(db), "try", "--guild", g, "--user", vi, "/recommend count:3")
	if code != 0 || !strings.Contains(out, "Picks for you") || !strings.Contains(out, "1. Picture F (2005) · predicted ") || !strings.Contains(out, "[menu Not interested in… → rec:no]") {
		t.Errorf("try /recommend: %d %s %s", code, out, errs)
	}
	if code, out, _ := runMain(t, env(db), "try", "--guild", g, "--user", vi, "/recommend group:voice"); code != 0 || !strings.Contains(out, "not in a voice channel") {
		t.Errorf("try group:voice outside voice: %d %s", code, out)
	}
	code, out, errs = runMain(t, env(db), "try", "--guild", g, "--user", vi, "--voice", mo, "/recommend group:voice")
	if code != 0 || !strings.Contains(out, "Picks for watching together") || !strings.Contains(out, "<@"+mo+">") {
		t.Errorf("try --voice: %d %s %s", code, out, errs)
	}
	if code, _, errs := runMain(t, env(db), "try", "--voice", mo, "/recommend group:voice"); code != 2 || !strings.Contains(errs, "--guild") {
		t.Errorf("--voice without --guild: %d %s", code, errs)
	}
	if code, out, _ := runMain(t, env(db), "try", "--guild", g, "--user", vi, "--click", "rec:no", "--value", "999999"); code != 0 || !strings.Contains(out, "no longer") {
		t.Errorf("try a menu on a film not here: %d %s", code, out)
	}
}
