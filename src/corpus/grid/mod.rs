//! Grid parsing (filled by the grid work).
