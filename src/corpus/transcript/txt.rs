//! Plain-text transcripts: each line through the turn builder (the tests
//! here hold the speaker-label rule of `labels` on whole files).

use super::split_lines;
use super::turns::{Line, segments_from_lines};
use crate::corpus::model::RawSegment;

/// Parses a plain-text transcript.
pub(super) fn parse(text: &str) -> Vec<RawSegment> {
    let lines: Vec<Line> = split_lines(text)
        .into_iter()
        .enumerate()
        .map(|(i, text)| Line {
            number: i as u64 + 1,
            text,
        })
        .collect();
    segments_from_lines(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::model::SegmentKind;

    /// (speaker, text, line, time): what a segment must hold.
    type Want<'a> = (Option<&'a str>, &'a str, u64, Option<u64>);

    fn check(input: &str, want: &[Want]) {
        let got = parse(input);
        let got: Vec<Want> = got
            .iter()
            .map(|s| {
                let kind = if s.speaker.is_some() {
                    SegmentKind::Turn
                } else {
                    SegmentKind::Paragraph
                };
                assert_eq!(s.kind, kind, "{input:?}");
                (
                    s.speaker.as_deref(),
                    s.text.as_str(),
                    s.line.unwrap_or(0),
                    s.time_ms,
                )
            })
            .collect();
        assert_eq!(got, want, "input: {input:?}");
    }

    /// QualCoder's example transcript.txt (MIT), verbatim.
    const QUALCODER: &str = "[id1] hello, I like the course. It really helped me with understanding world history and gave me an insight into how complicated life really was back then in earlier ages.

[id2] I am struggling with the lecture slides. I fould that they were too busy and I switched off.

[id3] No. I think the slides are OK but I dont like all the assignments. I think ther were too many for the short semester period. And they were too long.

[id1] I am learning a lot and it is presented easily for me. Yes there was too much needed for the wrtitten assignments. But even so, it did make me work hard to learn about the different periods of history. I think it paid off.

[id3] yes, I am learning a lot as well. It's a good course overall

[id1] yes I agree, it will be good for my career at the museum.

[id2] Hmm, I will ask the tutor for more help as I am really struggling.";

    #[test]
    fn qualcoder_sample() {
        let segs = parse(QUALCODER);
        let speakers: Vec<&str> = segs.iter().filter_map(|s| s.speaker.as_deref()).collect();
        assert_eq!(speakers, ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]);
        let lines: Vec<u64> = segs.iter().filter_map(|s| s.line).collect();
        assert_eq!(lines, [1, 3, 5, 7, 9, 11, 13]);
        assert!(segs[0].text.starts_with("hello, I like"));
        assert_eq!(
            segs[6].text,
            "Hmm, I will ask the tutor for more help as I am really struggling."
        );
        assert!(segs.iter().all(|s| s.kind == SegmentKind::Turn));
    }

    #[test]
    fn labels_and_paragraphs() {
        let cases: &[(&str, &[Want])] = &[
            (
                "Ana: Bonjour.\nBob: Salut.\nAna: Voici le problème: il faut partir.\n",
                &[
                    (Some("Ana"), "Bonjour.", 1, None),
                    (Some("Bob"), "Salut.", 2, None),
                    (Some("Ana"), "Voici le problème: il faut partir.", 3, None),
                ],
            ),
            (
                "Voici le problème: il faut du temps.\nSuite de la phrase.\n\nDeuxième paragraphe.",
                &[
                    (
                        None,
                        "Voici le problème: il faut du temps. Suite de la phrase.",
                        1,
                        None,
                    ),
                    (None, "Deuxième paragraphe.", 4, None),
                ],
            ),
            (
                "Réunion du 3 mars\nà Lyon\n\nAna: hi\nBob: yo",
                &[
                    (None, "Réunion du 3 mars à Lyon", 1, None),
                    (Some("Ana"), "hi", 4, None),
                    (Some("Bob"), "yo", 5, None),
                ],
            ),
            (
                "Ana: one\n  two\n\nthree\n\n\nBob: x",
                &[
                    (Some("Ana"), "one two\nthree", 1, None),
                    (Some("Bob"), "x", 7, None),
                ],
            ),
            (
                "Ana: a\r\nb\r\rBob: c\r",
                &[(Some("Ana"), "a b", 1, None), (Some("Bob"), "c", 4, None)],
            ),
            (
                "Ana :\u{a0}bonjour\nJean-Pierre d'Arc : salut",
                &[
                    (Some("Ana"), "bonjour", 1, None),
                    (Some("Jean-Pierre d'Arc"), "salut", 2, None),
                ],
            ),
            (
                "**Ana:** hi\n**Bob Lee**: yo",
                &[
                    (Some("Ana"), "hi", 1, None),
                    (Some("Bob Lee"), "yo", 2, None),
                ],
            ),
            // A lone capitalised label in prose is not enough.
            ("Résultat: rien.", &[(None, "Résultat: rien.", 1, None)]),
            ("Ana: bonjour", &[(None, "Ana: bonjour", 1, None)]),
            // Ids and roles are enough on their own.
            ("P1: bonjour", &[(Some("P1"), "bonjour", 1, None)]),
            (
                "Interviewer: why?",
                &[(Some("Interviewer"), "why?", 1, None)],
            ),
            // Lower-case labels need to recur.
            (
                "ana: one\nbob: two\nana: three\nbob: four",
                &[
                    (Some("ana"), "one", 1, None),
                    (Some("bob"), "two", 2, None),
                    (Some("ana"), "three", 3, None),
                    (Some("bob"), "four", 4, None),
                ],
            ),
            // Stop words, URLs, clock times and long sentences stay text.
            (
                "Note: lire ceci\nvoir http://example.org\n10:30 réunion\nhttps: //x\nIl y a une chose importante à dire: voilà",
                &[(
                    None,
                    "Note: lire ceci voir http://example.org 10:30 réunion https: //x Il y a une chose importante à dire: voilà",
                    1,
                    None,
                )],
            ),
            (
                "[laughs] so funny\n[Rires] encore\n[Ana] ok",
                &[
                    (None, "[laughs] so funny [Rires] encore", 1, None),
                    (Some("Ana"), "ok", 3, None),
                ],
            ),
            // A label with no text takes the following lines.
            (
                "Ana:\nbonjour\n\nBob:\n\nsalut\n",
                &[
                    (Some("Ana"), "bonjour", 1, None),
                    (Some("Bob"), "salut", 4, None),
                ],
            ),
            // Empty turns are skipped.
            ("P1:\nP2: yo", &[(Some("P2"), "yo", 2, None)]),
        ];
        for (input, want) in cases {
            check(input, want);
        }
    }

    #[test]
    fn caps_dot_labels() {
        let cases: &[(&str, &[Want])] = &[
            (
                "M. LE PRÉSIDENT. La séance est ouverte.\nMme Corinne Narassiguin. Monsieur le président.\nM. le président. Merci.\nMme la garde des sceaux. Oui.",
                &[
                    (Some("M. LE PRÉSIDENT"), "La séance est ouverte.", 1, None),
                    (
                        Some("Mme Corinne Narassiguin"),
                        "Monsieur le président.",
                        2,
                        None,
                    ),
                    (Some("M. le président"), "Merci.", 3, None),
                    (Some("Mme la garde des sceaux"), "Oui.", 4, None),
                ],
            ),
            (
                "HAMLET. To be\nor not.\nOPHÉLIE. Hi\nHAMLET. Yes\nOPHÉLIE. Bye",
                &[
                    (Some("HAMLET"), "To be or not.", 1, None),
                    (Some("OPHÉLIE"), "Hi", 3, None),
                    (Some("HAMLET"), "Yes", 4, None),
                    (Some("OPHÉLIE"), "Bye", 5, None),
                ],
            ),
            // A one-off all-caps word without a civility prefix is text.
            (
                "Bonjour.\nNOTA BENE. Rien.",
                &[(None, "Bonjour. NOTA BENE. Rien.", 1, None)],
            ),
            (
                "I. Introduction\nII. Méthode\nII. Suite\nA. Plan\nOK. Fine.\nOK. Again.",
                &[(
                    None,
                    "I. Introduction II. Méthode II. Suite A. Plan OK. Fine. OK. Again.",
                    1,
                    None,
                )],
            ),
            (
                "M. Dupont est venu. Il a parlé.",
                &[(None, "M. Dupont est venu. Il a parlé.", 1, None)],
            ),
        ];
        for (input, want) in cases {
            check(input, want);
        }
    }

    #[test]
    fn congressional_record_labels() {
        // Lines as in the Congressional Record (CREC-2005-07-20), shortened.
        let input = "The Acting CHAIRMAN. The Clerk will designate the amendment.
Mr. SMITH of New Jersey. Mr. Chairman, I rise in support.
The Acting CHAIRMAN (Mr. Shaw). It is now in order.
Miss McMORRIS. Mr. Chairman, I offer an amendment.
The Acting CHAIRMAN. The question is on the amendment.
The Acting CHAIRMAN (Mr. Shaw). The amendment is agreed to.";
        check(
            input,
            &[
                (
                    Some("The Acting CHAIRMAN"),
                    "The Clerk will designate the amendment.",
                    1,
                    None,
                ),
                (
                    Some("Mr. SMITH of New Jersey"),
                    "Mr. Chairman, I rise in support.",
                    2,
                    None,
                ),
                (
                    Some("The Acting CHAIRMAN (Mr. Shaw)"),
                    "It is now in order.",
                    3,
                    None,
                ),
                (
                    Some("Miss McMORRIS"),
                    "Mr. Chairman, I offer an amendment.",
                    4,
                    None,
                ),
                (
                    Some("The Acting CHAIRMAN"),
                    "The question is on the amendment.",
                    5,
                    None,
                ),
                (
                    Some("The Acting CHAIRMAN (Mr. Shaw)"),
                    "The amendment is agreed to.",
                    6,
                    None,
                ),
            ],
        );
    }

    #[test]
    fn timestamps() {
        let cases: &[(&str, &[Want])] = &[
            (
                "[00:00:05] Ana: hi\nBob (00:01:02): yo\n[00:02:00]\nAna: later\n00:03:00 - Bob: bare\n[Ana] [01:02] bracket\nAna: [00:04:28] after",
                &[
                    (Some("Ana"), "hi", 1, Some(5_000)),
                    (Some("Bob"), "yo", 2, Some(62_000)),
                    (Some("Ana"), "later", 4, Some(120_000)),
                    (Some("Bob"), "bare", 5, Some(180_000)),
                    (Some("Ana"), "bracket", 6, Some(62_000)),
                    (Some("Ana"), "after", 7, Some(268_000)),
                ],
            ),
            (
                "Ana: a\n[00:01:00]\nstill Ana\n(00:02:00) and again\nBob: b",
                &[
                    (Some("Ana"), "a", 1, None),
                    (Some("Ana"), "still Ana", 3, Some(60_000)),
                    (Some("Ana"), "and again", 4, Some(120_000)),
                    (Some("Bob"), "b", 5, None),
                ],
            ),
            (
                "[00:00:01] Bonjour à tous.\n[00:00:05] Merci d'être venus.",
                &[
                    (None, "Bonjour à tous.", 1, Some(1_000)),
                    (None, "Merci d'être venus.", 2, Some(5_000)),
                ],
            ),
            (
                "Speaker 1  0:03\nHello there.\n\nAna Lopez  0:10\nHi.\nmore\n\nSpeaker 1  1:02:03\nBye.",
                &[
                    (Some("Speaker 1"), "Hello there.", 1, Some(3_000)),
                    (Some("Ana Lopez"), "Hi. more", 4, Some(10_000)),
                    (Some("Speaker 1"), "Bye.", 8, Some(3_723_000)),
                ],
            ),
        ];
        for (input, want) in cases {
            check(input, want);
        }
    }
}
