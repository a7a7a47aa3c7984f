//! Every codebook `convert` writes reads back equal: generated codebooks
//! (ids, labels, parents, definitions, colours, categories, GUIDs, memos,
//! rules of every kind, per language and exclusions, options) written as
//! each writable format and read again.
//!
//! What a format cannot carry is projected out of the expected codebook,
//! as [`super::losses`] tells the user: CSV keeps no codebook options (the
//! name becomes the file's stem, the options their defaults); CSV and
//! `.qdc` keep no `shared` declarations or `roles`; `.qdc` nests codes
//! under their parents, so they come back in tree order (each parent
//! followed by its children). Positions always differ.
//!
//! Not generated: a definition whose last lines read `qualsynth rules: …`
//! (the `.qdc` block's own syntax, which the reader takes back as the
//! block), ids with white space or control characters and rules that
//! do not parse (`codebook check` refuses those, and `convert` with it).

use proptest::prelude::*;

use super::common::{self, id_from_name, sort_rules};
use super::tests::strip;
use super::{read, write};
use crate::codebook::check::check;
use crate::codebook::{
    Code, Codebook, CodebookOptions, Origin, Rule, Semantics, Severity, SharedRule,
};
use crate::corpus::Role;

/// Texts for names, labels, definitions and memos: XML and CSV
/// specials, quotes, TOML escapes, `;`, `--`, accents, emoji, tabs.
const TEXTS: &[&str] = &[
    "Coût et tarifs",
    "Loyer",
    "Health care",
    "a & b <c> \"d\" 'e'",
    "x; y, z",
    "deux -- tirets",
    "back\\slash \\n",
    "tab\there",
    "émoji 🏠 ǅ",
    "'''",
    "\"\"\"",
    "#hash = [x]",
    "qualsynth",
    "Topics",
    "Économie",
    "Σ",
];

/// Words of rules: accents, apostrophes, `;` and `\` (escaped in CSV and
/// `.qdc` blocks), quotes, `:` and `#`.
const WORDS: &[&str] = &[
    "loyer",
    "coût",
    "l'espace",
    "d’accord",
    "rent",
    "a;b",
    ";)",
    "x\\",
    "a\\b",
    "\"q\"",
    "k:v",
    "#1",
    "élevé",
    "🏠",
    "co-working",
    "<tag>",
    "&amp;",
];

/// Regular expressions that compile: with `;`, `/`, spaces, quotes,
/// backslashes and braces.
const REGEXES: &[&str] = &[
    r"\d+ ?€",
    "a;b",
    "co[uû]t",
    r"(?i)\bloy",
    "x/y",
    "a ; b",
    r#""[^"]+""#,
    r"\\",
    "é{2,3}",
    "x/;y",
    "x/ ; y/",
    "'",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(TEXTS).prop_map(str::to_owned),
        1 => prop::collection::vec(prop::sample::select(TEXTS), 2..4).prop_map(|t| t.join("\n")),
    ]
}

fn term() -> impl Strategy<Value = String> {
    (prop::sample::select(WORDS), 0..3u8).prop_map(|(w, kind)| match kind {
        0 => w.to_owned(),
        1 => format!("{w}*"),
        _ => format!("~{w}"),
    })
}

/// A rule as the rule syntax writes it.
fn rule_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => term(),
        2 => prop::collection::vec(term(), 2..4).prop_map(|ts| ts.join(" ")),
        1 => (term(), 0..9u32, term()).prop_map(|(a, n, b)| format!("{a} NEAR/{n} {b}")),
        2 => prop::sample::select(REGEXES).prop_map(|r| format!("/{r}/")),
    ]
}

fn rule() -> impl Strategy<Value = Rule> {
    (
        rule_text(),
        prop::sample::select(&[None, None, Some("en"), Some("fr"), Some("ast")][..]),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(text, lang, exclude)| {
            common::rule(&text, lang, exclude, Origin::default()).expect("generated rules parse")
        })
}

/// A hex GUID, in lower or upper case, with or without braces.
fn guid() -> impl Strategy<Value = String> {
    (any::<u128>(), any::<bool>(), any::<bool>()).prop_map(|(n, upper, braces)| {
        let h = format!("{n:032x}");
        let g = format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        );
        let g = if upper { g.to_uppercase() } else { g };
        if braces { format!("{{{g}}}") } else { g }
    })
}

/// A code before its id is chosen: (label, parent among earlier codes,
/// id made from the label as `.qdc` readers make it or not, definition,
/// colour, codable, GUID, memo, rules, roles, whether it declares its
/// first rule shared).
type Spec = (
    String,
    Option<prop::sample::Index>,
    bool,
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
    Option<String>,
    Vec<Rule>,
    Vec<Role>,
    bool,
);

fn spec() -> impl Strategy<Value = Spec> {
    (
        text(),
        prop::option::weighted(0.5, any::<prop::sample::Index>()),
        any::<bool>(),
        prop::option::weighted(0.5, text()),
        prop::option::weighted(0.3, "#[0-9a-fA-F]{6}"),
        prop::bool::weighted(0.85),
        prop::option::weighted(0.3, guid()),
        prop::option::weighted(0.3, text()),
        prop::collection::vec(rule(), 0..6),
        prop::sample::subsequence(Role::ALL.to_vec(), 0..=2),
        prop::bool::weighted(0.2),
    )
}

fn options() -> impl Strategy<Value = (String, CodebookOptions)> {
    (
        prop_oneof![Just(String::new()), text()],
        prop::sample::select(&["fr", "en", "de", "ast"][..]),
        any::<bool>(),
        0..10u32,
        prop_oneof![Just(Semantics::Codes), Just(Semantics::Dictionary)],
    )
        .prop_map(|(name, lang, fold_accents, negation_window, semantics)| {
            (
                name,
                CodebookOptions {
                    fold_accents,
                    lang: lang.to_owned(),
                    negation_window,
                    semantics,
                },
            )
        })
}

/// A codebook without errors, in the form readers give: labels and
/// texts trimmed, rules in canonical order.
fn codebook() -> impl Strategy<Value = Codebook> {
    (options(), prop::collection::vec(spec(), 1..8)).prop_map(|((name, options), specs)| {
        let mut codes: Vec<Code> = Vec::new();
        for (i, s) in specs.into_iter().enumerate() {
            let (
                label,
                parent,
                derived,
                definition,
                colour,
                codable,
                guid,
                memo,
                rules,
                roles,
                share,
            ) = s;
            let parent = parent
                .filter(|_| i > 0)
                .map(|ix| codes[ix.index(i)].id.clone());
            let own = id_from_name(&label);
            let mut id = match (&parent, derived) {
                (Some(p), true) => format!("{p}.{own}"),
                (None, true) => own,
                (_, false) => format!(
                    "{}{i}",
                    [
                        "c",
                        "a;b",
                        "x\"y",
                        "<c>&",
                        "é.ü",
                        "1",
                        "a.b.",
                        "-",
                        "'",
                        "qualsynth:",
                        "#"
                    ][i % 11]
                ),
            };
            if id.chars().any(|c| c.is_whitespace() || c.is_control())
                || codes.iter().any(|c| c.id == id)
            {
                id = format!("code{i}");
            }
            let mut rules = rules;
            sort_rules(&mut rules);
            let shared = rules
                .first()
                .filter(|_| share)
                .map(|r| SharedRule {
                    text: r.text.clone(),
                    origin: Origin::default(),
                })
                .into_iter()
                .collect();
            codes.push(Code {
                id,
                label: label.trim().to_owned(),
                parent,
                definition: definition.map(|d| d.trim().to_owned()),
                colour,
                codable,
                guid,
                memo: memo.map(|m| m.trim().to_owned()),
                rules,
                shared,
                roles,
                ..Code::default()
            });
        }
        // One GUID per code: a repeated one is a warning and a new GUID.
        for i in 1..codes.len() {
            if let Some(g) = codes[i].guid.clone()
                && codes[..i].iter().any(|c| {
                    c.guid
                        .as_deref()
                        .is_some_and(|h| crate::codebook::same_guid(h, &g))
                })
            {
                codes[i].guid = None;
            }
        }
        Codebook {
            name,
            options,
            codes,
        }
    })
}

/// The codes in the order a nesting writes them: each top-level code
/// followed by its children, depth first.
fn tree_order(cb: &Codebook) -> Vec<Code> {
    fn visit(cb: &Codebook, i: usize, out: &mut Vec<Code>) {
        out.push(cb.codes[i].clone());
        for (k, c) in cb.codes.iter().enumerate() {
            if c.parent.as_deref() == Some(cb.codes[i].id.as_str()) {
                visit(cb, k, out);
            }
        }
    }
    let mut out = Vec::new();
    for (i, c) in cb.codes.iter().enumerate() {
        if c.parent.is_none() {
            visit(cb, i, &mut out);
        }
    }
    out
}

/// What `ext` can carry of `cb` (see the module documentation).
fn projection(ext: &str, cb: &Codebook) -> Codebook {
    let mut cb = strip(cb.clone());
    if ext != "toml" {
        for c in &mut cb.codes {
            c.shared.clear();
            c.roles.clear();
        }
    }
    match ext {
        "csv" => {
            cb.name = "book".into();
            cb.options = CodebookOptions::default();
        }
        "qdc" => cb.codes = tree_order(&cb),
        _ => {}
    }
    cb
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_written_codebook_reads_back_equal(cb in codebook()) {
        let errors: Vec<_> = check(&cb).into_iter().filter(|d| d.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "generated codebook has errors: {errors:?}");
        for ext in super::WRITABLE {
            let bytes = write(ext, &cb).expect("writable");
            let shown = String::from_utf8_lossy(&bytes).into_owned();
            let back = read(&format!("dir/book.{ext}"), ext, &bytes);
            let back = match back {
                Ok((back, _)) => back,
                Err(e) => return Err(TestCaseError::fail(format!("{ext}: {e:?}\n{shown}"))),
            };
            prop_assert_eq!(strip(back), projection(ext, &cb), "{}:\n{}", ext, shown);
        }
    }
}
