package sandbox

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// endpoint is a bare Interactions Endpoint whose answers the test
// chooses; checkSig false makes it accept anything, as a broken bot would.
func endpoint(t *testing.T, sb *Server, checkSig bool, answer func(w http.ResponseWriter, i *discordgo.InteractionCreate)) *httptest.Server {
	t.Helper()
	key, _ := hex.DecodeString(sb.PublicKey())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if checkSig && !discordgo.VerifyInteraction(r, ed25519.PublicKey(key)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var i discordgo.InteractionCreate
		if err := json.Unmarshal(body, &i); err != nil {
			http.Error(w, "bad body", 400)
			return
		}
		if i.Type == discordgo.InteractionPing {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"type":1}`)
			return
		}
		answer(w, &i)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func writeAnswer(w http.ResponseWriter, r *discordgo.InteractionResponse) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(r)
}

func httpSandbox(t *testing.T) *Server {
	t.Helper()
	sb, err := Start(Options{ResponseWindow: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	sb.mu.Lock()
	sb.commands[""] = []*discordgo.ApplicationCommand{{ID: "1", Name: "ping", Description: "ping"}}
	sb.mu.Unlock()
	return sb
}

func TestInteractionsOverHTTP(t *testing.T) {
	sb := httpSandbox(t)
	var got atomic.Int32
	ep := endpoint(t, sb, true, func(w http.ResponseWriter, i *discordgo.InteractionCreate) {
		got.Add(1)
		if i.ApplicationCommandData().Name != "ping" || i.Member == nil || i.Member.User.ID != Viewer.UserID {
			http.Error(w, "unexpected interaction", 400)
			return
		}
		r := &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "pong", AllowedMentions: none(),
			Files: []*discordgo.File{{Name: "a.txt", ContentType: "text/plain", Reader: strings.NewReader("file body")}}}}
		ct, body, _ := discordgo.MultipartBodyWithJSON(r, r.Data.Files)
		w.Header().Set("Content-Type", ct)
		w.Write(body)
	})
	if err := sb.SetInteractionsURL(ctx(t), ep.URL); err != nil {
		t.Fatal(err)
	}
	for range probeEvery + 1 { // one badly signed copy goes before the first and the 26th
		a, _, err := sb.Do(ctx(t), Viewer, "/ping")
		if err != nil {
			t.Fatal(err)
		}
		if a.Message.Content != "pong" || len(a.Message.Attachments) != 1 || a.Message.Attachments[0].Filename != "a.txt" {
			t.Fatalf("answer %+v", a.Message)
		}
	}
	if n := got.Load(); n != probeEvery+1 {
		t.Errorf("the endpoint's handler ran %d times, want %d (bad signatures must not reach it)", n, probeEvery+1)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

func TestInteractionsOverHTTPJudged(t *testing.T) {
	sb := httpSandbox(t)
	// An endpoint that does not check signatures is refused when set.
	lax := endpoint(t, sb, false, func(w http.ResponseWriter, _ *discordgo.InteractionCreate) {})
	if err := sb.SetInteractionsURL(ctx(t), lax.URL); err == nil || !strings.Contains(err.Error(), "want 401") {
		t.Errorf("an endpoint that accepts bad signatures was taken: %v", err)
	}
	var mode atomic.Int32
	ep := endpoint(t, sb, true, func(w http.ResponseWriter, i *discordgo.InteractionCreate) {
		switch mode.Load() {
		case 0: // an embed over Discord's limits
			writeAnswer(w, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{AllowedMentions: none(),
				Embeds: []*discordgo.MessageEmbed{{Title: strings.Repeat("x", 300)}}}})
		case 1: // too slow: answers once the window has passed without it
			sb.waitFor(ctx(t), func() bool {
				return slices.ContainsFunc(sb.viol, func(v Violation) bool { return v.Interaction == i.ID && strings.Contains(v.What, "no answer within") })
			})
			writeAnswer(w, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "late", AllowedMentions: none()}})
		case 2:
			http.Error(w, "oops", 500)
		}
	})
	if err := sb.SetInteractionsURL(ctx(t), ep.URL); err != nil {
		t.Fatal(err)
	}
	for m, want := range []string{"title", "no answer within", "answered 500"} {
		mode.Store(int32(m))
		ix, err := sb.Command(Viewer, "/ping")
		if err != nil {
			t.Fatal(err)
		}
		var mine []Violation
		sb.waitFor(ctx(t), func() bool {
			for _, v := range sb.viol {
				if v.Interaction == ix.ID {
					mine = append(mine, v)
				}
			}
			return len(mine) > 0
		})
		if len(mine) == 0 || !strings.Contains(mine[0].What, want) {
			t.Errorf("case %d: violations %v, want one about %q", m, mine, want)
		}
	}
}

// Set at start (as `filmbot sandbox --interactions-url` does), the
// endpoint is checked before the first interaction goes.
func TestInteractionsURLAtStartIsChecked(t *testing.T) {
	sb, err := Start(Options{ResponseWindow: 500 * time.Millisecond, InteractionsURL: "http://127.0.0.1:1/interactions"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	sb.mu.Lock()
	sb.commands[""] = []*discordgo.ApplicationCommand{{ID: "1", Name: "ping", Description: "ping"}}
	sb.mu.Unlock()
	if _, err := sb.Command(Viewer, "/ping"); err != nil {
		t.Fatal(err)
	}
	if v := sb.Violations(); len(v) == 0 || !strings.Contains(v[0].What, "interactions endpoint") {
		t.Errorf("violations %v, want the failed endpoint check", v)
	}
}

// Edits follow Discord's documentation, where every field of an edit is
// optional and nullable: a field left out stays, [] and null remove it.
// Files sent with a message keep their order and content type.
func TestEditsLeaveOrRemoveFields(t *testing.T) {
	sb := httpSandbox(t)
	row := `[{"type":1,"components":[{"type":2,"style":1,"label":"Go","custom_id":"go"}]}]`
	answers := []string{
		`{"type":4,"data":{"content":"first","embeds":[{"title":"card"}],"components":` + row + `,"allowed_mentions":{"parse":[]}}}`,
		`{"type":7,"data":{"embeds":[],"allowed_mentions":{"parse":[]}}}`,                             // [] clears the embeds, the rest stays
		`{"type":7,"data":{"content":null,"components":` + row + `,"allowed_mentions":{"parse":[]}}}`, // null removes the text
		`{"type":7,"data":{"content":"back","allowed_mentions":{"parse":[]}}}`,                        // nothing else is touched
	}
	var n atomic.Int32
	ep := endpoint(t, sb, true, func(w http.ResponseWriter, i *discordgo.InteractionCreate) {
		k := n.Add(1) - 1
		if k == 0 { // with two files, in this order
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("payload_json", answers[0])
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="files[0]"; filename="b.csv"`)
			h.Set("Content-Type", "text/csv")
			p, _ := mw.CreatePart(h)
			io.WriteString(p, "x,y")
			p, _ = mw.CreateFormFile("files[1]", "a.png")
			io.WriteString(p, "png")
			mw.Close()
			w.Header().Set("Content-Type", mw.FormDataContentType())
			w.Write(body.Bytes())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answers[k])
	})
	if err := sb.SetInteractionsURL(ctx(t), ep.URL); err != nil {
		t.Fatal(err)
	}
	a, _, err := sb.Do(ctx(t), Viewer, "/ping")
	if err != nil {
		t.Fatal(err)
	}
	m := a.Message
	if len(m.Attachments) != 2 || m.Attachments[0].Filename != "b.csv" || m.Attachments[0].ContentType != "text/csv" || m.Attachments[1].ContentType != "image/png" {
		t.Fatalf("attachments: %+v", m.Attachments)
	}
	click := func() *Message {
		t.Helper()
		ix, err := sb.Click(Viewer, m.ID, "go")
		if err != nil {
			t.Fatal(err)
		}
		a, err := ix.Wait(ctx(t))
		if err != nil {
			t.Fatal(err, sb.Violations())
		}
		return a.Message
	}
	if got := click(); got.Content != "first" || len(got.Embeds) != 0 || len(got.Components) != 1 || len(got.Attachments) != 2 {
		t.Errorf(`after "embeds": []: %+v`, got)
	}
	if got := click(); got.Content != "" || len(got.Components) != 1 || len(got.Attachments) != 2 {
		t.Errorf(`after "content": null: %+v`, got)
	}
	if got := click(); got.Content != "back" || len(got.Components) != 1 || len(got.Attachments) != 2 {
		t.Errorf(`after "content" alone: %+v`, got)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

// A follow-up that reaches the sandbox before it has read the HTTP
// response the bot already sent (two connections, either order) waits for
// that answer, as Discord has it by then: it is posted, not refused with
// "Unknown Message".
func TestFollowupRacingTheHTTPAnswer(t *testing.T) {
	sb := httpSandbox(t)
	followed := make(chan int, 1)
	ep := endpoint(t, sb, true, func(w http.ResponseWriter, i *discordgo.InteractionCreate) {
		body, _ := json.Marshal(&discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "pong", AllowedMentions: none()}})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)-1]) // all but the last byte, sent
		w.(http.Flusher).Flush()
		sent := make(chan struct{})
		go func() {
			req, _ := http.NewRequest("POST", sb.URL+"/api/v10/webhooks/"+sb.AppID+"/"+i.Token+"?wait=true",
				strings.NewReader(`{"content":"more","allowed_mentions":{"parse":[]}}`))
			req.Header.Set("Content-Type", "application/json")
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
				WroteRequest: func(httptrace.WroteRequestInfo) { close(sent) }}))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				followed <- 0
				return
			}
			resp.Body.Close()
			followed <- resp.StatusCode
		}()
		<-sent // the follow-up is on its way before the answer is whole
		w.Write(body[len(body)-1:])
	})
	if err := sb.SetInteractionsURL(ctx(t), ep.URL); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sb.Do(ctx(t), Viewer, "/ping"); err != nil {
		t.Fatal(err)
	}
	if code := <-followed; code != http.StatusOK {
		t.Errorf("follow-up answered %d, want 200", code)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}
