package limits

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func ptr[T any](v T) *T { return &v }

// card is a valid layout card: a container with a section (thumbnail),
// a separator, a text display, a gallery and a row of buttons, and a
// second row with a select menu at the top level.
func card(mod func(d *discordgo.InteractionResponseData)) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{
		Flags:           FlagV2,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		Files:           []*discordgo.File{{Name: "chart.png"}},
		Components: []discordgo.MessageComponent{
			discordgo.Container{AccentColor: ptr(0xE5A00D), Components: []discordgo.MessageComponent{
				discordgo.Section{
					Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "## Anora"}, discordgo.TextDisplay{Content: "2024 · Sean Baker"}},
					Accessory:  discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "https://image.tmdb.org/t/p/w342/a.jpg"}},
				},
				discordgo.Separator{Spacing: ptr(discordgo.SeparatorSpacingSizeLarge)},
				&discordgo.TextDisplay{Content: "A stripper marries an oligarch's son."},
				discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{{Media: discordgo.UnfurledMediaItem{URL: "attachment://chart.png"}}}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Review", CustomID: "review:1"},
					discordgo.Button{Label: "Watchlist", CustomID: "watch:1"},
				}},
			}},
			&discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.SelectMenu{CustomID: "rate:1", Options: []discordgo.SelectMenuOption{{Label: "10", Value: "10"}}},
			}},
		},
	}
	if mod != nil {
		mod(d)
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
}

func inner(d *discordgo.InteractionResponseData) *discordgo.Container {
	c := d.Components[0].(discordgo.Container)
	d.Components[0] = &c
	return &c
}

func texts(k int, size int) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for i := 0; i < k; i++ {
		out = append(out, discordgo.TextDisplay{Content: strings.Repeat("x", size)})
	}
	return out
}

func TestLayoutCard(t *testing.T) {
	if err := Check(card(nil)); err != nil {
		t.Fatalf("a valid layout card fails: %v", err)
	}
	update := card(nil)
	update.Type = discordgo.InteractionResponseUpdateMessage
	if err := Check(update); err != nil {
		t.Fatalf("a valid layout card as an update fails: %v", err)
	}
	// container, section, 2 texts, thumbnail, separator, text, gallery,
	// row, 2 buttons; row, select: 13
	if got := Count(card(nil).Data.Components); got != 13 {
		t.Fatalf("Count = %d, want 13", got)
	}
	if got := TextLength(card(nil).Data.Components); got != n("## Anora")+n("2024 · Sean Baker")+n("A stripper marries an oligarch's son.") {
		t.Fatalf("TextLength = %d", got)
	}
	for name, c := range map[string]struct {
		mod  func(d *discordgo.InteractionResponseData)
		want string
	}{
		"content":  {func(d *discordgo.InteractionResponseData) { d.Content = "hi" }, "content"},
		"embeds":   {func(d *discordgo.InteractionResponseData) { d.Embeds = []*discordgo.MessageEmbed{{Title: "t"}} }, "embeds"},
		"poll":     {func(d *discordgo.InteractionResponseData) { d.Poll = &discordgo.Poll{} }, "poll"},
		"mentions": {func(d *discordgo.InteractionResponseData) { d.AllowedMentions = nil }, "allowed_mentions"},
		"empty":    {func(d *discordgo.InteractionResponseData) { d.Components = nil }, "without components"},
		"thumbnail at top level": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "https://x/y.png"}})
		}, "cannot sit at top level"},
		"button at top level": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Button{Label: "x", CustomID: "x"})
		}, "cannot sit at top level"},
		"container in container": {func(d *discordgo.InteractionResponseData) {
			c := inner(d)
			c.Components = append(c.Components, discordgo.Container{Components: texts(1, 1)})
		}, "container inside a container"},
		"section without text": {func(d *discordgo.InteractionResponseData) {
			c := inner(d)
			c.Components = append(c.Components, discordgo.Section{Accessory: discordgo.Button{Label: "x", CustomID: "s"}})
		}, "section with 0 text displays"},
		"section with four texts": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: texts(4, 1), Accessory: discordgo.Button{Label: "x", CustomID: "s"}})
		}, "section with 4 text displays"},
		"section holding a button": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: []discordgo.MessageComponent{discordgo.Button{Label: "x", CustomID: "b"}},
				Accessory: discordgo.Button{Label: "x", CustomID: "s"}})
		}, "holds text displays"},
		"section without accessory": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: texts(1, 1)})
		}, "without an accessory"},
		"section with a select accessory": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: texts(1, 1),
				Accessory: discordgo.SelectMenu{CustomID: "s", Options: []discordgo.SelectMenuOption{{Label: "a", Value: "a"}}}})
		}, "accessory is a thumbnail or a button"},
		"section button checked": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: texts(1, 1), Accessory: discordgo.Button{Label: "x"}})
		}, "custom_id"},
		"thumbnail url": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: texts(1, 1),
				Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "ftp://x/y.png"}}})
		}, "not http(s)://"},
		"thumbnail description": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: texts(1, 1),
				Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "https://x/y.png"}, Description: ptr(strings.Repeat("d", 1025))}})
		}, "description"},
		"unknown attachment": {func(d *discordgo.InteractionResponseData) { d.Files = nil }, "does not carry"},
		"attachment kept by name": {func(d *discordgo.InteractionResponseData) {
			d.Files = nil
			d.Attachments = &[]*discordgo.MessageAttachment{{Filename: "other.png"}}
		}, "does not carry"},
		"gallery empty": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.MediaGallery{})
		}, "media gallery with 0 items"},
		"gallery of eleven": {func(d *discordgo.InteractionResponseData) {
			g := discordgo.MediaGallery{}
			for k := 0; k < 11; k++ {
				g.Items = append(g.Items, discordgo.MediaGalleryItem{Media: discordgo.UnfurledMediaItem{URL: "https://x/y.png"}})
			}
			d.Components = append(d.Components, g)
		}, "media gallery with 11 items"},
		"file by url": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.FileComponent{File: discordgo.UnfurledMediaItem{URL: "https://x/y.zip"}})
		}, "only attachment://"},
		"separator spacing": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Separator{Spacing: ptr(discordgo.SeparatorSpacingSize(3))})
		}, "spacing 3"},
		"accent color":          {func(d *discordgo.InteractionResponseData) { inner(d).AccentColor = ptr(0x1000000) }, "accent_color"},
		"negative accent color": {func(d *discordgo.InteractionResponseData) { inner(d).AccentColor = ptr(-1) }, "accent_color"},
		"41 components": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, texts(TotalComponents+1-Count(d.Components), 1)...)
		}, "41 components"},
		"nested ones count": {func(d *discordgo.InteractionResponseData) {
			// 13 + 1 container + 27 texts = 41, only 3 at the top level
			d.Components = append(d.Components, discordgo.Container{Components: texts(27, 1)})
		}, "41 components"},
		"text total": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, texts(2, 2000)...)
		}, "text displays hold"},
		"empty text": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.TextDisplay{})
		}, "empty text display"},
		"custom_id across the tree": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.Section{Components: texts(1, 1), Accessory: discordgo.Button{Label: "x", CustomID: "rate:1"}})
		}, "used twice"},
		"component id twice": {func(d *discordgo.InteractionResponseData) {
			inner(d).ID = 7
			d.Components = append(d.Components, discordgo.Separator{ID: 7})
		}, "component id 7 used twice"},
		"row in container: six buttons": {func(d *discordgo.InteractionResponseData) {
			var bs []discordgo.MessageComponent
			for k := 0; k < 6; k++ {
				bs = append(bs, discordgo.Button{Label: "x", CustomID: strings.Repeat("b", k+1)})
			}
			c := inner(d)
			c.Components = append(c.Components, discordgo.ActionsRow{Components: bs})
		}, "action row with 6"},
		"row in container: select beside a button": {func(d *discordgo.InteractionResponseData) {
			c := inner(d)
			c.Components = append(c.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "x", CustomID: "b"},
				discordgo.SelectMenu{CustomID: "s", Options: []discordgo.SelectMenuOption{{Label: "a", Value: "a"}}},
			}})
		}, "alone in its row"},
		"row holding a text display": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, discordgo.ActionsRow{Components: texts(1, 1)})
		}, "cannot sit in a message action row"},
		"null component": {func(d *discordgo.InteractionResponseData) {
			d.Components = append(d.Components, (*discordgo.Container)(nil))
		}, "null component"},
	} {
		err := Check(card(c.mod))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, c.want)
		}
	}
}

func TestLayoutNeedsTheFlag(t *testing.T) {
	r := card(func(d *discordgo.InteractionResponseData) { d.Flags = 0 })
	err := Check(r)
	if err == nil || !strings.Contains(err.Error(), "IS_COMPONENTS_V2") {
		t.Fatalf("a card without the flag: %v", err)
	}
	// The same without the flag through CheckMessage.
	err = CheckMessage(Outgoing{Components: r.Data.Components, AllowedMentions: r.Data.AllowedMentions})
	if err == nil || !strings.Contains(err.Error(), "IS_COMPONENTS_V2") {
		t.Fatalf("CheckMessage of a card without the flag: %v", err)
	}
	// Legacy messages keep their rules: six rows are refused, a V2 card
	// may hold more.
	var rows []discordgo.MessageComponent
	for k := 0; k < 6; k++ {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "x", CustomID: strings.Repeat("r", k+1)}}})
	}
	am := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if err := CheckMessage(Outgoing{Content: "x", Components: rows, AllowedMentions: am}); err == nil {
		t.Fatal("six rows without the flag pass")
	}
	if err := CheckMessage(Outgoing{Flags: FlagV2, Components: rows, AllowedMentions: am}); err != nil {
		t.Fatalf("six rows in a layout card: %v", err)
	}
}

func TestLayoutDeferral(t *testing.T) {
	for _, typ := range []discordgo.InteractionResponseType{discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate} {
		r := &discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{Flags: FlagV2 | discordgo.MessageFlagsEphemeral}}
		if err := Check(r); err == nil || !strings.Contains(err.Error(), "edit of the original") {
			t.Errorf("type %d with the flag: %v", typ, err)
		}
		r.Data.Flags = discordgo.MessageFlagsEphemeral
		if err := Check(r); err != nil {
			t.Errorf("type %d ephemeral: %v", typ, err)
		}
	}
}

func TestLayoutFiles(t *testing.T) {
	// An update keeping an attachment by id: its name is the message's,
	// not known here, so attachment:// is not judged.
	kept := card(func(d *discordgo.InteractionResponseData) {
		d.Files = nil
		d.Attachments = &[]*discordgo.MessageAttachment{{ID: "5"}}
	})
	kept.Type = discordgo.InteractionResponseUpdateMessage
	if err := Check(kept); err != nil {
		t.Errorf("an update keeping the chart by id: %v", err)
	}
	am := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	comps := []discordgo.MessageComponent{discordgo.FileComponent{File: discordgo.UnfurledMediaItem{URL: "attachment://a.txt"}}}
	// Files not known: not judged.
	if err := CheckMessage(Outgoing{Flags: FlagV2, Components: comps, AllowedMentions: am}); err != nil {
		t.Fatalf("files unknown: %v", err)
	}
	if err := Layout(comps, nil); err != nil {
		t.Fatalf("Layout, files unknown: %v", err)
	}
	if err := CheckMessage(Outgoing{Flags: FlagV2, Components: comps, AllowedMentions: am, FilesKnown: true}); err == nil {
		t.Fatal("attachment://a.txt without files passes")
	}
	if err := Layout(comps, []string{"b.txt"}); err == nil {
		t.Fatal("attachment://a.txt with b.txt passes")
	}
	if err := CheckMessage(Outgoing{Flags: FlagV2, Components: comps, AllowedMentions: am, Files: []string{"a.txt"}, FilesKnown: true}); err != nil {
		t.Fatalf("attachment://a.txt with a.txt: %v", err)
	}
	if err := Layout([]discordgo.MessageComponent{discordgo.FileComponent{File: discordgo.UnfurledMediaItem{URL: "attachment://"}}}, nil); err == nil {
		t.Fatal("attachment:// without a name passes")
	}
}

func TestLayoutDecoded(t *testing.T) {
	// A card as the sandbox receives it: decoded from JSON, pointers.
	body := `{"type":4,"data":{"flags":32768,"allowed_mentions":{"parse":[]},"components":[
	 {"type":17,"accent_color":15048717,"components":[
	  {"type":9,"components":[{"type":10,"content":"## Anora"}],"accessory":{"type":11,"media":{"url":"https://x/p.jpg"},"spoiler":false}},
	  {"type":14,"spacing":1},
	  {"type":1,"components":[{"type":2,"style":1,"label":"Rate","custom_id":"rate:1"}]}]}]}}`
	resp, err := DecodeResponse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(resp); err != nil {
		t.Fatalf("decoded card: %v", err)
	}
	if Count(resp.Data.Components) != 7 {
		t.Fatalf("Count = %d, want 7", Count(resp.Data.Components))
	}
}
