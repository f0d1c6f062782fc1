//! `coffeechat scenarios check|list|test|schema`.

use super::ScenarioArgs;
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

pub fn run(_args: ScenariosArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("scenarios is not implemented yet")
}
