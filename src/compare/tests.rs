use super::*;
use crate::model::parse::SourceFile;

fn doc(lang: &str, body: &str) -> Document {
    let text = format!("---\ntitle: 示例\nkind: standard\n---\n\n{body}");
    let file = SourceFile {
        path: format!("content/x/{lang}/00.md").into(),
        text,
    };
    let (doc, diags) = crate::model::parse_standard("x", lang, &[file]);
    assert!(!diags.has_errors(), "{diags}");
    doc.expect("parsed")
}

fn edition<'a>(label: &'a str, original: &'a Document) -> EditionText<'a> {
    EditionText {
        label,
        original,
        translations: Vec::new(),
        scheme: None,
    }
}

fn row<'a>(
    c: &'a Comparison,
    new_anchor: Option<&str>,
    old_anchor: Option<&str>,
) -> &'a ClauseComparison {
    c.clauses
        .iter()
        .find(|r| {
            r.new.as_ref().map(|s| s.anchor.as_str()) == new_anchor
                && r.old.as_ref().map(|s| s.anchor.as_str()) == old_anchor
        })
        .unwrap_or_else(|| panic!("no row {new_anchor:?} ← {old_anchor:?} in {:#?}", c.clauses))
}

const OLD: &str = "# 1 范围\n\n本文件规定了要求。\n\n# 2 要求\n\n## 2.1 人员\n\n应具有5名以上人员。\n\n## 2.2 制度\n\n应建立质量管理制度。\n\n## 2.3 业绩\n\n近3年内应完成至少2个项目。\n";
const NEW: &str = "# 1 范围\n\n本文件规定了要求。\n\n# 2 要求\n\n## 2.1 业绩\n\n近3年内应完成至少2个项目。\n\n## 2.2 人员\n\n应具有8名以上人员。\n\n## 2.3 演练\n\n应每年开展恢复演练。\n";

#[test]
fn clauses_are_matched_by_text_before_number() {
    let (a, b) = (doc("zh", OLD), doc("zh", NEW));
    let c = compare("x", &edition("2023", &a), &edition("2025", &b));
    // 2.3 moved to 2.1 with the same text: renumbered, found by its text.
    let moved = row(&c, Some("2.1"), Some("2.3"));
    assert_eq!(moved.change, Change::Unchanged);
    assert!(moved.renumbered);
    assert_eq!(moved.matched_by, Some(MatchedBy::IdenticalText));
    // 2.1 moved to 2.2 and its number changed: similar text, not 2.2's.
    let changed = row(&c, Some("2.2"), Some("2.1"));
    assert_eq!(changed.change, Change::Changed);
    assert_eq!(changed.matched_by, Some(MatchedBy::SimilarText));
    let zh = &changed.text[0];
    assert_eq!(
        (zh.unit.as_str(), zh.inserted, zh.deleted),
        ("characters", 1, 1)
    );
    assert!(zh.segments.contains(&Segment {
        kind: SegmentKind::Deleted,
        text: "5".into()
    }));
    assert!(zh.segments.contains(&Segment {
        kind: SegmentKind::Inserted,
        text: "8".into()
    }));
    // Old 2.2 has no counterpart, new 2.3 neither.
    assert_eq!(row(&c, None, Some("2.2")).change, Change::Removed);
    assert_eq!(row(&c, Some("2.3"), None).change, Change::Added);
    assert_eq!(row(&c, Some("1"), Some("1")).change, Change::Unchanged);
    let s = &c.summary;
    assert_eq!(
        (s.unchanged, s.added, s.removed, s.changed, s.renumbered),
        (3, 1, 1, 1, 2)
    );
    // Rows follow the new edition; the removed clause follows its old
    // predecessor's row.
    let order: Vec<(Option<&str>, Option<&str>)> = c
        .clauses
        .iter()
        .map(|r| {
            (
                r.old.as_ref().map(|s| s.anchor.as_str()),
                r.new.as_ref().map(|s| s.anchor.as_str()),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (Some("1"), Some("1")),
            (Some("2"), Some("2")),
            (Some("2.3"), Some("2.1")),
            (Some("2.1"), Some("2.2")),
            (Some("2.2"), None),
            (None, Some("2.3")),
        ]
    );
}

#[test]
fn english_is_compared_word_by_word() {
    let d = TextDiff::new(
        "en",
        "shall have 5 or more staff",
        "shall have 8 or more staff",
    );
    assert_eq!((d.unit.as_str(), d.inserted, d.deleted), ("words", 1, 1));
    let text: String = d
        .segments
        .iter()
        .filter(|s| s.kind != SegmentKind::Deleted)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(text, "shall have 8 or more staff");
}

#[test]
fn the_same_text_twice_is_not_taken_for_a_move() {
    // Two identical clauses: neither can be told apart by its text, so
    // they are matched by number.
    let old = "# 1 甲\n\n应符合要求。\n\n# 2 乙\n\n应符合要求。\n";
    let new = "# 1 甲\n\n应符合要求。\n\n# 2 乙\n\n应符合要求。\n\n# 3 丙\n\n应符合要求。\n";
    let (a, b) = (doc("zh", old), doc("zh", new));
    let c = compare("x", &edition("1", &a), &edition("2", &b));
    assert_eq!(c.summary.renumbered, 0);
    assert_eq!(row(&c, Some("3"), None).change, Change::Added);
}

const RULES_OLD: &str = "levels: [{id: 一级, en: Level 1}]\ncategories: [{id: c, zh: 类, en: C, clause: \"1\"}]\nparts:\n  - id: p\n    zh: 部分\n    en: Part\n    clause: \"2\"\n    levels:\n      一级:\n        clause: \"2\"\n        requirements:\n          - clause: \"2.1\"\n            at_least: {measure: staff, value: 5}\n          - clause: \"2.2\"\n          - clause: \"2.3\"\n            at_least: {measure: projects, within: {years: 3}, value: 2}\n";
const RULES_NEW: &str = "levels: [{id: 一级, en: Level 1}]\ncategories: [{id: c, zh: 类, en: C, clause: \"1\"}]\nparts:\n  - id: p\n    zh: 部分\n    en: Part\n    clause: \"2\"\n    levels:\n      一级:\n        clause: \"2\"\n        requirements:\n          - clause: \"2.1\"\n            at_least: {measure: projects, within: {years: 3}, value: 2}\n          - clause: \"2.2\"\n            at_least: {measure: staff, value: 8}\n          - clause: \"2.3\"\n";

#[test]
fn rules_follow_renumbered_clauses_and_show_changed_thresholds() {
    let (a, b) = (doc("zh", OLD), doc("zh", NEW));
    let (ra, rb) = (
        crate::rules::from_text("x", RULES_OLD).expect("old rules"),
        crate::rules::from_text("x", RULES_NEW).expect("new rules"),
    );
    let mut old = edition("2023", &a);
    old.scheme = Some(&ra);
    let mut new = edition("2025", &b);
    new.scheme = Some(&rb);
    let c = compare("x", &old, &new);
    let by_id = |id: &str| {
        c.rules
            .requirements
            .iter()
            .find(|r| r.id == id && r.change != Change::Removed)
    };
    // The projects requirement moved with its clause (2.3 → 2.1): unchanged.
    assert!(by_id("2.1").is_none());
    // The staff requirement (old 2.1, now 2.2) changed its threshold.
    let staff = by_id("2.2").expect("staff requirement");
    assert_eq!(staff.change, Change::Changed);
    assert_eq!(staff.old_clause.as_deref(), Some("2.1"));
    assert_eq!(
        staff.fields,
        [FieldChange {
            path: "at_least.value".into(),
            old: Some("5".into()),
            new: Some("8".into())
        }]
    );
    // Old 2.2 (removed clause) is a removed requirement; new 2.3 an added one.
    let changes: Vec<(Change, &str, Option<&str>)> = c
        .rules
        .requirements
        .iter()
        .map(|r| (r.change, r.id.as_str(), r.old_clause.as_deref()))
        .collect();
    assert_eq!(
        changes,
        [
            (Change::Removed, "2.2", Some("2.2")),
            (Change::Changed, "2.2", Some("2.1")),
            (Change::Added, "2.3", None),
        ]
    );
    assert!(c.rules.other.is_empty());
}
