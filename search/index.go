package search

import (
	"iter"
	"sort"
	"strings"
	"unicode/utf8"
)

// Entry is one thing the index can find: a film, with the label shown to
// the user ("Anora (2024)") and every name it answers to.
type Entry struct {
	ID    uint64
	Label string
	Names []string
}

// Hit is one result of Index.Search. Rank orders kinds of match: RankExact,
// RankPrefix, RankWordPrefix, RankSubstring, RankTypo.
type Hit struct {
	ID    uint64
	Label string
	Rank  int
	key   string // the folded name matched: orders hits of one rank across indexes (Layers)
	pass  int8   // for RankTypo: 0 a typo in a word, 1 a typo in the start of the last word (after 0)
}

// Kinds of match, best first.
const (
	RankExact = iota
	RankPrefix
	RankWordPrefix
	RankSubstring
	RankTypo
)

// Index answers autocomplete queries over a fixed set of entries without
// touching the database. It is immutable once built and safe for concurrent
// use; callers rebuild it when the catalog changes.
type Index struct {
	entries []Entry
	keys    []string // folded names, sorted
	keyEnt  []int32  // keys[i] names entries[keyEnt[i]]
	blob    string   // "\x00" + keys joined by "\x00" + "\x00": one string scanned with strings.Index
	offs    []int32  // offs[i] is where keys[i] starts in blob
	words   []string // distinct words of all keys
	byWord  []int32  // word indices in word order
	wordKey [][]int32
	dels    map[string][]int32 // word, and the word minus one rune → word indices
	byLen   [][]int32          // byLen[n] are the keys of n runes
	byTail  []int32            // word indices in the order of their words without the first rune
}

// minTypoWord is the shortest query word that gets typo matching: below
// it almost every short word is one edit away from something.
const minTypoWord = 4

// NewIndex builds an index over entries.
func NewIndex(entries []Entry) *Index {
	ix := &Index{entries: entries, dels: map[string][]int32{}}
	type kv struct {
		key string
		ent int32
	}
	var all []kv
	for i, e := range entries {
		seen := map[string]bool{}
		for _, n := range e.Names {
			k := Fold(n)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			all = append(all, kv{k, int32(i)})
		}
	}
	sort.Slice(all, func(a, b int) bool {
		if all[a].key != all[b].key {
			return all[a].key < all[b].key
		}
		return entries[all[a].ent].Label < entries[all[b].ent].Label
	})
	var blob strings.Builder
	blob.WriteByte(0)
	wordID := map[string]int32{}
	for i, p := range all {
		ix.keys = append(ix.keys, p.key)
		ix.keyEnt = append(ix.keyEnt, p.ent)
		ix.offs = append(ix.offs, int32(blob.Len()))
		blob.WriteString(p.key)
		blob.WriteByte(0)
		for _, w := range strings.Fields(p.key) {
			id, ok := wordID[w]
			if !ok {
				id = int32(len(ix.words))
				wordID[w] = id
				ix.words = append(ix.words, w)
				ix.wordKey = append(ix.wordKey, nil)
				if len([]rune(w)) >= minTypoWord-1 {
					for _, d := range deletions(w) {
						ix.dels[d] = appendUnique(ix.dels[d], id)
					}
				}
			}
			ix.wordKey[id] = appendUnique(ix.wordKey[id], int32(i))
		}
	}
	ix.blob = blob.String()
	for i, k := range ix.keys {
		n := utf8.RuneCountInString(k)
		for len(ix.byLen) <= n {
			ix.byLen = append(ix.byLen, nil)
		}
		ix.byLen[n] = append(ix.byLen[n], int32(i))
	}
	ix.byWord = make([]int32, len(ix.words))
	for i := range ix.byWord {
		ix.byWord[i] = int32(i)
	}
	sort.Slice(ix.byWord, func(a, b int) bool { return ix.words[ix.byWord[a]] < ix.words[ix.byWord[b]] })
	ix.byTail = append([]int32(nil), ix.byWord...)
	sort.Slice(ix.byTail, func(a, b int) bool { return tail(ix.words[ix.byTail[a]]) < tail(ix.words[ix.byTail[b]]) })
	return ix
}

// nearestBudget bounds Nearest's work, in cells of the edit-distance
// table (a few nanoseconds each): whatever was typed and however large
// the catalog, one "Did you mean" costs at most a few milliseconds.
const nearestBudget = 600_000

// Nearest returns the label of the entry with a name fewest edits from
// query (folded, see Fold), if one is within maxD edits. Names closest in
// length are tried first, since length alone bounds the distance; the
// search stops when no longer name can do better, or after
// nearestBudget's work, with the best found so far.
func (ix *Index) Nearest(query string, maxD int) (string, bool) {
	return Layers{{Index: ix}}.Nearest(query, maxD)
}

// Nearest is Index.Nearest over the layers as one index: names closest
// in length first, across all of them, within one budget; an entry a
// layer hides is never the answer.
func (ls Layers) Nearest(query string, maxD int) (string, bool) {
	q := utf8.RuneCountInString(query)
	var best *Index
	bestK, bestD := -1, maxD+1
	label := func() (string, bool) {
		if bestK < 0 {
			return "", false
		}
		return best.entries[best.keyEnt[bestK]].Label, true
	}
	work := 0
	for diff := 0; diff < bestD; diff++ {
		lengths := []int{q - diff, q + diff}
		if diff == 0 {
			lengths = lengths[:1]
		}
		for _, n := range lengths {
			for _, l := range ls {
				ix := l.Index
				if n < 0 || n >= len(ix.byLen) {
					continue
				}
				for _, k := range ix.byLen[n] {
					if work += (q + 1) * (n + 1); work > nearestBudget {
						return label()
					}
					if l.Skip != nil && l.Skip(ix.entries[ix.keyEnt[k]].ID) {
						continue
					}
					if d := Distance(query, ix.keys[k], bestD-1); d < bestD {
						best, bestK, bestD = ix, int(k), d
					}
				}
			}
		}
	}
	return label()
}

func appendUnique(s []int32, v int32) []int32 {
	if n := len(s); n > 0 && s[n-1] == v {
		return s
	}
	return append(s, v)
}

// deletions returns w and every string made by removing one rune from w.
func deletions(w string) []string {
	out := []string{w}
	for i, r := range w {
		d := w[:i] + w[i+len(string(r)):]
		if d != out[len(out)-1] {
			out = append(out, d)
		}
	}
	return out
}

// Exact returns the entries with a name equal to q once folded (see
// Fold), in the order Search gives them, at most limit: the films a typed
// name means. It is Search's exact matches without its other kinds.
func (ix *Index) Exact(q string, limit int) []Hit { return ix.exact(q, limit, nil) }

func (ix *Index) exact(q string, limit int, skip func(uint64) bool) []Hit {
	f := Fold(q)
	if f == "" {
		return nil
	}
	var hits []Hit
	for i := sort.SearchStrings(ix.keys, f); i < len(ix.keys) && ix.keys[i] == f && len(hits) < limit; i++ {
		e := &ix.entries[ix.keyEnt[i]]
		if skip != nil && skip(e.ID) {
			continue
		}
		hits = append(hits, Hit{ID: e.ID, Label: e.Label, Rank: RankExact, key: f})
	}
	return hits
}

// Search returns at most limit entries matching q, best first: exact
// names, then names starting with q, then names with a word starting with
// q, then names containing q, then names within one typo of q (per word).
// An empty query lists entries alphabetically.
func (ix *Index) Search(q string, limit int) []Hit { return ix.search(q, limit, nil) }

// search is Search leaving out the entries skip names.
func (ix *Index) search(q string, limit int, skip func(uint64) bool) []Hit {
	f := Fold(q)
	res := &results{ix: ix, limit: limit, seen: make(map[int32]bool, limit), skip: skip}
	if limit <= 0 {
		return nil
	}
	if f == "" {
		for i := range ix.keys {
			if res.add(int32(i), RankPrefix) {
				break
			}
		}
		return res.hits
	}
	// Prefix matches: a binary search over the sorted keys.
	for i := sort.SearchStrings(ix.keys, f); i < len(ix.keys) && strings.HasPrefix(ix.keys[i], f); i++ {
		rank := RankPrefix
		if ix.keys[i] == f {
			rank = RankExact
		}
		if res.add(int32(i), rank) {
			return res.sorted()
		}
	}
	for _, step := range []func(){
		func() { ix.wordPrefix(f, res) },
		func() {
			if strings.IndexByte(f, ' ') < 0 { // else wordPrefix's one pass found both
				ix.scan(f, RankSubstring, res)
			}
		},
		func() { ix.typos(f, res) },
		func() { res.pass = 1; ix.fuzzyPrefix(f, res) },
	} {
		step()
		if res.full() {
			break
		}
	}
	return res.sorted()
}

// wordPrefix adds keys with a word (not the first) starting with q. A
// one-word query is looked up in the sorted word list; a longer one is
// scanned for in the blob as " "+q.
func (ix *Index) wordPrefix(q string, res *results) {
	if strings.IndexByte(q, ' ') >= 0 {
		ix.scanWordsAndSubstrings(q, res)
		return
	}
	var keys []int32
	for i := sort.Search(len(ix.byWord), func(i int) bool { return ix.words[ix.byWord[i]] >= q }); i < len(ix.byWord); i++ {
		w := ix.byWord[i]
		if !strings.HasPrefix(ix.words[w], q) {
			break
		}
		keys = append(keys, ix.wordKey[w]...)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	for _, k := range keys {
		if int(ix.offs[k]) == 0 || strings.HasPrefix(ix.keys[k], q) {
			continue // a prefix hit, already counted
		}
		if res.add(k, RankWordPrefix) {
			return
		}
	}
}

// occurrences yields, in blob order, where pat occurs and in which key.
func (ix *Index) occurrences(pat string) iter.Seq2[int, int32] {
	return func(yield func(int, int32) bool) {
		for pos := 0; pos < len(ix.blob); {
			j := strings.Index(ix.blob[pos:], pat)
			if j < 0 {
				return
			}
			at := pos + j
			pos = at + 1
			k := int32(sort.Search(len(ix.offs), func(i int) bool { return int(ix.offs[i]) > at }) - 1)
			if !yield(at, k) {
				return
			}
		}
	}
}

// scanWordsAndSubstrings finds, in one pass over the blob, the keys
// where q starts a word (not the first) and those where it occurs
// elsewhere, and adds the first ones first: a multi-word query scans the
// catalog once, not once per kind of match.
func (ix *Index) scanWordsAndSubstrings(q string, res *results) {
	var sub []int32
	for at, k := range ix.occurrences(q) {
		if res.seen[ix.keyEnt[k]] {
			continue
		}
		switch {
		case int(ix.offs[k]) == at: // a prefix hit, already counted
		case ix.blob[at-1] == ' ':
			if res.add(k, RankWordPrefix) {
				return
			}
		case len(sub) < res.limit:
			sub = append(sub, k)
		}
	}
	for _, k := range sub {
		if !res.seen[ix.keyEnt[k]] && res.add(k, RankSubstring) {
			return
		}
	}
}

// scan adds, at rank, the keys where pat occurs in the blob, until the
// results are full.
func (ix *Index) scan(pat string, rank int, res *results) {
	for _, k := range ix.occurrences(pat) {
		if !res.seen[ix.keyEnt[k]] && res.add(k, rank) {
			return
		}
	}
}

// typos finds keys whose words are each within one edit of a query word,
// the last query word also matching as a prefix (the user is still typing).
// Candidates come from the deletion index of every query word long enough
// for typos, intersected; the shorter words are checked one key at a time.
func (ix *Index) typos(f string, res *results) {
	qw := strings.Fields(f)
	var keys []int32
	first := true
	for _, w := range qw {
		if len([]rune(w)) < minTypoWord {
			continue
		}
		ks := ix.typoKeys(w)
		if first {
			keys, first = ks, false
		} else {
			keys = intersect(keys, ks)
		}
		if len(keys) == 0 {
			return
		}
	}
	for _, k := range keys {
		if res.seen[ix.keyEnt[k]] || !wordsMatch(qw, ix.keys[k]) {
			continue
		}
		if res.add(k, RankTypo) {
			return
		}
	}
}

// tail is w without its first rune.
func tail(w string) string {
	_, n := utf8.DecodeRuneInString(w)
	return w[n:]
}

// minFuzzyPrefix is the shortest last word that may start a word with a
// typo: one edit from two letters is almost every word.
const minFuzzyPrefix = 3

// fuzzyPrefix adds keys where the last query word, still being typed, is
// one edit (a wrong, missing, extra or swapped letter, anywhere) from the
// start of a word, and the other query words match as for typos: "anr"
// and "anro" find Anora on the way to "anora".
func (ix *Index) fuzzyPrefix(f string, res *results) {
	qw := strings.Fields(f)
	last := []rune(qw[len(qw)-1])
	if len(last) < minFuzzyPrefix {
		return
	}
	// With other words long enough for typos, their candidates are few:
	// check those keys directly rather than every word near the last one.
	var keys []int32
	narrowed := false
	for _, w := range qw[:len(qw)-1] {
		if len([]rune(w)) < minTypoWord {
			continue
		}
		if ks := ix.typoKeys(w); !narrowed {
			keys, narrowed = ks, true
		} else {
			keys = intersect(keys, ks)
		}
		if len(keys) == 0 {
			return
		}
	}
	if narrowed {
		for _, k := range keys {
			if !res.seen[ix.keyEnt[k]] && wordsMatch(qw[:len(qw)-1], ix.keys[k]) && anyWordStartsNear(last, ix.keys[k]) {
				if res.add(k, RankTypo) {
					return
				}
			}
		}
		return
	}
	seen := map[int32]bool{}
	ix.prefixEditWords(last, func(wi int32) {
		if !seen[wi] {
			seen[wi] = true
			keys = append(keys, ix.wordKey[wi]...)
		}
	})
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	for n, k := range keys {
		if (n > 0 && keys[n-1] == k) || res.seen[ix.keyEnt[k]] || !wordsMatch(qw[:len(qw)-1], ix.keys[k]) {
			continue
		}
		if res.add(k, RankTypo) {
			return
		}
	}
}

// anyWordStartsNear tells whether a word of key starts within one edit
// of q, as prefixEditWords would find it.
func anyWordStartsNear(q []rune, key string) bool {
	for _, w := range strings.Fields(key) {
		r := []rune(w)
		lo, hi := len(q)-1, len(q)+1
		if len(q) <= minFuzzyPrefix {
			lo, hi = len(q), len(q)
		}
		for n := lo; n <= hi && n <= len(r); n++ {
			if n > 0 && Distance(string(q), string(r[:n]), 1) <= 1 {
				return true
			}
		}
	}
	return false
}

// prefixEditWords calls fn with the words whose start is one edit from q,
// found by binary searches over the sorted words (and, for an edit of the
// first letter, over the words sorted without their first letter), never
// a scan of them all.
func (ix *Index) prefixEditWords(q []rune, fn func(int32)) {
	word := func(i int) string { return ix.words[ix.byWord[i]] }
	prefixed := func(p string, check func(w string) bool) {
		for i := sort.Search(len(ix.byWord), func(i int) bool { return word(i) >= p }); i < len(ix.byWord) && strings.HasPrefix(word(i), p); i++ {
			if check == nil || check(word(i)) {
				fn(ix.byWord[i])
			}
		}
	}
	tailPrefixed := func(p string) {
		t := func(i int) string { return tail(ix.words[ix.byTail[i]]) }
		for i := sort.Search(len(ix.byTail), func(i int) bool { return t(i) >= p }); i < len(ix.byTail) && strings.HasPrefix(t(i), p); i++ {
			fn(ix.byTail[i])
		}
	}
	s := string(q)
	// In three letters, only a wrong or swapped letter: one dropped or
	// added would leave two letters, the start of too many words.
	short := len(q) <= minFuzzyPrefix
	for i := range q {
		// An extra letter typed: q without it starts the word.
		if !short {
			prefixed(string(q[:i])+string(q[i+1:]), nil)
		}
		// Two letters swapped.
		if i+1 < len(q) {
			sw := append([]rune(nil), q...)
			sw[i], sw[i+1] = sw[i+1], sw[i]
			prefixed(string(sw), nil)
		}
		if i == 0 {
			tailPrefixed(string(q[1:])) // a wrong first letter
			if !short {
				tailPrefixed(s) // a missing first letter
			}
			continue
		}
		// A wrong letter at i, or a letter missing before i: the word
		// starts with q[:i], then one rune, then q[i+1:] or q[i:].
		head, wrong, missing := string(q[:i]), string(q[i+1:]), string(q[i:])
		prefixed(head, func(w string) bool {
			rest := tail(w[len(head):])
			return len(w) > len(head) && (strings.HasPrefix(rest, wrong) || (!short && strings.HasPrefix(rest, missing)))
		})
	}
}

// typoKeys returns, sorted, the keys with a word within one edit of w.
func (ix *Index) typoKeys(w string) []int32 {
	seen := map[int32]bool{}
	var keys []int32
	for _, d := range deletions(w) {
		for _, wi := range ix.dels[d] {
			if !seen[wi] && Distance(w, ix.words[wi], 1) <= 1 {
				seen[wi] = true
				keys = append(keys, ix.wordKey[wi]...)
			}
		}
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	return keys
}

func intersect(a, b []int32) []int32 {
	var out []int32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = appendUnique(out, a[i])
			i++
			j++
		}
	}
	return out
}

// wordsMatch reports whether every query word matches some word of key
// exactly, as a prefix (the last word only), or within one edit.
func wordsMatch(qw []string, key string) bool {
	for i, q := range qw {
		ok := false
		rest := key
		for rest != "" && !ok {
			w := rest
			if sp := strings.IndexByte(rest, ' '); sp >= 0 {
				w, rest = rest[:sp], rest[sp+1:]
			} else {
				rest = ""
			}
			ok = w == q || (i == len(qw)-1 && strings.HasPrefix(w, q)) ||
				(len(q) >= minTypoWord && Distance(q, w, 1) <= 1)
		}
		if !ok {
			return false
		}
	}
	return true
}

type results struct {
	ix    *Index
	limit int
	seen  map[int32]bool
	hits  []Hit
	skip  func(uint64) bool // nil: none skipped
	pass  int8
}

func (r *results) full() bool { return len(r.hits) >= r.limit }

// add records key k's entry at rank unless that entry is already in; it
// reports whether the results are full.
func (r *results) add(k int32, rank int) bool {
	e := r.ix.keyEnt[k]
	if !r.seen[e] {
		r.seen[e] = true
		ent := &r.ix.entries[e]
		if r.skip == nil || !r.skip(ent.ID) {
			r.hits = append(r.hits, Hit{ID: ent.ID, Label: ent.Label, Rank: rank, key: r.ix.keys[k], pass: r.pass})
		}
	}
	return r.full()
}

func (r *results) sorted() []Hit {
	sort.SliceStable(r.hits, func(a, b int) bool { return r.hits[a].Rank < r.hits[b].Rank })
	return r.hits
}

// Layer is an index searched with others as one (Layers), less the
// entries Skip hides (nil: none).
type Layer struct {
	*Index
	Skip func(id uint64) bool
}

// Layers are indexes searched as if they were one index of all their
// entries (each entry in one layer): a large index shared by many and
// small ones of each user's own, built apart so that a change to one
// does not rebuild the others. Results are ordered as one index would
// order them (rank, then the name matched, then the label); on a full
// tie, the earlier layer's entry comes first.
type Layers []Layer

// Search is Index.Search over the layers.
func (ls Layers) Search(q string, limit int) []Hit {
	if len(ls) == 1 {
		return ls[0].search(q, limit, ls[0].Skip)
	}
	lists := make([][]Hit, len(ls))
	for i, l := range ls {
		lists[i] = l.search(q, limit, l.Skip)
	}
	return merge(limit, lists)
}

// Exact is Index.Exact over the layers.
func (ls Layers) Exact(q string, limit int) []Hit {
	if len(ls) == 1 {
		return ls[0].exact(q, limit, ls[0].Skip)
	}
	lists := make([][]Hit, len(ls))
	for i, l := range ls {
		lists[i] = l.exact(q, limit, l.Skip)
	}
	return merge(limit, lists)
}

// before orders hits as one index's Search does: by rank (and, among
// typos, the typo pass first), then by the name matched, then by label.
func before(a, b *Hit) bool {
	if a.Rank != b.Rank {
		return a.Rank < b.Rank
	}
	if a.pass != b.pass {
		return a.pass < b.pass
	}
	if a.key != b.key {
		return a.key < b.key
	}
	return a.Label < b.Label
}

// merge merges lists, each in Search's order, into at most limit hits
// in that order; on a tie the earlier list's hit comes first.
func merge(limit int, lists [][]Hit) []Hit {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]Hit, 0, min(n, limit))
	at := make([]int, len(lists))
	for len(out) < limit {
		pick := -1
		for i, l := range lists {
			if at[i] < len(l) && (pick < 0 || before(&l[at[i]], &lists[pick][at[pick]])) {
				pick = i
			}
		}
		if pick < 0 {
			break
		}
		out = append(out, lists[pick][at[pick]])
		at[pick]++
	}
	return out
}
