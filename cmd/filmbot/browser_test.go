package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/filmbot/filmbot/playground"
	"github.com/filmbot/filmbot/sandbox"
)

// TestPlaygroundInBrowser drives the playground page in headless Chromium:
// the real bot, connected to the sandbox through the gateway, answers what
// a person types and clicks. Screenshots of each step go to a folder named
// in the output.
func TestPlaygroundInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("FILMBOT_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed (apt-get install chromium)")
		}
		t.Skip("no chromium: the browser test needs Debian's chromium package")
	}
	l := startLive(t, sandbox.Options{})
	web := httptest.NewUnstartedServer(nil)
	page, err := playground.Handler(l.sb.URL, web.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	web.Config.Handler = page
	web.Start()
	defer web.Close()

	shots, err := os.MkdirTemp("", "filmbot-playground-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots of each step: %s", shots)

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
	send := func(line string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(js(`document.getElementById('input').value = ''`), chromedp.SendKeys(chromedp.ID("input"), line), chromedp.KeyEvent("\r"))
	}
	member := func(k int) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(js(fmt.Sprintf(`const m = document.getElementById('member'); m.value = '%d'; m.dispatchEvent(new Event('change'))`, k)), chromedp.Sleep(400*time.Millisecond))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(web.URL)); err != nil {
		t.Fatalf("browser: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`)),
		member(1), // Vi, an ordinary member

		send("/review film:anora"),
		waitText("#messages .msg", "Excerpt 1 of 12"),
		shot("review-anora"),

		chromedp.Click(lastButton("Next")),
		waitText("#messages .msg", "Excerpt 2 of 12"),
		shot("next"),

		send("/review film:anora excerpt:11"),
		waitText("#messages .msg", "Excerpt 11 of 12"),
		chromedp.WaitVisible(chromedp.CSS(`span.spoiler`)),
		shot("spoiler-hidden"),
	)
	if err != nil {
		t.Fatalf("browser: %v (screenshots so far in %s)", err, shots)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('span.spoiler')].every(s => !s.classList.contains('revealed'))`))
	if err != nil || !hidden {
		t.Errorf("a spoiler was shown before it was clicked (%v)", err)
	}
	banner, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("banner")))
	err = chromedp.Do(ctx,
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
		waitText("#messages .msg", "★★★★"),
		shot("rated"),

		member(0), // Mo, a moderator
		send("/manage review add film:anora"),
		chromedp.WaitVisible(chromedp.ID("modal-form")),
		waitText("#modal-title", "Review of Anora"),
		chromedp.SendKeys(chromedp.ID("f-text"), "Madison is astonishing.\n\n||The last scene.||"),
		shot("review-form"),
		chromedp.Click(chromedp.ID("modal-submit")),
		waitText("#messages", "New review by"),
		waitText("#messages", "Thread: Anora (2024)"),
		shot("announced"),
	)
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('palette').outerHTML + ' | input=' + document.getElementById('input').value`))
		t.Fatalf("browser: %v (screenshots so far in %s)\npage: %s", err, shots, state)
	}
	if !strings.Contains(banner, "not Discord") {
		t.Errorf("banner %q does not say this is a sandbox", banner)
	}
	l.noViolations()
}
