package commands

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/letterboxd"
	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/storage"
)

var importDef = &discordgo.ApplicationCommand{
	Name:        "import",
	Description: "Bring your ratings from another site into this server",
	Options: []*discordgo.ApplicationCommandOption{{
		Type: discordgo.ApplicationCommandOptionSubCommand, Name: "letterboxd",
		Description: "Your Letterboxd export (the ZIP, or ratings.csv); you confirm before anything changes",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file",
			Description: "letterboxd.com → Settings → Import & Export → Export your data", Required: true}},
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

// Imports: what is accepted, and how long a preview waits for its
// confirmation (an interaction token's life).
const (
	maxImport      = 10 << 20
	importTTL      = 15 * time.Minute
	importHelp     = "Attach your Letterboxd export: the ZIP from letterboxd.com → Settings → Import & Export → Export your data, or its ratings.csv or diary.csv (up to 10 MB)."
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

// importSlot takes a slot for reading an import, or refuses politely when
// all are taken; release gives it back.
func importSlot() (release func(), err error) {
	select {
	case importSlots <- struct{}{}:
		return func() { <-importSlots }, nil
	default:
		return nil, userErr("filmbot is reading other imports right now (%d at once at most). Try again in a minute.", importsAtOnce)
	}
}

// importLetterboxd answers /import letterboxd file: with a preview of
// what the import would do, and buttons to confirm or cancel it. Nothing
// is written before the confirmation.
func (s *Set) importLetterboxd(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	if scope == storage.BuiltIn {
		return nil, userErr("Imports belong to a server: run `/import letterboxd` in the server whose ratings you want to set.")
	}
	_, user, err := member(i)
	if err != nil {
		return nil, err
	}
	release, err := importSlot()
	if err != nil {
		return nil, err
	}
	defer release()
	name, data, err := s.download(ctx, i, "file", maxImport, importHelp, ".zip", ".csv")
	if err != nil {
		return nil, err
	}
	entries, problems, err := letterboxd.ReadRatings(name, data)
	if errors.Is(err, letterboxd.ErrFile) {
		return nil, userErr("%s. %s", strings.TrimPrefix(err.Error(), letterboxd.ErrFile.Error()+": "), importHelp)
	}
	if err != nil {
		return nil, err
	}
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
	var ratings []storage.Rating
	missing := entries[:0] // in place: entries are not read again
	var n storage.Imported
	taken := map[uint64]bool{}
	for _, e := range entries {
		f, ok := match(e)
		if !ok || taken[f] {
			missing = append(missing, e)
			continue
		}
		taken[f] = true
		ratings = append(ratings, storage.Rating{Film: f, Score: e.Score, At: e.Date})
		switch old, had := current[f]; {
		case !had:
			n.Added++
		case old == e.Score:
			n.Unchanged++
		default:
			n.Updated++
		}
	}
	embed := &discordgo.MessageEmbed{Title: "Import from Letterboxd", Color: colour,
		Description: fmt.Sprintf("In **%s**: %s.\n%d new, %d changed, %d the same as here, %d not in this server's catalog.",
			clip(name, 80), plural(len(entries), "rated film"), n.Added, n.Updated, n.Unchanged, len(missing))}
	if problems.Count > 0 {
		var lines []string
		for _, p := range problems.First[:min(len(problems.First), 5)] {
			lines = append(lines, clip(p.String(), 150))
		}
		if problems.Count > 5 {
			lines = append(lines, fmt.Sprintf("and %d more", problems.Count-5))
		}
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{Name: fmt.Sprintf("Rows skipped (%d)", problems.Count), Value: strings.Join(lines, "\n")})
	}
	var files []*discordgo.File
	if len(missing) > 0 {
		csv, listed := missingCSV(missing, maxAttached)
		files = append(files, &discordgo.File{Name: "not-in-catalog.csv", ContentType: "text/csv", Reader: bytes.NewReader(csv)})
		embed.Footer = &discordgo.MessageEmbedFooter{Text: "The films not in the catalog are in the attached CSV; a moderator can add them."}
		if listed < len(missing) {
			embed.Footer.Text = fmt.Sprintf("The first %d of the %d films not in the catalog are in the attached CSV (cut at %d MB); a moderator can add them.", listed, len(missing), maxAttached>>20)
		}
	}
	changes := n.Added + n.Updated
	if changes == 0 {
		embed.Description += "\nNothing to change."
		r := ephemeral(embed)
		r.Data.Files = files
		return r, nil
	}
	id, err := s.pending.PutPending(ctx, scope, user, encodePending(ratings), importTTL)
	if err != nil {
		return nil, err
	}
	embed.Description += fmt.Sprintf("\nImport them? Your other ratings stay as they are. This preview lasts %d minutes.", int(importTTL.Minutes()))
	rows := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: fmt.Sprintf("Import %s", plural(changes, "rating")), Style: discordgo.PrimaryButton, CustomID: customID{"lbimp", "ok", []uint64{id}}.String()},
		discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: customID{"lbimp", "no", []uint64{id}}.String()},
	}}
	r := ephemeral(embed, rows)
	r.Data.Files = files
	return r, nil
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
		return updateText("This import preview has expired or was already used. Run `/import letterboxd` again."), nil
	}
	if err != nil {
		return nil, err
	}
	if c.action == "no" {
		return updateText("Import cancelled: nothing was changed."), nil
	}
	ratings, err := decodePending(data)
	if err != nil {
		return nil, err
	}
	n, err := s.rates.ImportRatings(ctx, scope, user, ratings)
	if errors.Is(err, storage.ErrNotFound) {
		s.pending.TakePending(ctx, scope, user, c.args[0]) // it cannot succeed: spent
		return updateText("A film was removed from the catalog meanwhile, so nothing was imported. Run `/import letterboxd` again."), nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.pending.TakePending(ctx, scope, user, c.args[0]); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("the import committed; removing its preview: %w", err)
	}
	msg := fmt.Sprintf("Imported: %d new, %d changed, %d already the same. See them with `/myratings`.", n.Added, n.Updated, n.Unchanged)
	if n.Unwatched > 0 {
		msg += fmt.Sprintf(" %s left your watchlist.", plural(n.Unwatched, "film"))
	}
	return updateText(msg), nil
}

// exportLetterboxd answers /export letterboxd with the member's ratings
// in this server as CSV in Letterboxd's import format.
func (s *Set) exportLetterboxd(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	if scope == storage.BuiltIn {
		return nil, userErr("Ratings live in servers: run `/export letterboxd` in the server whose ratings you want.")
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
		return nil, userErr("You have not rated any film in this server yet: nothing to export.")
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
		return nil, userErr("You have %d ratings here: more than %d files of 1 MB, which is more than one message can carry.", len(rows), maxExportFiles)
	}
	var files []*discordgo.File
	for k, p := range parts {
		name := "letterboxd-ratings.csv"
		if len(parts) > 1 {
			name = fmt.Sprintf("letterboxd-ratings-%d.csv", k+1)
		}
		files = append(files, &discordgo.File{Name: name, ContentType: "text/csv", Reader: bytes.NewReader(p)})
	}
	r := ephemeral(&discordgo.MessageEmbed{Title: "Your ratings for Letterboxd", Color: colour,
		Description: fmt.Sprintf("%s in this server, in the format Letterboxd imports (Title, Year, Rating10, WatchedDate). Upload the file at letterboxd.com/import.", plural(len(rows), "rating"))})
	r.Data.Files = files
	return r, nil
}

// matcher finds a catalog film for an entry: by folded title or alias
// and year, or by title alone when the entry has no year and one film
// has it.
func matcher(films []storage.Film) func(letterboxd.Entry) (uint64, bool) {
	byKey := map[string][]uint64{}
	var key []byte
	add := func(name string, year int, id uint64) {
		key = strconv.AppendInt(append(storage.AppendTitleKey(key[:0], name), 0), int64(year), 10)
		byKey[string(key)] = append(byKey[string(key)], id)
	}
	for _, f := range films {
		for _, name := range append([]string{f.Title}, f.Aliases...) {
			add(name, f.Year, f.ID)
			add(name, 0, f.ID)
		}
	}
	return func(e letterboxd.Entry) (uint64, bool) {
		key = strconv.AppendInt(append(storage.AppendTitleKey(key[:0], e.Title), 0), int64(e.Year), 10)
		ids := byKey[string(key)] // no copy: a lookup
		if len(ids) == 1 {
			return ids[0], true
		}
		return 0, false
	}
}

// missingCSV lists entries not in the catalog in at most max bytes, and
// says how many it lists: past max it stops, with a last row saying how
// many more there are (a title without a rating, which both filmbot and
// Letterboxd skip). Cells are made safe for spreadsheets (letterboxd.Cell).
func missingCSV(es []letterboxd.Entry, max int) ([]byte, int) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"Title", "Year", "Rating10", "LetterboxdURI"})
	w.Flush()
	const room = 200 // for the line that says the list was cut
	var row bytes.Buffer
	rw := csv.NewWriter(&row)
	for k, e := range es {
		year := ""
		if e.Year > 0 {
			year = strconv.Itoa(e.Year)
		}
		row.Reset()
		rw.Write([]string{letterboxd.Cell(e.Title), year, strconv.Itoa(e.Score), letterboxd.Cell(e.URI)})
		rw.Flush()
		if b.Len()+row.Len() > max-room {
			w.Write([]string{fmt.Sprintf("… cut here: %d more films not in the catalog are not listed (this file stops at %d MB)", len(es)-k, max>>20), "", "", ""})
			w.Flush()
			return b.Bytes(), k
		}
		b.Write(row.Bytes())
	}
	return b.Bytes(), len(es)
}

// A pending import is one line per rating: film id, score, Unix date.
func encodePending(rs []storage.Rating) []byte {
	var b bytes.Buffer
	for _, r := range rs {
		at := int64(0)
		if !r.At.IsZero() {
			at = r.At.Unix()
		}
		fmt.Fprintf(&b, "%d %d %d\n", r.Film, r.Score, at)
	}
	return b.Bytes()
}

func decodePending(data []byte) ([]storage.Rating, error) {
	var out []storage.Rating
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r storage.Rating
		var at int64
		if _, err := fmt.Sscan(line, &r.Film, &r.Score, &at); err != nil {
			return nil, fmt.Errorf("a pending import's line %q: %w", line, err)
		}
		if at != 0 {
			r.At = time.Unix(at, 0).UTC()
		}
		out = append(out, r)
	}
	return out, nil
}

// download fetches the attachment option name, checked: one of exts, at
// most max bytes. help says what to attach.
func (s *Set) download(ctx context.Context, i *discordgo.InteractionCreate, option string, max int64, help string, exts ...string) (string, []byte, error) {
	o := options(i).get(option)
	var id string
	if o != nil {
		id, _ = o.Value.(string)
	}
	res := i.ApplicationCommandData().Resolved
	if o == nil || o.Type != discordgo.ApplicationCommandOptionAttachment || res == nil || res.Attachments[id] == nil {
		return "", nil, userErr("The file did not arrive. %s", help)
	}
	a := res.Attachments[id]
	ext := strings.ToLower(path.Ext(a.Filename))
	ok := false
	for _, e := range exts {
		ok = ok || ext == e
	}
	if !ok {
		return "", nil, userErr("%q is not a %s file. %s", clip(a.Filename, 80), strings.Join(exts, " or "), help)
	}
	if int64(a.Size) > max {
		return "", nil, userErr("%q is %d KB; the limit is %d MB.", clip(a.Filename, 80), a.Size>>10, max>>20)
	}
	if s.fetch == nil {
		return "", nil, errors.New("no attachment fetcher is set up")
	}
	data, err := s.fetch(ctx, a.URL, max)
	switch {
	case err == nil && int64(len(data)) > max:
		return "", nil, userErr("%q is over %d MB.", clip(a.Filename, 80), max>>20)
	case errors.Is(err, context.DeadlineExceeded):
		return "", nil, userErr("Downloading %q took too long. Try again.", clip(a.Filename, 80))
	case err != nil:
		return "", nil, userErr("Could not download %q. Try again.", clip(a.Filename, 80))
	}
	return a.Filename, data, nil
}

// List imports: what is accepted.
const (
	maxListFile = 2 << 20
	listHelp    = "Attach a Letterboxd list export (a list's page → Export list, a .csv), or any CSV with Title and Year columns, and optionally Directors and LetterboxdURI (up to 2 MB, 10,000 films)."
)

// filmImport answers /manage film import file: with a preview: the
// films new to this server's catalog, those already in it, and the rows
// rejected with their reasons; a button adds the new ones in one step.
func (s *Set) filmImport(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	release, err := importSlot()
	if err != nil {
		return nil, err
	}
	defer release()
	name, data, err := s.download(ctx, i, "file", maxListFile, listHelp, ".csv")
	if err != nil {
		return nil, err
	}
	rows, problems, err := letterboxd.ReadList(name, data)
	if errors.Is(err, letterboxd.ErrFile) {
		return nil, userErr("%s. %s", strings.TrimPrefix(err.Error(), letterboxd.ErrFile.Error()+": "), listHelp)
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
	for _, f := range films {
		here[key(f.Title, f.Year)] = true
	}
	var fresh []storage.Film
	already := 0
	for _, r := range rows {
		title, err := cleanLine("The title", r.Title)
		if err != nil || !visibleText(title) || len([]rune(title)) > maxTitle {
			problems.Add(letterboxd.Problem{File: path.Base(name), Line: r.Line, Reason: fmt.Sprintf("the title must be 1 to %d characters of text", maxTitle)})
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
	embed := &discordgo.MessageEmbed{Title: "Import a film list", Color: colour,
		Description: fmt.Sprintf("In **%s**: %d new to this server, %d already here, %d rejected.", clip(path.Base(name), 80), len(fresh), already, problems.Count)}
	if problems.Count > 0 {
		var lines []string
		for _, p := range problems.First[:min(len(problems.First), 8)] {
			lines = append(lines, clip(p.String(), 120))
		}
		if problems.Count > 8 {
			lines = append(lines, fmt.Sprintf("and %d more", problems.Count-8))
		}
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{Name: "Rejected rows", Value: strings.Join(lines, "\n")})
	}
	if len(fresh) == 0 {
		embed.Description += "\nNothing to add."
		return ephemeral(embed), nil
	}
	var sample []string
	for _, f := range fresh[:min(len(fresh), 10)] {
		sample = append(sample, "• "+plain(label(f), 100))
	}
	if len(fresh) > 10 {
		sample = append(sample, fmt.Sprintf("and %d more", len(fresh)-10))
	}
	embed.Fields = append([]*discordgo.MessageEmbedField{{Name: "New films", Value: strings.Join(sample, "\n")}}, embed.Fields...)
	raw, err := json.Marshal(fresh)
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
		discordgo.Button{Label: fmt.Sprintf("Add %s", plural(len(fresh), "film")), Style: discordgo.PrimaryButton, CustomID: customID{"modimp", "ok", []uint64{id}}.String()},
		discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: customID{"modimp", "no", []uint64{id}}.String()},
	}}), nil
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
	if c.action != "ok" && c.action != "no" {
		return nil, userErr("That button is out of date.")
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
		return updateText("This preview has expired or was already used. Run `/manage film import` again."), nil
	}
	if err != nil {
		return nil, err
	}
	if c.action == "no" {
		return updateText("List import cancelled: nothing was added."), nil
	}
	var fresh []storage.Film
	if err := json.Unmarshal(raw, &fresh); err != nil {
		return nil, fmt.Errorf("a pending list import: %w", err)
	}
	added, err := s.films.AddFilms(ctx, scope, fresh)
	if err != nil {
		return nil, err
	}
	if _, err := s.pending.TakePending(ctx, scope, user, c.args[0]); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("the films were added; removing their preview: %w", err)
	}
	msg := fmt.Sprintf("Added %s to this server's catalog.", plural(len(added), "film"))
	if len(added) < len(fresh) {
		msg += fmt.Sprintf(" %d were added meanwhile by someone else.", len(fresh)-len(added))
	}
	return updateText(msg), nil
}
