//! Codebooks: the model, the rule syntax, the formats, validation.

pub mod check;
pub mod diagnostics;
pub mod formats;
pub mod model;
pub mod pattern;
pub mod show;

pub use model::{
    Code, Codebook, CodebookOptions, Diagnostic, Origin, Pattern, Rule, Semantics, Severity,
    SharedRule, Term, same_guid,
};
