//! The native codebook format: hand-editable TOML with a `[codebook]`
//! table of options and one `[[codes]]` table per code. Every rule keeps
//! the line and column of its string; unknown keys are errors. A code's
//! `shared = […]` names rules it shares with another code on purpose; its
//! `roles = […]` limits its rules to segments spoken by those roles. A
//! code read from a REFI-QDA file keeps its `guid` and, for a category,
//! `codable = false`.

use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use super::common::{self, normal_colour, sort_rules, suggest, valid_guid, valid_lang};
use crate::codebook::diagnostics::LineIndex;
use crate::codebook::model::{
    Code, Codebook, Diagnostic, Origin, Pattern, Rule, Semantics, SharedRule,
};
use crate::corpus::Role;

const TOP_KEYS: [&str; 2] = ["codebook", "codes"];
const OPTION_KEYS: [&str; 5] = [
    "name",
    "lang",
    "fold_accents",
    "negation_window",
    "semantics",
];
const CODE_KEYS: [&str; 17] = [
    "id",
    "label",
    "parent",
    "definition",
    "colour",
    "color",
    "memo",
    "terms",
    "exclude",
    "regex",
    "terms_<lang>",
    "exclude_<lang>",
    "regex_<lang>",
    "shared",
    "roles",
    "codable",
    "guid",
];
/// The words `roles = […]` takes: [`Role::as_str`] of [`Role::ALL`].
const ROLE_WORDS: [&str; 3] = ["participant", "interviewer", "facilitator"];

/// Reads a TOML codebook. `None` when the file is not TOML at all;
/// otherwise the codebook without what could not be read, and the
/// diagnostics (errors included).
pub fn read(text: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let doc = match toml_edit::Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let origin = e
                .span()
                .map_or(Origin::default(), |s| index.origin(s.start));
            let msg = e.message().trim().replace('\n', "; ");
            return (
                None,
                vec![Diagnostic::error(origin, format!("invalid TOML: {msg}"))],
            );
        }
    };
    let mut r = Reader {
        text,
        index: &index,
        diags: Vec::new(),
    };
    let mut cb = Codebook::default();
    let root = doc.as_table();
    for (key, item) in root.iter() {
        match key {
            "codebook" => match item.as_table_like() {
                Some(t) => r.options(t, &mut cb),
                None => r.error(item.span(), "`codebook` must be a table: [codebook]"),
            },
            "codes" => r.codes(item, &mut cb),
            _ => r.unknown_key(root, key, "at the top level", &TOP_KEYS),
        }
    }
    (Some(cb), r.diags)
}

struct Reader<'a> {
    text: &'a str,
    index: &'a LineIndex<'a>,
    diags: Vec<Diagnostic>,
}

/// What a `terms…`/`exclude…`/`regex…` key holds.
#[derive(Clone, Copy, PartialEq)]
enum RuleKey {
    Terms,
    Exclude,
    Regex,
}

impl Reader<'_> {
    fn origin(&self, span: Option<Range<usize>>) -> Origin {
        span.map_or(Origin::default(), |s| self.index.origin(s.start))
    }

    fn error(&mut self, span: Option<Range<usize>>, msg: impl Into<String>) {
        let o = self.origin(span);
        self.diags.push(Diagnostic::error(o, msg));
    }

    fn unknown_key(&mut self, table: &dyn TableLike, key: &str, place: &str, known: &[&str]) {
        let span = table.key(key).and_then(|k| k.span());
        let hint = match suggest(key, known) {
            Some(k) => format!("did you mean `{k}`? "),
            None => String::new(),
        };
        self.error(
            span,
            format!(
                "unknown key `{key}` {place}; {hint}expected one of: {}",
                known.join(", ")
            ),
        );
    }

    fn string(&mut self, item: &Item, what: &str) -> Option<(String, Origin)> {
        match item.as_value().and_then(Value::as_str) {
            Some(s) => Some((s.to_owned(), self.origin(item.span()))),
            None => {
                self.error(item.span(), format!("`{what}` must be a string"));
                None
            }
        }
    }

    /// A free text (definition, memo): trimmed, `None` when empty.
    fn text(&mut self, item: &Item, what: &str) -> Option<String> {
        let (s, _) = self.string(item, what)?;
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_owned())
    }

    fn options(&mut self, t: &dyn TableLike, cb: &mut Codebook) {
        for (key, item) in t.iter() {
            match key {
                "name" => {
                    if let Some((s, _)) = self.string(item, key) {
                        cb.name = s;
                    }
                }
                "lang" => {
                    if let Some((s, _)) = self.string(item, key) {
                        if valid_lang(&s) {
                            cb.options.lang = s;
                        } else {
                            self.error(item.span(), format!("`lang = \"{s}\"`: expected a lower-case ISO 639-1 code like \"fr\" or \"en\""));
                        }
                    }
                }
                "fold_accents" => match item.as_value().and_then(Value::as_bool) {
                    Some(b) => cb.options.fold_accents = b,
                    None => self.error(item.span(), "`fold_accents` must be true or false"),
                },
                "negation_window" => {
                    match item
                        .as_value()
                        .and_then(Value::as_integer)
                        .and_then(|n| u32::try_from(n).ok())
                    {
                        Some(n) => cb.options.negation_window = n,
                        None => self.error(
                            item.span(),
                            "`negation_window` must be a whole number of tokens, like 3",
                        ),
                    }
                }
                "semantics" => match item.as_value().and_then(Value::as_str) {
                    Some("codes") => cb.options.semantics = Semantics::Codes,
                    Some("dictionary") => cb.options.semantics = Semantics::Dictionary,
                    _ => self.error(
                        item.span(),
                        "`semantics` must be \"codes\" or \"dictionary\"",
                    ),
                },
                _ => self.unknown_key(t, key, "in [codebook]", &OPTION_KEYS),
            }
        }
    }

    fn codes(&mut self, item: &Item, cb: &mut Codebook) {
        if let Some(aot) = item.as_array_of_tables() {
            for t in aot.iter() {
                if let Some(c) = self.code(t, t.span()) {
                    cb.codes.push(c);
                }
            }
        } else if let Some(arr) = item.as_value().and_then(Value::as_array) {
            for v in arr.iter() {
                match v.as_inline_table() {
                    Some(t) => {
                        if let Some(c) = self.code(t, v.span()) {
                            cb.codes.push(c);
                        }
                    }
                    None => self.error(v.span(), "each code must be a table: { id = \"…\", … }"),
                }
            }
        } else {
            self.error(
                item.span(),
                "`codes` must be an array of tables: write each code as [[codes]]",
            );
        }
    }

    fn code(&mut self, t: &dyn TableLike, span: Option<Range<usize>>) -> Option<Code> {
        let mut code = Code::default();
        let mut id = None;
        let mut label = None;
        let mut colour_key: Option<&str> = None;
        for (key, item) in t.iter() {
            match key {
                "id" => {
                    if let Some((s, o)) = self.string(item, key) {
                        if s.trim().is_empty() {
                            self.error(
                                item.span(),
                                "`id` is empty; expected an id like \"cost.rent\"",
                            );
                        }
                        code.origin = o;
                        id = Some(s);
                    }
                }
                "label" => label = self.string(item, key).map(|(s, _)| s.trim().to_owned()),
                "parent" => {
                    if let Some((s, o)) = self.string(item, key) {
                        if s.trim().is_empty() {
                            self.error(
                                item.span(),
                                "`parent` is empty; remove it for a top-level code",
                            );
                        } else {
                            code.parent = Some(s);
                            code.parent_origin = o;
                        }
                    }
                }
                "definition" => code.definition = self.text(item, key),
                "memo" => code.memo = self.text(item, key),
                "shared" => self.shared(item, &mut code.shared),
                "roles" => self.roles(item, &mut code.roles),
                "codable" => match item.as_value().and_then(Value::as_bool) {
                    Some(b) => code.codable = b,
                    None => self.error(item.span(), "`codable` must be true or false"),
                },
                "guid" => {
                    if let Some((s, _)) = self.string(item, key) {
                        if valid_guid(s.trim()) {
                            code.guid = Some(s.trim().to_owned());
                        } else {
                            self.error(
                                item.span(),
                                format!("`guid = \"{s}\"`: expected a GUID like \"5215cc69-b628-4e02-afb9-9beeaee55808\""),
                            );
                        }
                    }
                }
                "colour" | "color" => {
                    if let Some(prev) = colour_key {
                        let span = t.key(key).and_then(|k| k.span());
                        self.error(
                            span,
                            format!("`{key}` repeats `{prev}`; give the colour once"),
                        );
                        continue;
                    }
                    colour_key = Some(key);
                    if let Some((s, _)) = self.string(item, key) {
                        if let Some(c) = normal_colour(&s) {
                            code.colour = Some(c);
                        } else {
                            self.error(
                                item.span(),
                                format!("colour \"{s}\": expected #RRGGBB, like \"#d62728\""),
                            );
                        }
                    }
                }
                _ => match rule_key(key) {
                    Some((kind, lang)) => {
                        if let Some(l) = lang
                            && !valid_lang(l)
                        {
                            let span = t.key(key).and_then(|k| k.span());
                            self.error(span, format!("`{key}`: the language after `_` must be a lower-case ISO 639-1 code, like terms_en"));
                            continue;
                        }
                        self.rules(item, kind, lang, &mut code.rules);
                    }
                    None => self.unknown_key(t, key, "in [[codes]]", &CODE_KEYS),
                },
            }
        }
        let Some(id) = id else {
            let origin = match span {
                Some(s) => self.index.origin(s.start),
                None => Origin::default(),
            };
            self.diags.push(Diagnostic::error(
                origin,
                "this code has no `id`; every [[codes]] needs id = \"…\"",
            ));
            return None;
        };
        if code.parent.is_none() {
            code.parent_origin = code.origin;
        }
        code.label = label
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| id.clone());
        code.id = id;
        sort_rules(&mut code.rules);
        Some(code)
    }

    /// `shared = ["loyer", …]`: rules as written in the code's rules.
    fn shared(&mut self, item: &Item, out: &mut Vec<SharedRule>) {
        let values: Vec<&Value> = match item.as_value() {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v @ Value::String(_)) => vec![v],
            _ => {
                self.error(
                    item.span(),
                    "`shared` must be a list of this code's rules, as written: [\"loyer\", \"tarif*\"]",
                );
                return;
            }
        };
        for v in values {
            match v.as_str() {
                Some(s) => out.push(SharedRule {
                    text: s.to_owned(),
                    origin: self.origin(v.span()),
                }),
                None => self.error(v.span(), "expected a string: one of this code's rules"),
            }
        }
    }

    /// `roles = ["participant", …]`: the speaker roles the code's rules
    /// apply to, any case, sorted and without repeats.
    fn roles(&mut self, item: &Item, out: &mut Vec<Role>) {
        let expected = ROLE_WORDS.join(", ");
        let values: Vec<&Value> = match item.as_value() {
            Some(Value::Array(a)) if a.is_empty() => {
                self.error(
                    item.span(),
                    format!(
                        "`roles` is empty; remove it for every role, or list some of: {expected}"
                    ),
                );
                return;
            }
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v @ Value::String(_)) => vec![v],
            _ => {
                self.error(
                    item.span(),
                    format!("`roles` must be a list of speaker roles, like [\"participant\"]; expected some of: {expected}"),
                );
                return;
            }
        };
        for v in values {
            let Some(s) = v.as_str() else {
                self.error(v.span(), format!("expected a string: one of {expected}"));
                continue;
            };
            let word = s.trim().to_lowercase();
            match Role::ALL.into_iter().find(|r| r.as_str() == word) {
                Some(r) => out.push(r),
                None => {
                    let hint = match suggest(&word, &ROLE_WORDS) {
                        Some(k) => format!("did you mean \"{k}\"? "),
                        None => String::new(),
                    };
                    self.error(
                        v.span(),
                        format!("unknown role \"{s}\"; {hint}expected one of: {expected}"),
                    );
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    fn rules(&mut self, item: &Item, kind: RuleKey, lang: Option<&str>, out: &mut Vec<Rule>) {
        let values: Vec<&Value> = match item.as_value() {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v @ Value::String(_)) => vec![v],
            _ => {
                self.error(
                    item.span(),
                    "expected a list of strings: [\"loyer\", \"tarif*\"]",
                );
                return;
            }
        };
        for v in values {
            let Some(s) = v.as_str() else {
                self.error(v.span(), "expected a string");
                continue;
            };
            let origin = self.origin(v.span());
            if kind == RuleKey::Regex {
                if s.is_empty() {
                    self.error(v.span(), "empty regular expression");
                    continue;
                }
                out.push(Rule {
                    pattern: Pattern::Regex(s.to_owned()),
                    lang: lang.map(str::to_owned),
                    exclude: false,
                    text: format!("/{s}/"),
                    origin,
                });
                continue;
            }
            match common::rule(s, lang, kind == RuleKey::Exclude, origin) {
                Ok(r) => out.push(r),
                Err(e) => {
                    let at = v
                        .span()
                        .map(|sp| sp.start + raw_offset(&self.text[sp.clone()], e.column))
                        .map_or(origin, |b| self.index.origin(b));
                    self.diags.push(Diagnostic::error(
                        at,
                        format!("cannot parse rule \"{}\": {}", s.trim(), e.message),
                    ));
                }
            }
        }
    }
}

/// `terms`, `terms_en`, `exclude_fr`, `regex`… as (kind, language).
fn rule_key(key: &str) -> Option<(RuleKey, Option<&str>)> {
    let (base, lang) = match key.split_once('_') {
        Some((b, l)) => (b, Some(l)),
        None => (key, None),
    };
    let kind = match base {
        "terms" => RuleKey::Terms,
        "exclude" => RuleKey::Exclude,
        "regex" => RuleKey::Regex,
        _ => return None,
    };
    Some((kind, lang))
}

/// The byte offset, within a raw TOML string literal, of the decoded
/// string's `column`-th character (1-based). Multi-line strings map to
/// their start.
fn raw_offset(raw: &str, column: u32) -> usize {
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        return 0;
    }
    let basic = raw.starts_with('"');
    let mut target = column.max(1) - 1;
    let mut it = raw.char_indices().skip(1).peekable();
    while let Some((i, c)) = it.next() {
        if target == 0 {
            return i;
        }
        if basic && c == '\\' {
            let skip = match it.peek().map(|(_, c)| *c) {
                Some('x') => 3,
                Some('u') => 5,
                Some('U') => 9,
                _ => 1,
            };
            for _ in 0..skip {
                it.next();
            }
        }
        target -= 1;
    }
    0
}

/// Writes a codebook as TOML: options, then one `[[codes]]` per code, rules
/// grouped as `terms`, `regex`, `terms_<lang>`, `exclude`….
pub fn write(cb: &Codebook) -> String {
    let mut out = String::from(
        "# qualsynth codebook. Rules: word, prefix*, ~stem, a phrase, A NEAR/n B, /regex/.\n\n[codebook]\n",
    );
    let o = &cb.options;
    out.push_str(&format!("name = {}\n", string(&cb.name)));
    out.push_str(&format!("lang = {}\n", string(&o.lang)));
    out.push_str(&format!("fold_accents = {}\n", o.fold_accents));
    out.push_str(&format!("negation_window = {}\n", o.negation_window));
    let sem = match o.semantics {
        Semantics::Codes => "codes",
        Semantics::Dictionary => "dictionary",
    };
    out.push_str(&format!("semantics = \"{sem}\"\n"));
    for c in &cb.codes {
        out.push_str("\n[[codes]]\n");
        out.push_str(&format!("id = {}\n", string(&c.id)));
        out.push_str(&format!("label = {}\n", string(&c.label)));
        if let Some(p) = &c.parent {
            out.push_str(&format!("parent = {}\n", string(p)));
        }
        if let Some(d) = &c.definition {
            out.push_str(&format!("definition = {}\n", string(d)));
        }
        if let Some(col) = &c.colour {
            out.push_str(&format!("colour = {}\n", string(col)));
        }
        if !c.codable {
            out.push_str("codable = false\n");
        }
        if let Some(g) = &c.guid {
            out.push_str(&format!("guid = {}\n", string(g)));
        }
        let mut rules: Vec<&Rule> = c.rules.iter().collect();
        rules.sort_by(|a, b| common::group_key(a).cmp(&common::group_key(b)));
        let mut i = 0;
        while i < rules.len() {
            let key = common::group_key(rules[i]);
            let n = rules[i..]
                .iter()
                .take_while(|r| common::group_key(r) == key)
                .count();
            let (exclude, lang, regex) = key;
            let base = match (exclude, regex) {
                (true, _) => "exclude",
                (false, true) => "regex",
                (false, false) => "terms",
            };
            let name = match lang {
                Some(l) => format!("{base}_{l}"),
                None => base.to_owned(),
            };
            let values: Vec<String> = rules[i..i + n]
                .iter()
                .map(|r| match (&r.pattern, regex) {
                    (Pattern::Regex(re), true) => string(re),
                    _ => string(&common::rule_text(r)),
                })
                .collect();
            out.push_str(&array(&name, &values));
            i += n;
        }
        if !c.shared.is_empty() {
            let values: Vec<String> = c.shared.iter().map(|s| string(&s.text)).collect();
            out.push_str(&array("shared", &values));
        }
        if !c.roles.is_empty() {
            let values: Vec<String> = c.roles.iter().map(|r| string(r.as_str())).collect();
            out.push_str(&array("roles", &values));
        }
        if let Some(m) = &c.memo {
            out.push_str(&format!("memo = {}\n", string(m)));
        }
    }
    out
}

fn array(key: &str, values: &[String]) -> String {
    let inline = format!("{key} = [{}]\n", values.join(", "));
    if inline.chars().count() <= 90 {
        return inline;
    }
    let mut s = format!("{key} = [\n");
    for v in values {
        s.push_str(&format!("    {v},\n"));
    }
    s.push_str("]\n");
    s
}

/// A TOML string: a literal `'…'` when that avoids escapes (regexes),
/// a multi-line `"""…"""` for text with line breaks, else a basic string.
fn string(s: &str) -> String {
    let control = |c: char| c.is_control() && c != '\t';
    if (s.contains('\\') || s.contains('"')) && !s.contains('\'') && !s.chars().any(control) {
        return format!("'{s}'");
    }
    let multiline = s.contains('\n');
    let mut out = String::from(if multiline { "\"\"\"\n" } else { "\"" });
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::{Severity, Term};

    const SAMPLE: &str = r##"[codebook]
name = "Espaces de travail partagés"
lang = "fr"
fold_accents = true
negation_window = 3

[[codes]]
id = "cout"
label = "Coût et tarifs"
definition = "Le prix de l'espace, le loyer, les tarifs."
colour = "#d62728"
terms = ["loyer", "tarif*", "~coûter", "prix"]
terms_en = ["rent", "price*", "~cost", "fee*"]
exclude = ["prix nobel"]
regex = ['\d+ ?€']
memo = "…"

[[codes]]
id = "cout.loyer"
parent = "cout"
label = "Loyer"
terms = ["loyer NEAR/5 cher"]
"##;

    fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
        d.iter().filter(|d| d.severity == Severity::Error).collect()
    }

    #[test]
    fn reads_the_documented_sample() {
        let (cb, diags) = read(SAMPLE);
        assert!(diags.is_empty(), "{diags:?}");
        let cb = cb.unwrap();
        assert_eq!(cb.name, "Espaces de travail partagés");
        assert_eq!(cb.codes.len(), 2);
        let c = &cb.codes[0];
        assert_eq!(c.label, "Coût et tarifs");
        assert_eq!(c.colour.as_deref(), Some("#d62728"));
        assert_eq!(c.origin, Origin { line: 8, column: 6 });
        assert_eq!(c.rules.len(), 10);
        // Canonical order: terms, regex, terms_en, exclude.
        let texts: Vec<_> = c.rules.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "loyer",
                "tarif*",
                "~coûter",
                "prix",
                "/\\d+ ?€/",
                "rent",
                "price*",
                "~cost",
                "fee*",
                "prix nobel"
            ]
        );
        assert_eq!(
            c.rules[2].pattern,
            Pattern::Term(Term::Stem("coûter".into()))
        );
        assert_eq!(c.rules[4].pattern, Pattern::Regex("\\d+ ?€".into()));
        assert_eq!(c.rules[5].lang.as_deref(), Some("en"));
        assert!(c.rules[9].exclude);
        assert_eq!(
            c.rules[0].origin,
            Origin {
                line: 12,
                column: 10
            }
        );
        let child = &cb.codes[1];
        assert_eq!(child.parent.as_deref(), Some("cout"));
        assert_eq!(
            child.parent_origin,
            Origin {
                line: 20,
                column: 10
            }
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_a_hint() {
        let (_, d) =
            read("[[codes]]\nid = \"a\"\ntrems = [\"x\"]\n[codebook]\nlanguage = \"fr\"\n");
        let e = errors(&d);
        assert_eq!(e.len(), 2, "{d:?}");
        assert_eq!(e[0].origin, Origin { line: 3, column: 1 });
        assert!(
            e[0].message.contains("did you mean `terms`?"),
            "{}",
            e[0].message
        );
        assert!(e[1].message.contains("`language`"));
        let (_, d) = read("[[codes]]\nid = \"a\"\nterms_EN = [\"x\"]\n");
        assert!(d[0].message.contains("lower-case"), "{d:?}");
        let (_, d) = read("foo = 1\n");
        assert!(d[0].message.contains("at the top level"));
    }

    #[test]
    fn rule_errors_point_inside_the_string() {
        let (cb, d) = read("[[codes]]\nid = \"a\"\nterms = [\"ok\", \"lo\\u00e9 NEAR/x b\"]\n");
        assert_eq!(d.len(), 1);
        // `NEAR/x` starts after `"lo\u00e9 ` in the file.
        assert_eq!(
            d[0].origin,
            Origin {
                line: 3,
                column: 26
            }
        );
        assert!(d[0].message.contains("NEAR/n"));
        assert_eq!(cb.unwrap().codes[0].rules.len(), 1);
    }

    #[test]
    fn type_errors_and_missing_id() {
        let src = "[codebook]\nfold_accents = \"yes\"\nnegation_window = -1\nsemantics = \"x\"\nlang = \"French\"\n[[codes]]\nlabel = \"x\"\n[[codes]]\nid = \"b\"\ncolour = \"red\"\nterms = [1]\nparent = \"\"\n";
        let (cb, d) = read(src);
        assert_eq!(errors(&d).len(), 8, "{d:#?}");
        assert_eq!(cb.unwrap().codes.len(), 1);
        assert!(
            d.iter()
                .any(|x| x.message.contains("no `id`") && x.origin.line == 6)
        );
    }

    #[test]
    fn invalid_toml_is_one_error_with_a_position() {
        let (cb, d) = read("[[codes]]\nid = \"a\nterms = []\n");
        assert!(cb.is_none());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].origin.line, 2);
        assert!(d[0].message.starts_with("invalid TOML"));
    }

    #[test]
    fn inline_codes_and_single_strings() {
        let (cb, d) = read("codes = [{ id = \"a\", terms = \"x\" }]\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cb.unwrap().codes[0].rules[0].text, "x");
    }

    #[test]
    fn write_then_read_is_identity_modulo_origins() {
        let (cb, _) = read(SAMPLE);
        let mut cb = cb.unwrap();
        cb.codes[0].memo = Some("ligne 1\nligne \"2\" \\ fin".into());
        cb.codes[1].definition = Some("it's a 'quote'".into());
        let text = write(&cb);
        let (back, d) = read(&text);
        assert!(d.is_empty(), "{d:?}\n{text}");
        assert_eq!(strip(back.unwrap()), strip(cb));
    }

    pub(crate) fn strip(mut cb: Codebook) -> Codebook {
        for c in &mut cb.codes {
            c.origin = Origin::default();
            c.parent_origin = Origin::default();
            for r in &mut c.rules {
                r.origin = Origin::default();
            }
            for s in &mut c.shared {
                s.origin = Origin::default();
            }
        }
        cb
    }

    #[test]
    fn shared_rules_are_read_with_their_positions_and_written_back() {
        let src = "[[codes]]\nid = \"a\"\nterms = [\"loyer\"]\nshared = [\"loyer\", '/\\d+/']\n";
        let (cb, d) = read(src);
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        let shared: Vec<_> = cb.codes[0]
            .shared
            .iter()
            .map(|s| (s.text.as_str(), s.origin.line, s.origin.column))
            .collect();
        assert_eq!(shared, [("loyer", 4, 11), ("/\\d+/", 4, 20)]);
        let text = write(&cb);
        assert!(text.contains("shared = [\"loyer\", '/\\d+/']\n"), "{text}");
        assert_eq!(strip(read(&text).0.unwrap()), strip(cb));
        let (_, d) = read("[[codes]]\nid = \"a\"\nshared = [1]\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("one of this code's rules"), "{d:?}");
        let (_, d) = read("[[codes]]\nid = \"a\"\nshared = 1\n");
        assert!(d[0].message.contains("`shared` must be a list"), "{d:?}");
    }

    #[test]
    fn roles_are_read_sorted_without_repeats_and_written_back() {
        let src = "[[codes]]\nid = \"a\"\nterms = [\"loyer\"]\nroles = [\"Interviewer\", \"participant\", \"interviewer\"]\n\
                   [[codes]]\nid = \"b\"\nroles = \"facilitator\"\n[[codes]]\nid = \"c\"\n";
        let (cb, d) = read(src);
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        let roles: Vec<&[Role]> = cb.codes.iter().map(|c| c.roles.as_slice()).collect();
        assert_eq!(
            roles,
            [
                &[Role::Participant, Role::Interviewer][..],
                &[Role::Facilitator][..],
                &[][..]
            ]
        );
        assert!(cb.codes[0].applies_to(Role::Interviewer));
        assert!(!cb.codes[0].applies_to(Role::Facilitator));
        assert!(cb.codes[2].applies_to(Role::Facilitator));
        let text = write(&cb);
        assert!(
            text.contains("roles = [\"participant\", \"interviewer\"]\n"),
            "{text}"
        );
        assert!(text.contains("roles = [\"facilitator\"]\n"), "{text}");
        assert_eq!(text.matches("roles =").count(), 2, "{text}");
        assert_eq!(strip(read(&text).0.unwrap()), strip(cb));
    }

    #[test]
    fn the_role_words_are_the_workspace_words() {
        assert_eq!(ROLE_WORDS, Role::ALL.map(Role::as_str));
    }

    #[test]
    fn an_unknown_role_is_an_error_at_its_position_listing_the_roles() {
        let (cb, d) =
            read("[[codes]]\nid = \"a\"\nroles = [\"participant\", \"interviewr\", \"boss\"]\n");
        let e = errors(&d);
        assert_eq!(e.len(), 2, "{d:?}");
        assert_eq!(
            e[0].origin,
            Origin {
                line: 3,
                column: 25
            }
        );
        assert_eq!(
            e[0].message,
            "unknown role \"interviewr\"; did you mean \"interviewer\"? expected one of: participant, interviewer, facilitator"
        );
        assert_eq!(
            e[1].origin,
            Origin {
                line: 3,
                column: 39
            }
        );
        assert_eq!(
            e[1].message,
            "unknown role \"boss\"; expected one of: participant, interviewer, facilitator"
        );
        // The known role is kept.
        assert_eq!(cb.unwrap().codes[0].roles, [Role::Participant]);
        let (_, d) = read("[[codes]]\nid = \"a\"\nroles = []\n");
        assert_eq!(d[0].origin, Origin { line: 3, column: 9 });
        assert!(d[0].message.contains("`roles` is empty"), "{d:?}");
        let (_, d) = read("[[codes]]\nid = \"a\"\nroles = true\n");
        assert!(d[0].message.contains("`roles` must be a list"), "{d:?}");
        let (_, d) = read("[[codes]]\nid = \"a\"\nroles = [1]\n");
        assert_eq!(
            d[0].origin,
            Origin {
                line: 3,
                column: 10
            }
        );
        assert!(d[0].message.contains("one of participant"), "{d:?}");
        let (_, d) = read("[[codes]]\nid = \"a\"\nrole = [\"participant\"]\n");
        assert!(d[0].message.contains("did you mean `roles`?"), "{d:?}");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\\b"), "'a\\b'");
        assert_eq!(string("it's"), "\"it's\"");
        assert_eq!(string("a\u{1}'"), "\"a\\u0001'\"");
        let (cb, _) = read(&format!("[codebook]\nname = {}\n", string("x\n\"y\"\n")));
        assert_eq!(cb.unwrap().name, "x\n\"y\"\n");
    }

    #[test]
    fn codable_and_guid_are_read_and_written_back() {
        let src = "[[codes]]\nid = \"a\"\ncolour = \"#F0a\"\ncodable = false\nguid = \"{5215CC69-B628-4E02-AFB9-9BEEAEE55808}\"\n\
                   [[codes]]\nid = \"a.b\"\nparent = \"a\"\nterms = [\"x\"]\n";
        let (cb, d) = read(src);
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        assert!(!cb.codes[0].codable && cb.codes[1].codable);
        assert_eq!(cb.codes[0].colour.as_deref(), Some("#FF00aa"));
        let text = write(&cb);
        assert!(
            text.contains("codable = false\nguid = \"{5215CC69-B628-4E02-AFB9-9BEEAEE55808}\"\n"),
            "{text}"
        );
        assert_eq!(text.matches("codable").count(), 1, "{text}");
        assert_eq!(strip(read(&text).0.unwrap()), strip(cb));
        let (_, d) = read("[[codes]]\nid = \"a\"\ncodable = \"no\"\nguid = \"x\"\n");
        let e = errors(&d);
        assert_eq!(e.len(), 2, "{d:?}");
        assert_eq!(e[0].message, "`codable` must be true or false");
        assert!(
            e[1].message.starts_with("`guid = \"x\"`: expected a GUID"),
            "{d:?}"
        );
    }
}
