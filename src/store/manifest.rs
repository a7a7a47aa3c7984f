//! `study.toml`: the study's manifest. Read with serde; written back with
//! toml_edit so that a user's comments and layout survive an import.

use serde::{Deserialize, Serialize};
use toml_edit::DocumentMut;

use std::collections::BTreeMap;

use crate::corpus::method::{MethodSet, MethodSpec};
use crate::corpus::spec::SourceSpec;

/// The `[study]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyMeta {
    /// The study's title.
    pub title: String,
    /// Default language of sources (`fr`, `en`…).
    #[serde(default = "default_lang")]
    pub lang: String,
}

fn default_lang() -> String {
    "fr".to_owned()
}

/// The `[codebook]` table: which codebook `run` and `code` apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodebookRef {
    /// The codebook file, relative to the study directory.
    pub path: String,
    /// How far a code found in a turn reaches: `turn` (default),
    /// `window:N` (N turns either way in the same source) or `exchange`
    /// (from the question before to the next question).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<String>,
}

/// A report file format that `run` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// The self-contained HTML report (`NAME.html`).
    Html,
    /// The Excel workbook (`NAME.xlsx`).
    Xlsx,
    /// Markdown tables (`NAME.md`).
    Markdown,
    /// The JSON report (`NAME.json`).
    Json,
    /// One CSV file per table (`NAME-TABLE.csv`).
    Csv,
}

/// The `[report]` table: which files `run` writes, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Output folder, relative to the study directory.
    pub dir: String,
    /// File name stem.
    pub name: String,
    /// Formats to write; empty writes none.
    pub formats: Vec<OutputFormat>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            dir: "reports".to_owned(),
            name: "report".to_owned(),
            formats: vec![OutputFormat::Html, OutputFormat::Xlsx],
        }
    }
}

/// A `[report]` setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportConfigError {
    /// A name with folders or control characters.
    #[error("[report] name = {0:?}: expected a file name stem, without folders")]
    Name(String),
    /// An empty folder.
    #[error("[report] dir is empty: expected a folder such as \"reports\"")]
    EmptyDir,
}

impl ReportConfig {
    fn validate(&self) -> Result<(), ReportConfigError> {
        if self.name.is_empty()
            || self
                .name
                .contains(|c: char| matches!(c, '/' | '\\' | ':') || c.is_control())
        {
            return Err(ReportConfigError::Name(self.name.clone()));
        }
        if self.dir.is_empty() {
            return Err(ReportConfigError::EmptyDir);
        }
        Ok(())
    }
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Study-wide settings.
    pub study: StudyMeta,
    /// The codebook of the study, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codebook: Option<CodebookRef>,
    /// Synthesis thresholds and weights (all optional).
    #[serde(default)]
    pub synthesis: crate::synthesis::SynthesisConfig,
    /// The files `run` writes (default: HTML and XLSX under `reports/`).
    #[serde(default)]
    pub report: ReportConfig,
    /// The study's own workshop methods, by name (`[methods.NAME]`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub methods: BTreeMap<String, MethodSpec>,
    /// Every imported file, in import order.
    #[serde(default)]
    pub sources: Vec<SourceSpec>,
}

impl Manifest {
    /// The methods sources may use: the study's (`[methods]`, checked when
    /// the manifest was read), then the built-in ones.
    pub fn method_set(&self) -> MethodSet {
        MethodSet::new(&self.methods).unwrap_or_default()
    }
}

/// A manifest error at a position of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, when known.
    pub column: Option<u64>,
    /// What is wrong.
    pub message: String,
}

/// The manifest with the document it was read from.
#[derive(Debug, Clone)]
pub struct ManifestFile {
    /// The parsed manifest.
    pub manifest: Manifest,
    doc: DocumentMut,
}

impl ManifestFile {
    /// A new manifest for `qualsynth init`.
    pub fn new(title: &str, lang: &str) -> Self {
        let mut doc = DocumentMut::new();
        let mut study = toml_edit::Table::new();
        study.decor_mut().set_prefix(
            "# qualsynth study manifest: the study is rebuilt from this file alone\n# (`qualsynth run`). Imports append [[sources]] entries below.\n",
        );
        study["title"] = toml_edit::value(title);
        study["lang"] = toml_edit::value(lang);
        doc["study"] = toml_edit::Item::Table(study);
        ManifestFile {
            manifest: Manifest {
                study: StudyMeta {
                    title: title.to_owned(),
                    lang: lang.to_owned(),
                },
                codebook: None,
                synthesis: Default::default(),
                report: Default::default(),
                methods: BTreeMap::new(),
                sources: Vec::new(),
            },
            doc,
        }
    }

    /// Parses `study.toml` text; every source entry is validated.
    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let mut manifest: Manifest = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_col(text, s.start))
                .map_or((None, None), |(l, c)| (Some(l), Some(c)));
            ManifestError {
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        let doc: DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| ManifestError {
                line: None,
                column: None,
                message: e.message().to_owned(),
            })?;
        // Where each key is written, for messages about its value.
        let spans = toml_edit::Document::parse(text).ok();
        let at = |path: &[Step<'_>]| -> (Option<u64>, Option<u64>) {
            spans
                .as_ref()
                .and_then(|d| value_span(d, path))
                .map(|s| line_col(text, s.start))
                .map_or((None, None), |(l, c)| (Some(l), Some(c)))
        };
        if let Err(e) = manifest.synthesis.validate() {
            let (line, column) = at(&[Step::Key("synthesis"), Step::Key(e.key())]);
            return Err(ManifestError {
                line,
                column,
                message: e.to_string(),
            });
        }
        if let Some(s) = manifest.codebook.as_ref().and_then(|c| c.spread.as_deref())
            && crate::agreement::units::Spread::parse(s).is_none()
        {
            let (line, column) = at(&[Step::Key("codebook"), Step::Key("spread")]);
            return Err(ManifestError {
                line,
                column,
                message: format!(
                    "[codebook] spread = {s:?}: expected \"turn\", \"window:N\" (N turns either way) or \"exchange\""
                ),
            });
        }
        if let Err(e) = manifest.report.validate() {
            let key = match e {
                ReportConfigError::Name(_) => "name",
                ReportConfigError::EmptyDir => "dir",
            };
            let (line, column) = at(&[Step::Key("report"), Step::Key(key)]);
            return Err(ManifestError {
                line,
                column,
                message: e.to_string(),
            });
        }
        let methods = MethodSet::new(&manifest.methods).map_err(|e| {
            let name = e.method().to_owned();
            let (line, column) = at(&[Step::Key("methods"), Step::Key(&name)]);
            ManifestError {
                line,
                column,
                message: format!("[methods.{name}]: {e}"),
            }
        })?;
        for s in &mut manifest.sources {
            s.method_def = s.method.as_deref().and_then(|m| methods.get(m));
        }
        for (i, s) in manifest.sources.iter().enumerate() {
            if let Err(e) = s.validate() {
                let entry = [Step::Key("sources"), Step::Index(i)];
                let (line, column) = match at(&[entry[0], entry[1], Step::Key(e.key())]) {
                    (Some(l), c) => (Some(l), c),
                    _ => at(&entry),
                };
                return Err(ManifestError {
                    line,
                    column,
                    message: format!("source {} ({}): {e}", i + 1, s.path),
                });
            }
        }
        Ok(ManifestFile { manifest, doc })
    }

    /// The document's text, comments kept.
    pub fn to_text(&self) -> String {
        let mut s = self.doc.to_string();
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s
    }

    /// Sets the study's codebook path (relative to the study directory).
    pub fn set_codebook(&mut self, path: &str) {
        let mut t = toml_edit::Table::new();
        t["path"] = toml_edit::value(path);
        match self.doc.get_mut("codebook").and_then(|c| c.as_table_mut()) {
            Some(existing) => existing["path"] = toml_edit::value(path),
            None => {
                // Keep `[codebook]` next to `[study]`, before the sources.
                t.set_position(Some(1));
                self.doc["codebook"] = toml_edit::Item::Table(t);
            }
        }
        let spread = self
            .manifest
            .codebook
            .as_ref()
            .and_then(|c| c.spread.clone());
        self.manifest.codebook = Some(CodebookRef {
            path: path.to_owned(),
            spread,
        });
    }

    /// Sets how far codes reach (`[codebook] spread`); `turn` removes the
    /// key. Needs a `[codebook]` table (set the codebook first).
    pub fn set_spread(&mut self, spread: &str) {
        if let Some(t) = self.doc.get_mut("codebook").and_then(|c| c.as_table_mut()) {
            if spread == "turn" {
                t.remove("spread");
            } else {
                t["spread"] = toml_edit::value(spread);
            }
        }
        if let Some(c) = self.manifest.codebook.as_mut() {
            c.spread = (spread != "turn").then(|| spread.to_owned());
        }
    }

    /// Sets the study's curation file (`[synthesis] curation`, relative to
    /// the study directory), keeping the table's other keys and comments.
    pub fn set_curation(&mut self, path: &str) {
        match self.doc.get_mut("synthesis").and_then(|c| c.as_table_mut()) {
            Some(existing) => existing["curation"] = toml_edit::value(path),
            None => {
                let mut t = toml_edit::Table::new();
                t["curation"] = toml_edit::value(path);
                // Before the sources, after the study and codebook: take the
                // first source's place and move every source one down.
                let mut first = None;
                if let Some(sources) = self.doc["sources"].as_array_of_tables_mut() {
                    for s in sources.iter_mut() {
                        if let Some(p) = s.position() {
                            first = Some(first.map_or(p, |f: isize| f.min(p)));
                            s.set_position(Some(p + 1));
                        }
                    }
                }
                t.set_position(first);
                self.doc["synthesis"] = toml_edit::Item::Table(t);
            }
        }
        self.manifest.synthesis.curation = Some(path.to_owned());
    }

    /// Appends a source entry.
    pub fn push_source(&mut self, spec: SourceSpec) {
        let table = spec_table(&spec);
        let arr = self.doc["sources"]
            .or_insert(toml_edit::Item::ArrayOfTables(Default::default()))
            .as_array_of_tables_mut();
        if let Some(arr) = arr {
            arr.push(table);
        }
        self.manifest.sources.push(spec);
    }

    /// Replaces the source entry at `index`, keeping its comments.
    pub fn set_source(&mut self, index: usize, spec: SourceSpec) {
        if let Some(t) = self.doc["sources"]
            .as_array_of_tables_mut()
            .and_then(|a| a.get_mut(index))
        {
            let new = spec_table(&spec);
            let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
            for k in keys {
                if !new.contains_key(&k) {
                    t.remove(&k);
                }
            }
            for (k, v) in new.iter() {
                if t.get(k).map(|old| old.to_string()) != Some(v.to_string()) {
                    t[k] = v.clone();
                }
            }
        }
        if let Some(slot) = self.manifest.sources.get_mut(index) {
            *slot = spec;
        }
    }
}

fn spec_table(spec: &SourceSpec) -> toml_edit::Table {
    // Serialise through `toml` (serde), then take the table back as an
    // editable one; `columns` becomes an inline table to keep entries flat.
    let text = toml::to_string(spec).unwrap_or_default();
    let doc: DocumentMut = text.parse().unwrap_or_default();
    let mut table = doc.as_table().clone();
    if let Some(cols) = table.remove("columns").and_then(|c| c.into_table().ok()) {
        let mut inline = cols.into_inline_table();
        inline.fmt();
        table.insert("columns", toml_edit::value(inline));
    }
    table.set_implicit(false);
    table
}

fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, col)
}

/// One step of a path into a TOML document.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    /// A key of a table.
    Key(&'a str),
    /// An entry of an array of tables.
    Index(usize),
}

/// Where the item at `path` is written: its value, or the header of a
/// table.
fn value_span(
    doc: &toml_edit::Document<&str>,
    path: &[Step<'_>],
) -> Option<std::ops::Range<usize>> {
    table_span(doc.as_table(), path)
}

fn table_span(t: &toml_edit::Table, path: &[Step<'_>]) -> Option<std::ops::Range<usize>> {
    match path.split_first() {
        None => t.span(),
        Some((Step::Key(k), rest)) => item_span(t.get(k)?, rest),
        Some((Step::Index(_), _)) => None,
    }
}

fn item_span(item: &toml_edit::Item, path: &[Step<'_>]) -> Option<std::ops::Range<usize>> {
    match (item, path.split_first()) {
        (toml_edit::Item::Table(t), _) => table_span(t, path),
        (_, None) => item.span(),
        (toml_edit::Item::ArrayOfTables(a), Some((Step::Index(i), rest))) => {
            table_span(a.get(*i)?, rest)
        }
        (_, Some((Step::Key(k), rest))) => item_span(item.get(k)?, rest),
        (_, Some((Step::Index(i), rest))) => item_span(item.get(*i)?, rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# my study\n[study]\ntitle = \"T\" # keep me\n\n[[sources]]\n# the meeting\npath = \"a.txt\"\nkind = \"transcript\"\ngroup = \"Lille\"\n";

    #[test]
    fn keeps_comments_when_appending() {
        let mut m = ManifestFile::parse(TEXT).unwrap();
        assert_eq!(m.manifest.study.lang, "fr");
        m.push_source(SourceSpec {
            path: "b.csv".into(),
            kind: "grid".into(),
            group: Some("Nord".into()),
            columns: crate::corpus::spec::ColumnSpec {
                votes: Some("Voix".into()),
                ..Default::default()
            },
            ..Default::default()
        });
        let text = m.to_text();
        assert!(
            text.contains("# keep me") && text.contains("# the meeting"),
            "{text}"
        );
        let back = ManifestFile::parse(&text).unwrap();
        assert_eq!(back.manifest, m.manifest);
        assert!(text.contains("columns = { votes = \"Voix\" }"), "{text}");
    }

    #[test]
    fn codebook_goes_after_the_study_table() {
        let mut m = ManifestFile::parse(TEXT).unwrap();
        m.set_codebook("codebook.toml");
        let text = m.to_text();
        let (study, codebook, sources) = (
            text.find("[study]").unwrap(),
            text.find("[codebook]").unwrap(),
            text.find("[[sources]]").unwrap(),
        );
        assert!(study < codebook && codebook < sources, "{text}");
        let back = ManifestFile::parse(&text).unwrap();
        assert_eq!(back.manifest.codebook.unwrap().path, "codebook.toml");
        let mut m = ManifestFile::new("T", "fr");
        m.set_codebook("a.toml");
        m.set_codebook("b.toml");
        assert_eq!(m.to_text().matches("[codebook]").count(), 1);
    }

    #[test]
    fn curation_joins_the_synthesis_table() {
        let text = format!("{TEXT}\n[synthesis]\nmerge_threshold = 0.7 # tuned\n");
        let mut m = ManifestFile::parse(&text).unwrap();
        m.set_curation("curation.csv");
        let out = m.to_text();
        assert!(out.contains("merge_threshold = 0.7 # tuned"), "{out}");
        assert!(out.contains("curation = \"curation.csv\""), "{out}");
        let back = ManifestFile::parse(&out).unwrap();
        assert_eq!(
            back.manifest.synthesis.curation.as_deref(),
            Some("curation.csv")
        );
        let mut m = ManifestFile::parse(TEXT).unwrap();
        m.set_curation("c.csv");
        let out = m.to_text();
        assert!(
            out.find("[synthesis]").unwrap() < out.find("[[sources]]").unwrap(),
            "{out}"
        );
    }

    #[test]
    fn a_source_uses_the_study_s_own_method() {
        let text = format!(
            "{TEXT}\n[[sources]]\npath = \"r.csv\"\nkind = \"grid\"\ngroup = \"G\"\nmethod = \"retro\"\n\n[methods.retro]\nparts = [\"keep\", \"stop\"]\n"
        );
        let m = ManifestFile::parse(&text).unwrap();
        let def = m.manifest.sources[1].method_def.as_ref().unwrap();
        assert_eq!(def.parts.len(), 2);
        let opts = m.manifest.sources[1].grid_options().unwrap();
        assert_eq!(opts.method.unwrap().part_of("Stop").as_deref(), Ok("stop"));
        assert!(m.manifest.method_set().get("retro").is_some());
        // The definition is not written into the source entry.
        assert!(!m.to_text().contains("method_def"));
    }

    #[test]
    fn set_source_updates_in_place() {
        let mut m = ManifestFile::parse(TEXT).unwrap();
        let mut s = m.manifest.sources[0].clone();
        s.hash = Some("sha256:00".into());
        m.set_source(0, s);
        let text = m.to_text();
        assert!(
            text.contains("# the meeting") && text.contains("hash = \"sha256:00\""),
            "{text}"
        );
        assert_eq!(ManifestFile::parse(&text).unwrap().manifest, m.manifest);
    }

    #[test]
    fn errors_have_positions() {
        let e = ManifestFile::parse("[study]\ntitle = \"T\"\ntitel = 3\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(e.message.contains("titel"), "{e:?}");
        let bad = format!("{TEXT}\n[[sources]]\npath = \"x\"\nkind = \"video\"\ngroup = \"G\"\n");
        let e = ManifestFile::parse(&bad).unwrap_err();
        // At the value of the key, not at the header of the entry.
        assert_eq!((e.line, e.column), (Some(13), Some(8)), "{e:?}");
        assert!(e.message.contains("source 2 (x): unknown kind"), "{e:?}");
        let e = ManifestFile::parse(
            "[study]\ntitle = \"T\"\n\n[synthesis]\nquotes_per_cell = 2\nmerge_threshold = 1.5\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(6), Some(19)), "{e:?}");
        assert!(e.message.contains("merge_threshold = 1.5"), "{e:?}");
        let e =
            ManifestFile::parse("[study]\ntitle = \"T\"\n[report]\nname = \"a/b\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(8)), "{e:?}");
        let unknown = format!(
            "{TEXT}\n[[sources]]\npath = \"x.csv\"\nkind = \"grid\"\ngroup = \"G\"\nmethod = \"swto\"\n"
        );
        let e = ManifestFile::parse(&unknown).unwrap_err();
        assert_eq!((e.line, e.column), (Some(15), Some(10)), "{e:?}");
        assert!(e.message.contains("unknown method \"swto\""), "{e:?}");
        let bad_method = "[study]\ntitle = \"T\"\n\n[methods.retro]\nparts = [{ name = \"a\", opposite = \"b\" }]\n";
        let e = ManifestFile::parse(bad_method).unwrap_err();
        assert_eq!(e.line, Some(4), "{e:?}");
        assert!(
            e.message
                .starts_with("[methods.retro]: method \"retro\": part \"a\""),
            "{e:?}"
        );
        let no_group = format!("{TEXT}\n[[sources]]\npath = \"y\"\nkind = \"grid\"\n");
        let e = ManifestFile::parse(&no_group).unwrap_err();
        assert_eq!(e.line, Some(11), "no group key: the entry's header; {e:?}");
    }
}
