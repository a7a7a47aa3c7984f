//! Coding: normalisation, tokens, stems, the compiled matcher.
