//! Inter-coder agreement on a presence table: percent agreement, Cohen's
//! kappa, Krippendorff's alpha (nominal), and precision, recall and F1
//! against a reference coder; per code, pooled over codes (micro) and
//! averaged over codes (macro). Pure: a table in, numbers out.
//!
//! Everything is counted with exact integers and divided once in `f64`; no
//! randomness. A value that is undefined on the data (0/0) is `None`, never
//! `NaN`, and no input panics: an empty table, zero units or a single coder
//! give `None` values.
//!
//! The values match scikit-learn (`cohen_kappa_score`,
//! `precision_recall_fscore_support`, `confusion_matrix`) and the
//! `krippendorff` Python package to 1e-9; `fixtures/agreement/` holds the
//! script that computes the expected values and its output.

use std::collections::BTreeMap;

use serde::Serialize;

/// Which coder applied which code to which unit (a segment, a grid row, a
/// participant…), with missing data.
///
/// A cell is `Some(true)` when the coder applied the code to the unit,
/// `Some(false)` when the coder rated the unit and did not apply the code,
/// and `None` when the coder did not rate the unit. The table is read with
/// the dimensions `coders.len()` × `codes.len()` × `units`: a cell absent
/// from a ragged `cells` counts as not rated, and cells beyond those
/// dimensions are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Presence {
    /// The coders' names, in the order of `cells`.
    pub coders: Vec<String>,
    /// The codes' ids, in the order of `cells[coder]`.
    pub codes: Vec<String>,
    /// The number of units.
    pub units: usize,
    /// cells[coder][code][unit]
    pub cells: Vec<Vec<Vec<Option<bool>>>>,
}

impl Presence {
    /// The cell of `coder`, `code` and `unit`; `None` (not rated) when the
    /// table has no such cell.
    pub fn cell(&self, coder: usize, code: usize, unit: usize) -> Option<bool> {
        *self.cells.get(coder)?.get(code)?.get(unit)?
    }
}

/// Decisions of a coder against a reference coder taken as the truth, over
/// the units both rated: `tp` both applied the code, `fp` only the coder,
/// `fn_` only the reference, `tn` neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Confusion {
    /// Units where the reference and the coder applied the code.
    pub tp: u64,
    /// Units where the coder applied the code and the reference did not.
    pub fp: u64,
    /// Units where the reference applied the code and the coder did not.
    pub fn_: u64,
    /// Units both rated where neither applied the code.
    pub tn: u64,
}

impl Confusion {
    /// tp / (tp + fp); `None` when the coder applied the code nowhere.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn); `None` when the reference applied the code nowhere.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall
    /// (0 when one of them is undefined and the other 0, as in
    /// scikit-learn); `None` when neither coder applied the code.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// The number of units both rated.
    pub fn rated(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }

    fn add(&mut self, other: &Confusion) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
        self.tn += other.tn;
    }
}

/// Agreement on one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    /// The code's id.
    pub code: String,
    /// units rated by at least two coders (pairable)
    pub units: u64,
    /// units where at least one coder applied the code (among all units,
    /// pairable or not)
    pub applied: u64,
    /// Percent agreement as a share in [0, 1]: over every pair of coders and
    /// every unit both rated, the share of pairs that agree. With two coders
    /// this is the share of the units both rated on which they agree; with
    /// more, the mean over coder pairs of their pairwise agreement weighted
    /// by the units each pair both rated (Σ agreeing / Σ rated, over pairs).
    /// `None` when no unit was rated by two coders.
    pub percent: Option<f64>,
    /// Cohen's kappa, (p_o − p_e) / (1 − p_e) over the units both coders
    /// rated; only with exactly two coders. `None` otherwise, with no unit
    /// both rated, or when the expected agreement p_e is 1 (both coders gave
    /// one and the same value everywhere).
    pub kappa: Option<f64>,
    /// Krippendorff's alpha, nominal, any number of coders with missing
    /// data (see [`nominal_alpha`]). `None` with fewer than two coders, no
    /// unit rated by two coders, or a single value among the pairable values.
    pub alpha: Option<f64>,
    /// with a reference coder: one confusion per other coder, in coder order, the reference as truth, over units both rated
    pub versus: Vec<(String, Confusion)>,
}

/// A coder against the reference, averaged over codes: the coder's name,
/// the confusion counts summed over codes, then precision, recall and F1.
pub type VersusAverage = (String, Confusion, Option<f64>, Option<f64>, Option<f64>);

/// Agreement averaged over codes, micro or macro (see [`Agreement`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Averages {
    /// Percent agreement (see [`CodeAgreement::percent`]).
    pub percent: Option<f64>,
    /// Cohen's kappa (see [`CodeAgreement::kappa`]).
    pub kappa: Option<f64>,
    /// Krippendorff's alpha, nominal (see [`CodeAgreement::alpha`]).
    pub alpha: Option<f64>,
    /// With a reference coder, one entry per other coder in coder order:
    /// the confusion counts summed over codes (the same in micro and macro;
    /// they make the micro values), then precision, recall and F1.
    pub versus: Vec<VersusAverage>,
}

/// Agreement between coders, per code and averaged over codes.
///
/// - **micro** ("pooled"): percent, kappa and alpha computed over all
///   (code, unit) decisions pooled as one binary variable, as if each
///   (code, unit) were a unit; precision, recall and F1 from the confusion
///   counts summed over codes (scikit-learn `average='micro'` on a
///   multilabel indicator matrix). `None` when undefined on the pooled data.
/// - **macro**: the mean over codes of the per-code value. For percent,
///   kappa and alpha, the mean over the codes where the value is defined
///   (`None` when it is defined for no code). For precision, recall and F1,
///   an undefined per-code value counts as 0 and every code counts, as
///   scikit-learn `precision_recall_fscore_support(y_true, y_pred,
///   average='macro', zero_division=0)` on multilabel indicator matrices;
///   the macro F1 is the mean of the per-code F1, not the F1 of the macro
///   precision and recall. `None` when there are no codes.
///
/// Kappa, the confusions and precision, recall and F1 use only the units
/// both coders rated, per code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// One entry per code, in code order.
    pub per_code: Vec<CodeAgreement>,
    /// Pooled over codes.
    pub micro: Averages,
    /// Averaged over codes.
    pub macro_: Averages,
}

/// Agreement between the coders of `p`, per code, micro and macro (see
/// [`Agreement`] for the definitions). With `reference`, the index of a
/// coder in `p.coders`, every other coder is also compared with that coder
/// taken as the truth (`versus`); a reference out of range gives no
/// comparisons.
pub fn agreement(p: &Presence, reference: Option<usize>) -> Agreement {
    let coders = p.coders.len();
    let reference = reference.filter(|&r| r < coders);
    let others: Vec<usize> = match reference {
        Some(r) => (0..coders).filter(|&o| o != r).collect(),
        None => Vec::new(),
    };

    let tallies: Vec<Tally> = (0..p.codes.len())
        .map(|code| Tally::of_code(p, code, reference, &others))
        .collect();

    let per_code: Vec<CodeAgreement> = p
        .codes
        .iter()
        .zip(&tallies)
        .map(|(code, t)| CodeAgreement {
            code: code.clone(),
            units: t.units,
            applied: t.applied,
            percent: t.percent(),
            kappa: t.kappa(),
            alpha: t.alpha(),
            versus: others
                .iter()
                .zip(&t.versus)
                .map(|(&o, c)| (p.coders[o].clone(), *c))
                .collect(),
        })
        .collect();

    let mut pooled = Tally::new(coders, others.len());
    for t in &tallies {
        pooled.add(t);
    }
    let micro = Averages {
        percent: pooled.percent(),
        kappa: pooled.kappa(),
        alpha: pooled.alpha(),
        versus: others
            .iter()
            .zip(&pooled.versus)
            .map(|(&o, c)| (p.coders[o].clone(), *c, c.precision(), c.recall(), c.f1()))
            .collect(),
    };

    let macro_ = Averages {
        percent: mean_defined(per_code.iter().map(|c| c.percent)),
        kappa: mean_defined(per_code.iter().map(|c| c.kappa)),
        alpha: mean_defined(per_code.iter().map(|c| c.alpha)),
        versus: others
            .iter()
            .enumerate()
            .map(|(i, &o)| {
                let of = |f: fn(&Confusion) -> Option<f64>| {
                    mean_zero(tallies.iter().map(|t| f(&t.versus[i])))
                };
                (
                    p.coders[o].clone(),
                    pooled.versus[i],
                    of(Confusion::precision),
                    of(Confusion::recall),
                    of(Confusion::f1),
                )
            })
            .collect(),
    };

    Agreement {
        per_code,
        micro,
        macro_,
    }
}

/// Krippendorff's alpha for nominal data, `data[coder][unit]` with `None`
/// for a value missing (ragged rows read as missing).
///
/// Over the units with at least two values (pairable), the coincidence
/// matrix o_ck = Σ_u n_uc·n_uk / (m_u − 1) (c ≠ k; n_uc the values c in unit
/// u, m_u its values), the marginals n_c and n = Σ n_c;
/// alpha = 1 − D_o / D_e = 1 − (n − 1)·Σ_{c≠k} o_ck / (n² − Σ n_c²).
/// Matches `krippendorff.alpha(reliability_data, level_of_measurement=
/// 'nominal')`. `None` when no unit is pairable or the pairable values are
/// all the same (D_e = 0).
pub fn nominal_alpha<T: Ord>(data: &[Vec<Option<T>>]) -> Option<f64> {
    let units = data.iter().map(Vec::len).max().unwrap_or(0);
    let mut tally = AlphaTally::default();
    let mut marginals: BTreeMap<&T, u64> = BTreeMap::new();
    for unit in 0..units {
        let mut counts: BTreeMap<&T, u64> = BTreeMap::new();
        for value in data.iter().filter_map(|row| row.get(unit)?.as_ref()) {
            *counts.entry(value).or_default() += 1;
        }
        let m: u64 = counts.values().sum();
        if m < 2 {
            continue;
        }
        let same: u64 = counts.values().map(|n| n * n).sum();
        tally.add_unit(m, m * m - same);
        for (value, n) in counts {
            *marginals.entry(value).or_default() += n;
        }
    }
    tally.alpha(marginals.values().copied())
}

/// Counts of one code, or of all codes pooled.
#[derive(Debug, Clone)]
struct Tally {
    /// Pairable units.
    units: u64,
    /// Units where a coder applied the code.
    applied: u64,
    /// Pairs of coders over the units both rated.
    pairs: u64,
    /// Those pairs that agree.
    agreeing: u64,
    /// With exactly two coders, [both applied, only the first, only the
    /// second, neither] over the units both rated.
    kappa: Option<[u64; 4]>,
    alpha: AlphaTally,
    /// Pairable values not applied, applied.
    marginals: [u64; 2],
    /// One per other coder against the reference.
    versus: Vec<Confusion>,
}

impl Tally {
    fn new(coders: usize, others: usize) -> Self {
        Tally {
            units: 0,
            applied: 0,
            pairs: 0,
            agreeing: 0,
            kappa: (coders == 2).then_some([0; 4]),
            alpha: AlphaTally::default(),
            marginals: [0; 2],
            versus: vec![Confusion::default(); others],
        }
    }

    fn of_code(p: &Presence, code: usize, reference: Option<usize>, others: &[usize]) -> Self {
        let coders = p.coders.len();
        let mut t = Tally::new(coders, others.len());
        for unit in 0..p.units {
            let cell = |coder: usize| p.cell(coder, code, unit);
            let (mut yes, mut no) = (0u64, 0u64);
            for coder in 0..coders {
                match cell(coder) {
                    Some(true) => yes += 1,
                    Some(false) => no += 1,
                    None => {}
                }
            }
            if yes > 0 {
                t.applied += 1;
            }
            let m = yes + no;
            if m >= 2 {
                t.units += 1;
                t.pairs += choose2(m);
                t.agreeing += choose2(yes) + choose2(no);
                t.alpha.add_unit(m, 2 * yes * no);
                t.marginals[0] += no;
                t.marginals[1] += yes;
            }
            if let Some(k) = t.kappa.as_mut() {
                match (cell(0), cell(1)) {
                    (Some(true), Some(true)) => k[0] += 1,
                    (Some(true), Some(false)) => k[1] += 1,
                    (Some(false), Some(true)) => k[2] += 1,
                    (Some(false), Some(false)) => k[3] += 1,
                    _ => {}
                }
            }
            if let Some(r) = reference {
                for (c, &o) in t.versus.iter_mut().zip(others) {
                    match (cell(r), cell(o)) {
                        (Some(true), Some(true)) => c.tp += 1,
                        (Some(false), Some(true)) => c.fp += 1,
                        (Some(true), Some(false)) => c.fn_ += 1,
                        (Some(false), Some(false)) => c.tn += 1,
                        _ => {}
                    }
                }
            }
        }
        t
    }

    fn add(&mut self, other: &Tally) {
        self.units += other.units;
        self.applied += other.applied;
        self.pairs += other.pairs;
        self.agreeing += other.agreeing;
        if let (Some(k), Some(o)) = (self.kappa.as_mut(), other.kappa) {
            for (a, b) in k.iter_mut().zip(o) {
                *a += b;
            }
        }
        self.alpha.add(&other.alpha);
        self.marginals[0] += other.marginals[0];
        self.marginals[1] += other.marginals[1];
        for (a, b) in self.versus.iter_mut().zip(&other.versus) {
            a.add(b);
        }
    }

    fn percent(&self) -> Option<f64> {
        ratio(self.agreeing, self.pairs)
    }

    fn kappa(&self) -> Option<f64> {
        let [a, b, c, d] = self.kappa?.map(u128::from);
        let n = a + b + c + d;
        // p_o = (a + d) / n, p_e = expected / n², kappa = (p_o − p_e) / (1 − p_e).
        let expected = (a + b) * (a + c) + (c + d) * (b + d);
        let denominator = n * n - expected;
        if denominator == 0 {
            return None;
        }
        let numerator = (n * (a + d)) as i128 - expected as i128;
        Some(numerator as f64 / denominator as f64)
    }

    fn alpha(&self) -> Option<f64> {
        self.alpha.alpha(self.marginals)
    }
}

/// The observed disagreement of Krippendorff's alpha, exactly: for each
/// number m of values in a pairable unit, Σ over those units of the ordered
/// pairs of different values (m² − Σ_c n_uc²), each to be divided by m − 1.
#[derive(Debug, Clone, Default)]
struct AlphaTally {
    /// Indexed by m.
    disagreeing: Vec<u128>,
}

impl AlphaTally {
    fn add_unit(&mut self, m: u64, disagreeing: u64) {
        let Ok(m) = usize::try_from(m) else {
            return;
        };
        if self.disagreeing.len() <= m {
            self.disagreeing.resize(m + 1, 0);
        }
        self.disagreeing[m] += u128::from(disagreeing);
    }

    fn add(&mut self, other: &AlphaTally) {
        if self.disagreeing.len() < other.disagreeing.len() {
            self.disagreeing.resize(other.disagreeing.len(), 0);
        }
        for (a, b) in self.disagreeing.iter_mut().zip(&other.disagreeing) {
            *a += b;
        }
    }

    /// Alpha from the marginals of the pairable values.
    fn alpha(&self, marginals: impl IntoIterator<Item = u64>) -> Option<f64> {
        let (mut n, mut same) = (0u128, 0u128);
        for c in marginals.into_iter().map(u128::from) {
            n += c;
            same += c * c;
        }
        let expected = n * n - same;
        if expected == 0 {
            return None;
        }
        let observed: f64 = self
            .disagreeing
            .iter()
            .enumerate()
            .skip(2)
            .map(|(m, &d)| d as f64 / (m - 1) as f64)
            .sum();
        Some(1.0 - (n - 1) as f64 * observed / expected as f64)
    }
}

/// The number of pairs among `n`.
fn choose2(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// `num / den`, `None` when `den` is 0.
fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// The mean of the defined values, `None` when none is.
fn mean_defined(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (sum, count) = values
        .flatten()
        .fold((0.0, 0u64), |(s, c), v| (s + v, c + 1));
    ratio_f(sum, count)
}

/// The mean with undefined values counted as 0, `None` when there are none.
fn mean_zero(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0u64), |(s, c), v| (s + v.unwrap_or(0.0), c + 1));
    ratio_f(sum, count)
}

fn ratio_f(sum: f64, count: u64) -> Option<f64> {
    (count > 0).then(|| sum / count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const EXPECTED: &str = include_str!("../../fixtures/agreement/expected.json");
    const TOLERANCE: f64 = 1e-9;

    fn presence(coders: &[&str], codes: &[&str], cells: Vec<Vec<Vec<Option<bool>>>>) -> Presence {
        let units = cells.first().and_then(|c| c.first()).map_or(0, Vec::len);
        Presence {
            coders: coders.iter().map(|s| s.to_string()).collect(),
            codes: codes.iter().map(|s| s.to_string()).collect(),
            units,
            cells,
        }
    }

    /// One code, two coders, from the counts of a 2×2 table.
    fn two_by_two(both: usize, only_a: usize, only_b: usize, neither: usize) -> Presence {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (n, va, vb) in [
            (both, true, true),
            (only_a, true, false),
            (only_b, false, true),
            (neither, false, false),
        ] {
            a.extend(std::iter::repeat_n(Some(va), n));
            b.extend(std::iter::repeat_n(Some(vb), n));
        }
        presence(&["a", "b"], &["x"], vec![vec![a], vec![b]])
    }

    fn close(actual: Option<f64>, expected: &Value, what: &str) {
        match (actual, expected.as_f64()) {
            (None, None) => assert!(expected.is_null(), "{what}: expected {expected}"),
            (Some(a), Some(e)) => {
                assert!((a - e).abs() <= TOLERANCE, "{what}: {a} != {e}");
            }
            (a, _) => panic!("{what}: {a:?} != {expected}"),
        }
    }

    fn count(actual: u64, expected: &Value, what: &str) {
        assert_eq!(Some(actual), expected.as_u64(), "{what}");
    }

    fn check_confusion(c: &Confusion, e: &Value, what: &str) {
        count(c.tp, &e["tp"], &format!("{what} tp"));
        count(c.fp, &e["fp"], &format!("{what} fp"));
        count(c.fn_, &e["fn"], &format!("{what} fn"));
        count(c.tn, &e["tn"], &format!("{what} tn"));
    }

    fn check_averages(a: &Averages, e: &Value, what: &str) {
        close(a.percent, &e["percent"], &format!("{what} percent"));
        close(a.kappa, &e["kappa"], &format!("{what} kappa"));
        close(a.alpha, &e["alpha"], &format!("{what} alpha"));
        let versus = e["versus"].as_array().expect("versus");
        assert_eq!(a.versus.len(), versus.len(), "{what} versus");
        for ((coder, c, p, r, f), e) in a.versus.iter().zip(versus) {
            let what = format!("{what} versus {coder}");
            assert_eq!(Some(coder.as_str()), e["coder"].as_str(), "{what}");
            check_confusion(c, e, &what);
            close(*p, &e["precision"], &format!("{what} precision"));
            close(*r, &e["recall"], &format!("{what} recall"));
            close(*f, &e["f1"], &format!("{what} f1"));
        }
    }

    fn strings(v: &Value) -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|s| s.as_str().expect("string").to_string())
            .collect()
    }

    #[test]
    fn matches_sklearn_and_krippendorff() {
        let root: Value = serde_json::from_str(EXPECTED).expect("expected.json parses");
        let cases = root["cases"].as_array().expect("cases");
        assert!(cases.len() >= 6);
        for case in cases {
            let name = case["name"].as_str().expect("name");
            let cells = case["cells"]
                .as_array()
                .expect("cells")
                .iter()
                .map(|coder| {
                    coder
                        .as_array()
                        .expect("coder")
                        .iter()
                        .map(|code| {
                            code.as_array()
                                .expect("code")
                                .iter()
                                .map(|v| v.as_u64().map(|v| v == 1))
                                .collect()
                        })
                        .collect()
                })
                .collect();
            let p = Presence {
                coders: strings(&case["coders"]),
                codes: strings(&case["codes"]),
                units: case["units"].as_u64().expect("units") as usize,
                cells,
            };
            let reference = case["reference"].as_u64().map(|r| r as usize);
            let got = agreement(&p, reference);

            let per_code = case["per_code"].as_array().expect("per_code");
            assert_eq!(got.per_code.len(), per_code.len(), "{name}");
            for (c, e) in got.per_code.iter().zip(per_code) {
                let what = format!("{name}: {}", c.code);
                assert_eq!(Some(c.code.as_str()), e["code"].as_str(), "{what}");
                count(c.units, &e["units"], &format!("{what} units"));
                count(c.applied, &e["applied"], &format!("{what} applied"));
                close(c.percent, &e["percent"], &format!("{what} percent"));
                close(c.kappa, &e["kappa"], &format!("{what} kappa"));
                close(c.alpha, &e["alpha"], &format!("{what} alpha"));
                let versus = e["versus"].as_array().expect("versus");
                assert_eq!(c.versus.len(), versus.len(), "{what} versus");
                for ((coder, conf), e) in c.versus.iter().zip(versus) {
                    let what = format!("{what} versus {coder}");
                    assert_eq!(Some(coder.as_str()), e["coder"].as_str(), "{what}");
                    check_confusion(conf, e, &what);
                    close(
                        conf.precision(),
                        &e["precision"],
                        &format!("{what} precision"),
                    );
                    close(conf.recall(), &e["recall"], &format!("{what} recall"));
                    close(conf.f1(), &e["f1"], &format!("{what} f1"));
                }
            }
            check_averages(&got.micro, &case["micro"], &format!("{name}: micro"));
            check_averages(&got.macro_, &case["macro"], &format!("{name}: macro"));
        }
    }

    /// The textbook example (Wikipedia, "Cohen's kappa"): 50 proposals, 20
    /// both yes, 5 only A, 10 only B, 15 both no: p_o = 0.7, p_e = 0.5.
    #[test]
    fn textbook_kappa() {
        let got = agreement(&two_by_two(20, 5, 10, 15), Some(0));
        let code = &got.per_code[0];
        assert_eq!(code.units, 50);
        assert_eq!(code.applied, 35);
        assert!((code.kappa.unwrap() - 0.4).abs() < 1e-12);
        assert!((code.percent.unwrap() - 0.7).abs() < 1e-12);
        let (coder, c) = &code.versus[0];
        assert_eq!(coder, "b");
        assert_eq!(
            *c,
            Confusion {
                tp: 20,
                fp: 10,
                fn_: 5,
                tn: 15
            }
        );
        assert!((c.precision().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.recall().unwrap() - 0.8).abs() < 1e-12);
        assert!((c.f1().unwrap() - 40.0 / 55.0).abs() < 1e-12);
        // One code: micro and macro are the per-code values.
        assert_eq!(got.micro.kappa, code.kappa);
        assert_eq!(got.macro_.kappa, code.kappa);
    }

    #[test]
    fn kappa_undefined_when_both_coders_constant() {
        let code = &agreement(&two_by_two(6, 0, 0, 0), None).per_code[0];
        assert_eq!(code.kappa, None);
        assert_eq!(code.alpha, None);
        assert_eq!(code.percent, Some(1.0));
        // Opposite constants: p_e = 0, kappa = 0.
        let code = &agreement(&two_by_two(0, 6, 0, 0), None).per_code[0];
        assert_eq!(code.kappa, Some(0.0));
    }

    /// Krippendorff (2011), "Computing Krippendorff's alpha-reliability",
    /// the 4 coders × 12 units nominal example: alpha = 0.743.
    #[test]
    fn krippendorff_nominal_example() {
        let rows: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        let data: Vec<Vec<Option<u8>>> = rows
            .iter()
            .map(|r| r.iter().map(|&v| (v > 0).then_some(v)).collect())
            .collect();
        let alpha = nominal_alpha(&data).unwrap();
        assert_eq!((alpha * 1000.0).round(), 743.0);
        assert!((alpha - 0.743421052631579).abs() < 1e-12);
    }

    /// Krippendorff (2011), the binary example: two coders, ten units,
    /// alpha = 0.095; the same through the presence table.
    #[test]
    fn krippendorff_binary_example() {
        let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        let row = |r: &[u8]| r.iter().map(|&v| Some(v == 1)).collect::<Vec<_>>();
        let alpha = nominal_alpha(&[row(&a), row(&b)]).unwrap();
        assert!((alpha - 2.0 / 21.0).abs() < 1e-12);
        let p = presence(&["a", "b"], &["x"], vec![vec![row(&a)], vec![row(&b)]]);
        let got = agreement(&p, None).per_code[0].alpha.unwrap();
        assert!((got - 2.0 / 21.0).abs() < 1e-12);
    }

    #[test]
    fn nominal_alpha_undefined() {
        let none: [Vec<Option<u8>>; 0] = [];
        assert_eq!(nominal_alpha(&none), None);
        // No unit with two values.
        assert_eq!(
            nominal_alpha(&[vec![Some(1), None], vec![None, Some(2)]]),
            None
        );
        // A single value among the pairable values.
        assert_eq!(
            nominal_alpha(&[vec![Some(1), Some(2)], vec![Some(1), None]]),
            None
        );
    }

    #[test]
    fn empty_and_degenerate_tables_do_not_panic() {
        let got = agreement(&Presence::default(), Some(0));
        assert!(got.per_code.is_empty());
        assert_eq!(got.micro.percent, None);
        assert_eq!(got.macro_.alpha, None);
        assert!(got.micro.versus.is_empty());

        // One coder: nothing pairable, no one to compare.
        let p = presence(&["a"], &["x"], vec![vec![vec![Some(true), Some(false)]]]);
        let got = agreement(&p, Some(0));
        let code = &got.per_code[0];
        assert_eq!((code.units, code.applied), (0, 1));
        assert_eq!((code.percent, code.kappa, code.alpha), (None, None, None));
        assert!(code.versus.is_empty());

        // Ragged cells read as not rated; a reference out of range is ignored.
        let p = Presence {
            coders: vec!["a".into(), "b".into()],
            codes: vec!["x".into(), "y".into()],
            units: 3,
            cells: vec![vec![vec![Some(true)]], vec![]],
        };
        let got = agreement(&p, Some(7));
        assert_eq!(got.per_code.len(), 2);
        assert_eq!(got.per_code[0].units, 0);
        assert_eq!(got.per_code[1].applied, 0);
        assert!(got.micro.versus.is_empty());

        // Zero units, with a reference: confusions of zeros, macro 0.
        let p = Presence {
            coders: vec!["a".into(), "b".into()],
            codes: vec!["x".into()],
            units: 0,
            cells: vec![],
        };
        let got = agreement(&p, Some(0));
        assert_eq!(got.per_code[0].versus[0].1, Confusion::default());
        assert_eq!(got.micro.versus[0].2, None);
        assert_eq!(got.macro_.versus[0].2, Some(0.0));
    }

    /// With three coders the percent is Σ agreeing pairs / Σ pairs: a unit
    /// rated yes, yes, no has one agreeing pair out of three.
    #[test]
    fn percent_over_pairs_with_three_coders() {
        let p = presence(
            &["a", "b", "c"],
            &["x"],
            vec![
                vec![vec![Some(true), Some(true)]],
                vec![vec![Some(true), Some(false)]],
                vec![vec![Some(false), None]],
            ],
        );
        let code = &agreement(&p, None).per_code[0];
        // Unit 1: 1 of 3 pairs agree; unit 2: 0 of 1.
        assert_eq!(code.percent, Some(0.25));
        assert_eq!(code.kappa, None);
    }

    #[test]
    fn macro_f1_is_mean_of_per_code_f1() {
        // Code x: perfect; code y: the coder applied it once, wrongly.
        let p = presence(
            &["ref", "b"],
            &["x", "y"],
            vec![
                vec![
                    vec![Some(true), Some(false)],
                    vec![Some(false), Some(false)],
                ],
                vec![vec![Some(true), Some(false)], vec![Some(true), Some(false)]],
            ],
        );
        let got = agreement(&p, Some(0));
        let (_, summed, mp, mr, mf) = &got.micro.versus[0];
        assert_eq!(summed.tp + summed.fp, 2);
        assert_eq!((*mp, *mr), (Some(0.5), Some(1.0)));
        assert!((mf.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        let (_, _, p_, r, f) = &got.macro_.versus[0];
        assert_eq!((*p_, *r, *f), (Some(0.5), Some(0.5), Some(0.5)));
    }
}
