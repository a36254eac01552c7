package commands

import (
	"maps"
	"slices"
	"testing"
)

// Set.Components is derived from each command's Components: every
// custom_id prefix the bot has ever put on a message still has its
// handler (members' clients keep old messages), and no prefix is claimed
// twice.
func TestComponentsComeFromCommands(t *testing.T) {
	e := newEnv(t)
	got := slices.Sorted(maps.Keys(e.set.Components()))
	// Prefixes on members' messages since before commands carried them:
	// new ones may come, these must stay.
	kept := []string{"cast", "compare", "lbimp", "mine", "modfilm", "modimp", "modrev", "rate", "ratings", "rev", "top", "topdiv", "wanted", "wl"}
	for _, k := range kept {
		if !slices.Contains(got, k) {
			t.Errorf("custom_id prefix %q lost its handler (prefixes: %v)", k, got)
		}
	}
	n := 0
	for _, c := range e.set.Commands() {
		for kind, h := range c.Components {
			if h == nil {
				t.Errorf("/%s: prefix %q has no handler", c.Def.Name, kind)
			}
			n++
		}
	}
	if n != len(got) {
		t.Errorf("commands declare %d prefixes, Components has %d: one is claimed twice", n, len(got))
	}
}
