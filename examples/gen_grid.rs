//! Writes a large synthetic observation grid (CSV, `;`, UTF-8) for the
//! import benchmark: `cargo run --release --example gen_grid -- OUT MB`.
//! Deterministic: the same size gives the same bytes.

use std::io::{BufWriter, Write};

const WORDS: &[&str] = &[
    "le",
    "loyer",
    "est",
    "trop",
    "cher",
    "pour",
    "les",
    "indépendants",
    "qui",
    "démarrent",
    "espace",
    "partagé",
    "horaires",
    "d'ouverture",
    "communauté",
    "isolement",
    "trajet",
    "métro",
    "bruit",
    "cabine",
    "téléphonique",
    "tarif",
    "solidaire",
    "revenus",
    "membres",
    "coopérative",
    "rencontres",
    "café",
    "accueil",
    "samedi",
    "soirée",
    "crèche",
    "enfants",
    "réservation",
    "application",
    "salle",
    "réunion",
    "clients",
    "fibre",
    "écran",
    "calme",
    "parking",
    "vélo",
];

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "grid.csv".into());
    let mb: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let target = mb * 1_000_000;
    let mut w = BufWriter::new(std::fs::File::create(&out)?);
    let header = "Participant;Groupe;Rôle;Ce qui fonctionne;Ce qui bloque;Idées\n";
    w.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut row = 0u64;
    let mut line = String::new();
    while written < target {
        row += 1;
        line.clear();
        let group = ["Lille", "Marseille", "Bruxelles", "Lyon", "Nantes"][(next() % 5) as usize];
        line.push_str(&format!("Participant {};{group};membre", row % 5000));
        for _ in 0..3 {
            line.push_str(";\"");
            let n = 8 + next() % 30;
            for k in 0..n {
                if k > 0 {
                    line.push(if next() % 12 == 0 { '\n' } else { ' ' });
                }
                line.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
            }
            line.push('"');
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    w.flush()?;
    eprintln!("wrote {out}: {written} bytes, {row} rows");
    Ok(())
}
