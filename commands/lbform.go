package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
)

// A Letterboxd import started from a button: `/import letterboxd`
// without file: answers with "Upload your export", which opens a form
// whose File Upload takes the .zip or .csv; its submit runs the import as
// file: does (importLetterboxd, the same preview and confirmation).
var (
	msgImportPrompt   = locale.Text("import.upload.prompt", "Upload your Letterboxd export in a form: the ZIP from letterboxd.com → Settings → Import & Export → Export your data, or its ratings.csv. You see what changes before anything does.")
	msgImportUpload   = locale.Text("import.upload.button", "Upload your export")
	msgImportForm     = locale.Text("import.form.title", "Import from Letterboxd")
	msgImportFormFile = locale.Text("import.form.file", "Your Letterboxd export")
	msgImportFormDesc = locale.Text("import.form.file.desc", "The .zip from Settings → Import & Export, or its ratings.csv (up to 10 MB).")
)

// importFileTypes are the form upload's file types: what the import reads.
var importFileTypes = []string{".zip", ".csv"}

// importPrompt is the answer to /import letterboxd without a file.
func importPrompt(t *locale.T) *discordgo.InteractionResponse {
	r := Reply(t.S(msgImportPrompt))
	r.Data.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: t.S(msgImportUpload), Style: discordgo.PrimaryButton, CustomID: customID{"lbform", "open", nil}.String()},
	}}}
	return r
}

// importForm opens the upload form from the prompt's button, and runs
// the import when it is submitted.
func (s *Set) importForm(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	t := tr(i)
	switch i.Type {
	case discordgo.InteractionModalSubmit:
		if c, err := parseCustomID(i.ModalSubmitData().CustomID, 0); err != nil || c.action != "file" {
			return nil, staleButton(t)
		}
		a := formFile(i, "file")
		if a == nil { // Discord requires the file: a client that sent none
			return importPrompt(t), nil
		}
		// The import reads its file as /import letterboxd file: gives it:
		// the form's upload is that option, resolved the same way.
		ic := *i.Interaction
		ic.Type = discordgo.InteractionApplicationCommand
		ic.Data = discordgo.ApplicationCommandInteractionData{Name: importDef.Name, Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: "letterboxd", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
				Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Value: a.ID}}}},
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{a.ID: a}}}
		return s.importLetterboxd(ctx, &discordgo.InteractionCreate{Interaction: &ic})
	case discordgo.InteractionMessageComponent:
		if _, err := clicked(i, 0, "open"); err != nil {
			return nil, err
		}
		one := 1
		return modal(customID{"lbform", "file", nil}.String(), t.S(msgImportForm), component.Label{
			Label: clip(t.S(msgImportFormFile), limits.LabelText), Description: clip(t.S(msgImportFormDesc), limits.LabelDescription),
			Component: component.FileUpload{CustomID: "file", MinValues: &one, MaxValues: 1, FileTypes: importFileTypes},
		}), nil
	}
	return nil, staleButton(t)
}

// formFile is the first file of a submitted form's upload customID, or
// nil (not a form, no such upload, no file).
func formFile(i *discordgo.InteractionCreate, customID string) *discordgo.MessageAttachment {
	if i.Type != discordgo.InteractionModalSubmit {
		return nil
	}
	for _, up := range component.Uploads(i.ModalSubmitData().Components) {
		if up.CustomID == customID && len(up.Attachments) > 0 {
			return up.Attachments[0]
		}
	}
	return nil
}
