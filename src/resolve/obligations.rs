//! Obligation words (GB/T 1.1—2020 Annex C; ISO/IEC Directives Part 2,
//! clause 7): 应 / 不应 / 宜 / 不宜 / 可 / 能 and shall / should / may / can.
//!
//! Chinese has no word boundaries and these characters also occur inside
//! ordinary words (应急 "emergency", 能力 "capability", 认可
//! "accreditation"), so each word comes with the compounds it is not part of.
//! Two cases need more than a list, since the same characters are a word in
//! one sentence and two in another; they are decided by the words around
//! them ([`is_verb_yingdui`], [`is_ability_suffix`]):
//!
//! * 应对 is the verb "cope with, respond to" (为应对…, 及时应对, 应对措施,
//!   提高服务对象应对各类突发事件的能力) but far more often 应 "shall" with
//!   the preposition 对 (应对X进行评估 "X shall be assessed").
//! * 可 + one or two characters + 性 is an "-ability" noun (可获取性
//!   "obtainability", 可实现性), not 可 "may".
//!
//! A dictionary segmenter (jieba and its kin) does not settle the first: its
//! dictionary has 应对 as one frequent word, so it joins the 应 of 应对X进行评估
//! to its 对 as readily as that of 应对措施; telling them apart needs the
//! rules below either way.

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
            // csi-grading prints 可视化管理 without its 视 (an editorial
            // note records it); 可化 alone may be 可 + 化解.
            "可化管理",
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

/// Is the word at `pos` part of one of its compounds, or of a longer word?
fn inside_compound(text: &str, pos: usize, word: &Word) -> bool {
    match word.text {
        "应" if is_verb_yingdui(text, pos) => return true,
        "可" if is_ability_suffix(text, pos) => return true,
        _ => {}
    }
    word.not_in.iter().any(|compound| {
        let Some(offset) = compound.find(word.text) else {
            return false;
        };
        pos >= offset
            && text.is_char_boundary(pos - offset)
            && text[pos - offset..].starts_with(compound)
    })
}

/// Punctuation that ends the stretch of a sentence the rules below read.
fn is_clause_end(c: char) -> bool {
    "，。；：！？、,;:!?\n".contains(c)
}

/// Words just before 应对 that make it the verb "cope with": 为应对 "in order
/// to cope with", 及时应对 "respond promptly", 具有应对…能力 "be able to
/// respond to", 对…的应对 "the response to", 做好应对措施.
const BEFORE_VERB_YINGDUI: &[&str] = &[
    "为", "及时", "有效", "积极", "快速", "迅速", "妥善", "具有", "具备", "的", "做好",
];

/// Words ending in 为 that are not "in order to": 认为应对X进行… "it is held
/// that X shall be …".
const NOT_WEI: &[&str] = &["认为", "以为", "因为", "行为"];

/// Verbs that ask someone else to cope, earlier in the same clause:
/// 协助服务需求方应对…威胁 "help the acquirer respond to … threats".
const HELPING_VERBS: &[&str] = &["协助", "帮助"];

/// Nouns that make 应对 + noun one word: 应对措施 "response measures".
const YINGDUI_NOUNS: &[&str] = &["措施", "策略", "预案", "机制", "手段"];

/// Verbs that 应 + 对 leads up to (应对X进行评估, 应对X实施管控): with one of
/// them later in the clause, 对 is the preposition and 应 is "shall".
const AFTER_PREPOSITION_DUI: &[&str] = &[
    "进行", "开展", "实施", "加以", "予以", "给予", "作出", "做出",
];

/// Is the 应 at `pos` the first character of the verb 应对 rather than 应
/// "shall" followed by 对?
fn is_verb_yingdui(text: &str, pos: usize) -> bool {
    let Some(rest) = text[pos..].strip_prefix("应对") else {
        return false;
    };
    let clause_start = text[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| is_clause_end(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let before = &text[clause_start..pos];
    let clause_rest = rest
        .char_indices()
        .find(|(_, c)| is_clause_end(*c))
        .map_or(rest, |(i, _)| &rest[..i]);
    if AFTER_PREPOSITION_DUI
        .iter()
        .any(|v| clause_rest.contains(v))
    {
        return false;
    }
    let verb_before = BEFORE_VERB_YINGDUI.iter().any(|w| {
        before.ends_with(w) && !(*w == "为" && NOT_WEI.iter().any(|n| before.ends_with(n)))
    });
    verb_before
        || HELPING_VERBS.iter().any(|v| before.contains(v))
        || YINGDUI_NOUNS.iter().any(|n| rest.starts_with(n))
        // 提高服务对象应对各类突发事件的能力: 应对… qualifies 能力.
        || clause_rest.ends_with("的能力")
}

/// Is the 可 at `pos` the start of an "-ability" noun: 可 + one or two
/// characters + 性 (可获取性, 可实现性), not 性 starting a word of its own
/// (可提升性能 "may improve performance")?
fn is_ability_suffix(text: &str, pos: usize) -> bool {
    let mut after = text[pos..].chars().skip(1);
    for between in 0..=2 {
        match after.next() {
            Some('性') if between > 0 => {
                return !matches!(after.next(), Some('能' | '质' | '价' | '别' | '格'));
            }
            Some(c) if between < 2 && is_cjk(c) => {}
            _ => return false,
        }
    }
    false
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
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

    // Sentences of the bundled standards in which 应对 is the verb "cope
    // with, respond to": its 应 is no obligation.
    #[test]
    fn yingdui_the_verb_is_no_obligation() {
        for (text, marked) in [
            // ccrc-isv-c01 3.x (应急响应), cii-service-capability 5.1 a).
            (
                "为应对信息系统运行过程中突发/重大信息安全事件的发生所做的准备，",
                &[][..],
            ),
            (
                "即在协助服务需求方应对关键信息基础设施安全威胁和风险时，",
                &[],
            ),
            // cii-service-capability: the noun 应对措施, and 的应对.
            (
                "c） 应针对项目实施过程中存在的风险做好应对措施，避免项目进度受到影响。",
                &["应:shall"],
            ),
            (
                "查找事件原因，提出应对措施防止关键业务和信息系统遭受破坏",
                &[],
            ),
            ("进而支持对复杂网络安全威胁的应对；", &[]),
            // csi-grading 3.x, C.4.5.2 a), I.3.x, and 及时应对 after 应.
            ("从而提高服务对象应对各类突发事件的能力。", &[]),
            (
                "a) 应制定系统试运行计划，建立应急响应服务保障团队和应急响应计划，及时应对突发事件；",
                &["应:shall"],
            ),
            (
                "a) 应建立完善的检测技术规范，并具有应对高技术入侵的检测能力；",
                &["应:shall"],
            ),
            (
                "b) 应及时应对突发安全事件，并向用户提供安全事件解决报告。",
                &["应:shall"],
            ),
        ] {
            assert_eq!(words(text, "zh"), marked, "{text}");
        }
    }

    // Sentences of the bundled standards in which 应对 is 应 "shall" + 对:
    // marked as before.
    #[test]
    fn ying_dui_shall_with_a_preposition_stays_an_obligation() {
        for text in [
            "d) 应对系统试运行中存在的问题及时整改，由第三方机构进行回归测试合格后，进行项目最终验收。",
            "应对信息网络系统相关的IT资产进行识别，约定安全运维服务方式、检查频次和检查内容等。",
            "a) 风险评估报告中应对本次评估建立的风险分析模型进行说明，",
            "a) 应对渗透测试发现的漏洞，有专人负责漏洞的复核；",
            "c) 应对产品、设备采购、安装",
            // A verb that 对 leads up to outweighs the noun after it.
            "应对措施的有效性进行评估",
        ] {
            assert_eq!(words(text, "zh")[0], "应:shall", "{text}");
        }
        assert_eq!(
            words(
                "d） 使用的服务工具不应对服务需求方的业务稳定性、网络性能、系统的安全性带来影响。",
                "zh"
            ),
            ["不应:shall-not"]
        );
    }

    // cii-service-capability 7.x a): -ability nouns; 可 elsewhere is "may".
    #[test]
    fn ke_inside_ability_nouns_is_no_permission() {
        assert_eq!(
            words(
                "a） 根据参评机构的类型以及评价指标的可获取性、方法可实现性，结合评价目的和需求、评价周期等因素选择适用的评价方法；",
                "zh"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            words("e） 评价形式可采用自评估或第三方评估的形式；", "zh"),
            ["可:may"]
        );
        // 性 starting a word of its own: 可提升性能 "may improve performance".
        assert_eq!(words("可提升性能", "zh"), ["可:may"]);
        // csi-grading's misprinted 可视化 keeps its 可 unmarked too.
        assert_eq!(
            words("提供数据资产可化管理的服务", "zh"),
            Vec::<String>::new()
        );
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
