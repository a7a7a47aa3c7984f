//! Writes the workshop-method files of the example study
//! (`fixtures/coop-workspaces`), byte for byte:
//!
//! - `lille/atelier-swot-empathie.xlsx`: the Lille facilitator's workbook,
//!   a sheet `SWOT` with one column per quadrant and a sheet `Carte
//!   d'empathie` with one column per area;
//! - `marseille/swot-post-it.csv`: the Marseille SWOT board exported as
//!   sticky notes (`Content,Frame,Author,Color,Votes,Created`, the frame is
//!   the quadrant, dot votes counted);
//! - `bruxelles/empathy-map-miro.json`: the Brussels empathy map as the
//!   Miro REST API returns the board's items (`GET
//!   /v2/boards/{id}/items?limit=20`, two pages saved as one JSON list),
//!   frames for the areas and small circles for the dot votes.
//!
//! `cargo run --example make_workshop_fixtures [DIR]` (default: the
//! example study's folder). Content invented for the project (MIT).

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use serde_json::{Value, json};

/// The Lille SWOT, as the facilitator typed it after the meeting: one
/// column per quadrant, one item per cell.
const LILLE_SWOT: [(&str, &[&str]); 4] = [
    (
        "Forces",
        &[
            "Matériel de qualité, écrans 27 pouces, traceur A3 et fibre",
            "L'accueil assuré chaque jour par un salarié du lieu",
            "Le modèle coopératif rassure les membres",
            "Fréquentation correcte le mardi et le jeudi",
        ],
    ),
    (
        "Faiblesses",
        &[
            "Prix du poste fixe trop élevé les mois creux (180 € par mois)",
            "Fermeture à 19 h et local fermé le samedi",
            "Le bruit de l'open space pendant les appels",
            "Trajet d'une heure depuis Villeneuve-d'Ascq pendant les travaux du métro",
        ],
    ),
    (
        "Opportunités",
        &[
            "Le conseil est prêt à revoir les tarifs selon les revenus",
            "Mutualiser un tarif avec le tiers-lieu partenaire de Roubaix",
            "Ouvrir le samedi matin avec des membres référents",
        ],
    ),
    (
        "Menaces",
        &[
            "Le loyer du local risque d'augmenter quand le bail sera renégocié en 2027",
            "Les tiers-lieux de la métropole proposent des prix plus bas",
            "La fréquentation baisse tant que durent les travaux du métro",
        ],
    ),
];

/// The Lille empathy map of "the freelance member who rents a desk".
const LILLE_EMPATHY: [(&str, &[&str]); 6] = [
    (
        "Dit",
        &[
            "« Le tarif est correct, mais les mois creux ça pèse lourd »",
            "« Je viens pour l'écran et la fibre, pas pour la compagnie »",
        ],
    ),
    (
        "Pense",
        &[
            "Un deuxième loyer pour un bureau, il faut que ça vaille le coup",
            "Je ne suis pas isolée, je viens pour recevoir mes clients",
        ],
    ),
    (
        "Fait",
        &[
            "Vient surtout le mardi et le jeudi",
            "Sort dans le couloir pour passer ses appels",
            "Travaille avec un casque antibruit",
        ],
    ),
    (
        "Ressent",
        &[
            "De l'agacement quand le local ferme à 19 h",
            "De la fierté de travailler dans un lieu coopératif",
        ],
    ),
    (
        "Douleurs",
        &[
            "Le bruit des appels dans l'open space",
            "Le prix du poste fixe les mois creux",
            "Une heure de trajet avec les travaux du métro",
            "Le local fermé le samedi",
        ],
    ),
    (
        "Gains",
        &[
            "Un écran 27 pouces, la fibre et une vraie chaise",
            "Recevoir ses clients dans un endroit correct",
        ],
    ),
];

/// The Marseille SWOT board: (text, frame, author, colour, votes, time).
/// Three dots per participant (15 in all).
const MARSEILLE_SWOT: &[(&str, &str, &str, &str, u32, &str)] = &[
    (
        "Les rencontres du jeudi midi entre membres",
        "Forces",
        "Inès Bouzid",
        "light_green",
        2,
        "10:31:04",
    ),
    (
        "La terrasse et le café partagé, là où on se parle vraiment",
        "Forces",
        "Lucas Martin",
        "light_green",
        1,
        "10:31:40",
    ),
    (
        "À 5 minutes à pied du métro Joliette",
        "Forces",
        "Jean-Marc Rossi",
        "light_green",
        0,
        "10:32:12",
    ),
    (
        "Le modèle coopératif, les membres décident ensemble",
        "Forces",
        "Jean-Marc Rossi",
        "light_green",
        0,
        "10:32:55",
    ),
    (
        "Prix trop élevé pour qui démarre son activité (160 €/mois)",
        "Faiblesses",
        "Lucas Martin",
        "red",
        3,
        "10:34:20",
    ),
    (
        "Fermé à 18 h 30 et le samedi, impossible de venir après l'école",
        "Faiblesses",
        "Fatou Diallo",
        "red",
        2,
        "10:34:51",
    ),
    (
        "Trajet long depuis Aubagne ou Aix, aucune navette",
        "Faiblesses",
        "Sébastien Girard",
        "red",
        1,
        "10:35:30",
    ),
    (
        "Le wifi décroche dans la grande salle",
        "Faiblesses",
        "Sébastien Girard",
        "red",
        0,
        "10:36:02",
    ),
    (
        "Aucune solution de garde d'enfants le mercredi",
        "Faiblesses",
        "Fatou Diallo",
        "red",
        0,
        "10:36:44",
    ),
    (
        "Un tarif social selon les revenus pour les jeunes indépendants",
        "Opportunités",
        "Jean-Marc Rossi",
        "light_blue",
        3,
        "10:39:10",
    ),
    (
        "Partenariat possible avec la crèche associative de la rue de la République",
        "Opportunités",
        "Fatou Diallo",
        "light_blue",
        1,
        "10:39:48",
    ),
    (
        "Négocier une navette avec les autres occupants de l'immeuble",
        "Opportunités",
        "Lucas Martin",
        "light_blue",
        0,
        "10:40:25",
    ),
    (
        "Le propriétaire annonce une hausse du loyer à la fin du bail, en 2027",
        "Menaces",
        "Jean-Marc Rossi",
        "orange",
        2,
        "10:42:03",
    ),
    (
        "Des coworkings privés s'installent à la Joliette, moins chers la première année",
        "Menaces",
        "Inès Bouzid",
        "orange",
        0,
        "10:42:41",
    ),
    (
        "Le départ des membres fondateurs, sans relève pour animer le lieu",
        "Menaces",
        "Inès Bouzid",
        "orange",
        0,
        "10:43:19",
    ),
];

/// A frame of a board: its title, the colour of its notes, and its notes
/// (text, dot votes).
type Frame = (&'static str, &'static str, &'static [(&'static str, u32)]);

/// The Brussels empathy map.
const BRUXELLES_EMPATHY: [Frame; 6] = [
    (
        "Says",
        "light_yellow",
        &[
            ("“I come for the people, for the community”", 0),
            ("“The price is the main reason I don’t come more often”", 0),
        ],
    ),
    (
        "Thinks",
        "light_yellow",
        &[
            ("Working from home, I felt isolated after a while", 0),
            ("Income-based fees would keep younger members", 0),
        ],
    ),
    (
        "Does",
        "light_yellow",
        &[
            ("Takes client calls in the kitchen", 0),
            ("Checks the shared spreadsheet, then comes anyway", 0),
            ("Comes from Leuven by train, only for full days", 0),
        ],
    ),
    (
        "Feels",
        "light_yellow",
        &[
            ("Annoyed when there is no desk left", 0),
            ("Relieved to talk to someone after a day of editing", 0),
        ],
    ),
    (
        "Pains",
        "light_pink",
        &[
            ("Noise and calls in the open space", 3),
            ("The price of a fixed desk for people starting out", 2),
            ("Closed on Saturdays and after 7 pm", 1),
            ("No desk left when I arrive", 1),
        ],
    ),
    (
        "Gains",
        "light_green",
        &[
            ("People to talk to, a real community", 3),
            ("A proper desk and a good connection", 2),
            ("The tram stops right outside", 0),
            ("Clients met in a professional place", 0),
        ],
    ),
];

/// Miro user ids of the Brussels participants who wrote the notes.
const BRUXELLES_USERS: [&str; 5] = [
    "3458764521093011001",
    "3458764521093011002",
    "3458764521093011003",
    "3458764521093011004",
    "3458764521093011005",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir: PathBuf = std::env::args_os().nth(1).map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join("coop-workspaces")
        },
        PathBuf::from,
    );
    std::fs::write(dir.join("lille/atelier-swot-empathie.xlsx"), lille_xlsx()?)?;
    std::fs::write(dir.join("marseille/swot-post-it.csv"), marseille_csv())?;
    std::fs::write(
        dir.join("bruxelles/empathy-map-miro.json"),
        bruxelles_json()?,
    )?;
    println!("workshop fixtures written under {}", dir.display());
    Ok(())
}

/// One sheet with a column per part, a bold frozen header, wrapped cells.
fn part_sheet(wb: &mut Workbook, name: &str, parts: &[(&str, &[&str])]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let header = Format::new().set_bold().set_background_color(0xDDEBF7);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (c, (part, items)) in parts.iter().enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, *part, &header)?;
        ws.set_column_width(col, 34)?;
        for (r, item) in items.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, col, *item, &wrap)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn lille_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("Atelier du 12 mars 2026 — groupe de Lille")
            .set_author("Animatrice")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 3, 13)?),
    );
    part_sheet(&mut wb, "SWOT", &LILLE_SWOT)?;
    part_sheet(&mut wb, "Carte d'empathie", &LILLE_EMPATHY)?;
    wb.save_to_buffer()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', ':']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn marseille_csv() -> String {
    let mut out = String::from("Content,Frame,Author,Color,Votes,Created\n");
    for (text, frame, author, colour, votes, time) in MARSEILLE_SWOT {
        out.push_str(&format!(
            "{},{},{},{},{},2026-03-19T{}Z\n",
            csv_field(text),
            csv_field(frame),
            csv_field(author),
            colour,
            votes,
            time
        ));
    }
    out
}

/// The board's items in the order the API lists them: frames, then each
/// frame's notes, then the dots; ids and timestamps fixed.
fn bruxelles_json() -> Result<String, serde_json::Error> {
    let mut items: Vec<Value> = Vec::new();
    let mut dots: Vec<Value> = Vec::new();
    let mut next = 3458764600112233000u64;
    let mut id = || {
        next += 1;
        next.to_string()
    };
    let stamp = |m: u32| format!("2026-03-26T17:{m:02}:00Z");
    let (frame_w, frame_h, note) = (720.0, 560.0, 200.0);
    let mut notes: Vec<Value> = Vec::new();
    let mut minute = 10;
    for (k, (title, colour, stickies)) in BRUXELLES_EMPATHY.iter().enumerate() {
        let frame_id = id();
        let (col, row) = (k % 3, k / 3);
        items.push(json!({
            "id": frame_id,
            "type": "frame",
            "data": {"format": "custom", "showContent": true, "title": title, "type": "freeform"},
            "style": {"fillColor": "#ffffffff"},
            "geometry": {"width": frame_w, "height": frame_h},
            "position": {"x": col as f64 * 800.0, "y": row as f64 * 640.0, "origin": "center", "relativeTo": "canvas_center"},
            "createdAt": stamp(minute),
            "createdBy": {"id": BRUXELLES_USERS[0], "type": "user"},
            "modifiedAt": stamp(minute),
            "modifiedBy": {"id": BRUXELLES_USERS[0], "type": "user"},
            "links": {"self": format!("https://api.miro.com/v2/boards/uXjVKq7x0Bw=/frames/{frame_id}")}
        }));
        for (n, (text, votes)) in stickies.iter().enumerate() {
            minute += 1;
            let note_id = id();
            let (x, y) = (
                140.0 + (n % 3) as f64 * 220.0,
                150.0 + (n / 3) as f64 * 260.0,
            );
            let author = BRUXELLES_USERS[(k + n) % BRUXELLES_USERS.len()];
            let html = format!(
                "<p>{}</p>",
                text.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            );
            notes.push(json!({
                "id": note_id,
                "type": "sticky_note",
                "data": {"content": html, "shape": "square"},
                "style": {"fillColor": colour, "textAlign": "center", "textAlignVertical": "top"},
                "geometry": {"width": note, "height": note * 1.14},
                "position": {"x": x, "y": y, "origin": "center", "relativeTo": "parent_top_left"},
                "parent": {"id": frame_id},
                "createdAt": stamp(minute),
                "createdBy": {"id": author, "type": "user"},
                "modifiedAt": stamp(minute),
                "modifiedBy": {"id": author, "type": "user"},
                "links": {"self": format!("https://api.miro.com/v2/boards/uXjVKq7x0Bw=/sticky_notes/{note_id}")}
            }));
            for d in 0..*votes {
                let dot_id = id();
                dots.push(json!({
                    "id": dot_id,
                    "type": "shape",
                    "data": {"content": "", "shape": "circle"},
                    "style": {"fillColor": "#2d9bf0", "borderColor": "#2d9bf0", "borderWidth": "1.0"},
                    "geometry": {"width": 24.0, "height": 24.0},
                    "position": {"x": x - 60.0 + f64::from(d) * 30.0, "y": y + 80.0, "origin": "center", "relativeTo": "parent_top_left"},
                    "parent": {"id": frame_id},
                    "createdAt": "2026-03-26T18:05:00Z",
                    "createdBy": {"id": BRUXELLES_USERS[d as usize % BRUXELLES_USERS.len()], "type": "user"},
                    "modifiedAt": "2026-03-26T18:05:00Z",
                    "modifiedBy": {"id": BRUXELLES_USERS[d as usize % BRUXELLES_USERS.len()], "type": "user"},
                    "links": {"self": format!("https://api.miro.com/v2/boards/uXjVKq7x0Bw=/shapes/{dot_id}")}
                }));
            }
        }
    }
    items.extend(notes);
    items.push(json!({
        "id": id(),
        "type": "text",
        "data": {"content": "<p><strong>Empathy map</strong> — Brussels members, 26 March 2026</p>"},
        "style": {"fontSize": "36"},
        "position": {"x": 800.0, "y": -420.0, "origin": "center", "relativeTo": "canvas_center"},
        "createdAt": stamp(9),
        "createdBy": {"id": BRUXELLES_USERS[3], "type": "user"}
    }));
    items.extend(dots);
    let total = items.len();
    let pages: Vec<Value> = items
        .chunks(20)
        .enumerate()
        .map(|(p, chunk)| {
            let mut page = json!({
                "data": chunk,
                "total": total,
                "size": chunk.len(),
                "limit": 20,
                "links": {"self": "https://api.miro.com/v2/boards/uXjVKq7x0Bw=/items?limit=20"}
            });
            if (p + 1) * 20 < total {
                page["cursor"] = json!(format!("MzQ1ODc2NDYwMDExMjIzM{p}"));
            }
            page
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&pages)?;
    text.push('\n');
    Ok(text)
}
