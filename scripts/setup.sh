#!/usr/bin/env bash
# One-time set-up on a fresh machine, safe to re-run: system tools, pnpm, dependencies, build, models.
# Used by both README commands and by CI (.ci/run), so what works here works there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# System packages, from the distribution (Debian/Ubuntu names):
#   ffmpeg         decodes M4A/AAC/WebM (everything else is decoded in-process)
#   chromium       the HTML report and the dashboard are tested in a real browser (playwright-core drives it)
#   redis-server   the worker fleet example (BullMQ) is tested against a real Redis
#   postgresql     the server example is tested against a real PostgreSQL as well as SQLite
# Only what is missing is installed; without root (or passwordless sudo) the missing ones are named.
declare -A PROVIDES=([ffmpeg]=ffmpeg [chromium]=/usr/bin/chromium [redis-server]=redis-server [postgresql]=/usr/lib/postgresql)
missing=()
for package in ffmpeg chromium redis-server postgresql; do
  probe=${PROVIDES[$package]}
  if [[ $probe == /* ]]; then [ -e "$probe" ] || missing+=("$package")
  else command -v "$probe" >/dev/null 2>&1 || missing+=("$package"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} (apt)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} (sudo apt)"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "warning: not installed and cannot be installed automatically: ${missing[*]}"
    say "  the library and CLI work without them (ffmpeg only for M4A/AAC/WebM); the tests of the browser pages and examples need them"
  fi
fi

# pnpm: any version from 9 on reads this lockfile; the one already on the machine is used as it is.
pnpm_major=$(pnpm --version 2>/dev/null | cut -d. -f1 || true)
if [ -z "$pnpm_major" ] || [ "$pnpm_major" -lt 9 ]; then
  say "installing pnpm 10 (found: ${pnpm_major:-none})"
  npm install --global --silent pnpm@10 || corepack enable pnpm
fi

say "installing dependencies"
# onnxruntime-node's install script would fetch CUDA binaries; the CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
pnpm install --frozen-lockfile --reporter=silent

say "building packages"
node scripts/build.mjs

say "providing local models"
node scripts/fetch-models.mjs

say "ready"
