//! Stops a bot that Discord's gateway keeps refusing, before the re-identifies
//! add up (Discord resets a bot's token after 1,000 identifies in a day).
//!
//! # What serenity 0.12.5 does, and what it lets a bot see
//!
//! - Close codes 4004, 4013 and 4014 make `Client::start` return an error: the
//!   bot stops with what to fix (see `client::gateway_hint`).
//! - Close codes 4010 (invalid shard) and 4011 (sharding required) are turned
//!   into errors in `Shard::handle_gateway_closed` that `ShardRunner::recv_event`
//!   swallows; the runner spins on the dead socket until its next heartbeat
//!   fails, then asks for a restart. 4012 (invalid API version) and any other
//!   close before READY ask for a restart at once. A restart boots a new shard,
//!   which connects and sends IDENTIFY again: for ever.
//! - The bot is never told the close code, and an IDENTIFY is not visible
//!   either: `Shard::identify` sets `ConnectionStage::Identifying` *after* the
//!   runner compared the stage before and after reading an event, so no
//!   `shard_stage_update` event is ever dispatched for it (nor for a close that
//!   follows it: the stage does not change).
//! - What is visible is a shard *restart*: the runner's `request_restart` calls
//!   the voice manager's `deregister_shard`, and every READY calls its
//!   `register_shard`. Each restart is followed by a new connection and, once
//!   Discord says HELLO, a new IDENTIFY (a resume never needs a restart: a
//!   RESUME answered with op 9 is what asks for one). So [`GatewayWatch`] is a
//!   voice manager that plays no voice: it counts restarts since the last READY.
//!
//! A network outage does not count: a connection that cannot be made fails in
//! serenity's shard queuer, before any runner exists, and is retried every 5
//! seconds without a restart; at most the one restart that noticed the dead
//! connection counts, and the READY after the outage sets the count back to 0.
//!
//! # Stopping
//!
//! At the limit the bot records one line for `client::run` to return. It does
//! not call `ShardManager::shutdown_all`: with no runner alive (the restarting
//! one has just been removed) that does nothing at all, and a runner whose
//! socket Discord already closed never finishes shutting down (it waits for a
//! close frame on a stream that has ended, in a loop that never yields).
//! Instead the shared gateway URL is emptied, so every later connection fails
//! before any I/O (serenity cannot build a URL from it), and `run` returns.
//! A new shard the queuer had already started when the limit was reached may
//! still send one more IDENTIFY.

use poise::serenity_prelude as serenity;
use serenity::gateway::ShardRunnerMessage;
use serenity::prelude::TypeMap;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{Notify, RwLock};

/// How many times in a row the gateway connection may be restarted (each
/// restart identifies again) without a READY before the bot stops.
pub const MAX_REIDENTIFIES: u32 = 3;

/// What the bot can do about a gateway that keeps refusing it.
pub(super) fn refused_line(restarts: u32) -> String {
    format!(
        "Discord's gateway did not accept the bot (no READY) and the connection was restarted \
         {restarts} times in a row, so the bot stopped before Discord resets its token (1,000 \
         identifies a day): Discord closes with 4010/4011 when \
         the bot is in too many servers for one shard (sharding required) and 4012 when this \
         version of coffeechat uses a gateway API version Discord no longer supports (update it); \
         if neither applies, check https://discordstatus.com and start the bot again"
    )
}

/// The client's parts the watch needs once the limit is reached.
struct Attached {
    data: Arc<RwLock<TypeMap>>,
    ws_url: Arc<tokio::sync::Mutex<String>>,
}

/// Counts shard restarts since each shard's last READY and stops the bot at the limit.
pub(super) struct GatewayWatch {
    /// Restarts allowed in a row; the next one stops the bot.
    limit: u32,
    restarts: Mutex<HashMap<u32, u32>>,
    attached: OnceLock<Attached>,
    /// Notified once the bot has stopped itself ([`super::client::run`] waits for it).
    pub(super) stopped: Arc<Notify>,
}

impl GatewayWatch {
    pub(super) fn new(limit: u32) -> GatewayWatch {
        GatewayWatch {
            limit,
            restarts: Mutex::new(HashMap::new()),
            attached: OnceLock::new(),
            stopped: Arc::new(Notify::new()),
        }
    }

    /// Gives the watch the client's data and gateway URL (made after the watch).
    pub(super) fn attach(
        &self,
        data: Arc<RwLock<TypeMap>>,
        ws_url: Arc<tokio::sync::Mutex<String>>,
    ) {
        let _ = self.attached.set(Attached { data, ws_url });
    }

    /// Counts one restart of `shard`; returns the count when it is past the limit.
    fn count_restart(&self, shard: u32) -> Option<u32> {
        let mut r = self.restarts.lock().unwrap_or_else(|e| e.into_inner());
        let n = r.entry(shard).or_insert(0);
        *n += 1;
        (*n > self.limit).then_some(*n)
    }

    fn ready(&self, shard: u32) {
        let mut r = self.restarts.lock().unwrap_or_else(|e| e.into_inner());
        r.insert(shard, 0);
    }

    async fn stop(&self, restarts: u32) {
        let line = refused_line(restarts);
        if let Some(a) = self.attached.get() {
            // No later connection can be made: serenity fails to build a URL from "".
            a.ws_url.lock().await.clear();
            super::client::record_fatal(&a.data, line).await;
        } else {
            tracing::error!("{line}");
        }
        self.stopped.notify_one();
    }
}

#[serenity::async_trait]
impl serenity::gateway::VoiceGatewayManager for GatewayWatch {
    async fn initialise(&self, _shard_count: u32, _user_id: serenity::UserId) {}

    /// Called at every READY.
    async fn register_shard(
        &self,
        shard_id: u32,
        _sender: futures::channel::mpsc::UnboundedSender<ShardRunnerMessage>,
    ) {
        self.ready(shard_id);
    }

    /// Called when a shard's runner asks for a restart (a new IDENTIFY follows).
    async fn deregister_shard(&self, shard_id: u32) {
        match self.count_restart(shard_id) {
            Some(n) => self.stop(n).await,
            None => tracing::info!(
                shard = shard_id,
                "the gateway connection is restarted and will identify again"
            ),
        }
    }

    async fn server_update(
        &self,
        _guild_id: serenity::GuildId,
        _endpoint: &Option<String>,
        _token: &str,
    ) {
    }

    async fn state_update(
        &self,
        _guild_id: serenity::GuildId,
        _voice_state: &serenity::VoiceState,
    ) {
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_count_per_shard_until_a_ready() {
        let w = GatewayWatch::new(2);
        assert_eq!(w.count_restart(0), None);
        assert_eq!(w.count_restart(0), None);
        assert_eq!(w.count_restart(1), None, "another shard counts apart");
        w.ready(0);
        assert_eq!(w.count_restart(0), None, "READY starts the count again");
        assert_eq!(w.count_restart(0), None);
        assert_eq!(w.count_restart(0), Some(3));
    }

    #[test]
    fn the_line_is_one_line_and_says_what_to_fix() {
        let l = refused_line(4);
        assert!(!l.contains('\n'));
        for what in ["4010/4011", "sharding", "4012", "update", "4"] {
            assert!(l.contains(what), "{what}: {l}");
        }
    }
}
