package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// shardGuild is a server whose events go to shard s of 4.
func shardGuild(s int) sandbox.Guild {
	id := uint64(1000+s)<<22 + 1
	return sandbox.Guild{ID: fmt.Sprint(id), Name: fmt.Sprintf("Shard %d", s),
		Channels: []sandbox.Channel{{ID: fmt.Sprint(200000000000000100 + s), Name: "general"}}}
}

// Two gateway processes of the built bot, shards 0-1 and 2-3 of 4, on one
// PostgreSQL: each connects only its shards, identifies are paced across
// the two (max_concurrency 2: shards 0 and 2, and 1 and 3, share a bucket,
// so one process's shards wait for the other's turn to pass), each server is answered by its shard's process, DMs by shard 0's.
func TestTwoGatewayProcessesShareShards(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	pg := pgtest.URL(t)
	bin := buildBot(t)
	var guilds []sandbox.Guild
	for s := range 4 {
		guilds = append(guilds, shardGuild(s))
	}
	sb, err := sandbox.Start(sandbox.Options{Shards: 4, MaxConcurrency: 2, Guilds: guilds})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	var logs []*syncBuffer
	for k, ids := range []string{"0-1", "2-3"} {
		cmd, l := startBinary(t, bin, "DISCORD_TOKEN="+sb.Token(), "DISCORD_API_URL="+sb.URL, "FILMBOT_DB="+pg, "LOG_LEVEL=debug",
			"FILMBOT_BACKUP_DIR=", "DISCORD_SHARDS=4", "FILMBOT_SHARD_IDS="+ids, fmt.Sprintf("FILMBOT_REGISTER=%v", k == 0))
		logs = append(logs, l)
		defer func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		}()
	}
	defer func() {
		if t.Failed() {
			for k, l := range logs {
				t.Logf("process %d:\n%s", k, l)
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	if err := sb.WaitConnected(ctx); err != nil {
		t.Fatalf("not all four shards connected: %v", err)
	}
	if _, err := sb.WaitCommands(ctx, ""); err != nil {
		t.Fatal(err)
	}
	ids := sb.Identifies()
	if len(ids) != 4 {
		t.Fatalf("identifies: %+v", ids)
	}
	at := map[int]time.Time{}
	for _, id := range ids {
		at[id.Shard] = id.At
	}
	for _, pair := range [][2]int{{0, 2}, {1, 3}} { // same bucket, different processes
		// whichever process took the bucket's first turn, the other waited
		if gap := at[pair[1]].Sub(at[pair[0]]).Abs(); gap < 5*time.Second {
			t.Errorf("shard %d identified %v after shard %d, in the same bucket", pair[1], gap, pair[0])
		}
	}
	whose := func(interaction string) int { // the answer's log line follows it closely
		found := -1
		eventually(2*time.Second, func() bool {
			for k, l := range logs {
				if strings.Contains(l.String(), "interaction="+interaction+" ") {
					found = k
					return true
				}
			}
			return false
		})
		return found
	}
	for s, g := range guilds {
		m := sandbox.Member{GuildID: g.ID, UserID: "500000000000000042", Name: "m"}
		a, ix, err := sb.Do(ctx, m, "/rate film:anora score:7")
		if err != nil || a.Message == nil || len(a.Message.Embeds) == 0 || !strings.Contains(a.Message.Embeds[0].Description, "7/10") {
			t.Errorf("server on shard %d: %v %+v", s, err, a)
			continue
		}
		if p := whose(ix.ID); p != s/2 {
			t.Errorf("server on shard %d answered by process %d, want %d", s, p, s/2)
		}
	}
	a, ix, err := sb.Do(ctx, sandbox.DMUser, "/film film:anora")
	if err != nil || a.Message == nil || len(a.Message.Embeds)+len(a.Message.Components) == 0 { // the film's card
		t.Fatalf("DM: %v %+v", err, a)
	}
	if p := whose(ix.ID); p != 0 {
		t.Errorf("DM answered by process %d, want shard 0's", p)
	}
	if !strings.Contains(logs[0].String(), "shards=0-1") || !strings.Contains(logs[1].String(), "shards=2-3") {
		t.Error("logs do not carry the process's shards")
	}
	for _, v := range sb.Violations() {
		t.Errorf("Discord would refuse: %s", v)
	}
}
