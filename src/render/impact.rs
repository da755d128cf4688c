//! The page of a revision's effect on grades
//! (`standards/<slug>/editions/<label>/impact/`): counts by category and by
//! level, then every organisation whose level the revision moves, with the
//! requirements responsible. The same data is `api/v2/standards/<slug>/editions/<label>/impact.json`.

use serde::Serialize;

use super::registry::{LinkView, Views};
use crate::impact::{Counts, Direction, Impact};

#[derive(Serialize)]
pub struct ImpactView {
    pub intro: String,
    pub summary: String,
    pub by_category: Vec<TallyView>,
    pub by_level: Vec<TallyView>,
    pub moves: Vec<MoveView>,
    pub json_url: String,
}

#[derive(Serialize)]
pub struct TallyView {
    pub name: String,
    pub graded: usize,
    pub up: usize,
    pub down: usize,
    pub unchanged: usize,
}

#[derive(Serialize)]
pub struct MoveView {
    pub name: String,
    pub url: String,
    pub category: String,
    /// `up` or `down` (a CSS class too).
    pub direction: &'static str,
    pub change: String,
    pub requirements: Vec<ResponsibleView>,
}

#[derive(Serialize)]
pub struct ResponsibleView {
    pub id: String,
    /// The clause in the revision; `None` for a requirement it dropped,
    /// whose clause number is the edition before's (`clause_label`).
    pub clause: Option<LinkView>,
    pub clause_label: String,
    pub old_state: String,
    pub new_state: String,
}

fn tally(name: String, c: &Counts) -> TallyView {
    TallyView {
        name,
        graded: c.graded,
        up: c.up,
        down: c.down,
        unchanged: c.unchanged,
    }
}

/// The page's view; `clause` links a requirement's clause (the revision's
/// numbering) and `json_url` is the same data's address.
pub fn impact(i: &Impact, views: &Views, json_url: String) -> ImpactView {
    let slug = i.standard.as_str();
    let none = views.t("grade_none");
    let level = |l: &Option<String>| match l {
        Some(l) => views.level_name(slug, l),
        None => none.clone(),
    };
    let state = |s: Option<crate::grade::State>| match s {
        Some(s) => views.t(&format!("state_{}", s.name().replace('-', "_"))),
        None => views.t("impact_not_in_edition"),
    };
    ImpactView {
        intro: views
            .t("impact_intro")
            .replace("{old}", &i.old)
            .replace("{new}", &i.new)
            .replace("{date}", &i.as_of),
        summary: views
            .t("impact_summary")
            .replace("{graded}", &i.summary.graded.to_string())
            .replace("{up}", &i.summary.up.to_string())
            .replace("{down}", &i.summary.down.to_string())
            .replace("{unchanged}", &i.summary.unchanged.to_string()),
        by_category: i
            .by_category
            .iter()
            .map(|t| tally(views.category_name(slug, &t.key), &t.counts))
            .collect(),
        by_level: i
            .by_level
            .iter()
            .map(|t| {
                let name = if t.key == "none" {
                    none.clone()
                } else {
                    views.level_name(slug, &t.key)
                };
                tally(name, &t.counts)
            })
            .collect(),
        moves: i
            .moves
            .iter()
            .map(|m| MoveView {
                name: views.pick(&m.name_zh, &m.name_en),
                url: views.org_url(&m.organisation),
                category: views.category_name(slug, &m.category),
                direction: match m.direction {
                    Direction::Up => "up",
                    Direction::Down => "down",
                },
                change: views
                    .t(match m.direction {
                        Direction::Up => "impact_up",
                        Direction::Down => "impact_down",
                    })
                    .replace("{old}", &level(&m.old_level))
                    .replace("{new}", &level(&m.new_level)),
                requirements: m
                    .requirements
                    .iter()
                    .map(|r| ResponsibleView {
                        id: format!("{} · {}", r.part, r.id),
                        clause: r.new_state.map(|_| views.clause(slug, &r.clause)),
                        clause_label: views
                            .t("impact_old_clause")
                            .replace("{clause}", &r.clause)
                            .replace("{old}", &i.old),
                        old_state: state(r.old_state),
                        new_state: state(r.new_state),
                    })
                    .collect(),
            })
            .collect(),
        json_url,
    }
}
