package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// isLayout checks that r is a layout card: the flag, no content, no
// embeds, at most 40 components and 4,000 characters of text.
func isLayout(t *testing.T, what string, r *discordgo.InteractionResponse) {
	t.Helper()
	d := r.Data
	if d.Flags&discordgo.MessageFlagsIsComponentsV2 == 0 || d.Content != "" || len(d.Embeds) != 0 {
		t.Errorf("%s: not a layout card: flags %d, content %q, %d embeds", what, d.Flags, d.Content, len(d.Embeds))
	}
	if n := limits.Count(d.Components); n > limits.TotalComponents {
		t.Errorf("%s: %d components", what, n)
	}
	if n := limits.TextLength(d.Components); n > limits.TextTotal {
		t.Errorf("%s: %d characters of text", what, n)
	}
	if len(d.Components) == 0 {
		t.Errorf("%s: no components", what)
		return
	}
}

// containers are r's top-level containers.
func containers(r *discordgo.InteractionResponse) []discordgo.Container {
	var out []discordgo.Container
	for _, c := range r.Data.Components {
		if x, ok := c.(discordgo.Container); ok {
			out = append(out, x)
		}
	}
	return out
}

// Every card is a layout card, as a new message and as the update a
// button or the Rate menu makes (type 7 with the flag: a message keeps
// it); the buttons and menus sit inside a container, none at the top.
func TestCardsAreLayoutCards(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.db.Rate(ctx, 111, e.anora.ID, 7, 8); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.WatchlistAdd(ctx, 111, 42, e.anora.ID); err != nil {
		t.Fatal(err)
	}
	review := e.run(slash(guildA, "review", opt("film", "anora")))
	answers := map[string]*discordgo.InteractionResponse{
		"/film":                 e.run(slash(guildA, "film", opt("film", "anora"))),
		"/film in a DM":         e.run(slash("", "film", opt("film", "anora"))),
		"/cast":                 e.run(slash(guildA, "cast", opt("film", "anora"))),
		"/review":               review,
		"/ratings":              e.run(slash(guildA, "ratings", opt("film", "anora"))),
		"/random":               e.run(randomCmd(guildA, "42")),
		"Films in this message": e.run(rightClick(guildA, &discordgo.Message{Content: "Anora!"})),
		"next excerpt":          e.button(guildA, buttons(review)["Next ▶"]),
		"Read it all":           e.button(guildA, buttons(review)["Read it all"]),
		"Rate menu": func() *discordgo.InteractionResponse {
			r, err := e.check(e.set.rateButton, interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{
				CustomID: fmt.Sprintf("rate:select:%d", e.anora.ID), ComponentType: discordgo.SelectMenuComponent, Values: []string{"9"}}))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}(),
	}
	for what, r := range answers {
		isLayout(t, what, r)
		for _, c := range r.Data.Components {
			if _, ok := c.(discordgo.ActionsRow); ok {
				t.Errorf("%s: an action row outside the card", what)
			}
		}
		if len(containers(r)) == 0 || embed(r).Color != colour {
			t.Errorf("%s: no container in the accent colour", what)
		}
	}
	for _, what := range []string{"next excerpt", "Rate menu"} {
		if answers[what].Type != discordgo.InteractionResponseUpdateMessage {
			t.Errorf("%s: type %d, want an update", what, answers[what].Type)
		}
	}
	if answers["Read it all"].Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Error("Read it all is not the member's alone")
	}
	// The Rate menu is the card's, inside it.
	film := answers["/film"]
	inside := containers(film)[0].Components
	if row, ok := inside[len(inside)-1].(discordgo.ActionsRow); !ok || !strings.HasPrefix(row.Components[0].(discordgo.SelectMenu).CustomID, "rate:select:") {
		t.Errorf("the Rate menu is not the card's last row: %#v", inside[len(inside)-1])
	}
	if len(rows(answers["/film in a DM"])) != 0 {
		t.Error("the DM card has a Rate menu")
	}
	// What /random picked from is said above the card.
	if r := answers["/random"]; !strings.Contains(content(r), "<@42>'s watchlist") {
		t.Errorf("/random: %q", content(r))
	}
}

// The poster is the head's thumbnail where the film has one; without one
// the head is a text display, never a thumbnail without an address.
func TestCardPoster(t *testing.T) {
	te := newTMDBEnv(t)
	with := te.run(slash(guildA, "film", opt("film", "tmdb:496243")))
	sec, ok := containers(with)[0].Components[0].(discordgo.Section)
	if !ok {
		t.Fatalf("a film with a poster: head %T, want a section", containers(with)[0].Components[0])
	}
	th, ok := sec.Accessory.(discordgo.Thumbnail)
	if !ok || !strings.HasPrefix(th.Media.URL, "https://") || !strings.Contains(th.Media.URL, "/w342/") {
		t.Errorf("thumbnail %#v", sec.Accessory)
	}
	if head := sec.Components[0].(discordgo.TextDisplay).Content; !strings.HasPrefix(head, "## [Parasite (2019)](https://www.themoviedb.org/movie/496243)\n**Runtime:** ") || !strings.Contains(head, "**Director:** Bong Joon-ho") {
		t.Errorf("head %q", head)
	}
	// The cast and the review of the same film show it too.
	if embed(te.run(slash(guildA, "cast", opt("film", "tmdb:496243")))).Thumbnail == nil {
		t.Error("the cast card has no poster")
	}
	without := te.run(slash(guildA, "film", opt("film", "anora")))
	head, ok := containers(without)[0].Components[0].(discordgo.TextDisplay)
	if !ok || !strings.HasPrefix(head.Content, "## ") {
		t.Errorf("a film without a poster: head %#v", containers(without)[0].Components[0])
	}
	if embed(without).Thumbnail != nil {
		t.Error("a thumbnail without a poster")
	}
}

// A spoiler excerpt sits in a container of its own marked spoiler, its
// text still wrapped in spoiler tags; the card goes on in a container
// after it with the footer and the buttons. A plain excerpt is one
// container. The whole review puts each run of spoilers in its own.
func TestSpoilerContainer(t *testing.T) {
	e := newEnv(t)
	r := e.run(slash(guildA, "review", opt("film", "anora"), opt("excerpt", 11.0)))
	boxes := containers(r)
	if len(boxes) != 3 || boxes[0].Spoiler || !boxes[1].Spoiler || boxes[2].Spoiler {
		t.Fatalf("%d containers, spoilers %v", len(boxes), func() (s []bool) {
			for _, b := range boxes {
				s = append(s, b.Spoiler)
			}
			return
		}())
	}
	text := boxes[1].Components[0].(discordgo.TextDisplay).Content
	if len(boxes[1].Components) != 1 || !strings.Contains(text, "||The film’s climax") || !strings.HasSuffix(text, "||") {
		t.Errorf("spoiler container %q", text)
	}
	if _, ok := boxes[2].Components[len(boxes[2].Components)-1].(discordgo.ActionsRow); !ok {
		t.Error("the buttons are not in the card's last container")
	}
	if n := len(containers(e.run(slash(guildA, "review", opt("film", "anora"), opt("excerpt", 10.0))))); n != 1 {
		t.Errorf("a plain excerpt in %d containers", n)
	}
	// The whole review: plain runs in the card, spoilers in their own.
	f, err := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Twists", Year: 2020})
	if err != nil {
		t.Fatal(err)
	}
	var ex []storage.Excerpt
	for k := range 6 {
		ex = append(ex, storage.Excerpt{Text: fmt.Sprintf("Paragraph %d.", k), Spoiler: k == 2 || k == 3 || k == 5})
	}
	if _, err := e.db.AddReview(context.Background(), 111, storage.Review{FilmID: f.ID, Reviewer: "R", Excerpts: ex}); err != nil {
		t.Fatal(err)
	}
	all := e.button(guildA, buttons(e.run(slash(guildA, "review", opt("film", "twists"))))["Read it all"])
	isLayout(t, "Read it all", all)
	var spoilers []string
	for _, b := range containers(all) {
		if b.Spoiler {
			spoilers = append(spoilers, b.Components[0].(discordgo.TextDisplay).Content)
		}
	}
	if len(spoilers) != 2 || !strings.Contains(spoilers[0], "||Paragraph 2.||") || !strings.Contains(spoilers[0], "||Paragraph 3.||") || !strings.Contains(spoilers[1], "||Paragraph 5.||") {
		t.Errorf("spoiler runs %q", spoilers)
	}
	if d := embed(all).Description; !strings.Contains(d, "Paragraph 0.\n\nParagraph 1.") || !strings.Contains(d, "Paragraph 4.") {
		t.Errorf("whole review %q", d)
	}
}

// The verdict's chart is the media gallery's one item, naming the file
// sent with the answer, on every page; a page turn replaces the chart.
func TestVerdictChartInGallery(t *testing.T) {
	e := newEnv(t)
	for u := 1; u <= 45; u++ {
		if _, err := e.db.Rate(context.Background(), 111, e.anora.ID, uint64(u), 1+u%10); err != nil {
			t.Fatal(err)
		}
	}
	r := e.run(slash(guildA, "ratings", opt("film", "anora")))
	gallery := func(r *discordgo.InteractionResponse) string {
		for _, c := range containers(r)[0].Components {
			if g, ok := c.(discordgo.MediaGallery); ok && len(g.Items) == 1 {
				return g.Items[0].Media.URL
			}
		}
		return ""
	}
	if len(r.Data.Files) != 1 || gallery(r) != "attachment://"+r.Data.Files[0].Name {
		t.Fatalf("gallery %q, files %v", gallery(r), r.Data.Files)
	}
	em := embed(r)
	if em.Title != "The verdict on Anora (2024)" || !strings.HasPrefix(em.Description, "Average **") || !strings.Contains(em.Description, "\n\n<@9> — ★★★★★ (10)\n") {
		t.Errorf("verdict %q: %q", em.Title, em.Description)
	}
	next := e.button(guildA, buttons(r)["Next ▶"])
	isLayout(t, "page 2", next)
	if next.Type != discordgo.InteractionResponseUpdateMessage || next.Data.Attachments == nil || len(*next.Data.Attachments) != 0 ||
		len(next.Data.Files) != 1 || gallery(next) != "attachment://"+next.Data.Files[0].Name {
		t.Errorf("page 2: type %d, gallery %q", next.Type, gallery(next))
	}
	if !strings.Contains(embed(next).Footer.Text, "page 2 of 3") {
		t.Errorf("page 2 footer %q", embed(next).Footer.Text)
	}
}

// A long film, cast and review, in every language: each card keeps within
// 40 components and 4,000 characters of text (e.run checks Discord's
// limits too), and so do three long films in Films in this message.
func TestLongCardsInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	big := bigFilm()
	for k := range 150 {
		big.Cast = append(big.Cast, storage.Role{Actor: fmt.Sprintf("Actor with a long name number %d", k), Role: strings.Repeat("Role ", 20), Note: strings.Repeat("note ", 30)})
	}
	big.Writers, big.Producers, big.Editors, big.Composers, big.Cinematographers = big.Directors, big.Directors, big.Directors, big.Directors, big.Directors
	var ids []uint64
	for k := range 3 {
		f := big
		f.Title = fmt.Sprintf("Colossus %d", k) // found in a message: a few words
		made, err := e.db.CreateFilm(ctx, 111, f)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, made.ID)
		if _, err := e.db.Rate(ctx, 111, made.ID, 1, 7); err != nil {
			t.Fatal(err)
		}
	}
	var ex []storage.Excerpt
	for k := range 60 {
		ex = append(ex, storage.Excerpt{Text: strings.Repeat(fmt.Sprintf("Sentence %d of the review. ", k), 40), Spoiler: k%2 == 1})
	}
	if _, err := e.db.AddReview(ctx, 111, storage.Review{FilmID: ids[0], Reviewer: strings.Repeat("Critic ", 40), Excerpts: ex}); err != nil {
		t.Fatal(err)
	}
	film := fmt.Sprintf("id:%d", ids[0])
	for _, loc := range append([]string{locale.English}, languages...) {
		tl := locale.For(loc)
		check := func(what string, r *discordgo.InteractionResponse) {
			t.Helper()
			isLayout(t, loc+" "+what, r)
		}
		check("/film", e.run(in(loc, slash(guildA, "film", opt("film", film)))))
		cast := e.run(in(loc, slash(guildA, "cast", opt("film", film))))
		check("/cast", cast)
		check("/cast page 2", e.clickIn(loc, guildA, buttons(cast)[tl.S(msgNext)]))
		rev := e.run(in(loc, slash(guildA, "review", opt("film", film), opt("excerpt", 2.0))))
		check("/review", rev)
		all := e.clickIn(loc, guildA, buttons(rev)[tl.S(msgReadAll)])
		check("Read it all", all)
		check("Read it all, page 2", e.clickIn(loc, guildA, buttons(all)[tl.S(msgNext)]))
		menu := e.run(in(loc, rightClick(guildA, &discordgo.Message{Content: "Colossus 0, then Colossus 1 and Colossus 2."})))
		check("Films in this message", menu)
		if n := len(embeds(menu)); n == 0 {
			t.Errorf("%s: no card in Films in this message", loc)
		}
	}
}

// The arithmetic that fits a card counts what its text displays hold.
func TestCardTextChars(t *testing.T) {
	t.Parallel()
	tl := locale.For("ja")
	for _, c := range []card{
		filmCardIn(tl, bigFilm(), 3, &storage.Aggregate{Count: 2, Sum: 15}, "ja", "https://image.example/p.jpg", maxCardText),
		filmCardIn(tl, storage.Film{Title: "T"}, 0, nil, "ja", "", maxCardText),
		excerptView(tl, bigFilm(), storage.Review{Reviewer: "R", Paragraphs: 3}, storage.Excerpt{Text: "x ||y||", Spoiler: true}, 2, 3, ""),
		{title: "T", url: "https://x.example", tail: "tail", image: "attachment://a.png", footer: "a\nb", body: []para{{text: "é"}, {text: "s", spoiler: true}}},
	} {
		if got, want := c.textChars(), limits.TextLength(c.components()); got != want {
			t.Errorf("%q: textChars %d, text displays hold %d", c.title, got, want)
		}
	}
	var b strings.Builder
	card{footer: "a\nb"}.writeFooter(&b)
	if b.String() != "-# a\n-# b" {
		t.Errorf("footer %q", b.String())
	}
}

// The Rate menu on a card posted as an embed (a movie night's prompt)
// keeps that message an embed; on a layout card (or where Discord does not
// say which message) the card it updates is a layout card.
func TestRateMenuKeepsTheMessagesKind(t *testing.T) {
	e := newEnv(t)
	sel := func(msg *discordgo.Message) *discordgo.InteractionResponse {
		i := interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{
			CustomID: fmt.Sprintf("rate:select:%d", e.anora.ID), ComponentType: discordgo.SelectMenuComponent, Values: []string{"8"}})
		i.Message = msg
		r, err := e.check(e.set.rateButton, i)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	legacy := sel(&discordgo.Message{ID: "9", Content: "How was it?", Embeds: []*discordgo.MessageEmbed{{Title: "Anora (2024)"}}})
	if legacy.Data.Flags&discordgo.MessageFlagsIsComponentsV2 != 0 || len(legacy.Data.Embeds) != 1 || !strings.Contains(fieldMap(legacy.Data.Embeds[0])["This server's rating"], "from 1") {
		t.Errorf("on an embed: flags %d, %d embeds", legacy.Data.Flags, len(legacy.Data.Embeds))
	}
	for _, msg := range []*discordgo.Message{nil, {ID: "9", Flags: discordgo.MessageFlagsIsComponentsV2}} {
		r := sel(msg)
		isLayout(t, "on a layout card", r)
		if !strings.Contains(fieldMap(embed(r))["This server's rating"], "from 1") {
			t.Errorf("the card's rating: %v", fieldMap(embed(r)))
		}
	}
}

// Films in this message shows three films with posters and overviews, each
// a compact card (no separators) with its thumbnail, Rate menu and
// watchlist button, within 40 components and 4,000 characters; a fourth is
// counted.
func TestFilmsInThisMessageThreePosters(t *testing.T) {
	e := newEnv(t)
	for k := range 4 {
		f := storage.Film{Title: fmt.Sprintf("Lighthouse %c", 'A'+k), Year: 2019, Poster: fmt.Sprintf("/poster%d.jpg", k), Runtime: 109,
			Directors: []string{"Robert Eggers"}, Overview: strings.Repeat("Two keepers on a rock. ", 40), Genres: []string{"Drama", "Horror"}}
		if _, err := e.db.CreateFilm(context.Background(), 111, f); err != nil {
			t.Fatal(err)
		}
	}
	r := e.run(rightClick(guildA, &discordgo.Message{Content: "Lighthouse A, Lighthouse B, Lighthouse C and Lighthouse D."}))
	isLayout(t, "three cards", r)
	cards := embeds(r)
	if len(cards) != 3 || content(r) != "1 more film is named there: `/film` shows it." {
		t.Fatalf("%d cards, %q", len(cards), content(r))
	}
	for k, c := range cards {
		if c.Thumbnail == nil || !strings.HasSuffix(c.Thumbnail.URL, fmt.Sprintf("/w342/poster%d.jpg", k)) || !strings.HasPrefix(c.Description, "Two keepers") || fieldMap(c)["Director"] != "Robert Eggers" {
			t.Errorf("card %d: %+v", k, c)
		}
	}
	if n := len(buttons(r)); n != 3 {
		t.Errorf("%d watchlist buttons", n)
	}
	for _, box := range containers(r) {
		for _, c := range box.Components {
			if _, ok := c.(discordgo.Separator); ok {
				t.Fatal("a separator in a compact card")
			}
		}
	}
}
