#!/usr/bin/env bash
# Builds the site with synthetic registries of 1,000, 10,000 and 100,000
# organisations, and Hugo building the same organisations (benches/hugo-site.py)
# in the same run, interleaved, and prints a markdown table of what each build
# wrote, its wall and CPU time and its peak memory (see benches/SCALE.md for
# recorded figures).
#
#   benches/scale.sh                      # 1000 10000 100000
#   SCALE_COUNTS="1000 10000" benches/scale.sh
#
# Environment:
#   SCALE_COUNTS     organisation counts (default "1000 10000 100000")
#   SCALE_ROUNDS     rounds per count, each building dengji then Hugo
#                    (default 2)
#   SCALE_SEED       generator seed (default 1)
#   SCALE_DIR        where generated sites go (default: a new folder under
#                    /tmp, removed at the end)
#   SCALE_RSS_LIMIT_KB  kill a build whose resident memory passes this
#                    (default 20971520 = 20 GiB); the row says "killed"
#   SCALE_TIMEOUT    kill a build running longer than this many seconds
#                    (default 7200)
#   SCALE_KEEP=1     keep the generated sites and outputs
#   SCALE_SKIP_BUILD=1  use the existing target/release/dengji
#   SCALE_BIN        the dengji binary to measure (default
#                    target/release/dengji; implies nothing is built)
#   SCALE_NO_HUGO=1  build dengji only
#   SCALE_HYPERFINE=1   also run hyperfine (if installed) for counts up to
#                    10,000
set -euo pipefail
cd "$(dirname "$0")/.."

counts=${SCALE_COUNTS:-"1000 10000 100000"}
seed=${SCALE_SEED:-1}
limit_kb=${SCALE_RSS_LIMIT_KB:-20971520}
timeout_s=${SCALE_TIMEOUT:-7200}
export SOURCE_DATE_EPOCH=1795219200
bin=${SCALE_BIN:-target/release/dengji}

if [ "${SCALE_SKIP_BUILD:-0}" != 1 ] && [ -z "${SCALE_BIN:-}" ]; then
  cargo build --release --locked --quiet
fi
[ -x "$bin" ] || { echo "no $bin: build it or unset SCALE_SKIP_BUILD" >&2; exit 1; }
rounds=${SCALE_ROUNDS:-2}
with_hugo=1
[ "${SCALE_NO_HUGO:-0}" = 1 ] && with_hugo=0
if [ "$with_hugo" = 1 ] && ! command -v hugo >/dev/null; then
  echo "installing Debian's hugo" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends hugo >/dev/null
fi

if [ -n "${SCALE_DIR:-}" ]; then
  work=$SCALE_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/dengji-scale.XXXXXX)
fi
cleanup() {
  if [ "${SCALE_KEEP:-0}" != 1 ] && [ -z "${SCALE_DIR:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# Runs "$@" under /usr/bin/time, killing it (by its process id) when its
# resident memory passes $limit_kb or it runs longer than $timeout_s.
# Sets: wall, cpu, peak_kb, outcome.
watch_run() {
  local log=$1; shift
  local timing=$log.time
  /usr/bin/time -f "%e %M %U %S" -o "$timing" "$@" >"$log" 2>&1 &
  local time_pid=$!
  local child="" started=$SECONDS max_seen=0 killed=""
  while kill -0 "$time_pid" 2>/dev/null; do
    [ -n "$child" ] || child=$(pgrep -P "$time_pid" || true)
    if [ -n "$child" ]; then
      local rss
      rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
      rss=${rss:-0}
      [ "$rss" -gt "$max_seen" ] && max_seen=$rss
      if [ "$rss" -gt "$limit_kb" ]; then
        killed="killed above $((limit_kb / 1048576)) GiB"; kill "$child" 2>/dev/null || true
      elif [ $((SECONDS - started)) -gt "$timeout_s" ]; then
        killed="killed after ${timeout_s} s"; kill "$child" 2>/dev/null || true
      fi
    fi
    sleep 0.5
  done
  local status=0
  wait "$time_pid" || status=$?
  # The last line holds the figures (earlier ones may report a signal).
  wall=$(awk 'END {print $1}' "$timing" 2>/dev/null || echo "?")
  peak_kb=$(awk 'END {print $2}' "$timing" 2>/dev/null || true)
  peak_kb=${peak_kb:-$max_seen}
  cpu=$(awk 'END {printf "%.1f", $3 + $4}' "$timing" 2>/dev/null || echo "?")
  if [ -n "$killed" ]; then
    outcome=$killed
  elif [ "$status" -ne 0 ]; then
    outcome="failed (exit $status, see $log)"
  else
    outcome=ok
  fi
}

mib() { case $1 in *[!0-9]*) echo "$1 KB";; *) awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}';; esac; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory; $(uname -sr); $("$bin" --version)"
[ "$with_hugo" = 1 ] && echo "peer: $(hugo version | cut -d' ' -f1-2)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "disk before: $(df -h --output=avail "$work" | tail -1 | tr -d ' ') free at $work"
echo
# CPU milliseconds per organisation.
per_org() { awk -v c="$1" -v n="$2" 'BEGIN { if (c ~ /^[0-9.]+$/) printf "%.2f ms", c * 1000 / n; else print "-" }'; }
# Files and bytes under a folder: the files' own bytes (what a host stores
# and an upload carries), not the folders' (`du --apparent-size` counts each
# folder's 4 KiB, which with a folder per page was a sixth of the figure).
measure() {
  files="-"; size="-"
  if [ -d "$1" ]; then
    files=$(find "$1" -type f | wc -l)
    # (%.0f: mawk's %d stops at 2^31 - 1.)
    bytes=$(find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
    size="$(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b / 1e6}') ($(du -sh "$1" | cut -f1) on disk)"
    per_org_kb=$(awk -v b="$bytes" -v n="$2" 'BEGIN {printf "%.1f KB", b / n / 1000}')
  fi
}
rows=()
for n in $counts; do
  site=$work/site-$n
  rm -rf "$site"
  gen_start=$(date +%s.%N)
  "$bin" --quiet generate --count "$n" --seed "$seed" --out "$site"
  gen_s=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
  registry_size=$(du -sh "$site/registry" | cut -f1)
  echo "generated $n organisations in $gen_s s ($registry_size)" >&2
  if [ "$with_hugo" = 1 ]; then
    python3 benches/hugo-site.py "$site" "$site-hugo"
  fi

  for round in $(seq 1 "$rounds"); do
    watch_run "$work/build-$n.log" "$bin" --root "$site" build -q
    measure "$site/public" "$n"
    rows+=("| $n | dengji | $round | $files | $size | $per_org_kb | $wall s | $cpu s | $(per_org "$cpu" "$n") | $(mib "$peak_kb") | $outcome |")
    echo "done: ${rows[-1]}" >&2
    if [ "$with_hugo" = 1 ]; then
      watch_run "$work/hugo-$n.log" hugo --source "$site-hugo" --destination "$site-hugo/public" --quiet
      measure "$site-hugo/public" "$n"
      rows+=("| $n | Hugo | $round | $files | $size | $per_org_kb | $wall s | $cpu s | $(per_org "$cpu" "$n") | $(mib "$peak_kb") | $outcome |")
      echo "done: ${rows[-1]}" >&2
    fi
  done

  if [ "${SCALE_HYPERFINE:-0}" = 1 ] && [ "$n" -le 10000 ] && command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs 5 "$bin --root $site build -q" >&2
  fi
  if [ "${SCALE_KEEP:-0}" != 1 ]; then rm -rf "$site" "$site-hugo"; fi
done

echo
echo "| organisations | tool | round | files written | output size | output per organisation | wall time | CPU (user+sys) | CPU per organisation | peak RSS | outcome |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
