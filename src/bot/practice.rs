//! Practice sessions on Discord: `/practice start|end|status|hint`, `/say`, the
//! messages of a practice thread or DM, and the buttons on the bot's messages.
//!
//! Every turn is committed to the store before the reply is sent, so a crash or
//! restart loses nothing: each handler reloads the session from the store.

use super::view::{self, Card};
use super::{no_mentions, reply_ephemeral, retry, Context, Data, Error};
use crate::engine::{Input, Phase, Session};
use crate::store::{Placement, StoreError, StoredSession};
use poise::serenity_prelude as serenity;
use rand::Rng;
use serenity::{
    ButtonStyle, ChannelId, ChannelType, ComponentInteraction, CreateActionRow, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateThread,
};

pub const PLATFORM: &str = "discord";
const NO_PRACTICE: &str = "You have no practice in progress. Start one with `/practice start`.";

/// Autocomplete over scenario ids and titles (at most 25, each at most 100 characters).
pub async fn scenario_choices(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    serenity::CreateAutocompleteResponse::new()
        .set_choices(scenario_choices_list(ctx, partial).await)
}

async fn scenario_choices_list(
    ctx: Context<'_>,
    partial: &str,
) -> Vec<serenity::AutocompleteChoice> {
    let p = partial.to_lowercase();
    ctx.data()
        .engine
        .scenarios()
        .iter()
        .filter(|s| {
            p.is_empty()
                || s.id.contains(&p)
                || s.title.to_lowercase().contains(&p)
                || s.field.to_lowercase().contains(&p)
        })
        .take(25)
        .map(|s| {
            serenity::AutocompleteChoice::new(
                view::truncate(&format!("{} · {}", s.title, s.field), 100),
                s.id.clone(),
            )
        })
        .collect()
}

/// The buttons under the bot's practice messages.
pub fn buttons(session_id: &str, phase: Phase) -> Vec<CreateActionRow> {
    let mut row = Vec::new();
    if phase == Phase::Conversation {
        row.push(
            CreateButton::new(format!("cc:hint:{session_id}"))
                .label("Hint")
                .style(ButtonStyle::Secondary),
        );
        row.push(
            CreateButton::new(format!("cc:end:{session_id}"))
                .label("End conversation")
                .style(ButtonStyle::Primary),
        );
    }
    if phase != Phase::Done {
        row.push(
            CreateButton::new(format!("cc:card:{session_id}"))
                .label("Scorecard")
                .style(ButtonStyle::Success),
        );
    }
    if row.is_empty() {
        Vec::new()
    } else {
        vec![CreateActionRow::Buttons(row)]
    }
}

/// Sends cards to a channel, split to Discord's limits, mentions disabled.
pub async fn post(
    http: &serenity::Http,
    channel: ChannelId,
    cards: Vec<Card>,
    rows: Vec<CreateActionRow>,
) -> Result<(), Error> {
    let packs = view::pack(cards);
    let n = packs.len();
    for (i, pack) in packs.into_iter().enumerate() {
        let embeds: Vec<_> = pack.iter().map(Card::embed).collect();
        let last = i + 1 == n;
        retry(|| {
            let mut m = CreateMessage::new()
                .embeds(embeds.clone())
                .allowed_mentions(no_mentions());
            if last && !rows.is_empty() {
                m = m.components(rows.clone());
            }
            channel.send_message(http, m)
        })
        .await?;
    }
    Ok(())
}

fn channel_of(s: &StoredSession) -> Option<ChannelId> {
    s.placement
        .thread_id
        .as_deref()
        .or(s.placement.channel_id.as_deref())
        .and_then(|c| c.parse::<u64>().ok())
        .map(ChannelId::new)
}

/// Is this Discord user the owner of the stored session?
async fn owns(data: &Data, user: serenity::UserId, s: &StoredSession) -> Result<bool, Error> {
    Ok(data
        .store
        .find_user(PLATFORM, &user.get().to_string())
        .await?
        .is_some_and(|u| u == s.user_id))
}

/// Applies one student message to a session and stores it; returns what to show.
async fn apply_text(
    data: &Data,
    stored: &mut StoredSession,
    text: &str,
) -> Result<(Vec<Card>, Phase), Error> {
    let engine = &data.engine;
    let s: &mut Session = &mut stored.session;
    let sc = engine.scenario(&s.scenario_id)?.clone();
    if s.phase == Phase::Done {
        return Ok((
            vec![Card::new(
                "",
                "This practice has finished. Start another with `/practice start`.",
                view::COLOUR_INFO,
            )],
            Phase::Done,
        ));
    }
    let out = engine.step(s, Input::parse(text))?;
    let mut cards = view::events(&sc, &out.events);
    if out.abandoned {
        data.store.abandon_session(&stored.id).await?;
    } else if let Some(card) = &out.scorecard {
        data.store.finish_session(&stored.id, s, card).await?;
        cards.extend(view::scorecard(&sc, card));
    } else {
        data.store.record_turns(&stored.id, s).await?;
    }
    Ok((cards, stored.session.phase))
}

/// Messages in a practice thread or DM (needs MESSAGE_CONTENT outside DMs).
pub async fn on_message(
    ctx: &serenity::Context,
    data: &Data,
    msg: &serenity::Message,
) -> Result<(), Error> {
    if msg.author.bot || msg.content.trim().is_empty() || !data.first_time(msg.id.get()) {
        return Ok(());
    }
    let lock = data.user_lock(msg.author.id.get());
    let _guard = lock.lock().await;
    let Some(mut stored) = data
        .store
        .session_in_channel(&msg.channel_id.get().to_string())
        .await?
    else {
        return Ok(());
    };
    if !owns(data, msg.author.id, &stored).await? {
        tracing::info!(channel = %msg.channel_id, "ignored a message from someone who does not own this practice");
        return Ok(());
    }
    let (cards, phase) = apply_text(data, &mut stored, &msg.content).await?;
    post(&ctx.http, msg.channel_id, cards, buttons(&stored.id, phase)).await
}

/// Practise an informational interview with a busy professional.
#[poise::command(
    slash_command,
    subcommands("start", "end", "status", "hint"),
    subcommand_required
)]
pub async fn practice(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a practice conversation (in a private thread, or in your DMs).
#[poise::command(slash_command)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "Who to practise with (leave empty for a random one)"]
    #[autocomplete = "scenario_choices"]
    scenario: Option<String>,
) -> Result<(), Error> {
    retry(|| ctx.defer_ephemeral()).await?;
    let data = ctx.data();
    let author = ctx.author();
    let lock = data.user_lock(author.id.get());
    let _guard = lock.lock().await;
    let user = data
        .store
        .upsert_user(PLATFORM, &author.id.get().to_string(), &author.name)
        .await?;
    if let Some(open) = data.store.open_session_for(&user).await? {
        let sc = data.engine.scenario(&open.session.scenario_id)?;
        let where_ = channel_of(&open).map_or("your DMs".to_string(), |c| format!("<#{c}>"));
        let row = CreateActionRow::Buttons(vec![
            CreateButton::new(format!("cc:resume:{}", open.id))
                .label("Resume it")
                .style(ButtonStyle::Primary),
            CreateButton::new(format!("cc:abandon:{}", open.id))
                .label("End it")
                .style(ButtonStyle::Danger),
        ]);
        let reply = poise::CreateReply::default()
            .content(format!(
                "You already have a practice with {} in progress ({} phase) in {where_}. Resume it, or end it to start a new one.",
                sc.professional.name,
                open.session.phase.as_str()
            ))
            .components(vec![row])
            .ephemeral(true)
            .allowed_mentions(no_mentions());
        retry(|| ctx.send(reply.clone())).await?;
        return Ok(());
    }
    let engine = &data.engine;
    let seed: u64 = data
        .fixed_seed
        .unwrap_or_else(|| rand::thread_rng().gen_range(1..u64::from(u32::MAX)));
    let id = match scenario {
        Some(id) if engine.scenarios().get(&id).is_some() => id,
        Some(id) => {
            let reply = poise::CreateReply::default()
                .content(format!(
                    "There is no scenario `{}`. Try `/scenarios` to see them.",
                    view::escape(&view::truncate(&id, 100))
                ))
                .ephemeral(true)
                .allowed_mentions(no_mentions());
            retry(|| ctx.send(reply.clone())).await?;
            return Ok(());
        }
        None => {
            let ids: Vec<&str> = engine.scenarios().ids().collect();
            ids.get((seed as usize) % ids.len().max(1))
                .map(|s| s.to_string())
                .unwrap_or_default()
        }
    };
    let session = engine.start(&id, seed)?;
    let sc = engine.scenario(&id)?.clone();
    // A private thread in the server when possible, else the student's DMs.
    let mut placement = Placement {
        guild_id: ctx.guild_id().map(|g| g.get().to_string()),
        channel_id: Some(ctx.channel_id().get().to_string()),
        thread_id: None,
    };
    let mut channel = ctx.channel_id();
    let use_threads = match ctx.guild_id() {
        Some(g) => data
            .store
            .get_guild_settings(&g.get().to_string())
            .await?
            .is_none_or(|s| s.use_threads),
        None => false,
    };
    if ctx.guild_id().is_some() && !use_threads {
        let dm = retry(|| author.create_dm_channel(ctx.http())).await?;
        channel = dm.id;
        placement = Placement {
            guild_id: None,
            channel_id: Some(dm.id.get().to_string()),
            thread_id: None,
        };
    } else if ctx.guild_id().is_some() {
        let name = view::truncate(
            &format!("coffee with {} · {}", sc.professional.name, author.name),
            100,
        );
        let made = retry(|| {
            ctx.channel_id().create_thread(
                ctx.http(),
                CreateThread::new(name.clone())
                    .kind(ChannelType::PrivateThread)
                    .invitable(false)
                    .auto_archive_duration(serenity::AutoArchiveDuration::OneDay),
            )
        })
        .await;
        match made {
            Ok(thread) => {
                if let Err(e) = retry(|| thread.id.add_thread_member(ctx.http(), author.id)).await {
                    tracing::warn!(error = %e, "could not add the student to the thread");
                }
                channel = thread.id;
                placement.thread_id = Some(thread.id.get().to_string());
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot create a private thread here; using DMs");
                let dm = retry(|| author.create_dm_channel(ctx.http())).await?;
                channel = dm.id;
                placement = Placement {
                    guild_id: None,
                    channel_id: Some(dm.id.get().to_string()),
                    thread_id: None,
                };
            }
        }
    }
    let session_id = match data.store.create_session(&user, &session, &placement).await {
        Ok(id) => id,
        Err(StoreError::SessionAlreadyOpen { id }) => {
            let reply = poise::CreateReply::default()
                .content(format!(
                    "You already have a practice in progress (session {id})."
                ))
                .ephemeral(true);
            retry(|| ctx.send(reply.clone())).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    post(
        ctx.http(),
        channel,
        vec![view::brief(&sc)],
        buttons(&session_id, Phase::Request),
    )
    .await?;
    let reply = poise::CreateReply::default()
        .content(format!(
            "Your practice with {} is ready in <#{channel}>. Write your request there.",
            sc.professional.name
        ))
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    retry(|| ctx.send(reply.clone())).await?;
    Ok(())
}

/// What `/practice end` and the End button do; returns the cards to show.
async fn end_session(data: &Data, stored: &mut StoredSession) -> Result<Vec<Card>, Error> {
    let engine = &data.engine;
    let sc = engine.scenario(&stored.session.scenario_id)?.clone();
    let s = &mut stored.session;
    if s.phase == Phase::Done {
        return Ok(vec![Card::new(
            "",
            "This practice has already finished.",
            view::COLOUR_INFO,
        )]);
    }
    let out = engine.step(s, Input::End)?;
    if out.abandoned {
        data.store.abandon_session(&stored.id).await?;
        return Ok(vec![Card::new(
            "Practice ended",
            "You ended it before sending a request; nothing was scored.",
            view::COLOUR_INFO,
        )]);
    }
    if let Some(card) = &out.scorecard {
        data.store.finish_session(&stored.id, s, card).await?;
        return Ok(view::scorecard(&sc, card));
    }
    data.store.record_turns(&stored.id, s).await?;
    Ok(view::events(&sc, &out.events))
}

async fn open_for(data: &Data, user: &serenity::User) -> Result<Option<StoredSession>, Error> {
    let Some(u) = data
        .store
        .find_user(PLATFORM, &user.id.get().to_string())
        .await?
    else {
        return Ok(None);
    };
    Ok(data.store.open_session_for(&u).await?)
}

/// End the conversation (then write your thank-you note), or finish and see the scorecard.
#[poise::command(slash_command)]
pub async fn end(ctx: Context<'_>) -> Result<(), Error> {
    retry(|| ctx.defer_ephemeral()).await?;
    let data = ctx.data();
    let lock = data.user_lock(ctx.author().id.get());
    let _guard = lock.lock().await;
    let Some(mut stored) = open_for(data, ctx.author()).await? else {
        return reply_ephemeral(ctx, NO_PRACTICE).await;
    };
    let cards = end_session(data, &mut stored).await?;
    if let Some(ch) = channel_of(&stored) {
        post(
            ctx.http(),
            ch,
            cards,
            buttons(&stored.id, stored.session.phase),
        )
        .await?;
    }
    reply_ephemeral(ctx, "Done: see your practice channel.").await
}

/// Where your practice stands: phase, stance hint and minutes left.
#[poise::command(slash_command)]
pub async fn status(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let Some(stored) = open_for(data, ctx.author()).await? else {
        return reply_ephemeral(ctx, NO_PRACTICE).await;
    };
    let sc = data.engine.scenario(&stored.session.scenario_id)?;
    let card = view::status(sc, &data.engine.status(&stored.session));
    let reply = poise::CreateReply::default()
        .embed(card.embed())
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    retry(|| ctx.send(reply.clone())).await?;
    Ok(())
}

/// A sample question that suits this moment of your practice.
#[poise::command(slash_command)]
pub async fn hint(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let Some(stored) = open_for(data, ctx.author()).await? else {
        return reply_ephemeral(ctx, NO_PRACTICE).await;
    };
    let (text, item) = data.engine.suggestion(&stored.session);
    reply_ephemeral(ctx, &format!("Try: *{text}* (serves `{item}`)")).await
}

/// Say something in your practice (for servers without the message-content permission).
#[poise::command(slash_command)]
pub async fn say(
    ctx: Context<'_>,
    #[description = "Your message to the professional"]
    #[max_length = 4000]
    text: String,
) -> Result<(), Error> {
    retry(|| ctx.defer()).await?;
    let data = ctx.data();
    let lock = data.user_lock(ctx.author().id.get());
    let _guard = lock.lock().await;
    let here = ctx.channel_id().get().to_string();
    let stored = match data.store.session_in_channel(&here).await? {
        Some(s) if owns(data, ctx.author().id, &s).await? => Some(s),
        _ => None,
    };
    let Some(mut stored) = stored else {
        return reply_ephemeral(ctx, "Use `/say` inside your own practice thread or DM.").await;
    };
    let (mut cards, phase) = apply_text(data, &mut stored, &text).await?;
    cards.insert(
        0,
        Card::new(
            "",
            &format!("**You:** {}", view::escape(&text)),
            view::COLOUR_NEUTRAL,
        ),
    );
    let packs = view::pack(cards);
    let n = packs.len();
    for (i, pack) in packs.into_iter().enumerate() {
        let mut reply = poise::CreateReply::default().allowed_mentions(no_mentions());
        for c in &pack {
            reply = reply.embed(c.embed());
        }
        if i + 1 == n {
            reply = reply.components(buttons(&stored.id, phase));
        }
        retry(|| ctx.send(reply.clone())).await?;
    }
    Ok(())
}

async fn respond(
    ctx: &serenity::Context,
    c: &ComponentInteraction,
    msg: CreateInteractionResponseMessage,
) -> Result<(), Error> {
    retry(|| {
        c.create_response(
            &ctx.http,
            CreateInteractionResponse::Message(msg.clone().allowed_mentions(no_mentions())),
        )
    })
    .await?;
    Ok(())
}

/// Buttons: `cc:<action>:<session id>`; only the session's owner may use them.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    c: &ComponentInteraction,
) -> Result<(), Error> {
    let mut parts = c.data.custom_id.splitn(3, ':');
    let (Some("cc"), Some(action), Some(arg)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    if action == "forget" {
        return super::commands::confirm_forget(ctx, data, c, arg).await;
    }
    let lock = data.user_lock(c.user.id.get());
    let _guard = lock.lock().await;
    let Some(mut stored) = data.store.get_session(arg).await? else {
        return respond(
            ctx,
            c,
            CreateInteractionResponseMessage::new()
                .content("That practice no longer exists.")
                .ephemeral(true),
        )
        .await;
    };
    if !owns(data, c.user.id, &stored).await? {
        return respond(
            ctx,
            c,
            CreateInteractionResponseMessage::new()
                .content("Only the student who started this practice can use these buttons.")
                .ephemeral(true),
        )
        .await;
    }
    let sc = data.engine.scenario(&stored.session.scenario_id)?.clone();
    match action {
        "hint" => {
            let (text, item) = data.engine.suggestion(&stored.session);
            respond(
                ctx,
                c,
                CreateInteractionResponseMessage::new()
                    .content(format!("Try: *{text}* (serves `{item}`)"))
                    .ephemeral(true),
            )
            .await
        }
        "end" | "abandon" => {
            let cards = if action == "abandon" && stored.session.phase != Phase::Done {
                data.store.abandon_session(&stored.id).await?;
                vec![Card::new(
                    "Practice ended",
                    "Start a new one with `/practice start`.",
                    view::COLOUR_INFO,
                )]
            } else {
                end_session(data, &mut stored).await?
            };
            let embeds: Vec<_> = view::pack(cards)
                .into_iter()
                .next()
                .unwrap_or_default()
                .iter()
                .map(Card::embed)
                .collect();
            let mut msg = CreateInteractionResponseMessage::new().embeds(embeds);
            if action == "end" {
                msg = msg.components(buttons(&stored.id, stored.session.phase));
            } else {
                msg = msg.ephemeral(true);
            }
            respond(ctx, c, msg).await
        }
        "resume" => {
            let st = data.engine.status(&stored.session);
            let card = view::status(&sc, &st);
            respond(
                ctx,
                c,
                CreateInteractionResponseMessage::new()
                    .embed(card.embed())
                    .components(buttons(&stored.id, stored.session.phase))
                    .ephemeral(true),
            )
            .await
        }
        "card" => {
            let card = match data.store.scorecard_json(&stored.id).await? {
                Some(_) | None if stored.session.phase != Phase::Done => {
                    // Finishing now: a scorecard ends the practice.
                    let out = data.engine.step(&mut stored.session, Input::Finish)?;
                    let card = match out.scorecard {
                        Some(card) => card,
                        None => data.engine.scorecard(&stored.session)?,
                    };
                    data.store
                        .finish_session(&stored.id, &stored.session, &card)
                        .await?;
                    card
                }
                _ => data.engine.scorecard(&stored.session)?,
            };
            let packs = view::pack(view::scorecard(&sc, &card));
            let first: Vec<_> = packs
                .first()
                .map(|p| p.iter().map(Card::embed).collect())
                .unwrap_or_default();
            respond(
                ctx,
                c,
                CreateInteractionResponseMessage::new().embeds(first),
            )
            .await?;
            for p in packs.iter().skip(1) {
                let embeds: Vec<_> = p.iter().map(Card::embed).collect();
                retry(|| {
                    c.create_followup(
                        &ctx.http,
                        serenity::CreateInteractionResponseFollowup::new()
                            .embeds(embeds.clone())
                            .allowed_mentions(no_mentions()),
                    )
                })
                .await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
