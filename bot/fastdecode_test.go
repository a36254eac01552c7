package bot

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Interactions as Discord sends them, with the fields a member, a user
// and their options carry in practice (nulls, nested options, numbers).
var fastSeeds = []string{
	commandBody,
	`{"app_permissions":"562949953421311","application_id":"300000000000000001","authorizing_integration_owners":{"0":"100000000000000001","1":"500000000000000002"},"channel":{"flags":0,"guild_id":"100000000000000001","id":"200000000000000001","last_message_id":"200000000000000009","name":"films","nsfw":false,"parent_id":null,"permissions":"562949953421311","position":0,"rate_limit_per_user":0,"topic":null,"type":0},"channel_id":"200000000000000001","context":0,"data":{"guild_id":"100000000000000001","id":"1","name":"rate","options":[{"name":"film","type":3,"value":"Amélie"},{"name":"stars","type":4,"value":4},{"name":"half","type":10,"value":-0.5e1},{"name":"public","type":5,"value":true}],"type":1},"entitlement_sku_ids":[],"entitlements":[],"guild":{"features":["COMMUNITY"],"id":"100000000000000001","locale":"en-US"},"guild_id":"100000000000000001","guild_locale":"fr","id":"400000000000000002","locale":"fr","member":{"avatar":null,"banner":null,"communication_disabled_until":null,"deaf":false,"flags":0,"joined_at":"2021-03-01T12:00:00.123456+00:00","mute":false,"nick":"Vi","pending":false,"permissions":"562949953421311","premium_since":"2023-01-02T03:04:05Z","roles":["600000000000000001","600000000000000002"],"unusual_dm_activity_until":null,"user":{"avatar":"a_1f2e","avatar_decoration_data":null,"clan":null,"discriminator":"0","global_name":"Vi","id":"500000000000000002","public_flags":64,"username":"vi","primary_guild":{"tag":"X","identity_enabled":true}}},"token":"aW50ZXJhY3Rpb24","type":2,"version":1}`,
	`{"id":"1","type":4,"guild_id":"3","data":{"id":"1","name":"list","options":[{"name":"show","type":2,"options":[{"name":"mine","type":1,"options":[{"name":"film","type":3,"value":"ano","focused":true}]}]}],"type":1}}`,
	`{"id":"1","type":2,"user":{"id":"7","username":"dm","global_name":null,"bot":false,"accent_color":16711680,"premium_type":2,"flags":0},"context":1,"data":{"name":"review","target_id":"9","options":[]}}`,
	` { "id" : "1" , "type" : 2 , "data" : { "name" : "review" } } `,
	`{"type":2,"data":null}`, `{"type":2,"data":{}}`, `{"type":2}`, `{"type":4,"data":{"resolved":{}}}`,
	`{"type":2,"data":{},"ID":"1"}`, `{"type":2,"data":{},"id":"1","id":"2"}`, `{"type":2,"data":{"options":[{"value":{"a":1}}]}}`,
	`{"type":2,"data":{},"id":"a\"b"}`, "{\"type\":2,\"data\":{},\"id\":\"\xff\"}", `{"type":2,"data":{},"app_permissions":"01"}`,
	`{"type":2,"data":{},"app_permissions":" 1"}`, `{"type":2,"data":{},"app_permissions":null}`, `{"type":2,"data":{},"version":1.0}`,
	`{"type":2,"data":{},"version":1e2}`, `{"type":256,"data":{}}`, `{"type":-2,"data":{}}`, `{"type":2,"data":{},"x":[1,{"y":"\u00e9\n"},null,true]}`,
	`{"type":2,"data":{},"x":"\x"}`, `{"type":2,"data":{},"x":01}`, `{"type":2,"data":{},"x":-}`, `{"type":2,"data":{},"x":1.}`,
	`{"type":2,"data":{},"authorizing_integration_owners":{"01":"x"}}`, `{"type":2,"data":{},"authorizing_integration_owners":{"0":null}}`,
	`{"type":2,"data":{},"member":{"joined_at":"yesterday"}}`, `{"type":2,"data":{},"member":{"joined_at":null,"user":null,"roles":null}}`,
	`{"type":2,"data":{},"entitlements":[{"id":"1"}]}`, `{"type":2,"data":{},"message":{"id":"1"}}`, `{"type":2,"data":{},"message":null}`,
	`{"type":2,"data":{}}x`, `{"type":2,"data":{},}`, `{"type":2,"data":{"options":[null]}}`, `{"type":2,"data":{"options":[{"value":null}]}}`,
}

// fastInteraction decodes exactly what json.Unmarshal into an
// InteractionCreate decodes, when it decodes at all.
func FuzzFastInteraction(f *testing.F) {
	for _, s := range append(fastSeeds, decodeSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := fastInteraction(body)
		if !ok {
			return
		}
		var want discordgo.InteractionCreate
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("%q: decoded, but json.Unmarshal refuses it: %v", body, err)
		}
		if !reflect.DeepEqual(got, want.Interaction) {
			t.Fatalf("%q:\n got %#v\nwant %#v", body, got, want.Interaction)
		}
	})
}

// The interactions it exists for are decoded by it, not the long way:
// commands and autocompletes as Discord and the sandbox send them.
func TestFastInteractionTakesCommands(t *testing.T) {
	for _, s := range fastSeeds[:5] {
		i, ok := fastInteraction([]byte(s))
		if !ok {
			t.Fatalf("%.80s…: left to the long way", s)
		}
		if _, isCommand := i.Data.(discordgo.ApplicationCommandInteractionData); !isCommand {
			t.Fatalf("%.80s…: data %T", s, i.Data)
		}
	}
	for _, s := range []string{
		`{"id":"1","type":3,"data":{"custom_id":"rv:1:2","component_type":2},"message":{"id":"9"}}`,
		`{"id":"1","type":1}`,
		`{"type":2,"data":{"resolved":{"users":{}}}}`,
	} {
		if _, ok := fastInteraction([]byte(s)); ok {
			t.Fatalf("%s: decoded, but it is not for the fast path", s)
		}
	}
}
