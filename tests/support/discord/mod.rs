//! A local stand-in for Discord's REST API and gateway, for end-to-end tests of
//! the real serenity client. It listens on `127.0.0.1:0` (one per test), records
//! every request and gateway payload, and lets a test inject events, force
//! reconnects, drop the socket, stop heartbeat ACKs and answer a route with 429.
//!
//! It knows nothing of coffeechat: any bot built on serenity can be driven by it.
#![allow(dead_code)]

pub mod fixtures;

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Notify};

pub use fixtures::{BOT_ID, TEXT_CHANNEL_ID};

/// One REST request the bot made.
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
}

/// One gateway payload, in either direction.
#[derive(Debug, Clone)]
pub struct Frame {
    pub from_bot: bool,
    pub payload: Value,
    pub at: Instant,
}

struct RateLimit {
    method: String,
    path_prefix: String,
    remaining: u32,
    retry_after: f64,
}

#[derive(Default)]
struct Gateway {
    seq: u64,
    /// Every dispatch sent (or queued while disconnected), for RESUME replay.
    log: Vec<(u64, Value)>,
    conn: Option<mpsc::UnboundedSender<WsMessage>>,
    conn_id: u64,
    session_id: String,
}

struct Inner {
    addr: std::net::SocketAddr,
    requests: Mutex<Vec<Request>>,
    frames: Mutex<Vec<Frame>>,
    changed: Notify,
    gateway: Mutex<Gateway>,
    acks: AtomicBool,
    heartbeat_ms: AtomicU64,
    ids: AtomicU64,
    limits: Mutex<Vec<RateLimit>>,
    identifies: AtomicU64,
    resumes: AtomicU64,
    reject_token: AtomicBool,
}

/// The running stand-in. Dropping it stops the server.
#[derive(Clone)]
pub struct StandIn {
    inner: Arc<Inner>,
    _server: Arc<tokio::task::JoinHandle<()>>,
}

impl StandIn {
    /// Starts a stand-in on a free loopback port.
    pub async fn start() -> StandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let inner = Arc::new(Inner {
            addr,
            requests: Mutex::new(Vec::new()),
            frames: Mutex::new(Vec::new()),
            changed: Notify::new(),
            gateway: Mutex::new(Gateway {
                session_id: "standin-session-1".into(),
                ..Gateway::default()
            }),
            acks: AtomicBool::new(true),
            heartbeat_ms: AtomicU64::new(5_000),
            ids: AtomicU64::new(900_000_000_000_000_000),
            limits: Mutex::new(Vec::new()),
            identifies: AtomicU64::new(0),
            resumes: AtomicU64::new(0),
            reject_token: AtomicBool::new(false),
        });
        let app = Router::new()
            .route("/gateway", get(ws_handler))
            .fallback(rest_handler)
            .with_state(inner.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        StandIn {
            inner,
            _server: Arc::new(server),
        }
    }

    /// The base URL to give the bot's HTTP client (`HttpBuilder::proxy`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/gateway", self.inner.addr)
    }

    /// A fresh snowflake id.
    pub fn next_id(&self) -> u64 {
        self.inner.ids.fetch_add(1, Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.inner.requests.lock().expect("lock").clone()
    }

    pub fn frames(&self) -> Vec<Frame> {
        self.inner.frames.lock().expect("lock").clone()
    }

    pub fn identifies(&self) -> u64 {
        self.inner.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> u64 {
        self.inner.resumes.load(Ordering::SeqCst)
    }

    /// Waits for a request matching `pred` (already made or still to come).
    pub async fn wait_for_request(
        &self,
        timeout: Duration,
        pred: impl Fn(&Request) -> bool,
    ) -> Request {
        self.try_wait_for_request(timeout, pred)
            .await
            .unwrap_or_else(|| {
                let seen: Vec<String> = self
                    .requests()
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.path))
                    .collect();
                panic!("no matching request within {timeout:?}; requests so far: {seen:#?}")
            })
    }

    pub async fn try_wait_for_request(
        &self,
        timeout: Duration,
        pred: impl Fn(&Request) -> bool,
    ) -> Option<Request> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            if let Some(r) = self.requests().into_iter().find(|r| pred(r)) {
                return Some(r);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// Waits for a gateway frame matching `pred`.
    pub async fn wait_for_frame(&self, timeout: Duration, pred: impl Fn(&Frame) -> bool) -> Frame {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            if let Some(f) = self.frames().into_iter().find(|f| pred(f)) {
                return f;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no matching gateway frame within {timeout:?}");
            }
        }
    }

    /// Waits until the bot has identified and received READY and GUILD_CREATE.
    pub async fn wait_ready(&self, timeout: Duration) {
        self.wait_for_frame(timeout, |f| !f.from_bot && f.payload["t"] == "GUILD_CREATE")
            .await;
    }

    /// Sends a dispatch event (op 0) now, or queues it for RESUME replay while disconnected.
    pub fn dispatch(&self, event: &str, data: Value) -> u64 {
        let mut gw = self.inner.gateway.lock().expect("lock");
        gw.seq += 1;
        let seq = gw.seq;
        let payload = json!({"op": 0, "t": event, "s": seq, "d": data});
        gw.log.push((seq, payload.clone()));
        if let Some(conn) = &gw.conn {
            let _ = conn.send(WsMessage::Text(payload.to_string()));
            drop(gw);
            self.inner.record_frame(false, payload);
        }
        seq
    }

    /// Logs a dispatch as sent while the bot's socket was dying: the bot never
    /// receives it now, only through RESUME replay.
    pub fn dispatch_missed(&self, event: &str, data: Value) -> u64 {
        let mut gw = self.inner.gateway.lock().expect("lock");
        gw.seq += 1;
        let seq = gw.seq;
        gw.log
            .push((seq, json!({"op": 0, "t": event, "s": seq, "d": data})));
        seq
    }

    /// A user message the bot misses (see [`Self::dispatch_missed`]).
    pub fn message_missed(&self, user: u64, channel: u64, content: &str) -> u64 {
        let id = self.next_id();
        self.dispatch_missed(
            "MESSAGE_CREATE",
            fixtures::message(id, channel, user, content, true),
        );
        id
    }

    /// Asks the bot to reconnect (op 7).
    pub fn reconnect(&self) {
        let gw = self.inner.gateway.lock().expect("lock");
        if let Some(conn) = &gw.conn {
            let _ = conn.send(WsMessage::Text(json!({"op": 7, "d": null}).to_string()));
        }
    }

    /// Closes the socket abruptly (no close frame is sent by the bot's side first).
    pub fn drop_socket(&self) {
        let mut gw = self.inner.gateway.lock().expect("lock");
        if let Some(conn) = gw.conn.take() {
            let _ = conn.send(WsMessage::Close(Some(axum::extract::ws::CloseFrame {
                code: 4000,
                reason: "stand-in dropped the connection".into(),
            })));
        }
    }

    /// Whether the bot is connected right now.
    pub fn connected(&self) -> bool {
        self.inner.gateway.lock().expect("lock").conn.is_some()
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

    /// Answers the next `times` requests whose method and path match with 429.
    pub fn rate_limit(&self, method: &str, path_prefix: &str, times: u32, retry_after: f64) {
        self.inner.limits.lock().expect("lock").push(RateLimit {
            method: method.to_string(),
            path_prefix: path_prefix.to_string(),
            remaining: times,
            retry_after,
        });
    }

    /// Injects a slash command and returns the interaction id.
    pub fn slash(&self, user: u64, channel: u64, name: &str, options: Value) -> u64 {
        let id = self.next_id();
        self.dispatch(
            "INTERACTION_CREATE",
            fixtures::command_interaction(id, user, channel, name, options),
        );
        id
    }

    /// Injects an autocomplete interaction.
    pub fn autocomplete(&self, user: u64, channel: u64, name: &str, options: Value) -> u64 {
        let id = self.next_id();
        self.dispatch(
            "INTERACTION_CREATE",
            fixtures::autocomplete_interaction(id, user, channel, name, options),
        );
        id
    }

    /// Injects a button press.
    pub fn button(&self, user: u64, channel: u64, custom_id: &str) -> u64 {
        let id = self.next_id();
        let message = self.next_id();
        self.dispatch(
            "INTERACTION_CREATE",
            fixtures::component_interaction(id, user, channel, message, custom_id),
        );
        id
    }

    /// Injects a modal submission.
    pub fn modal_submit(
        &self,
        user: u64,
        channel: u64,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> u64 {
        let id = self.next_id();
        self.dispatch(
            "INTERACTION_CREATE",
            fixtures::modal_interaction(id, user, channel, custom_id, fields),
        );
        id
    }

    /// Injects a message from a user.
    pub fn message(&self, user: u64, channel: u64, content: &str) -> u64 {
        let id = self.next_id();
        self.dispatch(
            "MESSAGE_CREATE",
            fixtures::message(id, channel, user, content, true),
        );
        id
    }
}

impl Inner {
    fn record_frame(&self, from_bot: bool, payload: Value) {
        self.frames.lock().expect("lock").push(Frame {
            from_bot,
            payload,
            at: Instant::now(),
        });
        self.changed.notify_waiters();
    }

    fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::SeqCst)
    }
}

async fn ws_handler(ws: WebSocketUpgrade, State(inner): State<Arc<Inner>>) -> Response {
    ws.on_upgrade(move |socket| gateway_session(socket, inner))
}

async fn gateway_session(socket: WebSocket, inner: Arc<Inner>) {
    use futures::{SinkExt, StreamExt};
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<WsMessage>();
    let my_id = {
        let mut gw = inner.gateway.lock().expect("lock");
        gw.conn_id += 1;
        gw.conn_id
    };
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            let close = matches!(m, WsMessage::Close(_));
            if sink.send(m).await.is_err() || close {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let hello =
        json!({"op": 10, "d": {"heartbeat_interval": inner.heartbeat_ms.load(Ordering::SeqCst)}});
    let _ = tx.send(WsMessage::Text(hello.to_string()));
    inner.record_frame(false, hello);
    while let Some(Ok(msg)) = stream.next().await {
        let text = match msg {
            WsMessage::Text(t) => t,
            WsMessage::Close(_) => break,
            _ => continue,
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        inner.record_frame(true, v.clone());
        match v["op"].as_u64() {
            Some(1) if inner.acks.load(Ordering::SeqCst) => {
                let _ = tx.send(WsMessage::Text(json!({"op": 11}).to_string()));
            }
            Some(2) if inner.reject_token.load(Ordering::SeqCst) => {
                let _ = tx.send(WsMessage::Close(Some(axum::extract::ws::CloseFrame {
                    code: 4004,
                    reason: "Authentication failed.".into(),
                })));
            }
            Some(2) => {
                inner.identifies.fetch_add(1, Ordering::SeqCst);
                let ws_url = format!("ws://{}/gateway", inner.addr);
                let mut gw = inner.gateway.lock().expect("lock");
                gw.conn = Some(tx.clone());
                gw.session_id = format!("standin-session-{}", my_id);
                let ready = fixtures::ready(&gw.session_id, &ws_url);
                for (t, d) in [("READY", ready), ("GUILD_CREATE", fixtures::guild())] {
                    gw.seq += 1;
                    let seq = gw.seq;
                    let p = json!({"op": 0, "t": t, "s": seq, "d": d});
                    gw.log.push((seq, p.clone()));
                    let _ = tx.send(WsMessage::Text(p.to_string()));
                    inner.frames.lock().expect("lock").push(Frame {
                        from_bot: false,
                        payload: p,
                        at: Instant::now(),
                    });
                }
                drop(gw);
                inner.changed.notify_waiters();
            }
            Some(6) => {
                inner.resumes.fetch_add(1, Ordering::SeqCst);
                let from = v["d"]["seq"].as_u64().unwrap_or(0);
                let mut gw = inner.gateway.lock().expect("lock");
                gw.conn = Some(tx.clone());
                let missed: Vec<Value> = gw
                    .log
                    .iter()
                    .filter(|(s, _)| *s > from)
                    .map(|(_, p)| p.clone())
                    .collect();
                for p in &missed {
                    let _ = tx.send(WsMessage::Text(p.to_string()));
                }
                gw.seq += 1;
                let resumed = json!({"op": 0, "t": "RESUMED", "s": gw.seq, "d": {}});
                let _ = tx.send(WsMessage::Text(resumed.to_string()));
                drop(gw);
                for p in missed {
                    inner.record_frame(false, p);
                }
                inner.record_frame(false, resumed);
            }
            _ => {}
        }
    }
    {
        let mut gw = inner.gateway.lock().expect("lock");
        if gw.conn.as_ref().is_some_and(|c| c.same_channel(&tx)) {
            gw.conn = None;
        }
    }
    drop(tx);
    let _ = writer.await;
    inner.changed.notify_waiters();
}

fn multipart_json(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let Some(pos) = text.find("name=\"payload_json\"") else {
        return Value::Null;
    };
    let rest = &text[pos..];
    let Some(start) = rest.find("\r\n\r\n") else {
        return Value::Null;
    };
    let rest = &rest[start + 4..];
    let end = rest.find("\r\n--").unwrap_or(rest.len());
    serde_json::from_str(&rest[..end]).unwrap_or(Value::Null)
}

async fn rest_handler(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let full = uri.path().to_string();
    let path = full.strip_prefix("/api/v10").unwrap_or(&full).to_string();
    let is_multipart = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let json = if is_multipart {
        multipart_json(&body)
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    let req = Request {
        method: method.to_string(),
        path: path.clone(),
        query: uri.query().unwrap_or("").to_string(),
        json: json.clone(),
        body: body.to_vec(),
        at: Instant::now(),
    };
    // A 429 for a chosen route, as Discord sends it.
    {
        let mut limits = inner.limits.lock().expect("lock");
        if let Some(l) = limits
            .iter_mut()
            .find(|l| l.remaining > 0 && l.method == req.method && path.starts_with(&l.path_prefix))
        {
            l.remaining -= 1;
            let retry = l.retry_after;
            drop(limits);
            inner.requests.lock().expect("lock").push(req);
            inner.changed.notify_waiters();
            let mut resp = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({"message": "You are being rate limited.", "retry_after": retry, "global": false})),
            )
                .into_response();
            let h = resp.headers_mut();
            h.insert(
                "retry-after",
                format!("{}", retry.ceil() as u64).parse().expect("header"),
            );
            h.insert("x-ratelimit-limit", "5".parse().expect("header"));
            h.insert("x-ratelimit-remaining", "0".parse().expect("header"));
            h.insert(
                "x-ratelimit-reset-after",
                format!("{retry}").parse().expect("header"),
            );
            h.insert(
                "x-ratelimit-bucket",
                "standin-bucket".parse().expect("header"),
            );
            return resp;
        }
    }
    inner.requests.lock().expect("lock").push(req);
    inner.changed.notify_waiters();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let m = method.as_str();
    let ok = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    let ws_url = format!("ws://{}/gateway", inner.addr);
    match (m, segs.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": ws_url})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": ws_url, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        })),
        ("GET", ["oauth2", "applications", "@me"]) => ok(fixtures::application()),
        ("GET", ["users", "@me"]) => ok(fixtures::bot_user()),
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let cmds: Vec<Value> = json
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut c| {
                    c["id"] = json!(inner.next_id().to_string());
                    c["application_id"] = json!(BOT_ID.to_string());
                    c["version"] = json!("1");
                    c["type"] = c.get("type").cloned().unwrap_or(json!(1));
                    c
                })
                .collect();
            ok(Value::Array(cmds))
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, _]) => {
            let channel = TEXT_CHANNEL_ID;
            ok(fixtures::message_from_body(inner.next_id(), channel, &json))
        }
        ("PATCH", ["webhooks", _, _, "messages", _])
        | ("GET", ["webhooks", _, _, "messages", _]) => ok(fixtures::message_from_body(
            inner.next_id(),
            TEXT_CHANNEL_ID,
            &json,
        )),
        ("DELETE", ["webhooks", _, _, "messages", _]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["channels", ch, "messages"]) => {
            let ch = ch.parse().unwrap_or(TEXT_CHANNEL_ID);
            ok(fixtures::message_from_body(inner.next_id(), ch, &json))
        }
        ("PATCH", ["channels", ch, "messages", _]) => {
            let ch = ch.parse().unwrap_or(TEXT_CHANNEL_ID);
            ok(fixtures::message_from_body(inner.next_id(), ch, &json))
        }
        ("POST", ["channels", parent, "threads"])
        | ("POST", ["channels", parent, "messages", _, "threads"]) => {
            let parent: u64 = parent.parse().unwrap_or(TEXT_CHANNEL_ID);
            let name = json["name"].as_str().unwrap_or("thread");
            let kind = json["type"].as_u64().unwrap_or(11);
            ok(fixtures::thread(inner.next_id(), parent, name, kind))
        }
        ("PUT", ["channels", _, "thread-members", _]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["users", "@me", "channels"]) => {
            let user: u64 = json["recipient_id"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .or(json["recipient_id"].as_u64())
                .unwrap_or(1);
            ok(fixtures::dm_channel(fixtures::dm_channel_id(user), user))
        }
        _ => {
            tracing::warn!(method = m, path = %path, "discord stand-in: no such route");
            eprintln!("discord stand-in: unknown route {m} {path}");
            (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"message": "404: Not Found", "code": 0})),
            )
                .into_response()
        }
    }
}
