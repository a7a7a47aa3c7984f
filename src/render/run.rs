//! The one-screen summary printed at the end of `qualsynth run`.

use super::status::plural;

/// What one stage of the run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// `import`, `coding`…
    pub name: &'static str,
    /// Its figures, for people.
    pub detail: String,
    /// Whether it ran (false: its inputs were unchanged and it was skipped).
    pub ran: bool,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunSummary {
    /// The study's title.
    pub title: String,
    /// Group names, sorted.
    pub groups: Vec<String>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
    /// Report files, relative to the study directory.
    pub files: Vec<String>,
    /// Whether the files were rewritten.
    pub files_written: bool,
    /// Whose words the synthesis left out, when anyone's.
    pub note: Option<String>,
}

/// Aligned lines: one per stage, then the files.
pub fn render(s: &RunSummary) -> String {
    let mut out = format!(
        "{}: {} ({})\n",
        s.title,
        plural(s.groups.len(), "group"),
        s.groups.join(", ")
    );
    let status = |ran: bool, verb: &str| {
        if ran {
            verb.to_owned()
        } else {
            "unchanged".to_owned()
        }
    };
    for st in &s.stages {
        out.push_str(&format!(
            "  {:<16} {:<12} {}\n",
            st.name,
            status(st.ran, "done"),
            st.detail
        ));
    }
    if !s.files.is_empty() {
        out.push_str(&format!(
            "  {:<16} {:<12} {}\n",
            "reports",
            status(s.files_written, "written"),
            s.files.join(", ")
        ));
    }
    if let Some(n) = &s.note {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_stage_and_files() {
        let s = RunSummary {
            title: "Étude".into(),
            groups: vec!["Lille".into(), "Marseille".into()],
            stages: vec![Stage {
                name: "import",
                detail: "2 sources, 10 segments".into(),
                ran: false,
            }],
            files: vec!["reports/report.html".into()],
            files_written: true,
            note: None,
        };
        assert_eq!(
            render(&s),
            "Étude: 2 groups (Lille, Marseille)\n  import           unchanged    2 sources, 10 segments\n  reports          written      reports/report.html\n"
        );
    }
}
