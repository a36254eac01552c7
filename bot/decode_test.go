package bot

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
)

// An application command as Discord POSTs it (the sandbox's, which
// follows Discord's documented fields).
const commandBody = `{"app_permissions":"2251799813685247","application_id":"300000000000000001","attachment_size_limit":10485760,"authorizing_integration_owners":{"0":"100000000000000001"},"channel":{"id":"200000000000000001","type":0},"channel_id":"200000000000000001","context":0,"data":{"id":"1","name":"review","options":[{"name":"film","type":3,"value":"anora"}],"type":1},"entitlements":[],"guild":{"features":[],"id":"100000000000000001","locale":"en-US"},"guild_id":"100000000000000001","guild_locale":"en-US","id":"400000000000000001","locale":"en-US","member":{"deaf":false,"joined_at":"2024-05-21T10:00:00.000000+00:00","mute":false,"nick":null,"permissions":"0","roles":[],"user":{"avatar":null,"discriminator":"0","global_name":"Vi (member)","id":"500000000000000002","username":"Vi (member)"}},"token":"aW50ZXJhY3Rpb24c34b654c9994dbec5e5397c65d4a41c864899491dd81b694923832c1d9f6d32e","type":2,"version":1}`

var decodeSeeds = []string{
	commandBody,
	`{"id":"1","application_id":"2","type":1,"token":"ping","version":1}`,
	`{"id":"1","type":4,"guild_id":"3","data":{"id":"1","name":"review","options":[{"name":"film","type":3,"value":"ano","focused":true}],"type":1}}`,
	`{"id":"1","type":3,"guild_id":"3","message":{"id":"9","channel_id":"8"},"data":{"custom_id":"rv:1:2","component_type":2}}`,
	`{"id":"1","type":3,"data":{"custom_id":"pick","component_type":3,"values":["a","b"]}}`,
	`{"id":"1","type":5,"data":{"custom_id":"form","components":[{"type":1,"components":[{"type":4,"custom_id":"t","value":"x"}]}]}}`,
	`{"id":"1","type":5,"data":{"custom_id":"form","components":[{"type":18,"component":{"type":21,"custom_id":"s","value":"7"}},{"type":18,"component":{"type":19,"custom_id":"f","values":["5"]}}],"resolved":{"attachments":{"5":{"id":"5","filename":"r.md"}}}}}`,
	`{"id":"1","type":5,"data":{"custom_id":"form","components":[{"type":18,"component":{"type":19,"custom_id":"f","values":["6"]}}]}}`,
	`{"id":"1","type":2,"data":{"id":"1","name":"import","options":[{"name":"file","type":11,"value":"5"}],"resolved":{"attachments":{"5":{"id":"5","filename":"r.csv","size":3,"url":"http://x"}}}}}`,
	`{"id":"1","type":2,"user":{"id":"7","username":"dm"},"data":{"name":"review"}}`,
	`null`, `{}`, `[]`, `"x"`, `1`, ``, `{`, `{"type":2}x`, `{"type":2} `, `{"type":"2"}`, `{"type":2,"data":[]}`,
	`{"type":3,"data":{"values":"a"}}`, `{"type":2,"member":{"user":null}}`, `{"type":2,"data":null}`, "{\"type\":2,\"token\":\"\xff\"}",
}

// decodeInteraction decodes what json.Unmarshal into an InteractionCreate
// decodes, and refuses what it refuses.
func FuzzDecodeInteraction(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want discordgo.InteractionCreate
		wantErr := json.Unmarshal(body, &want)
		got, err := decodeInteraction(body)
		if err == nil && wantErr != nil && got.Type == discordgo.InteractionModalSubmit {
			// The one difference: a form of labels, uploads or radio
			// groups, which discordgo refuses and package component decodes.
			if _, ok := got.Data.(discordgo.ModalSubmitInteractionData); !ok {
				t.Fatalf("%q: a modal submit decoded without its data", body)
			}
			return
		}
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: decodeInteraction error %v, json.Unmarshal error %v", body, err, wantErr)
		}
		if err != nil {
			return
		}
		if want.Interaction == nil { // JSON null: json.Unmarshal leaves no interaction at all
			if got.Type != 0 {
				t.Fatalf("%q: decoded type %d from null", body, got.Type)
			}
			return
		}
		if !reflect.DeepEqual(got.Interaction, want.Interaction) {
			t.Fatalf("%q:\n got %+v\nwant %+v", body, got.Interaction, want.Interaction)
		}
	})
}

// BenchmarkDecodeInteraction compares decodeInteraction (fastInteraction,
// for this command) with json.Unmarshal into an InteractionCreate, as a
// bare bot decodes, and with discordgo's decoder called directly (the
// long way, for what fastInteraction leaves):
//
//	go test -run '^$' -bench DecodeInteraction -benchmem ./bot
func BenchmarkDecodeInteraction(b *testing.B) {
	body := []byte(commandBody)
	b.Run("json.Unmarshal", func(b *testing.B) {
		for b.Loop() {
			var i discordgo.InteractionCreate
			if err := json.Unmarshal(body, &i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("discordgo", func(b *testing.B) { // the long way: discordgo's decoder, called directly
		for b.Loop() {
			var i discordgo.Interaction
			if err := i.UnmarshalJSON(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decodeInteraction", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeInteraction(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// verify accepts exactly what discordgo.VerifyInteraction accepts.
func TestVerifyIsDiscordgos(t *testing.T) {
	s, other := newSigner(t), newSigner(t)
	key, err := newPublicKey(s.pub)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(commandBody)
	good := s.signed(body)
	sig, ts := good.Header.Get("X-Signature-Ed25519"), good.Header.Get("X-Signature-Timestamp")
	cases := map[string][2]string{
		"good":              {sig, ts},
		"uppercase hex":     {strings.ToUpper(sig), ts},
		"other timestamp":   {sig, ts + "1"},
		"no timestamp":      {sig, ""},
		"no signature":      {"", ts},
		"short":             {sig[:126], ts},
		"long":              {sig + "00", ts},
		"odd":               {sig[:127], ts},
		"not hex":           {"zz" + sig[2:], ts},
		"spaces":            {" " + sig[1:], ts},
		"other key":         {other.signed(body).Header.Get("X-Signature-Ed25519"), ts},
		"flipped last byte": {sig[:126] + "ff", ts},
	}
	for name, c := range cases {
		for _, b := range [][]byte{body, append(bytes.Clone(body), ' '), nil} {
			r := httptest.NewRequest("POST", "/interactions", bytes.NewReader(b))
			r.Header.Set("X-Signature-Ed25519", c[0])
			r.Header.Set("X-Signature-Timestamp", c[1])
			sig, ts, ok := signature(r, time.Now())
			got := ok && key.verify(&sig, ts, b)
			want := discordgo.VerifyInteraction(r, s.pub)
			if got != want {
				t.Errorf("%s, %d bytes: verify %v, discordgo %v", name, len(b), got, want)
			}
			if got && (name != "good" && name != "uppercase hex" || len(b) != len(body)) {
				t.Errorf("%s, %d bytes: accepted", name, len(b))
			}
		}
	}
}

// A body is read whole whatever its declared length says, and one
// shorter than declared is refused.
func TestReadBody(t *testing.T) {
	body := []byte(commandBody)
	h := &HTTPEndpoint{}
	for _, cl := range []int64{-1, 0, int64(len(body))} {
		r := httptest.NewRequest("POST", "/interactions", bytes.NewReader(body))
		r.ContentLength = cl
		got, err := h.readBody(r)
		if err != nil || !bytes.Equal(*got, body) {
			t.Errorf("Content-Length %d: %v", cl, err)
		} else {
			h.putBody(got)
		}
	}
	r := httptest.NewRequest("POST", "/interactions", bytes.NewReader(body))
	r.ContentLength = int64(len(body)) + 10
	if _, err := h.readBody(r); err == nil {
		t.Error("a body shorter than its Content-Length was read")
	}
	if n := h.bodyBytes.Load(); n != 0 {
		t.Errorf("%d bytes still counted against the budget", n)
	}
}

// A modal submit of labels reaches the handler with what was entered and
// the uploaded file, over HTTP and the gateway alike (both decode with
// decodeInteraction); discordgo alone drops its data.
func TestDecodeFormSubmit(t *testing.T) {
	body := []byte(`{"id":"1","type":5,"token":"t","data":{"custom_id":"form","components":[{"type":18,"id":1,"component":{"type":21,"id":2,"custom_id":"score","value":"7"}},{"type":18,"id":3,"component":{"type":19,"id":4,"custom_id":"file","values":["5"]}}],"resolved":{"attachments":{"5":{"id":"5","filename":"r.md","size":3,"url":"http://x/r.md"}}}}}`)
	var plain discordgo.InteractionCreate
	if json.Unmarshal(body, &plain) == nil || !formSubmit(&plain) {
		t.Fatal("discordgo decoded the form itself, or formSubmit does not see what it left")
	}
	i, err := decodeInteraction(body)
	if err != nil {
		t.Fatal(err)
	}
	if formSubmit(i) {
		t.Fatal("decoded without data")
	}
	d := i.ModalSubmitData()
	if v := component.Values(d.Components); v["score"] != "7" {
		t.Fatalf("values %v", v)
	}
	if up := component.Uploads(d.Components); len(up) != 1 || up[0].Attachments[0].Filename != "r.md" {
		t.Fatalf("uploads %+v", up)
	}
}

// discordgo's error for a form it cannot decode is not the bot's error
// (the bot decodes it): only that line is quieted.
func TestFormSubmitLog(t *testing.T) {
	for msg, want := range map[string]bool{
		"error unmarshalling INTERACTION_CREATE event, unknown component type: 18": true,
		"error unmarshalling INTERACTION_CREATE event, unknown component type: 21": true,
		"error unmarshalling INTERACTION_CREATE event, unknown component type: 99": false,
		"error unmarshalling MESSAGE_CREATE event, unknown component type: 18":     false,
		"error unmarshalling INTERACTION_CREATE event, invalid character":          false,
	} {
		if formSubmitLog(msg) != want {
			t.Errorf("%q: %v", msg, !want)
		}
	}
}
