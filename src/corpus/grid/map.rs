//! Turning a table into segments: finding the text, participant, group and
//! recommendation columns (by option or by a recognisable header), parsing
//! votes, and keeping the other columns as attributes.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::super::error::ParseError;
use super::super::model::{RawSegment, SegmentKind};
use super::headers::{
    AUTHOR, COLOUR, DEADLINE, FRAME, INDICATOR, NOTE_TEXT, OWNER, PRIORITY, RECOMMENDATION_TEXT,
    RECOMMENDATION_WORDS, VOTES, is_free_text, lookup, lookup_opt, recognise, recognise_within,
};
use super::split::split_cell;
use super::table::{Row, Table};
use super::{GridKind, GridOptions};

/// Columns that say something about a segment beyond its text.
#[derive(Debug, Clone, Copy, Default)]
struct Mapped {
    votes: Option<usize>,
    priority: Option<usize>,
    owner: Option<usize>,
    deadline: Option<usize>,
    indicator: Option<usize>,
    frame: Option<usize>,
    colour: Option<usize>,
}

impl Mapped {
    fn all(&self) -> [Option<usize>; 7] {
        [
            self.votes,
            self.priority,
            self.owner,
            self.deadline,
            self.indicator,
            self.frame,
            self.colour,
        ]
    }
}

/// Turns a table into segments; returns the text columns used and the
/// segments, row by row and, in a row, text column by text column.
#[cfg(test)]
pub fn map_table(
    table: &Table,
    opts: &GridOptions,
) -> Result<(Vec<String>, Vec<RawSegment>), ParseError> {
    let mut segments = Vec::new();
    let names = map_table_into(table, opts, None, &mut |s| {
        segments.push(s);
        Ok(())
    })?;
    Ok((names, segments))
}

/// Like [`map_table`], but hands each segment to `sink` as soon as it is
/// made, so that a large grid never holds all its segments at once.
/// Returns the text columns used. `sheet_part` is the part of the grid's
/// method its sheet names, when the workbook has a sheet per part.
///
/// With a method, a segment's part comes from, in order: the sheet
/// (`sheet_part`); the frame column (a sticky-note export); the header of
/// its column. Without `--text-column`, the text columns are then the
/// columns whose headers name a part; a column of free text that names no
/// part is an error, as is a header, frame or sheet that names no part of
/// a method that is not open.
pub fn map_table_into(
    table: &Table,
    opts: &GridOptions,
    sheet_part: Option<&str>,
    sink: &mut dyn FnMut(RawSegment) -> Result<(), ParseError>,
) -> Result<Vec<String>, ParseError> {
    let plan = Plan::new(
        &table.headers,
        table.first_column,
        table.header_line,
        opts,
        Some(&table.rows),
        sheet_part,
    )?
    .expect("the rows were given");
    let mut plan = plan;
    plan.leave_out_long_text(&table.rows);
    let mut keys = RowKeys::default();
    for row in &table.rows {
        let key = keys.key(&plan, row)?;
        for seg in plan.segments(row, key)? {
            sink(seg)?;
        }
    }
    Ok(plan.text_names())
}

/// Which column is what in a grid, decided from its header (and, when the
/// text columns must be guessed, its rows); then each row on its own.
#[derive(Debug, Clone)]
pub struct Plan {
    headers: Vec<String>,
    first_column: u64,
    kind: SegmentKind,
    split_items: bool,
    group: Option<usize>,
    id: Option<usize>,
    role: Option<usize>,
    participant: Option<usize>,
    mapped: Mapped,
    text: Vec<usize>,
    attribute_columns: Vec<usize>,
    /// The workshop method, if any, and where each segment's part comes
    /// from: the sheet, else the frame column, else its column's header.
    method: Option<crate::corpus::method::Method>,
    sheet_part: Option<String>,
    column_part: HashMap<usize, String>,
}

/// Rows of a grid's start that tell whether a column left out of the
/// text holds long free text (see [`Plan::leave_out_long_text`]).
pub const ATTRIBUTE_SAMPLE: usize = 1000;

/// Average characters of a non-empty cell above which a column of free
/// text is too long to copy onto every segment as an attribute.
const LONG_TEXT_CHARS: usize = 80;

impl Plan {
    /// Leaves out of the attributes the columns of long free text (the
    /// answer to another question of a questionnaire, a comment): an
    /// attribute is copied onto each of the row's segments, and such a
    /// column made a consultation's study several times its size. The
    /// first [`ATTRIBUTE_SAMPLE`] rows of `rows` decide, so a streamed
    /// file decides as the whole file does. Import such a column as text
    /// (`--text-column`, or `--add` as another source).
    pub fn leave_out_long_text(&mut self, rows: &[Row]) {
        let sample = &rows[..rows.len().min(ATTRIBUTE_SAMPLE)];
        self.attribute_columns.retain(|&i| {
            let cells = || sample.iter().map(|r| r.cells[i].as_str());
            let (n, chars) = cells()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .fold((0usize, 0usize), |(n, c), v| (n + 1, c + v.chars().count()));
            !(n > 0 && chars > LONG_TEXT_CHARS * n && is_free_text(cells()))
        });
    }

    /// Chooses the columns. `rows` are needed only when no text column is
    /// named or recognisable by its header (the free-text guess reads every
    /// row, as do a method's part columns and a sheet's): without them
    /// that case gives `None`. `sheet_part` is the part of the grid's
    /// method its sheet names, when the workbook has a sheet per part.
    ///
    /// With a method, a segment's part comes from, in order: the sheet
    /// (`sheet_part`); the frame column (a sticky-note export); the header
    /// of its column. Without `--text-column`, the text columns are then
    /// the columns whose headers name a part; a column of free text that
    /// names no part is an error, as is a header, frame or sheet that names
    /// no part of a method that is not open.
    pub fn new(
        headers: &[String],
        first_column: u64,
        header_line: u64,
        opts: &GridOptions,
        rows: Option<&[Row]>,
        sheet_part: Option<&str>,
    ) -> Result<Option<Plan>, ParseError> {
        let mut taken: HashSet<usize> = HashSet::new();

        // Columns named by options come first, and are never guessed over.
        let group = lookup_opt(headers, opts.group_column.as_ref())?;
        let id = lookup_opt(headers, opts.id_column.as_ref())?;
        let role = lookup_opt(headers, opts.role_column.as_ref())?;
        let mut participant = lookup_opt(headers, opts.participant_column.as_ref())?;
        let c = &opts.columns;
        let mut mapped = Mapped {
            votes: lookup_opt(headers, c.votes.as_ref())?,
            priority: lookup_opt(headers, c.priority.as_ref())?,
            owner: lookup_opt(headers, c.owner.as_ref())?,
            deadline: lookup_opt(headers, c.deadline.as_ref())?,
            indicator: lookup_opt(headers, c.indicator.as_ref())?,
            frame: lookup_opt(headers, c.frame.as_ref())?,
            colour: lookup_opt(headers, c.colour.as_ref())?,
        };
        let mut text: Vec<usize> = Vec::new();
        for name in &opts.text_columns {
            let i = lookup(headers, name)?;
            if !text.contains(&i) {
                text.push(i);
            }
        }
        taken.extend(group);
        taken.extend(id);
        taken.extend(role);
        taken.extend(participant);
        taken.extend(mapped.all().into_iter().flatten());
        taken.extend(text.iter().copied());

        // Then recognisable headers, by kind.
        if opts.kind == GridKind::Notes && participant.is_none() {
            participant = recognise(headers, AUTHOR, &taken);
            taken.extend(participant);
        }
        if opts.kind != GridKind::Observations {
            let mut fill = |slot: &mut Option<usize>, synonyms: &[&str]| {
                if slot.is_none() {
                    *slot = recognise(headers, synonyms, &taken);
                    taken.extend(*slot);
                }
            };
            fill(&mut mapped.votes, VOTES);
            fill(&mut mapped.priority, PRIORITY);
            fill(&mut mapped.owner, OWNER);
            fill(&mut mapped.deadline, DEADLINE);
            fill(&mut mapped.indicator, INDICATOR);
            if opts.kind == GridKind::Notes {
                fill(&mut mapped.frame, FRAME);
                fill(&mut mapped.colour, COLOUR);
            }
        }
        let method = opts.method.as_ref();
        if method.is_some() && sheet_part.is_none() && mapped.frame.is_none() {
            mapped.frame = recognise(headers, FRAME, &taken);
            taken.extend(mapped.frame);
        }
        let by_header = sheet_part.is_none() && mapped.frame.is_none();
        if let Some(m) = method.filter(|_| by_header && text.is_empty()) {
            let Some(rows) = rows else { return Ok(None) };
            text = part_columns((headers, first_column, header_line), rows, m, &taken)?;
        }
        if text.is_empty() {
            let found = match opts.kind {
                GridKind::Recommendations => recognise(headers, RECOMMENDATION_TEXT, &taken)
                    .or_else(|| recognise_within(headers, RECOMMENDATION_WORDS, &taken)),
                GridKind::Notes => recognise(headers, NOTE_TEXT, &taken),
                GridKind::Observations => None,
            };
            text = match (found, rows) {
                (Some(i), _) => vec![i],
                (None, None) => return Ok(None),
                (None, Some(rows)) => (0..headers.len())
                    .filter(|i| {
                        !taken.contains(i)
                            && is_free_text(rows.iter().map(|r| r.cells[*i].as_str()))
                    })
                    .collect(),
            };
        }
        if text.is_empty() && sheet_part.is_some() {
            let Some(rows) = rows else { return Ok(None) };
            // A sheet per part often holds one short item per row.
            text = recognise(headers, NOTE_TEXT, &taken)
                .or_else(|| recognise(headers, RECOMMENDATION_TEXT, &taken))
                .or_else(|| {
                    (0..headers.len()).find(|i| {
                        !taken.contains(i) && rows.iter().any(|r| !r.cells[*i].trim().is_empty())
                    })
                })
                .into_iter()
                .collect();
        }
        if text.is_empty() {
            return Err(ParseError::file(format!(
                "no text column found: no column holds mostly free text; the grid has columns: {}; pass --text-column NAME",
                headers.join(", ")
            )));
        }
        taken.extend(text.iter().copied());
        // The part of each text column, when the headers name the parts.
        let mut column_part: HashMap<usize, String> = HashMap::new();
        if let Some(m) = method.filter(|_| by_header) {
            for &i in &text {
                let p = m.part_of(&headers[i]).map_err(|e| {
                    ParseError::at(
                        header_line,
                        first_column + i as u64,
                        e.describe(&format!("column \"{}\"", headers[i])),
                    )
                })?;
                column_part.insert(i, p);
            }
        }

        let kind = match opts.kind {
            GridKind::Observations => SegmentKind::Observation,
            GridKind::Recommendations => SegmentKind::Recommendation,
            GridKind::Notes => SegmentKind::Note,
        };
        let attribute_columns: Vec<usize> =
            (0..headers.len()).filter(|i| !taken.contains(i)).collect();
        Ok(Some(Plan {
            headers: headers.to_vec(),
            first_column,
            kind,
            split_items: opts.split_items,
            group,
            id,
            role,
            participant,
            mapped,
            text,
            attribute_columns,
            method: method.cloned(),
            sheet_part: sheet_part.map(str::to_owned),
            column_part,
        }))
    }

    /// The text columns, by name.
    pub fn text_names(&self) -> Vec<String> {
        self.text.iter().map(|&i| self.headers[i].clone()).collect()
    }

    /// A row's segments (none when its text cells are blank), given its
    /// key (see [`RowKeys`]). Depends on the row alone, so rows can be
    /// mapped in parallel.
    pub fn segments(&self, row: &Row, key: Option<String>) -> Result<Vec<RawSegment>, ParseError> {
        Ok(match self.row_segments(row)? {
            Some(mut r) => {
                r.template.key = key;
                GridRow { plan: self, row: r }.into_segments()
            }
            None => Vec::new(),
        })
    }

    /// A row's items with what they share (`None` when its text cells are
    /// blank); its key is left for the caller (see [`RowKeys`]). Depends
    /// on the row alone, so rows can be mapped in parallel.
    pub fn row_segments(&self, row: &Row) -> Result<Option<RowSegments>, ParseError> {
        let headers = &self.headers;
        let texts: Vec<(usize, &str)> = self
            .text
            .iter()
            .map(|&i| (i, row.cells[i].trim()))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        if texts.is_empty() {
            return Ok(None);
        }
        let mut template = self.row_template(row)?;
        if let Some(m) = &self.method {
            template.method = Some(m.name.clone());
            template.part = match (&self.sheet_part, self.mapped.frame) {
                (Some(p), _) => Some(p.clone()),
                (None, Some(f)) => {
                    let written = row.cells[f].trim();
                    let what = if written.is_empty() {
                        format!("frame (column \"{}\")", headers[f])
                    } else {
                        format!("frame \"{written}\" (column \"{}\")", headers[f])
                    };
                    Some(m.part_of(written).map_err(|e| {
                        ParseError::at(row.line, self.first_column + f as u64, e.describe(&what))
                    })?)
                }
                (None, None) => None,
            };
        }
        if let Some(c) = self.role {
            template.role = crate::corpus::transcript::role_cell(row.cells[c].trim(), &headers[c])
                .map_err(|m| ParseError::at(row.line, self.first_column + c as u64, m))?;
        }
        let mut items = Vec::new();
        for (column, cell) in texts {
            if self.split_items {
                let split = split_cell(cell).into_iter().enumerate();
                items.extend(split.map(|(n, item)| RowItem {
                    text: item.text,
                    column,
                    number: n as u32 + 1,
                    heading: item.heading,
                    attributes: String::new(),
                }));
            } else {
                items.push(RowItem {
                    text: cell.to_owned(),
                    column,
                    number: 0,
                    heading: None,
                    attributes: String::new(),
                });
            }
        }
        Ok(Some(RowSegments { template, items }))
    }

    /// The id column's value in a row (see [`RowKeys`]): an error when it
    /// is empty.
    pub fn row_key(&self, row: &Row) -> Result<Option<String>, ParseError> {
        let Some(i) = self.id else {
            return Ok(None);
        };
        let v = row.cells[i].trim();
        if v.is_empty() {
            return Err(ParseError::at(
                row.line,
                self.first_column + i as u64,
                format!(
                    "empty id in column \"{}\"; every row needs an id when --id-column is given",
                    self.headers[i]
                ),
            ));
        }
        Ok(Some(v.to_owned()))
    }

    /// Everything a row's segments share: group, speaker, recommendation
    /// fields, attributes.
    fn row_template(&self, row: &Row) -> Result<RawSegment, ParseError> {
        let (table, kind, group, participant, mapped) =
            (self, self.kind, self.group, self.participant, &self.mapped);
        let attribute_columns = &self.attribute_columns;
        let cell = |i: Option<usize>| {
            i.map(|i| row.cells[i].trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let group_value = match group {
            Some(g) => match cell(Some(g)) {
                Some(v) => Some(v),
                None => {
                    return Err(ParseError::at_line(
                        row.line,
                        format!("empty group in column \"{}\"", table.headers[g]),
                    ));
                }
            },
            None => None,
        };
        let votes = match mapped.votes {
            Some(i) => parse_votes(row.cells[i].trim()).map_err(|NotAWholeNumber(v)| {
                ParseError::at(
                    row.line,
                    table.first_column + i as u64,
                    format!(
                        "votes \"{v}\" in column \"{}\" is not a whole number",
                        table.headers[i]
                    ),
                )
            })?,
            None => None,
        };
        let mut attributes = BTreeMap::new();
        let mut participant_attributes = BTreeMap::new();
        for &i in attribute_columns {
            let v = row.cells[i].trim();
            if v.is_empty() {
                continue;
            }
            // Every other column describes the row's segments; with a
            // participant column it may also describe the participant (the
            // study keeps the values that do not vary across the participant's
            // rows). A sticky note's other columns (created, tags…) describe
            // the note, not its author.
            if participant.is_some() && kind != SegmentKind::Note {
                participant_attributes.insert(table.headers[i].clone(), v.to_owned());
            }
            attributes.insert(table.headers[i].clone(), v.to_owned());
        }
        if let Some(v) = cell(mapped.frame) {
            attributes.insert("frame".to_owned(), v);
        }
        if let Some(v) = cell(mapped.colour) {
            attributes.insert("colour".to_owned(), v);
        }
        Ok(RawSegment {
            group: group_value,
            speaker: cell(participant),
            kind,
            votes,
            priority: cell(mapped.priority),
            owner: cell(mapped.owner),
            deadline: cell(mapped.deadline),
            indicator: cell(mapped.indicator),
            attributes,
            participant_attributes,
            line: Some(row.line),
            ..RawSegment::default()
        })
    }
}

/// The columns whose headers name a part of `m`, in grid order. A column
/// of free text that names none is an error for a method that is not open
/// (a misspelt part would otherwise be left out); so is a grid where no
/// header names a part. An open method whose headers name none of its
/// parts gets no columns here: its text columns are chosen as usual, each
/// header a part as written.
fn part_columns(
    (headers, first_column, header_line): (&[String], u64, u64),
    rows: &[Row],
    m: &crate::corpus::method::Method,
    taken: &HashSet<usize>,
) -> Result<Vec<usize>, ParseError> {
    let free: Vec<usize> = (0..headers.len()).filter(|i| !taken.contains(i)).collect();
    let parts: Vec<usize> = free
        .iter()
        .copied()
        .filter(|&i| m.names_a_part(&headers[i]))
        .collect();
    if m.open {
        return Ok(parts);
    }
    if parts.is_empty() {
        return Err(ParseError::at_line(
            header_line,
            format!(
                "no column names a part of {}: the grid has columns: {}; expected one of: {}",
                m.name,
                headers.join(", "),
                m.expected()
            ),
        ));
    }
    for &i in &free {
        if !parts.contains(&i) && is_free_text(rows.iter().map(|r| r.cells[i].as_str())) {
            return Err(ParseError::at(
                header_line,
                first_column + i as u64,
                format!(
                    "column \"{}\" holds text but is not a part of {}; expected one of: {}; rename it, or name the part columns with --text-column",
                    headers[i],
                    m.name,
                    m.expected()
                ),
            ));
        }
    }
    Ok(parts)
}

/// The id column's values, each checked present and unique in the grid:
/// rows are given in file order.
#[derive(Debug, Default)]
pub struct RowKeys {
    seen: HashMap<String, u64>,
}

impl RowKeys {
    /// The row's id; an error for an empty or repeated one.
    pub fn key(&mut self, plan: &Plan, row: &Row) -> Result<Option<String>, ParseError> {
        let key = plan.row_key(row)?;
        if let Some(k) = &key {
            self.check(plan, k, row.line)?;
        }
        Ok(key)
    }

    /// Checks that the id `v` (from [`Plan::row_key`]) of the row on
    /// `line` is not that of an earlier row.
    pub fn check(&mut self, plan: &Plan, v: &str, line: u64) -> Result<(), ParseError> {
        let Some(i) = plan.id else {
            return Ok(());
        };
        if let Some(first) = self.seen.get(v) {
            return Err(ParseError::at(
                line,
                plan.first_column + i as u64,
                format!(
                    "id \"{v}\" in column \"{}\" is already the id of the row on line {first}; ids must be unique",
                    plan.headers[i]
                ),
            ));
        }
        self.seen.insert(v.to_owned(), line);
        Ok(())
    }
}

/// One item of a row: a segment to be, with what only it has.
#[derive(Debug, Clone, PartialEq)]
pub struct RowItem {
    /// The text, trimmed, never empty.
    pub text: String,
    /// The text column it comes from.
    column: usize,
    /// 1-based number of the item in its cell (`0`: cells are not split).
    number: u32,
    /// The heading of its block in the cell.
    heading: Option<String>,
    /// Its attributes as stored (a JSON object), once
    /// [`RowSegments::serialize_attributes`] has made them.
    attributes: String,
}

/// A row's segments: the template every one of them shares (text and
/// question left empty, the row's attributes, its participant's
/// attributes) and its items, made without copying the template per item.
#[derive(Debug, Clone, PartialEq)]
pub struct RowSegments {
    /// What the row's segments share.
    pub template: RawSegment,
    items: Vec<RowItem>,
}

impl RowSegments {
    /// Serialises each item's attributes (the row's, with its item number
    /// and heading) as they are stored: the same JSON object as
    /// [`crate::corpus::ingest::attrs_json`] of the segment's map. Done
    /// where rows are mapped in parallel, so the hand-over need not.
    pub fn serialize_attributes(&mut self) {
        let fields = RowFields::of(&self.template.attributes);
        for item in &mut self.items {
            item.attributes = fields.json(item);
        }
    }
}

/// A row's attributes as JSON map entries (`"key":"value"`), in key order.
struct RowFields<'a> {
    fields: Vec<(&'a str, String)>,
    /// The fields before "item", and after, joined.
    before: String,
    after: String,
    /// Neither "item" nor "heading" is a key of the row.
    plain: bool,
}

impl<'a> RowFields<'a> {
    fn of(attrs: &'a BTreeMap<String, String>) -> Self {
        let fields: Vec<(&str, String)> = attrs
            .iter()
            .map(|(k, v)| (k.as_str(), json_field(k, v)))
            .collect();
        let at = fields.partition_point(|(k, _)| *k < "item");
        let join = |fs: &[(&str, String)]| {
            let fs: Vec<&str> = fs.iter().map(|(_, f)| f.as_str()).collect();
            fs.join(",")
        };
        RowFields {
            before: join(&fields[..at]),
            after: join(&fields[at..]),
            plain: !attrs.contains_key("item") && !attrs.contains_key("heading"),
            fields,
        }
    }

    /// An item's attributes: the row's with its number and heading.
    fn json(&self, item: &RowItem) -> String {
        let mut out = String::with_capacity(self.before.len() + self.after.len() + 16);
        out.push('{');
        if self.plain && item.heading.is_none() {
            let number = (item.number > 0).then(|| format!("\"item\":\"{}\"", item.number));
            let parts = [
                Some(self.before.as_str()),
                number.as_deref(),
                Some(&self.after),
            ];
            for p in parts.into_iter().flatten().filter(|p| !p.is_empty()) {
                if out.len() > 1 {
                    out.push(',');
                }
                out.push_str(p);
            }
        } else {
            // Rare: the item's keys merged into the row's, in key order.
            let heading = item.heading.as_ref().map(|h| json_field("heading", h));
            let number = (item.number > 0).then(|| json_field("item", &item.number.to_string()));
            let mut all: BTreeMap<&str, &str> =
                self.fields.iter().map(|(k, f)| (*k, f.as_str())).collect();
            if let Some(h) = &heading {
                all.insert("heading", h);
            }
            if let Some(n) = &number {
                all.insert("item", n);
            }
            out.push_str(&all.into_values().collect::<Vec<_>>().join(","));
        }
        out.push('}');
        out
    }
}

/// `"key":"value"` as serde_json writes a map entry.
fn json_field(k: &str, v: &str) -> String {
    let key = serde_json::to_string(k).unwrap_or_default();
    let value = serde_json::to_string(v).unwrap_or_default();
    format!("{key}:{value}")
}

/// A mapped row handed to a [`RowSink`]: its segments, and the plan that
/// names their columns.
pub struct GridRow<'a> {
    plan: &'a Plan,
    row: RowSegments,
}

impl<'a> GridRow<'a> {
    /// A row mapped by `plan`.
    pub fn new(plan: &'a Plan, row: RowSegments) -> Self {
        GridRow { plan, row }
    }

    /// What the row's segments share (text, question and part aside).
    pub fn template(&self) -> &RawSegment {
        &self.row.template
    }

    /// The row's items, in order.
    pub fn items(&self) -> &[RowItem] {
        &self.row.items
    }

    /// The question (column header) an item answers.
    pub fn question(&self, item: &RowItem) -> &str {
        &self.plan.headers[item.column]
    }

    /// The part of the method an item sits in.
    pub fn part(&self, item: &RowItem) -> Option<&str> {
        self.plan
            .column_part
            .get(&item.column)
            .or(self.row.template.part.as_ref())
            .map(String::as_str)
    }

    /// An item's attributes as stored (a JSON object with sorted keys).
    pub fn attributes(&self, item: &'a RowItem) -> std::borrow::Cow<'_, str> {
        if item.attributes.is_empty() {
            std::borrow::Cow::Owned(RowFields::of(&self.row.template.attributes).json(item))
        } else {
            std::borrow::Cow::Borrowed(&item.attributes)
        }
    }

    /// The row's segments, each with the template's fields: the row's
    /// participant attributes travel with its first segment only (the
    /// study merges them per participant).
    pub fn into_segments(self) -> Vec<RawSegment> {
        let GridRow { plan, row } = self;
        let RowSegments {
            mut template,
            items,
        } = row;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let mut seg = template.clone();
            template.participant_attributes.clear();
            seg.text = item.text;
            seg.question = Some(plan.headers[item.column].clone());
            if let Some(p) = plan.column_part.get(&item.column) {
                seg.part = Some(p.clone());
            }
            if item.number > 0 {
                seg.attributes
                    .insert("item".to_owned(), item.number.to_string());
            }
            if let Some(h) = item.heading {
                seg.attributes.insert("heading".to_owned(), h);
            }
            out.push(seg);
        }
        out
    }
}

/// Where a streamed grid's rows go, in file order.
pub trait RowSink {
    /// Takes one row's segments.
    fn row(&mut self, row: GridRow<'_>) -> Result<(), ParseError>;
}

/// A sink of segments one at a time, as a [`RowSink`].
pub struct EachSegment<'s>(pub &'s mut dyn FnMut(RawSegment) -> Result<(), ParseError>);

impl RowSink for EachSegment<'_> {
    fn row(&mut self, row: GridRow<'_>) -> Result<(), ParseError> {
        row.into_segments().into_iter().try_for_each(&mut *self.0)
    }
}

/// Votes as a whole number: `3`, ` 3 `, `3.0`, `3,0`; empty is `None`. The
/// error carries the value.
/// A votes cell that is not a whole number (the cell as written).
#[derive(Debug, Clone, PartialEq, Eq)]
struct NotAWholeNumber(String);

/// A votes cell as a whole number (`3`, `3.0`, `3,0`); empty is none.
fn parse_votes(v: &str) -> Result<Option<i64>, NotAWholeNumber> {
    if v.is_empty() {
        return Ok(None);
    }
    if let Ok(n) = v.parse::<i64>() {
        return Ok(Some(n));
    }
    match v.replace(',', ".").parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(f as i64)),
        _ => Err(NotAWholeNumber(v.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::grid::ColumnMap;

    fn table(rows: &[&[&str]]) -> Table {
        Table::from_records(
            rows.iter()
                .enumerate()
                .map(|(i, r)| (i as u64 + 1, r.iter().map(|c| (*c).to_owned()).collect())),
            1,
        )
        .unwrap()
    }

    /// Every item's attributes as the hand-over writes them (serialised
    /// per row, or one at a time) are the stored JSON of the segment's map.
    #[test]
    fn item_attributes_are_the_json_of_the_segments_map() {
        let cells = [
            "Les transports :\n- des bus le soir\n- des trains\n\nAutre chose",
            "une seule idée",
            "a; b; c",
        ];
        let mut seen = Vec::new();
        for (columns, values) in [
            (
                vec!["Rôle", "zèbre"],
                vec!["membre", "dit \"oui\"\\ \u{1}\n"],
            ),
            (vec!["item", "Item"], vec!["7", "huit"]),
            (vec!["heading", "id"], vec!["déjà", "x"]),
            (vec!["aa", "jz"], vec!["", ""]),
            (vec!["hz", "ia"], vec!["1", "2"]),
        ] {
            let mut headers = vec!["Idées"];
            headers.extend(&columns);
            for cell in cells {
                let mut row = vec![cell];
                row.extend(&values);
                let t = table(&[&headers, &row]);
                for split_items in [true, false] {
                    let opts = GridOptions {
                        text_columns: vec!["Idées".into()],
                        split_items,
                        ..GridOptions::default()
                    };
                    let plan = Plan::new(&t.headers, 1, 1, &opts, None, None)
                        .unwrap()
                        .unwrap();
                    let mut rs = plan.row_segments(&t.rows[0]).unwrap().unwrap();
                    let lazy = GridRow::new(&plan, rs.clone());
                    rs.serialize_attributes();
                    let eager = GridRow::new(&plan, rs);
                    let want: Vec<String> = eager
                        .items()
                        .iter()
                        .map(|i| eager.attributes(i).into_owned())
                        .collect();
                    let got: Vec<String> = lazy
                        .items()
                        .iter()
                        .map(|i| lazy.attributes(i).into_owned())
                        .collect();
                    let stored: Vec<String> = eager
                        .into_segments()
                        .iter()
                        .map(|s| crate::corpus::ingest::attrs_json(&s.attributes))
                        .collect();
                    assert_eq!(want, stored, "{columns:?} {cell:?} {split_items}");
                    assert_eq!(got, stored, "{columns:?} {cell:?} {split_items}");
                    seen.extend(stored);
                }
            }
        }
        // The cases the fast path leaves to the slow one were met.
        assert!(
            seen.iter()
                .any(|j| j.contains("\"heading\":\"Les transports\""))
        );
        assert!(seen.iter().any(|j| j.contains("\"item\":\"3\"")));
        assert!(seen.iter().any(|j| j == "{}"));
    }

    #[test]
    fn recommendations_with_recognised_columns() {
        let t = table(&[
            &[
                "Groupe",
                "Recommandation",
                "Votes",
                "Priorité",
                "Porteur",
                "Échéance",
                "KPI",
                "Remarque",
            ],
            &[
                "Sud",
                "Ouvrir le samedi",
                " 3.0 ",
                "haute",
                "Bureau",
                "2025",
                "taux",
                "vu",
            ],
            &["Nord", "", "1", "", "", "", "", ""],
            &["Nord", "Baisser les loyers", "", "", "", "", "", ""],
        ]);
        let opts = GridOptions {
            kind: GridKind::Recommendations,
            group_column: Some("groupe".into()),
            ..GridOptions::default()
        };
        let (cols, segs) = map_table(&t, &opts).unwrap();
        assert_eq!(cols, ["Recommandation"]);
        assert_eq!(segs.len(), 2);
        let s = &segs[0];
        assert_eq!(s.text, "Ouvrir le samedi");
        assert_eq!(s.group.as_deref(), Some("Sud"));
        assert_eq!(s.kind, SegmentKind::Recommendation);
        assert_eq!(s.votes, Some(3));
        assert_eq!(s.priority.as_deref(), Some("haute"));
        assert_eq!(s.owner.as_deref(), Some("Bureau"));
        assert_eq!(s.deadline.as_deref(), Some("2025"));
        assert_eq!(s.indicator.as_deref(), Some("taux"));
        assert_eq!(s.question.as_deref(), Some("Recommandation"));
        assert_eq!(s.line, Some(2));
        assert_eq!(s.attributes.get("Remarque").map(String::as_str), Some("vu"));
        assert_eq!(s.attributes.len(), 1);
        assert_eq!(segs[1].line, Some(4));
        assert_eq!(segs[1].votes, None);
    }

    #[test]
    fn long_free_text_left_out_of_the_text_is_not_an_attribute() {
        let answer = "Il faudrait des transports en commun plus fréquents le soir et le week-end, et des tarifs adaptés aux revenus des familles modestes";
        let other = "Baisser les taxes sur le carburant pour ceux qui n'ont pas d'autre choix que la voiture pour aller travailler tous les jours";
        let t = table(&[
            &["Thème", "Commentaire", "Proposition", "Autre"],
            &["Transports", "Une note courte", "Des bus le soir", answer],
            &["Fiscalité", "Encore une note", "Moins de taxes", other],
            &["Transports", "", "Des trains", ""],
        ]);
        let opts = GridOptions {
            text_columns: vec!["Proposition".into()],
            ..GridOptions::default()
        };
        let (_, segs) = map_table(&t, &opts).unwrap();
        assert_eq!(segs.len(), 3);
        // Short descriptors and short notes stay; the long answers to
        // another question would be copied onto every segment: left out.
        assert_eq!(segs[0].attributes["Thème"], "Transports");
        assert_eq!(segs[0].attributes["Commentaire"], "Une note courte");
        assert!(
            !segs[0].attributes.contains_key("Autre"),
            "{:?}",
            segs[0].attributes
        );
        assert!(!segs[1].attributes.contains_key("Autre"));
        // Named as text, the same column is read.
        let opts = GridOptions {
            text_columns: vec!["Autre".into()],
            ..GridOptions::default()
        };
        let (_, segs) = map_table(&t, &opts).unwrap();
        assert_eq!(segs[0].text, answer);
        assert_eq!(segs[0].attributes["Proposition"], "Des bus le soir");
    }

    #[test]
    fn observations_pick_free_text_and_keep_attributes() {
        let t = table(&[
            &[
                "Participant",
                "Rôle",
                "Âge",
                "Site",
                "Q1 Besoins",
                "Q2 Freins",
            ],
            &[
                "Ana",
                "membre",
                "34",
                "https://a.org/x",
                "Un espace calme pour travailler",
                "",
            ],
            &[
                "Ben",
                "membre",
                "41",
                "https://a.org/y",
                "Des horaires plus larges le soir",
                "Le prix du loyer",
            ],
        ]);
        let opts = GridOptions {
            participant_column: Some("participant".into()),
            ..GridOptions::default()
        };
        let (cols, segs) = map_table(&t, &opts).unwrap();
        assert_eq!(cols, ["Q1 Besoins", "Q2 Freins"]);
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[2].speaker.as_deref(), Some("Ben"));
        assert_eq!(segs[2].question.as_deref(), Some("Q2 Freins"));
        assert_eq!(segs[2].kind, SegmentKind::Observation);
        // A row's participant attributes travel with its first segment.
        assert!(segs[2].participant_attributes.is_empty());
        let pa = &segs[1].participant_attributes;
        assert_eq!(pa.get("Rôle").map(String::as_str), Some("membre"));
        assert_eq!(pa.get("Âge").map(String::as_str), Some("41"));
        // The row's other columns describe each of its segments too.
        assert_eq!(
            segs[2].attributes.get("Rôle").map(String::as_str),
            Some("membre")
        );
        // Observations guess no recommendation column.
        assert_eq!(segs[2].votes, None);
    }

    #[test]
    fn notes_recognise_author_frame_colour() {
        let t = table(&[
            &["Content", "Author", "Frame", "Color", "Votes"],
            &["More plants", "Ana", "Ideas", "yellow", "2"],
        ]);
        let opts = GridOptions {
            kind: GridKind::Notes,
            ..GridOptions::default()
        };
        let (cols, segs) = map_table(&t, &opts).unwrap();
        assert_eq!(cols, ["Content"]);
        let s = &segs[0];
        assert_eq!(s.kind, SegmentKind::Note);
        assert_eq!(s.speaker.as_deref(), Some("Ana"));
        assert_eq!(s.votes, Some(2));
        assert_eq!(s.attributes.get("frame").map(String::as_str), Some("Ideas"));
        assert_eq!(
            s.attributes.get("colour").map(String::as_str),
            Some("yellow")
        );
        assert!(s.participant_attributes.is_empty());
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let t = table(&[
            &["G", "Texte", "Votes"],
            &["Sud", "Une idée", "beaucoup"],
            &["", "Autre", ""],
        ]);
        let base = GridOptions {
            kind: GridKind::Recommendations,
            ..GridOptions::default()
        };
        let e = map_table(&t, &base).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert_eq!(
            e.message,
            "votes \"beaucoup\" in column \"Votes\" is not a whole number"
        );

        let opts = GridOptions {
            group_column: Some("G".into()),
            columns: ColumnMap {
                votes: Some("G".into()),
                ..ColumnMap::default()
            },
            ..base.clone()
        };
        let e = map_table(&t, &opts).unwrap_err();
        assert!(e.message.contains("\"Sud\""), "{e}");

        let opts = GridOptions {
            group_column: Some("G".into()),
            text_columns: vec!["texte".into()],
            ..GridOptions::default()
        };
        let e = map_table(&t, &opts).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.message, "empty group in column \"G\"");

        let opts = GridOptions {
            text_columns: vec!["Nope".into()],
            ..GridOptions::default()
        };
        let e = map_table(&t, &opts).unwrap_err();
        assert_eq!(
            e.message,
            "unknown column \"Nope\"; the grid has columns: G, Texte, Votes"
        );

        let t = table(&[&["id", "n"], &["a1", "3"]]);
        let e = map_table(&t, &GridOptions::default()).unwrap_err();
        assert!(e.message.contains("--text-column"), "{e}");
        assert!(e.message.contains("id, n"), "{e}");
    }

    fn swot() -> GridOptions {
        GridOptions {
            method: crate::corpus::method::Method::builtin("swot"),
            ..GridOptions::default()
        }
    }

    fn parts(segs: &[RawSegment]) -> Vec<(&str, &str)> {
        segs.iter()
            .map(|s| (s.part.as_deref().unwrap_or("-"), s.text.as_str()))
            .collect()
    }

    #[test]
    fn a_swot_grid_with_one_column_per_quadrant() {
        let t = table(&[
            &["Forces", "Faiblesses", "Opportunités", "Menaces", "Votes"],
            &["Le café", "Le bruit", "Un partenaire", "Le bail", "2"],
            &["Le matériel", "", "", "La hausse du loyer", ""],
        ]);
        let (cols, segs) = map_table(&t, &swot()).unwrap();
        assert_eq!(cols, ["Forces", "Faiblesses", "Opportunités", "Menaces"]);
        assert_eq!(
            parts(&segs),
            [
                ("strengths", "Le café"),
                ("weaknesses", "Le bruit"),
                ("opportunities", "Un partenaire"),
                ("threats", "Le bail"),
                ("strengths", "Le matériel"),
                ("threats", "La hausse du loyer"),
            ]
        );
        assert!(segs.iter().all(|s| s.method.as_deref() == Some("swot")));
        // Other columns are kept as attributes.
        assert_eq!(segs[0].attributes["Votes"], "2");
        assert_eq!(segs[0].kind, SegmentKind::Observation);
    }

    #[test]
    fn a_sticky_note_export_takes_the_part_from_the_frame() {
        let t = table(&[
            &["Content", "Frame", "Author", "Votes"],
            &["Loyer trop cher", "Faiblesses", "Ana", "3"],
            &["Terrasse", "Strengths", "Ben", ""],
        ]);
        for kind in [GridKind::Notes, GridKind::Observations] {
            let opts = GridOptions {
                kind,
                text_columns: vec!["Content".into()],
                ..swot()
            };
            let (_, segs) = map_table(&t, &opts).unwrap();
            assert_eq!(
                parts(&segs),
                [("weaknesses", "Loyer trop cher"), ("strengths", "Terrasse")]
            );
        }
        let opts = GridOptions {
            kind: GridKind::Notes,
            ..swot()
        };
        let (_, segs) = map_table(&t, &opts).unwrap();
        assert_eq!(segs[0].votes, Some(3));
        assert_eq!(segs[0].attributes["frame"], "Faiblesses");
    }

    #[test]
    fn a_wrong_part_name_is_an_error_at_its_cell() {
        // A header: at the header cell.
        let t = table(&[&["Forces", "Oportunités"], &["Le café", "Un partenaire"]]);
        let opts = GridOptions {
            text_columns: vec!["Forces".into(), "Oportunités".into()],
            ..swot()
        };
        let e = map_table(&t, &opts).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(2)), "{e}");
        assert_eq!(
            e.message,
            "column \"Oportunités\" is not a part of swot; expected one of: strengths (forces, sterktes), weaknesses (faiblesses, zwaktes), opportunities (opportunités, kansen), threats (menaces, bedreigingen)"
        );
        // A misspelt column of text is not silently left out.
        let t = table(&[
            &["Forces", "Oportunités"],
            &[
                "Le café partagé du matin",
                "Un partenaire à Roubaix pour les tarifs",
            ],
        ]);
        let e = map_table(&t, &swot()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(2)), "{e}");
        assert!(
            e.message
                .starts_with("column \"Oportunités\" holds text but is not a part of swot"),
            "{e}"
        );
        // No header names a part.
        let t = table(&[&["Idée"], &["Un partenaire à Roubaix"]]);
        let e = map_table(&t, &swot()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), None), "{e}");
        assert!(
            e.message
                .starts_with("no column names a part of swot: the grid has columns: Idée;"),
            "{e}"
        );
        // A frame: at the row's line and the frame column.
        let t = table(&[
            &["Content", "Frame"],
            &["Le café", "Forces"],
            &["Le bruit", "Problèmes"],
            &["Sans cadre", ""],
        ]);
        let opts = GridOptions {
            kind: GridKind::Notes,
            ..swot()
        };
        let e = map_table(&t, &opts).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(2)), "{e}");
        assert!(
            e.message.starts_with("frame \"Problèmes\" (column \"Frame\") is not a part of swot; expected one of: strengths"),
            "{e}"
        );
        let t = table(&[&["Content", "Frame"], &["Sans cadre", ""]]);
        let e = map_table(&t, &opts).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(2)), "{e}");
        assert!(
            e.message
                .starts_with("empty frame (column \"Frame\"); swot expects one of"),
            "{e}"
        );
    }

    #[test]
    fn an_empathy_map_and_open_methods() {
        let t = table(&[
            &[
                "Participant",
                "Dit",
                "Pense",
                "Fait",
                "Ressent",
                "Douleurs",
                "Gains",
            ],
            &[
                "Ana",
                "« Trop cher »",
                "Je viendrais plus",
                "Vient le mardi",
                "Fatigue",
                "Le trajet",
                "Le café",
            ],
        ]);
        let opts = GridOptions {
            method: crate::corpus::method::Method::builtin("empathy"),
            participant_column: Some("Participant".into()),
            ..GridOptions::default()
        };
        let (_, segs) = map_table(&t, &opts).unwrap();
        let got: Vec<&str> = segs.iter().map(|s| s.part.as_deref().unwrap()).collect();
        assert_eq!(got, ["says", "thinks", "does", "feels", "pains", "gains"]);
        assert_eq!(segs[0].speaker.as_deref(), Some("Ana"));
        // A brainstorm board: clusters are frames as written.
        let t = table(&[
            &["Note", "Zone", "Votes"],
            &["Un coin enfants", "Idées folles", "4"],
            &["Un tarif solidaire", "Tarifs", "2"],
        ]);
        let opts = GridOptions {
            kind: GridKind::Notes,
            method: crate::corpus::method::Method::builtin("brainstorm"),
            ..GridOptions::default()
        };
        let (_, segs) = map_table(&t, &opts).unwrap();
        assert_eq!(
            parts(&segs),
            [
                ("Idées folles", "Un coin enfants"),
                ("Tarifs", "Un tarif solidaire")
            ]
        );
        // A journey map with one column per stage.
        let t = table(&[
            &["Découverte", "Premier jour", "Au quotidien"],
            &[
                "Le bouche-à-oreille",
                "Un badge qui ne marche pas",
                "Le bruit des appels",
            ],
        ]);
        let opts = GridOptions {
            method: crate::corpus::method::Method::builtin("journey"),
            ..GridOptions::default()
        };
        let (_, segs) = map_table(&t, &opts).unwrap();
        let got: Vec<&str> = segs.iter().map(|s| s.part.as_deref().unwrap()).collect();
        assert_eq!(got, ["Découverte", "Premier jour", "Au quotidien"]);
    }

    #[test]
    fn votes_values() {
        let bad = |v: &str| Err(NotAWholeNumber(v.to_owned()));
        let cases: &[(&str, Result<Option<i64>, NotAWholeNumber>)] = &[
            ("", Ok(None)),
            ("3", Ok(Some(3))),
            ("3.0", Ok(Some(3))),
            ("3,0", Ok(Some(3))),
            ("-2", Ok(Some(-2))),
            ("2.5", bad("2.5")),
            ("NaN", bad("NaN")),
            ("1e300", bad("1e300")),
            ("trois", bad("trois")),
        ];
        for (v, want) in cases {
            assert_eq!(parse_votes(v), *want, "{v}");
        }
    }

    #[test]
    fn split_items_add_an_item_number() {
        let t = table(&[&["Idée"], &["- a;\n- b"]]);
        let opts = GridOptions {
            kind: GridKind::Recommendations,
            split_items: true,
            ..GridOptions::default()
        };
        let (_, segs) = map_table(&t, &opts).unwrap();
        let got: Vec<(&str, &str)> = segs
            .iter()
            .map(|s| (s.text.as_str(), s.attributes["item"].as_str()))
            .collect();
        assert_eq!(got, [("a", "1"), ("b", "2")]);
    }

    #[test]
    fn free_text_heuristic() {
        let cases: &[(&[&str], bool)] = &[
            (
                &["Un espace calme pour travailler", "Plus de lumière"],
                true,
            ),
            (&["2019-02-28 16:11:43", "2019-03-01 10:00:00"], false),
            (
                &[
                    "https://granddebat.fr/media/x.pdf",
                    "https://granddebat.fr/y",
                ],
                false,
            ),
            (&["contrib-29bc1037c801a63a9869f6b8520c6613"], false),
            (&["12345678901234567", "2345678901234567"], false),
            (&["court", "bref"], false),
            (&["organisateur de la réunion"; 6], false),
            (&[], false),
        ];
        for (cells, want) in cases {
            assert_eq!(is_free_text(cells.iter().copied()), *want, "{cells:?}");
        }
    }
}
