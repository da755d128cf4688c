#!/usr/bin/env bash
# Times the build of the bundled site (the five standards and the bundled
# registry) with hyperfine: a full build into an empty output folder and a
# rebuild over the previous output, each on a copy of the site on the
# working disk and, where /dev/shm is a tmpfs, on a copy there; and, for
# scale, `cp -r` of the built site to the same file system (what creating
# that many files costs there, whoever writes them). Results and
# the recorded figures are in benches/BUNDLED.md.
#
#   benches/bundled.sh
#
# Environment:
#   BUNDLED_BIN    the dengji binary (default target/release/dengji, built
#                  first unless BUNDLED_BIN is set)
#   BUNDLED_RUNS   runs per command (default 20)
#   BUNDLED_DIR    where the disk copy goes (default: a new folder under
#                  /tmp, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."

export SOURCE_DATE_EPOCH=1795219200
runs=${BUNDLED_RUNS:-20}
if [ -z "${BUNDLED_BIN:-}" ]; then
  cargo build --release --locked --quiet
fi
bin=$(realpath "${BUNDLED_BIN:-target/release/dengji}")
if ! command -v hyperfine >/dev/null; then
  echo "installing Debian's hyperfine" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends hyperfine >/dev/null
fi

work=${BUNDLED_DIR:-$(mktemp -d /tmp/dengji-bundled.XXXXXX)}
copies=("$work/site")
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
  copies+=("$(mktemp -d /dev/shm/dengji-bundled.XXXXXX)/site")
fi
cleanup() {
  for c in "${copies[@]}"; do rm -rf "$(dirname "$c")"; done
}
[ -n "${BUNDLED_DIR:-}" ] || trap cleanup EXIT

for copy in "${copies[@]}"; do
  mkdir -p "$copy"
  cp -r site.yaml content registry themes docs "$copy"/
  where=$(stat -f -c %T "$copy")
  echo "## $copy ($where)"
  # Interleaved: hyperfine runs each command's series in turn.
  hyperfine --warmup 2 --runs "$runs" --style basic \
    --export-json "$copy/../times.json" \
    --command-name "full build ($where)" \
    --prepare "rm -rf '$copy/public'" --prepare true \
    --prepare "rm -rf '$copy/../copied'" \
    "'$bin' --root '$copy' -q build" \
    --command-name "rebuild, nothing changed ($where)" \
    "'$bin' --root '$copy' -q build" \
    --command-name "cp -r of the built site, for scale ($where)" \
    "cp -r '$copy/public' '$copy/../copied'"
  rm -rf "$copy/../copied"
  # hyperfine's user and system are means over the runs.
  python3 - "$copy/../times.json" <<'EOF'
import json, sys
print("| command | wall median | wall min–max | user (mean) | system (mean) |")
print("|---|---:|---:|---:|---:|")
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'| {r["command"]} | {r["median"]:.3f} s | {r["min"]:.3f}–{r["max"]:.3f} s '
          f'| {r["user"]:.3f} s | {r["system"]:.3f} s |')
EOF
  rm -rf "$copy/public"
  /usr/bin/time -f "peak RSS of one full build: %M KB" "$bin" --root "$copy" -q build
done
