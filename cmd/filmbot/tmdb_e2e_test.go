package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// TMDB as the catalog's source, end to end: the real bot, as `filmbot
// run` builds it, pointed at a TMDB stand-in (TMDB_API_URL and its
// token), driven through the sandbox as members would, on the gateway
// and over HTTP interactions, on bbolt and on PostgreSQL.
func TestEndToEndTMDB(t *testing.T) {
	t.Parallel()
	t.Run("gateway", func(t *testing.T) { t.Parallel(); endToEndTMDB(t) })
	t.Run("http", func(t *testing.T) { t.Parallel(); endToEndTMDB(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); endToEndTMDB(t, "FILMBOT_DB", pgtest.URL(t)) })
	t.Run("postgres http", func(t *testing.T) {
		t.Parallel()
		endToEndTMDB(t, "FILMBOT_DB", pgtest.URL(t), "FILMBOT_HTTP_LISTEN", "127.0.0.1:0")
	})
}

// tmdbStandIn starts a TMDB stand-in accepting tmdbSecret, and returns
// it with the bot's settings that point at it.
func tmdbStandIn(t *testing.T) (*tmdbfake.Server, []string) {
	t.Helper()
	fake := tmdbfake.New(tmdbfake.Options{Token: tmdbSecret})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, []string{"TMDB_TOKEN", tmdbSecret, "TMDB_API_URL", srv.URL}
}

// endToEndTMDB: autocomplete offers TMDB's film after the catalog's; the
// picked film's card carries TMDB's link, attribution and poster; a
// rating of it counts in /top; another server sees the film but not the
// rating; a typed title not in the catalog resolves on TMDB; TMDB
// failing is one plain sentence and the bot goes on answering.
func endToEndTMDB(t *testing.T, extraEnv ...string) {
	fake, tmdbEnv := tmdbStandIn(t)
	l := startLive(t, sandbox.Options{}, append(tmdbEnv, extraEnv...)...)
	t.Cleanup(func() {
		if strings.Contains(l.logs.String(), tmdbSecret) {
			t.Error("the TMDB token appears in the logs")
		}
	})

	// Autocomplete: the catalog's choices, then TMDB's.
	ix, err := l.sb.Autocomplete(sandbox.Viewer, "/film film:parasi", "film")
	if err != nil {
		t.Fatal(err)
	}
	ac, err := ix.Wait(l.ctx())
	if err != nil {
		t.Fatal(err)
	}
	found, tmdbSeen := false, false
	for _, c := range ac.Choices {
		v := fmt.Sprint(c.Value)
		isTMDB := strings.HasPrefix(v, "tmdb:")
		if !isTMDB && tmdbSeen {
			t.Errorf("a catalog choice %q after TMDB's", c.Name)
		}
		tmdbSeen = tmdbSeen || isTMDB
		if c.Name == "Parasite (2019)" || strings.HasPrefix(c.Name, "Parasite (2019)") {
			found = v == "tmdb:496243"
		}
	}
	if !found {
		t.Fatalf("autocomplete parasi: no Parasite (2019) as tmdb:496243: %+v", choiceNames(ac.Choices))
	}

	// A text the catalog matches too: its film first, then TMDB's, the
	// catalog's film (TMDB's Anora too) not offered twice.
	ix, err = l.sb.Autocomplete(sandbox.Viewer, "/film film:ano", "film")
	if err != nil {
		t.Fatal(err)
	}
	if ac, err = ix.Wait(l.ctx()); err != nil {
		t.Fatal(err)
	}
	anoras, fromTMDB := 0, 0
	for _, c := range ac.Choices {
		if strings.HasPrefix(c.Name, "Anora (2024)") {
			anoras++
		}
		if strings.HasPrefix(fmt.Sprint(c.Value), "tmdb:") {
			fromTMDB++
		}
	}
	if len(ac.Choices) < 2 || ac.Choices[0].Name != "Anora (2024)" || strings.HasPrefix(fmt.Sprint(ac.Choices[0].Value), "tmdb:") || anoras != 1 || fromTMDB == 0 {
		t.Errorf("autocomplete ano: want the catalog's Anora (2024) once and first, then TMDB's films: %v", choiceNames(ac.Choices))
	}

	// The picked film's card.
	card := l.do(sandbox.Viewer, "/film film:tmdb:496243")
	if card.Message == nil || len(card.Message.Cards()) == 0 {
		t.Fatalf("/film tmdb:496243: %+v", card.Message)
	}
	em := card.Message.Cards()[0]
	if em.Title != "Parasite (2019)" || em.URL != "https://www.themoviedb.org/movie/496243" {
		t.Errorf("card: title %q url %q", em.Title, em.URL)
	}
	if em.Footer == nil || !strings.Contains(em.Footer.Text, tmdb.Attribution) {
		t.Errorf("card footer %+v: no TMDB attribution", em.Footer)
	}
	if em.Thumbnail == nil || !strings.Contains(em.Thumbnail.URL, "/w342/") {
		t.Errorf("card poster %+v", em.Thumbnail)
	}
	if fieldValue(em, "Director") != "Bong Joon-ho" || em.Description == "" {
		t.Errorf("card: director %q, overview %q", fieldValue(em, "Director"), em.Description)
	}

	// Rated, it counts in /top; another server sees the film, not the rating.
	if a := l.do(sandbox.Viewer, "/rate film:tmdb:496243 score:9"); len(a.Message.Cards()) == 0 || !strings.Contains(a.Message.Cards()[0].Description, "You rated") {
		t.Errorf("rate: %+v", a.Message)
	}
	if top := l.do(sandbox.Viewer, "/top"); len(top.Message.Cards()) == 0 || !strings.Contains(top.Message.Cards()[0].Description, "Parasite (2019)** — 9.0/10 from 1") {
		t.Errorf("top after rating Parasite: %q", top.Message.Cards()[0].Description)
	}
	other := l.do(sandbox.OtherMember, "/film film:tmdb:496243")
	if len(other.Message.Cards()) == 0 || other.Message.Cards()[0].Title != "Parasite (2019)" {
		t.Fatalf("another server's /film: %+v", other.Message)
	}
	if v := fieldValue(other.Message.Cards()[0], "This server's rating"); strings.Contains(v, "9") || strings.Contains(v, "from 1") {
		t.Errorf("another server sees this server's rating: %q", v)
	}
	if top := l.do(sandbox.OtherMember, "/top"); len(top.Message.Cards()) > 0 && strings.Contains(top.Message.Cards()[0].Description, "Parasite") {
		t.Errorf("another server's /top: %q", top.Message.Cards()[0].Description)
	}
	if n := fake.Requests("movie"); n != 1 {
		t.Errorf("Parasite fetched %d times, want once", n)
	}

	// Typed, not picked: looked up on TMDB.
	if a := l.do(sandbox.Viewer, `/film film:"Spirited Away"`); len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Spirited Away (2001)" {
		t.Errorf("/film Spirited Away typed: %+v", a.Message)
	}

	// TMDB failing: one sentence, and the bot keeps answering.
	fake.Fail(tmdbfake.FailServer, 1000)
	a := l.do(sandbox.Viewer, `/film film:"Some Title Not Here"`)
	if !a.Message.Ephemeral() || !strings.Contains(a.Message.Content, source.ErrNotAnswering.Msg) {
		t.Errorf("/film of a title nowhere while TMDB fails: %+v", a.Message)
	}
	if a := l.do(sandbox.Viewer, "/film film:anora"); len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Anora (2024)" {
		t.Errorf("a catalog film while TMDB fails: %+v", a.Message)
	}
	if a := l.do(sandbox.OtherMember, "/film film:tmdb:496243"); len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Parasite (2019)" {
		t.Errorf("a stored TMDB film while TMDB fails: %+v", a.Message)
	}
	if ix, err := l.sb.Autocomplete(sandbox.Viewer, "/film film:anor", "film"); err != nil {
		t.Error(err)
	} else if ac, err := ix.Wait(l.ctx()); err != nil || len(ac.Choices) == 0 || ac.Choices[0].Name != "Anora (2024)" {
		t.Errorf("autocomplete while TMDB fails: %v %v", err, ac)
	}
	select {
	case code := <-l.done:
		l.done <- code
		t.Fatalf("the bot stopped (exit %d)", code)
	default:
	}
	l.noViolations()
}

func choiceNames(cs []*discordgo.ApplicationCommandOptionChoice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s=%v", c.Name, c.Value))
	}
	return out
}

// Two replicas of the built bot on one PostgreSQL, over HTTP behind a
// load balancer, asked for the same new TMDB film at once: the shared
// catalog holds one row of it, and both answer its card.
func TestTwoReplicasFetchOneTMDBFilm(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	pg := pgtest.URL(t)
	bin := buildBot(t)
	if msg := nameModeratorRole(Config{DB: pg}); msg != "" {
		t.Fatal(msg)
	}
	fake, tmdbEnv := tmdbStandIn(t)
	rig := startReplicas(t, bin, pg, "TMDB_TOKEN="+tmdbSecret, "TMDB_API_URL="+tmdbEnv[3])
	sb, lb, ctx := rig.sb, rig.lb, rig.ctx
	defer func() {
		for k, l := range rig.logs {
			if strings.Contains(l.String(), tmdbSecret) {
				t.Errorf("replica %d logged the TMDB token", k)
			}
		}
	}()
	// Dune (2021), new to both: two members at once, through both replicas.
	const duneID = 438631
	var wg sync.WaitGroup
	for k, m := range []sandbox.Member{sandbox.Viewer, sandbox.OtherMember, sandbox.Moderator, sandbox.Viewer} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, _, err := sb.Do(ctx, m, fmt.Sprintf("/film film:tmdb:%d", duneID))
			if err != nil || a.Message == nil || len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Dune (2021)" {
				t.Errorf("member %d: %v %+v", k, err, a)
			}
		}()
	}
	wg.Wait()
	if a, b := lb.Served(0), lb.Served(1); a == 0 || b == 0 {
		t.Errorf("the balancer sent %d and %d interactions: not both replicas", a, b)
	}
	conn, err := pgx.Connect(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var rows int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM films WHERE tmdb_id = $1", duneID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Errorf("%d rows of TMDB film %d, want 1", rows, duneID)
	}
	db, err := postgres.Open(ctx, pg, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if f, err := db.FilmByTMDB(ctx, duneID); err != nil || f.Title != "Dune" || f.Year != 2021 {
		t.Errorf("FilmByTMDB(%d): %v %+v", duneID, err, f)
	}
	// One fetch across the replicas: the first claims it in the database
	// (Catalog.ClaimFetch), the other waits for its row.
	if n := fake.Requests("movie"); n != 1 {
		t.Errorf("TMDB fetches of the film across the two replicas: %d, want 1", n)
	}
}

// The sandbox playing TMDB (as the playground does, no TMDB token) is
// the bot's TMDB; told to fail through its control API, the bot says so
// in one sentence and goes on answering from the catalog.
func TestEndToEndSandboxTMDBFails(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{TMDB: true}, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0")
	if a := l.do(sandbox.Viewer, "/film film:parasite"); len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Parasite (2019)" {
		t.Fatalf("/film parasite from the sandbox's TMDB: %+v", a.Message)
	}
	resp, err := http.Post(l.sb.URL+"/_sandbox/tmdb/fail", "application/json", strings.NewReader(`{"failure":"500","count":1000}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		t.Fatalf("POST /_sandbox/tmdb/fail: %d", resp.StatusCode)
	}
	if a := l.do(sandbox.Viewer, `/film film:"Some Title Not Here"`); !a.Message.Ephemeral() || !strings.Contains(a.Message.Content, source.ErrNotAnswering.Msg) {
		t.Errorf("/film of a title nowhere while the sandbox's TMDB fails: %+v", a.Message)
	}
	if a := l.do(sandbox.Viewer, "/film film:parasite"); len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Parasite (2019)" {
		t.Errorf("a stored TMDB film while TMDB fails: %+v", a.Message)
	}
	if a := l.do(sandbox.Viewer, "/film film:anora"); len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Anora (2024)" {
		t.Errorf("a catalog film while TMDB fails: %+v", a.Message)
	}
	l.noViolations()
}

// TestEndToEndSlowTMDBFilmIsDeferred: a /film of a film not yet stored,
// with TMDB answering each request after 1.5 s (search, then details:
// past the bot's 2 s deferral), is deferred first, then edited into the
// film's card: Discord's 3 s for the first answer holds however slow
// TMDB is. The next /film of it is answered at once from the store.
func TestEndToEndSlowTMDBFilmIsDeferred(t *testing.T) {
	t.Parallel()
	fake, tmdbEnv := tmdbStandIn(t)
	l := startLive(t, sandbox.Options{}, tmdbEnv...)
	fake.SetLatency(1500 * time.Millisecond)
	a := l.do(sandbox.Viewer, "/film film:parasite")
	if !a.Deferred || a.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || a.Latency > 3*time.Second {
		t.Errorf("first answer: type %d, deferred %v, after %s: want a deferral within Discord's 3 s", a.Type, a.Deferred, a.Latency)
	}
	if a.Message == nil || len(a.Message.Cards()) == 0 || !strings.HasPrefix(a.Message.Cards()[0].Title, "Parasite (2019)") {
		t.Fatalf("the deferred answer was not edited into the card: %+v", a.Message)
	}
	again := l.do(sandbox.Viewer, "/film film:parasite")
	if again.Deferred || again.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("a stored film is answered at once: type %d, deferred %v", again.Type, again.Deferred)
	}
	l.noViolations()
}
