#!/usr/bin/env python3
"""Check the merge gold files and print their summary counts.

Usage: benches/merge-gold/check.py [SEGMENTS_CSV_GD SEGMENTS_CSV_COOP]
The optional arguments are `qualsynth segments --format csv` outputs; when
given, every recommendation segment must appear once, with the same text.
"""
import collections, csv, itertools, os, sys

here = os.path.dirname(os.path.abspath(__file__))
COLS = ['segment_id', 'chunk_id', 'line', 'group', 'text', 'cluster', 'proposal', 'object', 'stance', 'note']
FILES = [('granddebat_04_05.csv', 182), ('coop_workspaces.csv', 16)]


def check(name, expected, segments=None):
    with open(os.path.join(here, name), encoding='utf-8', newline='') as f:
        r = csv.DictReader(f)
        assert r.fieldnames == COLS, (name, r.fieldnames)
        rows = list(r)
    assert len(rows) == expected, (name, len(rows))
    ids = [x['segment_id'] for x in rows]
    assert len(set(ids)) == len(ids), f'{name}: duplicate segment_id'
    if segments:
        with open(segments, encoding='utf-8', newline='') as f:
            segs = [s for s in csv.DictReader(f) if s['kind'] == 'recommendation']
        assert [s['segment_id'] for s in segs] == ids, f'{name}: segment ids or order differ'
        for s, x in zip(segs, rows):
            assert s['text'] == x['text'], (name, x['segment_id'])
            assert s['position'] == f"line {x['line']}", (name, x['segment_id'])
    for x in rows:
        sid = x['segment_id']
        assert x['proposal'] in ('yes', 'no'), sid
        assert x['line'].isdigit(), sid
        if x['proposal'] == 'no':
            assert x['cluster'] == '-' and x['object'] == '' and x['stance'] == '', sid
        else:
            assert x['cluster'] not in ('', '-') and x['object'] and x['stance'] in ('for', 'against', 'neutral'), sid
    props = [x for x in rows if x['proposal'] == 'yes']
    by = collections.defaultdict(list)
    for x in props:
        by[x['cluster']].append(x)
    for cl, xs in by.items():  # a cluster is one object and one stance
        assert len({x['object'] for x in xs}) == 1 and len({x['stance'] for x in xs}) == 1, cl
    multi = {c: xs for c, xs in by.items() if len(xs) > 1}
    pairs = sum(len(xs) * (len(xs) - 1) // 2 for xs in multi.values())
    cross = sum(1 for xs in multi.values() for a, b in itertools.combinations(xs, 2) if a['group'] != b['group'])
    stances = collections.defaultdict(set)
    for x in props:
        if x['object'] != 'multiple':
            stances[x['object']].add(x['stance'])
    opposite = sorted(o for o, s in stances.items() if {'for', 'against'} <= s)
    print(f'{name}: {len(rows)} items, {len(props)} proposals, {len(rows) - len(props)} non-proposals, '
          f'{sum(1 for x in props if x["object"] == "multiple")} compound, {len(by)} clusters, '
          f'{len(multi)} with 2+ members, {pairs} same-cluster pairs ({cross} across groups), '
          f'{len(stances)} objects, opposite stances on: {", ".join(opposite) or "none"}')
    for c, xs in sorted(multi.items()):
        print(f'  {c}: ' + ' | '.join(f"{x['segment_id'].rsplit(':', 1)[1]} {x['group'][:12]}: {x['text'][:50]}" for x in xs))


args = sys.argv[1:]
for i, (name, n) in enumerate(FILES):
    check(name, n, args[i] if len(args) > i else None)
print('ok')
