package bot

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"
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
