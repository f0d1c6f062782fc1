//! `coffeechat practice`: an interactive or scripted practice session in the terminal.

use super::ScenarioArgs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct PracticeArgs {
    /// The scenario to practise (default: chosen at random).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Seed for the professional's randomness; the same seed replays a conversation exactly.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replay the student's messages from FILE (blocks separated by lines of `---`).
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Print the result as one JSON object (with --script).
    #[arg(long)]
    pub json: bool,
    /// Database URL (default: an SQLite file in the user's data directory).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
}

pub fn run(_args: PracticeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("practice is not implemented yet")
}
