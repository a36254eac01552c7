package commands

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

// Layout cards (Discord's Components V2, message flag 1 << 15): the film
// card, the cast, a review and the verdict are each a container with the
// accent colour, text displays and separators instead of an embed. A
// message with the flag has no content and no embeds, at most 40
// components in its whole tree and 4,000 characters across its text
// displays.
const (
	// maxCardComponents is Discord's limit on a layout message's
	// components, nested ones included.
	maxCardComponents = limits.TotalComponents
	// maxCardText is Discord's limit on the characters of all a layout
	// message's text displays together.
	maxCardText = limits.TextTotal
)

// card is what a layout card shows, in reading order:
//
//	container (accent colour)
//	  section: "## title" (a link to url), "-# sub", head fields │ thumbnail
//	  separator (a divider)                   — then the body
//	  body: a text display a paragraph run; a spoiler paragraph in a
//	        container of its own marked spoiler (containers cannot nest,
//	        so the card goes on in a third container after it)
//	  media gallery: image
//	  tail
//	  separator (no divider)                  — then the fields
//	  fields: "**Name:** value" a line (inline), "**Name**\nvalue" (block)
//	  "-# footer"
//	  action rows
type card struct {
	title, url string
	thumb      string // the thumbnail's address; "" for none (never an empty URL)
	sub        string // small, under the title ("Review by …"), markdown
	head       []*discordgo.MessageEmbedField
	body       []para
	fields     []*discordgo.MessageEmbedField
	image      string // the media gallery's one item ("attachment://ratings.png"), "" for none
	tail       string // text under the image
	footer     string
	rows       []discordgo.MessageComponent
	// compact leaves the separators out: several cards in one message
	// share its 40 components.
	compact bool
}

// para is a run of a card's body text; a spoiler one is hidden whole.
type para struct {
	text    string
	spoiler bool
}

// fromEmbed is an embed's content as a card: its author a line under the
// title, its description the body, its fields, image and footer as they
// are.
func fromEmbed(e *discordgo.MessageEmbed, rows []discordgo.MessageComponent) card {
	c := card{title: e.Title, url: e.URL, fields: e.Fields, rows: rows}
	if e.Thumbnail != nil {
		c.thumb = e.Thumbnail.URL
	}
	if e.Author != nil && e.Author.Name != "" {
		c.sub = plain(e.Author.Name, 256)
	}
	if e.Description != "" {
		c.body = []para{{text: e.Description}}
	}
	if e.Image != nil {
		c.image = e.Image.URL
	}
	if e.Footer != nil {
		c.footer = e.Footer.Text
	}
	return c
}

// The card's texts are written into one buffer (a layout card is built
// for every /film): head, fields and footer are slices of it. size is
// their length, in characters when n counts runes and in bytes when it is
// len.

// writeHead writes the text beside the thumbnail: title, sub line, head
// fields.
func (c card) writeHead(b *strings.Builder) {
	b.WriteString("## ")
	if c.url != "" {
		b.WriteString("[")
		b.WriteString(c.title)
		b.WriteString("](")
		b.WriteString(c.url)
		b.WriteString(")")
	} else {
		b.WriteString(c.title)
	}
	if c.sub != "" {
		b.WriteString("\n-# ")
		b.WriteString(c.sub)
	}
	for k, f := range c.head {
		if k == 0 {
			b.WriteString("\n")
		} else {
			b.WriteString(" · ")
		}
		b.WriteString("**")
		b.WriteString(f.Name)
		b.WriteString(":** ")
		b.WriteString(f.Value)
	}
}

func (c card) headSize(n func(string) int) int {
	k := n("## ") + n(c.title)
	if c.url != "" {
		k += n("[](") + n(c.url) + n(")")
	}
	if c.sub != "" {
		k += n("\n-# ") + n(c.sub)
	}
	for j, f := range c.head {
		k += n("**") + n(f.Name) + n(":** ") + n(f.Value)
		if j == 0 {
			k += n("\n")
		} else {
			k += n(" · ")
		}
	}
	return k
}

// writeFields writes the card's fields, one line an inline field.
func (c card) writeFields(b *strings.Builder) {
	for k, f := range c.fields {
		if k > 0 {
			b.WriteString("\n")
		}
		b.WriteString("**")
		b.WriteString(f.Name)
		if f.Inline {
			b.WriteString(":** ")
		} else {
			b.WriteString("**\n")
		}
		b.WriteString(f.Value)
	}
}

func (c card) fieldsSize(n func(string) int) int {
	k := 0
	for j, f := range c.fields {
		if j > 0 {
			k += n("\n")
		}
		k += n("**") + n(f.Name) + n(f.Value)
		if f.Inline {
			k += n(":** ")
		} else {
			k += n("**\n")
		}
	}
	return k
}

// writeFooter writes the footer as small text, every line of it.
func (c card) writeFooter(b *strings.Builder) {
	if c.footer == "" {
		return
	}
	b.WriteString("-# ")
	rest := c.footer
	for {
		line, after, more := strings.Cut(rest, "\n")
		b.WriteString(line)
		if !more {
			return
		}
		b.WriteString("\n-# ")
		rest = after
	}
}

func (c card) footerSize(n func(string) int) int {
	if c.footer == "" {
		return 0
	}
	return n(c.footer) + (1+strings.Count(c.footer, "\n"))*n("-# ")
}

func bytesOf(s string) int { return len(s) }

// textChars is what the card's text displays hold, in characters: what
// Discord counts toward a message's 4,000.
func (c card) textChars() int {
	n := utf8.RuneCountInString
	k := c.headSize(n) + c.fieldsSize(n) + c.footerSize(n) + n(c.tail)
	for _, p := range c.body {
		k += n(p.text)
	}
	return k
}

// The separators between a card's blocks, a line under the head, a space
// before the fields, and the cards' accent colour: shared, made once.
var (
	divider discordgo.MessageComponent = discordgo.Separator{Divider: ptr(true), Spacing: ptr(discordgo.SeparatorSpacingSizeSmall)}
	gap     discordgo.MessageComponent = discordgo.Separator{Divider: ptr(false), Spacing: ptr(discordgo.SeparatorSpacingSizeSmall)}
	accent                             = colour
)

// components lays the card out: one container in the accent colour, or
// more when spoiler paragraphs need their own.
func (c card) components() []discordgo.MessageComponent {
	var b strings.Builder
	b.Grow(c.headSize(bytesOf) + c.fieldsSize(bytesOf) + c.footerSize(bytesOf))
	c.writeHead(&b)
	h := b.Len()
	c.writeFields(&b)
	f := b.Len()
	c.writeFooter(&b)
	all := b.String()
	spoilers := 0
	for _, p := range c.body {
		if p.spoiler {
			spoilers++
		}
	}
	out := make([]discordgo.MessageComponent, 0, 1+2*spoilers)
	in := make([]discordgo.MessageComponent, 0, 8+len(c.body)+len(c.rows))
	head := discordgo.TextDisplay{Content: all[:h]}
	if c.thumb != "" {
		in = append(in, discordgo.Section{Components: []discordgo.MessageComponent{head}, Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: c.thumb}}})
	} else {
		in = append(in, head)
	}
	if len(c.body) > 0 && !c.compact {
		in = append(in, divider)
	}
	for _, p := range c.body {
		if !p.spoiler {
			in = append(in, discordgo.TextDisplay{Content: p.text})
			continue
		}
		out = append(out, discordgo.Container{AccentColor: &accent, Components: in})
		out = append(out, discordgo.Container{AccentColor: &accent, Spoiler: true, Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: p.text}}})
		in = make([]discordgo.MessageComponent, 0, 4+len(c.rows))
	}
	if c.image != "" {
		in = append(in, discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{{Media: discordgo.UnfurledMediaItem{URL: c.image}}}})
	}
	if c.tail != "" {
		in = append(in, discordgo.TextDisplay{Content: c.tail})
	}
	if f > h && !c.compact {
		in = append(in, gap)
	}
	if f > h {
		in = append(in, discordgo.TextDisplay{Content: all[h:f]})
	}
	if len(all) > f {
		in = append(in, discordgo.TextDisplay{Content: all[f:]})
	}
	in = append(in, c.rows...)
	return append(out, discordgo.Container{AccentColor: &accent, Components: in})
}

// layoutMessage is a new public message made of layout components.
func layoutMessage(comps []discordgo.MessageComponent) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Components: comps, Flags: discordgo.MessageFlagsIsComponentsV2, AllowedMentions: noMentions()},
	}
}

// layoutEphemeral is a layout message only the member sees.
func layoutEphemeral(comps []discordgo.MessageComponent) *discordgo.InteractionResponse {
	r := layoutMessage(comps)
	r.Data.Flags |= discordgo.MessageFlagsEphemeral
	return r
}

// layoutUpdate replaces the message a button sits on with layout
// components (the flag stays: Discord never lets a message lose it).
func layoutUpdate(comps []discordgo.MessageComponent) *discordgo.InteractionResponse {
	r := layoutMessage(comps)
	r.Type = discordgo.InteractionResponseUpdateMessage
	return r
}

// cardMessage is a new public message holding card c.
func cardMessage(c card) *discordgo.InteractionResponse {
	return layoutMessage(c.components())
}
