#!/usr/bin/env python3
"""Drive QualCoder's own REFI-QDA project import (MainWindow.refi_project_import ->
MainWindow.new_project -> refi.RefiImport(app, textEdit, "qdpx")) non-interactively,
then print counts from the created QualCoder sqlite project.

Usage: QUALCODER_SRC=/path/to/QualCoder/src QT_QPA_PLATFORM=offscreen \
       python3 scripts/qualcoder-import.py FILE.qdpx [RUN_NAME]
QualCoder's source is not part of this project: clone it (github.com/ccbogel/QualCoder)
and pip install PyQt6 pymupdf Pillow biopython qtawesome markdown-it-py.
Everything is written under $QUALCODER_RUNS/RUN_NAME (default /tmp/qualcoder-runs):
the QualCoder project, a copy of the qdpx and a private HOME.
"""
import os
import sys
import shutil
import types
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import sqlite3
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

QDPX_IN = Path(sys.argv[1]).resolve()
RUN = sys.argv[2] if len(sys.argv) > 2 else QDPX_IN.stem
RUN_DIR = Path(os.environ.get("QUALCODER_RUNS", "/tmp/qualcoder-runs")) / RUN
if RUN_DIR.exists():
    shutil.rmtree(RUN_DIR)
(RUN_DIR / "home").mkdir(parents=True)
os.environ["HOME"] = str(RUN_DIR / "home")          # QualCoder config/log go to $HOME/.qualcoder
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
QDPX = RUN_DIR / QDPX_IN.name                           # importer extracts next to the file
shutil.copy(QDPX_IN, QDPX)
PROJECT_BASE = str(RUN_DIR / "project")                 # -> project.qda

sys.path.insert(0, os.environ.get("QUALCODER_SRC", "QualCoder/src"))

# ---- Stub third-party modules that QualCoder's __main__ imports but the REFI import never
# uses (AI/LLM, plotting, other importers). Only stubbed if not installed. refi.py's own
# imports (stdlib, PyQt6, pymupdf, PIL via helpers) are real.
STUB_ROOTS = {
    "langchain", "langchain_core", "langchain_community", "langchain_openai",
    "langchain_text_splitters", "openai", "httpx", "json_repair", "mcp", "faiss",
    "sentence_transformers", "huggingface_hub", "transformers", "torch", "matplotlib",
    "plotly", "pandas", "wordcloud", "emoji", "markdown_it", "odf", "openpyxl", "pdfminer",
    "ebooklib", "rispy", "diff_match_patch", "striprtf", "pylatexenc", "polib", "lxml",
}
STUBBED = set()


class _StubMeta(type):
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _new_stub(name)


def _new_stub(name):
    return _StubMeta(name, (object,), {
        "__init__": lambda self, *a, **k: None,
        "__call__": lambda self, *a, **k: _new_stub("call")(),
        "__getattr__": lambda self, n: (_ for _ in ()).throw(AttributeError(n)) if n.startswith("__") else _new_stub(n)(),
        "__iter__": lambda self: iter(()),
    })


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        val = _new_stub(name)
        setattr(self, name, val)
        return val


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        root = fullname.split(".")[0]
        if root not in STUB_ROOTS:
            return None
        # only stub if the real package is missing
        for finder in sys.meta_path:
            if finder is self:
                continue
            try:
                spec = finder.find_spec(fullname, path, target)
            except Exception:
                spec = None
            if spec is not None:
                return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        m = _StubModule(spec.name)
        m.__path__ = []
        STUBBED.add(spec.name.split(".")[0])
        return m

    def exec_module(self, module):
        pass


sys.meta_path.append(_StubFinder())

# ---- capture warnings/errors logged by QualCoder
LOGGED = []


class _Cap(logging.Handler):
    def emit(self, record):
        LOGGED.append(f"{record.levelname} {record.name}: {record.getMessage()}")


from PyQt6 import QtWidgets, QtCore  # noqa: E402
import gettext  # noqa: E402
gettext.NullTranslations().install()   # QualCoder uses builtins._ (installed in gui())

qapp = QtWidgets.QApplication(sys.argv)

import qualcoder.__main__ as qcmain  # noqa: E402
from qualcoder.app import App  # noqa: E402
logging.getLogger().addHandler(_Cap(level=logging.WARNING))

# ---- non-interactive dialogs
MESSAGES = []


def _mb_exec(self):
    MESSAGES.append((self.windowTitle(), self.text()))
    return QtWidgets.QMessageBox.StandardButton.Ok


QtWidgets.QMessageBox.exec = _mb_exec
QtWidgets.QDialog.exec = lambda self: (MESSAGES.append(("QDialog", type(self).__name__)), 0)[1]
QtWidgets.QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (PROJECT_BASE, ""))
QtWidgets.QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(QDPX), "(*.qdpx *.QDPX)"))  # Qt returns (path, selected filter)
qcmain.MainWindow.get_latest_github_release = lambda self: None   # no network


class _NoAI:  # stand-in for qualcoder.ai_llm.AiLLM (AI disabled, not installed)
    def __init__(self, *a, **k):
        pass

    def __getattr__(self, n):
        return lambda *a, **k: None


qcmain.AiLLM = _NoAI
_real_import = __import__

qual_app = App()
qual_app.settings["ai_enable"] = "False"
win = qcmain.MainWindow(qual_app)
qcmain.AiLLM = _NoAI          # MainWindow.__init__ may rebind the global
win.refi_project_import()     # the menu action: Project > Import REFI-QDA project
log_text = win.ui.textEdit.toPlainText()
app = win.app

# ---------------- report
print(f"== QualCoder import of {QDPX_IN}")
print("project:", app.project_path)
print("stubbed (not installed, unused by refi):", ", ".join(sorted(STUBBED)) or "-")
conn = sqlite3.connect(app.project_path + "/data.qda") if Path(app.project_path, "data.qda").exists() else app.conn
cur = conn.cursor()


def q(sql, *p):
    cur.execute(sql, p)
    return cur.fetchall()


for t in ["source", "code_name", "code_cat", "code_text", "cases", "case_text",
          "attribute_type", "attribute", "annotation", "journal"]:
    print(f"{t:15s} {q(f'select count(*) from {t}')[0][0]}")
print("code_name with supercid:", q("select count(*) from code_name where supercid is not null")[0][0])
print("code_text owners:", q("select owner,count(*) from code_text group by owner"))
print("code_text with NULL cid:", q("select count(*) from code_text where cid is null")[0][0])
print("attribute_type:", q("select name,caseOrFile,valuetype from attribute_type"))
print("attribute by type:", q("select attr_type,name,count(*) from attribute group by attr_type,name"))
print("sources:", [r[0] for r in q("select name from source order by id")])
docs = sorted(str(p.relative_to(app.project_path)) for p in Path(app.project_path, "documents").rglob("*") if p.is_file())
print("documents/ files:", docs)

# independent check: slice the qdpx's own plain text by REFI positions
ns = {"r": "urn:QDA-XML:project:1.0"}
z = zipfile.ZipFile(QDPX_IN)
qde = [n for n in z.namelist() if n.endswith(".qde")][0]
root = ET.fromstring(z.read(qde))
codes = {c.get("guid"): c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
expected = []
for ts in root.iter("{urn:QDA-XML:project:1.0}TextSource"):
    p = ts.get("plainTextPath").split("internal://")[1]
    member = [n for n in z.namelist() if n.lower().endswith("sources/" + p.lower())][0]
    text = z.read(member).decode("utf-8")
    db = q("select id, fulltext from source where name=?", ts.get("name"))
    if not db:
        print("SOURCE MISSING in DB:", ts.get("name"))
        continue
    fid, full = db[0]
    if full != text:
        print("fulltext differs from qdpx text:", ts.get("name"), len(full), len(text))
    for sel in ts.findall("r:PlainTextSelection", ns):
        for cod in sel.findall("r:Coding", ns):
            cname = codes.get(cod.find("r:CodeRef", ns).get("targetGUID"))
            s0, s1 = int(sel.get("startPosition")), int(sel.get("endPosition"))
            expected.append((fid, cname, s0, s1, text[s0:s1]))
print("codings in qdpx:", len(expected), "unique (fid,code,pos0,pos1):", len({e[:4] for e in expected}))
got = {(r[0], r[1], r[2], r[3]): r[4] for r in q(
    "select ct.fid, cn.name, ct.pos0, ct.pos1, ct.seltext from code_text ct left join code_name cn on cn.cid=ct.cid")}
missing = [e for e in expected if (e[0], e[1], e[2], e[3]) not in got]
mism = [e for e in expected if (e[0], e[1], e[2], e[3]) in got and got[(e[0], e[1], e[2], e[3])] != e[4]]
print("codings missing in DB:", len(missing), missing[:3])
print("seltext != qdpx text[pos0:pos1]:", len(mism))
rows = q("select ct.ctid, s.name, cn.name, ct.pos0, ct.pos1, ct.seltext, substr(s.fulltext, ct.pos0+1, ct.pos1-ct.pos0) "
         "from code_text ct join source s on s.id=ct.fid left join code_name cn on cn.cid=ct.cid order by ct.ctid")
step = max(1, len(rows) // 5)
for r in rows[::step][:6]:
    print(f"  ct{r[0]} {r[1]} [{r[2]}] {r[3]}-{r[4]} seltext={r[5][:60]!r} src[pos0:pos1]={r[6][:60]!r} same={r[5] == r[6]}")
print("Messages shown:")
for t, m in MESSAGES:
    print("  -", t, "|", m.replace("\n", " / ")[:160])
print("Logged warnings/errors:", len(LOGGED))
for l in LOGGED[:15]:
    print("  -", l[:200])
flag = [l for l in log_text.splitlines() if any(w in l.lower() for w in ("cannot", "error", "duplicat", "not "))]
print("Action-log lines mentioning errors:", len(flag))
for l in flag[:12]:
    print("  -", l[:200])
print("Action log (import section):")
i = log_text.find("REFI-QDA Project Import")
print("  " + log_text[i:i + 1500].replace("\n", "\n  "))
