//! The Discord front end (serenity + poise): the only module that imports them.
//!
//! (`cli::bot` only calls [`build_client`] and reads [`fatal_error`].)
//!
//! Handlers stay thin: acknowledge (defer) first, resolve the caller once
//! ([`Data::student`]), take the user's lock only around the engine and the
//! store (with the step's reply queued in the [`outbox`]), release it, then
//! reply through [`reply`]. No lock is held across a Discord request. Every
//! failure becomes a [`BotError`] and is answered in one place ([`on_error`]
//! for commands, the event handler for buttons, forms and messages); custom
//! ids are parsed once into an [`Action`].
//!
//! [`build_client`] is the one way a client is made: production talks to Discord
//! with serenity's rate limiter on; tests pass the local stand-in's URL (loopback
//! only), which needs the rate limiter off. Every request has a timeout and goes
//! through [`retry`](mod@retry).

pub mod action;
mod client;
pub mod commands;
pub mod error;
mod events;
mod gateway;
pub mod logs;
pub mod outbox;
pub mod practice;
pub mod register;
pub mod render;
pub mod reply;
pub mod retry;
pub mod view;

pub use action::Action;
pub use client::{
    build_client, build_http, check_api_base, fatal_error, is_loopback, run, BotConfig,
};
pub use error::BotError;
pub use gateway::MAX_REIDENTIFIES;
pub use reply::Reply;
pub use retry::retry;

use crate::engine::Engine;
use crate::store::{Store, StoredSession, UserId as StoreUser};
use poise::serenity_prelude as serenity;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

/// The platform name users are stored under.
pub const PLATFORM: &str = "discord";

/// Shared state, built once at start-up and handed to every handler.
pub struct Data {
    pub engine: Arc<Engine>,
    pub store: Store,
    /// Tests fix the seed of new sessions; in production each session gets a random one.
    pub fixed_seed: Option<u64>,
    user_locks: Mutex<HashMap<u64, Arc<tokio::sync::Mutex<()>>>>,
    seen: Mutex<(HashSet<u64>, VecDeque<u64>)>,
    /// Channels where a content-less message has already had the `/say` hint.
    hinted: Mutex<HashSet<u64>>,
}

pub type Error = BotError;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// The caller, resolved once: their Discord id and stored user, if any.
#[derive(Debug, Clone)]
pub struct Student {
    pub discord: serenity::UserId,
    pub user: Option<StoreUser>,
}

impl Student {
    /// Whether the stored session is this student's.
    pub fn owns(&self, s: &StoredSession) -> bool {
        self.user.as_ref().is_some_and(|u| *u == s.user_id)
    }
}

impl Data {
    pub fn new(engine: Arc<Engine>, store: Store) -> Data {
        Data {
            engine,
            store,
            fixed_seed: None,
            user_locks: Mutex::new(HashMap::new()),
            seen: Mutex::new((HashSet::new(), VecDeque::new())),
            hinted: Mutex::new(HashSet::new()),
        }
    }

    /// The async mutex that serialises one user's session updates. Held only
    /// around the engine and the store, never across a Discord request.
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

    /// True the first time a channel is hinted to use `/say`.
    pub fn first_hint(&self, channel: u64) -> bool {
        let mut g = self.hinted.lock().unwrap_or_else(|e| e.into_inner());
        g.insert(channel)
    }

    /// Resolves the Discord user acting into a [`Student`].
    pub async fn student(&self, user: serenity::UserId) -> Result<Student, BotError> {
        let stored = self
            .store
            .find_user(PLATFORM, &user.get().to_string())
            .await?;
        Ok(Student {
            discord: user,
            user: stored,
        })
    }

    /// The student's open practice, or [`BotError::NoPractice`].
    pub async fn open_practice(&self, student: &Student) -> Result<StoredSession, BotError> {
        let Some(u) = &student.user else {
            return Err(BotError::NoPractice);
        };
        self.store
            .open_session_for(u)
            .await?
            .ok_or(BotError::NoPractice)
    }

    /// The practice with this id, if it is the student's.
    pub async fn practice_by_id(
        &self,
        student: &Student,
        id: &str,
    ) -> Result<StoredSession, BotError> {
        let s = self
            .store
            .get_session(id)
            .await?
            .ok_or(BotError::PracticeGone)?;
        if !student.owns(&s) {
            return Err(BotError::NotYourSession);
        }
        Ok(s)
    }

    /// The open practice living in `channel`, whoever owns it. A practice in a
    /// thread lives only there, not in the server channel the thread hangs off
    /// (the store finds a session by either).
    pub async fn practice_in(
        &self,
        channel: serenity::ChannelId,
    ) -> Result<Option<StoredSession>, BotError> {
        Ok(self
            .store
            .session_in_channel(&channel.get().to_string())
            .await?
            .filter(|s| practice::channel_of(s) == Some(channel)))
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
