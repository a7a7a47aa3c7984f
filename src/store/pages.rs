//! Row groups of a Parquet file copied as their compressed pages: what an
//! import does with the segments it keeps (the rows already in the table,
//! the new ones in the scratch file), instead of decoding every page and
//! encoding and compressing it again.
//!
//! A copy is only taken where it gives the bytes a fresh write would: the
//! file's columns are the writer's (same names, types and levels, none
//! nested), and the rows asked for are whole row groups cut as the writer
//! cuts them. Anything else is decoded and written again by the caller.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

use polars::io::parquet::read::FileMetadata;
use polars_buffer::Buffer;
use polars_parquet::parquet::metadata::{RowGroupMetadata, SchemaDescriptor};
use polars_parquet::parquet::page::{CompressedPage, DataPageHeader};
use polars_parquet::parquet::read::{PageMetaData, PageReader};

/// Whether row groups of a file with `meta` can be written unchanged by a
/// writer of `schema`: the same flat columns, in the same order.
pub(super) fn same_columns(meta: &FileMetadata, schema: &SchemaDescriptor) -> bool {
    let (theirs, ours) = (meta.schema().columns(), schema.columns());
    theirs.len() == ours.len()
        && theirs.iter().zip(ours).all(|(a, b)| {
            a == b && a.descriptor.max_rep_level == 0 && a.descriptor.max_def_level <= 1
        })
}

/// The row groups that hold exactly rows `first..first + rows` when each
/// is `group` rows long but the last (how the writer cuts a source's
/// rows), or `None` when the file's groups fall otherwise.
pub(super) fn whole_groups(
    meta: &FileMetadata,
    first: usize,
    rows: usize,
    group: usize,
) -> Option<Range<usize>> {
    let mut start = 0;
    let mut at = None;
    for (g, rg) in meta.row_groups.iter().enumerate() {
        if start == first {
            at = Some(g);
            break;
        }
        start += rg.num_rows();
        if start > first {
            return None;
        }
    }
    let at = at?;
    let mut left = rows;
    let mut g = at;
    while left > 0 {
        let n = meta.row_groups.get(g)?.num_rows();
        if n != left.min(group) {
            return None;
        }
        left -= n;
        g += 1;
    }
    Some(at..g)
}

/// The compressed pages of row group `rg` of `file`, column by column,
/// each data page with its row count (the writer needs it; a read page
/// does not carry it).
pub(super) fn read_group(
    file: &mut File,
    rg: &RowGroupMetadata,
) -> Result<Vec<Vec<CompressedPage>>, String> {
    let span = rg.full_byte_range();
    let len = usize::try_from(span.end - span.start).map_err(|e| e.to_string())?;
    let mut bytes = vec![0u8; len];
    file.seek(SeekFrom::Start(span.start))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(|e| e.to_string())?;
    let bytes = Buffer::from_vec(bytes);
    let mut columns = Vec::with_capacity(rg.n_columns());
    for chunk in rg.parquet_columns() {
        let r = chunk.byte_range();
        let (a, b) = (
            (r.start - span.start) as usize,
            (r.end - span.start) as usize,
        );
        if b > len || a > b {
            return Err("a column chunk lies outside its row group".into());
        }
        let meta = PageMetaData::new(
            0,
            chunk.num_values(),
            chunk.compression(),
            chunk.descriptor().descriptor.clone(),
        );
        let reader = PageReader::new_with_page_meta(
            std::io::Cursor::new(bytes.clone().sliced(a..b)),
            meta,
            Vec::new(),
            b - a,
        );
        let mut pages = Vec::new();
        let mut rows = 0;
        for page in reader {
            let mut page = page.map_err(|e| e.to_string())?;
            if let CompressedPage::Data(p) = &mut page {
                // Flat columns: a row is a value.
                let n = match p.header() {
                    DataPageHeader::V1(h) => usize::try_from(h.num_values),
                    DataPageHeader::V2(h) => usize::try_from(h.num_rows),
                }
                .map_err(|e| e.to_string())?;
                p.num_rows = Some(n);
                rows += n;
            }
            pages.push(page);
        }
        if rows != rg.num_rows() {
            return Err(format!(
                "a column chunk holds {rows} rows of its row group's {}",
                rg.num_rows()
            ));
        }
        columns.push(pages);
    }
    Ok(columns)
}
