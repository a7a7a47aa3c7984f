//! Turns from lines: labelled lines start turns, other lines continue
//! them, text without labels becomes paragraphs. Plain text feeds it its
//! lines, DOCX its paragraphs.

use std::collections::HashMap;

use super::labels::{Analysed, Candidate, accepted, analyse, key};
use crate::corpus::model::{RawSegment, SegmentKind};

/// One input line with its 1-based number (for DOCX: the paragraph number).
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    /// Where the line is, as reported in segments.
    pub number: u64,
    /// The line's text, without its line end.
    pub text: &'a str,
}

/// Turns lines into segments: labelled lines start turns, unlabelled lines
/// continue the current turn (joined with a space, or a newline after a
/// blank line), text before any label or without labels becomes one
/// paragraph per blank-line-separated block. A line with only a timestamp
/// gives its time to the next segment; a line starting with a timestamp
/// starts a new segment (same speaker as before when unlabelled).
pub(super) fn segments_from_lines(lines: &[Line]) -> Vec<RawSegment> {
    let analysed: Vec<Analysed> = lines.iter().map(|l| analyse(l.text)).collect();

    let mut counts: HashMap<String, usize> = HashMap::new();
    for a in &analysed {
        let mut keys: Vec<String> = a.candidates.iter().map(|c| key(&c.name)).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    let count = |c: &Candidate| counts.get(&key(&c.name)).copied().unwrap_or(0);
    let labelled_lines = analysed
        .iter()
        .filter(|a| a.candidates.iter().any(|c| accepted(c, count(c), true)))
        .count();
    let labelled_file = labelled_lines >= 2;

    let mut b = Builder::default();
    for (line, a) in lines.iter().zip(&analysed) {
        if a.body.is_empty() {
            match a.time {
                None => b.blank(),
                Some(t) => {
                    b.flush();
                    b.pending_time = Some(t);
                }
            }
            continue;
        }
        let label = a
            .candidates
            .iter()
            .find(|c| accepted(c, count(c), labelled_file));
        match label {
            Some(c) => b.start(Some(c.name.clone()), c.rest, line.number, c.time.or(a.time)),
            None if a.time.is_some() || b.cur.is_none() => {
                let speaker = b.last_speaker.clone();
                b.start(speaker, a.body, line.number, a.time);
            }
            None => b.append(a.body),
        }
    }
    b.flush();
    b.out
}

#[derive(Debug, Default)]
struct Builder {
    out: Vec<RawSegment>,
    cur: Option<Current>,
    pending_time: Option<u64>,
    last_speaker: Option<String>,
    gap: bool,
}

#[derive(Debug)]
struct Current {
    speaker: Option<String>,
    text: String,
    line: u64,
    time: Option<u64>,
}

impl Builder {
    fn flush(&mut self) {
        if let Some(c) = self.cur.take() {
            let text = c.text.trim();
            if !text.is_empty() {
                let kind = if c.speaker.is_some() {
                    SegmentKind::Turn
                } else {
                    SegmentKind::Paragraph
                };
                self.out.push(RawSegment {
                    speaker: c.speaker,
                    text: text.to_owned(),
                    line: Some(c.line),
                    time_ms: c.time,
                    kind,
                    ..Default::default()
                });
            }
        }
    }

    fn blank(&mut self) {
        if self.cur.as_ref().is_some_and(|c| c.speaker.is_none()) {
            self.flush();
        }
        self.gap = true;
    }

    fn start(&mut self, speaker: Option<String>, text: &str, line: u64, time: Option<u64>) {
        self.flush();
        let pending = self.pending_time.take();
        self.last_speaker.clone_from(&speaker);
        self.cur = Some(Current {
            speaker,
            text: text.trim().to_owned(),
            line,
            time: time.or(pending),
        });
        self.gap = false;
    }

    fn append(&mut self, text: &str) {
        if let Some(c) = &mut self.cur {
            if !c.text.is_empty() {
                c.text.push_str(if self.gap { "\n" } else { " " });
            }
            c.text.push_str(text.trim());
        }
        self.gap = false;
    }
}
