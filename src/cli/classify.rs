//! `coffeechat classify`: JSON lines in, one JSON classification per line out.

use super::ScenarioArgs;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// Use this scenario's public facts to recognise researchable questions.
    #[arg(long)]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
}

pub fn run(_args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("classify is not implemented yet")
}
