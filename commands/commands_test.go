package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

func TestReviewFirstExcerpt(t *testing.T) {
	e := newEnv(t)
	for _, guild := range []string{guildA, ""} { // a server, and a DM
		r := e.run(slash(guild, "review", opt("film", "anora")))
		if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
			t.Fatalf("want a public message, got %+v", r)
		}
		em := embed(r)
		if em.Title != "Anora (2024)" || em.Author.Name != "Featured review" || em.Footer.Text != "Excerpt 1 of 12" {
			t.Errorf("embed = %q / %q / %q", em.Title, em.Author.Name, em.Footer.Text)
		}
		if !strings.HasPrefix(em.Description, "Sean Baker’s Anora doesn’t aim") {
			t.Errorf("description = %.40q", em.Description)
		}
		b := buttons(r)
		for _, want := range []string{"Next ▶", "🎲 Random", "Read it all"} {
			if b[want] == "" {
				t.Errorf("no %q button in %v", want, b)
			}
		}
		if _, ok := b["◀ Previous"]; ok {
			t.Error("previous is enabled on the first excerpt")
		}
	}
}

func TestReviewAbout(t *testing.T) {
	e := newEnv(t)
	for about, want := range map[string]int{
		"Drew Daniels": 8, "cinematography": 8, "russian": 2, "Igor": 10, "ígor": 10, "DREW daniels": 8,
	} {
		r := e.run(slash(guildA, "review", opt("film", "Anora"), opt("about", about)))
		if got := embed(r).Footer.Text; got != fmt.Sprintf("Excerpt %d of 12", want) {
			t.Errorf("about:%q → %q, want excerpt %d", about, got, want)
		}
	}
	msg := e.userError(e.cmds["review"].Run, slash(guildA, "review", opt("film", "anora"), opt("about", "xylophone")))
	if !strings.Contains(msg, "xylophone") {
		t.Errorf("about with no match: %q", msg)
	}
}

func TestReviewSpoiler(t *testing.T) {
	e := newEnv(t)
	r := e.run(slash(guildA, "review", opt("film", "anora"), opt("excerpt", 11.0)))
	em := embed(r)
	if !strings.Contains(em.Description, "||The film’s climax") || !strings.HasSuffix(em.Description, "||") {
		t.Errorf("spoiler not wrapped: %.80q", em.Description)
	}
	if !strings.Contains(em.Description, "Spoiler") || !strings.Contains(em.Footer.Text, "spoilers") {
		t.Errorf("spoiler not labelled: %q / %q", em.Description[:40], em.Footer.Text)
	}
	r = e.run(slash(guildA, "review", opt("film", "anora"), opt("excerpt", 10.0)))
	if strings.Contains(embed(r).Description, "||") {
		t.Error("a non-spoiler excerpt is hidden")
	}
}

func TestReviewButtons(t *testing.T) {
	e := newEnv(t)
	r := e.run(slash(guildA, "review", opt("film", "anora")))
	next := e.button(guildA, buttons(r)["Next ▶"])
	if next.Type != discordgo.InteractionResponseUpdateMessage || embed(next).Footer.Text != "Excerpt 2 of 12" {
		t.Fatalf("next: type %d, %q", next.Type, embed(next).Footer.Text)
	}
	prev := e.button(guildA, buttons(next)["◀ Previous"])
	if embed(prev).Footer.Text != "Excerpt 1 of 12" {
		t.Errorf("previous: %q", embed(prev).Footer.Text)
	}
	// The last excerpt has no next.
	last := e.run(slash(guildA, "review", opt("film", "anora"), opt("excerpt", 12.0)))
	if _, ok := buttons(last)["Next ▶"]; ok {
		t.Error("next enabled on the last excerpt")
	}
	// Random never shows the excerpt already on screen.
	for k := 0; k < 11; k++ {
		e.set.rand = func(int) int { return k }
		got := embed(e.button(guildA, buttons(r)["🎲 Random"])).Footer.Text
		if got == "Excerpt 1 of 12" {
			t.Errorf("random %d showed the same excerpt", k)
		}
	}
	// Read it all: ephemeral, paginated, every paragraph once.
	all := e.button(guildA, buttons(r)["Read it all"])
	if all.Type != discordgo.InteractionResponseChannelMessageWithSource || all.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("read it all: want an ephemeral message, got type %d flags %d", all.Type, all.Data.Flags)
	}
	text := embed(all).Description
	page := all
	for pages := 1; ; pages++ {
		id, ok := buttons(page)["Next ▶"]
		if !ok {
			if pages < 2 {
				t.Errorf("the 5,875-character review fit on %d page", pages)
			}
			break
		}
		page = e.button(guildA, id)
		if page.Type != discordgo.InteractionResponseUpdateMessage {
			t.Fatalf("page turn type %d", page.Type)
		}
		text += "\n\n" + embed(page).Description
	}
	for n, ex := range storage.SeedReview() {
		if strings.Count(text, ex.Text) != 1 {
			t.Errorf("paragraph %d appears %d times in the whole review", n+1, strings.Count(text, ex.Text))
		}
	}
	if !strings.Contains(text, "||The film’s climax") {
		t.Error("spoiler not hidden in the whole review")
	}
}

func TestReviewBadInput(t *testing.T) {
	e := newEnv(t)
	run := e.cmds["review"].Run
	for _, c := range []struct {
		name string
		i    *discordgo.InteractionCreate
		want string
	}{
		{"unknown film with suggestion", slash(guildA, "review", opt("film", "anoar xx")), "No film called"},
		{"typo names closest", slash(guildA, "review", opt("film", "anorra")), "Anora (2024)"},
		{"nothing close", slash(guildA, "review", opt("film", "qqqqqqqqqqqq")), "No film called"},
		{"excerpt 0", slash(guildA, "review", opt("film", "anora"), opt("excerpt", 0.0)), "1 to 12"},
		{"excerpt 13", slash(guildA, "review", opt("film", "anora"), opt("excerpt", 13.0)), "1 to 12"},
		{"excerpt fraction", slash(guildA, "review", opt("film", "anora"), opt("excerpt", 1.5)), "whole number"},
		{"excerpt and about", slash(guildA, "review", opt("film", "anora"), opt("excerpt", 2.0), opt("about", "igor")), "not both"},
		{"unknown reviewer", slash(guildA, "review", opt("film", "anora"), opt("by", "Roger")), "No review by"},
		{"oversized film", slash(guildA, "review", opt("film", strings.Repeat("a", 500))), "too long"},
		{"oversized about", slash(guildA, "review", opt("film", "anora"), opt("about", strings.Repeat("igor ", 100))), "at most"},
		{"unknown id value", slash(guildA, "review", opt("film", "id:9999")), "not in this server"},
		{"empty film", slash(guildA, "review", opt("film", "  ")), "Name a film"},
		{"wrong option type", slash(guildA, "review", opt("film", 3.0)), "Name a film"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			if msg := e.userError(run, c.i); !strings.Contains(msg, c.want) {
				t.Errorf("got %q, want it to say %q", msg, c.want)
			}
		})
	}
	// "anorra" is one typo from Anora: the message names it.
}

func TestValuesAutocompleteNeverOffered(t *testing.T) {
	e := newEnv(t)
	for _, v := range []string{"anora", "ANORA", "Anora (2024)", "ani", "Anora 2024", "Anora ", "id:1"} {
		r := e.run(slash("", "film", opt("film", v)))
		if embed(r).Title != "Anora (2024)" {
			t.Errorf("film:%q → %q", v, embed(r).Title)
		}
	}
}

func TestSeveralReviewsNewestFirst(t *testing.T) {
	e := newEnv(t)
	rv, err := e.db.AddReview(context.Background(), 111, storage.Review{FilmID: e.anora.ID, Reviewer: "Zoë Critic", Excerpts: []storage.Excerpt{{Text: "First @everyone."}, {Text: "Second."}}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.run(slash(guildA, "review", opt("film", "anora")))
	if embed(r).Author.Name != "Review by Zoë Critic" || !strings.Contains(embed(r).Footer.Text, "2 reviews") {
		t.Errorf("newest not shown first: %q %q", embed(r).Author.Name, embed(r).Footer.Text)
	}
	if p := r.Data.AllowedMentions; p == nil || p.Parse == nil || len(p.Parse) != 0 {
		t.Error("@everyone in a review could ping")
	}
	for _, by := range []string{"featured", "rev:1"} {
		r = e.run(slash(guildA, "review", opt("film", "anora"), opt("by", by)))
		if embed(r).Author.Name != "Featured review" {
			t.Errorf("by:%s → %q", by, embed(r).Author.Name)
		}
	}
	r = e.run(slash(guildA, "review", opt("film", "anora"), opt("by", "zoe critic")))
	if embed(r).Author.Name != "Review by Zoë Critic" {
		t.Errorf("by: zoe critic → %q", embed(r).Author.Name)
	}
	// by: autocomplete lists both reviews of the chosen film.
	ac, err := e.check(e.cmds["review"].Autocomplete, auto(guildA, "review", opt("film", "id:1"), focus(opt("by", ""))))
	if err != nil || len(ac.Data.Choices) != 2 || ac.Data.Choices[0].Value != fmt.Sprintf("rev:%d", rv.ID) {
		t.Errorf("by autocomplete: %v %+v", err, ac)
	}
	// Another server sees only the featured review, and not guild A's buttons.
	r = e.run(slash(guildB, "review", opt("film", "anora")))
	if embed(r).Author.Name != "Featured review" {
		t.Errorf("guild B sees %q", embed(r).Author.Name)
	}
	if msg := e.userError(e.set.reviewButton, click(guildB, fmt.Sprintf("rev:show:%d:2", rv.ID))); !strings.Contains(msg, "removed") {
		t.Errorf("guild B clicked guild A's review: %q", msg)
	}
}

func TestAutocomplete(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Banora", Year: 1999}); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"review", "cast", "film"} {
		for _, typed := range []string{"anor", "ANORA", "anroa", "ani", "nora"} {
			r, err := e.check(e.cmds[cmd].Autocomplete, auto(guildA, cmd, focus(opt("film", typed))))
			if err != nil {
				t.Fatal(err)
			}
			if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(r.Data.Choices) == 0 {
				t.Fatalf("/%s film:%q: %+v", cmd, typed, r)
			}
			if c := r.Data.Choices[0]; c.Name != "Anora (2024)" || c.Value != "id:1" {
				t.Errorf("/%s film:%q first choice %+v", cmd, typed, c)
			}
		}
	}
	// Guild B does not see guild A's film.
	r, _ := e.check(e.cmds["film"].Autocomplete, auto(guildB, "film", focus(opt("film", "banora"))))
	for _, c := range r.Data.Choices {
		if c.Name == "Banora (1999)" {
			t.Error("guild B is offered guild A's film")
		}
	}
}

func TestAutocompleteLimits(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("Very Long Title ", 10)
	for k := 0; k < 40; k++ {
		if _, err := e.db.AddFilm(context.Background(), 111, storage.Film{Title: fmt.Sprintf("%s%d", long, k), Year: 2000 + k}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.check(e.cmds["film"].Autocomplete, auto(guildA, "film", focus(opt("film", "very"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Data.Choices) != limits.Choices {
		t.Errorf("%d choices, want %d", len(r.Data.Choices), limits.Choices)
	}
}

func TestCast(t *testing.T) {
	e := newEnv(t)
	for _, guild := range []string{guildA, ""} {
		r := e.run(slash(guild, "cast", opt("film", "anora")))
		em := embed(r)
		fields := map[string]string{}
		for _, f := range em.Fields {
			fields[f.Name] = f.Value
		}
		for name, want := range map[string]string{"Director": "Sean Baker", "Writer": "Sean Baker", "Editor": "Sean Baker", "Cinematographer": "Drew Daniels", "Producers": "Alex Coco, Samantha Quan, Sean Baker"} {
			if fields[name] != want {
				t.Errorf("%s = %q, want %q", name, fields[name], want)
			}
		}
		for _, want := range []string{"**Mikey Madison** — Anora \"Ani\" Mikheeva", "**Yura Borisov** — Igor", "quiet confidant", "**Luna Sofía Miranda** — Lulu"} {
			if !strings.Contains(em.Description, want) {
				t.Errorf("cast lacks %q", want)
			}
		}
		if len(rows(r)) != 0 {
			t.Error("a cast that fits has page buttons")
		}
	}
}

func TestCastPaginates(t *testing.T) {
	e := newEnv(t)
	f := storage.Film{Title: "Crowd", Year: 2001, Directors: []string{"D"}}
	for k := 0; k < 120; k++ {
		f.Cast = append(f.Cast, storage.Role{Actor: fmt.Sprintf("Actor Number %d", k), Role: fmt.Sprintf("Role %d", k), Note: strings.Repeat("note ", 10)})
	}
	f, _ = e.db.CreateFilm(context.Background(), 111, f)
	r := e.run(slash(guildA, "cast", opt("film", "crowd")))
	seen := embed(r).Description
	for page := r; ; {
		id, ok := buttons(page)["Next ▶"]
		if !ok {
			break
		}
		page = e.button(guildA, id)
		seen += embed(page).Description
	}
	for k := 0; k < 120; k++ {
		if !strings.Contains(seen, fmt.Sprintf("**Actor Number %d** —", k)) {
			t.Fatalf("actor %d never shown", k)
		}
	}
}

// An anthology film with long crew lists in every job and a long cast:
// page 1 (crew and cast together) stays within Discord's 6,000
// characters an embed (e.run checks every answer against the limits).
func TestCastOfAnAnthology(t *testing.T) {
	e := newEnv(t)
	many := func(job string) []string {
		var out []string
		for k := range 40 {
			out = append(out, fmt.Sprintf("%s With A Rather Long Name %d", job, k))
		}
		return out
	}
	f := storage.Film{Title: strings.Repeat("Anthology ", 25), Year: 2001, Directors: many("Director"), Writers: many("Writer"),
		Cinematographers: many("Cinematographer"), Editors: many("Editor"), Composers: many("Composer"), Producers: many("Producer")}
	for k := range 200 {
		f.Cast = append(f.Cast, storage.Role{Actor: fmt.Sprintf("Actor Number %d", k), Role: strings.Repeat("role ", 20)})
	}
	f, err := e.db.CreateFilm(context.Background(), 111, f)
	if err != nil {
		t.Fatal(err)
	}
	r := e.run(slash(guildA, "cast", opt("film", fmt.Sprintf("id:%d", f.ID))))
	if n := len(embed(r).Fields); n != 6 {
		t.Errorf("%d crew fields, want 6", n)
	}
	// Its card too, with every list long.
	f.Languages, f.Countries, f.Genres, f.Aliases = many("Language"), many("Country"), many("Genre"), many("Alias")[:12]
	f.Overview, f.TMDB = strings.Repeat("An overview. ", 200), 999999
	if _, err := e.db.UpdateFilm(context.Background(), 111, f); err != nil {
		t.Fatal(err)
	}
	e.run(slash(guildA, "film", opt("film", fmt.Sprintf("id:%d", f.ID))))
}

func TestFilmCard(t *testing.T) {
	e := newEnv(t)
	r := e.run(slash("", "film", opt("film", "anora")))
	em := embed(r)
	fields := map[string]string{}
	for _, f := range em.Fields {
		fields[f.Name] = f.Value
	}
	for name, want := range map[string]string{
		"Runtime": "139 min (2h 19m)", "Director": "Sean Baker",
		"Languages": "English, Russian, Armenian", "Reviews": "1 — `/review film:Anora`",
	} {
		if fields[name] != want {
			t.Errorf("%s = %q, want %q", name, fields[name], want)
		}
	}
	if em.Title != "Anora (2024)" { // the year is in the title
		t.Errorf("title %q", em.Title)
	}
	if !strings.Contains(fields["Awards"], "Palme d'Or") || !strings.Contains(fields["Awards"], "Best Picture") {
		t.Errorf("awards = %q", fields["Awards"])
	}
}

func TestDefinitions(t *testing.T) {
	e := newEnv(t)
	for _, c := range e.set.Commands() {
		if len(c.Def.Description) > 100 || len(c.Def.Name) > 32 || c.Run == nil {
			t.Errorf("/%s: bad definition", c.Def.Name)
		}
		var walk func(where string, opts []*discordgo.ApplicationCommandOption)
		walk = func(where string, opts []*discordgo.ApplicationCommandOption) {
			for _, o := range opts {
				if n := utf8.RuneCountInString(o.Description); n < 1 || n > 100 || len(o.Name) > 32 || len(o.Choices) > 25 {
					t.Errorf("%s %s: description of %d characters (1-100), name %q, %d choices", where, o.Name, n, o.Name, len(o.Choices))
				}
				walk(where+" "+o.Name, o.Options)
			}
		}
		walk("/"+c.Def.Name, c.Def.Options)
		required := true
		for _, o := range c.Def.Options {
			if o.Required && !required {
				t.Errorf("/%s: required option %s after an optional one", c.Def.Name, o.Name)
			}
			required = o.Required
			if o.Autocomplete && c.Autocomplete == nil {
				t.Errorf("/%s: option %s autocompletes with no handler", c.Def.Name, o.Name)
			}
		}
	}
}

func TestStaleButtons(t *testing.T) {
	e := newEnv(t)
	for _, id := range []string{"rev:show:1:99", "rev:show:1", "rev:show:x:1", "rev:what:1:1", "rev:show:999:1", "cast:page:1:9", "cast:page:999:1", "rev:page:1:99"} {
		kind, _, _ := strings.Cut(id, ":")
		e.userError(e.set.Components()[kind], click(guildA, id))
	}
}

// An excerpt that went away between the header and the paragraph (a
// moderator's edit) and a review that went away are both told to the
// member, not logged as the bot's failure.
func TestExcerptErrors(t *testing.T) {
	for _, err := range []error{fmt.Errorf("x: %w", storage.ErrNoExcerpt), fmt.Errorf("x: %w", storage.ErrNotFound)} {
		if storage.Message(excerptErr(english(), err)) == "" {
			t.Errorf("%v: not a user error", err)
		}
	}
	if err := excerptErr(english(), storage.ErrUnavailable); !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("a database away: %v", err)
	}
}

// Each command is registered with the contexts where it works: those
// that need a server list only the server context (Discord then leaves
// them out of a DM's list) and still refuse in a DM, for a client whose
// list is stale, and are installable to servers only; the others list
// the bot's DM and private channels too, answer there, and are
// installable to a member's account as well.
func TestCommandsRegisteredWhereTheyWork(t *testing.T) {
	e := newEnv(t)
	inDMs := map[string][]*discordgo.ApplicationCommandInteractionDataOption{
		"review": {opt("film", "anora")},
		"cast":   {opt("film", "anora")},
		"film":   {opt("film", "anora")},
		"help":   nil,
		// right-click on a message
		"Films in this message": nil,
	}
	for _, c := range e.set.Commands() {
		name := c.Def.Name
		opts, worksInDMs := inDMs[name]
		installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
		want := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
		if worksInDMs {
			installs = append(installs, discordgo.ApplicationIntegrationUserInstall)
			want = append(want, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel)
		}
		if c.Def.Contexts == nil || c.Def.IntegrationTypes == nil ||
			!slices.Equal(*c.Def.IntegrationTypes, installs) || !slices.Equal(*c.Def.Contexts, want) {
			t.Errorf("/%s: contexts %v, integration types %v; want %v, %v", name, c.Def.Contexts, c.Def.IntegrationTypes, want, installs)
			continue
		}
		ix := slash("", name, opts...)
		switch c.Def.Type {
		case discordgo.MessageApplicationCommand:
			ix = rightClick("", &discordgo.Message{Content: "Anora"})
		case discordgo.UserApplicationCommand:
			ix = onMember("", name, "42", "43")
		}
		resp, err := c.Run(context.Background(), ix)
		msg := storage.Message(err)
		switch {
		case worksInDMs && err != nil:
			t.Errorf("/%s in a DM: %v", name, err)
		case worksInDMs && resp == nil:
			t.Errorf("/%s in a DM: no answer", name)
		case !worksInDMs && !strings.Contains(msg, "server"):
			t.Errorf("/%s in a DM, registered for servers only: %v, want a refusal that names servers", name, err)
		}
	}
	// The definitions shared by every Set are not changed by registering.
	if rateDef.Contexts != nil || reviewDef.IntegrationTypes != nil {
		t.Error("Commands changed the shared definitions")
	}
}

// countingReviews counts the review reads a click on an excerpt could
// make.
type countingReviews struct {
	reviewsRole
	n int
}

// reviewsRole names the role apart from its Reviews method, to embed it.
type reviewsRole = storage.Reviews

func (c *countingReviews) Excerpt(ctx context.Context, scope storage.Scope, id uint64, n int) (storage.Review, storage.Excerpt, error) {
	c.n++
	return c.reviewsRole.Excerpt(ctx, scope, id, n)
}

func (c *countingReviews) ExcerptPage(ctx context.Context, scope storage.Scope, id uint64, pick func(int) int) (storage.ExcerptPage, error) {
	c.n++
	return c.reviewsRole.ExcerptPage(ctx, scope, id, pick)
}

func (c *countingReviews) ReviewHeaders(ctx context.Context, scope storage.Scope, film uint64) ([]storage.Review, error) {
	c.n++
	return c.reviewsRole.ReviewHeaders(ctx, scope, film)
}

// Next, Previous and Random under an excerpt are one store read each.
func TestExcerptClickIsOneRead(t *testing.T) {
	e := newEnv(t)
	r := e.run(slash(guildA, "review", opt("film", "anora")))
	revs, films := &countingReviews{reviewsRole: e.db}, &countingCatalog{Catalog: e.db}
	e.set.reviews, e.set.films = revs, films
	for _, label := range []string{"Next ▶", "🎲 Random"} {
		revs.n, films.header, films.headers = 0, 0, 0
		got := e.button(guildA, buttons(r)[label])
		if reads := revs.n + films.header + films.headers; reads != 1 || !strings.HasPrefix(embed(got).Footer.Text, "Excerpt 2 of 12") || embed(got).Title != "Anora (2024)" {
			t.Errorf("%s: %d reads, %q %q", label, reads, embed(got).Title, embed(got).Footer.Text)
		}
	}
}
