// Package cardread reads the bot's layout cards (Components V2) back into
// the embeds they replaced, for tests: a test says what a member reads —
// the title, the text, the fields by name, the footer — whichever shape
// the answer has, and whether it came from a handler (discordgo's
// values) or through the sandbox (decoded JSON: pointers).
package cardread

import (
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

// Values is comps with every pointer component (as discordgo decodes
// JSON) replaced by its value, nested ones too.
func Values(comps []discordgo.MessageComponent) []discordgo.MessageComponent {
	out := make([]discordgo.MessageComponent, 0, len(comps))
	for _, c := range comps {
		out = append(out, value(c))
	}
	return out
}

func value(c discordgo.MessageComponent) discordgo.MessageComponent {
	if v := limits.Value(c); v != nil {
		c = v
	}
	switch x := c.(type) {
	case discordgo.ActionsRow:
		x.Components = Values(x.Components)
		return x
	case discordgo.Container:
		x.Components = Values(x.Components)
		return x
	case discordgo.Section:
		x.Components = Values(x.Components)
		if x.Accessory != nil {
			x.Accessory = value(x.Accessory)
		}
		return x
	}
	return c
}

// Embeds are the cards of a message: its embeds, or its layout cards
// read back.
func Embeds(embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) []*discordgo.MessageEmbed {
	if len(embeds) > 0 {
		return embeds
	}
	return Cards(comps)
}

// Content is what a message says outside its cards: its content, or the
// text displays at the top level of a layout message, a line each.
func Content(content string, flags discordgo.MessageFlags, comps []discordgo.MessageComponent) string {
	if content != "" || flags&discordgo.MessageFlagsIsComponentsV2 == 0 {
		return content
	}
	var lines []string
	for _, c := range Values(comps) {
		if td, ok := c.(discordgo.TextDisplay); ok {
			lines = append(lines, td.Content)
		}
	}
	return strings.Join(lines, "\n")
}

// Rows are the action rows of a message, those inside its containers
// too, in order.
func Rows(comps []discordgo.MessageComponent) []discordgo.ActionsRow {
	var out []discordgo.ActionsRow
	var walk func([]discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, c := range cs {
			switch x := c.(type) {
			case discordgo.ActionsRow:
				out = append(out, x)
			case discordgo.Container:
				walk(x.Components)
			}
		}
	}
	walk(Values(comps))
	return out
}

// Texts are the texts of every text display in comps, nested ones too:
// what Discord renders as markdown in a layout card.
func Texts(comps []discordgo.MessageComponent) []string {
	var out []string
	for _, c := range Values(comps) {
		switch x := c.(type) {
		case discordgo.TextDisplay:
			out = append(out, x.Content)
		case discordgo.Section:
			out = append(out, Texts(x.Components)...)
		case discordgo.Container:
			out = append(out, Texts(x.Components)...)
		}
	}
	return out
}

var (
	headLink  = regexp.MustCompile(`^## \[(.*)\]\((\S+)\)$`)
	inlineRow = regexp.MustCompile(`^\*\*(.+?):\*\* (.*)$`)
	blockRow  = regexp.MustCompile(`^\*\*([^*]+)\*\*$`)
)

// Cards reads layout cards back into embeds: a card begins with a
// container whose first component is its head ("## title", in a section
// beside the thumbnail or alone); the containers after it (a spoiler's,
// the rest of the card) are the same card's.
func Cards(comps []discordgo.MessageComponent) []*discordgo.MessageEmbed {
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
	for _, c := range Values(comps) {
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
					if td, ok := y.(discordgo.TextDisplay); ok {
						readHead(e, td.Content)
					}
				}
			case discordgo.Separator:
				if x.Divider != nil && *x.Divider {
					mode = "body"
				} else {
					mode = "fields"
				}
			case discordgo.MediaGallery:
				if len(x.Items) > 0 {
					e.Image = &discordgo.MessageEmbedImage{URL: x.Items[0].Media.URL}
				}
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

// readHead reads a card's head: its title (and link), the line under it
// (the author), the head fields ("**Name:** value · …").
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

// looksLikeFields: a compact card (no separators) has its fields in a
// text display whose first line is a field's.
func looksLikeFields(s string) bool {
	first, _, _ := strings.Cut(s, "\n")
	return inlineRow.MatchString(first) || blockRow.MatchString(first)
}
