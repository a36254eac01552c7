package limits

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func msg(mod func(d *discordgo.InteractionResponseData)) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{Content: "hi", AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}
	if mod != nil {
		mod(d)
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
}

func row(c ...discordgo.MessageComponent) discordgo.ActionsRow {
	return discordgo.ActionsRow{Components: c}
}

func TestCheck(t *testing.T) {
	if err := Check(msg(nil)); err != nil {
		t.Fatalf("a plain message fails: %v", err)
	}
	big := strings.Repeat("x", 1000)
	for name, c := range map[string]struct {
		r    *discordgo.InteractionResponse
		want string
	}{
		"content":     {msg(func(d *discordgo.InteractionResponseData) { d.Content = strings.Repeat("é", 2001) }), "content"},
		"no mentions": {msg(func(d *discordgo.InteractionResponseData) { d.AllowedMentions = nil }), "allowed_mentions"},
		"nil parse":   {msg(func(d *discordgo.InteractionResponseData) { d.AllowedMentions.Parse = nil }), "allowed_mentions"},
		"everyone allowed": {msg(func(d *discordgo.InteractionResponseData) {
			d.AllowedMentions.Parse = []discordgo.AllowedMentionType{"everyone"}
		}), "allowed_mentions"},
		"description": {msg(func(d *discordgo.InteractionResponseData) {
			d.Embeds = []*discordgo.MessageEmbed{{Description: strings.Repeat("x", 4097)}}
		}), "description"},
		"total": {msg(func(d *discordgo.InteractionResponseData) {
			e := &discordgo.MessageEmbed{Description: strings.Repeat("x", 4000)}
			for k := 0; k < 3; k++ {
				e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "n", Value: big})
			}
			d.Embeds = []*discordgo.MessageEmbed{e}
		}), "6000"},
		"field value": {msg(func(d *discordgo.InteractionResponseData) {
			d.Embeds = []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: big + big}}}}
		}), "field value"},
		"null embed": {msg(func(d *discordgo.InteractionResponseData) {
			d.Embeds = []*discordgo.MessageEmbed{nil}
		}), "null"},
		"null field": {msg(func(d *discordgo.InteractionResponseData) {
			d.Embeds = []*discordgo.MessageEmbed{{Title: "t", Fields: []*discordgo.MessageEmbedField{nil}}}
		}), "null field"},
		"null button": {msg(func(d *discordgo.InteractionResponseData) {
			d.Components = []discordgo.MessageComponent{row((*discordgo.Button)(nil))}
		}), "null button"},
		"null row": {msg(func(d *discordgo.InteractionResponseData) {
			d.Components = []discordgo.MessageComponent{(*discordgo.ActionsRow)(nil)}
		}), "action row"},
		"null choice": {&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{nil}}}, "null"},
		"custom id": {msg(func(d *discordgo.InteractionResponseData) {
			d.Components = []discordgo.MessageComponent{row(discordgo.Button{Label: "x", CustomID: strings.Repeat("a", 101)})}
		}), "custom_id"},
		"duplicate id": {msg(func(d *discordgo.InteractionResponseData) {
			d.Components = []discordgo.MessageComponent{row(discordgo.Button{Label: "x", CustomID: "a"}, discordgo.Button{Label: "y", CustomID: "a"})}
		}), "twice"},
		"six buttons": {msg(func(d *discordgo.InteractionResponseData) {
			var bs []discordgo.MessageComponent
			for k := 0; k < 6; k++ {
				bs = append(bs, discordgo.Button{Label: "x", CustomID: strings.Repeat("a", k+1)})
			}
			d.Components = []discordgo.MessageComponent{row(bs...)}
		}), "action row"},
		"choices": {&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{
			Choices: func() (c []*discordgo.ApplicationCommandOptionChoice) {
				for k := 0; k < 26; k++ {
					c = append(c, &discordgo.ApplicationCommandOptionChoice{Name: "n", Value: "v"})
				}
				return
			}()}}, "26 autocomplete"},
		"choice name": {&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: strings.Repeat("n", 101), Value: "v"}}}}, "choice name"},
		"modal title": {&discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
			CustomID: "m", Title: strings.Repeat("t", 46), Components: []discordgo.MessageComponent{row(discordgo.TextInput{CustomID: "a", Label: "A"})}}}, "modal title"},
		"paragraph": {&discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
			CustomID: "m", Title: "t", Components: []discordgo.MessageComponent{row(discordgo.TextInput{CustomID: "a", Label: "A", MaxLength: 5000})}}}, "4000"},
	} {
		err := Check(c.r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %q", name, err, c.want)
		}
	}
}
