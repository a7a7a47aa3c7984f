#!/usr/bin/env bash
# Report benchmark (not a test): a study of about 1,000,000 segments (a
# generated 74 MB observation grid split into items, 5 groups, plus 1,000
# generated recommendations), coded with codebooks/coop-workspaces.toml and
# synthesised; then every report format is rendered and timed, next to the
# time of coding the same study. Reporting should take well under coding.
#   benches/report.sh [MB]        (default 74, about 1M segments)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-74}
cargo build --release --quiet --bin qualsynth --example gen_grid
q=target/release/qualsynth
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_grid "$dir/grid.csv" "$mb" 2>/dev/null
python3 - "$dir/recs.csv" <<'PY'
import random, sys
random.seed(7)
verbs = ["Créer", "Mettre en place", "Organiser", "Négocier", "Installer", "Élargir", "Baisser", "Proposer"]
objects = ["un tarif solidaire", "des horaires en soirée", "une navette depuis la gare", "des cabines téléphoniques",
           "un annuaire des compétences", "un petit-déjeuner mensuel", "une crèche partenaire", "le loyer du local",
           "une application de réservation", "un coin enfants", "une salle de réunion", "un référent accueil"]
tails = ["pour les membres", "dans chaque espace", "avant la fin de l'année", "avec la mairie", "pour rompre l'isolement", ""]
groups = ["Lille", "Marseille", "Bruxelles", "Lyon", "Nantes"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("Groupe;Recommandation;Votes;Priorité\n")
    for i in range(1000):
        text = " ".join(x for x in [random.choice(verbs), random.choice(objects), random.choice(tails)] if x)
        f.write(f"{random.choice(groups)};{text};{random.randint(0, 12)};{random.choice(['haute', 'moyenne', 'basse'])}\n")
PY
$q init "$dir/study" --title "report bench" >/dev/null 2>&1
ln -s "$PWD/codebooks/coop-workspaces.toml" "$dir/study/codebook.toml"
$q import grid "$dir/grid.csv" --study "$dir/study" --group-column Groupe --participant-column Participant \
  --text-column "Ce qui fonctionne" --text-column "Ce qui bloque" --text-column "Idées" --split-items >/dev/null 2>&1
$q import grid "$dir/recs.csv" --study "$dir/study" --group-column Groupe --kind recommendations \
  --text-column Recommandation >/dev/null 2>&1
segments=$($q status --study "$dir/study" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["segments"])')
echo "== study: $segments segments, 5 groups, 1000 recommendations"
timed() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null 2>"$dir/err" || { cat "$dir/err"; exit 1; }
  read -r secs kb < "$dir/time"
  printf "%-28s %6.2f s  %6.0f MB peak\n" "$label" "$secs" "$(echo "$kb/1024" | bc -l)"
}
timed "code (codebook)" $q code --study "$dir/study" --codebook "$dir/study/codebook.toml"
timed "synthesize" $q synthesize --study "$dir/study"
timed "report table (recs)" $q report --study "$dir/study" --format table
timed "report markdown (all)" $q report --study "$dir/study" --format markdown --table all
timed "report json (all)" $q report --study "$dir/study" --format json --table all
timed "report csv (all)" $q report --study "$dir/study" --format csv --table all --out "$dir/csv"
timed "report xlsx" $q report --study "$dir/study" --format xlsx --out "$dir/r.xlsx"
timed "report html" $q report --study "$dir/study" --format html --out "$dir/r.html"
ls -l "$dir/r.xlsx" "$dir/r.html" | awk '{printf "%s %d bytes\n", $9, $5}'
