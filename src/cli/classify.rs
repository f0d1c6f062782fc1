//! `coffeechat classify`: JSON lines in, one JSON classification per line out.

use super::ScenarioArgs;
use crate::classify::Classifier;
use anyhow::bail;
use std::io::{BufRead, Write};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// Use this scenario's public facts to recognise researchable questions.
    #[arg(long)]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
}

pub fn run(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let set = match &args.scenario {
        Some(_) => Some(super::load_scenarios(&args.scenarios)?),
        None => None,
    };
    let facts = match (&args.scenario, &set) {
        (Some(id), Some(set)) => match set.get(id) {
            Some(sc) => Some(sc.organization.clone()),
            None => {
                let ids: Vec<&str> = set.ids().collect();
                bail!("no scenario `{id}`; choose one of: {}", ids.join(", "));
            }
        },
        _ => None,
    };
    let classifier = Classifier::new();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let value = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(v) => match v.get("text").and_then(|t| t.as_str()) {
                Some(text) => {
                    let c = classifier.classify(text, facts.as_ref());
                    serde_json::json!({
                        "topic": c.topic,
                        "verdict": c.verdict,
                        "confidence": (c.confidence * 1000.0).round() / 1000.0,
                        "items": c.items,
                        "secondary": c.secondary,
                        "acts": c.acts.iter().map(|a| serde_json::json!({
                            "topic": a.topic,
                            "verdict": a.verdict,
                            "confidence": (a.confidence * 1000.0).round() / 1000.0,
                            "text": a.text,
                        })).collect::<Vec<_>>(),
                        "penalised": c.penalised,
                    })
                }
                None => {
                    serde_json::json!({"error": format!("line {}: no string field `text`", n + 1)})
                }
            },
            Err(e) => serde_json::json!({"error": format!("line {}: not JSON ({e})", n + 1)}),
        };
        writeln!(out, "{value}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
