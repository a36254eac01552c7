package sandbox

import "testing"

func TestSetVoice(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	g := DefaultGuilds()[0]
	if err := sb.SetVoice(g.ID, Viewer.UserID, g.Channels[0].ID); err == nil {
		t.Error("a text channel taken as a voice channel")
	}
	if err := sb.SetVoice("999", Viewer.UserID, "200000000000000004"); err == nil {
		t.Error("an unknown server accepted")
	}
	if err := sb.SetVoice(g.ID, Viewer.UserID, "200000000000000004"); err != nil {
		t.Fatal(err)
	}
	if sb.Voice(g.ID, Viewer.UserID) != "200000000000000004" || len(sb.voiceStates(g.ID)) != 1 {
		t.Error("the voice state was not kept for GUILD_CREATE")
	}
	if err := sb.SetVoice(g.ID, Viewer.UserID, ""); err != nil || sb.Voice(g.ID, Viewer.UserID) != "" {
		t.Errorf("leaving: %v", err)
	}
}
