//! The grammar of reference phrases, in Chinese and English.
//!
//! A recursive-descent parser over the characters of one run of plain text.
//! It knows nothing of any document: it says what a phrase names ("clause
//! B.2.2", "item b) of chapter 5", "clause 5.7 of GB/T 32914—2023"); the
//! resolver then looks those names up.
//!
//! ```text
//! phrase      = external | local-list [ "of" code ]
//! external    = code [ ["的"] clause-list ]
//! local-list  = numbered | target { separator target }
//! numbered    = "第" int range-op int "项" | "第" int { "、" int } "项"
//!             | ("item" | "items") int [ ("to" | "–") int ] { ("," | "and") int … }
//! target      = single [ range-op (single | letter) ]
//! single      = "第" int "章" [item] | "第" number ("条"|"节") [item]
//!             | "附录" letter | "表" number | "图" number | level
//!             | "Clause" number [item] | "Annex" letter | "Table" number
//!             | "Figure" number | number [item]
//! item        = ["第"] marker ["条"|"项"|"款"] | ["," ] "item" marker | marker
//! level       = ["第"] 一…五 "级" ["能力"|"保护"] "要求" | "Level" int ["capability"|"protection"] "requirements"
//! separator   = "、" | "和" | "及" | "与" | "以及" | "或" | "," | "and" | "or"
//! range-op    = "～" | "~" | "至" | "to" | "–" | "-"
//!               (between two clauses, two annexes (the second may be a bare
//!               letter: "附录B-M") or two numbered items: "第64～71项")
//! ```

use std::ops::Range;

/// What a piece of a phrase names, before lookup in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Name {
    /// A chapter ("5") or clause ("7.1.4", "B.2.2").
    Clause(String),
    Annex(String),
    Table(String),
    Figure(String),
    /// A list item of a clause or chapter: ("7.1.4", "a").
    Item {
        clause: String,
        marker: String,
    },
    /// A level's requirements, by ordinal as written (一级 → 1).
    Level(u32),
    /// A numbered item of a form ("第31项", "item 31").
    Numbered(String),
}

/// A piece of text that will become one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub range: Range<usize>,
    pub name: Name,
}

/// One target of a phrase: a single piece or a range of clauses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Single(Piece),
    Range { from: Piece, to: Piece },
}

/// A reference phrase found in text. Byte ranges are relative to the text
/// given to [`find_phrases`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phrase {
    /// Targets inside the same document.
    Local {
        range: Range<usize>,
        targets: Vec<Target>,
    },
    /// A standard code, optionally with clauses of that standard (which are
    /// not clauses of this document).
    External {
        range: Range<usize>,
        code: Range<usize>,
        clauses: Vec<Range<usize>>,
    },
}

impl Phrase {
    pub fn range(&self) -> Range<usize> {
        match self {
            Phrase::Local { range, .. } | Phrase::External { range, .. } => range.clone(),
        }
    }
}

/// Finds every reference phrase in one run of plain text.
pub fn find_phrases(text: &str) -> Vec<Phrase> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        if at_word_start(text, pos)
            && let Some((end, phrase)) = phrase(&mut Cursor::at(text, pos))
        {
            out.push(phrase);
            pos = end;
            continue;
        }
        pos += text[pos..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// A phrase may not start inside a word, number or code ("V1.2", "A.1.2").
fn at_word_start(text: &str, pos: usize) -> bool {
    match text[..pos].chars().next_back() {
        None => true,
        Some(c) => !(c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '∕' | '_')),
    }
}

#[derive(Clone)]
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn at(text: &'a str, pos: usize) -> Self {
        Cursor { text, pos }
    }
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn eat(&mut self, literal: &str) -> bool {
        if self.rest().starts_with(literal) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }
    fn eat_any(&mut self, literals: &[&str]) -> bool {
        literals.iter().any(|l| self.eat(l))
    }
    /// An English keyword, case-sensitive on its first letter as written in
    /// running text ("Clause", "clause"), not followed by a letter.
    fn eat_word(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let mut chars = word.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        let tail = chars.as_str();
        let mut rc = rest.chars();
        let matches_first = rc.next().is_some_and(|c| c.eq_ignore_ascii_case(&first));
        if matches_first
            && rc.as_str().starts_with(tail)
            && !rc.as_str()[tail.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
        {
            self.pos += first.len_utf8() + tail.len();
            true
        } else {
            false
        }
    }
    fn spaces(&mut self) -> usize {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        self.pos - start
    }
    fn digits(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then(|| &self.text[start..self.pos])
    }
    /// At "." followed by a digit: the next part of a number.
    fn at_dot_digit(&self) -> bool {
        let mut chars = self.rest().chars();
        chars.next() == Some('.') && chars.next().is_some_and(|c| c.is_ascii_digit())
    }
    fn upper(&mut self) -> Option<char> {
        let c = self.peek().filter(char::is_ascii_uppercase)?;
        self.pos += 1;
        Some(c)
    }
}

fn phrase(c: &mut Cursor) -> Option<(usize, Phrase)> {
    let start = c.pos;
    if let Some(phrase) = external(c) {
        return Some((c.pos, phrase));
    }
    *c = Cursor::at(c.text, start);
    let targets = local_list(c)?;
    let end = c.pos;
    // "Clause 5.7 of GB/T 32914—2023": clauses of another standard.
    let mut of = c.clone();
    if of.spaces() > 0 && of.eat_word("of") && of.spaces() > 0 {
        let code_start = of.pos;
        if standard_code(&mut of) {
            let clauses = targets
                .iter()
                .filter_map(|t| match t {
                    Target::Single(p) if matches!(p.name, Name::Clause(_)) => Some(p.range.clone()),
                    _ => None,
                })
                .collect();
            *c = of;
            return Some((
                c.pos,
                Phrase::External {
                    range: start..c.pos,
                    code: code_start..c.pos,
                    clauses,
                },
            ));
        }
    }
    *c = Cursor::at(c.text, end);
    Some((
        end,
        Phrase::Local {
            range: start..end,
            targets,
        },
    ))
}

/// `GB/T 32914—2023 第 5.7 条和第 6.7 条`, `GB/T 30271`, `T/CIIPA 00007`.
fn external(c: &mut Cursor) -> Option<Phrase> {
    let start = c.pos;
    if !standard_code(c) {
        return None;
    }
    let code = start..c.pos;
    let mut clauses = Vec::new();
    let mut tail = c.clone();
    tail.spaces();
    tail.eat("的");
    tail.spaces();
    loop {
        let before = tail.clone();
        let piece_start = tail.pos;
        let had_di = tail.eat("第");
        tail.spaces();
        let Some(number) = clause_number(&mut tail) else {
            tail = before;
            break;
        };
        let piece_end = tail.pos;
        tail.spaces();
        let had_tiao = tail.eat_any(&["条", "章"]);
        if !had_di && !had_tiao && clauses.is_empty() && number.split('.').count() < 2 {
            tail = before;
            break;
        }
        clauses.push(piece_start..piece_end);
        let after_piece = tail.clone();
        tail.spaces();
        if !separator(&mut tail) {
            tail = after_piece;
            break;
        }
        tail.spaces();
    }
    if !clauses.is_empty() {
        *c = tail;
    }
    Some(Phrase::External {
        range: start..c.pos,
        code,
        clauses,
    })
}

/// A standard's code: an issuer prefix, a number and an optional year.
fn standard_code(c: &mut Cursor) -> bool {
    let start = c.clone();
    let slash = |c: &mut Cursor| c.eat_any(&["/", "∕", "／"]);
    let issuer = {
        if c.eat("GB") {
            let mut s = c.clone();
            if slash(&mut s) && s.eat_any(&["T", "Z"]) {
                *c = s;
            }
            true
        } else if c.eat("ISO") {
            let mut s = c.clone();
            if slash(&mut s) && s.eat("IEC") {
                *c = s;
            }
            true
        } else if c.eat("IEC") {
            true
        } else {
            // Sector and group standards: "YD/T", "GA/T", "T/CIIPA".
            let mut s = c.clone();
            let letters = s
                .rest()
                .chars()
                .take_while(char::is_ascii_uppercase)
                .count();
            if (1..=6).contains(&letters) {
                s.pos += letters;
                if slash(&mut s) {
                    let more = s
                        .rest()
                        .chars()
                        .take_while(char::is_ascii_uppercase)
                        .count();
                    if (1..=8).contains(&more) {
                        s.pos += more;
                        *c = s;
                        true
                    } else {
                        false
                    }
                } else {
                    false
                }
            } else {
                false
            }
        }
    };
    if !issuer || c.peek().is_some_and(|ch| ch.is_ascii_alphabetic()) {
        *c = start;
        return false;
    }
    c.spaces();
    if c.digits().is_none() {
        *c = start;
        return false;
    }
    while c.at_dot_digit() {
        c.pos += 1;
        c.digits();
    }
    // Optional year: "—2023", "-2022", "–2020".
    let mut year = c.clone();
    year.spaces();
    if year.eat_any(&["—", "－", "–", "-"]) {
        year.spaces();
        if year.digits().is_some_and(|d| d.len() == 4) {
            *c = year;
        }
    }
    true
}

/// `7.1.4`, `B.2.2`: at least two components, none of them zero.
fn clause_number(c: &mut Cursor) -> Option<String> {
    let start = c.clone();
    let mut parts = Vec::new();
    if let Some(letter) = c.upper() {
        parts.push(letter.to_string());
    } else if let Some(d) = c.digits() {
        parts.push(d.to_string());
    } else {
        return None;
    }
    while c.at_dot_digit() {
        c.pos += 1;
        parts.push(c.digits().unwrap_or_default().to_string());
    }
    let valid = parts.len() >= 2
        && parts
            .iter()
            .skip(1)
            .all(|p| p.parse::<u32>().is_ok_and(|n| n > 0))
        && parts[0] != "0"
        && !c
            .peek()
            .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '%');
    if valid {
        Some(parts.join("."))
    } else {
        *c = start;
        None
    }
}

/// A number or a chapter number: `7`, `7.1.4`, `B.2`.
fn number_or_chapter(c: &mut Cursor) -> Option<String> {
    if let Some(n) = clause_number(c) {
        return Some(n);
    }
    let start = c.clone();
    let d = c.digits()?;
    if c.peek()
        .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '.')
    {
        *c = start;
        return None;
    }
    Some(d.to_string())
}

/// Table and figure numbers: `1`, `A.1`, `B.2.3`.
fn object_number(c: &mut Cursor) -> Option<String> {
    let start = c.clone();
    if let Some(letter) = c.upper() {
        if c.eat(".")
            && let Some(d) = c.digits()
        {
            let mut n = format!("{letter}.{d}");
            while c.at_dot_digit() {
                c.pos += 1;
                n.push('.');
                n.push_str(c.digits().unwrap_or_default());
            }
            return Some(n);
        }
        *c = start;
        return None;
    }
    let d = c.digits()?;
    if c.peek().is_some_and(|ch| ch.is_ascii_alphanumeric()) {
        *c = start;
        return None;
    }
    Some(d.to_string())
}

/// `第31项`, `第39、40项` (items of a numbered form); `item 31`, `items 39 and 40`.
fn numbered_items(c: &mut Cursor) -> Option<Vec<Target>> {
    let save = c.clone();
    let mut pieces = Vec::new();
    if c.eat("第") {
        // "第64～71项": one range of items.
        let mut range = c.clone();
        range.spaces();
        if let Some(from) = range.digits() {
            let from_end = range.pos;
            range.spaces();
            if range.eat_any(&["～", "~", "至", "–", "-"]) {
                range.spaces();
                let to_start = range.pos;
                if let Some(to) = range.digits() {
                    range.spaces();
                    if range.eat("项") {
                        *c = range;
                        return Some(vec![numbered_range(
                            save.pos..from_end,
                            from,
                            to_start..c.pos,
                            to,
                        )]);
                    }
                }
            }
        }
        loop {
            c.spaces();
            let start = c.pos;
            let Some(d) = c.digits() else { break };
            pieces.push(Piece {
                range: start..c.pos,
                name: Name::Numbered(d.to_string()),
            });
            c.spaces();
            if !c.eat("、") {
                break;
            }
        }
        c.spaces();
        if !pieces.is_empty() && c.eat("项") {
            if let Some(first) = pieces.first_mut() {
                first.range.start = save.pos;
            }
            if let Some(last) = pieces.last_mut() {
                last.range.end = c.pos;
            }
            return Some(pieces.into_iter().map(Target::Single).collect());
        }
    } else if c.eat_word("item") || c.eat_word("items") {
        let word_start = save.pos;
        let mut targets = Vec::new();
        let mut end = c.pos;
        loop {
            c.spaces();
            let start = c.pos;
            let Some(d) = plain_item_number(c) else {
                break;
            };
            let begin = if targets.is_empty() {
                word_start
            } else {
                start
            };
            // "items 64 to 71": one range of items.
            let mut range = c.clone();
            range.spaces();
            let to = if range.eat_word("to") || range.eat("–") {
                range.spaces();
                let to_start = range.pos;
                plain_item_number(&mut range).map(|to| (to_start, to))
            } else {
                None
            };
            match to {
                Some((to_start, to)) => {
                    let from_end = c.pos;
                    *c = range;
                    targets.push(numbered_range(begin..from_end, d, to_start..c.pos, to));
                }
                None => targets.push(Target::Single(Piece {
                    range: begin..c.pos,
                    name: Name::Numbered(d.to_string()),
                })),
            }
            end = c.pos;
            let mut sep = c.clone();
            sep.spaces();
            if sep.eat(",") || sep.eat_word("and") {
                sep.spaces();
                sep.eat_word("and");
                *c = sep;
            } else {
                break;
            }
        }
        if !targets.is_empty() {
            c.pos = end;
            return Some(targets);
        }
    }
    *c = save;
    None
}

/// An item number in English running text: digits not followed by a
/// letter, digit, ")" or a further ".N" part (which would make it a list
/// marker or a clause number).
fn plain_item_number<'a>(c: &mut Cursor<'a>) -> Option<&'a str> {
    let start = c.clone();
    let d = c.digits()?;
    if c.peek().is_some_and(|ch| {
        ch.is_ascii_alphanumeric()
            || ch == ')'
            || ch == '.' && c.rest()[1..].starts_with(|x: char| x.is_ascii_digit())
    }) {
        *c = start;
        return None;
    }
    Some(d)
}

/// "第64～71项", "items 64 to 71": the items from one number to another.
fn numbered_range(from: Range<usize>, from_n: &str, to: Range<usize>, to_n: &str) -> Target {
    Target::Range {
        from: Piece {
            range: from,
            name: Name::Numbered(from_n.to_string()),
        },
        to: Piece {
            range: to,
            name: Name::Numbered(to_n.to_string()),
        },
    }
}

fn local_list(c: &mut Cursor) -> Option<Vec<Target>> {
    if let Some(items) = numbered_items(c) {
        return Some(items);
    }
    let mut targets = vec![target(c)?];
    loop {
        let save = c.clone();
        c.spaces();
        if !separator(c) {
            *c = save;
            break;
        }
        c.spaces();
        let next = target(c).or_else(|| {
            // "Clauses 8 and 9": a bare chapter number continues a list of chapters.
            let previous_is_chapter = matches!(
                targets.last(),
                Some(Target::Single(Piece { name: Name::Clause(n), .. })) if !n.contains('.')
            );
            let start = c.pos;
            let n = number_or_chapter(c).filter(|_| previous_is_chapter)?;
            Some(Target::Single(Piece {
                range: start..c.pos,
                name: Name::Clause(n),
            }))
        });
        match next {
            Some(t) => targets.push(t),
            None => {
                *c = save;
                break;
            }
        }
    }
    Some(targets)
}

fn separator(c: &mut Cursor) -> bool {
    if c.eat_any(&["、", "以及", "和", "及", "与", "或"]) {
        return true;
    }
    let save = c.clone();
    if c.eat(",") {
        c.spaces();
        if c.eat_word("and") || c.eat_word("or") {
            return true;
        }
        return true;
    }
    *c = save;
    c.eat_word("and") || c.eat_word("or")
}

fn target(c: &mut Cursor) -> Option<Target> {
    let from = single(c)?;
    let save = c.clone();
    c.spaces();
    let is_op = c.eat_any(&["～", "~", "至", "–", "-"]) || (c.eat_word("to"));
    if is_op {
        c.spaces();
        let to = match from.name {
            // "附录B-M", "附录A～附录G", "Annex B to Annex M": the second
            // annex may be a bare letter.
            Name::Annex(_) => single(c)
                .filter(|p| matches!(p.name, Name::Annex(_)))
                .or_else(|| bare_annex(c)),
            Name::Clause(_) => single(c).filter(|p| matches!(p.name, Name::Clause(_))),
            _ => None,
        };
        if let Some(to) = to {
            return Some(Target::Range { from, to });
        }
    }
    *c = save;
    Some(Target::Single(from))
}

/// The letter that ends a range of annexes ("M" of "附录B-M").
fn bare_annex(c: &mut Cursor) -> Option<Piece> {
    let start = c.clone();
    let letter = c.upper()?;
    if c.peek()
        .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '.')
    {
        *c = start;
        return None;
    }
    Some(Piece {
        range: start.pos..c.pos,
        name: Name::Annex(letter.to_string()),
    })
}

fn single(c: &mut Cursor) -> Option<Piece> {
    let start = c.pos;
    let piece = |c: &Cursor, name| {
        Some(Piece {
            range: start..c.pos,
            name,
        })
    };
    let save = c.clone();

    // 第 5 章, 第 8.1 条, 第 二 级 … 要求
    if c.eat("第") {
        c.spaces();
        if let Some(n) = number_or_chapter(c) {
            c.spaces();
            let is_chapter = !n.contains('.') && c.eat("章");
            let is_clause = !is_chapter && c.eat_any(&["条", "节", "章"]);
            if is_chapter || is_clause {
                let clause_piece = Piece {
                    range: start..c.pos,
                    name: Name::Clause(n.clone()),
                };
                return Some(with_item(c, clause_piece, &n));
            }
        }
        *c = save.clone();
    }
    if let Some(level) = level(c) {
        return piece(c, Name::Level(level));
    }
    *c = save.clone();
    if c.eat("附录") || c.eat_word("Annex") {
        c.spaces();
        if let Some(letter) = c.upper() {
            if c.at_dot_digit() {
                // "附录 A.1" is clause A.1.
                *c = save.clone();
                c.eat("附录");
                c.eat_word("Annex");
                c.spaces();
                if let Some(n) = clause_number(c) {
                    return piece(c, Name::Clause(n));
                }
            } else if !c.peek().is_some_and(|ch| ch.is_ascii_alphanumeric()) {
                return piece(c, Name::Annex(letter.to_string()));
            }
        }
        *c = save.clone();
    }
    for (zh, en, table) in [("表", "Table", true), ("图", "Figure", false)] {
        if c.eat(zh) || c.eat_word(en) {
            c.spaces();
            if let Some(n) = object_number(c) {
                return piece(
                    c,
                    if table {
                        Name::Table(n)
                    } else {
                        Name::Figure(n)
                    },
                );
            }
            *c = save.clone();
        }
    }
    if c.eat_word("Clause") || c.eat_word("Clauses") || c.eat_word("Chapter") {
        c.spaces();
        if let Some(n) = number_or_chapter(c) {
            let p = Piece {
                range: start..c.pos,
                name: Name::Clause(n.clone()),
            };
            return Some(with_item(c, p, &n));
        }
        *c = save.clone();
    }
    if let Some(n) = clause_number(c) {
        if is_quantity(c, start) {
            *c = save;
            return None;
        }
        // "7.1.4 条" keeps the 条 inside the link.
        let mut t = c.clone();
        t.spaces();
        if t.eat("条") {
            *c = t;
        }
        let p = Piece {
            range: start..c.pos,
            name: Name::Clause(n.clone()),
        };
        return Some(with_item(c, p, &n));
    }
    *c = save;
    None
}

/// "1.5 倍", "RMB 2.5 million", "3.5%": a bare number that is a quantity.
fn is_quantity(c: &Cursor, start: usize) -> bool {
    let mut after = c.clone();
    after.spaces();
    let unit_after = after.eat_any(&["万", "亿", "元", "倍", "%", "％"])
        || after.eat_word("million")
        || after.eat_word("billion")
        || after.eat_word("times")
        || after.eat_word("percent");
    let before = c.text[..start].trim_end();
    let currency_before =
        before.ends_with("RMB") || before.ends_with('¥') || before.ends_with('￥');
    unit_after || currency_before
}

/// An optional list item after a clause: `7.1.4 a）`, `第 5 章第 b）条`, `Clause 5, item b)`.
fn with_item(c: &mut Cursor, clause: Piece, number: &str) -> Piece {
    let save = c.clone();
    c.spaces();
    let mut explicit = c.eat("第");
    if !explicit {
        let mut e = c.clone();
        e.eat(",");
        e.spaces();
        if e.eat_word("item") {
            e.spaces();
            *c = e;
            explicit = true;
        }
    }
    c.spaces();
    if let Some(marker) = item_marker(c, explicit) {
        let mut t = c.clone();
        t.spaces();
        if t.eat_any(&["条", "项", "款"]) {
            *c = t;
        }
        return Piece {
            range: clause.range.start..c.pos,
            name: Name::Item {
                clause: number.to_string(),
                marker,
            },
        };
    }
    *c = save;
    clause
}

/// `a）`, `b)`; digits (`1）`) only after 第 or "item", where they cannot be
/// the start of a new list.
fn item_marker(c: &mut Cursor, explicit: bool) -> Option<String> {
    let start = c.clone();
    let marker = if let Some(ch) = c.peek().filter(char::is_ascii_lowercase) {
        c.pos += 1;
        ch.to_string()
    } else if explicit {
        c.digits()?.to_string()
    } else {
        return None;
    };
    if c.eat_any(&["）", ")"]) {
        Some(marker)
    } else {
        *c = start;
        None
    }
}

/// `一级能力要求`, `第二级要求`, `第一级保护要求`, `Level 1 capability requirements`.
fn level(c: &mut Cursor) -> Option<u32> {
    let start = c.clone();
    c.eat("第");
    let ordinal = match c.peek() {
        Some('一') => 1,
        Some('二') => 2,
        Some('三') => 3,
        Some('四') => 4,
        Some('五') => 5,
        _ => 0,
    };
    if ordinal > 0 {
        c.pos += '一'.len_utf8();
        if c.eat("级") {
            c.eat_any(&["能力", "保护"]);
            if c.eat("要求") {
                return Some(ordinal);
            }
        }
    }
    *c = start.clone();
    if c.eat_word("Level") {
        c.spaces();
        if let Some(n) = c.digits().and_then(|d| d.parse::<u32>().ok()) {
            c.spaces();
            if c.eat_word("capability") || c.eat_word("protection") {
                c.spaces();
            }
            if c.eat_word("requirements") {
                return Some(n);
            }
        }
    }
    *c = start;
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        find_phrases(text)
            .iter()
            .flat_map(|p| match p {
                Phrase::Local { targets, .. } => targets
                    .iter()
                    .map(|t| match t {
                        Target::Single(p) => format!("{}={:?}", &text[p.range.clone()], p.name),
                        Target::Range { from, to } => {
                            format!("{}..{}", &text[from.range.clone()], &text[to.range.clone()])
                        }
                    })
                    .collect::<Vec<_>>(),
                Phrase::External { code, clauses, .. } => {
                    let mut v = vec![format!("ext {}", &text[code.clone()])];
                    v.extend(
                        clauses
                            .iter()
                            .map(|c| format!("ext-clause {}", &text[c.clone()])),
                    );
                    v
                }
            })
            .collect()
    }

    #[test]
    fn chinese_ranges_and_levels() {
        assert_eq!(
            names("除满足一级能力要求外，还应满足B.2.2～B.2.4的要求。"),
            ["一级能力要求=Level(1)", "B.2.2..B.2.4"]
        );
        assert_eq!(
            names("本级应在满足第一级保护要求的基础上，还要满足K.2.1～K.2.3的评价条件"),
            ["第一级保护要求=Level(1)", "K.2.1..K.2.3"]
        );
        assert_eq!(names("C.2.2~C.2.5"), ["C.2.2..C.2.5"]);
        assert_eq!(names("7.1至7.3"), ["7.1..7.3"]);
        // A sentence may end right after a number.
        assert_eq!(names("as specified in 7.1."), ["7.1=Clause(\"7.1\")"]);
    }

    #[test]
    fn chapters_clauses_annexes_tables_figures() {
        assert_eq!(
            names("应遵循第 6.1 条的基本原则，具备第 8 章、第 9 章规定的相关能力"),
            [
                "第 6.1 条=Clause(\"6.1\")",
                "第 8 章=Clause(\"8\")",
                "第 9 章=Clause(\"9\")"
            ]
        );
        assert_eq!(
            names("见附录 C，按附录A"),
            ["附录 C=Annex(\"C\")", "附录A=Annex(\"A\")"]
        );
        assert_eq!(
            names("见图 1和表 A.1"),
            ["图 1=Figure(\"1\")", "表 A.1=Table(\"A.1\")"]
        );
        assert_eq!(names("按照图A.1规定"), ["图A.1=Figure(\"A.1\")"]);
        assert_eq!(names("代表和表明"), Vec::<String>::new());
    }

    #[test]
    fn list_items() {
        assert_eq!(
            names("选择第 5 章第 b）条的安全咨询"),
            ["第 5 章第 b）条=Item { clause: \"5\", marker: \"b\" }"]
        );
        assert_eq!(
            names("与 7.2 c）一致"),
            ["7.2 c）=Item { clause: \"7.2\", marker: \"c\" }"]
        );
        assert_eq!(
            names("第 5 章 b）、9.1 和附录 B"),
            [
                "第 5 章 b）=Item { clause: \"5\", marker: \"b\" }",
                "9.1=Clause(\"9.1\")",
                "附录 B=Annex(\"B\")"
            ]
        );
        assert_eq!(
            names("see Clause 5, item b) and 7.1.4 a)"),
            [
                "Clause 5, item b)=Item { clause: \"5\", marker: \"b\" }",
                "7.1.4 a)=Item { clause: \"7.1.4\", marker: \"a\" }"
            ]
        );
    }

    #[test]
    fn other_standards_are_not_clauses_of_this_one() {
        assert_eq!(
            names("应满足 GB/T 32914—2023 第 5.10 条和第 6.7 条要求。"),
            [
                "ext GB/T 32914—2023",
                "ext-clause 第 5.10",
                "ext-clause 第 6.7"
            ]
        );
        assert_eq!(
            names("GB/T 32914—2023 的 5.7"),
            ["ext GB/T 32914—2023", "ext-clause 5.7"]
        );
        assert_eq!(names("依据 GB/T 1.1—2020《标准化"), ["ext GB/T 1.1—2020"]);
        assert_eq!(
            names("T∕CIIPA 00007 与 GB/T30279"),
            ["ext T∕CIIPA 00007", "ext GB/T30279"]
        );
        assert_eq!(
            names("shall meet Clause 5.7 of GB/T 32914—2023."),
            ["ext GB/T 32914—2023", "ext-clause Clause 5.7"]
        );
    }

    #[test]
    fn english_forms() {
        assert_eq!(
            names(
                "In addition to the Level 1 capability requirements, B.2.2 to B.2.4 shall be met."
            ),
            ["Level 1 capability requirements=Level(1)", "B.2.2..B.2.4"]
        );
        assert_eq!(
            names("see Annex C, Table 1 and Figure A.1; Clauses 8 and 9"),
            [
                "Annex C=Annex(\"C\")",
                "Table 1=Table(\"1\")",
                "Figure A.1=Figure(\"A.1\")",
                "Clauses 8=Clause(\"8\")",
                "9=Clause(\"9\")"
            ]
        );
    }

    #[test]
    fn numbered_form_items() {
        assert_eq!(
            names("如第31项与第32项、第36项与第39、40项"),
            [
                "第31项=Numbered(\"31\")",
                "第32项=Numbered(\"32\")",
                "第36项=Numbered(\"36\")",
                "第39=Numbered(\"39\")",
                "40项=Numbered(\"40\")"
            ]
        );
        assert_eq!(
            names("items 39 and 40"),
            ["items 39=Numbered(\"39\")", "40=Numbered(\"40\")"]
        );
    }

    #[test]
    fn ranges_of_annexes_and_items() {
        // Issue 18: "规范性附录B-M" is annexes B to M, not annex B alone.
        assert_eq!(names("具体要求见规范性附录B-M。"), ["附录B..M"]);
        assert_eq!(names("附录A～附录G（各类服务）"), ["附录A..附录G"]);
        assert_eq!(
            names("see normative Annex B to Annex M for"),
            ["Annex B..Annex M"]
        );
        assert_eq!(names("B.2.2-B.2.4"), ["B.2.2..B.2.4"]);
        // "第64～71项" is items 64 to 71 of the form.
        assert_eq!(names("第64～71项的要点"), ["第64..71项"]);
        assert_eq!(names("For items 64 to 71 the source"), ["items 64..71"]);
        assert_eq!(
            names("items 39 and 40 and more"),
            ["items 39=Numbered(\"39\")", "40=Numbered(\"40\")"]
        );
        // A hyphen is not a range where the second end is not of the same kind.
        assert_eq!(names("附录B-1"), ["附录B=Annex(\"B\")"]);
        assert_eq!(names("附录B-Mx"), ["附录B=Annex(\"B\")"]);
        assert_eq!(names("7.1-2"), ["7.1=Clause(\"7.1\")"]);
    }

    #[test]
    fn numbers_that_are_not_clauses() {
        assert_eq!(
            names("不少于 2.5 万元，或 RMB 1.5 million"),
            Vec::<String>::new()
        );
        assert_eq!(names("比例达到 99.5% 以上"), Vec::<String>::new());
        assert_eq!(names("版本 V1.2 和 2.0"), Vec::<String>::new());
        assert_eq!(names("权重 0.1"), Vec::<String>::new());
        assert_eq!(names("IPv4.1"), Vec::<String>::new());
    }
}
