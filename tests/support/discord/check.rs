//! Whether serenity can read a payload, through the same path its gateway uses.
//!
//! serenity parses a dispatch into `GatewayEvent`; a payload that does not fit
//! its model falls through to `Event::Unknown` and is dropped without an error,
//! so a bot under test would simply never see it. The stand-in runs every
//! dispatch through [`dispatch`] before sending it.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use serenity::all::{Guild, GuildChannel, Interaction, Message, Ready};
use serenity::model::event::{Event, GatewayEvent};

/// `Ok` if serenity reads `data` as the event `event` (not as an unknown event).
pub fn dispatch(event: &str, data: &Value) -> Result<(), String> {
    let frame = json!({"op": 0, "s": 1, "t": event, "d": data});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => Err(explain(event, data)),
        Ok(GatewayEvent::Dispatch(..)) => Ok(()),
        Ok(other) => Err(format!("read as {other:?}, not as a dispatch")),
        Err(e) => Err(e.to_string()),
    }
}

/// `Ok` if serenity reads `v` as a `T` (for REST answers).
pub fn model<T: DeserializeOwned>(v: &Value) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| e.to_string())
}

/// Why an event fell through to `Unknown`: serde's message for the model type.
fn explain(event: &str, data: &Value) -> String {
    let why = match event {
        "READY" => model::<Ready>(data).err(),
        "GUILD_CREATE" => model::<Guild>(data).err(),
        "MESSAGE_CREATE" => model::<Message>(data).err(),
        "INTERACTION_CREATE" => model::<Interaction>(data).err(),
        "THREAD_CREATE" | "THREAD_UPDATE" | "CHANNEL_CREATE" | "CHANNEL_UPDATE" => {
            model::<GuildChannel>(data).err()
        }
        _ => None,
    };
    why.unwrap_or_else(|| format!("serenity does not know the event {event}"))
}
