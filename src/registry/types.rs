//! The organisation file format. The JSON Schema published for editors is
//! generated from these same types (`dengji schema`), so the two cannot
//! drift apart.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::de::{self, IntoDeserializer};
use serde::{Deserialize, Deserializer, Serialize};

use super::credit_code::CreditCode;
use super::region::Region;
use crate::exact::Num;

/// One organisation: `registry/<id>.yaml`, where the file name is its id.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dengji registry organisation")]
pub struct OrganisationFile {
    /// Registered names.
    pub names: Names,
    /// Names the organisation was known by before, newest first.
    #[serde(default)]
    pub former_names: Vec<FormerName>,
    /// Unified social credit code (统一社会信用代码, GB 32100), 18 characters,
    /// check digit verified.
    pub credit_code: CreditCode,
    /// Province-level region of registration (an id such as `beijing`).
    pub region: Region,
    /// Date of incorporation (成立日期).
    pub founded: Day,
    /// The organisation's web site: an absolute `http` or `https` address.
    #[serde(default)]
    pub website: Option<WebAddress>,
    /// Facts the grades are computed from.
    #[serde(default)]
    pub evidence: Evidence,
    /// Assessment records: documentary requirements found unmet.
    #[serde(default)]
    pub assessments: Vec<Assessment>,
    #[serde(default)]
    pub certificates: Vec<Certificate>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormerName {
    pub zh: String,
    #[serde(default)]
    pub en: Option<String>,
    /// Last day the name was used.
    pub until: Day,
}

/// Evidence. Every value can be written plainly (`staff: 42`) or with its
/// visibility (`staff: {value: 42, public: false}`). Private values are used
/// for grading but never published; the defaults are public for counts and
/// dates, private for names, clients and contract amounts.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Staff engaged in security services (服务人员).
    #[serde(default)]
    pub staff: Option<Visible<u32>>,
    /// Of the staff, those with a bachelor's degree or above.
    #[serde(default)]
    pub bachelor_staff: Option<Visible<u32>>,
    /// Registered capital, 万元.
    #[serde(default)]
    pub registered_capital: Option<Visible<Num>>,
    /// The head of the organisation (机构负责人).
    #[serde(default)]
    pub head: Option<Head>,
    /// The technical lead (技术负责人).
    #[serde(default)]
    pub technical_lead: Option<TechnicalLead>,
    /// Per service category id: since when the service has been provided,
    /// and staff holding professional certificates for it.
    #[serde(default)]
    pub services: BTreeMap<String, Service>,
    /// Staff holding a named qualification, e.g. `CISP: 6`.
    #[serde(default)]
    pub qualified_staff: BTreeMap<String, Visible<u32>>,
    /// Service projects.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Further figures some standards declare (see their rules).
    #[serde(default)]
    pub figures: BTreeMap<String, Visible<Num>>,
    /// One entry per person, for counts the standards make per person
    /// ("staff with 5 years who took part in 3 projects of a kind"). Nothing
    /// of a person is published but the counts they make.
    #[serde(default)]
    pub roster: Vec<Person>,
    /// `false`: the counts made from the roster (staff, bachelor share,
    /// qualified and certified staff, people) are published only as met or
    /// not met, never as numbers. Default `true`.
    #[serde(default = "yes")]
    pub roster_counts_public: bool,
    /// Plain head counts for a registry that keeps no roster, keyed by the
    /// `count` id of a `people` rule (organisation-wide rules; per-category
    /// ones go under `services.<category>.counts`).
    #[serde(default)]
    pub counts: BTreeMap<String, Visible<u32>>,
    /// Certificates of schemes this site does not publish (ISO/IEC 27001,
    /// CMMI), as the rules' `other_schemes` declare them. Public.
    #[serde(default)]
    pub other_certificates: Vec<OtherCertificate>,
    /// Vulnerabilities reported to a national vulnerability database.
    #[serde(default)]
    pub vulnerability_reports: Vec<VulnerabilityReport>,
}

/// A certificate of a scheme outside this site.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherCertificate {
    /// A scheme id some standard declares under `other_schemes`.
    pub scheme: String,
    /// One of the scheme's levels, when it has levels.
    #[serde(default)]
    pub level: Option<String>,
    pub number: String,
    /// The certifying body, by its Chinese name.
    pub body: String,
    /// The certifying body's English name, for the English pages (absent:
    /// they show the Chinese name).
    #[serde(default)]
    pub body_en: Option<String>,
    pub issued: Day,
    /// Last day of validity.
    pub valid_until: Day,
}

/// One vulnerability reported to a national database.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityReport {
    /// The database's id (`CNVD-2025-01234`, `CNNVD-202501-1234`).
    pub id: String,
    pub submitted: Day,
    /// Category ids the vulnerability counts for (industrial control
    /// systems, databases, …).
    pub types: Vec<String>,
}

/// One person of the roster. The id is opaque and stable: never a name or
/// an ID number.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Opaque id, unique in the file (`r-7f3a2c`): lower-case letters,
    /// digits and `-`, 3 to 32 characters.
    pub id: String,
    /// Private unless marked public.
    #[serde(default)]
    pub name: Option<Visible<String>>,
    /// First day with the organisation; absent: before any grading date.
    #[serde(default)]
    pub joined: Option<Day>,
    /// Last day with the organisation; the person does not count after it.
    #[serde(default)]
    pub left: Option<Day>,
    /// Start of security work (从业经验), anywhere.
    #[serde(default)]
    pub security_work_since: Option<Day>,
    /// Highest degree; `bachelor` and above count toward the bachelor share.
    #[serde(default)]
    pub degree: Option<Degree>,
    /// Start of work in a kind of service (…服务经验), by project type or
    /// category id. Projects of that type the person took part in count
    /// from their signing date too.
    #[serde(default)]
    pub experience: BTreeMap<String, Day>,
    #[serde(default)]
    pub qualifications: Vec<HeldQualification>,
    /// The service categories (classes) the person is counted for.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Roles the rules declare (`technical-lead`, `secure-developer`, …).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Projects taken part in outside this file's `projects` (e.g. with a
    /// former employer).
    #[serde(default)]
    pub other_projects: Vec<OtherProject>,
}

/// A person's highest degree, lowest first.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Degree {
    /// Below a junior-college diploma.
    Secondary,
    /// 大专.
    JuniorCollege,
    /// 本科 (学士).
    Bachelor,
    /// 硕士.
    Master,
    /// 博士.
    Doctorate,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldQualification {
    /// A qualification id the rules declare (`CISP`, `CISP-A`, …).
    pub id: String,
    pub obtained: Day,
    /// Last day it is valid, if it lapses.
    #[serde(default)]
    pub expires: Option<Day>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherProject {
    /// Category and project type ids the project counts for.
    pub types: Vec<String>,
    pub completed: Day,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Head {
    /// Private unless marked public.
    #[serde(default)]
    pub name: Option<Visible<String>>,
    /// Start of management experience in information technology.
    #[serde(default)]
    pub management_since: Option<Visible<Day>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicalLead {
    /// Private unless marked public.
    #[serde(default)]
    pub name: Option<Visible<String>>,
    /// Start of security technical work.
    #[serde(default)]
    pub security_work_since: Option<Visible<Day>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub since: Visible<Day>,
    #[serde(default)]
    pub certified_staff: Option<Visible<u32>>,
    /// Plain head counts of this category, keyed by the `count` id of a
    /// `people` rule, for a registry that keeps no roster.
    #[serde(default)]
    pub counts: BTreeMap<String, Visible<u32>>,
    /// Figures the rules declare per category (`scope: category`): response
    /// times, tools, team sizes of this service.
    #[serde(default)]
    pub figures: BTreeMap<String, Visible<Num>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Category and project type ids the project counts for.
    pub types: Vec<String>,
    /// Private unless marked public.
    #[serde(default)]
    pub name: Option<Visible<String>>,
    /// Private unless marked public.
    #[serde(default)]
    pub client: Option<Visible<String>>,
    pub signed: Day,
    /// Absent while the project is running.
    #[serde(default)]
    pub completed: Option<Day>,
    /// Contract amount, 万元; private unless marked public.
    #[serde(default)]
    pub amount: Option<Visible<Num>>,
    /// Of the amount, the service fees (服务费用: design, development,
    /// integration and technical services), 万元; private unless marked
    /// public. Rules compute fee shares from it (`fee-share`).
    #[serde(default)]
    pub service_fees: Option<Visible<Num>>,
    /// Roster ids of the people who took part.
    #[serde(default)]
    pub team: Vec<String>,
    /// How many people took part, for a file that keeps no roster (with
    /// one, `team` lists them and the size is counted).
    #[serde(default)]
    pub team_size: Option<u32>,
    /// `false` when the client's acceptance failed.
    #[serde(default = "yes")]
    pub accepted: bool,
    /// In actual use after acceptance (投入实际应用).
    #[serde(default)]
    pub in_use: bool,
    /// The trial run (试运行), first and last day.
    #[serde(default)]
    pub trial_run: Option<Period>,
}

impl Project {
    /// The people who took part: the roster ids listed, or the plain size.
    pub fn team_size(&self) -> usize {
        if self.team.is_empty() {
            self.team_size.map_or(0, |n| n as usize)
        } else {
            self.team.len()
        }
    }
}

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    pub date: Day,
    /// The assessing body, by its Chinese name.
    pub body: String,
    /// The assessing body's English name, for the English pages (absent:
    /// they show the Chinese name).
    #[serde(default)]
    pub body_en: Option<String>,
    /// Standard slug.
    pub standard: String,
    /// Category id; absent when the assessment covers every category.
    #[serde(default)]
    pub category: Option<String>,
    /// What the assessment examined: every documentary requirement of a
    /// part (or of every part, when `part` is absent) that applies at a
    /// level up to `up_to`. A documentary requirement is met only through an
    /// assessment that covers it.
    #[serde(default)]
    pub covers: Vec<Cover>,
    /// Ids of documentary requirements found met outside `covers`.
    #[serde(default)]
    pub met: Vec<String>,
    /// Ids of the documentary requirements found unmet.
    #[serde(default)]
    pub unmet: Vec<String>,
}

/// A body of documentary requirements an assessment examined.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// Part id of the standard's rules (`basic`, `security-consulting`, …);
    /// absent: every part that grades the category.
    #[serde(default)]
    pub part: Option<String>,
    /// The highest level examined, as the standard writes it (三级): the
    /// documentary requirements of every level up to it are covered.
    pub up_to: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Standard slug.
    pub standard: String,
    /// Edition of the standard, when the standard names editions.
    #[serde(default)]
    pub edition: Option<String>,
    pub category: String,
    /// Registered level, as the standard writes it (e.g. 三级).
    pub level: String,
    /// Certificate number, unique in the registry.
    pub number: String,
    /// Issuing body, by its Chinese name.
    pub body: String,
    /// The issuing body's English name, for the English pages (absent:
    /// they show the Chinese name).
    #[serde(default)]
    pub body_en: Option<String>,
    /// End of validity, for standards that don't define a validity period.
    #[serde(default)]
    pub valid_until: Option<Day>,
    /// Dated events, oldest first; the first is `issued`.
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub date: Day,
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// For `renewed`, under standards that don't define a validity period:
    /// the new end of validity.
    #[serde(default)]
    pub valid_until: Option<Day>,
    /// A note on the event, in Chinese (or the one language it is
    /// written in): shown on the Chinese pages, and on the English ones
    /// when there is no `note_en`.
    #[serde(default)]
    pub note: Option<String>,
    /// The note in English, for the English pages.
    #[serde(default)]
    pub note_en: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Issued,
    AnnualConfirmation,
    Warning,
    RectificationOrdered,
    Suspended,
    Reinstated,
    Revoked,
    Renewed,
    Expired,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Issued => "issued",
            EventKind::AnnualConfirmation => "annual-confirmation",
            EventKind::Warning => "warning",
            EventKind::RectificationOrdered => "rectification-ordered",
            EventKind::Suspended => "suspended",
            EventKind::Reinstated => "reinstated",
            EventKind::Revoked => "revoked",
            EventKind::Renewed => "renewed",
            EventKind::Expired => "expired",
        }
    }
}

/// An organisation's web site, as published in a link: checked by
/// [`crate::config::parse_web_url`], an error at its position otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAddress(String);

impl WebAddress {
    pub fn parse(text: &str) -> Result<WebAddress, String> {
        crate::config::parse_web_url(text, "the web site")?;
        // The address as written (trimmed), so the page shows what the file says.
        Ok(WebAddress(text.trim().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for WebAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        WebAddress::parse(&text).map_err(de::Error::custom)
    }
}

impl JsonSchema for WebAddress {
    fn schema_name() -> Cow<'static, str> {
        "WebAddress".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"})
    }
}

/// A calendar date written `YYYY-MM-DD`; impossible dates (2025-02-29) are
/// errors at their position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_day(&text).map(Day).map_err(de::Error::custom)
    }
}

/// Parses `YYYY-MM-DD` strictly.
pub fn parse_day(text: &str) -> Result<Date, String> {
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format!("`{text}` is not a date: write YYYY-MM-DD"));
    }
    let date = text
        .parse::<Date>()
        .map_err(|_| format!("`{text}` is not a date that exists (check the month and day)"))?;
    if !(EARLIEST_DATE..=LATEST_DATE).contains(&date) {
        return Err(format!(
            "`{text}` is outside the dates a registry records ({EARLIEST_DATE} to {LATEST_DATE}); check the year"
        ));
    }
    Ok(date)
}

/// The earliest date a registry file may give: no organisation, name,
/// project or certificate in the registry predates it.
pub const EARLIEST_DATE: Date = jiff::civil::date(1900, 1, 1);
/// The latest: a certificate's validity or a planned event beyond it is a
/// typing error (`9999-12-31`), not a fact.
pub const LATEST_DATE: Date = jiff::civil::date(2099, 12, 31);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl JsonSchema for Day {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
    }
}

/// A value with its visibility. `public: None` means the field's default.
#[derive(Debug, Clone, PartialEq)]
pub struct Visible<T> {
    pub value: T,
    pub public: Option<bool>,
}

impl<T> Visible<T> {
    pub fn is_public(&self, default: bool) -> bool {
        self.public.unwrap_or(default)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Visible<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(VisibleVisitor(std::marker::PhantomData))
    }
}

struct VisibleVisitor<T>(std::marker::PhantomData<T>);

impl<T> VisibleVisitor<T> {
    fn plain<'de, E: de::Error, V: IntoDeserializer<'de, E>>(v: V) -> Result<Visible<T>, E>
    where
        T: Deserialize<'de>,
    {
        T::deserialize(v.into_deserializer()).map(|value| Visible {
            value,
            public: None,
        })
    }
}

impl<'de, T: Deserialize<'de>> de::Visitor<'de> for VisibleVisitor<T> {
    type Value = Visible<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value, or `{value: ..., public: true|false}`")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Visible<T>, E> {
        Self::plain(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Visible<T>, E> {
        Self::plain(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Visible<T>, E> {
        Self::plain(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Visible<T>, E> {
        Self::plain(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Visible<T>, E> {
        Self::plain(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Visible<T>, E> {
        Self::plain(v)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Visible<T>, A::Error> {
        let mut value = None;
        let mut public = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" => value = Some(map.next_value::<T>()?),
                "public" => public = Some(map.next_value::<bool>()?),
                other => {
                    return Err(de::Error::unknown_field(other, &["value", "public"]));
                }
            }
        }
        match value {
            Some(value) => Ok(Visible { value, public }),
            None => Err(de::Error::missing_field("value")),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Visible<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Visible_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inner = generator.subschema_for::<T>();
        schemars::json_schema!({
            "anyOf": [
                inner,
                {
                    "type": "object",
                    "properties": {"value": inner, "public": {"type": "boolean"}},
                    "required": ["value"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
