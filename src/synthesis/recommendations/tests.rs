//! Tests of the merge on small hand-checked studies, among them the
//! recommendations of the example study (fixtures/coop-workspaces).

use polars::prelude::*;

use super::*;
use crate::corpus::{Segment, SegmentKind};
use crate::store::tables::segments_frame;
use crate::synthesis::SynthesisConfig;

/// A recommendation row: (id, group, lang, text, votes, priority, owner,
/// deadline, indicator, codes).
pub(super) type RecRow<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<i64>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    &'a [&'a str],
);

/// A study built inline: recommendations, other coded segments, codes.
pub(super) struct Study {
    segments: DataFrame,
    codings: DataFrame,
    codes: DataFrame,
    participants: DataFrame,
}

impl Study {
    pub(super) fn new(
        recs: &[RecRow],
        others: &[(&str, &str, &[&str])],
        codes: &[(&str, Option<&str>)],
    ) -> Self {
        let mut segs = Vec::new();
        let (mut seg_ids, mut code_ids) = (Vec::new(), Vec::new());
        for (i, r) in recs.iter().enumerate() {
            segs.push(Segment {
                id: r.0.to_owned(),
                source_id: format!("{}-recs", r.1),
                group: r.1.to_owned(),
                position: i as u32 + 1,
                kind: SegmentKind::Recommendation,
                lang: r.2.to_owned(),
                text: r.3.to_owned(),
                votes: r.4,
                priority: r.5.map(str::to_owned),
                owner: r.6.map(str::to_owned),
                deadline: r.7.map(str::to_owned),
                indicator: r.8.map(str::to_owned),
                attributes: "{}".into(),
                ..Segment::default()
            });
            for c in r.9 {
                seg_ids.push(r.0.to_owned());
                code_ids.push((*c).to_owned());
            }
        }
        for (i, (id, group, cs)) in others.iter().enumerate() {
            segs.push(Segment {
                id: (*id).to_owned(),
                source_id: format!("{group}-transcript"),
                group: (*group).to_owned(),
                position: i as u32 + 1,
                kind: SegmentKind::Turn,
                lang: "fr".into(),
                text: "…".into(),
                attributes: "{}".into(),
                ..Segment::default()
            });
            for c in *cs {
                seg_ids.push((*id).to_owned());
                code_ids.push((*c).to_owned());
            }
        }
        let n = seg_ids.len();
        let codings = DataFrame::new_infer_height(vec![
            Column::new("segment_id".into(), seg_ids),
            Column::new("code".into(), code_ids),
            Column::new("start".into(), vec![0u32; n]),
            Column::new("end".into(), vec![1u32; n]),
            Column::new("matched".into(), vec!["x"; n]),
            Column::new("rule".into(), vec!["x"; n]),
            Column::new("negated".into(), vec![false; n]),
        ])
        .unwrap();
        let codes = DataFrame::new_infer_height(vec![
            Column::new(
                "code_id".into(),
                codes.iter().map(|c| c.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "label".into(),
                codes.iter().map(|c| c.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "parent_id".into(),
                codes.iter().map(|c| c.1).collect::<Vec<_>>(),
            ),
            Column::new(
                "depth".into(),
                codes
                    .iter()
                    .map(|c| u32::from(c.1.is_some()))
                    .collect::<Vec<_>>(),
            ),
        ])
        .unwrap();
        Study {
            segments: segments_frame(&segs).unwrap(),
            codings,
            codes,
            participants: crate::store::tables::participants_frame(&[]).unwrap(),
        }
    }

    pub(super) fn merge_with(&self, config: &SynthesisConfig, quotes: &[QuoteRow]) -> Frames {
        self.merge_full(config, quotes, None, None)
    }

    /// The merge with a glossary and a curation.
    pub(super) fn merge_full(
        &self,
        config: &SynthesisConfig,
        quotes: &[QuoteRow],
        glossary: Option<&crate::coding::Coder>,
        curation: Option<&Curation>,
    ) -> Frames {
        let input = Input {
            segments: &self.segments,
            codings: &self.codings,
            codes: &self.codes,
            participants: &self.participants,
            config,
            cache: &crate::synthesis::Cache::default(),
            glossary,
            curation,
            methods: None,
        };
        Frames::of(&merge(&input, quotes).unwrap())
    }

    pub(super) fn merge(&self) -> Frames {
        self.merge_with(&SynthesisConfig::default(), &[])
    }
}

/// The merged tables as frames, for column assertions.
pub(super) struct Frames {
    pub(super) recommendations: DataFrame,
    pub(super) members: DataFrame,
    pub(super) evidence: DataFrame,
    pub(super) non_proposals: Vec<NonProposalRow>,
}

impl Frames {
    fn of(m: &Merged) -> Self {
        use crate::rows::Rows;
        Frames {
            recommendations: RecommendationRow::to_frame(&m.recommendations).unwrap(),
            members: m.members.frame().unwrap(),
            evidence: m.evidence.frame().unwrap(),
            non_proposals: m.non_proposals.clone(),
        }
    }
}

/// A column's values as text: lists joined with `, `, lists of records as
/// `key: value` joined with `; `, nulls as "∅".
pub(super) fn strs(df: &DataFrame, name: &str) -> Vec<String> {
    let col = df.column(name).unwrap();
    if let Ok(lists) = col.list() {
        return lists
            .series_iter()
            .map(|s| {
                let s = s.unwrap();
                if let Ok(st) = s.struct_() {
                    let f = st.fields_as_series();
                    let (k, v) = (
                        f[0].cast(&DataType::String).unwrap(),
                        f[1].cast(&DataType::String).unwrap(),
                    );
                    let (k, v) = (k.str().unwrap(), v.str().unwrap());
                    k.iter()
                        .zip(v.iter())
                        .map(|(k, v)| format!("{}: {}", k.unwrap(), v.unwrap()))
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    s.str()
                        .unwrap()
                        .iter()
                        .map(|v| v.unwrap_or("∅"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            })
            .collect();
    }
    col.cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("∅").to_owned())
        .collect()
}

fn names(df: &DataFrame) -> Vec<&str> {
    df.get_column_names()
        .into_iter()
        .map(|n| n.as_str())
        .collect()
}

/// The merged groups as sorted lists of member segment ids, by rec_id.
pub(super) fn clusters(m: &Frames) -> Vec<Vec<String>> {
    let ids = strs(&m.members, "rec_id");
    let segs = strs(&m.members, "segment_id");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (r, s) in ids.into_iter().zip(segs) {
        out.entry(r).or_default().push(s);
    }
    out.into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect()
}

pub(super) const COOP_CODES: &[(&str, Option<&str>)] = &[
    ("cout", None),
    ("cout.loyer", Some("cout")),
    ("cout.tarifs", Some("cout")),
    ("lien", None),
    ("lien.isolement", Some("lien")),
    ("lien.communaute", Some("lien")),
    ("acces", None),
    ("acces.transport", Some("acces")),
    ("acces.horaires", Some("acces")),
    ("garde", None),
    ("bruit", None),
    ("outils", None),
    ("equipement", None),
    ("gouvernance", None),
    ("entraide", None),
];

/// The 16 recommendations of the example study with the codes the example
/// codebook gives them (fixtures/coop-workspaces/README.md).
pub(super) const COOP_RECS: &[RecRow] = &[
    (
        "L1",
        "Lille",
        "fr",
        "Mettre en place un tarif solidaire modulé selon les revenus des membres",
        Some(9),
        Some("haute"),
        Some("Conseil d'administration"),
        Some("juin 2027"),
        Some("au moins 25 % des membres au tarif solidaire"),
        &["cout.tarifs"],
    ),
    (
        "L2",
        "Lille",
        "fr",
        "Baisser le loyer du local de Lille",
        Some(7),
        Some("haute"),
        Some("Comité local Lille"),
        Some("2027-09-30"),
        Some("loyer mensuel inférieur à 2 000 €"),
        &["cout.loyer"],
    ),
    (
        "L3",
        "Lille",
        "fr",
        "Élargir les horaires d'ouverture en soirée et le samedi",
        Some(6),
        Some("moyenne"),
        Some("Équipe animation"),
        Some("T3 2027"),
        Some("taux d'occupation > 60 %"),
        &["acces.horaires"],
    ),
    (
        "L4",
        "Lille",
        "fr",
        "Installer des cabines téléphoniques dans l'open space",
        Some(5),
        Some("moyenne"),
        Some("Comité local Lille"),
        None,
        Some("2 cabines installées"),
        &["bruit"],
    ),
    (
        "L5",
        "Lille",
        "fr",
        "Créer un annuaire des compétences des membres",
        Some(3),
        Some("basse"),
        None,
        None,
        None,
        &["entraide"],
    ),
    (
        "M1",
        "Marseille",
        "fr",
        "Proposer des abonnements à prix adapté aux revenus (tarification sociale)",
        Some(8),
        Some("haute"),
        Some("Conseil d'administration"),
        Some("juin 2027"),
        Some("au moins 20 % des abonnements au tarif social"),
        &["cout.tarifs"],
    ),
    (
        "M2",
        "Marseille",
        "fr",
        "Nouer un partenariat avec une crèche du quartier pour la garde d'enfants des membres",
        Some(6),
        Some("haute"),
        Some("Comité local Marseille"),
        Some("2027-09-30"),
        Some("10 places de crèche pour les membres"),
        &["garde"],
    ),
    (
        "M3",
        "Marseille",
        "fr",
        "Étendre les horaires d'ouverture le soir et le samedi matin",
        Some(5),
        Some("moyenne"),
        Some("Équipe animation"),
        Some("T3 2027"),
        Some("taux d'occupation > 60 %"),
        &["acces.horaires"],
    ),
    (
        "M4",
        "Marseille",
        "fr",
        "Organiser un petit-déjeuner mensuel entre membres pour rompre l'isolement",
        Some(3),
        Some("moyenne"),
        Some("Équipe animation"),
        None,
        Some("au moins 12 participants par petit-déjeuner"),
        &["lien.communaute", "lien.isolement"],
    ),
    (
        "M5",
        "Marseille",
        "fr",
        "Négocier une navette depuis la gare Saint-Charles",
        Some(2),
        Some("basse"),
        None,
        None,
        None,
        &["acces.transport"],
    ),
    (
        "M6",
        "Marseille",
        "fr",
        "Aménager un coin enfants pour le mercredi après-midi",
        Some(1),
        Some("basse"),
        None,
        Some("T2 2027"),
        None,
        &["garde"],
    ),
    (
        "B1",
        "Bruxelles",
        "en",
        "Introduce income-based membership fees",
        Some(8),
        Some("high"),
        Some("Board of directors"),
        Some("June 2027"),
        Some("at least 20% of members on the reduced fee"),
        &["cout.tarifs"],
    ),
    (
        "B2",
        "Bruxelles",
        "en",
        "Extend opening hours to evenings and Saturdays",
        Some(6),
        Some("medium"),
        Some("Facilitation team"),
        Some("Q3 2027"),
        Some("occupancy rate above 60%"),
        &["acces.horaires"],
    ),
    (
        "B3",
        "Bruxelles",
        "en",
        "Install soundproof phone booths in the open space",
        Some(5),
        Some("medium"),
        Some("Brussels local committee"),
        Some("2027-09-30"),
        Some("2 booths installed"),
        &["bruit"],
    ),
    (
        "B4",
        "Bruxelles",
        "en",
        "Launch a booking app for desks and the meeting room",
        Some(4),
        Some("medium"),
        None,
        None,
        Some("share of desk bookings made in the app above 80%"),
        &["outils", "equipement"],
    ),
    (
        "B5",
        "Bruxelles",
        "en",
        "Have a community host on site every opening day",
        Some(2),
        Some("low"),
        None,
        None,
        None,
        &["lien.communaute", "acces.horaires"],
    ),
];

pub(super) fn coop() -> Study {
    let others: &[(&str, &str, &[&str])] = &[
        ("lt:1", "Lille", &["cout.tarifs"]),
        ("lt:2", "Lille", &["cout.tarifs", "cout.loyer"]),
        ("lt:3", "Lille", &["cout"]),
        ("mt:1", "Marseille", &["cout.tarifs"]),
        ("mt:2", "Marseille", &["acces.horaires"]),
        ("bt:1", "Bruxelles", &["cout.tarifs"]),
    ];
    Study::new(COOP_RECS, others, COOP_CODES)
}

#[test]
fn example_study_merges_the_french_pairs_and_keeps_near_misses_apart() {
    let m = coop().merge();
    let got = clusters(&m);
    let merged: Vec<&Vec<String>> = got.iter().filter(|c| c.len() > 1).collect();
    assert_eq!(merged, [&vec!["L1", "M1"], &vec!["L3", "M3"]]);
    // 16 recommendations, two merges.
    assert_eq!(m.recommendations.height(), 14);
    assert_eq!(m.members.height(), 16);
    // The income-based fees lead: 2 groups, most evidence, 17 votes.
    let r = &m.recommendations;
    assert_eq!(strs(r, "rec_id")[0], "R001");
    assert_eq!(
        strs(r, "wording")[0],
        "Mettre en place un tarif solidaire modulé selon les revenus des membres"
    );
    assert_eq!(strs(r, "groups")[0], "Lille, Marseille");
    assert_eq!(strs(r, "support")[0], "2");
    assert_eq!(strs(r, "groups_total")[0], "3");
    assert_eq!(strs(r, "votes_total")[0], "17");
    assert_eq!(strs(r, "votes_by_group")[0], "Lille: 9; Marseille: 8");
    assert_eq!(strs(r, "priority")[0], "haute");
    assert_eq!(strs(r, "codes")[0], "cout.tarifs");
    // lt:1, lt:2 in Lille, mt:1 in Marseille; lt:3 is coded with the
    // parent only, bt:1 is in a group that does not support it.
    assert_eq!(strs(r, "evidence_segments")[0], "3");
    assert_eq!(strs(r, "evidence_by_group")[0], "Lille: 2; Marseille: 1");
    assert_eq!(strs(r, "actionable")[0], "true");
    assert_eq!(strs(r, "members")[0], "2");
    assert_eq!(strs(r, "groups")[1], "Lille, Marseille");
    assert_eq!(strs(r, "codes")[1], "acces.horaires");
}

#[test]
fn example_study_similarities_leave_a_margin() {
    let study = coop();
    let config = SynthesisConfig::default();
    let input = Input {
        segments: &study.segments,
        codings: &study.codings,
        codes: &study.codes,
        participants: &study.participants,
        config: &config,
        cache: &crate::synthesis::Cache::default(),
        glossary: None,
        curation: None,
        methods: None,
    };
    let tree = CodeTree::from_frame(input.codes).unwrap();
    let codes = segment_codes(&input, &tree).unwrap();
    let mut v = Vocabulary::default();
    let items: Vec<Item> = COOP_RECS
        .iter()
        .enumerate()
        .map(|(i, r)| Item::new(v.sequence(r.3, r.2), codes.get(i).to_vec()))
        .collect();
    let space = Space::new(items, v.names.len(), config.merge_code_weight);
    let at = |id: &str| COOP_RECS.iter().position(|r| r.0 == id).unwrap();
    let sim = |a: &str, b: &str| space.similarity(at(a), at(b));
    let t = config.merge_threshold;
    // Must merge, with room to spare (L1/M1, the closest, 0.42 without the
    // glossary: `revenus` and the pricing code).
    assert!(sim("L1", "M1") >= t + 0.02, "{}", sim("L1", "M1"));
    assert!(sim("L3", "M3") >= t + 0.1, "{}", sim("L3", "M3"));
    // Must stay apart, with room to spare (M2/M6, the closest, 0.33: the
    // same code and one shared word).
    for (a, b) in [
        ("L2", "L1"),
        ("L2", "M1"),
        ("L2", "B1"),
        ("L2", "L4"),
        ("M5", "L3"),
        ("M5", "M3"),
        ("M5", "B2"),
        ("M4", "B5"),
        ("M2", "M6"),
        ("L5", "M4"),
    ] {
        assert!(sim(a, b) <= t - 0.07, "{a} {b} {}", sim(a, b));
    }
}

#[test]
fn threshold_edges_merge_at_the_threshold_exactly() {
    let recs: &[RecRow] = &[
        (
            "a",
            "G1",
            "fr",
            "ouvrir le local le samedi matin",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
        (
            "b",
            "G2",
            "fr",
            "ouvrir le local le dimanche soir",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
    ];
    let study = Study::new(recs, &[], &[]);
    // Uncoded: the similarity is the wording cosine; find it.
    let lax = SynthesisConfig {
        merge_threshold: 0.0,
        ..SynthesisConfig::default()
    };
    let m = study.merge_with(&lax, &[]);
    let s: f64 = strs(&m.members, "similarity_to_wording")[1]
        .parse()
        .unwrap();
    assert!(s > 0.2 && s < 0.8, "{s}");
    // similarity_to_wording is rounded: recompute exactly at the edge.
    let mut v = Vocabulary::default();
    let items = recs
        .iter()
        .map(|r| Item::new(v.sequence(r.3, r.2), Vec::new()))
        .collect();
    let exact = Space::new(items, v.names.len(), 0.5).similarity(0, 1);
    for (t, together) in [(exact, true), (exact + 1e-9, false)] {
        let config = SynthesisConfig {
            merge_threshold: t,
            ..SynthesisConfig::default()
        };
        let m = study.merge_with(&config, &[]);
        assert_eq!(m.recommendations.height() == 1, together, "{t}");
    }
}

#[test]
fn same_codes_alone_do_not_merge_but_same_codes_and_a_shared_rare_word_do() {
    let recs: &[RecRow] = &[
        (
            "a",
            "G1",
            "fr",
            "Nouer un partenariat avec une crèche du quartier",
            None,
            None,
            None,
            None,
            None,
            &["garde"],
        ),
        (
            "b",
            "G2",
            "fr",
            "Aménager un coin jeux pour le mercredi",
            None,
            None,
            None,
            None,
            None,
            &["garde"],
        ),
        (
            "c",
            "G3",
            "fr",
            "Un partenariat avec la crèche municipale",
            None,
            None,
            None,
            None,
            None,
            &["garde"],
        ),
        (
            "d",
            "G3",
            "en",
            "Partner with a local nursery",
            None,
            None,
            None,
            None,
            None,
            &["garde"],
        ),
    ];
    let study = Study::new(recs, &[], &[("garde", None)]);
    assert_eq!(
        clusters(&study.merge()),
        [vec!["a", "c"], vec!["b"], vec!["d"]]
    );
    // However heavy the codes and low the threshold, items without a
    // shared word stay apart: the same theme is not the same proposal.
    let heavy_codes = SynthesisConfig {
        merge_code_weight: 10.0,
        merge_threshold: 0.05,
        ..SynthesisConfig::default()
    };
    let m = study.merge_with(&heavy_codes, &[]);
    assert_eq!(clusters(&m), [vec!["a", "c"], vec!["b"], vec!["d"]]);
}

#[test]
fn uncoded_recommendations_compare_on_wording_only() {
    let recs: &[RecRow] = &[
        (
            "a",
            "G1",
            "fr",
            "Supprimer le Sénat",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
        (
            "b",
            "G2",
            "fr",
            "Supprimer le Sénat et le CESE",
            None,
            None,
            None,
            None,
            None,
            &["institutions"],
        ),
        (
            "c",
            "G2",
            "fr",
            "Rétablir l'ISF",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
        (
            "d",
            "G1",
            "fr",
            "Il faut rétablir l'ISF",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
    ];
    let study = Study::new(recs, &[], &[("institutions", None)]);
    let m = study.merge();
    assert_eq!(clusters(&m), [vec!["a", "b"], vec!["c", "d"]]);
}

#[test]
fn representative_wording_is_the_member_closest_to_the_others() {
    let recs: &[RecRow] = &[
        (
            "a",
            "G1",
            "fr",
            "ouvrir le local le samedi",
            Some(1),
            None,
            None,
            None,
            None,
            &[],
        ),
        (
            "b",
            "G2",
            "fr",
            "ouvrir le local le samedi et le dimanche",
            Some(1),
            None,
            None,
            None,
            None,
            &[],
        ),
        (
            "c",
            "G3",
            "fr",
            "le local ouvert le samedi et le dimanche matin",
            Some(9),
            None,
            None,
            None,
            None,
            &[],
        ),
    ];
    let study = Study::new(recs, &[], &[]);
    let lax = SynthesisConfig {
        merge_threshold: 0.3,
        ..SynthesisConfig::default()
    };
    let m = study.merge_with(&lax, &[]);
    assert_eq!(m.recommendations.height(), 1);
    assert_eq!(
        strs(&m.recommendations, "wording"),
        ["ouvrir le local le samedi et le dimanche"]
    );
    // The kept wording comes first among the members, with similarity 1.
    assert_eq!(strs(&m.members, "segment_id")[0], "b");
    assert_eq!(strs(&m.members, "similarity_to_wording")[0], "1.0");
    // Ties (two identical texts) go to the most votes, then the first.
    let recs: &[RecRow] = &[
        (
            "a",
            "G1",
            "fr",
            "ouvrir le samedi",
            Some(2),
            None,
            None,
            None,
            None,
            &[],
        ),
        (
            "b",
            "G2",
            "fr",
            "Ouvrir le samedi",
            Some(5),
            None,
            None,
            None,
            None,
            &[],
        ),
        (
            "c",
            "G3",
            "fr",
            "ouvrir le samedi",
            Some(5),
            None,
            None,
            None,
            None,
            &[],
        ),
    ];
    let m = Study::new(recs, &[], &[]).merge();
    assert_eq!(strs(&m.recommendations, "wording"), ["Ouvrir le samedi"]);
}

#[test]
fn support_counts_distinct_groups_and_votes_add_up_per_group() {
    let recs: &[RecRow] = &[
        (
            "a",
            "Lille",
            "fr",
            "Baisser le loyer du local",
            Some(4),
            Some("moyenne"),
            None,
            None,
            None,
            &["loyer"],
        ),
        (
            "b",
            "Lille",
            "fr",
            "Baisser le loyer du local rapidement",
            Some(3),
            Some("HAUTE"),
            None,
            None,
            None,
            &["loyer"],
        ),
        (
            "c",
            "Nice",
            "fr",
            "Négocier une baisse du loyer du local",
            None,
            Some("basse"),
            None,
            None,
            None,
            &["loyer"],
        ),
    ];
    let m = Study::new(recs, &[], &[("loyer", None)]).merge();
    let r = &m.recommendations;
    assert_eq!(r.height(), 1);
    assert_eq!(strs(r, "support"), ["2"]);
    assert_eq!(strs(r, "groups"), ["Lille, Nice"]);
    assert_eq!(strs(r, "groups_total"), ["2"]);
    assert_eq!(strs(r, "members"), ["3"]);
    assert_eq!(strs(r, "votes_total"), ["7"]);
    assert_eq!(strs(r, "votes_by_group"), ["Lille: 7"]);
    // The highest priority, as written.
    assert_eq!(strs(r, "priority"), ["HAUTE"]);
    // No votes at all: null total.
    let recs: &[RecRow] = &[(
        "a",
        "G",
        "fr",
        "Baisser le loyer",
        None,
        None,
        None,
        None,
        None,
        &[],
    )];
    let m = Study::new(recs, &[], &[]).merge();
    assert_eq!(strs(&m.recommendations, "votes_total"), ["∅"]);
    assert_eq!(strs(&m.recommendations, "votes_by_group"), [""]);
    assert_eq!(strs(&m.recommendations, "priority"), ["∅"]);
}

#[test]
fn actionability_from_columns_and_from_wording() {
    let recs: &[RecRow] = &[
        // Columns only.
        (
            "a",
            "G1",
            "fr",
            "Installer des cabines",
            None,
            None,
            Some("Comité local"),
            Some("T3 2027"),
            Some("2 cabines"),
            &[],
        ),
        // Wording only, French.
        (
            "b",
            "G1",
            "fr",
            "Que le conseil d'administration ouvre 10 places de crèche d'ici juin 2027",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
        // Wording only, English.
        (
            "c",
            "G1",
            "en",
            "The board cuts fees for 20% of members by Q3 2027",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
        // Owner and deadline, no target.
        (
            "d",
            "G1",
            "fr",
            "Le CA révise les statuts en 2027",
            None,
            None,
            None,
            None,
            None,
            &[],
        ),
        // Placeholders are not values.
        (
            "e",
            "G1",
            "fr",
            "Un annuaire des compétences",
            None,
            None,
            Some("—"),
            Some("-"),
            Some("n/a"),
            &[],
        ),
    ];
    let m = Study::new(recs, &[], &[]).merge();
    let r = &m.recommendations;
    let by_word: BTreeMap<String, (String, String, String, String)> = strs(r, "wording")
        .into_iter()
        .zip(strs(r, "has_owner"))
        .zip(strs(r, "has_target"))
        .zip(strs(r, "has_deadline"))
        .zip(strs(r, "actionable"))
        .map(|((((w, o), t), d), a)| (w[..5].to_owned(), (o, t, d, a)))
        .collect();
    let f = |o: bool, t: bool, d: bool| {
        (
            o.to_string(),
            t.to_string(),
            d.to_string(),
            (o && t && d).to_string(),
        )
    };
    assert_eq!(by_word["Insta"], f(true, true, true));
    assert_eq!(by_word["Que l"], f(true, true, true));
    assert_eq!(by_word["The b"], f(true, true, true));
    assert_eq!(by_word["Le CA"], f(true, false, true));
    assert_eq!(by_word["Un an"], f(false, false, false));
    // Placeholders read as null in the members table.
    let owners = strs(&m.members, "owner");
    assert_eq!(owners.iter().filter(|o| *o == "∅").count(), 4);
}

#[test]
fn ranking_by_support_then_evidence_then_votes_then_order() {
    let recs: &[RecRow] = &[
        (
            "a",
            "G1",
            "fr",
            "alpha bravo",
            Some(1),
            None,
            None,
            None,
            None,
            &["x"],
        ),
        (
            "b",
            "G1",
            "fr",
            "charlie delta",
            Some(50),
            None,
            None,
            None,
            None,
            &["y"],
        ),
        (
            "c",
            "G1",
            "fr",
            "echo foxtrot",
            Some(9),
            None,
            None,
            None,
            None,
            &["y"],
        ),
        (
            "d",
            "G1",
            "fr",
            "golf hotel",
            None,
            None,
            None,
            None,
            None,
            &["y"],
        ),
        (
            "e",
            "G1",
            "fr",
            "india juliet",
            None,
            None,
            None,
            None,
            None,
            &["y"],
        ),
        (
            "f",
            "G2",
            "fr",
            "kilo lima",
            Some(1),
            None,
            None,
            None,
            None,
            &["z"],
        ),
        (
            "g",
            "G3",
            "fr",
            "kilo lima mike",
            Some(1),
            None,
            None,
            None,
            None,
            &["z"],
        ),
    ];
    let others: &[(&str, &str, &[&str])] = &[
        ("t1", "G1", &["x"]),
        ("t2", "G1", &["x"]),
        ("t3", "G1", &["y"]),
    ];
    let study = Study::new(recs, others, &[("x", None), ("y", None), ("z", None)]);
    let m = study.merge();
    let r = &m.recommendations;
    // f+g: two groups first; a: most evidence; then by votes b (50), c
    // (9); then d and e (no votes) in table order.
    let first: Vec<String> = strs(r, "rec_id")
        .iter()
        .map(|id| {
            let ids = strs(&m.members, "rec_id");
            let segs = strs(&m.members, "segment_id");
            ids.iter()
                .zip(&segs)
                .filter(|(r, _)| *r == id)
                .map(|(_, s)| s.clone())
                .min()
                .unwrap()
        })
        .collect();
    assert_eq!(first, ["f", "a", "b", "c", "d", "e"]);
    assert_eq!(strs(r, "rank"), ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(
        strs(r, "rec_id"),
        ["R001", "R002", "R003", "R004", "R005", "R006"]
    );
    assert_eq!(strs(r, "evidence_segments"), ["0", "2", "1", "1", "1", "1"]);
    assert_eq!(strs(r, "evidence_by_group")[0], "G2: 0; G3: 0");
}

#[test]
fn evidence_quotes_per_group_from_the_quotes_frame() {
    let study = coop();
    let quotes = df!(
        "code" => ["cout.tarifs", "cout.tarifs", "cout.tarifs", "cout.tarifs", "cout", "cout.tarifs", "cout.tarifs", "cout.loyer", "acces.horaires", "cout.tarifs"],
        "group" => ["Lille", "Lille", "Lille", "Lille", "Lille", "Marseille", "Marseille", "Marseille", "Marseille", "Bruxelles"],
        "rank" => [2u32, 1, 3, 4, 1, 1, 2, 1, 1, 1],
        "segment_id" => ["lt:2", "lt:1", "lt:5", "lt:6", "lt:3", "mt:1", "mt:1", "mt:9", "mt:2", "bt:1"],
        "key" => [None::<&str>; 10],
        "source_id" => ["s"; 10],
        "participant" => ["p"; 10],
        "line" => [1u64; 10],
        "time_ms" => [None::<u64>; 10],
        "text" => ["t"; 10],
        "score" => [2.0, 3.0, 1.0, 0.5, 9.0, 1.0, 0.9, 1.0, 1.0, 1.0],
    )
    .unwrap();
    let quotes = {
        use crate::rows::Rows;
        QuoteRow::from_frame(&quotes).unwrap()
    };
    let m = study.merge_with(&SynthesisConfig::default(), &quotes);
    let e = &m.evidence;
    let rows: Vec<String> = strs(e, "rec_id")
        .into_iter()
        .zip(strs(e, "group"))
        .zip(strs(e, "segment_id"))
        .zip(strs(e, "rank"))
        .map(|(((r, g), s), k)| format!("{r} {g} {s} {k}"))
        .collect();
    // R001 (cout.tarifs; Lille, Marseille): at most 3 per group, by quote
    // rank; the parent's quote (lt:3) and the sibling's (mt:9) are not
    // about tarifs; mt:1 once; Bruxelles does not support it.
    // R002 (acces.horaires): mt:2 in Marseille. R003 (B1 alone): bt:1.
    assert_eq!(
        rows,
        [
            "R001 Lille lt:1 1",
            "R001 Lille lt:2 2",
            "R001 Lille lt:5 3",
            "R001 Marseille mt:1 1",
            "R002 Marseille mt:2 1",
            "R003 Bruxelles bt:1 1",
        ]
    );
}

#[test]
fn empty_input_gives_empty_frames_with_their_columns() {
    let study = Study::new(&[], &[("t1", "G1", &["x"])], &[("x", None)]);
    let m = study.merge();
    assert_eq!(m.recommendations.height(), 0);
    assert_eq!(
        names(&m.recommendations),
        [
            "rank",
            "rec_id",
            "wording",
            "groups",
            "support",
            "groups_total",
            "votes_total",
            "votes_by_group",
            "priority",
            "priority_level",
            "stance",
            "codes",
            "evidence_segments",
            "evidence_by_group",
            "has_owner",
            "has_target",
            "has_deadline",
            "actionable",
            "members",
            "curated"
        ]
    );
    assert_eq!(
        m.recommendations.column("votes_total").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(
        m.recommendations.column("rank").unwrap().dtype(),
        &DataType::UInt32
    );
    assert_eq!(
        names(&m.members),
        [
            "rec_id",
            "member_id",
            "segment_id",
            "group",
            "text",
            "stance",
            "votes",
            "priority",
            "owner",
            "deadline",
            "indicator",
            "similarity_to_wording"
        ]
    );
    assert_eq!(
        m.members.column("similarity_to_wording").unwrap().dtype(),
        &DataType::Float64
    );
    assert_eq!(
        names(&m.evidence),
        ["rec_id", "group", "segment_id", "rank"]
    );
    assert_eq!(
        m.evidence.column("rank").unwrap().dtype(),
        &DataType::UInt32
    );
    // No segments, no codings, no codes at all.
    let none = Study::new(&[], &[], &[]);
    let empty = DataFrame::empty();
    let config = SynthesisConfig::default();
    let input = Input {
        segments: &none.segments,
        codings: &empty,
        codes: &empty,
        participants: &empty,
        config: &config,
        cache: &crate::synthesis::Cache::default(),
        glossary: None,
        curation: None,
        methods: None,
    };
    let m = Frames::of(&merge(&input, &[]).unwrap());
    assert_eq!(m.recommendations.width(), 20);
    assert_eq!(m.members.height(), 0);
}

#[test]
fn output_is_deterministic() {
    let study = coop();
    let a = study.merge();
    let b = study.merge();
    assert!(a.recommendations.equals_missing(&b.recommendations));
    assert!(a.members.equals_missing(&b.members));
    assert!(a.evidence.equals_missing(&b.evidence));
}

#[test]
fn a_pooled_column_holds_each_value_once_and_every_row() {
    let pool = ["", "Ain (01)", "Nord (59)"];
    let col = taken("group", &pool, [2, 1, 2, 0, 1].into_iter()).unwrap();
    assert_eq!(col.name().as_str(), "group");
    let got: Vec<&str> = col.str().unwrap().iter().map(Option::unwrap).collect();
    assert_eq!(got, ["Nord (59)", "Ain (01)", "Nord (59)", "", "Ain (01)"]);
    let none = taken("group", &[], std::iter::empty()).unwrap();
    assert_eq!((none.len(), none.dtype()), (0, &DataType::String));
}

#[test]
fn the_members_table_carries_the_segments_values_and_blank_fields_as_empty() {
    let recs: &[RecRow] = &[
        (
            "a",
            "Lille",
            "fr",
            "Baisser les tarifs des transports",
            Some(7),
            None,
            Some("  "),
            None,
            None,
            &["cout.tarifs"],
        ),
        (
            "b",
            "Nantes",
            "fr",
            "Réduire le prix des transports",
            None,
            Some("haute"),
            Some("la mairie"),
            None,
            None,
            &["cout.tarifs"],
        ),
    ];
    let m = Study::new(recs, &[], COOP_CODES).merge();
    let row = |id: &str| {
        strs(&m.members, "segment_id")
            .iter()
            .position(|s| s == id)
            .unwrap()
    };
    let (a, b) = (row("a"), row("b"));
    let col = |name: &str| strs(&m.members, name);
    assert_eq!(
        (col("group")[a].as_str(), col("group")[b].as_str()),
        ("Lille", "Nantes")
    );
    assert_eq!(col("text")[b], "Réduire le prix des transports");
    assert_eq!(
        (col("votes")[a].as_str(), col("votes")[b].as_str()),
        ("7", "∅")
    );
    assert_eq!(
        (col("owner")[a].as_str(), col("owner")[b].as_str()),
        ("∅", "la mairie")
    );
    assert_eq!(col("priority")[b], "haute");
    assert_eq!(m.members.column("votes").unwrap().dtype(), &DataType::Int64);
}

#[test]
fn the_merge_reads_the_recommendation_rows_alone_with_strings_of_their_own() {
    let segs = df!(
        "segment_id" => ["s1", "s2", "s3", "s4"],
        "source_id" => ["a", "b", "a", "b"],
        "group" => ["Lille", "Lille", "Nantes", "Nantes"],
        "kind" => ["observation", "recommendation", "observation", "recommendation"],
        "lang" => ["fr", "fr", "fr", "en"],
        "text" => ["une observation assez longue pour un buffer", "ouvrir le samedi matin", "une autre", "open on saturdays"],
        "votes" => [None, Some(3i64), None, None],
        "priority" => [Some("haute"), None, None, Some("high")],
        "owner" => [Some("le CA"), None::<&str>, None, None],
        "deadline" => [None::<&str>, None, None, None],
        "indicator" => [None::<&str>, None, None, None],
    )
    .unwrap();
    let keep: Vec<bool> = [
        "observation",
        "recommendation",
        "observation",
        "recommendation",
    ]
    .iter()
    .map(|k| *k == "recommendation")
    .collect();
    let got = rows_of(&segs, &keep, 2).unwrap();
    assert_eq!(got.height(), 2);
    let names: Vec<&str> = got.columns().iter().map(|c| c.name().as_str()).collect();
    assert_eq!(names, MERGE_COLUMNS);
    assert_eq!(strs(&got, "segment_id"), ["s2", "s4"]);
    assert_eq!(
        strs(&got, "text"),
        ["ouvrir le samedi matin", "open on saturdays"]
    );
    assert_eq!(strs(&got, "priority"), ["∅", "high"]);
    // The owner of the observation is not a recommendation's: none left.
    for empty in ["owner", "deadline", "indicator"] {
        let c = got.column(empty).unwrap();
        assert_eq!(
            (c.dtype(), c.null_count()),
            (&DataType::String, 2),
            "{empty}"
        );
    }
    assert_eq!(
        got.column("votes")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [Some(3), None]
    );
}
