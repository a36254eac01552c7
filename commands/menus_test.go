package commands

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// rightClick is a right-click command on a message (resolved as Discord
// sends it: data.target_id and data.resolved.messages).
func rightClick(guild string, msg *discordgo.Message) *discordgo.InteractionCreate {
	if msg.ID == "" {
		msg.ID = "777"
	}
	return interaction(guild, discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{
		ID: "1", Name: filmsInMessageDef.Name, CommandType: discordgo.MessageApplicationCommand, TargetID: msg.ID,
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{msg.ID: msg}}})
}

// onMember is a right-click command on a member (data.target_id and
// data.resolved.users and members).
func onMember(guild, name, user, target string) *discordgo.InteractionCreate {
	i := interaction(guild, discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{
		ID: "2", Name: name, CommandType: discordgo.UserApplicationCommand, TargetID: target,
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{
			Users:   map[string]*discordgo.User{target: {ID: target, Username: "them"}},
			Members: map[string]*discordgo.Member{target: {}}}})
	if i.Member != nil {
		i.Member.User.ID = user
	}
	return i
}

func menuFilms(t *testing.T, e *env) map[string]storage.Film {
	t.Helper()
	ctx := context.Background()
	out := map[string]storage.Film{}
	for _, f := range []storage.Film{{Title: "Tangerine", Year: 2015}, {Title: "Red Rocket", Year: 2021}, {Title: "Her", Year: 2013},
		{Title: "Dune", Year: 1984}, {Title: "Dune", Year: 2021}, {Title: "The Florida Project", Year: 2017, Aliases: []string{"Florida"}}} {
		made, err := e.db.CreateFilm(ctx, 111, f)
		if err != nil {
			t.Fatal(err)
		}
		out[label(made)] = made
	}
	return out
}

func titles(r *discordgo.InteractionResponse) []string {
	var out []string
	for _, e := range embeds(r) {
		out = append(out, e.Title)
	}
	return out
}

// Films in this message: the films a message names, by title or alias,
// with or without the year, in order, at most three cards, only to who
// asked; each card with its Rate menu, and a button each to put it on the
// watchlist; words that are not titles (a lower-case "it", "Her" opening
// a sentence, an ambiguous "Dune") pass.
func TestFilmsInThisMessage(t *testing.T) {
	e := newEnv(t)
	fs := menuFilms(t, e)
	msg := &discordgo.Message{Content: "Watched Red Rocket last night, then **Tangerine** and Dune (2021). I loved it. Her lead was great; Dune is long, and so is Florida, and Anora."}
	r := e.run(rightClick(guildA, msg))
	if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Error("not ephemeral")
	}
	if got, want := titles(r), []string{"Red Rocket (2021)", "Tangerine (2015)", "Dune (2021)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cards %q, want %q", got, want)
	}
	if content(r) != "2 more films are named there: `/film` shows them." {
		t.Errorf("content %q", content(r))
	}
	if len(rows(r)) != 6 {
		t.Fatalf("%d rows, want a Rate menu and a row with a button in each of 3 cards", len(rows(r)))
	}
	menu := rows(r)[0].Components[0].(discordgo.SelectMenu)
	if menu.Placeholder != "Rate Red Rocket (2021)" || !strings.HasPrefix(menu.CustomID, "rate:select:"+itoa(fs["Red Rocket (2021)"].ID)+":") {
		t.Errorf("first menu %q %q", menu.Placeholder, menu.CustomID)
	}
	bs := buttons(r)
	id := "wladd:add:" + itoa(fs["Tangerine (2015)"].ID)
	if bs["Add to watchlist: Tangerine (2015)"] != id || len(bs) != 3 {
		t.Fatalf("buttons %v", bs)
	}
	// The button adds to the clicker's watchlist, as /watchlist add.
	add := click(guildA, id)
	a, err := e.check(e.set.watchlistAddButton, add)
	if err != nil || !strings.Contains(a.Data.Content, "Added **Tangerine (2015)** to your watchlist") || a.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("add: %v %+v", err, a)
	}
	if a, _ := e.check(e.set.watchlistAddButton, add); !strings.Contains(a.Data.Content, "already on your watchlist") {
		t.Errorf("again: %q", a.Data.Content)
	}
	ws, _ := e.db.Watchlist(context.Background(), 111, 42)
	if len(ws) != 1 || ws[0].Film != fs["Tangerine (2015)"].ID {
		t.Errorf("watchlist %+v", ws)
	}
	// The Rate menu is the card's: it rates.
	sel := interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: menu.CustomID, ComponentType: discordgo.SelectMenuComponent, Values: []string{"8"}})
	if _, err := e.check(e.set.rateButton, sel); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.db.Aggregate(context.Background(), 111, fs["Red Rocket (2021)"].ID); a.Count != 1 {
		t.Errorf("rated: %+v", a)
	}
}

func itoa(n uint64) string { return customID{"x", "y", []uint64{n}}.String()[4:] }

// The bot's own card names its film in the embed's title: that film
// alone, not the films its overview mentions; a layout card's text
// displays are read too; a message naming nothing gets one sentence.
func TestFilmsInThisMessageCardsAndNone(t *testing.T) {
	e := newEnv(t)
	menuFilms(t, e)
	card := &discordgo.Message{Embeds: []*discordgo.MessageEmbed{{Title: "Tangerine (2015)", Description: "Made on phones, like Red Rocket (2021) was not."}}}
	if got := titles(e.run(rightClick(guildA, card))); !reflect.DeepEqual(got, []string{"Tangerine (2015)"}) {
		t.Errorf("the bot's card: %q", got)
	}
	layout := &discordgo.Message{Components: []discordgo.MessageComponent{&discordgo.Container{Components: []discordgo.MessageComponent{
		&discordgo.Section{Components: []discordgo.MessageComponent{&discordgo.TextDisplay{Content: "## Red Rocket (2021)"}}}}}}}
	if got := titles(e.run(rightClick(guildA, layout))); !reflect.DeepEqual(got, []string{"Red Rocket (2021)"}) {
		t.Errorf("a layout card: %q", got)
	}
	none := e.run(rightClick(guildA, &discordgo.Message{Content: "what did everyone think of it?"}))
	if none.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || len(embeds(none)) != 0 || !strings.HasPrefix(none.Data.Content, "I found no film") {
		t.Errorf("no film: %+v", none.Data)
	}
	// Discord sent no message (a client that lost it): one sentence.
	i := rightClick(guildA, &discordgo.Message{Content: "Tangerine"})
	i.ApplicationCommandData() // keep the type
	d := i.Data.(discordgo.ApplicationCommandInteractionData)
	d.Resolved = nil
	i.Data = d
	if msg := e.userError(e.set.filmsInMessage, i); msg != "That message cannot be read any more." {
		t.Errorf("no resolved message: %q", msg)
	}
	// In a DM: the built-in catalog's cards, no menu or button (ratings
	// and watchlists are a server's).
	dm := e.run(rightClick("", &discordgo.Message{Content: "Ani, or Anora (2024)?"}))
	if got := titles(dm); !reflect.DeepEqual(got, []string{"Anora (2024)"}) || len(rows(dm)) != 0 {
		t.Errorf("in a DM: %q, %d rows", got, len(rows(dm)))
	}
}

// In Russian: the name of the command, the Rate menu and the button.
func TestFilmsInThisMessageInRussian(t *testing.T) {
	e := newEnv(t)
	menuFilms(t, e)
	if n := (*e.cmds["Films in this message"].Def.NameLocalizations)["ru"]; n != "Фильмы в сообщении" {
		t.Errorf("name in Russian %q", n)
	}
	i := rightClick(guildA, &discordgo.Message{Content: "Tangerine (2015)"})
	i.Locale = "ru"
	r := e.run(i)
	if bs := buttons(r); len(bs) != 1 || bs["В список «посмотреть»: Tangerine (2015)"] == "" {
		t.Errorf("button %v", bs)
	}
	none := rightClick(guildA, &discordgo.Message{Content: "ничего"})
	none.Locale = "ru"
	if r := e.run(none); !strings.HasPrefix(r.Data.Content, "В этом сообщении не нашлось") {
		t.Errorf("none in Russian: %q", r.Data.Content)
	}
}

// menuWords and matchFilms: what reads as a title.
func TestMenuWords(t *testing.T) {
	ws := menuWords("I saw **Her** (2013). Baker’s film")
	var folds []string
	for _, w := range ws {
		folds = append(folds, w.fold)
	}
	if !reflect.DeepEqual(folds, []string{"i", "saw", "her", "2013", "bakers", "film"}) {
		t.Errorf("words %q", folds)
	}
	if !ws[0].sentence || ws[1].sentence || !ws[2].emphasis || !ws[3].paren || !ws[4].sentence || ws[5].upper {
		t.Errorf("marks %+v", ws)
	}
}

// What Films in this message costs beside /film film:anora (the baseline,
// in the same run): a message of 2,000 characters naming three films,
// and a card naming one in its title.
func BenchmarkFilmsInMessage(b *testing.B) {
	e := newEnv(b)
	for _, f := range []storage.Film{{Title: "Tangerine", Year: 2015}, {Title: "Red Rocket", Year: 2021}, {Title: "The Florida Project", Year: 2017}} {
		if _, err := e.db.CreateFilm(context.Background(), 111, f); err != nil {
			b.Fatal(err)
		}
	}
	long := "We watched Tangerine and then Red Rocket; The Florida Project (2017) next week. "
	long = strings.Repeat("Some words about nothing in particular, again and again. ", (2000-len(long))/57) + long
	for _, c := range []struct {
		name string
		i    *discordgo.InteractionCreate
	}{
		{"film-baseline", slash(guildA, "film", opt("film", "anora"))},
		{"message-2000", rightClick(guildA, &discordgo.Message{Content: long})},
		{"card", rightClick(guildA, &discordgo.Message{Embeds: []*discordgo.MessageEmbed{{Title: "Anora (2024)", Description: "An overview."}}})},
	} {
		run := e.cmds[c.i.ApplicationCommandData().Name].Run
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := run(context.Background(), c.i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
