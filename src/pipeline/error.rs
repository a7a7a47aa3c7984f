//! What can stop a stage, beyond the errors of the files it reads: a study
//! not ready for it, or a name that is not in the study. Each message says
//! what to do next.

/// Why a stage cannot run.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The study names no codebook and none was given.
    #[error("no codebook for this study: pass --codebook FILE (it is then recorded in study.toml)")]
    NoCodebook,
    /// The study has not been coded.
    #[error(
        "this study is not coded yet; run `qualsynth code --study {dir}` (or `qualsynth run`) first"
    )]
    NotCoded {
        /// The study directory.
        dir: String,
    },
    /// The codings no longer match the codebook or the segments.
    #[error("{reason}; run `qualsynth code --study {dir}` again")]
    Stale {
        /// What changed.
        reason: String,
        /// The study directory.
        dir: String,
    },
    /// The study has not been synthesised.
    #[error("the study is not synthesised yet; run `qualsynth synthesize` (or `qualsynth run`)")]
    NotSynthesised,
    /// A codebook has errors.
    #[error("{first}")]
    Codebook {
        /// The codebook file.
        path: String,
        /// The first error on one line (`file:line:col: message`), and how
        /// many more there are.
        first: String,
    },
    /// A name that is not in the study.
    #[error("no {what} {name:?} in this study; {known}")]
    Unknown {
        /// What was looked for: `group`, `code`, `segment`…
        what: &'static str,
        /// The name given.
        name: String,
        /// The names the study has, or how to list them.
        known: String,
    },
}

impl PipelineError {
    /// A name not in the study, with the known ones listed (at most 20).
    pub fn unknown(what: &'static str, name: &str, plural: &str, known: &[String]) -> Self {
        let mut list: Vec<&str> = known.iter().map(String::as_str).take(20).collect();
        if known.len() > 20 {
            list.push("…");
        }
        PipelineError::Unknown {
            what,
            name: name.to_owned(),
            known: format!("{plural}: {}", list.join(", ")),
        }
    }
}
