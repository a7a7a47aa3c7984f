//! Turning a parsed source into stored rows: ids, groups, participants and
//! pseudonyms; and keeping the study's tables consistent as sources come
//! and go.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::error::ParseError;
use super::model::{Participant, RawSegment, Role, Segment};
use super::pseudonym::{PseudonymKey, Scrubber};

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
    /// Roles given by name (`--role NAME=ROLE`), keyed by [`role_key`].
    pub roles: &'a BTreeMap<String, Role>,
}

/// The key a speaker's name is looked up by in [`SourceContext::roles`]:
/// its slug (case, accents and punctuation do not matter).
pub fn role_key(name: &str) -> String {
    slug(name)
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

/// The group and participant of a row's segments (see [`Ingester::row`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIds {
    /// The group, trimmed.
    pub group: String,
    /// The participant, when the row has a speaker.
    pub participant_id: Option<String>,
}

/// Gives ids to a source's segments and participants, one segment at a
/// time, so that large sources stream. With pseudonymisation, every
/// speaker must have a pseudonym in the key before the ingester is made
/// (see [`ingest`]), since any name may occur in any segment's text.
pub struct Ingester<'a> {
    ctx: SourceContext<'a>,
    scrubber: Option<Scrubber>,
    /// Participants in the order met (sorted by id when finished): a
    /// row finds its speaker's by index, without a lookup by id.
    people: Vec<Person>,
    /// Participant id -> index in `people`.
    by_id: HashMap<String, usize>,
    groups: HashSet<String>,
    /// Group -> speaker as written -> index in `people`, to skip
    /// re-slugging.
    ids: HashMap<String, HashMap<String, usize>>,
    count: u32,
}

/// A participant met, with their attributes (`None`: the value varies
/// across the participant's rows, so it is not theirs).
struct Person {
    participant: Participant,
    attributes: BTreeMap<String, Option<String>>,
    /// The file or the options gave the role.
    explicit: bool,
}

impl<'a> Ingester<'a> {
    /// An ingester for one source; the scrubber is built from `key` now.
    pub fn new(ctx: SourceContext<'a>, key: &PseudonymKey) -> Self {
        let scrubber = ctx.pseudonymize.then(|| key.scrubber());
        Ingester {
            ctx,
            scrubber,
            people: Vec::new(),
            by_id: HashMap::new(),
            groups: HashSet::new(),
            ids: HashMap::new(),
            count: 0,
        }
    }

    /// The next segment of the source.
    pub fn push(&mut self, r: RawSegment, key: &mut PseudonymKey) -> Result<Segment, ParseError> {
        let ids = self.row(
            r.group.as_deref(),
            r.speaker.as_deref(),
            r.role,
            &r.participant_attributes,
            key,
        )?;
        let position = self.next_position();
        let RawSegment {
            text,
            key: row_key,
            line,
            time_ms,
            question,
            kind,
            votes,
            priority,
            owner,
            deadline,
            indicator,
            attributes,
            method,
            part,
            ..
        } = r;
        let text = match self.scrub(&text) {
            std::borrow::Cow::Owned(t) => t,
            std::borrow::Cow::Borrowed(_) => text,
        };
        Ok(Segment {
            id: format!("{}:{}", self.ctx.source_id, position),
            source_id: self.ctx.source_id.to_owned(),
            group: ids.group,
            session: self.ctx.session.map(str::to_owned),
            participant_id: ids.participant_id,
            position,
            key: row_key,
            line,
            time_ms,
            kind,
            question,
            lang: self.ctx.lang.to_owned(),
            text,
            votes,
            priority,
            owner,
            deadline,
            indicator,
            attributes: attrs_json(&attributes),
            method,
            part,
        })
    }

    /// The group and participant of the next segments, which share them
    /// (a grid row's items): `group` as the file gives it (else the
    /// source's), `speaker` as written, the role and participant
    /// attributes the file gives.
    pub fn row(
        &mut self,
        group: Option<&str>,
        speaker: Option<&str>,
        role: Option<Role>,
        participant_attributes: &BTreeMap<String, String>,
        key: &mut PseudonymKey,
    ) -> Result<RowIds, ParseError> {
        let group = match (group, self.ctx.group) {
            (Some(g), _) => g.trim(),
            (None, Some(g)) => g,
            (None, None) => {
                return Err(ParseError::file(
                    "no group for this source; pass --group G (or --group-column for a grid)",
                ));
            }
        };
        if !self.groups.contains(group) {
            self.groups.insert(group.to_owned());
        }
        let Some(name) = speaker else {
            return Ok(RowIds {
                group: group.to_owned(),
                participant_id: None,
            });
        };
        let i = match self.ids.get(group).and_then(|m| m.get(name)) {
            Some(&i) => i,
            None => {
                let i = self.new_participant(name, group, key);
                let names = self.ids.entry(group.to_owned()).or_default();
                names.insert(name.to_owned(), i);
                i
            }
        };
        let person = &mut self.people[i];
        // A role column or a `--role` wins over a role recognised from the
        // label ("Animatrice"); the first one given stays, so a speaker who
        // has one is not looked up again (nor slugged for a `--role` when
        // none was given).
        if !person.explicit {
            let roles = &self.ctx.roles;
            let given = role.or_else(|| {
                (!roles.is_empty())
                    .then(|| roles.get(&role_key(name)).copied())
                    .flatten()
            });
            if let Some(r) = given {
                person.explicit = true;
                person.participant.role = r;
            }
        }
        if !participant_attributes.is_empty() {
            let attrs = &mut person.attributes;
            for (k, v) in participant_attributes {
                match attrs.get(k) {
                    None => {
                        attrs.insert(k.clone(), Some(v.clone()));
                    }
                    Some(Some(old)) if old != v => {
                        attrs.insert(k.clone(), None);
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(RowIds {
            group: group.to_owned(),
            participant_id: Some(person.participant.id.clone()),
        })
    }

    /// The position of the next segment (1-based, in source order).
    pub fn next_position(&mut self) -> u32 {
        self.count += 1;
        self.count
    }

    /// A segment's text as stored: pseudonymised where the source is.
    pub fn scrub<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        match &self.scrubber {
            Some(s) => std::borrow::Cow::Owned(s.scrub(text)),
            None => std::borrow::Cow::Borrowed(text),
        }
    }

    /// What the study knows about the source.
    pub fn context(&self) -> &SourceContext<'a> {
        &self.ctx
    }

    /// Registers a speaker of a group; returns the participant's index in
    /// `people` (two names may share an id: one participant).
    fn new_participant(&mut self, name: &str, group: &str, key: &mut PseudonymKey) -> usize {
        let shown = if self.ctx.pseudonymize {
            key.pseudonym(name)
        } else {
            name.trim().to_owned()
        };
        let id = format!("{}/{}", slug(group), slug(&shown));
        let pseudonymized = self.ctx.pseudonymize && shown != name.trim();
        let source = self.ctx.source_id;
        if let Some(&i) = self.by_id.get(&id) {
            return i;
        }
        let participant = Participant {
            id: id.clone(),
            group: group.to_owned(),
            pseudonymized,
            // A label that names a role ("Animatrice", "Interviewer").
            role: Role::parse(name).unwrap_or_default(),
            name: shown,
            attributes: String::new(),
            sources: vec![source.to_owned()],
        };
        self.people.push(Person {
            participant,
            attributes: BTreeMap::new(),
            explicit: false,
        });
        self.by_id.insert(id, self.people.len() - 1);
        self.people.len() - 1
    }

    /// The participants met, with their attributes, and the groups.
    pub fn finish(mut self) -> (Vec<Participant>, BTreeSet<String>) {
        // Ids are unique: the order is the ids'.
        self.people
            .sort_unstable_by(|a, b| a.participant.id.cmp(&b.participant.id));
        let participants = self
            .people
            .into_iter()
            .map(|person| {
                let mut p = person.participant;
                let constant: BTreeMap<String, String> = person
                    .attributes
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, v?)))
                    .collect();
                p.attributes = attrs_json(&constant);
                p
            })
            .collect();
        (participants, self.groups.into_iter().collect())
    }
}

/// Gives ids to all of a source's segments at once (pseudonyms assigned
/// first, in order of appearance).
pub fn ingest(
    raw: Vec<RawSegment>,
    ctx: &SourceContext<'_>,
    key: &mut PseudonymKey,
) -> Result<Ingested, ParseError> {
    if ctx.pseudonymize {
        for r in &raw {
            if let Some(s) = &r.speaker {
                key.pseudonym(s);
            }
        }
    }
    let mut ing = Ingester::new(ctx.clone(), key);
    let mut segments = Vec::with_capacity(raw.len());
    for r in raw {
        segments.push(ing.push(r, key)?);
    }
    let (participants, groups) = ing.finish();
    Ok(Ingested {
        segments,
        participants,
        groups,
    })
}

/// A JSON object with sorted keys: `{}` when empty.
pub fn attrs_json(attrs: &BTreeMap<String, String>) -> String {
    serde_json::to_string(attrs).unwrap_or_else(|_| "{}".to_owned())
}

/// Parses a stored attribute object (an empty or bad one gives no attributes).
pub fn parse_attrs(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::model::SegmentKind;

    static NO_ROLES: BTreeMap<String, Role> = BTreeMap::new();

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
            roles: &NO_ROLES,
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
}
