//! Province-level regions of China (GB/T 2260), by a stable id.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};

/// (id, Chinese name, English name), in GB/T 2260 code order
pub const REGIONS: &[(&str, &str, &str)] = &[
    ("beijing", "北京市", "Beijing"),
    ("tianjin", "天津市", "Tianjin"),
    ("hebei", "河北省", "Hebei"),
    ("shanxi", "山西省", "Shanxi"),
    ("inner-mongolia", "内蒙古自治区", "Inner Mongolia"),
    ("liaoning", "辽宁省", "Liaoning"),
    ("jilin", "吉林省", "Jilin"),
    ("heilongjiang", "黑龙江省", "Heilongjiang"),
    ("shanghai", "上海市", "Shanghai"),
    ("jiangsu", "江苏省", "Jiangsu"),
    ("zhejiang", "浙江省", "Zhejiang"),
    ("anhui", "安徽省", "Anhui"),
    ("fujian", "福建省", "Fujian"),
    ("jiangxi", "江西省", "Jiangxi"),
    ("shandong", "山东省", "Shandong"),
    ("henan", "河南省", "Henan"),
    ("hubei", "湖北省", "Hubei"),
    ("hunan", "湖南省", "Hunan"),
    ("guangdong", "广东省", "Guangdong"),
    ("guangxi", "广西壮族自治区", "Guangxi"),
    ("hainan", "海南省", "Hainan"),
    ("chongqing", "重庆市", "Chongqing"),
    ("sichuan", "四川省", "Sichuan"),
    ("guizhou", "贵州省", "Guizhou"),
    ("yunnan", "云南省", "Yunnan"),
    ("xizang", "西藏自治区", "Xizang"),
    ("shaanxi", "陕西省", "Shaanxi"),
    ("gansu", "甘肃省", "Gansu"),
    ("qinghai", "青海省", "Qinghai"),
    ("ningxia", "宁夏回族自治区", "Ningxia"),
    ("xinjiang", "新疆维吾尔自治区", "Xinjiang"),
    ("taiwan", "台湾省", "Taiwan"),
    ("hong-kong", "香港特别行政区", "Hong Kong"),
    ("macao", "澳门特别行政区", "Macao"),
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
