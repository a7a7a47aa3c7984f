//! Exit codes: 0 success, 1 bad input or runtime error, 2 usage error
//! (clap's own). A closed pipe (`| head`) counts as success.

/// Bad data or a runtime error.
pub const FAILURE: u8 = 1;
/// A usage error (clap exits with it).
pub const USAGE: u8 = 2;

/// Whether the error is a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
