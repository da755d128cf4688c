//! Province-level regions of China (GB/T 2260), by a stable id.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};

/// (id, Chinese name, English name, GB/T 2260 two-digit code)
pub const REGIONS: &[(&str, &str, &str, &str)] = &[
    ("beijing", "北京市", "Beijing", "11"),
    ("tianjin", "天津市", "Tianjin", "12"),
    ("hebei", "河北省", "Hebei", "13"),
    ("shanxi", "山西省", "Shanxi", "14"),
    ("inner-mongolia", "内蒙古自治区", "Inner Mongolia", "15"),
    ("liaoning", "辽宁省", "Liaoning", "21"),
    ("jilin", "吉林省", "Jilin", "22"),
    ("heilongjiang", "黑龙江省", "Heilongjiang", "23"),
    ("shanghai", "上海市", "Shanghai", "31"),
    ("jiangsu", "江苏省", "Jiangsu", "32"),
    ("zhejiang", "浙江省", "Zhejiang", "33"),
    ("anhui", "安徽省", "Anhui", "34"),
    ("fujian", "福建省", "Fujian", "35"),
    ("jiangxi", "江西省", "Jiangxi", "36"),
    ("shandong", "山东省", "Shandong", "37"),
    ("henan", "河南省", "Henan", "41"),
    ("hubei", "湖北省", "Hubei", "42"),
    ("hunan", "湖南省", "Hunan", "43"),
    ("guangdong", "广东省", "Guangdong", "44"),
    ("guangxi", "广西壮族自治区", "Guangxi", "45"),
    ("hainan", "海南省", "Hainan", "46"),
    ("chongqing", "重庆市", "Chongqing", "50"),
    ("sichuan", "四川省", "Sichuan", "51"),
    ("guizhou", "贵州省", "Guizhou", "52"),
    ("yunnan", "云南省", "Yunnan", "53"),
    ("xizang", "西藏自治区", "Xizang", "54"),
    ("shaanxi", "陕西省", "Shaanxi", "61"),
    ("gansu", "甘肃省", "Gansu", "62"),
    ("qinghai", "青海省", "Qinghai", "63"),
    ("ningxia", "宁夏回族自治区", "Ningxia", "64"),
    ("xinjiang", "新疆维吾尔自治区", "Xinjiang", "65"),
    ("taiwan", "台湾省", "Taiwan", "71"),
    ("hong-kong", "香港特别行政区", "Hong Kong", "81"),
    ("macao", "澳门特别行政区", "Macao", "82"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region(pub usize);

impl Region {
    pub fn id(self) -> &'static str {
        REGIONS[self.0].0
    }
    pub fn zh(self) -> &'static str {
        REGIONS[self.0].1
    }
    pub fn en(self) -> &'static str {
        REGIONS[self.0].2
    }
    pub fn code(self) -> &'static str {
        REGIONS[self.0].3
    }
    pub fn name(self, lang: &str) -> &'static str {
        if lang == "zh" { self.zh() } else { self.en() }
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        REGIONS
            .iter()
            .position(|r| r.0 == text)
            .map(Region)
            .ok_or_else(|| {
                let hint = REGIONS
                    .iter()
                    .find(|r| {
                        r.1 == text
                            || r.1.starts_with(text.as_str())
                            || r.2.eq_ignore_ascii_case(&text)
                    })
                    .map(|r| format!("; did you mean `{}`?", r.0))
                    .unwrap_or_else(|| {
                        "; use a province-level region id such as `beijing` or `guangdong`".into()
                    });
                serde::de::Error::custom(format!("unknown region `{text}`{hint}"))
            })
    }
}

impl Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl schemars::JsonSchema for Region {
    fn schema_name() -> Cow<'static, str> {
        "Region".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = REGIONS.iter().map(|r| r.0).collect();
        schemars::json_schema!({"type": "string", "enum": ids, "description": "Province-level region id"})
    }
}
