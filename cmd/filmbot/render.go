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
	for _, c := range d.Components {
		renderLayout(&b, "", c)
	}
	return b.String()
}

// rule is a separator's divider line, as wide as a terminal's text.
const rule = "────────────────────────────────"

// renderLayout writes one top-level component, each line after prefix:
// an action row as its buttons and menus on one line; the layout
// components of a message flagged IS_COMPONENTS_V2 (discordgo's values
// as the bot builds them, or pointers as decoded) as readable text — a
// container framed (marked when it is a spoiler, hidden until clicked),
// a section's text with its thumbnail's URL, a separator as a rule, a
// media gallery and a file by their file names or URLs.
func renderLayout(b *strings.Builder, prefix string, c discordgo.MessageComponent) {
	switch x := c.(type) {
	case *discordgo.ActionsRow:
		renderLayout(b, prefix, *x)
	case discordgo.ActionsRow:
		var parts []string
		for _, c := range x.Components {
			if p := control(c); p != "" {
				parts = append(parts, p)
			}
		}
		b.WriteString(prefix + strings.Join(parts, " ") + "\n")
	case *discordgo.Container:
		renderLayout(b, prefix, *x)
	case discordgo.Container:
		head := "┌" + rule
		if x.Spoiler {
			head = "┌── spoiler (hidden until clicked) ──────────"
		}
		b.WriteString(prefix + head + "\n")
		for _, c := range x.Components {
			renderLayout(b, prefix+"│ ", c)
		}
		b.WriteString(prefix + "└" + rule + "\n")
	case *discordgo.Section:
		renderLayout(b, prefix, *x)
	case discordgo.Section:
		for _, c := range x.Components {
			renderLayout(b, prefix, c)
		}
		switch a := x.Accessory.(type) {
		case discordgo.Thumbnail, *discordgo.Thumbnail:
			renderLayout(b, prefix, a)
		case nil:
		default:
			if p := control(a); p != "" {
				b.WriteString(prefix + p + "\n")
			}
		}
	case *discordgo.TextDisplay:
		renderLayout(b, prefix, *x)
	case discordgo.TextDisplay:
		for _, l := range strings.Split(x.Content, "\n") {
			b.WriteString(strings.TrimRight(prefix+l, " ") + "\n")
		}
	case *discordgo.Thumbnail:
		renderLayout(b, prefix, *x)
	case discordgo.Thumbnail:
		what := "poster"
		if x.Description != nil && *x.Description != "" {
			what = *x.Description
		}
		b.WriteString(prefix + "[" + what + ": " + media(x.Media.URL, x.Spoiler) + "]\n")
	case *discordgo.MediaGallery:
		renderLayout(b, prefix, *x)
	case discordgo.MediaGallery:
		var items []string
		for _, it := range x.Items {
			items = append(items, media(it.Media.URL, it.Spoiler))
		}
		b.WriteString(prefix + "[gallery: " + strings.Join(items, ", ") + "]\n")
	case *discordgo.FileComponent:
		renderLayout(b, prefix, *x)
	case discordgo.FileComponent:
		b.WriteString(prefix + "[file: " + media(x.File.URL, x.Spoiler) + "]\n")
	case *discordgo.Separator:
		renderLayout(b, prefix, *x)
	case discordgo.Separator:
		if x.Divider == nil || *x.Divider {
			b.WriteString(prefix + rule + "\n")
		} else {
			b.WriteString(strings.TrimRight(prefix, " ") + "\n")
		}
	default:
		if p := control(c); p != "" {
			b.WriteString(prefix + p + "\n")
		}
	}
}

// control is a button or a menu as it is listed: [label → custom_id], a
// disabled button as [label], a link button as [label ↗ URL].
func control(c discordgo.MessageComponent) string {
	switch x := c.(type) {
	case *discordgo.Button:
		return control(*x)
	case discordgo.Button:
		switch {
		case x.Style == discordgo.LinkButton:
			return fmt.Sprintf("[%s ↗ %s]", x.Label, x.URL)
		case x.Disabled:
			return "[" + x.Label + "]"
		}
		return fmt.Sprintf("[%s → %s]", x.Label, x.CustomID)
	case *discordgo.SelectMenu:
		return control(*x)
	case discordgo.SelectMenu:
		return fmt.Sprintf("[menu %s → %s]", x.Placeholder, x.CustomID)
	}
	return ""
}

// media is a media item's URL as a reader finds it: a file sent with the
// message by its name, a link as it is; marked when it is a spoiler.
func media(url string, spoiler bool) string {
	url = strings.TrimPrefix(url, "attachment://")
	if spoiler {
		return url + " (spoiler)"
	}
	return url
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
