#!/usr/bin/env bash
# Times `dengji serve` on a synthetic registry: how long after saving a file
# the changed page is served with the new content. The site is generated
# (`dengji generate`), the server started, and then, ROUNDS times each:
#   - a registry file is saved with a changed English name, and its
#     organisation's page (/en/registry/<id>/) is polled until it shows it;
#   - then the page's stylesheet, the registry listing (/en/registry/), the
#     home page (/en/), the organisations' search index manifest and the
#     sitemap are fetched, each timed (the sitemap is the first request for
#     the rest of the site: exports, feeds);
#   - one character of a chapter is changed and its page is polled until it
#     shows it.
# Polling is every 5 ms from just before the write. Prints a markdown table
# of the median and range of each, the first analysis, and the server's
# peak resident memory (VmHWM of /proc/<pid>/status) at the end (figures
# recorded in benches/SERVE.md).
#
#   benches/serve.sh                  # 10,000 organisations, 5 rounds
#   SERVE_COUNT=1000 benches/serve.sh
#
# Environment:
#   SERVE_COUNT      organisations (default 10000)
#   SERVE_ROUNDS     edits of each kind (default 5)
#   SERVE_SEED       generator seed (default 1)
#   SERVE_DIR        where the site goes (default: a new folder under /tmp,
#                    removed at the end)
#   SERVE_PORT       port (default 18123)
#   SERVE_SKIP_BUILD=1   use the existing target/release/dengji
set -euo pipefail
cd "$(dirname "$0")/.."

count=${SERVE_COUNT:-10000}
rounds=${SERVE_ROUNDS:-5}
seed=${SERVE_SEED:-1}
port=${SERVE_PORT:-18123}
export SOURCE_DATE_EPOCH=1795219200
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/dengji

if [ "${SERVE_SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --locked --quiet
fi
[ -x "$bin" ] || { echo "no $bin: build it or unset SERVE_SKIP_BUILD" >&2; exit 1; }
bin=$(realpath "$bin")

if [ -n "${SERVE_DIR:-}" ]; then
  dir=$SERVE_DIR
  mkdir -p "$dir"
  keep=1
else
  dir=$(mktemp -d /tmp/dengji-serve-bench.XXXXXX)
  keep=0
fi
site=$dir/site
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ "$keep" = 0 ]; then rm -rf "$dir"; fi
}
trap cleanup EXIT

if [ ! -f "$site/site.yaml" ]; then
  "$bin" generate --count "$count" --seed "$seed" --out "$site" >/dev/null
fi

started=$(date +%s.%N)
"$bin" --root "$site" serve --port "$port" 2>"$dir/serve.log" &
server=$!

python3 - "$site" "$port" "$rounds" "$server" "$started" "$count" <<'PY'
import os, statistics, sys, time, urllib.error, urllib.request

site, port, rounds, pid, started, count = sys.argv[1:]
rounds, started = int(rounds), float(started)
base = f"http://127.0.0.1:{port}/"

def fetch(path):
    try:
        with urllib.request.urlopen(base + path, timeout=120) as r:
            return r.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None

def poll(path, marker):
    while True:
        body = fetch(path)
        if body is not None and marker in body:
            return
        time.sleep(0.005)

registry = os.path.join(site, "registry")
org = sorted(f for f in os.listdir(registry) if f.endswith(".yaml"))[0]
org_id = org[: -len(".yaml")]
org_file = os.path.join(registry, org)
org_page = f"en/registry/{org_id}/"

# The first analysis: until the organisation's page is served.
while fetch(org_page) is None:
    time.sleep(0.05)
first = time.time() - started

original = open(org_file, encoding="utf-8").read()
name_line = next(l for l in original.splitlines() if l.startswith("  en: "))

chapter_file = os.path.join(site, "content/ccrc-isv-c01/zh/00-standard.md")
chapter_page = "standards/ccrc-isv-c01/1/"
chapter = open(chapter_file, encoding="utf-8").read()
# The sentence's first words, before any markup the page adds.
marker = "本规范规定了"
assert marker in chapter, "the chapter's marker sentence"

registry_times, static_times, listing_times, home_times, rest_times = [], [], [], [], []
search_times = []
chapter_times = []
after_edit = [
    ("static/style.css", "{", static_times),
    ("en/registry/", "<html", listing_times),
    ("en/", "<html", home_times),
    ("search/organisations/manifest.json", "{", search_times),
    ("sitemap.xml", "<?xml", rest_times),
]
for i in range(rounds):
    edited_name = f"{name_line} Edit{i}"
    t = time.perf_counter()
    with open(org_file, "w", encoding="utf-8") as f:
        f.write(original.replace(name_line, edited_name, 1))
    poll(org_page, f"Edit{i}")
    registry_times.append(time.perf_counter() - t)

    # What the browser asks for next (the page's stylesheet), then the
    # other parts of the site, each timed from its request.
    for path, shows, times in after_edit:
        t = time.perf_counter()
        poll(path, shows)
        times.append(time.perf_counter() - t)

    # One character: 本 → 此 and back.
    changed = "此" if i % 2 == 0 else "本"
    t = time.perf_counter()
    with open(chapter_file, "w", encoding="utf-8") as f:
        f.write(chapter.replace(marker, changed + marker[1:], 1))
    poll(chapter_page, changed + marker[1:])
    chapter_times.append(time.perf_counter() - t)
    time.sleep(0.5)

with open(org_file, "w", encoding="utf-8") as f:
    f.write(original)
with open(chapter_file, "w", encoding="utf-8") as f:
    f.write(chapter)

status = open(f"/proc/{pid}/status").read()
peak = next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:"))

def row(what, times):
    ms = [t * 1000 for t in times]
    return f"| {what} | {statistics.median(ms):.0f} | {min(ms):.0f}–{max(ms):.0f} |"

print(f"{count} organisations, {rounds} rounds; first analysis until the first page: {first:.1f} s\n")
print("| from saving the file to the page served with the change | median ms | range ms |")
print("|---|---:|---:|")
print(row("registry file → its organisation's page", registry_times))
print(row("then the page's stylesheet", static_times))
print(row("then the listing", listing_times))
print(row("then the home page", home_times))
print(row("then the organisations' search index (manifest)", search_times))
print(row("then the sitemap (renders exports, feeds)", rest_times))
print(row("one character of a chapter → the chapter's page", chapter_times))
print(f"\nserver peak resident memory (VmHWM): {int(peak) / 1024:.0f} MiB")
PY
