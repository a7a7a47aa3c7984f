//! The rule syntax shared by every codebook format:
//! `loyer` (word), `partag*` (prefix), `~partager` (stem), `espace* de travail`
//! (phrase), `loyer NEAR/5 cher` (proximity), `/\d+ ?€/` (regular expression).

use super::model::{Pattern, Term};

/// A syntax error: 1-based column within the pattern text, and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// 1-based column (characters) in the pattern text.
    pub column: u32,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Parses one pattern.
pub fn parse_pattern(text: &str) -> Result<Pattern, PatternError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(PatternError {
            column: 1,
            message: "empty pattern; expected a word, `prefix*`, `~stem`, a phrase, `A NEAR/n B` or `/regex/`".into(),
        });
    }
    if let Some(inner) = t.strip_prefix('/') {
        return match inner.strip_suffix('/') {
            Some(re) if !re.is_empty() => Ok(Pattern::Regex(re.to_owned())),
            _ => Err(PatternError {
                column: t.chars().count() as u32,
                message: "a regular expression must end with `/`: `/…/`".into(),
            }),
        };
    }
    let words: Vec<(u32, &str)> = words_with_columns(text);
    if let Some(pos) = words
        .iter()
        .position(|(_, w)| w.to_ascii_uppercase().starts_with("NEAR/"))
    {
        let (col, op) = words[pos];
        let distance = op[5..].parse::<u32>().map_err(|_| PatternError {
            column: col,
            message: format!("`{op}`: expected NEAR/n with a whole number n, like NEAR/5"),
        })?;
        if pos == 0 || pos + 1 == words.len() {
            return Err(PatternError {
                column: col,
                message: "NEAR needs a term on each side: `A NEAR/5 B`".into(),
            });
        }
        let left = terms(&words[..pos])?;
        let right = terms(&words[pos + 1..])?;
        return Ok(Pattern::Near {
            left,
            right,
            distance,
        });
    }
    let mut ts = terms(&words)?;
    Ok(if ts.len() == 1 {
        Pattern::Term(ts.remove(0))
    } else {
        Pattern::Phrase(ts)
    })
}

fn words_with_columns(text: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, u32)> = None;
    let mut col = 0u32;
    for (i, c) in text.char_indices() {
        col += 1;
        if c.is_whitespace() {
            if let Some((s, sc)) = start.take() {
                out.push((sc, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some((i, col));
        }
    }
    if let Some((s, sc)) = start {
        out.push((sc, &text[s..]));
    }
    out
}

fn terms(words: &[(u32, &str)]) -> Result<Vec<Term>, PatternError> {
    words.iter().map(|&(col, w)| term(col, w)).collect()
}

fn term(column: u32, w: &str) -> Result<Term, PatternError> {
    let bad = |message: String| PatternError { column, message };
    if let Some(stem) = w.strip_prefix('~') {
        if stem.is_empty() || stem.contains('*') || stem.contains('~') {
            return Err(bad(format!("`{w}`: expected ~word, like ~partager")));
        }
        return Ok(Term::Stem(stem.to_owned()));
    }
    if let Some(prefix) = w.strip_suffix('*') {
        if prefix.is_empty() || prefix.contains('*') {
            return Err(bad(format!(
                "`{w}`: a wildcard needs letters before one trailing `*`, like partag*"
            )));
        }
        return Ok(Term::Prefix(prefix.to_owned()));
    }
    if w.contains('*') {
        return Err(bad(format!(
            "`{w}`: `*` is allowed only at the end of a word"
        )));
    }
    Ok(Term::Word(w.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_kinds() {
        assert_eq!(
            parse_pattern("loyer"),
            Ok(Pattern::Term(Term::Word("loyer".into())))
        );
        assert_eq!(
            parse_pattern(" partag* "),
            Ok(Pattern::Term(Term::Prefix("partag".into())))
        );
        assert_eq!(
            parse_pattern("~partager"),
            Ok(Pattern::Term(Term::Stem("partager".into())))
        );
        assert_eq!(
            parse_pattern("espace* de travail"),
            Ok(Pattern::Phrase(vec![
                Term::Prefix("espace".into()),
                Term::Word("de".into()),
                Term::Word("travail".into())
            ]))
        );
        assert_eq!(
            parse_pattern("loyer NEAR/5 trop cher"),
            Ok(Pattern::Near {
                left: vec![Term::Word("loyer".into())],
                right: vec![Term::Word("trop".into()), Term::Word("cher".into())],
                distance: 5
            })
        );
        assert_eq!(
            parse_pattern("/\\d+ ?€/"),
            Ok(Pattern::Regex("\\d+ ?€".into()))
        );
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = parse_pattern("loyer NEAR/x cher").unwrap_err();
        assert_eq!(e.column, 7);
        assert_eq!(parse_pattern("par*tag").unwrap_err().column, 1);
        assert_eq!(parse_pattern("a ~").unwrap_err().column, 3);
        assert!(parse_pattern("NEAR/3 b").is_err());
        assert!(parse_pattern("/abc").is_err());
        assert!(parse_pattern("  ").is_err());
    }
}
