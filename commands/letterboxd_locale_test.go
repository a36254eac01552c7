package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// asLocale is i sent by a member whose Discord is in loc.
func asLocale(i *discordgo.InteractionCreate, loc string) *discordgo.InteractionCreate {
	i.Locale = discordgo.Locale(loc)
	return i
}

// /import letterboxd in Russian (issue 27): the preview, its plurals
// and buttons, the cancel and the confirmation are the member's
// language; the attached CSV stays Letterboxd's English.
func TestImportInRussian(t *testing.T) {
	e := newEnv(t)
	withModTMDB(e)
	previewExport(t, e)
	r := e.run(asLocale(importCmd(guildA, "42", "export.zip", 100), "ru"))
	em := embed(r)
	d := em.Description
	for _, want := range []string{
		"В **export.zip**: 3 оценённых фильма.\nНовых: 3, изменённых: 0, таких же, как здесь: 0, нет в каталоге сервера: 0.",
		"\nСписок «посмотреть»: 2 фильма; добавить: 1, уже в вашем списке: 0, уже оценены (не добавляются): 1, нет в каталоге сервера: 0.",
		"Найдено на TMDB: 3 (проверено 3 за ",
		"\nИмпортировать? Остальные ваши оценки останутся как есть. Предпросмотр действует 15 минут.",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("preview lacks %q:\n%s", want, d)
		}
	}
	if em.Title != "Импорт из Letterboxd" {
		t.Errorf("title %q", em.Title)
	}
	ok, cancel := buttons(r)["Импортировать 3 оценки и 1 фильм в «посмотреть»"], buttons(r)["Отмена"]
	if ok == "" || cancel == "" {
		t.Fatalf("buttons %v", buttons(r))
	}
	if c, err := e.check(e.set.importButton, asLocale(clickAs(guildA, "42", ok), "ru")); err != nil ||
		c.Data.Content != "Импортировано. Новых: 3, изменённых: 0, без изменений: 0. Смотрите их в `/myratings`. 1 фильм добавлен в ваш список «посмотреть»: см. `/watchlist`." {
		t.Fatalf("confirm: %v %+v", err, c)
	}
	if c, _ := e.check(e.set.importButton, asLocale(clickAs(guildA, "42", cancel), "ru")); c.Data.Content != "Этот предпросмотр импорта истёк или уже использован. Запустите `/import letterboxd` ещё раз." {
		t.Errorf("spent: %q", c.Data.Content)
	}
	if msg := e.userError(e.cmds["import"].Run, asLocale(importCmd("", "42", "export.zip", 100), "ru")); !strings.HasPrefix(msg, "Импорт относится к серверу") {
		t.Errorf("in a DM: %q", msg)
	}
	// A file that is not one: the help in Russian.
	if msg := e.userError(e.cmds["import"].Run, asLocale(importCmd(guildA, "42", "notes.txt", 100), "ru")); !strings.HasPrefix(msg, "\"notes.txt\" — не файл .zip или .csv. Прикрепите экспорт Letterboxd: ZIP с letterboxd.com") {
		t.Errorf("a .txt: %q", msg)
	}
}

// A list import whose not-in-catalog.csv is attached: its rows stay
// English whatever the member's language; the footer is theirs.
func TestImportCSVStaysEnglish(t *testing.T) {
	e := newEnv(t)
	list := "Name,Year,Rating\nNowhere Film,2001,3\n"
	e.files(map[string][]byte{"ratings.csv": []byte(list)})
	r := e.run(asLocale(importCmd(guildA, "42", "ratings.csv", len(list)), "ru"))
	if f := embed(r).Footer.Text; f != "Фильмы, которых нет в каталоге, — в прикреплённом CSV; модератор может их добавить." {
		t.Errorf("footer %q", f)
	}
	if csv := attached(t, r, "not-in-catalog.csv"); !strings.HasPrefix(csv, "Title,Year,Rating10,LetterboxdURI,Note\nNowhere Film,2001,6,") {
		t.Errorf("csv %q", csv)
	}
}

// /export letterboxd counts in Russian plurals: 1 оценка, 2 оценки,
// 5 оценок; the file's name and columns stay Letterboxd's.
func TestExportRussianPlurals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var films []storage.Film
	for k := range 5 {
		films = append(films, storage.Film{Title: fmt.Sprintf("Film %d", k), Year: 2000 + k})
	}
	added, err := e.db.AddFilms(ctx, 111, films)
	if err != nil {
		t.Fatal(err)
	}
	rated := 0
	for _, c := range []struct {
		n    int
		want string
	}{{1, "1 оценка на этом сервере"}, {2, "2 оценки на этом сервере"}, {5, "5 оценок на этом сервере"}} {
		var rs []storage.Rating
		for ; rated < c.n; rated++ {
			rs = append(rs, storage.Rating{Film: added[rated].ID, Score: 7})
		}
		if _, err := e.db.ImportRatings(ctx, 111, 42, rs); err != nil {
			t.Fatal(err)
		}
		i := asLocale(slash(guildA, "export", sub("", "letterboxd")), "ru")
		i.Member.User.ID = "42"
		r := e.run(i)
		if em := embed(r); !strings.HasPrefix(em.Description, c.want) || em.Title != "Ваши оценки для Letterboxd" {
			t.Errorf("%d: %q %q", c.n, em.Title, em.Description)
		}
		if len(r.Data.Files) != 1 || r.Data.Files[0].Name != "letterboxd-ratings.csv" {
			t.Errorf("files %+v", r.Data.Files)
		} else if csv := attached(t, r, "letterboxd-ratings.csv"); !strings.HasPrefix(csv, "Title,Year,Rating10,WatchedDate") {
			t.Errorf("csv %q", csv)
		}
	}
	i := asLocale(slash(guildA, "export", sub("", "letterboxd")), "ru")
	i.Member.User.ID = "43"
	if msg := e.userError(e.cmds["export"].Run, i); msg != "Вы ещё не оценили ни одного фильма на этом сервере: экспортировать нечего." {
		t.Errorf("nothing rated: %q", msg)
	}
}

// In German the seconds the lookups took have a decimal comma, and a
// list import's preview, button and answer are German.
func TestFilmListImportInGerman(t *testing.T) {
	e := newEnv(t)
	withModTMDB(e)
	list := "Name,Year\nParasite,2019\nOur Own Film,1999\n"
	e.files(map[string][]byte{"l.csv": []byte(list)})
	i := slash(guildA, "manage", sub("film", "import", attachOpt("a1")))
	withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: "l.csv", Size: len(list), URL: "mem://l.csv"})
	r := e.run(asLocale(mod(i), "de"))
	d := embed(r).Description
	if !strings.HasPrefix(d, "In **l.csv**: 2 neu auf diesem Server, 0 schon hier, 0 abgelehnt.\n") ||
		!regexp.MustCompile(`Auf TMDB gefunden: 1 \(2 nachgeschlagen in \d+,\d s\)\. Die gefundenen Filme kommen`).MatchString(d) {
		t.Errorf("preview: %q", d)
	}
	ok := buttons(r)["2 Filme hinzufügen"]
	if ok == "" || buttons(r)["Abbrechen"] == "" {
		t.Fatalf("buttons %v", buttons(r))
	}
	if c, err := e.check(e.set.filmImportButton, asLocale(mod(click(guildA, ok)), "de")); err != nil || c.Data.Content != "2 Filme zum Katalog dieses Servers hinzugefügt." {
		t.Fatalf("confirm: %v %+v", err, c)
	}
}

// Naming a film that is not there, in Russian: the answer, the TMDB
// trouble beside it, and the guess.
func TestResolveInRussian(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.set.resolveIn(ctx, 111, "Anroa", "ru")
	if msg := storage.Message(err); msg != "Фильма «Anroa» здесь нет. Может быть, **Anora (2024)**?" {
		t.Errorf("a typo: %q", msg)
	}
	_, err = e.set.resolveIn(ctx, 111, "", "ru")
	if msg := storage.Message(err); msg != "Назовите фильм: начните печатать и выберите из списка." {
		t.Errorf("empty: %q", msg)
	}
	_, err = e.set.resolveIn(ctx, 111, "tmdb:x", "ru")
	if msg := storage.Message(err); msg != "Это не фильм из списка: начните печатать и выберите." {
		t.Errorf("tmdb:x: %q", msg)
	}
	if _, err := e.db.AddFilms(ctx, 111, []storage.Film{{Title: "Twin", Year: 1990}, {Title: "Twin", Year: 2000}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.set.resolveIn(ctx, 111, "Twin", "ru")
	if msg := storage.Message(err); msg != "Здесь несколько фильмов с названием «Twin»: Twin (1990), Twin (2000). Выберите из списка или добавьте год." {
		t.Errorf("two: %q", msg)
	}
	// English stays as it was.
	_, err = e.set.resolveIn(ctx, 111, "Anroa", "")
	if msg := storage.Message(err); msg != "No film called \"Anroa\" here. Did you mean **Anora (2024)**?" {
		t.Errorf("English: %q", msg)
	}
	// TMDB not answering: why the answer is the catalog's, in Russian.
	m := withModTMDB(e)
	m.fake.Fail(tmdbfake.FailUnauthorized, 10)
	_, err = e.set.resolveIn(ctx, 111, "Nowhere at all", "ru")
	if msg := storage.Message(err); !strings.HasPrefix(msg, "Фильма «Nowhere at all» здесь нет. TMDB не отвечает") {
		t.Errorf("TMDB down: %q", msg)
	}
}

// What is wrong with a file or its rows is said in the member's
// language too (the letterboxd package's reasons).
func TestImportFileProblemsInRussian(t *testing.T) {
	e := newEnv(t)
	csv := "Name,Year,Rating\nAnora,2024,4.5\nBad Year,20x4,3\n"
	e.files(map[string][]byte{"ratings.csv": []byte(csv), "empty.csv": nil})
	r := e.run(asLocale(importCmd(guildA, "42", "ratings.csv", len(csv)), "ru"))
	if f := embed(r).Fields; len(f) != 1 || f[0].Name != "Пропущенные строки (1)" || f[0].Value != "ratings.csv, строка 3: год \"20x4\" — не год" {
		t.Errorf("fields: %+v", f)
	}
	msg := e.userError(e.cmds["import"].Run, asLocale(importCmd(guildA, "42", "empty.csv", 1), "ru"))
	if !strings.HasPrefix(msg, "empty.csv пуст. Прикрепите экспорт Letterboxd") {
		t.Errorf("an empty file: %q", msg)
	}
	// English is as it was.
	msg = e.userError(e.cmds["import"].Run, importCmd(guildA, "42", "empty.csv", 1))
	if !strings.HasPrefix(msg, "empty.csv is empty. Attach your Letterboxd export") {
		t.Errorf("English: %q", msg)
	}
}
