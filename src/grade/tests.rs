//! Engine tests: every rule kind, and the boundaries (exactly at a
//! threshold, one below, window edges, 29 February, a score of exactly 65).

use std::path::Path;

use jiff::civil::{Date, date};

use super::*;
use crate::registry::{Registry, parse};
use crate::rules::{Schemes, from_text};

const RULES: &str = r#"
levels: [{id: 一级, en: Level 1}, {id: 二级, en: Level 2}, {id: 三级, en: Level 3}]
categories:
  - {id: consulting, zh: 咨询, en: Consulting, clause: "1"}
  - {id: integration, zh: 集成, en: Integration, clause: "1"}
project_types:
  - {id: planning, zh: 规划, en: Planning, clause: "1"}
figures:
  - {id: response-hours, zh: 响应时间, en: Response hours}
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
          - {clause: "1", id: policy}
          - {clause: "1", id: head, duration: {of: head-management, at_least: {years: 1}}}
      二级:
        clause: "1"
        inherits: 一级
        requirements:
          - {clause: "1", id: staff-2, at_least: {measure: staff, value: 10}}
          - clause: "1"
            id: total
            at_least: {measure: project-total, within: {years: 2}, value: {default: 50, consulting: 20}}
          - {clause: "1", id: count, at_least: {measure: projects, within: {years: 2}, value: 2}}
          - {clause: "1", id: hours, at_most: {measure: figure, figure: response-hours, value: 4}}
          - {clause: "1", id: share, at_least: {measure: bachelor-share, value: "70%"}}
      三级:
        clause: "1"
        inherits: 二级
        requirements:
          - clause: "1"
            id: years
            any_of:
              - {clause: "1", duration: {of: service, at_least: {years: 3}}}
              - {clause: "1", holds_certificate: {level: 二级, for: {years: 1}}}
  - id: extra
    zh: 专业
    en: Professional
    clause: "1"
    categories: [consulting]
    levels:
      一级: {clause: "1", requirements: [{clause: "1", id: plan}]}
      二级: {clause: "1", inherits: 一级, requirements: [{clause: "1", id: review}]}
      三级: {clause: "1", undefined: {zh: 空, en: Empty}}
combine: {rule: lowest, clause: "1"}
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
  staff: 10
  bachelor_staff: 7
  head: {management_since: 2024-02-29}
  services: {consulting: {since: 2023-11-21}}
  figures: {response-hours: 4}
  projects:
    - {types: [consulting], signed: 2024-11-21, completed: 2025-01-10, amount: 12.5}
    - {types: [consulting, planning], signed: 2025-02-01, completed: 2026-11-21, amount: 7.5}
    - {types: [integration], signed: 2025-02-01, completed: 2025-03-01, amount: 100}
certificates:
  - standard: demo
    category: consulting
    level: 二级
    number: D-1
    body: 示例中心
    events:
      - {date: 2025-11-20, type: issued}
assessments:
  - {date: 2025-11-01, body: 中心, standard: demo, category: consulting, covers: [{up_to: 三级}]}
"#;

fn scheme(rules: &str) -> Schemes {
    Schemes {
        schemes: vec![from_text("demo", rules).expect("rules parse")],
        ..Default::default()
    }
}

fn org(text: &str) -> Registry {
    let o = parse(Path::new("registry/example.yaml"), text.to_string()).expect("org parses");
    Registry {
        organisations: vec![o],
        ..Registry::default()
    }
}

fn result(rules: &str, org_text: &str, on: Date, category: &str) -> GradeResult {
    let grades = grade(&org(org_text), &scheme(rules), on);
    grades.all().expect("kept")[0]
        .results
        .iter()
        .find(|r| r.category == category)
        .cloned()
        .expect("graded")
}

fn check<'a>(r: &'a GradeResult, part: &str, level: usize, id: &str) -> &'a Check {
    r.parts
        .iter()
        .find(|p| p.id == part)
        .and_then(|p| p.levels.get(level))
        .and_then(|l| l.checks.iter().find(|c| c.id == id))
        .expect("check present")
}

fn with(from: &str, to: &str) -> String {
    assert!(ORG.contains(from), "fixture has {from}");
    ORG.replacen(from, to, 1)
}

const DAY: Date = date(2026, 11, 21);

#[test]
fn threshold_is_inclusive_and_one_below_fails() {
    let r = result(RULES, ORG, DAY, "consulting");
    assert!(check(&r, "basic", 1, "staff-2").met, "10 staff meets ≥ 10");
    let r = result(RULES, &with("staff: 10", "staff: 9"), DAY, "consulting");
    assert!(!check(&r, "basic", 1, "staff-2").met, "9 staff fails ≥ 10");
    assert!(check(&r, "basic", 0, "staff").met);
}

#[test]
fn at_most_is_inclusive() {
    let r = result(RULES, ORG, DAY, "consulting");
    assert!(check(&r, "basic", 1, "hours").met, "4 ≤ 4");
    let r = result(
        RULES,
        &with("response-hours: 4", "response-hours: 4.01"),
        DAY,
        "consulting",
    );
    assert!(!check(&r, "basic", 1, "hours").met, "4.01 > 4");
}

#[test]
fn a_project_without_an_amount_leaves_a_public_total_public() {
    let public = with("amount: 12.5}", "amount: {value: 12.5, public: true}}").replacen(
        "amount: 7.5}",
        "amount: {value: 7.5, public: true}}",
        1,
    );
    let no_amount = public.replacen(
        "  projects:\n",
        "  projects:\n    - {types: [consulting], signed: 2025-03-01, completed: 2025-04-01}\n",
        1,
    );
    let total = |text: &str| match result(RULES, text, DAY, "consulting")
        .parts
        .iter()
        .find(|p| p.id == "basic")
        .and_then(|p| p.levels.get(1))
        .and_then(|l| l.checks.iter().find(|c| c.id == "total"))
        .map(|c| c.observed.clone())
    {
        Some(Observed::Figure { value, public, .. }) => (value, public),
        other => panic!("not a figure: {other:?}"),
    };
    assert_eq!(total(&no_amount), (Some(Num::integer(20)), true));
    // One private amount among them still makes the total private.
    let private = no_amount.replacen("public: true}}", "public: false}}", 1);
    assert_eq!(total(&private), (Some(Num::integer(20)), false));
}

#[test]
fn ratio_is_exact() {
    // 7/10 = 70% exactly meets "70%".
    let r = result(RULES, ORG, DAY, "consulting");
    assert!(check(&r, "basic", 1, "share").met);
    let r = result(
        RULES,
        &with("bachelor_staff: 7", "bachelor_staff: 6"),
        DAY,
        "consulting",
    );
    assert!(!check(&r, "basic", 1, "share").met);
}

#[test]
fn category_dependent_money_threshold_sums_exactly() {
    // Consulting: 12.5 + 7.5 = 20 万元 meets its own threshold of 20.
    let r = result(RULES, ORG, DAY, "consulting");
    let total = check(&r, "basic", 1, "total");
    assert!(total.met);
    match &total.observed {
        Observed::Figure {
            value, threshold, ..
        } => {
            assert_eq!(value.as_ref(), Some(&"20".parse().expect("n")));
            assert_eq!(threshold, &"20".parse().expect("n"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Integration has the default threshold, 50: its 100 meets it.
    let r = result(
        RULES,
        &ORG.replace("category: consulting", "category: integration"),
        DAY,
        "integration",
    );
    assert!(check(&r, "basic", 1, "total").met);
}

#[test]
fn window_includes_its_first_and_last_day() {
    // 近二年内 on 2026-11-21: from 2024-11-21 through 2026-11-21, both included.
    let r = result(RULES, ORG, DAY, "consulting");
    assert!(
        check(&r, "basic", 1, "count").met,
        "both consulting projects count"
    );
    // A day later, the first project (signed 2024-11-21) falls out of the window.
    let r = result(RULES, ORG, DAY.tomorrow().expect("day"), "consulting");
    assert!(!check(&r, "basic", 1, "count").met);
    // A project completed after the grading date does not count yet.
    let r = result(RULES, ORG, DAY.yesterday().expect("day"), "consulting");
    assert!(!check(&r, "basic", 1, "count").met);
}

#[test]
fn duration_from_29_february_reaches_its_anniversary_on_28_february() {
    // head since 2024-02-29: one year is reached on 2025-02-28.
    let r = result(RULES, ORG, date(2025, 2, 28), "consulting");
    assert!(check(&r, "basic", 0, "head").met);
    let r = result(RULES, ORG, date(2025, 2, 27), "consulting");
    assert!(!check(&r, "basic", 0, "head").met);
}

/// The fixture without its assessment record.
const UNASSESSED: &str = "  - {date: 2025-11-01, body: 中心, standard: demo, category: consulting, covers: [{up_to: 三级}]}\n";

#[test]
fn documentary_requirement_is_decided_by_the_latest_covering_assessment() {
    let r = result(RULES, ORG, DAY, "consulting");
    let policy = check(&r, "basic", 0, "policy");
    assert_eq!(policy.state, State::MetByAssessment);
    assert!(policy.met);
    // No record covers it: not evidenced, which is not met.
    let unassessed = with(UNASSESSED, "");
    let r = result(RULES, &unassessed, DAY, "consulting");
    let policy = check(&r, "basic", 0, "policy");
    assert_eq!(policy.state, State::NotEvidenced);
    assert!(!policy.met);
    assert_eq!(r.level, None, "level 1 not evidenced, nothing achieved");
    // Computed requirements stand on the evidence alone.
    assert_eq!(check(&r, "basic", 0, "staff").state, State::MetByEvidence);
    // A later record that finds it unmet decides.
    let text = format!(
        "{ORG}  - {{date: 2026-01-01, body: 中心, standard: demo, category: consulting, covers: [{{part: basic, up_to: 一级}}], unmet: [policy]}}\n"
    );
    let r = result(RULES, &text, DAY, "consulting");
    assert_eq!(check(&r, "basic", 0, "policy").state, State::NotMet);
    assert_eq!(r.level, None, "level 1 unmet, nothing achieved");
    // A still later record of another part leaves that finding standing.
    let other = format!(
        "{text}  - {{date: 2026-03-01, body: 中心, standard: demo, covers: [{{part: extra, up_to: 二级}}]}}\n"
    );
    let r = result(RULES, &other, DAY, "consulting");
    assert_eq!(check(&r, "basic", 0, "policy").state, State::NotMet);
    // One of the same part without the finding supersedes it.
    let text = format!(
        "{text}  - {{date: 2026-06-01, body: 中心, standard: demo, covers: [{{part: basic, up_to: 一级}}]}}\n"
    );
    let r = result(RULES, &text, DAY, "consulting");
    assert_eq!(
        check(&r, "basic", 0, "policy").state,
        State::MetByAssessment
    );
    // A record dated after the grading date has not happened yet.
    let r = result(RULES, &text, date(2026, 5, 31), "consulting");
    assert_eq!(check(&r, "basic", 0, "policy").state, State::NotMet);
}

#[test]
fn an_assessment_covers_the_levels_up_to_the_one_it_examined() {
    // Examined up to 一级: the 二级 requirement of the professional part
    // is not evidenced, so that part (and the grade) stops at 一级.
    let text = with("covers: [{up_to: 三级}]", "covers: [{up_to: 一级}]");
    let r = result(RULES, &text, DAY, "consulting");
    assert_eq!(check(&r, "extra", 0, "plan").state, State::MetByAssessment);
    assert_eq!(check(&r, "extra", 1, "review").state, State::NotEvidenced);
    // The 一级 requirement inherited into 二级 is still covered.
    let inherited = r.parts[1].levels[1]
        .checks
        .iter()
        .find(|c| c.id == "plan")
        .expect("inherited");
    assert_eq!(inherited.state, State::MetByAssessment);
    assert_eq!(r.level, Some(0));
    // `met` vouches for one requirement outside `covers`.
    let text = with(
        "covers: [{up_to: 三级}]",
        "covers: [{up_to: 一级}], met: [review]",
    );
    let r = result(RULES, &text, DAY, "consulting");
    assert_eq!(
        check(&r, "extra", 1, "review").state,
        State::MetByAssessment
    );
    assert_eq!(r.level, Some(1));
}

#[test]
fn missing_evidence_is_not_evidenced_and_a_shortfall_is_not_met() {
    let r = result(RULES, &with("  staff: 10\n", ""), DAY, "consulting");
    assert_eq!(check(&r, "basic", 0, "staff").state, State::NotEvidenced);
    let r = result(RULES, &with("staff: 10", "staff: 4"), DAY, "consulting");
    assert_eq!(check(&r, "basic", 0, "staff").state, State::NotMet);
    // Alternatives: not met only when none could still be evidenced.
    let r = result(
        RULES,
        &with(
            "services: {consulting: {since: 2023-11-21}}",
            "services: {consulting: {since: 2025-11-21}}",
        )
        .replace("level: 二级", "level: 一级"),
        DAY,
        "consulting",
    );
    assert_eq!(check(&r, "basic", 2, "years").state, State::NotMet);
}

#[test]
fn levels_are_cumulative_and_combined_by_the_lowest_part() {
    let r = result(RULES, ORG, DAY, "consulting");
    let basic = r.parts.iter().find(|p| p.id == "basic").expect("basic");
    // 二级 inherits 一级: its checks include the inherited ones.
    assert!(
        basic.levels[1]
            .checks
            .iter()
            .any(|c| c.id == "staff" && c.inherited_from == Some(0))
    );
    assert_eq!(basic.level, Some(2));
    let extra = r.parts.iter().find(|p| p.id == "extra").expect("extra");
    assert_eq!(
        extra.level,
        Some(1),
        "三级 of the professional part is undefined"
    );
    assert!(!extra.levels[2].defined);
    // 000 5.5: the lower of the two.
    assert_eq!(r.level, Some(1));
    // Integration is graded by the basic part only.
    let r = result(
        RULES,
        &ORG.replace("category: consulting", "category: integration"),
        DAY,
        "integration",
    );
    assert_eq!(r.parts.len(), 1);
}

#[test]
fn next_level_lists_what_is_missing_and_undefined_parts() {
    // Neither three years of service nor a 二级 certificate held for a year.
    let text = with(
        "services: {consulting: {since: 2023-11-21}}",
        "services: {consulting: {since: 2025-11-21}}",
    )
    .replace("level: 二级", "level: 一级");
    let r = result(RULES, &text, DAY, "consulting");
    let next = r.next.as_ref().expect("三级 is above");
    assert_eq!(next.level, 2);
    assert_eq!(next.undefined_in, vec!["extra".to_string()]);
    let missing: Vec<&str> = next
        .missing
        .iter()
        .map(|(p, c)| (p.as_str(), c.id.as_str()))
        .map(|(_, id)| id)
        .collect();
    assert_eq!(missing, vec!["years"]);
}

#[test]
fn alternative_lower_grade_held_for_a_year() {
    // Service since 2023-11-21: 3 years reached exactly on 2026-11-21.
    let r = result(RULES, ORG, DAY, "consulting");
    let years = check(&r, "basic", 2, "years");
    assert!(years.met && years.alternatives[0].met);
    // Without the service years, the 二级 certificate issued 2025-11-20 has
    // been held a year (and a day) on 2026-11-21.
    let text = with(
        "services: {consulting: {since: 2023-11-21}}",
        "services: {consulting: {since: 2024-11-21}}",
    );
    let r = result(RULES, &text, DAY, "consulting");
    let years = check(&r, "basic", 2, "years");
    assert!(years.met && !years.alternatives[0].met && years.alternatives[1].met);
    let r = result(RULES, &text, date(2026, 11, 19), "consulting");
    assert!(
        !check(&r, "basic", 2, "years").met,
        "held one day short of a year"
    );
}

#[test]
fn missing_evidence_fails_and_private_evidence_still_counts() {
    let r = result(RULES, &with("  staff: 10\n", ""), DAY, "consulting");
    assert!(!check(&r, "basic", 0, "staff").met);
    let r = result(
        RULES,
        &with("staff: 10", "staff: {value: 10, public: false}"),
        DAY,
        "consulting",
    );
    let c = check(&r, "basic", 1, "staff-2");
    assert!(c.met);
    assert!(matches!(c.observed, Observed::Figure { public: false, .. }));
    // Amounts are private by default, so their sum is private.
    let total = check(&r, "basic", 1, "total");
    assert!(matches!(
        total.observed,
        Observed::Figure { public: false, .. }
    ));
}

#[test]
fn registered_level_is_compared_with_the_computed_one() {
    let grades = grade(&org(ORG), &scheme(RULES), DAY);
    let r = &grades.all().expect("kept")[0].results[0];
    assert_eq!(r.registered[0].agreement, Agreement::Consistent);
    let registry = org(&ORG.replace("level: 二级", "level: 三级"));
    let grades = grade(&registry, &scheme(RULES), DAY);
    assert_eq!(
        grades.all().expect("kept")[0].results[0].registered[0].agreement,
        Agreement::Unsupported
    );
    let findings = findings(&registry, &scheme(RULES), &grades);
    let f = findings.iter().next().expect("one finding");
    assert_eq!(f.code, Some(UNSUPPORTED));
    assert_eq!(
        f.location.line,
        ORG.lines()
            .position(|l| l.contains("level: 二级"))
            .expect("line")
            + 1
    );
    let registry = org(&ORG.replace("level: 二级", "level: 一级"));
    let grades = grade(&registry, &scheme(RULES), DAY);
    assert_eq!(
        grades.all().expect("kept")[0].results[0].registered[0].agreement,
        Agreement::Exceeded
    );
}

#[test]
fn grades_not_kept_are_graded_again_to_the_same_result_and_findings() {
    // A build keeps no grades: its findings and the grades its pages are
    // rendered from must be those of a build that kept them.
    let registry = org(&ORG.replace("level: 二级", "level: 三级"));
    let schemes = scheme(RULES);
    let kept = grade(&registry, &schemes, DAY);
    let not_kept = Grades::not_kept(DAY);
    let findings_while_grading: crate::diag::Diagnostics = registry
        .organisations
        .iter()
        .flat_map(|o| findings_of(o, &registry, &schemes, DAY))
        .collect();
    assert!(not_kept.all().is_none());
    let json = |g: &OrganisationGrades| serde_json::to_string(g).expect("json");
    let again: Vec<String> = not_kept
        .every(&registry, &schemes)
        .map(|g| json(&g))
        .collect();
    let before: Vec<String> = kept.all().expect("kept").iter().map(|g| json(g)).collect();
    assert_eq!(again, before);
    let messages = |d: &crate::diag::Diagnostics| -> Vec<String> {
        d.iter().map(|d| d.message.clone()).collect()
    };
    let expected = findings(&registry, &schemes, &kept);
    assert_eq!(expected.iter().count(), 1, "the raised level is a finding");
    assert_eq!(messages(&findings_while_grading), messages(&expected));
}

#[test]
fn a_registered_level_the_text_leaves_undefined_is_told_apart() {
    use crate::grade::report::{Reporter, UnsupportedLevel};
    let finding = |text: &str, category: &str| {
        let registry = org(&text.replace("category: consulting", &format!("category: {category}")));
        let schemes = scheme(RULES);
        let grades = grade(&registry, &schemes, DAY);
        let report = Reporter::new(&schemes, &grades)
            .report(&registry.organisations[0], &grades.all().expect("kept")[0]);
        let messages: Vec<String> = findings(&registry, &schemes, &grades)
            .iter()
            .map(|d| d.message.clone())
            .collect();
        (
            grades.all().expect("kept")[0].results[0].highest_defined(),
            report.certificates[0].unsupported_level.clone(),
            messages,
        )
    };
    let level = |l: &str| Some(l.to_string());
    // Consulting: the professional part defines no 三级, so 二级 is the most.
    let (highest, unsupported, messages) =
        finding(&ORG.replace("level: 二级", "level: 三级"), "consulting");
    assert_eq!(highest, Some(1));
    assert_eq!(
        unsupported,
        Some(UnsupportedLevel {
            registered: "三级".into(),
            supported: level("二级"),
            highest_defined: level("二级"),
        })
    );
    assert!(
        messages[0].contains("defines no 三级 requirements"),
        "{messages:?}"
    );
    // Integration has every level: 三级 is unsupported by the evidence only.
    let (highest, unsupported, messages) = finding(
        &with("staff: 10", "staff: 6").replace("level: 二级", "level: 三级"),
        "integration",
    );
    assert_eq!(highest, Some(2));
    assert_eq!(
        unsupported,
        Some(UnsupportedLevel {
            registered: "三级".into(),
            supported: level("一级"),
            highest_defined: None,
        })
    );
    assert!(!messages[0].contains("defines no"), "{messages:?}");
    // A consistent level has no finding.
    let (_, unsupported, messages) = finding(ORG, "consulting");
    assert_eq!(unsupported, None);
    assert!(messages.is_empty());
}

const SCORE: &str = r#"
levels: [{id: 通过, en: Pass}]
categories: [{id: consulting, zh: 咨询, en: Consulting, clause: "1"}]
parts:
  - id: score
    zh: 评分
    en: Score
    clause: "1"
    score:
      pass_mark: 65
      clause: "1"
      groups:
        - id: a
          zh: 甲
          en: A
          weight: "50%"
          clause: "1"
          items:
            - {clause: "1", id: a1, mandatory: true}
            - {clause: "1", id: a2}
        - id: b
          zh: 乙
          en: B
          weight: "50%"
          clause: "1"
          items:
            - {clause: "1", id: b1}
            - {clause: "1", id: b2}
            - {clause: "1", id: b3}
            - {clause: "1", id: b4}
            - {clause: "1", id: b5}
"#;

fn scored(unmet: &str) -> PartResult {
    let text = format!(
        "{ORG}  - {{date: 2026-01-01, body: 中心, standard: demo, covers: [{{up_to: 通过}}], unmet: [{unmet}]}}\n"
    )
    .replace("level: 二级", "level: 通过");
    let r = result(SCORE, &text, DAY, "consulting");
    r.parts[0].clone()
}

#[test]
fn score_of_exactly_65_passes() {
    // a2 and b1 unmet: a 1/2 × 50% × 100 = 25, b 4/5 × 50% × 100 = 40; 65.
    let part = scored("a2, b1");
    let score = part.score.expect("scored");
    assert_eq!(score.score, "65".parse().expect("n"));
    assert!(score.passed, "65 passes");
    assert_eq!(part.level, Some(0));
    // One more unmet item: 25 + 30 = 55 < 65.
    let score = scored("a2, b1, b2").score.expect("scored");
    assert!(!score.passed);
}

#[test]
fn an_unmet_mandatory_item_fails_whatever_the_score() {
    // a1 unmet: 25 + 50 = 75 ≥ 65, but a1 is mandatory.
    let part = scored("a1");
    let score = part.score.expect("scored");
    assert_eq!(score.score, "75".parse().expect("n"));
    assert!(!score.mandatory_met && !score.passed);
    assert_eq!(part.level, None);
}

mod certificates {
    use super::*;
    use crate::grade::certificate::{Status, state};

    fn status(events: &str, on: Date) -> (Status, Option<Date>) {
        let st = full(events, on);
        (st.status, st.status_date)
    }

    const ISSUED: &str = "      - {date: 2024-01-10, type: issued}";

    #[test]
    fn validity_runs_three_years_to_the_day_before() {
        let events = confirmed_both_years();
        assert_eq!(status(&events, date(2027, 1, 9)).0, Status::ExpiringSoon);
        assert_eq!(
            status(&events, date(2027, 1, 10)),
            (Status::Expired, Some(date(2027, 1, 10)))
        );
    }

    /// The full state, for the renewal window and the next confirmation.
    fn full(events: &str, on: Date) -> crate::grade::certificate::CertificateState {
        let text = ORG.replace(
            "      - {date: 2025-11-20, type: issued}\n",
            &format!("{events}\n"),
        );
        let registry = org(&text);
        let schemes = scheme(RULES);
        let lifecycle = schemes.schemes[0].rules.certificates.as_ref();
        state(
            &registry.organisations[0].data.certificates[0],
            lifecycle,
            on,
        )
        .expect("state")
    }

    /// Issued 2024-01-10 and confirmed in both years: only expiry matters.
    fn confirmed_both_years() -> String {
        format!(
            "{ISSUED}\n      - {{date: 2024-12-20, type: annual-confirmation}}\n      - {{date: 2025-12-20, type: annual-confirmation}}"
        )
    }

    #[test]
    fn renewal_window_is_the_last_90_days_of_validity() {
        // 有效期届满前90天内: valid until 2027-01-09, so the 90 days
        // 2026-10-12 … 2027-01-09.
        let events = confirmed_both_years();
        let before = full(&events, date(2026, 10, 11));
        assert!(!before.renewal_window_open);
        assert_eq!(before.status, Status::Valid);
        let first = full(&events, date(2026, 10, 12));
        assert!(first.renewal_window_open);
        assert_eq!(first.status, Status::ExpiringSoon);
        let last = full(&events, date(2027, 1, 9));
        assert!(last.renewal_window_open);
        assert_eq!(last.status, Status::ExpiringSoon);
        let after = full(&events, date(2027, 1, 10));
        assert!(!after.renewal_window_open);
        assert_eq!(after.status, Status::Expired);
        // The third anniversary is the end of validity, not a confirmation.
        assert_eq!(after.next_confirmation, None);
    }

    #[test]
    fn annual_confirmation_window_is_the_30_days_before_the_anniversary() {
        // 每年在证书签发之日前30天内: first anniversary 2025-01-10, window
        // 2024-12-11 … 2025-01-09; overdue from the anniversary itself.
        assert_eq!(status(ISSUED, date(2024, 12, 10)).0, Status::Valid);
        assert_eq!(
            status(ISSUED, date(2024, 12, 11)),
            (Status::ConfirmationDue, Some(date(2025, 1, 10)))
        );
        assert_eq!(status(ISSUED, date(2025, 1, 9)).0, Status::ConfirmationDue);
        assert_eq!(
            status(ISSUED, date(2025, 1, 10)),
            (Status::ConfirmationOverdue, Some(date(2025, 1, 10)))
        );
        // A confirmation on the last day of the window counts.
        let last_day = format!("{ISSUED}\n      - {{date: 2025-01-09, type: annual-confirmation}}");
        assert_eq!(status(&last_day, date(2025, 1, 10)).0, Status::Valid);
        // One the day before the window opened does not.
        let early = format!("{ISSUED}\n      - {{date: 2024-12-10, type: annual-confirmation}}");
        assert_eq!(
            status(&early, date(2025, 1, 10)).0,
            Status::ConfirmationOverdue
        );
        let confirmed =
            format!("{ISSUED}\n      - {{date: 2024-12-15, type: annual-confirmation}}");
        assert_eq!(status(&confirmed, date(2025, 6, 1)).0, Status::Valid);
        assert_eq!(
            full(&confirmed, date(2025, 6, 1)).next_confirmation,
            Some(date(2026, 1, 10))
        );
        // Confirmed in year one, due again before the second anniversary.
        assert_eq!(
            status(&confirmed, date(2025, 12, 12)).0,
            Status::ConfirmationDue
        );
    }

    #[test]
    fn a_missed_confirmation_stays_overdue_into_the_next_year() {
        // No confirmation for 2025-01-10; on 2025-12-15 the 2026 window is
        // open too, but the first year is still the one outstanding.
        assert_eq!(
            status(ISSUED, date(2025, 12, 15)),
            (Status::ConfirmationOverdue, Some(date(2025, 1, 10)))
        );
        // Confirming in the 2026 window confirms 2026: the missed year
        // stays overdue, before and after the 2026 anniversary.
        let next = format!("{ISSUED}\n      - {{date: 2025-12-15, type: annual-confirmation}}");
        for on in [date(2025, 12, 20), date(2026, 6, 1)] {
            assert_eq!(
                status(&next, on),
                (Status::ConfirmationOverdue, Some(date(2025, 1, 10))),
                "{on}"
            );
        }
        // A second confirmation in that window answers the missed year.
        let both = format!("{next}\n      - {{date: 2025-12-16, type: annual-confirmation}}");
        assert_eq!(status(&both, date(2026, 6, 1)).0, Status::Valid);
        // A late confirmation before the next window answers the missed
        // year; the next is then due in its own window.
        let late = format!("{ISSUED}\n      - {{date: 2025-03-01, type: annual-confirmation}}");
        assert_eq!(status(&late, date(2025, 6, 1)).0, Status::Valid);
        assert_eq!(
            status(&late, date(2025, 12, 20)),
            (Status::ConfirmationDue, Some(date(2026, 1, 10)))
        );
        // Two confirmations in one window answer one year only.
        let twice = format!(
            "{ISSUED}\n      - {{date: 2024-12-15, type: annual-confirmation}}\n      - {{date: 2024-12-20, type: annual-confirmation}}"
        );
        assert_eq!(
            status(&twice, date(2026, 1, 10)),
            (Status::ConfirmationOverdue, Some(date(2026, 1, 10)))
        );
    }

    #[test]
    fn anniversaries_of_29_february_fall_on_28_february() {
        let leap = "      - {date: 2024-02-29, type: issued}";
        // A_1 = 2025-02-28: window 2025-01-29 … 2025-02-27.
        assert_eq!(status(leap, date(2025, 1, 28)).0, Status::Valid);
        assert_eq!(status(leap, date(2025, 1, 29)).0, Status::ConfirmationDue);
        assert_eq!(status(leap, date(2025, 2, 27)).0, Status::ConfirmationDue);
        assert_eq!(
            status(leap, date(2025, 2, 28)).0,
            Status::ConfirmationOverdue
        );
        // Valid through 2027-02-27; renewal window 2026-11-30 … 2027-02-27.
        let confirmed = format!(
            "{leap}\n      - {{date: 2025-02-01, type: annual-confirmation}}\n      - {{date: 2026-02-01, type: annual-confirmation}}"
        );
        assert_eq!(
            full(&confirmed, date(2026, 11, 30)).valid_until,
            date(2027, 2, 27)
        );
        assert!(!full(&confirmed, date(2026, 11, 29)).renewal_window_open);
        assert!(full(&confirmed, date(2026, 11, 30)).renewal_window_open);
        assert_eq!(status(&confirmed, date(2027, 2, 28)).0, Status::Expired);
    }

    #[test]
    fn a_window_across_29_february_is_still_30_days() {
        // A_1 = 2028-03-15: window 2028-02-14 … 2028-03-14 in a leap year.
        let issued = "      - {date: 2027-03-15, type: issued}";
        assert_eq!(status(issued, date(2028, 2, 13)).0, Status::Valid);
        assert_eq!(status(issued, date(2028, 2, 14)).0, Status::ConfirmationDue);
        assert_eq!(status(issued, date(2028, 3, 14)).0, Status::ConfirmationDue);
        assert_eq!(
            status(issued, date(2028, 3, 15)).0,
            Status::ConfirmationOverdue
        );
    }

    #[test]
    fn suspension_reinstatement_and_revocation() {
        let events = format!("{ISSUED}\n      - {{date: 2024-06-01, type: suspended}}");
        assert_eq!(
            status(&events, date(2024, 7, 1)),
            (Status::Suspended, Some(date(2024, 6, 1)))
        );
        let events = format!("{events}\n      - {{date: 2024-08-01, type: reinstated}}");
        assert_eq!(status(&events, date(2024, 9, 1)).0, Status::Valid);
        let events = format!("{events}\n      - {{date: 2024-10-01, type: revoked}}");
        assert_eq!(
            status(&events, date(2024, 10, 1)),
            (Status::Revoked, Some(date(2024, 10, 1)))
        );
        // Events after the grading date have not happened yet.
        assert_eq!(status(&events, date(2024, 9, 30)).0, Status::Valid);
    }

    #[test]
    fn renewal_in_time_continues_the_validity() {
        let events = format!("{ISSUED}\n      - {{date: 2026-12-01, type: renewed}}");
        // Valid until 2027-01-09, renewed: next period 2027-01-10 .. 2030-01-09.
        let (s, _) = status(&events, date(2027, 6, 1));
        assert_eq!(s, Status::Valid);
        // The renewed period's first confirmation window ends 2028-01-09.
        assert_eq!(
            full(&events, date(2027, 6, 1)).next_confirmation,
            Some(date(2028, 1, 10))
        );
        assert_eq!(
            status(&events, date(2028, 1, 10)),
            (Status::ConfirmationOverdue, Some(date(2028, 1, 10)))
        );
        assert_eq!(status(&events, date(2030, 1, 10)).0, Status::Expired);
    }
}

mod people {
    use super::*;

    const PEOPLE_RULES: &str = r#"
levels: [{id: 通过, en: Pass}]
categories:
  - {id: protection, zh: 防护, en: Protection, clause: "1"}
  - {id: consulting, zh: 咨询, en: Consulting, clause: "1"}
  - {id: drills, zh: 演练, en: Drills, clause: "1"}
  - {id: training, zh: 培训, en: Training, clause: "1"}
project_types:
  - {id: baseline, zh: 基线核查, en: Baseline checking, clause: "1"}
qualifications:
  - {id: CISP, zh: CISP, en: CISP}
  - {id: CISSP, zh: CISSP, en: CISSP}
people:
  class_limit: {max: 3, clause: "7.4"}
parts:
  - id: p
    zh: 专业
    en: Professional
    clause: "1"
    levels:
      通过:
        clause: "1"
        requirements:
          - clause: "1"
            id: baseline-c
            at_least:
              measure: people
              count: baseline-c
              who:
                scope: category
                experience: {years: 5}
                experience_in: {type: baseline, at_least: {years: 3}}
                took_part: {of_type: baseline, at_least: 2}
              value: 2
          - clause: "1"
            id: cisp
            at_least:
              measure: people
              count: cisp
              who: {scope: category, qualification: [CISP, CISSP]}
              value: 2
"#;

    /// Three people on 2026-11-21: r-aa and r-bb meet every condition of
    /// baseline-c; r-cc has 5 years' work but took part in one project.
    const STAFF: &str = r#"
names: {zh: 示例, en: Example}
credit_code: 91350100M000100Y43
region: fujian
founded: 2010-01-01
evidence:
  services: {protection: {since: 2015-01-01}}
  roster:
    - id: r-aa
      security_work_since: 2021-11-21
      experience: {baseline: 2023-11-21}
      qualifications: [{id: CISP, obtained: 2020-01-01}]
      categories: [protection]
    - id: r-bb
      security_work_since: 2015-01-01
      qualifications: [{id: CISSP, obtained: 2020-01-01, expires: 2026-11-21}]
      categories: [protection, consulting]
    - id: r-cc
      security_work_since: 2015-01-01
      experience: {baseline: 2015-01-01}
      qualifications: [{id: CISP, obtained: 2010-01-01, expires: 2020-01-01}]
      categories: [protection]
  projects:
    - {types: [baseline], signed: 2023-06-01, completed: 2023-09-01, team: [r-aa, r-bb, r-cc]}
    - {types: [baseline], signed: 2024-06-01, completed: 2024-09-01, team: [r-aa, r-bb]}
assessments:
  - {date: 2025-01-01, body: 中心, standard: demo, category: protection, covers: [{up_to: 通过}]}
"#;

    fn people(org_text: &str, on: Date, id: &str) -> Check {
        let r = result(PEOPLE_RULES, org_text, on, "protection");
        r.parts[0].levels[0]
            .checks
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .expect("check")
    }

    fn value(c: &Check) -> Option<Num> {
        match &c.observed {
            Observed::Figure { value, .. } => value.clone(),
            _ => None,
        }
    }

    #[test]
    fn a_roster_count_applies_every_condition_to_each_person() {
        let c = people(STAFF, DAY, "baseline-c");
        // r-aa: exactly 5 years' work and exactly 3 years' baseline today.
        // r-bb: baseline experience from its first baseline project (2023-06-01).
        // r-cc: one project short.
        assert_eq!(value(&c), Some(Num::integer(2)));
        assert_eq!(c.state, State::MetByEvidence);
        assert!(matches!(
            c.observed,
            Observed::Figure {
                form: Some(CountForm::Roster),
                ..
            }
        ));
        // A day earlier r-aa has neither 5 years nor 3 years: one below.
        let c = people(STAFF, DAY.yesterday().expect("day"), "baseline-c");
        assert_eq!(value(&c), Some(Num::integer(1)));
        assert_eq!(c.state, State::NotMet);
    }

    #[test]
    fn qualifications_count_while_in_force_and_only_for_the_persons_classes() {
        // r-aa CISP; r-bb CISSP through 2026-11-21; r-cc's CISP lapsed in 2020.
        assert_eq!(value(&people(STAFF, DAY, "cisp")), Some(Num::integer(2)));
        let next = DAY.tomorrow().expect("day");
        let c = people(STAFF, next, "cisp");
        assert_eq!(value(&c), Some(Num::integer(1)), "r-bb's CISSP has lapsed");
        assert_eq!(c.state, State::NotMet);
        // A person not counted for the graded class does not count.
        let other = STAFF.replace(
            "      categories: [protection]\n    - id: r-bb",
            "      categories: [consulting]\n    - id: r-bb",
        );
        assert_eq!(value(&people(&other, DAY, "cisp")), Some(Num::integer(1)));
        // Nor does one who has left.
        let left = STAFF.replace(
            "    - id: r-aa\n",
            "    - id: r-aa\n      left: 2026-11-20\n",
        );
        assert_eq!(value(&people(&left, DAY, "cisp")), Some(Num::integer(1)));
    }

    /// The fixture without a roster, with plain counts instead.
    fn declared(counts: &str) -> String {
        let start = STAFF.find("  roster:").expect("roster");
        let end = STAFF.find("assessments:").expect("assessments");
        format!(
            "{}{}{}",
            &STAFF[..start].replace(
                "services: {protection: {since: 2015-01-01}}",
                &format!("services: {{protection: {{since: 2015-01-01, counts: {{{counts}}}}}}}"),
            ),
            "",
            &STAFF[end..]
        )
    }

    #[test]
    fn without_a_roster_a_declared_count_is_used_and_its_absence_is_not_evidenced() {
        let c = people(&declared("baseline-c: 2"), DAY, "baseline-c");
        assert_eq!(c.state, State::MetByEvidence);
        assert!(matches!(
            c.observed,
            Observed::Figure {
                form: Some(CountForm::Declared),
                ..
            }
        ));
        let c = people(&declared("baseline-c: 1"), DAY, "baseline-c");
        assert_eq!(c.state, State::NotMet);
        let c = people(&declared("baseline-c: 2"), DAY, "cisp");
        assert_eq!(
            c.state,
            State::NotEvidenced,
            "no count for cisp: not zero, not met"
        );
    }

    fn roster_errors(org_text: &str) -> String {
        let registry = org(org_text);
        let mut diagnostics = crate::diag::Diagnostics::new();
        crate::registry::roster::check(&registry, &scheme(PEOPLE_RULES), DAY, &mut diagnostics);
        diagnostics.to_string()
    }

    #[test]
    fn roster_mistakes_are_located_errors() {
        assert_eq!(roster_errors(STAFF), "", "the fixture is clean");
        let four = STAFF.replace(
            "categories: [protection, consulting]",
            "categories: [protection, consulting, drills, training]",
        );
        let err = roster_errors(&four);
        assert!(
            err.contains("registry/example.yaml:17:19: error: r-bb is counted toward 4 service classes of demo (protection, consulting, drills, training); 7.4 allows at most 3"),
            "{err}"
        );
        let unknown = STAFF.replace("team: [r-aa, r-bb]}", "team: [r-aa, r-zz]}");
        let err = roster_errors(&unknown);
        assert!(
            err.contains("error: `r-zz` is not in evidence.roster"),
            "{err}"
        );
        let future = STAFF.replace(
            "[{id: CISP, obtained: 2020-01-01}]",
            "[{id: CISP, obtained: 2026-11-22}]",
        );
        let err = roster_errors(&future);
        assert!(
            err.contains(
                "error: qualification obtained 2026-11-22 is after the grading date 2026-11-21"
            ),
            "{err}"
        );
        let both = STAFF.replace(
            "services: {protection: {since: 2015-01-01}}",
            "services: {protection: {since: 2015-01-01, counts: {baseline-c: 9}}}",
        );
        let err = roster_errors(&both);
        assert!(
            err.contains("count `baseline-c` is derived from evidence.roster"),
            "a typed count beside a roster: {err}"
        );
        let named = STAFF.replace("id: r-cc", "id: Zhang-San");
        assert!(roster_errors(&named).contains("`Zhang-San` is not a roster id"));
    }
}

#[test]
fn all_of_is_met_only_when_every_part_is_and_any_of_when_one_is() {
    let part = |state: State| Check {
        id: "x".into(),
        clause: "1".into(),
        met: state.is_met(),
        state,
        inherited_from: None,
        mandatory: false,
        observed: Observed::AnyOf,
        alternatives: Vec::new(),
    };
    use State::*;
    let all = |states: &[State]| all_of_state(&states.iter().map(|s| part(*s)).collect::<Vec<_>>());
    let any = |states: &[State]| any_of_state(&states.iter().map(|s| part(*s)).collect::<Vec<_>>());
    assert_eq!(all(&[MetByEvidence, MetByEvidence]), MetByEvidence);
    // A computed count and an assessed skill: met, by assessment (the weaker).
    assert_eq!(all(&[MetByEvidence, MetByAssessment]), MetByAssessment);
    assert_eq!(all(&[MetByEvidence, NotEvidenced]), NotEvidenced);
    assert_eq!(all(&[NotEvidenced, NotMet]), NotMet);
    assert_eq!(any(&[NotMet, MetByAssessment]), MetByAssessment);
    assert_eq!(any(&[NotMet, NotEvidenced]), NotEvidenced);
    assert_eq!(any(&[NotMet, NotMet]), NotMet);
}

#[test]
fn a_per_category_figure_counts_only_for_its_own_category() {
    let rules = RULES.replace(
        "{id: response-hours, zh: 响应时间, en: Response hours}",
        "{id: response-hours, zh: 响应时间, en: Response hours, scope: category}",
    );
    // Given once for the organisation: not where a per-category rule looks.
    let r = result(&rules, ORG, DAY, "consulting");
    assert_eq!(check(&r, "basic", 1, "hours").state, State::NotEvidenced);
    // Given for consulting: met for consulting…
    let per_category = with(
        "services: {consulting: {since: 2023-11-21}}",
        "services: {consulting: {since: 2023-11-21, figures: {response-hours: 4}}, integration: {since: 2023-11-21}}",
    )
    .replace("  figures: {response-hours: 4}\n", "");
    let r = result(&rules, &per_category, DAY, "consulting");
    assert_eq!(check(&r, "basic", 1, "hours").state, State::MetByEvidence);
    // …and not evidenced for integration, whose commitment is not written.
    let integration = per_category.replace(
        "category: consulting\n    level",
        "category: integration\n    level",
    );
    let r = result(&rules, &integration, DAY, "integration");
    assert_eq!(check(&r, "basic", 1, "hours").state, State::NotEvidenced);
}

/// Issue 14's vocabulary: certificates of another standard's category or of
/// a scheme outside the site, `named_only` documentary items, projects
/// selected by amount, use, trial run and team, roles, vulnerability reports.
mod vocabulary {
    use super::*;

    const VOCAB_RULES: &str = r#"
levels: [{id: 通过, en: Pass}]
categories:
  - {id: protection, zh: 防护, en: Protection, clause: "1"}
  - {id: ics, zh: 工控, en: Industrial control, clause: "1"}
roles:
  - {id: technical-lead, zh: 技术负责人, en: Technical lead}
  - {id: secure-developer, zh: 安全开发人员, en: Secure developer}
other_schemes:
  - {id: iso27001, zh: 信息安全管理体系认证, en: ISMS certification}
  - {id: cmmi, zh: CMMI, en: CMMI, levels: ["1", "2", "3", "4", "5"]}
parts:
  - id: p
    zh: 专业
    en: Professional
    clause: "1"
    levels:
      通过:
        clause: "1"
        requirements:
          - {clause: "1", id: ccrc-ops, holds_certificate: {standard: ccrc, category: operations, level: 二级}}
          - {clause: "1", id: isms, holds_certificate: {scheme: iso27001}}
          - {clause: "1", id: isms-year, holds_certificate: {scheme: iso27001, for: {years: 1}}}
          - {clause: "1", id: cmmi-3, holds_certificate: {scheme: cmmi, level: "3"}}
          - {clause: "1", id: equivalent, named_only: true}
          - {clause: "1", id: plain}
          - {clause: "1", id: large, at_least: {measure: projects, within: {years: 3}, min_amount: 100, value: 1}}
          - {clause: "1", id: in-use, at_least: {measure: projects, within: {years: 3}, in_use: true, value: 1}}
          - {clause: "1", id: trial, at_least: {measure: projects, within: {years: 3}, trial_run: {months: 1}, value: 1}}
          - {clause: "1", id: team, at_least: {measure: projects, within: {years: 3}, team_at_least: 3, value: 1}}
          - {clause: "1", id: done, at_least: {measure: projects, within: {years: 3}, value: 4}}
          - {clause: "1", id: failed, at_most: {measure: failed-acceptances, within: {years: 3}, value: 0}}
          - {clause: "1", id: leads, at_least: {measure: people, count: leads, who: {role: [technical-lead]}, value: 1}}
          - {clause: "1", id: builders, at_least: {measure: people, count: builders, who: {role: [technical-lead, secure-developer]}, value: 2}}
          - {clause: "1", id: vulns, at_least: {measure: vulnerability-reports, value: 2}}
          - {clause: "1", id: ics-vulns, at_least: {measure: vulnerability-reports, of_type: ics, value: 2}}
"#;

    /// Another standard whose levels run the other way, as CCRC-ISV-C01's
    /// do: 三级 is its lowest, 一级 its highest.
    const CCRC_RULES: &str = r#"
levels: [{id: 三级, en: Level 3}, {id: 二级, en: Level 2}, {id: 一级, en: Level 1}]
categories:
  - {id: operations, zh: 安全运维, en: Security operations, clause: "1"}
  - {id: audit, zh: 安全审计, en: Security audit, clause: "1"}
parts:
  - id: p
    zh: 基本
    en: Basic
    clause: "1"
    levels:
      三级: {clause: "1", requirements: [{clause: "1", id: x}]}
"#;

    /// On 2026-11-21: a CCRC operations 二级 certificate in force; an ISO
    /// 27001 certificate issued 364 days before; CMMI 3; one project per
    /// selector; three roster persons; four vulnerability reports, the last
    /// submitted the day after.
    const VOCAB_ORG: &str = r#"
names: {zh: 示例, en: Example}
credit_code: 91350100M000100Y43
region: fujian
founded: 2010-01-01
evidence:
  other_certificates:
    - {scheme: iso27001, number: ISMS-1, body: 认证中心, issued: 2025-11-22, valid_until: 2028-11-21}
    - {scheme: cmmi, level: "3", number: CMMI-1, body: 评估机构, issued: 2024-06-01, valid_until: 2027-05-31}
  vulnerability_reports:
    - {id: CNVD-2024-00001, submitted: 2024-01-10, types: [ics]}
    - {id: CNVD-2025-00002, submitted: 2025-03-01, types: [protection]}
    - {id: CNNVD-202611-0003, submitted: 2026-11-21, types: [protection, ics]}
    - {id: CNVD-2026-00004, submitted: 2026-11-22, types: [protection]}
  roster:
    - {id: r-aa, roles: [technical-lead]}
    - {id: r-bb, roles: [secure-developer]}
    - {id: r-cc}
  projects:
    - {types: [protection], signed: 2025-01-01, completed: 2025-03-01, amount: 100}
    - {types: [protection], signed: 2025-01-01, completed: 2025-04-01, in_use: true}
    - {types: [protection], signed: 2025-01-01, completed: 2025-06-15, trial_run: {from: 2025-01-31, to: 2025-02-27}}
    - {types: [protection], signed: 2025-01-01, completed: 2025-06-01, team: [r-aa, r-bb, r-cc]}
assessments:
  - {date: 2025-01-01, body: 中心, standard: demo, category: protection, covers: [{up_to: 通过}]}
certificates:
  - standard: ccrc
    category: operations
    level: 二级
    number: CCRC-1
    body: 认证中心
    valid_until: 2027-12-31
    events:
      - {date: 2025-01-01, type: issued}
"#;

    fn schemes() -> Schemes {
        Schemes {
            schemes: vec![
                from_text("demo", VOCAB_RULES).expect("rules parse"),
                from_text("ccrc", CCRC_RULES).expect("rules parse"),
            ],
            ..Default::default()
        }
    }

    fn edited(from: &str, to: &str) -> String {
        assert!(VOCAB_ORG.contains(from), "fixture has {from}");
        VOCAB_ORG.replacen(from, to, 1)
    }

    /// Requirement `id` of demo / protection on `on`.
    fn req(org_text: &str, on: Date, id: &str) -> Check {
        let grades = grade(&org(org_text), &schemes(), on);
        grades.all().expect("kept")[0]
            .results
            .iter()
            .find(|r| r.standard == "demo" && r.category == "protection")
            .expect("graded")
            .parts[0]
            .levels[0]
            .checks
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .expect("check")
    }

    fn met(org_text: &str, on: Date, id: &str) -> bool {
        let c = req(org_text, on, id);
        assert_eq!(c.met, c.state.is_met());
        c.met
    }

    fn value(org_text: &str, on: Date, id: &str) -> Option<Num> {
        match req(org_text, on, id).observed {
            Observed::Figure { value, .. } => value,
            other => panic!("not a figure: {other:?}"),
        }
    }

    fn number(org_text: &str, on: Date, id: &str) -> Option<String> {
        match req(org_text, on, id).observed {
            Observed::Certificate { number, .. } => number,
            other => panic!("not a certificate: {other:?}"),
        }
    }

    #[test]
    fn another_standards_levels_are_compared_in_that_standards_order() {
        // 二级 or above in CCRC's order: 二级 and 一级, not 三级.
        let c = req(VOCAB_ORG, DAY, "ccrc-ops");
        assert_eq!(c.state, State::MetByEvidence);
        assert_eq!(
            number(VOCAB_ORG, DAY, "ccrc-ops").as_deref(),
            Some("CCRC-1")
        );
        assert!(matches!(
            c.observed,
            Observed::Certificate { of: Some(_), ref level, .. } if level.as_deref() == Some("二级")
        ));
        let first = edited("level: 二级", "level: 一级");
        assert!(met(&first, DAY, "ccrc-ops"), "一级 is above 二级 in CCRC");
        let third = edited("level: 二级", "level: 三级");
        let c = req(&third, DAY, "ccrc-ops");
        assert_eq!(c.state, State::NotMet, "三级 is below 二级 in CCRC");
        assert!(matches!(
            c.observed,
            Observed::Certificate { number: None, .. }
        ));
        // The category is the one the rule names.
        let audit = edited("category: operations", "category: audit");
        assert!(!met(&audit, DAY, "ccrc-ops"));
    }

    #[test]
    fn another_standards_certificate_counts_only_while_in_force() {
        let suspended = edited(
            "      - {date: 2025-01-01, type: issued}\n",
            "      - {date: 2025-01-01, type: issued}\n      - {date: 2026-06-01, type: suspended}\n",
        );
        assert!(met(&suspended, date(2026, 5, 31), "ccrc-ops"));
        assert!(!met(&suspended, DAY, "ccrc-ops"), "suspended");
        // Valid through its last day, expired the day after.
        let expiring = edited("valid_until: 2027-12-31", "valid_until: 2026-11-21");
        assert!(met(&expiring, DAY, "ccrc-ops"));
        assert!(!met(&expiring, DAY.tomorrow().expect("day"), "ccrc-ops"));
        let revoked = edited(
            "      - {date: 2025-01-01, type: issued}\n",
            "      - {date: 2025-01-01, type: issued}\n      - {date: 2026-06-01, type: revoked}\n",
        );
        assert!(!met(&revoked, DAY, "ccrc-ops"), "revoked");
        // Not yet issued on the date.
        assert!(!met(VOCAB_ORG, date(2024, 12, 31), "ccrc-ops"));
    }

    #[test]
    fn a_scheme_certificate_counts_from_its_issue_through_its_last_day() {
        // iso27001 has no levels: any certificate of the scheme, in force.
        assert!(
            !met(VOCAB_ORG, date(2025, 11, 21), "isms"),
            "not yet issued"
        );
        assert_eq!(
            number(VOCAB_ORG, date(2025, 11, 22), "isms").as_deref(),
            Some("ISMS-1"),
            "in force from the day of issue"
        );
        assert!(met(VOCAB_ORG, date(2028, 11, 21), "isms"), "its last day");
        assert!(!met(VOCAB_ORG, date(2028, 11, 22), "isms"), "expired");
        // A certificate of another scheme does not count.
        let none = edited("scheme: iso27001", "scheme: cmmi, level: \"5\"");
        assert_eq!(req(&none, DAY, "isms").state, State::NotMet);
        // `for`: held a year from its issue on 2025-11-22.
        assert!(!met(VOCAB_ORG, DAY, "isms-year"), "a day short of a year");
        assert!(met(VOCAB_ORG, DAY.tomorrow().expect("day"), "isms-year"));
    }

    #[test]
    fn a_scheme_level_is_compared_in_the_schemes_order() {
        assert_eq!(number(VOCAB_ORG, DAY, "cmmi-3").as_deref(), Some("CMMI-1"));
        assert!(!met(&edited("level: \"3\"", "level: \"2\""), DAY, "cmmi-3"));
        assert!(met(&edited("level: \"3\"", "level: \"5\""), DAY, "cmmi-3"));
        // In force only: expired or not yet issued does not count.
        let expired = edited("valid_until: 2027-05-31", "valid_until: 2026-11-20");
        assert!(!met(&expired, DAY, "cmmi-3"));
        assert!(met(&expired, date(2026, 11, 20), "cmmi-3"));
        assert!(!met(VOCAB_ORG, date(2024, 5, 31), "cmmi-3"));
        assert!(met(VOCAB_ORG, date(2024, 6, 1), "cmmi-3"));
    }

    #[test]
    fn a_named_only_requirement_is_met_only_by_a_record_that_names_it() {
        // The record covers the whole part: the plain item, not the named one.
        assert_eq!(req(VOCAB_ORG, DAY, "plain").state, State::MetByAssessment);
        assert_eq!(req(VOCAB_ORG, DAY, "equivalent").state, State::NotEvidenced);
        let named = edited(
            "covers: [{up_to: 通过}]}",
            "covers: [{up_to: 通过}], met: [equivalent]}",
        );
        assert_eq!(req(&named, DAY, "equivalent").state, State::MetByAssessment);
        let unmet = edited(
            "covers: [{up_to: 通过}]}",
            "covers: [{up_to: 通过}], unmet: [equivalent]}",
        );
        assert_eq!(req(&unmet, DAY, "equivalent").state, State::NotMet);
        // A later record covering the part without naming it leaves the
        // named finding standing; one that names it decides.
        let later = |record: &str| {
            named.replace(
                "\ncertificates:\n",
                &format!("\n  - {{date: 2026-01-01, body: 中心, standard: demo, category: protection, {record}}}\ncertificates:\n"),
            )
        };
        let covering = later("covers: [{up_to: 通过}]");
        assert_eq!(
            req(&covering, DAY, "equivalent").state,
            State::MetByAssessment
        );
        assert_eq!(req(&covering, DAY, "plain").state, State::MetByAssessment);
        let finding = later("covers: [{up_to: 通过}], unmet: [equivalent]");
        assert_eq!(req(&finding, DAY, "equivalent").state, State::NotMet);
        // Without the named record, the covering ones never meet it.
        let text = VOCAB_ORG.replace(
            "\ncertificates:\n",
            "\n  - {date: 2026-01-01, body: 中心, standard: demo, category: protection, covers: [{part: p, up_to: 通过}]}\ncertificates:\n",
        );
        assert_eq!(req(&text, DAY, "equivalent").state, State::NotEvidenced);
    }

    #[test]
    fn min_amount_counts_a_project_of_exactly_that_amount() {
        assert_eq!(value(VOCAB_ORG, DAY, "large"), Some(Num::integer(1)));
        let below = edited("amount: 100}", "amount: 99.99}");
        assert_eq!(value(&below, DAY, "large"), Some(Num::integer(0)));
        assert_eq!(req(&below, DAY, "large").state, State::NotMet);
        // A private amount still selects the project.
        let private = edited("amount: 100}", "amount: {value: 100, public: false}}");
        assert_eq!(value(&private, DAY, "large"), Some(Num::integer(1)));
        // A project without an amount is not known to reach it.
        let none = edited(", amount: 100}", "}");
        assert_eq!(value(&none, DAY, "large"), Some(Num::integer(0)));
    }

    #[test]
    fn in_use_counts_only_accepted_projects_in_use() {
        assert_eq!(value(VOCAB_ORG, DAY, "in-use"), Some(Num::integer(1)));
        let unused = edited(", in_use: true}", "}");
        assert_eq!(value(&unused, DAY, "in-use"), Some(Num::integer(0)));
        let failed = edited(", in_use: true}", ", in_use: true, accepted: false}");
        assert_eq!(value(&failed, DAY, "in-use"), Some(Num::integer(0)));
    }

    #[test]
    fn a_trial_run_includes_its_first_and_last_day() {
        let run = |from: &str, to: &str| {
            edited(
                "trial_run: {from: 2025-01-31, to: 2025-02-27}",
                &format!("trial_run: {{from: {from}, to: {to}}}"),
            )
        };
        // 2025-01-31 + 1 month is 2025-02-28: the run through 2025-02-27
        // has lasted exactly one month; through 2025-02-26 a day short.
        assert_eq!(value(VOCAB_ORG, DAY, "trial"), Some(Num::integer(1)));
        let short = run("2025-01-31", "2025-02-26");
        assert_eq!(value(&short, DAY, "trial"), Some(Num::integer(0)));
        // 1 May to 31 May, both included, is one month; to 30 May is not.
        let may = run("2025-05-01", "2025-05-31");
        assert_eq!(value(&may, DAY, "trial"), Some(Num::integer(1)));
        let short = run("2025-05-01", "2025-05-30");
        assert_eq!(value(&short, DAY, "trial"), Some(Num::integer(0)));
        // A project without a recorded trial run does not count.
        let none = edited(", trial_run: {from: 2025-01-31, to: 2025-02-27}}", "}");
        assert_eq!(value(&none, DAY, "trial"), Some(Num::integer(0)));
    }

    #[test]
    fn team_at_least_counts_the_projects_team() {
        assert_eq!(value(VOCAB_ORG, DAY, "team"), Some(Num::integer(1)));
        let two = edited("team: [r-aa, r-bb, r-cc]", "team: [r-aa, r-bb]");
        assert_eq!(value(&two, DAY, "team"), Some(Num::integer(0)));
    }

    #[test]
    fn a_failed_acceptance_is_not_a_completed_project() {
        assert_eq!(value(VOCAB_ORG, DAY, "done"), Some(Num::integer(4)));
        assert_eq!(req(VOCAB_ORG, DAY, "done").state, State::MetByEvidence);
        let failed = edited("amount: 100}", "amount: 100, accepted: false}");
        assert_eq!(value(&failed, DAY, "done"), Some(Num::integer(3)));
        assert_eq!(req(&failed, DAY, "done").state, State::NotMet);
        assert_eq!(value(&failed, DAY, "failed"), Some(Num::integer(1)));
        // Nor does it count toward a selected count.
        assert_eq!(value(&failed, DAY, "large"), Some(Num::integer(0)));
    }

    #[test]
    fn who_role_counts_the_persons_with_one_of_the_roles() {
        assert_eq!(value(VOCAB_ORG, DAY, "leads"), Some(Num::integer(1)));
        assert_eq!(value(VOCAB_ORG, DAY, "builders"), Some(Num::integer(2)));
        let none = edited("roles: [technical-lead]", "roles: [secure-developer]");
        assert_eq!(value(&none, DAY, "leads"), Some(Num::integer(0)));
        assert_eq!(req(&none, DAY, "leads").state, State::NotMet);
        let both = edited(
            "{id: r-cc}",
            "{id: r-cc, roles: [secure-developer, technical-lead]}",
        );
        assert_eq!(value(&both, DAY, "leads"), Some(Num::integer(2)));
        assert_eq!(value(&both, DAY, "builders"), Some(Num::integer(3)));
    }

    #[test]
    fn vulnerability_reports_count_by_type_once_submitted() {
        // Of the graded category: CNVD-2025-00002 and CNNVD-202611-0003
        // (submitted on the day); CNVD-2026-00004 comes a day later.
        assert_eq!(value(VOCAB_ORG, DAY, "vulns"), Some(Num::integer(2)));
        assert_eq!(req(VOCAB_ORG, DAY, "vulns").state, State::MetByEvidence);
        let yesterday = DAY.yesterday().expect("day");
        assert_eq!(value(VOCAB_ORG, yesterday, "vulns"), Some(Num::integer(1)));
        assert_eq!(req(VOCAB_ORG, yesterday, "vulns").state, State::NotMet);
        let tomorrow = DAY.tomorrow().expect("day");
        assert_eq!(value(VOCAB_ORG, tomorrow, "vulns"), Some(Num::integer(3)));
        // `of_type`: CNVD-2024-00001 and the report of both types.
        assert_eq!(value(VOCAB_ORG, DAY, "ics-vulns"), Some(Num::integer(2)));
        assert_eq!(
            value(VOCAB_ORG, yesterday, "ics-vulns"),
            Some(Num::integer(1))
        );
        // None listed is a count of zero, not missing evidence.
        let start = VOCAB_ORG.find("  vulnerability_reports:").expect("reports");
        let end = VOCAB_ORG.find("  roster:").expect("roster");
        let none = format!("{}{}", &VOCAB_ORG[..start], &VOCAB_ORG[end..]);
        assert_eq!(value(&none, DAY, "vulns"), Some(Num::integer(0)));
        assert_eq!(req(&none, DAY, "vulns").state, State::NotMet);
    }

    // Counts of selected projects: what the page says was counted, and
    // what a count selected by private amounts may publish.

    #[test]
    fn a_count_of_projects_says_how_many_projects_it_counted() {
        // Four projects in the window, one of them failed its acceptance:
        // `projects` counts 3, so the page must not say "4 project(s) since".
        let failed = edited("amount: 100}", "amount: 100, accepted: false}");
        match req(&failed, DAY, "done").observed {
            Observed::Figure {
                value, projects, ..
            } => {
                assert_eq!(value, Some(Num::integer(3)));
                assert_eq!(projects, Some(3), "projects counted");
            }
            other => panic!("not a figure: {other:?}"),
        }
    }

    #[test]
    fn a_count_selected_by_private_amounts_is_private() {
        // docs/registry.md: "A figure derived from private values (a sum of
        // private amounts) is private." Amounts are private by default; how
        // many projects reach `min_amount` is derived from them.
        let c = req(VOCAB_ORG, DAY, "large");
        assert!(c.met, "still used for grading");
        assert!(
            matches!(c.observed, Observed::Figure { public: false, .. }),
            "{:?}",
            c.observed
        );
        // With the amount public, the count is public.
        let public = edited("amount: 100}", "amount: {value: 100, public: true}}");
        assert!(matches!(
            req(&public, DAY, "large").observed,
            Observed::Figure { public: true, .. }
        ));
    }
}
