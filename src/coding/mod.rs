//! Coding: normalisation, tokens, stems, the compiled matcher, and reading
//! documents to code. Pure: no filesystem, environment or terminal.

mod coder;
pub mod documents;
pub mod kwic;
pub mod tally;
mod fast;
mod hash;
mod lang;
mod normalize;
mod token;

pub use coder::{CodeInfo, Coder, Coding};
pub use token::{Token, tokenize};
