package recommend

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// groupScore is how a rule's top 5 picks went down with groups, by the
// generator's truth (each member's expected score before noise): the
// mean over members and picks, the mean of each pick's lowest member,
// and the share of picks someone truly scores under 5.
type groupScore struct{ mean, lowest, hated float64 }

func groupEval(w *world, m *Model, rule groupRule, groups [][]int) groupScore {
	var s groupScore
	n := 0
	for _, g := range groups {
		users := make([]uint64, len(g))
		for j, k := range g {
			users[j] = memberID(k)
		}
		for _, p := range m.forGroup(users, Options{Count: 5}, rule) {
			f := int(p.Film - filmID(0))
			lowest := math.Inf(1)
			for _, k := range g {
				tr := w.truth(k, f)
				s.mean += tr / float64(len(g))
				lowest = min(lowest, tr)
			}
			s.lowest += lowest
			if lowest < 5 {
				s.hated++
			}
			n++
		}
	}
	return groupScore{s.mean / float64(n), s.lowest / float64(n), s.hated / float64(n)}
}

// TestGroupRule compares the group rules on 300 random groups of 3 to 8
// members of each generated server, and checks the chosen one (least
// misery, GroupRule) picks films someone truly hates (under 5) no more
// often than either other rule, for a group mean within 0.25 of the
// plain average's.
func TestGroupRule(t *testing.T) {
	if testing.Short() {
		t.Skip("generates three servers")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-9s %-22s %6s %7s %6s\n", "shape", "rule", "mean", "lowest", "hated")
	names := []string{"average", "least misery", "average without misery"}
	for _, s := range shapes {
		w := generate(s)
		m := New(w.ratings)
		groups := groupsFor(s)
		var got [3]groupScore
		for r := range got {
			got[r] = groupEval(w, m, groupRule(r), groups)
			fmt.Fprintf(&b, "%-9s %-22s %6.2f %7.2f %5.1f%%\n", s.name, names[r], got[r].mean, got[r].lowest, 100*got[r].hated)
		}
		lm := got[leastMisery]
		if lm.hated > got[average].hated || lm.hated > got[withoutMisery].hated || lm.mean < got[average].mean-0.25 {
			t.Errorf("%s: least misery %+v; average %+v, average without misery %+v", s.name, lm, got[average], got[withoutMisery])
		}
	}
	t.Log(b.String())
}

// groupsFor is 300 random groups of 3 to 8 members of a shape.
func groupsFor(s shape) [][]int {
	rng := rand.New(rand.NewPCG(s.seed, 0x6709))
	groups := make([][]int, 300)
	for k := range groups {
		groups[k] = rng.Perm(s.members)[:3+rng.IntN(6)]
	}
	return groups
}
