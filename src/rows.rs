//! Typed rows to and from polars frames: a table is a `Vec` of a row
//! struct, and its frame has one column per field with the field's type
//! (numbers stay numbers, flags booleans, lists Parquet lists, maps lists
//! of structs). The [`rows!`](crate::rows!) macro declares a row struct and
//! its [`Rows`] implementation from one field list, so the struct, the
//! frame's schema and the documentation of the columns cannot drift apart.

use polars::prelude::*;

/// A table of typed rows stored as a frame.
pub trait Rows: Sized {
    /// The columns: name, polars type and meaning (the field's doc).
    fn schema() -> Vec<ColumnDoc>;
    /// The rows as a frame, one column per field.
    fn to_frame(rows: &[Self]) -> PolarsResult<DataFrame>;
    /// The rows of a frame with these columns (extra columns are ignored;
    /// numbers are cast to the field's type).
    fn from_frame(df: &DataFrame) -> PolarsResult<Vec<Self>>;
}

/// One column of a [`Rows`] table, for documentation and schema checks.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDoc {
    /// The column name (the field name).
    pub name: &'static str,
    /// Its polars type.
    pub dtype: DataType,
    /// What it holds.
    pub doc: String,
}

/// A field type that maps to one column.
pub trait Cell: Sized {
    /// The column's type.
    fn dtype() -> DataType;
    /// A column of these values.
    fn column<'a>(
        name: &str,
        values: impl ExactSizeIterator<Item = &'a Self>,
    ) -> PolarsResult<Column>
    where
        Self: 'a;
    /// The values of a column (cast to [`Cell::dtype`] when they differ).
    fn read(col: &Column) -> PolarsResult<Vec<Self>>;
    /// The values of a column a table lacks, when the field can be empty
    /// (`Option`): a table written before the column existed reads as all
    /// empty. `None` for fields that need a value.
    fn absent(_rows: usize) -> Option<Vec<Self>> {
        None
    }
}

/// The column cast to `dtype` when its type differs.
fn cast(col: &Column, dtype: &DataType) -> PolarsResult<Column> {
    if col.dtype() == dtype {
        Ok(col.clone())
    } else {
        col.cast(dtype)
    }
}

fn no_null(col: &Column, i: usize) -> PolarsError {
    polars_err!(ComputeError: "column \"{}\" has an empty value in row {} where a value is required", col.name(), i + 1)
}

macro_rules! primitive_cell {
    ($t:ty, $dtype:expr, $get:ident) => {
        impl Cell for $t {
            fn dtype() -> DataType {
                $dtype
            }
            fn column<'a>(
                name: &str,
                values: impl ExactSizeIterator<Item = &'a Self>,
            ) -> PolarsResult<Column> {
                Ok(Column::new(
                    name.into(),
                    values.copied().collect::<Vec<$t>>(),
                ))
            }
            fn read(col: &Column) -> PolarsResult<Vec<Self>> {
                let c = cast(col, &Self::dtype())?;
                c.$get()?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v.ok_or_else(|| no_null(col, i)))
                    .collect()
            }
        }

        impl Cell for Option<$t> {
            fn dtype() -> DataType {
                $dtype
            }
            fn absent(rows: usize) -> Option<Vec<Self>> {
                Some(vec![None; rows])
            }
            fn column<'a>(
                name: &str,
                values: impl ExactSizeIterator<Item = &'a Self>,
            ) -> PolarsResult<Column> {
                Ok(Column::new(
                    name.into(),
                    values.copied().collect::<Vec<Option<$t>>>(),
                ))
            }
            fn read(col: &Column) -> PolarsResult<Vec<Self>> {
                let c = cast(col, &Self::dtype())?;
                Ok(c.$get()?.iter().collect())
            }
        }
    };
}

primitive_cell!(u32, DataType::UInt32, u32);
primitive_cell!(u64, DataType::UInt64, u64);
primitive_cell!(i64, DataType::Int64, i64);
primitive_cell!(f64, DataType::Float64, f64);
primitive_cell!(bool, DataType::Boolean, bool);

impl Cell for String {
    fn dtype() -> DataType {
        DataType::String
    }
    fn column<'a>(
        name: &str,
        values: impl ExactSizeIterator<Item = &'a Self>,
    ) -> PolarsResult<Column> {
        Ok(Column::new(
            name.into(),
            values.map(String::as_str).collect::<Vec<&str>>(),
        ))
    }
    fn read(col: &Column) -> PolarsResult<Vec<Self>> {
        let c = cast(col, &Self::dtype())?;
        c.str()?
            .iter()
            .enumerate()
            .map(|(i, v)| v.map(str::to_owned).ok_or_else(|| no_null(col, i)))
            .collect()
    }
}

impl Cell for Option<String> {
    fn absent(rows: usize) -> Option<Vec<Self>> {
        Some(vec![None; rows])
    }

    fn dtype() -> DataType {
        DataType::String
    }
    fn column<'a>(
        name: &str,
        values: impl ExactSizeIterator<Item = &'a Self>,
    ) -> PolarsResult<Column> {
        Ok(Column::new(
            name.into(),
            values.map(Option::as_deref).collect::<Vec<Option<&str>>>(),
        ))
    }
    fn read(col: &Column) -> PolarsResult<Vec<Self>> {
        let c = cast(col, &Self::dtype())?;
        Ok(c.str()?.iter().map(|v| v.map(str::to_owned)).collect())
    }
}

impl Cell for Vec<String> {
    fn dtype() -> DataType {
        DataType::List(Box::new(DataType::String))
    }
    fn column<'a>(
        name: &str,
        values: impl ExactSizeIterator<Item = &'a Self>,
    ) -> PolarsResult<Column> {
        let n = values.len();
        let mut b = ListStringChunkedBuilder::new(name.into(), n, n * 2);
        for v in values {
            b.append_values_iter(v.iter().map(String::as_str));
        }
        Ok(b.finish().into_column())
    }
    fn read(col: &Column) -> PolarsResult<Vec<Self>> {
        let c = cast(col, &Self::dtype())?;
        c.list()?
            .series_iter()
            .map(|s| match s {
                None => Ok(Vec::new()),
                Some(s) => Ok(s
                    .str()?
                    .iter()
                    .map(|v| v.unwrap_or_default().to_owned())
                    .collect()),
            })
            .collect()
    }
}

/// A list of records (each a [`Rows`] struct) is a list of structs: the
/// Parquet shape of a map such as votes by group.
impl<T: Rows + Clone> Cell for Vec<T> {
    fn dtype() -> DataType {
        DataType::List(Box::new(struct_dtype::<T>()))
    }
    fn column<'a>(
        name: &str,
        values: impl ExactSizeIterator<Item = &'a Self>,
    ) -> PolarsResult<Column>
    where
        Self: 'a,
    {
        // Every row's records as one struct array, cut by offsets (a
        // struct array per row, appended one by one, took 2 GB and most of
        // the time of writing 1.8 M merged recommendations).
        let mut offsets: Vec<i64> = Vec::with_capacity(values.len() + 1);
        offsets.push(0);
        let mut flat: Vec<T> = Vec::new();
        for v in values {
            flat.extend(v.iter().cloned());
            offsets.push(flat.len() as i64);
        }
        let df = T::to_frame(&flat)?;
        drop(flat);
        let records = StructChunked::from_columns("".into(), df.height(), df.columns())?;
        let values = records.rechunk().chunks()[0].clone();
        let dtype = LargeListArray::default_datatype(values.dtype().clone());
        let list = LargeListArray::try_new(dtype, offsets.try_into()?, values, None)?;
        Ok(ListChunked::with_chunk(name.into(), list).into_column())
    }
    fn read(col: &Column) -> PolarsResult<Vec<Self>> {
        col.list()?
            .series_iter()
            .map(|s| match s {
                None => Ok(Vec::new()),
                Some(s) => {
                    let fields = s.struct_()?.fields_as_columns();
                    let df = DataFrame::new(s.len(), fields)?;
                    T::from_frame(&df)
                }
            })
            .collect()
    }
}

/// The struct type whose fields are the columns of `T`.
fn struct_dtype<T: Rows>() -> DataType {
    DataType::Struct(
        T::schema()
            .into_iter()
            .map(|c| Field::new(c.name.into(), c.dtype))
            .collect(),
    )
}

/// A string column, borrowed (nulls as `None`): the reader of the frames
/// that are too large to copy into rows (segments, codings).
pub fn strs<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<Vec<Option<&'a str>>> {
    Ok(df.column(name)?.str()?.iter().collect())
}

/// A `u32` column, nulls as 0.
pub fn u32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<u32>> {
    Ok(df
        .column(name)?
        .u32()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect())
}

/// A `u32` column (nulls as 0) borrowed when it is one chunk without
/// nulls, as the synthesis builds its expanded codings (their `seg` is a
/// `u32` column too); copied otherwise.
pub fn u32_slice<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<std::borrow::Cow<'a, [u32]>> {
    let ca = df.column(name)?.u32()?;
    Ok(match ca.cont_slice() {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(ca.iter().map(Option::unwrap_or_default).collect()),
    })
}

/// Reads one column of a frame for a [`Rows`] table, naming it when it is
/// missing or of the wrong type.
pub fn read_column<T: Cell>(df: &DataFrame, name: &str) -> PolarsResult<Vec<T>> {
    let col = df
        .column(name)
        .map_err(|_| polars_err!(ColumnNotFound: "the table has no column \"{name}\""))?;
    T::read(col).map_err(|e| polars_err!(ComputeError: "column \"{name}\": {e}"))
}

/// [`read_column`], or all empty values when the frame lacks the column
/// and the field can be empty (see [`Cell::absent`]).
pub fn read_column_or_absent<T: Cell>(df: &DataFrame, name: &str) -> PolarsResult<Vec<T>> {
    if df.schema().contains(name) {
        return read_column(df, name);
    }
    match T::absent(df.height()) {
        Some(v) => Ok(v),
        None => read_column(df, name),
    }
}

/// A [`Rows`] table held as its frame: a table of millions of rows built
/// by gathering the columns of another frame (the members of a
/// consultation's merged recommendations are rows of its segments), where
/// typed rows of owned strings would copy every text again. Its frame has
/// the columns of `T`, in order, with their types.
#[derive(Debug, Clone)]
pub struct Table<T> {
    frame: DataFrame,
    rows: std::marker::PhantomData<fn() -> T>,
}

impl<T: Rows> Table<T> {
    /// The table of these rows.
    pub fn from_rows(rows: &[T]) -> PolarsResult<Self> {
        Ok(Table {
            frame: T::to_frame(rows)?,
            rows: std::marker::PhantomData,
        })
    }

    /// A frame with the columns of `T`, in order, with their types; any
    /// other frame is an error naming the first column that differs.
    pub fn from_frame(frame: DataFrame) -> PolarsResult<Self> {
        let want = T::schema();
        let have = frame.schema();
        for (i, c) in want.iter().enumerate() {
            match have.get_at_index(i) {
                Some((name, dtype)) if name.as_str() == c.name && *dtype == c.dtype => {}
                Some((name, dtype)) => polars_bail!(
                    SchemaMismatch: "column {} is \"{name}\" ({dtype}), expected \"{}\" ({})",
                    i + 1, c.name, c.dtype
                ),
                None => polars_bail!(ColumnNotFound: "the table has no column \"{}\"", c.name),
            }
        }
        if have.len() > want.len() {
            polars_bail!(SchemaMismatch: "the table has {} columns, expected {}", have.len(), want.len());
        }
        Ok(Table {
            frame,
            rows: std::marker::PhantomData,
        })
    }

    /// Its frame (an empty table has the columns of `T` too).
    pub fn frame(&self) -> PolarsResult<DataFrame> {
        if self.frame.width() == 0 {
            return T::to_frame(&[]);
        }
        Ok(self.frame.clone())
    }

    /// Its rows, as typed values (copies: for small tables and tests).
    pub fn rows(&self) -> PolarsResult<Vec<T>> {
        if self.frame.width() == 0 {
            return Ok(Vec::new());
        }
        T::from_frame(&self.frame)
    }

    /// Its number of rows.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            frame: DataFrame::empty(),
            rows: std::marker::PhantomData,
        }
    }
}

/// Equal when they hold the same values (an empty table equals any other
/// empty one).
impl<T> PartialEq for Table<T> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.frame, &other.frame);
        if a.height() == 0 && b.height() == 0 {
            return true;
        }
        a.equals_missing(b)
    }
}

/// Declares a row struct and its [`Rows`] implementation. Every field
/// needs a doc comment: it is the column's documentation.
///
/// ```ignore
/// rows! {
///     /// One group's votes.
///     pub struct GroupVotes {
///         /// The group.
///         pub group: String,
///         /// Its votes.
///         pub votes: i64,
///     }
/// }
/// ```
#[macro_export]
macro_rules! rows {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                #[doc = $doc:literal]
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                #[doc = $doc]
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        impl $crate::rows::Rows for $name {
            fn schema() -> Vec<$crate::rows::ColumnDoc> {
                vec![$(
                    $crate::rows::ColumnDoc {
                        name: stringify!($field),
                        dtype: <$ty as $crate::rows::Cell>::dtype(),
                        doc: $doc.trim().to_owned(),
                    }
                ),*]
            }

            fn to_frame(rows: &[Self]) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
                polars::prelude::DataFrame::new(rows.len(), vec![$(
                    <$ty as $crate::rows::Cell>::column(
                        stringify!($field),
                        rows.iter().map(|r| &r.$field),
                    )?
                ),*])
            }

            fn from_frame(df: &polars::prelude::DataFrame) -> polars::prelude::PolarsResult<Vec<Self>> {
                $(
                    let mut $field = $crate::rows::read_column_or_absent::<$ty>(df, stringify!($field))?.into_iter();
                )*
                let mut out = Vec::with_capacity(df.height());
                for _ in 0..df.height() {
                    out.push($name {
                        $( $field: $field.next().unwrap_or_default(), )*
                    });
                }
                Ok(out)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    rows! {
        /// A test record.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Votes {
            /// The group.
            pub group: String,
            /// Its votes.
            pub votes: i64,
        }
    }

    rows! {
        /// A test row with every kind of cell.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Row {
            /// An id.
            pub id: String,
            /// A count.
            pub n: u32,
            /// A share.
            pub share: Option<f64>,
            /// A flag.
            pub flag: bool,
            /// A note.
            pub note: Option<String>,
            /// Groups.
            pub groups: Vec<String>,
            /// Votes by group.
            pub votes: Vec<Votes>,
        }
    }

    fn sample() -> Vec<Row> {
        vec![
            Row {
                id: "R001".into(),
                n: 2,
                share: Some(0.5),
                flag: true,
                note: None,
                groups: vec!["Lille".into(), "Marseille".into()],
                votes: vec![
                    Votes {
                        group: "Lille".into(),
                        votes: 9,
                    },
                    Votes {
                        group: "Marseille".into(),
                        votes: 8,
                    },
                ],
            },
            Row {
                id: "R002".into(),
                ..Row::default()
            },
        ]
    }

    rows! {
        /// A row that gained an optional column.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Later {
            /// Always there.
            pub name: String,
            /// Added later.
            pub note: Option<String>,
            /// Added later too.
            pub count: Option<u32>,
        }
    }

    #[test]
    fn a_table_held_as_a_frame_gives_back_its_rows() {
        let t = Table::from_rows(&sample()).unwrap();
        assert_eq!((t.len(), t.is_empty()), (2, false));
        assert_eq!(t.rows().unwrap(), sample());
        assert!(
            t.frame()
                .unwrap()
                .equals_missing(&Row::to_frame(&sample()).unwrap())
        );
        assert_eq!(Table::from_frame(t.frame().unwrap()).unwrap(), t);
        assert_ne!(t, Table::from_rows(&sample()[..1]).unwrap());
        // Empty, by default or from no rows: no rows, every column.
        let empty = Table::<Row>::default();
        assert!(empty.is_empty() && empty.rows().unwrap().is_empty());
        assert_eq!(empty, Table::from_rows(&[]).unwrap());
        assert_eq!(
            empty.frame().unwrap().get_column_names(),
            ["id", "n", "share", "flag", "note", "groups", "votes"]
        );
    }

    #[test]
    fn a_frame_without_the_columns_of_the_rows_is_not_a_table() {
        let good = Row::to_frame(&sample()).unwrap();
        let mut wrong_type = good.clone();
        wrong_type
            .replace("n", Column::new("n".into(), [2i64, 0]))
            .unwrap();
        let mut extra = good.clone();
        extra
            .with_column(Column::new("more".into(), [1u32, 2]))
            .unwrap();
        let cases = [
            (good.drop("votes").unwrap(), "no column \"votes\""),
            (wrong_type, "column 2 is \"n\" (i64), expected \"n\" (u32)"),
            (good.select(["n", "id"]).unwrap(), "column 1 is \"n\""),
            (extra, "8 columns, expected 7"),
        ];
        for (df, want) in cases {
            let e = Table::<Row>::from_frame(df).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn a_table_written_before_an_optional_column_reads_it_as_empty() {
        let df = df!("name" => ["a", "b"]).unwrap();
        let rows = Later::from_frame(&df).unwrap();
        assert_eq!(
            rows[1],
            Later {
                name: "b".into(),
                note: None,
                count: None
            }
        );
        // A required column stays required.
        let df = df!("note" => ["x"]).unwrap();
        assert!(Later::from_frame(&df).is_err());
    }

    #[test]
    fn rows_round_trip_through_a_frame_and_parquet() {
        let rows = sample();
        let df = Row::to_frame(&rows).unwrap();
        assert_eq!(df.height(), 2);
        assert_eq!(
            df.column("groups").unwrap().dtype(),
            &DataType::List(Box::new(DataType::String))
        );
        assert!(matches!(
            df.column("votes").unwrap().dtype(),
            DataType::List(inner) if matches!(**inner, DataType::Struct(_))
        ));
        assert_eq!(Row::from_frame(&df).unwrap(), rows);
        let bytes = crate::store::tables::to_parquet(df).unwrap();
        let back = crate::store::tables::from_parquet(&bytes).unwrap();
        assert_eq!(Row::from_frame(&back).unwrap(), rows);
    }

    #[test]
    fn lists_of_records_keep_each_rows_records_empty_ones_included() {
        let v = |group: &str, votes: i64| Votes {
            group: group.into(),
            votes,
        };
        let lists = vec![
            vec![],
            vec![v("Lille", 9), v("Marseille", 8)],
            vec![],
            vec![],
            vec![v("Nantes", 1)],
        ];
        let col = <Vec<Votes> as Cell>::column("votes", lists.iter()).unwrap();
        assert_eq!(col.dtype(), &<Vec<Votes> as Cell>::dtype());
        assert_eq!((col.len(), col.null_count()), (5, 0));
        assert_eq!(<Vec<Votes> as Cell>::read(&col).unwrap(), lists);
        let none: Vec<Vec<Votes>> = Vec::new();
        let empty = <Vec<Votes> as Cell>::column("votes", none.iter()).unwrap();
        assert_eq!(
            (empty.len(), empty.dtype()),
            (0, &<Vec<Votes> as Cell>::dtype())
        );
    }

    #[test]
    fn an_empty_table_keeps_its_types() {
        let df = Row::to_frame(&[]).unwrap();
        let schema: Vec<(String, DataType)> = df
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), c.dtype().clone()))
            .collect();
        let expected: Vec<(String, DataType)> = Row::schema()
            .into_iter()
            .map(|c| (c.name.to_owned(), c.dtype))
            .collect();
        assert_eq!(schema, expected);
        assert!(Row::from_frame(&df).unwrap().is_empty());
    }

    #[test]
    fn a_missing_column_or_value_is_named() {
        let df = df!("id" => ["a"]).unwrap();
        let e = Row::from_frame(&df).unwrap_err().to_string();
        assert!(e.contains("\"n\""), "{e}");
        let df = df!("group" => [Some("a"), None], "votes" => [1i64, 2]).unwrap();
        let e = Votes::from_frame(&df).unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("group"), "{e}");
        // Numbers are cast to the field's type.
        let df = df!("group" => ["a"], "votes" => [3u32]).unwrap();
        assert_eq!(Votes::from_frame(&df).unwrap()[0].votes, 3);
    }
}
