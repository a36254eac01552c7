#!/usr/bin/env bash
# Starts `filmbot sandbox` and runs check.mjs (discord.js) against it, with
# the bodies the bot sends for its layout cards (`filmbot try --json`), which
# discord.js must read and its builders accept; and shows that the layout
# check fails on an invalid card.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
tmp="$(mktemp -d)"
bin="$tmp/filmbot"
pid=""
trap '[ -z "$pid" ] || kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$bin" ./cmd/filmbot)
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

# What the bot answers, as it goes to Discord: cards of a catalog film and of
# one from TMDB's stand-in (a poster), the cast, review excerpts (one with a
# spoiler), a rating and the verdict with its chart.
bodies="$tmp/bodies"
mkdir -p "$bodies"
export FILMBOT_DB="$tmp/try.db"
guild=300000000000000001
# NAME.card: the answer must be a layout card.
try() { local name=$1; shift; "$bin" try --json --guild "$guild" "$@" > "$bodies/$name.json"; }
try film-anora.card '/film film:anora'
try film-parasite.card '/film film:parasite'
try cast-anora.card '/cast film:anora'
try review-anora.card '/review film:anora'
try review-spoiler.card '/review film:anora excerpt:11'
try rate-1 --user 100000000000000001 '/rate film:anora score:8'
try rate-2 --user 100000000000000002 '/rate film:anora score:6'
try ratings-anora.card '/ratings film:anora'
unset FILMBOT_DB

# The check can fail: a card Discord would refuse is refused.
if (cd "$here" && node check.mjs --layout <(echo '{"type":4,"data":{"flags":32768,"components":[{"type":17,"components":[{"type":17,"components":[{"type":10,"content":"nested"}]}]}]}}') >/dev/null 2>&1); then
  echo "conformance: FAIL: the layout check accepted a container in a container" >&2
  exit 1
fi

out="$tmp/sandbox.log"
"$bin" sandbox --listen 127.0.0.1:0 > "$out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q '^DISCORD_TOKEN=' "$out" && break; sleep 0.1; done
export $(grep -E '^DISCORD_(API_URL|TOKEN)=' "$out" | xargs)
cd "$here" && node check.mjs "$bodies"/*.json "$root/cmd/filmbot/testdata/layout-card.json"
