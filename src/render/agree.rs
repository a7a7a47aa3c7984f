//! Agreement between coders for people (a table), spreadsheets (CSV, one
//! row per code and compared coder, numbers as numbers) and programs (JSON);
//! the unit is in every output.

use serde_json::{Value, json};

use super::listing::{Format, Listing};
use crate::agreement::keyness::Suggestion;
use crate::agreement::stats::{Averages, CodeAgreement, Confusion};
use crate::pipeline::agree::{Agreed, Explained, Miss, Suggested};

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |x| format!("{x:.2}"))
}

fn raw(v: Option<f64>) -> Option<String> {
    v.map(|x| format!("{x}"))
}

fn title(a: &Agreed) -> String {
    // Units read by two coders or more, when every code has the same.
    let pairable = a
        .stats
        .per_code
        .first()
        .map(|k| k.units)
        .filter(|&n| a.stats.per_code.iter().all(|k| k.units == n) && n as usize != a.units);
    let units = match pairable {
        Some(n) => format!("{} units ({n} read by two coders or more)", a.units),
        None => format!("{} units", a.units),
    };
    let mut s = format!(
        "Agreement of {} per {}: {units}, {} codes",
        a.coders.join(", "),
        a.unit.as_str(),
        a.codes.len()
    );
    if let Some(r) = &a.reference {
        s.push_str(&format!("; reference {r}"));
    }
    if a.exchange {
        s.push_str("; automatic codes spread to their question-and-answer exchange");
    } else if a.window > 0 {
        s.push_str(&format!(
            "; automatic codes spread to {} neighbouring segment{} either way",
            a.window,
            if a.window == 1 { "" } else { "s" }
        ));
    }
    s
}

/// The agreement as a table, CSV or JSON.
pub fn agreement(a: &Agreed, format: Format, width: u16) -> std::io::Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table(a, width).into_bytes()),
        Format::Csv => write_csv(&csv_listing(a), &[3]),
        Format::Json => {
            let mut out =
                serde_json::to_vec_pretty(&json_value(a)).map_err(std::io::Error::other)?;
            out.push(b'\n');
            Ok(out)
        }
    }
}

fn table(a: &Agreed, width: u16) -> String {
    let two = a.coders.len() == 2;
    let many = a.stats.micro.versus.len() > 1;
    let with_ref = !a.stats.micro.versus.is_empty();
    // Units per code only when they differ (missing data); else the title
    // says how many.
    let uniform = a
        .stats
        .per_code
        .windows(2)
        .all(|w| w[0].units == w[1].units);
    let mut cols = vec!["code", "units", "applied", "agree"];
    if uniform {
        cols.remove(1);
    }
    if two {
        cols.push("kappa");
    }
    cols.push("alpha");
    if many {
        cols.push("coder");
    }
    if with_ref {
        cols.extend(["P", "R", "F1", "TP", "FP", "FN", "TN"]);
    }
    let mut l = Listing::new(&cols);
    let versus_cells =
        |c: Option<&Confusion>, p: Option<f64>, r: Option<f64>, f: Option<f64>, who: &str| {
            let mut row = Vec::new();
            if many {
                row.push(Some(who.to_owned()));
            }
            row.extend([Some(num(p)), Some(num(r)), Some(num(f))]);
            match c {
                Some(c) => row.extend([c.tp, c.fp, c.fn_, c.tn].map(|n| Some(n.to_string()))),
                None => row.extend(std::iter::repeat_n(None, 4)),
            }
            row
        };
    let mut push = |head: Vec<Option<String>>, versus: Vec<Vec<Option<String>>>| {
        if versus.is_empty() {
            l.rows.push(head);
            return;
        }
        for (i, v) in versus.into_iter().enumerate() {
            let mut row = if i == 0 {
                head.clone()
            } else {
                vec![None; head.len()]
            };
            row.extend(v);
            l.rows.push(row);
        }
    };
    let head = |code: String,
                units: Option<u64>,
                applied: Option<u64>,
                p: Option<f64>,
                k: Option<f64>,
                al: Option<f64>| {
        let mut row = vec![Some(code)];
        if !uniform {
            row.push(units.map(|u| u.to_string()));
        }
        row.extend([applied.map(|u| u.to_string()), Some(num(p))]);
        if two {
            row.push(Some(num(k)));
        }
        row.push(Some(num(al)));
        row
    };
    for k in &a.stats.per_code {
        let versus = k
            .versus
            .iter()
            .map(|(who, c)| versus_cells(Some(c), c.precision(), c.recall(), c.f1(), who))
            .collect();
        push(
            head(
                k.code.clone(),
                Some(k.units),
                Some(k.applied),
                k.percent,
                k.kappa,
                k.alpha,
            ),
            versus,
        );
    }
    for (name, avg) in [("micro", &a.stats.micro), ("macro", &a.stats.macro_)] {
        let versus = avg
            .versus
            .iter()
            .map(|(who, c, p, r, f)| versus_cells((name == "micro").then_some(c), *p, *r, *f, who))
            .collect();
        push(
            head(
                format!("({name})"),
                None,
                None,
                avg.percent,
                avg.kappa,
                avg.alpha,
            ),
            versus,
        );
    }
    format!(
        "{}\n{}agree: percent agreement; P, R, F1: precision, recall and F1 against the reference;\nmicro: every code-unit decision pooled; macro: the mean over codes; —: undefined\n",
        title(a),
        l.to_table(width)
    )
}

/// CSV with numbers as written; only the text columns `text` (by index)
/// are guarded against spreadsheet formulas.
fn write_csv(l: &Listing, text: &[usize]) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&l.columns)?;
    for r in &l.rows {
        w.write_record(r.iter().enumerate().map(|(i, c)| {
            let c = c.as_deref().unwrap_or("");
            if text.contains(&i) {
                super::listing::neutralise(c).into_owned()
            } else {
                c.to_owned()
            }
        }))?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn csv_listing(a: &Agreed) -> Listing {
    let mut l = Listing::new(&[
        "unit",
        "window",
        "code",
        "label",
        "units",
        "applied",
        "percent_agreement",
        "kappa",
        "alpha",
        "reference",
        "coder",
        "tp",
        "fp",
        "fn",
        "tn",
        "precision",
        "recall",
        "f1",
    ]);
    let reference = a.reference.clone();
    let head = |code: &str, label: &str, units: Option<u64>, applied: Option<u64>| {
        vec![
            Some(a.unit.as_str().to_owned()),
            Some(if a.exchange {
                "exchange".to_owned()
            } else {
                a.window.to_string()
            }),
            Some(code.to_owned()),
            Some(label.to_owned()),
            units.map(|u| u.to_string()),
            applied.map(|u| u.to_string()),
        ]
    };
    let push_code = |l: &mut Listing, k: &CodeAgreement, label: &str| {
        let stats = [raw(k.percent), raw(k.kappa), raw(k.alpha)];
        let mut rows: Vec<Vec<Option<String>>> = Vec::new();
        if k.versus.is_empty() {
            let mut r = head(&k.code, label, Some(k.units), Some(k.applied));
            r.extend(stats.clone());
            r.extend(std::iter::repeat_n(None, 9));
            rows.push(r);
        }
        for (who, c) in &k.versus {
            let mut r = head(&k.code, label, Some(k.units), Some(k.applied));
            r.extend(stats.clone());
            r.push(reference.clone());
            r.push(Some(who.clone()));
            r.extend([c.tp, c.fp, c.fn_, c.tn].map(|n| Some(n.to_string())));
            r.extend([raw(c.precision()), raw(c.recall()), raw(c.f1())]);
            rows.push(r);
        }
        l.rows.extend(rows);
    };
    for (k, (_, label)) in a.stats.per_code.iter().zip(&a.codes) {
        push_code(&mut l, k, label);
    }
    for (name, avg) in [("(micro)", &a.stats.micro), ("(macro)", &a.stats.macro_)] {
        let stats = [raw(avg.percent), raw(avg.kappa), raw(avg.alpha)];
        if avg.versus.is_empty() {
            let mut r = head(name, "", None, None);
            r.extend(stats.clone());
            r.extend(std::iter::repeat_n(None, 9));
            l.rows.push(r);
        }
        for (who, c, p, rc, f) in &avg.versus {
            let mut r = head(name, "", None, None);
            r.extend(stats.clone());
            r.push(reference.clone());
            r.push(Some(who.clone()));
            if name == "(micro)" {
                r.extend([c.tp, c.fp, c.fn_, c.tn].map(|n| Some(n.to_string())));
            } else {
                r.extend(std::iter::repeat_n(None, 4));
            }
            r.extend([raw(*p), raw(*rc), raw(*f)]);
            l.rows.push(r);
        }
    }
    l
}

fn conf_json(c: &Confusion) -> Value {
    json!({
        "tp": c.tp, "fp": c.fp, "fn": c.fn_, "tn": c.tn,
        "precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
    })
}

fn avg_json(a: &Averages, micro: bool) -> Value {
    json!({
        "percent_agreement": a.percent,
        "kappa": a.kappa,
        "alpha": a.alpha,
        "versus": a.versus.iter().map(|(who, c, p, r, f)| {
            let mut v = json!({"coder": who, "precision": p, "recall": r, "f1": f});
            if micro {
                v["tp"] = json!(c.tp);
                v["fp"] = json!(c.fp);
                v["fn"] = json!(c.fn_);
                v["tn"] = json!(c.tn);
            }
            v
        }).collect::<Vec<_>>(),
    })
}

fn json_value(a: &Agreed) -> Value {
    json!({
        "unit": a.unit.as_str(),
        "window": if a.exchange { json!("exchange") } else { json!(a.window) },
        "coders": a.coders,
        "reference": a.reference,
        "units": a.units,
        "codes": a.stats.per_code.iter().zip(&a.codes).map(|(k, (_, label))| json!({
            "code": k.code,
            "label": label,
            "units": k.units,
            "applied": k.applied,
            "percent_agreement": k.percent,
            "kappa": k.kappa,
            "alpha": k.alpha,
            "versus": k.versus.iter().map(|(who, c)| {
                let mut v = conf_json(c);
                v["coder"] = json!(who);
                v
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "micro": avg_json(&a.stats.micro, true),
        "macro": avg_json(&a.stats.macro_, false),
    })
}

fn excerpt(text: &str, max: usize) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= max {
        t
    } else {
        let mut s: String = t.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The text around a match: up to `side` characters either way, the match
/// in «», `…` where the text is cut.
fn around(text: &str, start: u32, len: usize, side: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let s = (start as usize).min(chars.len());
    let e = (s + len).min(chars.len());
    let from = s.saturating_sub(side);
    let to = (e + side).min(chars.len());
    let flat = |c: &[char]| -> String {
        c.iter()
            .map(|c| if c.is_whitespace() { ' ' } else { *c })
            .collect()
    };
    format!(
        "{}{}«{}»{}{}",
        if from > 0 { "…" } else { "" },
        flat(&chars[from..s]),
        flat(&chars[s..e]),
        flat(&chars[e..to]),
        if to < chars.len() { "…" } else { "" }
    )
}

/// The false positives and negatives of a code, for people or programs.
pub fn explained(
    e: &Explained,
    format: Format,
    width: u16,
    limit: usize,
) -> std::io::Result<Vec<u8>> {
    let take = |v: &[Miss]| -> Vec<Miss> {
        if limit == 0 {
            v.to_vec()
        } else {
            v.iter().take(limit).cloned().collect()
        }
    };
    let (fps, fns) = (take(&e.false_positives), take(&e.false_negatives));
    let mut l = Listing::new(&[
        "error",
        "unit",
        "segment_id",
        "key",
        "rule",
        "matched",
        "text",
    ]);
    for (kind, list) in [("false positive", &fps), ("false negative", &fns)] {
        for m in list.iter() {
            l.rows.push(vec![
                Some(kind.to_owned()),
                Some(m.unit.clone()),
                Some(m.segment_id.clone()),
                m.key.clone(),
                m.rule.as_ref().map(|r| r.rule.clone()),
                m.rule.as_ref().map(|r| r.matched.clone()),
                Some(m.text.clone()),
            ]);
        }
    }
    let reference = e.agreed.reference.as_deref().unwrap_or("");
    match format {
        Format::Table => {
            // For people: where (the key they know, else the segment id),
            // the rule and what it matched, the text.
            let mut t = Listing::new(&["", "segment", "rule: matched", "text"]);
            for (kind, list) in [("FP", &fps), ("FN", &fns)] {
                for m in list.iter() {
                    t.rows.push(vec![
                        Some(kind.to_owned()),
                        Some(m.key.clone().unwrap_or_else(|| m.segment_id.clone())),
                        m.rule
                            .as_ref()
                            .map(|f| format!("{}: {}", f.rule, f.matched)),
                        Some(match &m.rule {
                            Some(f) => around(&m.text, f.start, f.matched.chars().count(), 90),
                            None => excerpt(&m.text, 200),
                        }),
                    ]);
                }
            }
            let mut s = format!(
                "{} ({}): {} against {} per {}: {} false positive{} ({} coded it, {} did not), {} false negative{}{}\n",
                e.code.0,
                e.code.1,
                e.coder,
                reference,
                e.agreed.unit.as_str(),
                e.false_positives.len(),
                if e.false_positives.len() == 1 {
                    ""
                } else {
                    "s"
                },
                e.coder,
                reference,
                e.false_negatives.len(),
                if e.false_negatives.len() == 1 {
                    ""
                } else {
                    "s"
                },
                if limit > 0 && (e.false_positives.len() > limit || e.false_negatives.len() > limit)
                {
                    format!("; the first {limit} of each shown (--limit 0 for all)")
                } else {
                    String::new()
                }
            );
            s.push_str(&t.to_table(width));
            s.push_str("FP: false positive (a rule fired, the reference did not code it); FN: false negative\n");
            Ok(s.into_bytes())
        }
        Format::Csv => write_csv(&l, &[4, 5, 6]),
        Format::Json => {
            let list = |v: &[Miss]| -> Vec<Value> {
                v.iter()
                    .map(|m| {
                        json!({
                            "unit": m.unit, "segment_id": m.segment_id, "key": m.key,
                            "rule": m.rule.as_ref().map(|r| &r.rule),
                            "matched": m.rule.as_ref().map(|r| &r.matched),
                            "start": m.rule.as_ref().map(|r| r.start),
                            "text": m.text,
                        })
                    })
                    .collect()
            };
            let v = json!({
                "code": e.code.0, "label": e.code.1, "unit": e.agreed.unit.as_str(),
                "coder": e.coder, "reference": reference,
                "false_positives": list(&e.false_positives),
                "false_negatives": list(&e.false_negatives),
            });
            let mut out = serde_json::to_vec_pretty(&v).map_err(std::io::Error::other)?;
            out.push(b'\n');
            Ok(out)
        }
    }
}

/// TOML string literal of a rule.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Suggestions as a table with a line to paste into the codebook, or as
/// CSV or JSON.
pub fn suggested(s: &Suggested, format: Format, width: u16) -> std::io::Result<Vec<u8>> {
    let mut l = Listing::new(&["rule", "example", "in code", "elsewhere", "segments", "G2"]);
    for g in &s.suggestions {
        l.rows.push(vec![
            Some(g.rule.clone()),
            Some(g.example.clone()),
            Some(g.target.to_string()),
            Some(g.rest.to_string()),
            Some(g.target_segments.to_string()),
            Some(if format == Format::Table {
                format!("{:.1}", g.g2)
            } else {
                format!("{}", g.g2)
            }),
        ]);
    }
    match format {
        Format::Table => {
            let mut out = format!(
                "{} ({}): words and phrases over-represented in the {} segments {} coded with it (against {} other segments it read), not matched by its rules yet\n",
                s.code.0, s.code.1, s.target, s.reference, s.rest
            );
            if s.suggestions.is_empty() {
                out.push_str("nothing stands out: no candidate is frequent and over-represented enough (try --min-count 2)\n");
                return Ok(out.into_bytes());
            }
            out.push_str(&l.to_table(width));
            out.push_str(&format!(
                "\nTo add them, replace the `terms` line of code {} with this one and keep the rules that mean the code:\n",
                s.code.0
            ));
            out.push_str(&paste_line(&s.terms, &s.suggestions));
            Ok(out.into_bytes())
        }
        Format::Csv => write_csv(&l, &[0, 1]),
        Format::Json => {
            let v = json!({
                "code": s.code.0, "label": s.code.1, "reference": s.reference,
                "target_segments": s.target, "other_segments": s.rest,
                "suggestions": s.suggestions.iter().map(|g| json!({
                    "rule": g.rule, "example": g.example, "target": g.target,
                    "rest": g.rest, "target_segments": g.target_segments, "g2": g.g2,
                })).collect::<Vec<_>>(),
            });
            let mut out = serde_json::to_vec_pretty(&v).map_err(std::io::Error::other)?;
            out.push(b'\n');
            Ok(out)
        }
    }
}

/// `terms = ["…", "…"]` for the native TOML codebook: the code's terms,
/// then the suggestions.
pub fn paste_line(terms: &[String], s: &[Suggestion]) -> String {
    let items: Vec<String> = terms
        .iter()
        .map(|t| toml_str(t))
        .chain(s.iter().map(|g| toml_str(&g.rule)))
        .collect();
    format!("terms = [{}]\n", items.join(", "))
}
