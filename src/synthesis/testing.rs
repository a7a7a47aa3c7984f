//! Small studies built inline for the synthesis tests.

use polars::prelude::*;

use crate::coding::{CodeInfo, Coding};
use crate::corpus::{Participant, Segment, SegmentKind};
use crate::store::codings::{codes_frame, codings_frame};
use crate::store::tables::{participants_frame, segments_frame};
use crate::synthesis::{Input, SynthesisConfig};

/// A study's frames, owned; [`Study::input`] borrows them.
pub struct Study {
    pub segments: DataFrame,
    pub codings: DataFrame,
    pub codes: DataFrame,
    pub participants: DataFrame,
    pub config: SynthesisConfig,
}

impl Study {
    /// The synthesis input.
    pub fn input(&self) -> Input<'_> {
        Input {
            segments: &self.segments,
            codings: &self.codings,
            codes: &self.codes,
            participants: &self.participants,
            config: &self.config,
            // A fresh cache per input, as tests change studies between
            // calls (leaked: test studies are few and small).
            cache: Box::leak(Box::default()),
            glossary: None,
            curation: None,
            methods: None,
        }
    }
}

/// Builds a [`Study`] row by row.
#[derive(Default)]
pub struct Builder {
    codes: Vec<CodeInfo>,
    segments: Vec<Segment>,
    codings: Vec<(String, Coding)>,
    participants: Vec<Participant>,
}

impl Builder {
    /// Codes `(id, parent)` in codebook order (parents first).
    pub fn codes(codes: &[(&str, Option<&str>)]) -> Self {
        let mut b = Builder::default();
        for (id, parent) in codes {
            let parent = parent.map(|p| {
                b.codes
                    .iter()
                    .position(|c| c.id == p)
                    .expect("parent first")
            });
            b.codes.push(CodeInfo {
                id: (*id).into(),
                label: format!("Label {id}"),
                parent,
            });
        }
        b
    }

    /// A participant `group/name` (id is `group/name`).
    pub fn participant(mut self, group: &str, name: &str) -> Self {
        self.participants.push(Participant {
            id: format!("{group}/{name}"),
            group: group.into(),
            name: name.into(),
            pseudonymized: false,
            role: Default::default(),
            attributes: "{}".into(),
            sources: Vec::new(),
        });
        self
    }

    /// A turn `source:n` of group `group`, said by `group/who` (if
    /// any); returns the segment id.
    pub fn seg(
        &mut self,
        source: &str,
        group: &str,
        who: Option<&str>,
        kind: SegmentKind,
        text: &str,
    ) -> String {
        let position = self
            .segments
            .iter()
            .filter(|s| s.source_id == source)
            .count() as u32
            + 1;
        let id = format!("{source}:{position}");
        self.segments.push(Segment {
            id: id.clone(),
            source_id: source.into(),
            group: group.into(),
            participant_id: who.map(|w| format!("{group}/{w}")),
            position,
            line: Some(u64::from(position) + 10),
            kind,
            lang: "fr".into(),
            text: text.into(),
            attributes: "{}".into(),
            ..Default::default()
        });
        id
    }

    /// A coding of `code` on segment `seg` by rule `rule`.
    pub fn code(&mut self, seg: &str, code: &str, rule: &str, negated: bool) {
        let start = self.codings.iter().filter(|(s, _)| s == seg).count() as u32 * 10;
        self.codings.push((
            seg.into(),
            Coding {
                code: code.into(),
                start,
                end: start + 5,
                matched: rule.trim_end_matches('*').into(),
                rule: rule.into(),
                negated,
            },
        ));
    }

    /// Changes the segment `id` (its method, part, votes…).
    pub fn set(&mut self, id: &str, f: impl FnOnce(&mut Segment)) {
        if let Some(s) = self.segments.iter_mut().find(|s| s.id == id) {
            f(s);
        }
    }

    /// The frames.
    pub fn build(&self) -> Study {
        let ids: Vec<&str> = self.codings.iter().map(|(s, _)| s.as_str()).collect();
        let cs: Vec<Vec<Coding>> = self.codings.iter().map(|(_, c)| vec![c.clone()]).collect();
        Study {
            segments: segments_frame(&self.segments).unwrap(),
            codings: codings_frame(&ids, &cs).unwrap(),
            codes: codes_frame(&self.codes).unwrap(),
            participants: participants_frame(&self.participants).unwrap(),
            config: SynthesisConfig::default(),
        }
    }
}

/// The same study with the rows of every frame in reverse order and
/// interleaved (a deterministic shuffle).
pub fn shuffled(s: &Study) -> Study {
    let mix = |df: &DataFrame| {
        let n = df.height() as IdxSize;
        let mut idx: Vec<IdxSize> = (0..n).rev().collect();
        let (odd, even): (Vec<_>, Vec<_>) = idx.drain(..).partition(|i| i % 2 == 1);
        let idx: Vec<IdxSize> = odd.into_iter().chain(even).collect();
        df.take(&IdxCa::from_vec("idx".into(), idx)).unwrap()
    };
    Study {
        segments: mix(&s.segments),
        codings: mix(&s.codings),
        codes: s.codes.clone(),
        participants: mix(&s.participants),
        config: s.config.clone(),
    }
}

/// Typed rows as a frame, for column assertions.
pub fn frame<T: crate::rows::Rows>(rows: &[T]) -> DataFrame {
    T::to_frame(rows).unwrap()
}

/// A column's values as strings (nulls as "∅"), for assertions.
/// Floats show 3 decimals.
pub fn strs(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap();
    if let Ok(f) = c.f64() {
        return f
            .iter()
            .map(|v| v.map_or("∅".to_owned(), |v| format!("{v:.3}")))
            .collect();
    }
    let c = c.cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("∅").to_owned())
        .collect()
}
