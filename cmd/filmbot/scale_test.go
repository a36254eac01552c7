package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// filmbot bench --scale in CI: 20,000 servers on 16 shards
// (max_concurrency 4), three gateway processes with
// FILMBOT_SHARD_IDS=auto on one PostgreSQL, the real binary. Every shard
// comes up, identifies are paced (the sandbox's violations), every server
// is answered by the one process running its shard, no shard ever runs
// in two processes (the sandbox sees every IDENTIFY's connection); one
// process is killed and its shards are taken over within the lease and
// its identify turns; a new process then gets its share by hand-over;
// another is stopped gracefully and replaced (a rolling restart's step);
// the metrics say so.
func TestScaleSimulation(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary, runs minutes")
	}
	db := pgtest.URL(t)
	bin := buildBot(t)
	logs := &syncBuffer{}
	progress := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r, err := runScale(ctx, scaleSpec{servers: 20000, shards: 16, concurrency: 4, processes: 3, kill: true, db: db, bin: bin, logs: logs, members: 32, lease: 3 * time.Second, probes: 3200,
		// The subject is the shards: on a CI machine shared with -race
		// builds an answer may come past Discord's 3 s (the bot's own tests
		// hold it to them); one that never comes still counts.
		window: 10 * time.Second}, progress)
	if r != nil {
		out := &strings.Builder{}
		r.print(out)
		t.Logf("%s\n%s", progress, out)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	if len(r.violations) > 0 || r.overlaps > 0 {
		t.Errorf("violations %v, shards run twice %d", r.violations, r.overlaps)
	}
	// 200 servers of each shard (all 20,000 get their GUILD_CREATE; an
	// interaction to each would take minutes under -race), then every
	// tenth of them after the kill and the hand-over.
	if r.probed != 3520 || r.exactlyOne != r.probed {
		t.Errorf("%d of %d servers answered by exactly one process", r.exactlyOne, r.probed)
	}
	if r.errors > 0 {
		t.Errorf("%d errors outside the killed process's shards", r.errors)
	}
	// The killed process ran at most its share (6) of the 16 shards, over
	// 4 buckets: at most 2 identify turns each after its claims lapse (the
	// lease) and a tick of the others (a tenth of it), and the turn of an
	// identify just before in the bucket.
	if limit := r.lease + r.lease/10 + 3*5500*time.Millisecond + time.Second; r.killed < 0 || len(r.killedShards) == 0 || len(r.killedShards) > 6 || r.killGap > limit {
		t.Errorf("process %d killed with shards %v; a shard was without a process for %v, want at most %v", r.killed, r.killedShards, r.killGap, limit)
	}
	// A rolling restart's step: a process stopped gracefully releases its
	// shards at once; the others take them on their next look (a third of
	// the lease at most) and identify them, at most 2 per bucket, after
	// an identify just before in the bucket (10.1 s at most in 10 runs).
	if limit := r.lease/3 + 3*5500*time.Millisecond + time.Second; r.restartBack == 0 || r.restartGap > limit {
		t.Errorf("after a graceful stop a shard was without a process for %v (back after %v), want at most %v", r.restartGap, r.restartBack, limit)
	}
	all := strings.Join(r.metrics, "\n")
	for _, want := range []string{`filmbot_shard_claims_total{event="taken_over"}`, `filmbot_shard_claims_total{event="handed_over"}`, "filmbot_shards_owned 6"} {
		// (no claim lost: a lost one means a process fell behind its renewals)
		if !strings.Contains(all, want) {
			t.Errorf("metrics lack %s:\n%s", want, all)
		}
	}
	if strings.Contains(all, `event="lost"`) {
		t.Errorf("claims lost (a process fell behind its renewals):\n%s", all)
	}
}
