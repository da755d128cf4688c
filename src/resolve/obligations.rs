//! Obligation words (GB/T 1.1—2020 Annex C; ISO/IEC Directives Part 2,
//! clause 7): 应 / 不应 / 宜 / 不宜 / 可 / 能 and shall / should / may / can.
//!
//! Chinese has no word boundaries and these characters also occur inside
//! ordinary words (应急 "emergency", 能力 "capability", 认可
//! "accreditation"), so each word comes with the compounds it is not part of.

use std::ops::Range;

use crate::model::Force;

struct Word {
    text: &'static str,
    force: Force,
    /// Compounds in which the word is not an obligation, written with the
    /// word in them; matched around the occurrence.
    not_in: &'static [&'static str],
}

const ZH: &[Word] = &[
    Word {
        text: "不应",
        force: Force::ShallNot,
        not_in: &[],
    },
    Word {
        text: "不得",
        force: Force::ShallNot,
        not_in: &["不得不"],
    },
    Word {
        text: "不宜",
        force: Force::ShouldNot,
        not_in: &[],
    },
    Word {
        text: "应当",
        force: Force::Shall,
        not_in: &["相应当"],
    },
    Word {
        text: "应",
        force: Force::Shall,
        not_in: &[
            "应急", "应用", "应变", "应答", "应聘", "应届", "应收", "应付", "应战", "应运", "响应",
            "相应", "对应", "供应", "适应", "反应", "效应", "回应", "呼应", "感应", "答应", "顺应",
            "理应", "照应", "报应",
        ],
    },
    Word {
        text: "必须",
        force: Force::Shall,
        not_in: &[],
    },
    Word {
        text: "宜",
        force: Force::Should,
        not_in: &["事宜", "便宜", "适宜", "相宜"],
    },
    Word {
        text: "可以",
        force: Force::May,
        not_in: &[],
    },
    Word {
        text: "可",
        force: Force::May,
        not_in: &[
            "认可",
            "许可",
            "不可",
            "宁可",
            "无可",
            "可靠",
            "可用",
            "可控",
            "可信",
            "可能",
            "可行",
            "可视",
            "可追溯",
            "可管",
            "可扩展",
            "可审计",
            "可恢复",
            "可维护",
            "可持续",
            "可读",
            "可疑",
            "可观",
            "可比",
            "可移",
            "可变",
            "可量化",
            "可测",
            "可执行",
            "可操作",
            "可验证",
            "可复现",
            "可重复",
            "可证",
            "可知",
            "可防",
            "可查",
            "可核",
            "可度量",
            "可衡量",
            "可评",
            "可用性",
            "可选",
            "可接受",
            "可承受",
            "可被",
        ],
    },
    Word {
        text: "能够",
        force: Force::Can,
        not_in: &[],
    },
    Word {
        text: "不能",
        force: Force::Can,
        not_in: &[],
    },
];

const EN: &[(&str, Force)] = &[
    ("shall not", Force::ShallNot),
    ("should not", Force::ShouldNot),
    ("shall", Force::Shall),
    ("should", Force::Should),
    ("may not", Force::ShallNot),
    ("may", Force::May),
    ("cannot", Force::Can),
    ("can", Force::Can),
];

/// Obligation words in one run of plain text, as byte ranges with their force.
pub fn find(text: &str, lang: &str) -> Vec<(Range<usize>, Force)> {
    if lang == "zh" {
        find_zh(text)
    } else {
        find_en(text)
    }
}

fn find_zh(text: &str) -> Vec<(Range<usize>, Force)> {
    let mut out = Vec::new();
    let mut pos = 0;
    'scan: while pos < text.len() {
        for word in ZH {
            if text[pos..].starts_with(word.text) && !inside_compound(text, pos, word) {
                out.push((pos..pos + word.text.len(), word.force));
                pos += word.text.len();
                continue 'scan;
            }
        }
        pos += text[pos..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Is the word at `pos` part of one of its compounds?
fn inside_compound(text: &str, pos: usize, word: &Word) -> bool {
    word.not_in.iter().any(|compound| {
        let Some(offset) = compound.find(word.text) else {
            return false;
        };
        pos >= offset
            && text.is_char_boundary(pos - offset)
            && text[pos - offset..].starts_with(compound)
    })
}

fn find_en(text: &str) -> Vec<(Range<usize>, Force)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut pos = 0;
    'scan: while pos < text.len() {
        let at_start = lower[..pos]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if at_start {
            for &(word, force) in EN {
                let end = pos + word.len();
                if lower[pos..].starts_with(word)
                    && lower[end..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_ascii_alphanumeric())
                {
                    out.push((pos..end, force));
                    pos = end;
                    continue 'scan;
                }
            }
        }
        pos += text[pos..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, lang: &str) -> Vec<String> {
        find(text, lang)
            .into_iter()
            .map(|(r, f)| format!("{}:{}", &text[r], f.class()))
            .collect()
    }

    #[test]
    fn chinese_words_outside_compounds() {
        assert_eq!(
            words(
                "服务机构应建立应急响应机制，宜配备相应的人员，可通过认可的机构，不应泄露。",
                "zh"
            ),
            ["应:shall", "宜:should", "可:may", "不应:shall-not"]
        );
        assert_eq!(
            words("具备能力，应能够提供可靠的服务", "zh"),
            ["应:shall", "能够:can"]
        );
        assert_eq!(words("相关事宜", "zh"), Vec::<String>::new());
    }

    #[test]
    fn english_words_on_word_boundaries() {
        assert_eq!(
            words(
                "The provider shall not disclose data; it should keep records and may use tools. Cannot.",
                "en"
            ),
            [
                "shall not:shall-not",
                "should:should",
                "may:may",
                "Cannot:can"
            ]
        );
        assert_eq!(
            words("Candidates mayor shallow", "en"),
            Vec::<String>::new()
        );
    }
}
