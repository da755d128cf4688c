use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::json;

use super::encode::{ListKind, decode_list, get_varint};
use super::*;

/// A dictionary entry read back from a shard.
#[derive(Debug)]
struct ReadEntry {
    token: String,
    class: u8,
    kind: ListKind,
    count: usize,
    bytes: usize,
    list: ListBytes,
}

#[derive(Debug)]
enum ListBytes {
    Inline(Vec<u8>),
    External(usize),
}

/// The shard reader the browser implements, for the round-trip tests.
fn read_shard(bytes: &[u8]) -> Option<Vec<ReadEntry>> {
    let mut pos = 0;
    let count = get_varint(bytes, &mut pos)? as usize;
    let mut prev: Vec<u8> = Vec::new();
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let shared = get_varint(bytes, &mut pos)? as usize;
        let len = get_varint(bytes, &mut pos)? as usize;
        let mut token = prev.get(..shared)?.to_vec();
        token.extend_from_slice(bytes.get(pos..pos + len)?);
        pos += len;
        let flags = *bytes.get(pos)?;
        pos += 1;
        let count = get_varint(bytes, &mut pos)? as usize;
        let size = get_varint(bytes, &mut pos)? as usize;
        let list = if flags & 0x10 != 0 {
            ListBytes::External(get_varint(bytes, &mut pos)? as usize)
        } else {
            let list = bytes.get(pos..pos + size)?.to_vec();
            pos += size;
            ListBytes::Inline(list)
        };
        out.push(ReadEntry {
            token: String::from_utf8(token.clone()).ok()?,
            class: flags & 3,
            kind: ListKind::from_code((flags >> 2) & 3)?,
            count,
            bytes: size,
            list,
        });
        prev = token;
    }
    (pos == bytes.len()).then_some(out)
}

fn org(
    (zh, en): (&str, &str),
    former: &[&str],
    certs: &[&str],
    region: (&str, &str, &str),
    services: &[&str],
    facets: &[&str],
    date: Option<&str>,
) -> Record {
    let mut fields = vec![Field::primary("name_zh", zh), Field::primary("name_en", en)];
    fields.extend(former.iter().map(|f| Field::other("former_name", *f)));
    fields.extend(certs.iter().map(|c| Field::other("certificate", *c)));
    fields.push(Field::other("region", format!("{} {}", region.1, region.2)));
    fields.extend(services.iter().map(|s| Field::other("service", *s)));
    let id: String = en.split_whitespace().next().unwrap_or("org").to_lowercase();
    let mut facets: Vec<String> = facets.iter().map(|f| f.to_string()).collect();
    facets.push(format!("region={}", region.0));
    Record {
        fields,
        facets,
        date: date.and_then(|d| d.parse().ok()),
        display: json!({
            "id": id,
            "name": {"zh": zh, "en": en},
            "url": {"zh": format!("/registry/{id}/"), "en": format!("/en/registry/{id}/")},
            "region": {"zh": region.1, "en": region.2},
            "holdings": services.iter().zip(certs).map(|(s, c)| json!({"zh": format!("{s} · {c}"), "en": c, "status": "valid"})).collect::<Vec<_>>(),
            "date": date,
        }),
    }
}

/// The records of the fixture the browser client's tests read
/// (tests/browser/fixtures/search-index/), in name order.
fn fixture_records() -> Vec<Record> {
    const BJ: (&str, &str, &str) = ("beijing", "北京市", "Beijing");
    const HLJ: (&str, &str, &str) = ("heilongjiang", "黑龙江省", "Heilongjiang");
    const SH: (&str, &str, &str) = ("shanghai", "上海市", "Shanghai");
    vec![
        org(
            (
                "北京示例信息技术有限公司",
                "Beijing Example Information Technology Co., Ltd.",
            ),
            &[],
            &["CSI-2023-FX-0012"],
            BJ,
            &["信息安全风险评估服务"],
            &[
                "standard=csi-grading",
                "category=csi-grading/risk-assessment",
                "level=csi-grading/level-3",
                "status=valid",
            ],
            Some("2023-03-01"),
        ),
        org(
            (
                "北溟示例网络安全技术有限公司",
                "Beiming Example Cybersecurity Technology Co., Ltd.",
            ),
            &["北溟示例网络技术有限公司", "北溟示例计算机网络工程有限公司"],
            &["CSI-2021-YJ-0062"],
            HLJ,
            &["应急响应服务"],
            &[
                "standard=csi-grading",
                "category=csi-grading/emergency-response",
                "level=csi-grading/level-4",
                "status=valid",
            ],
            Some("2024-04-15"),
        ),
        org(
            (
                "碧梧示例网络安全技术有限公司",
                "Biwu Example Cybersecurity Technology Co., Ltd.",
            ),
            &[],
            &["CSI-2022-FX-0031", "CSI-2024-YJ-0105"],
            BJ,
            &["信息安全风险评估服务", "应急响应服务"],
            &[
                "standard=csi-grading",
                "category=csi-grading/risk-assessment",
                "category=csi-grading/emergency-response",
                "level=csi-grading/level-2",
                "status=valid",
                "status=suspended",
            ],
            Some("2024-06-30"),
        ),
        org(
            (
                "沧浪示例信息安全股份有限公司",
                "Canglang Example Information Security Co., Ltd.",
            ),
            &[],
            &["CNS-YAQ1-2024-0082"],
            SH,
            &["云计算安全服务"],
            &[
                "standard=cnitsec-cloud-l1",
                "level=cnitsec-cloud-l1/level-1",
                "status=revoked",
            ],
            Some("2024-01-10"),
        ),
        org(
            (
                "东篱示例信息技术有限公司",
                "Dongli Example Information Technology Co., Ltd.",
            ),
            &[],
            &[],
            SH,
            &[],
            &[],
            None,
        ),
        org(
            (
                "京华示例网络科技有限公司",
                "Jinghua Example Network Technology Co., Ltd.",
            ),
            &["北京京华网络服务中心"],
            &["CSI-2021-FX-0062"],
            HLJ,
            &["信息安全风险评估服务"],
            &[
                "standard=csi-grading",
                "category=csi-grading/risk-assessment",
                "level=csi-grading/level-3",
                "status=expired",
            ],
            Some("2021-05-20"),
        ),
    ]
}

fn fixture_labels() -> Vec<FacetLabel> {
    [
        (
            "standard=csi-grading",
            "网络安全服务机构等级评定规范",
            "Grading of cybersecurity service organisations",
        ),
        (
            "standard=cnitsec-cloud-l1",
            "云计算安全服务一级",
            "Cloud security service level 1",
        ),
        (
            "category=csi-grading/risk-assessment",
            "信息安全风险评估服务",
            "Information security risk assessment",
        ),
        (
            "category=csi-grading/emergency-response",
            "应急响应服务",
            "Emergency response",
        ),
        ("level=csi-grading/level-2", "二级", "Level 2"),
        ("level=csi-grading/level-3", "三级", "Level 3"),
        ("level=csi-grading/level-4", "四级", "Level 4"),
        ("region=beijing", "北京市", "Beijing"),
        ("region=shanghai", "上海市", "Shanghai"),
        ("status=valid", "有效", "Valid"),
        ("status=unused", "未用", "Unused"),
    ]
    .into_iter()
    .map(|(token, zh, en)| FacetLabel {
        token: token.into(),
        zh: zh.into(),
        en: en.into(),
    })
    .collect()
}

/// Small sizes, so the six records need several shards, external lists,
/// chunks and date files.
fn fixture_options() -> IndexOptions {
    IndexOptions {
        shard_target: 1024,
        inline_max: 1,
        chunk_target: 1200,
        date_bucket: 4,
    }
}

fn file<'a>(files: &'a [(String, Vec<u8>)], path: &str) -> &'a [u8] {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, b)| b.as_slice())
        .unwrap_or_else(|| panic!("no {path}"))
}

fn manifest(files: &[(String, Vec<u8>)]) -> serde_json::Value {
    serde_json::from_slice(file(files, "manifest.json")).unwrap()
}

/// Every (token, class) → records, read back through shards and list files.
fn read_postings(files: &[(String, Vec<u8>)]) -> BTreeMap<(String, u8), Vec<u32>> {
    let m = manifest(files);
    let n = m["records"].as_u64().unwrap() as u32;
    let shards = m["shards"].as_u64().unwrap() as usize;
    let mut out = BTreeMap::new();
    for i in 0..shards {
        let entries = read_shard(file(files, &format!("s/{i}.bin"))).expect("shard decodes");
        for e in entries {
            assert_eq!(
                fnv1a32(e.token.as_bytes()) as usize % shards,
                i,
                "{}",
                e.token
            );
            let bytes = match &e.list {
                ListBytes::Inline(b) => b.clone(),
                ListBytes::External(j) => file(files, &format!("l/{j}.bin")).to_vec(),
            };
            assert_eq!(bytes.len(), e.bytes);
            let ids = decode_list(e.kind, &bytes, n).expect("list decodes");
            assert_eq!(ids.len(), e.count);
            out.insert((e.token, e.class), ids);
        }
    }
    out
}

#[test]
fn fnv1a32_matches_the_reference_values() {
    assert_eq!(fnv1a32(b""), 0x811c_9dc5);
    assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
    assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
}

#[test]
fn the_same_records_give_the_same_bytes() {
    let records = fixture_records();
    let a = build_index_with(&records, &fixture_labels(), &fixture_options());
    let b = build_index_with(&records, &fixture_labels(), &fixture_options());
    assert_eq!(a, b);
    let c = build_index(&records, &fixture_labels());
    let d = build_index(&records, &fixture_labels());
    assert_eq!(c, d);
}

#[test]
fn postings_round_trip_through_shards_and_list_files() {
    let records = fixture_records();
    let files = build_index_with(&records, &fixture_labels(), &fixture_options());
    let postings = read_postings(&files);
    // What each record should be listed under, straight from the tokeniser.
    let mut expected: BTreeMap<(String, u8), Vec<u32>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let (buf, pairs) = record_tokens(r);
        for (a, b, class) in pairs {
            expected
                .entry((buf[a..b].to_string(), class))
                .or_default()
                .push(i as u32);
        }
    }
    assert_eq!(postings, expected);
    let get = |t: &str, c: u8| {
        postings
            .get(&(t.to_string(), c))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(get("络安", CLASS_PRIMARY), [1, 2]);
    assert_eq!(get("北京", CLASS_PRIMARY), [0]);
    assert_eq!(get("北京", CLASS_OTHER), [0, 2, 5]);
    assert_eq!(get("北京", CLASS_START), [0]);
    assert_eq!(get("0062", CLASS_OTHER), [1, 5]);
    assert_eq!(get("cyber", CLASS_PRIMARY), [1, 2]);
    assert_eq!(get("region=beijing", CLASS_FACET), [0, 2]);
    assert_eq!(get("status=valid", CLASS_FACET), [0, 1, 2]);
    // The small options put lists in files of their own.
    assert!(files.iter().any(|(p, _)| p.starts_with("l/")));
    assert!(manifest(&files)["shards"].as_u64().unwrap() > 1);
}

#[test]
fn shard_count_follows_the_dictionary_size() {
    let records = fixture_records();
    let one = build_index_with(
        &records,
        &[],
        &IndexOptions {
            shard_target: 1 << 30,
            ..IndexOptions::default()
        },
    );
    assert_eq!(manifest(&one)["shards"], 1);
    let small = fixture_options();
    let many = build_index_with(&records, &[], &small);
    let shards = manifest(&many)["shards"].as_u64().unwrap() as usize;
    let total: usize = (0..shards)
        .map(|i| file(&many, &format!("s/{i}.bin")).len())
        .sum();
    assert!(shards > 1);
    // The estimate behind the count is an upper bound of the real sizes.
    assert!(
        total / shards <= small.shard_target,
        "{total} bytes in {shards} shards"
    );
}

#[test]
fn records_are_chunked_in_order_with_field_numbers() {
    let records = fixture_records();
    let files = build_index_with(&records, &fixture_labels(), &fixture_options());
    let m = manifest(&files);
    let chunk = m["chunk"].as_u64().unwrap() as usize;
    assert!(chunk > 1 && chunk < records.len());
    assert_eq!(
        m["chunks"].as_u64().unwrap() as usize,
        records.len().div_ceil(chunk)
    );
    let fields: Vec<&str> = m["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "name_zh",
            "name_en",
            "certificate",
            "region",
            "service",
            "former_name"
        ]
    );
    assert_eq!(m["fields"][0]["primary"], true);
    assert_eq!(m["fields"][5]["primary"], false);
    for (i, r) in records.iter().enumerate() {
        let chunk_json: serde_json::Value =
            serde_json::from_slice(file(&files, &format!("r/{}.json", i / chunk))).unwrap();
        let got = &chunk_json[i % chunk];
        assert_eq!(got["d"], r.display);
        let texts: Vec<(usize, &str)> = got["f"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_u64().unwrap() as usize, p[1].as_str().unwrap()))
            .collect();
        let want: Vec<(usize, &str)> = r
            .fields
            .iter()
            .map(|f| {
                (
                    fields.iter().position(|n| *n == f.name).unwrap(),
                    f.text.as_str(),
                )
            })
            .collect();
        assert_eq!(texts, want);
    }
}

#[test]
fn date_files_list_records_latest_first_undated_last() {
    let files = build_index_with(&fixture_records(), &[], &fixture_options());
    let m = manifest(&files);
    assert_eq!(m["date"]["bucket"], 4);
    assert_eq!(m["date"]["buckets"], 2);
    let mut order = Vec::new();
    for k in 0..2 {
        let bytes = file(&files, &format!("d/{k}.bin"));
        let mut pos = 0;
        while pos < bytes.len() {
            order.push(get_varint(bytes, &mut pos).unwrap());
        }
    }
    assert_eq!(order, [2, 1, 3, 0, 5, 4]);
    let undated: Vec<Record> = fixture_records()
        .into_iter()
        .map(|r| Record { date: None, ..r })
        .collect();
    let files = build_index(&undated, &[]);
    assert!(manifest(&files)["date"].is_null());
    assert!(!files.iter().any(|(p, _)| p.starts_with("d/")));
}

#[test]
fn manifest_lists_facets_in_label_order_with_counts() {
    let files = build_index_with(&fixture_records(), &fixture_labels(), &fixture_options());
    let m = manifest(&files);
    let facets: Vec<(String, u64)> = m["facets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["token"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let tokens: Vec<&str> = facets.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        tokens[..3],
        [
            "standard=csi-grading",
            "standard=cnitsec-cloud-l1",
            "category=csi-grading/risk-assessment"
        ]
    );
    // Labelled but unused: kept with no records; unlabelled: after, sorted.
    assert!(facets.contains(&("status=unused".into(), 0)));
    assert_eq!(
        tokens[tokens.len() - 5..],
        [
            "level=cnitsec-cloud-l1/level-1",
            "region=heilongjiang",
            "status=expired",
            "status=revoked",
            "status=suspended"
        ]
    );
    assert!(facets.contains(&("region=beijing".into(), 2)));
    assert_eq!(m["facets"][9]["zh"], "有效");
    assert_eq!(m["records"], 6);
    assert_eq!(m["max_prefix"], tokenize::MAX_PREFIX);
}

#[test]
fn an_empty_index_is_valid() {
    let files = build_index(&[], &[]);
    let m = manifest(&files);
    assert_eq!(m["records"], 0);
    assert_eq!(m["chunks"], 0);
    assert_eq!(read_shard(file(&files, "s/0.bin")).unwrap().len(), 0);
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/fixtures/search-index")
}

/// The browser client's tests read an index built from these records; the
/// committed copy must be what the builder makes now. `DENGJI_UPDATE_FIXTURES=1
/// cargo test search` rewrites it.
#[test]
fn committed_browser_fixture_is_current() {
    let files = build_index_with(&fixture_records(), &fixture_labels(), &fixture_options());
    let dir = fixture_dir();
    if std::env::var_os("DENGJI_UPDATE_FIXTURES").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (path, bytes) in &files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
    for (path, bytes) in &files {
        let on_disk = std::fs::read(dir.join(path)).unwrap_or_else(|_| {
            panic!("{path} missing: run DENGJI_UPDATE_FIXTURES=1 cargo test search")
        });
        assert_eq!(
            &on_disk, bytes,
            "{path} is stale: run DENGJI_UPDATE_FIXTURES=1 cargo test search"
        );
    }
    let mut committed = 0;
    for sub in ["", "s", "l", "r", "d"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            committed += rd
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .count();
        }
    }
    assert_eq!(committed, files.len(), "stray files in {}", dir.display());
}

/// Tokeniser cases shared with the JavaScript client's tests. The expected
/// values were checked by hand; `DENGJI_UPDATE_FIXTURES=1` refills them from
/// this implementation after a deliberate change.
#[test]
fn shared_tokeniser_vectors() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/fixtures/search-vectors.json");
    let mut vectors: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let update = std::env::var_os("DENGJI_UPDATE_FIXTURES").is_some();
    let cases = vectors["cases"].as_array_mut().unwrap();
    assert!(cases.len() >= 10);
    for case in cases.iter_mut() {
        let text = case["text"].as_str().unwrap().to_string();
        let got = json!({
            "text": text,
            "normalised": tokenize::normalise(&text),
            "index": tokenize::index_tokens(&text),
            "query": tokenize::query_tokens(&text),
            "start": tokenize::start_tokens(&text),
            "fnv1a32": format!("{:08x}", fnv1a32(text.as_bytes())),
        });
        if update {
            *case = got;
        } else {
            assert_eq!(*case, got, "{text}");
        }
    }
    if update {
        let mut out = serde_json::to_string_pretty(&vectors).unwrap();
        out.push('\n');
        std::fs::write(&path, out).unwrap();
    }
}

mod templates {
    use std::collections::BTreeMap;
    use std::path::Path;

    use scraper::{Html, Selector};
    use serde_json::json;
    use tera::{Context, Tera};

    fn theme() -> Tera {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut templates = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                templates.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
        // A page that uses the filters component, as a directory page would.
        templates.push((
            "dir-test.html".into(),
            r#"<main>{{ <filters kinds={kinds} current={current} index_url="/search/organisations/" list_url="/registry/" search_url="/search/" /> }}<ol class="org-list" id="org-results"></ol></main>"#.into(),
        ));
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .unwrap();
        tera
    }

    fn strings(lang: &str) -> BTreeMap<String, String> {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("themes/default/i18n/{lang}.yaml"));
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn context(lang: &str) -> Context {
        let mut ctx = Context::new();
        let root = if lang == "zh" { "/" } else { "/en/" };
        ctx.insert("t", &strings(lang));
        ctx.insert(
            "site",
            &json!({"title": "dengji", "description": "", "lang": lang, "lang_tag": lang, "base_path": "/", "root": root, "lang_root": root, "base_url": "https://example.org", "side_by_side": false, "live_reload": false}),
        );
        ctx.insert(
            "page",
            &json!({"path": format!("{}search/", &root[1..]), "switch": [], "alternates": [], "original_url": null, "counterpart": null}),
        );
        ctx
    }

    fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
        doc.select(&Selector::parse(css).unwrap()).collect()
    }

    #[test]
    fn search_page_has_the_form_sections_and_strings_in_both_languages() {
        let tera = theme();
        for lang in ["zh", "en"] {
            let html = tera.render("search.html", &context(lang)).unwrap();
            let doc = Html::parse_document(&html);
            let app = &select(&doc, "#search-app")[0];
            let root = if lang == "zh" { "/" } else { "/en/" };
            assert_eq!(app.attr("data-org-index"), Some("/search/organisations/"));
            assert_eq!(app.attr("data-standards-index"), Some("/search/standards/"));
            assert_eq!(app.attr("data-lang"), Some(lang));
            // A GET form with a labelled q box, and the way on without JS.
            let form = &select(&doc, "form#search-form")[0];
            assert_eq!(form.attr("method"), Some("get"));
            assert_eq!(select(&doc, "label[for=search-q]").len(), 1);
            assert_eq!(select(&doc, "input#search-q")[0].attr("name"), Some("q"));
            let links: Vec<&str> = select(&doc, "#search-nojs a")
                .iter()
                .filter_map(|a| a.attr("href"))
                .collect();
            assert_eq!(
                links,
                [format!("{root}registry/"), format!("{root}standards/")]
            );
            assert_eq!(select(&doc, "#search-status[aria-live=polite]").len(), 1);
            for id in [
                "#search-org-results",
                "#search-clause-results",
                "#search-org-more",
                "#search-facets",
            ] {
                assert_eq!(select(&doc, id).len(), 1, "{id}");
            }
            // Every string the script reads is filled in.
            let strings = &select(&doc, "#search-strings")[0];
            for (name, value) in strings.value().attrs() {
                assert!(!value.is_empty(), "{lang}: {name} is empty");
            }
            assert_eq!(
                strings.attr("data-field-former_name"),
                Some(if lang == "zh" {
                    "曾用名"
                } else {
                    "Former name"
                })
            );
            assert!(html.contains("static/search-page.js"));
        }
    }

    #[test]
    fn filters_render_as_links_to_the_kind_pages() {
        // Without JavaScript the filters are a search box and a link to
        // each facet kind's index page; directory.js draws the values.
        let tera = theme();
        let mut ctx = context("en");
        ctx.insert(
            "kinds",
            &json!([
                {"kind": "region", "label": "Region", "url": "/en/registry/region/", "current": true},
                {"kind": "status", "label": "Certificate status", "url": "/en/registry/status/", "current": false}
            ]),
        );
        ctx.insert("current", "region=beijing");
        let html = tera.render("dir-test.html", &ctx).unwrap();
        let doc = Html::parse_document(&html);
        let form = &select(&doc, "form#dir-filters")[0];
        assert_eq!(form.attr("action"), Some("/search/"));
        assert_eq!(form.attr("data-index"), Some("/search/organisations/"));
        assert_eq!(form.attr("data-list-url"), Some("/registry/"));
        assert_eq!(form.attr("data-page-size"), Some("20"));
        assert_eq!(form.attr("data-facet"), Some("region=beijing"));
        let links: Vec<(String, String, bool)> = select(&doc, "#dir-kinds a")
            .iter()
            .map(|a| {
                (
                    a.attr("href").unwrap().to_string(),
                    a.attr("data-kind").unwrap().to_string(),
                    a.attr("aria-current").is_some(),
                )
            })
            .collect();
        assert_eq!(
            links,
            [
                ("/en/registry/region/".into(), "region".into(), true),
                ("/en/registry/status/".into(), "status".into(), false)
            ]
        );
        assert!(select(&doc, ".dir-facet").is_empty());
        assert!(!html.contains("dir-sort"));
        assert_eq!(select(&doc, "label[for=dir-q]").len(), 1);
        assert_eq!(select(&doc, "#dir-status[aria-live=polite]").len(), 1);
        assert!(html.contains("static/directory.js"));
    }
}

#[test]
fn identical_external_lists_share_a_file() {
    let files = build_index_with(&fixture_records(), &fixture_labels(), &fixture_options());
    let shards = manifest(&files)["shards"].as_u64().unwrap() as usize;
    let mut by_token: BTreeMap<(String, u8), usize> = BTreeMap::new();
    let mut external_entries = 0;
    for i in 0..shards {
        for e in read_shard(file(&files, &format!("s/{i}.bin"))).unwrap() {
            if let ListBytes::External(j) = e.list {
                external_entries += 1;
                by_token.insert((e.token, e.class), j);
            }
        }
    }
    let get = |t: &str| by_token[&(t.to_string(), CLASS_PRIMARY)];
    // Beiming and Biwu: every prefix of "cybersecurity" lists the same two.
    assert_eq!(get("cyber"), get("cybersecurit"));
    assert_ne!(get("cyber"), by_token[&("北京".to_string(), CLASS_OTHER)]);
    let list_files = files.iter().filter(|(p, _)| p.starts_with("l/")).count();
    assert!(
        list_files < external_entries,
        "{list_files} files for {external_entries} lists"
    );
    let distinct: std::collections::BTreeSet<&Vec<u8>> = files
        .iter()
        .filter(|(p, _)| p.starts_with("l/"))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(distinct.len(), list_files);
}

#[test]
fn records_made_a_block_at_a_time_are_indexed_in_order() {
    // More records than one block, made on demand as a site's directory
    // makes them: postings run across blocks, records keep their numbers.
    let fixture = fixture_records();
    let n = 2 * BLOCK + 7;
    let make = |i: usize| fixture[i % fixture.len()].clone();
    let files = collected(n, &make, &fixture_labels(), &fixture_options());
    let postings = read_postings(&files);
    let mut expected: BTreeMap<(String, u8), Vec<u32>> = BTreeMap::new();
    for i in 0..n {
        let (buf, pairs) = record_tokens(&make(i));
        for (a, b, class) in pairs {
            expected
                .entry((buf[a..b].to_string(), class))
                .or_default()
                .push(i as u32);
        }
    }
    assert_eq!(postings, expected);
    let all: Vec<Record> = (0..n).map(make).collect();
    assert!(build_index_with(&all, &fixture_labels(), &fixture_options()) == files);
    assert_eq!(manifest(&files)["records"], n);
}
