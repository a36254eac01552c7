package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// Two HTTP replicas on one PostgreSQL, each with its store cache, the
// balancer alternating between them: both read a review and the server's
// settings (and cache them), a moderator edits the review and changes a
// setting through one, and the very next reads on both show the edit.
// Each replica's /metrics tells its cache's hits, hit ratio and bytes.
func TestModeratorEditSeenOnEveryReplica(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	pg := pgtest.URL(t)
	bin := buildBot(t)
	if msg := nameModeratorRole(Config{DB: pg}); msg != "" {
		t.Fatal(msg)
	}
	rig := startReplicas(t, bin, pg)
	sb, lb, ctx := rig.sb, rig.lb, rig.ctx
	do := func(m sandbox.Member, line string) *sandbox.Answer {
		t.Helper()
		a, _, err := sb.Do(ctx, m, line)
		if err != nil || a.Message == nil {
			t.Fatalf("%s: %v %+v", line, err, a)
		}
		return a
	}
	text := func(a *sandbox.Answer) string {
		var b strings.Builder
		b.WriteString(a.Message.Content)
		for _, e := range a.Message.Embeds {
			fmt.Fprintf(&b, " %s %s", e.Title, e.Description)
			for _, f := range e.Fields {
				fmt.Fprintf(&b, " %s %s", f.Name, f.Value)
			}
		}
		return b.String()
	}
	// both reads line on each replica (the balancer alternates) and
	// checks each answer.
	both := func(m sandbox.Member, line, want, not string) {
		t.Helper()
		before := [2]int64{lb.Served(0), lb.Served(1)}
		for k := range 2 {
			got := text(do(m, line))
			if !strings.Contains(got, want) || (not != "" && strings.Contains(got, not)) {
				t.Errorf("%s, read %d: %q; want %q, not %q", line, k, got, want, not)
			}
		}
		if lb.Served(0) != before[0]+1 || lb.Served(1) != before[1]+1 {
			t.Errorf("%s: the two reads did not reach both replicas", line)
		}
	}
	// Ready means warm: before any interaction, each replica has built
	// the catalog's index and filled its store cache.
	for k, addr := range rig.addrs {
		body := metricsOf(t, addr)
		if v := metric(body, `filmbot_catalog_cache_total{result="rebuild"}`); v < 1 {
			t.Errorf("replica %d ready before its catalog index was built", k)
		}
		if v := metric(body, "filmbot_store_cache_entries"); v < 1 {
			t.Errorf("replica %d ready with its store cache empty", k)
		}
	}
	upload := func(s string) string {
		return sb.Upload("review.txt", "text/plain; charset=utf-8", []byte(s), 0).ID
	}

	r := do(sandbox.Moderator, "/manage review add film:anora reviewer:Mo file:"+upload("First thoughts on the film, long enough to be a review."))
	if !strings.Contains(r.Message.Content, "(1 excerpt)") {
		t.Fatalf("review add: %+v", r.Message)
	}
	both(sandbox.Viewer, "/review film:anora by:Mo", "First thoughts", "")
	both(sandbox.Viewer, "/review film:anora by:Mo", "First thoughts", "") // now from each cache
	r = do(sandbox.Moderator, "/manage review edit film:anora by:Mo file:"+upload("Second thoughts: the edit every replica must show."))
	if !strings.Contains(text(r), "(1 excerpt)") {
		t.Fatalf("review edit: %q", text(r))
	}
	both(sandbox.Viewer, "/review film:anora by:Mo", "Second thoughts", "First thoughts")

	// A setting changed through one replica: /settings show on both.
	admin := sandbox.Member{GuildID: sandbox.Moderator.GuildID, UserID: "500000000000000009", Name: "Ad", Permissions: discordgo.PermissionManageGuild}
	ch := sb.Guilds()[0].Channels
	do(admin, "/settings reviews-channel channel:"+ch[0].ID)
	both(admin, "/settings show", "<#"+ch[0].ID+">", "")
	do(admin, "/settings reviews-channel channel:"+ch[1].ID)
	both(admin, "/settings show", "<#"+ch[1].ID+">", "<#"+ch[0].ID+">")

	// Each replica's cache answered some of those, and says so.
	for k, addr := range rig.addrs {
		body := metricsOf(t, addr)
		for _, name := range []string{"filmbot_store_cache_hits_total", "filmbot_store_cache_hit_ratio", "filmbot_store_cache_bytes", "filmbot_store_cache_checks_total"} {
			if v := metric(body, name); v <= 0 || (strings.HasSuffix(name, "ratio") && v >= 1) {
				t.Errorf("replica %d: %s = %v (-1: absent)", k, name, v)
			}
		}
	}
}

// metricsOf is what addr's /metrics says.
func metricsOf(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
