package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
)

// reviewSubmit is the review form submitted as Discord sends it: labels
// holding what was typed, and the upload's attachments resolved.
func reviewSubmit(guild, customID, reviewer, text string, files ...*discordgo.MessageAttachment) *discordgo.InteractionCreate {
	up := &component.FileUpload{CustomID: "file", Attachments: files}
	for _, f := range files {
		up.Values = append(up.Values, f.ID)
	}
	return mod(interaction(guild, discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: customID, Components: []discordgo.MessageComponent{
		&component.Label{Component: &discordgo.TextInput{CustomID: "reviewer", Value: reviewer}},
		&component.Label{Component: &discordgo.TextInput{CustomID: "text", Value: text}},
		&component.Label{Component: &discordgo.TextInput{CustomID: "quote"}},
		&component.Label{Component: up},
	}}))
}

// /manage review add's form: labelled fields with descriptions, and a
// file upload of .txt/.md whose file becomes the review.
func TestReviewFormUpload(t *testing.T) {
	e := newEnv(t)
	e.files(map[string][]byte{"r.md": []byte("\uFEFFFirst paragraph.\n\nSecond paragraph."), "big.txt": []byte(strings.Repeat("x", 100<<10+1))})
	form := e.run(mod(slash(guildA, "manage", sub("review", "add", opt("film", "anora")))))
	if len(form.Data.Components) != 4 {
		t.Fatalf("form %+v", form.Data.Components)
	}
	for _, c := range form.Data.Components {
		if l := c.(component.Label); l.Label == "" || l.Description == "" {
			t.Errorf("label %+v", l)
		}
	}
	text := form.Data.Components[1].(component.Label).Component.(discordgo.TextInput)
	if text.Required {
		t.Error("the text is required, though a file may stand for it")
	}
	up := form.Data.Components[3].(component.Label).Component.(component.FileUpload)
	if up.CustomID != "file" || strings.Join(up.FileTypes, " ") != ".txt .md" || up.MaxValues != 1 || component.IsRequired(up.Required) {
		t.Fatalf("upload %+v", up)
	}
	md := &discordgo.MessageAttachment{ID: "a1", Filename: "r.md", Size: 40, URL: "mem://r.md"}
	if msg := e.modal(reviewSubmit(guildA, form.Data.CustomID, "Vi", "", md)); !strings.Contains(msg, "(2 excerpts)") {
		t.Fatalf("posted: %q", msg)
	}
	revs, _ := e.db.Reviews(context.Background(), 111, e.anora.ID)
	found := false
	for _, r := range revs {
		found = found || r.Reviewer == "Vi"
	}
	if !found {
		t.Fatalf("no review by Vi among %+v", revs)
	}
	for name, c := range map[string]struct {
		text string
		file *discordgo.MessageAttachment
		want string
	}{
		"text and file": {"Typed words.", md, "not both. Your text, so it is not lost:\nTyped words."},
		"not text":      {"", &discordgo.MessageAttachment{ID: "a2", Filename: "r.pdf", Size: 4, URL: "mem://r.pdf"}, `"r.pdf" is not a text file`},
		"too big":       {"", &discordgo.MessageAttachment{ID: "a3", Filename: "big.txt", Size: 100<<10 + 1, URL: "mem://big.txt"}, "the limit is 100 KB"},
		"neither":       {"  ", nil, "no text"},
	} {
		var files []*discordgo.MessageAttachment
		if c.file != nil {
			files = append(files, c.file)
		}
		if msg := e.userError(e.set.modReview, reviewSubmit(guildA, form.Data.CustomID, "Other", c.text, files...)); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q", name, msg)
		}
	}
}
