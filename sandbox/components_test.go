package sandbox

import (
	"encoding/json"
	"reflect"
	"strings"
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
	// Layout cards (Components V2).
	`{"type":17,"accent_color":14297372,"components":[{"type":9,"components":[{"type":10,"content":"## [Anora (2024)](https://www.themoviedb.org/movie/1064213)\n**Runtime:** 139 min"}],"accessory":{"type":11,"media":{"url":"https://image.tmdb.org/t/p/w342/a.jpg"},"description":"poster"}},{"type":14,"divider":true,"spacing":1},{"type":10,"content":"text"},{"type":12,"items":[{"media":{"url":"attachment://ratings.png"},"description":"chart"}]},{"type":14,"divider":false,"spacing":2},{"type":1,"components":[{"type":3,"custom_id":"rate:select:1","options":[{"label":"10","value":"10"}]}]}]}`,
	`{"type":17,"spoiler":true,"components":[{"type":10,"content":"||twist||","id":4}]}`,
	`{"type":17}`, `{"type":17,"components":null}`, `{"type":17,"components":[null]}`, `{"type":17,"components":[{"type":17,"components":[]}]}`,
	`{"type":9,"components":[{"type":10,"content":"x"}]}`, `{"type":9,"components":[{"type":10,"content":"x"}],"accessory":null}`,
	`{"type":9,"components":[],"accessory":{"type":2,"style":1,"label":"Go","custom_id":"g"}}`, `{"type":9,"accessory":{"type":99}}`,
	`{"type":13,"file":{"url":"attachment://x.csv"},"spoiler":true,"id":2}`, `{"type":12,"items":null}`, `{"type":12,"items":[null]}`,
	`{"type":14}`, `{"type":14,"divider":null,"spacing":null}`, `{"type":11,"media":null,"description":null}`,
	`{"type":17,"accent_color":"red"}`, `{"type":10,"content":5}`, `{"type":17,"components":[{"type":18,"label":"l"}]}`,
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

// A layout card takes the one-pass way too (none of it falls back).
func TestLayoutCardsAreDecodedInOnePass(t *testing.T) {
	for _, s := range componentSeeds {
		if !strings.HasPrefix(s, `{"type":17,"accent_color":14297372`) {
			continue
		}
		var w wireComponent
		if err := json.Unmarshal([]byte(s), &w); err != nil {
			t.Fatal(err)
		}
		if _, ok := w.build(); !ok {
			t.Errorf("%s falls back to discordgo", s)
		}
		return
	}
	t.Fatal("no layout card among the seeds")
}
