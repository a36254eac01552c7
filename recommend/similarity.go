package recommend

import "math"

// Pair is one film two members both rated: A's score and B's.
type Pair struct{ A, B int }

// Taste is how two members' ratings of the same films compare.
type Taste struct {
	N int // films both rated
	// MeanDiff is the average absolute difference of their scores, 0 to 9.
	MeanDiff float64
	// Corr is Pearson's correlation of their scores, -1 to 1; NaN when
	// fewer than MinShared films or one of them gave every film the same
	// score.
	Corr float64
}

// MinShared is the fewest films two members must both have rated for
// their scores to have a correlation (/compare says so below it, and the
// model does not count them as neighbours).
const MinShared = 3

// Shrink is how strongly a correlation is pulled toward zero when few
// films are shared: Weight is Corr × N/(N+Shrink), so 3 shared films
// count for a fifth of their correlation, 12 for half, 60 for 83%.
const Shrink = 12

// Similarity compares two lists of scores of the same films: what
// /compare shows and what the model weighs neighbours by (through Weight).
func Similarity(s []Pair) Taste {
	t := Taste{N: len(s), Corr: math.NaN()}
	if t.N == 0 {
		return t
	}
	var sa, sb, d float64
	for _, x := range s {
		sa += float64(x.A)
		sb += float64(x.B)
		d += math.Abs(float64(x.A - x.B))
	}
	n := float64(t.N)
	t.MeanDiff = d / n
	if t.N < MinShared {
		return t
	}
	ma, mb := sa/n, sb/n
	var cov, va, vb float64
	for _, x := range s {
		da, db := float64(x.A)-ma, float64(x.B)-mb
		cov += da * db
		va += da * da
		vb += db * db
	}
	if va > 0 && vb > 0 {
		t.Corr = cov / math.Sqrt(va*vb)
	}
	return t
}

// Weight is the correlation shrunk toward zero when few films are shared
// (0 when there is no correlation): how much the model trusts one member
// to speak for the other.
func (t Taste) Weight() float64 {
	if math.IsNaN(t.Corr) {
		return 0
	}
	return shrunk(t.Corr, t.N)
}

func shrunk(corr float64, n int) float64 {
	return corr * float64(n) / float64(n+Shrink)
}

// corrSums is Pearson's correlation from integer sums of n pairs (exact
// for scores 1..10: every product is an integer), NaN as Similarity.
func corrSums(n, sa, sb, saa, sbb, sab int64) float64 {
	if n < MinShared {
		return math.NaN()
	}
	va := n*saa - sa*sa
	vb := n*sbb - sb*sb
	if va <= 0 || vb <= 0 {
		return math.NaN()
	}
	return float64(n*sab-sa*sb) / math.Sqrt(float64(va)*float64(vb))
}
