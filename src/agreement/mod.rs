//! Agreement between coders, and aids for tuning a codebook against a
//! reference coder. Pure: presence tables in, statistics out.

pub mod human;
pub mod keyness;
pub mod stats;
pub mod units;
