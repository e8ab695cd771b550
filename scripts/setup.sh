#!/usr/bin/env bash
# One-time set-up on a fresh machine, safe to re-run: system tools, pnpm, dependencies, build, models.
# Used by both README commands and by CI (.ci/run), so what works here works there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# ffmpeg decodes M4A/AAC/WebM (everything else is decoded in-process); tests cover those formats.
if ! command -v ffmpeg >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ffmpeg (apt)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
    say "installing ffmpeg (sudo apt)"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
  else
    say "warning: ffmpeg not found and cannot be installed automatically; M4A/AAC/WebM input will be refused"
  fi
fi

# The HTML report is tested in a real browser: Debian's chromium, driven by playwright-core.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing chromium (apt)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "warning: /usr/bin/chromium not found; the HTML report's browser tests need it (apt-get install chromium)"
  fi
fi

if ! command -v pnpm >/dev/null 2>&1; then
  say "installing pnpm"
  npm install --global --silent pnpm@10.34.8 || corepack enable pnpm
fi

say "installing dependencies"
# onnxruntime-node's install script would fetch CUDA binaries; the CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
pnpm install --frozen-lockfile --reporter=silent

say "building packages"
pnpm --silent build >/dev/null

say "providing local models"
node scripts/fetch-models.mjs

say "ready"
