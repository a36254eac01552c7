package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

type forbiddenErr struct{}

func (forbiddenErr) Error() string   { return "403" }
func (forbiddenErr) Forbidden() bool { return true }

type goneTestErr struct{}

func (goneTestErr) Error() string { return "404" }
func (goneTestErr) Gone() bool    { return true }

type refusedErr struct{}

func (refusedErr) Error() string { return "400: 50035" }
func (refusedErr) Refused() bool { return true }

// fakeScreen records what movie nights post, as Discord would keep it;
// votes is the poll's result. fail, keyed by method, fails its calls
// (the next error each time; nil lets one through); hook, keyed by
// method, runs once the call has been made on "Discord" (a slow answer).
type fakeScreen struct {
	polls, cards, events []string
	deleted              []string
	votes                []int
	hours                int
	noEvents             bool
	failPoll             error
	now                  func() time.Time               // Discord's clock: an event must start after it
	posts                map[string]string              // id → content and footer, for FindPost
	descs                map[string]string              // event id → description, for FindEvent
	mentions             []string                       // each card's mention
	rows                 [][]discordgo.MessageComponent // each card's components
	fail                 map[string][]error             // method → errors, one per call
	always               map[string]error               // method → an error every time
	hook                 map[string]func()              // method → run once after the call
	ids                  int
}

func (f *fakeScreen) failing(method string) error {
	if err := f.always[method]; err != nil {
		return err
	}
	if q := f.fail[method]; len(q) > 0 {
		f.fail[method] = q[1:]
		return q[0]
	}
	return nil
}

func (f *fakeScreen) after(method string) {
	if h := f.hook[method]; h != nil {
		delete(f.hook, method)
		h()
	}
}

func (f *fakeScreen) id(prefix, text string) string {
	f.ids++
	id := fmt.Sprintf("%s%d", prefix, f.ids)
	if f.posts == nil {
		f.posts, f.descs = map[string]string{}, map[string]string{}
	}
	if prefix == "ev" {
		f.descs[id] = text
	} else {
		f.posts[id] = text
	}
	return id
}

func (f *fakeScreen) PostPoll(_ context.Context, _, channel, content, question string, answers []string, hours int) (string, error) {
	if f.failPoll != nil {
		return "", f.failPoll
	}
	f.hours = hours
	f.polls = append(f.polls, content+"\n"+question+"\n"+strings.Join(answers, "|"))
	id := f.id("poll", content)
	f.after("PostPoll")
	return id, nil
}
func (f *fakeScreen) EndPoll(context.Context, string, string) ([]int, error) {
	if err := f.failing("EndPoll"); err != nil {
		return nil, err
	}
	f.after("EndPoll")
	return f.votes, nil
}
func (f *fakeScreen) CreateEvent(_ context.Context, _, name, desc, where, location string, start, end time.Time) (string, error) {
	if f.noEvents {
		return "", forbiddenErr{}
	}
	if err := f.failing("CreateEvent"); err != nil {
		return "", err
	}
	if where != "" {
		if err := f.failing("CreateEvent where"); err != nil {
			return "", err
		}
	}
	if f.now != nil && !start.After(f.now()) {
		return "", refusedErr{}
	}
	f.events = append(f.events, name+" @"+where+location+" "+start.UTC().Format(time.RFC3339)+"→"+end.UTC().Format(time.RFC3339))
	id := f.id("ev", desc)
	f.after("CreateEvent")
	return id, nil
}
func (f *fakeScreen) DeleteEvent(_ context.Context, _, id string) error {
	f.deleted = append(f.deleted, id)
	return nil
}
func (f *fakeScreen) PostCard(_ context.Context, _, _, content string, e *discordgo.MessageEmbed, rows []discordgo.MessageComponent, mention string) (string, error) {
	if err := f.failing("PostCard"); err != nil {
		return "", err
	}
	f.cards = append(f.cards, content+"|"+e.Title+"|"+e.Description)
	f.rows = append(f.rows, rows)
	f.mentions = append(f.mentions, mention)
	footer := ""
	if e.Footer != nil {
		footer = e.Footer.Text
	}
	id := f.id("card", content+"\n"+footer)
	f.after("PostCard")
	return id, nil
}
func (f *fakeScreen) FindPost(_ context.Context, _, tag string) (string, error) {
	if err := f.failing("FindPost"); err != nil {
		return "", err
	}
	for id, text := range f.posts {
		if strings.Contains(text, tag) {
			return id, nil
		}
	}
	return "", nil
}
func (f *fakeScreen) FindEvent(_ context.Context, _, tag string) (string, error) {
	for id, text := range f.descs {
		if strings.Contains(text, tag) && !slices.Contains(f.deleted, id) {
			return id, nil
		}
	}
	return "", nil
}

func nightCmd(sub string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionCreate {
	return mod(slash(guildA, "movienight", &discordgo.ApplicationCommandInteractionDataOption{Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}))
}

// A whole night with a fake clock: plan (a poll of the given films), the
// poll closes (winner by votes, a tie broken by watchlists), an event, the
// rating prompt at the end, the verdict a day later; a restart between
// steps loses nothing.
func TestMovieNight(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC) // a Friday
	screen := &fakeScreen{votes: []int{2, 2, 0}}
	e.set.WithScreener(screen, "p1").WithClock(func() time.Time { return now })
	tang, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88})
	e.db.CreateFilm(ctx, 111, storage.Film{Title: "Red Rocket", Year: 2021})
	e.db.WatchlistAdd(ctx, 111, 5, tang.ID) // breaks the Anora–Tangerine tie
	e.db.UpdateSettings(ctx, 111, func(s *storage.Settings) { s.Timezone = "Europe/Paris" })

	r := e.run(nightCmd("plan", opt("starts", "friday 21:00"), opt("closes", "19:30"), opt("candidates", "anora, tangerine, red rocket")))
	if !strings.Contains(r.Data.Content, "Planned") || len(screen.polls) != 1 || !strings.Contains(screen.polls[0], "Anora (2024)|Tangerine (2015)|Red Rocket (2021)") {
		t.Fatalf("plan: %q %v", r.Data.Content, screen.polls)
	}
	if screen.hours != 2 { // 17:00 UTC to 19:30 Paris (18:30 UTC), whole hours
		t.Errorf("poll of %d hours", screen.hours)
	}
	if msg := e.userError(e.cmds["movienight"].Run, nightCmd("plan", opt("starts", "saturday 21:00"), opt("candidates", "anora, tangerine"))); !strings.Contains(msg, "already planned") {
		t.Errorf("a second night: %q", msg)
	}
	if n, _ := e.set.Nights().RunDue(ctx); n != 0 {
		t.Errorf("%d steps ran before the poll closed", n)
	}
	now = now.Add(2 * time.Hour)
	// Restart: a new command set over the same store runs the due step.
	again := New(e.db).WithScreener(screen, "p2").WithClock(func() time.Time { return now })
	if n, err := again.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("close: %d %v", n, err)
	}
	if len(screen.cards) != 1 || !strings.Contains(screen.cards[0], "Tonight's film: Tangerine (2015)") || !strings.Contains(screen.cards[0], "broken by watchlists") {
		t.Errorf("announcement: %v", screen.cards)
	}
	if len(screen.events) != 1 || !strings.Contains(screen.events[0], "Movie night: Tangerine (2015)") || !strings.HasSuffix(screen.events[0], "2026-11-27T20:00:00Z→2026-11-27T21:43:00Z") {
		t.Errorf("event: %v", screen.events)
	}
	now = now.Add(3 * time.Hour) // past the end (start + runtime + 15 min)
	if n, _ := again.Nights().RunDue(ctx); n != 1 || len(screen.cards) != 2 || !strings.Contains(screen.cards[1], "how was it") {
		t.Fatalf("rating prompt: %d %v", n, screen.cards)
	}
	e.db.ImportRatings(ctx, 111, 7, []storage.Rating{{Film: tang.ID, Score: 8, At: now}}) // rated after the screening
	e.db.ImportRatings(ctx, 111, 8, []storage.Rating{{Film: tang.ID, Score: 6, At: now}})
	e.db.ImportRatings(ctx, 111, 9, []storage.Rating{{Film: tang.ID, Score: 1, At: now.Add(-30 * 24 * time.Hour)}}) // long before: not the night's
	now = now.Add(25 * time.Hour)
	if n, _ := again.Nights().RunDue(ctx); n != 1 || len(screen.cards) != 3 || !strings.Contains(screen.cards[2], "2 ratings since the screening: average **7.0**/10") {
		t.Fatalf("verdict: %v", screen.cards)
	}
	if n, _ := again.Nights().RunDue(ctx); n != 0 {
		t.Errorf("a done night ran again")
	}
	h := embed(e.run(nightCmd("history")))
	if !strings.Contains(h.Description, "**Tangerine (2015)** — 2 ratings") {
		t.Errorf("history: %q", h.Description)
	}
	// The history reads its films in one read; a failed read is the bot's error.
	films := &countingCatalog{Catalog: e.db}
	e.set.films = films
	if h := embed(e.run(nightCmd("history"))); !strings.Contains(h.Description, "**Tangerine (2015)**") || films.headers != 1 || films.header != 0 {
		t.Errorf("history: %q in %d batched and %d single reads, want one batched", h.Description, films.headers, films.header)
	}
	films.fail = true
	if _, err := e.cmds["movienight"].Run(ctx, nightCmd("history")); !errors.Is(err, errAway) {
		t.Errorf("history, the catalog away: %v", err)
	}
	e.set.films = e.db
	// The next night may be planned; the defaults pick the most wanted.
	e.db.WatchlistAdd(ctx, 111, 5, 1)
	if msg := e.userError(e.cmds["movienight"].Run, nightCmd("plan", opt("starts", "in 2 days"))); !strings.Contains(msg, "at least 2 films") {
		t.Errorf("too few wanted films (Tangerine was screened): %q", msg)
	}
}

// Planning refuses what Discord or the calendar would, and cancel undoes a
// night: its poll and its event; the bot lacking Create Events is said.
func TestMovieNightBadInputAndCancel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	screen := &fakeScreen{votes: []int{0, 1}, noEvents: true}
	e.set.WithScreener(screen, "p1").WithClock(func() time.Time { return now })
	e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	for k := 1; k <= 9; k++ {
		e.db.CreateFilm(ctx, 111, storage.Film{Title: "F" + string(rune('0'+k)), Year: 2000})
	}
	for what, c := range map[string]struct {
		opts []*discordgo.ApplicationCommandInteractionDataOption
		want string
	}{
		"past":          {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "2026-11-01 20:00"), opt("candidates", "anora, tangerine")}, "future"},
		"close late":    {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "today 20:00"), opt("closes", "today 21:00"), opt("candidates", "anora, tangerine")}, "close before"},
		"too far":       {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "in 400 days"), opt("candidates", "anora, tangerine")}, "a year"},
		"unreadable":    {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "soonish"), opt("candidates", "anora, tangerine")}, "not a time"},
		"unknown film":  {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "in 2 days"), opt("candidates", "anora, nosuch")}, "No film called"},
		"twice":         {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "in 2 days"), opt("candidates", "anora, Anora")}, "twice"},
		"one candidate": {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "in 2 days"), opt("candidates", "anora")}, "at least 2"},
		"eleven":        {[]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "in 2 days"), opt("candidates", "anora, tangerine, F1, F2, F3, F4, F5, F6, F7, F8, F9")}, "at most 10"},
	} {
		if msg := e.userError(e.cmds["movienight"].Run, nightCmd("plan", c.opts...)); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q, want %q", what, msg, c.want)
		}
	}
	if ns, _ := e.db.Nights(ctx, 111); len(ns) != 0 {
		t.Fatalf("a refused plan left a night: %+v", ns)
	}
	dm := slash("", "movienight", &discordgo.ApplicationCommandInteractionDataOption{Name: "history", Type: discordgo.ApplicationCommandOptionSubCommand})
	if msg := e.userError(e.cmds["movienight"].Run, dm); !strings.Contains(msg, "happen in servers") {
		t.Errorf("in a DM: %q", msg)
	}
	if msg := e.userError(e.cmds["movienight"].Run, nightCmd("history")); !strings.Contains(msg, "No movie night yet") {
		t.Errorf("history before any night: %q", msg)
	}
	member := slash(guildA, "movienight", &discordgo.ApplicationCommandInteractionDataOption{Name: "plan", Type: discordgo.ApplicationCommandOptionSubCommand,
		Options: []*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "in 2 days"), opt("candidates", "anora, tangerine")}})
	if msg := e.userError(e.cmds["movienight"].Run, member); !strings.Contains(msg, "Only hosts") {
		t.Errorf("a member: %q", msg)
	}
	e.db.UpdateSettings(ctx, 111, func(s *storage.Settings) { s.HostRole = "77" })
	member.Member.Roles = []string{"77"}
	if r := e.run(member); !strings.Contains(r.Data.Content, "Planned") {
		t.Fatalf("a member with the host role: %q", r.Data.Content)
	}
	now = now.Add(25 * time.Hour)
	if n, err := e.set.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	if len(screen.cards) != 2 || !strings.Contains(screen.cards[1], "Create Events") {
		t.Errorf("no event without the permission, and the host told: %v", screen.cards)
	}
	if r := e.run(nightCmd("cancel")); !strings.Contains(r.Data.Content, "canceled") {
		t.Errorf("cancel: %q", r.Data.Content)
	}
	if msg := e.userError(e.cmds["movienight"].Run, nightCmd("cancel")); !strings.Contains(msg, "No movie night") {
		t.Errorf("cancel twice: %q", msg)
	}
	screen.failPoll = forbiddenErr{}
	if msg := e.userError(e.cmds["movienight"].Run, nightCmd("plan", opt("starts", "in 2 days"), opt("candidates", "anora, tangerine"))); !strings.Contains(msg, "Send Polls") {
		t.Errorf("no Send Polls: %q", msg)
	}
	if ns, _ := e.db.Nights(ctx, 111); len(ns) != 2 || ns[0].Open() {
		t.Errorf("a night whose poll failed stays open: %+v", ns)
	}
}

// /settings host-role and timezone: set, shown, cleared; a zone that does
// not exist and @everyone as host role refused; members cannot.
func TestHostRoleAndTimezoneSettings(t *testing.T) {
	e := newEnv(t)
	admin := func(i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
		i.Member.Permissions = discordgo.PermissionManageGuild
		return i
	}
	role := func(id string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: "role", Type: discordgo.ApplicationCommandOptionRole, Value: id}
	}
	if got := e.run(admin(slash(guildA, "settings", sub("", "host-role", role("77"))))).Data.Content; !strings.Contains(got, "Movie-night host role: <@&77>") {
		t.Errorf("host-role: %q", got)
	}
	if got := e.run(admin(slash(guildA, "settings", sub("", "timezone", opt("zone", "Europe/Paris"))))).Data.Content; !strings.Contains(got, "Time zone: Europe/Paris") {
		t.Errorf("timezone: %q", got)
	}
	if set, _ := e.db.Settings(context.Background(), 111); set.HostRole != "77" || set.Timezone != "Europe/Paris" {
		t.Errorf("stored: %+v", set)
	}
	for what, c := range map[string]struct {
		i    *discordgo.InteractionCreate
		want string
	}{
		"unknown zone":       {admin(slash(guildA, "settings", sub("", "timezone", opt("zone", "Mars/Olympus")))), "not a time zone"},
		"Local":              {admin(slash(guildA, "settings", sub("", "timezone", opt("zone", "Local")))), "not a time zone"},
		"@everyone as hosts": {admin(slash(guildA, "settings", sub("", "host-role", role(guildA)))), "@everyone cannot be the host role"},
		"a member":           {slash(guildA, "settings", sub("", "timezone", opt("zone", "UTC"))), "Only members with Manage Server"},
	} {
		if msg := e.userError(e.cmds["settings"].Run, c.i); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q, want %q", what, msg, c.want)
		}
	}
	if set, _ := e.db.Settings(context.Background(), 111); set.HostRole != "77" || set.Timezone != "Europe/Paris" {
		t.Errorf("refused settings changed the stored ones: %+v", set)
	}
	if got := e.run(admin(slash(guildA, "settings", sub("", "timezone")))).Data.Content; !strings.Contains(got, "Time zone: UTC") {
		t.Errorf("timezone cleared: %q", got)
	}
	if got := e.run(admin(slash(guildA, "settings", sub("", "host-role")))).Data.Content; !strings.Contains(got, "none (hosts are moderators)") {
		t.Errorf("host role cleared: %q", got)
	}
}

// A host ends the voting early with /movienight close: the next look for
// due steps ends the poll and announces the winner; a member cannot, and
// a night past its poll says so.
func TestMovieNightCloseNow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	screen := &fakeScreen{votes: []int{0, 3}}
	e.set.WithScreener(screen, "p1").WithClock(func() time.Time { return now })
	e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	if msg := e.userError(e.cmds["movienight"].Run, nightCmd("close")); !strings.Contains(msg, "No movie night") {
		t.Errorf("close with no night: %q", msg)
	}
	e.run(nightCmd("plan", opt("starts", "in 2 days"), opt("candidates", "anora, tangerine")))
	if n, _ := e.set.Nights().RunDue(ctx); n != 0 {
		t.Fatalf("%d steps ran before the poll closed", n)
	}
	member := slash(guildA, "movienight", &discordgo.ApplicationCommandInteractionDataOption{Name: "close", Type: discordgo.ApplicationCommandOptionSubCommand})
	if msg := e.userError(e.cmds["movienight"].Run, member); !strings.Contains(msg, "Only hosts") {
		t.Errorf("a member closing: %q", msg)
	}
	if n, _ := e.set.Nights().RunDue(ctx); n != 0 {
		t.Fatal("a member's close brought the step forward")
	}
	if r := e.run(nightCmd("close")); !strings.Contains(r.Data.Content, "Voting ends now") {
		t.Fatalf("close: %q", r.Data.Content)
	}
	select {
	case <-e.set.Nights().Due(): // the scheduler is told at once
	default:
		t.Error("/movienight close did not tell the scheduler")
	}
	if n, err := e.set.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("the close step after /movienight close: %d %v", n, err)
	}
	if len(screen.cards) != 1 || !strings.Contains(screen.cards[0], "Tangerine (2015)") {
		t.Errorf("announcement: %v", screen.cards)
	}
	if msg := e.userError(e.cmds["movienight"].Run, nightCmd("close")); !strings.Contains(msg, "already closed") {
		t.Errorf("close after the winner: %q", msg)
	}
}
