package main

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
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
		for _, c := range d.Components {
			switch x := c.(type) {
			case discordgo.ActionsRow:
				for _, c := range x.Components {
					if ti, ok := c.(discordgo.TextInput); ok {
						fmt.Fprintf(&b, "  %s (%s): %s\n", ti.Label, ti.CustomID, ti.Value)
					}
				}
			case component.Label:
				renderField(&b, x)
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

// renderField writes a form's label and its field: a text input's text,
// a radio group's options (the chosen one marked *), a file upload's
// file types; the description under it; and how `try --submit` fills it.
func renderField(b *strings.Builder, l component.Label) {
	switch f := l.Component.(type) {
	case discordgo.TextInput:
		fmt.Fprintf(b, "  %s (%s, --field %s=…): %s\n", l.Label, f.CustomID, f.CustomID, f.Value)
	case component.RadioGroup:
		var opts []string
		for _, o := range f.Options {
			mark := ""
			if o.Default {
				mark = "*"
			}
			opts = append(opts, mark+o.Value)
		}
		fmt.Fprintf(b, "  %s (%s, --pick %s=…): ( ) %s\n", l.Label, f.CustomID, f.CustomID, strings.Join(opts, " ( ) "))
	case component.FileUpload:
		types := "any file"
		if len(f.FileTypes) > 0 {
			types = strings.Join(f.FileTypes, ", ")
		}
		fmt.Fprintf(b, "  %s (%s, --field %s=@path): [upload %s]\n", l.Label, f.CustomID, f.CustomID, types)
	default:
		fmt.Fprintf(b, "  %s\n", l.Label)
	}
	if l.Description != "" {
		fmt.Fprintf(b, "    %s\n", l.Description)
	}
}
