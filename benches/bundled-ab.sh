#!/usr/bin/env bash
# Compares dengji binaries on the bundled site, interleaved run by run (so
# that a busy host slows each alike): a cold build (output folder and build
# cache removed first) and a rebuild over the previous output and cache,
# nothing changed. Each binary builds its own copy of the site on /dev/shm
# (tmpfs). Prints the median wall and CPU (user + system) time of each.
#
#   benches/bundled-ab.sh RUNS BIN...
#   benches/bundled-ab.sh 12 /tmp/dengji-before target/release/dengji
set -euo pipefail
cd "$(dirname "$0")/.."
export SOURCE_DATE_EPOCH=1795219200
runs=$1; shift
work=$(mktemp -d /dev/shm/dengji-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0
for bin in "$@"; do
  mkdir -p "$work/$n"
  cp -r site.yaml content registry themes docs "$work/$n/"
  n=$((n + 1))
done
time_one() { # label, index, binary
  /usr/bin/time -a -o "$work/$1.$2" -f "%e %U %S" "$3" --root "$work/$2" -q build
}
for _ in $(seq "$runs"); do
  n=0
  for bin in "$@"; do
    rm -rf "$work/$n/public" "$work/$n/.dengji-cache"
    time_one cold "$n" "$bin"
    n=$((n + 1))
  done
  n=0
  for bin in "$@"; do
    time_one rebuild "$n" "$bin"
    n=$((n + 1))
  done
done
n=0
for bin in "$@"; do
  for kind in cold rebuild; do
    python3 - "$work/$kind.$n" "$bin" "$kind" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
print(f"{sys.argv[2]} {sys.argv[3]}: wall median {wall:.3f} s, CPU median {cpu:.3f} s ({len(rows)} runs)")
PY
  done
  n=$((n + 1))
done
