//! Builds the organisation search index of a synthetic registry, for the
//! measurements in benches/SEARCH.md (run by benches/search.sh).
//!
//! ```sh
//! cargo run --release --example search_index -- 100000 /tmp/idx [--html /tmp/pages]
//! ```
//! Writes the index files under the output folder and prints one JSON line
//! of figures. With `--html`, also writes one HTML page per organisation
//! with the same texts, for indexing with pagefind. With `--demo`, the
//! output folder becomes a small site to look at in a browser: the search
//! page in both languages and a directory page with the filters, rendered
//! from the theme's templates, the organisation index and a tiny standards
//! index (the integrated build makes the real pages).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use dengji::search::{FacetLabel, Field, IndexOptions, Record, build_index_with};
use serde_json::json;

/// SplitMix64: a small deterministic generator, so every run builds the
/// same registry.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Name syllables: (character, pinyin).
const SYLLABLES: &[(&str, &str)] = &[
    ("北", "bei"),
    ("溟", "ming"),
    ("碧", "bi"),
    ("梧", "wu"),
    ("沧", "cang"),
    ("浪", "lang"),
    ("苍", "cang"),
    ("长", "chang"),
    ("屿", "yu"),
    ("澄", "cheng"),
    ("川", "chuan"),
    ("翠", "cui"),
    ("微", "wei"),
    ("岱", "dai"),
    ("澹", "dan"),
    ("烟", "yan"),
    ("东", "dong"),
    ("篱", "li"),
    ("枫", "feng"),
    ("观", "guan"),
    ("澜", "lan"),
    ("归", "gui"),
    ("帆", "fan"),
    ("海", "hai"),
    ("晏", "yan"),
    ("寒", "han"),
    ("汀", "ting"),
    ("蘅", "heng"),
    ("芜", "wu"),
    ("锦", "jin"),
    ("金", "jin"),
    ("瓯", "ou"),
    ("霁", "ji"),
    ("月", "yue"),
    ("岚", "lan"),
    ("山", "shan"),
    ("灵", "ling"),
    ("犀", "xi"),
    ("凌", "ling"),
    ("霄", "xiao"),
    ("鹿", "lu"),
    ("鸣", "ming"),
    ("鹭", "lu"),
    ("明", "ming"),
    ("溪", "xi"),
    ("墨", "mo"),
    ("衡", "heng"),
    ("暮", "mu"),
    ("云", "yun"),
    ("南", "nan"),
    ("枝", "zhi"),
    ("青", "qing"),
    ("松", "song"),
    ("清", "qing"),
    ("泉", "quan"),
    ("秋", "qiu"),
    ("水", "shui"),
    ("瑞", "rui"),
    ("雪", "xue"),
    ("若", "ruo"),
    ("谷", "gu"),
    ("石", "shi"),
    ("泓", "hong"),
    ("疏", "shu"),
    ("影", "ying"),
    ("松", "song"),
    ("风", "feng"),
    ("天", "tian"),
    ("宇", "yu"),
    ("听", "ting"),
    ("涛", "tao"),
    ("望", "wang"),
    ("舒", "shu"),
    ("西", "xi"),
    ("岭", "ling"),
    ("星", "xing"),
    ("河", "he"),
    ("远", "yuan"),
    ("岫", "xiu"),
    ("玉", "yu"),
    ("衡", "heng"),
    ("照", "zhao"),
    ("野", "ye"),
    ("知", "zhi"),
    ("秋", "qiu"),
    ("竹", "zhu"),
    ("溪", "xi"),
    ("紫", "zi"),
    ("宸", "chen"),
    ("安", "an"),
    ("泰", "tai"),
    ("华", "hua"),
    ("信", "xin"),
    ("达", "da"),
    ("启", "qi"),
    ("恒", "heng"),
    ("卓", "zhuo"),
    ("越", "yue"),
    ("智", "zhi"),
    ("诚", "cheng"),
    ("盾", "dun"),
    ("锐", "rui"),
];

const BUSINESS: &[(&str, &str)] = &[
    ("网络安全", "Cybersecurity"),
    ("信息安全", "Information Security"),
    ("信息", "Information"),
    ("数据安全", "Data Security"),
    ("云安全", "Cloud Security"),
    ("工控安全", "Industrial Control Security"),
    ("网络", "Network"),
    ("计算机网络工程", "Computer Network Engineering"),
];

const KIND: &[(&str, &str)] = &[
    ("技术", "Technology"),
    ("科技", "Science and Technology"),
    ("服务", "Services"),
    ("软件", "Software"),
    ("系统集成", "Systems Integration"),
];

/// (id, name, English name, certificate code) of csi-grading's categories.
const CATEGORIES: &[(&str, &str, &str, &str)] = &[
    (
        "security-consulting",
        "安全咨询服务",
        "Security consulting",
        "ZX",
    ),
    (
        "security-integration",
        "信息系统安全集成服务",
        "Security integration",
        "JC",
    ),
    (
        "security-operations",
        "信息系统安全运维服务",
        "Security operations",
        "YW",
    ),
    (
        "monitoring-early-warning",
        "监测预警服务",
        "Monitoring and early warning",
        "JK",
    ),
    (
        "emergency-response",
        "应急响应服务",
        "Emergency response",
        "YJ",
    ),
    (
        "software-security",
        "软件安全服务",
        "Software security",
        "RJ",
    ),
    (
        "ics-security",
        "工业控制系统安全服务",
        "Industrial control system security",
        "GK",
    ),
    ("data-security", "数据安全服务", "Data security", "SJ"),
    (
        "risk-assessment",
        "信息安全风险评估服务",
        "Risk assessment",
        "FX",
    ),
    (
        "cloud-security",
        "云计算安全服务",
        "Cloud computing security",
        "YAQ",
    ),
    (
        "security-audit",
        "信息系统安全审计服务",
        "Security audit",
        "SS",
    ),
    (
        "penetration-testing",
        "渗透测试服务",
        "Penetration testing",
        "ST",
    ),
];

const LEVELS: &[(&str, &str)] = &[
    ("一级", "Level 1"),
    ("二级", "Level 2"),
    ("三级", "Level 3"),
    ("四级", "Level 4"),
];

const STATUSES: &[(&str, &str, &str)] = &[
    ("valid", "有效", "Valid"),
    ("valid", "有效", "Valid"),
    ("valid", "有效", "Valid"),
    ("valid", "有效", "Valid"),
    ("expired", "已过期", "Expired"),
    ("suspended", "暂停", "Suspended"),
    ("revoked", "撤销", "Revoked"),
];

const STANDARD: (&str, &str, &str) = (
    "csi-grading",
    "网络安全服务机构等级评定规范",
    "Grading of cybersecurity service organisations",
);

/// Mainland regions: (id, name, short name, English).
fn regions() -> Vec<(&'static str, &'static str, String, &'static str)> {
    dengji::registry::region::REGIONS
        .iter()
        .take(31)
        .map(|&(id, zh, en)| {
            let short = zh
                .trim_end_matches("维吾尔自治区")
                .trim_end_matches("壮族自治区")
                .trim_end_matches("回族自治区")
                .trim_end_matches("自治区")
                .trim_end_matches('省')
                .trim_end_matches('市')
                .to_string();
            (id, zh, short, en)
        })
        .collect()
}

struct Org {
    id: String,
    record: Record,
    html: String,
}

fn organisation(
    rng: &mut Rng,
    serial: usize,
    regions: &[(&'static str, &'static str, String, &'static str)],
) -> Org {
    let region = rng.pick(regions);
    let (a, b) = (rng.pick(SYLLABLES), rng.pick(SYLLABLES));
    let business = rng.pick(BUSINESS);
    let kind = rng.pick(KIND);
    let shares = rng.below(5) == 0;
    let place = rng.below(3) == 0;
    let name_zh = format!(
        "{}{}{}示例{}{}{}",
        if place { region.2.as_str() } else { "" },
        a.0,
        b.0,
        business.0,
        kind.0,
        if shares {
            "股份有限公司"
        } else {
            "有限公司"
        }
    );
    let pinyin = format!("{}{}", a.1, b.1);
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    let name_en = format!(
        "{}{} Example {} {} Co., Ltd.",
        if place {
            format!("{} ", region.3)
        } else {
            String::new()
        },
        cap(&pinyin),
        business.1,
        kind.1
    );
    let id = format!("{pinyin}-{serial}");
    let mut fields = vec![
        Field::primary("name_zh", name_zh.clone()),
        Field::primary("name_en", name_en.clone()),
    ];
    if rng.below(5) == 0 {
        let old = rng.pick(BUSINESS);
        fields.push(Field::other(
            "former_name",
            format!("{}{}示例{}有限公司", a.0, b.0, old.0),
        ));
    }
    let mut facets = vec![
        format!("region={}", region.0),
        format!("standard={}", STANDARD.0),
    ];
    let mut holdings = Vec::new();
    let mut latest: Option<jiff::civil::Date> = None;
    let count = 1 + rng.below(3);
    for _ in 0..count {
        let cat = rng.pick(CATEGORIES);
        let level = rng.below(LEVELS.len());
        let status = rng.pick(STATUSES);
        let year = 2019 + rng.below(8) as i16;
        let date = jiff::civil::date(year, 1 + rng.below(12) as i8, 1 + rng.below(28) as i8);
        latest = latest.max(Some(date));
        let number = format!("CSI-{year}-{}-{:04}", cat.3, 1 + rng.below(9999));
        fields.push(Field::other("certificate", number));
        fields.push(Field::other("service", cat.1));
        facets.push(format!("category={}/{}", STANDARD.0, cat.0));
        facets.push(format!("level={}/level-{}", STANDARD.0, level + 1));
        facets.push(format!("status={}", status.0));
        holdings.push(json!({
            "zh": format!("{} · {} · {}", STANDARD.1, cat.1.trim_end_matches("服务"), LEVELS[level].0),
            "en": format!("{} · {} · {}", STANDARD.2, cat.2, LEVELS[level].1),
            "status": status.0,
        }));
    }
    fields.push(Field::other("region", format!("{} {}", region.1, region.3)));
    facets.sort();
    facets.dedup();
    let html = format!(
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{name_zh}</title></head><body><main data-pagefind-body><h1>{name_zh}</h1><p lang=\"en\">{name_en}</p>{}<p>{} {}</p><ul>{}</ul></main></body></html>\n",
        fields
            .iter()
            .filter(|f| f.name == "former_name" || f.name == "certificate")
            .map(|f| format!("<p>{}</p>", f.text))
            .collect::<String>(),
        region.1,
        region.3,
        holdings
            .iter()
            .map(|h| format!("<li>{}</li>", h["zh"].as_str().unwrap_or("")))
            .collect::<String>(),
    );
    let record = Record {
        fields,
        facets,
        date: latest,
        display: json!({
            "id": id,
            "name": {"zh": name_zh, "en": name_en},
            "url": {"zh": format!("/registry/{id}/"), "en": format!("/en/registry/{id}/")},
            "region": {"zh": region.1, "en": region.3},
            "holdings": holdings,
            "date": latest.map(|d| d.to_string()),
        }),
    };
    Org { id, record, html }
}

fn labels(regions: &[(&'static str, &'static str, String, &'static str)]) -> Vec<FacetLabel> {
    let mut out = vec![FacetLabel {
        token: format!("standard={}", STANDARD.0),
        zh: STANDARD.1.into(),
        en: STANDARD.2.into(),
    }];
    for c in CATEGORIES {
        out.push(FacetLabel {
            token: format!("category={}/{}", STANDARD.0, c.0),
            zh: c.1.into(),
            en: c.2.into(),
        });
    }
    for (i, l) in LEVELS.iter().enumerate() {
        out.push(FacetLabel {
            token: format!("level={}/level-{}", STANDARD.0, i + 1),
            zh: l.0.into(),
            en: l.1.into(),
        });
    }
    for r in regions {
        out.push(FacetLabel {
            token: format!("region={}", r.0),
            zh: r.1.into(),
            en: r.3.into(),
        });
    }
    for s in STATUSES.iter().skip(3) {
        out.push(FacetLabel {
            token: format!("status={}", s.0),
            zh: s.1.into(),
            en: s.2.into(),
        });
    }
    out
}

/// The process's peak resident memory so far (Linux), in KB.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (args.first(), args.get(1)) else {
        bail!("usage: search_index <organisations> <output folder> [--html <folder>]");
    };
    let n: usize = n.parse().context("organisations must be a number")?;
    let out = PathBuf::from(out);
    let (html, demo) = match (args.get(2).map(String::as_str), args.get(3)) {
        (Some("--html"), Some(dir)) => (Some(PathBuf::from(dir)), false),
        (Some("--demo"), None) => (None, true),
        (None, _) => (None, false),
        _ => bail!("unexpected arguments"),
    };

    let regions = regions();
    let mut rng = Rng(2026);
    let started = Instant::now();
    let mut orgs: Vec<Org> = (0..n)
        .map(|i| organisation(&mut rng, i, &regions))
        .collect();
    // The first organisation generated is the same at every size: the
    // measurements search for part of its name and its certificate.
    let sample = orgs.first().map(|o| {
        let cert = o
            .record
            .fields
            .iter()
            .find(|f| f.name == "certificate")
            .map(|f| f.text.clone());
        json!({"name": o.record.fields[0].text, "certificate": cert})
    });
    // Name order, as the site passes them.
    orgs.sort_by(|a, b| a.id.cmp(&b.id));
    let generated = started.elapsed();
    if let Some(dir) = &html {
        std::fs::create_dir_all(dir)?;
        for o in &orgs {
            std::fs::write(dir.join(format!("{}.html", o.id)), &o.html)?;
        }
    }
    let (records, _html): (Vec<Record>, Vec<String>) =
        orgs.into_iter().map(|o| (o.record, o.html)).unzip();
    let labels = labels(&regions);
    let peak_before_index = peak_kb();

    let started = Instant::now();
    // The default options, unless the environment overrides one (for the
    // measurements that chose the defaults).
    let mut options = IndexOptions::default();
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    if let Some(v) = var("SEARCH_SHARD_TARGET") {
        options.shard_target = v;
    }
    if let Some(v) = var("SEARCH_INLINE_MAX") {
        options.inline_max = v;
    }
    if let Some(v) = var("SEARCH_CHUNK_TARGET") {
        options.chunk_target = v;
    }
    if let Some(v) = var("SEARCH_DATE_BUCKET") {
        options.date_bucket = v;
    }
    let files = build_index_with(&records, &labels, &options);
    let built = started.elapsed();
    let peak_after_index = peak_kb();
    if demo {
        return demo::write(&out, &records, &labels, &files);
    }
    drop(records);

    let mut by_dir: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let _ = std::fs::remove_dir_all(&out);
    for (path, bytes) in &files {
        let dir = path.split_once('/').map_or("manifest", |(d, _)| d);
        let e = by_dir.entry(dir).or_default();
        e.0 += 1;
        e.1 += bytes.len();
        let p = out.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, bytes)?;
    }
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let largest_shard = files
        .iter()
        .filter(|(p, _)| p.starts_with("s/"))
        .map(|(_, b)| b.len())
        .max()
        .unwrap_or(0);
    println!(
        "{}",
        json!({
            "organisations": n,
            "options": format!("{options:?}"),
            "generate_s": generated.as_secs_f64(),
            "build_s": built.as_secs_f64(),
            "files": files.len(),
            "bytes": total,
            "largest_shard": largest_shard,
            "peak_kb_before_index": peak_before_index,
            "peak_kb_after_index": peak_after_index,
            "sample": sample,
            "by_dir": by_dir.iter().map(|(d, (f, b))| (d.to_string(), json!({"files": f, "bytes": b}))).collect::<BTreeMap<_, _>>(),
        })
    );
    Ok(())
}

mod demo {
    use std::collections::BTreeMap;
    use std::path::Path;

    use anyhow::{Context as _, Result};
    use dengji::search::{FacetLabel, Field, Record, build_index};
    use serde_json::json;
    use tera::{Context, Tera};

    fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
        for (path, bytes) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().context("no parent")?)?;
            std::fs::write(p, bytes)?;
        }
        Ok(())
    }

    fn clauses() -> Vec<Record> {
        let items = [
            (
                "7.1.4",
                "应急响应能力",
                "机构应具备网络安全应急响应能力，建立应急响应流程，明确应急响应时间。",
                "zh",
            ),
            (
                "7.1.4",
                "Emergency response capability",
                "The organisation shall have cybersecurity emergency response capability, with an emergency response process and stated response times.",
                "en",
            ),
            (
                "4.9",
                "信息安全风险评估服务",
                "对信息系统的资产、威胁、脆弱性进行识别和分析，评估网络安全风险。",
                "zh",
            ),
            (
                "4.9",
                "Information security risk assessment service",
                "Identifies and analyses the assets, threats and vulnerabilities of information systems and assesses cybersecurity risk.",
                "en",
            ),
        ];
        items
            .iter()
            .map(|(number, heading, text, lang)| Record {
                fields: vec![
                    Field::primary("number", *number),
                    Field::primary("heading", *heading),
                    Field::other("text", *text),
                ],
                facets: vec!["standard=csi-grading".into(), format!("lang={lang}")],
                date: None,
                display: json!({
                    "title": format!("{number} {heading}"),
                    "url": format!("{}standards/csi-grading/#{number}", if *lang == "zh" { "/" } else { "/en/" }),
                    "lang": lang,
                    "standard": if *lang == "zh" { "网络安全服务机构等级评定规范" } else { "Grading of cybersecurity service organisations" },
                }),
            })
            .collect()
    }

    pub fn write(
        out: &Path,
        records: &[Record],
        labels: &[FacetLabel],
        files: &[(String, Vec<u8>)],
    ) -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let _ = std::fs::remove_dir_all(out);
        write_all(&out.join("search/organisations"), files)?;
        write_all(&out.join("search/standards"), &build_index(&clauses(), &[]))?;
        std::fs::create_dir_all(out.join("static"))?;
        for entry in std::fs::read_dir(root.join("static"))? {
            let p = entry?.path();
            std::fs::copy(&p, out.join("static").join(p.file_name().context("name")?))?;
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        let mut templates = Vec::new();
        for entry in std::fs::read_dir(root.join("templates"))? {
            let p = entry?.path();
            if p.is_file() {
                templates.push((
                    p.file_name()
                        .context("name")?
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read_to_string(&p)?,
                ));
            }
        }
        // A stand-in for the integrator's directory page.
        templates.push(("demo-directory.html".into(), r#"{% extends "base.html" %}{% block main %}<h1>{{ t.registry_title }}</h1>
{{ <filters facets={facets} sorts={sorts} index_url={index_url} list_url={list_url} search_url={search_url} /> }}
<ol class="org-list" id="org-results">{% for o in rows %}<li class="org-row"><a class="org-name" href="{{ o.url }}">{{ o.name }}</a> <span class="org-other-name" lang="{{ o.other_lang }}">{{ o.other }}</span> <span class="org-region">{{ o.region }}</span><ul class="org-holdings">{% for h in o.holdings %}<li class="status-{{ h.status }}">{{ h.text }}</li>{% endfor %}</ul></li>{% endfor %}</ol>
<nav class="pagination" aria-label="pages"><a href="{{ list_url }}page/2/">2</a></nav>{% endblock main %}"#.into()));
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))?;
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in records {
            for f in &r.facets {
                *counts.entry(f.as_str()).or_default() += 1;
            }
        }
        for lang in ["zh", "en"] {
            let prefix = if lang == "zh" { "" } else { "en/" };
            let strings: BTreeMap<String, String> = serde_yaml::from_str(
                &std::fs::read_to_string(root.join(format!("i18n/{lang}.yaml")))?,
            )?;
            let mut ctx = Context::new();
            let lang_root = format!("/{prefix}");
            ctx.insert("site", &json!({"title": "dengji", "description": "", "lang": lang, "lang_tag": lang, "base_path": "/", "root": lang_root, "lang_root": lang_root, "base_url": "http://127.0.0.1", "side_by_side": false, "live_reload": false}));
            ctx.insert("page", &json!({"path": format!("{prefix}search/"), "switch": [], "alternates": [], "original_url": null, "counterpart": null}));
            ctx.insert("t", &strings);
            let page = tera.render("search.html", &ctx)?;
            std::fs::create_dir_all(out.join(prefix).join("search"))?;
            std::fs::write(out.join(prefix).join("search/index.html"), page)?;

            let mut facets: Vec<serde_json::Value> = Vec::new();
            for kind in ["standard", "category", "level", "region", "status"] {
                let options: Vec<serde_json::Value> = labels
                    .iter()
                    .filter(|l| l.token.starts_with(&format!("{kind}=")))
                    .map(|l| json!({"token": l.token, "label": if lang == "zh" { &l.zh } else { &l.en }, "count": counts.get(l.token.as_str()).copied().unwrap_or(0), "url": format!("/{prefix}registry/{}/", l.token.replace('=', "/")), "selected": false}))
                    .collect();
                facets.push(json!({"kind": kind, "label": strings.get(&format!("search_facet_{kind}")), "options": options}));
            }
            ctx.insert("facets", &facets);
            ctx.insert("sorts", &json!([{"key": "name", "label": strings.get("search_sort_name"), "url": format!("/{prefix}registry/"), "selected": true}, {"key": "date", "label": strings.get("search_sort_date"), "url": format!("/{prefix}registry/by-date/"), "selected": false}]));
            ctx.insert("index_url", "/search/organisations/");
            ctx.insert("list_url", &format!("/{prefix}registry/"));
            ctx.insert("search_url", &format!("/{prefix}search/"));
            let other = if lang == "zh" { "en" } else { "zh" };
            let rows: Vec<serde_json::Value> = records
                .iter()
                .take(20)
                .map(|r| {
                    let d = &r.display;
                    json!({"url": d["url"][lang], "name": d["name"][lang], "other": d["name"][other], "other_lang": other, "region": d["region"][lang],
                        "holdings": d["holdings"].as_array().map(|hs| hs.iter().map(|h| json!({"status": h["status"], "text": h[lang]})).collect::<Vec<_>>())})
                })
                .collect();
            ctx.insert("rows", &rows);
            let page = tera.render("demo-directory.html", &ctx)?;
            std::fs::create_dir_all(out.join(prefix).join("registry"))?;
            std::fs::write(out.join(prefix).join("registry/index.html"), page)?;
        }
        println!("demo site in {}", out.display());
        Ok(())
    }
}
