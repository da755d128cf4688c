//! Builds the organisation search index of a synthetic registry, for the
//! measurements in benches/SEARCH.md (run by benches/search.sh).
//!
//! ```sh
//! cargo run --release --example search_index -- 100000 /tmp/idx [--html /tmp/pages]
//! ```
//! Writes the index files under the output folder and prints one JSON line
//! of figures. With `--html`, also writes one HTML page per organisation
//! with the same texts, for indexing with pagefind.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use dengji::search::{FacetLabel, Field, Record, build_index};
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
    ("北", "bei"), ("溟", "ming"), ("碧", "bi"), ("梧", "wu"), ("沧", "cang"), ("浪", "lang"),
    ("苍", "cang"), ("长", "chang"), ("屿", "yu"), ("澄", "cheng"), ("川", "chuan"), ("翠", "cui"),
    ("微", "wei"), ("岱", "dai"), ("澹", "dan"), ("烟", "yan"), ("东", "dong"), ("篱", "li"),
    ("枫", "feng"), ("观", "guan"), ("澜", "lan"), ("归", "gui"), ("帆", "fan"), ("海", "hai"),
    ("晏", "yan"), ("寒", "han"), ("汀", "ting"), ("蘅", "heng"), ("芜", "wu"), ("锦", "jin"),
    ("金", "jin"), ("瓯", "ou"), ("霁", "ji"), ("月", "yue"), ("岚", "lan"), ("山", "shan"),
    ("灵", "ling"), ("犀", "xi"), ("凌", "ling"), ("霄", "xiao"), ("鹿", "lu"), ("鸣", "ming"),
    ("鹭", "lu"), ("明", "ming"), ("溪", "xi"), ("墨", "mo"), ("衡", "heng"), ("暮", "mu"),
    ("云", "yun"), ("南", "nan"), ("枝", "zhi"), ("青", "qing"), ("松", "song"), ("清", "qing"),
    ("泉", "quan"), ("秋", "qiu"), ("水", "shui"), ("瑞", "rui"), ("雪", "xue"), ("若", "ruo"),
    ("谷", "gu"), ("石", "shi"), ("泓", "hong"), ("疏", "shu"), ("影", "ying"), ("松", "song"),
    ("风", "feng"), ("天", "tian"), ("宇", "yu"), ("听", "ting"), ("涛", "tao"), ("望", "wang"),
    ("舒", "shu"), ("西", "xi"), ("岭", "ling"), ("星", "xing"), ("河", "he"), ("远", "yuan"),
    ("岫", "xiu"), ("玉", "yu"), ("衡", "heng"), ("照", "zhao"), ("野", "ye"), ("知", "zhi"),
    ("秋", "qiu"), ("竹", "zhu"), ("溪", "xi"), ("紫", "zi"), ("宸", "chen"), ("安", "an"),
    ("泰", "tai"), ("华", "hua"), ("信", "xin"), ("达", "da"), ("启", "qi"), ("恒", "heng"),
    ("卓", "zhuo"), ("越", "yue"), ("智", "zhi"), ("诚", "cheng"), ("盾", "dun"), ("锐", "rui"),
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
    ("security-consulting", "安全咨询服务", "Security consulting", "ZX"),
    ("security-integration", "信息系统安全集成服务", "Security integration", "JC"),
    ("security-operations", "信息系统安全运维服务", "Security operations", "YW"),
    ("monitoring-early-warning", "监测预警服务", "Monitoring and early warning", "JK"),
    ("emergency-response", "应急响应服务", "Emergency response", "YJ"),
    ("software-security", "软件安全服务", "Software security", "RJ"),
    ("ics-security", "工业控制系统安全服务", "Industrial control system security", "GK"),
    ("data-security", "数据安全服务", "Data security", "SJ"),
    ("risk-assessment", "信息安全风险评估服务", "Risk assessment", "FX"),
    ("cloud-security", "云计算安全服务", "Cloud computing security", "YAQ"),
    ("security-audit", "信息系统安全审计服务", "Security audit", "SS"),
    ("penetration-testing", "渗透测试服务", "Penetration testing", "ST"),
];

const LEVELS: &[(&str, &str)] = &[("一级", "Level 1"), ("二级", "Level 2"), ("三级", "Level 3"), ("四级", "Level 4")];

const STATUSES: &[(&str, &str, &str)] = &[
    ("valid", "有效", "Valid"),
    ("valid", "有效", "Valid"),
    ("valid", "有效", "Valid"),
    ("valid", "有效", "Valid"),
    ("expired", "已过期", "Expired"),
    ("suspended", "暂停", "Suspended"),
    ("revoked", "撤销", "Revoked"),
];

const STANDARD: (&str, &str, &str) = ("csi-grading", "网络安全服务机构等级评定规范", "Grading of cybersecurity service organisations");

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

fn organisation(rng: &mut Rng, serial: usize, regions: &[(&'static str, &'static str, String, &'static str)]) -> Org {
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
        if shares { "股份有限公司" } else { "有限公司" }
    );
    let pinyin = format!("{}{}", a.1, b.1);
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    let name_en = format!(
        "{}{} Example {} {} Co., Ltd.",
        if place { format!("{} ", region.3) } else { String::new() },
        cap(&pinyin),
        business.1,
        kind.1
    );
    let id = format!("{pinyin}-{serial}");
    let mut fields = vec![Field::primary("name_zh", name_zh.clone()), Field::primary("name_en", name_en.clone())];
    if rng.below(5) == 0 {
        let old = rng.pick(BUSINESS);
        fields.push(Field::other("former_name", format!("{}{}示例{}有限公司", a.0, b.0, old.0)));
    }
    let mut facets = vec![format!("region={}", region.0), format!("standard={}", STANDARD.0)];
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
        holdings.iter().map(|h| format!("<li>{}</li>", h["zh"].as_str().unwrap_or(""))).collect::<String>(),
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
    let mut out = vec![FacetLabel { token: format!("standard={}", STANDARD.0), zh: STANDARD.1.into(), en: STANDARD.2.into() }];
    for c in CATEGORIES {
        out.push(FacetLabel { token: format!("category={}/{}", STANDARD.0, c.0), zh: c.1.into(), en: c.2.into() });
    }
    for (i, l) in LEVELS.iter().enumerate() {
        out.push(FacetLabel { token: format!("level={}/level-{}", STANDARD.0, i + 1), zh: l.0.into(), en: l.1.into() });
    }
    for r in regions {
        out.push(FacetLabel { token: format!("region={}", r.0), zh: r.1.into(), en: r.3.into() });
    }
    for s in STATUSES.iter().skip(3) {
        out.push(FacetLabel { token: format!("status={}", s.0), zh: s.1.into(), en: s.2.into() });
    }
    out
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (args.first(), args.get(1)) else {
        bail!("usage: search_index <organisations> <output folder> [--html <folder>]");
    };
    let n: usize = n.parse().context("organisations must be a number")?;
    let out = PathBuf::from(out);
    let html = match (args.get(2).map(String::as_str), args.get(3)) {
        (Some("--html"), Some(dir)) => Some(PathBuf::from(dir)),
        (None, _) => None,
        _ => bail!("unexpected arguments"),
    };

    let regions = regions();
    let mut rng = Rng(2026);
    let started = Instant::now();
    let mut orgs: Vec<Org> = (0..n).map(|i| organisation(&mut rng, i, &regions)).collect();
    // Name order, as the site passes them.
    orgs.sort_by(|a, b| a.id.cmp(&b.id));
    let generated = started.elapsed();
    if let Some(dir) = &html {
        std::fs::create_dir_all(dir)?;
        for o in &orgs {
            std::fs::write(dir.join(format!("{}.html", o.id)), &o.html)?;
        }
    }
    let (records, _html): (Vec<Record>, Vec<String>) = orgs.into_iter().map(|o| (o.record, o.html)).unzip();
    let labels = labels(&regions);

    let started = Instant::now();
    let files = build_index(&records, &labels);
    let built = started.elapsed();
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
    let largest_shard = files.iter().filter(|(p, _)| p.starts_with("s/")).map(|(_, b)| b.len()).max().unwrap_or(0);
    println!(
        "{}",
        json!({
            "organisations": n,
            "generate_s": generated.as_secs_f64(),
            "build_s": built.as_secs_f64(),
            "files": files.len(),
            "bytes": total,
            "largest_shard": largest_shard,
            "by_dir": by_dir.iter().map(|(d, (f, b))| (d.to_string(), json!({"files": f, "bytes": b}))).collect::<BTreeMap<_, _>>(),
        })
    );
    Ok(())
}
