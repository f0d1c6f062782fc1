//! Every reply the bot sends is built here: [`Reply`] holds what to say (text,
//! cards, buttons, an image, whether it is private) and is turned into
//! Discord's message bodies in one place, split to Discord's limits
//! ([`view::pack`]), and sent through [`retry`].
//!
//! Mentions are not set here: the HTTP client's defaults ([`super::build_http`])
//! and poise's options disable every ping for every body.

use super::error::BotError;
use super::retry;
use super::view::{self, Card};
use super::Context;
use poise::serenity_prelude as serenity;
use serenity::builder::Builder as _;
use serenity::{
    ChannelId, CreateActionRow, CreateAttachment, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage, Http,
    InteractionId,
};

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
#[derive(Clone, Default)]
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

/// Answers a slash command through poise (first the response, then follow-ups;
/// after a defer the first edits the "thinking" message).
pub async fn send(ctx: Context<'_>, reply: Reply) -> Result<(), BotError> {
    for part in reply.parts() {
        retry(|| ctx.send(part.poise())).await?;
    }
    Ok(())
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

/// Follows up an interaction that was deferred (the first part edits the
/// "thinking" message, whose privacy was chosen at the defer).
pub async fn follow_up(http: &Http, token: &str, reply: Reply) -> Result<(), BotError> {
    for part in reply.parts() {
        retry(|| part.followup().execute(http, (None, token))).await?;
    }
    Ok(())
}

/// Tells the user of an acknowledged interaction something privately. After a
/// defer, Discord's first follow-up edits the "thinking" message and keeps the
/// privacy chosen at the defer, so after a *public* defer a private answer
/// would show to everyone: a message still "thinking" is deleted first, and
/// the answer goes as a follow-up of its own, private.
pub async fn privately_after_defer(http: &Http, token: &str, text: String) -> Result<(), BotError> {
    const LOADING: u64 = 1 << 7;
    if let Ok(original) = retry(|| http.get_original_interaction_response(token)).await {
        let thinking = original.flags.is_some_and(|f| f.bits() & LOADING != 0);
        if thinking {
            retry(|| http.delete_original_interaction_response(token)).await?;
        }
    }
    follow_up(http, token, Reply::private(text)).await
}

/// Posts a reply as channel messages. Each message carries its own nonce with
/// `enforce_nonce`, so a retry after a 5xx or a timeout cannot post it twice.
pub async fn post(http: &Http, channel: ChannelId, reply: Reply) -> Result<(), BotError> {
    for part in reply.parts() {
        let nonce = nonce();
        retry(|| channel.send_message(http, part.message(nonce))).await?;
    }
    Ok(())
}

/// A message nonce: Discord keeps it up to 25 characters; 19 decimal digits fit.
fn nonce() -> u64 {
    use rand::Rng;
    rand::thread_rng().gen_range(1..i64::MAX as u64)
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
