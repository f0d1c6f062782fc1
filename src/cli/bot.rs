//! `coffeechat bot`: runs the Discord bot. Only `crate::bot` touches serenity;
//! this file reads the options, opens the store and hands over.

use super::ScenarioArgs;
use crate::bot::{self, BotConfig, Data};
use crate::classify::Classifier;
use crate::engine::Engine;
use crate::store::Store;
use anyhow::{bail, Context};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct BotArgs {
    /// The bot token (from the environment or `.env`; never pass it on the command line).
    #[arg(skip)]
    pub token: Option<String>,
    /// Database URL (default: an SQLite file in the user's data directory).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Run without the privileged MESSAGE_CONTENT intent: DMs and `/say` still work.
    #[arg(long)]
    pub no_message_content: bool,
    /// Discord API base URL, for a local stand-in in tests (default: discord.com).
    #[arg(long, hide = true, env = "COFFEECHAT_DISCORD_API")]
    pub api_base: Option<String>,
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
}

pub fn run(args: BotArgs) -> anyhow::Result<ExitCode> {
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var("DISCORD_TOKEN").ok())
        .unwrap_or_default();
    if token.trim().is_empty() {
        bail!("DISCORD_TOKEN is not set: create an application and bot in the Discord developer portal, then `export DISCORD_TOKEN=...` (or put it in .env); see the README");
    }
    if let Some(base) = &args.api_base {
        bot::check_api_base(base)?;
    }
    let set = super::load_scenarios(&args.scenarios)?;
    let engine = Arc::new(Engine::new(set, Classifier::new()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = rt.block_on(async move {
        let url = args
            .database_url
            .clone()
            .unwrap_or_else(Store::default_sqlite_url);
        let store = Store::connect(&url).await?;
        tracing::info!(backend = store.backend().as_str(), "store ready");
        let config = BotConfig {
            api_base: args.api_base.clone(),
            message_content: !args.no_message_content,
            request_timeout: None,
            max_reidentifies: None,
        };
        let mut client = bot::build_client(&token, config, Data::new(engine, store)).await?;
        bot::run(&mut client).await?;
        Ok::<_, anyhow::Error>(())
    });
    // A bot that stopped itself may leave a gateway shard of serenity's running
    // (see `bot::gateway`): exit without waiting for it.
    rt.shutdown_background();
    result?;
    Ok(ExitCode::SUCCESS)
}
