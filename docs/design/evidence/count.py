#!/usr/bin/env python3
"""Issue 14 inventory: documentary requirements whose clause states a quantity.

Reads (never writes) a dengji checkout, default /work/main:
  content/<slug>/rules.yaml      the requirements (documentary = no kind key)
  content/<slug>/zh/*.md          the Chinese text, parsed into anchors the
                                  way src/model/parse.rs assigns them
Detects, in each documentary requirement's clause text, a number (Arabic, or
Chinese numerals 一二三四五六七八九十百千万两, or 半) followed by a counting unit
(人 名 年 个 项 万元 月 小时 次 天 % ％ 份 家 套).

Usage:
  python3 count.py [--root DIR]                 summary counts + every hit
  python3 count.py --tsv review.yaml > inventory.tsv
        merge hand review (false positives dropped, evidence / proposed rule /
        unmeasurable reason added) into the inventory table
  python3 count.py --all-kinds                  also scan non-documentary ones
  python3 count.py --extended                   near misses: other units, 二级及以上, CMMI3

Exit status 0. Python 3 + PyYAML only.
"""
import argparse
import glob
import os
import re
import sys

import yaml

KINDS = ("at_least", "at_most", "duration", "holds_certificate", "any_of")

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
LIST_ITEM = re.compile(r"^( *)([a-z][)）]|\d+[)）]|[(（]\d+[)）]|\d+\.(?:\s)|——|-\s)\s*(.*)$")
NOTE = re.compile(r"^(?:注\s*(\d*)\s*[：:]|NOTE\s*(\d*)\s*:)")
EXAMPLE = re.compile(r"^(?:示例\s*\d*\s*[：:]|EXAMPLE\s*\d*\s*:)")
ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
ANNEX = re.compile(r"^((?:附\s*录|Annex)\s*([A-Z]))\s*([（(][^）)]*[）)])?\s*[:：]?\s*(.*)$")
NUMBERED = re.compile(r"^([A-Z](?:\.\d+)+|\d+(?:\.\d+)*)([.、]?)(?:\s+(.*)|\s*$|([^\d.].*))$")

# ---- the quantity detector -------------------------------------------------
NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+|半)"
UNIT = r"(?:万元|小时|个月|人|名|年|个|项|月|次|天|%|％|份|家|套)"
QUANTITY = re.compile(r"(" + NUM + r")\s*(" + UNIT + r")")


# --extended: quantities whose unit is outside the list above (款 种 分钟 位
# 学时 条 周), a level threshold (二级及以上), CMMI3 and 百万级/亿级 sizes.
EXTENDED = re.compile(
    r"(" + NUM + r")\s*(款|种|分钟|位|学时|周)"
    r"|([一二三四五])级(?:及|或)?以上"
    r"|CMMI\s*\d"
    r"|[百千万亿]+级")


def extended_quantities(text):
    return [m.group(0).replace(" ", "") for m in EXTENDED.finditer(text)]


def quantities(text):
    """Every number+unit in text, as written."""
    found = []
    for m in QUANTITY.finditer(text):
        num, unit = m.group(1), m.group(2)
        # "7×24 小时" is kept; a bare year such as "2019年" is not a quantity
        # but is still reported here so that review can reject it.
        found.append(num + unit)
    return found


# ---- parsing the standard's text into anchors --------------------------------
def parse_heading(text):
    text = text.strip()
    ident = None
    m = ATTRS.search(text)
    if m:
        for a in re.finditer(r"#([A-Za-z0-9_.-]+)", m.group(1)):
            ident = a.group(1)
        is_term = ".term" in m.group(1)
        text = text[: m.start()].rstrip()
    else:
        is_term = False
    m = ANNEX.match(text)
    if m:
        return ident or m.group(2), text
    m = NUMBERED.match(text)
    if m:
        n = m.group(1)
        return ident or ("term-" + n if is_term else n), text
    return ident, text


def marker_key(marker):
    core = "".join(c for c in marker if c.isascii() and c.isalnum())
    if core.isdigit():
        return core
    if len(core) == 1 and "a" <= core <= "z":
        return core
    return None


class Doc:
    """anchor -> {'own': text of the anchor itself, 'full': with sub-items,
    'clause': clause anchor, 'checklist': item dict}"""

    def __init__(self):
        self.anchors = {}
        self.order = []
        self.rows = {}

    def claim(self, wanted, record):
        a = wanted
        n = 2
        while a in self.anchors:
            a = f"{wanted}_{n}"
            n += 1
        self.anchors[a] = record
        self.order.append(a)
        return a


def parse_standard(paths):
    lines = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            lines.extend(f.read().split("\n"))
    # front matter
    if lines and lines[0].strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        lines = lines[end + 1:]
    doc = Doc()
    clause = {"anchor": "preamble", "para": 0, "record": None}
    para = []
    items = []  # pending list items: (indent, marker, [lines])

    def flush_para():
        if not para:
            return
        text = "".join(l.strip() for l in para)
        para.clear()
        if NOTE.match(text):
            n = NOTE.match(text)
            k = n.group(1) or n.group(2)
            doc.claim(f"{clause['anchor']}-note" + (f"-{k}" if k else ""),
                      {"own": text, "full": text, "clause": clause["anchor"]})
            clause["record"]["full"] += text
            return
        if EXAMPLE.match(text):
            return
        clause["para"] += 1
        doc.claim(f"{clause['anchor']}-p{clause['para']}",
                  {"own": text, "full": text, "clause": clause["anchor"]})
        if clause["record"] is not None:
            clause["record"]["own"] += text
            clause["record"]["full"] += text

    def flush_list():
        if not items:
            return
        pending = list(items)
        items.clear()
        # nest by indent, anchor as anchor_items does
        def build(i, indent):
            out = []
            while i < len(pending):
                ind, mk, ls = pending[i]
                if ind < indent:
                    break
                if ind > indent and out:
                    kids, i = build(i, ind)
                    out[-1]["children"].extend(kids)
                    continue
                out.append({"marker": mk, "text": "".join(ls), "children": []})
                i += 1
            return out, i

        base = min(p[0] for p in pending)
        tree, _ = build(0, base)

        def anchor(prefix, its):
            texts = []
            for it in its:
                key = marker_key(it["marker"])
                if key:
                    a = f"{prefix}-{key}"
                    rec = {"own": it["text"], "full": it["text"], "clause": clause["anchor"]}
                    a = doc.claim(a, rec)
                    sub = anchor(a, it["children"])
                    rec["full"] = it["text"] + "".join(sub)
                    texts.append(rec["full"])
                else:
                    sub = anchor(prefix, it["children"])
                    texts.append(it["text"] + "".join(sub))
            return texts

        all_text = anchor(clause["anchor"], tree)
        if clause["record"] is not None:
            clause["record"]["full"] += "".join(all_text)
            clause["record"]["own"] += "".join(all_text)

    i = 0
    previous_blank = False
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            flush_para()
            previous_blank = True
            continue
        m = HEADING.match(line)
        if m:
            flush_para()
            flush_list()
            ident, title = parse_heading(m.group(2))
            title = re.sub(r"^[A-Z0-9][A-Z0-9.]*[.、]?\s*", "", title)
            rec = {"own": "", "full": "", "clause": None, "title": title}
            a = doc.claim(ident or f"heading-{i}", rec)
            rec["clause"] = a
            clause = {"anchor": a, "para": 0, "record": rec}
            previous_blank = False
            continue
        if line.startswith(":::"):
            flush_para()
            flush_list()
            kind = line[3:].strip().split(" ")[0] if line[3:].strip() else ""
            j = i
            while lines[j].rstrip() != ":::":
                j += 1
            body = lines[i:j]
            i = j + 1
            if kind == "checklist":
                for it in yaml.safe_load("\n".join(body)):
                    txt = it["requirement"]
                    doc.claim(f"item-{it['no']}",
                              {"own": txt, "full": txt, "clause": clause["anchor"],
                               "checklist": it})
            elif kind == "table":
                read_indicator_table(body, doc)
            previous_blank = False
            continue
        m = LIST_ITEM.match(line)
        if m:
            flush_para()
            items.append((len(m.group(1)), m.group(2).strip(), [m.group(3)]))
            previous_blank = False
            continue
        indent = len(line) - len(line.lstrip())
        if items and indent >= items[-1][0] + 2 and not previous_blank:
            items[-1][2].append(line.strip())
            continue
        flush_list()
        para.append(line)
        previous_blank = False
    flush_para()
    flush_list()
    return doc


def read_indicator_table(body, doc):
    """001 Annex C: rows of an indicator table (header 合规项指标描述), kept
    as doc.rows[(sub-item title, letter)] so that requirements citing a
    clause with no list item of its own (8.5, 8.6, 8.11, 8.2.7, 8.8.3) are
    read with the row they encode."""
    rows = [[c.strip() for c in l.strip().strip("|").split("|")] for l in body if l.startswith("|")]
    if not rows or "合规项指标描述" not in rows[0]:
        return
    col = rows[0].index("合规项指标描述")
    prev = None
    for cells in rows[1:]:
        if set("".join(cells)) <= set("-:"):
            continue
        if prev:
            cells = [p if c == "^" else c for c, p in zip(cells, prev)]
        for i in range(1, len(cells)):
            if cells[i] == "<":
                cells[i] = cells[i - 1]
        prev = cells
        m = re.match(r"([a-z])[）)]", cells[col])
        if m:
            for title in set(cells[:col]):
                doc.rows.setdefault((title, m.group(1)), cells[col])


def row_text(doc, anchor, req_id):
    """The indicator-table row a clause-level requirement encodes, if any."""
    if re.search(r"-[a-z0-9]+$", anchor) and not re.search(r"-p\d+$", anchor):
        return ""
    base = re.sub(r"-p\d+$", "", anchor)
    rec = doc.anchors.get(base)
    if rec is None:
        return ""
    m = re.search(r"-([a-z])$", req_id)
    letter = m.group(1) if m else "a"
    return doc.rows.get((rec.get("title", ""), letter), "")


# ---- rules ----------------------------------------------------------------------
def level_order(rules):
    return [l["id"] for l in rules["levels"]]


def requirements(rules):
    """(part id, level label, requirement) for every top-level requirement."""
    order = level_order(rules)
    for part in rules["parts"]:
        levels = part.get("levels") or {}
        for lv, block in levels.items():
            # where it applies: this level and every level that inherits it
            applies = [lv]
            changed = True
            while changed:
                changed = False
                for other, b in levels.items():
                    if other not in applies and b.get("inherits") in applies:
                        applies.append(other)
                        changed = True
            applies.sort(key=order.index)
            for req in block.get("requirements") or []:
                yield part["id"], "+".join(applies), req
        for req in part.get("all_levels") or []:
            only = req.get("only_at") or [l for l in order if l in levels]
            yield part["id"], "+".join(only), req
        if part.get("score"):
            for g in part["score"]["groups"]:
                for req in g["items"]:
                    cats = ",".join(g.get("categories") or ["every category"])
                    yield part["id"] + "/" + g["id"], f"{order[0]} (score group {g['id']}, {g['weight']}; {cats})", req


def is_documentary(req):
    return not any(k in req for k in KINDS)


def scan(root, all_kinds=False, extended=False):
    hits = []
    totals = {}
    for rules_path in sorted(glob.glob(os.path.join(root, "content", "*", "rules.yaml"))):
        slug = os.path.basename(os.path.dirname(rules_path))
        rules = yaml.safe_load(open(rules_path, encoding="utf-8"))
        zh = sorted(glob.glob(os.path.join(os.path.dirname(rules_path), "zh", "*.md")))
        doc = parse_standard(zh)
        n_req = n_doc = 0
        for part, levels, req in requirements(rules):
            n_req += 1
            doc_kind = is_documentary(req)
            n_doc += doc_kind
            if not (doc_kind or all_kinds):
                continue
            anchor = str(req["clause"])
            rec = doc.anchors.get(anchor)
            if rec is None:
                text = "?? anchor not found"
            else:
                # a list item: its own text (with its sub-items);
                # a clause: its own paragraphs and list items (not sub-clauses)
                text = rec["full"]
                row = row_text(doc, anchor, str(req.get("id") or anchor))
                if row and row not in text:
                    text = text + " ［附录C］" + row
            text = text.replace("\t", " ").replace("\n", " ")
            q = quantities(text)
            if extended and not q:
                q = extended_quantities(text)
            elif extended:
                q = []
            if q:
                hits.append({
                    "slug": slug, "id": str(req.get("id") or anchor), "clause": anchor,
                    "part": part, "levels": levels, "text": text, "quantities": q,
                    "documentary": doc_kind, "reading": "reading" in req,
                })
        totals[slug] = (n_req, n_doc)
    return hits, totals


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default="/work/main")
    ap.add_argument("--tsv", metavar="REVIEW_YAML")
    ap.add_argument("--all-kinds", action="store_true")
    ap.add_argument("--extended", action="store_true",
                    help="only the requirements the unit list misses but an extended pattern finds")
    args = ap.parse_args()
    hits, totals = scan(args.root, args.all_kinds, args.extended)
    if args.tsv:
        review = yaml.safe_load(open(args.tsv, encoding="utf-8")) or {}
        cols = ["slug", "requirement_id", "clause", "levels", "zh_text",
                "quantities", "evidence_needed", "proposed_rule", "measurable"]
        print("\t".join(cols))
        seen = set()
        for h in hits:
            key = f"{h['slug']}:{h['id']}"
            r = review.get(key)
            if r is None:
                print(f"warning: {key} not reviewed", file=sys.stderr)
                r = {}
            seen.add(key)
            if r.get("false_positive"):
                continue
            row = [h["slug"], h["id"], h["clause"], f"{h['part']}: {h['levels']}", h["text"],
                   r.get("quantities") or " ".join(h["quantities"]),
                   r.get("evidence", ""), r.get("rule", ""),
                   r.get("measurable", "yes")]
            print("\t".join(str(c).replace("\t", " ").replace("\n", " ") for c in row))
        for key in review:
            if key not in seen:
                print(f"warning: review entry {key} matches no hit", file=sys.stderr)
        return
    by_slug = {}
    for h in hits:
        by_slug.setdefault(h["slug"], []).append(h)
    print("slug\trequirements\tdocumentary\tcandidate hits")
    for slug, (n, d) in totals.items():
        print(f"{slug}\t{n}\t{d}\t{len(by_slug.get(slug, []))}")
    print(f"total\t{sum(t[0] for t in totals.values())}\t"
          f"{sum(t[1] for t in totals.values())}\t{len(hits)}")
    print()
    for h in hits:
        print(f"{h['slug']}\t{h['id']}\t{h['clause']}\t{h['part']}: {h['levels']}\t"
              f"{' '.join(h['quantities'])}\t{h['text']}")


if __name__ == "__main__":
    main()
