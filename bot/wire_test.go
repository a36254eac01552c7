package bot

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

// Wire's plain action rows and buttons encode exactly as discordgo's own
// types do, for every kind of component the bot sends, select menu options
// but for the defaults they leave out (which decode the same).
func TestWireIsDiscordgosJSON(t *testing.T) {
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	min, max := 1, 3
	row := func(cs ...discordgo.MessageComponent) discordgo.ActionsRow {
		return discordgo.ActionsRow{Components: cs}
	}
	for name, d := range map[string]*discordgo.InteractionResponseData{
		"no components": {Content: "hi", AllowedMentions: none},
		"empty list":    {Content: "hi", Components: []discordgo.MessageComponent{}},
		"buttons": {Embeds: []*discordgo.MessageEmbed{{Title: "Anora (2024)", Description: "<b>&\u2028"}}, AllowedMentions: none,
			Components: []discordgo.MessageComponent{row(
				discordgo.Button{Label: "◀ Previous", CustomID: "rev:show:1:0", Disabled: true},
				discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: "rev:show:1:2", Emoji: &discordgo.ComponentEmoji{Name: "▶"}},
				&discordgo.Button{Label: "Letterboxd", Style: discordgo.LinkButton, URL: "https://letterboxd.com/film/anora/"},
				discordgo.Button{Label: "x", CustomID: "y", ID: 7},
			), &discordgo.ActionsRow{ID: 2, Components: []discordgo.MessageComponent{discordgo.Button{Label: "z", CustomID: "w"}}}},
			Flags: discordgo.MessageFlagsEphemeral},
		"select": {Content: "pick", AllowedMentions: none, Components: []discordgo.MessageComponent{row(discordgo.SelectMenu{
			CustomID: "rate:1", Placeholder: "Score", MinValues: &min, MaxValues: max,
			Options: []discordgo.SelectMenuOption{{Label: "10", Value: "10", Default: true}, {Label: "1", Value: "1", Emoji: &discordgo.ComponentEmoji{Name: "⭐"}}},
		})}},
		"selects": {Content: "pick", AllowedMentions: none, Components: []discordgo.MessageComponent{
			row(&discordgo.SelectMenu{MenuType: discordgo.UserSelectMenu, CustomID: "u", DefaultValues: []discordgo.SelectMenuDefaultValue{{ID: "1", Type: discordgo.SelectMenuDefaultValueUser}}}),
			row(discordgo.SelectMenu{MenuType: discordgo.ChannelSelectMenu, CustomID: "c", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}, Disabled: true, ID: 3}),
		}},
		"modal": {CustomID: "m:1", Title: "Post a review", Components: []discordgo.MessageComponent{row(discordgo.TextInput{
			CustomID: "text", Label: "Text", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 4000, Value: "v"})}},
		"poll": {AllowedMentions: none, Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: "Which?"},
			Answers: []discordgo.PollAnswer{{Media: &discordgo.PollMedia{Text: "Anora"}}}, Duration: 24},
			Components: []discordgo.MessageComponent{row(discordgo.Button{Label: "a", CustomID: "b"})}},
	} {
		for _, typ := range []discordgo.InteractionResponseType{discordgo.InteractionResponseChannelMessageWithSource,
			discordgo.InteractionResponseUpdateMessage, discordgo.InteractionResponseModal} {
			resp := &discordgo.InteractionResponse{Type: typ, Data: d}
			want, err1 := json.Marshal(*resp)
			// The one difference: options leave out their empty
			// description and false default.
			want = bytes.ReplaceAll(bytes.ReplaceAll(want, []byte(`"description":"",`), nil), []byte(`,"default":false`), nil)
			got, err2 := json.Marshal(Wire(resp))
			if err1 != nil || err2 != nil || string(got) != string(want) {
				t.Errorf("%s, type %d:\n got %s (%v)\nwant %s (%v)", name, typ, got, err2, want, err1)
			}
			if fast, err := MarshalWire(resp); err != nil || string(fast) != string(got) {
				t.Errorf("%s, type %d: MarshalWire\n got %s (%v)\nwant %s", name, typ, fast, err, got)
			}
		}
	}
	// What Discord (and discordgo) reads back from the lighter options is
	// what was meant.
	opts := []discordgo.SelectMenuOption{{Label: "10", Value: "10", Default: true}, {Label: "1", Value: "1", Description: "d", Emoji: &discordgo.ComponentEmoji{Name: "⭐"}}, {Label: "2", Value: "2"}}
	raw, _ := json.Marshal(plainSelect(discordgo.SelectMenu{CustomID: "c", Options: opts}))
	back, err := discordgo.MessageComponentFromJSON(raw)
	if sm, ok := back.(*discordgo.SelectMenu); err != nil || !ok || !reflect.DeepEqual(sm.Options, opts) {
		t.Errorf("options read back: %+v, %v; want %+v", back, err, opts)
	}
	if _, ok := Wire(&discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{}}}}).(responseWire); !ok {
		t.Error("a response with components was not given plain ones")
	}
}

// layoutCard is a /film card as a layout card: every layout component,
// by value and by pointer.
func layoutCard(typ discordgo.InteractionResponseType) *discordgo.InteractionResponse {
	min, accent, alt := 1, 0xe0a526, "Poster of Anora"
	large, divider := discordgo.SeparatorSpacingSizeLarge, false
	return &discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{
		Flags:           discordgo.MessageFlagsIsComponentsV2 | discordgo.MessageFlagsEphemeral,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		Components: []discordgo.MessageComponent{
			discordgo.Container{ID: 1, AccentColor: &accent, Components: []discordgo.MessageComponent{
				discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "## Anora (2024)"}, &discordgo.TextDisplay{Content: "Sean Baker · 139 min <&>"}},
					Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "https://image.tmdb.org/t/p/w342/a.jpg"}, Description: &alt}},
				&discordgo.Separator{Spacing: &large, Divider: &divider, ID: 4},
				discordgo.Separator{},
				discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{{Media: discordgo.UnfurledMediaItem{URL: "attachment://ratings.png"}, Spoiler: true},
					{Media: discordgo.UnfurledMediaItem{URL: "https://x/y.png"}, Description: &alt}}},
				&discordgo.Section{ID: 9, Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "Review"}},
					Accessory: &discordgo.Button{Label: "Read", CustomID: "rev:show:1:0", Style: discordgo.SecondaryButton}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{CustomID: "rate:select:1", Placeholder: "Rate this film", MinValues: &min, MaxValues: 1,
					Options: []discordgo.SelectMenuOption{{Label: "10/10", Value: "10"}}}}},
			}},
			&discordgo.Container{Spoiler: true, Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "||the ending||"}}},
			discordgo.FileComponent{File: discordgo.UnfurledMediaItem{URL: "attachment://ratings.csv"}, ID: 12},
			discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{}},
		},
	}}
}

// A layout card's components encode as discordgo's own; the message goes
// without content and embeds (a new message) or clears them (an update),
// and MarshalWire writes it on its fast path, the same bytes as Wire.
func TestLayoutWireIsDiscordgosJSON(t *testing.T) {
	for _, typ := range []discordgo.InteractionResponseType{discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage} {
		resp := layoutCard(typ)
		want, err1 := json.Marshal(resp.Data.Components)
		want = bytes.ReplaceAll(bytes.ReplaceAll(want, []byte(`"description":"",`), nil), []byte(`,"default":false`), nil)
		got, err2 := json.Marshal(componentsWire(resp.Data.Components))
		if err1 != nil || err2 != nil || string(got) != string(want) {
			t.Errorf("type %d components:\n got %s (%v)\nwant %s (%v)", typ, got, err2, want, err1)
		}
		wire, err := json.Marshal(Wire(resp))
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := appendWire(nil, resp)
		if !ok || string(fast) != string(wire) {
			t.Errorf("type %d: fast path %v\n got %s\nwant %s", typ, ok, fast, wire)
		}
		var back struct {
			Type int                        `json:"type"`
			Data map[string]json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(wire, &back); err != nil {
			t.Fatal(err)
		}
		content, hasContent := back.Data["content"]
		embeds, hasEmbeds := back.Data["embeds"]
		if typ == discordgo.InteractionResponseChannelMessageWithSource && (hasContent || hasEmbeds) {
			t.Errorf("a new layout card carries content or embeds: %s", wire)
		}
		if typ == discordgo.InteractionResponseUpdateMessage && (string(content) != "null" || string(embeds) != "[]") {
			t.Errorf("an update to a layout card does not clear content and embeds: %s", wire)
		}
		if string(back.Data["flags"]) != "32832" || back.Type != int(typ) {
			t.Errorf("flags or type lost: %s", wire)
		}
		// Read back as the sandbox reads it: the same components.
		dec, err := limits.DecodeResponse(wire)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(componentsWire(dec.Data.Components))
		if string(again) != string(got) {
			t.Errorf("type %d: decoded and written again:\n got %s\nwant %s", typ, again, got)
		}
	}
	// An update's kept attachments: [] on the fast path, a list on json.Marshal's.
	resp := replacing(layoutCard(discordgo.InteractionResponseUpdateMessage))
	wire, _ := json.Marshal(Wire(resp))
	if fast, ok := appendWire(nil, resp); !ok || string(fast) != string(wire) || !bytes.Contains(fast, []byte(`"attachments":[]`)) {
		t.Errorf("update with attachments []: fast path %v\n got %s\nwant %s", ok, fast, wire)
	}
	resp.Data.Attachments = &[]*discordgo.MessageAttachment{{ID: "1", Filename: "ratings.png"}}
	if fast, err := MarshalWire(resp); err != nil || !bytes.Contains(fast, []byte(`"filename":"ratings.png"`)) {
		t.Errorf("update keeping an attachment: %s (%v)", fast, err)
	}
}
