package commands

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// tmdbEnv is env with films from a fake TMDB (tmdbfake over httptest).
type tmdbEnv struct {
	*env
	fake *tmdbfake.Server
	url  string // the fake's address
	r    *source.Resolver
}

func newTMDBEnv(t testing.TB) *tmdbEnv {
	t.Helper()
	return newTMDBEnvWith(t, 0)
}

// newTMDBEnvWith sets the searcher's own timeout (0: its default).
func newTMDBEnvWith(t testing.TB, searchTimeout time.Duration) *tmdbEnv {
	t.Helper()
	e := newEnv(t)
	fake := tmdbfake.New(tmdbfake.Options{Token: "tok"})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	client, err := tmdb.New(tmdb.Options{BaseURL: srv.URL, Token: "tok", PerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	r := source.New(e.db, client, tmdb.NewSearcher(client, time.Minute, 0, searchTimeout), now)
	t.Cleanup(r.Wait) // before the server and the store close
	e.set.WithSource(r)
	return &tmdbEnv{env: e, fake: fake, url: srv.URL, r: r}
}

// choices runs autocomplete of cmd's film option for typed in locale.
func (e *tmdbEnv) choices(ctx context.Context, guild, typed, locale string) []*discordgo.ApplicationCommandOptionChoice {
	e.t.Helper()
	i := auto(guild, "film", focus(opt("film", typed)))
	i.Locale = discordgo.Locale(locale)
	resp, err := e.cmds["film"].Autocomplete(ctx, i)
	if err != nil {
		e.t.Fatalf("autocomplete %q: %v", typed, err)
	}
	if err := limits.Check(resp); err != nil {
		e.t.Fatalf("autocomplete %q breaks Discord's limits: %v", typed, err)
	}
	return resp.Data.Choices
}

func names(cs []*discordgo.ApplicationCommandOptionChoice) map[string]string {
	out := map[string]string{}
	for _, c := range cs {
		out[c.Name] = c.Value.(string)
	}
	return out
}

func TestAutocompleteSuggestsTMDBFilms(t *testing.T) {
	e := newTMDBEnv(t)
	ctx := context.Background()
	got := names(e.choices(ctx, guildA, "dune", ""))
	for name, value := range map[string]string{"Dune (2021)": "tmdb:438631", "Dune (1984)": "tmdb:841", "Dune: Part Two (2024)": "tmdb:693134"} {
		if got[name] != value {
			t.Errorf("dune: %q = %q, want %q (all: %v)", name, got[name], value, got)
		}
	}
	// The catalog first; its film is not offered again from TMDB (the
	// seed Anora is TMDB's 1064213).
	cs := e.choices(ctx, guildA, "anora", "")
	if len(cs) == 0 || cs[0].Value != "id:1" || cs[0].Name != "Anora (2024)" {
		t.Fatalf("anora: %v", names(cs))
	}
	for _, c := range cs[1:] {
		if c.Value == "tmdb:1064213" || c.Name == "Anora (2024)" {
			t.Errorf("anora offered twice: %v", names(cs))
		}
	}
	// One character: the catalog only, TMDB not asked.
	before := e.fake.Requests("search/movie")
	for _, c := range e.choices(ctx, guildA, "d", "") {
		if strings.HasPrefix(c.Value.(string), "tmdb:") {
			t.Errorf("d: TMDB suggestion %v", c)
		}
	}
	if n := e.fake.Requests("search/movie"); n != before {
		t.Errorf("one character searched TMDB (%d searches)", n-before)
	}
	// In the member's language.
	if got := names(e.choices(ctx, guildA, "паразиты", "ru")); !strings.HasPrefix(got["Паразиты (2019)"], "tmdb:496243") {
		t.Errorf("ru: %v", got)
	}
}

func TestAutocompleteDirectorOfStoredFilmAndNoRepeat(t *testing.T) {
	e := newTMDBEnv(t)
	ctx := context.Background()
	e.run(slash(guildA, "film", opt("film", "tmdb:438631"))) // Dune (2021) stored
	got := names(e.choices(ctx, guildA, "dune", ""))
	if got["Dune (2021)"] == "" || !strings.HasPrefix(got["Dune (2021)"], "id:") {
		t.Errorf("stored Dune not offered from the catalog: %v", got)
	}
	for name, v := range got {
		if v == "tmdb:438631" {
			t.Errorf("stored Dune offered again as %q", name)
		}
	}
	// A stored film TMDB suggests that the catalog's search did not
	// offer (none here): with its director, from the store, not fetched.
	ix, err := e.set.catalog.index(ctx, 111)
	if err != nil {
		t.Fatal(err)
	}
	movies := e.fake.Requests("movie")
	reads := &wholeReads{Catalog: e.set.films}
	e.set.films = reads
	got = names(e.set.suggest(ctx, ix, nil, nil, "dune", ""))
	if got["Dune (2021) — Denis Villeneuve"] != "tmdb:438631" || got["Dune (1984)"] != "tmdb:841" {
		t.Errorf("suggestions with the stored director: %v", got)
	}
	if e.fake.Requests("movie") != movies {
		t.Error("fetched a film for its director")
	}
	if n := reads.n.Load(); n != 0 {
		t.Errorf("read %d films whole for their director (the index has it, from the header)", n)
	}
}

func TestAutocompleteBudget(t *testing.T) {
	e := newTMDBEnvWith(t, 500*time.Millisecond)
	e.set.suggestBudget = 20 * time.Millisecond
	e.fake.SetLatency(2 * time.Second)
	got := e.choices(context.Background(), guildA, "anora", "")
	if len(got) != 1 || got[0].Value != "id:1" {
		t.Errorf("slow TMDB: want the catalog's choice alone, got %v", names(got))
	}
	// The interaction's own deadline, nearer than the budget, leaves
	// no time for TMDB: not asked at all.
	e.set.suggestBudget = 0
	before := e.fake.Requests("search/movie")
	ctx, cancel := context.WithTimeout(context.Background(), suggestMargin/2)
	defer cancel()
	if got := e.choices(ctx, guildA, "parasite", ""); len(got) != 0 {
		t.Errorf("no time left: %v", names(got))
	}
	if n := e.fake.Requests("search/movie"); n != before {
		t.Errorf("searched with no time left")
	}
	// TMDB failing: the catalog's choices, no error.
	e.fake.SetLatency(0)
	e.fake.Fail(tmdbfake.FailServer, 100)
	if got := e.choices(context.Background(), guildA, "anorra", ""); len(got) != 1 {
		t.Errorf("failing TMDB: %v", names(got))
	}
}

func field(em *discordgo.MessageEmbed, name string) string {
	for _, f := range em.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

func TestFilmCardOfTMDBFilm(t *testing.T) {
	e := newTMDBEnv(t)
	r := e.run(slash(guildA, "film", opt("film", "tmdb:496243")))
	em := embed(r)
	if em.Title != "Parasite (2019)" || em.URL != "https://www.themoviedb.org/movie/496243" {
		t.Errorf("title %q url %q", em.Title, em.URL)
	}
	if field(em, "TMDB") != "https://www.themoviedb.org/movie/496243" || !strings.HasPrefix(field(em, "IMDb"), "https://www.imdb.com/title/tt") ||
		field(em, "Genres") == "" || field(em, "Director") != "Bong Joon-ho" || em.Description == "" {
		t.Errorf("fields: %+v desc %q", em.Fields, em.Description)
	}
	if !strings.HasPrefix(em.Footer.Text, "Film data from TMDB. "+tmdb.Attribution) {
		t.Errorf("footer %q", em.Footer.Text)
	}
	if field(em, "This server's rating") == "" || len(rows(r)) == 0 {
		t.Error("no rating block or Rate menu")
	}
	// The poster: on TMDB's default image server until the configuration
	// is read (in the background), then where the configuration says.
	if em.Thumbnail == nil || !strings.HasPrefix(em.Thumbnail.URL, source.DefaultImageBase+"w342/") {
		t.Fatalf("poster %+v", em.Thumbnail)
	}
	e.r.Wait()
	em = embed(e.run(slash(guildA, "film", opt("film", "tmdb:496243"))))
	if em.Thumbnail == nil || !strings.HasPrefix(em.Thumbnail.URL, e.url+"/t/p/w342/") {
		t.Errorf("poster after the configuration %+v", em.Thumbnail)
	}
	// Fetched once, stored in the shared catalog.
	if n := e.fake.Requests("movie"); n != 1 {
		t.Errorf("%d fetches of the film", n)
	}
	if f, err := e.db.FilmByTMDB(context.Background(), 496243); err != nil || f.Scope != storage.BuiltIn {
		t.Errorf("stored: %+v %v", f.Scope, err)
	}
	// Another server, and a DM, see it without fetching again.
	if em := embed(e.run(slash(guildB, "film", opt("film", "parasite")))); em.Title != "Parasite (2019)" {
		t.Errorf("other server: %q", em.Title)
	}
	if r := e.run(slash("", "film", opt("film", "tmdb:496243"))); embed(r).Title != "Parasite (2019)" || len(rows(r)) != 0 {
		t.Errorf("DM: %q, %d rows", embed(r).Title, len(rows(r)))
	}
	if n := e.fake.Requests("movie"); n != 1 {
		t.Errorf("%d fetches of the film", n)
	}
	// A hand-added film's card is as before: no TMDB notice.
	if em := embed(e.run(slash(guildA, "film", opt("film", "anora")))); strings.Contains(em.Footer.Text, "TMDB") != true {
		// the seed Anora is TMDB's film too (its TMDB id is set)
		t.Errorf("seed Anora footer %q", em.Footer.Text)
	}
	f, err := e.db.AddFilm(context.Background(), 111, storage.Film{Title: "Home Movie", Year: 2001})
	if err != nil {
		t.Fatal(err)
	}
	if em := embed(e.run(slash(guildA, "film", opt("film", filmValue(f.ID))))); strings.Contains(em.Footer.Text, "TMDB") || em.Thumbnail != nil {
		t.Errorf("hand-added film: footer %q thumbnail %+v", em.Footer.Text, em.Thumbnail)
	}
}

func TestTypedTitleLookedUpOnTMDB(t *testing.T) {
	e := newTMDBEnv(t)
	if em := embed(e.run(slash(guildA, "film", opt("film", "Parasite")))); em.Title != "Parasite (2019)" {
		t.Errorf("parasite: %q", em.Title)
	}
	for typed, want := range map[string]string{"Dune 1984": "Dune (1984)", "dune (2021)": "Dune (2021)", "Poltergeist 2015": "Poltergeist (2015)"} {
		if em := embed(e.run(slash(guildA, "film", opt("film", typed)))); em.Title != want {
			t.Errorf("%q: %q, want %q", typed, em.Title, want)
		}
	}
	msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", "Qwzxv Plorb")))
	if !strings.HasPrefix(msg, `No film called "Qwzxv Plorb" here or on TMDB.`) {
		t.Errorf("nowhere: %q", msg)
	}
}

func TestTMDBValuesNeverOffered(t *testing.T) {
	e := newTMDBEnv(t)
	for _, v := range []string{"tmdb:garbage", "tmdb:0", "tmdb:-5", "tmdb:99999999999999999999", "tmdb:4294967296", "tmdb:", "tmdb:1.5"} {
		msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", v)))
		if msg != "That is not a film from the list: start typing and pick one." {
			t.Errorf("%s: %q", v, msg)
		}
	}
	if msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", "tmdb:123456789"))); msg != "TMDB has no film 123456789: start typing and pick one from the list." {
		t.Errorf("unknown id: %q", msg)
	}
	// Off: a stored film still answers; another does not.
	e.run(slash(guildA, "film", opt("film", "tmdb:496243")))
	e.r.Wait()
	e.set.WithSource(nil)
	if em := embed(e.run(slash(guildA, "film", opt("film", "tmdb:496243")))); em.Title != "Parasite (2019)" {
		t.Errorf("off, stored: %q", em.Title)
	}
	if msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", "tmdb:438631"))); msg != source.ErrOff.Msg {
		t.Errorf("off: %q", msg)
	}
	if msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", "dune"))); !strings.HasPrefix(msg, `No film called "dune" here.`) {
		t.Errorf("off, typed: %q", msg)
	}
}

func TestTMDBDownOrBusy(t *testing.T) {
	e := newTMDBEnv(t)
	e.run(slash(guildA, "film", opt("film", "tmdb:496243"))) // stored before TMDB fails
	e.r.Wait()
	e.fake.Fail(tmdbfake.FailServer, 1000)
	if em := embed(e.run(slash(guildA, "film", opt("film", "tmdb:496243")))); em.Title != "Parasite (2019)" {
		t.Errorf("stored film while TMDB is down: %q", em.Title)
	}
	if em := embed(e.run(slash(guildA, "film", opt("film", "anora")))); em.Title != "Anora (2024)" {
		t.Errorf("catalog film while TMDB is down: %q", em.Title)
	}
	if msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", "tmdb:438631"))); msg != source.ErrNotAnswering.Msg {
		t.Errorf("new film, TMDB down: %q", msg)
	}
	msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", "Dune")))
	if !strings.HasPrefix(msg, `No film called "Dune" here. `+source.ErrNotAnswering.Msg) {
		t.Errorf("typed, TMDB down: %q", msg)
	}
	e2 := newTMDBEnv(t)
	e2.fake.Fail(tmdbfake.FailRateLimit, 1000)
	if msg := e2.userError(e2.cmds["cast"].Run, slash(guildA, "cast", opt("film", "tmdb:438631"))); msg != source.ErrBusy.Msg {
		t.Errorf("busy: %q", msg)
	}
	e3 := newTMDBEnv(t)
	e3.fake.Fail(tmdbfake.FailUnauthorized, 1000)
	if msg := e3.userError(e3.cmds["rate"].Run, slash(guildA, "rate", opt("film", "Stalker"), opt("score", 8.0))); !strings.Contains(msg, source.ErrNotAnswering.Msg) {
		t.Errorf("401: %q", msg)
	}
}

func TestSlowTMDBFilmAnswers(t *testing.T) {
	e := newTMDBEnv(t)
	e.fake.SetLatency(100 * time.Millisecond)
	if em := embed(e.run(slash(guildA, "film", opt("film", "tmdb:129")))); em.Title != "Spirited Away (2001)" {
		t.Errorf("100 ms TMDB: %q", em.Title)
	}
	if em := embed(e.run(slash(guildA, "film", opt("film", "Seven Samurai")))); em.Title != "Seven Samurai (1954)" {
		t.Errorf("100 ms TMDB, typed: %q", em.Title)
	}
}

func TestTMDBFilmInMembersLanguage(t *testing.T) {
	e := newTMDBEnv(t)
	i := slash(guildA, "film", opt("film", "tmdb:1064213"))
	i.Locale = "ru"
	e.run(i) // the seed Anora, never fetched: refreshed in the background
	e.r.Wait()
	em := embed(e.run(i))
	if em.Title != "Анора (2024)" || !strings.ContainsAny(em.Description, "абвгдежзийклмнопрстуфхцчшщэюя") {
		t.Errorf("ru: %q %q", em.Title, em.Description)
	}
	i.Locale = "en-US"
	if em := embed(e.run(i)); em.Title != "Anora (2024)" {
		t.Errorf("en-US: %q", em.Title)
	}
	// Autocomplete finds it by its Russian title, and shows that title.
	cs := e.choices(context.Background(), guildA, "анора", "ru")
	if len(cs) == 0 || cs[0].Name != "Анора (2024)" || cs[0].Value != "id:1" {
		t.Errorf("ru autocomplete: %v", names(cs))
	}
	c := slash(guildA, "cast", opt("film", "tmdb:1064213"))
	c.Locale = "ru"
	if em := embed(e.run(c)); !strings.HasPrefix(em.Title, "Анора (2024)") {
		t.Errorf("ru cast: %q", em.Title)
	}
}

func TestCastAndReviewOfTMDBFilm(t *testing.T) {
	e := newTMDBEnv(t)
	r := e.run(slash(guildA, "cast", opt("film", "tmdb:496243")))
	em := embed(r)
	if field(em, "Composer") != "Jung Jae-il" || field(em, "Director") != "Bong Joon-ho" || !strings.Contains(em.Description, "Song Kang-ho") {
		t.Errorf("cast: %+v %q", em.Fields, em.Description)
	}
	msg := e.userError(e.cmds["review"].Run, slash(guildA, "review", opt("film", "tmdb:496243")))
	if msg != "No one has reviewed **Parasite (2019)** here yet. A moderator can add a review with `/manage review add`." {
		t.Errorf("review: %q", msg)
	}
}

func TestRateTMDBFilmThenTopAndMyRatings(t *testing.T) {
	e := newTMDBEnv(t)
	r := e.run(slash(guildA, "rate", opt("film", "tmdb:496243"), opt("score", 9.0)))
	if r == nil {
		t.Fatal("no answer")
	}
	top := embed(e.run(slash(guildA, "top")))
	if !strings.Contains(top.Description, "Parasite (2019)") {
		t.Errorf("/top: %q", top.Description)
	}
	mine := embed(e.run(slash(guildA, "myratings")))
	if !strings.Contains(mine.Description, "Parasite (2019)") || !strings.Contains(mine.Description, "9") {
		t.Errorf("/myratings: %q", mine.Description)
	}
	// Rated in one server only.
	if em := embed(e.run(slash(guildB, "film", opt("film", "tmdb:496243")))); field(em, "This server's rating") != "None yet: rate it with the menu below" {
		t.Errorf("other server's rating: %q", field(em, "This server's rating"))
	}
}

func TestHelpTMDB(t *testing.T) {
	e := newEnv(t)
	off := e.run(slash(guildA, "help")).Data.Embeds[0].Description
	if !strings.Contains(off, english().S(msgTMDBOff)) || !strings.Contains(off, tmdb.Attribution) || !strings.Contains(off, "https://www.themoviedb.org/settings/api") {
		t.Errorf("off: %q", off)
	}
	te := newTMDBEnv(t)
	on := te.run(slash(guildA, "help")).Data.Embeds[0].Description
	if strings.Contains(on, "TMDB_TOKEN") || !strings.Contains(on, tmdb.Attribution) {
		t.Errorf("on: %q", on)
	}
}

// wholeReads counts the films read whole.
type wholeReads struct {
	storage.Catalog
	n atomic.Int32
}

func (w *wholeReads) Film(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error) {
	w.n.Add(1)
	return w.Catalog.Film(ctx, scope, id)
}
