package recommend

import (
	"math"
	"math/rand/v2"
	"slices"
)

// shape describes a generated server.
type shape struct {
	name    string
	seed    uint64
	members int
	films   int
	groups  int     // taste groups
	mix     float64 // how much of a second group's taste a member has, at most
	taste   float64 // spread of a group's feeling for a film (score points)
	quality float64 // spread of films' quality, shared by all
	bias    float64 // spread of members' generosity
	noise   float64 // a rating's noise
	skew    float64 // popularity: the film of rank r is seen ∝ r^-skew
	choose  float64 // how much taste drives what a member watches
	minR    int     // ratings per member, log-uniform in [minR, maxR]
	maxR    int
}

// world is a generated server: its ratings and the truth behind them.
type world struct {
	shape
	ratings []Rating
	group   []int     // member → main group
	second  []int     // member → second group
	w2      []float64 // member → weight of the second group
	bias    []float64
	quality []float64
	affin   [][]float64 // group → film → feeling
}

// Members are users 1..members, films 1001.. .
func memberID(k int) uint64 { return uint64(1 + k) }
func filmID(f int) uint64   { return uint64(1001 + f) }

// truth is member k's expected score of film f, before noise and rounding.
func (w *world) truth(k, f int) float64 {
	a := (1-w.w2[k])*w.affin[w.group[k]][f] + w.w2[k]*w.affin[w.second[k]][f]
	return 5.5 + w.quality[f] + a + w.bias[k]
}

func generate(s shape) *world {
	rng := rand.New(rand.NewPCG(s.seed, 0x5eed))
	w := &world{shape: s}
	w.quality = make([]float64, s.films)
	for f := range w.quality {
		w.quality[f] = rng.NormFloat64() * s.quality
	}
	w.affin = make([][]float64, s.groups)
	for g := range w.affin {
		w.affin[g] = make([]float64, s.films)
		for f := range w.affin[g] {
			w.affin[g][f] = rng.NormFloat64() * s.taste
		}
	}
	// Popularity: a random permutation of ranks, so quality and
	// popularity are independent.
	pop := make([]float64, s.films)
	for r, f := range rng.Perm(s.films) {
		pop[f] = math.Pow(float64(r+1), -s.skew)
	}
	w.group = make([]int, s.members)
	w.second = make([]int, s.members)
	w.w2 = make([]float64, s.members)
	w.bias = make([]float64, s.members)
	keys := make([]float64, s.films)
	order := make([]int, s.films)
	for k := range s.members {
		w.group[k] = rng.IntN(s.groups)
		w.second[k] = rng.IntN(s.groups)
		w.w2[k] = rng.Float64() * s.mix
		w.bias[k] = rng.NormFloat64() * s.bias
		lo, hi := math.Log(float64(s.minR)), math.Log(float64(s.maxR)+1)
		n := min(s.films, int(math.Exp(lo+rng.Float64()*(hi-lo))))
		// Weighted sampling without replacement (Efraimidis–Spirakis):
		// the n smallest Exp(1)/weight.
		for f := range s.films {
			a := (1-w.w2[k])*w.affin[w.group[k]][f] + w.w2[k]*w.affin[w.second[k]][f]
			weight := pop[f] * math.Exp(s.choose*(a+w.quality[f]))
			keys[f] = rng.ExpFloat64() / weight
			order[f] = f
		}
		slices.SortFunc(order, func(a, b int) int {
			switch {
			case keys[a] < keys[b]:
				return -1
			case keys[a] > keys[b]:
				return 1
			}
			return 0
		})
		for _, f := range order[:n] {
			score := int(math.Round(w.truth(k, f) + rng.NormFloat64()*s.noise))
			w.ratings = append(w.ratings, Rating{memberID(k), filmID(f), min(10, max(1, score))})
		}
	}
	return w
}

// shapes are the generated servers the quality test runs on.
var shapes = []shape{
	{name: "club", seed: 1, members: 300, films: 800, groups: 4, mix: 0.3, taste: 1.8, quality: 1.0, bias: 0.7, noise: 1.0, skew: 0.8, choose: 1.0, minR: 2, maxR: 300},
	{name: "big", seed: 2, members: 2000, films: 2000, groups: 8, mix: 0.4, taste: 1.5, quality: 1.0, bias: 0.8, noise: 1.2, skew: 1.0, choose: 1.0, minR: 2, maxR: 500},
	{name: "noisy", seed: 3, members: 600, films: 1500, groups: 3, mix: 0.5, taste: 1.2, quality: 0.8, bias: 1.0, noise: 1.6, skew: 0.7, choose: 1.0, minR: 2, maxR: 200},
}
