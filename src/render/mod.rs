//! Rendering values for people and programs: tables fitted to a width,
//! CSV, JSON. Values in, bytes out; no terminal access here.

pub mod agree;
pub mod codings;
pub mod html;
pub mod listing;
pub mod markdown;
pub mod report;
pub mod run;
pub mod sheet;
pub mod status;
pub mod synthesis;
pub mod xlsx;
