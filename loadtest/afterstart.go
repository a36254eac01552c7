package loadtest

import (
	"context"
	"fmt"
	"io"
	"time"
)

// runAfterStart is `filmbot bench --after-start`: over HTTP interactions,
// the bare baseline endpoint (net/http, one Ed25519 check, a fixed
// answer) and then filmbot are each started and loaded at spec.rate from
// the moment their /readyz says ready, and filmbot once more after that
// (warm, the same process): a replica's first seconds against the
// baseline's in the same run, and against its own later ones.
func runAfterStart(ctx context.Context, spec benchSpec, dir string, stdout, stderr io.Writer) int {
	spec.http, spec.replicas = true, 1
	fmt.Fprintf(stdout, "filmbot bench --after-start: %d interactions (%v) at %s/s over HTTP interactions, from the moment /readyz says ready\n",
		spec.n, spec.kinds, rateText(spec.rate))
	type row struct {
		who string
		res *benchResult
	}
	var rows []row
	for _, who := range []string{"bare HTTP baseline", "filmbot"} {
		var args []string
		if who != "filmbot" {
			args = []string{"bench", "--serve-baseline"}
		}
		r, err := startRig(ctx, spec, dir, args, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "filmbot bench:", who+":", err)
			return 1
		}
		rows = append(rows, row{who + ", right after start", r.load(ctx, spec.kinds, spec.n, spec.rate, spec.members, "")})
		if who == "filmbot" {
			rows = append(rows, row{"filmbot, after that", r.load(ctx, spec.kinds, spec.n, spec.rate, spec.members, "")})
		}
		r.close()
	}
	fmt.Fprintf(stdout, "%-34s %8s %9s %9s %9s %8s %7s\n", "", "count", "p50", "p99", "max", "/s", "errors")
	failed := false
	for _, r := range rows {
		all := r.res.all()
		fmt.Fprintf(stdout, "%-34s %8d %9s %9s %9s %8.0f %7d\n", r.who, len(all), pct(all, 50), pct(all, 99), all[len(all)-1].Round(time.Microsecond),
			r.res.throughput(), r.res.errs)
		failed = failed || r.res.failed(stdout)
	}
	base, first, later := pct(rows[0].res.all(), 99), pct(rows[1].res.all(), 99), pct(rows[2].res.all(), 99)
	fmt.Fprintf(stdout, "p99 right after start, filmbot − baseline: %s (goal: within 500µs); filmbot right after start − later: %s\n", first-base, first-later)
	if failed {
		return 1
	}
	return 0
}

// all is every latency of the run, sorted.
func (r *benchResult) all() []time.Duration {
	var out []time.Duration
	for _, ls := range r.lat {
		out = append(out, ls...)
	}
	if len(out) == 0 {
		return []time.Duration{0}
	}
	sortDurations(out)
	return out
}
