//! The groups of a study and their sizes (segments and participants),
//! and the participants' display names.

use std::collections::HashMap;

use polars::prelude::*;

use super::Input;

/// The groups present in the segments table, sorted by name, with their
/// sizes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Groups {
    /// Group names, sorted.
    pub names: Vec<String>,
    /// Segments of each group.
    pub segments: Vec<u32>,
    /// Participants of each group: the participants frame's rows for the
    /// group together with the distinct `participant_id` of its segments.
    pub participants: Vec<u32>,
}

impl Groups {
    /// Reads the groups of a study.
    pub fn of(input: &Input) -> PolarsResult<Self> {
        let segs = input.segments;
        if segs.height() == 0 {
            return Ok(Groups::default());
        }
        let counts = segs
            .clone()
            .lazy()
            .filter(col("group").is_not_null())
            .group_by([col("group")])
            .agg([len().cast(DataType::UInt32).alias("n")])
            .sort(["group"], SortMultipleOptions::default())
            .collect()?;
        let names: Vec<String> = counts
            .column("group")?
            .str()?
            .iter()
            .map(|g| g.unwrap_or_default().to_owned())
            .collect();
        let segments: Vec<u32> = counts
            .column("n")?
            .u32()?
            .iter()
            .map(Option::unwrap_or_default)
            .collect();
        let who = |df: &DataFrame| {
            df.clone()
                .lazy()
                .select([col("group"), col("participant_id")])
                .filter(
                    col("group")
                        .is_not_null()
                        .and(col("participant_id").is_not_null()),
                )
        };
        let mut people = vec![who(segs)];
        if input.participants.height() > 0 {
            people.push(who(input.participants));
        }
        let people = concat(people, UnionArgs::default())?
            .unique(None, UniqueKeepStrategy::Any)
            .group_by([col("group")])
            .agg([len().cast(DataType::UInt32).alias("n")])
            .collect()?;
        let found: HashMap<&str, u32> = people
            .column("group")?
            .str()?
            .iter()
            .zip(people.column("n")?.u32()?.iter())
            .filter_map(|(g, n)| Some((g?, n.unwrap_or_default())))
            .collect();
        let participants = names
            .iter()
            .map(|g| found.get(g.as_str()).copied().unwrap_or(0))
            .collect();
        Ok(Groups {
            names,
            segments,
            participants,
        })
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the study has no group (no segments).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Index of a group name.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|g| g.as_str().cmp(name)).ok()
    }
}

/// Display names of participants (`participant_id` → `name`).
pub fn display_names(input: &Input) -> PolarsResult<HashMap<String, String>> {
    let p = input.participants;
    if p.height() == 0 {
        return Ok(HashMap::new());
    }
    let ids = p.column("participant_id")?.str()?;
    let names = p.column("name")?.str()?;
    Ok(ids
        .iter()
        .zip(names.iter())
        .filter_map(|(i, n)| Some((i?.to_owned(), n?.to_owned())))
        .collect())
}
