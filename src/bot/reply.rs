//! Every reply the bot sends is built here: [`Reply`] holds what to say (text,
//! cards, buttons, an image, whether it is private) and is turned into
//! Discord's message bodies in one place, split to Discord's limits
//! ([`view::pack`]), and sent through [`retry`].
//!
//! Every send is safe to repeat after a 5xx or a timeout that came *after*
//! Discord acted, wherever Discord allows it: an interaction's one callback
//! ([`callback`]: a retry's 40060 is the first attempt's success), the answer
//! after a defer (an edit of `@original`, not a follow-up: [`after_defer`]),
//! channel messages (a nonce with `enforce_nonce`: [`post`], [`post_part`]).
//! What is left are follow-ups that cannot be anything else (private parts
//! after the first, a private answer after a public defer, parts after the first
//! of a callback): Discord takes no nonce on them.
//!
//! Mentions are set here only where serenity does not apply the HTTP client's
//! default ([`super::build_http`]): an edit of `@original`
//! (`EditInteractionResponse` in serenity 0.12.5 skips it). Every other body
//! gets the client's default, and poise's options, which disable every ping.

use super::error::BotError;
use super::retry;
use super::view::{self, Card};
use super::Context;
use poise::serenity_prelude as serenity;
use serenity::builder::Builder as _;
use serenity::{
    ChannelId, CreateActionRow, CreateAttachment, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
    EditInteractionResponse, Http, InteractionId,
};
use std::sync::atomic::Ordering;

/// What to say, before it is split into messages.
#[derive(Clone, Default)]
pub struct Reply {
    content: Option<String>,
    cards: Vec<Card>,
    rows: Vec<CreateActionRow>,
    ephemeral: bool,
    image: Option<(Vec<u8>, String)>,
}

/// One message's worth of a [`Reply`].
#[derive(Clone, Debug, Default)]
pub struct Part {
    content: Option<String>,
    embeds: Vec<CreateEmbed>,
    rows: Vec<CreateActionRow>,
    ephemeral: bool,
    attachment: Option<CreateAttachment>,
}

impl Reply {
    /// A private line of text for the user who acted.
    pub fn private(text: impl Into<String>) -> Reply {
        Reply {
            content: Some(text.into()),
            ephemeral: true,
            ..Reply::default()
        }
    }

    /// Cards, public unless [`Self::private_to_caller`] is called.
    pub fn cards(cards: Vec<Card>) -> Reply {
        Reply {
            cards,
            ..Reply::default()
        }
    }

    /// Seen only by the user who acted (interaction replies only).
    pub fn private_to_caller(mut self) -> Reply {
        self.ephemeral = true;
        self
    }

    /// Buttons under the last message.
    pub fn rows(mut self, rows: Vec<CreateActionRow>) -> Reply {
        self.rows = rows;
        self
    }

    /// A PNG shown as the first card's image.
    pub fn image(mut self, png: Vec<u8>, name: &str) -> Reply {
        self.image = Some((png, name.to_string()));
        self
    }

    pub fn is_private(&self) -> bool {
        self.ephemeral
    }

    /// The same reply, private or not.
    pub fn private_if(mut self, private: bool) -> Reply {
        self.ephemeral = private;
        self
    }

    /// The messages this reply takes: cards packed to Discord's limits, the
    /// text and image on the first, the buttons on the last.
    pub fn parts(&self) -> Vec<Part> {
        let packs = view::pack(self.cards.clone());
        let n = packs.len().max(1);
        let mut parts: Vec<Part> = (0..n)
            .map(|i| Part {
                embeds: packs
                    .get(i)
                    .map(|p| p.iter().map(Card::embed).collect())
                    .unwrap_or_default(),
                ephemeral: self.ephemeral,
                ..Part::default()
            })
            .collect();
        if let Some(first) = parts.first_mut() {
            first.content.clone_from(&self.content);
            if let Some((png, name)) = &self.image {
                if let Some(e) = first.embeds.first_mut() {
                    *e = e.clone().image(format!("attachment://{name}"));
                }
                first.attachment = Some(CreateAttachment::bytes(png.clone(), name.clone()));
            }
        }
        if let Some(last) = parts.last_mut() {
            last.rows.clone_from(&self.rows);
        }
        parts
    }
}

impl Part {
    fn poise(&self) -> poise::CreateReply {
        let mut r = poise::CreateReply::default().ephemeral(self.ephemeral);
        if let Some(c) = &self.content {
            r = r.content(c.clone());
        }
        for e in &self.embeds {
            r = r.embed(e.clone());
        }
        if !self.rows.is_empty() {
            r = r.components(self.rows.clone());
        }
        if let Some(a) = &self.attachment {
            r = r.attachment(a.clone());
        }
        r
    }

    fn response(&self) -> CreateInteractionResponseMessage {
        let mut r = CreateInteractionResponseMessage::new()
            .ephemeral(self.ephemeral)
            .embeds(self.embeds.clone());
        if let Some(c) = &self.content {
            r = r.content(c.clone());
        }
        if !self.rows.is_empty() {
            r = r.components(self.rows.clone());
        }
        if let Some(a) = &self.attachment {
            r = r.add_file(a.clone());
        }
        r
    }

    fn followup(&self) -> CreateInteractionResponseFollowup {
        let mut r = CreateInteractionResponseFollowup::new()
            .ephemeral(self.ephemeral)
            .embeds(self.embeds.clone());
        if let Some(c) = &self.content {
            r = r.content(c.clone());
        }
        if !self.rows.is_empty() {
            r = r.components(self.rows.clone());
        }
        if let Some(a) = &self.attachment {
            r = r.add_file(a.clone());
        }
        r
    }

    /// The body of an edit of `@original` (its privacy is the one chosen at the defer).
    fn edit(&self) -> EditInteractionResponse {
        let mut r = EditInteractionResponse::new()
            .embeds(self.embeds.clone())
            .allowed_mentions(super::client::no_mentions());
        if let Some(c) = &self.content {
            r = r.content(c.clone());
        }
        if !self.rows.is_empty() {
            r = r.components(self.rows.clone());
        }
        if let Some(a) = &self.attachment {
            r = r.new_attachment(a.clone());
        }
        r
    }

    fn message(&self, nonce: u64) -> CreateMessage {
        let mut m = CreateMessage::new()
            .embeds(self.embeds.clone())
            .nonce(serenity::Nonce::String(nonce.to_string()))
            .enforce_nonce(true);
        if let Some(c) = &self.content {
            m = m.content(c.clone());
        }
        if !self.rows.is_empty() {
            m = m.components(self.rows.clone());
        }
        if let Some(a) = &self.attachment {
            m = m.add_file(a.clone());
        }
        m
    }
}

/// What a slash command's `@original` message is, kept in poise's invocation data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Original {
    /// Deferred: a "thinking" message, private or not, that the answer replaces.
    Thinking { private: bool },
    /// Already an answer: later replies are follow-ups.
    Answered,
}

/// Acknowledges a slash command at once (a "thinking" message, private or not),
/// so the work after it never misses the 3-second window. Through
/// [`callback`], so a retry after Discord acted is not an error.
pub async fn defer(ctx: Context<'_>, private: bool) -> Result<(), BotError> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    if app.has_sent_initial_response.load(Ordering::SeqCst) {
        return Ok(());
    }
    let msg = CreateInteractionResponseMessage::new().ephemeral(private);
    let r = CreateInteractionResponse::Defer(msg);
    callback(ctx.http(), app.interaction.id, &app.interaction.token, r).await?;
    app.has_sent_initial_response.store(true, Ordering::SeqCst);
    ctx.set_invocation_data(Original::Thinking { private })
        .await;
    Ok(())
}

/// Answers a slash command: the interaction's response when nothing was sent
/// yet ([`respond`]), the answer that replaces the "thinking" message after
/// [`defer`] ([`after_defer`], in the command's channel), else follow-ups.
pub async fn send(ctx: Context<'_>, reply: Reply) -> Result<(), BotError> {
    let poise::Context::Application(app) = ctx else {
        for part in reply.parts() {
            retry(|| ctx.send(part.poise())).await?;
        }
        return Ok(());
    };
    let (http, token) = (ctx.http(), app.interaction.token.as_str());
    if !app.has_sent_initial_response.load(Ordering::SeqCst) {
        let mut parts = reply.parts().into_iter();
        if let Some(first) = parts.next() {
            let r = CreateInteractionResponse::Message(first.response());
            callback(http, app.interaction.id, token, r).await?;
        }
        app.has_sent_initial_response.store(true, Ordering::SeqCst);
        ctx.set_invocation_data(Original::Answered).await;
        for part in parts {
            retry(|| part.followup().execute(http, (None, token))).await?;
        }
        return Ok(());
    }
    let original = ctx.invocation_data::<Original>().await.map(|o| *o);
    match original {
        Some(Original::Thinking { private }) => {
            after_defer(http, token, ctx.channel_id(), private, reply).await?;
            ctx.set_invocation_data(Original::Answered).await;
            Ok(())
        }
        _ => follow_up(http, token, reply).await,
    }
}

/// Answers a component or modal interaction that has not been acknowledged.
pub async fn respond(
    http: &Http,
    id: InteractionId,
    token: &str,
    reply: Reply,
) -> Result<(), BotError> {
    let mut parts = reply.parts().into_iter();
    if let Some(first) = parts.next() {
        let r = CreateInteractionResponse::Message(first.response());
        callback(http, id, token, r).await?;
    }
    for part in parts {
        retry(|| part.followup().execute(http, (None, token))).await?;
    }
    Ok(())
}

/// Sends an interaction's one callback. A retry after a 5xx or a timeout that
/// Discord had in fact acted on gets 40060 (already acknowledged): that is
/// the first attempt's success, not a failure.
pub async fn callback(
    http: &Http,
    id: InteractionId,
    token: &str,
    r: CreateInteractionResponse,
) -> Result<(), BotError> {
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let out = retry(|| {
        attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        r.clone().execute(http, (id, token))
    })
    .await;
    match out {
        Err(e)
            if attempts.load(std::sync::atomic::Ordering::SeqCst) > 1
                && super::error::discord_code(&e)
                    == Some(super::error::codes::ALREADY_ACKNOWLEDGED) =>
        {
            Ok(())
        }
        other => Ok(other?),
    }
}

/// Follows up an interaction that was answered already (each part a new
/// message; Discord takes no nonce on follow-ups, so a retry after a 5xx that
/// came after Discord acted can show a part twice: prefer [`after_defer`]).
pub async fn follow_up(http: &Http, token: &str, reply: Reply) -> Result<(), BotError> {
    for part in reply.parts() {
        retry(|| part.followup().execute(http, (None, token))).await?;
    }
    Ok(())
}

/// Answers an interaction that was deferred (`defer_private`: the privacy
/// chosen then), as safely as Discord allows repeating it:
///
/// - the first part *edits* the "thinking" message (`PATCH @original`, the
///   same message however often it is sent; it is also what Discord does with
///   the first follow-up after a defer), keeping the defer's privacy;
/// - after a public defer, the other parts are channel messages with a nonce
///   ([`post_part`]) in `channel` (public answers after a defer are practice
///   replies, in a practice thread or DM where the bot posts anyway); after a
///   private defer, private follow-ups (no nonce possible);
/// - a *private* reply after a *public* defer cannot edit the thinking message
///   (everyone would see it): that message is deleted and the reply goes as
///   private follow-ups.
pub async fn after_defer(
    http: &Http,
    token: &str,
    channel: ChannelId,
    defer_private: bool,
    reply: Reply,
) -> Result<(), BotError> {
    if reply.is_private() && !defer_private {
        remove_original(http, token).await?;
        return follow_up(http, token, reply).await;
    }
    let mut parts = reply.parts().into_iter();
    if let Some(first) = parts.next() {
        edit_original(http, token, &first).await?;
    }
    for part in parts {
        if defer_private {
            retry(|| part.followup().execute(http, (None, token))).await?;
        } else {
            post_part(http, channel, &part, nonce()).await?;
        }
    }
    Ok(())
}

/// Replaces an interaction's `@original` message with `part` (idempotent).
pub async fn edit_original(http: &Http, token: &str, part: &Part) -> Result<(), BotError> {
    retry(|| part.edit().execute(http, token)).await?;
    Ok(())
}

/// Replaces an interaction's `@original` message with `text` and no buttons
/// (e.g. a notice whose button did its work).
pub async fn settle_original(http: &Http, token: &str, text: &str) -> Result<(), BotError> {
    let edit = EditInteractionResponse::new()
        .content(text)
        .components(Vec::new())
        .allowed_mentions(super::client::no_mentions());
    retry(|| edit.clone().execute(http, token)).await?;
    Ok(())
}

/// Whether an interaction's `@original` is still a "thinking" message, and
/// whether it is private; `None` if it cannot be read.
pub async fn original_state(http: &Http, token: &str) -> Option<(bool, bool)> {
    const LOADING: u64 = 1 << 7;
    const EPHEMERAL: u64 = 1 << 6;
    let original = retry(|| http.get_original_interaction_response(token))
        .await
        .ok()?;
    let flags = original.flags.map_or(0, |f| f.bits());
    Some((flags & LOADING != 0, flags & EPHEMERAL != 0))
}

/// Deletes an interaction's `@original` message. A retry that finds it gone
/// (10008: the first attempt had worked) is a success.
pub async fn remove_original(http: &Http, token: &str) -> Result<(), BotError> {
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let out = retry(|| {
        attempts.fetch_add(1, Ordering::SeqCst);
        http.delete_original_interaction_response(token)
    })
    .await;
    match out {
        Err(e)
            if attempts.load(Ordering::SeqCst) > 1
                && super::error::discord_code(&e) == Some(super::error::codes::UNKNOWN_MESSAGE) =>
        {
            Ok(())
        }
        other => Ok(other?),
    }
}

/// Tells the user of an acknowledged interaction something privately, when the
/// defer's privacy is not known (the error paths). A message still "thinking"
/// privately is edited (idempotent); one thinking publicly is deleted first,
/// since Discord's first follow-up after a defer keeps the defer's privacy and
/// would show the answer to everyone; the answer then goes as a private
/// follow-up of its own.
pub async fn privately_after_defer(http: &Http, token: &str, text: String) -> Result<(), BotError> {
    let reply = Reply::private(text);
    if let Some((true, private)) = original_state(http, token).await {
        if private {
            if let Some(first) = reply.parts().first() {
                return edit_original(http, token, first).await;
            }
        }
        remove_original(http, token).await?;
    }
    follow_up(http, token, reply).await
}

/// Posts a reply as channel messages. Each message carries its own nonce with
/// `enforce_nonce`, so a retry after a 5xx or a timeout cannot post it twice.
pub async fn post(http: &Http, channel: ChannelId, reply: Reply) -> Result<(), BotError> {
    for part in reply.parts() {
        post_part(http, channel, &part, nonce()).await?;
    }
    Ok(())
}

/// Posts one message with `nonce` and `enforce_nonce`: while Discord remembers
/// the nonce (a few minutes), sending it again returns the message already
/// posted instead of a second one.
pub async fn post_part(
    http: &Http,
    channel: ChannelId,
    part: &Part,
    nonce: u64,
) -> Result<(), BotError> {
    retry(|| channel.send_message(http, part.message(nonce))).await?;
    Ok(())
}

/// A fresh message nonce. Discord keeps nonces of up to 25 characters; this
/// is below 2^62, so a reply's messages can take `nonce + i` (19 digits at most).
pub fn nonce() -> u64 {
    use rand::Rng;
    rand::thread_rng().gen_range(1..(1u64 << 62))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_go_on_the_last_message_and_text_on_the_first() {
        let many: Vec<Card> = (0..12)
            .map(|i| Card::new(&format!("card {i}"), "x", view::COLOUR_INFO))
            .collect();
        let row = CreateActionRow::Buttons(vec![serenity::CreateButton::new("cc:draft")]);
        let r = Reply::cards(many).rows(vec![row]);
        let parts = r.parts();
        assert_eq!(parts.len(), 2);
        assert!(parts[0].rows.is_empty());
        assert_eq!(parts[1].rows.len(), 1);
        let p = Reply::private("hi").parts();
        assert_eq!(p.len(), 1);
        assert!(p[0].ephemeral && p[0].content.as_deref() == Some("hi"));
    }
}
