package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/bot"
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

// slowRecorder is try's recorder that tells when the bot deferred.
type slowRecorder struct {
	*recorder
	deferred chan struct{}
}

func (r slowRecorder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, opts ...discordgo.RequestOption) error {
	err := r.recorder.InteractionRespond(i, resp, opts...)
	if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		close(r.deferred)
	}
	return err
}

// TestTryDeferredLayoutCard: a layout card that comes after a deferral is
// edited in with its flag (try's recorder is a bot.FlagsEditor), printed
// with --json as the edit Discord gets (flags 1<<15, content null) and
// rendered framed like any card.
func TestTryDeferredLayoutCard(t *testing.T) {
	var logs strings.Builder
	logOut := io.Writer(&logs)
	rec := slowRecorder{&recorder{}, make(chan struct{})}
	release := make(chan struct{})
	accent := 0xe67e22
	card := &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsIsComponentsV2, AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}, Components: []discordgo.MessageComponent{
		discordgo.Container{AccentColor: &accent, Components: []discordgo.MessageComponent{
			discordgo.TextDisplay{Content: "## The verdict on Anora (2024)"},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: "next"}}},
		}}}}
	slow := bot.Command{Def: &discordgo.ApplicationCommand{Name: "slow", Description: "Slow"}, Run: func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		<-release
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: card}, nil
	}}
	b := bot.New(rec, []bot.Command{slow}, nil, bot.Options{Logger: slog.New(slog.NewTextHandler(logOut, nil)), DeferAfter: time.Millisecond})
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Handle(&discordgo.InteractionCreate{Interaction: &discordgo.Interaction{ID: "1", AppID: "2", Token: "t", Type: discordgo.InteractionApplicationCommand,
			Data: discordgo.ApplicationCommandInteractionData{Name: "slow"}, User: &discordgo.User{ID: "100000000000000001"}}})
	}()
	<-rec.deferred
	close(release)
	<-done
	b.Shutdown(context.Background())
	if len(rec.sent) != 2 {
		p, _ := json.Marshal(rec.sent[2])
		t.Fatalf("sent %d bodies: %#v %s\n%s", len(rec.sent), rec.sent, p, logs.String())
	}
	e, ok := rec.sent[1].(*bot.WebhookEdit)
	if !ok {
		t.Fatalf("the card after the deferral went as %T, not an edit with flags", rec.sent[1])
	}
	raw, err := json.Marshal(e)
	if err != nil || !strings.Contains(string(raw), `"flags":32768`) || !strings.Contains(string(raw), `"type":17`) {
		t.Errorf("--json shows the edit as %s (%v)", raw, err)
	}
	want := "┌" + rule + "\n│ ## The verdict on Anora (2024)\n│ [Next → next]\n└" + rule + "\n"
	if got := Render(editResponse(&e.WebhookEdit, e.Flags)); got != want {
		t.Errorf("the deferred card rendered as\n%s\nwant\n%s", got, want)
	}
}
