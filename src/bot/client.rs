//! Making and running the client: the HTTP client (timeouts, loopback-only
//! stand-in, mentions off), the poise framework, start-up registration, the
//! gateway URL for resuming, the gateway watch ([`super::gateway`]), and the
//! stops with a one-line reason.

use super::events::{event_handler, on_error};
use super::gateway::{GatewayWatch, MAX_REIDENTIFIES};
use super::{commands, error, logs, register, retry, Data};
use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use serenity::{CreateAllowedMentions, GatewayIntents};
use std::sync::Arc;
use std::time::Duration;

/// No message of the bot may ping anyone: set once, as the HTTP client's and
/// poise's default for every body (and by [`super::reply`] on the one body
/// serenity 0.12.5 sends without the client's default: an edit of `@original`).
pub(super) fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// Options for [`build_client`].
pub struct BotConfig {
    /// Discord's API base for tests (the local stand-in, loopback only); `None` is discord.com.
    pub api_base: Option<String>,
    /// Whether the bot has the privileged MESSAGE_CONTENT intent.
    pub message_content: bool,
    /// The timeout of one HTTP request ([`retry::REQUEST_TIMEOUT`] by default).
    pub request_timeout: Option<Duration>,
    /// How many times in a row the gateway connection may be restarted to
    /// identify again without READY before the bot stops ([`MAX_REIDENTIFIES`]
    /// by default; see [`super::gateway`]).
    pub max_reidentifies: Option<u32>,
}

impl BotConfig {
    /// Talks to Discord itself.
    pub fn discord(message_content: bool) -> BotConfig {
        BotConfig {
            api_base: None,
            message_content,
            request_timeout: None,
            max_reidentifies: None,
        }
    }
}

/// Accepts a stand-in API base only on a loopback address: the bot token is
/// sent there and serenity's rate limiter is off for it.
pub fn check_api_base(base: &str) -> anyhow::Result<String> {
    let url =
        url::Url::parse(base).with_context(|| "COFFEECHAT_DISCORD_API is not a URL".to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        anyhow::bail!("COFFEECHAT_DISCORD_API must be an http:// or https:// URL");
    }
    if !is_loopback(&url) {
        anyhow::bail!(
            "COFFEECHAT_DISCORD_API must be a loopback address (127.0.0.1, ::1 or localhost) for a local stand-in, not {}: the bot token would be sent there",
            url.host_str().unwrap_or("(no host)")
        );
    }
    Ok(base.trim_end_matches('/').to_string())
}

/// Whether a URL's host is this machine.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The HTTP client for Discord (`api_base: None`) or for a stand-in at `api_base`.
///
/// Every request has a timeout. With a base URL (loopback only), serenity's
/// rate limiter is off (it would ignore the base URL) and the reqwest client
/// ignores proxy environment variables, so no `HTTP_PROXY` on a CI machine can
/// divert loopback traffic. Every message defaults to pinging nobody.
pub fn build_http(
    token: &str,
    api_base: Option<&str>,
    timeout: Duration,
) -> anyhow::Result<serenity::Http> {
    logs::add_secret(token);
    let mut http = serenity::HttpBuilder::new(token);
    let client = reqwest::Client::builder().use_rustls_tls().timeout(timeout);
    if let Some(base) = api_base {
        let base = check_api_base(base)?;
        let client = client
            .no_proxy()
            .build()
            .context("building the HTTP client")?;
        http = http.proxy(base).ratelimiter_disabled(true).client(client);
    } else {
        http = http.client(client.build().context("building the HTTP client")?);
    }
    Ok(http.default_allowed_mentions(no_mentions()).build())
}

/// The gateway URL every shard (re)connects to, shared with serenity.
struct GatewayUrl;

impl serenity::prelude::TypeMapKey for GatewayUrl {
    /// The URL, and whether only loopback URLs may be used (a stand-in).
    type Value = (Arc<tokio::sync::Mutex<String>>, bool);
}

/// Makes later reconnects go to READY's `resume_gateway_url`, as Discord asks.
///
/// serenity 0.12.5 keeps one URL for every connection of a shard and would
/// resume on the one `GET /gateway/bot` gave; it reads that shared URL at
/// each (re)connect, so setting it here makes RESUMEs go where Discord says.
/// The same URL then serves a re-IDENTIFY too (serenity has no separate
/// one). With a stand-in, a non-loopback URL is ignored.
pub(super) async fn use_resume_url(ctx: &serenity::Context, resume: &str) {
    let Some((url, loopback_only)) = ctx.data.read().await.get::<GatewayUrl>().cloned() else {
        return;
    };
    let Ok(parsed) = url::Url::parse(resume) else {
        return;
    };
    if loopback_only && !is_loopback(&parsed) {
        tracing::warn!("ignored a resume_gateway_url that is not on this machine");
        return;
    }
    *url.lock().await = resume.trim_end_matches('/').to_string();
}

/// Where a fatal start-up or gateway error is left for [`fatal_error`].
struct Fatal;

impl serenity::prelude::TypeMapKey for Fatal {
    type Value = String;
}

/// The one-line reason the bot stopped itself, if it did (read after `Client::start` returns).
pub async fn fatal_error(client: &serenity::Client) -> Option<String> {
    client.data.read().await.get::<Fatal>().cloned()
}

/// Records the one-line reason the bot stops (the first one stays).
pub(super) async fn record_fatal(
    data: &tokio::sync::RwLock<serenity::prelude::TypeMap>,
    line: String,
) {
    tracing::error!("{line}");
    let mut map = data.write().await;
    if !map.contains_key::<Fatal>() {
        map.insert::<Fatal>(line);
    }
}

/// Records a fatal error and stops every shard, so `Client::start` returns.
async fn stop_with(ctx: &serenity::Context, shards: &serenity::ShardManager, line: String) {
    record_fatal(&ctx.data, line).await;
    shards.shutdown_all().await;
}

/// Notified when the bot stopped itself without serenity's shutdown (see [`super::gateway`]).
struct Stopped;

impl serenity::prelude::TypeMapKey for Stopped {
    type Value = Arc<tokio::sync::Notify>;
}

/// Runs the client until Ctrl-C or a fatal error; every way it can stop with an
/// error is one line saying what to fix.
pub async fn run(client: &mut serenity::Client) -> anyhow::Result<()> {
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            shards.shutdown_all().await;
        }
    });
    let stopped = client.data.read().await.get::<Stopped>().cloned();
    let started = match stopped {
        Some(stopped) => tokio::select! {
            started = client.start() => started,
            () = stopped.notified() => Ok(()),
        },
        None => client.start().await,
    };
    if let Some(line) = fatal_error(client).await {
        anyhow::bail!("{line}");
    }
    started.map_err(|e| match &e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
            if r.status_code.as_u16() == 401 =>
        {
            anyhow::anyhow!("Discord rejected the token (401 Unauthorized): check DISCORD_TOKEN")
        }
        serenity::Error::Gateway(g) => anyhow::anyhow!(
            "the Discord gateway refused the connection: {g}; {}",
            gateway_hint(g)
        ),
        _ => anyhow::anyhow!("the bot stopped: {}", error::describe(&e)),
    })
}

/// What to fix for a gateway error that stops the bot.
fn gateway_hint(g: &serenity::GatewayError) -> &'static str {
    match g {
        serenity::GatewayError::InvalidAuthentication => "check the bot token in DISCORD_TOKEN",
        serenity::GatewayError::InvalidGatewayIntents
        | serenity::GatewayError::DisallowedGatewayIntents => {
            "enable the Message Content intent in the developer portal (Bot -> Privileged Gateway Intents), or run with --no-message-content"
        }
        serenity::GatewayError::InvalidShardData | serenity::GatewayError::OverloadedShard => {
            "the bot needs more shards than it was started with"
        }
        _ => "check the token and the intents enabled in the developer portal",
    }
}

/// Builds the serenity client with the poise framework: the one way a client is made.
///
/// At READY the commands are registered (only when they changed, retried with
/// backoff); if that fails the bot stops and [`fatal_error`] holds a one-line
/// cause: it never runs on without answering.
pub async fn build_client(
    token: &str,
    config: BotConfig,
    data: Data,
) -> anyhow::Result<serenity::Client> {
    let timeout = config.request_timeout.unwrap_or(retry::REQUEST_TIMEOUT);
    let http = build_http(token, config.api_base.as_deref(), timeout)?;
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
                use_resume_url(ctx, &ready.resume_gateway_url).await;
                let cmds = &framework.options().commands;
                if let Err(cause) =
                    register::ensure(&ctx.http, cmds, register::REGISTER_POLICY).await
                {
                    stop_with(ctx, framework.shard_manager(), cause).await;
                }
                // The data is stored even then, so no event ever waits for it.
                Ok(data)
            })
        })
        .build();
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    let watch = Arc::new(GatewayWatch::new(
        config.max_reidentifies.unwrap_or(MAX_REIDENTIFIES),
    ));
    let mut client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .voice_manager_arc(watch.clone())
        .await
        .context("building the Discord client")?;
    watch.attach(client.data.clone(), client.ws_url.clone());
    // The shard manager keeps its own handle on the watch. The client's is only
    // used by `Client::start` to fetch the bot user for a voice plugin's
    // `initialise`: a REST call the watch does not need, and one that would
    // stop the bot at start-up if it failed.
    client.voice_manager = None;
    {
        let mut map = client.data.write().await;
        map.insert::<GatewayUrl>((client.ws_url.clone(), config.api_base.is_some()));
        map.insert::<Stopped>(watch.stopped.clone());
    }
    if let Some(base) = &config.api_base {
        // serenity falls back to Discord's real gateway when `GET /gateway`
        // fails; with a stand-in nothing may ever go there.
        let ws = client.ws_url.lock().await.clone();
        let local = url::Url::parse(&ws).is_ok_and(|u| is_loopback(&u));
        if !local {
            anyhow::bail!(
                "the Discord stand-in at {base} did not answer GET /gateway with a loopback URL; not connecting anywhere else"
            );
        }
    }
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_stand_ins_are_accepted() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.0.0.5:1/",
            "http://[::1]:9",
            "http://localhost:3000",
        ] {
            assert!(check_api_base(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://discord.com",
            "http://10.0.0.1:80",
            "http://example.org",
            "http://127.0.0.1.nip.io",
            "ftp://127.0.0.1",
            "not a url",
        ] {
            let e = check_api_base(bad).unwrap_err().to_string();
            assert!(e.contains("COFFEECHAT_DISCORD_API"), "{bad}: {e}");
        }
    }
}
