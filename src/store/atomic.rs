//! Atomic writes: every file goes to a temporary file in its own directory
//! first, and only when all are written are they renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::StoreError;

/// A set of files to replace together.
#[derive(Default)]
pub struct Staged {
    files: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl Staged {
    /// Writes `bytes` to a temporary file beside `path` (creating the
    /// directory). Nothing is visible at `path` until [`Staged::commit`].
    /// The file is readable by others as the umask allows, like a file
    /// written in place.
    pub fn stage(&mut self, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        self.stage_with_mode(path, bytes, 0o666)
    }

    /// Like [`Staged::stage`], but readable by the owner alone (the
    /// pseudonym key).
    pub fn stage_private(&mut self, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        self.stage_with_mode(path, bytes, 0o600)
    }

    /// Stages the file `write` writes (to a temporary file beside
    /// `path`), like [`Staged::stage`].
    pub fn stage_with(
        &mut self,
        path: &Path,
        write: impl FnOnce(&std::fs::File) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let tmp = self.temporary(path, 0o666)?;
        write(tmp.as_file())?;
        self.adopt(tmp, path)
    }

    /// Stages a temporary file already written in `path`'s directory.
    pub fn adopt(&mut self, tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), StoreError> {
        tmp.as_file()
            .sync_all()
            .map_err(|e| StoreError::io(path, "write", e))?;
        self.files.push((tmp, path.to_owned()));
        Ok(())
    }

    fn stage_with_mode(&mut self, path: &Path, bytes: &[u8], mode: u32) -> Result<(), StoreError> {
        let mut tmp = self.temporary(path, mode)?;
        // The error names the file being written, not its temporary; the
        // temporary is removed when `tmp` drops.
        tmp.write_all(bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| StoreError::io(path, "write", e))?;
        self.files.push((tmp, path.to_owned()));
        Ok(())
    }

    /// A temporary file beside `path` (creating the directory).
    fn temporary(&self, path: &Path, mode: u32) -> Result<tempfile::NamedTempFile, StoreError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, "create directory", e))?;
        temporary_in(dir, mode)
    }

    /// Renames every staged file into place, in staging order. If staging
    /// failed, dropping `Staged` removes the temporary files instead.
    pub fn commit(self) -> Result<(), StoreError> {
        for (tmp, path) in self.files {
            tmp.persist(&path)
                .map_err(|e| StoreError::io(&path, "replace", e.error))?;
        }
        Ok(())
    }
}

/// A temporary file in `dir` (which exists) with permissions `mode` less
/// the umask, named so that [`sweep_temporaries`] finds it.
pub(super) fn temporary_in(dir: &Path, mode: u32) -> Result<tempfile::NamedTempFile, StoreError> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder
        .prefix(".qualsynth-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| StoreError::io(dir, "create a temporary file in", e))
}

/// Removes the temporary files a killed write left in `dir` and its
/// sub-directories (`.qualsynth-*.tmp`, never anything else); returns how
/// many. Only for a batch that rewrites the workspace, never while another
/// process may be writing it.
pub fn sweep_temporaries(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            match e.file_type() {
                Ok(t) if t.is_dir() && !t.is_symlink() => stack.push(p),
                Ok(t)
                    if t.is_file()
                        && name.starts_with(".qualsynth-")
                        && name.ends_with(".tmp")
                        && std::fs::remove_file(&p).is_ok() =>
                {
                    n += 1;
                }
                _ => {}
            }
        }
    }
    n
}

/// Writes one file atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut s = Staged::default();
    s.stage(path, bytes)?;
    s.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn files_are_shareable_and_the_key_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (open, private) = (dir.path().join("open.txt"), dir.path().join("key.csv"));
        let mut s = Staged::default();
        s.stage(&open, b"x").unwrap();
        s.stage_private(&private, b"y").unwrap();
        s.commit().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&private), 0o600);
        // Readable by the owner and, as the umask allows, by others.
        assert_eq!(mode(&open) & 0o600, 0o600);
    }

    #[test]
    fn a_failed_write_names_the_file_and_leaves_no_temporary() {
        // A full disk, as far as this test can make one: a directory
        // where the file should be makes the rename fail; the write error
        // itself is covered by scripts/full-disk.sh.
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.parquet");
        std::fs::create_dir(&a).unwrap();
        std::fs::write(a.join("x"), b"x").unwrap();
        let e = write_atomic(&a, b"one").unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("cannot replace {}", a.display())),
            "{e}"
        );
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.parquet"]);
        let full = StoreError::io(
            &a,
            "write",
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        assert_eq!(
            full.to_string(),
            format!(
                "cannot write {}: no space left on device (the disk is full)",
                a.display()
            )
        );
    }

    #[test]
    fn nothing_is_visible_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("sub/a.txt");
        let mut s = Staged::default();
        s.stage(&a, b"one").unwrap();
        assert!(!a.exists());
        s.commit().unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        let mut s = Staged::default();
        s.stage(&a, b"two").unwrap();
        drop(s);
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        let leftovers = std::fs::read_dir(dir.path().join("sub")).unwrap().count();
        assert_eq!(leftovers, 1);
    }
}
