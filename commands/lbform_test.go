package commands

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
)

// /import letterboxd without a file answers with a button that opens a
// form whose File Upload takes .zip/.csv; its file gives the preview that
// file: gives, and its confirmation.
func TestImportFromTheUploadForm(t *testing.T) {
	e := newEnv(t)
	e.files(map[string][]byte{"ratings.csv": []byte(lbRatings)})
	want := e.run(importCmd(guildA, "42", "ratings.csv", len(lbRatings)))

	prompt := e.run(slash(guildA, "import", sub("", "letterboxd")))
	if prompt.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || buttons(prompt)["Upload your export"] != "lbform:open" {
		t.Fatalf("prompt %+v, buttons %v", prompt.Data, buttons(prompt))
	}
	form, err := e.check(e.set.Components()["lbform"], click(guildA, "lbform:open"))
	if err != nil {
		t.Fatal(err)
	}
	l := form.Data.Components[0].(component.Label)
	up := l.Component.(component.FileUpload)
	if form.Type != discordgo.InteractionResponseModal || strings.Join(up.FileTypes, " ") != ".zip .csv" || up.MaxValues != 1 || *up.MinValues != 1 || l.Description == "" {
		t.Fatalf("form %+v, upload %+v", form.Data, up)
	}
	a := &discordgo.MessageAttachment{ID: "a9", Filename: "ratings.csv", Size: len(lbRatings), URL: "mem://ratings.csv"}
	submit := interaction(guildA, discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: form.Data.CustomID,
		Components: []discordgo.MessageComponent{&component.Label{Component: &component.FileUpload{CustomID: "file", Values: []string{a.ID}, Attachments: []*discordgo.MessageAttachment{a}}}}})
	submit.Member.User.ID = "42"
	got, err := e.check(e.set.Components()["lbform"], submit)
	if err != nil {
		t.Fatal(err)
	}
	if got.Data.Content != want.Data.Content || embed(got).Description != embed(want).Description || len(got.Data.Files) != len(want.Data.Files) {
		t.Fatalf("the form's preview\n%+v\nis not file:'s\n%+v", got.Data, want.Data)
	}
	var ok string
	for _, id := range buttons(got) {
		if strings.HasPrefix(id, "lbimp:ok:") {
			ok = id
		}
	}
	if ok == "" {
		t.Fatalf("no confirmation: %v", buttons(got))
	}
	// A form without its file (Discord requires it) gets the button again.
	empty := interaction(guildA, discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: form.Data.CustomID,
		Components: []discordgo.MessageComponent{&component.Label{Component: &component.FileUpload{CustomID: "file"}}}})
	if r, err := e.check(e.set.Components()["lbform"], empty); err != nil || buttons(r)["Upload your export"] != "lbform:open" {
		t.Fatalf("no file: %v %+v", err, r)
	}
	// A stale custom_id.
	if msg := e.userError(e.set.Components()["lbform"], click(guildA, "lbform:what")); !strings.Contains(msg, "out of date") {
		t.Errorf("stale: %q", msg)
	}
}
