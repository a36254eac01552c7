package limits

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
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

// BenchmarkCheck judges an answer shaped like /review's: one embed, a row
// of four buttons. Every answer the bot sends is judged first.
func BenchmarkCheck(b *testing.B) {
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Embeds: []*discordgo.MessageEmbed{{Title: "Anora (2024)", Description: strings.Repeat("A passage of a review. ", 40),
			Author: &discordgo.MessageEmbedAuthor{Name: "Review"}, Footer: &discordgo.MessageEmbedFooter{Text: "Excerpt 1 of 12"}}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "◀ Previous", CustomID: "rev:show:1:0"}, discordgo.Button{Label: "Next ▶", CustomID: "rev:show:1:2"},
			discordgo.Button{Label: "🎲 Random", CustomID: "rev:random:1:1"}, discordgo.Button{Label: "Read it all", CustomID: "rev:all:1:1"}}}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}}
	for b.Loop() {
		if err := Check(resp); err != nil {
			b.Fatal(err)
		}
	}
}

// A custom_id used twice is found wherever it is, even past the 25 a
// valid message can hold.
func TestCustomIDTwice(t *testing.T) {
	row := func(ids ...string) discordgo.ActionsRow {
		var r discordgo.ActionsRow
		for _, id := range ids {
			r.Components = append(r.Components, discordgo.Button{Label: "x", CustomID: id})
		}
		return r
	}
	var comps []discordgo.MessageComponent
	for r := 0; r < 6; r++ {
		var ids []string
		for b := 0; b < 5; b++ {
			ids = append(ids, fmt.Sprintf("id-%d-%d", r, b))
		}
		comps = append(comps, row(ids...))
	}
	if err := Components(comps); err == nil || strings.Contains(err.Error(), "twice") {
		t.Errorf("30 distinct ids: %v, want only the row count refused", err)
	}
	for _, dup := range []string{"id-0-0", "id-4-4", "id-5-1"} {
		c := append(append([]discordgo.MessageComponent{}, comps...), row(dup))
		if err := Components(c); err == nil || !strings.Contains(err.Error(), `custom_id "`+dup+`" used twice`) {
			t.Errorf("%s twice: %v", dup, err)
		}
	}
	if err := Components([]discordgo.MessageComponent{row("a", "b", "a")}); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Errorf("a row with one id twice: %v", err)
	}
}

// A form of labels, as Discord documents it: what it takes, and each way
// it answers 400.
func TestModernForms(t *testing.T) {
	zero, two := 0, 2
	radio := func(n int) component.RadioGroup {
		g := component.RadioGroup{CustomID: "score"}
		for k := 1; k <= n; k++ {
			g.Options = append(g.Options, component.RadioOption{Value: strconv.Itoa(k), Label: strconv.Itoa(k)})
		}
		return g
	}
	input := discordgo.TextInput{CustomID: "text", Style: discordgo.TextInputParagraph, MaxLength: 4000}
	mk := func(cs ...discordgo.MessageComponent) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{CustomID: "f", Title: "Form", Components: cs}}
	}
	good := mk(
		component.Label{Label: "Review", Description: strings.Repeat("d", 100), Component: input},
		&component.Label{Label: "File", Component: component.FileUpload{CustomID: "file", MinValues: &zero, MaxValues: 1, FileTypes: []string{".txt", ".md"}}},
		component.Label{Label: strings.Repeat("l", 45), Component: &component.RadioGroup{CustomID: "r", Options: radio(10).Options}},
		discordgo.TextDisplay{Content: "Read this first."},
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "old", Label: "Legacy", Style: discordgo.TextInputShort}}},
	)
	if err := Check(good); err != nil {
		t.Fatalf("a valid form refused: %v", err)
	}
	for name, c := range map[string]struct {
		resp *discordgo.InteractionResponse
		want string
	}{
		"label without a child":   {mk(component.Label{Label: "Empty"}), "wraps no component"},
		"label over 45":           {mk(component.Label{Label: strings.Repeat("l", 46), Component: input}), "limit 1-45"},
		"empty label":             {mk(component.Label{Component: input}), "limit 1-45"},
		"description over 100":    {mk(component.Label{Label: "L", Description: strings.Repeat("d", 101), Component: input}), "limit 100"},
		"radio of 11":             {mk(component.Label{Label: "L", Component: radio(11)}), "11 options, limit 2-10"},
		"radio of 1":              {mk(component.Label{Label: "L", Component: radio(1)}), "1 options, limit 2-10"},
		"radio value twice":       {mk(component.Label{Label: "L", Component: component.RadioGroup{CustomID: "r", Options: []component.RadioOption{{Value: "a", Label: "A"}, {Value: "a", Label: "B"}}}}), "twice"},
		"radio two defaults":      {mk(component.Label{Label: "L", Component: component.RadioGroup{CustomID: "r", Options: []component.RadioOption{{Value: "a", Label: "A", Default: true}, {Value: "b", Label: "B", Default: true}}}}), "default"},
		"upload of 11":            {mk(component.Label{Label: "L", Component: component.FileUpload{CustomID: "f", MaxValues: 11}}), "limit 0-10"},
		"upload min over max":     {mk(component.Label{Label: "L", Component: component.FileUpload{CustomID: "f", MinValues: &two, MaxValues: 1}}), "min ≤ max"},
		"upload bad type":         {mk(component.Label{Label: "L", Component: component.FileUpload{CustomID: "f", FileTypes: []string{"zip"}}}), "not image, video, audio"},
		"upload 11 types":         {mk(component.Label{Label: "L", Component: component.FileUpload{CustomID: "f", FileTypes: strings.Split(".a .b .c .d .e .f .g .h .i .j .k", " ")}}), "11 file types"},
		"button in a label":       {mk(component.Label{Label: "L", Component: discordgo.Button{Label: "x", CustomID: "b"}}), "cannot hold"},
		"label in a label":        {mk(component.Label{Label: "L", Component: component.Label{Label: "M", Component: input}}), "cannot hold"},
		"same custom_id twice":    {mk(component.Label{Label: "A", Component: input}, component.Label{Label: "B", Component: input}), "used twice"},
		"six components":          {mk(component.Label{Label: "1", Component: input}, discordgo.TextDisplay{Content: "2"}, discordgo.TextDisplay{Content: "3"}, discordgo.TextDisplay{Content: "4"}, discordgo.TextDisplay{Content: "5"}, discordgo.TextDisplay{Content: "6"}), "6 components"},
		"labelled input too long": {mk(component.Label{Label: "L", Component: discordgo.TextInput{CustomID: "t", Style: discordgo.TextInputShort, MaxLength: 4001}}), "more than 4000"},
	} {
		err := Check(c.resp)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, c.want)
		}
	}
	// What the bot sends decodes back to what it checked.
	body, err := json.Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(back); err != nil {
		t.Fatalf("decoded form refused: %v", err)
	}
	if l, ok := back.Data.Components[2].(*component.Label); !ok || len(l.Component.(*component.RadioGroup).Options) != 10 {
		t.Fatalf("decoded %#v", back.Data.Components[2])
	}
}
