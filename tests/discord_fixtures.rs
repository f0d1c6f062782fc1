#![recursion_limit = "256"]
//! Every stand-in payload deserialises into serenity's own types: an incomplete
//! payload is dropped by serenity as an unknown event, so a fixture bug would
//! look like a bot bug.

mod support;

use serde_json::json;
use serenity::all::{GuildChannel, Interaction, Message, PrivateChannel, Ready, User};
use support::discord::fixtures as f;

fn parse<T: serde::de::DeserializeOwned>(what: &str, v: serde_json::Value) -> T {
    serde_json::from_value(v)
        .unwrap_or_else(|e| panic!("{what} does not deserialise into serenity's model: {e}"))
}

#[test]
fn every_fixture_deserialises_into_serenity_models() {
    let _: Ready = parse("READY", f::ready("s", "ws://127.0.0.1:1/gateway"));
    let _: serenity::all::Guild = parse("GUILD_CREATE", f::guild());
    let _: GuildChannel = parse("text channel", f::text_channel(f::TEXT_CHANNEL_ID, "x"));
    let _: GuildChannel = parse("private thread", f::thread(7, f::TEXT_CHANNEL_ID, "t", 12));
    let _: PrivateChannel = parse("DM channel", f::dm_channel(f::dm_channel_id(5), 5));
    let _: User = parse("bot user", f::bot_user());
    let _: Message = parse(
        "guild message",
        f::message(9, f::TEXT_CHANNEL_ID, 5, "hi", true),
    );
    let _: Message = parse(
        "DM message",
        f::message(9, f::dm_channel_id(5), 5, "hi", true),
    );
    let _: Message = parse(
        "bot message",
        f::message_from_body(9, 1, &json!({"content": "x", "embeds": [{"title": "t"}]})),
    );
    let _: serenity::all::CurrentApplicationInfo = parse("application", f::application());
    let opts = json!([{"name": "start", "type": 1, "options": [{"name": "scenario", "type": 3, "value": "x"}]}]);
    for (what, v) in [
        (
            "slash command",
            f::command_interaction(1, 5, f::TEXT_CHANNEL_ID, "practice", opts.clone()),
        ),
        (
            "slash command in DM",
            f::command_interaction(1, 5, f::dm_channel_id(5), "tips", json!([])),
        ),
        (
            "autocomplete",
            f::autocomplete_interaction(
                1,
                5,
                f::TEXT_CHANNEL_ID,
                "scenarios",
                json!([{"name": "scenario", "type": 3, "value": "s", "focused": true}]),
            ),
        ),
        (
            "button",
            f::component_interaction(1, 5, f::TEXT_CHANNEL_ID, 2, "cc:hint"),
        ),
        (
            "modal",
            f::modal_interaction(1, 5, f::TEXT_CHANNEL_ID, "cc:check", &[("draft", "text")]),
        ),
    ] {
        let i: Interaction = parse(what, v);
        match (what, &i) {
            ("autocomplete", Interaction::Autocomplete(_))
            | ("button", Interaction::Component(_))
            | ("modal", Interaction::Modal(_)) => {}
            (_, Interaction::Command(_)) if what.starts_with("slash") => {}
            _ => panic!("{what} deserialised as the wrong kind: {i:?}"),
        }
    }
}
