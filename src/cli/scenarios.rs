//! `coffeechat scenarios check|list|test|schema`.

use super::ScenarioArgs;
use crate::classify::Classifier;
use crate::engine::{selftest, Engine};
use crate::scenario::{load, ScenarioSet};
use anyhow::bail;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ScenariosArgs {
    #[command(subcommand)]
    pub command: ScenariosCommand,
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum ScenariosCommand {
    /// Validate scenario files (or directories); print every problem as file:line:column.
    Check { paths: Vec<PathBuf> },
    /// List scenarios: id, title, field, professional.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Run the tests written inside scenario files.
    Test { ids: Vec<String> },
    /// Print the JSON Schema of the scenario format.
    Schema,
}

/// The JSON Schema of the scenario format, as published in `scenarios/scenario.schema.json`.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(crate::scenario::Scenario);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// The human-readable list: one row per scenario, columns padded to fit.
fn table(set: &ScenarioSet) -> String {
    let mut rows: Vec<[String; 7]> = vec![[
        "ID".into(),
        "TITLE".into(),
        "FIELD".into(),
        "MEDIUM".into(),
        "MIN".into(),
        "TEMPERAMENT".into(),
        "PROFESSIONAL".into(),
    ]];
    for s in set.iter() {
        let p = &s.professional;
        rows.push([
            s.id.clone(),
            s.title.clone(),
            s.field.clone(),
            s.meeting.medium.as_str().to_string(),
            s.meeting.minutes.to_string(),
            p.temperament.as_str().to_string(),
            format!("{}, {}, {}", p.name, p.role, p.organization),
        ]);
    }
    let mut width = [0usize; 7];
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(width).enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                line.push_str(c);
                line.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn run(args: ScenariosArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ScenariosCommand::Check { paths } => {
            let paths = if paths.is_empty() {
                args.scenarios.scenarios.clone().into_iter().collect()
            } else {
                paths
            };
            let (diags, what) = if paths.is_empty() {
                let d = match load::load_texts(&load::embedded_texts(), &[]) {
                    Ok(_) => Vec::new(),
                    Err(d) => d,
                };
                (d, "the built-in scenarios".to_string())
            } else {
                (
                    load::check_paths(&paths),
                    format!("{} path(s)", paths.len()),
                )
            };
            for d in &diags {
                println!("{d}");
            }
            // Notes (replies without follow-ups) are advice; they never fail the
            // check, and wait until the problems are fixed.
            if diags.is_empty() {
                let files = if paths.is_empty() {
                    load::embedded_texts()
                } else {
                    load::texts_in(&paths)
                };
                let notes = load::notes_for_texts(&files);
                for n in &notes {
                    println!("{n}");
                }
                if !notes.is_empty() {
                    println!(
                        "{} note(s): replies a student may pick up that have no follow-up",
                        notes.len()
                    );
                }
            }
            if diags.is_empty() {
                println!("ok: no problems in {what}");
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{} problem(s) in {what}", diags.len());
                Ok(ExitCode::FAILURE)
            }
        }
        ScenariosCommand::List { json } => {
            let set = super::load_scenarios(&args.scenarios)?;
            if json {
                let rows: Vec<serde_json::Value> = set
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "id": s.id, "title": s.title, "field": s.field, "summary": s.summary,
                            "professional": {"name": s.professional.name, "role": s.professional.role, "organization": s.professional.organization},
                            "medium": s.meeting.medium, "minutes": s.meeting.minutes, "temperament": s.professional.temperament,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print!("{}", table(&set));
            }
            Ok(ExitCode::SUCCESS)
        }
        ScenariosCommand::Test { ids } => {
            let set = super::load_scenarios(&args.scenarios)?;
            for id in &ids {
                if set.get(id).is_none() {
                    bail!(
                        "no scenario `{id}`; choose from: {}",
                        set.ids().collect::<Vec<_>>().join(", ")
                    );
                }
            }
            let engine = Engine::new(set, Classifier::new());
            let (mut pass, mut fail) = (0, 0);
            for sc in engine
                .scenarios()
                .iter()
                .filter(|s| ids.is_empty() || ids.contains(&s.id))
            {
                for o in selftest::run(&engine, sc) {
                    if o.passed() {
                        pass += 1;
                        println!("PASS {} · {}", o.scenario, o.name);
                    } else {
                        fail += 1;
                        println!("FAIL {} · {}", o.scenario, o.name);
                        for f in &o.failures {
                            println!("     {f}");
                        }
                    }
                }
            }
            println!("{pass} passed, {fail} failed");
            Ok(if fail == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ScenariosCommand::Schema => {
            print!("{}", schema_json());
            Ok(ExitCode::SUCCESS)
        }
    }
}
