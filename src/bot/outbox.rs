//! The outbox: the reply to a stored step of a practice stays in the store
//! until it is posted, so that nothing a student did is lost to a failed post,
//! a crash or a restart.
//!
//! - **Queued with the step.** A message, `/say`, `/practice end`, the End and
//!   Scorecard buttons store their step and its reply (the cards and the phase
//!   its buttons follow, [`queue`]) in one transaction
//!   ([`crate::store::Store::record_turns_with_reply`] and its siblings).
//! - **Posted at most once.** Each message of a reply is posted with the row's
//!   nonce (plus its index) and `enforce_nonce`, so whoever posts it again (a
//!   retry, the Resend button, the sweep at READY, another process) gets the
//!   message already posted while Discord remembers the nonce (a few minutes).
//!   The row records how many messages are out and is deleted after the last.
//! - **In order.** A session's replies go oldest first; a reply is never
//!   posted while an earlier one of its session is still waiting.
//! - **Left over.** At every READY ([`sweep`]) the bot posts what an earlier run
//!   left: a crash between storing a turn and posting its reply, or a reply
//!   that failed and was not resent.
//! - **When posting fails** for a reason that may pass (Discord busy, a
//!   timeout), the student is told, with a Resend button that posts the
//!   waiting replies ([`deliver`]); when the bot may not post there (DMs
//!   closed, a permission, an archived thread) the reply waits for the next
//!   delivery of that practice or the next READY; when the channel is gone it
//!   is dropped. Replies older than [`MAX_AGE`] are dropped at READY (the turns
//!   they answer, reply text included, stay in the store).
//! - **Answers to interactions** (`/say`, End, Scorecard) edit the deferred
//!   "thinking" message instead ([`answer`]): the same idempotent request
//!   however often it is sent.

use super::practice::buttons;
use super::reply::{self, Reply};
use super::view::Card;
use super::{error, Action, BotError, Data};
use crate::engine::Phase;
use crate::store::{NewReply, PendingReply};
use poise::serenity_prelude as serenity;
use serde::{Deserialize, Serialize};
use serenity::{ButtonStyle, ChannelId, CreateActionRow, CreateButton, Http};
use std::time::Duration;

/// Told when a stored turn's reply could not be posted.
pub const NOT_SENT: &str = "Your last message was saved, but the reply could not be sent. \
Press Resend to try again.";

/// What the Resend notice becomes once the reply is posted.
pub const RESENT: &str = "Your last message was saved, and the reply is now posted below.";

/// What the Resend notice becomes when nothing is waiting any more.
pub const NOTHING_WAITING: &str = "Nothing is waiting to be sent any more (the reply was posted, \
or the practice ended). Your conversation is saved.";

/// Replies queued longer ago than this are not posted any more.
pub const MAX_AGE: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// What a queued reply shows: its cards, and the phase its buttons follow.
#[derive(Debug, Serialize, Deserialize)]
struct Body {
    cards: Vec<Card>,
    phase: Phase,
}

/// The outbox row for a reply of `cards` (buttons for `phase`) in `channel`,
/// to store with its step.
pub fn queue(
    channel: ChannelId,
    cards: Vec<Card>,
    phase: Phase,
) -> Result<NewReply, serde_json::Error> {
    let body = serde_json::to_string(&Body { cards, phase })?;
    Ok(NewReply {
        channel_id: channel.get().to_string(),
        body,
        nonce: reply::nonce().to_string(),
    })
}

/// The reply a row holds, with its session's buttons; `None` if it cannot be read.
fn reply_of(row: &PendingReply) -> Option<Reply> {
    let body: Body = serde_json::from_str(&row.body).ok()?;
    Some(Reply::cards(body.cards).rows(buttons(&row.session_id, body.phase)))
}

fn channel_of(row: &PendingReply) -> Option<ChannelId> {
    row.channel_id
        .parse::<u64>()
        .ok()
        .filter(|c| *c != 0)
        .map(ChannelId::new)
}

/// The nonce of the row's first message (the others add their index).
fn nonce_of(row: &PendingReply) -> u64 {
    match row.nonce.parse::<u64>() {
        Ok(n) if n < 1 << 62 => n,
        _ => {
            tracing::warn!(session = %row.session_id, "a waiting reply has no usable nonce; using a new one");
            reply::nonce()
        }
    }
}

/// The bot may not post there until someone changes something.
fn is_blocked(e: &BotError) -> bool {
    matches!(
        e,
        BotError::DmsClosed | BotError::MissingPermission | BotError::ThreadArchived
    )
}

/// The channel no longer exists: nothing can ever be posted there.
fn is_gone(e: &BotError) -> bool {
    matches!(e, BotError::Discord(d)
        if error::discord_code(d) == Some(error::codes::UNKNOWN_CHANNEL))
}

/// What [`deliver`] does when a reply cannot be posted for a reason that may pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// Post the "not sent" notice with a Resend button (and succeed if it is posted).
    OfferResend,
    /// Return the error (the Resend button itself answers with it).
    Report,
}

/// Posts the messages of one waiting reply not posted yet, then removes it.
async fn post_row(http: &Http, data: &Data, row: &PendingReply) -> Result<(), BotError> {
    let (Some(channel), Some(reply)) = (channel_of(row), reply_of(row)) else {
        tracing::warn!(session = %row.session_id, "a waiting reply cannot be read back; dropped");
        data.store.reply_posted(&row.id).await?;
        return Ok(());
    };
    let parts = reply.parts();
    let base = nonce_of(row);
    let from = usize::try_from(row.parts_sent).unwrap_or(usize::MAX);
    for (i, part) in parts.iter().enumerate().skip(from) {
        reply::post_part(http, channel, part, base + i as u64).await?;
        if i + 1 < parts.len() {
            data.store
                .reply_progress(&row.id, u32::try_from(i + 1).unwrap_or(u32::MAX))
                .await?;
        }
    }
    data.store.reply_posted(&row.id).await?;
    Ok(())
}

/// Posts every reply waiting for `session`, oldest first, as channel messages;
/// returns how many were posted. Stops at the first that cannot be posted, so
/// none overtakes an earlier one.
pub async fn deliver(
    http: &Http,
    data: &Data,
    session: &str,
    on_failure: OnFailure,
) -> Result<usize, BotError> {
    let rows = data.store.replies_waiting(session).await?;
    let mut posted = 0;
    for row in &rows {
        let Err(e) = post_row(http, data, row).await else {
            posted += 1;
            continue;
        };
        if is_gone(&e) {
            let dropped = data.store.drop_replies(session).await?;
            tracing::warn!(
                dropped,
                "the channel of a practice is gone; its waiting replies were dropped"
            );
            return Ok(posted);
        }
        if is_blocked(&e) || on_failure == OnFailure::Report {
            return Err(e);
        }
        tracing::warn!(error = %e, "a stored turn's reply could not be posted; it waits in the outbox");
        let Some(channel) = channel_of(row) else {
            return Err(e);
        };
        return match offer_resend(http, channel, session).await {
            Ok(()) => Ok(posted),
            Err(_) => Err(e),
        };
    }
    Ok(posted)
}

/// Tells the student in the practice that a reply is waiting, with Resend.
async fn offer_resend(http: &Http, channel: ChannelId, session: &str) -> Result<(), BotError> {
    let row = CreateActionRow::Buttons(vec![CreateButton::new(
        Action::Resend(session.to_string()).custom_id(),
    )
    .label("Resend")
    .style(ButtonStyle::Primary)]);
    reply::post(http, channel, Reply::private(NOT_SENT).rows(vec![row])).await
}

/// Shows a just-queued reply as the answer to a deferred public interaction
/// (`/say`, End, Scorecard): the first message edits the "thinking" message
/// (idempotent), the others are posted with the row's nonces.
///
/// If an earlier reply of the session is still waiting, everything goes to the
/// channel in order instead (the thinking message, which sits above them, is
/// removed). If the edit fails for a reason that may pass and the thinking
/// message is still there, the reply is posted in the channel (or waits, with
/// Resend).
pub async fn answer(
    http: &Http,
    data: &Data,
    token: &str,
    row: PendingReply,
) -> Result<(), BotError> {
    let waiting = data.store.replies_waiting(&row.session_id).await?;
    let earlier = waiting.iter().any(|w| w.seq < row.seq);
    let parts = reply_of(&row).map(|r| r.parts()).unwrap_or_default();
    let Some(first) = parts.first().filter(|_| !earlier) else {
        if let Err(e) = reply::remove_original(http, token).await {
            tracing::warn!(error = %e, "could not remove a thinking message");
        }
        return deliver(http, data, &row.session_id, OnFailure::OfferResend)
            .await
            .map(|_| ());
    };
    if let Err(e) = reply::edit_original(http, token, first).await {
        if is_blocked(&e) {
            return Err(e);
        }
        // A 5xx may come after Discord made the edit: then it is done.
        let edited = matches!(reply::original_state(http, token).await, Some((false, _)));
        if !edited {
            tracing::warn!(error = %e, "could not answer an interaction; posting its reply in the channel");
            if let Err(e) = reply::remove_original(http, token).await {
                tracing::warn!(error = %e, "could not remove a thinking message");
            }
            return deliver(http, data, &row.session_id, OnFailure::OfferResend)
                .await
                .map(|_| ());
        }
    }
    if parts.len() == 1 {
        data.store.reply_posted(&row.id).await?;
        return Ok(());
    }
    data.store.reply_progress(&row.id, 1).await?;
    deliver(http, data, &row.session_id, OnFailure::OfferResend)
        .await
        .map(|_| ())
}

/// Posts the replies an earlier run left waiting (run at every READY): a crash
/// between storing a turn and posting its reply, or a reply that failed. Drops
/// those older than [`MAX_AGE`]. Logs counts only.
pub async fn sweep(http: &Http, data: &Data) {
    match data.store.drop_replies_older_than(MAX_AGE).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(dropped = n, "dropped replies too old to post"),
        Err(e) => tracing::warn!(error = %e, "could not drop old replies"),
    }
    let rows = match data.store.all_replies_waiting().await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the replies waiting to be posted");
            return;
        }
    };
    let mut sessions: Vec<String> = Vec::new();
    for r in rows {
        if !sessions.contains(&r.session_id) {
            sessions.push(r.session_id);
        }
    }
    if sessions.is_empty() {
        return;
    }
    let mut posted = 0;
    for session in &sessions {
        match deliver(http, data, session, OnFailure::OfferResend).await {
            Ok(n) => posted += n,
            Err(e) => {
                tracing::warn!(error = %e, "a waiting reply could not be posted; it stays queued")
            }
        }
    }
    tracing::info!(
        sessions = sessions.len(),
        posted,
        "posted replies an earlier run left waiting"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(body: String, nonce: &str, channel: &str) -> PendingReply {
        PendingReply {
            id: "r".into(),
            session_id: "s".into(),
            seq: 1,
            channel_id: channel.into(),
            body,
            nonce: nonce.into(),
            parts_sent: 0,
            created_at: 1,
        }
    }

    #[test]
    fn a_queued_reply_reads_back_as_the_same_messages_and_buttons() {
        let cards: Vec<Card> = (0..12)
            .map(|i| Card::new(&format!("card {i}"), "é 👩‍💻 <@1>", 0x123456).field("f", "v"))
            .collect();
        let q = queue(ChannelId::new(42), cards.clone(), Phase::Conversation).unwrap();
        assert_eq!(q.channel_id, "42");
        let n: u64 = q.nonce.parse().unwrap();
        assert!(n > 0 && n < 1 << 62 && q.nonce.len() <= 19);
        let r = row(q.body.clone(), &q.nonce, &q.channel_id);
        assert_eq!(channel_of(&r), Some(ChannelId::new(42)));
        assert_eq!(nonce_of(&r), n);
        let back = reply_of(&r).unwrap();
        let want = Reply::cards(cards).rows(buttons("s", Phase::Conversation));
        let json = |r: &Reply| {
            r.parts()
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(back.parts().len(), 2, "12 cards take two messages");
        assert_eq!(json(&back), json(&want));
    }

    #[test]
    fn unreadable_rows_are_recognised() {
        assert!(reply_of(&row("not json".into(), "1", "1")).is_none());
        assert_eq!(channel_of(&row("{}".into(), "1", "0")), None);
        assert_eq!(channel_of(&row("{}".into(), "1", "x")), None);
        let fresh = nonce_of(&row("{}".into(), "99999999999999999999", "1"));
        assert!(fresh > 0 && fresh < 1 << 62);
    }
}
