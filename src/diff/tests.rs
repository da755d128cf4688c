//! The comparison on small states built in memory: every kind of change,
//! and the private values it must not show.

use std::path::Path;

use jiff::civil::{Date, date};

use super::*;
use crate::diag::{Diagnostic, Location};
use crate::registry::parse;
use crate::rules::from_text;

const RULES: &str = r#"
levels: [{id: 一级, en: Level 1}, {id: 二级, en: Level 2}]
categories:
  - {id: consulting, zh: 咨询, en: Consulting, clause: "1"}
parts:
  - id: basic
    zh: 基本
    en: Basic
    clause: "1"
    levels:
      一级:
        clause: "1"
        requirements:
          - {clause: "1", id: staff, at_least: {measure: staff, value: 5}}
      二级:
        clause: "2"
        inherits: 一级
        requirements:
          - {clause: "2", id: staff-2, at_least: {measure: staff, value: 10}}
certificates:
  clause: "1"
  validity: {years: 3}
  annual_confirmation: {days_before_anniversary: 30, clause: "1"}
  renewal: {days_before_expiry: 90, clause: "1"}
"#;

const ORG: &str = r#"
names: {zh: 示例, en: Example}
credit_code: 91350100M000100Y43
region: fujian
founded: 2010-01-01
evidence:
  staff: {value: 12, public: true}
certificates:
  - standard: demo
    category: consulting
    level: 二级
    number: D-1
    body: 示例中心
    events:
      - {date: 2025-01-10, type: issued}
      - {date: 2026-01-05, type: annual-confirmation}
"#;

const DAY: Date = date(2026, 11, 21);

/// One analysed state, owned.
struct State {
    registry: Registry,
    schemes: Schemes,
    grades: Grades,
    diagnostics: Diagnostics,
}

impl State {
    fn new(rules: &str, orgs: &[(&str, &str)], on: Date) -> State {
        let schemes = Schemes {
            schemes: vec![from_text("demo", rules).expect("rules parse")],
            ..Default::default()
        };
        let mut organisations: Vec<_> = orgs
            .iter()
            .map(|(id, text)| {
                parse(
                    &Path::new("registry").join(format!("{id}.yaml")),
                    text.to_string(),
                )
                .expect("organisation parses")
            })
            .collect();
        organisations.sort_by(|a, b| a.id.cmp(&b.id));
        let registry = Registry {
            organisations,
            ..Registry::default()
        };
        let grades = crate::grade::grade(&registry, &schemes, on);
        let diagnostics = crate::grade::findings(&registry, &schemes, &grades);
        State {
            registry,
            schemes,
            grades,
            diagnostics,
        }
    }

    fn side(&self) -> Side<'_> {
        Side {
            registry: &self.registry,
            schemes: &self.schemes,
            grades: &self.grades,
            diagnostics: &self.diagnostics,
            documents: &[],
            translations: &[],
            registry_dir: Path::new("registry"),
            base_url: "https://example.org/",
        }
    }
}

fn info(label: &str, on: Date) -> SideInfo {
    SideInfo {
        label: label.into(),
        commit: None,
        as_of: on.to_string(),
        load_errors: Vec::new(),
    }
}

fn diff(old: &State, new: &State) -> Diff {
    compare(
        &old.side(),
        &new.side(),
        info("HEAD", old.grades.as_of),
        info("working tree", new.grades.as_of),
    )
}

fn with(from: &str, to: &str) -> String {
    assert!(ORG.contains(from), "fixture has {from}");
    ORG.replacen(from, to, 1)
}

#[test]
fn the_same_state_has_no_changes() {
    let s = State::new(RULES, &[("a", ORG)], DAY);
    let d = diff(&s, &s);
    assert!(d.is_empty(), "{:?}", d.summary);
    assert!(!d.has("any"));
}

#[test]
fn a_downgrade_names_the_requirement_its_values_and_threshold() {
    let old = State::new(RULES, &[("a", ORG)], DAY);
    let fewer = with("staff: {value: 12", "staff: {value: 8");
    let new = State::new(RULES, &[("a", &fewer)], DAY);
    let d = diff(&old, &new);
    assert_eq!(d.summary.downgrades, 1);
    assert!(d.has("downgrade") && !d.has("upgrade"));
    let l = &d.levels[0];
    assert_eq!(
        (
            l.organisation.id.as_str(),
            l.standard.as_str(),
            l.category.as_str()
        ),
        ("a", "demo", "consulting")
    );
    assert_eq!(l.old.as_ref().map(|x| x.id.as_str()), Some("二级"));
    assert_eq!(l.new.as_ref().map(|x| x.id.as_str()), Some("一级"));
    assert_eq!(l.direction, Direction::Down);
    assert_eq!(l.because, vec![Cause::RegistryFile]);
    assert_eq!(l.flipped.len(), 1, "only staff-2 flipped: {:?}", l.flipped);
    let f = &l.flipped[0];
    assert_eq!(f.requirement.id, "staff-2");
    assert_eq!(f.requirement.clause, "2");
    assert_eq!(f.requirement.level.as_deref(), Some("二级"));
    let old_obs = f.old.as_ref().expect("old");
    let new_obs = f.new.as_ref().expect("new");
    assert_eq!(old_obs.value.as_deref(), Some("12"));
    assert_eq!(new_obs.value.as_deref(), Some("8"));
    assert_eq!(new_obs.threshold.as_deref(), Some("≥ 10"));
    assert!(old_obs.state.is_met() && !new_obs.state.is_met());
    // The registered 二级 is no longer supported: a finding appears, with
    // the unmet requirement.
    assert_eq!(d.summary.findings_appeared, 1);
    let finding = &d.findings[0];
    assert_eq!(finding.kind, FindingKind::Unsupported);
    assert_eq!(finding.change, Appearance::Appeared);
    assert_eq!(finding.number, "D-1");
    assert_eq!(finding.unmet[0].requirement.id, "staff-2");
    assert!(d.has("finding"));
}

#[test]
fn private_values_stay_private() {
    let private = with(
        "staff: {value: 12, public: true}",
        "staff: {value: 12, public: false}",
    );
    let fewer = private.replacen("value: 12", "value: 8", 1);
    let d = diff(
        &State::new(RULES, &[("a", &private)], DAY),
        &State::new(RULES, &[("a", &fewer)], DAY),
    );
    let f = &d.levels[0].flipped[0];
    assert_eq!(
        f.old.as_ref().and_then(|o| o.value.as_deref()),
        Some("private")
    );
    assert_eq!(
        f.new.as_ref().and_then(|o| o.value.as_deref()),
        Some("private")
    );
    let json = serde_json::to_string(&d).expect("json");
    assert!(
        !json.contains("\"8\"") && !json.contains("\"12\""),
        "{json}"
    );
}

#[test]
fn an_upgrade_and_a_resolved_finding() {
    let low = with("staff: {value: 12", "staff: {value: 8");
    let d = diff(
        &State::new(RULES, &[("a", &low)], DAY),
        &State::new(RULES, &[("a", ORG)], DAY),
    );
    assert_eq!(d.summary.upgrades, 1);
    assert_eq!(d.levels[0].direction, Direction::Up);
    assert_eq!(d.summary.findings_resolved, 1);
    assert_eq!(d.findings[0].change, Appearance::Resolved);
    assert!(!d.has("finding"), "a resolved finding does not fail CI");
}

#[test]
fn organisations_added_removed_renamed_and_moved() {
    let other =
        with("91350100M000100Y43", "91230103666745367M").replacen("number: D-1", "number: D-2", 1);
    let old = State::new(RULES, &[("a", ORG), ("b", &other)], DAY);
    let renamed = with("en: Example}", "en: Example Ltd}");
    let third =
        with("91350100M000100Y43", "91610113MA10T4YLER").replacen("number: D-1", "number: D-3", 1);
    // a renamed; b's file renamed to b2 (same credit code); c new.
    let new = State::new(
        RULES,
        &[("a", &renamed), ("b2", &other), ("c", &third)],
        DAY,
    );
    let d = diff(&old, &new);
    let kinds: Vec<(OrganisationChangeKind, &str)> = d
        .organisations
        .iter()
        .map(|o| (o.change, o.organisation.id.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (OrganisationChangeKind::Added, "c"),
            (OrganisationChangeKind::Renamed, "a"),
            (OrganisationChangeKind::Moved, "b2"),
        ]
    );
    let moved = &d.organisations[2];
    assert_eq!(moved.old.as_ref().map(|o| o.id.as_str()), Some("b"));
    let added = &d.organisations[0];
    assert_eq!(added.grades[0].level.as_ref().map(|l| l.index), Some(1));
    assert_eq!(added.organisation.file, "registry/c.yaml");
    // Removing c again.
    let back = diff(&new, &old);
    assert!(
        back.organisations
            .iter()
            .any(|o| o.change == OrganisationChangeKind::Removed && o.organisation.id == "c")
    );
    assert_eq!(back.summary.removed, 1);
}

#[test]
fn certificate_events_become_status_changes() {
    let old = State::new(RULES, &[("a", ORG)], DAY);
    let suspended = with(
        "      - {date: 2026-01-05, type: annual-confirmation}\n",
        "      - {date: 2026-01-05, type: annual-confirmation}\n      - {date: 2026-10-01, type: suspended, note: 整改, note_en: Rectification}\n",
    );
    let d = diff(&old, &State::new(RULES, &[("a", &suspended)], DAY));
    let c = &d.certificates[0];
    assert_eq!(c.change, CertificateChangeKind::Suspended);
    assert_eq!(c.number, "D-1");
    assert_eq!(c.new_status, Some(Status::Suspended));
    assert_eq!(c.date.as_deref(), Some("2026-10-01"));
    assert_eq!(c.note.as_deref(), Some("Rectification"));
    assert!(c.line > 1, "points at the certificate");
    assert!(d.has("certificate"));
    // And back: reinstated.
    let back = diff(&State::new(RULES, &[("a", &suspended)], DAY), &old);
    assert_eq!(
        back.certificates[0].change,
        CertificateChangeKind::Reinstated
    );
}

#[test]
fn a_later_date_shows_confirmations_falling_due_and_expiry() {
    let s = State::new(RULES, &[("a", ORG)], DAY);
    // The second anniversary is 2027-01-10; its 30 days open on 2026-12-11.
    let due = State::new(RULES, &[("a", ORG)], date(2026, 12, 20));
    let d = diff(&s, &due);
    assert_eq!(
        d.certificates[0].change,
        CertificateChangeKind::ConfirmationDue
    );
    assert!(d.levels.is_empty());
    // Valid through 2028-01-09; expired from 2028-01-10.
    let later = State::new(RULES, &[("a", ORG)], date(2028, 2, 1));
    let d = diff(&s, &later);
    assert!(
        d.certificates
            .iter()
            .any(|c| c.change == CertificateChangeKind::Expired)
    );
}

#[test]
fn a_rules_change_lists_every_grade_it_moves_and_the_requirement() {
    let b = with("91350100M000100Y43", "91230103666745367M")
        .replacen("number: D-1", "number: D-2", 1)
        .replacen("value: 12", "value: 11", 1);
    let orgs = [("a", ORG), ("b", b.as_str())];
    let stricter = RULES.replacen(
        "at_least: {measure: staff, value: 10}",
        "at_least: {measure: staff, value: 15}",
        1,
    );
    let d = diff(
        &State::new(RULES, &orgs, DAY),
        &State::new(&stricter, &orgs, DAY),
    );
    assert_eq!(d.rules.len(), 1);
    let r = &d.rules[0];
    assert_eq!(r.standard, "demo");
    assert_eq!(r.file, "content/demo/rules.yaml");
    let ids: Vec<&str> = r
        .impact
        .iter()
        .map(|l| l.organisation.id.as_str())
        .collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(r.impact.iter().all(|l| l.direction == Direction::Down));
    let changed: Vec<(TextChangeKind, &str)> = r
        .requirements
        .iter()
        .map(|q| (q.change, q.requirement.id.as_str()))
        .collect();
    assert_eq!(changed, [(TextChangeKind::Changed, "staff-2")]);
    assert!(!r.other_rules_changed);
    // The same moves are in the levels, caused by the rules.
    assert_eq!(d.summary.downgrades, 2);
    assert!(d.levels.iter().all(|l| l.because == [Cause::Rules]));
    let f = &d.levels[0].flipped[0];
    assert_eq!(
        (
            f.old.as_ref().and_then(|o| o.threshold.as_deref()),
            f.new.as_ref().and_then(|o| o.threshold.as_deref())
        ),
        (Some("≥ 10"), Some("≥ 15"))
    );
    assert_eq!(d.summary.moved_by_rules, 2);
    assert!(d.has("rules"));
}

#[test]
fn errors_are_compared_by_file_and_message_not_line() {
    let mut old = Diagnostics::new();
    old.push(Diagnostic::error(
        Location::new("registry/a.yaml", 3, 1),
        "bad date",
    ));
    old.push(Diagnostic::warning(
        Location::new("registry/a.yaml", 9, 1),
        "gone",
    ));
    let mut new = Diagnostics::new();
    new.push(Diagnostic::error(
        Location::new("registry/a.yaml", 5, 1),
        "bad date",
    ));
    new.push(Diagnostic::error(
        Location::new("registry/b.yaml", 2, 4),
        "new one",
    ));
    new.push(
        Diagnostic::warning(Location::new("registry/a.yaml", 4, 1), "unsupported")
            .with_code(crate::grade::UNSUPPORTED),
    );
    let changes = diagnostic_changes(&old, &new);
    let got: Vec<(DiagnosticChangeKind, &str, usize)> = changes
        .iter()
        .map(|c| (c.change, c.diagnostic.message.as_str(), c.diagnostic.line))
        .collect();
    assert_eq!(
        got,
        [
            (DiagnosticChangeKind::New, "new one", 2),
            (DiagnosticChangeKind::Fixed, "gone", 9),
        ]
    );
}

#[test]
fn an_unreadable_file_is_neither_added_nor_removed() {
    let old = State::new(RULES, &[("a", ORG)], DAY);
    let mut new = State::new(RULES, &[], DAY);
    new.diagnostics.push(Diagnostic::error(
        Location::new("registry/a.yaml", 2, 3),
        "cannot parse",
    ));
    let d = diff(&old, &new);
    assert!(d.organisations.is_empty(), "{:?}", d.organisations);
    assert_eq!(d.summary.new_errors, 1);
    assert!(d.has("error"));
}

#[test]
fn status_changes_are_named() {
    use CertificateChangeKind as K;
    let (a, b) = (date(2027, 1, 1), date(2030, 1, 1));
    assert_eq!(
        status_change(Status::Valid, Status::Suspended, a, a),
        K::Suspended
    );
    assert_eq!(
        status_change(Status::Suspended, Status::Valid, a, a),
        K::Reinstated
    );
    assert_eq!(
        status_change(Status::ExpiringSoon, Status::Valid, a, b),
        K::Renewed
    );
    assert_eq!(
        status_change(Status::ConfirmationDue, Status::Valid, a, a),
        K::Confirmed
    );
    assert_eq!(
        status_change(Status::NotYetIssued, Status::Valid, a, a),
        K::Issued
    );
    assert_eq!(
        status_change(Status::Valid, Status::Revoked, a, a),
        K::Revoked
    );
}

#[test]
fn the_schema_describes_the_json() {
    let schema: serde_json::Value =
        serde_json::from_str(&schema_json().expect("schema")).expect("json");
    let required = schema["required"].as_array().expect("required");
    for key in [
        "summary",
        "levels",
        "certificates",
        "findings",
        "diagnostics",
    ] {
        assert!(required.iter().any(|r| r == key), "{key}");
    }
}

#[test]
fn rules_paths_are_shown_from_the_content_folder() {
    assert_eq!(
        short_rules_path("/tmp/dengji-diff-x/content/demo/rules.yaml", "demo"),
        "content/demo/rules.yaml"
    );
    assert_eq!(
        short_rules_path("./content/demo/rules.yaml", "demo"),
        "content/demo/rules.yaml"
    );
}
