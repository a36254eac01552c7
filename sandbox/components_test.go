package sandbox

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"
)

var componentSeeds = []string{
	`{"type":1,"components":[{"type":2,"style":1,"label":"Next","custom_id":"rv:1:2","emoji":{"name":"▶"}},{"type":2,"style":5,"label":"Letterboxd","url":"https://letterboxd.com/film/anora/"},{"type":2,"style":4,"label":"x","custom_id":"d","disabled":true,"id":7}]}`,
	`{"type":1,"components":[{"type":3,"custom_id":"rate:select:1","placeholder":"Rate this film","min_values":1,"max_values":1,"options":[{"label":"10/10 ★★★★★","value":"10","description":"","default":false},{"label":"9/10","value":"9","description":"d","default":true,"emoji":{"name":"x","id":"1"}}],"disabled":false}]}`,
	`{"type":1,"components":[{"type":8,"custom_id":"ch","channel_types":[0,5],"min_values":0,"max_values":3,"default_values":[{"id":"1","type":"channel"}]}]}`,
	`{"type":1,"components":[{"type":5,"custom_id":"u"},{"type":6,"custom_id":"r"},{"type":7,"custom_id":"m","placeholder":"p"}]}`,
	`{"type":1,"components":[{"type":4,"custom_id":"t","label":"Review","style":2,"placeholder":"…","value":"v","required":true,"min_length":1,"max_length":4000}]}`,
	`{"type":1,"components":[]}`, `{"type":1}`, `{"type":1,"components":null}`, `{"type":1,"components":[null]}`,
	`{"type":1,"components":[{"type":1,"components":[]}]}`, `{"type":1,"components":[{"type":10,"content":"text"}]}`,
	`{"type":1,"components":[{"type":99}]}`, `{"type":2,"style":1,"label":"bare button","custom_id":"b"}`, `{"type":10,"content":"x"}`,
	`{"type":1,"components":[{"type":2,"style":-1}]}`, `{"type":1,"components":[{"type":2,"options":5,"custom_id":"b"}]}`,
	`{"type":1,"components":[{"type":3,"min_values":null,"emoji":null}]}`, `{"type":1,"components":[{"type":2,"components":[{"type":"x"}]}]}`,
	`{"TYPE":1,"Components":[{"Type":2,"Style":2,"Custom_ID":"c"}]}`, `{"type":1,"type":0}`, `{"type":1,"components":[{"type":2}],"id":3}`,
	`{"type":"1"}`, `[]`, `null`, `{`, `{"type":1,"components":[{"type":3,"options":[{"value":1}]}]}`,
}

// decodeComponent decodes what discordgo.MessageComponentFromJSON decodes,
// into the same values, and refuses what it refuses.
func FuzzComponents(f *testing.F) {
	for _, s := range componentSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // the body around it was checked whole before
		}
		want, wantErr := discordgo.MessageComponentFromJSON(raw)
		got, err := decodeComponent(raw)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%s: error %v, discordgo's %v", raw, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got %#v\nwant %#v", raw, got, want)
		}
	})
}

// The rows a bot sends take the one-pass way (none falls back).
func TestComponentsAreDiscordgos(t *testing.T) {
	for _, s := range componentSeeds[:6] {
		var w wireComponent
		if err := json.Unmarshal([]byte(s), &w); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		for _, c := range w.Components {
			if _, ok := c.leaf(); !ok {
				t.Errorf("%s: type %d falls back to discordgo", s, c.Type)
			}
		}
	}
}
