//! CSV files: every certificate, and listings of organisations.
//!
//! UTF-8 *with* a byte order mark: Excel on Chinese Windows opens a CSV
//! without one in the ANSI code page (GBK) and garbles every Chinese name,
//! and a buyer double-clicking the file is the common case. Programs read
//! the mark away (Python `encoding="utf-8-sig"`, pandas, LibreOffice, R's
//! readr, Go's and Rust's csv readers after trimming it). Records end in
//! CRLF (RFC 4180); dates are ISO 8601 (`YYYY-MM-DD`); an absent value is an
//! empty field. Column names are English and stable within the API version;
//! new columns are only ever appended.
//!
//! A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or
//! a carriage return as a formula, and registry text is written by many
//! hands; such a cell is written with a leading `'` (OWASP's advice on CSV
//! injection), which Excel and LibreOffice show as text and do not run.
//! Plain numbers are left alone.

use ::csv::{Terminator, Writer, WriterBuilder};

use super::{CertificateRow, OrganisationRow, Wording};

/// The UTF-8 byte order mark every CSV file starts with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Columns of `certificates.csv`, in order.
pub const CERTIFICATE_COLUMNS: &[&str] = &[
    "number",
    "organisation_id",
    "organisation_name_zh",
    "organisation_name_en",
    "region",
    "standard",
    "standard_title_zh",
    "standard_title_en",
    "edition",
    "category",
    "category_zh",
    "category_en",
    "level",
    "level_en",
    "computed_level",
    "agreement",
    "status",
    "status_date",
    "issued",
    "valid_until",
    "next_confirmation",
    "body",
    "url",
    "level_supported",
    "level_note_zh",
    "level_note_en",
    "body_en",
];

/// Columns of an organisation listing, in order.
pub const ORGANISATION_COLUMNS: &[&str] = &[
    "id",
    "name_zh",
    "name_en",
    "former_names_zh",
    "credit_code",
    "region",
    "region_zh",
    "region_en",
    "founded",
    "website",
    "certificates",
    "certificates_in_force",
    "holdings",
    "computed_levels",
    "page_url",
    "json_url",
    "unsupported_levels",
];

fn writer() -> Writer<Vec<u8>> {
    WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(BOM.to_vec())
}

fn finish(w: Writer<Vec<u8>>) -> Result<Vec<u8>, ::csv::Error> {
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A cell as written: text a spreadsheet would run as a formula gets a
/// leading `'`.
fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let is_plain_number = {
        let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
        !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && digits.bytes().filter(|b| *b == b'.').count() <= 1
            && !digits.starts_with('.')
    };
    let formula_start = cell.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']);
    if formula_start && !is_plain_number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Writes one record with every cell [`neutralised`].
fn write<const N: usize>(w: &mut Writer<Vec<u8>>, cells: [&str; N]) -> Result<(), ::csv::Error> {
    w.write_record(cells.map(neutralised).iter().map(|c| c.as_bytes()))
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// `registry/certificates.csv`: one record per certificate, in the order
/// given (registry order: by organisation id, then as the file lists them).
/// `level_supported` is `yes` or `no` for a certificate in force or
/// suspended (empty otherwise); a `no` is put into words in both languages
/// with `wording`, as the pages say it.
pub fn certificates<B: std::borrow::Borrow<CertificateRow>>(
    rows: impl IntoIterator<Item = B>,
    wording: Wording,
) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = writer();
    w.write_record(CERTIFICATE_COLUMNS)?;
    for c in rows {
        let c = c.borrow();
        let supported = match (c.agreement, &c.level_flag) {
            (None, _) => "",
            (Some(_), Some(_)) => "no",
            (Some(_), None) => "yes",
        };
        let note = |strings: &std::collections::BTreeMap<String, String>, lang: &str| {
            c.level_flag
                .as_ref()
                .map(|f| f.sentence(strings, lang))
                .unwrap_or_default()
        };
        write(
            &mut w,
            [
                c.number.as_str(),
                &c.organisation,
                &c.organisation_zh,
                &c.organisation_en,
                &c.region,
                &c.standard,
                &c.standard_zh,
                &c.standard_en,
                opt(&c.edition),
                &c.category,
                &c.category_zh,
                &c.category_en,
                &c.level,
                &c.level_en,
                opt(&c.computed_level),
                c.agreement.map_or("", |a| a.name()),
                c.status.map_or("", |s| s.name()),
                opt(&c.status_date),
                opt(&c.issued),
                opt(&c.valid_until),
                opt(&c.next_confirmation),
                &c.body,
                &c.url,
                supported,
                &note(wording.zh, "zh"),
                &note(wording.en, "en"),
                opt(&c.body_en),
            ],
        )?;
    }
    finish(w)
}

/// A listing of organisations (all of them, or one facet's), one record
/// each in the order given. `holdings` lists the certificates in force as
/// `standard/category/level` separated by `; `; `computed_levels` the level
/// the evidence supports the same way (`-` where none is met);
/// `unsupported_levels` the certificates in force or suspended whose
/// registered level the evidence does not support, as
/// `standard/category/registered→supported` (`-` for no level).
pub fn organisations<B: std::borrow::Borrow<OrganisationRow>>(
    rows: impl IntoIterator<Item = B>,
) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = writer();
    w.write_record(ORGANISATION_COLUMNS)?;
    for o in rows {
        let o = o.borrow();
        let in_force: Vec<&CertificateRow> = o
            .certificates
            .iter()
            .filter(|c| c.status.is_some_and(|s| s.in_force()))
            .collect();
        let holdings: Vec<String> = in_force
            .iter()
            .map(|c| format!("{}/{}/{}", c.standard, c.category, c.level))
            .collect();
        let computed: Vec<String> = o
            .grades
            .iter()
            .map(|g| {
                format!(
                    "{}/{}/{}",
                    g.standard,
                    g.category,
                    g.level.as_deref().unwrap_or("-")
                )
            })
            .collect();
        let unsupported: Vec<String> = o
            .certificates
            .iter()
            .filter_map(|c| {
                let flag = c.level_flag.as_ref()?;
                Some(format!(
                    "{}/{}/{}→{}",
                    c.standard,
                    c.category,
                    flag.registered.id,
                    flag.supported.as_ref().map_or("-", |l| l.id.as_str())
                ))
            })
            .collect();
        write(
            &mut w,
            [
                o.id.as_str(),
                &o.name_zh,
                &o.name_en,
                &o.former_names_zh.join("; "),
                &o.credit_code,
                &o.region,
                &o.region_zh,
                &o.region_en,
                &o.founded,
                opt(&o.website),
                &o.certificates.len().to_string(),
                &in_force.len().to_string(),
                &holdings.join("; "),
                &computed.join("; "),
                &o.page_url,
                &o.json_url,
                &unsupported.join("; "),
            ],
        )?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{URLS, bundled, wording};
    use super::super::rows;
    use super::*;

    fn read(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let body = bytes
            .strip_prefix(BOM)
            .unwrap_or_else(|| panic!("no byte order mark"));
        let mut r = ::csv::Reader::from_reader(body);
        let header = r
            .headers()
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(String::from)
            .collect();
        let records = r
            .records()
            .map(|rec| {
                rec.unwrap_or_else(|e| panic!("{e}"))
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        (header, records)
    }

    fn all_rows() -> Vec<OrganisationRow> {
        let b = bundled();
        b.reports
            .iter()
            .map(|r| rows(r, &b.analysis.schemes, &URLS))
            .collect()
    }

    #[test]
    fn certificates_have_a_bom_stable_columns_and_one_record_each() {
        let rows = all_rows();
        let bytes = certificates(rows.iter().flat_map(|r| &r.certificates), wording())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(bytes.starts_with(BOM));
        let (header, records) = read(&bytes);
        assert_eq!(header, CERTIFICATE_COLUMNS);
        let count: usize = rows.iter().map(|r| r.certificates.len()).sum();
        assert_eq!(records.len(), count);
        assert!(records.iter().all(|r| r.len() == CERTIFICATE_COLUMNS.len()));
        // Records end in CRLF.
        assert!(bytes.ends_with(b"\r\n"));
        let first = &rows[0].certificates[0];
        assert_eq!(records[0][0], first.number);
        assert_eq!(records[0][1], first.organisation);
        let status = CERTIFICATE_COLUMNS
            .iter()
            .position(|c| *c == "status")
            .unwrap_or(0);
        assert!(
            records
                .iter()
                .all(|r| !r[status].is_empty() && r[status].is_ascii())
        );
        // Dates are ISO.
        let until = CERTIFICATE_COLUMNS
            .iter()
            .position(|c| *c == "valid_until")
            .unwrap_or(0);
        assert!(
            records
                .iter()
                .all(|r| r[until].parse::<jiff::civil::Date>().is_ok())
        );
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        let rows = all_rows();
        let mut org = rows[0].clone();
        let hostile = [
            "=cmd|' /C calc'!A0",
            "+HYPERLINK(\"http://x\",\"y\")",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "＝1+1",
        ];
        for name in hostile {
            org.name_en = name.into();
            org.name_zh = name.into();
            org.former_names_zh = vec![name.into()];
            for c in &mut org.certificates {
                c.organisation_en = name.into();
                c.body = name.into();
            }
            for bytes in [
                organisations([&org]).unwrap_or_else(|e| panic!("{e}")),
                certificates(&org.certificates, wording()).unwrap_or_else(|e| panic!("{e}")),
            ] {
                let (_, records) = read(&bytes);
                for record in &records {
                    for cell in record {
                        let runs = cell.starts_with(['=', '+', '-', '@', '\t', '\r', '＝'])
                            && cell.parse::<f64>().is_err();
                        assert!(!runs, "{cell:?} would run as a formula");
                    }
                    assert!(record.contains(&format!("'{name}")), "{record:?}");
                }
            }
        }
        // Numbers stay numbers.
        assert_eq!(neutralised("-12"), "-12");
        assert_eq!(neutralised("+3.5"), "+3.5");
        assert_eq!(neutralised("-"), "'-");
        assert_eq!(neutralised("甲"), "甲");
    }

    #[test]
    fn names_with_commas_quotes_and_newlines_round_trip() {
        let rows = all_rows();
        let mut org = rows[0].clone();
        org.name_en = "Comma, \"Quoted\" & Co.,\nLtd.".into();
        org.name_zh = "逗号，\"引号\"有限公司".into();
        org.former_names_zh = vec!["甲".into(), "乙, 丙".into()];
        for c in &mut org.certificates {
            c.organisation_en = org.name_en.clone();
        }
        let bytes = organisations([&org]).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("\"Comma, \"\"Quoted\"\" & Co.,\nLtd.\""),
            "{text}"
        );
        let (header, records) = read(&bytes);
        assert_eq!(header, ORGANISATION_COLUMNS);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0][1], org.name_zh);
        assert_eq!(records[0][2], org.name_en);
        assert_eq!(records[0][3], "甲; 乙, 丙");

        let bytes = certificates(&org.certificates, wording()).unwrap_or_else(|e| panic!("{e}"));
        let (_, records) = read(&bytes);
        assert_eq!(records.len(), org.certificates.len());
        assert!(records.iter().all(|r| r[3] == org.name_en));
    }

    fn column(name: &str, columns: &[&str]) -> usize {
        columns
            .iter()
            .position(|c| *c == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    #[test]
    fn an_unsupported_level_is_flagged_in_plain_columns() {
        use crate::export::{LevelFlag, LevelNames};
        let mut rows = all_rows();
        let (o, i) = rows
            .iter()
            .enumerate()
            .find_map(|(o, r)| {
                let i = r.certificates.iter().position(|c| c.agreement.is_some())?;
                Some((o, i))
            })
            .unwrap_or_else(|| panic!("a certificate in force"));
        let names = |id: &str, en: &str| LevelNames {
            id: id.into(),
            en: en.into(),
        };
        let c = &mut rows[o].certificates[i];
        c.agreement = Some(crate::grade::Agreement::Unsupported);
        c.level_flag = Some(Box::new(LevelFlag {
            registered: names("三级", "Level 3"),
            supported: Some(names("一级", "Level 1")),
            highest_defined: None,
        }));
        let number = c.number.clone();
        let bytes = certificates(rows.iter().flat_map(|r| &r.certificates), wording())
            .unwrap_or_else(|e| panic!("{e}"));
        let (header, records) = read(&bytes);
        // The columns before are where they were: new ones are appended.
        assert_eq!(header[..23], CERTIFICATE_COLUMNS[..23]);
        let at = |name| column(name, CERTIFICATE_COLUMNS);
        for r in &records {
            let flagged = r[0] == number;
            let expected = match (flagged, r[at("agreement")].as_str()) {
                (true, _) => "no",
                (false, "") => "",
                (false, _) => "yes",
            };
            assert_eq!(r[at("level_supported")], expected, "{}", r[0]);
            if flagged {
                assert_eq!(r[at("level_note_zh")], "登记三级；证据仅支持一级");
                assert_eq!(
                    r[at("level_note_en")],
                    "Registered Level 3; the evidence supports only Level 1"
                );
            } else {
                assert!(r[at("level_note_zh")].is_empty() && r[at("level_note_en")].is_empty());
            }
        }
        let bytes = organisations(&rows).unwrap_or_else(|e| panic!("{e}"));
        let (_, records) = read(&bytes);
        let at = column("unsupported_levels", ORGANISATION_COLUMNS);
        for (r, row) in records.iter().zip(&rows) {
            if row.id == rows[o].id {
                let c = &row.certificates[i];
                assert_eq!(r[at], format!("{}/{}/三级→一级", c.standard, c.category));
            } else {
                assert_eq!(r[at], "", "{}", row.id);
            }
        }
    }

    #[test]
    fn organisation_listings_count_and_summarise_certificates() {
        let rows = all_rows();
        let refs: Vec<&OrganisationRow> = rows.iter().filter(|r| r.region == "beijing").collect();
        assert!(!refs.is_empty());
        let bytes = organisations(refs.iter().copied()).unwrap_or_else(|e| panic!("{e}"));
        let (_, records) = read(&bytes);
        assert_eq!(records.len(), refs.len());
        for (rec, row) in records.iter().zip(&refs) {
            assert_eq!(rec[0], row.id);
            assert_eq!(rec[5], "beijing");
            assert_eq!(rec[10], row.certificates.len().to_string());
            let in_force: usize = rec[11].parse().unwrap_or(usize::MAX);
            assert!(in_force <= row.certificates.len());
            assert_eq!(
                rec[12].split("; ").filter(|s| !s.is_empty()).count(),
                in_force
            );
            assert_eq!(rec[14], row.page_url);
        }
        // An empty listing is just the header.
        let empty =
            organisations(std::iter::empty::<OrganisationRow>()).unwrap_or_else(|e| panic!("{e}"));
        let (header, records) = read(&empty);
        assert_eq!(header.len(), ORGANISATION_COLUMNS.len());
        assert!(records.is_empty());
    }
}
