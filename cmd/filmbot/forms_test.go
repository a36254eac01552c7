package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/sandbox"
)

// The review form of labels with its file upload, end to end through the
// sandbox: the bot's modal passes the sandbox's checks, the member's
// upload comes back in the submit (resolved.attachments), and the bot
// decodes it and posts the file's review; over the gateway and over HTTP
// interactions.
func TestEndToEndReviewFormUpload(t *testing.T) {
	t.Parallel()
	t.Run("gateway", func(t *testing.T) { endToEndReviewFormUpload(t) })
	t.Run("http", func(t *testing.T) { endToEndReviewFormUpload(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
}

func endToEndReviewFormUpload(t *testing.T, extraEnv ...string) {
	l := startLive(t, sandbox.Options{}, extraEnv...)
	sb := l.sb
	open := func() *sandbox.Interaction {
		ix, err := sb.Command(sandbox.Moderator, "/manage review add film:anora")
		if err != nil {
			t.Fatal(err)
		}
		form, err := ix.Wait(l.ctx())
		if err != nil || form.Modal == nil {
			t.Fatalf("no form: %v %+v", err, form)
		}
		return ix
	}
	ix := open()
	a, _ := ix.Wait(l.ctx())
	last, ok := a.Modal.Components[len(a.Modal.Components)-1].(*component.Label)
	if !ok {
		t.Fatalf("form %+v", a.Modal.Components)
	}
	if up, ok := last.Component.(*component.FileUpload); !ok || strings.Join(up.FileTypes, " ") != ".txt .md" {
		t.Fatalf("upload %+v", last.Component)
	}
	// The picker takes only .txt and .md: a .zip does not reach the bot.
	zip := sb.Upload("review.zip", "application/zip", []byte("PK"), 0)
	if _, err := sb.SubmitModal(sandbox.Moderator, ix, map[string]string{"reviewer": "Mo", "file": zip.ID}); err == nil || !strings.Contains(err.Error(), ".txt, .md") {
		t.Fatalf("a .zip submitted: %v", err)
	}
	md := sb.Upload("mo.md", "text/markdown", []byte("A con artist's week.\n\n||The ending stings.||"), 0)
	post, err := sb.SubmitModal(sandbox.Moderator, ix, map[string]string{"reviewer": "Mo", "file": md.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := post.Wait(l.ctx()); err != nil || !strings.Contains(a.Message.Content, "Posted Mo's review of **Anora (2024)** (2 excerpts)") {
		t.Fatalf("review from the form's file: %v %+v", err, a)
	}
	// Text and a file: refused, the text given back.
	ix = open()
	both, err := sb.SubmitModal(sandbox.Moderator, ix, map[string]string{"reviewer": "Vi", "text": "Typed.", "file": md.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := both.Wait(l.ctx()); err != nil || !a.Message.Ephemeral() || !strings.Contains(a.Message.Content, "not both") || !strings.Contains(a.Message.Content, "Typed.") {
		t.Fatalf("text and file: %v %+v", err, a)
	}
	l.noViolations()
}

// filmbot try submits forms of labels: a radio group's choice (--pick)
// and a file in a file upload (--field id=@path), as Discord sends them.
func TestTrySubmitsModernForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	code, out, errs := runMain(t, env(db), "try", "--guild", "5", "--submit", "ratemsg:form:1", "--pick", "score=7")
	if code != 0 || !strings.Contains(out, "You rated") || !strings.Contains(out, "(7/10)") {
		t.Fatalf("rating form: exit %d\n%s\n%s", code, out, errs)
	}
	md := filepath.Join(dir, "roger.md")
	if err := os.WriteFile(md, []byte("One.\n\nTwo."), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runMain(t, env(db), "try", "--guild", "5", "--mod", "--submit", "modrev:add:1", "--field", "reviewer=Roger", "--field", "file=@"+md)
	if code != 0 || !strings.Contains(out, "Posted Roger's review") || !strings.Contains(out, "(2 excerpts)") {
		t.Fatalf("review form's file: exit %d\n%s\n%s", code, out, errs)
	}
}

// A Letterboxd import from the upload form, end to end: the prompt's
// button opens the form, the member's .csv in its upload gives the
// preview, which they confirm.
func TestEndToEndImportForm(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{})
	sb := l.sb
	prompt := l.do(sandbox.Viewer, "/import letterboxd")
	if !prompt.Message.Ephemeral() || !strings.Contains(prompt.Message.Content, "Upload your Letterboxd export") {
		t.Fatalf("prompt %+v", prompt.Message)
	}
	ix, err := sb.Click(sandbox.Viewer, prompt.Message.ID, "lbform:open")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := ix.Wait(l.ctx()); err != nil || a.Modal == nil {
		t.Fatalf("no form: %v %+v", err, a)
	}
	notes := sb.Upload("notes.txt", "text/plain", []byte("x"), 0)
	if _, err := sb.SubmitModal(sandbox.Viewer, ix, map[string]string{"file": notes.ID}); err == nil {
		t.Fatal("a .txt went through the .zip/.csv picker")
	}
	csv := sb.Upload("ratings.csv", "text/csv", []byte("Date,Name,Year,Letterboxd URI,Rating\n2024-11-02,Anora,2024,https://boxd.it/a,4.5\n"), 0)
	sub, err := sb.SubmitModal(sandbox.Viewer, ix, map[string]string{"file": csv.ID})
	if err != nil {
		t.Fatal(err)
	}
	preview, err := sub.Wait(l.ctx())
	if err != nil || preview.Message == nil {
		t.Fatalf("preview: %v %+v", err, preview)
	}
	var ok string
	for _, r := range preview.Message.Rows() {
		for _, c := range r.Components {
			if b, isButton := c.(discordgo.Button); isButton && strings.HasPrefix(b.CustomID, "lbimp:ok:") {
				ok = b.CustomID
			}
		}
	}
	if ok == "" {
		t.Fatalf("no confirmation on the preview: %+v", preview.Message)
	}
	if done := l.click(sandbox.Viewer, preview.Message, ok); !strings.Contains(embedText(done.Message), "1") {
		t.Fatalf("confirmed: %+v", done.Message)
	}
	if r := l.do(sandbox.Viewer, "/rate film:anora"); !strings.Contains(embedText(r.Message), "(9/10)") {
		t.Fatalf("the imported rating: %+v", r.Message)
	}
	l.noViolations()
}

// Rate this film end to end: right-click on the bot's film card, the
// form's radio group of 1-10 (checked by the sandbox), the member's
// pick saved as /rate saves it; over the gateway and over HTTP.
func TestEndToEndRateThisFilm(t *testing.T) {
	t.Parallel()
	t.Run("gateway", func(t *testing.T) { endToEndRateThisFilm(t) })
	t.Run("http", func(t *testing.T) { endToEndRateThisFilm(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
}

func endToEndRateThisFilm(t *testing.T, extraEnv ...string) {
	l := startLive(t, sandbox.Options{}, extraEnv...)
	sb := l.sb
	card := l.do(sandbox.Viewer, "/film film:anora")
	ix, err := sb.MessageCommand(sandbox.Viewer, "Rate this film", card.Message.ID)
	if err != nil {
		t.Fatal(err)
	}
	form, err := ix.Wait(l.ctx())
	if err != nil || form.Modal == nil || !strings.HasPrefix(form.Modal.Title, "Rate Anora") {
		t.Fatalf("no rating form: %v %+v", err, form)
	}
	label, ok := form.Modal.Components[0].(*component.Label)
	if !ok {
		t.Fatalf("form %+v", form.Modal.Components)
	}
	if g, ok := label.Component.(*component.RadioGroup); !ok || len(g.Options) != 10 {
		t.Fatalf("radio group %+v", label.Component)
	}
	if _, err := sb.SubmitModal(sandbox.Viewer, ix, map[string]string{"score": "11"}); err == nil {
		t.Fatal("a score that is not an option went through")
	}
	sub, err := sb.SubmitModal(sandbox.Viewer, ix, map[string]string{"score": "7"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := sub.Wait(l.ctx())
	if err != nil || !a.Message.Ephemeral() || !strings.Contains(embedText(a.Message), "You rated **★★★½** (7/10)") {
		t.Fatalf("rated: %v %+v", err, a)
	}
	if r := l.do(sandbox.Viewer, "/rate film:anora"); !strings.Contains(embedText(r.Message), "(7/10)") {
		t.Fatalf("/rate does not see the form's rating: %+v", r.Message)
	}
	l.noViolations()
}
