//! Codebooks: the model, the rule syntax, the formats, validation.

pub mod model;
pub mod pattern;

pub use model::{Code, Codebook, CodebookOptions, Diagnostic, Origin, Pattern, Rule, Semantics, Severity, Term};
