#!/usr/bin/env bash
# Starts `filmbot sandbox` and runs check.mjs (discord.js) against it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
bin="$(mktemp -d)/filmbot"
(cd "$root" && go build -o "$bin" ./cmd/filmbot)
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
out="$(mktemp)"
"$bin" sandbox --listen 127.0.0.1:0 > "$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q '^DISCORD_TOKEN=' "$out" && break; sleep 0.1; done
export $(grep -E '^DISCORD_(API_URL|TOKEN)=' "$out" | xargs)
cd "$here" && node check.mjs
