package commands

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/letterboxd"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

var importDef = &discordgo.ApplicationCommand{
	Name:        "import",
	Description: "Bring your ratings from another site into this server",
	Options: []*discordgo.ApplicationCommandOption{{
		Type: discordgo.ApplicationCommandOptionSubCommand, Name: "letterboxd",
		Description: "Your Letterboxd export (the ZIP, or ratings.csv); you confirm before anything changes",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file",
			Description: "letterboxd.com → Settings → Import & Export → Export your data"}},
	}},
}

var exportDef = &discordgo.ApplicationCommand{
	Name:        "export",
	Description: "Download your ratings in this server",
	Options: []*discordgo.ApplicationCommandOption{{
		Type: discordgo.ApplicationCommandOptionSubCommand, Name: "letterboxd",
		Description: "A CSV that Letterboxd's importer takes as is (letterboxd.com/import)",
	}},
}

// What /import, /export and /manage film import say (issue 27). CSV
// contents and file names stay as they are: Letterboxd reads them.
var (
	msgImportHelp        = locale.Text("import.help", "Attach your Letterboxd export: the ZIP from letterboxd.com → Settings → Import & Export → Export your data, or its ratings.csv or diary.csv (up to 10 MB).")
	msgImportBusy        = locale.Text("import.busy", "filmbot is reading other imports right now ({{.Max}} at once at most). Try again in a minute.")
	msgImportSeconds     = locale.Text("import.seconds", "{{.Seconds}} s")
	msgImportLookups     = locale.Text("import.lookups", "Found on TMDB: {{.Found}} (looked up {{.Asked}} in {{.Took}})")
	msgImportLookupsAmb  = locale.Plural("import.lookups.ambiguous", "; {{.Count}} film with several films of that title and year (candidates in the CSV)", "; {{.Count}} films with several films of that title and year (candidates in the CSV)")
	msgImportLookupsEnd  = locale.Text("import.lookups.end", ".")
	msgImportNotLooked   = locale.Plural("import.lookups.skipped", " {{.Count}} not looked up ({{.Why}}): import the file again for them; the films found are in this preview.", " {{.Count}} not looked up ({{.Why}}): import the file again for them; the films found are in this preview.")
	msgImportWhyBudget   = locale.Text("import.lookups.why.budget", "the lookups stop after {{.Seconds}} s")
	msgImportWhyFailed   = locale.Text("import.lookups.why.failed", "TMDB failed")
	msgImportWhyCap      = locale.Text("import.lookups.why.cap", "at most {{.Max}} are looked up per import")
	msgImportWhySep      = locale.Text("import.list.separator", "; ")
	msgImportSeveral     = locale.Text("import.note.several", "several films on TMDB: {{.Candidates}}")
	msgImportAndMore     = locale.Plural("import.and_more", "and {{.Count}} more", "and {{.Count}} more")
	msgImportServerOnly  = locale.Text("import.server_only", "Imports belong to a server: run `/import letterboxd` in the server whose ratings you want to set.")
	msgImportTitle       = locale.Text("import.title", "Import from Letterboxd")
	msgImportPreview     = locale.Plural("import.preview.ratings", "In **{{.File}}**: {{.Count}} rated film.\n{{.New}} new, {{.Changed}} changed, {{.Same}} the same as here, {{.Missing}} not in this server's catalog.", "In **{{.File}}**: {{.Count}} rated films.\n{{.New}} new, {{.Changed}} changed, {{.Same}} the same as here, {{.Missing}} not in this server's catalog.")
	msgImportPreviewFile = locale.Text("import.preview.file", "In **{{.File}}**:")
	msgImportPreviewWL   = locale.Plural("import.preview.watchlist", "\nWatchlist: {{.Count}} film, {{.Add}} to add, {{.On}} already on yours, {{.Rated}} rated (so left off), {{.Missing}} not in this server's catalog.", "\nWatchlist: {{.Count}} films, {{.Add}} to add, {{.On}} already on yours, {{.Rated}} rated (so left off), {{.Missing}} not in this server's catalog.")
	msgImportWLOver      = locale.Plural("import.preview.watchlist_over", " {{.Count}} more are left off: at most {{.Max}} are added at once; import the file again for them.", " {{.Count}} more are left off: at most {{.Max}} are added at once; import the file again for them.")
	msgImportSkipped     = locale.Text("import.preview.skipped_rows", "Rows skipped ({{.Count}})")
	msgImportFooter      = locale.Text("import.preview.footer", "The films not in the catalog are in the attached CSV; a moderator can add them.")
	msgImportFooterCut   = locale.Text("import.preview.footer_cut", "The first {{.Listed}} of the {{.Missing}} films not in the catalog are in the attached CSV (cut at {{.MB}} MB); a moderator can add them.")
	msgImportNothing     = locale.Text("import.preview.nothing", "\nNothing to change.")
	msgImportAskRatings  = locale.Text("import.preview.ask_ratings", "\nImport them? Your other ratings stay as they are. This preview lasts {{.Minutes}} minutes.")
	msgImportAskWL       = locale.Text("import.preview.ask_watchlist", "\nAdd them? The rest of your watchlist stays as it is. This preview lasts {{.Minutes}} minutes.")
	msgImportBtnRatings  = locale.Plural("import.button.ratings", "Import {{.Count}} rating", "Import {{.Count}} ratings")
	msgImportBtnWL       = locale.Plural("import.button.watchlist", "Add {{.Count}} film to your watchlist", "Add {{.Count}} films to your watchlist")
	msgImportBtnBoth     = locale.Text("import.button.both", "Import {{.Ratings}} and {{.Films}}")
	msgImportNRatings    = locale.Plural("import.button.n_ratings", "{{.Count}} rating", "{{.Count}} ratings")
	msgImportNWLFilms    = locale.Plural("import.button.n_watchlist_films", "{{.Count}} watchlist film", "{{.Count}} watchlist films")
	msgImportCancel      = locale.Text("import.button.cancel", "Cancel")
	msgImportBadFile     = locale.Text("import.bad_file", "{{.Reason}}. {{.Help}}")
	msgImportExpired     = locale.Text("import.expired", "This import preview has expired or was already used. Run `/import letterboxd` again.")
	msgImportCancelled   = locale.Text("import.cancelled", "Import cancelled: nothing was changed.")
	msgImportFilmGone    = locale.Text("import.film_removed", "A film was removed from the catalog meanwhile, so nothing was imported. Run `/import letterboxd` again.")
	msgImportDone        = locale.Text("import.done", "Imported: {{.New}} new, {{.Changed}} changed, {{.Same}} already the same. See them with `/myratings`.")
	msgImportUnwatched   = locale.Plural("import.done.unwatched", " {{.Count}} film left your watchlist.", " {{.Count}} films left your watchlist.")
	msgImportWLAdded     = locale.Plural("import.done.watchlist", " {{.Count}} film added to your watchlist: see `/watchlist`.", " {{.Count}} films added to your watchlist: see `/watchlist`.")
	msgImportNotImported = locale.Plural("import.not_imported", "\n{{.Count}} film found on TMDB not imported ({{.Why}}): {{.Films}}. Import the file again for them.", "\n{{.Count}} films found on TMDB not imported ({{.Why}}): {{.Films}}. Import the file again for them.")
	msgImportTMDBFilm    = locale.Text("import.tmdb_film", "TMDB film {{.ID}}")
	msgImportWhyGone     = locale.Text("import.why.gone", "TMDB no longer has it")
	msgImportWhyOff      = locale.Text("import.why.off", "looking films up on TMDB is off here now")
	msgImportWhyBusy     = locale.Text("import.why.busy", "TMDB is busy")
	msgImportWhyTimeout  = locale.Text("import.why.budget", "fetching stops after {{.Seconds}} s")
	msgImportWhyDown     = locale.Text("import.why.down", "TMDB is not answering")
	msgImportNoFile      = locale.Text("import.file.missing", "The file did not arrive. {{.Help}}")
	msgImportFileType    = locale.Text("import.file.type", "{{.File}} is not a {{.Exts}} file. {{.Help}}")
	msgImportFileOr      = locale.Text("import.file.or", "{{.First}} or {{.Second}}")
	msgImportFileBig     = locale.Text("import.file.too_big", "{{.File}} is {{.KB}} KB; the limit is {{.MB}} MB.")
	msgImportFileOver    = locale.Text("import.file.over", "{{.File}} is over {{.MB}} MB.")
	msgImportFileSlow    = locale.Text("import.file.slow", "Downloading {{.File}} took too long. Try again.")
	msgImportFileFailed  = locale.Text("import.file.failed", "Could not download {{.File}}. Try again.")

	msgListHelp      = locale.Text("import.list.help", "Attach a Letterboxd list export (a list's page → Export list, a .csv), or any CSV with Title and Year columns, and optionally Directors and LetterboxdURI (up to 2 MB, 10,000 films).")
	msgListBadTitle  = locale.Text("import.list.bad_title", "the title must be 1 to {{.Max}} characters of text")
	msgListTitle     = locale.Text("import.list.title", "Import a film list")
	msgListPreview   = locale.Text("import.list.preview", "In **{{.File}}**: {{.New}} new to this server, {{.Already}} already here, {{.Rejected}} rejected.")
	msgListFromTMDB  = locale.Text("import.list.from_tmdb", " The films found come from TMDB, with their full credits, when you confirm; the others are added by title.")
	msgListAmbiguous = locale.Text("import.list.ambiguous", "Several films on TMDB (added by title)")
	msgListRejected  = locale.Text("import.list.rejected", "Rejected rows")
	msgListNothing   = locale.Text("import.list.nothing", "\nNothing to add.")
	msgListNewFilms  = locale.Text("import.list.new_films", "New films")
	msgListButton    = locale.Plural("import.list.button", "Add {{.Count}} film", "Add {{.Count}} films")
	msgListStale     = locale.Text("import.list.stale", "That button is out of date.")
	msgListExpired   = locale.Text("import.list.expired", "This preview has expired or was already used. Run `/manage film import` again.")
	msgListCancelled = locale.Text("import.list.cancelled", "List import cancelled: nothing was added.")
	msgListAdded     = locale.Plural("import.list.added", "Added {{.Count}} film to this server's catalog.", "Added {{.Count}} films to this server's catalog.")
	msgListMeanwhile = locale.Plural("import.list.meanwhile", " {{.Count}} were added meanwhile by someone else.", " {{.Count}} were added meanwhile by someone else.")

	msgExportServerOnly = locale.Text("export.server_only", "Ratings live in servers: run `/export letterboxd` in the server whose ratings you want.")
	msgExportNone       = locale.Text("export.none", "You have not rated any film in this server yet: nothing to export.")
	msgExportTooMany    = locale.Text("export.too_many", "You have {{.Count}} ratings here: more than {{.Files}} files of 1 MB, which is more than one message can carry.")
	msgExportTitle      = locale.Text("export.title", "Your ratings for Letterboxd")
	msgExportDone       = locale.Plural("export.done", "{{.Count}} rating in this server, in the format Letterboxd imports (Title, Year, Rating10, WatchedDate). Upload the file at letterboxd.com/import.", "{{.Count}} ratings in this server, in the format Letterboxd imports (Title, Year, Rating10, WatchedDate). Upload the file at letterboxd.com/import.")
)

// Imports: what is accepted, and how long a preview waits for its
// confirmation (an interaction token's life).
const (
	maxImport      = 10 << 20
	importTTL      = 15 * time.Minute
	maxExportFiles = 10 // attachments on one message
	// maxAttached bounds every file the bot attaches, well under
	// Discord's 10 MiB (a bot's limit without boosts): a file past it is
	// cut, with a line saying so.
	maxAttached = letterboxd.MaxExportFile
	// importsAtOnce bounds the files read at once in this process (rating
	// and film list imports together): the worst file accepted takes some
	// 60 MB while it is read (BenchmarkImportWorst, TestWorstExport).
	importsAtOnce = 2
)

// importSlots holds one token per import being read in this process.
var importSlots = make(chan struct{}, importsAtOnce)

// importSlot takes a slot for reading an import, or refuses politely (in
// t's language) when all are taken; release gives it back.
func importSlot(t *locale.T) (release func(), err error) {
	select {
	case importSlots <- struct{}{}:
		return func() { <-importSlots }, nil
	default:
		return nil, userText(t.F(msgImportBusy, "Max", t.Int(importsAtOnce)))
	}
}

// TMDB lookups of an import (issue 26, item 6): films not in the catalog
// are looked up on TMDB by title and year, a few at once (the client
// paces them, some 40 requests a second), at most maxLookups per import
// and for at most lookupBudget, well inside the 30 s a handler has: what
// is past either is reported as not looked up. A rating import's preview
// only searches; the films found are fetched into the shared catalog
// when the member confirms, as many at once and within the same budget.
const (
	maxLookups    = 500
	lookupBudget  = 15 * time.Second
	lookupWorkers = 4
	// maxWatchlistAdds bounds the films one import puts on a watchlist
	// (each is a write when the member confirms).
	maxWatchlistAdds = 1000
)

// titleYear is a film as a file names it.
type titleYear struct {
	Title string
	Year  int
}

// found is a film an import found on TMDB.
type found struct {
	TMDB  int
	Title string
	Year  int
}

// lookups is what an import's TMDB lookups found.
type lookups struct {
	found     map[titleYear]found
	ambiguous map[titleYear][]tmdb.Result
	asked     int           // films looked up
	skipped   int           // films not looked up: past maxLookups or lookupBudget, or TMDB away
	capped    bool          // some were past maxLookups
	took      time.Duration // how long the lookups took
	stopped   error         // why the lookups stopped early (TMDB away or busy, the budget), if they did
}

// lookUp looks want up on TMDB: exactly one film of that title in that
// year (source.FindUnique). Only TMDB's search is asked and nothing is
// stored: found holds the films' TMDB ids, titles and years, which the
// confirmation fetches into the shared catalog (fetchFound). A film not
// found, ambiguous or not looked up is simply not in found. Films
// without a year are not looked up (a match needs one). With no source,
// nothing is.
func (s *Set) lookUp(ctx context.Context, want []titleYear) lookups {
	l := lookups{found: map[titleYear]found{}, ambiguous: map[titleYear][]tmdb.Result{}}
	if s.source == nil {
		return l
	}
	var todo []titleYear
	for _, w := range want {
		if w.Year > 0 {
			todo = append(todo, w)
		}
	}
	if len(todo) > maxLookups {
		l.capped, l.skipped, todo = true, len(todo)-maxLookups, todo[:maxLookups]
	}
	if len(todo) == 0 {
		return l
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, lookupBudget)
	defer cancel()
	type result struct {
		film  found
		cands []tmdb.Result
		err   error
		done  bool
	}
	results := make([]result, len(todo))
	var (
		mu      sync.Mutex
		next    int
		stopped error
		wg      sync.WaitGroup
	)
	for range min(lookupWorkers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				stop := stopped != nil || ctx.Err() != nil
				mu.Unlock()
				if stop || k >= len(todo) {
					return
				}
				res, cands, err := s.source.FindUnique(ctx, todo[k].Title, todo[k].Year)
				f := found{TMDB: res.ID, Title: cmp.Or(strings.TrimSpace(res.Title), strings.TrimSpace(res.OriginalTitle), todo[k].Title), Year: res.Year()}
				if ctx.Err() != nil && err != nil { // the budget ran out during this one
					return
				}
				results[k] = result{film: f, cands: cands, err: err, done: true}
				if err != nil && !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, source.ErrAmbiguous) {
					mu.Lock()
					if stopped == nil {
						stopped = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	l.took = time.Since(start)
	notDone := 0
	for k, r := range results {
		switch {
		case !r.done || (r.err != nil && !errors.Is(r.err, storage.ErrNotFound) && !errors.Is(r.err, source.ErrAmbiguous)):
			notDone++
			continue
		case r.err == nil:
			l.found[todo[k]] = r.film
		case errors.Is(r.err, source.ErrAmbiguous):
			l.ambiguous[todo[k]] = r.cands
		}
		l.asked++
	}
	if notDone > 0 {
		l.skipped += notDone
		l.stopped = cmp.Or(stopped, error(context.DeadlineExceeded))
	}
	return l
}

// seconds is d for a member, in t's style: "0.4 s", "12 s".
func seconds(t *locale.T, d time.Duration) string {
	if d < 10*time.Second {
		return t.F(msgImportSeconds, "Seconds", t.Num(d.Seconds(), 1))
	}
	return t.F(msgImportSeconds, "Seconds", t.Int(int(d.Round(time.Second).Seconds())))
}

// summary says what the lookups did, in a sentence or two in t's
// language, or "" when none was made and none skipped.
func (l lookups) summary(t *locale.T) string {
	if l.asked == 0 && l.skipped == 0 {
		return ""
	}
	msg := t.F(msgImportLookups, "Found", t.Int(len(l.found)), "Asked", t.Int(l.asked), "Took", seconds(t, l.took))
	if n := len(l.ambiguous); n > 0 {
		msg += t.N(msgImportLookupsAmb, n)
	}
	msg += t.S(msgImportLookupsEnd)
	if l.skipped > 0 {
		var why []string
		switch {
		case errors.Is(l.stopped, context.DeadlineExceeded):
			why = append(why, t.F(msgImportWhyBudget, "Seconds", t.Int(int(lookupBudget.Seconds()))))
		case sourceMessage(t, l.stopped) != "":
			why = append(why, locale.TrimEnd(sourceMessage(t, l.stopped), ".。"))
		case l.stopped != nil:
			why = append(why, t.S(msgImportWhyFailed))
		}
		if l.capped {
			why = append(why, t.F(msgImportWhyCap, "Max", t.Int(maxLookups)))
		}
		msg += t.N(msgImportNotLooked, l.skipped, "Why", strings.Join(why, t.S(msgImportWhySep)))
	}
	return msg
}

// note is a row's reason, in t's language, when TMDB has several films
// of that title and year: the candidates. not-in-catalog.csv has it in
// English (english()), as the rest of the file.
func (l lookups) note(t *locale.T, ty titleYear) string {
	cands, ok := l.ambiguous[ty]
	if !ok {
		return ""
	}
	var parts []string
	for _, c := range cands[:min(len(cands), 5)] {
		parts = append(parts, fmt.Sprintf("%s tmdb:%d", source.Label(c.Title, c.Year()), c.ID))
	}
	if len(cands) > 5 {
		parts = append(parts, t.N(msgImportAndMore, len(cands)-5))
	}
	return t.F(msgImportSeveral, "Candidates", strings.Join(parts, "; "))
}

// importLetterboxd answers /import letterboxd file: with a preview of
// what the import would do, and buttons to confirm or cancel it. Nothing
// is written before the confirmation.
func (s *Set) importLetterboxd(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	if scope == storage.BuiltIn {
		return nil, userText(t.S(msgImportServerOnly))
	}
	_, user, err := member(i)
	if err != nil {
		return nil, err
	}
	if i.Type == discordgo.InteractionApplicationCommand && options(i).get("file") == nil {
		return importPrompt(t), nil // the upload form's button (lbform.go)
	}
	release, err := importSlot(t)
	if err != nil {
		return nil, err
	}
	defer release()
	name, data, err := s.download(ctx, i, "file", maxImport, t.S(msgImportHelp), ".zip", ".csv")
	if err != nil {
		return nil, err
	}
	var entries []letterboxd.Entry
	var problems letterboxd.Problems
	if !(strings.EqualFold(path.Ext(name), ".csv") && letterboxd.IsWatchlist(name)) {
		if entries, problems, err = letterboxd.ReadRatings(name, data); err != nil {
			return nil, fileError(t, err)
		}
	}
	wants, wproblems, err := letterboxd.ReadWatchlist(name, data)
	if err != nil {
		return nil, fileError(t, err)
	}
	for _, p := range wproblems.First {
		problems.Add(p)
	}
	problems.Count += wproblems.Count - len(wproblems.First)
	films, err := s.films.Films(ctx, scope)
	if err != nil {
		return nil, err
	}
	mine, err := s.rates.UserRatings(ctx, scope, user)
	if err != nil {
		return nil, err
	}
	current := map[uint64]int{}
	for _, r := range mine {
		current[r.Film] = r.Score
	}
	match := matcher(films)
	// What the catalog lacks is looked up on TMDB; a TMDB film this
	// server linked one of its own films to is that film, and one the
	// shared catalog has (under another title) is its film there.
	linked, shared := map[uint64]uint64{}, map[uint64]uint64{}
	for _, f := range films {
		switch {
		case f.TMDB == 0:
		case f.Scope == scope:
			linked[f.TMDB] = f.ID
		case f.Scope == storage.BuiltIn:
			shared[f.TMDB] = f.ID
		}
	}
	var want []titleYear
	asked := map[titleYear]bool{}
	for _, e := range slices.Concat(entries, wants) {
		if _, ok := match(e); !ok && !asked[titleYear{e.Title, e.Year}] {
			asked[titleYear{e.Title, e.Year}] = true
			want = append(want, titleYear{e.Title, e.Year})
		}
	}
	films = nil
	// Nothing is stored before the member confirms: the films found on
	// TMDB that the catalog lacks are kept in the preview by TMDB id, and
	// fetched into the shared catalog at the confirmation.
	looked := s.lookUp(ctx, want)
	find := func(e letterboxd.Entry) (pick, bool) {
		if id, ok := match(e); ok {
			return pick{film: id}, true
		}
		f, ok := looked.found[titleYear{e.Title, e.Year}]
		if !ok {
			return pick{}, false
		}
		if own, ok := linked[uint64(f.TMDB)]; ok {
			return pick{film: own}, true
		}
		if id, ok := shared[uint64(f.TMDB)]; ok {
			return pick{film: id}, true
		}
		return pick{tmdb: f.TMDB}, true
	}
	var p pendingImport
	missing := entries[:0] // in place: entries are not read again
	var n storage.Imported
	taken := map[pick]bool{}
	remember := func(e letterboxd.Entry) { // what the confirmation names a TMDB film by
		fd := looked.found[titleYear{e.Title, e.Year}]
		p.names[fd.TMDB] = titleYear{clip(fd.Title, 100), fd.Year}
	}
	p.names = map[int]titleYear{}
	for _, e := range entries {
		f, ok := find(e)
		if !ok || taken[f] {
			missing = append(missing, e)
			continue
		}
		taken[f] = true
		if f.tmdb != 0 {
			p.tmdbRatings = append(p.tmdbRatings, storage.Rating{Film: uint64(f.tmdb), Score: e.Score, At: e.Date})
			remember(e)
		} else {
			p.ratings = append(p.ratings, storage.Rating{Film: f.film, Score: e.Score, At: e.Date})
		}
		switch old, had := current[f.film]; {
		case !had:
			n.Added++
		case old == e.Score:
			n.Unchanged++
		default:
			n.Updated++
		}
	}
	ratingsMissing := len(missing)
	// The watchlist: films rated (here or in this import) are watched,
	// and stay off it.
	watch := 0 // films to add
	var onList, rated, over int
	if len(wants) > 0 {
		listed, err := s.watchlists.Watchlist(ctx, scope, user)
		if err != nil {
			return nil, err
		}
		on := map[pick]bool{}
		for _, w := range listed {
			on[pick{film: w.Film}] = true
		}
		for _, e := range wants {
			f, ok := find(e)
			_, had := current[f.film]
			switch {
			case !ok:
				missing = append(missing, e)
			case taken[f] || had:
				rated++
			case on[f]:
				onList++
			case watch == maxWatchlistAdds:
				over++
			default:
				on[f] = true
				watch++
				if f.tmdb != 0 {
					p.tmdbWatch = append(p.tmdbWatch, f.tmdb)
					remember(e)
				} else {
					p.watch = append(p.watch, f.film)
				}
			}
		}
	}
	embed := &discordgo.MessageEmbed{Title: t.S(msgImportTitle), Color: colour,
		Description: t.N(msgImportPreview, len(entries), "File", clip(name, 80), "New", t.Int(n.Added), "Changed", t.Int(n.Updated),
			"Same", t.Int(n.Unchanged), "Missing", t.Int(ratingsMissing))}
	if len(entries) == 0 && len(wants) > 0 { // watchlist.csv alone
		embed.Description = t.F(msgImportPreviewFile, "File", clip(name, 80))
	}
	if len(wants) > 0 {
		embed.Description += t.N(msgImportPreviewWL, len(wants), "Add", t.Int(watch), "On", t.Int(onList), "Rated", t.Int(rated),
			"Missing", t.Int(len(missing)-ratingsMissing))
		if over > 0 {
			embed.Description += t.N(msgImportWLOver, over, "Max", t.Int(maxWatchlistAdds))
		}
	}
	if sum := looked.summary(t); sum != "" {
		embed.Description += "\n" + sum
	}
	if problems.Count > 0 {
		var lines []string
		for _, p := range problems.First[:min(len(problems.First), 5)] {
			lines = append(lines, clip(p.Text(t), 150))
		}
		if problems.Count > 5 {
			lines = append(lines, t.N(msgImportAndMore, problems.Count-5))
		}
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{Name: t.F(msgImportSkipped, "Count", t.Int(problems.Count)), Value: strings.Join(lines, "\n")})
	}
	var files []*discordgo.File
	if len(missing) > 0 {
		// A file's text is English and never marked (locale.Marking, tests).
		csv, listed := missingCSV(missing, func(e letterboxd.Entry) string {
			return locale.Unmark(looked.note(english(), titleYear{e.Title, e.Year}))
		}, maxAttached)
		files = append(files, &discordgo.File{Name: "not-in-catalog.csv", ContentType: "text/csv", Reader: bytes.NewReader(csv)})
		embed.Footer = &discordgo.MessageEmbedFooter{Text: t.S(msgImportFooter)}
		if listed < len(missing) {
			embed.Footer.Text = t.F(msgImportFooterCut, "Listed", t.Int(listed), "Missing", t.Int(len(missing)), "MB", t.Int(maxAttached>>20))
		}
	}
	changes := n.Added + n.Updated
	if changes+watch == 0 {
		embed.Description += t.S(msgImportNothing)
		r := ephemeral(embed)
		r.Data.Files = files
		return r, nil
	}
	id, err := s.pending.PutPending(ctx, scope, user, p.encode(), importTTL)
	if err != nil {
		return nil, err
	}
	ask := msgImportAskRatings
	if changes == 0 {
		ask = msgImportAskWL
	}
	embed.Description += t.F(ask, "Minutes", t.Int(int(importTTL.Minutes())))
	var label string
	switch {
	case changes == 0:
		label = t.N(msgImportBtnWL, watch)
	case watch > 0:
		label = t.F(msgImportBtnBoth, "Ratings", t.N(msgImportNRatings, changes), "Films", t.N(msgImportNWLFilms, watch))
	default:
		label = t.N(msgImportBtnRatings, changes)
	}
	rows := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: clip(label, 80), Style: discordgo.PrimaryButton, CustomID: customID{"lbimp", "ok", []uint64{id}}.String()},
		discordgo.Button{Label: t.S(msgImportCancel), Style: discordgo.SecondaryButton, CustomID: customID{"lbimp", "no", []uint64{id}}.String()},
	}}
	r := ephemeral(embed, rows)
	r.Data.Files = files
	return r, nil
}

// fileError words a file that cannot be read for the member, in t's
// language (what letterboxd says is wrong with it stays its own).
func fileError(t *locale.T, err error) error {
	if errors.Is(err, letterboxd.ErrFile) {
		return userText(t.F(msgImportBadFile, "Reason", letterboxd.Reason(t, err), "Help", t.S(msgImportHelp)))
	}
	return err
}

// importButton confirms or cancels an import's preview.
func (s *Set) importButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	c, err := clicked(i, 1, "ok", "no")
	if err != nil {
		return nil, err
	}
	t := tr(i)
	// Import reads the preview and takes it only once the import has
	// committed: an import that fails leaves it, and the member can press
	// Import again. Two quick presses may both import; the second then
	// finds every rating the same, and changes nothing.
	step := s.pending.Pending
	if c.action == "no" {
		step = s.pending.TakePending
	}
	data, err := step(ctx, scope, user, c.args[0])
	if errors.Is(err, storage.ErrNotFound) {
		return updateText(t.S(msgImportExpired)), nil
	}
	if err != nil {
		return nil, err
	}
	if c.action == "no" {
		return updateText(t.S(msgImportCancelled)), nil
	}
	p, err := decodePending(data)
	if err != nil {
		return nil, err
	}
	// The films found on TMDB are fetched into the shared catalog now
	// that the member has confirmed; those TMDB fails for are left out,
	// and said so, and the rest is imported.
	ratings, watch := p.ratings, p.watch
	var got fetched
	if len(p.tmdbRatings)+len(p.tmdbWatch) > 0 {
		var ids []int
		for _, r := range p.tmdbRatings {
			ids = append(ids, int(r.Film))
		}
		if got, err = s.fetchFound(ctx, append(ids, p.tmdbWatch...)); err != nil {
			return nil, err
		}
		// A film stored meanwhile may be one the preview had already.
		rated, listed := map[uint64]bool{}, map[uint64]bool{}
		for _, r := range ratings {
			rated[r.Film] = true
		}
		for _, f := range watch {
			listed[f] = true
		}
		for _, r := range p.tmdbRatings {
			if id, ok := got.stored[int(r.Film)]; ok && !rated[id] {
				rated[id] = true
				ratings = append(ratings, storage.Rating{Film: id, Score: r.Score, At: r.At})
			}
		}
		for _, f := range p.tmdbWatch {
			if id, ok := got.stored[f]; ok && !listed[id] {
				listed[id] = true
				watch = append(watch, id)
			}
		}
	}
	var n storage.Imported
	if len(ratings) > 0 {
		n, err = s.rates.ImportRatings(ctx, scope, user, ratings)
	}
	if errors.Is(err, storage.ErrNotFound) {
		s.pending.TakePending(ctx, scope, user, c.args[0]) // it cannot succeed: spent
		return updateText(t.S(msgImportFilmGone)), nil
	}
	if err != nil {
		return nil, err
	}
	// Then the watchlist, a film at a time: a failure leaves the preview,
	// and pressing Import again adds the rest (the ratings are then the
	// same, and the films added stay added).
	added := 0
	for _, f := range watch {
		ok, err := s.watchlists.WatchlistAdd(ctx, scope, user, f)
		if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrRated) {
			continue // removed from the catalog, or rated, meanwhile
		}
		if err != nil {
			return nil, err
		}
		if ok {
			added++
		}
	}
	if _, err := s.pending.TakePending(ctx, scope, user, c.args[0]); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("the import committed; removing its preview: %w", err)
	}
	msg := t.F(msgImportDone, "New", t.Int(n.Added), "Changed", t.Int(n.Updated), "Same", t.Int(n.Unchanged))
	if n.Unwatched > 0 {
		msg += t.N(msgImportUnwatched, n.Unwatched)
	}
	if len(watch) > 0 {
		msg += t.N(msgImportWLAdded, added)
	}
	msg += got.notImported(t, p.names)
	return updateText(msg), nil
}

// fetched is what a confirmation's fetch of the films its preview found
// on TMDB did.
type fetched struct {
	stored    map[int]uint64 // catalog id by TMDB id
	notStored []int          // TMDB ids, in order
	why       []error        // why not: one error of each reason
}

// fetchFound fetches the films of TMDB ids (in any order, repeated or
// not) into the shared catalog at an import's confirmation (storeFound),
// and says which were not stored and why. A failure of the store itself
// is err.
func (s *Set) fetchFound(ctx context.Context, ids []int) (fetched, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	stored, failed, err := s.storeFound(ctx, ids)
	if err != nil {
		return fetched{}, err
	}
	f := fetched{stored: stored}
	for _, id := range ids {
		if err, ok := failed[id]; ok {
			f.notStored = append(f.notStored, id)
			if w := whyNotStored(english(), err); !slices.ContainsFunc(f.why, func(e error) bool { return whyNotStored(english(), e) == w }) {
				f.why = append(f.why, err)
			}
		}
	}
	return f, nil
}

// notImported is the line, in t's language, a confirmation's answer
// ends with when films found on TMDB were not stored, naming them by
// names; "" when all were.
func (f fetched) notImported(t *locale.T, names map[int]titleYear) string {
	if len(f.notStored) == 0 {
		return ""
	}
	var list []string
	for _, id := range f.notStored {
		ty := names[id]
		list = append(list, source.Label(cmp.Or(ty.Title, t.F(msgImportTMDBFilm, "ID", strconv.Itoa(id))), ty.Year))
	}
	var why []string
	for _, err := range f.why {
		if w := whyNotStored(t, err); !slices.Contains(why, w) {
			why = append(why, w)
		}
	}
	return t.N(msgImportNotImported, len(f.notStored), "Why", strings.Join(why, t.S(msgImportWhySep)), "Films", plainList(list, ", ", 600))
}

// storeFound fetches the films of TMDB ids into the shared catalog
// through the source (one fetch per film, whoever else asks for it), a
// few at once and for at most lookupBudget: their catalog ids by TMDB
// id, and why each of the others was not stored. A failure of the store
// itself is returned as err.
func (s *Set) storeFound(ctx context.Context, ids []int) (map[int]uint64, map[int]error, error) {
	stored, failed := map[int]uint64{}, map[int]error{}
	ctx, cancel := context.WithTimeout(ctx, lookupBudget)
	defer cancel()
	var (
		mu    sync.Mutex
		next  int
		wg    sync.WaitGroup
		fatal error
	)
	for range min(lookupWorkers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= len(ids) {
					return
				}
				f, err := s.source.Resolve(ctx, ids[k])
				mu.Lock()
				switch {
				case err == nil:
					stored[ids[k]] = f.ID
				case errors.Is(err, storage.ErrNotFound) || errors.Is(err, source.ErrNotAnswering) || errors.Is(err, source.ErrBusy) ||
					errors.Is(err, source.ErrOff) || ctx.Err() != nil:
					failed[ids[k]] = err
				default: // the store failing, not TMDB
					fatal = cmp.Or(fatal, err)
					failed[ids[k]] = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if fatal != nil {
		return nil, nil, fmt.Errorf("storing the films an import found on TMDB: %w", fatal)
	}
	return stored, failed, nil
}

// whyNotStored words, in t's language, why a film found on TMDB at the
// preview was not stored at the confirmation.
func whyNotStored(t *locale.T, err error) string {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return t.S(msgImportWhyGone)
	case errors.Is(err, source.ErrOff):
		return t.S(msgImportWhyOff)
	case errors.Is(err, source.ErrBusy):
		return t.S(msgImportWhyBusy)
	case errors.Is(err, context.DeadlineExceeded):
		return t.F(msgImportWhyTimeout, "Seconds", t.Int(int(lookupBudget.Seconds())))
	}
	return t.S(msgImportWhyDown)
}

// exportLetterboxd answers /export letterboxd with the member's ratings
// in this server as CSV in Letterboxd's import format.
func (s *Set) exportLetterboxd(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	if scope == storage.BuiltIn {
		return nil, userText(t.S(msgExportServerOnly))
	}
	_, user, err := member(i)
	if err != nil {
		return nil, err
	}
	rs, err := s.rates.UserRatings(ctx, scope, user)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, userText(t.S(msgExportNone))
	}
	films, err := s.films.Films(ctx, scope)
	if err != nil {
		return nil, err
	}
	byID := map[uint64]storage.Film{}
	for _, f := range films {
		byID[f.ID] = f
	}
	var rows []letterboxd.ExportRow
	for _, r := range rs {
		f, ok := byID[r.Film]
		if !ok {
			continue // removed since
		}
		rows = append(rows, letterboxd.ExportRow{Title: f.Title, Year: f.Year, Rating10: r.Score, Watched: r.At, URI: f.Letterboxd})
	}
	parts := letterboxd.Export(rows)
	if len(parts) > maxExportFiles {
		return nil, userText(t.F(msgExportTooMany, "Count", t.Int(len(rows)), "Files", t.Int(maxExportFiles)))
	}
	var files []*discordgo.File
	for k, p := range parts {
		name := "letterboxd-ratings.csv"
		if len(parts) > 1 {
			name = fmt.Sprintf("letterboxd-ratings-%d.csv", k+1)
		}
		files = append(files, &discordgo.File{Name: name, ContentType: "text/csv", Reader: bytes.NewReader(p)})
	}
	r := ephemeral(&discordgo.MessageEmbed{Title: t.S(msgExportTitle), Color: colour,
		Description: t.N(msgExportDone, len(rows))})
	r.Data.Files = files
	return r, nil
}

// matcher finds a catalog film for an entry: by folded title or alias
// and year, or by title alone when the entry has no year and one film
// has it; where the shared catalog and the server both have one, the
// server's own; a shared film that a film of the server is linked to
// (/manage film link) stands for that film.
func matcher(films []storage.Film) func(letterboxd.Entry) (uint64, bool) {
	byKey := map[string][]uint64{}
	own := map[string][]uint64{}  // the server's own films, which win over the shared catalog's
	linked := map[uint64]uint64{} // TMDB id → the server's film linked to it
	for _, f := range films {
		if f.Scope != storage.BuiltIn && f.TMDB != 0 {
			linked[f.TMDB] = f.ID
		}
	}
	var key []byte
	add := func(name string, year int, f storage.Film) {
		key = strconv.AppendInt(append(storage.AppendTitleKey(key[:0], name), 0), int64(year), 10)
		id := f.ID
		if l, ok := linked[f.TMDB]; ok && f.Scope == storage.BuiltIn && f.TMDB != 0 {
			id = l // the shared film's titles name the server's film linked to it
		}
		if !slices.Contains(byKey[string(key)], id) {
			byKey[string(key)] = append(byKey[string(key)], id)
		}
		if f.Scope != storage.BuiltIn && !slices.Contains(own[string(key)], id) {
			own[string(key)] = append(own[string(key)], id)
		}
	}
	for _, f := range films {
		for _, name := range append([]string{f.Title}, f.Aliases...) {
			add(name, f.Year, f)
			add(name, 0, f)
		}
	}
	return func(e letterboxd.Entry) (uint64, bool) {
		key = strconv.AppendInt(append(storage.AppendTitleKey(key[:0], e.Title), 0), int64(e.Year), 10)
		ids := byKey[string(key)] // no copy: a lookup
		if len(ids) == 1 {
			return ids[0], true
		}
		if ids := own[string(key)]; len(ids) == 1 {
			return ids[0], true
		}
		return 0, false
	}
}

// missingCSV lists entries not in the catalog in at most max bytes, and
// says how many it lists: past max it stops, with a last row saying how
// many more there are (a title without a rating, which both filmbot and
// Letterboxd skip). Cells are made safe for spreadsheets (letterboxd.Cell).
func missingCSV(es []letterboxd.Entry, note func(letterboxd.Entry) string, max int) ([]byte, int) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"Title", "Year", "Rating10", "LetterboxdURI", "Note"})
	w.Flush()
	const room = 200 // for the line that says the list was cut
	var row bytes.Buffer
	rw := csv.NewWriter(&row)
	for k, e := range es {
		year := ""
		if e.Year > 0 {
			year = strconv.Itoa(e.Year)
		}
		score, why := "", note(e)
		if e.Score > 0 {
			score = strconv.Itoa(e.Score)
		} else if why == "" {
			why = "watchlist"
		}
		row.Reset()
		rw.Write([]string{letterboxd.Cell(e.Title), year, score, letterboxd.Cell(e.URI), letterboxd.Cell(why)})
		rw.Flush()
		if b.Len()+row.Len() > max-room {
			w.Write([]string{fmt.Sprintf("… cut here: %d more films not in the catalog are not listed (this file stops at %d MB)", len(es)-k, max>>20), "", "", "", ""})
			w.Flush()
			return b.Bytes(), k
		}
		b.Write(row.Bytes())
	}
	return b.Bytes(), len(es)
}

// pick is a film an import names: a film of the catalog, or a film found
// on TMDB that the catalog lacks, stored when the member confirms.
type pick struct {
	film uint64
	tmdb int
}

// pendingImport is what a preview keeps for its confirmation.
type pendingImport struct {
	ratings []storage.Rating // films of the catalog
	watch   []uint64
	// Films found on TMDB and not in the catalog: fetched and stored at
	// the confirmation (Rating.Film is the TMDB id), named by names.
	tmdbRatings []storage.Rating
	tmdbWatch   []int
	names       map[int]titleYear
}

// encode writes p one line per rating: film id, score, Unix date; one
// line per film for the watchlist: "w", film id; and for the films found
// on TMDB, "t" and the TMDB id then as a rating, "tw" and the TMDB id for
// the watchlist, and "tn", TMDB id, year and quoted title for its name.
// An import keeps at most maxLookups films of TMDB's, so their lines add
// at most some 60 KB to a preview.
func (p pendingImport) encode() []byte {
	var b bytes.Buffer
	rating := func(prefix string, r storage.Rating) {
		at := int64(0)
		if !r.At.IsZero() {
			at = r.At.Unix()
		}
		fmt.Fprintf(&b, "%s%d %d %d\n", prefix, r.Film, r.Score, at)
	}
	for _, r := range p.ratings {
		rating("", r)
	}
	for _, f := range p.watch {
		fmt.Fprintf(&b, "w %d\n", f)
	}
	for _, r := range p.tmdbRatings {
		rating("t ", r)
	}
	for _, f := range p.tmdbWatch {
		fmt.Fprintf(&b, "tw %d\n", f)
	}
	for _, id := range slices.Sorted(maps.Keys(p.names)) {
		fmt.Fprintf(&b, "tn %d %d %s\n", id, p.names[id].Year, strconv.Quote(p.names[id].Title))
	}
	return b.Bytes()
}

func decodePending(data []byte) (pendingImport, error) {
	var p pendingImport
	bad := func(line string, err error) (pendingImport, error) {
		return pendingImport{}, fmt.Errorf("a pending import's line %q: %w", line, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		kind, rest, ok := strings.Cut(line, " ")
		switch {
		case ok && (kind == "w" || kind == "tw"):
			f, err := strconv.ParseUint(rest, 10, 64)
			if err != nil || (kind == "tw" && (f == 0 || f > math.MaxInt32)) {
				return bad(line, cmp.Or(err, errors.New("not a TMDB id")))
			}
			if kind == "w" {
				p.watch = append(p.watch, f)
			} else {
				p.tmdbWatch = append(p.tmdbWatch, int(f))
			}
			continue
		case ok && kind == "tn":
			var id, year int
			var title string
			idText, rest, _ := strings.Cut(rest, " ")
			yearText, quoted, _ := strings.Cut(rest, " ")
			var err error
			if id, err = strconv.Atoi(idText); err == nil {
				if year, err = strconv.Atoi(yearText); err == nil {
					title, err = strconv.Unquote(quoted)
				}
			}
			if err != nil {
				return bad(line, err)
			}
			if p.names == nil {
				p.names = map[int]titleYear{}
			}
			p.names[id] = titleYear{title, year}
			continue
		case ok && kind == "t":
			line = rest
		}
		var r storage.Rating
		var at int64
		if _, err := fmt.Sscan(line, &r.Film, &r.Score, &at); err != nil {
			return bad(line, err)
		}
		if at != 0 {
			r.At = time.Unix(at, 0).UTC()
		}
		if kind == "t" {
			if r.Film == 0 || r.Film > math.MaxInt32 {
				return bad(line, errors.New("not a TMDB id"))
			}
			p.tmdbRatings = append(p.tmdbRatings, r)
		} else {
			p.ratings = append(p.ratings, r)
		}
	}
	return p, nil
}

// download fetches the attachment option name, checked: one of exts, at
// most max bytes. help says what to attach.
func (s *Set) download(ctx context.Context, i *discordgo.InteractionCreate, option string, max int64, help string, exts ...string) (string, []byte, error) {
	t := tr(i)
	o := options(i).get(option)
	var id string
	if o != nil {
		id, _ = o.Value.(string)
	}
	res := i.ApplicationCommandData().Resolved
	if o == nil || o.Type != discordgo.ApplicationCommandOptionAttachment || res == nil || res.Attachments[id] == nil {
		return "", nil, userText(t.F(msgImportNoFile, "Help", help))
	}
	a := res.Attachments[id]
	ext := strings.ToLower(path.Ext(a.Filename))
	ok := false
	for _, e := range exts {
		ok = ok || ext == e
	}
	file := strconv.Quote(clip(a.Filename, 80))
	if !ok {
		kinds := strings.Join(exts, ", ")
		if len(exts) == 2 {
			kinds = t.F(msgImportFileOr, "First", exts[0], "Second", exts[1])
		}
		return "", nil, userText(t.F(msgImportFileType, "File", file, "Exts", kinds, "Help", help))
	}
	if int64(a.Size) > max {
		return "", nil, userText(t.F(msgImportFileBig, "File", file, "KB", t.Int(a.Size>>10), "MB", t.Int(int(max>>20))))
	}
	if s.fetch == nil {
		return "", nil, errors.New("no attachment fetcher is set up")
	}
	data, err := s.fetch(ctx, a.URL, max)
	switch {
	case err == nil && int64(len(data)) > max:
		return "", nil, userText(t.F(msgImportFileOver, "File", file, "MB", t.Int(int(max>>20))))
	case errors.Is(err, context.DeadlineExceeded):
		return "", nil, userText(t.F(msgImportFileSlow, "File", file))
	case err != nil:
		return "", nil, userText(t.F(msgImportFileFailed, "File", file))
	}
	return a.Filename, data, nil
}

// List imports: what is accepted.
const (
	maxListFile = 2 << 20
)

// filmImport answers /manage film import file: with a preview: the
// films new to this server's catalog, those already in it, and the rows
// rejected with their reasons; a button adds the new ones in one step.
func (s *Set) filmImport(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	t := tr(i)
	release, err := importSlot(t)
	if err != nil {
		return nil, err
	}
	defer release()
	name, data, err := s.download(ctx, i, "file", maxListFile, t.S(msgListHelp), ".csv")
	if err != nil {
		return nil, err
	}
	rows, problems, err := letterboxd.ReadList(name, data)
	if errors.Is(err, letterboxd.ErrFile) {
		return nil, userText(t.F(msgImportBadFile, "Reason", letterboxd.Reason(t, err), "Help", t.S(msgListHelp)))
	}
	if err != nil {
		return nil, err
	}
	films, err := s.films.Films(ctx, scope)
	if err != nil {
		return nil, err
	}
	here := map[string]bool{}
	key := func(title string, year int) string { return search.Skeleton(title) + "\x00" + strconv.Itoa(year) }
	hereTMDB := map[int]bool{} // the TMDB films this server sees, under whatever title
	for _, f := range films {
		here[key(f.Title, f.Year)] = true
		if f.TMDB != 0 {
			hereTMDB[int(f.TMDB)] = true
		}
	}
	films = nil
	var fresh []storage.Film
	already := 0
	for _, r := range rows {
		title, err := cleanLine("The title", r.Title)
		if err != nil || !visibleText(title) || len([]rune(title)) > maxTitle {
			problems.Add(letterboxd.Problem{File: path.Base(name), Line: r.Line, Reason: t.F(msgListBadTitle, "Max", t.Int(maxTitle))})
			continue
		}
		k := key(title, r.Year)
		if here[k] {
			already++
			continue
		}
		here[k] = true
		f := storage.Film{Title: title, Year: r.Year, Letterboxd: r.URI, CreatedBy: userID(i)}
		for _, d := range r.Directors {
			if d, err := cleanLine("A director", d); err == nil && visibleText(d) {
				f.Directors = append(f.Directors, clip(d, 200))
			}
		}
		fresh = append(fresh, f)
	}
	// What the catalog lacks is looked up on TMDB: a film found there is
	// stored whole (credits, overview, poster) in the shared catalog,
	// which this server sees, instead of a title-only film of its own;
	// only once the moderator confirms: the preview keeps its TMDB id.
	var want []titleYear
	for _, f := range fresh {
		want = append(want, titleYear{f.Title, f.Year})
	}
	looked := s.lookUp(ctx, want)
	kept := fresh[:0]
	var ambiguous []string
	var fromTMDB []found
	for _, f := range fresh {
		if fd, ok := looked.found[titleYear{f.Title, f.Year}]; ok {
			if hereTMDB[fd.TMDB] { // here under another title
				already++
			} else {
				hereTMDB[fd.TMDB] = true
				fromTMDB = append(fromTMDB, found{TMDB: fd.TMDB, Title: clip(fd.Title, 100), Year: fd.Year})
			}
			continue
		}
		if note := looked.note(t, titleYear{f.Title, f.Year}); note != "" {
			ambiguous = append(ambiguous, clip(label(f)+": "+note, 200))
		}
		kept = append(kept, f)
	}
	fresh = kept
	adds := len(fresh) + len(fromTMDB)
	embed := &discordgo.MessageEmbed{Title: t.S(msgListTitle), Color: colour,
		Description: t.F(msgListPreview, "File", clip(path.Base(name), 80), "New", t.Int(adds), "Already", t.Int(already), "Rejected", t.Int(problems.Count))}
	if sum := looked.summary(t); sum != "" {
		embed.Description += "\n" + sum + t.S(msgListFromTMDB)
	}
	if len(ambiguous) > 0 {
		var lines []string
		for _, a := range ambiguous[:min(len(ambiguous), 4)] {
			lines = append(lines, plain(a, 240))
		}
		if len(ambiguous) > 4 {
			lines = append(lines, t.N(msgImportAndMore, len(ambiguous)-4))
		}
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{Name: t.S(msgListAmbiguous), Value: clip(strings.Join(lines, "\n"), 1024)})
	}
	if problems.Count > 0 {
		var lines []string
		for _, p := range problems.First[:min(len(problems.First), 8)] {
			lines = append(lines, clip(p.Text(t), 120))
		}
		if problems.Count > 8 {
			lines = append(lines, t.N(msgImportAndMore, problems.Count-8))
		}
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{Name: t.S(msgListRejected), Value: strings.Join(lines, "\n")})
	}
	if adds == 0 {
		embed.Description += t.S(msgListNothing)
		return ephemeral(embed), nil
	}
	var sample []string
	for _, f := range fromTMDB[:min(len(fromTMDB), 10)] {
		sample = append(sample, "• "+plain(source.Label(f.Title, f.Year), 100)+" (TMDB)")
	}
	for _, f := range fresh[:min(len(fresh), 10-len(sample))] {
		sample = append(sample, "• "+plain(label(f), 100))
	}
	if adds > len(sample) {
		sample = append(sample, t.N(msgImportAndMore, adds-len(sample)))
	}
	embed.Fields = append([]*discordgo.MessageEmbedField{{Name: t.S(msgListNewFilms), Value: strings.Join(sample, "\n")}}, embed.Fields...)
	raw, err := json.Marshal(pendingList{Films: fresh, TMDB: fromTMDB})
	if err != nil {
		return nil, err
	}
	_, user, err := member(i)
	if err != nil {
		return nil, err
	}
	id, err := s.pending.PutPending(ctx, scope, user, raw, importTTL)
	if err != nil {
		return nil, err
	}
	return ephemeral(embed, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: t.N(msgListButton, adds), Style: discordgo.PrimaryButton, CustomID: customID{"modimp", "ok", []uint64{id}}.String()},
		discordgo.Button{Label: t.S(msgImportCancel), Style: discordgo.SecondaryButton, CustomID: customID{"modimp", "no", []uint64{id}}.String()},
	}}), nil
}

// pendingList is what a film list import's preview keeps for its
// confirmation: the films added by title, and those found on TMDB (by
// TMDB id, with their title and year to name them), fetched into the
// shared catalog then. A preview from before the TMDB films were kept is
// the films alone, a JSON array.
type pendingList struct {
	Films []storage.Film `json:"films"`
	TMDB  []found        `json:"tmdb,omitempty"`
}

func decodePendingList(raw []byte) (pendingList, error) {
	var p pendingList
	var err error
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		err = json.Unmarshal(t, &p.Films)
	} else {
		err = json.Unmarshal(raw, &p)
	}
	if err != nil {
		return pendingList{}, fmt.Errorf("a pending list import: %w", err)
	}
	for _, f := range p.TMDB {
		if f.TMDB <= 0 {
			return pendingList{}, fmt.Errorf("a pending list import: TMDB id %d", f.TMDB)
		}
	}
	return p, nil
}

// filmImportButton adds a previewed list's films, or drops the preview.
// Moderator rights are checked again: they may have changed meanwhile.
func (s *Set) filmImportButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := s.modAction(ctx, i)
	if err != nil {
		return nil, err
	}
	_, user, err := member(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	if c.action != "ok" && c.action != "no" {
		return nil, userText(t.S(msgListStale))
	}
	// As for ratings (importButton): the preview is taken once the films
	// are added, so that a failure leaves it for another try; AddFilms
	// skips the films already there, so two quick presses add them once.
	step := s.pending.Pending
	if c.action == "no" {
		step = s.pending.TakePending
	}
	raw, err := step(ctx, scope, user, c.args[0])
	if errors.Is(err, storage.ErrNotFound) {
		return updateText(t.S(msgListExpired)), nil
	}
	if err != nil {
		return nil, err
	}
	if c.action == "no" {
		return updateText(t.S(msgListCancelled)), nil
	}
	p, err := decodePendingList(raw)
	if err != nil {
		return nil, err
	}
	// The films found on TMDB are fetched into the shared catalog now
	// that the moderator has confirmed; those TMDB fails for are left
	// out, and said so, and the rest is added.
	var got fetched
	names := map[int]titleYear{}
	if len(p.TMDB) > 0 {
		ids := make([]int, 0, len(p.TMDB))
		for _, f := range p.TMDB {
			ids = append(ids, f.TMDB)
			names[f.TMDB] = titleYear{f.Title, f.Year}
		}
		if got, err = s.fetchFound(ctx, ids); err != nil {
			return nil, err
		}
	}
	added, err := s.films.AddFilms(ctx, scope, p.Films)
	if err != nil {
		return nil, err
	}
	if _, err := s.pending.TakePending(ctx, scope, user, c.args[0]); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("the films were added; removing their preview: %w", err)
	}
	msg := t.N(msgListAdded, len(added)+len(got.stored))
	if len(added) < len(p.Films) {
		msg += t.N(msgListMeanwhile, len(p.Films)-len(added))
	}
	msg += got.notImported(t, names)
	return updateText(msg), nil
}
