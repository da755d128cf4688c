//! Which edition of a standard grades an organisation: a standard with
//! several editions grades under the edition in force, except that a
//! certificate issued under an earlier edition keeps that edition's rules
//! through the transition period the revision gives (`transition_until`).

use jiff::civil::Date;
use serde::Serialize;

use super::GradeResult;
use crate::rules::{EditionRules, Scheme, Schemes};

/// The edition a grade was computed under, and why that one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradedEdition {
    pub label: String,
    /// It is the standard's current edition.
    pub current: bool,
    /// A certificate (index in the file) was issued under this earlier
    /// edition and the next edition's transition period has not ended:
    /// its grade keeps this edition's rules until `until`.
    pub transition: Option<(usize, Date)>,
}

/// The rules a result was graded under: its edition's, else the standard's.
pub fn scheme_of<'a>(schemes: &'a Schemes, result: &GradeResult) -> Option<&'a Scheme> {
    schemes.edition(
        &result.standard,
        result.edition.as_ref().map(|e| e.label.as_str()),
    )
}

/// Which edition of a standard grades one category of an organisation on
/// `date`: the edition in force on that day, unless the newest certificate
/// that counts (in force or suspended) was issued under an earlier edition
/// whose successor's transition period (`transition_until`, inclusive)
/// still runs, or under a later edition (issued before it took effect).
/// A certificate's edition is its `edition`, else the one in force on its
/// issue date.
pub fn grading_edition(
    timeline: &[EditionRules],
    certificates: &[(usize, Option<&str>, Date)],
    date: Date,
) -> Option<GradedEdition> {
    let in_force_on = |day: Date| -> Option<usize> {
        let effective = timeline
            .iter()
            .rposition(|e| e.effective.is_some_and(|d| d <= day));
        effective.or((!timeline.is_empty()).then_some(0))
    };
    let now = in_force_on(date)?;
    let current = timeline.len() - 1;
    let mut chosen = (now, None);
    // The newest certificate decides (a later entry wins a tie).
    if let Some(&(index, named, issued)) = certificates.iter().max_by_key(|(i, _, d)| (*d, *i)) {
        let own = match named {
            Some(label) => timeline.iter().position(|e| e.label == label),
            None => in_force_on(issued),
        };
        match own {
            Some(own) if own > now => chosen = (own, None),
            Some(own) if own < now => {
                if let Some(until) = timeline[own + 1].transition_until
                    && date <= until
                {
                    chosen = (own, Some((index, until)));
                }
            }
            _ => {}
        }
    }
    Some(GradedEdition {
        label: timeline[chosen.0].label.clone(),
        current: chosen.0 == current,
        transition: chosen.1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline() -> Vec<EditionRules> {
        let edition = |label: &str, effective: Date, transition: Option<Date>| EditionRules {
            label: label.into(),
            effective: Some(effective),
            transition_until: transition,
            scheme: None,
        };
        vec![
            edition("2019", jiff::civil::date(2019, 6, 1), None),
            edition("2023", jiff::civil::date(2023, 6, 1), None),
            edition(
                "2025",
                jiff::civil::date(2025, 7, 1),
                Some(jiff::civil::date(2026, 12, 31)),
            ),
        ]
    }

    fn chosen(certs: &[(usize, Option<&str>, Date)], on: Date) -> (String, bool, Option<usize>) {
        let e = grading_edition(&timeline(), certs, on).expect("an edition");
        (e.label, e.current, e.transition.map(|(i, _)| i))
    }

    #[test]
    fn a_certificate_keeps_its_edition_through_the_transition_only() {
        let issued_2024 = (0, None, jiff::civil::date(2024, 11, 20));
        // Issued under 2023 (in force then); 2025's transition runs to the
        // end of 2026, inclusive.
        assert_eq!(
            chosen(&[issued_2024], jiff::civil::date(2026, 12, 31)),
            ("2023".into(), false, Some(0))
        );
        assert_eq!(
            chosen(&[issued_2024], jiff::civil::date(2027, 1, 1)),
            ("2025".into(), true, None)
        );
        // Without a certificate: the edition in force.
        assert_eq!(
            chosen(&[], jiff::civil::date(2026, 1, 1)),
            ("2025".into(), true, None)
        );
        assert_eq!(
            chosen(&[], jiff::civil::date(2024, 1, 1)),
            ("2023".into(), false, None)
        );
        // Before any edition took effect: the first.
        assert_eq!(
            chosen(&[], jiff::civil::date(2000, 1, 1)),
            ("2019".into(), false, None)
        );
    }

    #[test]
    fn a_named_edition_and_the_newest_certificate_decide() {
        let on = jiff::civil::date(2026, 6, 1);
        // Named 2019: the transition that matters is 2023's, which has none.
        assert_eq!(
            chosen(&[(0, Some("2019"), jiff::civil::date(2025, 9, 1))], on),
            ("2025".into(), true, None)
        );
        // The newest of two certificates decides.
        let older = (0, None, jiff::civil::date(2024, 1, 10));
        let newer = (1, None, jiff::civil::date(2025, 8, 1));
        assert_eq!(chosen(&[older, newer], on), ("2025".into(), true, None));
        assert_eq!(chosen(&[older], on), ("2023".into(), false, Some(0)));
        // Issued under a published edition before it took effect.
        assert_eq!(
            chosen(
                &[(0, Some("2025"), jiff::civil::date(2025, 5, 1))],
                jiff::civil::date(2025, 6, 1)
            ),
            ("2025".into(), true, None)
        );
    }
}
