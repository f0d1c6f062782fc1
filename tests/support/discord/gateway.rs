//! The gateway WebSocket: HELLO, IDENTIFY -> READY -> GUILD_CREATE, heartbeats,
//! RESUME with replay of the events the bot missed, and the ways a connection ends.

use super::{fixtures, lock, Conn, Inner};
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::{mpsc, Notify};

pub(super) async fn upgrade(ws: WebSocketUpgrade, State(inner): State<Arc<Inner>>) -> Response {
    if let Some(refused) = refused(&inner, "/gateway") {
        return refused;
    }
    ws.on_upgrade(move |socket| session(socket, inner))
}

/// The same gateway, reached on READY's `resume_gateway_url` (counted apart).
pub(super) async fn upgrade_resume(
    ws: WebSocketUpgrade,
    State(inner): State<Arc<Inner>>,
) -> Response {
    if let Some(refused) = refused(&inner, "/gateway-resume") {
        return refused;
    }
    inner.resume_url_connections.fetch_add(1, Ordering::SeqCst);
    ws.on_upgrade(move |socket| session(socket, inner))
}

/// A 503 instead of the upgrade while the stand-in plays an outage.
fn refused(inner: &Inner, path: &str) -> Option<Response> {
    if !inner.refuse_gateway.load(Ordering::SeqCst) {
        return None;
    }
    lock(&inner.refused).push(path.to_string());
    inner.changed.notify_waiters();
    Some(
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "upstream connect error",
        )
            .into_response(),
    )
}

fn send(inner: &Inner, tx: &mpsc::UnboundedSender<WsMessage>, payload: Value) {
    let _ = tx.send(WsMessage::Text(payload.to_string()));
    inner.record_frame(false, payload);
}

async fn session(socket: WebSocket, inner: Arc<Inner>) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<WsMessage>();
    let kill = Arc::new(Notify::new());
    let id = {
        let mut gw = lock(&inner.gateway);
        gw.conn_ids += 1;
        gw.conn_ids
    };
    let mut writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            let close = matches!(m, WsMessage::Close(_));
            if sink.send(m).await.is_err() || close {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let hello = json!({"op": 10, "s": null, "t": null,
        "d": {"heartbeat_interval": inner.heartbeat_ms.load(Ordering::SeqCst)}});
    send(&inner, &tx, hello);
    let killed = kill.clone();
    let mut writer_done = false;
    loop {
        let msg = tokio::select! {
            m = stream.next() => m,
            _ = killed.notified() => {
                // Abrupt: no close frame, the TCP stream just goes away.
                writer.abort();
                return;
            }
            _ = &mut writer => {
                writer_done = true;
                break;
            }
        };
        let text = match msg {
            Some(Ok(WsMessage::Text(t))) => t,
            Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => continue,
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            tracing::warn!("discord stand-in: the bot sent a gateway frame that is not JSON");
            continue;
        };
        inner.record_frame(true, v.clone());
        match v["op"].as_u64() {
            Some(1) if inner.acks.load(Ordering::SeqCst) => {
                send(
                    &inner,
                    &tx,
                    json!({"op": 11, "s": null, "t": null, "d": null}),
                );
            }
            Some(2) if inner.reject_token.load(Ordering::SeqCst) => {
                let _ = tx.send(WsMessage::Close(Some(axum::extract::ws::CloseFrame {
                    code: 4004,
                    reason: "Authentication failed.".into(),
                })));
            }
            Some(2) if inner.close_on_identify.load(Ordering::SeqCst) != 0 => {
                inner.identifies.fetch_add(1, Ordering::SeqCst);
                let code = inner.close_on_identify.load(Ordering::SeqCst) as u16;
                let reason = match code {
                    4010 => "Invalid shard.",
                    4011 => "Sharding required.",
                    4012 => "Invalid API version.",
                    4013 => "Invalid intent(s).",
                    _ => "Disallowed intent(s).",
                };
                let _ = tx.send(WsMessage::Close(Some(axum::extract::ws::CloseFrame {
                    code,
                    reason: reason.into(),
                })));
            }
            Some(2) => {
                lock(&inner.gateway).intents = v["d"]["intents"].as_u64().unwrap_or(0);
                identify(&inner, id, &tx, &kill)
            }
            Some(6) => resume(&inner, id, &tx, &kill, &v["d"]),
            _ => {}
        }
    }
    {
        let mut gw = lock(&inner.gateway);
        if gw.conn.as_ref().is_some_and(|c| c.id == id) {
            gw.conn = None;
        }
    }
    drop(tx);
    if !writer_done {
        let _ = writer.await;
    }
    inner.record_frame(false, json!({"stand_in": "connection closed"}));
}

/// A new session: READY then GUILD_CREATE; events queued for an older session are gone.
fn identify(inner: &Inner, id: u64, tx: &mpsc::UnboundedSender<WsMessage>, kill: &Arc<Notify>) {
    inner.identifies.fetch_add(1, Ordering::SeqCst);
    let session = format!("standin-session-{id}");
    {
        let mut gw = lock(&inner.gateway);
        gw.session_id = Some(session.clone());
        gw.seq = 0;
        gw.log.clear();
        gw.conn = Some(Conn {
            id,
            tx: tx.clone(),
            kill: kill.clone(),
        });
    }
    let guild = {
        let w = lock(&inner.world);
        let mut channels = Vec::new();
        let mut threads = Vec::new();
        for c in w.channels.values() {
            if c.get("guild_id").is_none() {
                continue;
            }
            if c.get("thread_metadata").is_some() {
                if c["thread_metadata"]["archived"] != true {
                    threads.push(c.clone());
                }
            } else {
                channels.push(c.clone());
            }
        }
        let mut g = fixtures::guild();
        g["channels"] = Value::Array(channels);
        g["threads"] = Value::Array(threads);
        g
    };
    inner.dispatch(
        "READY",
        fixtures::ready(&session, &inner.resume_url()),
        true,
    );
    inner.dispatch("GUILD_CREATE", guild, true);
}

/// Resumes the session if the id matches: replays every dispatch after the
/// bot's last sequence number, then RESUMED. Otherwise op 9 (not resumable).
fn resume(
    inner: &Inner,
    id: u64,
    tx: &mpsc::UnboundedSender<WsMessage>,
    kill: &Arc<Notify>,
    d: &Value,
) {
    let from = d["seq"].as_u64().unwrap_or(0);
    let mut gw = lock(&inner.gateway);
    let valid = gw.session_id.as_deref() == d["session_id"].as_str() && from <= gw.seq;
    if !valid {
        drop(gw);
        send(
            inner,
            tx,
            json!({"op": 9, "s": null, "t": null, "d": false}),
        );
        return;
    }
    inner.resumes.fetch_add(1, Ordering::SeqCst);
    gw.conn = Some(Conn {
        id,
        tx: tx.clone(),
        kill: kill.clone(),
    });
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
    let seq = gw.seq;
    let resumed = json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}});
    gw.log.push((seq, resumed.clone()));
    let _ = tx.send(WsMessage::Text(resumed.to_string()));
    drop(gw);
    for p in missed {
        inner.record_frame(false, p);
    }
    inner.record_frame(false, resumed);
}
