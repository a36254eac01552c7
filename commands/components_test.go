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
	want := []string{"cast", "compare", "lbimp", "mine", "modfilm", "modimp", "modrev", "rate", "ratings", "rev", "top", "topdiv", "wanted", "wl"}
	if !slices.Equal(got, want) {
		t.Fatalf("custom_id prefixes %v, want %v", got, want)
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
	if n != len(want) {
		t.Errorf("commands declare %d prefixes, Components has %d: one is claimed twice", n, len(want))
	}
}
