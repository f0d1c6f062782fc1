//! Registering the slash commands at start-up, only when they changed.
//!
//! Discord counts command creations per day (about 200 per guild), so the bot
//! first reads what Discord holds (`GET /applications/{id}/commands`) and
//! overwrites it only when the set differs in anything Discord keeps (names,
//! descriptions, options, choices, limits, permissions). Both calls go through
//! [`retry`](super::retry) with a longer policy: a 429, a 5xx or a transport
//! failure is tried again with backoff; a 401 or 403 at once fails.
//!
//! A failure is never silent: the caller stops the bot with a one-line error
//! naming the cause (see [`super::build_client`]).

use super::error::describe;
use super::retry::{retry_with, Policy};
use super::{Data, Error};
use poise::serenity_prelude as serenity;
use serde_json::{Map, Value};
use std::time::Duration;

/// Start-up may wait longer than an interaction: about 1, 2, 4, 8 and 8 seconds.
pub const REGISTER_POLICY: Policy = Policy {
    retries: 5,
    first_wait: Duration::from_secs(1),
    max_wait: Duration::from_secs(8),
    attempt: Duration::from_secs(20),
};

/// What registration did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// Discord already had exactly these commands.
    Unchanged,
    /// The commands were overwritten.
    Updated,
}

/// Registers `commands` globally if Discord's copy differs.
pub async fn ensure(
    http: &serenity::Http,
    commands: &[poise::Command<Data, Error>],
    policy: Policy,
) -> Result<Registered, String> {
    let wanted = poise::builtins::create_application_commands(commands);
    let wanted_json: Vec<Value> = wanted
        .iter()
        .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
        .collect();
    let held = retry_with(policy, || serenity::Command::get_global_commands(http))
        .await
        .map_err(|e| cause("reading the registered commands", &e))?;
    let held_json: Vec<Value> = held
        .iter()
        .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
        .collect();
    if same_commands(&wanted_json, &held_json) {
        tracing::info!(
            commands = wanted.len(),
            "slash commands unchanged; not registering"
        );
        return Ok(Registered::Unchanged);
    }
    retry_with(policy, || {
        serenity::Command::set_global_commands(http, wanted.clone())
    })
    .await
    .map_err(|e| cause("registering the slash commands", &e))?;
    tracing::info!(commands = wanted.len(), "slash commands registered");
    Ok(Registered::Updated)
}

/// One line saying what failed and what to check.
fn cause(what: &str, e: &serenity::Error) -> String {
    let hint = match super::retry::status_of(e) {
        Some(401) => "; Discord rejected the token: check DISCORD_TOKEN",
        Some(403) => "; the application may not use commands: invite the bot with the applications.commands scope",
        Some(429) => "; Discord is rate limiting the bot: wait a few minutes before starting it again",
        Some(s) if s >= 500 => "; Discord had a server error: try again later",
        Some(400) => "; Discord refused a command definition",
        _ => "; check the network connection to Discord",
    };
    format!("{what} failed ({}){hint}", describe(e))
}

/// Whether two command lists agree in everything Discord keeps.
pub fn same_commands(a: &[Value], b: &[Value]) -> bool {
    let mut a: Vec<Value> = a.iter().map(normalise).collect();
    let mut b: Vec<Value> = b.iter().map(normalise).collect();
    let key = |v: &Value| v["name"].as_str().unwrap_or("").to_string();
    a.sort_by_key(key);
    b.sort_by_key(key);
    a == b
}

/// A command or option with only the fields that matter, and Discord's
/// defaults written out (so an omitted `required` equals `false`).
fn normalise(v: &Value) -> Value {
    let mut out = Map::new();
    let Some(o) = v.as_object() else {
        return Value::Null;
    };
    for (k, val) in o {
        let kept = match k.as_str() {
            "name" | "description" | "min_length" | "max_length" | "min_value" | "max_value"
            | "channel_types" | "nsfw" => Some(val.clone()),
            "type" => Some(val.clone()),
            "required" | "autocomplete" => Some(Value::Bool(val.as_bool().unwrap_or(false))),
            "default_member_permissions" => match val {
                Value::String(s) => Some(Value::String(s.clone())),
                Value::Number(n) => Some(Value::String(n.to_string())),
                _ => None,
            },
            "options" => Some(Value::Array(
                val.as_array()
                    .map(|a| a.iter().map(normalise).collect())
                    .unwrap_or_default(),
            )),
            "choices" => Some(Value::Array(
                val.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|c| serde_json::json!({"name": c["name"], "value": c["value"]}))
                            .collect()
                    })
                    .unwrap_or_default(),
            )),
            _ => None,
        };
        if let Some(x) = kept {
            let empty = x.is_null()
                || x == Value::Bool(false)
                || x.as_array().is_some_and(|a| a.is_empty());
            if !empty {
                out.insert(k.clone(), x);
            }
        }
    }
    out.entry("type").or_insert(Value::from(1));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_server_fields_do_not_count_as_changes() {
        let ours = json!([{"name": "tips", "description": "Advice", "options": [
            {"type": 3, "name": "stage", "description": "Which", "choices": [{"name": "a", "value": "a"}]}
        ]}]);
        let discords = json!([{"id": "1", "application_id": "2", "version": "3", "type": 1,
            "name": "tips", "description": "Advice", "default_member_permissions": null,
            "options": [{"type": 3, "name": "stage", "description": "Which", "required": false,
                "choices": [{"name": "a", "value": "a", "name_localizations": null}]}]}]);
        let a = ours.as_array().unwrap();
        let b = discords.as_array().unwrap();
        assert!(same_commands(a, b));
    }

    #[test]
    fn a_changed_description_or_permission_is_a_change() {
        let a = json!([{"name": "setup", "description": "x", "default_member_permissions": "32"}]);
        let b = json!([{"name": "setup", "description": "x", "default_member_permissions": "8"}]);
        let c = json!([{"name": "setup", "description": "y", "default_member_permissions": "32"}]);
        let a = a.as_array().unwrap();
        assert!(!same_commands(a, b.as_array().unwrap()));
        assert!(!same_commands(a, c.as_array().unwrap()));
        assert!(!same_commands(a, &[]));
    }
}
