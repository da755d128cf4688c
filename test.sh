#!/usr/bin/env bash
# Runs every test of dengji. On a fresh Debian machine it first installs what
# the tests need (Chromium, CJK fonts, Node.js, git, a C compiler) with apt-get.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v git >/dev/null 2>&1 || missing+=(git)   # tests/diff.rs makes repositories
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)   # linking, and syntect's Oniguruma
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "Noto Sans CJK"; } || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
cargo build --release --locked
(cd tests/browser && npm ci --no-audit --no-fund && npm test)
