//! Look-ups and account commands: `/scenarios`, `/questions`, `/tips`, `/check`,
//! `/history`, `/scorecard`, `/progress`, `/forget-me`.

use super::practice::scenario_choices;
use super::reply::{self, Reply};
use super::view::{self, Card};
use super::{retry, Action, BotError, Context, Data, Error, PLATFORM};
use crate::advice::{self, Stage};
use crate::feedback::{self, DraftKind};
use crate::questions;
use crate::scenario::Medium;
use crate::topic::Topic;
use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton, CreateInputText,
    CreateInteractionResponse, CreateModal, InputTextStyle, ModalInteraction,
};

/// Cards only the caller sees.
async fn send_cards(ctx: Context<'_>, cards: Vec<Card>) -> Result<(), Error> {
    reply::send(ctx, Reply::cards(cards).private_to_caller()).await
}

/// The scenarios you can practise with, or the details of one.
#[poise::command(slash_command)]
pub async fn scenarios(
    ctx: Context<'_>,
    #[description = "Show the details of one scenario"]
    #[autocomplete = "scenario_choices"]
    scenario: Option<String>,
) -> Result<(), Error> {
    let engine = &ctx.data().engine;
    let wanted = scenario.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(sc) = wanted.and_then(|id| engine.scenarios().get(id)) {
        return send_cards(ctx, vec![view::brief(sc)]).await;
    }
    let description = match wanted {
        Some(id) => format!(
            "There is no scenario called \"{}\". These are the ones you can practise; \
             start one with `/practice start scenario:<id>`.",
            super::render::escape_truncated(id, 100)
        ),
        None => "Start one with `/practice start scenario:<id>`.".to_string(),
    };
    let fields = engine.scenarios().iter().map(|sc| {
        let p = &sc.professional;
        (
            format!("{} · `{}`", sc.title, sc.id),
            format!(
                "{}, {} at {} ({}) · {} · {} min\n{}",
                p.name,
                p.role,
                p.organization,
                sc.field,
                sc.meeting.medium.as_str(),
                sc.meeting.minutes,
                sc.summary
            ),
        )
    });
    let cards = view::paged(
        "Practice scenarios",
        &description,
        view::COLOUR_INFO,
        fields,
    );
    send_cards(ctx, cards).await
}

async fn topic_choices(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    serenity::CreateAutocompleteResponse::new().set_choices(topic_choices_list(_ctx, partial).await)
}

async fn topic_choices_list(_ctx: Context<'_>, partial: &str) -> Vec<serenity::AutocompleteChoice> {
    let p = partial.to_lowercase();
    questions::topics()
        .into_iter()
        .filter(|t| t.as_str().contains(&p) || t.label().to_lowercase().contains(&p))
        .take(25)
        .map(|t| serenity::AutocompleteChoice::new(t.label(), t.as_str()))
        .collect()
}

/// Sample questions from the question bank, grouped by topic, with the advice each serves.
#[poise::command(slash_command)]
pub async fn questions(
    ctx: Context<'_>,
    #[description = "Only this topic"]
    #[autocomplete = "topic_choices"]
    topic: Option<String>,
    #[description = "Tailor to a scenario's field"]
    #[autocomplete = "scenario_choices"]
    scenario: Option<String>,
) -> Result<(), Error> {
    let topics: Vec<Topic> = match topic.as_deref().map(str::parse::<Topic>) {
        Some(Ok(t)) => vec![t],
        Some(Err(_)) => {
            return reply::send(
                ctx,
                Reply::private("Unknown topic: pick one from the list."),
            )
            .await
        }
        None => questions::topics(),
    };
    let field = scenario
        .as_deref()
        .and_then(|id| ctx.data().engine.scenarios().get(id))
        .map(|s| s.field.clone());
    let mut card = Card::new(
        "Questions worth asking",
        &match &field {
            Some(f) => format!("For a conversation about {f}. Put them in your own words."),
            None => "Put them in your own words.".to_string(),
        },
        view::COLOUR_INFO,
    );
    for t in topics {
        let qs = questions::for_topic(t);
        if qs.is_empty() {
            card = card.field(
                t.label(),
                "This is a topic to avoid in an informational interview.",
            );
            continue;
        }
        let lines: Vec<String> = qs
            .iter()
            .map(|q| format!("• {} `{}`", q.text, q.item))
            .collect();
        card = card.field(t.label(), &lines.join("\n"));
    }
    send_cards(ctx, vec![card]).await
}

/// The guide's advice for one stage, with its sources.
#[poise::command(slash_command)]
pub async fn tips(
    ctx: Context<'_>,
    #[description = "Which stage"]
    #[choices("before", "request", "conversation", "after")]
    stage: Option<&'static str>,
) -> Result<(), Error> {
    let stages: Vec<Stage> = match stage.and_then(Stage::parse) {
        Some(st) => vec![st],
        None => vec![
            Stage::Before,
            Stage::Request,
            Stage::Conversation,
            Stage::After,
        ],
    };
    let mut cards = Vec::new();
    for st in stages {
        let fields = advice::for_stage(st).map(|a| {
            (
                format!("{} · `{}`", a.title, a.id),
                format!("{} ({})", a.text, advice::sources_label(a)),
            )
        });
        cards.extend(view::paged(st.label(), "", view::COLOUR_INFO, fields));
    }
    send_cards(ctx, cards).await
}

/// Instant feedback against the guide, without starting a session.
#[poise::command(
    slash_command,
    subcommands("check_question", "check_request"),
    subcommand_required
)]
pub async fn check(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Check one question you plan to ask.
#[poise::command(slash_command, rename = "question")]
pub async fn check_question(
    ctx: Context<'_>,
    #[description = "The question"]
    #[max_length = 1000]
    text: String,
) -> Result<(), Error> {
    let f = feedback::question(ctx.data().engine.classifier(), &text);
    let mut c = Card::new(
        &format!("{} · {}", f.topic.label(), f.verdict),
        &format!(
            "> {}\n{}",
            view::escape(&view::truncate(&text, 1000)),
            f.summary
        ),
        match f.verdict {
            crate::topic::Verdict::Good => view::COLOUR_ALLY,
            crate::topic::Verdict::Neutral => view::COLOUR_NEUTRAL,
            crate::topic::Verdict::Bad => view::COLOUR_ASSESSOR,
        },
    );
    for (id, text) in &f.advice {
        c = c.field(&format!("`{id}`"), text);
    }
    if let Some(q) = f.try_instead {
        c = c.field("Try next", &format!("{} `{}`", q.text, q.item));
    }
    send_cards(ctx, vec![c]).await
}

/// Check a draft request or thank-you note (opens a form).
#[poise::command(slash_command, rename = "request")]
pub async fn check_request(ctx: Context<'_>) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    let input = CreateInputText::new(
        InputTextStyle::Paragraph,
        "Your draft request or thank-you note",
        "draft",
    )
    .max_length(4000)
    .required(true);
    let modal = CreateModal::new(Action::Draft.custom_id(), "Check a draft")
        .components(vec![CreateActionRow::InputText(input)]);
    retry(|| {
        app.interaction
            .create_response(ctx.http(), CreateInteractionResponse::Modal(modal.clone()))
    })
    .await?;
    Ok(())
}

/// The modal of `/check request`.
pub async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    m: &ModalInteraction,
) -> Result<(), BotError> {
    if Action::parse(&m.data.custom_id) != Some(Action::Draft) {
        return Err(BotError::PracticeGone);
    }
    let text: String = m
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            serenity::ActionRowComponent::InputText(t) if t.custom_id == "draft" => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default();
    let kind = feedback::guess_kind(&text);
    let medium = if text.to_lowercase().starts_with("subject:") {
        Medium::Email
    } else {
        Medium::Coffee
    };
    let f = feedback::draft(data.engine.classifier(), kind, &text, medium);
    let title = match kind {
        DraftKind::Request => format!("Your request: {}/100", f.score),
        DraftKind::Note => format!("Your thank-you note: {}/100", f.score),
    };
    let mut c = Card::new(
        &title,
        "Each line names the advice item it applies.",
        view::COLOUR_INFO,
    );
    for ch in &f.checks {
        let title = advice::get(&ch.item).map_or(ch.item.as_str(), |a| a.title);
        c = c.field(
            &format!("{}/{} · {} · `{}`", ch.points, ch.max, title, ch.item),
            &ch.note,
        );
    }
    let r = Reply::cards(vec![c]).private_to_caller();
    reply::respond(&ctx.http, m.id, &m.token, r).await
}

/// Your past practice sessions with score and date.
#[poise::command(slash_command)]
pub async fn history(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let rows = match data.student(ctx.author().id).await?.user {
        Some(u) => data.store.history(&u, 20).await?,
        None => Vec::new(),
    };
    let mut c = Card::new(
        "Your practice history",
        if rows.is_empty() {
            "No sessions yet: try `/practice start`."
        } else {
            ""
        },
        view::COLOUR_INFO,
    );
    for r in &rows {
        let title = data
            .engine
            .scenarios()
            .get(&r.scenario_id)
            .map_or(r.scenario_id.as_str(), |s| s.title.as_str());
        let score = r
            .score_total
            .map_or("no score".to_string(), |t| format!("{t}/100"));
        c = c.field(
            &format!("{title} · {score}"),
            &format!(
                "<t:{}:f> · {} · session `{}`",
                r.started_at / 1000,
                r.phase,
                r.id
            ),
        );
    }
    send_cards(ctx, vec![c]).await
}

async fn session_choices(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    serenity::CreateAutocompleteResponse::new()
        .set_choices(session_choices_list(ctx, partial).await)
}

async fn session_choices_list(
    ctx: Context<'_>,
    partial: &str,
) -> Vec<serenity::AutocompleteChoice> {
    let data = ctx.data();
    let Ok(Some(u)) = data
        .store
        .find_user(PLATFORM, &ctx.author().id.get().to_string())
        .await
    else {
        return Vec::new();
    };
    let rows = data.store.history(&u, 25).await.unwrap_or_default();
    rows.into_iter()
        .filter(|r| r.id.contains(partial) || r.scenario_id.contains(partial))
        .take(25)
        .map(|r| {
            let score = r
                .score_total
                .map_or("unscored".to_string(), |t| format!("{t}/100"));
            serenity::AutocompleteChoice::new(
                view::truncate(&format!("{} · {score}", r.scenario_id), 100),
                r.id,
            )
        })
        .collect()
}

/// The scorecard of one of your sessions (the latest by default).
#[poise::command(slash_command)]
pub async fn scorecard(
    ctx: Context<'_>,
    #[description = "Which session"]
    #[autocomplete = "session_choices"]
    session: Option<String>,
) -> Result<(), Error> {
    let data = ctx.data();
    let Some(user) = data.student(ctx.author().id).await?.user else {
        return reply::send(
            ctx,
            Reply::private("No sessions yet: try `/practice start`."),
        )
        .await;
    };
    let id = match session {
        Some(id) => id,
        None => match data.store.history(&user, 1).await?.into_iter().next() {
            Some(r) => r.id,
            None => {
                return send_cards(
                    ctx,
                    vec![Card::new(
                        "",
                        "No sessions yet: try `/practice start`.",
                        view::COLOUR_INFO,
                    )],
                )
                .await
            }
        },
    };
    let stored = data.store.get_session(&id).await?;
    let Some(stored) = stored.filter(|s| s.user_id == user) else {
        return send_cards(
            ctx,
            vec![Card::new(
                "",
                "You can only see your own scorecards.",
                view::COLOUR_INFO,
            )],
        )
        .await;
    };
    let sc = data.engine.scenario(&stored.session.scenario_id)?;
    let card = data.engine.scorecard(&stored.session)?;
    send_cards(ctx, view::scorecard(sc, &card)).await
}

/// A chart of your scores over time.
#[poise::command(slash_command)]
pub async fn progress(ctx: Context<'_>) -> Result<(), Error> {
    reply::defer(ctx, true).await?;
    let data = ctx.data();
    let scores: Vec<u32> = match data.student(ctx.author().id).await?.user {
        Some(u) => data
            .store
            .scores_over_time(&u)
            .await?
            .into_iter()
            .map(|x| x.1)
            .collect(),
        None => Vec::new(),
    };
    let png = match crate::chart::progress_png(&scores) {
        Ok(p) => p,
        Err(e) => return reply::send(ctx, Reply::private(e.to_string())).await,
    };
    let first = scores.first().copied().unwrap_or(0);
    let last = scores.last().copied().unwrap_or(0);
    let card = Card::new(
        "Your progress",
        &format!(
            "{} finished sessions · first {first}/100 · latest {last}/100",
            scores.len()
        ),
        view::COLOUR_INFO,
    );
    let r = Reply::cards(vec![card])
        .image(png, "progress.png")
        .private_to_caller();
    reply::send(ctx, r).await
}

/// Delete everything coffeechat stores about you (asks for confirmation).
#[poise::command(slash_command, rename = "forget-me")]
pub async fn forget_me(ctx: Context<'_>) -> Result<(), Error> {
    let row = CreateActionRow::Buttons(vec![CreateButton::new(
        Action::Forget(ctx.author().id.get()).custom_id(),
    )
    .label("Yes, delete my data")
    .style(ButtonStyle::Danger)]);
    let text = "This deletes all your practice sessions, messages and scores, and the practice \
                threads I opened for you. It cannot be undone.";
    reply::send(ctx, Reply::private(text).rows(vec![row])).await
}

/// The confirmation button of `/forget-me`: only the user it was shown to may press it.
///
/// The store is emptied under the user's lock; then, outside it, the bot
/// deletes the practice threads it opened (where it still may) and says what
/// it could not delete.
pub async fn confirm_forget(
    ctx: &serenity::Context,
    data: &Data,
    c: &ComponentInteraction,
    user: u64,
) -> Result<(), BotError> {
    if c.user.id.get() != user {
        let r = Reply::private("This button is not for you.");
        return reply::respond(&ctx.http, c.id, &c.token, r).await;
    }
    let msg = serenity::CreateInteractionResponseMessage::new().ephemeral(true);
    reply::callback(
        &ctx.http,
        c.id,
        &c.token,
        CreateInteractionResponse::Defer(msg),
    )
    .await?;
    let (gone, threads) = {
        let lock = data.user_lock(user);
        let _guard = lock.lock().await;
        let threads = practice_threads(data, user).await?;
        let gone = data.store.forget_user(PLATFORM, &user.to_string()).await?;
        (gone, threads)
    };
    let mut kept = 0;
    for t in &threads {
        if !super::practice::remove_thread(&ctx.http, *t).await {
            kept += 1;
        }
    }
    let mut text = format!(
        "Done: deleted {} session(s), {} message(s) and {} score line(s), and {} practice thread(s).",
        gone.sessions,
        gone.turns,
        gone.scores,
        threads.len() - kept
    );
    if kept > 0 {
        text.push_str(&format!(
            " I could not delete {kept} thread(s) (no permission, or already gone); a server manager can remove them."
        ));
    }
    text.push_str(
        " Messages in your DMs with me stay in Discord; you can close that conversation.",
    );
    reply::after_defer(
        &ctx.http,
        &c.token,
        c.channel_id,
        true,
        Reply::private(text),
    )
    .await
}

/// The threads the bot opened for the user's practices.
async fn practice_threads(data: &Data, user: u64) -> Result<Vec<serenity::ChannelId>, BotError> {
    let Some(u) = data.student(serenity::UserId::new(user)).await?.user else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for row in data.store.history(&u, 1000).await? {
        if let Some(s) = data.store.get_session(&row.id).await? {
            if let Some(t) = s.placement.thread_id.and_then(|t| t.parse::<u64>().ok()) {
                out.push(serenity::ChannelId::new(t));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Whether the member who ran the command may manage the server. Discord's
/// command permissions can be overridden per role and channel, so the bot
/// checks the member's own permissions in the interaction itself.
fn is_manager(ctx: Context<'_>) -> bool {
    let poise::Context::Application(app) = ctx else {
        return false;
    };
    app.interaction
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_guild() || p.administrator())
}

/// Choose where practice happens in this server: private threads or students' DMs.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn setup(
    ctx: Context<'_>,
    #[description = "Practise in private threads here (true) or in students' DMs (false)"]
    use_threads: bool,
) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return Err(BotError::ServerOnly);
    };
    if !is_manager(ctx) {
        return Err(BotError::ManagersOnly);
    }
    let settings = crate::store::GuildSettings {
        guild_id: guild.get().to_string(),
        practice_channel_id: None,
        use_threads,
    };
    ctx.data().store.set_guild_settings(&settings).await?;
    let text = if use_threads {
        "Practice sessions in this server will open in private threads."
    } else {
        "Practice sessions started in this server will move to the student's DMs."
    };
    reply::send(ctx, Reply::private(text)).await
}
