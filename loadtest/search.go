package loadtest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// searchTitles is how many distinct titles the "search" kind types in
// turn: 100,000 interactions type each ten times.
const searchTitles = 10000

// searchBlock titles are typed searchRepeat times over, in turn, before
// the next searchBlock: each title is typed again within seconds, while
// its search is still cached (a minute), as members retype and share
// titles, and the searches TMDB is asked stay within TMDB_RATE's most
// (100 a second) for a tenth of the interactions.
const (
	searchBlock  = 1000
	searchRepeat = 10
)

// searchTurn is the index in searchPool of the search kind's turn-th
// title: searchTitles*searchRepeat turns type every title searchRepeat
// times, and later turns start over.
func searchTurn(turn int) int {
	return (turn/(searchBlock*searchRepeat)*searchBlock + turn%searchBlock) % searchTitles
}

// searchMatchEvery is how often a typed title is the start of a real
// film's (the fake TMDB's fixture): every 100th, 1 in 100, the others
// sequel-looking titles TMDB has nothing for.
const searchMatchEvery = 100

var (
	searchAdjectives = strings.Fields(`amber ashen bitter blazing broken burning cobalt crimson crooked distant
		drowned dusty electric emerald endless faded fallen feral frozen gilded
		hollow honest howling idle ivory jagged lonely lucky marble midnight
		narrow neon painted patient quiet restless rusted savage scarlet shallow
		silent silver sleeping solemn stolen sudden tender velvet wicked wooden`)
	searchNouns = strings.Fields(`acre alley anchor arcade ballad bridge canal cellar chapel circus
		compass corridor desert ember engine falcon garden harbor hunter island
		kingdom lantern mirror orchard palace pilgrim prairie quarry river saddle
		sailor season signal summit tavern thunder tunnel valley whistle winter`)
)

// searchPool is the "search" kind's titles: searchTitles distinct strings,
// the same every run. Every searchMatchEvery-th is a prefix (3 letters or
// more) of a fixture film's title, taken round the films; the others are
// "adjective noun N", N from 1 to 5, which name no film there.
var searchPool = func() []string {
	var prefixes []string
	seen := map[string]bool{}
	films := tmdbfake.Films()
	for n := 3; len(prefixes) < searchTitles/searchMatchEvery; n++ {
		grew := false
		for _, f := range films {
			t := strings.ToLower(f.Title)
			if utf8.RuneCountInString(t) < n {
				continue
			}
			p := strings.TrimSpace(string([]rune(t)[:n]))
			grew = true
			if !seen[p] && len(prefixes) < searchTitles/searchMatchEvery {
				seen[p] = true
				prefixes = append(prefixes, p)
			}
		}
		if !grew {
			break
		}
	}
	pool := make([]string, searchTitles)
	for i := range pool {
		if i%searchMatchEvery == 0 {
			pool[i] = prefixes[i/searchMatchEvery]
			continue
		}
		a, r := searchAdjectives[i%len(searchAdjectives)], i/len(searchAdjectives)
		pool[i] = fmt.Sprintf("%s %s %d", a, searchNouns[r%len(searchNouns)], r/len(searchNouns)+1)
	}
	return pool
}()
