//! The command line: one file per subcommand; this file only parses and dispatches.
//!
//! Edge code: errors are `anyhow` with context, printed as one line.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub mod bot;
pub mod classify;
pub mod practice;
pub mod questions;
pub mod scenarios;

#[derive(Debug, Parser)]
#[command(
    name = "coffeechat",
    version,
    about = "Practise informational interviews with a busy professional"
)]
pub struct Cli {
    /// Show log lines (-v info, -vv debug); without it a practice session prints none.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// The log filter: the bot logs its operation; the terminal commands stay
/// quiet unless asked (`-v`), so nothing interrupts a practice session.
fn log_filter(command: &Command, verbose: u8) -> String {
    match (verbose, command) {
        (0, Command::Bot(_)) => "warn,coffeechat=info,serenity=warn".to_string(),
        (0, _) => "off".to_string(),
        (1, _) => "warn,coffeechat=info".to_string(),
        _ => "info,coffeechat=debug".to_string(),
    }
}

/// Options shared by every command that reads scenarios.
#[derive(Debug, Clone, clap::Args, Default)]
pub struct ScenarioArgs {
    /// Read scenarios from this directory instead of the ones built into the binary.
    #[arg(long, value_name = "DIR", global = true)]
    pub scenarios: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Practise a conversation in the terminal (no Discord needed).
    Practice(practice::PracticeArgs),
    /// Classify JSON lines `{"text": ...}` from stdin into topics and verdicts.
    Classify(classify::ClassifyArgs),
    /// Check, list, test or describe scenario files.
    Scenarios(scenarios::ScenariosArgs),
    /// Print sample questions from the question bank, grouped by topic.
    Questions(questions::QuestionsArgs),
    /// Run the Discord bot (needs DISCORD_TOKEN).
    Bot(bot::BotArgs),
}

pub fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;
    let cli = Cli::parse();
    let filter = log_filter(&cli.command, cli.verbose);
    // RUST_LOG applies to the bot, or when logs were asked for with -v.
    let from_env = (cli.verbose > 0 || matches!(cli.command, Command::Bot(_)))
        .then(|| tracing_subscriber::EnvFilter::try_from_default_env().ok())
        .flatten();
    let env = from_env.unwrap_or_else(|| tracing_subscriber::EnvFilter::new(filter));
    // Every line passes the bot's redaction (tokens, message text): see `bot::logs`.
    let out = tracing_subscriber::fmt::layer()
        .with_writer(crate::bot::logs::Redacting(std::io::stderr))
        .with_filter(env)
        .with_filter(crate::bot::logs::caps());
    tracing_subscriber::registry().with(out).init();
    let result = match cli.command {
        Command::Practice(a) => practice::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Scenarios(a) => scenarios::run(a),
        Command::Questions(a) => questions::run(a),
        Command::Bot(a) => bot::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Loads the scenario set named by `--scenarios`, or the built-in one.
pub fn load_scenarios(args: &ScenarioArgs) -> anyhow::Result<crate::scenario::ScenarioSet> {
    use anyhow::Context;
    match &args.scenarios {
        Some(dir) => crate::scenario::load::load_dir(dir)
            .with_context(|| format!("loading scenarios from {}", dir.display())),
        None => crate::scenario::load::load_embedded().context("loading the built-in scenarios"),
    }
}
