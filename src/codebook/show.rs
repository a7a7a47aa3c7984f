//! `codebook show`: the code tree as text, one code a line with its id,
//! label, rule count, languages, the roles it is limited to and whether it
//! is a category (not codable), drawn with `├─`/`└─`.

use super::model::{Code, Codebook, Semantics};

/// Renders the codebook's header and tree.
pub fn render(cb: &Codebook) -> String {
    let n_rules: usize = cb.codes.iter().map(|c| c.rules.len()).sum();
    let o = &cb.options;
    let mut out = String::new();
    if !cb.name.is_empty() {
        out.push_str(&format!("{}\n", cb.name));
    }
    let semantics = match o.semantics {
        Semantics::Codes => format!(
            "codes; lang {}; accents {}; negation window {}",
            o.lang,
            if o.fold_accents { "folded" } else { "kept" },
            o.negation_window
        ),
        Semantics::Dictionary => "dictionary counting".to_owned(),
    };
    out.push_str(&format!(
        "{} code{}, {} rule{} ({semantics})\n\n",
        cb.codes.len(),
        plural(cb.codes.len()),
        n_rules,
        plural(n_rules)
    ));
    let rows = tree_rows(cb);
    let w_tree = rows
        .iter()
        .map(|(p, c)| p.chars().count() + c.id.chars().count())
        .max()
        .unwrap_or(0);
    let w_label = rows
        .iter()
        .map(|(_, c)| c.label.chars().count())
        .max()
        .unwrap_or(0);
    let w_count = rows
        .iter()
        .map(|(_, c)| rules_cell(c).len())
        .max()
        .unwrap_or(0);
    for (prefix, c) in &rows {
        let tree = format!("{prefix}{}", c.id);
        let langs = languages(cb, c);
        let roles = if c.roles.is_empty() {
            String::new()
        } else {
            let words: Vec<&str> = c.roles.iter().map(|r| r.as_str()).collect();
            format!("  (only {})", words.join(", "))
        };
        let category = if c.codable { "" } else { "  (not codable)" };
        let line = format!(
            "{tree:<w_tree$}  {:<w_label$}  {:<w_count$}  {langs}{roles}{category}",
            c.label,
            rules_cell(c)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn rules_cell(c: &Code) -> String {
    format!("{} rule{}", c.rules.len(), plural(c.rules.len()))
}

/// The languages of a code's rules: rules for any language show as the
/// codebook's language (they are written in it), then the others.
fn languages(cb: &Codebook, c: &Code) -> String {
    let mut langs: Vec<&str> = Vec::new();
    let dictionary = cb.options.semantics == Semantics::Dictionary;
    if c.rules.iter().any(|r| r.lang.is_none()) && !dictionary {
        langs.push(&cb.options.lang);
    }
    let mut others: Vec<&str> = c.rules.iter().filter_map(|r| r.lang.as_deref()).collect();
    others.sort_unstable();
    for l in others {
        if !langs.contains(&l) {
            langs.push(l);
        }
    }
    langs.join(" ")
}

/// Codes in tree order with their drawn prefix (`│  ├─ `). Codes whose
/// parent is missing are roots; codes caught in a cycle come last.
fn tree_rows(cb: &Codebook) -> Vec<(String, &Code)> {
    let n = cb.codes.len();
    let mut done = vec![false; n];
    let ids: std::collections::HashSet<&str> = cb.codes.iter().map(|c| c.id.as_str()).collect();
    let mut roots: Vec<usize> = (0..n)
        .filter(|&i| {
            cb.codes[i]
                .parent
                .as_deref()
                .is_none_or(|p| !ids.contains(p) || p == cb.codes[i].id)
        })
        .collect();
    // Each code's children, in codebook order, found once.
    let mut kids: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, c) in cb.codes.iter().enumerate() {
        if let Some(p) = c.parent.as_deref() {
            kids.entry(p).or_default().push(i);
        }
    }
    let mut rows = Vec::new();
    let mut scan = 0;
    loop {
        for &i in &roots {
            done[i] = true;
        }
        let count = roots.len();
        for (k, &i) in roots.iter().enumerate() {
            walk(cb, &kids, i, "", k + 1 == count, &mut done, &mut rows);
        }
        while scan < n && done[scan] {
            scan += 1;
        }
        if scan == n {
            break;
        }
        roots = vec![scan];
    }
    rows
}

fn walk<'a>(
    cb: &'a Codebook,
    kids: &std::collections::HashMap<&str, Vec<usize>>,
    i: usize,
    indent: &str,
    last: bool,
    done: &mut [bool],
    rows: &mut Vec<(String, &'a Code)>,
) {
    let c = &cb.codes[i];
    rows.push((format!("{indent}{}", if last { "└─ " } else { "├─ " }), c));
    let children: Vec<usize> = kids
        .get(c.id.as_str())
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .copied()
        .filter(|&k| !done[k])
        .collect();
    for &k in &children {
        done[k] = true;
    }
    let deeper = format!("{indent}{}", if last { "   " } else { "│  " });
    for (n, &k) in children.iter().enumerate() {
        walk(cb, kids, k, &deeper, n + 1 == children.len(), done, rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::formats::native;

    #[test]
    fn draws_the_tree() {
        let src = "[codebook]\nname = \"Test\"\n\
                   [[codes]]\nid = \"cout\"\nlabel = \"Coût\"\nterms = [\"prix\"]\nterms_en = [\"price\"]\n\
                   [[codes]]\nid = \"lien\"\nlabel = \"Lien\"\n\
                   [[codes]]\nid = \"cout.loyer\"\nparent = \"cout\"\nlabel = \"Loyer\"\nterms = [\"loyer\", \"bail\"]\n\
                   [[codes]]\nid = \"lien.x\"\nparent = \"lien\"\nlabel = \"X\"\nterms_en = [\"x\"]\n\
                   [[codes]]\nid = \"cout.tarif\"\nparent = \"cout\"\nlabel = \"Tarifs\"\n";
        let (cb, _) = native::read(src);
        let got = render(&cb.unwrap());
        let want = [
            "Test",
            "5 codes, 5 rules (codes; lang fr; accents folded; negation window 3)",
            "",
            "├─ cout           Coût    2 rules  fr en",
            "│  ├─ cout.loyer  Loyer   2 rules  fr",
            "│  └─ cout.tarif  Tarifs  0 rules",
            "└─ lien           Lien    0 rules",
            "   └─ lien.x      X       1 rule   en",
            "",
        ]
        .join("\n");
        assert_eq!(got, want, "\n{got}");
    }

    #[test]
    fn codes_limited_to_roles_say_so() {
        let src = "[[codes]]\nid = \"a\"\nterms = [\"x\"]\nroles = [\"facilitator\", \"participant\"]\n\
                   [[codes]]\nid = \"b\"\nterms = [\"y\"]\n";
        let got = render(&native::read(src).0.unwrap());
        assert!(
            got.contains("├─ a  a  1 rule  fr  (only participant, facilitator)\n"),
            "{got}"
        );
        assert!(got.contains("└─ b  b  1 rule  fr\n"), "{got}");
    }

    #[test]
    fn categories_say_they_are_not_codable() {
        let src = "[[codes]]\nid = \"a\"\ncodable = false\n[[codes]]\nid = \"a.b\"\nparent = \"a\"\nterms = [\"y\"]\n";
        let got = render(&native::read(src).0.unwrap());
        assert!(
            got.contains("└─ a       a    0 rules    (not codable)\n"),
            "{got}"
        );
        assert!(got.contains("   └─ a.b  a.b  1 rule   fr\n"), "{got}");
    }

    #[test]
    fn cycles_and_orphans_still_show() {
        let src = "[[codes]]\nid = \"a\"\nparent = \"b\"\n[[codes]]\nid = \"b\"\nparent = \"a\"\n[[codes]]\nid = \"c\"\nparent = \"gone\"\n";
        let (cb, _) = native::read(src);
        let got = render(&cb.unwrap());
        assert!(got.contains("└─ c "), "{got}");
        assert!(got.contains("└─ a ") && got.contains("   └─ b "), "{got}");
    }
}
