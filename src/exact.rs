//! Exact numbers for money, ratios, weights and scores.
//!
//! Every threshold comparison in grading is made on rationals, never on
//! floats: a score of exactly 65 must pass, and 0.1 + 0.2 must equal 0.3.
//! YAML numbers are read from their written decimal form.

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact rational number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Num(pub BigRational);

impl Num {
    pub fn integer(n: i64) -> Self {
        Num(BigRational::from_integer(BigInt::from(n)))
    }

    pub fn ratio(numerator: i64, denominator: i64) -> Option<Self> {
        if denominator == 0 {
            None
        } else {
            Some(Num(BigRational::new(
                BigInt::from(numerator),
                BigInt::from(denominator),
            )))
        }
    }

    pub fn zero() -> Self {
        Num(BigRational::zero())
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub fn add(&self, other: &Num) -> Num {
        Num(&self.0 + &other.0)
    }

    pub fn mul(&self, other: &Num) -> Num {
        Num(&self.0 * &other.0)
    }

    /// `self / other`, or `None` when `other` is zero.
    pub fn div(&self, other: &Num) -> Option<Num> {
        if other.is_zero() {
            None
        } else {
            Some(Num(&self.0 / &other.0))
        }
    }

    /// This number as a percentage (×100).
    pub fn percent(&self) -> Num {
        self.mul(&Num::integer(100))
    }

    /// Decimal text, exact when the decimal expansion ends within six
    /// places, otherwise rounded half away from zero to two places and
    /// prefixed with "≈" so a reader knows it is rounded.
    pub fn to_decimal(&self) -> String {
        for places in 0..=6u32 {
            let scale = BigInt::from(10u32).pow(places);
            let scaled = &self.0 * BigRational::from_integer(scale.clone());
            if scaled.is_integer() {
                return format_scaled(&scaled.to_integer(), places);
            }
        }
        let scale = BigInt::from(100);
        let scaled = &self.0 * BigRational::from_integer(scale);
        let rounded = scaled.round().to_integer();
        format!("≈{}", format_scaled(&rounded, 2))
    }
}

fn format_scaled(value: &BigInt, places: u32) -> String {
    let negative = value.is_negative();
    let digits = value.abs().to_string();
    let places = places as usize;
    let text = if places == 0 {
        digits
    } else {
        let padded = format!("{digits:0>width$}", width = places + 1);
        let (whole, frac) = padded.split_at(padded.len() - places);
        format!("{whole}.{frac}")
    };
    if negative { format!("-{text}") } else { text }
}

/// Why text is not a number.
#[derive(Debug, PartialEq, Eq)]
pub struct NumError(pub String);

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Num {
    type Err = NumError;

    /// Reads `12`, `-3`, `12.5` and `70%` (= 0.7) exactly.
    fn from_str(text: &str) -> Result<Self, NumError> {
        let trimmed = text.trim();
        let (body, percent) = match trimmed.strip_suffix('%') {
            Some(b) => (b.trim_end(), true),
            None => (trimmed, false),
        };
        let bad = || {
            NumError(format!(
                "`{text}` is not a number (write e.g. 12, 12.5 or 70%)"
            ))
        };
        let (negative, unsigned) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let (whole, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let digits: BigInt = format!("{whole}{frac}").parse().map_err(|_| bad())?;
        let scale = BigInt::from(10u32).pow(frac.len() as u32);
        let mut value = BigRational::new(digits, scale);
        if negative {
            value = -value;
        }
        if percent {
            value /= BigRational::from_integer(BigInt::from(100));
        }
        Ok(Num(value))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.to_decimal())
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NumVisitor;
        impl serde::de::Visitor<'_> for NumVisitor {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, e.g. 12, 12.5 or \"70%\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::integer(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(BigRational::from_integer(BigInt::from(v))))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Num, E> {
                // YAML gives 12.5 as a float; its shortest round-trip text is
                // what the author wrote (for up to 15 significant digits).
                if !v.is_finite() {
                    return Err(E::custom("not a finite number"));
                }
                format!("{v}").parse().map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Num, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(NumVisitor)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_decimal())
    }
}

impl schemars::JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact number: an integer, a decimal, or a string such as \"12.5\" or \"70%\".",
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?%?$"}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Num {
        text.parse().expect("valid number")
    }

    #[test]
    fn decimals_and_percentages_are_exact() {
        assert_eq!(n("0.1").add(&n("0.2")), n("0.3"));
        assert_eq!(n("70%"), n("0.7"));
        assert_eq!(n("12.50"), n("12.5"));
        assert_eq!(n("-3"), Num::integer(-3));
        assert!(n("64.99999999") < n("65"));
        assert!("abc".parse::<Num>().is_err());
        assert!("1.2.3".parse::<Num>().is_err());
        assert!(".".parse::<Num>().is_err());
    }

    #[test]
    fn yaml_floats_keep_their_written_value() {
        let v: Num = crate::yaml::from_file_text("12.3", std::path::Path::new("x")).expect("n");
        assert_eq!(v, n("12.3"));
        let v: Num = crate::yaml::from_file_text("\"10%\"", std::path::Path::new("x")).expect("n");
        assert_eq!(v, n("0.1"));
    }

    #[test]
    fn decimal_text_is_exact_or_marked_rounded() {
        assert_eq!(n("65").to_decimal(), "65");
        assert_eq!(n("12.5").to_decimal(), "12.5");
        assert_eq!(n("-0.05").to_decimal(), "-0.05");
        let third = Num::ratio(200, 3).expect("nonzero");
        assert_eq!(third.to_decimal(), "≈66.67");
    }
}
