//! Synthetic registries for benchmarks: `dengji generate`.
//!
//! A synthetic site is the template site's configuration, standards, theme
//! and documentation with a registry of `count` generated organisations.
//! Each generated organisation copies the evidence, assessments and
//! certificate history of one of the template registry's organisations (so
//! its grades and certificate statuses are the template's on every date)
//! and gets an identity of its own: file id, Chinese and English names
//! (always with 示例 / "Example": they are fictional), former names, a
//! unified social credit code with valid check characters, a region, a
//! website under `.example`, certificate numbers and the names of its head
//! and technical lead.
//!
//! Output depends only on the template registry, `count` and `seed`: the
//! organisations are numbered, and organisation `i` draws its random choices
//! from its own ChaCha8 stream (`i + 1` of the seed), so files can be
//! written in parallel and in any order. Identities are unique by
//! construction: a seeded affine permutation of all (region, brand)
//! combinations gives each organisation a distinct one, spread over every
//! region and brand character even for small counts; the id ends with the
//! combination's number, and a second permutation gives each organisation
//! a distinct credit code body.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;

use crate::config::Config;
use crate::registry::credit_code::check_character;
use crate::registry::region::REGIONS;
use crate::registry::{self, Organisation, Registry};
use crate::yaml::{self, Value};

/// The most organisations one run generates: credit code bodies have eight
/// digits, and far fewer are ever needed.
pub const MAX_COUNT: usize = 10_000_000;

/// What `dengji generate` is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of organisations.
    pub count: usize,
    /// Seed of every random choice; the same seed gives the same bytes.
    pub seed: u64,
    /// Replace what a previous run wrote into a non-empty output folder.
    pub force: bool,
}

/// What a run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub organisations: usize,
    pub certificates: usize,
    /// The generated registry folder.
    pub registry_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{0} is not empty\n  hint: choose a new folder, or pass --force to replace the site a previous run generated there"
    )]
    NotEmpty(PathBuf),
    #[error(
        "{0} is the template site itself\n  hint: generate into another folder; the template's registry would be replaced"
    )]
    SameAsRoot(PathBuf),
    #[error("{0} exists and is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot generate {0} organisations\n  hint: give a count from 1 to {MAX_COUNT}")]
    Count(usize),
    #[error(
        "the template site's {what} `{path}` is not a folder inside the site\n  hint: use a relative path without `..` in site.yaml"
    )]
    Layout { what: &'static str, path: PathBuf },
    #[error(
        "the template registry {0} has no organisations\n  hint: point --root at a site whose registry folder has organisation files"
    )]
    NoTemplates(PathBuf),
    #[error("the template site has errors:\n{0}")]
    Template(String),
    #[error("organisation template {file}: {message}")]
    Shape { file: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Characters for the brand part of names, with their pinyin. No two share
/// a syllable, and no two-syllable brand reads like another in English
/// (tested), so two-character brands give distinct English names too.
const BRANDS: [(&str, &str); 64] = [
    ("柏", "bai"),
    ("北", "bei"),
    ("碧", "bi"),
    ("博", "bo"),
    ("辰", "chen"),
    ("澄", "cheng"),
    ("川", "chuan"),
    ("翠", "cui"),
    ("丹", "dan"),
    ("东", "dong"),
    ("帆", "fan"),
    ("枫", "feng"),
    ("冠", "guan"),
    ("瀚", "han"),
    ("禾", "he"),
    ("衡", "heng"),
    ("泓", "hong"),
    ("华", "hua"),
    ("汇", "hui"),
    ("嘉", "jia"),
    ("鉴", "jian"),
    ("锦", "jin"),
    ("景", "jing"),
    ("钧", "jun"),
    ("凯", "kai"),
    ("蓝", "lan"),
    ("朗", "lang"),
    ("磊", "lei"),
    ("麟", "lin"),
    ("凌", "ling"),
    ("鹿", "lu"),
    ("伦", "lun"),
    ("明", "ming"),
    ("墨", "mo"),
    ("楠", "nan"),
    ("宁", "ning"),
    ("鹏", "peng"),
    ("启", "qi"),
    ("谦", "qian"),
    ("青", "qing"),
    ("秋", "qiu"),
    ("然", "ran"),
    ("睿", "rui"),
    ("森", "sen"),
    ("山", "shan"),
    ("舒", "shu"),
    ("松", "song"),
    ("泰", "tai"),
    ("拓", "tuo"),
    ("桐", "tong"),
    ("微", "wei"),
    ("文", "wen"),
    ("希", "xi"),
    ("祥", "xiang"),
    ("星", "xing"),
    ("轩", "xuan"),
    ("雅", "ya"),
    ("岩", "yan"),
    ("逸", "yi"),
    ("远", "yuan"),
    ("云", "yun"),
    ("泽", "ze"),
    ("知", "zhi"),
    ("卓", "zhuo"),
];

/// Surnames for the head and the technical lead, written like the bundled
/// registry's fictional people: surname + 示例.
const SURNAMES: [&str; 32] = [
    "赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈", "褚", "卫", "蒋", "沈", "韩", "杨",
    "朱", "秦", "许", "何", "吕", "施", "张", "孔", "曹", "严", "金", "魏", "陶", "姜", "谢", "邹",
];

/// The first two digits of the administrative division code (GB/T 2260) of
/// each region, by region id.
const DIVISIONS: [(&str, &str); 34] = [
    ("beijing", "11"),
    ("tianjin", "12"),
    ("hebei", "13"),
    ("shanxi", "14"),
    ("inner-mongolia", "15"),
    ("liaoning", "21"),
    ("jilin", "22"),
    ("heilongjiang", "23"),
    ("shanghai", "31"),
    ("jiangsu", "32"),
    ("zhejiang", "33"),
    ("anhui", "34"),
    ("fujian", "35"),
    ("jiangxi", "36"),
    ("shandong", "37"),
    ("henan", "41"),
    ("hubei", "42"),
    ("hunan", "43"),
    ("guangdong", "44"),
    ("guangxi", "45"),
    ("hainan", "46"),
    ("chongqing", "50"),
    ("sichuan", "51"),
    ("guizhou", "52"),
    ("yunnan", "53"),
    ("xizang", "54"),
    ("shaanxi", "61"),
    ("gansu", "62"),
    ("qinghai", "63"),
    ("ningxia", "64"),
    ("xinjiang", "65"),
    ("taiwan", "71"),
    ("hong-kong", "81"),
    ("macao", "82"),
];

/// The short name of a region as company names use it: 黑龙江省 → 黑龙江,
/// 广西壮族自治区 → 广西, 香港特别行政区 → 香港.
pub fn region_short_name(zh: &str) -> &str {
    for suffix in [
        "特别行政区",
        "壮族自治区",
        "回族自治区",
        "维吾尔自治区",
        "自治区",
        "省",
        "市",
    ] {
        if let Some(short) = zh.strip_suffix(suffix) {
            return short;
        }
    }
    zh
}

/// The check character of a nine-character organisation code (GB 11714)
/// for its first eight digits: weights 3 7 9 10 5 8 4 2, modulo 11, with
/// 10 written `X`.
pub fn organisation_code_check(digits: &[u8; 8]) -> char {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    }
}

/// A number in `0..n` from `rng` (the modulo bias is below 2⁻⁴⁰ for the
/// sizes used here and irrelevant to synthetic data).
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// `x ↦ (a·x + b) mod n`, a permutation of `0..n` since `gcd(a, n) = 1`.
#[derive(Debug, Clone, Copy)]
struct Affine {
    a: u64,
    b: u64,
    n: u64,
}

impl Affine {
    fn random(rng: &mut ChaCha8Rng, n: u64) -> Affine {
        let n = n.max(1);
        let mut a = 1 + rng.next_u64() % n;
        while gcd(a, n) != 1 {
            a = 1 + rng.next_u64() % n;
        }
        Affine {
            a: a % n,
            b: rng.next_u64() % n,
            n,
        }
        .nonzero()
    }
    /// For n = 1 the factor reduces to 0; keep it a permutation.
    fn nonzero(self) -> Affine {
        if self.a == 0 {
            Affine { a: 1, ..self }
        } else {
            self
        }
    }
    fn apply(self, x: u64) -> u64 {
        // a, x < n < 2³² (at most 34 · 64⁴ or 10⁸): the product fits in u64.
        (self.a * (x % self.n) + self.b) % self.n
    }
}

/// A bundled organisation prepared as a template.
#[derive(Debug, Clone)]
struct Template {
    /// The template's id, e.g. `beiming-cyber`.
    id: String,
    /// The part of the id after the brand, e.g. `cyber`.
    tag: String,
    tree: Value,
    /// What follows 示例 in the Chinese name, e.g. 网络安全技术有限公司.
    zh_suffix: String,
    /// What follows "Example " in the English name.
    en_suffix: String,
    /// The same for each former name (English only when the template has one).
    former: Vec<(String, Option<String>)>,
    /// Each certificate number's prefix up to its serial, e.g. `CSI-2021-YJ-`.
    number_prefixes: Vec<String>,
    has_website: bool,
}

/// What follows the first of `markers` in `text` (all of it if none is
/// there): the bundled names write 示例 or 样例, "Example" or "Sample",
/// between the brand and the rest.
fn after<'a>(text: &'a str, markers: &[&str]) -> &'a str {
    markers
        .iter()
        .filter_map(|m| text.find(m).map(|at| at + m.len()))
        .min()
        .map_or(text, |at| &text[at..])
}

const ZH_MARKERS: &[&str] = &["示例", "样例"];
const EN_MARKERS: &[&str] = &["Example ", "Sample "];

impl Template {
    fn new(org: &Organisation) -> Result<Template, Error> {
        let shape = |message: String| Error::Shape {
            file: org.file.clone(),
            message,
        };
        let tree: Value =
            yaml::from_file_text(&org.text, &org.file).map_err(|d| shape(d.message.clone()))?;
        if !tree.is_mapping() {
            return Err(shape("not a mapping".into()));
        }
        let d = &org.data;
        let number_prefixes = d
            .certificates
            .iter()
            .map(|c| match c.number.rsplit_once('-') {
                Some((prefix, serial))
                    if !serial.is_empty() && serial.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    format!("{prefix}-")
                }
                _ => format!("{}-", c.number),
            })
            .collect();
        Ok(Template {
            id: org.id.clone(),
            tag: org
                .id
                .split_once('-')
                .map_or("org", |(_, tag)| tag)
                .to_string(),
            zh_suffix: after(&d.names.zh, ZH_MARKERS).to_string(),
            en_suffix: after(&d.names.en, EN_MARKERS).to_string(),
            former: d
                .former_names
                .iter()
                .map(|f| {
                    (
                        after(&f.zh, ZH_MARKERS).to_string(),
                        f.en.as_deref().map(|en| after(en, EN_MARKERS).to_string()),
                    )
                })
                .collect(),
            number_prefixes,
            has_website: d.website.is_some(),
            tree,
        })
    }
}

/// One generated organisation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synthetic {
    /// The organisation id (the file is `<id>.yaml`).
    pub id: String,
    /// The id of the template organisation its evidence and history copy.
    pub template: String,
    pub certificates: usize,
    /// The file's YAML text.
    pub text: String,
}

/// Generates organisation files from a template registry.
#[derive(Debug, Clone)]
pub struct Generator {
    templates: Vec<Template>,
    count: usize,
    seed: u64,
    /// Brand characters in a seeded order.
    brands: Vec<(&'static str, &'static str)>,
    /// Characters in a brand: 2, or more when `count` needs them.
    brand_len: u32,
    /// Organisation number → identity number: region (identity mod 34)
    /// and brand (identity div 34), a permutation of all combinations.
    identity: Affine,
    /// Organisation number → the eight digits of the credit code body.
    code_body: Affine,
    /// Which template organisation 0 uses.
    template_offset: usize,
    /// Widest certificate serial needed, at least four digits.
    serial_width: usize,
    /// Certificates of the template with the most: serials are
    /// `organisation × this + certificate + 1`.
    serial_stride: usize,
}

impl Generator {
    /// Prepares `count` organisations modelled on the organisations of
    /// `registry`, all random choices drawn from `seed`.
    pub fn new(registry: &Registry, count: usize, seed: u64) -> Result<Generator, Error> {
        if count == 0 || count > MAX_COUNT {
            return Err(Error::Count(count));
        }
        let templates = registry
            .organisations
            .iter()
            .map(Template::new)
            .collect::<Result<Vec<_>, _>>()?;
        if templates.is_empty() {
            return Err(Error::NoTemplates(PathBuf::from("registry")));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut brands = BRANDS.to_vec();
        for i in (1..brands.len()).rev() {
            let j = below(&mut rng, i + 1);
            brands.swap(i, j);
        }
        // Enough brands of `brand_len` characters for `count` identities.
        let mut brand_len = 2;
        while (REGIONS.len() as u64) * (BRANDS.len() as u64).pow(brand_len) < count as u64 {
            brand_len += 1;
        }
        let identities = (REGIONS.len() as u64) * (BRANDS.len() as u64).pow(brand_len);
        let identity = Affine::random(&mut rng, identities);
        let code_body = Affine::random(&mut rng, 100_000_000);
        let template_offset = below(&mut rng, templates.len());
        let serial_stride = templates
            .iter()
            .map(|t| t.number_prefixes.len())
            .max()
            .unwrap_or(0)
            .max(1);
        let serial_width = (count * serial_stride).to_string().len().max(4);
        Ok(Generator {
            templates,
            count,
            seed,
            brands,
            brand_len,
            identity,
            code_body,
            template_offset,
            serial_width,
            serial_stride,
        })
    }

    /// Number of organisations this generator makes.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Brand `k`: its `brand_len` base-64 digits as characters, and
    /// their pinyin.
    fn brand(&self, mut k: u64) -> (String, String) {
        let base = self.brands.len() as u64;
        let mut digits = Vec::new();
        for _ in 0..self.brand_len {
            digits.push((k % base) as usize);
            k /= base;
        }
        digits.reverse();
        let zh = digits.iter().map(|&d| self.brands[d].0).collect();
        let pinyin = digits.iter().map(|&d| self.brands[d].1).collect();
        (zh, pinyin)
    }

    /// Organisation `index` (in `0..len()`).
    pub fn organisation(&self, index: usize) -> Result<Synthetic, Error> {
        let template = &self.templates[(index + self.template_offset) % self.templates.len()];
        let shape = |message: &str| Error::Shape {
            file: PathBuf::from(format!("{}.yaml", template.id)),
            message: message.to_string(),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index as u64 + 1);

        // Identity: region and brand from a distinct identity number.
        let identity = self.identity.apply(index as u64);
        let region = (identity % REGIONS.len() as u64) as usize;
        let (region_id, region_zh, region_en) = REGIONS[region];
        let (brand_zh, pinyin) = self.brand(identity / REGIONS.len() as u64);
        let brand_en = capitalised(&pinyin);
        let place = region_short_name(region_zh);
        let id = format!("{pinyin}-{}-{}", template.tag, identity + 1);
        let zh_name = |suffix: &str| format!("{place}{brand_zh}示例{suffix}");
        let en_name = |suffix: &str| format!("{region_en} {brand_en} Example {suffix}");

        let mut tree = template.tree.clone();
        let names = tree.get_mut("names").ok_or_else(|| shape("no names"))?;
        set(names, "zh", zh_name(&template.zh_suffix));
        set(names, "en", en_name(&template.en_suffix));
        if let Some(Value::Sequence(former)) = tree.get_mut("former_names") {
            for (entry, (zh, en)) in former.iter_mut().zip(&template.former) {
                set(entry, "zh", zh_name(zh));
                if let Some(en) = en {
                    set(entry, "en", en_name(en));
                }
            }
        }
        set(
            &mut tree,
            "credit_code",
            self.credit_code(index, region, &mut rng),
        );
        set(&mut tree, "region", region_id.to_string());
        if template.has_website {
            set(&mut tree, "website", format!("https://{id}.example"));
        }
        if let Some(evidence) = tree.get_mut("evidence") {
            for role in ["head", "technical_lead"] {
                if let Some(person) = evidence.get_mut(role)
                    && let Some(name) = person.get_mut("name")
                {
                    let surname = SURNAMES[below(&mut rng, SURNAMES.len())];
                    let value = format!("{surname}示例");
                    match name.get_mut("value") {
                        Some(inner) => *inner = Value::String(value),
                        None => *name = Value::String(value),
                    }
                }
            }
        }
        if let Some(Value::Sequence(certificates)) = tree.get_mut("certificates") {
            for (j, (cert, prefix)) in certificates
                .iter_mut()
                .zip(&template.number_prefixes)
                .enumerate()
            {
                let serial = index * self.serial_stride + j + 1;
                let width = self.serial_width;
                set(cert, "number", format!("{prefix}{serial:0width$}"));
            }
        }
        let body = yaml::to_string(&tree).map_err(|e| shape(&e))?;
        let text = format!(
            "# 合成示例机构 / synthetic example organisation (dengji generate, seed {}, after {}): names, codes, people and figures are invented.\n{body}",
            self.seed, template.id
        );
        Ok(Synthetic {
            id,
            template: template.id.clone(),
            certificates: template.number_prefixes.len(),
            text,
        })
    }

    /// A unified social credit code: 9 (registered by market regulation),
    /// 1 (enterprise), the region's division code, an organisation code
    /// whose eight digits are distinct for each organisation, and the
    /// check characters.
    fn credit_code(&self, index: usize, region: usize, rng: &mut ChaCha8Rng) -> String {
        let division = DIVISIONS
            .iter()
            .find(|(id, _)| *id == REGIONS[region % REGIONS.len()].0)
            .map_or("11", |(_, code)| code);
        let district = 2 + below(rng, 11);
        let body = self.code_body.apply(index as u64);
        let digits: [u8; 8] =
            std::array::from_fn(|i| ((body / 10u64.pow(7 - i as u32)) % 10) as u8);
        let organisation_code = format!("{body:08}{}", organisation_code_check(&digits));
        let first17 = format!("91{division}01{district:02}{organisation_code}");
        // Every character is from the GB 32100 alphabet, so a check exists.
        let check = check_character(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Sets `key` of the mapping `map` to the string `value` (nothing if `map`
/// is not a mapping).
fn set(map: &mut Value, key: &str, value: String) {
    if let Value::Mapping(m) = map {
        m.insert(Value::String(key.to_string()), Value::String(value));
    }
}

/// A relative path inside the site, or an error naming `what`.
fn inside(what: &'static str, path: &Path) -> Result<PathBuf, Error> {
    let ok = !path.as_os_str().is_empty()
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(Error::Layout {
            what,
            path: path.to_path_buf(),
        })
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), Error> {
    fs::create_dir_all(to).map_err(io_error(to))?;
    let mut entries: Vec<_> = fs::read_dir(from)
        .map_err(io_error(from))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(io_error(&source))?;
        if kind.is_dir() {
            copy_tree(&source, &target)?;
        } else if kind.is_file() {
            fs::copy(&source, &target).map_err(io_error(&source))?;
        }
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), Error> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path).map_err(io_error(path)),
        Ok(_) => fs::remove_file(path).map_err(io_error(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Io {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Writes a complete site at `out`: the configuration, standards, theme and
/// documentation of the site at `root`, and a registry of
/// `options.count` organisations modelled on `root`'s registry.
pub fn generate(root: &Path, out: &Path, options: &Options) -> Result<Summary, Error> {
    if options.count == 0 || options.count > MAX_COUNT {
        return Err(Error::Count(options.count));
    }
    let config = Config::load(root).map_err(|d| Error::Template(d.to_string()))?;
    let content_dir = inside("content folder", &config.content_dir)?;
    let registry_rel = inside("registry folder", &config.registry_dir)?;
    let template_dir = root.join(&registry_rel);
    let (registry, diagnostics) = registry::load(&template_dir);
    if diagnostics.has_errors() {
        return Err(Error::Template(diagnostics.relative_to(root).to_string()));
    }
    if registry.organisations.is_empty() {
        return Err(Error::NoTemplates(template_dir));
    }
    let generator = Generator::new(&registry, options.count, options.seed)?;

    match fs::metadata(out) {
        Ok(meta) if !meta.is_dir() => return Err(Error::NotAFolder(out.to_path_buf())),
        Ok(_) => {
            let same = fs::canonicalize(out).ok() == fs::canonicalize(root).ok();
            if same {
                return Err(Error::SameAsRoot(out.to_path_buf()));
            }
            let empty = fs::read_dir(out).map_err(io_error(out))?.next().is_none();
            if !empty && !options.force {
                return Err(Error::NotEmpty(out.to_path_buf()));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Error::Io {
                path: out.to_path_buf(),
                source: e,
            });
        }
    }

    // What this command writes, and nothing else, is replaced.
    let trees = [
        content_dir.clone(),
        PathBuf::from("themes"),
        PathBuf::from("docs"),
    ];
    for tree in trees.iter().chain([&registry_rel]) {
        remove_if_present(&out.join(tree))?;
    }
    fs::create_dir_all(out).map_err(io_error(out))?;
    let site_yaml = root.join(crate::config::CONFIG_FILE);
    let site_copy = out.join(crate::config::CONFIG_FILE);
    fs::copy(&site_yaml, &site_copy).map_err(io_error(&site_yaml))?;
    for tree in &trees {
        let from = root.join(tree);
        if from.is_dir() {
            copy_tree(&from, &out.join(tree))?;
        }
    }

    let registry_dir = out.join(&registry_rel);
    fs::create_dir_all(&registry_dir).map_err(io_error(&registry_dir))?;
    let readme = registry_dir.join("README.md");
    fs::write(
        &readme,
        format!(
            "# Synthetic registry\n\n{count} fictional organisations written by `dengji generate --count {count} --seed {seed}` for benchmarks. Each copies the evidence, assessments and certificate history of one organisation of the template registry ({templates} organisations) under a generated identity: names with 示例 (\"Example\"), credit code, region, website, certificate numbers and people are invented.\n",
            count = options.count,
            seed = options.seed,
            templates = registry.organisations.len(),
        ),
    )
    .map_err(io_error(&readme))?;

    let certificates = (0..generator.len())
        .into_par_iter()
        .map(|i| {
            let org = generator.organisation(i)?;
            let file = registry_dir.join(format!("{}.yaml", org.id));
            fs::write(&file, &org.text).map_err(io_error(&file))?;
            Ok(org.certificates)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;

    Ok(Summary {
        organisations: generator.len(),
        certificates,
        registry_dir,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::registry::credit_code::CreditCode;

    fn bundled_root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn bundled_registry() -> Registry {
        let (registry, diagnostics) = registry::load(&bundled_root().join("registry"));
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        registry
    }

    fn options(count: usize, seed: u64) -> Options {
        Options {
            count,
            seed,
            force: false,
        }
    }

    /// Every file of `dir`, by path relative to it.
    fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in fs::read_dir(&d).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = fs::read(&path).expect("read");
                    out.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), bytes);
                }
            }
        }
        out
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            tmp.path().join("a"),
            tmp.path().join("b"),
            tmp.path().join("c"),
        );
        let root = bundled_root();
        let summary = generate(root, &a, &options(150, 7)).expect("a");
        generate(root, &b, &options(150, 7)).expect("b");
        generate(root, &c, &options(150, 8)).expect("c");
        let (fa, fb, fc) = (files(&a), files(&b), files(&c));
        assert_eq!(fa, fb);
        let registry = |f: &BTreeMap<PathBuf, Vec<u8>>| {
            f.iter()
                .filter(|(p, _)| p.starts_with("registry"))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect::<BTreeMap<_, _>>()
        };
        assert_ne!(registry(&fa), registry(&fc));
        // 150 organisations and the README.
        assert_eq!(registry(&fa).len(), 151);
        assert_eq!(summary.organisations, 150);
        assert!(fa.contains_key(Path::new("site.yaml")));
        assert!(fa.contains_key(Path::new("content/csi-grading/rules.yaml")));
    }

    #[test]
    fn identities_are_unique_and_codes_valid() {
        let registry = bundled_registry();
        let count = 5000;
        let generator = Generator::new(&registry, count, 42).expect("generator");
        let mut ids = BTreeSet::new();
        let mut zh = BTreeSet::new();
        let mut en = BTreeSet::new();
        let mut codes = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        let mut regions = BTreeSet::new();
        let mut certificates = 0;
        for i in 0..count {
            let org = generator.organisation(i).expect("organisation");
            let parsed = registry::parse(Path::new(&format!("{}.yaml", org.id)), org.text.clone())
                .expect("round-trips through the loader");
            assert!(ids.insert(org.id.clone()), "id {}", org.id);
            let names = &parsed.data.names;
            assert_eq!(names.zh.matches("示例").count(), 1, "{}", names.zh);
            assert!(!names.zh.contains("样例"), "{}", names.zh);
            assert_eq!(names.en.matches(" Example ").count(), 1, "{}", names.en);
            assert!(!names.en.contains("Sample"), "{}", names.en);
            for former in &parsed.data.former_names {
                assert_eq!(former.zh.matches("示例").count(), 1, "{}", former.zh);
            }
            assert!(
                zh.insert(parsed.data.names.zh.clone()),
                "{}",
                parsed.data.names.zh
            );
            assert!(
                en.insert(parsed.data.names.en.clone()),
                "{}",
                parsed.data.names.en
            );
            assert!(codes.insert(parsed.data.credit_code.0.clone()));
            regions.insert(parsed.data.region);
            for cert in &parsed.data.certificates {
                assert!(numbers.insert(cert.number.clone()), "{}", cert.number);
                certificates += 1;
            }
            if let Some(site) = &parsed.data.website {
                assert_eq!(site.as_str(), format!("https://{}.example", org.id));
            }
        }
        assert_eq!(regions.len(), REGIONS.len(), "every region is used");
        assert!(
            certificates > count,
            "templates hold 105 certificates for 64 organisations"
        );
    }

    #[test]
    fn generated_site_checks_and_grades_like_its_templates() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("site");
        let count = 200;
        generate(bundled_root(), &out, &options(count, 3)).expect("generate");
        let date = jiff::civil::date(2026, 11, 21);
        let analysis = crate::analyse(&out, date).expect("analyse");
        assert!(
            !analysis.diagnostics.has_errors(),
            "{}",
            analysis.diagnostics
        );
        let registry_findings: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.location.file.starts_with("registry"))
            .collect();
        assert!(registry_findings.is_empty(), "{registry_findings:?}");
        assert_eq!(analysis.registry.organisations.len(), count);

        // Each organisation's certificates and grades are its template's.
        let bundled = crate::analyse(bundled_root(), date).expect("bundled");
        let generator = Generator::new(&bundled.registry, count, 3).expect("generator");
        // Identity aside: the id, and the certificate numbers a
        // holds-certificate requirement cites.
        fn forget_numbers(json: &mut serde_json::Value) {
            match json {
                serde_json::Value::Object(map) => {
                    for (key, value) in map.iter_mut() {
                        if key == "number" {
                            *value = serde_json::Value::Null;
                        } else {
                            forget_numbers(value);
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter_mut().for_each(forget_numbers),
                _ => {}
            }
        }
        let without_id = |g: &crate::grade::OrganisationGrades| {
            let mut json = serde_json::to_value(g).expect("json");
            json["id"] = serde_json::Value::Null;
            forget_numbers(&mut json);
            json
        };
        for i in 0..count {
            let org = generator.organisation(i).expect("organisation");
            let ours = analysis
                .grades
                .get(&analysis.registry, &org.id, &analysis.schemes)
                .expect("graded");
            let theirs = bundled
                .grades
                .get(&bundled.registry, &org.template, &bundled.schemes)
                .expect("template graded");
            assert_eq!(
                without_id(&ours),
                without_id(&theirs),
                "{} after {}",
                org.id,
                org.template
            );
        }
    }

    #[test]
    fn refuses_non_empty_folders_and_the_template_itself() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("site");
        fs::create_dir_all(&out).expect("mkdir");
        fs::write(out.join("keep.txt"), "mine").expect("write");
        let err = generate(bundled_root(), &out, &options(10, 1)).expect_err("not empty");
        assert!(matches!(err, Error::NotEmpty(_)), "{err}");
        assert!(err.to_string().contains("--force"));

        // With --force a second, smaller run replaces the first registry.
        let force = Options {
            force: true,
            ..options(20, 1)
        };
        generate(bundled_root(), &out, &force).expect("forced");
        let smaller = Options {
            force: true,
            ..options(5, 1)
        };
        let summary = generate(bundled_root(), &out, &smaller).expect("forced again");
        let yaml = fs::read_dir(&summary.registry_dir)
            .expect("registry")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
            })
            .count();
        assert_eq!(yaml, 5);
        assert_eq!(
            fs::read_to_string(out.join("keep.txt")).expect("kept"),
            "mine"
        );

        let force_root = Options {
            force: true,
            ..options(5, 1)
        };
        let err = generate(bundled_root(), bundled_root(), &force_root).expect_err("root");
        assert!(matches!(err, Error::SameAsRoot(_)), "{err}");
        assert!(matches!(
            generate(bundled_root(), &tmp.path().join("x"), &options(0, 1)),
            Err(Error::Count(0))
        ));
        let file = tmp.path().join("file");
        fs::write(&file, "").expect("write");
        assert!(matches!(
            generate(bundled_root(), &file, &options(1, 1)),
            Err(Error::NotAFolder(_))
        ));
    }

    #[test]
    fn two_character_brands_read_distinctly_in_english() {
        let mut seen = BTreeSet::new();
        for (_, a) in BRANDS {
            for (_, b) in BRANDS {
                assert!(seen.insert(format!("{a}{b}")), "{a}{b} is ambiguous");
            }
        }
        let chars: BTreeSet<&str> = BRANDS.iter().map(|b| b.0).collect();
        assert_eq!(chars.len(), BRANDS.len());
        assert!(!chars.contains("示") && !chars.contains("例"));
    }

    #[test]
    fn brands_are_spread_and_grow_when_needed() {
        let registry = bundled_registry();
        let two = 34 * 64 * 64;
        let generator = Generator::new(&registry, two, 1).expect("generator");
        assert_eq!(generator.brand_len, 2);
        let brands: BTreeSet<String> = (0..64 * 64).map(|k| generator.brand(k).0).collect();
        assert_eq!(brands.len(), 64 * 64, "distinct brands");
        let generator = Generator::new(&registry, two + 1, 1).expect("generator");
        assert_eq!(generator.brand_len, 3);
        assert_eq!(generator.brand(0).0.chars().count(), 3);

        // A small registry still uses many first characters and regions.
        let generator = Generator::new(&registry, 200, 1).expect("generator");
        let mut first = BTreeSet::new();
        let mut regions = BTreeSet::new();
        for i in 0..200 {
            let org = generator.organisation(i).expect("organisation");
            let data = registry::parse(Path::new("x.yaml"), org.text)
                .expect("parses")
                .data;
            let brand = data
                .names
                .zh
                .trim_start_matches(region_short_name(data.region.zh()));
            first.extend(brand.chars().next());
            regions.insert(data.region);
        }
        assert!(first.len() > 40, "{} first characters", first.len());
        assert!(regions.len() > 30, "{} regions", regions.len());
    }

    #[test]
    fn every_region_has_a_division_code_and_a_short_name() {
        for (id, zh, _) in REGIONS {
            assert!(DIVISIONS.iter().any(|(d, _)| d == id), "{id}");
            let short = region_short_name(zh);
            assert!(short.chars().count() >= 2 && short.chars().count() < zh.chars().count() + 1);
        }
        assert_eq!(region_short_name("黑龙江省"), "黑龙江");
        assert_eq!(region_short_name("广西壮族自治区"), "广西");
        assert_eq!(region_short_name("香港特别行政区"), "香港");
        assert_eq!(region_short_name("北京市"), "北京");
        assert_eq!(region_short_name("内蒙古自治区"), "内蒙古");
    }

    #[test]
    fn organisation_code_check_follows_gb_11714() {
        // 12345678: 1·3+2·7+3·9+4·10+5·5+6·8+7·4+8·2 = 201; 201 mod 11 = 3;
        // 11 − 3 = 8.
        assert_eq!(organisation_code_check(&[1, 2, 3, 4, 5, 6, 7, 8]), '8');
        // 00000000: sum 0, 11 − 0 = 11 → 0.
        assert_eq!(organisation_code_check(&[0; 8]), '0');
        // 00000006: 6·2 = 12; 12 mod 11 = 1; 11 − 1 = 10 → X.
        assert_eq!(organisation_code_check(&[0, 0, 0, 0, 0, 0, 0, 6]), 'X');
    }

    #[test]
    fn credit_codes_pass_the_gb_32100_check_and_name_the_region() {
        let generator = Generator::new(&bundled_registry(), 500, 9).expect("generator");
        let mut bodies = BTreeSet::new();
        for index in 0..500 {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let region = index % REGIONS.len();
            let code = generator.credit_code(index, region, &mut rng);
            assert!(CreditCode::parse(&code).is_ok(), "{code}");
            let division = DIVISIONS
                .iter()
                .find(|d| d.0 == REGIONS[region].0)
                .expect("division")
                .1;
            assert_eq!(&code[2..4], division, "{code} for {}", REGIONS[region].0);
            assert!(bodies.insert(code[8..16].to_string()), "{code}");
        }
    }

    #[test]
    fn affine_maps_are_permutations() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for n in [1u64, 2, 34, 64, 1000, 1024] {
            let f = Affine::random(&mut rng, n);
            let image: BTreeSet<u64> = (0..n).map(|x| f.apply(x)).collect();
            assert_eq!(image.len() as u64, n, "n = {n}");
            assert!(image.iter().all(|&y| y < n));
        }
    }
}
