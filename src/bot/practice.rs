//! Practice sessions on Discord: `/practice start|end|status|hint`, `/say`, the
//! messages of a practice thread or DM, and the buttons on the bot's messages.
//!
//! Every turn is committed to the store, with its reply queued in the
//! [`outbox`], before the reply is sent, so a crash or restart
//! loses nothing: each handler reloads the session from the store, and a reply
//! not posted is posted later. The user's lock is held only around that load,
//! the engine and the store; every Discord request (defer, thread, post)
//! happens outside it, so a stalled request never holds up a button press or
//! another student.

use super::outbox::{self, OnFailure};
use super::reply::{self, Reply};
use super::view::{self, Card};
use super::{retry, Action, BotError, Context, Data, Error, PLATFORM};
use crate::engine::{Input, Phase, Session};
use crate::store::{PendingReply, Placement, StoreError, StoredSession};
use poise::serenity_prelude as serenity;
use rand::Rng;
use serenity::{
    ButtonStyle, ChannelId, ChannelType, ComponentInteraction, CreateActionRow, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateThread,
};

/// Told once per channel when a message arrives without its text (the bot runs
/// without the MESSAGE_CONTENT intent).
pub const SAY_HINT: &str =
    "I can't read messages in this channel (the bot runs without the message-content \
permission). Write to the professional with `/say text:...` instead.";

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
    let id = session_id.to_string();
    let mut row = Vec::new();
    if phase == Phase::Conversation {
        row.push(
            CreateButton::new(Action::Hint(id.clone()).custom_id())
                .label("Hint")
                .style(ButtonStyle::Secondary),
        );
        row.push(
            CreateButton::new(Action::End(id.clone()).custom_id())
                .label("End conversation")
                .style(ButtonStyle::Primary),
        );
    }
    if phase != Phase::Done {
        row.push(
            CreateButton::new(Action::Card(id).custom_id())
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

/// What a step of a practice shows.
enum Said {
    /// The step was stored, its reply queued with it: post it from the outbox.
    Queued(PendingReply),
    /// Nothing was stored (the practice had finished): show this as it is.
    Shown(Reply),
}

impl Said {
    /// Posts the reply in the practice's channel (a message, `/practice end`).
    async fn post(
        self,
        http: &serenity::Http,
        data: &Data,
        channel: ChannelId,
    ) -> Result<(), BotError> {
        match self {
            Said::Queued(row) => {
                outbox::deliver(http, data, &row.session_id, OnFailure::OfferResend)
                    .await
                    .map(|_| ())
            }
            Said::Shown(r) => reply::post(http, channel, r).await,
        }
    }

    /// Answers a button deferred publicly with the reply.
    async fn answer(
        self,
        http: &serenity::Http,
        data: &Data,
        c: &ComponentInteraction,
    ) -> Result<(), BotError> {
        match self {
            Said::Queued(row) => outbox::answer(http, data, &c.token, row).await,
            Said::Shown(r) => reply::after_defer(http, &c.token, c.channel_id, false, r).await,
        }
    }
}

/// Where a practice is held: its thread, else its channel (a DM).
pub(crate) fn channel_of(s: &StoredSession) -> Option<ChannelId> {
    s.placement
        .thread_id
        .as_deref()
        .or(s.placement.channel_id.as_deref())
        .and_then(|c| c.parse::<u64>().ok())
        .map(ChannelId::new)
}

/// Where a practice's replies go: its own channel, else where the student acted.
fn reply_channel(s: &StoredSession, fallback: ChannelId) -> ChannelId {
    channel_of(s).unwrap_or(fallback)
}

/// Stores a step's outcome with its reply (`cards`, buttons for the phase the
/// session is now in) queued in `channel`, in one transaction.
async fn store_step(
    data: &Data,
    stored: &StoredSession,
    out: &crate::engine::Outcome,
    cards: Vec<Card>,
    channel: ChannelId,
) -> Result<Said, BotError> {
    let s = &stored.session;
    let queued = outbox::queue(channel, cards, s.phase)?;
    let row = if out.abandoned {
        data.store
            .abandon_session_with_reply(&stored.id, &queued)
            .await?
            .ok_or(BotError::Finished)?
    } else if let Some(card) = &out.scorecard {
        data.store
            .finish_session_with_reply(&stored.id, s, card, &queued)
            .await?
    } else {
        data.store
            .record_turns_with_reply(&stored.id, s, &queued)
            .await?
    };
    Ok(Said::Queued(row))
}

/// Applies one student message to a session and stores it with its reply
/// (after `echo`, the student's words shown back, for `/say`).
async fn apply_text(
    data: &Data,
    stored: &mut StoredSession,
    text: &str,
    channel: ChannelId,
    echo: Option<Card>,
) -> Result<Said, BotError> {
    let engine = &data.engine;
    let s: &mut Session = &mut stored.session;
    let sc = engine.scenario(&s.scenario_id)?.clone();
    let mut cards: Vec<Card> = echo.into_iter().collect();
    if s.phase == Phase::Done {
        cards.push(Card::new(
            "",
            "This practice has finished. Start another with `/practice start`.",
            view::COLOUR_INFO,
        ));
        return Ok(Said::Shown(Reply::cards(cards)));
    }
    let out = engine.step(s, Input::parse(text))?;
    cards.extend(view::events(&sc, &out.events));
    if let Some(card) = &out.scorecard {
        cards.extend(view::scorecard(&sc, card));
    }
    store_step(data, stored, &out, cards, channel).await
}

/// Messages in a practice thread or DM (needs MESSAGE_CONTENT outside DMs).
pub async fn on_message(
    ctx: &serenity::Context,
    data: &Data,
    msg: &serenity::Message,
) -> Result<(), BotError> {
    if msg.author.bot || !data.first_time(msg.id.get()) {
        return Ok(());
    }
    let Some(stored) = data.practice_in(msg.channel_id).await? else {
        return Ok(());
    };
    let student = data.student(msg.author.id).await?;
    if !student.owns(&stored) {
        tracing::info!(channel = %msg.channel_id, "ignored a message from someone who does not own this practice");
        return Ok(());
    }
    if msg.content.trim().is_empty() {
        // Without MESSAGE_CONTENT a server message arrives with no text at all.
        let no_content = msg.attachments.is_empty() && msg.sticker_items.is_empty();
        if no_content && data.first_hint(msg.channel_id.get()) {
            reply::post(&ctx.http, msg.channel_id, Reply::private(SAY_HINT)).await?;
        }
        return Ok(());
    }
    let said = {
        let lock = data.user_lock(msg.author.id.get());
        let _guard = lock.lock().await;
        // Reloaded under the lock: an earlier message may have moved it on.
        let Some(mut stored) = data.practice_in(msg.channel_id).await? else {
            return Ok(());
        };
        apply_text(data, &mut stored, &msg.content, msg.channel_id, None).await?
    };
    said.post(&ctx.http, data, msg.channel_id).await
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

/// Where a new practice lives: a private thread with the student in it, or their DMs.
struct Place {
    channel: ChannelId,
    placement: Placement,
    /// A thread the bot made for this practice (deleted again if the practice cannot start).
    thread: Option<ChannelId>,
}

/// Opens the practice's channel: a private thread where the server allows it
/// and the bot may, else the student's DMs. Network only; no lock held.
async fn open_place(ctx: Context<'_>, name: &str) -> Result<Place, BotError> {
    let data = ctx.data();
    let author = ctx.author();
    let use_threads = match ctx.guild_id() {
        Some(g) => data
            .store
            .get_guild_settings(&g.get().to_string())
            .await?
            .is_none_or(|s| s.use_threads),
        None => false,
    };
    let dms = || async {
        let dm = retry(|| author.create_dm_channel(ctx.http())).await?;
        Ok::<_, BotError>(Place {
            channel: dm.id,
            placement: Placement {
                guild_id: None,
                channel_id: Some(dm.id.get().to_string()),
                thread_id: None,
            },
            thread: None,
        })
    };
    if ctx.guild_id().is_none() {
        return Ok(Place {
            channel: ctx.channel_id(),
            placement: Placement {
                guild_id: None,
                channel_id: Some(ctx.channel_id().get().to_string()),
                thread_id: None,
            },
            thread: None,
        });
    }
    if !use_threads {
        return dms().await;
    }
    let made = retry(|| {
        ctx.channel_id().create_thread(
            ctx.http(),
            CreateThread::new(name.to_string())
                .kind(ChannelType::PrivateThread)
                .invitable(false)
                .auto_archive_duration(serenity::AutoArchiveDuration::OneDay),
        )
    })
    .await;
    let thread = match made {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %super::error::describe(&e), "cannot create a private thread here; using DMs");
            return dms().await;
        }
    };
    if let Err(e) = retry(|| thread.id.add_thread_member(ctx.http(), author.id)).await {
        // A thread the student is not in is one they cannot see: not a place to practise.
        tracing::warn!(error = %super::error::describe(&e), "could not add the student to the thread; using DMs");
        remove_thread(ctx.http(), thread.id).await;
        return dms().await;
    }
    Ok(Place {
        channel: thread.id,
        placement: Placement {
            guild_id: ctx.guild_id().map(|g| g.get().to_string()),
            channel_id: Some(ctx.channel_id().get().to_string()),
            thread_id: Some(thread.id.get().to_string()),
        },
        thread: Some(thread.id),
    })
}

/// Deletes a thread the bot made, logging (not failing) if it cannot.
pub async fn remove_thread(http: &serenity::Http, thread: ChannelId) -> bool {
    match retry(|| thread.delete(http)).await {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %super::error::describe(&e), "could not delete a practice thread");
            false
        }
    }
}

/// Start a practice conversation (in a private thread, or in your DMs).
#[poise::command(slash_command)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "Who to practise with (leave empty for a random one)"]
    #[autocomplete = "scenario_choices"]
    scenario: Option<String>,
) -> Result<(), Error> {
    reply::defer(ctx, true).await?;
    let data = ctx.data();
    let author = ctx.author();
    let user = data
        .store
        .upsert_user(PLATFORM, &author.id.get().to_string(), &author.name)
        .await?;
    if let Some(open) = data.store.open_session_for(&user).await? {
        return already_open(ctx, &open).await;
    }
    let engine = &data.engine;
    let seed: u64 = data
        .fixed_seed
        .unwrap_or_else(|| rand::thread_rng().gen_range(1..u64::from(u32::MAX)));
    let id = match scenario {
        Some(id) if engine.scenarios().get(&id).is_some() => id,
        Some(id) => return Err(BotError::UnknownScenario(id)),
        None => {
            let ids: Vec<&str> = engine.scenarios().ids().collect();
            ids.get((seed as usize) % ids.len().max(1))
                .map(|s| s.to_string())
                .unwrap_or_default()
        }
    };
    let session = engine.start(&id, seed)?;
    let sc = engine.scenario(&id)?.clone();
    let name = view::truncate(
        &format!("coffee with {} · {}", sc.professional.name, author.name),
        100,
    );
    let place = open_place(ctx, &name).await?;
    let created = {
        let lock = data.user_lock(author.id.get());
        let _guard = lock.lock().await;
        data.store
            .create_session(&user, &session, &place.placement)
            .await
    };
    let session_id = match created {
        Ok(id) => id,
        Err(e) => {
            if let Some(t) = place.thread {
                remove_thread(ctx.http(), t).await;
            }
            if let StoreError::SessionAlreadyOpen { .. } = e {
                if let Some(open) = data.store.open_session_for(&user).await? {
                    return already_open(ctx, &open).await;
                }
            }
            return Err(e.into());
        }
    };
    let brief = Reply::cards(vec![view::brief(&sc)]).rows(buttons(&session_id, Phase::Request));
    if let Err(e) = reply::post(ctx.http(), place.channel, brief).await {
        // The student could not be reached there (DMs closed, no permission):
        // leave no open practice behind that they cannot see.
        data.store.abandon_session(&session_id).await?;
        if let Some(t) = place.thread {
            remove_thread(ctx.http(), t).await;
        }
        return Err(e);
    }
    reply::send(
        ctx,
        Reply::private(format!(
            "Your practice with {} is ready in <#{}>. Write your request there.",
            sc.professional.name, place.channel
        )),
    )
    .await
}

/// The answer to `/practice start` while another practice is open.
async fn already_open(ctx: Context<'_>, open: &StoredSession) -> Result<(), Error> {
    let sc = ctx.data().engine.scenario(&open.session.scenario_id)?;
    let where_ = channel_of(open).map_or("your DMs".to_string(), |c| format!("<#{c}>"));
    let row = CreateActionRow::Buttons(vec![
        CreateButton::new(Action::Resume(open.id.clone()).custom_id())
            .label("Resume it")
            .style(ButtonStyle::Primary),
        CreateButton::new(Action::Abandon(open.id.clone()).custom_id())
            .label("End it")
            .style(ButtonStyle::Danger),
    ]);
    let text = format!(
        "You already have a practice with {} in progress ({} phase) in {where_}. Resume it, or end it to start a new one.",
        sc.professional.name,
        open.session.phase.as_str()
    );
    reply::send(ctx, Reply::private(text).rows(vec![row])).await
}

/// What `/practice end` and the End button do: the step stored with its reply
/// queued in `channel`.
async fn end_session(
    data: &Data,
    stored: &mut StoredSession,
    channel: ChannelId,
) -> Result<Said, BotError> {
    let engine = &data.engine;
    let sc = engine.scenario(&stored.session.scenario_id)?.clone();
    let s = &mut stored.session;
    if s.phase == Phase::Done {
        let card = Card::new("", "This practice has already finished.", view::COLOUR_INFO);
        return Ok(Said::Shown(Reply::cards(vec![card])));
    }
    let out = engine.step(s, Input::End)?;
    let cards = if out.abandoned {
        vec![Card::new(
            "Practice ended",
            "You ended it before sending a request; nothing was scored.",
            view::COLOUR_INFO,
        )]
    } else if let Some(card) = &out.scorecard {
        view::scorecard(&sc, card)
    } else {
        view::events(&sc, &out.events)
    };
    store_step(data, stored, &out, cards, channel).await
}

/// End the conversation (then write your thank-you note), or finish and see the scorecard.
#[poise::command(slash_command)]
pub async fn end(ctx: Context<'_>) -> Result<(), Error> {
    reply::defer(ctx, true).await?;
    let data = ctx.data();
    let student = data.student(ctx.author().id).await?;
    let (said, channel) = {
        let lock = data.user_lock(ctx.author().id.get());
        let _guard = lock.lock().await;
        let mut stored = data.open_practice(&student).await?;
        let channel = reply_channel(&stored, ctx.channel_id());
        (end_session(data, &mut stored, channel).await?, channel)
    };
    said.post(ctx.http(), data, channel).await?;
    reply::send(ctx, Reply::private("Done: see your practice channel.")).await
}

/// Where your practice stands: phase, stance hint and minutes left.
#[poise::command(slash_command)]
pub async fn status(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let student = data.student(ctx.author().id).await?;
    let stored = data.open_practice(&student).await?;
    let sc = data.engine.scenario(&stored.session.scenario_id)?;
    let card = view::status(sc, &data.engine.status(&stored.session));
    reply::send(ctx, Reply::cards(vec![card]).private_to_caller()).await
}

/// A sample question that suits this moment of your practice.
#[poise::command(slash_command)]
pub async fn hint(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let student = data.student(ctx.author().id).await?;
    let stored = data.open_practice(&student).await?;
    reply::send(ctx, Reply::private(hint_text(data, &stored.session))).await
}

fn hint_text(data: &Data, s: &Session) -> String {
    let (text, item) = data.engine.suggestion(s);
    format!("Try: *{text}* (serves `{item}`)")
}

/// Say something in your practice (for servers without the message-content permission).
#[poise::command(slash_command)]
pub async fn say(
    ctx: Context<'_>,
    #[description = "Your message to the professional"]
    #[max_length = 4000]
    text: String,
) -> Result<(), Error> {
    let data = ctx.data();
    let student = data.student(ctx.author().id).await?;
    // Refused before any defer, so the refusal is private (a public defer
    // would make the first follow-up public whatever its flags).
    match data.practice_in(ctx.channel_id()).await? {
        Some(s) if student.owns(&s) => {}
        _ => return Err(BotError::SayOutsidePractice),
    }
    // Public: the conversation shows in the student's own thread or DM.
    reply::defer(ctx, false).await?;
    let echo = Card::new(
        "",
        &format!("**You:** {}", view::escape(&text)),
        view::COLOUR_NEUTRAL,
    );
    let said = {
        let lock = data.user_lock(ctx.author().id.get());
        let _guard = lock.lock().await;
        let Some(mut stored) = data.practice_in(ctx.channel_id()).await? else {
            return Err(BotError::NoPractice);
        };
        apply_text(data, &mut stored, &text, ctx.channel_id(), Some(echo)).await?
    };
    match (said, ctx) {
        (Said::Queued(row), poise::Context::Application(app)) => {
            outbox::answer(ctx.http(), data, &app.interaction.token, row).await
        }
        (Said::Queued(row), _) => {
            outbox::deliver(ctx.http(), data, &row.session_id, OnFailure::OfferResend)
                .await
                .map(|_| ())
        }
        (Said::Shown(r), _) => reply::send(ctx, r).await,
    }
}

/// Acknowledges a button at once (a "thinking" message, private or not), so
/// the work after it never misses the 3-second window.
async fn defer_component(
    http: &serenity::Http,
    c: &ComponentInteraction,
    private: bool,
) -> Result<(), BotError> {
    let msg = CreateInteractionResponseMessage::new().ephemeral(private);
    reply::callback(http, c.id, &c.token, CreateInteractionResponse::Defer(msg)).await
}

/// Buttons: parsed into an [`Action`]; only the session's owner may use them.
/// Refusals come before any defer, so they are private.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    c: &ComponentInteraction,
) -> Result<(), BotError> {
    let Some(action) = Action::parse(&c.data.custom_id) else {
        return Err(BotError::PracticeGone);
    };
    let Some(sid) = action.session() else {
        return Err(BotError::PracticeGone);
    };
    let student = data.student(c.user.id).await?;
    let stored = data.practice_by_id(&student, sid).await?;
    let press = Press {
        http: &ctx.http,
        data,
        c,
        student,
        stored,
    };
    match action {
        Action::Hint(_) => press.hint().await,
        Action::Resume(_) => press.resume().await,
        Action::Resend(_) => press.resend().await,
        Action::Abandon(_) => press.abandon().await,
        Action::End(_) => press.end().await,
        Action::Card(_) => press.card().await,
        Action::Forget(_) | Action::Draft => Err(BotError::PracticeGone),
    }
}

/// A practice button pressed by the practice's owner.
struct Press<'a> {
    http: &'a serenity::Http,
    data: &'a Data,
    c: &'a ComponentInteraction,
    student: super::Student,
    /// The practice as it was when the button was pressed (reloaded under the
    /// lock before any change).
    stored: StoredSession,
}

impl Press<'_> {
    async fn hint(&self) -> Result<(), BotError> {
        let r = Reply::private(hint_text(self.data, &self.stored.session));
        reply::respond(self.http, self.c.id, &self.c.token, r).await
    }

    async fn resume(&self) -> Result<(), BotError> {
        let sc = self
            .data
            .engine
            .scenario(&self.stored.session.scenario_id)?;
        let card = view::status(sc, &self.data.engine.status(&self.stored.session));
        let r = Reply::cards(vec![card])
            .rows(buttons(&self.stored.id, self.stored.session.phase))
            .private_to_caller();
        reply::respond(self.http, self.c.id, &self.c.token, r).await
    }

    /// Posts the replies waiting for this practice (in its channel, with their
    /// nonces), then turns the notice the button sits on into a plain line.
    async fn resend(&self) -> Result<(), BotError> {
        // Acknowledged without a message of its own: `@original` is the notice.
        let ack = CreateInteractionResponse::Acknowledge;
        reply::callback(self.http, self.c.id, &self.c.token, ack).await?;
        let posted =
            outbox::deliver(self.http, self.data, &self.stored.id, OnFailure::Report).await?;
        let text = if posted > 0 {
            outbox::RESENT
        } else {
            outbox::NOTHING_WAITING
        };
        reply::settle_original(self.http, &self.c.token, text).await
    }

    /// The practice reloaded, for a change made under the user's lock.
    async fn reload(&self) -> Result<StoredSession, BotError> {
        self.data
            .practice_by_id(&self.student, &self.stored.id)
            .await
    }

    async fn abandon(&self) -> Result<(), BotError> {
        defer_component(self.http, self.c, true).await?;
        {
            let lock = self.data.user_lock(self.c.user.id.get());
            let _guard = lock.lock().await;
            let stored = self.reload().await?;
            if stored.session.phase != Phase::Done {
                self.data.store.abandon_session(&stored.id).await?;
            }
        }
        let r = Reply::cards(vec![Card::new(
            "Practice ended",
            "Start a new one with `/practice start`.",
            view::COLOUR_INFO,
        )]);
        reply::after_defer(self.http, &self.c.token, self.c.channel_id, true, r).await
    }

    async fn end(&self) -> Result<(), BotError> {
        defer_component(self.http, self.c, false).await?;
        let said = {
            let lock = self.data.user_lock(self.c.user.id.get());
            let _guard = lock.lock().await;
            let mut stored = self.reload().await?;
            let channel = reply_channel(&stored, self.c.channel_id);
            end_session(self.data, &mut stored, channel).await?
        };
        said.answer(self.http, self.data, self.c).await
    }

    async fn card(&self) -> Result<(), BotError> {
        defer_component(self.http, self.c, false).await?;
        let data = self.data;
        let said = {
            let lock = data.user_lock(self.c.user.id.get());
            let _guard = lock.lock().await;
            let mut stored = self.reload().await?;
            let sc = data.engine.scenario(&stored.session.scenario_id)?.clone();
            if stored.session.phase != Phase::Done {
                // Finishing now: a scorecard ends the practice.
                let out = data.engine.step(&mut stored.session, Input::Finish)?;
                let card = match out.scorecard {
                    Some(card) => card,
                    None => data.engine.scorecard(&stored.session)?,
                };
                let channel = reply_channel(&stored, self.c.channel_id);
                let queued = outbox::queue(channel, view::scorecard(&sc, &card), Phase::Done)?;
                let row = data
                    .store
                    .finish_session_with_reply(&stored.id, &stored.session, &card, &queued)
                    .await?;
                Said::Queued(row)
            } else {
                let card = data.engine.scorecard(&stored.session)?;
                Said::Shown(Reply::cards(view::scorecard(&sc, &card)))
            }
        };
        said.answer(self.http, data, self.c).await
    }
}
