#!/usr/bin/env bash
# Compares dengji binaries on a generated registry, interleaved run by run
# (so that a busy host slows each alike): `check --no-cache` and a cold
# `build --no-cache` into an empty folder, both on /dev/shm (tmpfs, so the
# disk does not decide). The site is generated once, by the first binary.
# Prints the median wall time, CPU (user + system) and peak RSS of each.
#
#   benches/scale-ab.sh RUNS COUNT BIN...
#   benches/scale-ab.sh 5 10000 /tmp/dengji-before target/release/dengji
set -euo pipefail
cd "$(dirname "$0")/.."
export SOURCE_DATE_EPOCH=1795219200
runs=$1; count=$2; shift 2
work=$(mktemp -d /dev/shm/dengji-scale-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$1" --quiet generate --count "$count" --seed 1 --out "$work/site"
time_one() { # label, index, binary, command...
  local label=$1 n=$2 bin=$3; shift 3
  /usr/bin/time -a -o "$work/$label.$n" -f "%e %U %S %M" "$bin" --root "$work/site" -q "$@"
}
for _ in $(seq "$runs"); do
  n=0
  for bin in "$@"; do
    time_one check "$n" "$bin" check --no-cache
    n=$((n + 1))
  done
  n=0
  for bin in "$@"; do
    rm -rf "$work/site/public"
    time_one build "$n" "$bin" build --no-cache
    n=$((n + 1))
  done
done
rm -rf "$work/site/public"
n=0
for bin in "$@"; do
  for kind in check build; do
    python3 - "$work/$kind.$n" "$bin" "$kind" "$count" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l[0].isdigit()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = statistics.median(r[3] for r in rows) / 1024
print(f"{sys.argv[2]} {sys.argv[3]} at {sys.argv[4]}: wall median {wall:.2f} s, "
      f"CPU median {cpu:.2f} s (min {min(r[1] + r[2] for r in rows):.2f}), "
      f"peak RSS median {rss:.0f} MiB ({len(rows)} runs)")
PY
  done
  n=$((n + 1))
done
