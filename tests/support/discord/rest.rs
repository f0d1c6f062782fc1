//! REST under `/api/v10`: the routes a bot commonly uses, answered as Discord
//! answers them, with Discord's error bodies where a real bot could go wrong.
//! Any other route is a JSON 404, logged so a missing route is visible.

// The checks return the error response itself; its size does not matter here.
#![allow(clippy::result_large_err)]

use super::{fixtures, lock, register_dm, FaultKind, Inner, Request, BOT_ID};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const EPHEMERAL: u64 = 1 << 6;
const LOADING: u64 = 1 << 7;

fn ok(v: Value) -> Response {
    (StatusCode::OK, axum::Json(v)).into_response()
}

fn created(v: Value) -> Response {
    (StatusCode::CREATED, axum::Json(v)).into_response()
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Discord's JSON error: `{"message": ..., "code": ...}`.
fn error(status: StatusCode, code: u64, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"message": message, "code": code})),
    )
        .into_response()
}

/// Discord's 50035, with `errors` nested along the field's path as Discord
/// nests it (`embeds.title` -> `{"embeds": {"title": {"_errors": [...]}}}`).
fn invalid_form(field: &str, why: &str) -> Response {
    tracing::warn!(field, why, "discord stand-in: invalid form body");
    eprintln!("discord stand-in: 400 Invalid Form Body: {field}: {why}");
    let mut errors = json!({"_errors": [{"code": "BASE_TYPE_INVALID", "message": why}]});
    for part in field.rsplit('.') {
        errors = json!({ part: errors });
    }
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({
            "message": "Invalid Form Body", "code": 50035, "errors": errors
        })),
    )
        .into_response()
}

fn unknown_channel() -> Response {
    error(StatusCode::NOT_FOUND, 10003, "Unknown Channel")
}

fn unknown_message() -> Response {
    error(StatusCode::NOT_FOUND, 10008, "Unknown Message")
}

fn unknown_webhook() -> Response {
    error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook")
}

fn unknown_interaction() -> Response {
    error(StatusCode::NOT_FOUND, 10062, "Unknown interaction")
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

/// A 429 as Discord sends it, per route or global.
fn rate_limited(retry_after: f64, global: bool) -> Response {
    let body = json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global});
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let h = resp.headers_mut();
    let mut set = |k: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    set("retry-after", format!("{}", retry_after.ceil() as u64));
    if global {
        set("x-ratelimit-global", "true".into());
        set("x-ratelimit-scope", "global".into());
    } else {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        set("x-ratelimit-limit", "5".into());
        set("x-ratelimit-remaining", "0".into());
        set("x-ratelimit-reset", format!("{:.3}", now + retry_after));
        set("x-ratelimit-reset-after", format!("{retry_after:.3}"));
        set("x-ratelimit-bucket", "standin-bucket".into());
        set("x-ratelimit-scope", "user".into());
    }
    resp
}

pub(super) async fn handle(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let full = uri.path().to_string();
    let path = full.strip_prefix("/api/v10").unwrap_or(&full).to_string();
    let query = uri.query().unwrap_or("").to_string();
    let multipart = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let json = if multipart {
        multipart_json(&body)
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    let mut req = Request {
        method: method.to_string(),
        path,
        query,
        json,
        body: body.to_vec(),
        at: Instant::now(),
        status: 0,
    };
    if let Some((retry_after, global)) = inner.take_rate_limit(&req.method, &req.path) {
        let resp = rate_limited(retry_after, global);
        req.status = resp.status().as_u16();
        inner.record_request(req);
        return resp;
    }
    let resp = match inner.take_fault(&req.method, &req.path) {
        None => route(&inner, &req, multipart),
        Some(FaultKind::Fail(status, code, message)) => error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            &message,
        ),
        Some(FaultKind::FailAfterActing(status)) => {
            let _ = route(&inner, &req, multipart);
            error(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                0,
                "500: Internal Server Error",
            )
        }
        Some(FaultKind::Hang(release)) => {
            // Recorded now (status 0), so a test sees the request that hangs.
            let index = inner.record_pending(req.clone());
            release.wait().await;
            let resp = route(&inner, &req, multipart);
            inner.set_status(index, resp.status().as_u16());
            return resp;
        }
    };
    req.status = resp.status().as_u16();
    inner.record_request(req);
    resp
}

fn route(inner: &Inner, req: &Request, multipart: bool) -> Response {
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let body = &req.json;
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": inner.ws_url()})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": inner.ws_url(), "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        })),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            ok(fixtures::application())
        }
        ("GET", ["users", "@me"]) => ok(fixtures::bot_user()),
        ("PUT", ["applications", _, "commands"]) => overwrite_commands(inner, "global", body),
        ("PUT", ["applications", _, "guilds", g, "commands"]) => overwrite_commands(inner, g, body),
        ("GET", ["applications", _, "commands"]) => list_commands(inner, "global"),
        ("GET", ["applications", _, "guilds", g, "commands"]) => list_commands(inner, g),
        ("POST", ["interactions", id, token, "callback"]) => callback(inner, id, token, body),
        ("POST", ["webhooks", id, token]) => execute_webhook(inner, req, id, token, multipart),
        (m, ["webhooks", id, token, "messages", mid]) => {
            webhook_message(inner, m, id, token, mid, body)
        }
        ("GET", ["channels", ch]) => match lock(&inner.world).channels.get(&num(ch)) {
            Some(c) => ok(c.clone()),
            None => unknown_channel(),
        },
        ("PATCH", ["channels", ch]) => edit_channel(inner, num(ch), body),
        ("POST", ["channels", ch, "messages"]) => {
            let ch = num(ch);
            if inner.channel_guild(ch).is_none() {
                return unknown_channel();
            }
            if let Err(r) = may_post(inner, ch) {
                return r;
            }
            if let Err(r) = check_create(body, multipart) {
                return r;
            }
            if let Some(m) = same_nonce(inner, ch, body) {
                return ok(m);
            }
            ok(new_message(inner, ch, body, None))
        }
        ("GET", ["channels", _, "messages", mid]) => {
            match lock(&inner.world).messages.get(&num(mid)) {
                Some(m) => ok(m.clone()),
                None => unknown_message(),
            }
        }
        ("PATCH", ["channels", _, "messages", mid]) => edit_message(inner, num(mid), body),
        ("DELETE", ["channels", _, "messages", mid]) => {
            match lock(&inner.world).messages.remove(&num(mid)) {
                Some(_) => no_content(),
                None => unknown_message(),
            }
        }
        ("POST", ["channels", ch, "typing"]) => match inner.channel_guild(num(ch)) {
            Some(_) => no_content(),
            None => unknown_channel(),
        },
        ("POST", ["channels", ch, "threads"]) => match denied(inner, num(ch)) {
            Some(r) => r,
            None => create_thread(inner, num(ch), None, body),
        },
        ("DELETE", ["channels", ch]) => delete_channel(inner, num(ch)),
        ("POST", ["channels", ch, "messages", mid, "threads"]) => {
            create_thread(inner, num(ch), Some(num(mid)), body)
        }
        ("PUT", ["channels", th, "thread-members", user]) => {
            let mut w = lock(&inner.world);
            let is_thread = w
                .channels
                .get(&num(th))
                .is_some_and(|c| c.get("thread_metadata").is_some());
            if !is_thread {
                return unknown_channel();
            }
            w.thread_members
                .entry(num(th))
                .or_default()
                .insert(num(user));
            no_content()
        }
        ("DELETE", ["channels", th, "thread-members", user]) => {
            let mut w = lock(&inner.world);
            if let Some(m) = w.thread_members.get_mut(&num(th)) {
                m.remove(&num(user));
            }
            no_content()
        }
        ("POST", ["channels", ch, "webhooks"]) => create_webhook(inner, num(ch), body),
        ("GET", ["channels", ch, "webhooks"]) => {
            let w = lock(&inner.world);
            let ch = ch.to_string();
            let hooks: Vec<Value> = w
                .webhooks
                .values()
                .filter(|h| h["channel_id"] == ch.as_str())
                .cloned()
                .collect();
            ok(Value::Array(hooks))
        }
        ("GET", ["guilds", g, "channels"]) => {
            let w = lock(&inner.world);
            let list: Vec<Value> = w
                .channels
                .values()
                .filter(|c| c["guild_id"] == *g && c.get("thread_metadata").is_none())
                .cloned()
                .collect();
            ok(Value::Array(list))
        }
        ("POST", ["users", "@me", "channels"]) => {
            let user = body["recipient_id"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .or(body["recipient_id"].as_u64());
            let Some(user) = user else {
                return invalid_form("recipient_id", "a user id is required");
            };
            let id = fixtures::dm_channel_id(user);
            let mut w = lock(&inner.world);
            register_dm(&mut w, id);
            ok(w.channels[&id].clone())
        }
        (m, _) => {
            tracing::warn!(method = m, path = %req.path, "discord stand-in: no such route");
            eprintln!("discord stand-in: unknown route {m} {}", req.path);
            error(StatusCode::NOT_FOUND, 0, "404: Not Found")
        }
    }
}

/// 403 with the code set by `StandIn::deny` for this channel (or its parent).
fn denied(inner: &Inner, channel: u64) -> Option<Response> {
    let w = lock(&inner.world);
    let parent = w
        .channels
        .get(&channel)
        .and_then(|c| c["parent_id"].as_str())
        .map_or(0, num);
    let code = w
        .denied
        .get(&channel)
        .or_else(|| w.denied.get(&parent))
        .copied()?;
    let message = if code == 50001 {
        "Missing Access"
    } else {
        "Missing Permissions"
    };
    Some(error(StatusCode::FORBIDDEN, code, message))
}

/// Whether the bot may post in `channel`: its permissions, the recipient's
/// DMs (50007), and an archived and locked thread (50083). An archived thread
/// that is not locked is unarchived by the post, as on Discord.
fn may_post(inner: &Inner, channel: u64) -> Result<(), Response> {
    if let Some(r) = denied(inner, channel) {
        return Err(r);
    }
    if let Some(user) = fixtures::dm_user(channel) {
        if lock(&inner.world).closed_dms.contains(&user) {
            return Err(error(
                StatusCode::FORBIDDEN,
                50007,
                "Cannot send messages to this user",
            ));
        }
    }
    let mut w = lock(&inner.world);
    // `get_mut`, not indexing: indexing would add a null `thread_metadata`.
    if let Some(meta) = w
        .channels
        .get_mut(&channel)
        .and_then(|t| t.get_mut("thread_metadata"))
    {
        if meta["archived"] == true {
            if meta["locked"] == true {
                return Err(error(StatusCode::BAD_REQUEST, 50083, "Thread is archived"));
            }
            meta["archived"] = json!(false);
        }
    }
    Ok(())
}

/// The message already sent with this nonce, when the body enforces it.
fn same_nonce(inner: &Inner, channel: u64, body: &Value) -> Option<Value> {
    if body["enforce_nonce"] != true {
        return None;
    }
    let nonce = match &body["nonce"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let w = lock(&inner.world);
    let id = w.nonces.get(&(channel, nonce))?;
    w.messages.get(id).cloned()
}

/// `DELETE /channels/{id}`: a thread (or channel) and its messages go.
fn delete_channel(inner: &Inner, id: u64) -> Response {
    if let Some(r) = denied(inner, id) {
        return r;
    }
    let c = {
        let mut w = lock(&inner.world);
        let Some(c) = w.channels.remove(&id) else {
            return unknown_channel();
        };
        let ch = id.to_string();
        w.messages.retain(|_, m| m["channel_id"] != ch.as_str());
        w.thread_members.remove(&id);
        c
    };
    let event = if c.get("thread_metadata").is_some() {
        "THREAD_DELETE"
    } else {
        "CHANNEL_DELETE"
    };
    if c.get("guild_id").is_some() {
        let d = if event == "THREAD_DELETE" {
            json!({"id": c["id"], "guild_id": c["guild_id"], "parent_id": c["parent_id"], "type": c["type"]})
        } else {
            c.clone()
        };
        inner.dispatch(event, d, true);
    }
    ok(c)
}

fn num(s: &str) -> u64 {
    s.parse().unwrap_or(0)
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Discord's limits on a message body (content, embeds, components).
fn check_limits(body: &Value) -> Result<(), Response> {
    if chars(&body["content"]) > 2000 {
        return Err(invalid_form("content", "Must be 2000 or fewer in length."));
    }
    if let Some(embeds) = body["embeds"].as_array() {
        if embeds.len() > 10 {
            return Err(invalid_form("embeds", "Must be 10 or fewer in length."));
        }
        let mut total = 0;
        for e in embeds {
            let fields = e["fields"].as_array().cloned().unwrap_or_default();
            let limits = [
                (chars(&e["title"]), 256, "embeds.title"),
                (chars(&e["description"]), 4096, "embeds.description"),
                (fields.len(), 25, "embeds.fields"),
                (chars(&e["footer"]["text"]), 2048, "embeds.footer.text"),
                (chars(&e["author"]["name"]), 256, "embeds.author.name"),
            ];
            for (n, max, field) in limits {
                if n > max {
                    return Err(invalid_form(
                        field,
                        &format!("Must be {max} or fewer in length."),
                    ));
                }
            }
            total += chars(&e["title"])
                + chars(&e["description"])
                + chars(&e["footer"]["text"])
                + chars(&e["author"]["name"]);
            for f in &fields {
                if chars(&f["name"]) > 256 || chars(&f["value"]) > 1024 {
                    return Err(invalid_form("embeds.fields", "A field is too long."));
                }
                if chars(&f["name"]) == 0 || chars(&f["value"]) == 0 {
                    return Err(invalid_form("embeds.fields", "This field is required"));
                }
                total += chars(&f["name"]) + chars(&f["value"]);
            }
        }
        if total > 6000 {
            return Err(invalid_form(
                "embeds",
                "Embed size exceeds maximum size of 6000",
            ));
        }
    }
    if let Some(rows) = body["components"].as_array() {
        if rows.len() > 5 {
            return Err(invalid_form("components", "Must be 5 or fewer in length."));
        }
        for row in rows {
            let items = row["components"].as_array().cloned().unwrap_or_default();
            if items.is_empty() || items.len() > 5 {
                return Err(invalid_form(
                    "components.components",
                    "Must be between 1 and 5 in length.",
                ));
            }
            for b in &items {
                if chars(&b["label"]) > 80 || chars(&b["custom_id"]) > 100 {
                    return Err(invalid_form(
                        "components.components",
                        "A label or custom_id is too long.",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Limits, and a new message must not be empty.
fn check_create(body: &Value, multipart: bool) -> Result<(), Response> {
    check_limits(body)?;
    let nonempty = |k: &str| match &body[k] {
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    };
    let has_any = [
        "content",
        "embeds",
        "components",
        "attachments",
        "sticker_ids",
    ]
    .iter()
    .any(|k| nonempty(k))
        || multipart;
    if !has_any {
        return Err(error(
            StatusCode::BAD_REQUEST,
            50006,
            "Cannot send an empty message",
        ));
    }
    Ok(())
}

/// Stores a message the bot sent and, unless it is ephemeral, echoes it as
/// MESSAGE_CREATE as Discord does.
fn new_message(inner: &Inner, channel: u64, body: &Value, webhook: Option<&Value>) -> Value {
    let id = inner.next_id();
    let guild = inner.channel_guild(channel).unwrap_or(false);
    let mut m = fixtures::bot_message(id, channel, body, guild);
    if let Some(h) = webhook {
        m["webhook_id"] = h["id"].clone();
        let name = body["username"]
            .as_str()
            .or(h["name"].as_str())
            .unwrap_or("webhook");
        m["author"] = json!({"id": h["id"], "username": name, "discriminator": "0000",
            "avatar": null, "bot": true, "global_name": null});
        if let Some(o) = m.as_object_mut() {
            o.remove("member");
        }
    }
    if let Some(n) = body.get("nonce").filter(|n| !n.is_null()) {
        m["nonce"] = n.clone();
    }
    {
        let mut w = lock(&inner.world);
        w.messages.insert(id, m.clone());
        if body["enforce_nonce"] == true {
            let nonce = match &body["nonce"] {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            if let Some(n) = nonce {
                w.nonces.insert((channel, n), id);
            }
        }
    }
    let ephemeral = m["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0;
    if inner.echo.load(Ordering::SeqCst) && !ephemeral {
        inner.dispatch("MESSAGE_CREATE", m.clone(), true);
    }
    m
}

/// Applies an edit body to a stored message.
fn merge(m: &mut Value, body: &Value) {
    for k in ["content", "embeds", "components", "attachments"] {
        if let Some(v) = body.get(k) {
            m[k] = if v.is_null() { json!([]) } else { v.clone() };
            if k == "content" && v.is_null() {
                m[k] = json!("");
            }
        }
    }
    // An edit ends a deferred response's "thinking" state.
    if let Some(f) = m["flags"].as_u64() {
        m["flags"] = json!(f & !LOADING);
    }
    m["edited_timestamp"] = json!(fixtures::TS);
}

fn edit_message(inner: &Inner, id: u64, body: &Value) -> Response {
    if let Err(r) = check_limits(body) {
        return r;
    }
    let mut w = lock(&inner.world);
    match w.messages.get_mut(&id) {
        Some(m) => {
            merge(m, body);
            ok(m.clone())
        }
        None => unknown_message(),
    }
}

fn overwrite_commands(inner: &Inner, key: &str, body: &Value) -> Response {
    let Some(list) = body.as_array() else {
        return invalid_form("_", "Expected an array of commands");
    };
    let mut out = Vec::new();
    for c in list {
        let name = c["name"].as_str().unwrap_or("");
        let desc = chars(&c["description"]);
        let kind = c["type"].as_u64().unwrap_or(1);
        if name.is_empty() || name.chars().count() > 32 {
            return invalid_form("name", "Must be between 1 and 32 in length.");
        }
        if kind == 1 && (desc == 0 || desc > 100) {
            return invalid_form("description", "Must be between 1 and 100 in length.");
        }
        if c["options"].as_array().is_some_and(|o| o.len() > 25) {
            return invalid_form("options", "Must be 25 or fewer in length.");
        }
        let mut c = c.clone();
        c["id"] = json!(inner.next_id().to_string());
        c["application_id"] = json!(BOT_ID.to_string());
        c["version"] = json!(inner.next_id().to_string());
        c["type"] = json!(kind);
        c["default_member_permissions"] = c
            .get("default_member_permissions")
            .cloned()
            .unwrap_or(Value::Null);
        if key != "global" {
            c["guild_id"] = json!(key);
        }
        out.push(c);
    }
    let out = Value::Array(out);
    lock(&inner.world)
        .commands
        .insert(key.to_string(), out.clone());
    ok(out)
}

fn list_commands(inner: &Inner, key: &str) -> Response {
    ok(lock(&inner.world)
        .commands
        .get(key)
        .cloned()
        .unwrap_or(json!([])))
}

/// The body of an interaction response of type `kind`, checked as Discord checks it.
fn check_callback(kind: u64, data: &Value) -> Result<(), Response> {
    match kind {
        4 => check_create(data, false),
        5 | 6 => Ok(()),
        7 => check_limits(data),
        8 => {
            let choices = data["choices"].as_array().cloned().unwrap_or_default();
            if choices.len() > 25 {
                return Err(invalid_form(
                    "data.choices",
                    "Must be 25 or fewer in length.",
                ));
            }
            if choices
                .iter()
                .any(|c| !(1..=100).contains(&chars(&c["name"])))
            {
                return Err(invalid_form(
                    "data.choices.name",
                    "Must be between 1 and 100 in length.",
                ));
            }
            Ok(())
        }
        9 => {
            let rows = data["components"].as_array().map_or(0, Vec::len);
            if !(1..=45).contains(&chars(&data["title"])) || !(1..=5).contains(&rows) {
                return Err(invalid_form(
                    "data",
                    "A modal needs a title of 1-45 and 1-5 rows.",
                ));
            }
            Ok(())
        }
        _ => Err(invalid_form(
            "type",
            "Value must be one of (4, 5, 6, 7, 8, 9).",
        )),
    }
}

/// `POST /interactions/{id}/{token}/callback`: once per interaction, within the window.
fn callback(inner: &Inner, id: &str, token: &str, body: &Value) -> Response {
    let window = Duration::from_millis(inner.interaction_window_ms.load(Ordering::SeqCst));
    let kind = body["type"].as_u64().unwrap_or(0);
    let data = &body["data"];
    let pending = {
        let mut w = lock(&inner.world);
        let Some(p) = w.interactions.get_mut(&num(id)) else {
            return unknown_interaction();
        };
        if p.token != token {
            return error(StatusCode::UNAUTHORIZED, 50027, "Invalid Webhook Token");
        }
        if p.acked {
            return error(
                StatusCode::BAD_REQUEST,
                40060,
                "Interaction has already been acknowledged.",
            );
        }
        let late = p.created.elapsed();
        if late > window {
            tracing::warn!(
                ?late,
                "discord stand-in: interaction callback after its window"
            );
            eprintln!(
                "discord stand-in: interaction {id} answered after {late:?}, past {window:?}"
            );
            return unknown_interaction();
        }
        if let Err(r) = check_callback(kind, data) {
            return r;
        }
        p.acked = true;
        p.clone()
    };
    match kind {
        4 => {
            let m = new_message(inner, pending.channel, data, None);
            let mid = m["id"].as_str().map_or(0, num);
            lock(&inner.world).originals.insert(token.to_string(), mid);
        }
        5 => {
            let flags = data["flags"].as_u64().unwrap_or(0) | LOADING;
            let mid = inner.next_id();
            let guild = inner.channel_guild(pending.channel).unwrap_or(false);
            let m = fixtures::bot_message(mid, pending.channel, &json!({"flags": flags}), guild);
            let mut w = lock(&inner.world);
            w.messages.insert(mid, m);
            w.originals.insert(token.to_string(), mid);
        }
        6 | 7 => {
            let mut w = lock(&inner.world);
            if let Some(mid) = pending.message {
                w.originals.insert(token.to_string(), mid);
                if kind == 7 {
                    if let Some(m) = w.messages.get_mut(&mid) {
                        merge(m, data);
                    }
                }
            }
        }
        _ => {}
    }
    no_content()
}

/// `POST /webhooks/{id}/{token}`: an interaction follow-up (the application's id
/// and an interaction token) or a channel webhook (`?wait=`, `?thread_id=`).
fn execute_webhook(
    inner: &Inner,
    req: &Request,
    id: &str,
    token: &str,
    multipart: bool,
) -> Response {
    let body = &req.json;
    if let Err(r) = check_create(body, multipart) {
        return r;
    }
    if num(id) == BOT_ID {
        let channel = {
            let w = lock(&inner.world);
            w.interactions
                .values()
                .find(|p| p.token == token && p.acked)
                .map(|p| p.channel)
        };
        let Some(ch) = channel else {
            return unknown_webhook();
        };
        // As on Discord: the first follow-up after a defer edits the "thinking"
        // message, and keeps the privacy chosen at the defer whatever its flags say.
        let mut w = lock(&inner.world);
        let thinking = w.originals.get(token).copied().filter(|mid| {
            w.messages
                .get(mid)
                .is_some_and(|m| m["flags"].as_u64().unwrap_or(0) & LOADING != 0)
        });
        if let Some(mid) = thinking {
            if let Some(m) = w.messages.get_mut(&mid) {
                let mut edit = body.clone();
                if let Some(o) = edit.as_object_mut() {
                    o.remove("flags");
                }
                merge(m, &edit);
                return ok(m.clone());
            }
        }
        drop(w);
        return ok(new_message(inner, ch, body, None));
    }
    let hook = lock(&inner.world).webhooks.get(&num(id)).cloned();
    let Some(hook) = hook else {
        return unknown_webhook();
    };
    if hook["token"] != token {
        return error(StatusCode::UNAUTHORIZED, 50027, "Invalid Webhook Token");
    }
    if let Some(name) = body["username"].as_str() {
        if let Err(why) = check_webhook_name(name) {
            return invalid_form("username", &why);
        }
    }
    let parent = hook["channel_id"].as_str().map_or(0, num);
    let channel = match req.query_param("thread_id") {
        Some(t) => {
            let t = num(&t);
            let ok_thread = lock(&inner.world)
                .channels
                .get(&t)
                .is_some_and(|c| c["parent_id"] == parent.to_string().as_str());
            if !ok_thread {
                return unknown_channel();
            }
            t
        }
        None => parent,
    };
    let m = new_message(inner, channel, body, Some(&hook));
    if req.query_param("wait").as_deref() == Some("true") {
        ok(m)
    } else {
        no_content()
    }
}

/// `GET/PATCH/DELETE /webhooks/{id}/{token}/messages/{id or @original}`.
fn webhook_message(
    inner: &Inner,
    method: &str,
    id: &str,
    token: &str,
    mid: &str,
    body: &Value,
) -> Response {
    let mut w = lock(&inner.world);
    let known = if num(id) == BOT_ID {
        w.interactions.values().any(|p| p.token == token)
    } else {
        w.webhooks
            .get(&num(id))
            .is_some_and(|h| h["token"] == token)
    };
    if !known {
        return unknown_webhook();
    }
    let mid = if mid == "@original" {
        match w.originals.get(token) {
            Some(m) => *m,
            None => return unknown_message(),
        }
    } else {
        num(mid)
    };
    match method {
        "GET" => match w.messages.get(&mid) {
            Some(m) => ok(m.clone()),
            None => unknown_message(),
        },
        "PATCH" => {
            if let Err(r) = check_limits(body) {
                return r;
            }
            match w.messages.get_mut(&mid) {
                Some(m) => {
                    merge(m, body);
                    ok(m.clone())
                }
                None => unknown_message(),
            }
        }
        "DELETE" => match w.messages.remove(&mid) {
            Some(_) => no_content(),
            None => unknown_message(),
        },
        _ => error(StatusCode::METHOD_NOT_ALLOWED, 0, "405: Method Not Allowed"),
    }
}

fn check_webhook_name(name: &str) -> Result<(), String> {
    let lower = name.to_lowercase();
    if !(1..=80).contains(&name.chars().count()) {
        return Err("Must be between 1 and 80 in length.".into());
    }
    if lower.contains("discord") || lower.contains("clyde") {
        return Err(format!("Username cannot contain \"{name}\""));
    }
    Ok(())
}

fn create_webhook(inner: &Inner, channel: u64, body: &Value) -> Response {
    let name = body["name"].as_str().unwrap_or("");
    if let Err(why) = check_webhook_name(name) {
        return invalid_form("name", &why);
    }
    let is_text = lock(&inner.world)
        .channels
        .get(&channel)
        .is_some_and(|c| c.get("guild_id").is_some() && c.get("thread_metadata").is_none());
    if !is_text {
        return unknown_channel();
    }
    let id = inner.next_id();
    let hook = fixtures::webhook(id, channel, name, &format!("standin-webhook-token-{id}"));
    lock(&inner.world).webhooks.insert(id, hook.clone());
    ok(hook)
}

fn create_thread(inner: &Inner, parent: u64, from_message: Option<u64>, body: &Value) -> Response {
    let parent_ok = lock(&inner.world)
        .channels
        .get(&parent)
        .is_some_and(|c| c.get("guild_id").is_some() && matches!(c["type"].as_u64(), Some(0 | 5)));
    if !parent_ok {
        return unknown_channel();
    }
    let name = body["name"].as_str().unwrap_or("");
    if !(1..=100).contains(&name.chars().count()) {
        return invalid_form("name", "Must be between 1 and 100 in length.");
    }
    let (id, kind) = match from_message {
        Some(mid) => {
            if !lock(&inner.world).messages.contains_key(&mid) {
                return unknown_message();
            }
            (mid, 11)
        }
        // Discord's default for a thread without a message is a private thread.
        None => (inner.next_id(), body["type"].as_u64().unwrap_or(12)),
    };
    let mut t = fixtures::thread(id, parent, name, kind);
    if let Some(d) = body["auto_archive_duration"].as_u64() {
        t["thread_metadata"]["auto_archive_duration"] = json!(d);
    }
    if kind == 12 {
        t["thread_metadata"]["invitable"] = json!(body["invitable"].as_bool().unwrap_or(true));
    }
    {
        let mut w = lock(&inner.world);
        w.channels.insert(id, t.clone());
        w.thread_members.entry(id).or_default().insert(BOT_ID);
    }
    let mut event = t.clone();
    event["newly_created"] = json!(true);
    inner.dispatch("THREAD_CREATE", event, true);
    created(t)
}

fn edit_channel(inner: &Inner, id: u64, body: &Value) -> Response {
    let c = {
        let mut w = lock(&inner.world);
        let Some(c) = w.channels.get_mut(&id) else {
            return unknown_channel();
        };
        if let Some(n) = body["name"].as_str() {
            c["name"] = json!(n);
        }
        if c.get("thread_metadata").is_some() {
            for k in ["archived", "locked", "auto_archive_duration", "invitable"] {
                if let Some(v) = body.get(k) {
                    c["thread_metadata"][k] = v.clone();
                }
            }
        }
        c.clone()
    };
    let event = if c.get("thread_metadata").is_some() {
        "THREAD_UPDATE"
    } else {
        "CHANNEL_UPDATE"
    };
    if c.get("guild_id").is_some() {
        inner.dispatch(event, c.clone(), true);
    }
    ok(c)
}
