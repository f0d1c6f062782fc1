//! The bot's one error type, and the one place its wording lives.
//!
//! [`BotError`] has two sides. *User-facing* kinds (not your session, unknown
//! scenario, DMs closed, a missing permission, try again shortly, ...) are
//! answered with their sentence from [`BotError::user_text`]. *Internal* kinds
//! (a store, engine or unexpected Discord failure) are logged once with an
//! incident id and shown only as a short apology naming that id, never their
//! text. Discord's answers are sorted into the two sides in one place
//! ([`BotError::from`] a `serenity::Error`), by Discord's JSON error codes.
//!
//! Nothing here logs a token or a student's text: a serenity error is
//! described by [`describe`], which keeps the status, method, Discord's code and
//! the route with every token cut out.

use crate::engine::EngineError;
use crate::store::StoreError;
use poise::serenity_prelude as serenity;
use rand::Rng;

/// Discord's JSON error codes the bot answers specially.
pub mod codes {
    pub const MISSING_ACCESS: isize = 50001;
    pub const CANNOT_DM: isize = 50007;
    pub const MISSING_PERMISSIONS: isize = 50013;
    pub const THREAD_ARCHIVED: isize = 50083;
    pub const UNKNOWN_CHANNEL: isize = 10003;
    pub const UNKNOWN_MESSAGE: isize = 10008;
    pub const UNKNOWN_INTERACTION: isize = 10062;
    pub const ALREADY_ACKNOWLEDGED: isize = 40060;
}

/// Every way a bot handler can fail.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    // ---- user-facing -------------------------------------------------------
    /// The caller pressed a button or wrote in a practice that is someone else's.
    #[error("not the caller's practice")]
    NotYourSession,
    /// The caller has no open practice.
    #[error("no practice in progress")]
    NoPractice,
    /// A practice id that no longer exists (deleted or forgotten).
    #[error("no such practice")]
    PracticeGone,
    /// `/practice start` or `/scenarios` with an id that is not a scenario.
    #[error("unknown scenario")]
    UnknownScenario(String),
    /// The practice has finished; it takes no more messages.
    #[error("practice finished")]
    Finished,
    /// Discord refused a DM to the student (50007).
    #[error("the student's DMs are closed")]
    DmsClosed,
    /// The bot lacks a permission in this channel (50013, 50001).
    #[error("missing permission")]
    MissingPermission,
    /// The practice thread is archived or locked (50083).
    #[error("thread archived")]
    ThreadArchived,
    /// A manager command run by someone without Manage Server.
    #[error("managers only")]
    ManagersOnly,
    /// A command only for servers, used in a DM.
    #[error("server only")]
    ServerOnly,
    /// Discord was slow or busy (429, 5xx, timeout): nothing was lost.
    #[error("try again shortly")]
    TryAgainShortly,
    /// An option Discord sent that the bot cannot read (an outdated command).
    #[error("bad argument")]
    BadArgument,
    /// `/say` outside the caller's own practice channel.
    #[error("/say outside a practice")]
    SayOutsidePractice,
    // ---- internal ----------------------------------------------------------
    /// Any other Discord failure; described with [`describe`], never shown.
    #[error("discord: {}", describe(.0))]
    Discord(serenity::Error),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("engine: {0}")]
    Engine(EngineError),
    #[error("{0:#}")]
    Other(anyhow::Error),
}

pub type Result<T, E = BotError> = std::result::Result<T, E>;

impl From<anyhow::Error> for BotError {
    fn from(e: anyhow::Error) -> Self {
        BotError::Other(e)
    }
}

impl From<serde_json::Error> for BotError {
    fn from(e: serde_json::Error) -> Self {
        BotError::Other(anyhow::Error::new(e).context("serialising a reply"))
    }
}

impl From<EngineError> for BotError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::UnknownScenario(id) => BotError::UnknownScenario(id),
            EngineError::Finished => BotError::Finished,
            other => BotError::Engine(other),
        }
    }
}

impl From<serenity::Error> for BotError {
    fn from(e: serenity::Error) -> Self {
        match discord_code(&e) {
            Some(codes::CANNOT_DM) => return BotError::DmsClosed,
            Some(codes::MISSING_PERMISSIONS | codes::MISSING_ACCESS) => {
                return BotError::MissingPermission
            }
            Some(codes::THREAD_ARCHIVED) => return BotError::ThreadArchived,
            _ => {}
        }
        if super::retry::is_transient(&e) {
            return BotError::TryAgainShortly;
        }
        BotError::Discord(e)
    }
}

/// Discord's JSON error code of a failed call, if it got that far.
pub fn discord_code(e: &serenity::Error) -> Option<isize> {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => Some(r.error.code),
        _ => None,
    }
}

/// The words each user-facing kind is answered with; internal kinds get the apology.
impl BotError {
    /// Whether the error is a bug or an outage to log, rather than the user's situation.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            BotError::Discord(_) | BotError::Store(_) | BotError::Engine(_) | BotError::Other(_)
        )
    }

    /// The sentence for the user. For an internal error, `incident` is named.
    pub fn user_text(&self, incident: &str) -> String {
        match self {
            BotError::NotYourSession => {
                "Only the student who started this practice can use it.".into()
            }
            BotError::NoPractice => {
                "You have no practice in progress. Start one with `/practice start`.".into()
            }
            BotError::PracticeGone => "That practice no longer exists.".into(),
            BotError::UnknownScenario(id) => format!(
                "There is no scenario `{}`. Try `/scenarios` to see them.",
                super::render::escape_truncated(id, 100)
            ),
            BotError::Finished => {
                "This practice has finished. Start another with `/practice start`.".into()
            }
            BotError::DmsClosed => "I can't send you direct messages: your DMs are closed for this server. \
                 Allow direct messages from server members (Privacy Settings), or ask a manager to run \
                 `/setup use_threads:true`, then start again."
                .into(),
            BotError::MissingPermission => "I don't have the permissions I need in this channel \
                 (View Channel, Send Messages, Send Messages in Threads, Create Private Threads). \
                 Ask a server manager to check my role, or try another channel."
                .into(),
            BotError::ThreadArchived => "Your practice thread is archived or locked, so I can't post \
                 there. Unarchive it, or end it with `/practice end` and start a new one."
                .into(),
            BotError::ManagersOnly => {
                "Only members with the Manage Server permission can change this.".into()
            }
            BotError::ServerOnly => "Use this command in a server.".into(),
            BotError::TryAgainShortly => {
                "Discord is busy right now; nothing was lost. Please try again in a moment.".into()
            }
            BotError::BadArgument => "I couldn't read that option; Discord may still be showing an \
                 older version of this command. Try again in a minute."
                .into(),
            BotError::SayOutsidePractice => {
                "Use `/say` inside your own practice thread or DM.".into()
            }
            _ => format!(
                "Sorry, something went wrong on our side (incident `{incident}`). \
                 Please try again in a moment."
            ),
        }
    }

    /// Logs an internal error with a new incident id and returns the user's sentence.
    pub fn report(&self, what: &str) -> String {
        let incident = incident_id();
        if self.is_internal() {
            tracing::error!(incident = %incident, error = %self, "{what} failed");
        } else {
            tracing::info!(outcome = %self, "{what}: answered the user");
        }
        self.user_text(&incident)
    }
}

/// A short random id for the log and the apology, so a student's report can be found.
pub fn incident_id() -> String {
    format!("{:08x}", rand::thread_rng().gen::<u32>())
}

/// A serenity error as one line with no token and no message text: the status,
/// method, route (tokens cut) and Discord's code and message, or the kind of
/// transport failure.
pub fn describe(e: &serenity::Error) -> String {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => format!(
            "{} {} {} -> Discord code {}: {}",
            r.status_code.as_u16(),
            r.method,
            redact_url(&r.url),
            r.error.code,
            r.error.message
        ),
        serenity::Error::Http(serenity::HttpError::Request(r)) => {
            let kind = if r.is_timeout() {
                "timed out"
            } else if r.is_connect() {
                "could not connect"
            } else {
                "failed"
            };
            format!("request {kind}")
        }
        serenity::Error::Http(h) => format!("HTTP: {}", redact_url(&h.to_string())),
        serenity::Error::Model(m) => format!("model: {m}"),
        serenity::Error::Gateway(g) => format!("gateway: {g}"),
        serenity::Error::Json(_) => "an unreadable JSON answer".to_string(),
        other => redact_url(&other.to_string()),
    }
}

/// Cuts interaction and webhook tokens out of a URL or any text holding one:
/// the path segment after `/webhooks/{id}/` and `/interactions/{id}/`.
pub fn redact_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = ["/webhooks/", "/interactions/"]
        .iter()
        .filter_map(|m| rest.find(m).map(|p| (p, m.len())))
        .min()
    {
        let (p, len) = pos;
        let after = &rest[p + len..];
        out.push_str(&rest[..p + len]);
        // The id, then the token up to the next '/', '?', whitespace or quote.
        let id_end = after.find('/').unwrap_or(after.len());
        out.push_str(&after[..id_end]);
        let tail = &after[id_end..];
        if let Some(t) = tail.strip_prefix('/') {
            let end = t
                .find(|c: char| c == '/' || c == '?' || c.is_whitespace() || c == '"' || c == ')')
                .unwrap_or(t.len());
            out.push_str("/<token>");
            rest = &t[end..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_cut_from_webhook_and_interaction_urls() {
        let u = "https://discord.com/api/v10/webhooks/123/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original?x=1";
        let r = redact_url(u);
        assert!(!r.contains("aW50ZXJhY3Rpb246c2VjcmV0"), "{r}");
        assert_eq!(
            r,
            "https://discord.com/api/v10/webhooks/123/<token>/messages/@original?x=1"
        );
        let u = "POST http://127.0.0.1:9/api/v10/interactions/55/tok-en.x/callback failed";
        assert_eq!(
            redact_url(u),
            "POST http://127.0.0.1:9/api/v10/interactions/55/<token>/callback failed"
        );
        assert_eq!(redact_url("/channels/1/messages"), "/channels/1/messages");
    }

    #[test]
    fn internal_errors_show_only_an_apology_with_the_incident() {
        let e = BotError::Other(anyhow::anyhow!("secret internals"));
        let t = e.user_text("abcd1234");
        assert!(t.contains("abcd1234") && !t.contains("secret"), "{t}");
        assert!(e.is_internal());
        assert!(!BotError::DmsClosed.is_internal());
    }

    #[test]
    fn engine_errors_a_user_can_cause_are_user_facing() {
        assert!(matches!(
            BotError::from(EngineError::UnknownScenario("x".into())),
            BotError::UnknownScenario(_)
        ));
        assert!(matches!(
            BotError::from(EngineError::Finished),
            BotError::Finished
        ));
    }
}
