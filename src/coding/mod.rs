//! Coding: normalisation, tokens, stems, the compiled matcher, and reading
//! documents to code. Pure: no filesystem, environment or terminal.

mod coder;
pub mod documents;
mod fast;
pub(crate) mod hash;
pub mod kwic;
pub(crate) mod lang;
mod normalize;
pub mod tally;
mod token;

pub use coder::{CodeInfo, Coder, Coding, ancestors};
pub use token::{Token, tokenize};
