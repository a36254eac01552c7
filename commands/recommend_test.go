package commands

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/recommend"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// recServer fills guild A with a server whose taste is clear: members 1
// and 2 rate like the caller (42), member 3 the opposite; films[0..4] are
// rated by everyone, films[5] loved by 1 and 2 (hated by 3), films[6]
// loved by 3 (hated by 1 and 2), films[7] rated by 3 alone.
func recServer(t testing.TB, db storage.Store) []storage.Film {
	t.Helper()
	ctx := context.Background()
	scope := storage.Scope(111)
	var films []storage.Film
	for k := range 8 {
		f, err := db.CreateFilm(ctx, scope, storage.Film{Title: fmt.Sprintf("Picture %c", 'A'+k), Year: 2000 + k})
		if err != nil {
			t.Fatal(err)
		}
		films = append(films, f)
	}
	rate := func(user uint64, k, score int) {
		t.Helper()
		if _, err := db.Rate(ctx, scope, films[k].ID, user, score); err != nil {
			t.Fatal(err)
		}
	}
	base := []int{9, 2, 8, 3, 7}
	for k, sc := range base {
		rate(42, k, sc)
		rate(1, k, sc)
		rate(2, k, min(sc+1, 10))
		rate(3, k, 11-sc)
	}
	rate(1, 5, 10)
	rate(2, 5, 9)
	rate(3, 5, 2)
	rate(1, 6, 2)
	rate(2, 6, 3)
	rate(3, 6, 10)
	rate(3, 7, 6)
	return films
}

// selectMenu is a pick in a string select menu of a message.
func selectMenu(guild, customID string, msg *discordgo.Message, values ...string) *discordgo.InteractionCreate {
	i := interaction(guild, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.SelectMenuComponent, Values: values})
	i.Message = msg
	return i
}

// asMessage is a response as Discord would send it back with a click on
// it (components as pointers, as discordgo decodes them).
func asMessage(r *discordgo.InteractionResponse) *discordgo.Message {
	m := &discordgo.Message{Embeds: r.Data.Embeds}
	for _, row := range r.Data.Components {
		ar := row.(discordgo.ActionsRow)
		out := &discordgo.ActionsRow{}
		for _, c := range ar.Components {
			if sm, ok := c.(discordgo.SelectMenu); ok {
				out.Components = append(out.Components, &sm)
			}
		}
		m.Components = append(m.Components, out)
	}
	return m
}

func fieldNames(r *discordgo.InteractionResponse) []string {
	var out []string
	for _, f := range embed(r).Fields {
		out = append(out, f.Name)
	}
	return out
}

func TestRecommendPicksWithWhy(t *testing.T) {
	e := newEnv(t)
	films := recServer(t, e.db)
	r := e.run(slash(guildA, "recommend"))
	if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Error("the picks are not the caller's alone")
	}
	names := fieldNames(r)
	if len(names) < 2 || !strings.HasPrefix(names[0], "1. Picture F (2005) · predicted ") {
		t.Fatalf("picks %q: want Picture F first (members who rate like you loved it)", names)
	}
	why := embed(r).Fields[0].Value
	if !strings.Contains(why, "<@1>") || !strings.Contains(why, "<@2>") || !strings.Contains(why, "who rate like you, gave it 10 and 9") {
		t.Errorf("why = %q, want members 1 and 2 and their scores", why)
	}
	for _, n := range names {
		if strings.Contains(n, "Picture A") || strings.Contains(n, "Picture E") {
			t.Errorf("a film the caller rated is offered: %q", n)
		}
	}
	if k := strings.Index(strings.Join(names, "|"), "Picture G"); k >= 0 && k < strings.Index(strings.Join(names, "|"), "Picture F") {
		t.Errorf("Picture G (loved only by the opposite taste) before Picture F: %q", names)
	}
	if len(r.Data.Components) != 3 {
		t.Fatalf("%d rows, want the three menus", len(r.Data.Components))
	}
	// count:1
	r = e.run(slash(guildA, "recommend", opt("count", 1.0)))
	if n := len(embed(r).Fields); n != 1 {
		t.Errorf("count:1 gave %d picks", n)
	}
	_ = films
}

func TestRecommendReflectsNewRatingsWithoutRebuilding(t *testing.T) {
	for _, name := range storeNames {
		t.Run(name, func(t *testing.T) {
			db := &fullReads{Store: openStore(t, name, func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) })}
			films := recServer(t, db)
			set := New(db)
			run := func(i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
				t.Helper()
				r, err := set.recommendCmd(context.Background(), i)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			first := fieldNames(run(slash(guildA, "recommend")))
			if !strings.Contains(first[0], "Picture F") {
				t.Fatalf("first picks %q", first)
			}
			// The caller rates Picture F: the next answer no longer offers
			// it, read as a change, not a rebuild.
			if _, err := db.Rate(context.Background(), 111, films[5].ID, 42, 8); err != nil {
				t.Fatal(err)
			}
			next := fieldNames(run(slash(guildA, "recommend")))
			if strings.Contains(strings.Join(next, "|"), "Picture F") {
				t.Errorf("after rating it: %q", next)
			}
			// Another member's new rating moves the picks: member 1 loves
			// Picture H, which only member 3 had rated.
			if _, err := db.Rate(context.Background(), 111, films[7].ID, 1, 10); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Rate(context.Background(), 111, films[7].ID, 2, 10); err != nil {
				t.Fatal(err)
			}
			r := run(slash(guildA, "recommend"))
			if n := fieldNames(r); !strings.Contains(n[0], "Picture H") || !strings.Contains(embed(r).Fields[0].Value, "<@1>") {
				t.Errorf("after members 1 and 2 loved Picture H: %q, %q", n, embed(r).Fields[0].Value)
			}
			if full := db.full.Load(); full != 1 {
				t.Errorf("the model was read whole %d times, want once", full)
			}
		})
	}
}

// fullReads counts the whole reads of a server's ratings.
type fullReads struct {
	storage.Store
	full atomic.Int32
}

func (c *fullReads) RatingsSince(ctx context.Context, scope storage.Scope, since uint64) (storage.RatingChanges, error) {
	ch, err := c.Store.RatingsSince(ctx, scope, since)
	if ch.Full {
		c.full.Add(1)
	}
	return ch, err
}

func TestRecommendMenus(t *testing.T) {
	e := newEnv(t)
	films := recServer(t, e.db)
	r := e.run(slash(guildA, "recommend"))
	msg := asMessage(r)
	f := fmt.Sprint(films[5].ID)
	menu := e.set.Components()["rec"]

	// Add to watchlist: on it; the film is still a fine pick, marked.
	got, err := e.check(menu, selectMenu(guildA, "rec:wl", msg, f))
	if err != nil || !strings.Contains(got.Data.Content, "Picture F (2005) is on your watchlist now.") {
		t.Fatalf("watchlist: %+v, %v", got, err)
	}
	if on, _ := e.db.OnWatchlist(context.Background(), 111, 42, films[5].ID); !on {
		t.Error("not on the watchlist")
	}
	got, _ = e.check(menu, selectMenu(guildA, "rec:wl", msg, f))
	if !strings.Contains(got.Data.Content, "already") {
		t.Errorf("twice: %q", got.Data.Content)
	}
	r = e.run(slash(guildA, "recommend"))
	if !strings.Contains(embed(r).Fields[0].Value, "Already on your watchlist") {
		t.Errorf("a watchlisted pick is not marked: %q", embed(r).Fields[0].Value)
	}

	// Not interested: gone from the message and never offered again.
	before := len(embed(r).Fields)
	got, err = e.check(menu, selectMenu(guildA, "rec:no", asMessage(r), f))
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != discordgo.InteractionResponseUpdateMessage || len(embed(got).Fields) != before-1 || strings.Contains(strings.Join(fieldNames(got), "|"), "Picture F") {
		t.Errorf("after not interested: %v", fieldNames(got))
	}
	if embed(got).Footer == nil || !strings.Contains(embed(got).Footer.Text, "never offered to you again") {
		t.Errorf("footer %+v", embed(got).Footer)
	}
	for _, row := range got.Data.Components {
		for _, o := range row.(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu).Options {
			if o.Value == f {
				t.Error("the film is still in a menu")
			}
		}
	}
	if ids, _ := e.db.NotInterestedFilms(context.Background(), 111, 42); len(ids) != 1 || ids[0] != films[5].ID {
		t.Errorf("marks %v", ids)
	}
	r = e.run(slash(guildA, "recommend", opt("count", 10.0)))
	if strings.Contains(strings.Join(fieldNames(r), "|"), "Picture F") {
		t.Errorf("offered again: %q", fieldNames(r))
	}

	// Rate: the rating form.
	got, err = e.check(menu, selectMenu(guildA, "rec:rate", msg, fmt.Sprint(films[6].ID)))
	if err != nil || got.Type != discordgo.InteractionResponseModal || !strings.HasPrefix(got.Data.CustomID, "ratemsg:form:") {
		t.Errorf("rate: %+v, %v", got, err)
	}
	// A removed film.
	if err := e.db.DeleteFilm(context.Background(), 111, films[6].ID); err != nil {
		t.Fatal(err)
	}
	if msg := e.userError(menu, selectMenu(guildA, "rec:wl", msg, fmt.Sprint(films[6].ID))); !strings.Contains(msg, "no longer") {
		t.Errorf("removed film: %q", msg)
	}
}

func TestRecommendFewRatingsGetsBestLoved(t *testing.T) {
	e := newEnv(t)
	films := recServer(t, e.db)
	if _, err := e.db.Rate(context.Background(), 111, films[0].ID, 77, 9); err != nil {
		t.Fatal(err)
	}
	i := slash(guildA, "recommend")
	i.Member.User.ID = "77"
	r := e.run(i)
	if !strings.Contains(embed(r).Description, fmt.Sprintf("you have 1; personal picks start at %d", recommend.MinPersonal)) {
		t.Errorf("description %q", embed(r).Description)
	}
	if v := embed(r).Fields[0].Value; !strings.HasPrefix(v, "loved here: ") || !strings.Contains(v, " members") {
		t.Errorf("why %q", v)
	}
}

func TestRecommendTMDBForFewRatings(t *testing.T) {
	e := newTMDBEnv(t)
	recServer(t, e.db)
	if _, err := e.db.Rate(context.Background(), 111, e.anora.ID, 77, 10); err != nil {
		t.Fatal(err)
	}
	i := slash(guildA, "recommend", opt("count", 6.0))
	i.Member.User.ID = "77"
	r := e.run(i)
	var tmdb int
	for _, f := range embed(r).Fields {
		if strings.Contains(f.Name, "· from TMDB") {
			tmdb++
			if f.Value != "TMDB recommends it to those who liked Anora (2024) (you gave it 10)" {
				t.Errorf("why %q", f.Value)
			}
		}
	}
	if tmdb != 3 || len(embed(r).Fields) != 6 {
		t.Errorf("%d picks from TMDB of %d: %q", tmdb, len(embed(r).Fields), fieldNames(r))
	}
	// They are films of the catalog now: the menus act on them.
	last := r.Data.Components[0].(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu).Options[5].Value
	if got, err := e.check(e.set.Components()["rec"], selectMenu(guildA, "rec:wl", nil, last)); err != nil || !strings.Contains(got.Data.Content, "on your watchlist now") {
		t.Errorf("watchlist a TMDB pick: %+v, %v", got, err)
	}
}

func TestRecommendForAndGroup(t *testing.T) {
	e := newEnv(t)
	films := recServer(t, e.db)
	_ = films
	// for: another member.
	i := slash(guildA, "recommend", &discordgo.ApplicationCommandInteractionDataOption{Name: "for", Type: discordgo.ApplicationCommandOptionUser, Value: "1"})
	r := e.run(i)
	if embed(r).Title != "Picks for a member" || !strings.Contains(embed(r).Description, "<@1>") {
		t.Errorf("for: %q / %q", embed(r).Title, embed(r).Description)
	}
	// group: three members.
	r = e.run(slash(guildA, "recommend", opt("group", "<@1> and <@!2>")))
	d := embed(r).Description
	if embed(r).Title != "Picks for watching together" || !strings.Contains(d, "<@42>, <@1>, <@2>") || !strings.Contains(d, "least misery") {
		t.Errorf("group: %q / %q", embed(r).Title, d)
	}
	if n := fieldNames(r); len(n) == 0 || !strings.Contains(n[0], "Picture") || !strings.Contains(n[0], "· group ") {
		t.Errorf("group picks %q", n)
	}
	for _, f := range embed(r).Fields {
		if !strings.Contains(f.Value, "<@42> ") || !strings.Contains(f.Value, "<@1> ") || !strings.Contains(f.Value, "<@2> ") {
			t.Errorf("per-member predictions %q", f.Value)
		}
		if strings.Contains(f.Name, "Picture F") || strings.Contains(f.Name, "Picture A") {
			t.Errorf("a film one of them rated: %q", f.Name)
		}
	}
}

// fakeVoices is the gateway's voice states, set by the test.
type fakeVoices map[string]string // member → channel

func (v fakeVoices) Channel(_, member string) string { return v[member] }
func (v fakeVoices) Members(_, channel string) []string {
	var out []string
	for m, c := range v {
		if c == channel {
			out = append(out, m)
		}
	}
	return out
}

func TestRecommendGroupVoice(t *testing.T) {
	e := newEnv(t)
	recServer(t, e.db)
	if msg := e.userError(e.cmds["recommend"].Run, slash(guildA, "recommend", opt("group", "voice"))); !strings.Contains(msg, "HTTP only") {
		t.Errorf("no gateway: %q", msg)
	}
	v := fakeVoices{}
	e.set.WithVoices(v)
	if msg := e.userError(e.cmds["recommend"].Run, slash(guildA, "recommend", opt("group", "voice"))); !strings.Contains(msg, "not in a voice channel") {
		t.Errorf("outside voice: %q", msg)
	}
	v["42"] = "900"
	if msg := e.userError(e.cmds["recommend"].Run, slash(guildA, "recommend", opt("group", "Voice"))); !strings.Contains(msg, "alone") {
		t.Errorf("alone: %q", msg)
	}
	v["1"], v["2"], v["3"] = "900", "900", "901"
	r := e.run(slash(guildA, "recommend", opt("group", "voice")))
	if d := embed(r).Description; !strings.Contains(d, "<@1>") || !strings.Contains(d, "<@2>") || strings.Contains(d, "<@3>") {
		t.Errorf("voice group %q", d)
	}
}

func TestRecommendBadInput(t *testing.T) {
	e := newEnv(t)
	run := e.cmds["recommend"].Run
	if msg := e.userError(run, slash(guildA, "recommend")); !strings.Contains(msg, "No one has rated a film in this server yet") {
		t.Errorf("no ratings: %q", msg)
	}
	recServer(t, e.db)
	if msg := e.userError(run, slash("", "recommend")); msg == "" {
		t.Error("DM answered")
	}
	notMember := slash(guildA, "recommend", &discordgo.ApplicationCommandInteractionDataOption{Name: "for", Type: discordgo.ApplicationCommandOptionUser, Value: "555"})
	notMember.Data = discordgo.ApplicationCommandInteractionData{Name: "recommend", Options: notMember.ApplicationCommandData().Options,
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{"555": {ID: "555"}}}}
	if msg := e.userError(run, notMember); msg != "<@555> is not a member of this server." {
		t.Errorf("not a member: %q", msg)
	}
	bot := slash(guildA, "recommend", &discordgo.ApplicationCommandInteractionDataOption{Name: "for", Type: discordgo.ApplicationCommandOptionUser, Value: "556"})
	bot.Data = discordgo.ApplicationCommandInteractionData{Name: "recommend", Options: bot.ApplicationCommandData().Options,
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{"556": {ID: "556", Bot: true}},
			Members: map[string]*discordgo.Member{"556": {}}}}
	if msg := e.userError(run, bot); !strings.Contains(msg, "is a bot") {
		t.Errorf("bot: %q", msg)
	}
	for _, c := range []struct{ group, want string }{
		{"<@42>", "A group needs someone besides you"},
		{"<@1> <@999>", "<@999> has not rated any film in this server"},
		{"Vi and Mo", "takes members as @mentions"},
		{"<@1> please pick something scary", "takes members as @mentions"},
		{"<@1> <@2> <@3> <@4> <@5> <@6> <@7> <@8> <@9> <@10>", "at most 10 members, you included; that makes 11"},
	} {
		if msg := e.userError(run, slash(guildA, "recommend", opt("group", c.group))); !strings.Contains(msg, c.want) {
			t.Errorf("group:%s = %q, want %q", c.group, msg, c.want)
		}
	}
	both := slash(guildA, "recommend", opt("group", "<@1>"), &discordgo.ApplicationCommandInteractionDataOption{Name: "for", Type: discordgo.ApplicationCommandOptionUser, Value: "1"})
	if msg := e.userError(run, both); !strings.Contains(msg, "not both") {
		t.Errorf("both: %q", msg)
	}
	for _, n := range []float64{0, 11} {
		if msg := e.userError(run, slash(guildA, "recommend", opt("count", n))); !strings.Contains(msg, "from 1 to 10") {
			t.Errorf("count:%v = %q", n, msg)
		}
	}
	// Everything rated: nothing to offer, said so.
	i := slash(guildA, "recommend")
	i.Member.User.ID = "3"
	if msg := e.userError(run, i); !strings.Contains(msg, "Nothing left to recommend") {
		t.Errorf("all rated: %q", msg)
	}
}

func TestRecommendInRussian(t *testing.T) {
	e := newEnv(t)
	recServer(t, e.db)
	i := slash(guildA, "recommend")
	i.Locale = "ru"
	r := e.run(i)
	if embed(r).Title == "Picks for you" || !strings.ContainsAny(embed(r).Title, "абвгдеёжзийклмнопрстуфхцчшщъыьэюя") {
		t.Errorf("title %q", embed(r).Title)
	}
	i = slash(guildA, "recommend", opt("group", "<@42>"))
	i.Locale = "ru"
	if msg := e.userError(e.cmds["recommend"].Run, i); strings.Contains(msg, "A group needs") {
		t.Errorf("in English: %q", msg)
	}
}

// Two replicas share one PostgreSQL database: a rating written through
// one is in the other's next answer, its model caught up from the
// ratings version, not rebuilt.
func TestRecommendAcrossReplicas(t *testing.T) {
	url := pgtest.URL(t)
	open := func() *postgres.DB {
		db, err := postgres.Open(context.Background(), url, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	films := recServer(t, a)
	counted := &fullReads{Store: b}
	replicaB := New(counted)
	ask := func() []string {
		t.Helper()
		r, err := replicaB.recommendCmd(context.Background(), slash(guildA, "recommend", opt("count", 10.0)))
		if err != nil {
			t.Fatal(err)
		}
		return fieldNames(r)
	}
	if n := ask(); !strings.Contains(n[0], "Picture F") {
		t.Fatalf("replica B first: %q", n)
	}
	if _, err := a.Rate(context.Background(), 111, films[5].ID, 42, 9); err != nil { // through replica A
		t.Fatal(err)
	}
	if n := ask(); strings.Contains(strings.Join(n, "|"), "Picture F") {
		t.Errorf("replica B still offers the film rated through A: %q", n)
	}
	if full := counted.full.Load(); full != 1 {
		t.Errorf("replica B read the ratings whole %d times, want once", full)
	}
}

// /movienight plan without candidates: the group recommendation for the
// members of the recent nights first (none of them rated those), then
// the most wanted; the host and the poll are told how they were chosen.
func TestMovieNightCandidatesFromRecommendation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	screen := &fakeScreen{}
	e.set.WithScreener(screen, "p1").WithClock(func() time.Time { return now })
	films := recServer(t, e.db)
	var unseen []storage.Film
	for k, title := range []string{"Unseen One", "Unseen Two"} {
		f, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: title, Year: 2020 + k})
		unseen = append(unseen, f)
		for u := range uint64(3) {
			e.db.Rate(ctx, 111, f.ID, 50+u, 9-k)
		}
	}
	e.db.WatchlistAdd(ctx, 111, 60, e.anora.ID)
	// A night screened Picture A, hosted by member 1 and rated by 42, 1, 2 and 3.
	if _, err := e.db.CreateNight(ctx, storage.Night{Scope: 111, Host: 1, Channel: "5", Candidates: []uint64{films[0].ID, films[1].ID},
		Winner: films[0].ID, Step: storage.StepDone, Closes: now.Add(-72 * time.Hour), Starts: now.Add(-70 * time.Hour), NextAt: now.Add(-70 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r := e.run(nightCmd("plan", opt("starts", "friday 21:00")))
	if len(screen.polls) != 1 {
		t.Fatalf("plan: %q", r.Data.Content)
	}
	poll := screen.polls[0]
	answers := poll[strings.LastIndex(poll, "\n")+1:]
	if answers != "Unseen One (2020)|Unseen Two (2021)|Anora (2024)" {
		t.Errorf("candidates %q, want the two films none of the night's members rated, then the most wanted", answers)
	}
	want := "How the films were chosen: 2 picked for the 4 members of the server's recent nights"
	if !strings.Contains(r.Data.Content, want) || !strings.Contains(poll, want) {
		t.Errorf("not said how they were chosen:\n%s\n%s", r.Data.Content, poll)
	}
	if !strings.Contains(poll[:strings.Index(poll, want)], "Movie night") || !strings.Contains(poll, "\n-# ") {
		t.Errorf("the line is not between the poll's text and its tag: %q", poll)
	}
	n, _ := e.db.Nights(ctx, 111)
	if n[0].Recommended != 2 || n[0].RecommendedFor != 4 {
		t.Errorf("stored %d for %d", n[0].Recommended, n[0].RecommendedFor)
	}
	_ = unseen
}
