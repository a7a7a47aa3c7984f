#!/usr/bin/env python3
"""Generates a Grand Débat-like online consultation export (not a test).

    benches/gen_consultation.py N OUT.csv [SEED]

One row per contribution, shaped like the 2019 Grand Débat online
questionnaires: id, authorId, createdAt (Jan-Mar 2019), authorZipCode (a
French postcode), departement (derived from the postcode: 01-95, 2A, 2B),
theme (one of the four national themes) and four open questions, about 30%
of their cells empty. The texts are sampled from the real Grand Débat file
fixtures/corpora/granddebat/reunions_locales_dep04_05.csv: a bigram model
of its "constats" column for the observation questions and of its
"propositions" column for the proposals (1-5 per cell, one per line), with
the sentence lengths of each column. Rare words (stems of the corpus with
French suffixes, place names built from syllables) are drawn from a
heavy-tailed distribution over an unbounded space, so the vocabulary keeps
growing with N instead of 2M rows becoming 2M near-duplicates.
Deterministic for a given N and SEED (default 2019); stdlib only; streams
rows to the file (UTF-8, `,` delimiter, minimal quoting).
"""
import base64
import bisect
import csv
import os
import re
import sys
import random

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "corpora",
                      "granddebat", "reunions_locales_dep04_05.csv")
OBS_COLUMN = "Quels ont ete les constats ou les diagnostics exprimes sur les themes du debat"
PROP_COLUMN = "Quelles sont les propositions qui ont emerge des discussions"
EXTRA_COLUMNS = ["Comment la reunion sest elle passee", "Des avis divers voire opposes se sont ils exprimes"]

THEMES = ["Fiscalité et dépenses publiques", "Transition écologique", "Démocratie et citoyenneté",
          "Organisation de l'État et des services publics"]
QUESTIONS = [
    "Quelles sont toutes les choses qui pourraient être faites pour améliorer l'information des citoyens ?",
    "Que faudrait-il faire pour mieux associer les citoyens aux grandes orientations et à la décision publique ?",
    "Quelles sont les propositions concrètes que vous souhaiteriez faire ?",
    "Y a-t-il d'autres points sur lesquels vous souhaiteriez vous exprimer ?",
]
# Which model writes each question: observations, observations, proposals, observations.
KINDS = ["obs", "obs", "prop", "obs"]
EMPTY = [0.30, 0.32, 0.25, 0.38]  # share of empty cells per question (about 30%)

TOKEN = re.compile(r"[^\W\d_](?:[\w’'\-]*\w)?|\d+(?:[,.]\d+)?%?|[,:()]", re.UNICODE)
BULLET = re.compile(r"^\s*(?:[-*•–—·▪◦➢o]\s*|\d+\s*[.)\-/°]\s*|\uf0b7\s*)")
SENTENCE_END = re.compile(r"[.!?…]+\s+|\n+")
STOPWORDS = set("""a à au aux avec ce ces cette dans de des du elle en est et il ils je la le les leur
leurs mais ne ni nous on ou où par pas plus pour qu que qui sa se ses son sont sur un une vos votre
y l d n s c qu' l' d' n' s' c' j' est-ce être avoir fait faire""".split())
SUFFIXES = ["ation", "isation", "ement", "iste", "ité", "age", "ance", "eur", "euse", "ique", "isme",
            "aire", "ier", "ière", "able", "ant", "ude", "erie", "oir", "ure", "ette", "ois"]
SYLLABLES = ["ba", "bel", "bor", "cha", "clo", "dan", "del", "fon", "gar", "gen", "jol", "lan", "lau",
             "mar", "mon", "mor", "nan", "neu", "pey", "pra", "quin", "ren", "rou", "sai", "sal", "ser",
             "tal", "ter", "val", "ver", "vil", "zac"]
PLACE_PREFIX = ["Saint-", "Sainte-", "Villeneuve-sur-", "Le ", "La ", "Mont", "Bourg-", "Fontaine-",
                "", "", "", ""]
PLACE_PHRASES = ["à {}", "dans la commune de {}", "comme à {}", "sur le territoire de {}", "à {} par exemple"]
DEPARTEMENTS = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"]


def words_of(text):
    return TOKEN.findall(text.replace(";", ","))


class Model:
    """Bigram continuations, unigram table and sentence lengths of one column."""

    def __init__(self, sentences):
        self.starts, self.lengths, self.unigrams, self.next = [], [], [], {}
        for sent in sentences:
            toks = words_of(sent)
            while toks and not toks[0][0].isalnum():
                toks.pop(0)
            if len(toks) < 2:
                continue
            self.starts.append(toks[0].lower() if toks[0].isalpha() and not toks[0].isupper() else toks[0])
            self.lengths.append(len(toks))
            self.unigrams.extend(t for t in toks if t[0].isalnum())
            for a, b in zip(toks, toks[1:]):
                self.next.setdefault(a.lower(), []).append(b)
        if not self.starts:
            raise SystemExit("gen_consultation: no sentence found in the corpus")


def heavy(rng, alpha=1.6, head=60):
    """A rank 0..inf with a Pareto tail (a Zipf-like law spread over `head`
    common values): new values keep appearing as the draws grow."""
    return int(head * ((1.0 - rng.random()) ** -alpha - 1.0))


def pseudo(k):
    """A pronounceable word for the integer k (deterministic, distinct for distinct k)."""
    out = []
    while True:
        k, r = divmod(k, len(SYLLABLES))
        out.append(SYLLABLES[r])
        if k == 0:
            break
        k -= 1
    return "".join(out)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        obs_sents, prop_lines = [], []
        with open(CORPUS, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for col in [OBS_COLUMN] + EXTRA_COLUMNS:
                    obs_sents.extend(s for s in SENTENCE_END.split(row.get(col) or "") if s.strip())
                for line in (row.get(PROP_COLUMN) or "").splitlines():
                    line = BULLET.sub("", line).strip()
                    if line:
                        # a long proposal line is several sentences: keep them as proposals
                        prop_lines.extend(s for s in SENTENCE_END.split(line) if s.strip())
        self.models = {"obs": Model(obs_sents), "prop": Model(prop_lines)}
        # stems for rare words: long non-stop words of the corpus, cut before their ending
        stems = set()
        for m in self.models.values():
            for w in m.unigrams:
                lw = w.lower()
                if len(lw) >= 6 and lw.isalpha() and lw not in STOPWORDS:
                    stems.add(lw[:-2] if lw[-1] in "es" else lw[:-1])
        self.stems = sorted(stems)
        self.rare_cache = {}
        rng = self.rng
        # département weights: a skewed, fixed population of contributors
        self.dep_weights = [rng.lognormvariate(0, 0.7) for _ in DEPARTEMENTS]
        self.dep_cum = []
        acc = 0.0
        for w in self.dep_weights:
            acc += w
            self.dep_cum.append(acc)
        self.days = [f"2019-01-{d:02d}" for d in range(15, 32)] + [f"2019-02-{d:02d}" for d in range(1, 29)] \
            + [f"2019-03-{d:02d}" for d in range(1, 19)]

    def rare(self, k):
        w = self.rare_cache.get(k)
        if w is None:
            h = (k * 2654435761) & 0xFFFFFFFF
            s, f = len(self.stems), len(SUFFIXES)
            q = k // 200  # past the first 200 ranks, an invented middle syllable
            w = self.stems[h % s] + (pseudo(q - 1) if q else "") + SUFFIXES[(h // s) % f]
            if len(self.rare_cache) < 500_000:
                self.rare_cache[k] = w
        return w

    def place(self):
        k = heavy(self.rng, 1.2, 30)
        name = pseudo(k + 40).capitalize()
        return PLACE_PREFIX[k % len(PLACE_PREFIX)] + name

    def sentence(self, kind):
        m, rng = self.models[kind], self.rng
        rnd = rng.random
        n = m.lengths[int(rnd() * len(m.lengths))]
        if n > 45:
            n = 20 + int(rnd() * 25)
        w = m.starts[int(rnd() * len(m.starts))]
        out = [w]
        nxt, uni = m.next, m.unigrams
        for _ in range(n - 1):
            r = rnd()
            if r < 0.025:
                w = self.rare(heavy(rng))
            else:
                cont = nxt.get(w.lower())
                if cont and r < 0.88:
                    w = cont[int(rnd() * len(cont))]
                else:
                    w = uni[int(rnd() * len(uni))]
            out.append(w)
        while len(out) > 2 and (out[-1] in (",", ":", "(") or out[-1].lower() in STOPWORDS):
            out.pop()  # no sentence ends on "de", "le" or a comma
        if rnd() < 0.08:
            out.append(PLACE_PHRASES[int(rnd() * len(PLACE_PHRASES))].format(self.place()))
        text = " ".join(out).replace(" ,", ",").replace("( ", "(").replace(" )", ")")
        if text.count("(") != text.count(")"):
            text = text.replace("(", "").replace(")", "")
        return text[:1].upper() + text[1:]

    def cell(self, kind):
        rnd = self.rng.random
        if kind == "prop":
            n = 1 + int(rnd() * 5)  # 1-5 proposals, one per line
            bullet = "- " if rnd() < 0.25 else ""
            end = "." if rnd() < 0.4 else ""
            return "\n".join(bullet + self.sentence("prop") + end for _ in range(n))
        r = rnd()
        n = 1 if r < 0.45 else 2 if r < 0.75 else 3 if r < 0.9 else 4
        sents = [self.sentence("obs") + "." for _ in range(n)]
        if n > 2 and rnd() < 0.15:
            return " ".join(sents[:2]) + "\n" + " ".join(sents[2:])
        return " ".join(sents)

    def departement(self):
        return DEPARTEMENTS[bisect.bisect(self.dep_cum, self.rng.random() * self.dep_cum[-1])]

    def rows(self, n):
        rng = self.rng
        rnd = rng.random
        authors = max(1, int(n * 0.8))
        for i in range(n):
            dep = self.departement()
            if dep == "2A":
                zipc = f"20{int(rnd() * 190):03d}"
            elif dep == "2B":
                zipc = f"20{200 + int(rnd() * 100):03d}"
            else:
                zipc = f"{dep}{int(rnd() * 1000):03d}"
            cid = base64.b64encode(b"Proposal:%08x-%012x" % (i, rng.getrandbits(48))).decode()
            aid = base64.b64encode(b"User:%08x" % int(rnd() ** 1.3 * authors)).decode()
            secs = int(rnd() * 86400)
            created = f"{self.days[int(rnd() * len(self.days))]} {secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
            theme = THEMES[int(rnd() * 4)]
            texts = ["" if rnd() < EMPTY[q] else self.cell(KINDS[q]) for q in range(4)]
            yield [cid, aid, created, zipc, dep, theme] + texts


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit("usage: gen_consultation.py N OUT.csv [SEED]")
    n, out = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) == 4 else 2019
    gen = Generator(seed)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=",", lineterminator="\n")
        w.writerow(["id", "authorId", "createdAt", "authorZipCode", "departement", "theme"] + QUESTIONS)
        batch = []
        for row in gen.rows(n):
            batch.append(row)
            if len(batch) == 10_000:
                w.writerows(batch)
                batch.clear()
        w.writerows(batch)
    print(f"gen_consultation: {n} contributions, {os.path.getsize(out) / 1e6:.1f} MB -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
