package commands

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/limits"
)

// Reply is an ephemeral text message.
func Reply(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: clip(text, limits.Content), Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()},
	}
}

func updateText(text string) *discordgo.InteractionResponse {
	r := Reply(text)
	r.Type = discordgo.InteractionResponseUpdateMessage
	r.Data.Components = []discordgo.MessageComponent{}
	r.Data.Flags = 0
	return r
}

// textInput is a form's text field: a Label (its label and the
// description under it) wrapping the input.
func textInput(id, label, description string, style discordgo.TextInputStyle, value string, required bool, max int, placeholder string) component.Label {
	return component.Label{Label: clip(label, limits.LabelText), Description: clip(description, limits.LabelDescription), Component: discordgo.TextInput{
		CustomID: id, Style: style, Value: clip(value, max), Required: required, MaxLength: max, Placeholder: clip(placeholder, limits.Placeholder),
	}}
}

func modal(customID, title string, rows ...discordgo.MessageComponent) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: customID, Title: clip(title, limits.ModalTitle), Components: rows}}
}

// modalValues reads a modal submit's fields by custom_id (text inputs
// and radio groups, in rows or labels), without trusting their types.
func modalValues(i *discordgo.InteractionCreate) map[string]string {
	return component.Values(i.ModalSubmitData().Components)
}

// Colour of filmbot's embeds.
const colour = 0xE0A526

// noMentions is sent with every message: review text may hold "@everyone",
// and a nil parse list would let Discord ping.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// message is a new public message in the channel.
func message(embed *discordgo.MessageEmbed, rows ...discordgo.MessageComponent) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{embed}, Components: rows, AllowedMentions: noMentions()},
	}
}

// ephemeral is a new message only the user sees.
func ephemeral(embed *discordgo.MessageEmbed, rows ...discordgo.MessageComponent) *discordgo.InteractionResponse {
	r := message(embed, rows...)
	r.Data.Flags = discordgo.MessageFlagsEphemeral
	return r
}

// update replaces the message a button sits on.
func update(embed *discordgo.MessageEmbed, rows ...discordgo.MessageComponent) *discordgo.InteractionResponse {
	r := message(embed, rows...)
	r.Type = discordgo.InteractionResponseUpdateMessage
	if r.Data.Components == nil {
		r.Data.Components = []discordgo.MessageComponent{} // clear old buttons
	}
	return r
}

// clip shortens s to at most n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), func(r rune) bool { return r == ' ' || r == '\n' }) + "…"
}

func button(label, id string, disabled bool) discordgo.Button {
	return discordgo.Button{Label: label, Style: discordgo.SecondaryButton, CustomID: id, Disabled: disabled}
}
