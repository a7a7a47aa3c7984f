//! Keyword in context: one line per match, the match between brackets,
//! with a fixed number of characters of context on each side.

use super::coder::Coding;

/// One keyword-in-context line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwicLine {
    /// The segment.
    pub segment_id: String,
    /// Context before the match (at most `width` characters, right-aligned).
    pub left: String,
    /// The matched text.
    pub matched: String,
    /// Context after the match.
    pub right: String,
    /// Whether the match is negated.
    pub negated: bool,
}

/// Lines for the codings of one segment. White space in the context is
/// folded to single spaces so that each match stays on one line.
pub fn lines(segment_id: &str, text: &str, codings: &[Coding], width: usize) -> Vec<KwicLine> {
    let chars: Vec<char> = text.chars().collect();
    let fold = |s: &[char]| -> String {
        let mut out = String::with_capacity(s.len());
        for &c in s {
            if c.is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let mut out: Vec<KwicLine> = Vec::new();
    for c in codings {
        let (s, e) = (c.start as usize, (c.end as usize).min(chars.len()));
        if s > e {
            continue;
        }
        if out.last().is_some_and(|l: &KwicLine| {
            l.segment_id == segment_id
                && l.matched == fold(&chars[s..e])
                && l.left == fold(&chars[s.saturating_sub(width)..s])
        }) {
            continue; // the same span matched by two codes or rules
        }
        let left = fold(&chars[s.saturating_sub(width)..s]);
        let right = fold(&chars[e..(e + width).min(chars.len())]);
        out.push(KwicLine {
            segment_id: segment_id.to_owned(),
            left,
            matched: fold(&chars[s..e]),
            right,
            negated: c.negated,
        });
    }
    out
}

/// Renders lines aligned on the match: `id  …left[match]right…`.
pub fn render(lines: &[KwicLine], width: usize) -> String {
    let id_w = lines
        .iter()
        .map(|l| l.segment_id.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for l in lines {
        let pad = width.saturating_sub(l.left.chars().count());
        out.push_str(&format!(
            "{:<id_w$}  {}{}[{}]{}{}\n",
            l.segment_id,
            " ".repeat(pad),
            l.left,
            l.matched,
            l.right,
            if l.negated { "  (negated)" } else { "" },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_cut_in_characters_and_folded() {
        let text = "Le coût du local,\nc'est trop cher pour moi.";
        let c = Coding {
            code: "cout".into(),
            start: 3,
            end: 7,
            matched: "coût".into(),
            rule: "~coût".into(),
            negated: false,
        };
        let l = lines("a:1", text, &[c], 10);
        assert_eq!(l[0].left, "Le ");
        assert_eq!(l[0].matched, "coût");
        assert_eq!(l[0].right, " du local,");
        assert_eq!(render(&l, 10), "a:1         Le [coût] du local,\n");
    }
}
