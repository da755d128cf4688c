#!/usr/bin/env bash
# Reproduces benches/SEARCH.md: builds the organisation search index of
# synthetic registries of 1,000, 10,000 and 100,000 organisations (release
# build, time and peak memory from /usr/bin/time), then measures first
# queries in headless Chromium (bytes fetched, raw and gzip, and latency),
# and does the same with pagefind (npm, extended binary) at 1k and 10k.
#
#   benches/search.sh            # everything, ~10 minutes on 2 cores
#   SIZES="1000 10000" PAGEFIND=0 benches/search.sh
#
# Results: target/search-bench/report.md (copied into benches/SEARCH.md by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-target/search-bench}
sizes=${SIZES:-1000 10000 100000}
pagefind_sizes=${PAGEFIND_SIZES:-1000 10000}
mkdir -p "$out"

cargo build --release --locked --example search_index
(cd tests/browser && npm ci --no-audit --no-fund >/dev/null)

for n in $sizes; do
  d="$out/dengji-$n"
  rm -rf "$d"; mkdir -p "$d"
  cp -r themes/default/static "$d/static"
  /usr/bin/time -f "%e s %M KB" -o "$d/time.txt" \
    target/release/examples/search_index "$n" "$d/idx" > "$d/build.json"
  echo "built $n: $(cat "$d/time.txt")"
  node benches/search-first-query.mjs "$d" "$d/build.json" > "$d/queries.json"
done

if [ "${PAGEFIND:-1}" != 0 ]; then
  pf="$out/pagefind-npm"
  mkdir -p "$pf"
  (cd "$pf" && [ -d node_modules/pagefind ] || npm i --no-audit --no-fund --no-save pagefind@1.6.0 >/dev/null)
  bin=$(ls "$pf"/node_modules/@pagefind/*/bin/pagefind_extended)
  for n in $pagefind_sizes; do
    d="$out/pagefind-$n"
    rm -rf "$d"; mkdir -p "$d"
    target/release/examples/search_index "$n" "$d/idx" --html "$d/site" > "$d/build.json"
    /usr/bin/time -f "%e s %M KB" -o "$d/time.txt" \
      "$bin" --site "$d/site" --output-path "$d/pagefind" > "$d/pagefind.log"
    echo "pagefind $n: $(cat "$d/time.txt")"
    node benches/search-first-query.mjs "$d" "$d/build.json" pagefind > "$d/queries.json"
  done
fi

node benches/search-report.mjs "$out" > "$out/report.md"
cat "$out/report.md"
