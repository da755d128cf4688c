#!/usr/bin/env bash
# Rebuilds with the build cache against a full build, on one synthetic site,
# in one run: a full build into an empty output with no cache, then a build
# after one organisation file changed, a build with nothing changed, the same
# file changed once more, `check` with the cache and (REBUILDS_COLD_CHECK=1)
# without it. Prints a markdown table: wall, CPU (user + sys) and the
# rebuild's CPU as a share of the full build's, and peak memory (see
# benches/SCALE.md for recorded figures).
#
#   benches/rebuilds.sh                          # 10,000 organisations
#   REBUILDS_COUNT=100000 benches/rebuilds.sh
#
# Environment:
#   REBUILDS_COUNT   organisations (default 10000)
#   REBUILDS_SEED    generator seed (default 1)
#   REBUILDS_BIN     the dengji binary to measure (default
#                    target/release/dengji, built if missing)
#   REBUILDS_DIR     the site folder (default: a new folder under /tmp,
#                    removed at the end); an existing site there is reused
#   REBUILDS_COLD_CHECK=1  also time `check --no-cache`
set -euo pipefail
cd "$(dirname "$0")/.."

count=${REBUILDS_COUNT:-10000}
seed=${REBUILDS_SEED:-1}
bin=${REBUILDS_BIN:-target/release/dengji}
export SOURCE_DATE_EPOCH=1795219200
if [ -z "${REBUILDS_BIN:-}" ] && [ ! -x "$bin" ]; then
  cargo build --release --locked --quiet
fi
bin=$(realpath "$bin")
root=$(pwd)

if [ -n "${REBUILDS_DIR:-}" ]; then
  site=$REBUILDS_DIR
else
  work=$(mktemp -d /tmp/dengji-rebuilds.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  site=$work/site
fi
if [ ! -f "$site/site.yaml" ]; then
  "$bin" --root "$root" generate --count "$count" --seed "$seed" --out "$site" -q
fi
cd "$site"
# The file to change: the one in the middle of the registry.
files=(registry/*.yaml)
file=${files[$(( ${#files[@]} / 2 ))]}

full_cpu=""
row() { # label, then the command's arguments
  local label=$1; shift
  local out
  out=$( { /usr/bin/time -f "TIME %e %U %S %M" "$bin" --root . "$@" >/dev/null 2>/tmp/rebuilds-stderr.$$; } 2>&1; cat /tmp/rebuilds-stderr.$$)
  rm -f /tmp/rebuilds-stderr.$$
  local t
  t=$(grep '^TIME ' <<<"$out" | tail -1)
  read -r _ wall user sys kb <<<"$t"
  local cpu share=""
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  if [ -z "$full_cpu" ]; then
    full_cpu=$cpu
  else
    share=$(awk -v c="$cpu" -v f="$full_cpu" 'BEGIN { printf "%.1f%%", 100 * c / f }')
  fi
  local wrote
  wrote=$(grep -o '([0-9]* changed' <<<"$out" | tr -d '(' || true)
  printf '| %s | %s s | %s s (%s + %s) | %s | %s MiB | %s |\n' \
    "$label" "$wall" "$cpu" "$user" "$sys" "$share" "$((kb / 1024))" "${wrote:-}"
}
rename() {
  sed -i '0,/^  en: /s/^  en: \(.*\)$/  en: Renamed \1/' "$file"
}

echo "${#files[@]} organisations, $(basename "$file") changed, $("$bin" --version)"
echo
echo "| run | wall | CPU (user + sys) | share of the full build's CPU | peak RSS | files written |"
echo "|---|---:|---:|---:|---:|---|"
rm -rf public .dengji-cache
sync
row "full build, empty output, no cache" build
rename
row "one file changed" build
row "nothing changed" build
rename
row "one file changed again" build
row "check, with the cache" check
if [ "${REBUILDS_COLD_CHECK:-0}" = 1 ]; then
  row "check, without the cache" check --no-cache
fi
