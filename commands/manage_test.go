package commands

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
	"golang.org/x/text/unicode/norm"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

// fakePoster records announcements.
type fakePoster struct {
	mu      sync.Mutex
	gate    chan struct{} // if set, each post waits for it, as a slow Discord
	calls   int           // posts begun
	changed chan struct{} // closed at the next post begun or thread started
	posts   []*discordgo.MessageEmbed
	channel []string
	threads []string
}

func (p *fakePoster) PostMessage(ctx context.Context, _, ch string, e *discordgo.MessageEmbed) (string, error) {
	p.mu.Lock()
	p.calls++
	p.changedLocked()
	p.mu.Unlock()
	if p.gate != nil {
		select {
		case <-p.gate:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts = append(p.posts, e)
	p.channel = append(p.channel, ch)
	return fmt.Sprint(len(p.posts)), nil
}

func (p *fakePoster) changedLocked() {
	if p.changed != nil {
		close(p.changed)
		p.changed = nil
	}
}

func (p *fakePoster) StartThread(_ context.Context, _, _, name string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.threads = append(p.threads, name)
	p.changedLocked()
	return "900" + fmt.Sprint(len(p.threads)), nil
}

func sub(group, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	leaf := &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
	if group == "" {
		return leaf
	}
	return &discordgo.ApplicationCommandInteractionDataOption{Name: group, Type: discordgo.ApplicationCommandOptionSubCommandGroup,
		Options: []*discordgo.ApplicationCommandInteractionDataOption{leaf}}
}

func mod(i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
	i.Member.Permissions = discordgo.PermissionManageGuild
	return i
}

// withChannel resolves a channel option as Discord does for the channels
// a member can pick.
func withChannel(i *discordgo.InteractionCreate, c *discordgo.Channel) *discordgo.InteractionCreate {
	d := i.Data.(discordgo.ApplicationCommandInteractionData)
	d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Channels: map[string]*discordgo.Channel{c.ID: c}}
	i.Data = d
	return i
}

func submit(guild, customID string, fields map[string]string) *discordgo.InteractionCreate {
	var rows []discordgo.MessageComponent
	for k, v := range fields {
		rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: v}}})
	}
	return interaction(guild, discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: customID, Components: rows})
}

func (e *env) modal(i *discordgo.InteractionCreate) string {
	e.t.Helper()
	r, err := e.check(e.set.Components()[strings.Split(i.ModalSubmitData().CustomID, ":")[0]], i)
	if err != nil {
		e.t.Fatalf("submit: %v", err)
	}
	return r.Data.Content
}

func withPoster(e *env) *fakePoster {
	p := &fakePoster{}
	e.set.WithPoster(p)
	return p
}

func TestNonModeratorRefusedEverywhere(t *testing.T) {
	e := newEnv(t)
	f, _ := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Tangerine", Year: 2015})
	r, _ := e.db.AddReview(context.Background(), 111, storage.Review{FilmID: f.ID, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "x"}}})
	manage := e.cmds["manage"].Run
	for _, i := range []*discordgo.InteractionCreate{
		slash(guildA, "manage", sub("review", "add", opt("film", "anora"))),
		slash(guildA, "manage", sub("film", "add")),
		slash(guildA, "manage", sub("film", "remove", opt("film", "tangerine"))),
		slash("", "manage", sub("film", "add")), // a DM
	} {
		if msg := e.userError(manage, i); !strings.Contains(msg, "moderators") && !strings.Contains(msg, "Moderators") {
			t.Errorf("refusal: %q", msg)
		}
	}
	for _, i := range []*discordgo.InteractionCreate{
		submit(guildA, "modrev:add:1", map[string]string{"reviewer": "X", "text": "Sneaky."}),
		submit(guildA, "modfilm:add:0", map[string]string{"title": "Sneaky", "year": "2000"}),
		submit(guildA, fmt.Sprintf("modfilm:edit:%d", f.ID), map[string]string{"title": "Renamed", "year": "2015"}),
		click(guildA, fmt.Sprintf("modrev:remove:%d", r.ID)),
		click(guildA, fmt.Sprintf("modfilm:remove:%d", f.ID)),
	} {
		kind := "modrev"
		if strings.Contains(fmt.Sprint(i.Data), "modfilm") {
			kind = "modfilm"
		}
		e.userError(e.set.Components()[kind], i)
	}
	films, _ := e.db.Films(context.Background(), 111)
	revs, _ := e.db.Reviews(context.Background(), 111, 1)
	if len(films) != 2 || len(revs) != 1 || films[1].Title != "Tangerine" {
		t.Errorf("a non-moderator changed things: %d films %+v, %d reviews of Anora", len(films), films, len(revs))
	}
	if _, err := e.db.Review(context.Background(), 111, r.ID); err != nil {
		t.Error("a non-moderator removed a review")
	}
	// Settings need Manage Server, even for a moderator by the mod role.
	e.db.UpdateSettings(context.Background(), 111, func(s *storage.Settings) { s.ModRole = "76" })
	byRole := slash(guildA, "settings", sub("", "mod-role", &discordgo.ApplicationCommandInteractionDataOption{Name: "role", Type: discordgo.ApplicationCommandOptionRole, Value: "77"}))
	byRole.Member.Roles, byRole.Member.Permissions = []string{"76"}, discordgo.PermissionManageMessages
	e.userError(e.cmds["settings"].Run, byRole)
}

func TestModRoleMakesAModerator(t *testing.T) {
	e := newEnv(t)
	admin := slash(guildA, "settings", sub("", "mod-role", &discordgo.ApplicationCommandInteractionDataOption{Name: "role", Type: discordgo.ApplicationCommandOptionRole, Value: "77"}))
	admin.Member.Permissions = discordgo.PermissionManageGuild
	if r := e.run(admin); !strings.Contains(r.Data.Content, "<@&77>") {
		t.Errorf("settings: %q", r.Data.Content)
	}
	i := slash(guildA, "manage", sub("film", "add"))
	i.Member.Roles = []string{"77"}
	if r := e.run(i); r.Type != discordgo.InteractionResponseModal {
		t.Errorf("a member with the mod role got %+v", r)
	}
	other := slash(guildB, "manage", sub("film", "add"))
	other.Member.Roles = []string{"77"}
	e.userError(e.cmds["manage"].Run, other) // the role is guild A's setting
}

func TestPostReviewThroughTheModal(t *testing.T) {
	e := newEnv(t)
	p := withPoster(e)
	e.db.UpdateSettings(context.Background(), 111, func(s *storage.Settings) { s.ReviewsChannel = "4242" })
	r := e.run(mod(slash(guildA, "manage", sub("review", "add", opt("film", "anora")))))
	if r.Type != discordgo.InteractionResponseModal || r.Data.CustomID != "modrev:add:1" {
		t.Fatalf("want the review form, got %+v", r)
	}
	text := "First thoughts @everyone.\n\n||The ending, revealed.||\n\nA last word."
	msg := e.modal(mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "Roger", "text": text, "quote": "A triumph"})))
	if !strings.Contains(msg, "Posted Roger's review of **Anora (2024)** (3 excerpts)") || !strings.Contains(msg, "<#4242>") || !strings.Contains(msg, "<#9001>") {
		t.Errorf("confirmation: %q", msg)
	}
	if len(p.posts) != 1 || p.channel[0] != "4242" || len(p.threads) != 1 || p.threads[0] != "Anora (2024)" {
		t.Fatalf("announcement: %+v %v %v", p.posts, p.channel, p.threads)
	}
	a := p.posts[0]
	if !strings.Contains(a.Description, "> A triumph") || !strings.Contains(a.Description, "First thoughts") || strings.Contains(a.Description, "ending") || a.Author.Name != "New review by Roger" {
		t.Errorf("announcement embed: %+v", a)
	}
	// Members reach it with /review; the spoiler is marked.
	rv := e.run(slash(guildA, "review", opt("film", "anora")))
	if embed(rv).Author.Name != "Review by Roger" || !strings.Contains(embed(rv).Footer.Text, "2 reviews") {
		t.Errorf("/review: %+v", embed(rv))
	}
	sp := e.run(slash(guildA, "review", opt("film", "anora"), opt("by", "roger"), opt("excerpt", 2.0)))
	if !strings.Contains(embed(sp).Description, "||The ending, revealed.||") {
		t.Errorf("spoiler: %q", embed(sp).Description)
	}
	// Another server never sees it.
	if rv := e.run(slash(guildB, "review", opt("film", "anora"))); embed(rv).Author.Name != "Featured review" {
		t.Error("guild B sees guild A's review")
	}
	revs, _ := e.db.Reviews(context.Background(), 111, 1)
	if revs[0].PostedBy != "42" || revs[0].PostedAt.IsZero() {
		t.Errorf("who and when not recorded: %+v", revs[0])
	}
}

func TestReviewInputLimits(t *testing.T) {
	e := newEnv(t)
	for name, c := range map[string]struct {
		fields map[string]string
		want   string
	}{
		"paragraph too long": {map[string]string{"reviewer": "R", "text": strings.Repeat("word ", 900)}, "at most 4,000"},
		"empty":              {map[string]string{"reviewer": "R", "text": "   \n\n  "}, "no text"},
		"no reviewer":        {map[string]string{"reviewer": " ", "text": "ok"}, "reviewer"},
		"long reviewer":      {map[string]string{"reviewer": strings.Repeat("r", 101), "text": "ok"}, "reviewer"},
		"long quote":         {map[string]string{"reviewer": "R", "text": "ok", "quote": strings.Repeat("q", 301)}, "pull quote"},
	} {
		if msg := e.userError(e.set.modReview, mod(submit(guildA, "modrev:add:1", c.fields))); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q", name, msg)
		}
	}
	if revs, _ := e.db.Reviews(context.Background(), 111, 1); len(revs) != 1 {
		t.Errorf("bad input stored a review")
	}
}

func TestModalForAFilmRemovedMeanwhile(t *testing.T) {
	e := newEnv(t)
	f, _ := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Tangerine", Year: 2015})
	e.db.DeleteFilm(context.Background(), 111, f.ID)
	msg := e.userError(e.set.modReview, mod(submit(guildA, fmt.Sprintf("modrev:add:%d", f.ID), map[string]string{"reviewer": "R", "text": "My careful words."})))
	if !strings.Contains(msg, "removed while you were writing") || !strings.Contains(msg, "My careful words.") {
		t.Errorf("%q", msg)
	}
}

func TestFilmAddEditRemove(t *testing.T) {
	e := newEnv(t)
	add := func(fields map[string]string) *discordgo.InteractionResponse {
		r, err := e.check(e.set.modFilm, mod(submit(guildA, "modfilm:add:0", fields)))
		if err != nil {
			return Reply("ERR " + err.Error())
		}
		return r
	}
	r := add(map[string]string{"title": "Poltergeist", "year": "1982", "directors": "Tobe Hooper", "cast": "JoBeth Williams — Diane Freeling\nCraig T. Nelson - Steve Freeling", "aliases": "Polt"})
	if !strings.Contains(r.Data.Content, "Added **Poltergeist (1982)** (2 in the cast") {
		t.Fatalf("add: %q", r.Data.Content)
	}
	if r := add(map[string]string{"title": "poltergeist", "year": "1982"}); !strings.Contains(r.Data.Content, "already here") {
		t.Errorf("duplicate: %q", r.Data.Content)
	}
	if r := add(map[string]string{"title": "Poltergeist", "year": "2015"}); !strings.Contains(r.Data.Content, "Added") {
		t.Errorf("remake: %q", r.Data.Content)
	}
	for _, bad := range []map[string]string{{"title": "X", "year": "soon"}, {"title": "", "year": "2000"}, {"title": "X", "year": "2000", "cast": "Nobody"}} {
		if r := add(bad); !strings.HasPrefix(r.Data.Content, "ERR") {
			t.Errorf("accepted %v", bad)
		}
	}
	// Autocomplete tells the remakes apart by year, at once.
	ac, _ := e.check(e.cmds["film"].Autocomplete, auto(guildA, "film", focus(opt("film", "polter"))))
	if len(ac.Data.Choices) != 2 || ac.Data.Choices[0].Name != "Poltergeist (1982)" || ac.Data.Choices[1].Name != "Poltergeist (2015)" {
		t.Errorf("autocomplete: %+v", ac.Data.Choices)
	}
	if msg := e.userError(e.cmds["film"].Run, slash(guildA, "film", opt("film", "poltergeist"))); !strings.Contains(msg, "Several films") {
		t.Errorf("ambiguous: %q", msg)
	}
	// Edit, cast included, through a prefilled form.
	films, _ := e.db.Films(context.Background(), 111)
	var p82 storage.Film
	for _, f := range films {
		if f.Year == 1982 {
			p82 = f
		}
	}
	form := e.run(mod(slash(guildA, "manage", sub("film", "edit", opt("film", "Poltergeist (1982)")))))
	if form.Type != discordgo.InteractionResponseModal || !strings.Contains(fmt.Sprint(form.Data.Components), "JoBeth Williams — Diane Freeling") {
		t.Fatalf("edit form: %+v", form.Data)
	}
	msg := e.modal(mod(submit(guildA, fmt.Sprintf("modfilm:edit:%d", p82.ID), map[string]string{"title": "Poltergeist", "year": "1982", "cast": "JoBeth Williams — Diane Freeling\nHeather O'Rourke — Carol Anne Freeling"})))
	if !strings.Contains(msg, "Saved") {
		t.Errorf("edit: %q", msg)
	}
	cast := e.run(slash(guildA, "cast", opt("film", fmt.Sprintf("id:%d", p82.ID))))
	if !strings.Contains(embed(cast).Description, "Heather O'Rourke") || strings.Contains(embed(cast).Description, "Craig") {
		t.Errorf("cast after edit: %q", embed(cast).Description)
	}
	// Built-in films cannot be edited or removed by a server.
	if msg := e.userError(e.cmds["manage"].Run, mod(slash(guildA, "manage", sub("film", "edit", opt("film", "anora"))))); !strings.Contains(msg, "built-in") {
		t.Errorf("edit built-in: %q", msg)
	}
	// Remove asks first and says what goes.
	e.db.AddReview(context.Background(), 111, storage.Review{FilmID: p82.ID, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "x"}}})
	e.db.Rate(context.Background(), 111, p82.ID, 42, 8)
	ask := e.run(mod(slash(guildA, "manage", sub("film", "remove", opt("film", "Poltergeist 1982")))))
	if !strings.Contains(ask.Data.Content, "1 review and 1 rating") || ask.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("confirmation: %q", ask.Data.Content)
	}
	yes := buttons(ask)["Remove"]
	r2, err := e.check(e.set.modFilm, mod(click(guildA, yes)))
	if err != nil || r2.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(r2.Data.Content, "Removed **Poltergeist (1982)**") {
		t.Fatalf("remove: %v %+v", err, r2)
	}
	ac, _ = e.check(e.cmds["film"].Autocomplete, auto(guildA, "film", focus(opt("film", "polter"))))
	if len(ac.Data.Choices) != 1 {
		t.Errorf("autocomplete still offers the removed film: %+v", ac.Data.Choices)
	}
	// Another server never saw any of it.
	ac, _ = e.check(e.cmds["film"].Autocomplete, auto(guildB, "film", focus(opt("film", "polter"))))
	if len(ac.Data.Choices) != 0 {
		t.Errorf("guild B sees guild A's films: %+v", ac.Data.Choices)
	}
}

func TestReviewEditAndRemove(t *testing.T) {
	e := newEnv(t)
	r, _ := e.db.AddReview(context.Background(), 111, storage.Review{FilmID: 1, Reviewer: "Roger", Excerpts: []storage.Excerpt{{Text: "One."}, {Text: "Two.", Spoiler: true}}})
	e.db.Rate(context.Background(), 111, 1, 5, 9)
	form := e.run(mod(slash(guildA, "manage", sub("review", "edit", opt("film", "anora"), opt("by", "roger")))))
	if form.Type != discordgo.InteractionResponseModal || !strings.Contains(fmt.Sprint(form.Data.Components), "One.\n\n||Two.||") {
		t.Fatalf("edit form: %+v", form.Data)
	}
	msg := e.modal(mod(submit(guildA, fmt.Sprintf("modrev:edit:%d", r.ID), map[string]string{"reviewer": "Roger E.", "text": "Uno.\n\nDos."})))
	if !strings.Contains(msg, "Saved Roger E.'s review (2 excerpts)") {
		t.Errorf("edit: %q", msg)
	}
	if msg := e.userError(e.cmds["manage"].Run, mod(slash(guildA, "manage", sub("review", "edit", opt("film", "anora"), opt("by", "featured"))))); !strings.Contains(msg, "No review by") {
		t.Errorf("editing the built-in review: %q", msg)
	}
	ask := e.run(mod(slash(guildA, "manage", sub("review", "remove", opt("film", "anora"), opt("by", "Roger E.")))))
	if !strings.Contains(ask.Data.Content, "Its ratings stay") {
		t.Errorf("confirmation: %q", ask.Data.Content)
	}
	keep, _ := e.check(e.set.modReview, mod(click(guildA, buttons(ask)["Keep it"])))
	if !strings.Contains(keep.Data.Content, "Kept") {
		t.Errorf("keep: %+v", keep.Data)
	}
	if _, err := e.check(e.set.modReview, mod(click(guildA, buttons(ask)["Remove"]))); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Review(context.Background(), 111, r.ID); err == nil {
		t.Error("review not removed")
	}
	if a, _ := e.db.Aggregate(context.Background(), 111, 1); a.Count != 1 {
		t.Error("removing a review removed ratings")
	}
}

func attachOpt(id string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: id}
}

func withAttachment(i *discordgo.InteractionCreate, a *discordgo.MessageAttachment) *discordgo.InteractionCreate {
	d := i.Data.(discordgo.ApplicationCommandInteractionData)
	d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{a.ID: a}}
	i.Data = d
	return i
}

func TestReviewFromAttachment(t *testing.T) {
	e := newEnv(t)
	p := withPoster(e)
	seed := storage.SeedReview()
	var lines []string
	for _, x := range seed {
		lines = append(lines, x.Text)
	}
	long := strings.Join(lines, "\n") // the 5,875-byte seed: longer than a form holds
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/review.txt":
			fmt.Fprint(w, long)
		case "/big.txt":
			w.Write([]byte(strings.Repeat("a", 200<<10)))
		case "/ctrl.txt":
			w.Write([]byte("ok\x1b[31m red"))
		case "/binary.txt":
			w.Write([]byte{0xff, 0xfe, 0x00, 0x41})
		case "/slow.txt":
			<-r.Context().Done() // answers only once the fetcher has given up
			fmt.Fprint(w, "late")
		}
	}))
	defer srv.Close()
	e.set.WithFetcher(bot.HTTPFetcher(srv.Client(), 200*time.Millisecond))
	run := func(name string, size int, ct string) (*discordgo.InteractionResponse, error) {
		i := mod(slash(guildA, "manage", sub("review", "add", opt("film", "anora"), attachOpt("a1"), opt("reviewer", "Long Reader"))))
		withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: name, Size: size, ContentType: ct, URL: srv.URL + "/" + name})
		return e.check(e.cmds["manage"].Run, i)
	}
	r, err := run("review.txt", len(long), "text/plain; charset=utf-8")
	if err != nil || !strings.Contains(r.Data.Content, "Posted Long Reader's review of **Anora (2024)** (12 excerpts)") {
		t.Fatalf("attachment: %v %+v", err, r)
	}
	if len(p.posts) != 1 {
		t.Error("not announced")
	}
	for name, c := range map[string]struct {
		file string
		size int
		ct   string
		want string
	}{
		"declared too big": {"big.txt", 200 << 10, "text/plain", "limit is 100 KB"},
		"actually too big": {"big.txt", 10, "text/plain", "over 100 KB"},
		"not text":         {"photo.png", 10, "image/png", "not a text file"},
		"text/* but html":  {"page.html", 10, "text/html", "not a text file"},
		"a control char":   {"ctrl.txt", 10, "text/plain", "not UTF-8"},
		"not UTF-8":        {"binary.txt", 4, "text/plain", "not UTF-8"},
		"slow":             {"slow.txt", 4, "text/plain", "too long"},
	} {
		_, err := run(c.file, c.size, c.ct)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if revs, _ := e.db.Reviews(context.Background(), 111, 1); len(revs) != 2 {
		t.Errorf("%d reviews, want the seed and the one good file", len(revs))
	}
}

func TestManageDefinitions(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"manage", "settings"} {
		d := e.cmds[name].Def
		if d.DefaultMemberPermissions == nil || *d.DefaultMemberPermissions == 0 {
			t.Errorf("/%s has no default_member_permissions", name)
		}
	}
	r := e.run(mod(slash(guildA, "manage", sub("review", "add", opt("film", "anora")))))
	if err := limits.Check(r); err != nil {
		t.Error(err)
	}
}

func TestManageAutocompleteAndSettings(t *testing.T) {
	e := newEnv(t)
	e.db.AddReview(context.Background(), 111, storage.Review{FilmID: 1, Reviewer: "Roger", Excerpts: []storage.Excerpt{{Text: "x"}}})
	by := func(i *discordgo.InteractionCreate) []*discordgo.ApplicationCommandOptionChoice {
		r, err := e.check(e.cmds["manage"].Autocomplete, i)
		if err != nil {
			t.Fatal(err)
		}
		return r.Data.Choices
	}
	ask := func() *discordgo.InteractionCreate {
		return auto(guildA, "manage", sub("review", "edit", opt("film", "anora"), focus(opt("by", "rog"))))
	}
	if got := by(ask()); len(got) != 0 {
		t.Errorf("a non-moderator is offered reviews: %+v", got)
	}
	if got := by(mod(ask())); len(got) != 1 || !strings.HasPrefix(got[0].Name, "Roger") {
		t.Errorf("moderator's choices: %+v", got)
	}
	admin := func(i *discordgo.InteractionCreate) string {
		i.Member.Permissions = discordgo.PermissionAdministrator
		return e.run(i).Data.Content
	}
	ch := &discordgo.ApplicationCommandInteractionDataOption{Name: "channel", Type: discordgo.ApplicationCommandOptionChannel, Value: "555"}
	if got := admin(withChannel(slash(guildA, "settings", sub("", "reviews-channel", ch)), &discordgo.Channel{ID: "555", Type: discordgo.ChannelTypeGuildText})); !strings.Contains(got, "<#555>") {
		t.Errorf("set channel: %q", got)
	}
	if got := admin(slash(guildA, "settings", sub("", "show"))); !strings.Contains(got, "<#555>") {
		t.Errorf("show: %q", got)
	}
	if got := admin(slash(guildA, "settings", sub("", "reviews-channel"))); !strings.Contains(got, "where each review is posted") {
		t.Errorf("reset channel: %q", got)
	}
	if s, _ := e.db.Settings(context.Background(), 222); s.ReviewsChannel != "" {
		t.Error("another server's settings changed")
	}
	e.userError(e.cmds["settings"].Run, slash("", "settings", sub("", "show")))
}

// Moderator rights are server-wide rights: Manage Messages, which a
// channel overwrite can grant in one channel, is not enough; the mod role
// is; @everyone cannot be the mod role.
func TestModeratorRightsAreServerWide(t *testing.T) {
	e := newEnv(t)
	asMember := func(perms int64, roles ...string) *discordgo.InteractionCreate {
		i := slash(guildA, "manage", sub("film", "add"))
		i.Member.Permissions, i.Member.Roles = perms, roles
		return i
	}
	for name, i := range map[string]*discordgo.InteractionCreate{
		"manage messages in this channel": asMember(discordgo.PermissionManageMessages),
		"no rights":                       asMember(0),
		"a role that is not the mod role": asMember(0, "777"),
	} {
		if got := e.userError(e.cmds["manage"].Run, i); !strings.Contains(got, "Manage Server") {
			t.Errorf("%s: %q", name, got)
		}
	}
	for name, i := range map[string]*discordgo.InteractionCreate{
		"manage server": asMember(discordgo.PermissionManageGuild),
		"administrator": asMember(discordgo.PermissionAdministrator),
	} {
		if r := e.run(i); r.Type != discordgo.InteractionResponseModal {
			t.Errorf("%s: %+v", name, r.Data)
		}
	}
	admin := func(i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
		i.Member.Permissions = discordgo.PermissionManageGuild
		return i
	}
	role := func(id string) *discordgo.InteractionCreate {
		return admin(slash(guildA, "settings", sub("", "mod-role", &discordgo.ApplicationCommandInteractionDataOption{Name: "role", Type: discordgo.ApplicationCommandOptionRole, Value: id})))
	}
	if got := e.userError(e.cmds["settings"].Run, role(guildA)); !strings.Contains(got, "@everyone") {
		t.Errorf("@everyone as mod role: %q", got)
	}
	if s, _ := e.db.Settings(context.Background(), 111); s.ModRole != "" {
		t.Errorf("@everyone was stored: %+v", s)
	}
	e.run(role("777"))
	if r := e.run(asMember(0, "777")); r.Type != discordgo.InteractionResponseModal {
		t.Errorf("mod role member: %+v", r.Data)
	}
	// A database from before the check may hold @everyone: it grants nothing.
	e.db.UpdateSettings(context.Background(), 111, func(s *storage.Settings) { s.ModRole = guildA })
	if got := e.userError(e.cmds["manage"].Run, asMember(0, guildA)); !strings.Contains(got, "Manage Server") {
		t.Errorf("stored @everyone: %q", got)
	}
}

// /settings reviews-channel takes only a text channel Discord resolved
// for this server; anything else is refused and nothing is stored.
func TestReviewsChannelOfThisServerOnly(t *testing.T) {
	e := newEnv(t)
	set := func(c *discordgo.Channel, value string) *discordgo.InteractionCreate {
		i := slash(guildA, "settings", sub("", "reviews-channel", &discordgo.ApplicationCommandInteractionDataOption{Name: "channel", Type: discordgo.ApplicationCommandOptionChannel, Value: value}))
		i.Member.Permissions = discordgo.PermissionManageGuild
		if c != nil {
			withChannel(i, c)
		}
		return i
	}
	for name, i := range map[string]*discordgo.InteractionCreate{
		"not resolved (another server's id)": set(nil, "999"),
		"resolved in another server":         set(&discordgo.Channel{ID: "999", GuildID: guildB, Type: discordgo.ChannelTypeGuildText}, "999"),
		"a voice channel":                    set(&discordgo.Channel{ID: "999", Type: discordgo.ChannelTypeGuildVoice}, "999"),
		"not an id":                          set(nil, "general"),
	} {
		e.userError(e.cmds["settings"].Run, i)
		if s, _ := e.db.Settings(context.Background(), 111); s.ReviewsChannel != "" {
			t.Fatalf("%s: stored %q", name, s.ReviewsChannel)
		}
	}
	if got := e.run(set(&discordgo.Channel{ID: "999", GuildID: guildA, Type: discordgo.ChannelTypeGuildText}, "999")).Data.Content; !strings.Contains(got, "<#999>") {
		t.Errorf("a channel of this server: %q", got)
	}
}

// A slow Discord after the review is saved: the moderator is told it is
// saved (not "try again"), the announcement still arrives once, and the
// same form submitted again adds nothing.
func TestSlowAnnouncementAfterSave(t *testing.T) {
	e := newEnv(t)
	p := &fakePoster{gate: make(chan struct{})} // Discord takes the announcement only when the test says
	e.set.WithPoster(p)
	defer func(w time.Duration) { announceWait = w }(announceWait)
	announceWait = 50 * time.Millisecond
	form := func() *discordgo.InteractionCreate {
		return mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "Roger", "text": "One.\n\nTwo."}))
	}
	got := e.modal(form())
	if !strings.Contains(got, "It is saved") || !strings.Contains(got, "Do not post the review again") {
		t.Errorf("answer while the announcement is slow: %q", got)
	}
	again := e.modal(form())
	if !strings.Contains(again, "already saved") {
		t.Errorf("the same form again: %q", again)
	}
	revs, _ := e.db.Reviews(context.Background(), 111, 1)
	if len(revs) != 2 { // the built-in review and Roger's, once
		t.Errorf("%d reviews, want 2", len(revs))
	}
	// Both answers are out, and the second form started no announcement
	// (it would have waited for its post, and not said "already saved"):
	// the one begun is the first form's. Discord now takes it.
	close(p.gate)
	threaded := make(chan struct{})
	go func() {
		for {
			p.mu.Lock()
			n := len(p.threads)
			if n == 0 && p.changed == nil {
				p.changed = make(chan struct{})
			}
			ch := p.changed
			p.mu.Unlock()
			if n > 0 {
				close(threaded)
				return
			}
			<-ch
		}
	}()
	select {
	case <-threaded:
	case <-time.After(5 * time.Second): // a failsafe: the test has failed
		t.Fatal("the announcement never arrived")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.calls != 1 || len(p.posts) != 1 || len(p.threads) != 1 {
		t.Errorf("announcements begun %d, posted %d, threads %d; want one of each", p.calls, len(p.posts), len(p.threads))
	}
}

// What moderators type is cleaned: one form of each character, no
// invisible or direction-reversing characters, no look-alike duplicates
// of a film already here, no title that shows as nothing.
func TestTypedTextIsCleaned(t *testing.T) {
	e := newEnv(t)
	add := func(title string) (string, error) {
		i := mod(submit(guildA, "modfilm:add:0", map[string]string{"title": title, "year": "2024"}))
		r, err := e.check(e.set.Components()["modfilm"], i)
		if err != nil {
			return "", err
		}
		return r.Data.Content, nil
	}
	for name, title := range map[string]string{
		"zero-width space":  "Ano\u200bra",
		"Cyrillic o":        "An\u043era",
		"Greek omicron":     "AN\u039fRA",
		"soft hyphen":       "Ano\u00adra",
		"spaces and joiner": "  Anora\u200d ",
	} {
		if _, err := add(title); err == nil || !strings.Contains(err.Error(), "already here") {
			t.Errorf("%s: %q was not refused as Anora: %v", name, title, err)
		}
	}
	for name, title := range map[string]string{
		"only invisible":     "\u200b\u200b",
		"a blank letter":     "\u3164",
		"direction override": "Anora \u202eevil",
		"NUL":                "Ano\x00ra",
		"newline":            "Ano\nra",
		"escape sequence":    "Ano\x1b[2Jra",
	} {
		if _, err := add(title); err == nil {
			t.Errorf("%s: %q was saved", name, title)
		}
	}
	if got, err := add("Cafe\u0301 Society"); err != nil || !strings.Contains(got, "Café Society") {
		t.Fatalf("decomposed title: %q %v", got, err)
	}
	if _, err := add("Caf\u00e9 Society"); err == nil || !strings.Contains(err.Error(), "already here") {
		t.Errorf("the same title composed otherwise was not refused: %v", err)
	}
	films, _ := e.db.Films(context.Background(), 111)
	if len(films) != 2 {
		t.Errorf("%d films, want Anora and Café Society", len(films))
	}
	for _, f := range films {
		if f.Title != norm.NFC.String(f.Title) {
			t.Errorf("stored %q is not NFC", f.Title)
		}
	}
	i := mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "Ro\u202eger", "text": "Fine."}))
	if _, err := e.check(e.set.Components()["modrev"], i); err == nil {
		t.Error("a reviewer's name with a direction override was saved")
	}
	i = mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "Ro\u200bger", "text": "Fine\u200b."}))
	if _, err := e.check(e.set.Components()["modrev"], i); err != nil {
		t.Fatal(err)
	}
	revs, _ := e.db.Reviews(context.Background(), 111, 1)
	if revs[0].Reviewer != "Roger" || revs[0].Excerpts[0].Text != "Fine." {
		t.Errorf("stored %q: %q", revs[0].Reviewer, revs[0].Excerpts[0].Text)
	}
}
