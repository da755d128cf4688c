#!/usr/bin/env python3
"""Every computed grade of a built site, one line each, to diff before and
after a rules or registry change (issue 14: "no outcome changes").

  cargo run --release -- --quiet --as-of 2026-11-21 build
  python3 docs/design/evidence/grades.py public > after.txt

Line: organisation standard category level [score, for scored standards].
Reads the JSON API, version 2 (`api/v2/organisations/*.json`); a grade or
part without a level has no `level` field, printed as None.
"""
import glob
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "public"
for path in sorted(glob.glob(os.path.join(root, "api/v2/organisations/*.json"))):
    report = json.load(open(path, encoding="utf-8"))
    if report.get("schema_version") != 2:
        sys.exit(f"{path}: schema_version {report.get('schema_version')}, expected 2")
    org = os.path.basename(path)[:-5]
    for g in report.get("grades", []):
        scores = [p["score"]["score"] for p in g["parts"] if "score" in p]
        print(org, g["standard"], g["category"], g.get("level"), *scores)
