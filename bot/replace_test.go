package bot

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// An update that leaves embeds, components and attachments out clears
// them: they go as [], never null, answered at once and after a
// deferral; a handler's own values are sent as they are; other answers
// are untouched.
func TestUpdateSendsEmptyLists(t *testing.T) {
	release := make(chan struct{})
	text := func(typ discordgo.InteractionResponseType) *discordgo.InteractionResponse {
		r := ok("Imported.")
		r.Type = typ
		return r
	}
	b, rec, _ := newBot(t, nil, map[string]Handler{
		"now": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return text(discordgo.InteractionResponseUpdateMessage), nil
		},
		"new": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return text(discordgo.InteractionResponseChannelMessageWithSource), nil
		},
		"own": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			r := text(discordgo.InteractionResponseUpdateMessage)
			r.Data.Embeds = []*discordgo.MessageEmbed{{Title: "page 2"}}
			r.Data.Files = []*discordgo.File{{Name: "chart.png", Reader: strings.NewReader("png")}}
			return r, nil
		},
		"slow": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			<-release
			return text(discordgo.InteractionResponseUpdateMessage), nil
		},
	})
	wire := func(v any) string {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(j)
	}
	body := func(r *discordgo.InteractionResponse) string {
		j, err := MarshalWire(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(j)
	}
	b.opts.DeferAfter = 1 << 40
	b.Handle(clickI("now:1"))
	got := body(only(t, rec))
	for _, want := range []string{`"embeds":[]`, `"components":[]`, `"attachments":[]`, `"content":"Imported."`} {
		if !strings.Contains(got, want) {
			t.Errorf("an update without embeds sends %s, want %s in it", got, want)
		}
	}
	rec.responses = nil
	b.Handle(clickI("new:1"))
	if got := body(only(t, rec)); !strings.Contains(got, `"embeds":null`) || strings.Contains(got, "attachments") {
		t.Errorf("a new message changed: %s", got)
	}
	rec.responses = nil
	b.Handle(clickI("own:1"))
	r := only(t, rec)
	if len(r.Data.Embeds) != 1 || r.Data.Attachments != nil || len(r.Data.Files) != 1 {
		t.Errorf("an update's own embeds and file: %+v", r.Data)
	}

	rec.responses = nil
	b.opts.DeferAfter = 0
	done := make(chan struct{})
	go func() { b.Handle(clickI("slow:1")); close(done) }()
	for deferred := false; !deferred; {
		rec.mu.Lock()
		deferred = len(rec.responses) == 1
		rec.mu.Unlock()
		runtime.Gosched()
	}
	close(release)
	<-done
	if len(rec.edits) != 1 {
		t.Fatalf("%d edits", len(rec.edits))
	}
	got = wire(rec.edits[0])
	for _, want := range []string{`"embeds":[]`, `"components":[]`, `"attachments":[]`} {
		if !strings.Contains(got, want) {
			t.Errorf("a deferred update sends %s, want %s in it", got, want)
		}
	}
}

// A deferred update that replaces its files (a /ratings page and its new
// chart) says which old attachments to keep, as the immediate answer
// does: none, so the new chart does not join the old one.
func TestDeferredUpdateReplacesFiles(t *testing.T) {
	var rec *recorder
	b, rec, _ := newBot(t, nil, map[string]Handler{
		"page": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			waitDeferred(t, &rec)
			r := ok("page 2")
			r.Type = discordgo.InteractionResponseUpdateMessage
			r.Data.Attachments = &[]*discordgo.MessageAttachment{}
			r.Data.Files = []*discordgo.File{{Name: "ratings.png", ContentType: "image/png", Reader: strings.NewReader("png")}}
			return r, nil
		},
	})
	b.Handle(clickI("page:2"))
	if len(rec.edits) != 1 {
		t.Fatalf("%d edits", len(rec.edits))
	}
	e := rec.edits[0]
	if len(e.Files) != 1 || e.Attachments == nil || len(*e.Attachments) != 0 {
		t.Errorf("the edit after the deferral: files %d, attachments %v (want [] beside the new file)", len(e.Files), e.Attachments)
	}
}
