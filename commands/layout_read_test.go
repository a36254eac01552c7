package commands

import (
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Reading layout cards in tests: a card is read back into the embed it
// would have been (cardEmbeds), so that tests say what a member reads —
// the title, the text, the fields by name, the footer — whichever shape
// the answer has.

// embeds are the cards of r: its embeds, or its layout cards read back.
func embeds(r *discordgo.InteractionResponse) []*discordgo.MessageEmbed {
	if len(r.Data.Embeds) > 0 {
		return r.Data.Embeds
	}
	return cardEmbeds(r.Data.Components)
}

// content is what r says outside its cards: its content, or the text
// displays at the top level of a layout message, a line each.
func content(r *discordgo.InteractionResponse) string {
	if r.Data.Content != "" || r.Data.Flags&discordgo.MessageFlagsIsComponentsV2 == 0 {
		return r.Data.Content
	}
	var lines []string
	for _, c := range r.Data.Components {
		if td, ok := c.(discordgo.TextDisplay); ok {
			lines = append(lines, td.Content)
		}
	}
	return strings.Join(lines, "\n")
}

// rows are the action rows of r, those inside its containers too, in
// order.
func rows(r *discordgo.InteractionResponse) []discordgo.ActionsRow {
	var out []discordgo.ActionsRow
	var walk func([]discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, c := range cs {
			switch x := c.(type) {
			case discordgo.ActionsRow:
				out = append(out, x)
			case *discordgo.ActionsRow:
				out = append(out, *x)
			case discordgo.Container:
				walk(x.Components)
			}
		}
	}
	walk(r.Data.Components)
	return out
}

var (
	headLink  = regexp.MustCompile(`^## \[(.*)\]\((\S+)\)$`)
	inlineRow = regexp.MustCompile(`^\*\*(.+?):\*\* (.*)$`)
	blockRow  = regexp.MustCompile(`^\*\*([^*]+)\*\*$`)
)

// cardEmbeds reads layout cards back into embeds: a card begins with a
// container whose first component is its head ("## title", in a section
// beside the thumbnail or alone); the containers after it (a spoiler's,
// the rest of the card) are the same card's.
func cardEmbeds(comps []discordgo.MessageComponent) []*discordgo.MessageEmbed {
	var out []*discordgo.MessageEmbed
	var e *discordgo.MessageEmbed
	var body []string
	flush := func() {
		if e != nil {
			e.Description = strings.Join(body, "\n\n")
			out = append(out, e)
		}
		e, body = nil, nil
	}
	for _, c := range comps {
		box, ok := c.(discordgo.Container)
		if !ok {
			continue
		}
		if len(box.Components) > 0 && isHead(box.Components[0]) {
			flush()
			e = &discordgo.MessageEmbed{}
			if box.AccentColor != nil {
				e.Color = *box.AccentColor
			}
		}
		if e == nil {
			continue
		}
		mode, seps := "body", false
		for _, x := range box.Components {
			if _, ok := x.(discordgo.Separator); ok {
				seps = true
			}
		}
		for _, x := range box.Components {
			switch x := x.(type) {
			case discordgo.Section:
				if th, ok := x.Accessory.(discordgo.Thumbnail); ok {
					e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: th.Media.URL}
				}
				for _, y := range x.Components {
					readHead(e, y.(discordgo.TextDisplay).Content)
				}
			case discordgo.Separator:
				if x.Divider != nil && *x.Divider {
					mode = "body"
				} else {
					mode = "fields"
				}
			case discordgo.MediaGallery:
				e.Image = &discordgo.MessageEmbedImage{URL: x.Items[0].Media.URL}
				mode = "body"
			case discordgo.TextDisplay:
				switch {
				case strings.HasPrefix(x.Content, "## "):
					readHead(e, x.Content)
				case strings.HasPrefix(x.Content, "-# "):
					e.Footer = &discordgo.MessageEmbedFooter{Text: strings.ReplaceAll(strings.TrimPrefix(x.Content, "-# "), "\n-# ", "\n")}
				case mode == "fields", !seps && looksLikeFields(x.Content):
					readFields(e, x.Content)
				default:
					body = append(body, x.Content)
				}
			}
		}
	}
	flush()
	return out
}

func isHead(c discordgo.MessageComponent) bool {
	switch x := c.(type) {
	case discordgo.Section:
		return true
	case discordgo.TextDisplay:
		return strings.HasPrefix(x.Content, "## ")
	}
	return false
}

// readHead reads a card's head: its title (and link), the lines under
// it (the author), the head fields ("**Name:** value · …").
func readHead(e *discordgo.MessageEmbed, s string) {
	lines := strings.Split(s, "\n")
	if m := headLink.FindStringSubmatch(lines[0]); m != nil {
		e.Title, e.URL = m[1], m[2]
	} else {
		e.Title = strings.TrimPrefix(lines[0], "## ")
	}
	for _, l := range lines[1:] {
		if a, ok := strings.CutPrefix(l, "-# "); ok {
			e.Author = &discordgo.MessageEmbedAuthor{Name: a}
			continue
		}
		for _, part := range strings.Split(l, " · **") {
			if !strings.HasPrefix(part, "**") {
				part = "**" + part
			}
			if m := inlineRow.FindStringSubmatch(part); m != nil {
				e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: m[1], Value: m[2], Inline: true})
			}
		}
	}
}

// readFields reads a card's fields: "**Name:** value" lines (inline),
// "**Name**" then its value's lines (block).
func readFields(e *discordgo.MessageEmbed, s string) {
	var block *discordgo.MessageEmbedField
	for _, l := range strings.Split(s, "\n") {
		if m := inlineRow.FindStringSubmatch(l); m != nil {
			block = nil
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: m[1], Value: m[2], Inline: true})
			continue
		}
		if m := blockRow.FindStringSubmatch(l); m != nil {
			block = &discordgo.MessageEmbedField{Name: m[1]}
			e.Fields = append(e.Fields, block)
			continue
		}
		if block != nil {
			if block.Value != "" {
				block.Value += "\n"
			}
			block.Value += l
		}
	}
}

// textDisplays are the texts of every text display in comps, nested
// ones too: what Discord renders as markdown in a layout card.
func textDisplays(comps []discordgo.MessageComponent) []string {
	var out []string
	for _, c := range comps {
		switch x := c.(type) {
		case discordgo.TextDisplay:
			out = append(out, x.Content)
		case discordgo.Section:
			out = append(out, textDisplays(x.Components)...)
		case discordgo.Container:
			out = append(out, textDisplays(x.Components)...)
		}
	}
	return out
}

// looksLikeFields: a compact card (no separators) has its fields in a
// text display whose first line is a field's.
func looksLikeFields(s string) bool {
	first, _, _ := strings.Cut(s, "\n")
	return inlineRow.MatchString(first) || blockRow.MatchString(first)
}
