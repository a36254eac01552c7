package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// The playground keeps its made-up members' data apart from the bot's
// database, and invites people to its page only once it serves: a second
// playground on the same database fails without an invitation.
func TestPlaygroundCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	getenv := func(string) string { return "" }
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs syncBuffer
	done := make(chan int)
	go func() { done <- Main(ctx, []string{"playground", "--listen", "127.0.0.1:0"}, getenv, &out, &errs) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "open http://") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no invitation:\n%s\n%s", out.String(), errs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "filmbot-playground.db") {
		t.Errorf("banner does not name the playground's database:\n%s", out.String())
	}
	if _, err := os.Stat("filmbot-playground.db"); err != nil {
		t.Errorf("playground database: %v", err)
	}
	if _, err := os.Stat("filmbot.db"); err == nil {
		t.Error("the playground wrote into the bot's filmbot.db")
	}
	var out2, errs2 syncBuffer
	code := Main(context.Background(), []string{"playground", "--listen", "127.0.0.1:0"}, getenv, &out2, &errs2)
	if code != 1 || strings.Contains(out2.String(), "open http") || !strings.Contains(errs2.String(), "in use") {
		t.Errorf("second playground: exit %d\n%s\n%s", code, out2.String(), errs2.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("playground exit %d: %s", code, errs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the playground did not stop")
	}
}
