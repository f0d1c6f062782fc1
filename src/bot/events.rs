//! The one place every failure is answered: poise's errors ([`on_error`],
//! every kind), and the events poise hands on (messages, buttons, forms),
//! whose handlers return a [`BotError`] answered here.

use super::reply::{self, Reply};
use super::{commands, error, practice, BotError, Data, Error};
use poise::serenity_prelude as serenity;

/// The answer to any poise error: every kind gets a reply to the user (never
/// internal text); internal errors are logged with the incident id they show.
pub(super) async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    use poise::FrameworkError as F;
    let answer = match &error {
        F::Command { error, ctx, .. } => Some((*ctx, error.report(&ctx.command().name))),
        F::ArgumentParse { ctx, .. } => Some((*ctx, BotError::BadArgument.report("argument"))),
        F::CommandStructureMismatch {
            ctx, description, ..
        } => {
            tracing::warn!(description, "a command's registered shape does not match");
            Some((
                poise::Context::Application(*ctx),
                BotError::BadArgument.report("command structure"),
            ))
        }
        F::SubcommandRequired { ctx, .. } => Some((
            *ctx,
            "Pick one of this command's subcommands from the list.".to_string(),
        )),
        F::CommandPanic { ctx, .. } => {
            let e = BotError::Other(anyhow::anyhow!("the command panicked"));
            Some((*ctx, e.report(&ctx.command().name)))
        }
        F::CooldownHit {
            ctx,
            remaining_cooldown,
            ..
        } => Some((
            *ctx,
            format!(
                "Please wait {} seconds before using this again.",
                remaining_cooldown.as_secs().max(1)
            ),
        )),
        F::MissingBotPermissions { ctx, .. } => {
            Some((*ctx, BotError::MissingPermission.report("permissions")))
        }
        F::MissingUserPermissions { ctx, .. } | F::NotAnOwner { ctx, .. } => {
            Some((*ctx, BotError::ManagersOnly.report("permissions")))
        }
        F::PermissionFetchFailed { ctx, .. } => {
            Some((*ctx, BotError::TryAgainShortly.report("permissions")))
        }
        F::GuildOnly { ctx, .. } => Some((*ctx, BotError::ServerOnly.report("guild only"))),
        F::DmOnly { ctx, .. } | F::NsfwOnly { ctx, .. } => Some((
            *ctx,
            "This command can't be used in this channel.".to_string(),
        )),
        F::CommandCheckFailed { ctx, error, .. } => Some((
            *ctx,
            match error {
                Some(e) => e.report("check"),
                None => BotError::ManagersOnly.report("check"),
            },
        )),
        F::Setup { error, .. } => {
            tracing::error!(error = %error, "start-up failed");
            None
        }
        F::EventHandler { error, .. } => {
            // Event handlers answer their own errors; this is only a log line.
            let _ = error.report("event handler");
            None
        }
        F::UnknownInteraction {
            interaction,
            framework,
            ..
        } => {
            let http = &framework.serenity_context.http;
            let r = Reply::private(
                "That command is no longer available. Discord may take a few minutes to show the current ones.",
            );
            if let Err(e) = reply::respond(http, interaction.id, &interaction.token, r).await {
                tracing::warn!(error = %e, "could not answer an unknown command");
            }
            None
        }
        _ => None,
    };
    if let Some((ctx, text)) = answer {
        let deferred = match ctx {
            poise::Context::Application(app) => app
                .has_sent_initial_response
                .load(std::sync::atomic::Ordering::SeqCst)
                .then_some(&app.interaction.token),
            poise::Context::Prefix(_) => None,
        };
        let sent = match deferred {
            Some(token) => reply::privately_after_defer(ctx.http(), token, text).await,
            None => reply::send(ctx, Reply::private(text)).await,
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "could not tell the user about a failed command");
        }
    }
}

pub(super) async fn event_handler(
    fw: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let ctx = fw.serenity_context;
    let data = fw.user_data;
    match event {
        serenity::FullEvent::Ready { data_about_bot } => {
            super::client::use_resume_url(ctx, &data_about_bot.resume_gateway_url).await;
            // Replies an earlier run stored but did not post (a crash, a failure).
            super::outbox::sweep(&ctx.http, data).await;
        }
        serenity::FullEvent::Message { new_message } => {
            if let Err(e) = practice::on_message(ctx, data, new_message).await {
                let text = e.report("message");
                let r = Reply::private(text);
                if let Err(e2) = reply::post(&ctx.http, new_message.channel_id, r).await {
                    tracing::warn!(error = %e2, "could not tell the student about a failed message");
                }
            }
        }
        serenity::FullEvent::InteractionCreate { interaction } => {
            let (id, token, result) = match interaction {
                serenity::Interaction::Component(c) => {
                    // The account's buttons belong to `commands`, the rest to `practice`.
                    let result = match super::Action::parse(&c.data.custom_id) {
                        Some(super::Action::Forget(user)) => {
                            commands::confirm_forget(ctx, data, c, user).await
                        }
                        _ => practice::on_component(ctx, data, c).await,
                    };
                    (c.id, &c.token, result)
                }
                serenity::Interaction::Modal(m) => {
                    (m.id, &m.token, commands::on_modal(ctx, data, m).await)
                }
                _ => return Ok(()),
            };
            if let Err(e) = result {
                answer_interaction_error(&ctx.http, id, token, &e).await;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Tells the user of a button or form what went wrong: as the interaction's
/// response, or, when it was already acknowledged, as a private follow-up.
async fn answer_interaction_error(
    http: &serenity::Http,
    id: serenity::InteractionId,
    token: &str,
    e: &BotError,
) {
    let text = e.report("interaction");
    let first = reply::respond(http, id, token, Reply::private(text.clone())).await;
    let already = matches!(&first, Err(BotError::Discord(d))
        if error::discord_code(d) == Some(error::codes::ALREADY_ACKNOWLEDGED));
    let out = if already {
        reply::privately_after_defer(http, token, text).await
    } else {
        first
    };
    if let Err(e) = out {
        tracing::warn!(error = %e, "could not tell the user about a failed interaction");
    }
}
