//! A local stand-in for Discord's REST API and gateway, for end-to-end tests of
//! a real serenity client. One runs per test on `127.0.0.1:0`.
//!
//! - REST under `/api/v10` ([`rest`]): the routes a bot commonly uses, with
//!   Discord's answers and errors (unknown interaction after 3 s, interaction
//!   acknowledged twice, unknown channel or message, invalid webhook token,
//!   a JSON 404 for any route it does not know, logged so a missing route shows).
//! - A gateway WebSocket at `/gateway` ([`gateway`]): HELLO, IDENTIFY -> READY ->
//!   GUILD_CREATE, heartbeat ACKs, RESUME with replay of missed events, op 7,
//!   op 9, an abrupt drop or a clean close with a code.
//! - Recording of every request and every gateway payload with async waiters,
//!   and controls to inject events, rate limit routes and break the connection.
//! - Every dispatch it sends is checked against serenity's own models first
//!   ([`check`]): serenity drops an unreadable event silently, so a fixture bug
//!   would otherwise look like a bot bug.
//!
//! It knows nothing of any particular bot: any serenity bot can be driven by it.
#![allow(dead_code)]

pub mod check;
pub mod fixtures;
mod gateway;
mod rest;

use axum::extract::ws::Message as WsMessage;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Notify};

#[allow(unused_imports)]
pub use fixtures::{BOT_ID, GUILD_ID, TEXT_CHANNEL_ID};

/// One REST request the bot made, and the status the stand-in answered with.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path below `/api/v10`, e.g. `/channels/1/messages`.
    pub path: String,
    pub query: String,
    /// The JSON body (or the `payload_json` part of a multipart body).
    pub json: Value,
    /// Raw body bytes (attachments live here for multipart requests).
    pub body: Vec<u8>,
    pub at: Instant,
    /// The HTTP status of the stand-in's answer (429 for a forced rate limit).
    pub status: u16,
}

impl Request {
    /// The message part of the body: `data` for an interaction callback, else the body.
    pub fn message_body(&self) -> &Value {
        match self.json.get("data") {
            Some(d) if self.path.ends_with("/callback") => d,
            _ => &self.json,
        }
    }

    /// The value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// One gateway payload, in either direction.
#[derive(Debug, Clone)]
pub struct Frame {
    pub from_bot: bool,
    pub payload: Value,
    pub at: Instant,
}

/// A forced 429.
#[derive(Debug, Clone)]
struct RateLimit {
    /// `None`: Discord's global limit, whatever the route.
    route: Option<(String, String)>,
    remaining: u32,
    retry_after: f64,
    /// Until when the route (or, global, every route) is limited: a request
    /// before then gets another 429, as on Discord, and is counted as early.
    until: Option<Instant>,
}

/// What a [`Fault`] does to the requests it matches.
#[derive(Debug, Clone)]
pub(crate) enum FaultKind {
    /// Answer with this error and do nothing (`status`, Discord `code`, `message`).
    Fail(u16, u64, String),
    /// Do the request, then answer with this status anyway (a 5xx after Discord acted).
    FailAfterActing(u16),
    /// Hold the request until [`Release::release`] (or forever).
    Hang(Arc<Release>),
}

/// A forced failure of the next `remaining` requests matching a route.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    method: String,
    prefix: String,
    remaining: u32,
    pub(crate) kind: FaultKind,
}

/// Lets requests held by [`StandIn::hang`] go on.
#[derive(Debug, Default)]
pub struct Release {
    released: AtomicBool,
    notify: Notify,
}

impl Release {
    /// Lets every held request (and any later one of this fault) through.
    pub fn release(&self) {
        self.released.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub(crate) async fn wait(&self) {
        loop {
            let n = self.notify.notified();
            if self.released.load(Ordering::SeqCst) {
                return;
            }
            n.await;
        }
    }
}

/// The live gateway connection.
pub(crate) struct Conn {
    pub(crate) id: u64,
    pub(crate) tx: mpsc::UnboundedSender<WsMessage>,
    pub(crate) kill: Arc<Notify>,
}

#[derive(Default)]
pub(crate) struct Gateway {
    pub(crate) session_id: Option<String>,
    pub(crate) seq: u64,
    /// Every dispatch of the current session (sent, or queued while disconnected), for RESUME.
    pub(crate) log: Vec<(u64, Value)>,
    pub(crate) conn: Option<Conn>,
    pub(crate) conn_ids: u64,
    /// The intents of the last IDENTIFY.
    pub(crate) intents: u64,
}

/// An interaction the stand-in injected.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) token: String,
    pub(crate) channel: u64,
    /// The message a component sits on (the `@original` of a component interaction).
    pub(crate) message: Option<u64>,
    pub(crate) created: Instant,
    pub(crate) acked: bool,
}

/// What the stand-in's Discord holds: channels, messages, interactions, webhooks.
#[derive(Default)]
pub(crate) struct World {
    pub(crate) channels: HashMap<u64, Value>,
    pub(crate) messages: HashMap<u64, Value>,
    pub(crate) interactions: HashMap<u64, Pending>,
    /// Interaction token -> the id of its `@original` message.
    pub(crate) originals: HashMap<String, u64>,
    pub(crate) webhooks: HashMap<u64, Value>,
    pub(crate) thread_members: HashMap<u64, HashSet<u64>>,
    /// Bulk-overwritten application commands: key `global` or a guild id.
    pub(crate) commands: HashMap<String, Value>,
    /// `(channel, nonce)` of messages sent with `enforce_nonce` -> the message id.
    pub(crate) nonces: HashMap<(u64, String), u64>,
    /// Users whose DMs are closed to the bot (50007).
    pub(crate) closed_dms: HashSet<u64>,
    /// Channels where the bot lacks a permission: the Discord code to answer (50013, 50001).
    pub(crate) denied: HashMap<u64, u64>,
}

pub(crate) struct Inner {
    pub(crate) addr: std::net::SocketAddr,
    requests: Mutex<Vec<Request>>,
    frames: Mutex<Vec<Frame>>,
    changed: Notify,
    pub(crate) gateway: Mutex<Gateway>,
    pub(crate) world: Mutex<World>,
    pub(crate) acks: AtomicBool,
    pub(crate) heartbeat_ms: AtomicU64,
    ids: AtomicU64,
    limits: Mutex<Vec<RateLimit>>,
    faults: Mutex<Vec<Fault>>,
    pub(crate) identifies: AtomicU64,
    /// Gateway connections opened on READY's `resume_gateway_url`.
    pub(crate) resume_url_connections: AtomicU64,
    /// A close code sent instead of READY for the next IDENTIFYs (4010-4014).
    pub(crate) close_on_identify: AtomicU64,
    pub(crate) resumes: AtomicU64,
    pub(crate) reject_token: AtomicBool,
    /// Requests sent to a rate-limited route before its `retry_after` had passed.
    pub(crate) early_retries: AtomicU64,
    /// Whether the gateway refuses new connections (503 to the upgrade), as in an outage.
    pub(crate) refuse_gateway: AtomicBool,
    /// The paths of the gateway connections refused so far.
    pub(crate) refused: Mutex<Vec<String>>,
    pub(crate) echo: AtomicBool,
    pub(crate) interaction_window_ms: AtomicU64,
    /// Dispatches serenity could not read (see [`check`]).
    pub(crate) unreadable: Mutex<Vec<String>>,
}

/// Locks a mutex, ignoring poisoning (a panicking test must not hide the first panic).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Inner {
    pub(crate) fn ws_url(&self) -> String {
        format!("ws://{}/gateway", self.addr)
    }

    /// The `resume_gateway_url` READY announces: another path, so tests can tell.
    pub(crate) fn resume_url(&self) -> String {
        format!("ws://{}/gateway-resume", self.addr)
    }

    /// Takes one forced failure for this request, if any applies.
    pub(crate) fn take_fault(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut faults = lock(&self.faults);
        let f = faults
            .iter_mut()
            .find(|f| f.remaining > 0 && f.method == method && path.starts_with(&f.prefix))?;
        f.remaining -= 1;
        Some(f.kind.clone())
    }

    /// Records a request before it is answered (a held one); returns its index.
    pub(crate) fn record_pending(&self, req: Request) -> usize {
        let mut r = lock(&self.requests);
        r.push(req);
        let i = r.len() - 1;
        drop(r);
        self.changed.notify_waiters();
        i
    }

    pub(crate) fn set_status(&self, index: usize, status: u16) {
        if let Some(r) = lock(&self.requests).get_mut(index) {
            r.status = status;
        }
        self.changed.notify_waiters();
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::SeqCst)
    }

    pub(crate) fn record_frame(&self, from_bot: bool, payload: Value) {
        lock(&self.frames).push(Frame {
            from_bot,
            payload,
            at: Instant::now(),
        });
        self.changed.notify_waiters();
    }

    pub(crate) fn record_request(&self, req: Request) {
        lock(&self.requests).push(req);
        self.changed.notify_waiters();
    }

    /// Takes one forced 429 for this request, if any applies. A request to a
    /// route still limited by an earlier 429 (before its `retry_after` passed)
    /// gets another 429 for the time left, as on Discord, and counts as an
    /// early retry ([`StandIn::early_retries`]); it does not use up a forced one.
    pub(crate) fn take_rate_limit(&self, method: &str, path: &str) -> Option<(f64, bool)> {
        let now = Instant::now();
        let mut limits = lock(&self.limits);
        let applies = |l: &RateLimit| {
            l.route
                .as_ref()
                .is_none_or(|(m, p)| m == method && path.starts_with(p.as_str()))
        };
        if let Some((left, global)) = limits.iter().find_map(|l| {
            let until = l.until.filter(|u| *u > now && applies(l))?;
            Some((until.duration_since(now).as_secs_f64(), l.route.is_none()))
        }) {
            self.early_retries.fetch_add(1, Ordering::SeqCst);
            return Some((left, global));
        }
        let l = limits.iter_mut().find(|l| l.remaining > 0 && applies(l))?;
        l.remaining -= 1;
        l.until = now.checked_add(Duration::from_secs_f64(l.retry_after.max(0.0)));
        Some((l.retry_after, l.route.is_none()))
    }

    /// Sends a dispatch on the live connection, or logs it for RESUME replay.
    /// Returns its sequence number.
    pub(crate) fn dispatch(&self, event: &str, data: Value, deliver: bool) -> u64 {
        if let Err(e) = check::dispatch(event, &data) {
            tracing::error!(event, error = %e, "discord stand-in: serenity cannot read this dispatch");
            eprintln!("discord stand-in: serenity cannot read this {event}: {e}");
            lock(&self.unreadable).push(format!("{event}: {e}"));
        }
        let mut gw = lock(&self.gateway);
        gw.seq += 1;
        let seq = gw.seq;
        let payload = json!({"op": 0, "t": event, "s": seq, "d": data});
        gw.log.push((seq, payload.clone()));
        let sent = match (&gw.conn, deliver) {
            (Some(conn), true) => conn.tx.send(WsMessage::Text(payload.to_string())).is_ok(),
            _ => false,
        };
        drop(gw);
        if sent {
            self.record_frame(false, payload);
        }
        seq
    }

    /// The channel a message is posted in, with whether it is a guild channel.
    pub(crate) fn channel_guild(&self, channel: u64) -> Option<bool> {
        lock(&self.world)
            .channels
            .get(&channel)
            .map(|c| c.get("guild_id").is_some())
    }
}

/// The running stand-in. Dropping the last clone stops the server.
#[derive(Clone)]
pub struct StandIn {
    inner: Arc<Inner>,
    _server: Arc<ServerGuard>,
}

struct ServerGuard(tokio::task::JoinHandle<()>);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl StandIn {
    /// Starts a stand-in on a free loopback port, with one guild ([`GUILD_ID`])
    /// holding one text channel ([`TEXT_CHANNEL_ID`]) and the bot.
    pub async fn start() -> StandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let mut world = World::default();
        world.channels.insert(
            TEXT_CHANNEL_ID,
            fixtures::text_channel(TEXT_CHANNEL_ID, "career-practice"),
        );
        let inner = Arc::new(Inner {
            addr,
            requests: Mutex::new(Vec::new()),
            frames: Mutex::new(Vec::new()),
            changed: Notify::new(),
            gateway: Mutex::new(Gateway::default()),
            world: Mutex::new(world),
            acks: AtomicBool::new(true),
            heartbeat_ms: AtomicU64::new(5_000),
            ids: AtomicU64::new(900_000_000_000_000_000),
            limits: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            identifies: AtomicU64::new(0),
            resume_url_connections: AtomicU64::new(0),
            close_on_identify: AtomicU64::new(0),
            resumes: AtomicU64::new(0),
            reject_token: AtomicBool::new(false),
            early_retries: AtomicU64::new(0),
            refuse_gateway: AtomicBool::new(false),
            refused: Mutex::new(Vec::new()),
            echo: AtomicBool::new(true),
            interaction_window_ms: AtomicU64::new(3_000),
            unreadable: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/gateway", get(gateway::upgrade))
            .route("/gateway-resume", get(gateway::upgrade_resume))
            .fallback(rest::handle)
            .with_state(inner.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        StandIn {
            inner,
            _server: Arc::new(ServerGuard(server)),
        }
    }

    /// The base URL to give the bot's HTTP client (`HttpBuilder::proxy`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The gateway URL (`GET /gateway` answers with it).
    pub fn ws_url(&self) -> String {
        self.inner.ws_url()
    }

    /// A fresh snowflake id.
    pub fn next_id(&self) -> u64 {
        self.inner.next_id()
    }

    // ---- recording and waiting ------------------------------------------------

    pub fn requests(&self) -> Vec<Request> {
        lock(&self.inner.requests).clone()
    }

    pub fn frames(&self) -> Vec<Frame> {
        lock(&self.inner.frames).clone()
    }

    /// How many recorded requests match.
    pub fn count_requests(&self, pred: impl Fn(&Request) -> bool) -> usize {
        lock(&self.inner.requests)
            .iter()
            .filter(|r| pred(r))
            .count()
    }

    pub fn identifies(&self) -> u64 {
        self.inner.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> u64 {
        self.inner.resumes.load(Ordering::SeqCst)
    }

    /// Requests the bot sent to a rate-limited route (any route, for a global
    /// limit) before the 429's `retry_after` had passed; each got another 429.
    pub fn early_retries(&self) -> u64 {
        self.inner.early_retries.load(Ordering::SeqCst)
    }

    /// The paths (`/gateway`, `/gateway-resume`) of the gateway connections
    /// refused while [`Self::refuse_gateway`] was on, in order.
    pub fn refused_connections(&self) -> Vec<String> {
        lock(&self.inner.refused).clone()
    }

    /// Gateway connections the bot opened on READY's `resume_gateway_url`.
    pub fn resume_url_connections(&self) -> u64 {
        self.inner.resume_url_connections.load(Ordering::SeqCst)
    }

    /// The `resume_gateway_url` READY announces (distinct from [`Self::ws_url`]).
    pub fn resume_url(&self) -> String {
        self.inner.resume_url()
    }

    /// Dispatches the stand-in sent that serenity could not read (should stay empty).
    pub fn unreadable_dispatches(&self) -> Vec<String> {
        lock(&self.inner.unreadable).clone()
    }

    /// Waits until `pred` holds for the recorded state, re-checking on every
    /// request, frame or connection change.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut probe: impl FnMut(&StandIn) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            if let Some(v) = probe(self) {
                return Some(v);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return probe(self);
            }
        }
    }

    /// Waits for a request matching `pred` (already made or still to come).
    /// Panics with the requests seen so far if none comes in time.
    pub async fn wait_for_request(
        &self,
        timeout: Duration,
        pred: impl Fn(&Request) -> bool,
    ) -> Request {
        match self.try_wait_for_request(timeout, pred).await {
            Some(r) => r,
            None => panic!(
                "no matching request within {timeout:?}; requests so far:\n{}",
                self.describe_requests()
            ),
        }
    }

    pub async fn try_wait_for_request(
        &self,
        timeout: Duration,
        pred: impl Fn(&Request) -> bool,
    ) -> Option<Request> {
        self.wait_until(timeout, |s| {
            lock(&s.inner.requests).iter().find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Waits until `n` requests match, and returns them in order.
    pub async fn wait_for_requests(
        &self,
        timeout: Duration,
        n: usize,
        pred: impl Fn(&Request) -> bool,
    ) -> Vec<Request> {
        let got = self
            .wait_until(timeout, |s| {
                let m: Vec<Request> = lock(&s.inner.requests)
                    .iter()
                    .filter(|r| pred(r))
                    .cloned()
                    .collect();
                (m.len() >= n).then_some(m)
            })
            .await;
        match got {
            Some(m) => m,
            None => panic!(
                "fewer than {n} matching requests within {timeout:?}; requests so far:\n{}",
                self.describe_requests()
            ),
        }
    }

    /// Waits for a gateway frame matching `pred`.
    pub async fn wait_for_frame(&self, timeout: Duration, pred: impl Fn(&Frame) -> bool) -> Frame {
        let got = self
            .wait_until(timeout, |s| {
                lock(&s.inner.frames).iter().find(|f| pred(f)).cloned()
            })
            .await;
        got.unwrap_or_else(|| panic!("no matching gateway frame within {timeout:?}"))
    }

    /// Waits until the bot has identified and been sent READY and GUILD_CREATE.
    pub async fn wait_ready(&self, timeout: Duration) {
        self.wait_for_frame(timeout, |f| !f.from_bot && f.payload["t"] == "GUILD_CREATE")
            .await;
    }

    /// Waits until the stand-in has accepted `n` RESUMEs in all.
    pub async fn wait_resumed(&self, timeout: Duration, n: u64) {
        let ok = self
            .wait_until(timeout, |s| (s.resumes() >= n).then_some(()))
            .await;
        assert!(ok.is_some(), "the bot did not resume within {timeout:?}");
    }

    fn describe_requests(&self) -> String {
        self.requests()
            .iter()
            .map(|r| format!("  {} {} -> {}", r.method, r.path, r.status))
            .collect::<Vec<_>>()
            .join("\n")
    }

    // ---- the world ----------------------------------------------------------

    /// A channel as the stand-in holds it.
    pub fn channel(&self, id: u64) -> Option<Value> {
        lock(&self.inner.world).channels.get(&id).cloned()
    }

    /// The messages a channel holds now (posted and not deleted), oldest first.
    pub fn messages_in(&self, channel: u64) -> Vec<Value> {
        let ch = channel.to_string();
        let mut m: Vec<Value> = lock(&self.inner.world)
            .messages
            .values()
            .filter(|m| m["channel_id"] == ch.as_str())
            .cloned()
            .collect();
        m.sort_by_key(|m| m["id"].as_str().and_then(|s| s.parse::<u64>().ok()));
        m
    }

    /// A message as the stand-in holds it (posted by the bot or injected).
    pub fn stored_message(&self, id: u64) -> Option<Value> {
        lock(&self.inner.world).messages.get(&id).cloned()
    }

    /// The members added to a thread with `PUT /channels/{thread}/thread-members/{user}`.
    pub fn thread_members(&self, thread: u64) -> Vec<u64> {
        let mut m: Vec<u64> = lock(&self.inner.world)
            .thread_members
            .get(&thread)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        m.sort_unstable();
        m
    }

    /// Adds a guild text channel (in the next GUILD_CREATE, and at once with CHANNEL_CREATE).
    pub fn add_text_channel(&self, id: u64, name: &str) {
        let ch = fixtures::text_channel(id, name);
        lock(&self.inner.world).channels.insert(id, ch.clone());
        self.inner.dispatch("CHANNEL_CREATE", ch, true);
    }

    // ---- gateway controls ---------------------------------------------------

    /// Sends a dispatch event (op 0) now, or queues it for RESUME replay while the
    /// bot is disconnected. Panics if serenity could not read the payload.
    pub fn dispatch(&self, event: &str, data: Value) -> u64 {
        if let Err(e) = check::dispatch(event, &data) {
            panic!("the stand-in was asked to send a {event} serenity cannot read: {e}");
        }
        self.inner.dispatch(event, data, true)
    }

    /// Logs a dispatch as sent while the bot's socket was dying: the bot never
    /// receives it now, only through RESUME replay.
    pub fn dispatch_missed(&self, event: &str, data: Value) -> u64 {
        if let Err(e) = check::dispatch(event, &data) {
            panic!("the stand-in was asked to send a {event} serenity cannot read: {e}");
        }
        self.inner.dispatch(event, data, false)
    }

    /// Asks the bot to reconnect (op 7); it should close and RESUME.
    pub fn reconnect(&self) {
        let gw = lock(&self.inner.gateway);
        if let Some(conn) = &gw.conn {
            let p = json!({"op": 7, "d": null});
            let _ = conn.tx.send(WsMessage::Text(p.to_string()));
            drop(gw);
            self.inner.record_frame(false, p);
        }
    }

    /// Tells the bot its session is invalid (op 9); `resumable` is the `d` flag.
    pub fn invalidate_session(&self, resumable: bool) {
        let gw = lock(&self.inner.gateway);
        if let Some(conn) = &gw.conn {
            let p = json!({"op": 9, "d": resumable});
            let _ = conn.tx.send(WsMessage::Text(p.to_string()));
            drop(gw);
            self.inner.record_frame(false, p);
        }
    }

    /// Drops the connection abruptly: the TCP stream closes with no close frame,
    /// as when a network path dies. The session stays resumable.
    pub fn drop_socket(&self) {
        if let Some(conn) = lock(&self.inner.gateway).conn.take() {
            conn.kill.notify_one();
        }
    }

    /// Closes the connection cleanly with a close code (4000 is resumable,
    /// 4004 means a bad token, 4014 disallowed intents).
    pub fn close_socket(&self, code: u16, reason: &str) {
        if let Some(conn) = lock(&self.inner.gateway).conn.take() {
            let _ = conn
                .tx
                .send(WsMessage::Close(Some(axum::extract::ws::CloseFrame {
                    code,
                    reason: reason.to_string().into(),
                })));
        }
    }

    /// Ends the session's life on the stand-in's side: a RESUME of it gets op 9
    /// (not resumable), as Discord answers one for a session that timed out.
    pub fn expire_session(&self) {
        lock(&self.inner.gateway).session_id = None;
    }

    /// While on, the gateway refuses every new connection with `503` before the
    /// WebSocket upgrade, as Discord's edge does in an outage: the bot never gets
    /// a HELLO (counted in [`Self::refused_connections`]).
    pub fn refuse_gateway(&self, on: bool) {
        self.inner.refuse_gateway.store(on, Ordering::SeqCst);
    }

    /// Whether the bot is connected (identified or resumed) right now.
    pub fn connected(&self) -> bool {
        lock(&self.inner.gateway).conn.is_some()
    }

    /// Stops (or resumes) answering heartbeats with ACKs.
    pub fn set_heartbeat_acks(&self, on: bool) {
        self.inner.acks.store(on, Ordering::SeqCst);
    }

    /// The heartbeat interval announced in HELLO from the next connection on.
    pub fn set_heartbeat_interval(&self, ms: u64) {
        self.inner.heartbeat_ms.store(ms, Ordering::SeqCst);
    }

    /// Closes every IDENTIFY with 4004 (authentication failed), as Discord does for a bad token.
    pub fn reject_token(&self, on: bool) {
        self.inner.reject_token.store(on, Ordering::SeqCst);
    }

    /// Whether messages the bot posts come back to it as MESSAGE_CREATE, as on
    /// Discord (on by default: a bot must ignore its own messages).
    pub fn set_echo(&self, on: bool) {
        self.inner.echo.store(on, Ordering::SeqCst);
    }

    /// How long an interaction accepts its first callback (Discord: 3 s). A later
    /// callback gets `404 Unknown interaction`, as on Discord.
    pub fn set_interaction_window(&self, window: Duration) {
        self.inner
            .interaction_window_ms
            .store(window.as_millis() as u64, Ordering::SeqCst);
    }

    // ---- REST controls ------------------------------------------------------

    /// Answers the next `times` requests whose method matches and whose path
    /// starts with `path_prefix` with a per-route 429 (`retry_after` in seconds).
    pub fn rate_limit(&self, method: &str, path_prefix: &str, times: u32, retry_after: f64) {
        lock(&self.inner.limits).push(RateLimit {
            route: Some((method.to_string(), path_prefix.to_string())),
            remaining: times,
            retry_after,
            until: None,
        });
    }

    /// Answers the next `times` requests, whatever the route, with a global 429.
    pub fn rate_limit_global(&self, times: u32, retry_after: f64) {
        lock(&self.inner.limits).push(RateLimit {
            route: None,
            remaining: times,
            retry_after,
            until: None,
        });
    }

    /// Answers the next `times` matching requests with Discord's error `code`
    /// (e.g. 500/0, 403/50013) without acting on them.
    pub fn fail(&self, method: &str, path_prefix: &str, times: u32, status: u16, code: u64) {
        let message = match code {
            50001 => "Missing Access",
            50007 => "Cannot send messages to this user",
            50013 => "Missing Permissions",
            50083 => "Thread is archived",
            _ if status >= 500 => "500: Internal Server Error",
            _ => "Error",
        };
        self.push_fault(
            method,
            path_prefix,
            times,
            FaultKind::Fail(status, code, message.to_string()),
        );
    }

    /// Acts on the next `times` matching requests, then answers `status` (a 5xx
    /// that came after Discord did the work, as when a gateway times out).
    pub fn fail_after_acting(&self, method: &str, path_prefix: &str, times: u32, status: u16) {
        self.push_fault(
            method,
            path_prefix,
            times,
            FaultKind::FailAfterActing(status),
        );
    }

    /// Holds the next `times` matching requests unanswered until the returned
    /// [`Release`] is released. A held request is recorded with status 0.
    pub fn hang(&self, method: &str, path_prefix: &str, times: u32) -> Arc<Release> {
        let r = Arc::new(Release::default());
        self.push_fault(method, path_prefix, times, FaultKind::Hang(r.clone()));
        r
    }

    fn push_fault(&self, method: &str, prefix: &str, times: u32, kind: FaultKind) {
        lock(&self.inner.faults).push(Fault {
            method: method.to_string(),
            prefix: prefix.to_string(),
            remaining: times,
            kind,
        });
    }

    /// The user's DMs are closed to the bot: messages to their DM channel get 50007.
    pub fn close_dms(&self, user: u64) {
        lock(&self.inner.world).closed_dms.insert(user);
    }

    /// The bot lacks a permission in `channel`: messages and threads there get
    /// 403 with `code` (50013 Missing Permissions, 50001 Missing Access).
    pub fn deny(&self, channel: u64, code: u64) {
        lock(&self.inner.world).denied.insert(channel, code);
    }

    /// Every IDENTIFY from now on is closed with `code` (4010-4014) instead of
    /// READY, as Discord does for bad shard data or intents (0 turns it off).
    pub fn close_on_identify(&self, code: u16) {
        self.inner
            .close_on_identify
            .store(u64::from(code), Ordering::SeqCst);
    }

    // ---- injections ---------------------------------------------------------

    fn inject_interaction(&self, id: u64, channel: u64, message: Option<u64>, payload: Value) {
        {
            let mut w = lock(&self.inner.world);
            register_dm(&mut w, channel);
            w.interactions.insert(
                id,
                Pending {
                    token: payload["token"].as_str().unwrap_or_default().to_string(),
                    channel,
                    message,
                    created: Instant::now(),
                    acked: false,
                },
            );
            if let Some(m) = message {
                w.messages.insert(m, payload["message"].clone());
            }
        }
        self.dispatch("INTERACTION_CREATE", payload);
    }

    /// Injects a slash command (`options` is Discord's options array, subcommands
    /// included) and returns the interaction id.
    pub fn slash(&self, user: u64, channel: u64, name: &str, options: Value) -> u64 {
        self.slash_with(user, channel, name, options, |_| {})
    }

    /// A slash command whose payload `change` adjusts first (e.g. the member's permissions).
    pub fn slash_with(
        &self,
        user: u64,
        channel: u64,
        name: &str,
        options: Value,
        change: impl FnOnce(&mut Value),
    ) -> u64 {
        let id = self.next_id();
        let mut p = fixtures::command_interaction(id, user, channel, name, options);
        change(&mut p);
        self.inject_interaction(id, channel, None, p);
        id
    }

    /// A slash command the bot misses as its socket dies: it arrives only by RESUME replay.
    pub fn slash_missed(&self, user: u64, channel: u64, name: &str, options: Value) -> u64 {
        let id = self.next_id();
        let p = fixtures::command_interaction(id, user, channel, name, options);
        {
            let mut w = lock(&self.inner.world);
            w.interactions.insert(
                id,
                Pending {
                    token: p["token"].as_str().unwrap_or_default().to_string(),
                    channel,
                    message: None,
                    created: Instant::now(),
                    acked: false,
                },
            );
        }
        self.dispatch_missed("INTERACTION_CREATE", p);
        id
    }

    /// Injects an autocomplete interaction; the focused option has `"focused": true`.
    pub fn autocomplete(&self, user: u64, channel: u64, name: &str, options: Value) -> u64 {
        let id = self.next_id();
        let p = fixtures::autocomplete_interaction(id, user, channel, name, options);
        self.inject_interaction(id, channel, None, p);
        id
    }

    /// Injects a button press on a fresh bot message.
    pub fn button(&self, user: u64, channel: u64, custom_id: &str) -> u64 {
        let id = self.next_id();
        let message = self.next_id();
        let p = fixtures::component_interaction(id, user, channel, message, custom_id);
        self.inject_interaction(id, channel, Some(message), p);
        id
    }

    /// Injects a modal submission with `(custom_id, value)` text inputs.
    pub fn modal_submit(
        &self,
        user: u64,
        channel: u64,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> u64 {
        let id = self.next_id();
        let p = fixtures::modal_interaction(id, user, channel, custom_id, fields);
        self.inject_interaction(id, channel, None, p);
        id
    }

    /// Injects a message from a user and returns its id.
    pub fn message(&self, user: u64, channel: u64, content: &str) -> u64 {
        let id = self.next_id();
        let m = self.user_message(id, user, channel, content);
        self.dispatch("MESSAGE_CREATE", m);
        id
    }

    /// A user message the bot misses (see [`Self::dispatch_missed`]).
    pub fn message_missed(&self, user: u64, channel: u64, content: &str) -> u64 {
        let id = self.next_id();
        let m = self.user_message(id, user, channel, content);
        self.dispatch_missed("MESSAGE_CREATE", m);
        id
    }

    fn user_message(&self, id: u64, user: u64, channel: u64, content: &str) -> Value {
        // Without the MESSAGE_CONTENT intent (1 << 15) Discord sends a server
        // message with no text unless it mentions the bot.
        let intents = lock(&self.inner.gateway).intents;
        let mut w = lock(&self.inner.world);
        register_dm(&mut w, channel);
        let guild = w
            .channels
            .get(&channel)
            .is_none_or(|c| c.get("guild_id").is_some());
        let mentions_bot = content.contains(&format!("<@{BOT_ID}>"));
        let content = if guild && intents & (1 << 15) == 0 && !mentions_bot && intents != 0 {
            ""
        } else {
            content
        };
        let m = fixtures::message(id, channel, user, content, guild);
        w.messages.insert(id, m.clone());
        m
    }

    /// Injects THREAD_CREATE for a thread made by someone else, and returns its id.
    pub fn thread_create(&self, parent: u64, name: &str, kind: u64, owner: u64) -> u64 {
        let id = self.next_id();
        let mut t = fixtures::thread(id, parent, name, kind);
        t["owner_id"] = json!(owner.to_string());
        t["newly_created"] = json!(true);
        lock(&self.inner.world).channels.insert(id, t.clone());
        self.dispatch("THREAD_CREATE", t);
        id
    }

    /// Injects THREAD_UPDATE after changing a known thread with `change`
    /// (e.g. `|t| t["thread_metadata"]["archived"] = json!(true)`).
    pub fn thread_update(&self, thread: u64, change: impl FnOnce(&mut Value)) {
        let t = {
            let mut w = lock(&self.inner.world);
            let t = w
                .channels
                .get_mut(&thread)
                .unwrap_or_else(|| panic!("no thread {thread} in the stand-in"));
            change(t);
            t.clone()
        };
        self.dispatch("THREAD_UPDATE", t);
    }
}

/// A DM channel id from [`fixtures::dm_channel_id`] exists once anyone uses it.
pub(crate) fn register_dm(w: &mut World, channel: u64) {
    if let Some(user) = fixtures::dm_user(channel) {
        w.channels
            .entry(channel)
            .or_insert_with(|| fixtures::dm_channel(channel, user));
    }
}
