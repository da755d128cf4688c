#!/usr/bin/env python3
"""Writes a Hugo site holding the same organisations as a dengji site, for
benches/scale.sh to build both side by side.

  python3 benches/hugo-site.py SITE OUT

SITE is a site written by `dengji generate` (its registry/*.yaml are read);
OUT receives a Hugo project (hugo.yaml, layouts/, content/). What Hugo then
builds mirrors the per-organisation work dengji does:

- one page per organisation in Chinese and in English, with its names,
  region, certificates and an evidence summary (staff, projects and their
  amounts, figures), and a JSON output of the same page (the API file);
- one verification page per certificate in each language;
- paginated listings (50 per page) of all organisations and of each
  taxonomy term: region, standard, category, level (standard + level) and
  certificate status, in each language;
- the home page, the sitemap and an RSS feed per list, Hugo's defaults.

It does not grade anything: Hugo has no grading engine, so the comparison
favours Hugo. Python 3 + PyYAML only (the C loader when present).
"""
import datetime
import json
import os
import sys

import yaml

try:
    Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    Loader = yaml.SafeLoader

CONFIG = """baseURL: https://example.org/
title: dengji comparison site
defaultContentLanguage: zh
defaultContentLanguageInSubdir: false
disableKinds: []
pagination:
  pagerSize: 50
paginate: 50
languages:
  zh: {languageName: 中文, weight: 1}
  en: {languageName: English, weight: 2}
taxonomies:
  region: regions
  standard: standards
  category: categories
  level: levels
  status: statuses
outputs:
  page: [HTML, JSON]
  section: [HTML, RSS]
  taxonomy: [HTML]
  term: [HTML, RSS]
  home: [HTML, RSS]
"""

BASEOF = """<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a>{{ end }}
</header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""

SINGLE = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ .Params.other_name }} · {{ .Params.region_name }} · {{ .Params.founded }}</p>
{{ with .Params.certificates }}<table><thead><tr><th>No.</th><th>Standard</th><th>Category</th><th>Level</th><th>Status</th><th>Valid until</th></tr></thead><tbody>
{{ range . }}<tr><td><a href="{{ relLangURL (printf "verify/%s/" (lower .number)) }}">{{ .number }}</a></td><td>{{ .standard }}</td><td>{{ .category }}</td><td>{{ .level }}</td><td>{{ .status }}</td><td>{{ .valid_until }}</td></tr>
{{ end }}</tbody></table>{{ end }}
<h2>Evidence</h2><dl>
{{ range $k, $v := .Params.evidence }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}
</dl>
{{ with .Params.projects }}<table><thead><tr><th>Types</th><th>Signed</th><th>Completed</th><th>Amount</th></tr></thead><tbody>
{{ range . }}<tr><td>{{ delimit .types ", " }}</td><td>{{ .signed }}</td><td>{{ .completed }}</td><td>{{ .amount }}</td></tr>{{ end }}
</tbody></table>{{ end }}
{{ .Content }}
{{ end }}
"""

SINGLE_JSON = """{{ dict "id" .File.ContentBaseName "name" .Title "other_name" .Params.other_name "region" .Params.region "founded" .Params.founded "certificates" .Params.certificates "evidence" .Params.evidence "projects" .Params.projects | jsonify }}
"""

LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages.ByTitle }}
<ul>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.region_name }}{{ range .Params.certificates }} · {{ .standard }} {{ .level }} {{ .status }}{{ end }}</li>
{{ end }}</ul>
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">←</a>{{ end }} {{ $pager.PageNumber }} / {{ $pager.TotalPages }} {{ with $pager.Next }}<a href="{{ .URL }}">→</a>{{ end }}</nav>
{{ end }}
"""

TERMS = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"""

VERIFY = """{{ define "main" }}
<h1>{{ .Params.number }}</h1>
<p>{{ .Params.organisation }}: {{ .Params.standard }} / {{ .Params.category }} / {{ .Params.level }}</p>
<p>{{ .Params.status }}{{ with .Params.valid_until }} · {{ . }}{{ end }}</p>
{{ end }}
"""

HOME = """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}</ul>
{{ end }}
"""


def status(cert):
    """The status the certificate's latest event gives (Hugo does not
    compute lifecycles; this is display data only)."""
    events = cert.get("events") or []
    kinds = [e.get("type") for e in events]
    for kind in reversed(kinds):
        if kind in ("revoked", "suspended", "reinstated", "renewed", "issued"):
            return {"reinstated": "valid", "renewed": "valid", "issued": "valid"}.get(kind, kind)
    return "valid"


def plain(value):
    """A registry value without its visibility wrapper, as text."""
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def front_matter(data):
    return "---\n" + json.dumps(data, ensure_ascii=False, default=str) + "\n---\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    site, out = sys.argv[1], sys.argv[2]
    write(os.path.join(out, "hugo.yaml"), CONFIG)
    layouts = {
        "_default/baseof.html": BASEOF,
        "_default/single.html": SINGLE,
        "_default/single.json": SINGLE_JSON,
        "_default/list.html": LIST,
        "_default/terms.html": TERMS,
        "verify/single.html": VERIFY,
        "index.html": HOME,
    }
    for name, text in layouts.items():
        write(os.path.join(out, "layouts", name), text)
    for lang, title in (("zh", "登记机构"), ("en", "Registry")):
        write(os.path.join(out, "content", "registry", f"_index.{lang}.md"), front_matter({"title": title}))
        write(os.path.join(out, "content", "verify", f"_index.{lang}.md"), front_matter({"title": "verify", "outputs": ["HTML"]}))
    registry = os.path.join(site, "registry")
    names = sorted(n for n in os.listdir(registry) if n.endswith(".yaml"))
    for name in names:
        org_id = name[:-5]
        with open(os.path.join(registry, name), encoding="utf-8") as f:
            data = yaml.load(f, Loader=Loader)
        evidence = data.get("evidence") or {}
        certificates = []
        for c in data.get("certificates") or []:
            certificates.append({
                "number": str(c.get("number")),
                "standard": c.get("standard"),
                "category": c.get("category"),
                "level": str(c.get("level")),
                "status": status(c),
                "valid_until": plain(c.get("valid_until")) or "",
            })
        summary = {}
        for key in ("staff", "bachelor_staff", "registered_capital"):
            if key in evidence:
                summary[key] = plain(evidence[key])
        for key, value in sorted((evidence.get("figures") or {}).items()):
            summary[key] = plain(value)
        summary["roster"] = len(evidence.get("roster") or [])
        projects = [{
            "types": p.get("types") or [],
            "signed": plain(p.get("signed")),
            "completed": plain(p.get("completed")) or "",
            "amount": plain(p.get("amount")) or "",
        } for p in evidence.get("projects") or []]
        names_ = data.get("names") or {}
        for lang in ("zh", "en"):
            other = "en" if lang == "zh" else "zh"
            page = {
                "title": names_.get(lang, org_id),
                "other_name": names_.get(other, ""),
                "region": data.get("region"),
                "region_name": data.get("region"),
                "founded": plain(data.get("founded")),
                "regions": [data.get("region")],
                "standards": sorted({c["standard"] for c in certificates}),
                "categories": sorted({c["category"] for c in certificates}),
                "levels": sorted({f'{c["standard"]} {c["level"]}' for c in certificates}),
                "statuses": sorted({c["status"] for c in certificates}),
                "certificates": certificates,
                "evidence": summary,
                "projects": projects,
            }
            write(os.path.join(out, "content", "registry", f"{org_id}.{lang}.md"), front_matter(page))
            for c in certificates:
                verify = dict(c, organisation=names_.get(lang, org_id), outputs=["HTML"])
                slug = c["number"].lower()
                write(os.path.join(out, "content", "verify", f"{slug}.{lang}.md"), front_matter(verify))
    print(f"{len(names)} organisations written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
