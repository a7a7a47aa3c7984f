#!/usr/bin/env python3
"""Agreement of the shipped Grand Débat codebook with the themes the meetings
declared ("Sur quel s theme s votre reunion a t elle porte"), per theme:
precision and recall at the level of a meeting (one grid row).

A meeting is coded with a theme when any segment of its observations or
proposals gets the theme's code or a code below it.

Usage: benches/granddebat_agreement.py [QUALSYNTH_BINARY]   (needs polars)
"""
import csv, os, subprocess, sys, tempfile
import polars as pl

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'target', 'release', 'qualsynth')
grid = os.path.join(root, 'fixtures', 'corpora', 'granddebat', 'reunions_locales_dep04_05.csv')
codebook = os.path.join(root, 'codebooks', 'granddebat.toml')
THEMES = {
    'Fiscalité et dépenses publiques': 'fiscalite',
    'Transition écologique': 'ecologie',
    'Démocratie et citoyenneté': 'democratie',
    "Organisation de l'Etat et services publics": 'etat',
}

with tempfile.TemporaryDirectory() as d:
    study = os.path.join(d, 'gd')
    run = lambda *a: subprocess.run([exe, *a], check=True, capture_output=True)
    run('init', study, '--title', 'Grand Débat 04-05')
    run('import', 'grid', grid, '--study', study, '--group-column', 'Département', '--split-items',
        '--text-column', 'Quels ont ete les constats ou les diagnostics exprimes sur les themes du debat',
        '--text-column', 'Quelles sont les propositions qui ont emerge des discussions')
    run('code', '--study', study, '--codebook', codebook, '--quiet')
    segs = pl.read_parquet(os.path.join(study, 'data', 'segments.parquet'))
    cods = pl.read_parquet(os.path.join(study, 'data', 'codings.parquet'))
    codes = pl.read_parquet(os.path.join(study, 'data', 'codes.parquet'))

parent = dict(zip(codes['code_id'], codes['parent_id']))
def top(c):
    while parent.get(c):
        c = parent[c]
    return c
line_of = dict(zip(segs['segment_id'], segs['line']))
coded = {}
for seg, code in zip(cods['segment_id'], cods['code']):
    coded.setdefault(line_of[seg], set()).add(top(code))

# Declared themes per meeting, keyed by the physical line where its row
# starts (the `line` qualsynth stores for grid segments).
meetings = []
with open(grid, newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    header = next(r)
    col = header.index('Sur quel s theme s votre reunion a t elle porte')
    start = r.line_num + 1
    for row in r:
        themes = {THEMES[t.strip()] for t in row[col].split(';') if t.strip() in THEMES}
        meetings.append((start, themes))
        start = r.line_num + 1
lines_with_text = set(line_of.values())
with_text = [(ln, th) for ln, th in meetings if ln in lines_with_text]

print(f'{len(meetings)} meetings, {len(with_text)} with observations or proposals')
print(f'{"theme":<12} {"declared":>8} {"coded":>6} {"both":>5} {"precision":>9} {"recall":>7}')
for name, code in THEMES.items():
    d = {ln for ln, th in with_text if code in th}
    c = {ln for ln, _ in with_text if code in coded.get(ln, set())}
    both = d & c
    p = len(both) / len(c) if c else float('nan')
    rc = len(both) / len(d) if d else float('nan')
    print(f'{code:<12} {len(d):>8} {len(c):>6} {len(both):>5} {p:>9.2f} {rc:>7.2f}')
