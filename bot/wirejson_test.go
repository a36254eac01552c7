package bot

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

// FuzzAppendJSONString: strings are written as encoding/json writes them.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "Anora", `"\<>&`, "\x00\x1f\b\f\n\r\t\x7f", "\u2028\u2029", "\xff\xfe", "é★\U0001F3AC", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// gen draws an answer's parts from a fuzzer's bytes.
type gen struct{ b []byte }

func (g *gen) byte() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

func (g *gen) bool() bool    { return g.byte()&1 == 1 }
func (g *gen) n(max int) int { return int(g.byte()) % max }

var genStrings = []string{"", "Anora (2024)", "rev:show:1:2", `<b>"&'\`, "line\nbreak\t", "\u2028", "\xff", "★½", "https://letterboxd.com/film/anora/"}

// str is one of genStrings, or a few of the fuzzer's bytes as they are.
func (g *gen) str() string {
	if k := g.n(len(genStrings) + 1); k < len(genStrings) {
		return genStrings[k]
	}
	n := min(g.n(8), len(g.b))
	s := string(g.b[:n])
	g.b = g.b[n:]
	return s
}

func (g *gen) strs() []string {
	switch g.n(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	return []string{g.str(), g.str()}
}

func (g *gen) component(depth int) discordgo.MessageComponent {
	switch g.n(9) {
	case 0, 1:
		if depth > 1 {
			return discordgo.Button{Label: g.str()}
		}
		r := discordgo.ActionsRow{ID: g.n(3)}
		if g.n(4) > 0 {
			r.Components = []discordgo.MessageComponent{}
			for range g.n(4) {
				r.Components = append(r.Components, g.component(depth+1))
			}
		}
		if g.bool() {
			return &r
		}
		return r
	case 2, 3:
		b := discordgo.Button{Label: g.str(), Style: discordgo.ButtonStyle(g.n(6)), Disabled: g.bool(), URL: g.str(), CustomID: g.str(), SKUID: g.str(), ID: g.n(3)}
		if g.n(6) == 0 {
			b.Emoji = &discordgo.ComponentEmoji{Name: "▶"}
		}
		if g.bool() {
			return &b
		}
		return b
	case 4, 5:
		m := discordgo.SelectMenu{MenuType: discordgo.SelectMenuType([]int{0, 3, 5, 6, 7, 8}[g.n(6)]), CustomID: g.str(), Placeholder: g.str(),
			MaxValues: g.n(3), Disabled: g.bool(), ID: g.n(3)}
		if g.bool() {
			v := g.n(3)
			m.MinValues = &v
		}
		switch g.n(3) {
		case 1:
			m.Options = []discordgo.SelectMenuOption{}
		case 2:
			for range 1 + g.n(3) {
				o := discordgo.SelectMenuOption{Label: g.str(), Value: g.str(), Description: g.str(), Default: g.bool()}
				if g.n(8) == 0 {
					o.Emoji = &discordgo.ComponentEmoji{Name: "⭐"}
				}
				m.Options = append(m.Options, o)
			}
		}
		if g.n(8) == 0 {
			m.DefaultValues = []discordgo.SelectMenuDefaultValue{{ID: "1", Type: discordgo.SelectMenuDefaultValueUser}}
		}
		if g.n(8) == 0 {
			m.ChannelTypes = []discordgo.ChannelType{discordgo.ChannelTypeGuildText}
		}
		if g.bool() {
			return &m
		}
		return m
	case 6:
		return discordgo.TextInput{CustomID: g.str(), Label: g.str(), Style: discordgo.TextInputParagraph}
	case 7:
		return g.layout(depth)
	}
	return (*discordgo.Button)(nil)
}

// layout draws one of the layout card's components.
func (g *gen) layout(depth int) discordgo.MessageComponent {
	media := func() discordgo.UnfurledMediaItem { return discordgo.UnfurledMediaItem{URL: g.str()} }
	desc := func() *string {
		if g.bool() {
			s := g.str()
			return &s
		}
		return nil
	}
	kids := func() []discordgo.MessageComponent {
		if g.n(4) == 0 {
			return nil
		}
		cs := []discordgo.MessageComponent{}
		for range g.n(4) {
			cs = append(cs, g.component(depth+1))
		}
		return cs
	}
	var c discordgo.MessageComponent
	switch g.n(7) {
	case 0:
		if depth > 1 {
			return discordgo.TextDisplay{Content: g.str()}
		}
		x := discordgo.Container{ID: g.n(3), Spoiler: g.bool(), Components: kids()}
		if g.bool() {
			a := g.n(3) * 0x7fffff
			x.AccentColor = &a
		}
		c = x
	case 1:
		if depth > 1 {
			return discordgo.TextDisplay{Content: g.str()}
		}
		x := discordgo.Section{ID: g.n(3), Components: kids()}
		if g.n(4) > 0 {
			x.Accessory = g.component(depth + 1)
		}
		c = x
	case 2:
		c = discordgo.TextDisplay{Content: g.str()}
	case 3:
		c = discordgo.Thumbnail{ID: g.n(3), Media: media(), Description: desc(), Spoiler: g.bool()}
	case 4:
		x := discordgo.MediaGallery{ID: g.n(3)}
		if g.n(4) > 0 {
			x.Items = []discordgo.MediaGalleryItem{}
			for range g.n(3) {
				x.Items = append(x.Items, discordgo.MediaGalleryItem{Media: media(), Description: desc(), Spoiler: g.bool()})
			}
		}
		c = x
	case 5:
		c = discordgo.FileComponent{ID: g.n(3), File: media(), Spoiler: g.bool()}
	default:
		x := discordgo.Separator{ID: g.n(3)}
		if g.bool() {
			d := g.bool()
			x.Divider = &d
		}
		if g.bool() {
			sp := discordgo.SeparatorSpacingSize(g.n(3))
			x.Spacing = &sp
		}
		c = x
	}
	if g.bool() {
		return pointerTo(c)
	}
	return c
}

// pointerTo is a layout component given by pointer, as discordgo decodes it.
func pointerTo(c discordgo.MessageComponent) discordgo.MessageComponent {
	switch x := c.(type) {
	case discordgo.Container:
		return &x
	case discordgo.Section:
		return &x
	case discordgo.TextDisplay:
		return &x
	case discordgo.Thumbnail:
		return &x
	case discordgo.MediaGallery:
		return &x
	case discordgo.FileComponent:
		return &x
	case discordgo.Separator:
		return &x
	}
	return c
}

func (g *gen) embed() *discordgo.MessageEmbed {
	if g.n(8) == 0 {
		return nil
	}
	e := &discordgo.MessageEmbed{URL: g.str(), Type: discordgo.EmbedType(g.str()), Title: g.str(), Description: g.str(), Timestamp: g.str(), Color: g.n(3) * 0xe0a526}
	if g.bool() {
		e.Footer = &discordgo.MessageEmbedFooter{Text: g.str(), IconURL: g.str(), ProxyIconURL: g.str()}
	}
	if g.n(3) == 0 {
		e.Image = &discordgo.MessageEmbedImage{URL: g.str(), ProxyURL: g.str(), Width: g.n(3), Height: g.n(3)}
	}
	if g.n(3) == 0 {
		e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: g.str(), ProxyURL: g.str(), Width: g.n(3), Height: g.n(3)}
	}
	if g.n(8) == 0 {
		e.Video = &discordgo.MessageEmbedVideo{URL: g.str()}
	}
	if g.n(8) == 0 {
		e.Provider = &discordgo.MessageEmbedProvider{Name: g.str()}
	}
	if g.bool() {
		e.Author = &discordgo.MessageEmbedAuthor{URL: g.str(), Name: g.str(), IconURL: g.str(), ProxyIconURL: g.str()}
	}
	switch g.n(3) {
	case 1:
		e.Fields = []*discordgo.MessageEmbedField{}
	case 2:
		for range 1 + g.n(4) {
			if g.n(8) == 0 {
				e.Fields = append(e.Fields, nil)
				continue
			}
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: g.str(), Value: g.str(), Inline: g.bool()})
		}
	}
	return e
}

func (g *gen) response() *discordgo.InteractionResponse {
	types := []discordgo.InteractionResponseType{0, 4, 5, 6, 7, 8, 9}
	resp := &discordgo.InteractionResponse{Type: types[g.n(len(types))]}
	if g.n(6) == 0 {
		return resp
	}
	d := &discordgo.InteractionResponseData{TTS: g.bool(), Content: g.str(), Flags: discordgo.MessageFlags(g.n(3)*64) | discordgo.MessageFlags(g.n(2))<<15, CustomID: g.str(), Title: g.str()}
	resp.Data = d
	if g.n(3) > 0 {
		d.Components = []discordgo.MessageComponent{}
		for range g.n(4) {
			d.Components = append(d.Components, g.component(0))
		}
	}
	if g.n(3) > 0 {
		d.Embeds = []*discordgo.MessageEmbed{}
		for range g.n(3) {
			d.Embeds = append(d.Embeds, g.embed())
		}
	}
	if g.bool() {
		m := &discordgo.MessageAllowedMentions{Roles: g.strs(), Users: g.strs(), RepliedUser: g.bool()}
		if g.n(3) > 0 {
			m.Parse = []discordgo.AllowedMentionType{}
			if g.bool() {
				m.Parse = append(m.Parse, discordgo.AllowedMentionTypeUsers, discordgo.AllowedMentionType(g.str()))
			}
		}
		d.AllowedMentions = m
	}
	if g.n(3) == 0 {
		for range g.n(4) {
			var c *discordgo.ApplicationCommandOptionChoice
			if g.n(8) > 0 {
				c = &discordgo.ApplicationCommandOptionChoice{Name: g.str(), Value: []any{g.str(), g.n(100), int64(g.n(100)), 1.5, nil}[g.n(5)]}
				if g.n(8) == 0 {
					c.NameLocalizations = map[discordgo.Locale]string{discordgo.French: g.str()}
				}
			}
			d.Choices = append(d.Choices, c)
		}
	}
	if g.n(10) == 0 {
		d.Poll = &discordgo.Poll{Question: discordgo.PollMedia{Text: g.str()}}
	}
	switch g.n(10) {
	case 0:
		d.Attachments = &[]*discordgo.MessageAttachment{}
	case 1:
		d.Attachments = &[]*discordgo.MessageAttachment{{ID: "1", Filename: g.str()}}
	}
	return resp
}

// MarshalWire writes what json.Marshal(Wire(resp)) writes, whatever the
// answer holds: the fast path for what it knows, encoding/json for the rest.
func FuzzMarshalWire(f *testing.F) {
	for _, s := range []string{"", "\x01\x01\x02", "\x05\x01\x01\x02\x01\x03\x00\x02\x02\x02\x03", "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x02\x04\x04\x05\x01",
		"\x05\x05\x01\x02\x03\x04\x05\x06\x07\x08\x09\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\xff\xfe\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &gen{b: data}
		resp := g.response()
		want, err1 := json.Marshal(Wire(resp))
		got, err2 := MarshalWire(resp)
		if (err1 == nil) != (err2 == nil) || string(got) != string(want) {
			t.Fatalf("%+v:\n got %s (%v)\nwant %s (%v)", resp, got, err2, want, err1)
		}
	})
}

// The answers the bot gives most take the fast path, and write the same
// JSON; TestWireIsDiscordgosJSON's answers too, wherever they fall.
func TestMarshalWireFastPath(t *testing.T) {
	min := 1
	card := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{CustomID: "rate:select:1", Placeholder: "Rate this film", MinValues: &min, MaxValues: 1,
				Options: []discordgo.SelectMenuOption{{Label: "10/10 ★★★★★", Value: "10"}, {Label: "1/10 ½", Value: "1"}}}}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Next ▶", Style: discordgo.SecondaryButton, CustomID: "rev:show:1:2"}}},
		},
		Embeds: []*discordgo.MessageEmbed{{Title: "Anora (2024) — cast & crew", Description: "**Mikey Madison** — Anora \"Ani\" Mikheeva\n", Color: 0xe0a526,
			Footer: &discordgo.MessageEmbedFooter{Text: "Excerpt 1 of 12"}, Author: &discordgo.MessageEmbedAuthor{Name: "Featured review"},
			Fields: []*discordgo.MessageEmbedField{{Name: "Year", Value: "2024", Inline: true}, {Name: "Awards", Value: "• Palme d'Or"}}}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		Flags:           discordgo.MessageFlagsEphemeral,
	}}
	choices := &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{
		Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Anora (2024)", Value: "id:1"}}}}
	for name, resp := range map[string]*discordgo.InteractionResponse{"card": card, "choices": choices,
		"deferral": {Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}} {
		got, ok := appendWire(nil, resp)
		want, _ := json.Marshal(Wire(resp))
		if !ok || string(got) != string(want) {
			t.Errorf("%s: fast path %v\n got %s\nwant %s", name, ok, got, want)
		}
	}
}

// One /film card written, against json.Marshal(Wire(…)), with embeds and
// as a layout card:
//
//	go test -run '^$' -bench MarshalWire -benchmem ./bot
func BenchmarkMarshalWire(b *testing.B) {
	min := 1
	var opts []discordgo.SelectMenuOption
	var fields []*discordgo.MessageEmbedField
	for n := 10; n > 0; n-- {
		opts = append(opts, discordgo.SelectMenuOption{Label: "7/10 ★★★½", Value: "7"})
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Languages", Value: "English, Russian, Armenian", Inline: true})
	}
	card := &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{CustomID: "rate:select:1", Placeholder: "Rate this film", MinValues: &min, MaxValues: 1, Options: opts}}}},
		Embeds:          []*discordgo.MessageEmbed{{Title: "Anora (2024)", Color: 0xe0a526, Footer: &discordgo.MessageEmbedFooter{Text: "Built-in catalog · also known as Ani"}, Fields: fields}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}}
	// The same card as a layout card: a container with the title and the
	// poster in a section, the fields as text displays, a separator and
	// the Rate menu.
	accent := 0xe0a526
	var texts []discordgo.MessageComponent
	for _, f := range fields {
		texts = append(texts, discordgo.TextDisplay{Content: "**" + f.Name + "** " + f.Value})
	}
	layout := &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
		Flags: discordgo.MessageFlagsIsComponentsV2,
		Components: []discordgo.MessageComponent{discordgo.Container{AccentColor: &accent, Components: append(append([]discordgo.MessageComponent{
			discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "## Anora (2024)"}, discordgo.TextDisplay{Content: "Sean Baker · 139 min"}},
				Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "https://image.tmdb.org/t/p/w342/qh8m8udz0sCvnv9UkpCcPMjBN3d.jpg"}}},
			discordgo.Separator{}}, texts...),
			discordgo.TextDisplay{Content: "-# Built-in catalog · also known as Ani"},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.SelectMenu{CustomID: "rate:select:1", Placeholder: "Rate this film", MinValues: &min, MaxValues: 1, Options: opts}}},
		)}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}}
	if err := limits.Check(layout); err != nil {
		b.Fatal(err)
	}
	for name, resp := range map[string]*discordgo.InteractionResponse{"embeds": card, "layout": layout} {
		b.Run(name+"/json.Marshal", func(b *testing.B) {
			for b.Loop() {
				if _, err := json.Marshal(Wire(resp)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/MarshalWire", func(b *testing.B) {
			for b.Loop() {
				if _, err := MarshalWire(resp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
