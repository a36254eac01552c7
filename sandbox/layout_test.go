package sandbox

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/limits"
)

func accent(c int) *int { return &c }

// filmCard is a layout card as the bot sends it: the poster (an uploaded
// file) beside the title, the chart in a gallery, a button inside the
// container, a disabled one, a button as a section's accessory and the
// Rate menu at the top level.
func filmCard(typ discordgo.InteractionResponseType) *discordgo.InteractionResponse {
	min := 1
	return &discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{
		Flags: limits.FlagV2, AllowedMentions: none(),
		Files: []*discordgo.File{{Name: "poster.png", ContentType: "image/png", Reader: strings.NewReader("poster")},
			{Name: "chart.png", ContentType: "image/png", Reader: strings.NewReader("chart")}},
		Components: []discordgo.MessageComponent{
			discordgo.Container{AccentColor: accent(0xe0a526), Components: []discordgo.MessageComponent{
				discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "## Anora (2024)"}},
					Accessory: discordgo.Thumbnail{Media: discordgo.UnfurledMediaItem{URL: "attachment://poster.png"}}},
				discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{{Media: discordgo.UnfurledMediaItem{URL: "attachment://chart.png"}}}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Cast", CustomID: "cast:1"},
					discordgo.Button{Label: "Gone", CustomID: "gone:1", Disabled: true},
				}},
				discordgo.Section{Components: []discordgo.MessageComponent{discordgo.TextDisplay{Content: "A review"}},
					Accessory: discordgo.Button{Label: "Read", CustomID: "rev:1", Style: discordgo.SecondaryButton}},
			}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{CustomID: "rate:1", MinValues: &min, MaxValues: 1,
				Options: []discordgo.SelectMenuOption{{Label: "10", Value: "10"}}}}},
		},
	}}
}

// update is a layout card's update after a click: no flag sent (the
// message keeps it), the chart kept by name.
func update(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{
		AllowedMentions: none(), Components: []discordgo.MessageComponent{discordgo.Container{Components: []discordgo.MessageComponent{
			discordgo.TextDisplay{Content: text},
			discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{{Media: discordgo.UnfurledMediaItem{URL: "attachment://chart.png"}}}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Cast", CustomID: "cast:1"}}},
		}}},
	}}
}

// A layout card is taken, stored as Discord's JSON with its media pointing
// at the uploaded files, and its nested buttons and menu are clicked and
// routed like top-level ones; a disabled or missing one is refused.
func TestSandboxLayoutCard(t *testing.T) {
	var mu sync.Mutex
	var clicked []string
	sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		r := bot.SessionResponder{S: s}
		switch i.Type {
		case discordgo.InteractionApplicationCommand:
			r.InteractionRespond(i.Interaction, filmCard(4))
		case discordgo.InteractionMessageComponent:
			id := i.MessageComponentData().CustomID
			mu.Lock()
			clicked = append(clicked, id)
			mu.Unlock()
			u := update("clicked " + id)
			// The chart is kept, by id, from the message the click was on.
			var keep []*discordgo.MessageAttachment
			for _, a := range i.Message.Attachments {
				if a.Filename == "chart.png" {
					keep = append(keep, &discordgo.MessageAttachment{ID: a.ID})
				}
			}
			u.Data.Attachments = &keep
			r.InteractionRespond(i.Interaction, u)
		}
	})
	a, _, err := sb.Do(ctx(t), Viewer, "/ping what:x")
	if err != nil {
		t.Fatal(err)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Fatalf("violations: %v", v)
	}
	m := a.Message
	if !limits.IsV2(m.Flags) || m.Content != "" || len(m.Embeds) != 0 || len(m.Attachments) != 2 || limits.Count(m.Components) != 13 {
		t.Fatalf("stored card: flags %d, content %q, %d embeds, %d attachments, %d components", m.Flags, m.Content, len(m.Embeds), len(m.Attachments), limits.Count(m.Components))
	}
	// As readers get it: Discord's JSON, media at the files' URLs.
	raw, _ := json.Marshal(sb.messageJSON(m))
	var wire struct {
		Flags      int `json:"flags"`
		Components []struct {
			Type       int `json:"type"`
			Components []struct {
				Type      int `json:"type"`
				Accessory struct {
					Media struct{ URL string } `json:"media"`
				} `json:"accessory"`
				Items []struct {
					Media struct{ URL string } `json:"media"`
				} `json:"items"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil {
		t.Fatal(err)
	}
	if wire.Flags != 32768 || len(wire.Components) != 2 || wire.Components[0].Type != 17 || len(wire.Components[0].Components) != 4 {
		t.Fatalf("card as readers get it: %s", raw)
	}
	poster := wire.Components[0].Components[0].Accessory.Media.URL
	chart := wire.Components[0].Components[1].Items[0].Media.URL
	if !strings.HasPrefix(poster, sb.URL+"/attachments/") || !strings.HasSuffix(poster, "/poster.png") || !strings.HasSuffix(chart, "/chart.png") {
		t.Fatalf("media not resolved to the files: %q %q", poster, chart)
	}
	for id, want := range map[string]string{"gone:1": "disabled", "nope": "has no"} {
		if _, err := sb.Click(Viewer, m.ID, id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("click %s: %v, want %q", id, err, want)
		}
	}
	// Clicks inside the container, on a section's accessory, and the menu.
	for _, id := range []string{"cast:1", "rev:1"} {
		ix, err := sb.Click(Viewer, m.ID, id)
		if err != nil {
			t.Fatalf("click %s: %v", id, err)
		}
		b, err := ix.Wait(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if !limits.IsV2(b.Message.Flags) || b.Message.ID != m.ID || limits.TextLength(b.Message.Components) != len("clicked "+id) || len(b.Message.Attachments) != 1 {
			t.Fatalf("after clicking %s: %+v", id, b.Message)
		}
		// Restore the card for the next click.
		sb.mu.Lock()
		sb.messages[m.ID].Components = m.Components
		sb.mu.Unlock()
	}
	if ix, err := sb.Select(Viewer, m.ID, "rate:1", "10"); err != nil {
		t.Fatalf("select: %v", err)
	} else if _, err := ix.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(clicked, ",") != "cast:1,rev:1,rate:1" {
		t.Errorf("routed %v", clicked)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

// A deferred answer becomes a layout card by the edit of @original with
// the flag; the card then stays one: an edit whose flags leave it out, or
// content beside it, is refused with Discord's 400, and recorded.
func TestSandboxLayoutEdits(t *testing.T) {
	type result struct {
		step string
		err  error
	}
	results := make(chan result, 8)
	sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionApplicationCommand {
			return
		}
		r := bot.SessionResponder{S: s}
		err := r.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 5})
		results <- result{"defer", err}
		card := filmCard(4).Data
		e := &bot.WebhookEdit{WebhookEdit: discordgo.WebhookEdit{Components: &card.Components, AllowedMentions: none(), Files: card.Files}, Flags: limits.FlagV2}
		_, err = r.InteractionResponseEditFlags(i.Interaction, e)
		results <- result{"card", err}
		// An edit without the flag keeps it: judged as a card.
		text := []discordgo.MessageComponent{discordgo.TextDisplay{Content: "edited"}}
		_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Components: &text, AllowedMentions: none()})
		results <- result{"edit keeping the flag", err}
		content := "plain text"
		_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &content, AllowedMentions: none()})
		results <- result{"content beside the card", err}
		_, err = s.RequestWithBucketID("PATCH", discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original"),
			map[string]any{"flags": 0, "components": text, "allowed_mentions": none()}, "x")
		results <- result{"flags without the card's", err}
		// A follow-up card, ephemeral, with a file it does not send.
		_, err = s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Flags: limits.FlagV2 | discordgo.MessageFlagsEphemeral, AllowedMentions: none(),
			Components: []discordgo.MessageComponent{discordgo.MediaGallery{Items: []discordgo.MediaGalleryItem{{Media: discordgo.UnfurledMediaItem{URL: "attachment://missing.png"}}}}}})
		results <- result{"follow-up naming a missing file", err}
		_, err = s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Flags: limits.FlagV2 | discordgo.MessageFlagsEphemeral, AllowedMentions: none(), Components: text})
		results <- result{"follow-up card", err}
	})
	ix, err := sb.Command(Viewer, "/ping what:x")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"defer": "", "card": "", "edit keeping the flag": "", "content beside the card": "cannot have content",
		"flags without the card's": "cannot stop being one", "follow-up naming a missing file": "does not carry", "follow-up card": ""}
	for range want {
		var r result
		select {
		case r = <-results:
		case <-ctx(t).Done():
			t.Fatalf("the bot did not finish; violations %v", sb.Violations())
		}
		w := want[r.step]
		var rerr *discordgo.RESTError
		switch {
		case w == "" && r.err != nil:
			t.Errorf("%s: %v", r.step, r.err)
		case w != "" && (r.err == nil || !asREST(r.err, &rerr) || rerr.Response.StatusCode != 400 || rerr.Message == nil || rerr.Message.Code != 50035 || !strings.Contains(rerr.Message.Message, w)):
			t.Errorf("%s: %v, want Discord's 400 (50035) with %q", r.step, r.err, w)
		}
		if w != "" && !hasViolation(sb, w) {
			t.Errorf("%s: no finding %q in %v", r.step, w, sb.Violations())
		}
	}
	a := ix.Answer()
	if a.Message == nil || !limits.IsV2(a.Message.Flags) || a.Message.Thinking || limits.TextLength(a.Message.Components) != len("edited") {
		t.Fatalf("the answer: %+v", a.Message)
	}
	if len(a.Followups) != 1 || a.Followups[0].Flags != limits.FlagV2|discordgo.MessageFlagsEphemeral || a.Followups[0].EphemeralFor != Viewer.UserID {
		t.Errorf("follow-ups: %+v", a.Followups)
	}
}

func asREST(err error, out **discordgo.RESTError) bool {
	r, ok := err.(*discordgo.RESTError)
	*out = r
	return ok
}

func hasViolation(sb *Server, what string) bool {
	for _, v := range sb.Violations() {
		if strings.Contains(v.What, what) {
			return true
		}
	}
	return false
}

// Answers Discord refuses around layout cards: the components without
// the flag, content beside them, a deferral carrying the flag, an update
// whose flags leave out its card's, and a legacy message made a card
// while keeping its content.
func TestSandboxLayoutJudged(t *testing.T) {
	text := []discordgo.MessageComponent{discordgo.TextDisplay{Content: "t"}}
	respond := func(r *discordgo.InteractionResponse) func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		return func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			s.InteractionRespond(i.Interaction, r)
		}
	}
	cases := map[string]struct {
		answer func(s *discordgo.Session, i *discordgo.InteractionCreate)
		want   string
	}{
		"no flag": {respond(&discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{AllowedMentions: none(), Components: text}}), "needs the message flag"},
		"content": {respond(&discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x", Flags: limits.FlagV2,
			AllowedMentions: none(), Components: text}}), "cannot have content"},
		"deferral with the flag": {respond(&discordgo.InteractionResponse{Type: 5, Data: &discordgo.InteractionResponseData{Flags: limits.FlagV2}}), "edit of the original response"},
		"missing file": {respond(&discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Flags: limits.FlagV2, AllowedMentions: none(),
			Components: []discordgo.MessageComponent{discordgo.FileComponent{File: discordgo.UnfurledMediaItem{URL: "attachment://a.zip"}}}}}), "does not carry"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sb := rawBot(t, c.answer)
			if _, err := sb.Command(Viewer, "/ping what:x"); err != nil {
				t.Fatal(err)
			}
			if err := sb.waitFor(ctx(t), func() bool { return hasViolationLocked(sb, c.want) }); err != nil {
				t.Errorf("no violation %q; got %v", c.want, sb.Violations())
			}
		})
	}
	// Updates (type 7) on a card and on a legacy message.
	for name, c := range map[string]struct {
		card bool
		body map[string]any
		want string
	}{
		"update dropping the flag": {true, map[string]any{"type": 7, "data": map[string]any{"flags": 0, "components": text, "allowed_mentions": none()}}, "cannot stop being one"},
		"update with content":      {true, map[string]any{"type": 7, "data": map[string]any{"content": "x", "components": text, "allowed_mentions": none()}}, "cannot have content"},
		"legacy made a card, content left": {false, map[string]any{"type": 7, "data": map[string]any{"flags": 32768, "components": text,
			"allowed_mentions": none()}}, "cannot have content"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sb := rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
				if i.Type == discordgo.InteractionApplicationCommand {
					first := &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "legacy", AllowedMentions: none(),
						Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "b", CustomID: "b"}}}}}}
					if c.card {
						first = &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Flags: limits.FlagV2, AllowedMentions: none(),
							Components: []discordgo.MessageComponent{discordgo.Section{Components: text, Accessory: discordgo.Button{Label: "b", CustomID: "b"}}}}}
					}
					bot.SessionResponder{S: s}.InteractionRespond(i.Interaction, first)
					return
				}
				s.RequestWithBucketID("POST", discordgo.EndpointInteractionResponse(i.ID, i.Token), c.body, "x")
			})
			a, _, err := sb.Do(ctx(t), Viewer, "/ping what:x")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sb.Click(Viewer, a.Message.ID, "b"); err != nil {
				t.Fatal(err)
			}
			if err := sb.waitFor(ctx(t), func() bool { return hasViolationLocked(sb, c.want) }); err != nil {
				t.Errorf("no violation %q; got %v", c.want, sb.Violations())
			}
		})
	}
}

// hasViolationLocked is hasViolation for waitFor's condition (s.mu held).
func hasViolationLocked(sb *Server, what string) bool {
	for _, v := range sb.viol {
		if strings.Contains(v.What, what) {
			return true
		}
	}
	return false
}

// The bot's envelope end to end: a command and a click whose handlers
// outlive DeferAfter answer with layout cards; the bot defers (without the
// flag) and edits the card in with it, and the sandbox takes both, chart
// and all.
func TestSandboxBotDefersLayoutCard(t *testing.T) {
	var (
		once sync.Once
		b    *bot.Bot
		sb   *Server
		box  = make(chan *Server, 1)
	)
	deferred := func(ctx context.Context, i *discordgo.InteractionCreate) {
		s := <-box
		box <- s
		s.waitFor(ctx, func() bool { ix := s.inter[i.ID]; return ix != nil && ix.deferred })
	}
	sb = rawBot(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		once.Do(func() {
			b = bot.New(bot.SessionResponder{S: s}, []bot.Command{{Def: &discordgo.ApplicationCommand{Name: "ping", Description: "ping"},
				Run: func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
					deferred(ctx, i)
					return filmCard(4), nil
				}}}, map[string]bot.Handler{"cast": func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
				deferred(ctx, i)
				u := update("the cast")
				u.Data.Files = []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: strings.NewReader("chart 2")}}
				u.Data.Attachments = &[]*discordgo.MessageAttachment{} // the new chart in place of the old files
				return u, nil
			}}, bot.Options{DeferAfter: time.Millisecond, Timeout: 10 * time.Second})
		})
		b.Handle(i)
	})
	box <- sb
	a, _, err := sb.Do(ctx(t), Viewer, "/ping what:x")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Deferred || a.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !limits.IsV2(a.Message.Flags) || len(a.Message.Attachments) != 2 {
		t.Fatalf("deferred card: %+v, message %+v", a, a.Message)
	}
	ix, err := sb.Click(Viewer, a.Message.ID, "cast:1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ix.Wait(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Deferred || c.Type != discordgo.InteractionResponseDeferredMessageUpdate || !limits.IsV2(c.Message.Flags) ||
		len(c.Message.Attachments) != 1 || limits.TextLength(c.Message.Components) != len("the cast") {
		t.Fatalf("deferred update: %+v, message %+v", c, c.Message)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}
