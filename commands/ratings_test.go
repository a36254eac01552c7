package commands

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

func as(i *discordgo.InteractionCreate, user string) *discordgo.InteractionCreate {
	i.Member.User.ID = user
	return i
}

func TestStars(t *testing.T) {
	for s, want := range map[int]string{1: "½", 2: "★", 7: "★★★½", 10: "★★★★★"} {
		if got := Stars(s); got != want {
			t.Errorf("Stars(%d) = %q, want %q", s, got, want)
		}
	}
}

func TestRate(t *testing.T) {
	e := newEnv(t)
	r := e.run(as(slash(guildA, "rate", opt("film", "anora"), opt("score", 7.0)), "7"))
	d := embed(r).Description
	if !strings.Contains(d, "★★★½") || !strings.Contains(d, "7.0") || !strings.Contains(d, "1 rating") {
		t.Errorf("rate answer: %q", d)
	}
	if buttons(r)["Remove my rating"] != "rate:remove:1" {
		t.Errorf("no remove button: %v", buttons(r))
	}
	e.run(as(slash(guildA, "rate", opt("film", "anora"), opt("score", 10.0)), "8"))
	// Re-rating replaces.
	r = e.run(as(slash(guildA, "rate", opt("film", "anora"), opt("score", 9.0)), "7"))
	if d := embed(r).Description; !strings.Contains(d, "9.5") || !strings.Contains(d, "2 ratings") {
		t.Errorf("re-rate: %q", d)
	}
	// No score: shows mine.
	r = e.run(as(slash(guildA, "rate", opt("film", "anora")), "7"))
	if d := embed(r).Description; !strings.Contains(d, "Your rating") || !strings.Contains(d, "(9/10)") {
		t.Errorf("show rating: %q", d)
	}
	// Remove acts for the clicker.
	rm := e.button(guildA, "rate:remove:1") // member 42 never rated
	if !strings.Contains(embed(rm).Description, "had not rated") {
		t.Errorf("remove by a non-rater: %q", embed(rm).Description)
	}
	if a, _ := e.db.Aggregate(context.Background(), 111, 1); a.Count != 2 {
		t.Errorf("a non-rater's remove changed the count: %d", a.Count)
	}
	i := click(guildA, "rate:remove:1")
	i.Member.User.ID = "7"
	resp, err := e.check(e.set.rateButton, i)
	if err != nil || !strings.Contains(embed(resp).Description, "removed") {
		t.Fatalf("remove: %v %+v", err, resp)
	}
	if a, _ := e.db.Aggregate(context.Background(), 111, 1); a.Count != 1 || a.Sum != 10 {
		t.Errorf("after remove: %+v", a)
	}
	// The card's menu rates too.
	sel := interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: "rate:select:1", ComponentType: discordgo.SelectMenuComponent, Values: []string{"4"}})
	resp, err = e.check(e.set.rateButton, sel)
	if err != nil {
		t.Fatal(err)
	}
	// It updates the card with the new verdict (type 7), menu kept.
	if resp.Type != discordgo.InteractionResponseUpdateMessage || len(rows(resp)) != 1 || !strings.Contains(ratingField(embed(resp)), "from 2") {
		t.Errorf("the card after rating: %+v", resp.Data)
	}
	if r, err := e.db.UserRating(context.Background(), 111, 1, 42); err != nil || r.Score != 4 {
		t.Errorf("menu rating: %+v %v", r, err)
	}
}

func TestRateBadInput(t *testing.T) {
	e := newEnv(t)
	run := e.cmds["rate"].Run
	for name, c := range map[string]struct {
		i    *discordgo.InteractionCreate
		want string
	}{
		"zero":       {slash(guildA, "rate", opt("film", "anora"), opt("score", 0.0)), "1 to 10"},
		"eleven":     {slash(guildA, "rate", opt("film", "anora"), opt("score", 11.0)), "1 to 10"},
		"fraction":   {slash(guildA, "rate", opt("film", "anora"), opt("score", 7.5)), "whole number"},
		"unknown":    {slash(guildA, "rate", opt("film", "nope"), opt("score", 5.0)), "No film called"},
		"dm":         {slash("", "rate", opt("film", "anora"), opt("score", 5.0)), "servers"},
		"not rated":  {slash(guildA, "rate", opt("film", "anora")), "not rated"},
		"ratings dm": {slash("", "ratings", opt("film", "anora")), "servers"},
	} {
		h := run
		if c.i.ApplicationCommandData().Name == "ratings" {
			h = e.cmds["ratings"].Run
		}
		if msg := e.userError(h, c.i); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q, want %q", name, msg, c.want)
		}
	}
	if a, _ := e.db.Aggregate(context.Background(), 111, 1); a.Count != 0 {
		t.Errorf("bad input stored a rating: %+v", a)
	}
	sel := interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: "rate:select:1", Values: []string{"99"}})
	e.userError(e.set.rateButton, sel)
	// A card whose film is gone (or never was here) rates nothing.
	for _, id := range []string{"rate:select:999", "rate:remove:999"} {
		gone := interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: id, Values: []string{"7"}})
		if msg := e.userError(e.set.rateButton, gone); !strings.Contains(msg, "removed") {
			t.Errorf("%s: %q", id, msg)
		}
	}
	if a, _ := e.db.Aggregate(context.Background(), 111, 999); a.Count != 0 {
		t.Errorf("a gone film was rated: %+v", a)
	}
}

func TestRatingsTopMine(t *testing.T) {
	e := newEnv(t)
	f2, _ := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Tangerine", Year: 2015})
	for u := 1; u <= 45; u++ {
		e.db.Rate(context.Background(), 111, 1, uint64(u), 1+u%10)
	}
	e.db.Rate(context.Background(), 111, f2.ID, 1, 10)
	r := e.run(slash(guildA, "ratings", opt("film", "anora")))
	em := embed(r)
	if !strings.Contains(em.Description, "45 ratings") || !strings.Contains(em.Description, "median") || em.Image.URL != "attachment://ratings.png" {
		t.Errorf("ratings: %q", em.Description[:80])
	}
	if len(r.Data.Files) != 1 {
		t.Fatal("no chart attached")
	}
	data, _ := io.ReadAll(r.Data.Files[0].Reader)
	if img, err := png.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() < 100 {
		t.Errorf("chart is not a PNG: %v", err)
	}
	seen := em.Description
	page := r
	for {
		id, ok := buttons(page)["Next ▶"]
		if !ok {
			break
		}
		page = e.button(guildA, id)
		seen += embed(page).Description
	}
	for u := 1; u <= 45; u++ {
		if !strings.Contains(seen, fmt.Sprintf("<@%d> —", u)) {
			t.Errorf("rater %d not listed", u)
		}
	}
	if am := r.Data.AllowedMentions; am == nil || len(am.Parse) != 0 {
		t.Error("the list of raters could ping them")
	}
	top := e.run(slash(guildA, "top"))
	if d := embed(top).Description; !strings.HasPrefix(d, "1. **Tangerine (2015)** — 10.0/10 from 1") {
		t.Errorf("top: %q", d)
	}
	top = e.run(slash(guildA, "top", opt("min_ratings", 2.0)))
	if d := embed(top).Description; !strings.HasPrefix(d, "1. **Anora (2024)**") || strings.Contains(d, "Tangerine") {
		t.Errorf("top min 2: %q", d)
	}
	mine := e.run(as(slash(guildA, "myratings"), "1"))
	if d := embed(mine).Description; !strings.Contains(d, "Tangerine") || !strings.Contains(d, "Anora") {
		t.Errorf("myratings: %q", d)
	}
	other := slash(guildA, "myratings", &discordgo.ApplicationCommandInteractionDataOption{Name: "user", Type: discordgo.ApplicationCommandOptionUser, Value: "2"})
	if d := embed(e.run(other)).Description; !strings.Contains(d, "<@2>") || strings.Contains(d, "Tangerine") {
		t.Errorf("myratings user:2: %q", d)
	}
	// Another server has its own verdict.
	e.userError(e.cmds["ratings"].Run, slash(guildB, "ratings", opt("film", "anora")))
	// The card shows the aggregate and the menu in a server, not in a DM.
	card := e.run(slash(guildA, "film", opt("film", "anora")))
	rating := ""
	for _, f := range embed(card).Fields {
		if f.Name == "This server's rating" {
			rating = f.Value
		}
	}
	if len(rows(card)) != 1 || !strings.Contains(rating, "from 45") {
		t.Errorf("card lacks ratings: %q", rating)
	}
	if dm := e.run(slash("", "film", opt("film", "anora"))); len(rows(dm)) != 0 {
		t.Error("the DM card offers rating")
	}
}

func TestTopAndMyRatingsPages(t *testing.T) {
	e := newEnv(t)
	for k := 0; k < 25; k++ {
		f, err := e.db.AddFilm(context.Background(), 111, storage.Film{Title: fmt.Sprintf("Film %02d", k), Year: 2000})
		if err != nil {
			t.Fatal(err)
		}
		e.db.Rate(context.Background(), 111, f.ID, 42, 1+k%10)
	}
	walk := func(first *discordgo.InteractionResponse) (string, int) {
		seen, pages := embed(first).Description, 1
		for page := first; ; pages++ {
			id, ok := buttons(page)["Next ▶"]
			if !ok {
				return seen, pages
			}
			page = e.button(guildA, id)
			if page.Type != discordgo.InteractionResponseUpdateMessage {
				t.Fatalf("page turn type %d", page.Type)
			}
			seen += "\n" + embed(page).Description
		}
	}
	top, pages := walk(e.run(slash(guildA, "top")))
	if pages != 3 || strings.Count(top, "/10 from 1") != 25 {
		t.Errorf("/top: %d pages, %d films", pages, strings.Count(top, "/10 from 1"))
	}
	mine, pages := walk(e.run(slash(guildA, "myratings")))
	if pages != 2 || strings.Count(mine, "**Film ") != 25 {
		t.Errorf("/myratings: %d pages, %d films", pages, strings.Count(mine, "**Film "))
	}
	for _, id := range []string{"top:page:1:9", "top:page:0:1", "mine:page:42:9", "ratings:page:999:1"} {
		kind, _, _ := strings.Cut(id, ":")
		e.userError(e.set.Components()[kind], click(guildA, id))
	}
	e.userError(e.cmds["top"].Run, slash(guildA, "top", opt("min_ratings", 0.0)))
	e.userError(e.cmds["top"].Run, slash(guildA, "top", opt("min_ratings", 2.0)))
}

func ratingField(e *discordgo.MessageEmbed) string {
	for _, f := range e.Fields {
		if f.Name == "This server's rating" {
			return f.Value
		}
	}
	return ""
}

// Rating from the card's Rate menu updates the public card and tells the
// rater alone, in an ephemeral follow-up, what /rate would tell them:
// the score, the server's verdict, the film off their watchlist, and a
// button to take it back.
func TestRateMenuTellsTheRaterAlone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var sent []*discordgo.InteractionResponseData
	e.set.WithFollowup(func(_ context.Context, d *discordgo.InteractionResponseData) bool {
		sent = append(sent, d)
		return true
	})
	if _, err := e.db.WatchlistAdd(ctx, 111, 42, e.anora.ID); err != nil {
		t.Fatal(err)
	}
	sel := interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: fmt.Sprintf("rate:select:%d", e.anora.ID), ComponentType: discordgo.SelectMenuComponent, Values: []string{"8"}})
	card, err := e.check(e.set.rateButton, sel)
	if err != nil {
		t.Fatal(err)
	}
	if card.Type != discordgo.InteractionResponseUpdateMessage || card.Data.Flags&discordgo.MessageFlagsEphemeral != 0 || !strings.Contains(ratingField(embed(card)), "from 1") {
		t.Errorf("the card: %+v", card.Data)
	}
	if len(sent) != 1 {
		t.Fatalf("%d follow-ups, want 1", len(sent))
	}
	note := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: sent[0]}
	if err := limits.Check(note); err != nil {
		t.Fatal(err)
	}
	d := embed(note).Description
	if note.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(d, "You rated **★★★★** (8/10)") || !strings.Contains(d, "off your watchlist") || buttons(note)["Remove my rating"] == "" {
		t.Errorf("the rater's note: flags %d, %q, buttons %v", note.Data.Flags, d, buttons(note))
	}
	if on, _ := e.db.OnWatchlist(ctx, 111, 42, e.anora.ID); on {
		t.Error("the rated film stayed on the watchlist")
	}
	// /rate tells the same, as its answer.
	slashNote := e.run(slash(guildA, "rate", opt("film", "anora"), opt("score", 8.0)))
	if embed(slashNote).Title != embed(note).Title || !strings.Contains(embed(slashNote).Description, "You rated **★★★★** (8/10)") {
		t.Errorf("/rate and the menu differ: %q vs %q", embed(slashNote).Description, d)
	}
	// Without a way to follow up, the card is still updated.
	e.set.WithFollowup(nil)
	if card, err := e.check(e.set.rateButton, sel); err != nil || card.Type != discordgo.InteractionResponseUpdateMessage {
		t.Errorf("without follow-ups: %v %+v", err, card)
	}
}
