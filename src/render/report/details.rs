//! What stands behind each merged recommendation, for the HTML report:
//! its original wordings and the evidence quotes, resolved to texts and
//! speakers by the caller.

use crate::synthesis::recommendations::{EvidenceRow, MemberRow};

/// One original recommendation behind a merged one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its group.
    pub group: String,
    /// Its wording as written.
    pub text: String,
    /// Its votes, when the grid had them.
    pub votes: Option<i64>,
}

/// One evidence quote behind a merged recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Its group.
    pub group: String,
    /// The speaker's display name, when known.
    pub participant: Option<String>,
    /// Its source id.
    pub source: String,
    /// The segment's text.
    pub text: String,
}

/// What stands behind one merged recommendation: its members and evidence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecDetail {
    /// `R001`…
    pub rec_id: String,
    /// The original recommendations, by similarity to the kept wording.
    pub members: Vec<Member>,
    /// The best quotes, by group then rank.
    pub evidence: Vec<Evidence>,
}

/// A quoted segment as the evidence shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    /// The speaker's display name, when known.
    pub participant: Option<String>,
    /// Its source id.
    pub source: String,
    /// Its text.
    pub text: String,
}

/// The members and evidence of every merged recommendation, in rank order
/// (the order of `members`), with each evidence segment resolved by
/// `quoted` (evidence whose segment it does not know is left out).
pub fn rec_details(
    members: &[MemberRow],
    evidence: &[EvidenceRow],
    quoted: &std::collections::HashMap<String, Quoted>,
) -> Vec<RecDetail> {
    let mut out: Vec<RecDetail> = Vec::new();
    let mut at = std::collections::HashMap::<String, usize>::new();
    let mut slot = |out: &mut Vec<RecDetail>, id: &str| -> usize {
        *at.entry(id.to_owned()).or_insert_with(|| {
            out.push(RecDetail {
                rec_id: id.to_owned(),
                ..RecDetail::default()
            });
            out.len() - 1
        })
    };
    for m in members {
        let k = slot(&mut out, &m.rec_id);
        out[k].members.push(Member {
            group: m.group.clone(),
            text: m.text.clone(),
            votes: m.votes,
        });
    }
    for e in evidence {
        let Some(q) = quoted.get(&e.segment_id) else {
            continue;
        };
        let k = slot(&mut out, &e.rec_id);
        out[k].evidence.push(Evidence {
            group: e.group.clone(),
            participant: q.participant.clone(),
            source: q.source.clone(),
            text: q.text.clone(),
        });
    }
    out
}
