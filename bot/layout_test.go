package bot

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

// card is a small layout card answer of the given type.
func card(typ discordgo.InteractionResponseType, flags discordgo.MessageFlags) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{
		Flags:           limits.FlagV2 | flags,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		Components: []discordgo.MessageComponent{discordgo.Container{Components: []discordgo.MessageComponent{
			discordgo.TextDisplay{Content: "## Anora (2024)"},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Next", CustomID: "rev:show:1:2"}}},
		}}},
	}}
}

// messageFields reports whether a callback body's data has content or
// embeds.
func messageFields(t *testing.T, body string) bool {
	t.Helper()
	var r struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	_, c := r.Data["content"]
	_, e := r.Data["embeds"]
	return c || e
}

// editJSON is the body an edit goes out with.
func editJSON(t *testing.T, e any) map[string]json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A deferred answer that becomes a layout card is edited in with the
// flag (the deferral carries none): a command's "thinking" message, a
// private command's ephemeral one and a button's deferred update; a
// private card after a public deferral goes as a follow-up with its flags.
func TestDeferredLayoutCardEditedWithFlag(t *testing.T) {
	var rec *recorder
	b, rec, _ := newBot(t, []Command{
		cmd("film", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			waitDeferred(t, &rec)
			return card(discordgo.InteractionResponseChannelMessageWithSource, 0), nil
		}),
		{Def: &discordgo.ApplicationCommand{Name: "mine", Description: "mine"}, Private: true, Run: func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			waitDeferred(t, &rec)
			return card(discordgo.InteractionResponseChannelMessageWithSource, discordgo.MessageFlagsEphemeral), nil
		}},
		cmd("secret", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			waitDeferred(t, &rec)
			return card(discordgo.InteractionResponseChannelMessageWithSource, discordgo.MessageFlagsEphemeral), nil
		}),
	}, map[string]Handler{"rev": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		waitDeferred(t, &rec)
		return card(discordgo.InteractionResponseUpdateMessage, 0), nil
	}})
	reset := func() { rec.responses, rec.edits, rec.flagged, rec.followups, rec.deletes = nil, nil, nil, nil, 0 }
	for _, c := range []struct {
		name     string
		i        *discordgo.InteractionCreate
		deferral discordgo.InteractionResponseType
	}{
		{"command", slash("film"), discordgo.InteractionResponseDeferredChannelMessageWithSource},
		{"private command", slash("mine"), discordgo.InteractionResponseDeferredChannelMessageWithSource},
		{"button", clickI("rev:show:1:2"), discordgo.InteractionResponseDeferredMessageUpdate},
	} {
		reset()
		b.Handle(c.i)
		r := only(t, rec)
		if r.Type != c.deferral || (r.Data != nil && limits.IsV2(r.Data.Flags)) || limits.Check(r) != nil {
			t.Errorf("%s: deferral %+v", c.name, r)
		}
		if len(rec.flagged) != 1 || len(rec.edits) != 1 || len(rec.followups) != 0 {
			t.Fatalf("%s: %d flagged edits, %d edits, %d follow-ups; want one edit with flags", c.name, len(rec.flagged), len(rec.edits), len(rec.followups))
		}
		e := rec.flagged[0]
		m := editJSON(t, e)
		if e.Flags != limits.FlagV2 || string(m["flags"]) != "32768" || string(m["content"]) != "null" || string(m["embeds"]) != "[]" {
			t.Errorf("%s: edit body %s %s %s", c.name, m["flags"], m["content"], m["embeds"])
		}
		var comps []map[string]any
		if err := json.Unmarshal(m["components"], &comps); err != nil || len(comps) != 1 || comps[0]["type"] != float64(17) {
			t.Errorf("%s: edit components %s (%v)", c.name, m["components"], err)
		}
	}
	// A private card after a public "thinking" message: deleted, and the
	// card sent as an ephemeral follow-up carrying both flags.
	reset()
	b.Handle(slash("secret"))
	if len(rec.followups) != 1 || rec.deletes != 1 || len(rec.edits) != 0 {
		t.Fatalf("private card after a public deferral: %d follow-ups, %d deletes, %d edits", len(rec.followups), rec.deletes, len(rec.edits))
	}
	f := rec.followups[0]
	m := editJSON(t, f)
	if f.Flags != limits.FlagV2|discordgo.MessageFlagsEphemeral || string(m["flags"]) != "32832" || m["content"] != nil || m["embeds"] != nil {
		t.Errorf("follow-up body: %+v", m)
	}
}

// A layout card queued as a follow-up (Followup) keeps its flags.
func TestLayoutFollowup(t *testing.T) {
	b, rec, _ := newBot(t, []Command{cmd("film", func(ctx context.Context, _ *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		if !Followup(ctx, card(4, discordgo.MessageFlagsEphemeral).Data) {
			t.Error("a layout card refused as a follow-up")
		}
		bad := card(4, 0).Data
		bad.Content = "beside a card"
		if Followup(ctx, bad) {
			t.Error("a layout card with content queued")
		}
		return ok("answer"), nil
	})}, nil)
	b.Handle(slash("film"))
	rec.waitFor(t, func() bool { return len(rec.followups) > 0 })
	if f := rec.followups[0]; f.Flags != limits.FlagV2|discordgo.MessageFlagsEphemeral || len(f.Components) != 1 {
		t.Errorf("follow-up %+v", f)
	}
}

// Through a session: the edit goes as PATCH @original with the flag, as
// JSON or, with the chart, as multipart payload_json; the first answer
// with files carries no content either.
func TestSessionLayoutEdit(t *testing.T) {
	type req struct{ method, path, ct, body string }
	got := make(chan req, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		got <- req{r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(data)}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1"}`)
	}))
	defer srv.Close()
	s, err := NewSession(Config{Token: "t", APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	d := card(4, 0).Data
	e := &WebhookEdit{WebhookEdit: discordgo.WebhookEdit{Components: &d.Components, AllowedMentions: d.AllowedMentions}, Flags: limits.FlagV2}
	if _, err := (SessionResponder{s}).InteractionResponseEditFlags(&discordgo.Interaction{AppID: "9", Token: "tok"}, e); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.method != "PATCH" || !strings.HasSuffix(r.path, "/webhooks/9/tok/messages/@original") || !strings.Contains(r.body, `"flags":32768`) || !strings.Contains(r.body, `"content":null`) {
		t.Errorf("edit: %+v", r)
	}
	e.Files = []*discordgo.File{{Name: "ratings.png", ContentType: "image/png", Reader: strings.NewReader("png")}}
	if _, err := (SessionResponder{s}).InteractionResponseEditFlags(&discordgo.Interaction{AppID: "9", Token: "tok"}, e); err != nil {
		t.Fatal(err)
	}
	r = <-got
	if !strings.HasPrefix(r.ct, "multipart/form-data") || !strings.Contains(r.body, `"flags":32768`) || !strings.Contains(r.body, `filename="ratings.png"`) {
		t.Errorf("edit with the chart: %+v", r)
	}
	withFile := card(4, 0)
	withFile.Data.Files = []*discordgo.File{{Name: "ratings.png", ContentType: "image/png", Reader: strings.NewReader("png")}}
	if err := (SessionResponder{s}).InteractionRespond(&discordgo.Interaction{ID: "5", Token: "tok"}, withFile); err != nil {
		t.Fatal(err)
	}
	r = <-got
	_, params, _ := mime.ParseMediaType(r.ct)
	p, err := multipart.NewReader(strings.NewReader(r.body), params["boundary"]).NextPart()
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := io.ReadAll(p)
	if !strings.HasPrefix(r.ct, "multipart/form-data") || messageFields(t, string(payload)) || !strings.Contains(r.body, `"flags":32768`) {
		t.Errorf("first answer with the chart: %+v", r)
	}
}

// Over HTTP interactions: a layout card answered at once is the HTTP
// response without content or embeds (as JSON, or multipart with the
// chart), and a deferred one is edited in with the flag over REST.
func TestInteractionsEndpointLayoutCard(t *testing.T) {
	var rec *recorder
	deferred := make(chan struct{})
	b, rec, _ := newBot(t, []Command{
		cmd("film", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return card(4, 0), nil
		}),
		cmd("ratings", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			r := card(4, 0)
			r.Data.Files = []*discordgo.File{{Name: "ratings.png", ContentType: "image/png", Reader: strings.NewReader("png")}}
			return r, nil
		}),
		cmd("slow", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			rec.clock.Next(t)
			<-deferred
			return card(4, 0), nil
		}),
	}, nil)
	s := newSigner(t)
	srv := httptest.NewServer((&HTTPEndpoint{Bot: b, Key: s.pub}).Handler())
	defer srv.Close()
	post := func(name string) (string, map[string]string) {
		t.Helper()
		r := s.signed(interactionJSON(t, slash(name)))
		hr, _ := http.NewRequest("POST", srv.URL+"/interactions", r.Body)
		hr.Header = r.Header
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		ct, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if ct != "multipart/form-data" {
			body, _ := io.ReadAll(resp.Body)
			return string(body), nil
		}
		parts := map[string]string{}
		mr := multipart.NewReader(resp.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			data, _ := io.ReadAll(p)
			parts[p.FormName()] = string(data)
		}
		return parts["payload_json"], parts
	}
	for _, name := range []string{"film", "ratings"} {
		body, parts := post(name)
		if !strings.Contains(body, `"flags":32768`) || messageFields(t, body) || !strings.Contains(body, `"type":17`) {
			t.Errorf("%s: answer %s", name, body)
		}
		if name == "ratings" && parts["files[0]"] != "png" {
			t.Errorf("ratings: parts %q", parts)
		}
	}
	if body, _ := post("slow"); !strings.Contains(body, `"type":5`) || strings.Contains(body, "32768") {
		t.Errorf("slow: first answer %s, want a deferral without the flag", body)
	}
	close(deferred)
	rec.waitFor(t, func() bool { return len(rec.flagged) > 0 })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.flagged) != 1 || rec.flagged[0].Flags != limits.FlagV2 || len(rec.responses) != 0 {
		t.Errorf("after the deferral: %d flagged edits, %d REST callbacks", len(rec.flagged), len(rec.responses))
	}
}

// An update (type 7) of a message that is a layout card stays one:
// Discord keeps the flag, so the bot judges and writes the update as a
// card even when the handler leaves the flag out; an update of a legacy
// message is left as it is.
func TestUpdateOfACardKeepsTheFlag(t *testing.T) {
	b, rec, _ := newBot(t, nil, map[string]Handler{"rev": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		r := card(discordgo.InteractionResponseUpdateMessage, 0)
		r.Data.Flags = 0
		return r, nil
	}, "old": func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		r := ok("page 2")
		r.Type = discordgo.InteractionResponseUpdateMessage
		return r, nil
	}})
	i := clickI("rev:show:1:2")
	i.Message = &discordgo.Message{ID: "9", Flags: limits.FlagV2}
	b.Handle(i)
	r := only(t, rec)
	if r.Type != discordgo.InteractionResponseUpdateMessage || !limits.IsV2(r.Data.Flags) {
		t.Fatalf("update of a card: %+v", r.Data)
	}
	body, _ := MarshalWire(r)
	if messageFields(t, string(body)) && !strings.Contains(string(body), `"content":null`) {
		t.Errorf("update of a card written %s", body)
	}
	rec.responses = nil
	i = clickI("old:2")
	i.Message = &discordgo.Message{ID: "10"}
	b.Handle(i)
	if r := only(t, rec); limits.IsV2(r.Data.Flags) || r.Data.Content != "page 2" {
		t.Errorf("update of a legacy message: %+v", r.Data)
	}
}
