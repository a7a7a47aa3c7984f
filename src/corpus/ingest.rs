//! Turning a parsed source into stored rows: ids, groups, participants and
//! pseudonyms; and keeping the study's tables consistent as sources come
//! and go.

use std::collections::{BTreeMap, BTreeSet};

use super::error::ParseError;
use super::model::{Participant, RawSegment, Segment, Source};
use super::pseudonym::PseudonymKey;

/// What the study knows about a source before its segments are stored.
#[derive(Debug, Clone)]
pub struct SourceContext<'a> {
    /// The source's stable id.
    pub source_id: &'a str,
    /// The group given on the command line or in the manifest.
    pub group: Option<&'a str>,
    /// The session, when given.
    pub session: Option<&'a str>,
    /// The source's language.
    pub lang: &'a str,
    /// Replace participant names by pseudonyms, also inside the text.
    pub pseudonymize: bool,
}

/// Rows produced from one source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingested {
    /// The segments, in source order.
    pub segments: Vec<Segment>,
    /// The participants of this source, with the attributes it gave them.
    pub participants: Vec<Participant>,
    /// The groups its segments belong to.
    pub groups: BTreeSet<String>,
}

/// Lower-case ASCII slug: accents folded, runs of other characters as `-`.
pub fn slug(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            continue;
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let t = out.trim_matches('-');
    if t.is_empty() {
        "x".to_owned()
    } else {
        t.to_owned()
    }
}

/// Gives ids to a source's segments and participants. Names are replaced
/// by pseudonyms (in speakers and text) when the context asks for it.
pub fn ingest(
    raw: Vec<RawSegment>,
    ctx: &SourceContext<'_>,
    key: &mut PseudonymKey,
) -> Result<Ingested, ParseError> {
    // Assign pseudonyms first, in order of appearance, so that the scrubber
    // knows every name of this source before any text is scrubbed.
    if ctx.pseudonymize {
        for r in &raw {
            if let Some(s) = &r.speaker {
                key.pseudonym(s);
            }
        }
    }
    let scrubber = ctx.pseudonymize.then(|| key.scrubber());
    let mut out = Ingested::default();
    let mut people: BTreeMap<String, Participant> = BTreeMap::new();
    for (i, r) in raw.into_iter().enumerate() {
        let group = match (&r.group, ctx.group) {
            (Some(g), _) => g.trim().to_owned(),
            (None, Some(g)) => g.to_owned(),
            (None, None) => {
                return Err(ParseError::file(
                    "no group for this source; pass --group G (or --group-column for a grid)",
                ));
            }
        };
        let participant_id = r.speaker.as_deref().map(|name| {
            let shown = if ctx.pseudonymize {
                key.pseudonym(name)
            } else {
                name.trim().to_owned()
            };
            let id = format!("{}/{}", slug(&group), slug(&shown));
            let p = people.entry(id.clone()).or_insert_with(|| Participant {
                id: id.clone(),
                group: group.clone(),
                pseudonymized: ctx.pseudonymize && shown != name.trim(),
                name: shown,
                attributes: String::new(),
                sources: ctx.source_id.to_owned(),
            });
            let mut attrs = parse_attrs(&p.attributes);
            attrs.extend(r.participant_attributes.clone());
            p.attributes = attrs_json(&attrs);
            id
        });
        let text = match &scrubber {
            Some(s) => s.scrub(&r.text),
            None => r.text,
        };
        out.groups.insert(group.clone());
        out.segments.push(Segment {
            id: format!("{}:{}", ctx.source_id, i + 1),
            source_id: ctx.source_id.to_owned(),
            group,
            session: ctx.session.map(str::to_owned),
            participant_id,
            position: (i + 1) as u32,
            line: r.line,
            time_ms: r.time_ms,
            kind: r.kind,
            question: r.question,
            lang: ctx.lang.to_owned(),
            text,
            votes: r.votes,
            priority: r.priority,
            owner: r.owner,
            deadline: r.deadline,
            indicator: r.indicator,
            attributes: attrs_json(&r.attributes),
        });
    }
    for p in people.values_mut() {
        if p.attributes.is_empty() {
            p.attributes = "{}".to_owned();
        }
    }
    out.participants = people.into_values().collect();
    Ok(out)
}

/// A JSON object with sorted keys: `{}` when empty.
pub fn attrs_json(attrs: &BTreeMap<String, String>) -> String {
    serde_json::to_string(attrs).unwrap_or_else(|_| "{}".to_owned())
}

/// Parses a stored attribute object (an empty or bad one gives no attributes).
pub fn parse_attrs(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The study's three tables held in memory, kept sorted and consistent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    /// Sources, in manifest order.
    pub sources: Vec<Source>,
    /// Participants, sorted by id.
    pub participants: Vec<Participant>,
    /// Segments, grouped by source in manifest order, then by position.
    pub segments: Vec<Segment>,
}

impl Tables {
    /// Removes a source and everything that came only from it.
    pub fn remove_source(&mut self, source_id: &str) {
        self.sources.retain(|s| s.id != source_id);
        self.segments.retain(|s| s.source_id != source_id);
        for p in &mut self.participants {
            let rest: Vec<&str> = p.sources.split(',').filter(|s| *s != source_id).collect();
            p.sources = rest.join(",");
        }
        self.participants.retain(|p| !p.sources.is_empty());
    }

    /// Adds a source's rows (after any old version was removed).
    pub fn add_source(&mut self, mut source: Source, ingested: Ingested) {
        source.segments = ingested.segments.len() as u32;
        source.groups = ingested
            .groups
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(",");
        self.sources.push(source);
        self.segments.extend(ingested.segments);
        for new in ingested.participants {
            match self.participants.iter_mut().find(|p| p.id == new.id) {
                Some(p) => {
                    let mut attrs = parse_attrs(&p.attributes);
                    attrs.extend(parse_attrs(&new.attributes));
                    p.attributes = attrs_json(&attrs);
                    let mut sources: BTreeSet<&str> = p.sources.split(',').collect();
                    sources.insert(&new.sources);
                    p.sources = sources.into_iter().collect::<Vec<_>>().join(",");
                }
                None => self.participants.push(new),
            }
        }
        self.participants.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Puts segments in manifest order of their sources (stable output).
    pub fn order_by(&mut self, source_order: &[String]) {
        let rank: BTreeMap<&str, usize> = source_order
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let key = |id: &str| rank.get(id).copied().unwrap_or(usize::MAX);
        self.sources.sort_by_key(|s| key(&s.id));
        self.segments
            .sort_by_key(|s| (key(&s.source_id), s.position));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::model::SegmentKind;

    fn raw(speaker: &str, text: &str) -> RawSegment {
        RawSegment {
            speaker: Some(speaker.into()),
            text: text.into(),
            line: Some(1),
            ..Default::default()
        }
    }

    fn ctx<'a>(pseudo: bool) -> SourceContext<'a> {
        SourceContext {
            source_id: "lille-reunion",
            group: Some("Lille"),
            session: None,
            lang: "fr",
            pseudonymize: pseudo,
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Île-de-France / Réunion 2"), "ile-de-france-reunion-2");
        assert_eq!(slug("  "), "x");
    }

    #[test]
    fn ids_and_participants() {
        let mut key = PseudonymKey::default();
        let out = ingest(
            vec![
                raw("Claire Dubois", "Bonjour"),
                raw("Karim", "Salut Claire Dubois"),
            ],
            &ctx(false),
            &mut key,
        )
        .unwrap();
        assert_eq!(out.segments[1].id, "lille-reunion:2");
        assert_eq!(
            out.segments[0].participant_id.as_deref(),
            Some("lille/claire-dubois")
        );
        assert_eq!(out.participants.len(), 2);
        assert_eq!(out.segments[0].kind, SegmentKind::Turn);
        assert!(key.is_empty());
    }

    #[test]
    fn pseudonymises_speakers_and_text() {
        let mut key = PseudonymKey::default();
        let out = ingest(
            vec![
                raw("Karim", "Salut Claire Dubois"),
                raw("Claire Dubois", "Merci Karim"),
            ],
            &ctx(true),
            &mut key,
        )
        .unwrap();
        assert_eq!(out.segments[0].text, "Salut P02");
        assert_eq!(out.segments[1].text, "Merci P01");
        assert_eq!(out.segments[0].participant_id.as_deref(), Some("lille/p01"));
        assert!(out.participants.iter().all(|p| p.pseudonymized));
    }

    #[test]
    fn no_group_is_an_error() {
        let mut key = PseudonymKey::default();
        let mut c = ctx(false);
        c.group = None;
        assert!(ingest(vec![raw("A", "b")], &c, &mut key).is_err());
    }

    #[test]
    fn replacing_a_source_keeps_shared_participants() {
        let mut key = PseudonymKey::default();
        let mut t = Tables::default();
        let a = ingest(vec![raw("Ana", "x")], &ctx(false), &mut key).unwrap();
        t.add_source(
            Source {
                id: "lille-reunion".into(),
                ..Default::default()
            },
            a,
        );
        let mut c2 = ctx(false);
        c2.source_id = "lille-grille";
        let b = ingest(vec![raw("Ana", "y"), raw("Bo", "z")], &c2, &mut key).unwrap();
        t.add_source(
            Source {
                id: "lille-grille".into(),
                ..Default::default()
            },
            b,
        );
        assert_eq!(t.participants[0].sources, "lille-grille,lille-reunion");
        t.remove_source("lille-grille");
        assert_eq!(t.participants.len(), 1);
        assert_eq!(t.participants[0].sources, "lille-reunion");
        assert_eq!(t.segments.len(), 1);
    }
}
