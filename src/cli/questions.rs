//! `coffeechat questions [--topic T]`: the question bank.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct QuestionsArgs {
    /// Only this topic (e.g. career_path).
    #[arg(long)]
    pub topic: Option<String>,
}

pub fn run(_args: QuestionsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("questions is not implemented yet")
}
