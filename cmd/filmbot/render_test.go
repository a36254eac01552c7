package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// layoutCard is testdata/layout-card.json, a layout card (Components V2)
// as Discord's docs write one, decoded as discordgo decodes a message's
// components (pointers).
func layoutCard(t *testing.T) *discordgo.InteractionResponse {
	t.Helper()
	raw, err := os.ReadFile("testdata/layout-card.json")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body.Data, &m); err != nil {
		t.Fatal(err)
	}
	return &discordgo.InteractionResponse{Type: body.Type, Data: &discordgo.InteractionResponseData{Flags: m.Flags, Components: m.Components}}
}

const layoutCardText = `┌────────────────────────────────
│ ## Anora (2024)
│ Directed by **Sean Baker** · 139 min
│ -# Drama · Comedy · Romance
│ [Poster of Anora: https://image.tmdb.org/t/p/w342/anora.jpg]
│ ────────────────────────────────
│ A Brooklyn stripper marries the son of a Russian oligarch.
│ - *Palme d'Or*, Cannes 2024
│ - [Letterboxd](https://letterboxd.com/film/anora/)
│ [gallery: ratings.png]
│ [menu Rate Anora → rate:anora]
│ [Add to watchlist → wl:add:anora] [TMDB ↗ https://www.themoviedb.org/movie/1064213]
└────────────────────────────────
┌── spoiler (hidden until clicked) ──────────
│ The ending: ||she drives off with Igor||.
└────────────────────────────────

[file: review.md]
`

// TestRenderLayoutCard: filmbot try shows a layout card as text — the
// container framed, the section's text with its thumbnail's URL, the
// separator a rule, the gallery and the file by their names, the spoiler
// container marked, the buttons and the menu inside the card listed as
// at the top of any message — whether its components are values (as the
// bot builds them) or pointers (as decoded from JSON).
func TestRenderLayoutCard(t *testing.T) {
	decoded := layoutCard(t)
	if got := Render(decoded); got != layoutCardText {
		t.Errorf("decoded layout card rendered as\n%s\nwant\n%s", got, layoutCardText)
	}
	yes, no, large := true, false, discordgo.SeparatorSpacingSizeLarge
	accent := 15105570
	desc := "Poster of Anora"
	built := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Flags: discordgo.MessageFlagsIsComponentsV2,
		Components: []discordgo.MessageComponent{
			discordgo.Container{AccentColor: &accent, Components: []discordgo.MessageComponent{
				discordgo.Section{
					Components: []discordgo.MessageComponent{
						discordgo.TextDisplay{Content: "## Anora (2024)\nDirected by **Sean Baker** · 139 min"},
						discordgo.TextDisplay{Content: "-# Drama · Comedy · Romance"},
					},
					Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "https://image.tmdb.org/t/p/w342/anora.jpg"}, Description: &desc},
				},
				discordgo.Separator{Divider: &yes},
				discordgo.TextDisplay{Content: "A Brooklyn stripper marries the son of a Russian oligarch.\n- *Palme d'Or*, Cannes 2024\n- [Letterboxd](https://letterboxd.com/film/anora/)"},
				discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{{Media: discordgo.UnfurledMediaItem{URL: "attachment://ratings.png"}}}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{CustomID: "rate:anora", Placeholder: "Rate Anora"}}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Add to watchlist", Style: discordgo.SecondaryButton, CustomID: "wl:add:anora"},
					discordgo.Button{Label: "TMDB", Style: discordgo.LinkButton, URL: "https://www.themoviedb.org/movie/1064213"},
				}},
			}},
			discordgo.Container{Spoiler: true, Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "The ending: ||she drives off with Igor||."}}},
			discordgo.Separator{Divider: &no, Spacing: &large},
			discordgo.FileComponent{File: discordgo.UnfurledMediaItem{URL: "attachment://review.md"}},
		},
	}}
	if got := Render(built); got != layoutCardText {
		t.Errorf("built layout card rendered as\n%s\nwant\n%s", got, layoutCardText)
	}
}

// TestRenderLayoutDetails: a section whose accessory is a button lists
// it; a thumbnail without a description is a poster; spoiler media are
// marked; an ephemeral layout card says so; a message without the flag
// renders as before.
func TestRenderLayoutDetails(t *testing.T) {
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{
		Flags: discordgo.MessageFlagsIsComponentsV2 | discordgo.MessageFlagsEphemeral,
		Components: []discordgo.MessageComponent{
			discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "Tangerine (2015)"}},
				Accessory: discordgo.Button{Label: "Watchlist", Style: discordgo.PrimaryButton, CustomID: "wl:add:tangerine"}},
			discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "Anora (2024)"}},
				Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "attachment://poster.png"}, Spoiler: true}},
			discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{
				{Media: discordgo.UnfurledMediaItem{URL: "https://example.com/a.png"}},
				{Media: discordgo.UnfurledMediaItem{URL: "attachment://b.png"}, Spoiler: true},
			}},
			discordgo.Separator{},
		},
	}}
	want := `(the message is updated to:)
(only you can see this)
Tangerine (2015)
[Watchlist → wl:add:tangerine]
Anora (2024)
[poster: poster.png (spoiler)]
[gallery: https://example.com/a.png, b.png (spoiler)]
────────────────────────────────
`
	if got := Render(r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	old := Render(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Content: "Saved.", Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Undo", CustomID: "undo:1"}, discordgo.Button{Label: "Gone", CustomID: "x", Disabled: true}}}}}})
	if want := "Saved.\n[Undo → undo:1] [Gone]\n"; old != want {
		t.Errorf("a message without the flag: got %q, want %q", old, want)
	}
	if strings.Contains(old, "┌") {
		t.Error("a message without the flag is framed")
	}
}
