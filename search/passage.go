package search

import (
	"math"
	"strings"
)

// stopwords carry no meaning for picking a passage.
var stopwords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "of": true, "in": true, "on": true, "to": true,
	"is": true, "it": true, "its": true, "for": true, "with": true, "as": true, "at": true, "by": true,
	"or": true, "be": true, "this": true, "that": true, "from": true, "about": true, "her": true, "his": true,
}

// termWeight scores how well document word w stands for query word q: 1 for
// the same word, less for a shared stem ("cinematography" and
// "cinematographer"), 0 otherwise.
func termWeight(q, w string) float64 {
	if q == w {
		return 1
	}
	n := 0
	for n < len(q) && n < len(w) && q[n] == w[n] {
		n++
	}
	if n < 4 {
		return 0
	}
	r := float64(n) / float64(max(len(q), len(w)))
	if r < 0.7 {
		return 0
	}
	return r
}

// BestPassage returns the index of the passage that best matches query
// (BM25 over folded words, with shared stems counting in part and a bonus
// for the whole phrase), and whether any passage matched at all.
func BestPassage(query string, passages []string) (int, bool) {
	var qw []string
	for _, w := range Words(query) {
		if !stopwords[w] {
			qw = append(qw, w)
		}
	}
	if len(qw) == 0 || len(passages) == 0 {
		return 0, false
	}
	phrase := strings.Join(qw, " ")
	docs := make([][]string, len(passages))
	avg := 0.0
	for i, p := range passages {
		docs[i] = Words(p)
		avg += float64(len(docs[i]))
	}
	avg /= float64(len(docs))
	// tf[i][j]: weighted count of query word j in passage i.
	tf := make([][]float64, len(docs))
	df := make([]float64, len(qw))
	for i, d := range docs {
		tf[i] = make([]float64, len(qw))
		for j, q := range qw {
			for _, w := range d {
				tf[i][j] += termWeight(q, w)
			}
			if tf[i][j] > 0 {
				df[j]++
			}
		}
	}
	const k1, b = 1.2, 0.75
	best, bestScore := 0, 0.0
	n := float64(len(docs))
	for i, d := range docs {
		score := 0.0
		for j := range qw {
			if tf[i][j] == 0 {
				continue
			}
			idf := math.Log(1 + (n-df[j]+0.5)/(df[j]+0.5))
			norm := k1 * (1 - b + b*float64(len(d))/avg)
			score += idf * tf[i][j] * (k1 + 1) / (tf[i][j] + norm)
		}
		if len(qw) > 1 && strings.Contains(" "+strings.Join(d, " ")+" ", " "+phrase+" ") {
			score *= 1.5
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best, bestScore > 0
}
