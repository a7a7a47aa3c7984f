#!/usr/bin/env bash
# National-scale bench (not a test): a generated Grand Débat-like study the
# size of the national local-meeting reports (103 départements, 9,278
# meetings, about 33,600 proposal items, a few "voir compte rendu"
# pointers), imported with --split-items, coded with the Grand Débat
# codebook and glossary, synthesised; then the summary, the HTML report and
# its rendering in headless Chromium are timed and sized.
#   benches/national.sh            (needs python3; Chromium for the render)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin qualsynth
q=target/release/qualsynth
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/grid.csv" <<'PY'
import csv, random, sys
random.seed(2019)
deps = [f"Département {i:03d}" for i in range(1, 104)]
verbs = ["Rétablir", "Supprimer", "Réduire", "Augmenter", "Développer", "Maintenir", "Créer",
         "Limiter", "Renforcer", "Simplifier", "Mettre en place", "Instaurer", "Baisser", "Garder"]
objects = ["l'ISF", "le RIC", "le Sénat", "la proportionnelle", "le vote blanc", "le nombre de parlementaires",
           "les services publics en milieu rural", "les petites lignes de train", "la taxe carbone",
           "les transports en commun", "la TVA sur les produits de première nécessité", "la CSG des retraités",
           "les niches fiscales", "l'évasion fiscale", "les privilèges des élus", "le cumul des mandats",
           "les maisons de services au public", "les hôpitaux de proximité", "les déserts médicaux",
           "la limitation à 80 km/h", "le glyphosate", "l'isolation des logements", "les circuits courts",
           "le service civique", "les petites communes", "la décentralisation", "le tirage au sort des citoyens",
           "les subventions aux associations", "les contrats aidés", "le train de vie de l'État",
           "les écoles rurales", "les bureaux de poste", "le covoiturage", "les énergies renouvelables",
           "le nucléaire", "les pensions de retraite", "le SMIC", "les impôts des grandes entreprises",
           "l'éducation civique", "la fibre en zone rurale"]
tails = ["", "", "", " au niveau local", " dans les territoires ruraux", " pour tous les citoyens",
         " d'ici 2025", " par un référendum", " rapidement", " avec les collectivités"]
bullets = ["- ", "• ", "", "\uf0b7\t", "1- ", "o\t"]
meetings, items = 9278, 0
rows = []
for m in range(meetings):
    dep = random.choice(deps)
    n = random.choice([1, 2, 3, 3, 4, 4, 5, 6])
    if random.random() < 0.03:
        cell = random.choice(["voir compte rendu", "cf. compte rendu", "Voir le CR", "RAS"])
        n = 1
    else:
        b = random.choice(bullets)
        lines = [f"{b}{random.choice(verbs)} {random.choice(objects)}{random.choice(tails)}" for _ in range(n)]
        cell = "\n".join(lines)
    items += n
    rows.append((f"meeting-{m:05d}", dep, cell))
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["chunk_id", "Département", "Quelles sont les propositions qui ont emerge des discussions"])
    w.writerows(rows)
print(f"generated {meetings} meetings, {items} items, {len(deps)} départements", file=sys.stderr)
PY
$q init "$dir/gd" --title "Grand Débat national (generated)" -q
$q import grid "$dir/grid.csv" --study "$dir/gd" --group-column Département --participant-column chunk_id \
  --kind recommendations --split-items \
  --text-column "Quelles sont les propositions qui ont emerge des discussions" -q
$q code --study "$dir/gd" --codebook codebooks/granddebat.toml -q >/dev/null
printf '\n[synthesis]\nglossary = "%s"\n' "$PWD/codebooks/granddebat-glossary.toml" >>"$dir/gd/study.toml"
timed() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err" || { cat "$dir/err"; exit 1; }
  read -r secs kb <"$dir/time"
  printf "%-24s %6.2f s  %6.0f MB peak\n" "$label" "$secs" "$(echo "$kb/1024" | bc -l)"
}
timed "synthesize" $q synthesize --study "$dir/gd"
printf "%-24s %6d lines, %d bytes\n" "  its summary" "$(wc -l <"$dir/out")" "$(wc -c <"$dir/out")"
timed "report html" $q report --study "$dir/gd" --format html --out "$dir/r.html"
printf "%-24s %d bytes\n" "  report.html" "$(wc -c <"$dir/r.html")"
if command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
  timed "render (Chromium)" scripts/check-html.sh "$dir/r.html" "$dir/r.png"
else
  echo "render (Chromium)        skipped: no chromium"
fi
