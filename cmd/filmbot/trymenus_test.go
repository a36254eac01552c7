package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// filmbot try runs right-click commands: --message-command on a message
// given by --text (the films it names, TMDB's stand-in included), and
// --user-command on --target; a wrong name lists the right ones, and a
// message command needs its message.
func TestTryRightClick(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	code, out, errs := runMain(t, env(db), "try", "--guild", "5", "--message-command", "Films in this message", "--text", "Tonight: Parasite (2019), then Anora.")
	if code != 0 || !strings.Contains(out, "(only you can see this)") || !strings.Contains(out, "## [Parasite (2019)](") ||
		!strings.Contains(out, "[Add to watchlist: Anora (2024) → wladd:add:") || strings.Index(out, "Parasite") > strings.Index(out, "## [Anora") {
		t.Errorf("message command: exit %d\n%s\n%s", code, out, errs)
	}
	runMain(t, env(db), "try", "--guild", "5", "--user", "7", "/watchlist add film:anora")
	code, out, errs = runMain(t, env(db), "try", "--guild", "5", "--user-command", "Watchlist", "--target", "7")
	if code != 0 || !strings.Contains(out, "<@7> wants to see") || !strings.Contains(out, "Anora (2024)") {
		t.Errorf("user command: exit %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = runMain(t, env(db), "try", "--guild", "5", "--user-command", "Compare", "--target", "7")
	if code != 2 || !strings.Contains(errs, `"Compare taste"`) {
		t.Errorf("unknown user command: exit %d: %s", code, errs)
	}
	code, _, errs = runMain(t, env(db), "try", "--message-command", "Films in this message")
	if code != 2 || !strings.Contains(errs, "--text") {
		t.Errorf("no message: exit %d: %s", code, errs)
	}
}
