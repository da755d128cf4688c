//! The Atom feed of registry changes, one per language edition.
//!
//! Entries, from each certificate's dated events in the report:
//! issued (a new certificate), renewed, suspended, reinstated and revoked,
//! dated on the event; and certificates in force in their last
//! [`EXPIRING_SOON_DAYS`](crate::grade::certificate::EXPIRING_SOON_DAYS) days of validity, dated on the first of those
//! days (end of validity − 89 days): the day the certificate became
//! "expiring soon", which stays put from one build to the next, so a reader
//! sees the entry once instead of a new date every day.
//!
//! Limits: events of the [`WINDOW_DAYS`] days up to and including the
//! grading date, then the newest [`LIMIT`] entries (date descending, then
//! organisation, certificate and kind of change). Entry times are midnight
//! in China (`+08:00`): the registry's dates are Chinese calendar days.
//!
//! [`entries`] works on one organisation, so a large build can collect the
//! entries batch by batch into a bounded [`Latest`]; [`view`] turns the
//! result into what `feed.xml` renders, in one language.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use super::{LevelFlag, Urls, names};
use crate::grade::certificate::expiring_soon_from;
use crate::grade::report::Report;
use crate::rules::Schemes;

/// Days of events the feed covers, up to the grading date.
pub const WINDOW_DAYS: i64 = 365;

/// The most entries a feed holds.
pub const LIMIT: usize = 200;

/// What happened to a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Issued,
    Renewed,
    Suspended,
    Reinstated,
    Revoked,
    Expiring,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::Issued => "issued",
            Change::Renewed => "renewed",
            Change::Suspended => "suspended",
            Change::Reinstated => "reinstated",
            Change::Revoked => "revoked",
            Change::Expiring => "expiring",
        }
    }

    fn of_event(kind: &str) -> Option<Change> {
        Some(match kind {
            "issued" => Change::Issued,
            "renewed" => Change::Renewed,
            "suspended" => Change::Suspended,
            "reinstated" => Change::Reinstated,
            "revoked" => Change::Revoked,
            _ => return None,
        })
    }
}

/// One change, language-neutral (names in both languages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FeedEntry {
    pub date: Date,
    pub change: Change,
    /// Organisation id and names.
    pub organisation: String,
    pub organisation_zh: String,
    pub organisation_en: String,
    pub number: String,
    pub standard_zh: String,
    pub standard_en: String,
    pub category_zh: String,
    pub category_en: String,
    pub level: String,
    pub level_en: String,
    /// End of validity on the grading date.
    pub valid_until: Option<String>,
    /// The event's note in the registry, if any, and its English version.
    pub note: Option<String>,
    pub note_en: Option<String>,
    /// Set when the evidence does not support the registered level on the
    /// grading date: every entry about the certificate says so.
    pub level_flag: Option<LevelFlag>,
}

impl FeedEntry {
    /// Newest first, then a stable order.
    fn key(&self) -> (Reverse<Date>, &str, &str, Change) {
        (
            Reverse(self.date),
            &self.organisation,
            &self.number,
            self.change,
        )
    }
}

/// The feed entries of one organisation on `as_of` (its report's date),
/// within [`WINDOW_DAYS`].
pub fn entries(report: &Report, schemes: &Schemes, as_of: Date) -> Vec<FeedEntry> {
    let Ok(window_start) = as_of.checked_sub((WINDOW_DAYS - 1).days()) else {
        return Vec::new();
    };
    let o = &report.organisation;
    let mut out = Vec::new();
    for c in &report.certificates {
        let n = names(schemes, &c.standard, &c.category, &c.level);
        let entry =
            |date: Date, change: Change, (note, note_en): (Option<String>, Option<String>)| {
                FeedEntry {
                    date,
                    change,
                    organisation: o.id.clone(),
                    organisation_zh: o.name_zh.clone(),
                    organisation_en: o.name_en.clone(),
                    number: c.number.clone(),
                    standard_zh: n.standard_zh.clone(),
                    standard_en: n.standard_en.clone(),
                    category_zh: n.category_zh.clone(),
                    category_en: n.category_en.clone(),
                    level: c.level.clone(),
                    level_en: n.level_en.clone(),
                    valid_until: c.valid_until.clone(),
                    note,
                    note_en,
                    level_flag: c
                        .unsupported_level
                        .as_ref()
                        .map(|u| LevelFlag::new(u, schemes, &c.standard)),
                }
            };
        for e in &c.events {
            let (Some(change), Ok(date)) = (Change::of_event(e.kind), e.date.parse::<Date>())
            else {
                continue;
            };
            if window_start <= date && date <= as_of {
                out.push(entry(date, change, (e.note.clone(), e.note_en.clone())));
            }
        }
        let until = c
            .valid_until
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok());
        if let (Some(status), Some(until)) = (c.status, until)
            && status.in_force()
            && as_of <= until
            && let Some(from) = expiring_soon_from(until)
            && from <= as_of
        {
            out.push(entry(from, Change::Expiring, (None, None)));
        }
    }
    out
}

/// The newest entries seen so far, at most `limit` once sorted.
#[derive(Debug, Clone)]
pub struct Latest {
    limit: usize,
    entries: Vec<FeedEntry>,
}

impl Latest {
    pub fn new(limit: usize) -> Self {
        Latest {
            limit,
            entries: Vec::new(),
        }
    }

    /// Adds entries, keeping memory bounded by about twice the limit.
    pub fn extend(&mut self, entries: impl IntoIterator<Item = FeedEntry>) {
        self.entries.extend(entries);
        if self.entries.len() > self.limit.saturating_mul(2) {
            self.trim();
        }
    }

    /// Both sets together (for a parallel reduce).
    pub fn merge(mut self, other: Latest) -> Latest {
        self.extend(other.entries);
        self
    }

    fn trim(&mut self) {
        self.entries.sort_by(|a, b| a.key().cmp(&b.key()));
        self.entries.dedup();
        self.entries.truncate(self.limit);
    }

    /// The newest entries, newest first.
    pub fn into_sorted(mut self) -> Vec<FeedEntry> {
        self.trim();
        self.entries
    }
}

/// The feed as `feed.xml` renders it (inserted as `feed`).
#[derive(Debug, Clone, Serialize)]
pub struct FeedView {
    pub lang_tag: String,
    /// The feed's permanent id: its own URL.
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub author: String,
    /// The newest entry's time, or the grading date's midnight.
    pub updated: String,
    pub self_url: String,
    /// The registry page of the edition.
    pub alternate_url: String,
    pub entries: Vec<EntryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    /// Language-neutral and permanent: the organisation's JSON URL with
    /// the certificate, change and date as fragment.
    pub id: String,
    pub change: &'static str,
    pub title: String,
    pub updated: String,
    /// The certificate's verification page in the edition.
    pub link: String,
    pub summary: String,
    /// The evidence does not support the certificate's registered level
    /// (the summary says so; the entry gets a category for filtering).
    pub level_unsupported: bool,
}

/// Midnight of `date` in China, RFC 3339.
fn instant(date: Date) -> String {
    format!("{date}T00:00:00+08:00")
}

/// What one edition's feed shows.
pub struct FeedInput<'a> {
    /// The edition's UI strings (`themes/<theme>/i18n/<lang>.yaml`).
    pub strings: &'a BTreeMap<String, String>,
    /// The edition's language code (`zh`, `en`): names are shown in it.
    pub lang: &'a str,
    pub site_title: &'a str,
    /// URLs of the edition (`edition` is its prefix).
    pub urls: Urls<'a>,
    /// The feed's path inside the site (`registry/feed.xml`).
    pub path: &'a str,
    pub as_of: Date,
}

/// The feed of `entries` (sorted newest first, as [`Latest::into_sorted`]
/// gives them) in one edition.
pub fn view(entries: &[FeedEntry], input: &FeedInput) -> FeedView {
    let t = |key: &str| {
        input
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    };
    let zh = input.lang == "zh";
    let pick = |zh_text: &str, en_text: &str| {
        if zh {
            zh_text.to_string()
        } else {
            en_text.to_string()
        }
    };
    let self_url = format!("{}{}", input.urls.base_url, input.path);
    let views = entries
        .iter()
        .map(|e| {
            let name = pick(&e.organisation_zh, &e.organisation_en);
            let level = pick(&e.level, &e.level_en);
            let until = e.valid_until.clone().unwrap_or_default();
            let fill = |template: String| {
                template
                    .replace("{name}", &name)
                    .replace("{number}", &e.number)
                    .replace("{standard}", &pick(&e.standard_zh, &e.standard_en))
                    .replace("{category}", &pick(&e.category_zh, &e.category_en))
                    .replace("{level}", &level)
                    .replace("{date}", &until)
            };
            let title = fill(t(&format!("feed_{}", e.change.name())));
            // The end of validity means nothing once suspended or revoked.
            let shows_until =
                e.valid_until.is_some() && !matches!(e.change, Change::Suspended | Change::Revoked);
            let mut summary = fill(t(if shows_until {
                "feed_summary_until"
            } else {
                "feed_summary"
            }));
            if let Some(flag) = &e.level_flag {
                summary = t("feed_level_flag")
                    .replace("{summary}", &summary)
                    .replace("{flag}", &flag.sentence(input.strings, input.lang));
            }
            // Each edition's feed shows the note in its language, where
            // the registry gives one.
            let note = if zh { None } else { e.note_en.as_ref() }.or(e.note.as_ref());
            if let Some(note) = note {
                summary.push_str(" — ");
                summary.push_str(note);
            }
            EntryView {
                id: format!(
                    "{}#{}/{}/{}",
                    input.urls.organisation_feed_id(&e.organisation),
                    e.number,
                    e.change.name(),
                    e.date
                ),
                change: e.change.name(),
                title,
                updated: instant(e.date),
                link: input.urls.certificate_page(&e.number),
                summary,
                level_unsupported: e.level_flag.is_some(),
            }
        })
        .collect();
    let newest = entries.iter().map(|e| e.date).max().unwrap_or(input.as_of);
    FeedView {
        lang_tag: t("lang_tag"),
        id: self_url.clone(),
        title: format!("{} · {}", t("feed_title"), input.site_title),
        subtitle: t("feed_subtitle"),
        author: input.site_title.to_string(),
        updated: instant(newest),
        self_url,
        alternate_url: format!("{}{}registry/", input.urls.base_url, input.urls.edition),
        entries: views,
    }
}

#[cfg(test)]
mod tests {

    use jiff::civil::date;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::super::fixture::{AS_OF, bundled, render_feed as render, strings};
    use super::*;
    use crate::grade::Status;
    use crate::grade::report::{CertificateReport, EventReport};

    fn all_entries() -> Vec<FeedEntry> {
        let b = bundled();
        let mut latest = Latest::new(LIMIT);
        for r in &b.reports {
            latest.extend(entries(r, &b.analysis.schemes, AS_OF));
        }
        latest.into_sorted()
    }

    /// One certificate with the given events and validity, in a copy of a
    /// bundled report.
    fn report_with(events: &[(&'static str, Date)], until: Date, status: Status) -> Report {
        let mut r = bundled().reports[0].clone();
        r.certificates.truncate(1);
        let c: &mut CertificateReport = &mut r.certificates[0];
        c.events = events
            .iter()
            .map(|(kind, d)| EventReport {
                kind,
                date: d.to_string(),
                note: None,
                note_en: None,
            })
            .collect();
        c.valid_until = Some(until.to_string());
        c.status = Some(status);
        r
    }

    #[test]
    fn events_in_the_window_and_expiry_become_entries() {
        let schemes = &bundled().analysis.schemes;
        let as_of = date(2026, 5, 1);
        let r = report_with(
            &[
                ("issued", date(2023, 7, 1)),
                ("annual-confirmation", date(2025, 6, 20)),
                ("suspended", date(2025, 5, 2)),
                ("reinstated", date(2025, 5, 1)),
                ("renewed", date(2026, 4, 1)),
            ],
            date(2026, 7, 29),
            Status::ExpiringSoon,
        );
        let got: Vec<(Change, Date)> = entries(&r, schemes, as_of)
            .iter()
            .map(|e| (e.change, e.date))
            .collect();
        // Issued is older than a year; 2025-05-01 is one day outside the
        // window, 2025-05-02 the first day in it; the confirmation is not a change.
        assert_eq!(
            got,
            [
                (Change::Suspended, date(2025, 5, 2)),
                (Change::Renewed, date(2026, 4, 1)),
                (Change::Expiring, date(2026, 5, 1)),
            ]
        );
        // Expiring is dated on the first of the last 90 days of validity.
        let r = report_with(
            &[("issued", date(2023, 7, 1))],
            date(2026, 7, 28),
            Status::ExpiringSoon,
        );
        let e = entries(&r, schemes, as_of);
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].change, e[0].date),
            (Change::Expiring, date(2026, 4, 30))
        );
        // One day beyond the window: not yet expiring.
        let r = report_with(
            &[("issued", date(2023, 7, 1))],
            date(2026, 7, 30),
            Status::Valid,
        );
        assert!(entries(&r, schemes, as_of).is_empty());
        // Revoked (not in force) is not "expiring".
        let r = report_with(
            &[("issued", date(2023, 7, 1)), ("revoked", date(2026, 3, 3))],
            date(2026, 6, 1),
            Status::Revoked,
        );
        let got: Vec<Change> = entries(&r, schemes, as_of)
            .iter()
            .map(|e| e.change)
            .collect();
        assert_eq!(got, [Change::Revoked]);
    }

    #[test]
    fn latest_keeps_the_newest_in_a_stable_order() {
        let all = all_entries();
        assert!(!all.is_empty());
        assert!(all.len() <= LIMIT);
        for pair in all.windows(2) {
            assert!(pair[0].key() <= pair[1].key());
        }
        // The bundled registry has each kind of change in the last year.
        for change in [
            Change::Issued,
            Change::Suspended,
            Change::Revoked,
            Change::Expiring,
        ] {
            assert!(all.iter().any(|e| e.change == change), "{change:?}");
        }
        // A small limit keeps the newest, whatever the batches.
        let b = bundled();
        let mut one = Latest::new(5);
        let mut halves = (Latest::new(5), Latest::new(5));
        for (i, r) in b.reports.iter().enumerate() {
            let e = entries(r, &b.analysis.schemes, AS_OF);
            one.extend(e.clone());
            if i % 2 == 0 {
                halves.0.extend(e);
            } else {
                halves.1.extend(e);
            }
        }
        let one = one.into_sorted();
        assert_eq!(one, all[..5]);
        assert_eq!(halves.0.merge(halves.1).into_sorted(), one);
    }

    #[test]
    fn entries_about_an_unsupported_level_say_so() {
        let schemes = &bundled().analysis.schemes;
        let as_of = date(2026, 5, 1);
        let mut r = report_with(
            &[("issued", date(2026, 4, 1))],
            date(2029, 3, 31),
            Status::Valid,
        );
        let finding = crate::grade::report::UnsupportedLevel {
            registered: r.certificates[0].level.clone(),
            supported: None,
            highest_defined: None,
        };
        let plain = entries(&r, schemes, as_of);
        r.certificates[0].unsupported_level = Some(finding);
        let flagged = entries(&r, schemes, as_of);
        assert_eq!(flagged.len(), 1);
        assert!(plain[0].level_flag.is_none() && flagged[0].level_flag.is_some());
        for lang in ["zh", "en"] {
            let strings = strings(lang);
            let input = FeedInput {
                strings: &strings,
                lang,
                site_title: "Example",
                urls: Urls {
                    base_url: "https://example.org/",
                    edition: "",
                },
                path: "registry/feed.xml",
                as_of,
            };
            let sentence = flagged[0]
                .level_flag
                .as_ref()
                .map(|f| f.sentence(&strings, lang))
                .unwrap_or_default();
            let feed = view(&flagged, &input);
            let entry = &feed.entries[0];
            assert!(entry.level_unsupported);
            assert!(entry.summary.contains(&sentence), "{}", entry.summary);
            let unflagged = view(&plain, &input);
            assert!(!unflagged.entries[0].summary.contains(&sentence));
            let (_, elements) = parse(&render(&feed));
            assert!(elements.contains(&"feed/entry/category[term=level-unsupported]".to_string()));
            let (_, elements) = parse(&render(&unflagged));
            assert!(!elements.iter().any(|e| e.contains("level-unsupported")));
        }
    }

    /// (element path, text) of every element with text, and every element
    /// path (empty elements with their attributes).
    fn parse(xml: &str) -> (Vec<(String, String)>, Vec<String>) {
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<String> = Vec::new();
        let mut texts = Vec::new();
        let mut elements = Vec::new();
        let mut buf = String::new();
        let flush = |buf: &mut String, stack: &[String], texts: &mut Vec<(String, String)>| {
            if !buf.trim().is_empty() {
                texts.push((stack.join("/"), buf.clone()));
            }
            buf.clear();
        };
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    flush(&mut buf, &stack, &mut texts);
                    stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                    elements.push(stack.join("/"));
                }
                Ok(Event::Empty(e)) => {
                    flush(&mut buf, &stack, &mut texts);
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    let mut attrs = Vec::new();
                    for a in e.attributes() {
                        let a = a.unwrap_or_else(|e| panic!("attribute: {e}"));
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap_or_else(|e| panic!("{e}"))
                            .into_owned();
                        attrs.push(format!(
                            "{}={value}",
                            String::from_utf8_lossy(a.key.as_ref())
                        ));
                    }
                    elements.push(format!("{}/{name}[{}]", stack.join("/"), attrs.join(" ")));
                }
                Ok(Event::End(_)) => {
                    flush(&mut buf, &stack, &mut texts);
                    stack.pop();
                }
                Ok(Event::Text(t)) => {
                    buf.push_str(&t.decode().unwrap_or_else(|e| panic!("{e}")));
                }
                Ok(Event::GeneralRef(r)) => {
                    // An entity or character reference inside text.
                    let name = r.decode().unwrap_or_else(|e| panic!("{e}"));
                    let text = quick_xml::escape::unescape(&format!("&{name};"))
                        .unwrap_or_else(|e| panic!("{e}"))
                        .into_owned();
                    buf.push_str(&text);
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed XML at {}: {e}", reader.buffer_position()),
            }
        }
        assert!(stack.is_empty(), "unclosed elements {stack:?}");
        (texts, elements)
    }

    #[test]
    fn the_feed_renders_as_valid_atom_in_both_languages() {
        let entries = all_entries();
        for (lang, prefix, path) in [
            ("zh", "", "registry/feed.xml"),
            ("en", "en/", "en/registry/feed.xml"),
        ] {
            let strings = strings(lang);
            let view = view(
                &entries,
                &FeedInput {
                    strings: &strings,
                    lang,
                    site_title: "Example & <Registry>",
                    urls: Urls {
                        base_url: "https://example.org/",
                        edition: prefix,
                    },
                    path,
                    as_of: AS_OF,
                },
            );
            let xml = render(&view);
            assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
            assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
            let (texts, elements) = parse(&xml);
            let text = |p: &str| -> Vec<&str> {
                texts
                    .iter()
                    .filter(|(path, _)| path == p)
                    .map(|(_, t)| t.as_str())
                    .collect()
            };
            let self_url = format!("https://example.org/{path}");
            assert_eq!(text("feed/id"), [self_url.as_str()]);
            assert_eq!(text("feed/updated").len(), 1);
            assert!(text("feed/title")[0].ends_with("Example & <Registry>"));
            assert_eq!(text("feed/author/name"), ["Example & <Registry>"]);
            assert!(elements.contains(&format!(
                "feed/link[rel=self type=application/atom+xml href={self_url}]"
            )));
            // Every entry has an id, a title, an updated time, a link and a summary.
            let n = elements.iter().filter(|e| *e == "feed/entry").count();
            assert_eq!(n, entries.len());
            for field in ["id", "title", "updated", "summary"] {
                assert_eq!(text(&format!("feed/entry/{field}")).len(), n, "{field}");
            }
            assert_eq!(
                elements
                    .iter()
                    .filter(|e| e.starts_with("feed/entry/link[rel=alternate"))
                    .count(),
                n
            );
            // Ids are unique and permanent: they kept the organisation's
            // version 1 file URL when the API moved to version 2, so feed
            // readers do not see every entry again as new.
            let ids = text("feed/entry/id");
            let first = &entries[0];
            assert_eq!(
                ids[0],
                format!(
                    "https://example.org/api/v1/organisations/{}.json#{}/{}/{}",
                    first.organisation,
                    first.number,
                    first.change.name(),
                    first.date
                )
            );
            let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len());
            for u in text("feed/entry/updated") {
                assert!(u.parse::<jiff::Timestamp>().is_ok(), "{u}");
            }
            // Titles are localised and filled in.
            let titles = text("feed/entry/title");
            assert!(titles.iter().all(|t| !t.contains('{')), "{titles:?}");
            let first = &entries[0];
            let name = if lang == "zh" {
                &first.organisation_zh
            } else {
                &first.organisation_en
            };
            assert!(titles[0].contains(name.as_str()), "{}", titles[0]);
            assert!(titles[0].contains(&first.number));
            let revoked = if lang == "zh" { "撤销" } else { "revoked" };
            assert!(titles.iter().any(|t| t.contains(revoked)));
        }
    }
}
