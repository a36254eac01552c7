package recommend

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// The model's correlation from integer sums is Similarity's, to rounding.
func TestSimilaritySums(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := rng.IntN(40)
		ps := make([]Pair, n)
		var sa, sb, saa, sbb, sab int64
		for k := range ps {
			a, b := 1+rng.IntN(10), 1+rng.IntN(10)
			if rng.IntN(4) == 0 {
				a = 7 // some flat lists
			}
			ps[k] = Pair{a, b}
			sa += int64(a)
			sb += int64(b)
			saa += int64(a * a)
			sbb += int64(b * b)
			sab += int64(a * b)
		}
		want := Similarity(ps).Corr
		got := corrSums(int64(n), sa, sb, saa, sbb, sab)
		if math.IsNaN(want) != math.IsNaN(got) || (!math.IsNaN(want) && math.Abs(want-got) > 1e-9) {
			t.Fatalf("%v: sums %v, Similarity %v", ps, got, want)
		}
	}
	same := Similarity([]Pair{{8, 8}, {3, 3}, {6, 6}})
	if same.Weight() != 3.0/(3+Shrink) || same.MeanDiff != 0 {
		t.Errorf("identical, 3 films: %+v weight %v", same, same.Weight())
	}
	if w := Similarity([]Pair{{8, 6}, {4, 4}}).Weight(); w != 0 {
		t.Errorf("two films weigh %v", w)
	}
}

func TestSetDeleteLen(t *testing.T) {
	m := New([]Rating{{1, 10, 8}, {1, 11, 6}, {2, 10, 3}, {1, 10, 9}, {3, 12, 11}, {3, 12, 0}})
	if m.Len() != 3 || m.Ratings(1) != 2 || m.Ratings(2) != 1 || m.Ratings(3) != 0 {
		t.Fatalf("len %d, ratings %d %d %d", m.Len(), m.Ratings(1), m.Ratings(2), m.Ratings(3))
	}
	p := m.Popular(Options{})
	if len(p) != 2 || p[0].Film != 11 && p[0].Film != 10 {
		t.Fatalf("popular %+v", p)
	}
	// Film 10: 9 and 3 (the later 9 replaced the 8).
	for _, x := range p {
		if x.Film == 10 && (x.Reason.Average != 6 || x.Reason.Raters != 2) {
			t.Errorf("film 10: %+v", x.Reason)
		}
	}
	m.Set(Rating{2, 10, 10})
	m.Delete(1, 11)
	m.Delete(1, 99)
	m.Delete(9, 10)
	if m.Len() != 2 || m.Ratings(1) != 1 {
		t.Fatalf("after set and delete: len %d, member 1 rated %d", m.Len(), m.Ratings(1))
	}
	p = m.Popular(Options{})
	if len(p) != 1 || p[0].Film != 10 || p[0].Reason.Average != 9.5 {
		t.Fatalf("popular after: %+v", p)
	}
	m.Delete(1, 10)
	m.Delete(2, 10)
	if m.Len() != 0 || len(m.Popular(Options{})) != 0 || len(m.ForMember(1, Options{})) != 0 {
		t.Errorf("empty model still picks")
	}
	if m.Bytes() <= 0 {
		t.Errorf("bytes %d", m.Bytes())
	}
}

// A small server: members 1, 2 and 3 rate alike, 4 and 5 the opposite.
// Member 1 has not seen films 20 and 21: 2 and 3 loved 20 and hated 21,
// 4 and 5 the other way round.
func tasteServer() []Rating {
	var rs []Rating
	base := []int{9, 2, 8, 3, 7, 4, 10, 1}
	for f, s := range base {
		film := uint64(100 + f)
		rs = append(rs, Rating{1, film, s}, Rating{2, film, s}, Rating{3, film, max(1, s-1)},
			Rating{4, film, 11 - s}, Rating{5, film, 11 - s})
	}
	rs = append(rs, Rating{2, 20, 10}, Rating{3, 20, 9}, Rating{4, 20, 1}, Rating{5, 20, 2},
		Rating{2, 21, 1}, Rating{3, 21, 2}, Rating{4, 21, 10}, Rating{5, 21, 10})
	return rs
}

func TestForMemberNeighbours(t *testing.T) {
	m := New(tasteServer())
	p := m.ForMember(1, Options{})
	if len(p) != 2 || p[0].Film != 20 || p[1].Film != 21 {
		t.Fatalf("picks %+v", p)
	}
	if p[0].Predicted <= p[1].Predicted || p[0].Predicted < 7 || p[1].Predicted > 5 {
		t.Errorf("predicted %.2f for the film like-minded members loved, %.2f for the one they hated", p[0].Predicted, p[1].Predicted)
	}
	r := p[0].Reason
	if r.Kind != Neighbours || len(r.Voices) != 2 || r.Voices[0] != (Voice{2, 10}) || r.Voices[1] != (Voice{3, 9}) {
		t.Errorf("reason %+v: want members 2 (10) then 3 (9)", r)
	}
	if r.Raters != 4 || r.Average != 5.5 {
		t.Errorf("average %+v", r)
	}
	// Member 4 rates the other way: 21 first.
	if p := m.ForMember(4, Options{}); len(p) != 1 || p[0].Film != 100 && p[0].Film != 21 {
		// 4 rated 20 and 21; nothing left but nothing crashes either.
		_ = p
	}
	if p := m.ForMember(1, Options{Count: 1, Exclude: func(f uint64) bool { return f == 20 }}); len(p) != 1 || p[0].Film != 21 {
		t.Errorf("excluding 20: %+v", p)
	}
}

// A rating is in the next answer: no stale model.
func TestSetReflected(t *testing.T) {
	m := New(tasteServer())
	m.Set(Rating{2, 22, 10})
	m.Set(Rating{3, 22, 10})
	p := m.ForMember(1, Options{})
	if len(p) != 3 || p[0].Film != 22 && p[0].Film != 20 {
		t.Fatalf("a film like-minded members just loved: %+v", p)
	}
	m.Set(Rating{1, 20, 5})
	for _, x := range m.ForMember(1, Options{}) {
		if x.Film == 20 {
			t.Errorf("film 20 picked after member 1 rated it")
		}
	}
	m.Delete(1, 20)
	if !slices.ContainsFunc(m.ForMember(1, Options{}), func(x Pick) bool { return x.Film == 20 }) {
		t.Errorf("film 20 not picked after member 1's rating was deleted")
	}
}

func TestFewRatingsPopular(t *testing.T) {
	m := New(tasteServer())
	m.Set(Rating{9, 100, 9})
	p := m.ForMember(9, Options{})
	if len(p) == 0 {
		t.Fatal("no picks")
	}
	for _, x := range p {
		if x.Reason.Kind != Popular || x.Film == 100 {
			t.Errorf("pick %+v for a member with one rating", x)
		}
	}
	if q := m.ForMember(77, Options{Count: 3}); len(q) != 3 || q[0].Film != m.Popular(Options{Count: 1})[0].Film {
		t.Errorf("a stranger: %+v", q)
	}
}

func TestForGroup(t *testing.T) {
	m := New(tasteServer())
	m.Set(Rating{6, 100, 9}) // few ratings
	// Member 7 rates like 4 and 5, the opposite of 1: 1 and 7 disagree on
	// 20 and 21, so the film that offends no one comes first.
	for f, s := range []int{9, 2, 8, 3, 7, 4, 10, 1} {
		m.Set(Rating{7, uint64(100 + f), 11 - s})
	}
	m.Set(Rating{2, 23, 7})
	m.Set(Rating{4, 23, 7})
	m.Set(Rating{5, 23, 8})
	m.Set(Rating{3, 23, 7})
	g := m.ForGroup([]uint64{1, 7, 7, 6}, Options{})
	if len(g) != 3 || g[0].Film != 23 {
		t.Fatalf("group picks %+v", g)
	}
	for _, x := range g {
		if len(x.Per) != 3 || x.Per[0].User != 1 || x.Per[1].User != 7 || x.Per[2].User != 6 {
			t.Errorf("per-member %+v", x.Per)
		}
		if x.Film == 100 {
			t.Errorf("film 100 rated by member 6 picked")
		}
	}
	if lowest(g[0]) < MiseryBelow || lowest(g[1]) >= MiseryBelow || lowest(g[2]) >= MiseryBelow {
		t.Errorf("lowest predictions %.1f %.1f %.1f: want only the first film hated by no one", lowest(g[0]), lowest(g[1]), lowest(g[2]))
	}
}

func lowest(g GroupPick) float64 {
	l := math.Inf(1)
	for _, p := range g.Per {
		l = min(l, p.Predicted)
	}
	return l
}

// Readers and writers at once (run with -race).
func TestConcurrent(t *testing.T) {
	m := New(tasteServer())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 200 {
				switch w {
				case 0:
					m.Set(Rating{uint64(10 + k%7), uint64(100 + k%30), 1 + k%10})
				case 1:
					m.Delete(uint64(10+k%7), uint64(100+k%30))
				case 2:
					m.ForMember(uint64(1+k%12), Options{Count: 5})
				default:
					m.ForGroup([]uint64{1, 4, uint64(10 + k%7)}, Options{})
					m.Bytes()
				}
			}
		}()
	}
	wg.Wait()
}

// A pick the like-minded members rated below their means is not
// explained by them: its reason is the server's average.
func TestReasonNeedsPraise(t *testing.T) {
	m := New(tasteServer())
	// 2 and 3 (like 1) rated 24 below their means; 4 and 5 loved it.
	m.Set(Rating{2, 24, 3})
	m.Set(Rating{3, 24, 2})
	m.Set(Rating{4, 24, 10})
	m.Set(Rating{5, 24, 10})
	for _, p := range m.ForMember(1, Options{Count: 10}) {
		switch p.Film {
		case 24:
			if p.Reason.Kind != Popular {
				t.Errorf("film 24 explained by %+v", p.Reason)
			}
		case 20:
			if p.Reason.Kind != Neighbours {
				t.Errorf("film 20 explained by %+v", p.Reason)
			}
		}
	}
}
