package main

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Render writes a response as readable text, roughly as Discord shows it.
func Render(r *discordgo.InteractionResponse) string {
	var b strings.Builder
	d := r.Data
	switch r.Type {
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		b.WriteString("(filmbot is thinking…)\n")
		return b.String()
	case discordgo.InteractionResponseDeferredMessageUpdate:
		b.WriteString("(acknowledged; the message will update)\n")
		return b.String()
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if d == nil || len(d.Choices) == 0 {
			return "(no suggestions)\n"
		}
		for _, c := range d.Choices {
			fmt.Fprintf(&b, "%s\t→ %v\n", c.Name, c.Value)
		}
		return b.String()
	case discordgo.InteractionResponseModal:
		fmt.Fprintf(&b, "[modal %s] %s\n", d.CustomID, d.Title)
		for _, row := range d.Components {
			for _, c := range row.(discordgo.ActionsRow).Components {
				if ti, ok := c.(discordgo.TextInput); ok {
					fmt.Fprintf(&b, "  %s (%s): %s\n", ti.Label, ti.CustomID, ti.Value)
				}
			}
		}
		return b.String()
	case discordgo.InteractionResponseUpdateMessage:
		b.WriteString("(the message is updated to:)\n")
	}
	if d == nil {
		return b.String()
	}
	if d.Flags&discordgo.MessageFlagsEphemeral != 0 {
		b.WriteString("(only you can see this)\n")
	}
	if d.Content != "" {
		b.WriteString(d.Content + "\n")
	}
	for _, e := range d.Embeds {
		if e.Author != nil {
			b.WriteString("│ " + e.Author.Name + "\n")
		}
		if e.Title != "" {
			b.WriteString("│ **" + e.Title + "**\n")
		}
		if e.Description != "" {
			for _, l := range strings.Split(e.Description, "\n") {
				b.WriteString("│ " + l + "\n")
			}
		}
		for _, f := range e.Fields {
			b.WriteString("│ " + f.Name + ": " + strings.ReplaceAll(f.Value, "\n", "\n│   ") + "\n")
		}
		if e.Footer != nil {
			b.WriteString("│ — " + e.Footer.Text + "\n")
		}
	}
	for _, row := range d.Components {
		var parts []string
		for _, c := range row.(discordgo.ActionsRow).Components {
			switch x := c.(type) {
			case discordgo.Button:
				if x.Disabled {
					parts = append(parts, "["+x.Label+"]")
				} else {
					parts = append(parts, fmt.Sprintf("[%s → %s]", x.Label, x.CustomID))
				}
			case discordgo.SelectMenu:
				parts = append(parts, fmt.Sprintf("[menu %s → %s]", x.Placeholder, x.CustomID))
			}
		}
		b.WriteString(strings.Join(parts, " ") + "\n")
	}
	return b.String()
}
