package main

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/filmbot/filmbot/loadtest"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// Two HTTP replicas of the built bot on one PostgreSQL behind a load
// balancer, interactions alternating between them: a film a moderator
// adds on one is offered by autocomplete on the other at once; 50 members
// rate through both and /ratings counts 50; one replica killed mid-load,
// the other keeps answering.
func TestTwoReplicasOverHTTP(t *testing.T) {
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
	sb, lb, procs, ctx := rig.sb, rig.lb, rig.procs, rig.ctx
	do := func(m sandbox.Member, line string) *sandbox.Answer {
		t.Helper()
		a, _, err := sb.Do(ctx, m, line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return a
	}

	// Autocomplete warms both replicas' catalog caches, then a moderator
	// adds a film through one; the next autocompletes go to both.
	for range 2 {
		ix, _ := sb.Autocomplete(sandbox.Viewer, "/review film:zzyzx", "film")
		ix.Wait(ctx)
	}
	ix, err := sb.Command(sandbox.Moderator, "/manage film add")
	if err != nil {
		t.Fatal(err)
	}
	form, err := ix.Wait(ctx)
	if err != nil || form.Modal == nil {
		t.Fatalf("no form: %v %+v", err, form)
	}
	sub, err := sb.SubmitModal(sandbox.Moderator, ix, map[string]string{"title": "Zzyzx Road", "year": "2006"})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := sub.Wait(ctx); err != nil || !strings.Contains(a.Message.Content, "Added **Zzyzx Road (2006)**") {
		t.Fatalf("film add: %v %+v", err, a)
	}
	added := time.Now()
	for k := range 2 {
		ix, err := sb.Autocomplete(sandbox.Viewer, "/review film:zzyzx", "film")
		if err != nil {
			t.Fatal(err)
		}
		a, err := ix.Wait(ctx)
		if err != nil || len(a.Choices) == 0 || !strings.Contains(a.Choices[0].Name, "Zzyzx Road") {
			t.Errorf("autocomplete %d after the film was added: %v %+v", k, err, a)
		}
	}
	if d := time.Since(added); d > time.Second {
		t.Errorf("both replicas offered the new film only after %v", d)
	}

	// 50 members rate through both replicas.
	var wg sync.WaitGroup
	for k := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := sandbox.Member{GuildID: sandbox.Viewer.GuildID, UserID: fmt.Sprint(700000000000000000 + k), Name: "m"}
			a, _, err := sb.Do(ctx, m, fmt.Sprintf("/rate film:anora score:%d", 1+k%10))
			if err != nil || a.Message == nil || len(a.Message.Embeds) == 0 || !strings.Contains(a.Message.Embeds[0].Description, "You rated") {
				t.Errorf("member %d: %v %+v", k, err, a)
			}
		}()
	}
	wg.Wait()
	r := do(sandbox.Viewer, "/ratings film:anora")
	if len(r.Message.Embeds) == 0 || !strings.Contains(fmt.Sprintf("%+v", *r.Message.Embeds[0]), "50 ratings") {
		t.Errorf("/ratings after 50 members: %+v", r.Message.Embeds)
	}
	if a, b := lb.Served(0), lb.Served(1); a < 20 || b < 20 {
		t.Errorf("the balancer sent %d and %d interactions: not alternating", a, b)
	}

	// One replica killed mid-load: the other keeps answering.
	var failed, answered atomic.Int64
	stop := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				actx, acancel := context.WithTimeout(ctx, 4*time.Second)
				a, _, err := sb.Do(actx, sandbox.Viewer, "/review film:anora")
				acancel()
				if err != nil || a.Message == nil || len(a.Message.Embeds) == 0 {
					failed.Add(1)
				} else {
					answered.Add(1)
				}
				_ = w
			}
		}()
	}
	// Mid-load: both replicas answering.
	if !eventually(10*time.Second, func() bool { return answered.Load() >= 20 }) {
		t.Errorf("only %d answers before the kill", answered.Load())
	}
	procs[1].Process.Kill()
	procs[1].Wait()
	killedAt := answered.Load()
	// The other replica goes on answering.
	ok := eventually(10*time.Second, func() bool { return answered.Load()-killedAt >= 20 })
	close(stop)
	wg.Wait()
	after := answered.Load() - killedAt
	t.Logf("%d answered before the kill, %d after, %d lost with the killed replica", killedAt, after, failed.Load())
	if !ok {
		t.Errorf("only %d answers after one replica was killed", after)
	}
	if f := failed.Load(); f > 16 {
		t.Errorf("%d interactions lost: more than those in flight on the killed replica", f)
	}
	if a := do(sandbox.Viewer, "/review film:anora"); len(a.Message.Embeds) == 0 {
		t.Errorf("after the kill: %+v", a.Message)
	}
}

// replicas are two HTTP replicas of the built bot on one PostgreSQL
// behind a round-robin balancer, both ready, the sandbox posting
// interactions to the balancer.
type replicas struct {
	sb    *sandbox.Server
	lb    *loadtest.Balancer
	procs []*exec.Cmd
	logs  []*syncBuffer
	addrs []string        // each replica's host:port
	ctx   context.Context // the test's minute
}

// startReplicas starts two replicas of bin on pg (the first registers
// the commands), each with env added to its settings; they are stopped
// when the test ends, their logs shown if it failed.
func startReplicas(t *testing.T, bin, pg string, env ...string) *replicas {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	var addrs []string
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, ln.Addr().String())
		ln.Close()
	}
	r := &replicas{sb: sb, addrs: addrs}
	t.Cleanup(func() {
		for _, p := range r.procs {
			p.Process.Kill()
			p.Wait()
		}
		if t.Failed() {
			for k, l := range r.logs {
				t.Logf("replica %d:\n%s", k, l)
			}
		}
	})
	for k, addr := range addrs {
		cmd, l := startBinary(t, bin, append([]string{"DISCORD_TOKEN=" + sb.Token(), "DISCORD_API_URL=" + sb.URL, "FILMBOT_DB=" + pg, "LOG_LEVEL=info",
			"FILMBOT_BACKUP_DIR=", "FILMBOT_HTTP_LISTEN=" + addr, "DISCORD_PUBLIC_KEY=" + sb.PublicKey(), fmt.Sprintf("FILMBOT_REGISTER=%v", k == 0)}, env...)...)
		r.procs, r.logs = append(r.procs, cmd), append(r.logs, l)
	}
	r.lb = loadtest.NewBalancer(addrs)
	front, stopLB, err := r.lb.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopLB)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	r.ctx = ctx
	for _, addr := range addrs { // both ready: database reachable, commands registered
		if err := loadtest.WaitReady(ctx, "http://"+addr+"/readyz"); err != nil {
			t.Fatalf("replica %s: %v", addr, err)
		}
	}
	if err := sb.SetInteractionsURL(ctx, front+"/interactions"); err != nil {
		t.Fatal(err)
	}
	return r
}
