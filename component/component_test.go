package component

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// A modal submit as Discord sends it for a form of labels: a text input,
// a radio group and a file upload, whose file is in resolved.attachments.
const submit = `{"custom_id":"modrev:add:7","components":[
 {"type":18,"id":1,"component":{"type":4,"id":2,"custom_id":"text","value":"Good."}},
 {"type":18,"id":3,"component":{"type":21,"id":4,"custom_id":"score","value":"8"}},
 {"type":18,"id":5,"component":{"type":19,"id":6,"custom_id":"file","values":["900"]}},
 {"type":1,"components":[{"type":4,"custom_id":"old","value":"row"}]}],
 "resolved":{"attachments":{"900":{"id":"900","filename":"review.md","size":12,"url":"http://x/review.md"}}}}`

func TestDecodeModalSubmit(t *testing.T) {
	d, err := DecodeModalSubmit([]byte(submit))
	if err != nil {
		t.Fatal(err)
	}
	if d.CustomID != "modrev:add:7" || len(d.Components) != 4 {
		t.Fatalf("decoded %+v", d)
	}
	v := Values(d.Components)
	if v["text"] != "Good." || v["score"] != "8" || v["old"] != "row" {
		t.Fatalf("values %v", v)
	}
	ups := Uploads(d.Components)
	if len(ups) != 1 || ups[0].CustomID != "file" || len(ups[0].Attachments) != 1 || ups[0].Attachments[0].Filename != "review.md" {
		t.Fatalf("uploads %+v", ups)
	}
	// discordgo alone refuses it: the reason this package exists.
	var i discordgo.InteractionCreate
	body := `{"id":"1","type":5,"token":"t","data":` + submit + `}`
	if err := json.Unmarshal([]byte(body), &i); err == nil {
		t.Fatal("discordgo decoded a label: DecodeInteraction may no longer be needed")
	}
	var ix discordgo.Interaction
	if err := DecodeInteraction(&ix, []byte(body), ix.UnmarshalJSON([]byte(body))); err != nil {
		t.Fatal(err)
	}
	if ix.Token != "t" || ix.ModalSubmitData().CustomID != "modrev:add:7" {
		t.Fatalf("interaction %+v", ix)
	}
}

func TestDecodeModalSubmitRefuses(t *testing.T) {
	for name, body := range map[string]string{
		"unresolved upload": `{"custom_id":"x","components":[{"type":18,"component":{"type":19,"custom_id":"f","values":["1"]}}]}`,
		"label in label":    `{"custom_id":"x","components":[{"type":18,"component":{"type":18,"component":{"type":4}}}]}`,
		"unknown type":      `{"custom_id":"x","components":[{"type":99}]}`,
		"not an object":     `[]`,
	} {
		if _, err := DecodeModalSubmit([]byte(body)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	// Other interactions keep discordgo's error.
	var ix discordgo.Interaction
	body := []byte(`{"type":2,"data":{"options":"x"}}`)
	uerr := ix.UnmarshalJSON(body)
	if uerr == nil || DecodeInteraction(&ix, body, uerr) != uerr {
		t.Fatal("a command's decoding error was not kept")
	}
}

func TestMarshal(t *testing.T) {
	no := false
	min := 0
	cs := []discordgo.MessageComponent{
		Label{Label: "Review", Description: "Paragraphs", Component: discordgo.TextInput{CustomID: "text", Label: "ignored", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 4000}},
		Label{Label: "File", Component: FileUpload{CustomID: "file", MinValues: &min, MaxValues: 1, Required: &no, FileTypes: []string{".txt", ".md"}}},
		Label{Label: "Score", Component: RadioGroup{CustomID: "score", Options: []RadioOption{{Value: "1", Label: "1"}, {Value: "2", Label: "2", Default: true}}}},
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"type":18,"label":"Review","description":"Paragraphs","component":{"type":4,"custom_id":"text","style":2,"required":true,"max_length":4000}},` +
		`{"type":18,"label":"File","component":{"type":19,"custom_id":"file","min_values":0,"max_values":1,"required":false,"file_types":[".txt",".md"]}},` +
		`{"type":18,"label":"Score","component":{"type":21,"custom_id":"score","options":[{"value":"1","label":"1"},{"value":"2","label":"2","default":true}]}}]`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if strings.Contains(string(b), "ignored") {
		t.Fatal("a labelled text input kept its own label")
	}
	// And back.
	var raws []json.RawMessage
	_ = json.Unmarshal(b, &raws)
	for k, raw := range raws {
		c, err := DecodeComponent(raw)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(c)
		if string(again) != string(raw) {
			t.Errorf("component %d: %s != %s", k, again, raw)
		}
	}
}

func TestWalkLayout(t *testing.T) {
	// A layout card as discordgo decodes it (pointers) and as a handler
	// builds it (values): Walk reaches the buttons and selects nested in
	// containers and sections, in order.
	raw := `[{"type":17,"components":[
	  {"type":9,"components":[{"type":10,"content":"t"}],"accessory":{"type":2,"style":1,"label":"a","custom_id":"acc"}},
	  {"type":1,"components":[{"type":3,"custom_id":"menu","options":[{"label":"1","value":"1"}]}]}]},
	 {"type":9,"components":[{"type":10,"content":"u"}],"accessory":{"type":11,"media":{"url":"https://x/y.png"}}},
	 {"type":1,"components":[{"type":2,"style":1,"label":"b","custom_id":"top"}]}]`
	var rms []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &rms); err != nil {
		t.Fatal(err)
	}
	var decoded []discordgo.MessageComponent
	for _, r := range rms {
		c, err := DecodeComponent(r)
		if err != nil {
			t.Fatal(err)
		}
		decoded = append(decoded, c)
	}
	built := []discordgo.MessageComponent{
		discordgo.Container{Components: []discordgo.MessageComponent{
			discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "t"}},
				Accessory: discordgo.Button{Label: "a", CustomID: "acc"}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{CustomID: "menu"}}},
		}},
		discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "u"}},
			Accessory: discordgo.Thumbnail{}},
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "b", CustomID: "top"}}},
	}
	for name, cs := range map[string][]discordgo.MessageComponent{"decoded": decoded, "built": built} {
		var ids []string
		var types []discordgo.ComponentType
		Walk(cs, func(c discordgo.MessageComponent) {
			types = append(types, c.Type())
			switch x := c.(type) {
			case *discordgo.Button:
				ids = append(ids, x.CustomID)
			case discordgo.Button:
				ids = append(ids, x.CustomID)
			case *discordgo.SelectMenu:
				ids = append(ids, x.CustomID)
			case discordgo.SelectMenu:
				ids = append(ids, x.CustomID)
			}
		})
		if got := strings.Join(ids, ","); got != "acc,menu,top" {
			t.Errorf("%s: custom_ids %s, want acc,menu,top", name, got)
		}
		if len(types) != 11 {
			t.Errorf("%s: walked %d components (%v), want 11", name, len(types), types)
		}
	}
}
