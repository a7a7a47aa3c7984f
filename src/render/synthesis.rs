//! The synthesis as people read it in a terminal: the convergence of
//! themes, where groups diverge, the ranked recommendations, and
//! explanations of single rows. Frames in, text out.

use polars::prelude::*;

use crate::render::listing::Listing;

/// A cell as text: strings as is, floats with two decimals, null empty.
pub fn cell(v: &AnyValue<'_>) -> Option<String> {
    match v {
        AnyValue::Null => None,
        AnyValue::String(s) => Some((*s).to_owned()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        AnyValue::Boolean(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        AnyValue::Float64(f) => Some(format!("{f:.2}")),
        AnyValue::Float32(f) => Some(format!("{f:.2}")),
        other => Some(other.to_string()),
    }
}

/// Selected columns of a frame as a listing (all columns when `cols` is empty).
pub fn listing(df: &DataFrame, cols: &[&str]) -> PolarsResult<Listing> {
    let names: Vec<String> = if cols.is_empty() {
        df.get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        cols.iter().map(|s| (*s).to_owned()).collect()
    };
    let columns: Vec<&Column> = names
        .iter()
        .map(|n| df.column(n))
        .collect::<PolarsResult<_>>()?;
    let mut l = Listing {
        columns: names.clone(),
        rows: Vec::with_capacity(df.height()),
    };
    for i in 0..df.height() {
        l.rows.push(
            columns
                .iter()
                .map(|c| c.get(i).map(|v| cell(&v)).unwrap_or(None))
                .collect(),
        );
    }
    Ok(l)
}

/// A whole frame as a table of `width` characters.
pub fn frame_table(df: &DataFrame, width: u16) -> PolarsResult<String> {
    Ok(listing(df, &[])?.to_table(width))
}

fn strs<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<Vec<Option<&'a str>>> {
    Ok(df.column(name)?.str()?.iter().collect())
}

/// The summary printed by `synthesize` and `run`: convergence, divergence,
/// and the board's recommendation table.
pub fn summary(
    convergence: &DataFrame,
    divergence: &DataFrame,
    recommendations: &DataFrame,
    width: u16,
) -> PolarsResult<String> {
    let mut out = String::new();
    let total = convergence
        .column("groups_total")?
        .u32()
        .ok()
        .and_then(|c| c.get(0))
        .map(|n| n.to_string())
        .unwrap_or_else(|| "0".into());
    out.push_str(&format!("Themes across {total} groups\n"));
    let mut conv = listing(
        convergence,
        &["code", "label", "groups_raised", "class", "groups"],
    )?;
    conv.columns = ["code", "label", "k", "convergence", "raised by"]
        .map(String::from)
        .to_vec();
    for r in &mut conv.rows {
        if let Some(v) = &r[2] {
            r[2] = Some(format!("{v}/{total}"));
        }
        if let Some(v) = &r[4] {
            r[4] = Some(v.split(',').map(str::trim).collect::<Vec<_>>().join(", "));
        }
    }
    out.push_str(&conv.to_table(width));
    if let Ok(notes) = strs(convergence, "note")
        && let Some(note) = notes.into_iter().flatten().next()
    {
        out.push_str(&format!("note: {note}\n"));
    }
    let diverging = divergence_lines(divergence)?;
    if !diverging.is_empty() {
        out.push_str("\nWhere groups diverge\n");
        for line in diverging {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&format!(
        "\nRecommendations, merged across groups ({} after merging)\n",
        recommendations.height()
    ));
    let recs = listing(
        recommendations,
        &[
            "rec_id",
            "wording",
            "groups",
            "support",
            "votes_total",
            "evidence_segments",
            "actionable",
        ],
    )?;
    let mut recs = recs;
    recs.columns = [
        "id",
        "recommendation",
        "groups",
        "support",
        "votes",
        "evidence",
        "actionable",
    ]
    .map(String::from)
    .to_vec();
    out.push_str(&recs.to_table(width));
    Ok(out)
}

/// `code: Lille leans negative; Marseille, Bruxelles lean positive` for
/// every code flagged as diverging.
fn divergence_lines(div: &DataFrame) -> PolarsResult<Vec<String>> {
    let codes = strs(div, "code")?;
    let groups = strs(div, "group")?;
    let leans = strs(div, "lean")?;
    let flags: Vec<Option<bool>> = div.column("diverges")?.bool()?.iter().collect();
    let mut out: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for i in 0..div.height() {
        if flags[i] != Some(true) {
            continue;
        }
        let code = codes[i].unwrap_or("").to_owned();
        if out.last().is_none_or(|l| l.0 != code) {
            out.push((code, Vec::new(), Vec::new()));
        }
        let last = out.last_mut().expect("pushed above");
        match leans[i] {
            Some("negative") => last.1.push(groups[i].unwrap_or("").to_owned()),
            Some("positive") => last.2.push(groups[i].unwrap_or("").to_owned()),
            _ => {}
        }
    }
    Ok(out
        .into_iter()
        .map(|(code, neg, pos)| {
            format!(
                "{code}: {} {} negative; {} {} positive",
                neg.join(", "),
                if neg.len() == 1 { "leans" } else { "lean" },
                pos.join(", "),
                if pos.len() == 1 { "leans" } else { "lean" }
            )
        })
        .collect())
}

/// Which segments produced one merged recommendation: its wordings per
/// group, then its evidence (the best quotes from the supporting groups).
pub fn explain_recommendation(
    id: &str,
    recs: &DataFrame,
    members: &DataFrame,
    evidence: &DataFrame,
    segments: &DataFrame,
    width: u16,
) -> anyhow::Result<String> {
    let ids = strs(recs, "rec_id")?;
    let Some(row) = ids.iter().position(|r| *r == Some(id)) else {
        let known: Vec<&str> = ids.iter().flatten().take(10).copied().collect();
        anyhow::bail!(
            "no recommendation {id:?}; ids look like {} (or pass CODE@GROUP for a matrix cell)",
            known.join(", ")
        );
    };
    let get = |c: &str| {
        recs.column(c)
            .ok()
            .and_then(|col| col.get(row).ok().and_then(|v| cell(&v)))
            .unwrap_or_default()
    };
    let mut out = format!(
        "{id}: {}\nsupported by {} of {} groups ({}); votes {}; evidence {} segments; codes {}\n\n",
        get("wording"),
        get("support"),
        get("groups_total"),
        get("groups"),
        get("votes_total"),
        get("evidence_segments"),
        get("codes"),
    );
    let keep = |df: &DataFrame| -> PolarsResult<DataFrame> {
        let mask: BooleanChunked = df
            .column("rec_id")?
            .str()?
            .iter()
            .map(|r| r == Some(id))
            .collect();
        df.filter(&mask)
    };
    let m = keep(members)?;
    out.push_str("Wordings\n");
    out.push_str(
        &listing(
            &m,
            &["segment_id", "group", "text", "votes", "owner", "deadline"],
        )?
        .to_table(width),
    );
    let e = keep(evidence)?;
    if e.height() > 0 {
        let seg_ids = strs(segments, "segment_id")?;
        let texts = strs(segments, "text")?;
        let text_of = |s: &str| {
            seg_ids
                .iter()
                .position(|x| *x == Some(s))
                .and_then(|i| texts[i])
                .unwrap_or("")
                .to_owned()
        };
        let mut l = Listing::new(&["group", "segment_id", "quote"]);
        let (g, s) = (strs(&e, "group")?, strs(&e, "segment_id")?);
        for i in 0..e.height() {
            let sid = s[i].unwrap_or("");
            l.rows.push(vec![
                g[i].map(str::to_owned),
                Some(sid.to_owned()),
                Some(text_of(sid)),
            ]);
        }
        out.push_str("\nEvidence\n");
        out.push_str(&l.to_table(width));
    }
    Ok(out)
}
