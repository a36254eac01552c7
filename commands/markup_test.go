package commands

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// readDiscord reads markdown as Discord's parser does for what decides
// whether text is hidden: backslash escapes, code blocks and inline code
// (whose ends are found in the raw text), spoilers (ended by the next two
// bars in the raw text, escaped or not), and masked links (whose text is
// counted as visible, to be safe). It returns the visible and the hidden
// characters.
func readDiscord(s string) (visible, hidden string) {
	var vis, hid strings.Builder
	var walk func(s string, hiding bool)
	emit := func(t string, hiding bool) {
		if hiding {
			hid.WriteString(t)
		} else {
			vis.WriteString(t)
		}
	}
	walk = func(s string, hiding bool) {
		for k := 0; k < len(s); {
			rest := s[k:]
			switch {
			case rest[0] == '\\' && len(rest) > 1 && strings.ContainsRune("\\|`*_~#>-[]()<:!.+=\"'{}@$%^&;,/?", rune(rest[1])):
				emit(rest[1:2], hiding)
				k += 2
			case strings.HasPrefix(rest, "```"):
				if end := strings.Index(rest[3:], "```"); end >= 0 {
					emit(rest[3:3+end], hiding)
					k += 3 + end + 3
					continue
				}
				emit("`", hiding)
				k++
			case rest[0] == '`':
				n := len(rest) - len(strings.TrimLeft(rest, "`"))
				fence := rest[:n]
				if end := strings.Index(rest[n:], fence); end > 0 {
					emit(rest[n:n+end], hiding)
					k += n + end + n
					continue
				}
				emit(fence, hiding)
				k += n
			case strings.HasPrefix(rest, "||") && len(rest) > 3:
				if end := strings.Index(rest[3:], "||"); end >= 0 {
					walk(rest[2:3+end], true)
					k += 3 + end + 2
					continue
				}
				emit("||", hiding)
				k += 2
			case rest[0] == '[':
				if close := strings.Index(rest, "]("); close > 0 {
					if end := strings.IndexByte(rest[close:], ')'); end > 0 {
						emit(rest[1:close], false)
						k += close + end + 1
						continue
					}
				}
				emit("[", hiding)
				k++
			default:
				emit(rest[:1], hiding)
				k++
			}
		}
	}
	walk(s, false)
	return vis.String(), hid.String()
}

func TestReadDiscordSeesTheKnownBreaks(t *testing.T) {
	for _, c := range []struct{ md, leak string }{
		{"||a||b||c||", "b"},                   // three bars end a spoiler early
		{"`x\n\n||secret `||", "secret"},       // a backtick in the paragraph before
		{"||sec|||", ""},                       // ok: content "sec", then a stray bar
		{"[x\n\n||secret||\n\n](u)", "secret"}, // a link around a spoiler
	} {
		vis, _ := readDiscord(c.md)
		if c.leak != "" && !strings.Contains(vis, c.leak) {
			t.Errorf("%q: visible %q, want %q visible (the oracle must see the break)", c.md, vis, c.leak)
		}
	}
}

// hostile are the pieces of text that have broken spoilers, or could.
var hostile = []string{"|", "||", "|||", "`", "``", "```", "\\", "\\\\", "*", "**", "_", "~~", "# ", "\n# ", "> ", ">>> ",
	"[", "]", "(", ")", "](http://x.y)", "\n", " ", "-", "<", ":", "@everyone", "<@1>", "\n\n", "||`", "`||", "\\|", "|\\"}

// randomParagraph is hostile text around the letter that marks whose it
// is: X in a spoiler, o elsewhere.
func randomParagraph(r *rand.Rand, letter string) string {
	var b strings.Builder
	for range 1 + r.IntN(12) {
		if r.IntN(3) == 0 {
			b.WriteString(letter)
		}
		b.WriteString(hostile[r.IntN(len(hostile))])
	}
	b.WriteString(letter)
	return strings.TrimSpace(b.String())
}

// checkHidden fails if any spoiler paragraph's letter X shows in md, or
// if fewer X are hidden than the spoilers hold.
func checkHidden(t *testing.T, where, md string, wantX int) {
	t.Helper()
	vis, hid := readDiscord(md)
	if strings.Contains(vis, "X") || strings.Count(hid, "X") < wantX {
		t.Fatalf("%s: a spoiler shows (visible %q, %d of %d hidden)\n%s", where, vis, strings.Count(hid, "X"), wantX, md)
	}
}

// Whatever a moderator writes, spoilers stay hidden: in one excerpt, on
// "Read it all" pages and in announcements.
func TestSpoilersStayHidden(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 3000 {
		var ex []storage.Excerpt
		wantX := 0
		for range 1 + r.IntN(5) {
			spoiler := r.IntN(2) == 0
			letter := "o"
			if spoiler {
				letter = "X"
			}
			text := randomParagraph(r, letter)
			ex = append(ex, storage.Excerpt{Text: text, Spoiler: spoiler})
			if spoiler {
				wantX += strings.Count(text, "X")
			}
		}
		checkReview(t, n, ex, wantX)
	}
}

func checkReview(t *testing.T, n int, ex []storage.Excerpt, wantX int) {
	t.Helper()
	rev := storage.Review{ID: 1, FilmID: 1, Reviewer: "R", PullQuote: "q || `x", Excerpts: ex}
	for k, e := range ex {
		want := 0
		if e.Spoiler {
			want = strings.Count(e.Text, "X")
		}
		checkHidden(t, "excerpt", markup(english(), e, 4096), want)
		// Clipped: a spoiler may lose its end, never its tags.
		vis, _ := readDiscord(markup(english(), e, 40+k))
		if strings.Contains(vis, "X") {
			t.Fatalf("review %d: clipped excerpt shows a spoiler: %q", n, markup(english(), e, 40+k))
		}
	}
	var runs []string
	for _, page := range fullPages(english(), rev, 3500) {
		for _, r := range page {
			runs = append(runs, r.text)
		}
	}
	all := strings.Join(runs, "\n\n")
	checkHidden(t, "Read it all", all, wantX)
	p := &fakePoster{}
	s := &Set{poster: p, serverSettings: noSettings{}}
	i := &discordgo.InteractionCreate{Interaction: &discordgo.Interaction{ChannelID: "1", GuildID: "1"}}
	s.announce(t.Context(), i, 1, storage.Film{Title: "F", Year: 2000}, rev)
	if len(p.posts) == 1 {
		checkHidden(t, "announcement", p.posts[0].Description, 0)
	}
}

// noSettings is a server without settings, for announce.
type noSettings struct{ storage.ServerSettings }

func (noSettings) Settings(context.Context, storage.Scope) (storage.Settings, error) {
	return storage.Settings{}, nil
}

// The reported breaks, as moderators typed them.
func TestSpoilerBreaksAsTyped(t *testing.T) {
	for _, text := range []string{
		"Fine.\n\n||X|||\n\nAfter.",
		"A stray || here.\n\n||X the end||\n\nand || there.",
		"Some `code\n\n||X ending||\n\nmore` code.",
		"```\n\n||X||\n\n```",
		"||X ends with a backslash\\||",
		"||X ends with a bar|||",
		"[link\n\n||X||\n\n](http://x)",
	} {
		ex, err := parseReview(manageEN, text)
		if err != nil {
			t.Fatal(err)
		}
		wantX := 0
		for _, e := range ex {
			if e.Spoiler {
				wantX += strings.Count(e.Text, "X")
			}
		}
		if wantX == 0 {
			t.Fatalf("%q: no spoiler parsed", text)
		}
		checkReview(t, 0, ex, wantX)
	}
}

func FuzzSpoilers(f *testing.F) {
	f.Add("before `", "X|||X", "after || `")
	f.Add("[a", "X\\", "](u)")
	f.Fuzz(func(t *testing.T, a, spoiler, b string) {
		a, b = strings.ReplaceAll(a, "X", "o"), strings.ReplaceAll(b, "X", "o")
		var ex []storage.Excerpt
		for _, p := range []storage.Excerpt{{Text: a}, {Text: spoiler, Spoiler: true}, {Text: b}} {
			if p.Text = strings.TrimSpace(p.Text); p.Text != "" {
				ex = append(ex, p)
			}
		}
		if len(ex) == 0 {
			return
		}
		checkReview(t, 0, ex, strings.Count(strings.TrimSpace(spoiler), "X"))
	})
}

// escapeClipByRunes is escapeClip as first written, one rune at a time
// over []rune(s): the reference the faster version must agree with.
func escapeClipByRunes(s string, room int, special string) string {
	var b strings.Builder
	n, total := 0, utf8.RuneCountInString(s)
	for k, r := range []rune(s) {
		w := 1
		if r < utf8.RuneSelf && strings.ContainsRune(special, r) {
			w = 2
		}
		if n+w > room || (n+w == room && k < total-1) {
			return strings.TrimRight(b.String(), " \n") + "…"
		}
		if w == 2 {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		n += w
	}
	return b.String()
}

func FuzzEscapeClip(f *testing.F) {
	for _, s := range []string{"", "plain text", "a|b`c[d]e\\", "||spoiler|| ends", "émoji 🎬 and \xff bad", strings.Repeat("x|", 40)} {
		f.Add(s, 10)
		f.Add(s, 1)
		f.Add(s, 200)
	}
	f.Fuzz(func(t *testing.T, s string, room int) {
		room = max(room%300, 1)
		for _, special := range []string{plainPunct, markdownPunct} {
			if got, want := escapeClip(s, room, special), escapeClipByRunes(s, room, special); got != want {
				t.Fatalf("escapeClip(%q, %d) = %q, want %q", s, room, got, want)
			}
		}
	})
}
