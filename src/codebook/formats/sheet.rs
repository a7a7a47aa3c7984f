//! The spreadsheet codebook: CSV with a header row `tag,parent,label,
//! description,terms` and optional `exclude`, `lang`, `colour`, `memo`,
//! `terms_<lang>`, `exclude_<lang>`, `codable`, `guid` columns. `tag` is
//! the code id (`id` is read too) and `description` its definition
//! (`definition` is read too), so that Taguette imports the file as a
//! codebook (it wants a `tag` column and takes `description`, ignoring the
//! rest). Rules in a cell are separated by `;`. A row repeating an id with
//! only rule cells adds rules to that code (one row per language, say,
//! with `lang`).

use std::collections::HashMap;

use super::common::{
    self, normal_colour, pattern_error, sort_rules, split_rules, suggest, valid_guid, valid_lang,
};
use crate::codebook::diagnostics::LineIndex;
use crate::codebook::model::{Code, Codebook, Diagnostic, Origin, Rule};

const KNOWN: [&str; 15] = [
    "tag",
    "id",
    "parent",
    "label",
    "description",
    "definition",
    "terms",
    "exclude",
    "lang",
    "colour",
    "memo",
    "terms_<lang>",
    "exclude_<lang>",
    "codable",
    "guid",
];

/// Columns of Taguette's codebook export that hold no codebook data
/// (its counts): read without a word.
const TAGUETTE_COUNTS: [&str; 2] = ["number of highlights", "number of documents"];

#[derive(Debug, Clone, PartialEq)]
enum Column {
    Id,
    Parent,
    Label,
    Definition,
    Colour,
    Memo,
    Lang,
    Codable,
    Guid,
    Terms(Option<String>),
    Exclude(Option<String>),
}

/// Reads a CSV codebook (`,`, `;` or TAB separated, sniffed from the
/// header). Returns `None` when there is no usable header.
pub fn read(text: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let delimiter = sniff(index.line(1).unwrap_or(""));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return (None, vec![csv_error(&index, &e)]),
        None => {
            return (
                None,
                vec![Diagnostic::error(
                    Origin::default(),
                    "no header row; expected tag,parent,label,description,terms",
                )],
            );
        }
    };
    let starts = field_starts(text, 0, delimiter);
    let mut columns: Vec<(Option<Column>, Origin)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let origin = index.origin(starts.get(i).copied().unwrap_or(0));
        let key = name.trim().to_lowercase();
        names.push(key.clone());
        let col = match key.as_str() {
            "id" | "tag" => Some(Column::Id),
            "parent" => Some(Column::Parent),
            "label" => Some(Column::Label),
            "definition" | "description" => Some(Column::Definition),
            "codable" => Some(Column::Codable),
            "guid" => Some(Column::Guid),
            "colour" | "color" => Some(Column::Colour),
            "memo" => Some(Column::Memo),
            "lang" => Some(Column::Lang),
            "terms" => Some(Column::Terms(None)),
            "exclude" => Some(Column::Exclude(None)),
            k => match k.split_once('_') {
                Some(("terms", l)) if valid_lang(l) => Some(Column::Terms(Some(l.to_owned()))),
                Some(("exclude", l)) if valid_lang(l) => Some(Column::Exclude(Some(l.to_owned()))),
                _ => None,
            },
        };
        match col {
            Some(c) if columns.iter().any(|(x, _)| *x == Some(c.clone())) => {
                let k = columns
                    .iter()
                    .position(|(x, _)| *x == Some(c.clone()))
                    .unwrap_or(0);
                let msg = if names[k] == key {
                    format!("column `{key}` appears twice")
                } else {
                    format!("column `{key}` repeats `{}`; give it once", names[k])
                };
                diags.push(Diagnostic::error(origin, msg));
                columns.push((None, origin));
            }
            Some(c) => columns.push((Some(c), origin)),
            None if key.is_empty() || TAGUETTE_COUNTS.contains(&key.as_str()) => {
                columns.push((None, origin));
            }
            None => {
                let hint = suggest(&key, &KNOWN)
                    .map_or(String::new(), |k| format!("did you mean `{k}`? "));
                diags.push(Diagnostic::error(
                    origin,
                    format!(
                        "unknown column `{key}`; {hint}expected: {}",
                        KNOWN.join(", ")
                    ),
                ));
                columns.push((None, origin));
            }
        }
    }
    let Some(id_col) = columns.iter().position(|(c, _)| *c == Some(Column::Id)) else {
        diags.push(Diagnostic::error(
            Origin { line: 1, column: 1 },
            "no `tag` (or `id`) column; expected a header like tag,parent,label,description,terms",
        ));
        return (None, diags);
    };
    let mut cb = Codebook {
        name: String::new(),
        ..Codebook::default()
    };
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(csv_error(&index, &e));
                continue;
            }
        };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let byte = rec.position().map_or(0, |p| p.byte() as usize);
        let starts = field_starts(text, byte, delimiter);
        let at = |i: usize| index.origin(starts.get(i).copied().unwrap_or(byte));
        let cell = |i: usize| rec.get(i).unwrap_or("");
        let id = cell(id_col).trim().to_owned();
        if id.is_empty() {
            diags.push(Diagnostic::error(
                at(id_col),
                "empty id; every row needs an id",
            ));
            continue;
        }
        let mut code = Code {
            id: id.clone(),
            origin: at(id_col),
            ..Code::default()
        };
        code.parent_origin = code.origin;
        let mut lang: Option<String> = None;
        let mut rule_cells = Vec::new();
        for (i, (col, _)) in columns.iter().enumerate() {
            let v = cell(i).trim();
            let opt = || (!v.is_empty()).then(|| v.to_owned());
            match col {
                Some(Column::Parent) => {
                    code.parent = opt();
                    code.parent_origin = at(i);
                }
                Some(Column::Label) => code.label = v.to_owned(),
                Some(Column::Definition) => code.definition = opt(),
                Some(Column::Memo) => code.memo = opt(),
                Some(Column::Colour) if !v.is_empty() => {
                    if let Some(c) = normal_colour(v) {
                        code.colour = Some(c);
                    } else {
                        diags.push(Diagnostic::error(
                            at(i),
                            format!("colour \"{v}\": expected #RRGGBB"),
                        ));
                    }
                }
                Some(Column::Codable) if !v.is_empty() => match v.to_ascii_lowercase().as_str() {
                    "true" | "1" => code.codable = true,
                    "false" | "0" => code.codable = false,
                    _ => diags.push(Diagnostic::error(
                        at(i),
                        format!("codable \"{v}\": expected true or false"),
                    )),
                },
                Some(Column::Guid) if !v.is_empty() => {
                    if valid_guid(v) {
                        code.guid = opt();
                    } else {
                        diags.push(Diagnostic::error(
                            at(i),
                            format!("guid \"{v}\": expected a GUID like 5215cc69-b628-4e02-afb9-9beeaee55808"),
                        ));
                    }
                }
                Some(Column::Lang) if !v.is_empty() => {
                    if valid_lang(v) {
                        lang = opt();
                    } else {
                        diags.push(Diagnostic::error(
                            at(i),
                            format!("lang \"{v}\": expected a lower-case ISO 639-1 code like fr"),
                        ));
                    }
                }
                Some(Column::Terms(l)) => rule_cells.push((i, false, l.clone())),
                Some(Column::Exclude(l)) => rule_cells.push((i, true, l.clone())),
                _ => {}
            }
        }
        if code.parent.is_none() {
            code.parent_origin = code.origin;
        }
        for (i, exclude, l) in rule_cells {
            let l = l.or_else(|| lang.clone());
            let raw = cell(i);
            let base = starts.get(i).copied().unwrap_or(byte);
            for (off, piece) in split_rules(raw) {
                let origin = index.origin(base + off);
                match common::rule(&piece, l.as_deref(), exclude, origin) {
                    Ok(r) => code.rules.push(r),
                    Err(e) => diags.push(pattern_error(origin, &piece, &e)),
                }
            }
        }
        // A row that repeats an id and says nothing else adds its rules.
        let continuation = by_id.get(&id).copied().filter(|_| {
            code.label.is_empty()
                && code.parent.is_none()
                && code.definition.is_none()
                && code.colour.is_none()
                && code.memo.is_none()
                && code.codable
                && code.guid.is_none()
        });
        match continuation {
            Some(k) => cb.codes[k].rules.append(&mut code.rules),
            None => {
                if code.label.is_empty() {
                    code.label = code.id.clone();
                }
                by_id.entry(id).or_insert(cb.codes.len());
                cb.codes.push(code);
            }
        }
    }
    for c in &mut cb.codes {
        sort_rules(&mut c.rules);
    }
    (Some(cb), diags)
}

fn csv_error(index: &LineIndex, e: &csv::Error) -> Diagnostic {
    let origin = e
        .position()
        .map_or(Origin::default(), |p| index.origin(p.byte() as usize));
    Diagnostic::error(origin, format!("malformed CSV: {e}"))
}

/// The delimiter used by the header line: the most frequent of `,` `;` TAB.
fn sniff(header: &str) -> u8 {
    let n = |c| header.matches(c).count();
    let (comma, semi, tab) = (n(','), n(';'), n('\t'));
    if tab > comma && tab > semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}

/// Byte offsets where each field of the record at `start` begins (inside
/// the quotes for a quoted field).
fn field_starts(text: &str, start: usize, delimiter: u8) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    loop {
        if b.get(i) == Some(&b'"') {
            out.push(i + 1);
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        } else {
            out.push(i);
        }
        while i < b.len() && b[i] != delimiter && b[i] != b'\n' && b[i] != b'\r' {
            i += 1;
        }
        if i < b.len() && b[i] == delimiter {
            i += 1;
            continue;
        }
        return out;
    }
}

/// Writes a CSV codebook: `tag,parent,label,description,terms,exclude`,
/// then `terms_<lang>`/`exclude_<lang>` for each language used,
/// `colour,memo`, and `codable` and `guid` when a code is not codable or
/// has a GUID. Taguette imports it as is (`tag` is the code id). Codebook
/// options (name, lang, …) have no place in it.
pub fn write(cb: &Codebook) -> Result<Vec<u8>, csv::Error> {
    let mut langs: Vec<&str> = cb
        .codes
        .iter()
        .flat_map(|c| c.rules.iter().filter_map(|r| r.lang.as_deref()))
        .collect();
    langs.sort_unstable();
    langs.dedup();
    let mut header: Vec<String> = ["tag", "parent", "label", "description", "terms", "exclude"]
        .map(str::to_owned)
        .to_vec();
    for l in &langs {
        header.push(format!("terms_{l}"));
        header.push(format!("exclude_{l}"));
    }
    header.push("colour".into());
    header.push("memo".into());
    let codable = cb.codes.iter().any(|c| !c.codable);
    let guid = cb.codes.iter().any(|c| c.guid.is_some());
    if codable {
        header.push("codable".into());
    }
    if guid {
        header.push("guid".into());
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&header)?;
    for c in &cb.codes {
        let cell = |exclude: bool, lang: Option<&str>| {
            let mut rules: Vec<&Rule> = c
                .rules
                .iter()
                .filter(|r| r.exclude == exclude && r.lang.as_deref() == lang)
                .collect();
            rules.sort_by(|a, b| common::group_key(a).cmp(&common::group_key(b)));
            common::join_rules(rules)
        };
        let mut row = vec![
            c.id.clone(),
            c.parent.clone().unwrap_or_default(),
            c.label.clone(),
            c.definition.clone().unwrap_or_default(),
            cell(false, None),
            cell(true, None),
        ];
        for l in &langs {
            row.push(cell(false, Some(l)));
            row.push(cell(true, Some(l)));
        }
        row.push(c.colour.clone().unwrap_or_default());
        row.push(c.memo.clone().unwrap_or_default());
        if codable {
            row.push(c.codable.to_string());
        }
        if guid {
            row.push(c.guid.clone().unwrap_or_default());
        }
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::{Pattern, Severity, Term};

    #[test]
    fn reads_rows_with_rules_and_languages() {
        let src = "id,parent,label,definition,terms,lang,colour,exclude,memo\n\
                   cout,,Coût,\"Le prix; le loyer\",loyer; tarif* ; ~coûter,,#d62728,prix nobel,\n\
                   cout,,,,rent; price*,en,,,\n\
                   cout.loyer,cout,Loyer,,\"loyer NEAR/5 cher; /\\d+ ?€/\",,,,note\n";
        let (cb, d) = read(src);
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        assert_eq!(cb.codes.len(), 2);
        let c = &cb.codes[0];
        assert_eq!(c.definition.as_deref(), Some("Le prix; le loyer"));
        let texts: Vec<_> = c
            .rules
            .iter()
            .map(|r| (r.text.as_str(), r.lang.as_deref(), r.exclude))
            .collect();
        assert_eq!(
            texts,
            [
                ("loyer", None, false),
                ("tarif*", None, false),
                ("~coûter", None, false),
                ("rent", Some("en"), false),
                ("price*", Some("en"), false),
                ("prix nobel", None, true)
            ]
        );
        assert_eq!(
            c.rules[1].origin,
            Origin {
                line: 2,
                column: 39
            }
        );
        let child = &cb.codes[1];
        assert_eq!(child.parent.as_deref(), Some("cout"));
        assert_eq!(
            child.parent_origin,
            Origin {
                line: 4,
                column: 12
            }
        );
        assert_eq!(child.rules[1].pattern, Pattern::Regex("\\d+ ?€".into()));
        assert_eq!(child.memo.as_deref(), Some("note"));
    }

    #[test]
    fn semicolon_files_bom_free_and_label_default() {
        let (cb, d) = read("ID;Terms;terms_nl\r\na;x;huur*\r\n");
        assert!(d.is_empty(), "{d:?}");
        let c = &cb.unwrap().codes[0];
        assert_eq!(c.label, "a");
        assert_eq!(
            c.rules[1].pattern,
            Pattern::Term(Term::Prefix("huur".into()))
        );
        assert_eq!(c.rules[1].lang.as_deref(), Some("nl"));
    }

    #[test]
    fn errors_name_the_cell() {
        let (cb, d) = read("id,trems,colour\na,x,red\n,y,\nb,NEAR/2 x,\n");
        let msgs: Vec<_> = d
            .iter()
            .map(|d| (d.origin.line, d.origin.column, d.message.as_str()))
            .collect();
        assert!(msgs[0].2.contains("did you mean `terms`"), "{msgs:?}");
        assert_eq!((msgs[0].0, msgs[0].1), (1, 4));
        assert!(
            msgs.iter()
                .any(|m| m.0 == 2 && m.1 == 5 && m.2.contains("colour"))
        );
        assert!(msgs.iter().any(|m| m.0 == 3 && m.2.contains("empty id")));
        assert!(d.iter().all(|d| d.severity == Severity::Error));
        assert_eq!(cb.unwrap().codes.len(), 2);
        let (_, d) = read("id,terms\nb,NEAR/2 x\n");
        assert_eq!(d[0].origin, Origin { line: 2, column: 3 });
        let (cb, d) = read("label,terms\nx,y\n");
        assert!(cb.is_none() && d[0].message.contains("no `tag` (or `id`) column"));
    }

    #[test]
    fn a_repeated_id_with_other_fields_stays_a_duplicate() {
        let (cb, _) = read("id,label,terms\na,A,x\na,Again,y\n");
        assert_eq!(cb.unwrap().codes.len(), 2);
    }

    #[test]
    fn write_then_read() {
        let src = "tag,parent,label,description,terms,exclude,terms_en,exclude_en,colour,memo\n\
                   a,,A,\"multi\nline, \"\"quoted\"\"\",x; /a;b/,z,rent,,#ffffff,\n\
                   a.b,a,B,,y,,,w,,m\n";
        let (cb, d) = read(src);
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        let out = String::from_utf8(write(&cb).unwrap()).unwrap();
        assert_eq!(out, src);
    }

    #[test]
    fn the_written_header_is_one_taguette_imports() {
        let (cb, _) = read("id,parent,label,definition,terms\na,,A,Le a,x\na.b,a,B,,y\n");
        let out = String::from_utf8(write(&cb.unwrap()).unwrap()).unwrap();
        let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
        // Taguette: exactly one of tag/name/path, and `description`.
        let tag_cols = header
            .iter()
            .filter(|h| matches!(**h, "tag" | "name" | "path"))
            .count();
        assert_eq!(tag_cols, 1, "{header:?}");
        assert_eq!(header[..4], ["tag", "parent", "label", "description"]);
        assert!(out.contains("\na.b,a,B,,y,"), "{out}");
    }

    #[test]
    fn taguettes_codebook_export_reads() {
        let src = "tag,description,number of highlights,number of documents\r\n\
                   interesting,Worth a look,3,2\r\ninteresting.places,,0,0\r\n";
        let (cb, d) = read(src);
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        let got: Vec<(&str, Option<&str>)> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.definition.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("interesting", Some("Worth a look")),
                ("interesting.places", None)
            ]
        );
        let (_, d) = read("tag,id\na,a\n");
        assert_eq!(d[0].message, "column `id` repeats `tag`; give it once");
    }

    #[test]
    fn codable_and_guid_columns_round_trip_and_are_checked() {
        let src = "tag,parent,label,description,terms,exclude,colour,memo,codable,guid\n\
                   a,,A,,,,#FF00aa,,false,9FA9BCB7-5B59-47A9-8C3E-F65CFFDC7520\n\
                   a.b,a,B,,y,,,,true,\n";
        let (cb, d) = read(src);
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        assert!(!cb.codes[0].codable && cb.codes[1].codable);
        assert_eq!(
            cb.codes[0].guid.as_deref(),
            Some("9FA9BCB7-5B59-47A9-8C3E-F65CFFDC7520")
        );
        assert_eq!(String::from_utf8(write(&cb).unwrap()).unwrap(), src);
        let (cb, d) = read("id,colour,codable,guid\na,#abc,maybe,x\n");
        assert_eq!(cb.unwrap().codes[0].colour.as_deref(), Some("#aabbcc"));
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].starts_with("codable \"maybe\""), "{msgs:?}");
        assert!(msgs[1].starts_with("guid \"x\""), "{msgs:?}");
    }
}
