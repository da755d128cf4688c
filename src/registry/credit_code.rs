//! Unified social credit codes (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capital letters
//! without I, O, Z, S, V); the last is a check character computed from the
//! first 17 with fixed weights, modulo 31.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CreditCode(pub String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters, if they are valid.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&b, w) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(b)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl CreditCode {
    pub fn parse(text: &str) -> Result<CreditCode, String> {
        if text.chars().count() != 18 {
            return Err(format!(
                "credit code `{text}` has {} characters; a unified social credit code has 18",
                text.chars().count()
            ));
        }
        if let Some(bad) = text.bytes().find(|&b| value_of(b).is_none()) {
            return Err(format!(
                "credit code `{text}` contains `{}`, which GB 32100 does not use (only digits and capital letters other than I, O, Z, S, V)",
                bad as char
            ));
        }
        let expected = check_character(&text[..17])
            .ok_or_else(|| format!("credit code `{text}` is malformed"))?;
        let actual = text[17..].chars().next().unwrap_or(' ');
        if expected != actual {
            return Err(format!(
                "credit code `{text}` fails the GB 32100 check: its last character should be `{expected}`, not `{actual}`; check the code for a typing error"
            ));
        }
        Ok(CreditCode(text.to_string()))
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CreditCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl schemars::JsonSchema for CreditCode {
    fn schema_name() -> Cow<'static, str> {
        "CreditCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Unified social credit code (GB 32100): 18 characters, last one a check character.",
            "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_follows_gb_32100() {
        // Weighted sum of 91350100M000100Y4: computed by hand below.
        // 9*1+1*3+3*9+5*27+0*19+1*26+0*16+0*17+M(21)*20+0*29+0*25+0*13+1*8+0*24+0*10+Y(30)*30+4*28
        // = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3.
        assert_eq!(check_character("91350100M000100Y4"), Some('3'));
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
    }

    #[test]
    fn wrong_check_character_says_which_is_expected() {
        let err = CreditCode::parse("91350100M000100Y44").expect_err("bad check");
        assert!(err.contains("should be `3`"), "{err}");
    }

    #[test]
    fn length_and_alphabet_are_checked() {
        assert!(CreditCode::parse("9135").expect_err("short").contains("18"));
        let err = CreditCode::parse("91350100M000100O43").expect_err("O not allowed");
        assert!(err.contains("`O`"), "{err}");
    }

    #[test]
    fn check_value_zero_maps_to_zero() {
        // Find a 17-character prefix whose sum is a multiple of 31: all zeros.
        assert_eq!(check_character("00000000000000000"), Some('0'));
    }
}
