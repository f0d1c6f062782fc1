//! Loading and validating scenario files.
//!
//! Owns: turning TOML text into [`Scenario`]s and reporting every problem as
//! `file:line:column: message` with a hint. The loader refuses a broken set.

use super::{Scenario, ScenarioSet};
use std::fmt;
use std::path::{Path, PathBuf};

static EMBEDDED: include_dir::Dir<'_> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/scenarios");

/// One problem in one scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// Why a scenario set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read scenarios from {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} problem(s) in the scenario files; run `coffeechat scenarios check` for details:\n{}", .0.len(), render(.0))]
    Invalid(Vec<Diagnostic>),
    #[error("no scenario files (*.toml) found in {0}")]
    Empty(PathBuf),
}

fn render(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parses one scenario file's text. `name` is used in diagnostics.
pub fn parse_str(name: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    toml::from_str::<Scenario>(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        vec![Diagnostic {
            file: name.to_string(),
            line,
            column,
            message: e.message().to_string(),
            hint: None,
        }]
    })
}

/// Loads the scenarios shipped inside the binary.
pub fn load_embedded() -> Result<ScenarioSet, LoadError> {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for f in EMBEDDED.files() {
        if f.path().extension().is_some_and(|e| e == "toml") {
            let name = format!("scenarios/{}", f.path().display());
            match parse_str(&name, f.contents_utf8().unwrap_or_default()) {
                Ok(s) => out.push(s),
                Err(d) => diags.extend(d),
            }
        }
    }
    if !diags.is_empty() {
        return Err(LoadError::Invalid(diags));
    }
    Ok(ScenarioSet::new(out))
}

/// Loads every `*.toml` file in a directory.
pub fn load_dir(dir: &Path) -> Result<ScenarioSet, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).map_err(|source| LoadError::Io {
                path: p.clone(),
                source,
            })?;
            match parse_str(&p.display().to_string(), &text) {
                Ok(s) => out.push(s),
                Err(d) => diags.extend(d),
            }
        }
    }
    if !diags.is_empty() {
        return Err(LoadError::Invalid(diags));
    }
    if out.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }
    Ok(ScenarioSet::new(out))
}
