#![recursion_limit = "256"]
//! Every stand-in payload is read by serenity as what it is meant to be: an
//! incomplete dispatch is dropped by serenity as an unknown event, so a fixture
//! bug would look like a bot bug. Dispatches go through serenity's own gateway
//! parser (`GatewayEvent`); REST answers through the model the client expects.

mod support;

use serde_json::{json, Value};
use serenity::all::{
    Command, CurrentApplicationInfo, CurrentUser, Guild, GuildChannel, Interaction, Message,
    PrivateChannel, Ready, Webhook,
};
use serenity::model::event::{Event, GatewayEvent};
use support::discord::check;
use support::discord::fixtures as f;

fn parse<T: serde::de::DeserializeOwned>(what: &str, v: &Value) -> T {
    check::model(v)
        .unwrap_or_else(|e| panic!("{what} does not deserialise into serenity's model: {e}"))
}

/// The event serenity's gateway makes of a dispatch frame.
fn event(t: &str, d: &Value) -> Event {
    let frame = json!({"op": 0, "s": 3, "t": t, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(3, e)) => e,
        other => panic!("{t} is not read as a dispatch: {other:?}"),
    }
}

fn interactions() -> Vec<(&'static str, Value)> {
    let opts = json!([{"name": "start", "type": 1, "options": [{"name": "scenario", "type": 3, "value": "x"}]}]);
    vec![
        (
            "slash command",
            f::command_interaction(1, 5, f::TEXT_CHANNEL_ID, "practice", opts),
        ),
        (
            "slash command in DM",
            f::command_interaction(1, 5, f::dm_channel_id(5), "tips", json!([])),
        ),
        (
            "slash command with an integer choice",
            f::command_interaction(
                1,
                5,
                f::TEXT_CHANNEL_ID,
                "tips",
                json!([{"name": "stage", "type": 4, "value": 2}]),
            ),
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
    ]
}

#[test]
fn every_dispatch_is_read_by_serenitys_gateway_as_its_event() {
    let ready = f::ready("s", "ws://127.0.0.1:1/gateway");
    assert!(matches!(event("READY", &ready), Event::Ready(_)));
    let _: Ready = parse("READY", &ready);

    let mut guild = f::guild();
    guild["threads"] = json!([f::thread(7, f::TEXT_CHANNEL_ID, "t", 12)]);
    assert!(matches!(
        event("GUILD_CREATE", &guild),
        Event::GuildCreate(_)
    ));
    let g: Guild = parse("GUILD_CREATE", &guild);
    assert_eq!(g.channels.len(), 1);
    assert_eq!(g.threads.len(), 1);
    assert!(g.members.keys().any(|u| u.get() == f::BOT_ID));

    for (what, m) in [
        (
            "guild message",
            f::message(9, f::TEXT_CHANNEL_ID, 5, "hi", true),
        ),
        (
            "DM message",
            f::message(9, f::dm_channel_id(5), 5, "hi", true),
        ),
        (
            "the bot's own message with an embed and a button",
            f::bot_message(
                9,
                f::TEXT_CHANNEL_ID,
                &json!({"content": "x", "embeds": [{"title": "t", "type": "rich"}],
                    "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Hint", "custom_id": "cc:hint"}]}],
                    "flags": 0}),
                true,
            ),
        ),
    ] {
        match event("MESSAGE_CREATE", &m) {
            Event::MessageCreate(e) => assert_eq!(e.message.id.get(), 9, "{what}"),
            other => panic!("{what} read as {other:?}"),
        }
    }

    for kind in [11, 12] {
        let mut t = f::thread(7, f::TEXT_CHANNEL_ID, "t", kind);
        t["newly_created"] = json!(true);
        assert!(matches!(event("THREAD_CREATE", &t), Event::ThreadCreate(_)));
        t["thread_metadata"]["archived"] = json!(true);
        match event("THREAD_UPDATE", &t) {
            Event::ThreadUpdate(e) => {
                assert!(e.thread.thread_metadata.unwrap().archived);
            }
            other => panic!("THREAD_UPDATE read as {other:?}"),
        }
    }
    assert!(matches!(
        event("CHANNEL_CREATE", &f::text_channel(8, "new")),
        Event::ChannelCreate(_)
    ));

    for (what, v) in interactions() {
        let i = match event("INTERACTION_CREATE", &v) {
            Event::InteractionCreate(e) => e.interaction,
            other => panic!("{what} read as {other:?}"),
        };
        match (what, &i) {
            ("autocomplete", Interaction::Autocomplete(_))
            | ("button", Interaction::Component(_))
            | ("modal", Interaction::Modal(_)) => {}
            (_, Interaction::Command(_)) if what.starts_with("slash") => {}
            _ => panic!("{what} deserialised as the wrong kind: {i:?}"),
        }
    }
}

#[test]
fn the_stand_ins_check_rejects_an_incomplete_dispatch() {
    // Without this, a broken fixture would reach serenity and vanish.
    let mut m = f::message(9, f::TEXT_CHANNEL_ID, 5, "hi", true);
    m.as_object_mut().unwrap().remove("author");
    let err = check::dispatch("MESSAGE_CREATE", &m).unwrap_err();
    assert!(err.contains("author"), "{err}");
    let mut i = f::command_interaction(1, 5, f::TEXT_CHANNEL_ID, "tips", json!([]));
    i.as_object_mut().unwrap().remove("token");
    assert!(check::dispatch("INTERACTION_CREATE", &i).is_err());
    assert!(check::dispatch("NOT_AN_EVENT", &json!({})).is_err());
    assert!(check::dispatch("MESSAGE_CREATE", &f::message(9, 1, 5, "ok", true)).is_ok());
}

#[test]
fn every_rest_answer_is_read_by_serenitys_client() {
    let _: CurrentUser = parse("GET /users/@me", &f::bot_user());
    let _: CurrentApplicationInfo = parse("GET /oauth2/applications/@me", &f::application());
    let _: GuildChannel = parse("text channel", &f::text_channel(f::TEXT_CHANNEL_ID, "x"));
    let t: GuildChannel = parse("private thread", &f::thread(7, f::TEXT_CHANNEL_ID, "t", 12));
    assert_eq!(t.parent_id.map(|p| p.get()), Some(f::TEXT_CHANNEL_ID));
    let _: PrivateChannel = parse("DM channel", &f::dm_channel(f::dm_channel_id(5), 5));
    let _: Message = parse(
        "message from a body",
        &f::message_from_body(9, 1, &json!({"content": "x", "embeds": [{"title": "t"}]})),
    );
    let w: Webhook = parse(
        "webhook",
        &f::webhook(3, f::TEXT_CHANNEL_ID, "Coach", "tok"),
    );
    assert!(w.token.is_some());
    let cmd = json!([{"id": "1", "application_id": f::BOT_ID.to_string(), "version": "1", "type": 1,
        "name": "tips", "description": "d", "default_member_permissions": null,
        "options": [{"type": 4, "name": "stage", "description": "s", "required": false,
            "choices": [{"name": "before", "value": 0}]}]}]);
    let _: Vec<Command> = parse("bulk overwrite answer", &cmd);
}
