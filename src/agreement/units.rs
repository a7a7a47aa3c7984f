//! Units of agreement (segment, grid row, source, participant), the
//! presence table of each coder's codes over them, and the spreading of
//! codes to neighbouring turns. Pure.

use std::collections::{BTreeMap, HashMap};

use super::stats::Presence;

/// What agreement is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// Each segment (a turn, a paragraph, a grid cell or item).
    #[default]
    Segment,
    /// Each row of a grid or tabular transcript (its key, else its line).
    Row,
    /// Each source file.
    Source,
    /// Each participant (segments without one are left out).
    Participant,
}

impl Unit {
    /// The word users type and outputs show.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Segment => "segment",
            Unit::Row => "row",
            Unit::Source => "source",
            Unit::Participant => "participant",
        }
    }
}

/// How far a code found in one turn reaches: the turn itself (the
/// default), its neighbouring turns of the same source, or its
/// question-and-answer exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spread {
    /// The turn (segment) only.
    #[default]
    Turn,
    /// The turn and this many turns before and after it in its source.
    Window(usize),
    /// The turns from the question before it to the next question.
    Exchange,
}

impl Spread {
    /// Parses `turn`, `window:N` (N ≥ 1) or `exchange`.
    pub fn parse(s: &str) -> Option<Spread> {
        let s = s.trim();
        match s {
            "turn" | "" => Some(Spread::Turn),
            "exchange" => Some(Spread::Exchange),
            _ => {
                let n: usize = s.strip_prefix("window:")?.trim().parse().ok()?;
                Some(if n == 0 {
                    Spread::Turn
                } else {
                    Spread::Window(n)
                })
            }
        }
    }

    /// The word written in study.toml and the codings' rule column.
    pub fn as_string(self) -> String {
        match self {
            Spread::Turn => "turn".to_owned(),
            Spread::Window(n) => format!("window:{n}"),
            Spread::Exchange => "exchange".to_owned(),
        }
    }

    /// `(segment, code)` pairs spread: `leads` marks the turns of
    /// interviewers and facilitators (for exchanges).
    pub fn apply(
        self,
        applied: &[(usize, usize)],
        segments: &[SegmentRef<'_>],
        leads: &[bool],
    ) -> Vec<(usize, usize)> {
        match self {
            Spread::Turn => applied.to_vec(),
            Spread::Window(n) => spread(applied, segments, n),
            Spread::Exchange => spread_exchange(applied, segments, leads),
        }
    }
}

/// What a unit needs to know of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentRef<'a> {
    /// The segment id.
    pub id: &'a str,
    /// Its source.
    pub source: &'a str,
    /// Its key (the id column of its row), when it has one.
    pub key: Option<&'a str>,
    /// The line of its row.
    pub line: Option<u64>,
    /// Its participant.
    pub participant: Option<&'a str>,
}

impl SegmentRef<'_> {
    /// The name of the unit this segment belongs to; `None` when it has
    /// none (a segment without participant, at the participant unit).
    pub fn unit(&self, unit: Unit) -> Option<String> {
        match unit {
            Unit::Segment => Some(self.id.to_owned()),
            Unit::Source => Some(self.source.to_owned()),
            Unit::Participant => self.participant.map(str::to_owned),
            Unit::Row => Some(match (self.key, self.line) {
                (Some(k), _) => format!("{}:{k}", self.source),
                (None, Some(l)) => format!("{}:line {l}", self.source),
                (None, None) => self.id.to_owned(),
            }),
        }
    }
}

/// One coder's decisions, on segment indices.
#[derive(Debug, Clone, Default)]
pub struct CoderSegments {
    /// The coder's name.
    pub name: String,
    /// Segments the coder read (coded or not), by index.
    pub rated: Vec<bool>,
    /// `(segment index, compared-code index)` pairs the coder applied.
    pub applied: Vec<(usize, usize)>,
}

/// The units, in first-seen order, and each segment's unit index.
pub fn units_of(segments: &[SegmentRef<'_>], unit: Unit) -> (Vec<String>, Vec<Option<usize>>) {
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let of = segments
        .iter()
        .map(|s| {
            let name = s.unit(unit)?;
            Some(*index.entry(name.clone()).or_insert_with(|| {
                names.push(name);
                names.len() - 1
            }))
        })
        .collect();
    (names, of)
}

/// The presence table of the coders over the units: a coder rated a unit
/// when it rated one of its segments, and applied a code to it when it
/// applied the code to one of them.
pub fn presence(
    unit_of: &[Option<usize>],
    units: usize,
    coders: &[CoderSegments],
    codes: &[String],
) -> Presence {
    let mut cells = Vec::with_capacity(coders.len());
    for c in coders {
        let mut rated = vec![false; units];
        for (s, r) in c.rated.iter().enumerate() {
            if *r && let Some(Some(u)) = unit_of.get(s) {
                rated[*u] = true;
            }
        }
        let mut per_code: Vec<Vec<Option<bool>>> = (0..codes.len())
            .map(|_| rated.iter().map(|r| r.then_some(false)).collect())
            .collect();
        for &(s, code) in &c.applied {
            if let (Some(Some(u)), Some(col)) = (unit_of.get(s), per_code.get_mut(code))
                && rated[*u]
            {
                col[*u] = Some(true);
            }
        }
        cells.push(per_code);
    }
    Presence {
        coders: coders.iter().map(|c| c.name.clone()).collect(),
        codes: codes.to_vec(),
        units,
        cells,
    }
}

/// Spreads each applied code to the `window` segments before and after it
/// in the same source (segments are in source order, then position):
/// human coders code stretches of talk, a rule fires on one turn.
pub fn spread(
    applied: &[(usize, usize)],
    segments: &[SegmentRef<'_>],
    window: usize,
) -> Vec<(usize, usize)> {
    if window == 0 {
        return applied.to_vec();
    }
    let mut out: BTreeMap<(usize, usize), ()> = BTreeMap::new();
    for &(s, code) in applied {
        let Some(src) = segments.get(s).map(|x| x.source) else {
            continue;
        };
        let lo = s.saturating_sub(window);
        let hi = (s + window).min(segments.len().saturating_sub(1));
        for (n, seg) in segments.iter().enumerate().take(hi + 1).skip(lo) {
            if seg.source == src {
                out.insert((n, code), ());
            }
        }
    }
    out.into_keys().collect()
}

/// Spreads each applied code to its question-and-answer exchange: the
/// turns from one question (a turn of an interviewer or facilitator, `leads`)
/// to the next, in the same source. Turns before the first question form
/// an exchange of their own.
pub fn spread_exchange(
    applied: &[(usize, usize)],
    segments: &[SegmentRef<'_>],
    leads: &[bool],
) -> Vec<(usize, usize)> {
    // Each segment's exchange: a new one at every question and every source.
    let mut exchange = Vec::with_capacity(segments.len());
    let mut current = 0usize;
    for (i, s) in segments.iter().enumerate() {
        let new_source = i > 0 && segments[i - 1].source != s.source;
        if i > 0 && (new_source || leads.get(i).copied().unwrap_or(false)) {
            current += 1;
        }
        exchange.push(current);
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, e) in exchange.iter().enumerate() {
        members.entry(*e).or_default().push(i);
    }
    let mut out: BTreeMap<(usize, usize), ()> = BTreeMap::new();
    for &(s, code) in applied {
        let Some(e) = exchange.get(s) else { continue };
        for &n in &members[e] {
            out.insert((n, code), ());
        }
    }
    out.into_keys().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs() -> Vec<SegmentRef<'static>> {
        let s = |id, source, key, line, p| SegmentRef {
            id,
            source,
            key,
            line,
            participant: p,
        };
        vec![
            s("S1:1", "S1", Some("r1"), Some(2), Some("a")),
            s("S1:2", "S1", Some("r1"), Some(2), Some("b")),
            s("S1:3", "S1", None, Some(3), None),
            s("S2:1", "S2", None, None, Some("a")),
        ]
    }

    #[test]
    fn units_group_segments() {
        let s = segs();
        let (names, of) = units_of(&s, Unit::Row);
        assert_eq!(names, ["S1:r1", "S1:line 3", "S2:1"]);
        assert_eq!(of, [Some(0), Some(0), Some(1), Some(2)]);
        let (names, of) = units_of(&s, Unit::Participant);
        assert_eq!(names, ["a", "b"]);
        assert_eq!(of, [Some(0), Some(1), None, Some(0)]);
    }

    #[test]
    fn presence_counts_rated_and_applied_units() {
        let s = segs();
        let (names, of) = units_of(&s, Unit::Row);
        let auto = CoderSegments {
            name: "auto".into(),
            rated: vec![true; 4],
            applied: vec![(1, 0)],
        };
        let human = CoderSegments {
            name: "ann".into(),
            rated: vec![true, false, true, false],
            applied: vec![(0, 0), (2, 0), (3, 0)],
        };
        let p = presence(&of, names.len(), &[auto, human], &["x".into()]);
        assert_eq!(p.cells[0][0], [Some(true), Some(false), Some(false)]);
        // A code on an unrated segment does not count.
        assert_eq!(p.cells[1][0], [Some(true), Some(true), None]);
    }

    #[test]
    fn exchanges_run_from_one_question_to_the_next() {
        let s = segs();
        // S1:1 asks, S1:2 answers, S1:3 asks again; S2 is another source.
        let leads = [true, false, true, false];
        assert_eq!(spread_exchange(&[(1, 0)], &s, &leads), [(0, 0), (1, 0)]);
        assert_eq!(spread_exchange(&[(2, 3)], &s, &leads), [(2, 3)]);
        assert_eq!(spread_exchange(&[(3, 1)], &s, &leads), [(3, 1)]);
    }

    #[test]
    fn spreads_parse() {
        assert_eq!(Spread::parse("turn"), Some(Spread::Turn));
        assert_eq!(Spread::parse("window:2"), Some(Spread::Window(2)));
        assert_eq!(Spread::parse("window:0"), Some(Spread::Turn));
        assert_eq!(Spread::parse("exchange"), Some(Spread::Exchange));
        assert_eq!(Spread::parse("window"), None);
        assert_eq!(Spread::parse("paragraph"), None);
        assert_eq!(Spread::Window(3).as_string(), "window:3");
    }

    #[test]
    fn spreading_stays_in_its_source() {
        let s = segs();
        assert_eq!(spread(&[(2, 0)], &s, 1), [(1, 0), (2, 0)]);
        assert_eq!(spread(&[(0, 1)], &s, 5), [(0, 1), (1, 1), (2, 1)]);
        assert_eq!(spread(&[(3, 0)], &s, 0), [(3, 0)]);
    }
}
