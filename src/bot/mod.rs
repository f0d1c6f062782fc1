//! The Discord front end (serenity + poise): the only module that imports them.
//!
//! Handlers stay thin: parse, lock the user's session, call the engine, store the
//! turn, then render with [`view`]. State lives in one [`Data`] built once; no lock
//! of ours is held across an `.await` except the per-user async mutex that
//! serialises one student's messages.
//!
//! [`build_client`] is the one way a client is made: production talks to Discord
//! with serenity's rate limiter on; tests pass the local stand-in's URL, which
//! needs the rate limiter off, and then [`retry`](mod@retry) handles 429s itself.

pub mod commands;
pub mod practice;
pub mod render;
pub mod retry;
pub mod view;

pub use retry::retry;

use crate::engine::Engine;
use crate::store::Store;
use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use serenity::{CreateAllowedMentions, GatewayIntents};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

/// Shared state, built once at start-up and handed to every handler.
pub struct Data {
    pub engine: Arc<Engine>,
    pub store: Store,
    /// Tests fix the seed of new sessions; in production each session gets a random one.
    pub fixed_seed: Option<u64>,
    user_locks: Mutex<HashMap<u64, Arc<tokio::sync::Mutex<()>>>>,
    seen: Mutex<(HashSet<u64>, VecDeque<u64>)>,
}

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Data, Error>;

impl Data {
    pub fn new(engine: Arc<Engine>, store: Store) -> Data {
        Data {
            engine,
            store,
            fixed_seed: None,
            user_locks: Mutex::new(HashMap::new()),
            seen: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// The async mutex that serialises one user's session updates.
    pub fn user_lock(&self, user: u64) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.user_locks.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(user).or_default().clone()
    }

    /// True the first time an event id is seen (a resumed gateway may replay events).
    pub fn first_time(&self, id: u64) -> bool {
        let mut g = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let (set, order) = &mut *g;
        if !set.insert(id) {
            return false;
        }
        order.push_back(id);
        if order.len() > 5000 {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        true
    }
}

/// Every slash command.
pub fn commands() -> Vec<poise::Command<Data, Error>> {
    vec![
        practice::practice(),
        practice::say(),
        commands::scenarios(),
        commands::questions(),
        commands::tips(),
        commands::check(),
        commands::history(),
        commands::scorecard(),
        commands::progress(),
        commands::forget_me(),
        commands::setup(),
    ]
}

/// No message of the bot may ping anyone.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// A short private reply to the user who ran the command.
pub async fn reply_ephemeral(ctx: Context<'_>, text: &str) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    retry(|| ctx.send(reply.clone())).await?;
    Ok(())
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().name, error = ?error, "command failed");
            let reply = poise::CreateReply::default()
                .content("Sorry, something went wrong on our side. Please try again in a moment.")
                .ephemeral(true)
                .allowed_mentions(no_mentions());
            if let Err(e) = retry(|| ctx.send(reply.clone())).await {
                tracing::warn!(error = %e, "could not tell the user about a failed command");
            }
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = ?e, "error while handling an error");
            }
        }
    }
}

async fn event_handler(
    fw: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let ctx = fw.serenity_context;
    let data = fw.user_data;
    match event {
        serenity::FullEvent::Message { new_message } => {
            practice::on_message(ctx, data, new_message).await
        }
        serenity::FullEvent::InteractionCreate { interaction } => match interaction {
            serenity::Interaction::Component(c) => practice::on_component(ctx, data, c).await,
            serenity::Interaction::Modal(m) => commands::on_modal(ctx, data, m).await,
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Options for [`build_client`].
pub struct BotConfig {
    /// Discord's API base for tests (the local stand-in); `None` is discord.com.
    pub api_base: Option<String>,
    /// Whether the bot has the privileged MESSAGE_CONTENT intent.
    pub message_content: bool,
}

/// The HTTP client for Discord (`api_base: None`) or for a stand-in at `api_base`.
///
/// With a base URL, serenity's rate limiter is off (it would ignore the base
/// URL) and the reqwest client ignores proxy environment variables, so no
/// `HTTP_PROXY` on a CI machine can divert loopback traffic. Every message
/// defaults to pinging nobody.
pub fn build_http(token: &str, api_base: Option<&str>) -> anyhow::Result<serenity::Http> {
    let mut http = serenity::HttpBuilder::new(token);
    if let Some(base) = api_base {
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .context("building the HTTP client")?;
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .client(client);
    }
    Ok(http.default_allowed_mentions(no_mentions()).build())
}

/// Builds the serenity client with the poise framework: the one way a client is made.
pub async fn build_client(
    token: &str,
    config: BotConfig,
    data: Data,
) -> anyhow::Result<serenity::Client> {
    let http = build_http(token, config.api_base.as_deref())?;
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands(),
            on_error: |e| Box::pin(on_error(e)),
            event_handler: |fw, ev| Box::pin(event_handler(fw, ev)),
            initialize_owners: false,
            allowed_mentions: Some(no_mentions()),
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                tracing::info!(user = %ready.user.name, "connected to Discord");
                poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                Ok(data)
            })
        })
        .build();
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    let client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .await
        .context("building the Discord client")?;
    Ok(client)
}
