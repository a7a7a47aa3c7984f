//! Parse errors with a location inside one input file.

use std::fmt;

/// An error found while reading one input; the caller adds the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line, when it applies.
    pub line: Option<u64>,
    /// 1-based column (characters), when it applies.
    pub column: Option<u64>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl ParseError {
    /// An error about the whole file.
    pub fn file(message: impl Into<String>) -> Self {
        ParseError {
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// An error at a line.
    pub fn at_line(line: u64, message: impl Into<String>) -> Self {
        ParseError {
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }

    /// An error at a line and column.
    pub fn at(line: u64, column: u64, message: impl Into<String>) -> Self {
        ParseError {
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    /// Attaches the file name, giving the error users see.
    pub fn in_file(self, path: impl Into<String>) -> InputError {
        InputError {
            path: path.into(),
            error: self,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{l}:{c}: {}", self.message),
            (Some(l), None) => write!(f, "{l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// A parse error in a named file: `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file as the user named it.
    pub path: String,
    /// What went wrong, and where.
    pub error: ParseError,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.error.line.is_some() {
            write!(f, "{}:{}", self.path, self.error)
        } else {
            write!(f, "{}: {}", self.path, self.error)
        }
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_path_line_and_column() {
        let e = ParseError::at(3, 7, "unbalanced quote").in_file("grid.csv");
        assert_eq!(e.to_string(), "grid.csv:3:7: unbalanced quote");
        let e = ParseError::file("file is empty").in_file("a.txt");
        assert_eq!(e.to_string(), "a.txt: file is empty");
    }
}
