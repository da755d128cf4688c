#!/usr/bin/env bash
# Times `dengji diff` on a synthetic registry: the site is generated
# (`dengji generate`), committed to a new git repository, one registry file
# is changed in the working tree, and `diff --against HEAD` is run several
# times under /usr/bin/time (wall, CPU user+sys, peak resident memory); the
# look-ahead `diff --to-date` and a plain `check` are timed beside it for
# comparison. Prints a markdown table (figures recorded in benches/DIFF.md);
# with hyperfine installed, also its summary.
#
#   benches/diff.sh                 # 10,000 organisations, 5 rounds
#   DIFF_COUNT=1000 benches/diff.sh
#
# Environment:
#   DIFF_COUNT       organisations (default 10000)
#   DIFF_ROUNDS      runs of each command (default 5)
#   DIFF_SEED        generator seed (default 1)
#   DIFF_DIR         where the site goes (default: a new folder under /tmp,
#                    removed at the end)
#   DIFF_SKIP_BUILD=1   use the existing target/release/dengji
set -euo pipefail
cd "$(dirname "$0")/.."

count=${DIFF_COUNT:-10000}
rounds=${DIFF_ROUNDS:-5}
seed=${DIFF_SEED:-1}
export SOURCE_DATE_EPOCH=1795219200
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/dengji

if [ "${DIFF_SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --locked --quiet
fi
[ -x "$bin" ] || { echo "no $bin: build it or unset DIFF_SKIP_BUILD" >&2; exit 1; }
bin=$(realpath "$bin")

if [ -n "${DIFF_DIR:-}" ]; then
  dir=$DIFF_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d /tmp/dengji-diff-bench.XXXXXX)
  trap 'rm -rf "$dir"' EXIT
fi
site=$dir/site

"$bin" --quiet generate --count "$count" --seed "$seed" --out "$site" --force
git_() {
  git -C "$site" -c user.name=bench -c user.email=bench@example.org \
    -c init.defaultBranch=main -c commit.gpgsign=false "$@"
}
rm -rf "$site/.git"
git_ init -q
git_ add -A
git_ commit -q -m "synthetic registry of $count organisations"

# One file changed: the first organisation with a plain staff count loses
# its staff (a downgrade, a finding, an error).
file=
for f in "$site"/registry/*.yaml; do
  if grep -q '^  staff: [0-9]' "$f"; then file=$f; break; fi
done
[ -n "$file" ] || { echo "no registry file with a staff count" >&2; exit 1; }
sed -i 's/^  staff: [0-9]*/  staff: 3/' "$file"
echo "changed: ${file#"$site"/}" >&2

# Runs "$@" $rounds times under /usr/bin/time; prints the median wall time,
# median user+sys CPU, and the largest peak RSS.
measure() {
  local name=$1; shift
  local walls=() cpus=() rss=0
  for _ in $(seq "$rounds"); do
    local timing
    timing=$(mktemp)
    local status=0
    /usr/bin/time -f "%e %U %S %M" -o "$timing" "$@" >/dev/null 2>"$dir/stderr" || status=$?
    if [ "$status" -gt 1 ]; then
      echo "$name failed ($status):" >&2; cat "$dir/stderr" >&2; exit 1
    fi
    # GNU time writes "Command exited with non-zero status N" first.
    read -r wall user sys maxrss < <(tail -1 "$timing")
    rm -f "$timing"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
    [ "$maxrss" -gt "$rss" ] && rss=$maxrss
  done
  local mw mc
  mw=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mc=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %s | %s | %s | %s |\n' "$name" "$mw" "$mc" "$((rss / 1024))"
}

echo
echo "$count organisations, $rounds rounds each, $(nproc) cores"
echo
echo "| command | wall s (median) | CPU user+sys s (median) | peak RSS MiB |"
echo "|---|---:|---:|---:|"
measure "diff --against HEAD (json)" \
  "$bin" --root "$site" --as-of 2026-11-21 diff --format json --output /dev/null
measure "diff --against HEAD (markdown)" \
  "$bin" --root "$site" --as-of 2026-11-21 diff --format markdown --output /dev/null
measure "diff --to-date 2026-12-21" \
  "$bin" --root "$site" --as-of 2026-11-21 diff --to-date 2026-12-21 --format json --output /dev/null
measure "check (for comparison)" \
  "$bin" --root "$site" --as-of 2026-11-21 --quiet check

if command -v hyperfine >/dev/null 2>&1; then
  echo
  hyperfine --warmup 1 --runs "$rounds" -i \
    "$bin --root $site --as-of 2026-11-21 diff --format json --output /dev/null"
fi
