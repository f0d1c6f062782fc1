#![recursion_limit = "256"]
//! The stand-in itself, driven by serenity's real HTTP client and a real
//! serenity gateway client (no bot logic): its REST answers deserialise, its
//! errors are Discord's, injected events arrive as the right typed events, and
//! its gateway resumes, replays and re-identifies as Discord does.

mod support;

use serde_json::{json, Value};
use serenity::all::{
    ChannelId, ChannelType, CreateMessage, CreateThread, CreateWebhook, EditMessage, Event,
    ExecuteWebhook, GatewayIntents, GuildId, Http, HttpBuilder, UserId,
};
use std::sync::Arc;
use std::time::Duration;
use support::discord::fixtures::{dm_channel_id, BOT_ID, GUILD_ID, TEXT_CHANNEL_ID};
use support::discord::StandIn;
use tokio::sync::mpsc;

const T: Duration = Duration::from_secs(10);
const USER: u64 = 600_000_000_000_000_009;

fn http(stand: &StandIn) -> Http {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    HttpBuilder::new("standin-token")
        .proxy(stand.base_url())
        .ratelimiter_disabled(true)
        .client(client)
        .application_id(BOT_ID.into())
        .build()
}

fn raw() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The status and Discord error code of a failed serenity call.
fn status_code<T: std::fmt::Debug>(r: serenity::Result<T>) -> (u16, isize) {
    match r {
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(e))) => {
            (e.status_code.as_u16(), e.error.code)
        }
        other => panic!("expected a Discord error, got {other:?}"),
    }
}

#[tokio::test]
async fn serenitys_http_client_reads_every_answer() {
    let stand = StandIn::start().await;
    let http = http(&stand);
    let text = ChannelId::new(TEXT_CHANNEL_ID);

    let me = http.get_current_user().await.unwrap();
    assert_eq!(me.id.get(), BOT_ID);

    // A private thread, and a member added to it.
    let thread = text
        .create_thread(
            &http,
            CreateThread::new("practice")
                .kind(ChannelType::PrivateThread)
                .invitable(false),
        )
        .await
        .unwrap();
    assert_eq!(thread.kind, ChannelType::PrivateThread);
    assert_eq!(thread.parent_id, Some(text));
    assert!(!thread.thread_metadata.unwrap().invitable);
    thread
        .id
        .add_thread_member(&http, UserId::new(USER))
        .await
        .unwrap();
    assert!(stand.thread_members(thread.id.get()).contains(&USER));

    // A message, edited, and a public thread from it (the thread takes the message's id).
    let msg = text
        .send_message(&http, CreateMessage::new().content("hello"))
        .await
        .unwrap();
    assert_eq!(msg.channel_id, text);
    assert_eq!(msg.guild_id, Some(GuildId::new(GUILD_ID)));
    let edited = text
        .edit_message(&http, msg.id, EditMessage::new().content("edited"))
        .await
        .unwrap();
    assert_eq!(edited.content, "edited");
    assert!(edited.edited_timestamp.is_some());
    let public = text
        .create_thread_from_message(&http, msg.id, CreateThread::new("from a message"))
        .await
        .unwrap();
    assert_eq!(public.id.get(), msg.id.get());
    assert_eq!(public.kind, ChannelType::PublicThread);

    // A channel webhook posting into the thread under another name.
    let hook = text
        .create_webhook(&http, CreateWebhook::new("Practice partner"))
        .await
        .unwrap();
    let posted = hook
        .execute(
            &http,
            true,
            ExecuteWebhook::new()
                .content("Hi, I'm Priya")
                .username("Priya Raman")
                .in_thread(thread.id),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(posted.channel_id, thread.id);
    assert_eq!(posted.author.name, "Priya Raman");
    assert_eq!(posted.webhook_id, Some(hook.id));
    let exec = stand
        .wait_for_request(T, |r| {
            r.path.starts_with(&format!("/webhooks/{}/", hook.id))
        })
        .await;
    assert_eq!(exec.query_param("thread_id"), Some(thread.id.to_string()));
    // Without wait=true Discord answers 204 and serenity returns no message.
    let none = hook
        .execute(&http, false, ExecuteWebhook::new().content("again"))
        .await
        .unwrap();
    assert!(none.is_none());
    let hooks = text.webhooks(&http).await.unwrap();
    assert_eq!(hooks.len(), 1);
    // Names Discord refuses.
    let (status, code) = status_code(
        hook.execute(
            &http,
            true,
            ExecuteWebhook::new().content("x").username("Discord Team"),
        )
        .await,
    );
    assert_eq!((status, code), (400, 50035));

    // A DM channel.
    let dm = UserId::new(USER).create_dm_channel(&http).await.unwrap();
    assert_eq!(dm.id.get(), dm_channel_id(USER));
    assert_eq!(dm.recipient.id.get(), USER);

    // Discord's errors.
    let (status, code) = status_code(
        ChannelId::new(1)
            .send_message(&http, CreateMessage::new().content("x"))
            .await,
    );
    assert_eq!((status, code), (404, 10003), "unknown channel");
    let (status, code) = status_code(text.send_message(&http, CreateMessage::new()).await);
    assert_eq!((status, code), (400, 50006), "empty message");
    let (status, code) = status_code(text.message(&http, 12345).await);
    assert_eq!((status, code), (404, 10008), "unknown message");
    assert!(stand.unreadable_dispatches().is_empty());
}

#[tokio::test]
async fn an_unknown_route_is_discords_json_404() {
    let stand = StandIn::start().await;
    let (status, code) = status_code(GuildId::new(GUILD_ID).roles(&http(&stand)).await);
    assert_eq!((status, code), (404, 0));
    let r = raw()
        .get(format!("{}/api/v10/no/such/route", stand.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body, json!({"message": "404: Not Found", "code": 0}));
    let logged = stand
        .wait_for_request(T, |r| r.path == "/no/such/route")
        .await;
    assert_eq!(logged.status, 404);
}

#[tokio::test]
async fn a_forced_429_looks_like_discords() {
    let stand = StandIn::start().await;
    let url = format!("{}/api/v10/users/@me", stand.base_url());
    stand.rate_limit("GET", "/users/@me", 1, 30.0);
    let r = raw().get(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let h = r.headers().clone();
    assert_eq!(h["retry-after"], "30");
    assert_eq!(h["x-ratelimit-remaining"], "0");
    assert_eq!(h["x-ratelimit-reset-after"], "30.000");
    assert_eq!(h["x-ratelimit-scope"], "user");
    assert!(h.get("x-ratelimit-global").is_none());
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body["retry_after"], 30.0);
    assert_eq!(body["global"], false);
    // Sent again before retry_after has passed: another 429 for the time left,
    // as Discord answers, counted as an early retry.
    assert_eq!(stand.early_retries(), 0);
    let r = raw().get(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    let left = body["retry_after"].as_f64().unwrap();
    assert!(left > 0.0 && left <= 30.0, "{left}");
    assert_eq!(stand.early_retries(), 1);
    // Only as many times as asked, once retry_after (here none) has passed.
    let gateway = format!("{}/api/v10/gateway", stand.base_url());
    stand.rate_limit("GET", "/gateway", 1, 0.0);
    assert_eq!(
        raw().get(&gateway).send().await.unwrap().status().as_u16(),
        429
    );
    assert_eq!(
        raw().get(&gateway).send().await.unwrap().status().as_u16(),
        200
    );
    assert_eq!(stand.early_retries(), 1);

    // A global limit holds every route until it has passed.
    stand.rate_limit_global(1, 30.0);
    let r = raw().get(&gateway).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["x-ratelimit-global"], "true");
    assert_eq!(r.headers()["x-ratelimit-scope"], "global");
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body["global"], true);
    let other = format!("{}/api/v10/oauth2/applications/@me", stand.base_url());
    let r = raw().get(&other).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["x-ratelimit-global"], "true");
    assert_eq!(stand.early_retries(), 2);
    let statuses: Vec<u16> = stand.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 429, 200, 429, 429]);
}

#[tokio::test]
async fn interactions_are_acknowledged_once_within_their_window() {
    let stand = StandIn::start().await;
    let http = http(&stand);
    let id = stand.slash(USER, TEXT_CHANNEL_ID, "ping", json!([]));
    let token = format!("token-{id}");
    // A follow-up before the interaction is acknowledged has no webhook yet.
    let (status, code) = status_code(
        http.create_followup_message(&token, &json!({"content": "early"}), vec![])
            .await,
    );
    assert_eq!((status, code), (404, 10015));
    let answer = json!({"type": 4, "data": {"content": "pong", "flags": 64}});
    http.create_interaction_response(id.into(), &token, &answer, vec![])
        .await
        .unwrap();
    let (status, code) = status_code(
        http.create_interaction_response(id.into(), &token, &answer, vec![])
            .await,
    );
    assert_eq!((status, code), (400, 40060), "acknowledged twice");
    let original = http
        .get_original_interaction_response(&token)
        .await
        .unwrap();
    assert_eq!(original.content, "pong");
    let follow = http
        .create_followup_message(&token, &json!({"content": "more"}), vec![])
        .await
        .unwrap();
    assert_eq!(follow.channel_id.get(), TEXT_CHANNEL_ID);
    // An unknown interaction, and one answered after Discord's window.
    let (status, code) = status_code(
        http.create_interaction_response(1.into(), "token-1", &answer, vec![])
            .await,
    );
    assert_eq!((status, code), (404, 10062));
    // A window of nothing: any answer is late, without waiting for it to pass.
    stand.set_interaction_window(Duration::ZERO);
    let late = stand.slash(USER, TEXT_CHANNEL_ID, "ping", json!([]));
    let (status, code) = status_code(
        http.create_interaction_response(late.into(), &format!("token-{late}"), &answer, vec![])
            .await,
    );
    assert_eq!((status, code), (404, 10062), "past the window");

    // A deferred answer is a "thinking" message until the bot edits it.
    stand.set_interaction_window(Duration::from_secs(3));
    let id = stand.slash(USER, TEXT_CHANNEL_ID, "slow", json!([]));
    let token = format!("token-{id}");
    http.create_interaction_response(id.into(), &token, &json!({"type": 5}), vec![])
        .await
        .unwrap();
    let thinking = http
        .get_original_interaction_response(&token)
        .await
        .unwrap();
    assert!(thinking
        .flags
        .unwrap()
        .contains(serenity::all::MessageFlags::LOADING));
    let done = http
        .edit_original_interaction_response(&token, &json!({"content": "done"}), vec![])
        .await
        .unwrap();
    assert_eq!(done.content, "done");
    assert!(!done
        .flags
        .unwrap()
        .contains(serenity::all::MessageFlags::LOADING));

    // Autocomplete answers are held to Discord's limits.
    let id = stand.autocomplete(
        USER,
        TEXT_CHANNEL_ID,
        "find",
        json!([{"name": "q", "type": 3, "value": "", "focused": true}]),
    );
    let too_many: Vec<Value> = (0..26)
        .map(|i| json!({"name": format!("c{i}"), "value": format!("c{i}")}))
        .collect();
    let (status, code) = status_code(
        http.create_interaction_response(
            id.into(),
            &format!("token-{id}"),
            &json!({"type": 8, "data": {"choices": too_many}}),
            vec![],
        )
        .await,
    );
    assert_eq!((status, code), (400, 50035));
}

/// Forwards every event a real serenity client receives.
struct Forward(mpsc::UnboundedSender<Event>);

#[serenity::async_trait]
impl serenity::client::RawEventHandler for Forward {
    async fn raw_event(&self, _ctx: serenity::client::Context, ev: Event) {
        let _ = self.0.send(ev);
    }
}

/// Receives events until one matches. serenity hands each event to the handler
/// in its own task, so events may arrive out of order: wait for each one you
/// need, and use [`all_of`] for several.
async fn next_matching(
    rx: &mut mpsc::UnboundedReceiver<Event>,
    what: &str,
    pred: impl Fn(&Event) -> bool,
) -> Event {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) => {
                assert!(
                    !matches!(ev, Event::Unknown(_)),
                    "serenity could not read {ev:?}"
                );
                if pred(&ev) {
                    return ev;
                }
            }
            _ => panic!("the client never received {what}"),
        }
    }
}

/// An event a test waits for: what it is, and how to recognise it.
type Wanted<'a> = (&'a str, &'a dyn Fn(&Event) -> bool);

/// Receives events until every predicate has matched one, in any order.
async fn all_of(rx: &mut mpsc::UnboundedReceiver<Event>, wanted: &[Wanted<'_>]) {
    let mut seen = vec![false; wanted.len()];
    let deadline = tokio::time::Instant::now() + T;
    while seen.contains(&false) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) => {
                assert!(
                    !matches!(ev, Event::Unknown(_)),
                    "serenity could not read {ev:?}"
                );
                for (i, (_, pred)) in wanted.iter().enumerate() {
                    seen[i] |= pred(&ev);
                }
            }
            _ => {
                let missing: Vec<&str> = wanted
                    .iter()
                    .zip(&seen)
                    .filter(|(_, s)| !**s)
                    .map(|((w, _), _)| *w)
                    .collect();
                panic!("the client never received {missing:?}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serenity_client_receives_every_injected_event_and_resumes() {
    let stand = StandIn::start().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let mut client = serenity::all::ClientBuilder::new_with_http(http(&stand), intents)
        .raw_event_handler(Forward(tx))
        .await
        .unwrap();
    let shards = client.shard_manager.clone();
    let http = client.http.clone();
    let task = tokio::spawn(async move {
        let _ = client.start().await;
    });

    next_matching(&mut rx, "READY", |e| matches!(e, Event::Ready(_))).await;
    next_matching(
        &mut rx,
        "GUILD_CREATE",
        |e| matches!(e, Event::GuildCreate(g) if g.guild.id.get() == GUILD_ID),
    )
    .await;

    let id = stand.message(USER, TEXT_CHANNEL_ID, "hello");
    next_matching(&mut rx, "the user's message", |e| {
        matches!(e, Event::MessageCreate(m) if m.message.id.get() == id && m.message.content == "hello")
    })
    .await;
    // The bot's own message comes back over the gateway, as on Discord.
    let mine = ChannelId::new(TEXT_CHANNEL_ID)
        .send_message(&http, CreateMessage::new().content("echo"))
        .await
        .unwrap();
    next_matching(
        &mut rx,
        "the echo",
        |e| matches!(e, Event::MessageCreate(m) if m.message.id == mine.id && m.message.author.bot),
    )
    .await;

    let thread = stand.thread_create(TEXT_CHANNEL_ID, "someone's thread", 11, USER);
    next_matching(
        &mut rx,
        "THREAD_CREATE",
        |e| matches!(e, Event::ThreadCreate(t) if t.thread.id.get() == thread),
    )
    .await;
    stand.thread_update(thread, |t| t["thread_metadata"]["archived"] = json!(true));
    next_matching(&mut rx, "THREAD_UPDATE", |e| {
        matches!(e, Event::ThreadUpdate(t) if t.thread.id.get() == thread
            && t.thread.thread_metadata.is_some_and(|m| m.archived))
    })
    .await;

    let b = stand.button(USER, TEXT_CHANNEL_ID, "press");
    let m = stand.modal_submit(USER, TEXT_CHANNEL_ID, "form", &[("name", "value")]);
    let s = stand.slash(
        USER,
        dm_channel_id(USER),
        "ask",
        json!([{"name": "q", "type": 3, "value": "why"}]),
    );
    let interaction = |want: u64| move |e: &Event| matches!(e, Event::InteractionCreate(i) if i.interaction.id().get() == want);
    all_of(
        &mut rx,
        &[
            ("button", &interaction(b)),
            ("modal", &interaction(m)),
            ("slash command in a DM", &interaction(s)),
        ],
    )
    .await;

    // An abrupt drop: the client resumes and gets what it missed, once.
    let missed = stand.message_missed(USER, TEXT_CHANNEL_ID, "while you were away");
    stand.drop_socket();
    stand.wait_resumed(T, 1).await;
    all_of(
        &mut rx,
        &[
            (
                "the missed message",
                &|e: &Event| matches!(e, Event::MessageCreate(m) if m.message.id.get() == missed),
            ),
            ("RESUMED", &|e: &Event| matches!(e, Event::Resumed(_))),
        ],
    )
    .await;

    // Op 7 and a resumable close code: resumed again; op 9: a new session.
    stand.reconnect();
    stand.wait_resumed(T, 2).await;
    stand.close_socket(4000, "unknown error");
    stand.wait_resumed(T, 3).await;
    assert_eq!(stand.identifies(), 1, "resumed every time");
    stand.invalidate_session(false);
    next_matching(&mut rx, "a new READY", |e| matches!(e, Event::Ready(_))).await;
    assert_eq!(stand.identifies(), 2);
    // The missed message was delivered once in all.
    let after = stand.message(USER, TEXT_CHANNEL_ID, "still there?");
    next_matching(
        &mut rx,
        "a message after re-identifying",
        |e| matches!(e, Event::MessageCreate(m) if m.message.id.get() == after),
    )
    .await;
    let replays = stand
        .frames()
        .iter()
        .filter(|f| {
            f.payload["t"] == "MESSAGE_CREATE"
                && f.payload["d"]["id"].as_str() == Some(missed.to_string().as_str())
        })
        .count();
    assert_eq!(replays, 1);
    assert!(stand.unreadable_dispatches().is_empty());
    shards.shutdown_all().await;
    task.abort();
}

#[tokio::test]
async fn requests_are_recorded_in_order_with_their_bodies() {
    let stand = StandIn::start().await;
    let http = Arc::new(http(&stand));
    let text = ChannelId::new(TEXT_CHANNEL_ID);
    let mut handles = Vec::new();
    for i in 0..5 {
        let http = http.clone();
        handles.push(tokio::spawn(async move {
            text.send_message(&http, CreateMessage::new().content(format!("m{i}")))
                .await
                .unwrap()
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    // Wait for a specific request, never for "the next one".
    let r = stand
        .wait_for_request(T, |r| r.json["content"] == "m3")
        .await;
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, format!("/channels/{TEXT_CHANNEL_ID}/messages"));
    let all = stand
        .wait_for_requests(T, 5, |r| r.path.ends_with("/messages"))
        .await;
    assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(stand.count_requests(|r| r.status == 200), 5);
}

/// Discord's 50035 nests `errors` along the field's path; serenity reads it
/// back as a dotted path, and the error codes 50007 / 50013 / 50083 come
/// through as Discord sends them.
#[tokio::test]
async fn discords_error_bodies_are_read_by_serenity() {
    let stand = StandIn::start().await;
    let http = http(&stand);
    let text = ChannelId::new(TEXT_CHANNEL_ID);
    let long = json!({"embeds": [{"title": "x".repeat(300)}]});
    let err = http
        .send_message(text, vec![], &long)
        .await
        .expect_err("too long");
    let serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(e)) = err else {
        panic!("expected a Discord error");
    };
    assert_eq!(e.error.code, 50035);
    assert_eq!(e.error.errors.len(), 1, "{:?}", e.error.errors);
    assert_eq!(e.error.errors[0].path, "embeds.title");
    assert_eq!(e.error.errors[0].code, "BASE_TYPE_INVALID");

    let body = json!({"content": "hello"});
    stand.deny(TEXT_CHANNEL_ID, 50013);
    assert_eq!(
        status_code(http.send_message(text, vec![], &body).await),
        (403, 50013)
    );
    let dm = ChannelId::new(dm_channel_id(77));
    stand.close_dms(77);
    http.create_private_channel(&json!({"recipient_id": "77"}))
        .await
        .unwrap();
    assert_eq!(
        status_code(http.send_message(dm, vec![], &body).await),
        (403, 50007)
    );
}
