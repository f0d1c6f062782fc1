//! Gateway and REST payloads complete enough for serenity 0.12.5's models.
//! `tests/discord_fixtures.rs` deserialises every one into serenity's own types:
//! an incomplete payload would be dropped silently as an unknown event.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub const BOT_ID: u64 = 100_000_000_000_000_001;
pub const GUILD_ID: u64 = 200_000_000_000_000_001;
pub const TEXT_CHANNEL_ID: u64 = 300_000_000_000_000_001;
pub const OWNER_ID: u64 = 400_000_000_000_000_001;
pub const TS: &str = "2026-11-22T10:00:00.000000+00:00";

fn dms() -> &'static Mutex<HashMap<u64, u64>> {
    static DMS: OnceLock<Mutex<HashMap<u64, u64>>> = OnceLock::new();
    DMS.get_or_init(Default::default)
}

/// The id of the DM channel between the bot and a user (deterministic).
pub fn dm_channel_id(user: u64) -> u64 {
    let id = 500_000_000_000_000_000 + user % 1_000_000_000;
    dms()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id, user);
    id
}

/// The user at the other end of a DM channel made by [`dm_channel_id`].
pub fn dm_user(channel: u64) -> Option<u64> {
    dms()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&channel)
        .copied()
}

pub fn user(id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(), "username": name, "discriminator": "0", "global_name": name,
        "avatar": null, "bot": false, "system": false, "public_flags": 0
    })
}

pub fn bot_user() -> Value {
    json!({
        "id": BOT_ID.to_string(), "username": "coffeechat", "discriminator": "0", "global_name": null,
        "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0, "public_flags": 0
    })
}

pub fn application() -> Value {
    json!({
        "id": BOT_ID.to_string(), "name": "coffeechat", "icon": null, "description": "", "bot_public": true,
        "bot_require_code_grant": false, "verify_key": "00", "flags": 0,
        "owner": user(OWNER_ID, "owner"), "team": null, "rpc_origins": []
    })
}

pub fn ready(session_id: &str, resume_url: &str) -> Value {
    json!({
        "v": 10, "user": bot_user(), "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": session_id, "resume_gateway_url": resume_url, "shard": [0, 1],
        "application": {"id": BOT_ID.to_string(), "flags": 0}
    })
}

pub fn text_channel(id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(), "type": 0, "guild_id": GUILD_ID.to_string(), "name": name, "position": 0,
        "permission_overwrites": [], "nsfw": false, "topic": null, "last_message_id": null, "parent_id": null,
        "rate_limit_per_user": 0, "flags": 0
    })
}

pub fn thread(id: u64, parent: u64, name: &str, kind: u64) -> Value {
    json!({
        "id": id.to_string(), "type": kind, "guild_id": GUILD_ID.to_string(), "name": name,
        "parent_id": parent.to_string(), "owner_id": BOT_ID.to_string(), "last_message_id": null,
        "rate_limit_per_user": 0, "message_count": 0, "member_count": 1, "flags": 0, "nsfw": false,
        "permission_overwrites": [], "position": 0,
        "thread_metadata": {"archived": false, "auto_archive_duration": 1440, "archive_timestamp": TS,
            "locked": false, "invitable": false, "create_timestamp": TS},
        "total_message_sent": 0
    })
}

pub fn dm_channel(id: u64, user_id: u64) -> Value {
    json!({
        "id": id.to_string(), "type": 1, "last_message_id": null,
        "recipients": [user(user_id, "student")], "flags": 0
    })
}

pub fn role() -> Value {
    json!({
        "id": GUILD_ID.to_string(), "name": "@everyone", "color": 0, "hoist": false, "icon": null,
        "unicode_emoji": null, "position": 0, "permissions": "377957124096", "managed": false,
        "mentionable": false, "flags": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}
    })
}

pub fn member(user_id: u64, name: &str) -> Value {
    json!({
        "user": user(user_id, name), "nick": null, "avatar": null, "roles": [], "joined_at": TS,
        "premium_since": null, "deaf": false, "mute": false, "flags": 0, "pending": false,
        "permissions": "2199023255551", "communication_disabled_until": null
    })
}

pub fn guild() -> Value {
    json!({
        "id": GUILD_ID.to_string(), "name": "Career Centre", "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": OWNER_ID.to_string(), "afk_channel_id": null, "afk_timeout": 300, "widget_enabled": false,
        "widget_channel_id": null, "verification_level": 0, "default_message_notifications": 0,
        "explicit_content_filter": 0, "roles": [role()], "emojis": [], "features": [], "mfa_level": 0,
        "application_id": null, "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
        "max_presences": null, "max_members": 500000, "vanity_url_code": null, "description": null, "banner": null,
        "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-GB",
        "public_updates_channel_id": null, "max_video_channel_users": 25, "approximate_member_count": null,
        "approximate_presence_count": null, "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "joined_at": TS, "large": false, "unavailable": false, "member_count": 2, "voice_states": [],
        "members": [member(BOT_ID, "coffeechat")], "channels": [text_channel(TEXT_CHANNEL_ID, "career-practice")],
        "threads": [], "presences": [], "stage_instances": [], "guild_scheduled_events": []
    })
}

fn base_interaction(id: u64, kind: u64, user_id: u64, channel: u64, data: Value) -> Value {
    let mut v = json!({
        "id": id.to_string(), "application_id": BOT_ID.to_string(), "type": kind, "data": data,
        "channel_id": channel.to_string(),
        "channel": {"id": channel.to_string(), "type": 0, "name": "career-practice", "permissions": "2199023255551"},
        "token": format!("token-{id}"), "version": 1, "app_permissions": "2199023255551", "locale": "en-GB",
        "entitlements": [], "authorizing_integration_owners": {"0": GUILD_ID.to_string()}, "context": 0,
        "attachment_size_limit": 8388608
    });
    if channel == dm_channel_id(user_id) {
        v["user"] = user(user_id, "student");
        v["channel"] = json!({"id": channel.to_string(), "type": 1});
        v["context"] = json!(1);
    } else {
        v["guild_id"] = json!(GUILD_ID.to_string());
        v["guild_locale"] = json!("en-GB");
        v["member"] = member(user_id, "student");
    }
    v
}

/// A slash command; `options` is Discord's options array (subcommands included).
pub fn command_interaction(
    id: u64,
    user_id: u64,
    channel: u64,
    name: &str,
    options: Value,
) -> Value {
    let data = json!({"id": (id + 1).to_string(), "name": name, "type": 1, "options": options});
    base_interaction(id, 2, user_id, channel, data)
}

pub fn autocomplete_interaction(
    id: u64,
    user_id: u64,
    channel: u64,
    name: &str,
    options: Value,
) -> Value {
    let data = json!({"id": (id + 1).to_string(), "name": name, "type": 1, "options": options});
    base_interaction(id, 4, user_id, channel, data)
}

pub fn component_interaction(
    id: u64,
    user_id: u64,
    channel: u64,
    message_id: u64,
    custom_id: &str,
) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": 2});
    let mut v = base_interaction(id, 3, user_id, channel, data);
    v["message"] = message(message_id, channel, BOT_ID, "", false);
    v
}

pub fn modal_interaction(
    id: u64,
    user_id: u64,
    channel: u64,
    custom_id: &str,
    fields: &[(&str, &str)],
) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(k, v)| json!({"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}))
        .collect();
    let data = json!({"custom_id": custom_id, "components": rows});
    base_interaction(id, 5, user_id, channel, data)
}

/// A message; `guild` adds the guild id and member (false for DMs and bot echoes).
pub fn message(id: u64, channel: u64, author: u64, content: &str, guild: bool) -> Value {
    let (author_v, name) = if author == BOT_ID {
        (bot_user(), "coffeechat")
    } else {
        (user(author, "student"), "student")
    };
    let mut v = json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": author_v, "content": content,
        "timestamp": TS, "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 0, "flags": 0,
        "components": []
    });
    // Not `dm_channel_id(BOT_ID)`: that would register the bot as the user of a
    // student's DM channel id (the ids are derived from the user id modulo 10^9).
    if guild && (author == BOT_ID || channel != dm_channel_id(author)) {
        v["guild_id"] = json!(GUILD_ID.to_string());
        let mut m = member(author, name);
        if let Some(o) = m.as_object_mut() {
            o.remove("user");
        }
        v["member"] = m;
    }
    v
}

/// The message Discord would return for a body the bot posted.
pub fn bot_message(id: u64, channel: u64, body: &Value, guild: bool) -> Value {
    let mut m = message(
        id,
        channel,
        BOT_ID,
        body["content"].as_str().unwrap_or(""),
        guild,
    );
    for k in ["embeds", "components", "attachments"] {
        if let Some(v) = body.get(k).filter(|v| v.is_array()) {
            m[k] = v.clone();
        }
    }
    if let Some(f) = body["flags"].as_u64() {
        m["flags"] = json!(f);
    }
    m
}

/// The message Discord would return for a create/edit body, outside a guild.
pub fn message_from_body(id: u64, channel: u64, body: &Value) -> Value {
    bot_message(id, channel, body, false)
}

/// A channel webhook made by the bot, token included.
pub fn webhook(id: u64, channel: u64, name: &str, token: &str) -> Value {
    json!({
        "id": id.to_string(), "type": 1, "guild_id": GUILD_ID.to_string(),
        "channel_id": channel.to_string(), "name": name, "avatar": null, "token": token,
        "application_id": BOT_ID.to_string(), "user": bot_user()
    })
}
