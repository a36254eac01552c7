package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/filmbot/filmbot/playground"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/tmdb"
)

// TestPlaygroundInBrowser drives the playground page in headless Chromium:
// the real bot, connected to the sandbox through the gateway, answers what
// a person types and clicks. Screenshots of each step go to a folder named
// in the output.
func TestPlaygroundInBrowser(t *testing.T) {
	t.Parallel()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("FILMBOT_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed (apt-get install chromium)")
		}
		t.Skip("no chromium: the browser test needs Debian's chromium package")
	}
	// No TMDB token: the sandbox plays TMDB, as in the playground.
	l := startLive(t, sandbox.Options{TMDB: true})
	web := httptest.NewUnstartedServer(nil)
	page, err := playground.Handler(l.sb.URL, web.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	web.Config.Handler = page
	web.Start()
	defer web.Close()

	// The screenshots are kept for a run that failed, and removed with
	// the rest of the test's files otherwise; FILMBOT_SCREENSHOTS=DIR
	// keeps them in DIR (docs/playground.png is its 05-spoiler-revealed.png;
	// docs/filmcard.png its filmcard.png, taken by playground/filmcard.sh).
	shots, err := os.MkdirTemp("", "filmbot-playground-")
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("FILMBOT_SCREENSHOTS"); dir != "" {
		os.RemoveAll(shots)
		if shots, err = filepath.Abs(dir); err != nil || os.MkdirAll(shots, 0o755) != nil {
			t.Fatalf("FILMBOT_SCREENSHOTS=%s: %v", dir, err)
		}
	}
	t.Cleanup(func() {
		if os.Getenv("FILMBOT_SCREENSHOTS") != "" {
			t.Logf("screenshots of each step: %s", shots)
			return
		}
		if t.Failed() {
			t.Logf("screenshots of each step: %s", shots)
			return
		}
		os.RemoveAll(shots)
	})

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1200, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first Run starts the browser, which lives as long as ctx: the
	// timeout goes on a context derived after that.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	step := 0
	// parasiteCard is the last film card of Parasite (its Rate menu).
	const parasiteCard = `[...document.querySelectorAll('#messages .msg')].filter((m) => m.innerText.includes('Bong Joon-ho') && m.querySelector('.container select')).slice(-1)[0]`
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			step++
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, fmt.Sprintf("%02d-%s.png", step, name)), png, 0o644)
		})
	}
	js := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool]("(() => { "+expr+"; return true })()")(ctx, tg)
			return err
		})
	}
	// cardShot keeps one message (the element expression msg finds) alone,
	// at twice the page's scale, as name.png (unnumbered: a documentation
	// image, see FILMBOT_SCREENSHOTS).
	cardShot := func(name, msg string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			// A window tall enough for the whole message, scrolled to it;
			// then the window as it was.
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(960, 2000), js(msg+`.scrollIntoView({block: 'center'})`)); err != nil {
				return err
			}
			png, err := chromedp.ScreenshotScale(chromedp.JSPath(msg), 2)(ctx, tg)
			if err != nil {
				return err
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 900)); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		})
	}
	// waitText waits until the last element matching sel shows text.
	waitText := func(sel, text string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](fmt.Sprintf(`(() => { const els = document.querySelectorAll(%q); return els.length > 0 && els[els.length-1].innerText.includes(%q); })()`, sel, text),
				chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
			if err != nil {
				return fmt.Errorf("waiting for %q in %s: %w", text, sel, err)
			}
			return nil
		})
	}
	lastButton := func(label string) chromedp.JSPath {
		return chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll('#messages button')].filter(b => b.textContent.includes(%q)).slice(-1)`, label))
	}
	// send puts a whole line in the composer, as pasted, and presses
	// Enter; it notes how many messages the view held, for waitReply.
	send := func(line string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(js(fmt.Sprintf(`const i = document.getElementById('input'); i.value = %q; i.focus(); document.getElementById('palette').hidden = true;
			window.sentAfter = document.querySelectorAll('#messages .msg').length`, line)), chromedp.KeyEvent("\r"))
	}
	// shown waits until the page has drawn the view chosen last (a
	// member, a channel) from what the sandbox holds.
	shown := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`document.getElementById('messages').dataset.view === document.body.dataset.view`, chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
		if err != nil {
			return fmt.Errorf("waiting for the view to be drawn: %w", err)
		}
		return nil
	})
	member := func(k int) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(js(fmt.Sprintf(`const m = document.getElementById('member'); m.value = '%d'; m.dispatchEvent(new Event('change'))`, k)), shown)
	}
	channel := func(id string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(js(fmt.Sprintf(`document.querySelector('[data-chan="%s"]').click()`, id)), shown)
	}
	// A reader in UTC with an American English browser, so that times
	// read the same on every machine.
	emulate := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "UTC"}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "en_US"})
		return err
	})
	if err := chromedp.Do(ctx, emulate, chromedp.Navigate(web.URL)); err != nil {
		t.Fatalf("browser: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`)),
		member(2), // Vi, an ordinary member

		send("/review film:anora"),
		waitReply("Excerpt 1 of 12"),
		shot("review-anora"),

		chromedp.Click(lastButton("Next")),
		waitText("#messages .msg", "Excerpt 2 of 12"),
		shot("next"),

		send("/review film:anora excerpt:11"),
		waitReply("Excerpt 11 of 12"),
		chromedp.WaitVisible(chromedp.CSS(`span.spoiler`)),
		js(`window.kept = [...document.querySelectorAll('#messages .msg')].slice(-1)[0]`),
		shot("spoiler-hidden"),
	)
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`'note=' + document.getElementById('note').innerText + ' | input=' + document.getElementById('input').value + ' | ' + document.getElementById('messages').innerText.slice(0, 300)`))
		t.Fatalf("browser: %v (screenshots so far in %s)\npage: %s", err, shots, state)
	}
	// The excerpt's spoiler paragraph is a layout card's spoiler
	// container, hidden whole, its text's own spoiler markup inside.
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('span.spoiler, .spoiler-box')].every(s => !s.classList.contains('revealed')) &&
		!!window.kept.querySelector('.container.spoiler-box .spoiler-inner[inert] span.spoiler')`))
	if err != nil || !hidden {
		t.Errorf("a spoiler was shown before it was clicked, or the excerpt's is not in a spoiler container (%v)", err)
	}
	banner, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("banner")))
	err = chromedp.Do(ctx,
		// A click on the text's spoiler reaches the container first: it
		// shows the container, still hiding the text; a second click
		// shows the text.
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('span.spoiler')].slice(-1)`)),
		chromedp.WaitVisible(chromedp.JSPath(`window.kept.querySelector('.spoiler-box.revealed')`)),
		js(`if (window.kept.querySelector('span.spoiler.revealed')) throw new Error('one click showed the container and its text')`),
		shot("spoiler-container-revealed"),
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('span.spoiler')].slice(-1)`)),
		chromedp.WaitVisible(chromedp.CSS(`span.spoiler.revealed`)),
		shot("spoiler-revealed"),

		chromedp.SendKeys(chromedp.ID("input"), "/film film:anroa"),
		waitText("#palette", "Anora (2024)"),
		shot("autocomplete"),
		chromedp.KeyEvent("\t"),
		chromedp.KeyEvent("\r"),
		waitText("#messages .msg", "139 min"),

		send("/rate film:anora score:8"),
		waitReply("★★★★"),
		shot("rated"),

		// A film the catalog lacks: TMDB's stand-in suggests it after the
		// catalog's films; picked, its card comes with TMDB's notice.
		js(`document.getElementById('input').value = ''`),
		chromedp.SendKeys(chromedp.ID("input"), "/film film:parasi"),
		waitText("#palette", "Parasite (2019)"),
		shot("tmdb-suggested"),
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('#palette .pal-item')].filter((el) => el.innerText.includes('Parasite (2019)')).slice(0, 1)`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`/film:\S/.test(document.getElementById('input').value) && (document.getElementById('palette').hidden || !state.enterTakes)`, chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
			return err
		}),
		js(`window.sentAfter = document.querySelectorAll('#messages .msg').length`),
		chromedp.KeyEvent("\r"),
		waitReply("Parasite (2019)"),
		waitReply(tmdb.Attribution),
		// Its poster, drawn by the stand-in, is shown (loaded, not broken)
		// as the thumbnail beside the title in the layout card.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`(() => { const imgs = [...document.querySelectorAll('#messages .container .section-accessory img.thumbnail')]; const i = imgs[imgs.length-1]; return !!i && i.complete && i.naturalWidth > 0; })()`, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			if err != nil {
				return fmt.Errorf("the TMDB card's poster never loaded: %w", err)
			}
			return nil
		}),
		shot("tmdb-card"),
		// Typed, not picked: the same card.
		send("/film film:parasite"),
		waitReply("Parasite (2019)"),
		waitReply("Bong Joon-ho"),
		waitReply(tmdb.Attribution),
		// Right-click on the card: Apps ▸ Films in this message, answered
		// only to who asked, with the card's Rate menu and a watchlist
		// button.
		js(`const m = [...document.querySelectorAll('#messages .msg')].slice(-1)[0]; const r = m.getBoundingClientRect();
			m.querySelector('.body').dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, cancelable: true, clientX: r.left + 40, clientY: r.top + 10}))`),
		chromedp.WaitVisible(chromedp.ID("ctx-apps")),
		chromedp.Click(chromedp.ID("ctx-apps")),
		chromedp.WaitVisible(chromedp.CSS(`#ctxmenu .ctx-item[data-app="Films in this message"]`)),
		shot("right-click"),
		chromedp.Click(chromedp.CSS(`#ctxmenu .ctx-item[data-app="Films in this message"]`)),
		waitText("#messages .msg", "used Films in this message"),
		waitText("#messages .msg", "Add to watchlist: Parasite (2019)"),
		waitText("#messages .msg", "Only you can see this"),
		shot("films-in-message"),

		// Rating from the film card's menu, inside its layout card, updates
		// the card. Anora has no poster: no thumbnail.
		send("/film film:anora"),
		waitReply("This server's rating"),
		js(`const m = [...document.querySelectorAll('#messages .msg')].slice(-1)[0];
			if (!m.querySelector('.layout > .container.accent select[data-id^="rate:"]') || m.querySelector('.layout > :not(.container) select')) throw new Error('the Rate menu is not inside the card: ' + m.innerHTML.slice(0, 400));
			if (m.querySelector('img.thumbnail')) throw new Error('a thumbnail on a card without a poster')`),
		js(`const s = [...document.querySelectorAll('#messages .container select')].slice(-1)[0]; s.value = '9'; s.dispatchEvent(new Event('change', {bubbles: true}))`),
		waitText("#messages .msg", "9.0/10"),
		shot("card-rated"),
		// A card with a poster, rated from its menu: docs/filmcard.png
		// (playground/filmcard.sh).
		send("/film film:parasite"),
		waitReply("Bong Joon-ho"),
		js(`const s = [...document.querySelectorAll('#messages .container select')].slice(-1)[0]; s.value = '9'; s.dispatchEvent(new Event('change', {bubbles: true}))`),
		// The card itself shows the rating (and its poster, loaded).
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`(() => { const m = `+parasiteCard+`; const imgs = m ? [...m.querySelectorAll('img')] : [];
				return !!m && m.innerText.includes('9.0/10') && imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0); })()`, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			if err != nil {
				return fmt.Errorf("the rated card's poster never loaded: %w", err)
			}
			return nil
		}),
		cardShot("filmcard", parasiteCard),
		// Messages are drawn in place: one that has not changed is the
		// same node however many answers came after it, its spoiler shown.
		js(`if (!window.kept.isConnected || !window.kept.innerText.includes('Excerpt 11 of 12') || !window.kept.querySelector('.spoiler-box.revealed .spoiler.revealed')) throw new Error('an unchanged message was drawn again')`),

		member(0), // Mo, a moderator
		send("/manage review add film:anora"),
		chromedp.WaitVisible(chromedp.ID("modal-form")),
		waitText("#modal-title", "Review of Anora"),
		chromedp.SendKeys(chromedp.ID("f-text"), "Madison is astonishing.\n\n||The last scene.||"),
		shot("review-form"),
		chromedp.Click(chromedp.ID("modal-submit")),
		waitText("#messages", "New review by"),
		waitText("#messages", "Thread: Anora (2024)"),
		// Names are names: the review is credited to Mo, not "Mo (moderator)".
		js(`if (/\(moderator\)/.test(document.getElementById('messages').innerText)) throw new Error('a role in a name: ' + document.getElementById('messages').innerText.slice(-300))`),
		shot("announced"),

		// A movie night: a second film, a poll members vote in.
		send("/manage film add"),
		chromedp.WaitVisible(chromedp.ID("modal-form")),
		chromedp.SendKeys(chromedp.ID("f-title"), "Tangerine"),
		chromedp.SendKeys(chromedp.ID("f-year"), "2015"),
		chromedp.Click(chromedp.ID("modal-submit")),
		waitText("#messages", "Added Tangerine (2015)"),
		send(`/movienight plan starts:"in 2 days" candidates:"anora, tangerine" where:"#Screening room"`),
		waitText("#messages .poll", "Tangerine (2015)"),
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('#messages .poll .vote')].slice(-1)[0]`)),
		waitText("#messages .poll", "1 vote"),
		// The announcement's times: the poll closes <t:…:F> (<t:…:R>).
		js(`const ts = [...document.querySelectorAll('#messages .msg')].filter((m) => m.innerText.includes('Vote for the film')).slice(-1)[0].querySelectorAll('.ts');
			if (ts.length < 3 || !/^[A-Z][a-z]+day, [A-Z][a-z]+ \d+, \d{4} \d+:\d\d [AP]M$/.test(ts[0].textContent) || !/^in (a|an|\d+) (day|hours?)$/.test(ts[1].textContent))
				throw new Error('timestamps drawn as ' + [...ts].map((t) => t.textContent).join(' | '))`),
		shot("poll"),
		js(`if (!document.getElementById('note').hidden && /Not counted/.test(document.getElementById('note').innerText)) throw new Error('vote reported as failed: ' + document.getElementById('note').innerText)`),
		// Its host ends it now (a member who is not would see no button).
		js(`if (renderPoll({id: '1', poll_host: '1', poll: {question: {text: 'q'}, answers: [], expiry: new Date(Date.now() + 3600e3).toISOString()}}).includes('End poll')) throw new Error('End poll now offered to a member who is not the host')`),
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('#messages .poll .end-poll')].slice(-1)`)),
		waitText("#messages .poll", "Poll closed"),
		waitText("#messages", "Tonight's film"),
	)
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('palette').outerHTML + ' | input=' + document.getElementById('input').value`))
		t.Fatalf("browser: %v (screenshots so far in %s)\npage: %s", err, shots, state)
	}
	if !strings.Contains(banner, "not Discord") {
		t.Errorf("banner %q does not say this is a sandbox", banner)
	}
	playgroundDrawsLayoutCards(t, ctx, js, shot)
	playgroundBehavesLikeDiscord(t, ctx, js, waitText, send, member, channel, shown, shot)
	playgroundSpeaksTheMembersLanguage(t, ctx, l.sb, js, waitText, send, member, shot)
	l.noViolations()
}

// playgroundBehavesLikeDiscord checks what a newcomer expects of a
// Discord client: each view shows its own messages, suggestions send
// their value, the / list and the checks before sending follow the
// member's rights, files can be attached, a double click sends once.
func playgroundBehavesLikeDiscord(t *testing.T, ctx context.Context, js func(string) chromedp.Action[chromedp.Void], waitText func(sel, text string) chromedp.Action[chromedp.Void],
	send func(string) chromedp.Action[chromedp.Void], member func(int) chromedp.Action[chromedp.Void], channel func(string) chromedp.Action[chromedp.Void], shown chromedp.Action[chromedp.Void], shot func(string) chromedp.Action[chromedp.Void]) {
	t.Helper()
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	typeLine := func(line string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(js(`document.getElementById('input').value = ''`), chromedp.SendKeys(chromedp.ID("input"), line))
	}
	msgCount := `String(document.querySelectorAll('#messages .msg').length)`
	palette := `document.getElementById('palette').hidden ? '' : document.getElementById('palette').innerText`

	// Discord's timestamps in every style, as its client shows them.
	styles := eval(`['t', 'T', 'd', 'D', 'f', 'F', ''].map((s) => md('<t:1776000000' + (s ? ':' + s : '') + '>').replace(/<[^>]+>/g, '')).join(' | ')`)
	if want := "1:20 PM | 1:20:00 PM | 04/12/2026 | April 12, 2026 | April 12, 2026 1:20 PM | Sunday, April 12, 2026 1:20 PM | April 12, 2026 1:20 PM"; styles != want {
		t.Errorf("timestamps:\n got %s\nwant %s", styles, want)
	}
	rel := eval(`[14 * 3600 + 300, 30, -90, 20 * 60, -3 * 86400, 40 * 86400, 3 * 365 * 86400].map((d) => timestamp(Math.floor(Date.now() / 1000) + d, 'R')).join(' | ')`)
	if want := "in 14 hours | in a few seconds | 2 minutes ago | in 20 minutes | 3 days ago | in a month | in 3 years"; rel != want {
		t.Errorf("relative timestamps:\n got %s\nwant %s", rel, want)
	}
	// Vi: the / list holds no moderator or admin commands.
	if err := chromedp.Do(ctx, member(2), typeLine("/"), waitText("#palette", "/review")); err != nil {
		t.Fatal(err)
	}
	if p := eval(palette); strings.Contains(p, "/manage") || strings.Contains(p, "/settings") {
		t.Errorf("a member's / list shows commands hidden from members:\n%s", p)
	}
	// Checked before sending, as Discord's client does.
	before := eval(msgCount)
	for line, want := range map[string]string{"/rate film:anora score:11": "at most 10", "/review": "Fill in film:"} {
		if err := chromedp.Do(ctx, send(line), waitText("#note", want)); err != nil {
			t.Errorf("%s: %v", line, err)
		}
	}
	if after := eval(msgCount); after != before {
		t.Errorf("a line Discord would not send was sent (%s → %s messages)", before, after)
	}
	// A picked suggestion sends its value; options given are not offered again.
	err := chromedp.Do(ctx,
		typeLine("/review film:anora by:"),
		waitText("#palette", "Featured review"),
		js(`document.querySelectorAll('.pal-item').forEach((el) => el.classList.remove('sel'))`),
		// The newest review is first: move on to the featured one.
		js(`document.getElementById('input').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true}))`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.querySelector('.pal-item.sel') && document.querySelector('.pal-item.sel').innerText.includes('Featured review')`, chromedp.WithPollingTimeout(3*time.Second))(ctx, tg)
			return err
		}),
		chromedp.KeyEvent("\r"), // takes the highlighted suggestion
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`/ by:\S/.test(document.getElementById('input').value) && !state.enterTakes`, chromedp.WithPollingTimeout(3*time.Second))(ctx, tg)
			return err
		}),
		chromedp.KeyEvent("\r"), // sends
		waitText("#messages .msg", "Excerpt 1 of 12"),
		typeLine(`/review film:"Anora (2024)" by:`),
		waitText("#palette", "Featured review"),
		typeLine("/review film:anora "),
		waitText("#palette", "excerpt:"),
	)
	if err != nil {
		t.Fatalf("suggestions: %v\nnote=%s input=%s palette=%s\nlast=%s", err, eval(`document.getElementById('note').innerText`), eval(`document.getElementById('input').value`), eval(palette),
			eval(`[...document.querySelectorAll('#messages .msg')].slice(-1).map(m => m.innerText).join('')`))
	}
	if p := eval(palette); strings.Contains(p, "film:") {
		t.Errorf("an option already given is offered again:\n%s", p)
	}
	if m := eval(`[...document.querySelectorAll('#messages .msg')].slice(-1)[0].innerText`); strings.Contains(m, "No review by") {
		t.Errorf("the suggestion's display name was sent instead of its value: %s", m)
	}
	// Typing cancels suggestions still on their way: film suggestions
	// held back until the line goes on to excerpt:2 must not reopen the
	// list, or Enter would take one and drop excerpt:2.
	err = chromedp.Do(ctx,
		js(`window.held = []; window.realFetch = window.realFetch || window.fetch;
			window.fetch = (url, o) => (o && o.body && o.body.includes('"autocomplete":"film"')) ? new Promise((r) => window.held.push(() => r(window.realFetch(url, o)))) : window.realFetch(url, o)`),
		typeLine("/review film:anora"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`window.held.length > 0`, chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
			return err
		}),
		chromedp.SendKeys(chromedp.ID("input"), " excerpt:2"),
		js(`window.fetch = window.realFetch; window.waitFor = Number(document.body.dataset.suggested || 0) + window.held.length; window.held.forEach((go) => go())`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`Number(document.body.dataset.suggested || 0) >= window.waitFor`, chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
			return err
		}),
		chromedp.KeyEvent("\r"),
		waitText("#messages .msg", "Excerpt 2 of"),
	)
	if err != nil {
		t.Errorf("late suggestions: %v (input %q, palette %q)\nlast: %s", err, eval(`document.getElementById('input').value`), eval(palette),
			eval(`[...document.querySelectorAll('#messages .msg')].slice(-1).map(m => m.innerText).join('')`))
	}
	// Each view shows only its own messages.
	if err := chromedp.Do(ctx, channel("200000000000000002")); err != nil {
		t.Fatal(err)
	}
	if n := eval(msgCount); n != "0" {
		t.Errorf("the empty #reviews channel shows %s messages", n)
	}
	if err := chromedp.Do(ctx, member(1)); err != nil { // Ada, in #general
		t.Fatal(err)
	}
	if n := eval(`String(document.querySelectorAll('#messages .ephemeral-note').length)`); n != "0" {
		t.Errorf("Ada sees %s of other members' private answers", n)
	}
	if err := chromedp.Do(ctx, send("/settings show"), waitText("#messages .msg", "Moderator role"), shot("admin-settings")); err != nil {
		t.Errorf("/settings show as the server admin: %v", err)
	}
	// A file option takes a file.
	file := filepath.Join(t.TempDir(), "review.txt")
	os.WriteFile(file, []byte("Shot on film.\n\nA second paragraph."), 0o644)
	err = chromedp.Do(ctx,
		member(0),
		typeLine(`/manage review add film:anora reviewer:Mo pull_quote:"A quiet triumph." file:`),
		js(`document.getElementById('file').dataset.option = 'file'`),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.getElementById('input').value.includes('file:review.txt')`, chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
			return err
		}),
		chromedp.KeyEvent("\r"),
		waitText("#messages .msg", "Posted Mo's review"),
		shot("file-review"),
	)
	if err != nil {
		t.Errorf("file option: %v (input %q)", err, eval(`document.getElementById('input').value`))
	}
	// The review form's file upload (a label's File Upload): the picker
	// takes .txt/.md, the file is uploaded and the bot posts its review.
	md := filepath.Join(t.TempDir(), "form-review.md")
	os.WriteFile(md, []byte("Filed from the form.\n\nAnd its second paragraph."), 0o644)
	err = chromedp.Do(ctx,
		member(0),
		send("/manage review add film:anora"),
		chromedp.WaitVisible(chromedp.ID("modal-form")),
		js(`const f = document.getElementById('f-file'); if (!f || f.type !== 'file' || f.accept !== '.txt,.md' || f.required) throw new Error('no optional .txt/.md picker: ' + document.getElementById('modal-fields').innerHTML.slice(0, 500));
			if (!document.querySelector('#modal-fields .form-desc')) throw new Error('no descriptions under the labels');
			document.getElementById('f-reviewer').value = 'Filer'; document.getElementById('f-quote').value = 'Filed well.'`),
		chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{md}),
		shot("review-form-upload"),
		chromedp.Click(chromedp.ID("modal-submit")),
		waitText("#messages .msg", "Posted Filer's review"),
		// A radio group is drawn as radios, its default checked.
		js(`openModal({id: '0', modal: {title: 'Rate Anora', custom_id: 'x', components: [{type: 18, label: 'Your score', description: '10 is the best.', component: {type: 21, custom_id: 'score', options: [{value: '10', label: '10/10'}, {value: '9', label: '9/10', default: true}]}}]}});
			const rs = document.querySelectorAll('#f-score input[type=radio]');
			if (rs.length !== 2 || document.querySelector('#f-score input:checked').value !== '9') throw new Error('radio group drawn as ' + document.getElementById('modal-fields').innerHTML);
			document.getElementById('modal').hidden = true`),
	)
	if err != nil {
		t.Errorf("review form's upload: %v", err)
	}
	// Members, channels and roles are picked from the server's, as in
	// Discord's client, and go as ids; a name typed whole is found too.
	pickItem := func(label string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Click(chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll('#palette .pal-item')].filter((el) => el.innerText.includes(%q)).slice(0, 1)`, label))),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Poll[bool](fmt.Sprintf(`document.getElementById('input').value.includes(%q)`, label), chromedp.WithPollingTimeout(3*time.Second))(ctx, tg)
				return err
			}))
	}
	err = chromedp.Do(ctx, member(2), typeLine("/compare member:"), waitText("#palette", "@Mo"))
	if err != nil {
		t.Fatalf("member picker: %v", err)
	}
	if p := eval(palette); !strings.Contains(p, "moderator") || !strings.Contains(p, "@Ada") || strings.Contains(p, "@Oz") {
		t.Errorf("the member picker does not offer this server's members with their roles:\n%s", p)
	}
	err = chromedp.Do(ctx,
		pickItem("@Mo"),
		chromedp.KeyEvent("\r"),
		waitText("#messages .msg", "You and @Mo"),
		send("/watchlist show member:Ada"),
		waitReply("@Ada's watchlist"),
		send("/compare member:Nobody"),
		waitText("#note", "Pick a member for member:"),
		typeLine("/movienight plan where:"),
		waitText("#palette", "Screening room"),
	)
	if err != nil {
		t.Errorf("member and channel options: %v\nnote=%s input=%s palette=%s", err, eval(`document.getElementById('note').innerText`), eval(`document.getElementById('input').value`), eval(palette))
	}
	if p := eval(palette); strings.Contains(p, "#general") {
		t.Errorf("a text channel is offered for a voice channel option:\n%s", p)
	}
	// Files show as in Discord: a card with the name, the size and a
	// download link; images inline; a file an embed shows, once.
	err = chromedp.Do(ctx,
		send("/export letterboxd"),
		waitReply("Upload the file"),
		waitText("#messages .msg .file", "letterboxd-ratings.csv"),
		shot("file"),
	)
	if err != nil {
		t.Errorf("export: %v", err)
	} else {
		card := eval(`[...document.querySelectorAll('#messages .msg')].slice(-1)[0].querySelector('.file').innerText`)
		href := eval(`[...document.querySelectorAll('#messages .msg')].slice(-1)[0].querySelector('.file a[download]').href`)
		if !regexp.MustCompile(`\d+(\.\d\d)? (bytes|KB)`).MatchString(card) {
			t.Errorf("the file card shows no size: %q", card)
		}
		res, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(string(body), "Title,Year") {
			t.Errorf("download %s: %d %.80q", href, res.StatusCode, body)
		}
	}
	if h := eval(`renderAttachments({embeds: [], attachments: [{filename: 'still.png', content_type: 'image/png', url: '/attachments/1/still.png', size: 2048}]})`); !strings.Contains(h, `<img src="/attachments/1/still.png"`) {
		t.Errorf("an image is not shown inline: %s", h)
	}
	if h := eval(`renderAttachments({embeds: [{image: {url: 'attachment://ratings.png'}}], attachments: [{filename: 'ratings.png', content_type: 'image/png', url: '/attachments/2/ratings.png', size: 2048}]})`); h != "" {
		t.Errorf("a chart an embed shows is shown again: %s", h)
	}
	err = chromedp.Do(ctx,
		member(1), // Ada, the server admin
		typeLine("/settings host-role role:"),
		waitText("#palette", "@Moderators"),
		pickItem("@Moderators"),
		chromedp.KeyEvent("\r"),
		waitText("#messages .msg", "Movie-night host role: @Moderators"),
		shot("picked-role"),
	)
	if err != nil {
		t.Errorf("role option: %v\nnote=%s input=%s palette=%s", err, eval(`document.getElementById('note').innerText`), eval(`document.getElementById('input').value`), eval(palette))
	}
	// The view scrolls to the bottom once the chart has loaded.
	err = chromedp.Do(ctx,
		send("/ratings film:anora"),
		waitReply("The verdict on"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`(() => { const imgs = [...document.querySelectorAll('#messages img')]; const b = document.getElementById('messages');
				return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalHeight > 0) && b.scrollTop + b.clientHeight >= b.scrollHeight - 2; })()`, chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
			return err
		}),
	)
	if err != nil {
		t.Errorf("the chart is cut off (not scrolled after it loaded): %v", err)
	}
	// A double click sends one click.
	err = chromedp.Do(ctx,
		send("/review film:anora"),
		waitReply("Excerpt 1 of"),
		js(`const b = [...document.querySelectorAll('#messages button')].filter(b => b.textContent.includes('Next')).slice(-1)[0]; b.click(); b.click()`),
		waitText("#note", "still on its way"),
		waitText("#messages .msg", "Excerpt 2 of"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`state.busy.size === 0`, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			return err
		}),
	)
	if err != nil {
		t.Errorf("double click: %v", err)
	} else if m := eval(`[...document.querySelectorAll('#messages .msg')].slice(-1)[0].innerText`); !strings.Contains(m, "Excerpt 2 of") {
		t.Errorf("a double click went twice:\n%s", m)
	}
	// Members write in channels and in a review's thread, which opens
	// with the announcement; a blank line after its pull quote is one line.
	err = chromedp.Do(ctx,
		member(2),
		send("Has anyone seen Anora?"),
		waitReply("Has anyone seen Anora?"),
	)
	if err != nil {
		t.Errorf("writing in a channel: %v (note %q)", err, eval(`document.getElementById('note').innerText`))
	} else if who := eval(`[...document.querySelectorAll('#messages .msg')].slice(-1)[0].querySelector('.name').innerText`); who != "Vi" {
		t.Errorf("a member's message is signed %q", who)
	}
	gap := eval(`(() => { const m = [...document.querySelectorAll('#messages .msg')].filter((m) => m.innerText.includes('New review by')).slice(-1)[0];
		const d = m.querySelector('.embed .desc'), q = d.querySelector('blockquote'), lh = parseFloat(getComputedStyle(d).lineHeight);
		let n = q.nextSibling; while (n && !(n.nodeType === 3 && /\S/.test(n.data))) n = n.nextSibling;
		const first = document.createRange(); const k = n.data.search(/\S/); first.setStart(n, k); first.setEnd(n, k + 1);
		return ((first.getBoundingClientRect().top - q.getBoundingClientRect().bottom) / lh).toFixed(1); })()`)
	if g, _ := strconv.ParseFloat(gap, 64); g > 1.6 {
		t.Errorf("the gap after the pull quote is %s lines (a blank line is one)", gap)
	}
	err = chromedp.Do(ctx,
		js(`[...document.querySelectorAll('#messages [data-thread]')].slice(-1)[0].click()`),
		shown,
		waitText("#messages .msg.starter", "New review by"),
		send("The last scene stays with me."),
		waitReply("The last scene stays with me."),
		shot("thread"),
	)
	if err != nil {
		t.Errorf("a review's thread: %v (note %q)", err, eval(`document.getElementById('note').innerText`))
	}
	// A narrow window (420 px): the conversation takes the width, and
	// nothing runs off the side.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(420, 800),
		member(2),
		send("/film film:anora"),
		waitReply("139 min"),
		shot("narrow"),
	)
	if err != nil {
		t.Errorf("narrow window: %v", err)
	}
	if over := eval(`(() => { const w = document.documentElement.clientWidth; const main = document.querySelector('main').getBoundingClientRect();
		const out = [...document.querySelectorAll('#messages .msg *, #composer *')].filter((e) => e.getBoundingClientRect().right > w + 1).map((e) => e.className || e.tagName);
		return (main.width < w * 0.9 ? 'main is ' + Math.round(main.width) + 'px wide; ' : '') + (document.documentElement.scrollWidth > w ? 'the page scrolls sideways; ' : '') + (document.getElementById('input').getBoundingClientRect().bottom > innerHeight ? 'the composer is below the window; ' : '') + (out.length ? 'off the side: ' + out.slice(0, 5).join(', ') : ''); })()`); over != "" {
		t.Errorf("at 420 px: %s", over)
	}
}

// playgroundSpeaksTheMembersLanguage: a person picks a language; the
// command list and options show as Discord's client shows them in it
// (each field's localization for it, English where there is none), a
// line typed with localized names and choices goes by their names and
// values, and the interactions carry the member's locale and the
// server's language as picked.
func playgroundSpeaksTheMembersLanguage(t *testing.T, ctx context.Context, sb *sandbox.Server, js func(string) chromedp.Action[chromedp.Void], waitText func(sel, text string) chromedp.Action[chromedp.Void],
	send func(string) chromedp.Action[chromedp.Void], member func(int) chromedp.Action[chromedp.Void], shot func(string) chromedp.Action[chromedp.Void]) {
	t.Helper()
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	pick := func(id, value, flag string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(js(fmt.Sprintf(`const s = document.getElementById(%q); s.value = %q; s.dispatchEvent(new Event('change'))`, id, value)),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Poll[bool](fmt.Sprintf(`document.body.dataset.%s === %q`, flag, value), chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
				return err
			}))
	}
	// What Discord's client shows a Russian member for /review: its
	// Russian description, or its own where it has none.
	var want string
	for _, d := range sb.Commands("") {
		if d.Name == "review" {
			want = d.Description
			if d.DescriptionLocalizations != nil && (*d.DescriptionLocalizations)["ru"] != "" {
				want = (*d.DescriptionLocalizations)["ru"]
			}
		}
	}
	if want == "" {
		t.Fatal("no /review registered")
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1200, 900),
		pick("locale", "ru", "locale"),
		member(2), // Vi
		js(`document.getElementById('input').value = ''`),
		chromedp.SendKeys(chromedp.ID("input"), "/"),
		waitText("#palette", want),
		shot("russian-commands"),
	)
	if err != nil {
		t.Fatalf("the command list in Russian: %v\npalette: %s", err, eval(`document.getElementById('palette').innerText`))
	}
	// Localized names, descriptions and choices, as Discord's client
	// renders them, on a made-up definition; the line goes by names and
	// values.
	got := eval(`(() => { const saved = state.commands; state.commands = [{name: 'pick', description: 'Pick', description_localizations: {ru: 'Выбрать'},
		options: [{type: 3, name: 'order', description: 'Order', name_localizations: {ru: 'порядок'}, description_localizations: {ru: 'Порядок'},
		choices: [{name: 'Newest', value: 'new', name_localizations: {ru: 'Сначала новые'}}, {name: 'Best', value: 'best'}]}]}];
		const pal = () => document.querySelector('#palette .pal-head').textContent + ': ' + [...document.querySelectorAll('#palette .pal-item')].map((el) => el.firstChild.textContent + '=' + el.querySelector('.desc').textContent).join(', ');
		try {
			const i = document.getElementById('input'), out = [];
			i.value = '/pi'; onInput(); out.push(pal());
			i.value = '/pick '; onInput(); out.push(pal());
			i.value = '/pick порядок:'; onInput(); out.push(pal());
			out.push(wire(parse('/pick порядок:"Сначала новые"')), wire(parse('/pick order:Best')));
			i.value = ''; document.getElementById('palette').hidden = true;
			return out.join(' | ');
		} finally { state.commands = saved } })()`)
	if w := "Commands: /pick=Выбрать | Options: порядок:=(optional) Порядок | Choices for порядок: Сначала новые=, Best= | /pick order:new | /pick order:best"; got != w {
		t.Errorf("localized rendering:\n got %s\nwant %s", got, w)
	}
	if rel := eval(`timestamp(Math.floor(Date.now() / 1000) + 3 * 86400 + 60, 'R')`); rel != "через 3 дня" {
		t.Errorf("a relative time in Russian: %q", rel)
	}
	// The interactions carry the member's locale, and the server's
	// language once picked.
	last := func() *sandbox.Interaction {
		var newest *sandbox.Message
		for _, g := range sb.Guilds() {
			for _, c := range g.Channels {
				for _, m := range sb.ChannelMessages(c.ID) {
					if m.InteractionID != "" && (newest == nil || m.Created.After(newest.Created)) {
						newest = m
					}
				}
			}
		}
		if newest == nil {
			t.Fatal("no answer in any channel")
		}
		ix, ok := sb.Interaction(newest.InteractionID)
		if !ok {
			t.Fatalf("interaction %s is gone", newest.InteractionID)
		}
		return ix
	}
	if err := chromedp.Do(ctx, send("/film film:anora"), waitReply("Anora")); err != nil {
		t.Fatal(err)
	}
	if ix := last(); ix.Name != "film" || ix.Locale != "ru" || ix.GuildLocale != "en-US" {
		t.Errorf("/film as a Russian member: %s in %q, server %q", ix.Name, ix.Locale, ix.GuildLocale)
	}
	if err := chromedp.Do(ctx, pick("guild-locale", "de", "guildLocale"), send("/rate film:anora score:7"), waitReply("Anora"), shot("russian-member-german-server")); err != nil {
		t.Fatal(err)
	}
	if ix := last(); ix.Name != "rate" || ix.Locale != "ru" || ix.GuildLocale != "de" {
		t.Errorf("/rate after the server's language was set: %s in %q, server %q", ix.Name, ix.Locale, ix.GuildLocale)
	}
	if l := sb.GuildLocale(sandbox.Viewer.GuildID); l != "de" {
		t.Errorf("the server's language is %q", l)
	}
	if err := chromedp.Do(ctx, pick("locale", "en-US", "locale")); err != nil {
		t.Fatal(err)
	}
	// "In the voice channel" puts the member in the server's voice
	// channel, as the gateway then tells the bot (/recommend group:voice).
	if err := chromedp.Do(ctx, js(`document.getElementById('voice').click()`)); err != nil {
		t.Fatal(err)
	}
	if !eventually(10*time.Second, func() bool { return sb.Voice(sandbox.Viewer.GuildID, sandbox.Viewer.UserID) == "200000000000000004" }) {
		t.Errorf("the voice box did not put the member in the voice channel: %q", sb.Voice(sandbox.Viewer.GuildID, sandbox.Viewer.UserID))
	}
}

// waitReply waits until a message newer than the last line sent is the
// last one and shows text: an earlier message showing it too does not
// count.
func waitReply(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](fmt.Sprintf(`(() => { const els = document.querySelectorAll('#messages .msg'); return els.length > window.sentAfter && els[els.length-1].innerText.includes(%q); })()`, text),
			chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
		if err != nil {
			return fmt.Errorf("waiting for an answer showing %q: %w", text, err)
		}
		return nil
	})
}

// playgroundDrawsLayoutCards draws testdata/layout-card.json, a layout
// card (Components V2) as Discord's docs write one, as a message of the
// page, and checks it is drawn as Discord's client draws it: the
// container a card with its accent colour bar on the left; the section's
// thumbnail on the right of its text; headings, subtext, lists, bold and
// links in text displays; a divider and a gap; the gallery's image and
// the file from the message's files (and no file the card does not
// show); the menu and buttons inside the card sent through the same path
// as any message's; the spoiler container hidden whole until clicked.
func playgroundDrawsLayoutCards(t *testing.T, ctx context.Context, js func(string) chromedp.Action[chromedp.Void], shot func(string) chromedp.Action[chromedp.Void]) {
	t.Helper()
	raw, err := os.ReadFile("testdata/layout-card.json")
	if err != nil {
		t.Fatal(err)
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	// The card as a message of the view, with the files it was sent with
	// (one it does not show), drawn by the page's own renderMessage.
	err = chromedp.Do(ctx, js(`const body = `+string(raw)+`;
		const m = { id: 'fixture-v2', flags: body.data.flags, components: body.data.components, author: null, invocation: 'Vi used /film',
			attachments: [{ filename: 'ratings.png', content_type: 'image/png', url: location.origin + '/attachments/9/ratings.png', size: 4096 },
				{ filename: 'review.md', content_type: 'text/markdown', url: location.origin + '/attachments/9/review.md', size: 2300 },
				{ filename: 'unshown.png', content_type: 'image/png', url: location.origin + '/attachments/9/unshown.png', size: 10 }] };
		document.getElementById('messages').insertAdjacentHTML('beforeend', renderMessage(m));
		window.card = document.querySelector('.msg[data-id="fixture-v2"]'); window.card.scrollIntoView()`),
		shot("layout-card-fixture"))
	if err != nil {
		t.Fatalf("drawing a layout card: %v", err)
	}
	checks := []struct{ what, expr, want string }{
		{"the container's accent bar", `getComputedStyle(card.querySelector('.container.accent')).borderLeftColor + ' ' + getComputedStyle(card.querySelector('.container.accent')).borderLeftWidth`, "rgb(230, 126, 34) 4px"},
		{"the thumbnail, right of the section's text", `(() => { const s = card.querySelector('.section'), i = s.querySelector('.section-accessory img.thumbnail');
			return i.getAttribute('src') + ' ' + (i.getBoundingClientRect().left >= s.querySelector('.section-text').getBoundingClientRect().right) + ' ' + i.alt; })()`, "https://image.tmdb.org/t/p/w342/anora.jpg true Poster of Anora"},
		{"markdown in text displays", `[...card.querySelectorAll('.text-display .md-h2, .text-display b, .text-display .md-sub, .text-display .md-li, .text-display a.link')].map((e) => e.className + ':' + e.textContent).join(' | ')`,
			"md-h2:Anora (2024) | :Sean Baker | md-sub:Drama · Comedy · Romance | md-li:Palme d'Or, Cannes 2024 | md-li:Letterboxd | link:Letterboxd"},
		{"the link's address", `card.querySelector('a.link').href`, "https://letterboxd.com/film/anora/"},
		{"separators", `[...card.querySelectorAll('.separator')].map((e) => e.className + (e.querySelector('hr') ? ' hr' : '')).join(' | ')`, "separator small hr | separator large"},
		{"the gallery's image from the message's files", `[...card.querySelectorAll('.gallery img')].map((i) => i.getAttribute('src')).join(' ')`, "/attachments/9/ratings.png"},
		{"the file component", `card.querySelector('.file').innerText.replace(/\s+/g, ' ').trim()`, "📄 review.md 2.25 KB ⤓"},
		{"no file the card does not show", `String(card.innerHTML.includes('unshown.png'))`, "false"},
		{"the menu and buttons inside the card", `[...card.querySelectorAll('.container select[data-id], .container button[data-id], .container a.link-btn')].map((e) => (e.dataset.id || e.href) + '@' + e.dataset.msg).join(' ')`,
			"rate:anora@fixture-v2 wl:add:anora@fixture-v2 https://www.themoviedb.org/movie/1064213@undefined"},
		{"the spoiler container hidden", `(() => { const b = card.querySelector('.spoiler-box'); return [b.classList.contains('revealed'), getComputedStyle(b.querySelector('.spoiler-inner')).filter !== 'none', b.querySelector('.spoiler-inner').inert, b.querySelector('.spoiler-label').innerText].join(' '); })()`, "false true true SPOILER"},
		{"a message without the flag, as before", `(() => { const h = renderMessage({ id: 'x', flags: 0, content: 'Saved.', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Undo', custom_id: 'u' }] }], attachments: [] });
			return String(!h.includes('layout') && h.includes('Saved.') && h.includes('data-id="u"')); })()`, "true"},
	}
	for _, c := range checks {
		if got := eval(c.expr); got != c.want {
			t.Errorf("layout card, %s: got %q, want %q", c.what, got, c.want)
		}
	}
	// A pick in the card's menu and a click on its button go to the
	// sandbox as any message's do (recorded here, not sent).
	err = chromedp.Do(ctx,
		js(`window.sentClicks = []; window.realFetch = window.realFetch || window.fetch;
			window.fetch = (url, o) => { if (/\/_sandbox\/(select|click)$/.test(url)) { window.sentClicks.push(url + ' ' + o.body.replace(/"member":\{[^}]*\},?/, '')); return Promise.resolve(new Response('{"error":"recorded"}', { status: 400 })); } return window.realFetch(url, o); };
			const s = card.querySelector('.container select'); s.value = '9'; s.dispatchEvent(new Event('change', { bubbles: true }))`),
		chromedp.Click(chromedp.JSPath(`window.card.querySelector('.container button[data-id="wl:add:anora"]')`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`window.sentClicks.length === 2 && state.busy.size === 0`, chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
			return err
		}),
		js(`window.fetch = window.realFetch`),
	)
	if err != nil {
		t.Errorf("the card's menu and button: %v (sent %s)", err, eval(`JSON.stringify(window.sentClicks)`))
	} else if got, want := eval(`window.sentClicks.join(' | ')`), `/_sandbox/select {"message_id":"fixture-v2","custom_id":"rate:anora","values":["9"]} | /_sandbox/click {"message_id":"fixture-v2","custom_id":"wl:add:anora"}`; got != want {
		t.Errorf("the card's menu and button sent\n%s\nwant\n%s", got, want)
	}
	// A click anywhere on the spoiler container reveals it whole; what
	// is in it can be clicked from then on.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.JSPath(`window.card.querySelector('.spoiler-box')`)),
		chromedp.WaitVisible(chromedp.JSPath(`window.card.querySelector('.spoiler-box.revealed')`)),
		shot("layout-card-spoiler-revealed"),
	)
	if err != nil {
		t.Errorf("revealing the spoiler container: %v", err)
	} else if got := eval(`(() => { const b = card.querySelector('.spoiler-box'); return [b.querySelector('.spoiler-inner').inert, getComputedStyle(b.querySelector('.spoiler-inner')).filter, getComputedStyle(b.querySelector('.spoiler-label')).display, b.querySelector('.spoiler').classList.contains('revealed')].join(' '); })()`); got != "false none none false" {
		t.Errorf("the spoiler container after a click (inert, filter, label, its text's own spoiler): %s", got)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { window.card.remove(); delete window.card; return true; })()`)); err != nil {
		t.Fatal(err)
	}
}
