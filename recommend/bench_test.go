package recommend

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// benchShape is issue 29's benchmark server: 5,000 members, 3,000 films,
// 305,623 ratings (2 to 313 a member, log-uniform: 61 on average).
var benchShape = shape{name: "bench", seed: 29, members: 5000, films: 3000, groups: 8, mix: 0.4, taste: 1.5, quality: 1.0, bias: 0.8, noise: 1.2, skew: 1.0, choose: 1.0, minR: 2, maxR: 313}

var bench struct {
	once    sync.Once
	ratings []Rating
}

func benchRatings() []Rating {
	bench.once.Do(func() { bench.ratings = generate(benchShape).ratings })
	return bench.ratings
}

// percentiles times f for every member (after one warm-up call) and
// returns the 50th and 99th percentile of wall-clock time, and the 99th
// of the CPU time the call used (0 where not measured).
func percentiles(members int, f func(k int)) (p50, p99, cpu99 time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f(0)
	wall := make([]time.Duration, members)
	cpu := make([]time.Duration, members)
	for k := range members {
		t, c := time.Now(), threadCPU()
		f(k)
		wall[k], cpu[k] = time.Since(t), threadCPU()-c
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return wall[len(wall)/2], wall[len(wall)*99/100], cpu[len(cpu)*99/100]
}

func report(b *testing.B, p50, p99, cpu99 time.Duration) {
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	if cpu99 > 0 {
		b.ReportMetric(float64(cpu99.Microseconds())/1000, "cpu-p99-ms")
	}
}

// BenchmarkForMember: one member's 10 picks on the benchmark server, and
// the distribution across all 5,000 members (p50-ms, p99-ms wall clock;
// cpu-p99-ms the CPU time of the call).
func BenchmarkForMember(b *testing.B) {
	m := New(benchRatings())
	p50, p99, cpu99 := percentiles(benchShape.members, func(k int) { m.ForMember(memberID(k), Options{}) })
	k := 0
	for b.Loop() {
		m.ForMember(memberID(k%benchShape.members), Options{})
		k++
	}
	report(b, p50, p99, cpu99)
}

// BenchmarkForGroup: 10 members' group picks (p50-ms, p99-ms over 500
// groups).
func BenchmarkForGroup(b *testing.B) {
	m := New(benchRatings())
	group := func(k int) []uint64 {
		g := make([]uint64, 10)
		for j := range g {
			g[j] = memberID((k*10 + j*37) % benchShape.members)
		}
		return g
	}
	p50, p99, cpu99 := percentiles(500, func(k int) { m.ForGroup(group(k), Options{}) })
	k := 0
	for b.Loop() {
		m.ForGroup(group(k), Options{})
		k++
	}
	report(b, p50, p99, cpu99)
}

// BenchmarkSet: one rating added or changed on the benchmark server.
func BenchmarkSet(b *testing.B) {
	m := New(benchRatings())
	k := 0
	for b.Loop() {
		m.Set(Rating{memberID(k % benchShape.members), filmID(k % benchShape.films), 1 + k%10})
		k++
	}
}

// BenchmarkPopular: the server's best-loved films.
func BenchmarkPopular(b *testing.B) {
	m := New(benchRatings())
	for b.Loop() {
		m.Popular(Options{})
	}
}

// TestBenchServerMemory reports the benchmark server's model: ratings,
// Bytes() and the heap it holds (measured: live heap after a GC with the
// model, minus before it), and fails if either is 64 MB or more.
func TestBenchServerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the 300,000-rating server")
	}
	rs := benchRatings()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := New(rs)
	m.ForMember(memberID(0), Options{}) // one prediction's scratch, pooled
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d members, %d films, %d ratings: Bytes() %.1f MB, heap held %.1f MB", benchShape.members, benchShape.films, m.Len(), float64(m.Bytes())/(1<<20), float64(heap)/(1<<20))
	if m.Bytes() >= 64<<20 || heap >= 64<<20 {
		t.Errorf("the model holds %d bytes (heap %d); the budget is 64 MB", m.Bytes(), heap)
	}
	runtime.KeepAlive(m)
}

// On the benchmark server a rating is in the next answer: a member who
// rates their first pick no longer gets it; deleting the rating brings
// it back. Picks come the best predicted first.
func TestBenchServerSetReflected(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the 300,000-rating server")
	}
	m := New(benchRatings())
	for k := range 20 {
		user := memberID(k * 97)
		first := m.ForMember(user, Options{})
		if len(first) == 0 {
			t.Fatalf("member %d: no picks", user)
		}
		if !slices.IsSortedFunc(first, func(a, b Pick) int { return cmp.Compare(b.Predicted, a.Predicted) }) {
			t.Errorf("member %d: picks not the best predicted first: %+v", user, first)
		}
		top := first[0].Film
		m.Set(Rating{user, top, 9})
		if slices.ContainsFunc(m.ForMember(user, Options{}), func(p Pick) bool { return p.Film == top }) {
			t.Fatalf("member %d still offered film %d after rating it", user, top)
		}
		m.Delete(user, top)
		if again := m.ForMember(user, Options{}); len(again) == 0 || again[0].Film != top {
			t.Fatalf("member %d: after deleting the rating, first pick %v, want %d", user, again, top)
		}
	}
}

func ExampleModel_ForMember() {
	m := New([]Rating{
		{User: 1, Film: 100, Score: 9}, {User: 1, Film: 101, Score: 2}, {User: 1, Film: 102, Score: 8},
		{User: 2, Film: 100, Score: 10}, {User: 2, Film: 101, Score: 3}, {User: 2, Film: 102, Score: 9}, {User: 2, Film: 103, Score: 10},
		{User: 3, Film: 100, Score: 2}, {User: 3, Film: 101, Score: 9}, {User: 3, Film: 102, Score: 3}, {User: 3, Film: 104, Score: 10},
	})
	for _, p := range m.ForMember(1, Options{Count: 2}) {
		fmt.Printf("film %d: predicted %.1f, why %v %v\n", p.Film, p.Predicted, p.Reason.Kind == Neighbours, p.Reason.Voices)
	}
	// Output:
	// film 103: predicted 7.4, why true [{2 10}]
	// film 104: predicted 6.9, why false []
}
