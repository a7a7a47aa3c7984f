//! Regression tests of the cases measured on real consultation data: stance,
//! non-proposals, merging across languages, and the consultant's curation.

use super::tests::{COOP_CODES, RecRow, Study, clusters, coop, strs};
use super::wording::Vocabulary;
use super::*;
use crate::synthesis::SynthesisConfig;

/// An uncoded French recommendation of one group.
fn fr<'a>(id: &'a str, group: &'a str, text: &'a str) -> RecRow<'a> {
    (id, group, "fr", text, None, None, None, None, None, &[])
}

/// The similarity of texts `a` and `b` of `texts` (French) without their
/// stances: what the merge would see if stance did not veto.
fn wording_only(texts: &[&str], a: usize, b: usize) -> f64 {
    let mut v = Vocabulary::default();
    let items = texts
        .iter()
        .map(|t| Item::new(v.sequence(t, "fr"), Vec::new()))
        .collect();
    Space::new(items, v.names.len(), 2.0).similarity(a, b)
}

/// Other proposals of the study, so that the action verbs are as common
/// as they are in a real consultation and the objects rare.
const BACKGROUND: &[&str] = &[
    "Rétablir la police de proximité",
    "Rétablir le service militaire",
    "Supprimer les niches fiscales",
    "Supprimer la taxe d'habitation",
    "Supprimer les privilèges des anciens présidents",
    "Garder les petites écoles",
    "Garder les bureaux de poste",
    "Mettre en place des circuits courts",
    "Mettre en place une taxe carbone",
    "Instaurer le vote obligatoire",
    "Instaurer une journée citoyenne",
    "Plus de transports en commun",
    "Pas de fermeture de classes",
];

/// The opposite-stance pairs the issue measured merged, with real wordings
/// of Grand Débat proposals. Each pair is similar enough to merge on its
/// wording; the stance keeps it apart, while a same-stance paraphrase
/// still merges.
#[test]
fn opposite_stances_on_the_same_object_never_merge() {
    let cases = [
        // The wealth tax: restore versus abolish.
        (
            "Rétablir l'ISF",
            "Supprimer l'ISF",
            "Rétablissement de l'ISF",
        ),
        // The citizens' initiative referendum: for versus against.
        (
            "Mettre en place le RIC",
            "Le RIC n'est pas souhaitable",
            "Instaurer le RIC",
        ),
        // The Senate: abolish versus keep.
        (
            "Supprimer le Sénat",
            "Garder le Sénat",
            "Suppression du Sénat",
        ),
        // Proportional representation: more versus none.
        (
            "Plus de proportionnelle aux élections législatives",
            "Pas de proportionnelle aux élections législatives",
            "Davantage de proportionnelle aux élections législatives",
        ),
    ];
    let threshold = SynthesisConfig::default().merge_threshold;
    for (yes, no, same) in cases {
        let mut recs = vec![fr("a", "G1", yes), fr("b", "G2", no), fr("c", "G3", same)];
        let ids: Vec<String> = (0..BACKGROUND.len()).map(|i| format!("x{i:02}")).collect();
        for (i, t) in BACKGROUND.iter().enumerate() {
            recs.push(fr(&ids[i], "G4", t));
        }
        let m = Study::new(&recs, &[], &[]).merge();
        let got = clusters(&m);
        let of = |seg: &str| {
            got.iter()
                .find(|c| c.iter().any(|s| s == seg))
                .unwrap()
                .clone()
        };
        assert_eq!(of("a"), ["a", "c"], "{yes} / {same}");
        assert_eq!(of("b"), ["b"], "{yes} / {no}");
        let (segs, stances) = (strs(&m.members, "segment_id"), strs(&m.members, "stance"));
        let stance = |seg: &str| stances[segs.iter().position(|s| s == seg).unwrap()].clone();
        let mut pair = [stance("a"), stance("b")];
        pair.sort();
        assert_eq!(pair, ["against", "for"], "{yes} / {no}");
        // Without its stance the opposite item would have merged (the
        // negated proportionnelle differs in its words already).
        if !no.starts_with("Pas de") {
            let texts: Vec<&str> = [yes, no]
                .into_iter()
                .chain(BACKGROUND.iter().copied())
                .collect();
            assert!(wording_only(&texts, 0, 1) >= threshold, "{yes} / {no}");
        }
    }
}

/// Pointers, placeholders and bare headings are set aside with their
/// reason; they support nothing and never reach the board table, however
/// many groups wrote them.
#[test]
fn non_proposals_are_counted_apart_and_never_ranked() {
    let recs = [
        fr("a1", "G1", "voir compte rendu"),
        fr("a2", "G2", "Voir compte-rendu"),
        fr("a3", "G3", "cf. compte rendu"),
        fr("a4", "G4", "Voir le CR"),
        fr("b1", "G1", "RAS"),
        fr("b2", "G2", "néant"),
        fr("b3", "G3", "idem"),
        fr("c1", "G4", "#Fiscalité et dépenses publiques"),
        fr("c2", "G1", "Démocratie et citoyenneté :"),
        fr("p1", "G1", "Rétablir l'ISF"),
        fr("p2", "G2", "Rétablissement de l'ISF"),
    ];
    let codes: &[(&str, Option<&str>)] = &[
        ("Fiscalité et dépenses publiques", None),
        ("Démocratie et citoyenneté", None),
    ];
    let m = Study::new(&recs, &[], codes).merge();
    assert_eq!(clusters(&m), [vec!["p1", "p2"]]);
    assert_eq!(strs(&m.recommendations, "support"), ["2"]);
    let set_aside: Vec<(&str, &str)> = m
        .non_proposals
        .iter()
        .map(|r| (r.segment_id.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        set_aside,
        [
            ("a1", "pointer"),
            ("a2", "pointer"),
            ("a3", "pointer"),
            ("a4", "pointer"),
            ("b1", "placeholder"),
            ("b2", "placeholder"),
            ("b3", "placeholder"),
            ("c1", "heading"),
            ("c2", "heading"),
        ]
    );
    // A study's own pattern sets its items aside too.
    let config = SynthesisConfig {
        non_proposals: vec!["^isf$".into(), "rétablissement".into()],
        ..SynthesisConfig::default()
    };
    let m = Study::new(&recs, &[], codes).merge_with(&config, &[]);
    assert_eq!(clusters(&m), [vec!["p1"]]);
    assert_eq!(m.non_proposals.last().unwrap().reason, "pattern");
}

/// The example study's glossary.
fn coop_glossary() -> crate::coding::Coder {
    let text = include_str!("../../../fixtures/coop-workspaces/glossary.toml");
    let (cb, diags) = crate::codebook::formats::native::read(text);
    assert!(diags.is_empty(), "{diags:?}");
    crate::coding::Coder::compile(&cb.unwrap()).unwrap()
}

/// With the example study's glossary the three English recommendations
/// join their French equivalents (B1 → A, B2 → B, B3 + L4 → C), and the
/// crèche partnership stays apart from the children's corner.
#[test]
fn a_glossary_merges_the_example_study_across_languages() {
    let glossary = coop_glossary();
    let study = coop();
    let m = study.merge_full(&SynthesisConfig::default(), &[], Some(&glossary), None);
    let merged: Vec<Vec<String>> = clusters(&m).into_iter().filter(|c| c.len() > 1).collect();
    assert_eq!(
        merged,
        [
            vec!["B1", "L1", "M1"],
            vec!["B2", "L3", "M3"],
            vec!["B3", "L4"]
        ]
    );
    let r = &m.recommendations;
    assert_eq!(strs(r, "support")[..3], ["3", "3", "2"]);
    // The board reads the study's language.
    assert_eq!(
        strs(r, "wording")[0],
        "Mettre en place un tarif solidaire modulé selon les revenus des membres"
    );
    // haute and high are one level; the first written is kept.
    assert_eq!(strs(r, "priority")[0], "haute");
    let members = strs(&m.members, "segment_id");
    let rec_of = strs(&m.members, "rec_id");
    let rec = |seg: &str| rec_of[members.iter().position(|s| s == seg).unwrap()].clone();
    assert_ne!(rec("M2"), rec("M6"));
    // Without the glossary, French-only merging (the README's 14 items).
    let plain = study.merge();
    assert_eq!(plain.recommendations.height(), 14);
    assert_eq!(m.recommendations.height(), 11);
    assert!(COOP_CODES.iter().any(|c| c.0 == "garde"));
}

/// The consultant forces two members apart, two others together, rewords
/// one merged recommendation and sets a member aside; the merge follows,
/// and marks what it changed.
#[test]
fn curation_forces_members_together_and_apart_and_rewords() {
    let study = coop();
    let auto = study.merge();
    let ids = strs(&auto.members, "member_id");
    let segs = strs(&auto.members, "segment_id");
    let id = |seg: &str| ids[segs.iter().position(|s| s == seg).unwrap()].clone();
    let csv = format!(
        "cluster,member_id,text,proposal,wording\n\
         A,{},x,,Moduler les tarifs selon les revenus\n\
         B,{},x,,\n\
         C,{},x,,\n\
         C,{},x,,\n\
         D,{},x,no,\n",
        id("L1"),
        id("M1"),
        id("M2"),
        id("M6"),
        id("L5"),
    );
    let curation = curation::parse("curation.csv", &csv).unwrap();
    let m = study.merge_full(&SynthesisConfig::default(), &[], None, Some(&curation));
    let got = clusters(&m);
    let of = |seg: &str| {
        got.iter()
            .find(|c| c.iter().any(|s| s == seg))
            .unwrap()
            .clone()
    };
    // Apart: L1 and M1; together: M2 and M6; L3 + M3 untouched.
    assert_eq!(of("L1"), ["L1"]);
    assert_eq!(of("M1"), ["M1"]);
    assert_eq!(of("M2"), ["M2", "M6"]);
    assert_eq!(of("L3"), ["L3", "M3"]);
    assert!(
        m.non_proposals
            .iter()
            .any(|r| r.segment_id == "L5" && r.reason == "curated")
    );
    let r = &m.recommendations;
    let wording = strs(r, "wording");
    let curated = strs(r, "curated");
    let at = wording
        .iter()
        .position(|w| w == "Moduler les tarifs selon les revenus")
        .unwrap();
    assert_eq!(curated[at], "true");
    // The untouched merge is not marked.
    let at = wording
        .iter()
        .position(|w| w.starts_with("Élargir les horaires"))
        .unwrap();
    assert_eq!(curated[at], "false");
    // The same curation gives the same result.
    let again = study.merge_full(&SynthesisConfig::default(), &[], None, Some(&curation));
    assert_eq!(clusters(&again), got);
}
