#!/usr/bin/env bash
# Retakes docs/filmcard.png, README's picture of the film card: the browser
# test (TestPlaygroundInBrowser, headless Chromium at /usr/bin/chromium)
# drives the playground, rates Parasite from its card's Rate menu and keeps
# that message alone at twice the page's scale; this copies it into docs/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shots="$(mktemp -d)"
trap 'rm -rf "$shots"' EXIT
cd "$root"
# The card names films in other scripts (Parasite: 기생충, パラサイト): without
# a CJK font Chromium draws boxes.
if ! fc-list : family | grep -i 'Noto Sans CJK' >/dev/null; then
  echo "playground/filmcard.sh: install a CJK font first (Debian: apt-get install fonts-noto-cjk), and fonts-noto-color-emoji" >&2
  exit 1
fi
FILMBOT_REQUIRE_BROWSER=1 FILMBOT_SCREENSHOTS="$shots" go test -count=1 -run 'TestPlaygroundInBrowser$' ./cmd/filmbot
cp "$shots/filmcard.png" docs/filmcard.png
echo "docs/filmcard.png retaken ($(wc -c < docs/filmcard.png) bytes)"
