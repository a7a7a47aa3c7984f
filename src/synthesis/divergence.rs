//! Divergence: where groups disagree about a theme, read from negated
//! versus plain mentions, and from explicit stance codes.
//!
//! A mention is one coding of the code or a descendant. It is negative
//! when it is flagged negated, or when the coded code is an "against"
//! stance code (an id ending in `.contre`, `.against` or `.con`, under a
//! parent), but not both (a negated "against" is a plain mention). Codes
//! ending in `.pour`, `.for` or `.pro` are plain mentions of their parent.
//!
//! Leaning, with t = `negative_share`: a code leans "negative" in a group
//! when its negative mentions there outnumber its plain ones and make at
//! least t of them; "positive" when plain mentions outnumber negative ones
//! and make at least t; "mixed" otherwise (an even split is always mixed);
//! null without any mention. With the default t = 0.5, a code leans
//! negative in a group when more than half of its mentions there are
//! negative. A code `diverges` when one group leans negative and another
//! positive.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::Input;
use super::coded::{cells, share};
use super::groups::Groups;
use super::tree::CodeTree;

/// The leaning of a code in a group from its plain and negative mentions
/// (see the module doc); `None` without any mention.
pub fn lean(plain: u32, negated: u32, negative_share: f64) -> Option<&'static str> {
    let total = plain + negated;
    if total == 0 {
        return None;
    }
    let part = |n: u32| f64::from(n) / f64::from(total);
    Some(if negated > plain && part(negated) >= negative_share {
        "negative"
    } else if plain > negated && part(plain) >= negative_share {
        "positive"
    } else {
        "mixed"
    })
}

crate::rows! {
    /// How one group speaks of one code: plain against negative mentions.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct DivergenceRow {
        /// The code id.
        pub code: String,
        /// The code's label.
        pub label: String,
        /// The group.
        pub group: String,
        /// Plain mentions.
        pub plain: u32,
        /// Negative mentions: negated, or of an "against" stance code.
        pub negated: u32,
        /// negated / (plain + negated), 0 to 1; empty without any mention.
        pub negative_share: Option<f64>,
        /// "positive", "negative" or "mixed"; empty without any mention.
        pub lean: Option<String>,
        /// Some group leans negative and another positive (the same on every row of a code).
        pub diverges: bool,
    }
}

/// One row per code and group, codebook order then group name (see the
/// module doc for the leaning rule).
pub fn divergence(input: &Input) -> PolarsResult<Vec<DivergenceRow>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    let cells = cells(input, &tree, &groups)?;
    let t = input.config.negative_share;
    let mut out: Vec<DivergenceRow> = Vec::with_capacity(tree.len() * groups.len());
    for c in 0..tree.len() {
        let first = out.len();
        let mut seen = BTreeSet::new();
        for g in 0..groups.len() {
            let cell = cells
                .get(&(c as u32, g as u32))
                .copied()
                .unwrap_or_default();
            let (p, neg) = (cell.codings - cell.negative, cell.negative);
            let l = lean(p, neg, t);
            seen.extend(l);
            out.push(DivergenceRow {
                code: tree.ids[c].clone(),
                label: tree.labels[c].clone(),
                group: groups.names[g].clone(),
                plain: p,
                negated: neg,
                negative_share: share(neg, p + neg),
                lean: l.map(str::to_owned),
                diverges: false,
            });
        }
        let d = seen.contains("negative") && seen.contains("positive");
        for r in &mut out[first..] {
            r.diverges = d;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind::Turn;
    use crate::synthesis::testing::*;

    #[test]
    fn leaning_rule() {
        assert_eq!(lean(0, 0, 0.5), None);
        assert_eq!(lean(0, 5, 0.5), Some("negative"));
        assert_eq!(lean(1, 2, 0.5), Some("negative"));
        assert_eq!(lean(1, 1, 0.5), Some("mixed"));
        assert_eq!(lean(12, 1, 0.5), Some("positive"));
        assert_eq!(lean(2, 1, 0.7), Some("mixed"));
        assert_eq!(lean(3, 1, 0.7), Some("positive"));
        assert_eq!(lean(1, 3, 0.7), Some("negative"));
        // A low threshold never makes the minority side win.
        assert_eq!(lean(3, 1, 0.2), Some("positive"));
        assert_eq!(lean(1, 1, 0.0), Some("mixed"));
    }

    /// Like the example study: Lille negates isolation 5 times, Marseille
    /// and Bruxelles mention it plainly; cost is plain everywhere but one
    /// negated mention in Bruxelles.
    fn isolation() -> Study {
        let mut b = Builder::codes(&[
            ("cout", None),
            ("lien", None),
            ("lien.isolement", Some("lien")),
            ("lien.communaute", Some("lien")),
        ]);
        for i in 0..5 {
            let s = b.seg("lille", "Lille", Some(&format!("p{i}")), Turn, "t");
            b.code(&s, "lien.isolement", "isolement", true);
            b.code(&s, "cout", "loyer", false);
        }
        let s = b.seg("lille", "Lille", Some("p5"), Turn, "t");
        b.code(&s, "lien.communaute", "rencontres", false);
        for g in ["Marseille", "Bruxelles"] {
            for i in 0..3 {
                let s = b.seg(g, g, Some(&format!("p{i}")), Turn, "t");
                b.code(&s, "lien.isolement", "isolement", false);
                b.code(&s, "cout", "cost", i == 0 && g == "Bruxelles");
                b.code(&s, "cout", "rent", false);
            }
        }
        b.build()
    }

    #[test]
    fn lille_leans_negative_on_isolation_and_the_code_diverges() {
        let st = isolation();
        let typed = divergence(&st.input()).unwrap();
        let d = frame(&typed);
        let row = |code: &str, group: &str| {
            let i = (0..d.height())
                .find(|&i| strs(&d, "code")[i] == code && strs(&d, "group")[i] == group)
                .unwrap();
            ["plain", "negated", "lean", "diverges"].map(|c| strs(&d, c)[i].clone())
        };
        assert_eq!(
            row("lien.isolement", "Lille"),
            ["0", "5", "negative", "true"]
        );
        assert_eq!(
            row("lien.isolement", "Marseille"),
            ["3", "0", "positive", "true"]
        );
        assert_eq!(row("lien", "Lille"), ["1", "5", "negative", "true"]);
        assert_eq!(
            row("lien.communaute", "Bruxelles"),
            ["0", "0", "∅", "false"]
        );
        assert_eq!(row("cout", "Bruxelles"), ["5", "1", "positive", "false"]);
        assert_eq!(d.height(), 12);
        assert_eq!(typed, divergence(&shuffled(&st).input()).unwrap());
    }

    #[test]
    fn stance_codes_count_for_their_parent() {
        let mut b = Builder::codes(&[
            ("tarif", None),
            ("tarif.pour", Some("tarif")),
            ("tarif.contre", Some("tarif")),
        ]);
        for (g, code, neg) in [
            ("A", "tarif.contre", false),
            ("A", "tarif.contre", false),
            ("A", "tarif.pour", false),
            ("B", "tarif.pour", false),
            ("B", "tarif.contre", true),
            ("B", "tarif", false),
        ] {
            let s = b.seg(g, g, None, Turn, "t");
            b.code(&s, code, "r", neg);
        }
        let d = frame(&divergence(&b.build().input()).unwrap());
        assert_eq!(strs(&d, "code")[..2], ["tarif", "tarif"]);
        assert_eq!(strs(&d, "plain")[..2], ["1", "3"]);
        assert_eq!(strs(&d, "negated")[..2], ["2", "0"]);
        assert_eq!(strs(&d, "lean")[..2], ["negative", "positive"]);
        assert_eq!(strs(&d, "diverges")[..2], ["true", "true"]);
    }

    #[test]
    fn empty_codings_give_null_leanings() {
        let mut b = Builder::codes(&[("a", None)]);
        b.seg("s", "G", None, Turn, "t");
        let d = frame(&divergence(&b.build().input()).unwrap());
        assert_eq!(strs(&d, "lean"), ["∅"]);
        assert_eq!(strs(&d, "negative_share"), ["∅"]);
        assert_eq!(strs(&d, "diverges"), ["false"]);
    }
}
