//! Loading and validating scenario files.
//!
//! Owns: turning TOML text into [`Scenario`]s and reporting every problem as
//! `file:line:column: message (hint: ...)`. The loader refuses a broken set.

pub(crate) use super::diagnostic::line_col;
pub use super::diagnostic::Diagnostic;
use super::validate::{self, Source};
use super::{Scenario, ScenarioSet};
use std::path::{Path, PathBuf};

static EMBEDDED: include_dir::Dir<'_> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/scenarios");

/// Why a scenario set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read scenarios from {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} problem(s) in the scenario files, the first: {}; run `coffeechat scenarios check` to list them all", .0.len(), first(.0))]
    Invalid(Vec<Diagnostic>),
    #[error("no scenario files (*.toml) found in {0}")]
    Empty(PathBuf),
}

fn first(d: &[Diagnostic]) -> String {
    d.first().map(|d| d.to_string()).unwrap_or_default()
}

/// Parses one scenario file's text (structure only). `name` is used in diagnostics.
pub fn parse_str(name: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    toml::from_str::<Scenario>(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        let message = e.message().trim().replace('\n', " ");
        let hint = if message.starts_with("unknown field") {
            "check the spelling; `coffeechat scenarios schema` lists every key"
        } else if message.starts_with("missing field") {
            "add the key; scenarios/README.md lists the keys of each section"
        } else if message.contains("unknown variant") {
            "use one of the values listed"
        } else if message.starts_with("invalid type") {
            "text goes in quotes, numbers without, lists in [ ]"
        } else if message.starts_with("duplicate key") {
            "each key may appear once per section"
        } else {
            "TOML syntax: look for a missing quote, bracket, comma or `=` at this point"
        };
        let hint = Some(hint.to_string());
        vec![Diagnostic {
            file: name.to_string(),
            line,
            column,
            message,
            hint,
        }]
    })
}

/// Parses and validates a set of (file name, text) pairs; all problems at once.
/// `extra` are known scenarios that referrals may point to.
pub fn load_texts(
    files: &[(String, String)],
    extra: &[Scenario],
) -> Result<ScenarioSet, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut parsed: Vec<(usize, Scenario)> = Vec::new();
    for (i, (name, text)) in files.iter().enumerate() {
        match parse_str(name, text) {
            Ok(s) => parsed.push((i, s)),
            Err(d) => diags.extend(d),
        }
    }
    let sources: Vec<Source<'_>> = parsed
        .iter()
        .map(|(i, s)| Source::new(&files[*i].0, &files[*i].1, s))
        .collect();
    diags.extend(validate::check_set(&sources, extra));
    // Files in the order given, each one's problems from top to bottom.
    let order: std::collections::HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.as_str(), i))
        .collect();
    diags.sort_by_key(|d| (order.get(d.file.as_str()).copied(), d.line, d.column));
    if diags.is_empty() {
        Ok(ScenarioSet::new(
            parsed.into_iter().map(|(_, s)| s).collect(),
        ))
    } else {
        Err(diags)
    }
}

/// Notes that do not block loading (replies without follow-ups), for `scenarios check`.
pub fn notes_for_texts(files: &[(String, String)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, text) in files {
        if let Ok(s) = parse_str(name, text) {
            out.extend(validate::notes_one(&Source::new(name, text, &s)));
        }
    }
    out
}

/// The (name, text) of every scenario file under these paths (unreadable ones skipped).
pub fn texts_in(paths: &[PathBuf]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for p in paths {
        let read = if p.is_dir() {
            read_dir_texts(p)
        } else {
            read_file(p).map(|f| vec![f])
        };
        if let Ok(f) = read {
            files.extend(f);
        }
    }
    files
}

/// The scenario files shipped inside the binary, as (name, text).
pub fn embedded_texts() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = EMBEDDED
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .map(|f| {
            (
                format!("scenarios/{}", f.path().display()),
                f.contents_utf8().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Loads the scenarios shipped inside the binary.
pub fn load_embedded() -> Result<ScenarioSet, LoadError> {
    load_texts(&embedded_texts(), &[]).map_err(LoadError::Invalid)
}

fn read_dir_texts(dir: &Path) -> Result<Vec<(String, String)>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.into_iter().map(|p| read_file(&p)).collect()
}

fn read_file(p: &Path) -> Result<(String, String), LoadError> {
    let text = std::fs::read_to_string(p).map_err(|source| LoadError::Io {
        path: p.to_path_buf(),
        source,
    })?;
    Ok((p.display().to_string(), text))
}

/// Loads every `*.toml` file in a directory. Referrals may point at scenarios in
/// the same directory or at the shipped ones, exactly as [`check_paths`] allows,
/// so a folder that `coffeechat scenarios check` passes always loads.
pub fn load_dir(dir: &Path) -> Result<ScenarioSet, LoadError> {
    let files = read_dir_texts(dir)?;
    if files.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }
    load_texts(&files, &shipped()).map_err(LoadError::Invalid)
}

/// The shipped scenarios, as targets for referrals from other files.
fn shipped() -> Vec<Scenario> {
    load_embedded()
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default()
}

/// Checks files and directories (every `*.toml` inside) as one set and returns
/// every problem; an empty list means the set is sound. Referrals may also point
/// at the shipped scenarios. A path that cannot be read is itself a problem.
pub fn check_paths(paths: &[PathBuf]) -> Vec<Diagnostic> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let mut unreadable = |path: &Path, why: String, hint: &str| {
        diags.push(Diagnostic {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            message: why,
            hint: Some(hint.to_string()),
        })
    };
    for p in paths {
        let read = if p.is_dir() {
            read_dir_texts(p)
        } else {
            read_file(p).map(|f| vec![f])
        };
        match read {
            Ok(f) if f.is_empty() => unreadable(
                p,
                "no scenario files (*.toml) in this folder".to_string(),
                "scenario files end in .toml",
            ),
            Ok(f) => files.extend(f),
            Err(LoadError::Io { path, source }) => unreadable(
                &path,
                format!("cannot read: {source}"),
                "check the path and that the file is UTF-8 text",
            ),
            Err(e) => unreadable(p, e.to_string(), "check the path"),
        }
    }
    if let Err(d) = load_texts(&files, &shipped()) {
        diags.extend(d);
    }
    diags
}
