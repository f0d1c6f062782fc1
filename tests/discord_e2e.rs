//! End to end: the real bot (serenity + poise, real handlers, real REST calls)
//! against the local Discord stand-in. The bytes on the wire are the test.
#![recursion_limit = "256"]

mod support;

use coffeechat::bot::{build_client, BotConfig, Data};
use coffeechat::classify::Classifier;
use coffeechat::engine::{Engine, Phase};
use coffeechat::store::Store;
use serde_json::json;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use support::discord::fixtures::{dm_channel_id, TEXT_CHANNEL_ID};
use support::discord::{Request, StandIn};

const T: Duration = Duration::from_secs(15);
const STUDENT: u64 = 600_000_000_000_000_001;
const OTHER: u64 = 600_000_000_000_000_002;
const REQUEST: &str = "Dear Ms Raman, my name is Sam Lee, a student of Dr. Ellis, who suggested I write because of your \
experience. Could I have 20 minutes for a short chat over coffee? I promise to keep to 20 minutes. I'm not asking for a job.";

fn engine() -> Arc<Engine> {
    static E: OnceLock<Arc<Engine>> = OnceLock::new();
    E.get_or_init(|| {
        Arc::new(Engine::new(
            coffeechat::scenario::load::load_embedded().unwrap(),
            Classifier::new(),
        ))
    })
    .clone()
}

/// A seed with which `software-backend` accepts the model request.
fn accepting_seed() -> u64 {
    (1..200)
        .find(|seed| {
            let mut s = engine().start("software-backend", *seed).unwrap();
            engine().send(&mut s, REQUEST).unwrap();
            s.phase == Phase::Conversation
        })
        .expect("some seed accepts")
}

struct Bot {
    /// What `bot::run` returned: `Err` holds the one-line reason the bot stopped.
    task: tokio::task::JoinHandle<Result<(), String>>,
    shards: Arc<serenity::gateway::ShardManager>,
    /// The gateway URL serenity (re)connects to (emptied when the bot stops itself).
    gateway_url: Arc<tokio::sync::Mutex<String>>,
}

impl Bot {
    async fn stop(self) {
        self.shards.shutdown_all().await;
        self.task.abort();
        let _ = self.task.await;
    }

    /// Waits for the bot to stop by itself and returns how it ended.
    async fn ended(self) -> Result<(), String> {
        tokio::time::timeout(Duration::from_secs(60), self.task)
            .await
            .expect("the bot did not stop by itself")
            .expect("the bot task panicked")
    }
}

/// How a test bot is configured.
struct Opts {
    engine: Arc<Engine>,
    message_content: bool,
    request_timeout: Duration,
    /// `BotConfig::max_reidentifies` (`None`: the bot's default).
    max_reidentifies: Option<u32>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            engine: engine(),
            message_content: true,
            request_timeout: Duration::from_secs(5),
            max_reidentifies: None,
        }
    }
}

async fn start_bot(stand: &StandIn, db_url: &str) -> Bot {
    start_bot_opts(stand, db_url, Opts::default()).await
}

async fn start_bot_with(stand: &StandIn, db_url: &str, engine: Arc<Engine>) -> Bot {
    start_bot_opts(
        stand,
        db_url,
        Opts {
            engine,
            ..Opts::default()
        },
    )
    .await
}

async fn start_bot_opts(stand: &StandIn, db_url: &str, opts: Opts) -> Bot {
    init_logs();
    let store = Store::connect(db_url).await.unwrap();
    let mut data = Data::new(opts.engine, store);
    data.fixed_seed = Some(accepting_seed());
    let config = BotConfig {
        api_base: Some(stand.base_url()),
        message_content: opts.message_content,
        request_timeout: Some(opts.request_timeout),
        max_reidentifies: opts.max_reidentifies,
    };
    let mut client = build_client("test-token", config, data).await.unwrap();
    let shards = client.shard_manager.clone();
    let gateway_url = client.ws_url.clone();
    let task = tokio::spawn(async move {
        coffeechat::bot::run(&mut client)
            .await
            .map_err(|e| e.to_string())
    });
    Bot {
        task,
        shards,
        gateway_url,
    }
}

/// Everything every test's bot logs, at `trace`, through the bot's own
/// redaction (`bot::logs`), for `the_trace_log_holds_no_token_and_no_practice_text`.
fn trace_log() -> &'static coffeechat::bot::logs::Memory {
    static LOG: OnceLock<coffeechat::bot::logs::Memory> = OnceLock::new();
    LOG.get_or_init(coffeechat::bot::logs::Memory::default)
}

/// Logs go to [`trace_log`]; `RUST_LOG=coffeechat=debug cargo test --test
/// discord_e2e -- --nocapture` also shows them.
fn init_logs() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;
    let memory = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(coffeechat::bot::logs::Redacting(trace_log().clone()))
        .with_filter(coffeechat::bot::logs::caps());
    let shown = std::env::var("RUST_LOG").ok().map(|_| {
        tracing_subscriber::fmt::layer()
            .with_writer(coffeechat::bot::logs::Redacting(std::io::stderr))
            .with_filter(tracing_subscriber::EnvFilter::from_default_env())
    });
    let _ = tracing_subscriber::registry()
        .with(memory)
        .with(shown)
        .try_init();
}

/// A stand-in and a bot that has connected and registered its commands.
async fn setup() -> (StandIn, Bot, tempfile::TempDir, String) {
    setup_opts(Opts::default()).await
}

async fn setup_opts(opts: Opts) -> (StandIn, Bot, tempfile::TempDir, String) {
    let stand = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot_opts(&stand, &db, opts).await;
    stand.wait_ready(T).await;
    stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    (stand, bot, dir, db)
}

/// The command `name` as the bot registered it.
async fn registered(stand: &StandIn, name: &str) -> serde_json::Value {
    let put = stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    put.json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

fn callback_for(id: u64) -> impl Fn(&Request) -> bool {
    move |r: &Request| {
        r.method == "POST"
            && r.path.starts_with(&format!("/interactions/{id}/"))
            && r.path.ends_with("/callback")
    }
}

fn text_of(r: &Request) -> String {
    r.json.to_string()
}

/// Every message body the bot sent respects Discord's limits (content, embeds, components).
fn assert_within_limits(stand: &StandIn) {
    let len = |v: &serde_json::Value| v.as_str().map_or(0, |s| s.chars().count());
    for r in stand.requests() {
        let body = if r.json.get("data").is_some() {
            &r.json["data"]
        } else {
            &r.json
        };
        let what = format!("{} {}", r.method, r.path);
        assert!(len(&body["content"]) <= 2000, "{what}: content too long");
        if let Some(embeds) = body["embeds"].as_array() {
            assert!(embeds.len() <= 10, "{what}: {} embeds", embeds.len());
            let mut total = 0;
            for e in embeds {
                let fields = e["fields"].as_array().cloned().unwrap_or_default();
                assert!(
                    len(&e["title"]) <= 256 && len(&e["description"]) <= 4096,
                    "{what}: title/description"
                );
                assert!(fields.len() <= 25, "{what}: {} fields", fields.len());
                assert!(
                    len(&e["footer"]["text"]) <= 2048 && len(&e["author"]["name"]) <= 256,
                    "{what}: footer/author"
                );
                total += len(&e["title"])
                    + len(&e["description"])
                    + len(&e["footer"]["text"])
                    + len(&e["author"]["name"]);
                for f in &fields {
                    assert!(
                        len(&f["name"]) <= 256 && len(&f["value"]) <= 1024,
                        "{what}: field"
                    );
                    total += len(&f["name"]) + len(&f["value"]);
                }
            }
            assert!(total <= 6000, "{what}: {total} characters across embeds");
        }
        if let Some(rows) = body["components"].as_array() {
            assert!(rows.len() <= 5, "{what}: rows");
            for row in rows {
                let items = row["components"].as_array().cloned().unwrap_or_default();
                assert!(items.len() <= 5, "{what}: buttons in a row");
                for b in &items {
                    assert!(
                        len(&b["label"]) <= 80 && len(&b["custom_id"]) <= 100,
                        "{what}: button"
                    );
                }
            }
        }
    }
}

/// Every body the bot sent with content or embeds disables mentions.
fn assert_no_pings(stand: &StandIn) {
    for r in stand.requests() {
        let body = if r.json.get("data").is_some() {
            &r.json["data"]
        } else {
            &r.json
        };
        if body.get("content").is_some() || body.get("embeds").is_some() {
            let parse = &body["allowed_mentions"]["parse"];
            assert!(
                parse.as_array().is_some_and(|a| a.is_empty()),
                "{} {} may ping: {}",
                r.method,
                r.path,
                r.json
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_with_descriptions_and_options() {
    let (stand, bot, _dir, _) = setup().await;
    let put = stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    let cmds = put.json.as_array().unwrap();
    let names: Vec<&str> = cmds.iter().map(|c| c["name"].as_str().unwrap()).collect();
    for want in [
        "practice",
        "say",
        "scenarios",
        "questions",
        "tips",
        "check",
        "history",
        "scorecard",
        "progress",
        "forget-me",
    ] {
        assert!(names.contains(&want), "{want} not registered: {names:?}");
    }
    for c in cmds {
        let d = c["description"].as_str().unwrap();
        assert!(
            !d.is_empty() && d.chars().count() <= 100,
            "{}: {d}",
            c["name"]
        );
        let n = c["name"].as_str().unwrap();
        assert!(n.len() <= 32 && n.chars().all(|ch| ch.is_lowercase() || ch == '-'));
    }
    let practice = cmds.iter().find(|c| c["name"] == "practice").unwrap();
    let subs: Vec<&str> = practice["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(subs, ["start", "end", "status", "hint"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_command_is_answered_within_three_seconds_ephemeral_and_without_pings() {
    let (stand, bot, _dir, _) = setup().await;
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "scenarios", json!([]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    // The stand-in, as Discord, refuses a first answer after 3 seconds (10062).
    assert_eq!(cb.status, 204, "accepted inside the interaction's window");
    assert_eq!(cb.json["type"], 4);
    assert_eq!(cb.json["data"]["flags"], 64, "ephemeral");
    assert!(text_of(&cb).contains("software-backend"));
    // Inline choices are sent as the index Discord was given at registration.
    let tips = registered(&stand, "tips").await;
    let choice = tips["options"][0]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "request")
        .unwrap()["value"]
        .clone();
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "tips",
        json!([{"name": "stage", "type": 4, "value": choice}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("ask.time"), "{}", cb.json);
    assert!(!text_of(&cb).contains("talk.no_pitch"));
    assert_no_pings(&stand);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_at_most_25_matching_choices() {
    let (stand, bot, _dir, _) = setup().await;
    let opts = json!([{"name": "start", "type": 1, "options": [{"name": "scenario", "type": 3, "value": "nurs", "focused": true}]}]);
    let id = stand.autocomplete(STUDENT, TEXT_CHANNEL_ID, "practice", opts);
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["type"], 8);
    let choices = cb.json["data"]["choices"].as_array().unwrap();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert!(choices.iter().any(|c| c["value"] == "nursing-icu"));
    assert!(choices
        .iter()
        .all(|c| c["name"].as_str().unwrap().chars().count() <= 100));
    bot.stop().await;
}

/// Makes every attempt at the reply to `text` fail (the first and its four
/// retries) and waits for the notice that offers Resend.
async fn fail_reply_to(stand: &StandIn, thread: u64, text: &str) -> Request {
    let path = format!("/channels/{thread}/messages");
    stand.fail("POST", &path, 5, 500, 0);
    stand.message(STUDENT, thread, text);
    stand
        .wait_for_request(T, |r| {
            r.path == path && r.status == 200 && text_of(r).contains("reply could not be sent")
        })
        .await
}

/// Starts a practice in a private thread and returns the thread id.
async fn start_practice(stand: &StandIn) -> u64 {
    start_practice_for(stand, STUDENT).await
}

/// Starts `user`'s practice in a private thread and returns the thread id.
async fn start_practice_for(stand: &StandIn, user: u64) -> u64 {
    let opts = json!([{"name": "start", "type": 1, "options": [{"name": "scenario", "type": 3, "value": "software-backend"}]}]);
    let id = stand.slash(user, TEXT_CHANNEL_ID, "practice", opts);
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["type"], 5, "deferred first");
    let made = stand
        .wait_for_request(T, |r| {
            r.method == "POST" && r.path == format!("/channels/{TEXT_CHANNEL_ID}/threads")
        })
        .await;
    assert_eq!(made.json["type"], 12, "a private thread");
    assert_eq!(made.json["invitable"], false);
    let member = format!("/thread-members/{user}");
    let thread: u64 = stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with(&member))
        .await
        .path
        .split('/')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    stand
        .wait_for_request(T, |r| {
            r.method == "POST"
                && r.path == format!("/channels/{thread}/messages")
                && text_of(r).contains("Priya Raman")
        })
        .await;
    thread
}

async fn say_in(stand: &StandIn, thread: u64, user: u64, text: &str) -> Request {
    let before = stand.requests().len();
    stand.message(user, thread, text);
    let path = format!("/channels/{thread}/messages");
    // The first bot message after `before`.
    let reply = stand
        .wait_until(T, |s| {
            s.requests()
                .into_iter()
                .skip(before)
                .find(|r| r.method == "POST" && r.path == path)
        })
        .await;
    reply.unwrap_or_else(|| panic!("no reply to {text:?} within {T:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_practice_runs_through_the_gateway_and_survives_a_restart() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    let r = say_in(&stand, thread, STUDENT, REQUEST).await;
    assert!(text_of(&r).contains("Request accepted"), "{}", r.json);
    say_in(
        &stand,
        thread,
        STUDENT,
        "I'm hoping to move into backend engineering after I graduate.",
    )
    .await;
    let r = say_in(&stand, thread, STUDENT, "How did you get into this field?").await;
    assert!(
        r.json["embeds"][0]["author"]["name"] == "Priya Raman",
        "speaks under their own name: {}",
        r.json
    );

    // Restart the bot in the middle of the conversation: nothing is lost.
    bot.stop().await;
    let gets = stand.count_requests(|r| r.method == "GET" && r.path.ends_with("/commands"));
    let bot = start_bot(&stand, &db).await;
    stand
        .wait_for_requests(T, gets + 1, |r| {
            r.method == "GET" && r.path.ends_with("/commands")
        })
        .await;
    let r = say_in(
        &stand,
        thread,
        STUDENT,
        "What advice would you give someone in my position?",
    )
    .await;
    assert!(text_of(&r).contains("Priya Raman"), "{}", r.json);
    // poise handles no event before its setup, where registration is decided,
    // has finished: so the answer above comes after that decision.
    assert_eq!(
        stand.count_requests(|r| r.method == "PUT" && r.path.ends_with("/commands")),
        1,
        "unchanged commands are not registered again"
    );
    say_in(
        &stand,
        thread,
        STUDENT,
        "Is there anyone else you think I should talk to?",
    )
    .await;

    // A second user can neither speak in nor end the first user's practice
    // (their message would be a turn: the turns are counted at the end).
    stand.message(OTHER, thread, "Are you hiring? I'd love a job.");
    let store = Store::connect(&db).await.unwrap();
    let open = store
        .session_in_channel(&thread.to_string())
        .await
        .unwrap()
        .unwrap();
    let id = stand.button(OTHER, thread, &format!("cc:end:{}", open.id));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["data"]["flags"], 64);
    assert!(text_of(&cb).contains("Only the student"));

    // /practice end, the follow-up note, then the scorecard.
    let id = stand.slash(
        STUDENT,
        thread,
        "practice",
        json!([{"name": "end", "type": 1, "options": []}]),
    );
    stand.wait_for_request(T, callback_for(id)).await;
    stand
        .wait_for_request(T, |r| {
            r.path == format!("/channels/{thread}/messages")
                && text_of(r).contains("Follow-up note")
        })
        .await;
    let r = say_in(
        &stand,
        thread,
        STUDENT,
        "Thank you for your time today. I've written to Tomás Herrera, and I'll keep you posted.",
    )
    .await;
    let card = stand
        .wait_for_request(T, |r| {
            r.path == format!("/channels/{thread}/messages") && text_of(r).contains("Scorecard:")
        })
        .await;
    assert!(text_of(&card).contains("talk.their_story"), "{}", card.json);
    let _ = r;
    let h = store.history(&open.user_id, 5).await.unwrap();
    assert_eq!(h.len(), 1);
    assert!(h[0].score_total.unwrap() > 50);
    let turns = store.turns(&open.id).await.unwrap();
    // request + 4 conversation messages + the note (the other user's message is not a turn)
    assert_eq!(turns.len(), 6, "every turn stored");
    assert_no_pings(&stand);
    assert_within_limits(&stand);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_and_a_dropped_socket_resume_without_losing_the_conversation() {
    let (stand, bot, _dir, _db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    assert_eq!(stand.identifies(), 1);

    stand.reconnect();
    stand
        .wait_for_frame(T, |f| f.from_bot && f.payload["op"] == 6)
        .await;
    let r = say_in(&stand, thread, STUDENT, "How did you get into this field?").await;
    assert!(text_of(&r).contains("Priya Raman"));

    // A message the bot misses as its socket dies is replayed on RESUME.
    let resumes_before = stand.resumes();
    let id = stand.message_missed(STUDENT, thread, "What's the hardest part of your job?");
    stand.drop_socket();
    stand.wait_resumed(T, resumes_before + 1).await;
    let path = format!("/channels/{thread}/messages");
    let reply = stand
        .wait_for_request(T, |r| r.path == path && text_of(r).contains("on-call"))
        .await;
    assert!(text_of(&reply).contains("Priya Raman"));
    // Exactly once, even though the event was queued and replayed: delivered
    // once (RESUMED comes after the replay), and answered once, counted after
    // the bot has answered something later rather than after a pause.
    let deliveries = stand
        .frames()
        .iter()
        .filter(|f| !f.from_bot && f.payload["d"]["id"].as_str() == Some(id.to_string().as_str()))
        .count();
    assert_eq!(deliveries, 1, "replayed once");
    let later = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.wait_for_request(T, callback_for(later)).await;
    let replies = stand
        .requests()
        .iter()
        .filter(|r| r.path == path && text_of(r).contains("on-call"))
        .count();
    assert_eq!(replies, 1, "message {id} answered {replies} times");
    assert_eq!(stand.identifies(), 1, "resumed, not re-identified");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_retried_and_nothing_is_lost() {
    let (stand, bot, _dir, _db) = setup().await;
    let thread = start_practice(&stand).await;
    stand.rate_limit("POST", &format!("/channels/{thread}/messages"), 1, 0.2);
    stand.message(STUDENT, thread, REQUEST);
    let path = format!("/channels/{thread}/messages");
    let reply = |r: &Request| r.path == path && text_of(r).contains("Request accepted");
    // One 429, then the retry that succeeded: the same reply arrives twice at the stand-in.
    let sent = stand.wait_for_requests(T, 2, reply).await;
    assert_eq!(
        sent.iter().map(|r| r.status).collect::<Vec<_>>(),
        [429, 200]
    );
    // A 429 on an interaction callback is retried too.
    stand.rate_limit("POST", "/interactions/", 1, 0.2);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    let answers = stand.wait_for_requests(T, 2, callback_for(id)).await;
    assert_eq!(
        answers.iter().map(|r| r.status).collect::<Vec<_>>(),
        [429, 204]
    );
    // Nothing is lost: the conversation goes on from the stored state.
    let r = say_in(&stand, thread, STUDENT, "How did you get into this field?").await;
    assert!(text_of(&r).contains("Priya Raman"));
    // And nothing was sent again after it succeeded (checked after the next
    // exchange, not after a pause), nor before a 429's retry_after had passed.
    assert_eq!(stand.count_requests(reply), 2, "the reply was sent again");
    assert_eq!(stand.count_requests(callback_for(id)), 2);
    assert_eq!(
        stand
            .messages_in(thread)
            .iter()
            .filter(|m| m.to_string().contains("Request accepted"))
            .count(),
        1,
        "one message posted"
    );
    assert_eq!(stand.early_retries(), 0);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_history_progress_and_forget_me() {
    let (stand, bot, _dir, db) = setup().await;
    // /check question
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "check", json!([{"name": "question", "type": 1, "options": [{"name": "text", "type": 3, "value": "Are you hiring @everyone?"}]}]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("talk.no_job"), "{}", cb.json);
    assert!(
        !text_of(&cb).contains("@everyone"),
        "user text echoed unescaped: {}",
        cb.json
    );
    // /check request opens a modal; submitting it gives feedback.
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "check",
        json!([{"name": "request", "type": 1, "options": []}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["type"], 9, "a modal");
    let id = stand.modal_submit(STUDENT, TEXT_CHANNEL_ID, "cc:draft", &[("draft", REQUEST)]);
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("ask.time"));
    // /questions with a topic
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "questions",
        json!([{"name": "topic", "type": 3, "value": "referral"}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("talk.referral"));
    // A finished practice in DMs, then history, scorecard and progress.
    let dm = dm_channel_id(STUDENT);
    let opts = json!([{"name": "start", "type": 1, "options": [{"name": "scenario", "type": 3, "value": "software-backend"}]}]);
    let id = stand.slash(STUDENT, dm, "practice", opts);
    stand.wait_for_request(T, callback_for(id)).await;
    stand
        .wait_for_request(T, |r| {
            r.path == format!("/channels/{dm}/messages") && text_of(r).contains("Priya Raman")
        })
        .await;
    say_in(&stand, dm, STUDENT, REQUEST).await;
    say_in(&stand, dm, STUDENT, "How did you get into this field?").await;
    let store = Store::connect(&db).await.unwrap();
    let open = store
        .session_in_channel(&dm.to_string())
        .await
        .unwrap()
        .unwrap();
    let id = stand.button(STUDENT, dm, &format!("cc:card:{}", open.id));
    let card = stand
        .wait_until(T, |s| {
            answers_to(s, id)
                .iter()
                .any(|r| text_of(r).contains("Scorecard:"))
                .then_some(())
        })
        .await;
    assert!(card.is_some(), "{:?}", answers_to(&stand, id));
    let id = stand.slash(STUDENT, dm, "scorecard", json!([]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(
        text_of(&cb).contains("Scorecard:") && text_of(&cb).contains("talk.topics"),
        "{}",
        cb.json
    );
    let id = stand.slash(
        OTHER,
        dm,
        "scorecard",
        json!([{"name": "session", "type": 3, "value": open.id.clone()}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(
        !text_of(&cb).contains("Scorecard:"),
        "another user must not see it: {}",
        cb.json
    );
    let id = stand.slash(STUDENT, dm, "history", json!([]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("/100"), "{}", cb.json);
    let id = stand.slash(STUDENT, dm, "progress", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;
    let png = stand
        .wait_for_request(T, |r| {
            r.path.starts_with("/webhooks/") && r.body.windows(8).any(|w| w == b"\x89PNG\r\n\x1a\n")
        })
        .await;
    assert!(
        png.json["embeds"][0]["image"]["url"] == "attachment://progress.png",
        "{}",
        png.json
    );
    // /forget-me, confirmed by the button.
    let id = stand.slash(STUDENT, dm, "forget-me", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;
    let id = stand.button(OTHER, dm, &format!("cc:forget:{STUDENT}"));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("not for you"));
    assert!(store
        .find_user("discord", &STUDENT.to_string())
        .await
        .unwrap()
        .is_some());
    let id = stand.button(STUDENT, dm, &format!("cc:forget:{STUDENT}"));
    let done = stand
        .wait_until(T, |s| {
            answers_to(s, id)
                .into_iter()
                .find(|r| text_of(r).contains("deleted 1 session"))
        })
        .await;
    assert!(done.is_some(), "{:?}", answers_to(&stand, id));
    assert!(store
        .find_user("discord", &STUDENT.to_string())
        .await
        .unwrap()
        .is_none());
    assert_no_pings(&stand);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_hint_say_and_a_second_start() {
    let (stand, bot, _dir, _db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    let sub = |name: &str| json!([{"name": name, "type": 1, "options": []}]);
    let id = stand.slash(STUDENT, thread, "practice", sub("status"));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["data"]["flags"], 64);
    assert!(text_of(&cb).contains("minutes used"), "{}", cb.json);
    let id = stand.slash(STUDENT, thread, "practice", sub("hint"));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("Try:"), "{}", cb.json);
    // /say works without the message-content permission, and echoes the text escaped.
    let id = stand.slash(
        STUDENT,
        thread,
        "say",
        json!([{"name": "text", "type": 3, "value": "How did you get into this field? @everyone"}]),
    );
    stand.wait_for_request(T, callback_for(id)).await;
    let said = stand
        .wait_for_request(T, |r| {
            r.path.starts_with("/webhooks/") && text_of(r).contains("Priya Raman")
        })
        .await;
    assert!(!text_of(&said).contains("@everyone"), "{}", said.json);
    // /say elsewhere is refused, privately: refused before any (public) defer.
    let id = stand.slash(
        OTHER,
        TEXT_CHANNEL_ID,
        "say",
        json!([{"name": "text", "type": 3, "value": "hello"}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["type"], 4, "{}", cb.json);
    assert_eq!(cb.json["data"]["flags"], 64, "{}", cb.json);
    assert!(
        text_of(&cb).contains("inside your own practice"),
        "{}",
        cb.json
    );
    // A second /practice start offers to resume or end the open one.
    let opts = json!([{"name": "start", "type": 1, "options": []}]);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "practice", opts);
    stand.wait_for_request(T, callback_for(id)).await;
    let offer = stand
        .wait_for_request(T, |r| {
            r.path.starts_with("/webhooks/") && text_of(r).contains("already have a practice")
        })
        .await;
    assert!(
        text_of(&offer).contains("cc:resume:") && text_of(&offer).contains("cc:abandon:"),
        "{}",
        offer.json
    );
    assert_no_pings(&stand);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_can_send_practice_to_dms_instead_of_threads() {
    let (stand, bot, _dir, _db) = setup().await;
    let setup_cmd = registered(&stand, "setup").await;
    assert_eq!(
        setup_cmd["default_member_permissions"], "32",
        "only members who can manage the server"
    );
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "setup",
        json!([{"name": "use_threads", "type": 5, "value": false}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("DMs"), "{}", cb.json);
    let opts = json!([{"name": "start", "type": 1, "options": [{"name": "scenario", "type": 3, "value": "nursing-icu"}]}]);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "practice", opts);
    stand.wait_for_request(T, callback_for(id)).await;
    stand
        .wait_for_request(T, |r| r.method == "POST" && r.path == "/users/@me/channels")
        .await;
    let dm = dm_channel_id(STUDENT);
    let brief = stand
        .wait_for_request(T, |r| r.path == format!("/channels/{dm}/messages"))
        .await;
    assert!(text_of(&brief).contains("Amara Okafor"), "{}", brief.json);
    assert!(
        !stand
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/threads")),
        "no thread when the server chose DMs"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unacknowledged_heartbeats_make_the_bot_reconnect_and_carry_on() {
    let stand = StandIn::start().await;
    stand.set_heartbeat_interval(400);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot(&stand, &db).await;
    stand.wait_ready(T).await;
    stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    stand
        .wait_for_frame(T, |f| f.from_bot && f.payload["op"] == 1)
        .await;
    stand.set_heartbeat_acks(false);
    // A zombied connection is dropped by the bot. serenity 0.12.5 then
    // re-identifies rather than resuming: its shard runner answers a missed ACK
    // with `request_restart`, which boots a new shard without the session id
    // (shard_runner.rs, `do_heartbeat`), so the library does not allow a resume
    // here. This pins that fact; events sent in between are lost.
    let reconnected = stand
        .wait_until(T, |s| {
            (s.resumes() > 0 || s.identifies() >= 2).then_some(())
        })
        .await;
    assert!(
        reconnected.is_some(),
        "the bot kept a connection whose heartbeats went unanswered"
    );
    assert_eq!(
        stand.resumes(),
        0,
        "serenity 0.12.5 now resumes: update docs/TESTING.md"
    );
    stand.set_heartbeat_acks(true);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_a_one_line_error() {
    let stand = StandIn::start().await;
    stand.reject_token(true);
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_coffeechat"))
        .arg("bot")
        .env("DISCORD_TOKEN", "rejected-token-value")
        .env("COFFEECHAT_DISCORD_API", stand.base_url())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bot.db", dir.path().display()),
        )
        .env_remove("RUST_LOG")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(T, out)
        .await
        .expect("the bot gave up on a rejected token")
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.trim().lines().last().unwrap_or("");
    assert!(
        last.starts_with("error:") && last.contains("token"),
        "{err}"
    );
    assert!(
        !err.contains("rejected-token-value"),
        "the token leaked: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_messages_never_break_limits_ping_or_crash() {
    let (stand, bot, _dir, _db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    for text in [
        "@everyone @here <@123456789012345678> <@&1> are you hiring?".to_string(),
        "x".repeat(10_000),
        "**bold** `code` ||spoiler|| > quote\n# heading [link](http://example.com)".to_string(),
        "\u{0}\u{7}\u{1b}[31m control \u{202e}".to_string(),
        "👩‍💻".repeat(1500),
    ] {
        say_in(&stand, thread, STUDENT, &text).await;
    }
    // The bot is still answering, and nothing it sent could ping or overflow.
    let r = say_in(&stand, thread, STUDENT, "How did you get into this field?").await;
    assert!(text_of(&r).contains("Priya Raman"));
    assert_no_pings(&stand);
    assert_within_limits(&stand);
    bot.stop().await;
}

/// Every body the bot sent for one interaction: its callback and its follow-ups.
fn answers_to(stand: &StandIn, id: u64) -> Vec<Request> {
    let token = format!("/token-{id}");
    stand
        .requests()
        .into_iter()
        .filter(|r| {
            r.status < 300
                && (callback_for(id)(r)
                    || (r.path.starts_with("/webhooks/") && r.path.contains(&token)))
        })
        .collect()
}

/// The engine with the shipped scenarios plus `extra` copies of one, so that
/// there are more scenarios than Discord allows choices or fields.
fn engine_with_many_scenarios(extra: usize) -> (Arc<Engine>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml" || e == "json") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let base = std::fs::read_to_string(src.join("ux-research.toml")).unwrap();
    for i in 0..extra {
        let copy = base.replacen(
            "id = \"ux-research\"",
            &format!("id = \"ux-research-{i:02}\""),
            1,
        );
        assert_ne!(copy, base, "the copy needs its own id");
        std::fs::write(dir.path().join(format!("ux-research-{i:02}.toml")), copy).unwrap();
    }
    let set = coffeechat::scenario::load::load_dir(dir.path()).unwrap();
    (Arc::new(Engine::new(set, Classifier::new())), dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_lists_every_scenario_and_autocompletes_within_discords_limits() {
    let (engine, _scenarios) = engine_with_many_scenarios(30);
    let ids: Vec<String> = engine.scenarios().iter().map(|s| s.id.clone()).collect();
    assert!(ids.len() > 25);
    let stand = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot_with(&stand, &db, engine).await;
    stand.wait_ready(T).await;
    let scenarios = registered(&stand, "scenarios").await;
    assert_eq!(scenarios["options"][0]["name"], "scenario");
    assert_eq!(scenarios["options"][0]["autocomplete"], true);

    // The list: more scenarios than one embed holds fields, so it is paged, and none is lost.
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "scenarios", json!([]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["data"]["flags"], 64, "ephemeral");
    let all = stand
        .wait_until(T, |s| {
            let text: String = answers_to(s, id).iter().map(text_of).collect();
            ids.iter()
                .all(|i| text.contains(&format!("`{i}`")))
                .then_some(text)
        })
        .await;
    assert!(
        all.is_some(),
        "some scenarios were not listed: {:?}",
        answers_to(&stand, id)
    );

    // Autocomplete with nothing typed yet: Discord's 25 at most, names within 100 characters.
    let focused = |v: &str| json!([{"name": "scenario", "type": 3, "value": v, "focused": true}]);
    let id = stand.autocomplete(STUDENT, TEXT_CHANNEL_ID, "scenarios", focused(""));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.status, 204, "the stand-in accepted the choices");
    assert_eq!(cb.json["type"], 8);
    let choices = cb.json["data"]["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 25);
    for c in choices {
        let name = c["name"].as_str().unwrap().chars().count();
        assert!((1..=100).contains(&name));
        assert!(ids.contains(&c["value"].as_str().unwrap().to_string()));
    }
    // Typing narrows the choices, by id, title or field.
    let id = stand.autocomplete(STUDENT, TEXT_CHANNEL_ID, "scenarios", focused("Nurs"));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    let values: Vec<&str> = cb.json["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["nursing-icu"]);

    // One scenario's details.
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "scenarios",
        json!([{"name": "scenario", "type": 3, "value": "nursing-icu"}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    let nursing = coffeechat::scenario::load::load_embedded().unwrap();
    let pro = &nursing.get("nursing-icu").unwrap().professional.name;
    assert!(text_of(&cb).contains(pro.as_str()), "{}", cb.json);
    // An unknown one says so, without echoing markdown or pings.
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "scenarios",
        json!([{"name": "scenario", "type": 3, "value": "**nope** @everyone"}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    let text = text_of(&cb);
    assert!(text.contains("no scenario called"), "{text}");
    assert!(
        !text.contains("**nope**") && !text.contains("@everyone"),
        "{text}"
    );
    assert_no_pings(&stand);
    assert_within_limits(&stand);
    assert!(stand.unreadable_dispatches().is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_sent_while_the_bot_was_disconnected_is_answered_exactly_once() {
    let (stand, bot, _dir, _db) = setup().await;
    // Op 7: the bot closes, resumes, and carries on.
    stand.reconnect();
    stand.wait_resumed(T, 1).await;
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;

    // A command sent as the socket dies reaches the bot only through RESUME replay.
    let missed = stand.slash_missed(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.drop_socket();
    stand.wait_resumed(T, 2).await;
    let cb = stand.wait_for_request(T, callback_for(missed)).await;
    assert_eq!(cb.status, 204, "answered inside the interaction's window");
    assert!(text_of(&cb).contains("ask.time"));
    // And once only: a second answer would be Discord's 40060, and a repeat
    // delivery is what a replay bug would cause.
    let later = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.wait_for_request(T, callback_for(later)).await;
    assert_eq!(stand.count_requests(callback_for(missed)), 1);
    let deliveries = stand
        .frames()
        .iter()
        .filter(|f| {
            !f.from_bot && f.payload["d"]["id"].as_str() == Some(missed.to_string().as_str())
        })
        .count();
    assert_eq!(deliveries, 1, "replayed once");
    assert_eq!(stand.identifies(), 1, "resumed, never re-identified");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_a_follow_up_or_a_global_429_is_retried() {
    let (stand, bot, _dir, _db) = setup().await;
    // /practice start defers, then confirms by editing the thinking message
    // (`@original`): the edit is rate limited once. As on Discord, a retry sent
    // before `retry_after` had passed would get another 429 and count as early;
    // 0.2 s is the bot's shortest backoff (half its first wait of 0.4 s), so none
    // may be early.
    stand.rate_limit("PATCH", "/webhooks/", 1, 0.2);
    let thread = start_practice(&stand).await;
    let follow_ups = stand
        .wait_for_requests(T, 2, |r| {
            r.method == "PATCH" && r.path.starts_with("/webhooks/")
        })
        .await;
    assert_eq!(follow_ups[0].status, 429);
    assert_eq!(follow_ups[1].status, 200);
    assert_eq!(
        follow_ups[0].json, follow_ups[1].json,
        "the same follow-up, sent again"
    );
    assert_eq!(stand.early_retries(), 0, "the bot waited out retry_after");
    // A global 429 on an interaction callback: retried within the 3-second window.
    stand.rate_limit_global(1, 0.2);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    let answers = stand.wait_for_requests(T, 2, callback_for(id)).await;
    assert_eq!(
        answers.iter().map(|r| r.status).collect::<Vec<_>>(),
        [429, 204]
    );
    assert_eq!(
        stand.early_retries(),
        0,
        "no request before the global limit ended"
    );
    // The practice goes on: nothing was lost.
    let r = say_in(&stand, thread, STUDENT, REQUEST).await;
    assert!(text_of(&r).contains("Request accepted"), "{}", r.json);
    // And nothing was sent once more after it succeeded: one follow-up
    // posted, one callback accepted.
    let follow_up = &follow_ups[1].json;
    assert_eq!(
        stand.count_requests(|r| r.path.starts_with("/webhooks/") && &r.json == follow_up),
        2
    );
    assert_eq!(stand.count_requests(callback_for(id)), 2);
    bot.stop().await;
}

/// Measures what serenity 0.12.5 itself does with a 429 when its rate limiter is
/// off (the stand-in path): it makes one request and returns the 429 as the
/// call's error (a limiter honouring `retry_after` would wait and send it
/// again), so the bot's own retry layer is what saves the call.
#[tokio::test]
async fn serenity_returns_a_429_at_once_with_its_limiter_off() {
    let stand = StandIn::start().await;
    let http = coffeechat::bot::build_http(
        "test-token",
        Some(&stand.base_url()),
        Duration::from_secs(5),
    )
    .unwrap();
    stand.rate_limit("GET", "/users/@me", 1, 30.0);
    let err = tokio::time::timeout(T, http.get_current_user())
        .await
        .expect("hang guard: serenity is waiting out retry_after")
        .unwrap_err();
    assert_eq!(coffeechat::bot::retry::status_of(&err), Some(429));
    assert_eq!(
        stand.count_requests(|r| r.path == "/users/@me"),
        1,
        "sent once, not again after retry_after"
    );
    assert_eq!(stand.early_retries(), 0);

    // The bot's retry layer: its backoff waits out a `retry_after` of 0.2 s
    // (no retry is early, so none gets another 429) and the call succeeds.
    let path = "/oauth2/applications/@me";
    stand.rate_limit("GET", path, 2, 0.2);
    let app = coffeechat::bot::retry(|| http.get_current_application_info())
        .await
        .unwrap();
    assert_eq!(app.id.get(), support::discord::BOT_ID);
    let statuses: Vec<u16> = stand
        .requests()
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 429, 200]);
    assert_eq!(stand.early_retries(), 0);
    // 401 is never retried (Discord bans IPs that repeat invalid requests).
    let hook = serenity::all::ChannelId::new(TEXT_CHANNEL_ID)
        .create_webhook(&http, serenity::all::CreateWebhook::new("Coach"))
        .await
        .unwrap();
    let body = json!({"content": "hello"});
    let err = coffeechat::bot::retry(|| {
        http.execute_webhook(hook.id, None, "wrong-token", true, vec![], &body)
    })
    .await
    .unwrap_err();
    assert_eq!(coffeechat::bot::retry::status_of(&err), Some(401));
    assert_eq!(
        stand.count_requests(|r| r.path.starts_with("/webhooks/")),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_in_the_environment_cannot_divert_the_bot_from_loopback() {
    // A proxy that refuses every connection: if the bot used it, nothing would reach the stand-in.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let stand = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_coffeechat"))
        .arg("bot")
        .env("DISCORD_TOKEN", "test-token")
        .env("COFFEECHAT_DISCORD_API", stand.base_url())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bot.db", dir.path().display()),
        )
        .env("HTTP_PROXY", &proxy)
        .env("HTTPS_PROXY", &proxy)
        .env("ALL_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env("https_proxy", &proxy)
        .env("all_proxy", &proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let put = stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    assert_eq!(put.status, 200);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;
    child.kill().await.unwrap();
}

/// The example in docs/TESTING.md, kept true: /tips shows every item of the
/// guide's advice for the four stages of an informational interview (not the
/// professional's persona items) with its id and sources, privately.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tips_list_the_request_advice() {
    let (stand, bot, _dir, _db) = setup().await;
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.status, 204);
    assert!(text_of(&cb).contains("ask.time"));
    assert_eq!(cb.json["data"]["flags"], 64, "ephemeral");
    let everything = stand
        .wait_until(T, |s| {
            let text: String = answers_to(s, id).iter().map(text_of).collect();
            use coffeechat::advice::Stage;
            coffeechat::advice::ITEMS
                .iter()
                .filter(|a| a.stage != Stage::Persona)
                .all(|a| {
                    text.contains(&format!("`{}`", a.id))
                        && text.contains(&coffeechat::advice::sources_label(a))
                })
                .then_some(())
        })
        .await;
    assert!(
        everything.is_some(),
        "some advice is missing: {:?}",
        answers_to(&stand, id)
    );
    assert_within_limits(&stand);
    bot.stop().await;
}

// ---- issue 10: every failure answered, nothing stuck, nothing leaked --------

/// The store's open practice of `user`, if any.
async fn open_practice_of(db: &str, user: u64) -> Option<coffeechat::store::StoredSession> {
    let store = Store::connect(db).await.unwrap();
    let u = store
        .find_user("discord", &user.to_string())
        .await
        .unwrap()?;
    store.open_session_for(&u).await.unwrap()
}

/// Waits until one of the answers to interaction `id` contains `text`.
async fn answered_with(stand: &StandIn, id: u64, text: &str) -> Request {
    let got = stand
        .wait_until(T, |s| {
            answers_to(s, id)
                .into_iter()
                .find(|r| text_of(r).contains(text))
        })
        .await;
    got.unwrap_or_else(|| {
        let all: Vec<String> = stand
            .requests()
            .iter()
            .map(|r| format!("{} {} -> {}", r.method, r.path, r.status))
            .collect();
        panic!(
            "no answer to {id} containing {text:?}; all requests: {all:#?}; answers: {:?}",
            answers_to(stand, id)
                .iter()
                .map(|r| (r.path.clone(), r.json.to_string()))
                .collect::<Vec<_>>()
        )
    })
}

/// What a student sees for every message: nothing internal, ever.
fn assert_no_internal_text(r: &Request) {
    let t = text_of(r);
    for leak in [
        "Error", "error:", "sqlx", "serenity", "panicked", "Internal",
    ] {
        assert!(!t.contains(leak), "internal text {leak:?} shown: {t}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_in_a_button_a_form_and_a_command_argument_are_each_answered() {
    let (stand, bot, _dir, _db) = setup().await;
    // A button of a practice that no longer exists.
    let id = stand.button(STUDENT, TEXT_CHANNEL_ID, "cc:end:0000000000000000");
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.status, 204);
    assert_eq!(cb.json["data"]["flags"], 64, "{}", cb.json);
    assert!(text_of(&cb).contains("no longer exists"), "{}", cb.json);
    assert_no_internal_text(&cb);
    // A button the bot never made.
    let id = stand.button(STUDENT, TEXT_CHANNEL_ID, "somebody-else:thing");
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["data"]["flags"], 64, "{}", cb.json);
    // A form the bot does not know.
    let id = stand.modal_submit(STUDENT, TEXT_CHANNEL_ID, "cc:unknown", &[("draft", "x")]);
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["data"]["flags"], 64, "{}", cb.json);
    assert_no_internal_text(&cb);
    // An option of the wrong type (an outdated command): poise's parse error is answered.
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "setup",
        json!([{"name": "use_threads", "type": 3, "value": "perhaps"}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["data"]["flags"], 64, "{}", cb.json);
    assert!(
        text_of(&cb).contains("couldn't read that option"),
        "{}",
        cb.json
    );
    assert_no_internal_text(&cb);
    // A command Discord still shows but the bot no longer has.
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "retired-command", json!([]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("no longer available"), "{}", cb.json);
    assert_no_pings(&stand);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_that_cannot_be_posted_after_its_turn_was_stored_is_offered_again() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    // Every attempt at the reply fails (the first and its 4 retries)...
    let notice = fail_reply_to(&stand, thread, REQUEST).await;
    assert!(text_of(&notice).contains("cc:resend:"), "{}", notice.json);
    // ...yet the turn was stored before the reply was attempted.
    let open = open_practice_of(&db, STUDENT).await.unwrap();
    assert_eq!(open.session.phase, Phase::Conversation);
    // Resend posts the saved reply in the practice, and settles the notice.
    let id = stand.button(STUDENT, thread, &format!("cc:resend:{}", open.id));
    stand
        .wait_for_request(T, |r| {
            r.path == path && r.status == 200 && text_of(r).contains("Request accepted")
        })
        .await;
    answered_with(&stand, id, "now posted below").await;
    // A message in the practice whose reply fails for another reason gets the apology.
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_after_discord_acted_posts_exactly_one_message() {
    let (stand, bot, _dir, _db) = setup().await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    stand.fail_after_acting("POST", &path, 1, 500);
    stand.message(STUDENT, thread, REQUEST);
    let reply = |r: &Request| r.path == path && text_of(r).contains("Request accepted");
    let sent = stand.wait_for_requests(T, 2, reply).await;
    assert_eq!(
        sent.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200]
    );
    // Sent again with the same nonce, enforced: Discord (and the stand-in) keep one.
    assert_eq!(sent[0].json["nonce"], sent[1].json["nonce"]);
    assert_eq!(sent[0].json["enforce_nonce"], true);
    let kept = stand
        .messages_in(thread)
        .into_iter()
        .filter(|m| m.to_string().contains("Request accepted"))
        .count();
    assert_eq!(kept, 1, "the reply was posted {kept} times");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_request_times_out_and_is_sent_again() {
    let (stand, bot, _dir, _db) = setup_opts(Opts {
        request_timeout: Duration::from_secs(1),
        ..Opts::default()
    })
    .await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    let _held = stand.hang("POST", &path, 1);
    stand.message(STUDENT, thread, REQUEST);
    let reply = |r: &Request| r.path == path && text_of(r).contains("Request accepted");
    let sent = stand
        .wait_for_requests(T, 2, |r| reply(r) && (r.status == 0 || r.status == 200))
        .await;
    assert_eq!(sent[0].status, 0, "the first attempt never got an answer");
    let kept = stand
        .messages_in(thread)
        .into_iter()
        .filter(|m| m.to_string().contains("Request accepted"))
        .count();
    assert_eq!(kept, 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_reply_holds_up_neither_its_student_nor_anyone_else() {
    let (stand, bot, _dir, db) = setup_opts(Opts {
        request_timeout: Duration::from_secs(60),
        ..Opts::default()
    })
    .await;
    let thread = start_practice(&stand).await;
    let other = start_practice_for(&stand, OTHER).await;
    assert_ne!(thread, other);
    let path = format!("/channels/{thread}/messages");
    let held = stand.hang("POST", &path, 100);
    stand.message(STUDENT, thread, REQUEST);
    // The student's reply is stuck in Discord...
    stand
        .wait_for_request(T, |r| r.path == path && r.status == 0)
        .await;
    // ...while the same student's button is answered in time,
    let open = open_practice_of(&db, STUDENT).await.unwrap();
    let id = stand.button(STUDENT, thread, &format!("cc:hint:{}", open.id));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.status, 204, "answered inside the 3-second window");
    // and another student's practice goes on at normal speed.
    let r = say_in(&stand, other, OTHER, REQUEST).await;
    assert!(text_of(&r).contains("Request accepted"), "{}", r.json);
    assert!(
        stand
            .requests()
            .iter()
            .any(|r| r.path == path && r.status == 0),
        "the first reply is still held"
    );
    held.release();
    stand
        .wait_for_request(T, |r| {
            r.path == path && r.status == 200 && text_of(r).contains("Request accepted")
        })
        .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_that_fails_is_retried_then_succeeds() {
    let stand = StandIn::start().await;
    let commands = format!("/applications/{}/commands", support::discord::BOT_ID);
    stand.fail("PUT", &commands, 2, 502, 0);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot(&stand, &db).await;
    let puts = stand
        .wait_for_requests(T, 3, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    assert_eq!(
        puts.iter().map(|r| r.status).collect::<Vec<_>>(),
        [502, 502, 200]
    );
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    assert_eq!(
        stand.wait_for_request(T, callback_for(id)).await.status,
        204
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_that_cannot_succeed_stops_the_bot_with_one_line() {
    let stand = StandIn::start().await;
    let commands = format!("/applications/{}/commands", support::discord::BOT_ID);
    stand.fail("GET", &commands, 100, 403, 50001);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot(&stand, &db).await;
    let err = bot.ended().await.unwrap_err();
    assert!(!err.contains('\n'), "one line: {err}");
    assert!(
        err.contains("registered commands") && err.contains("applications.commands"),
        "{err}"
    );
    // A 403 is never repeated.
    assert_eq!(
        stand.count_requests(|r| r.method == "GET" && r.path.ends_with("/commands")),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disallowed_intents_stop_the_bot_with_what_to_fix() {
    let stand = StandIn::start().await;
    stand.close_on_identify(4014);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot(&stand, &db).await;
    let err = bot.ended().await.unwrap_err();
    assert!(!err.contains('\n'), "{err}");
    assert!(err.contains("Message Content intent"), "{err}");
    assert_eq!(stand.identifies(), 1, "identified once, not in a loop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharding_required_stops_the_bot_after_a_bounded_number_of_identifies() {
    let stand = StandIn::start().await;
    stand.close_on_identify(4011);
    // serenity notices the closed socket at its next heartbeat, then restarts the shard.
    stand.set_heartbeat_interval(300);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot_opts(
        &stand,
        &db,
        Opts {
            max_reidentifies: Some(1),
            ..Opts::default()
        },
    )
    .await;
    let gateway_url = bot.gateway_url.clone();
    let err = bot.ended().await.unwrap_err();
    assert!(!err.contains('\n'), "{err}");
    assert!(
        err.contains("4010/4011") && err.contains("sharding"),
        "{err}"
    );
    // The first IDENTIFY and one re-identify (max_reidentifies 1); the next is never sent.
    assert_eq!(stand.identifies(), 2);
    // Stopped: serenity cannot connect anywhere any more.
    assert_eq!(*gateway_url.lock().await, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_resumes_on_readys_resume_gateway_url() {
    let (stand, bot, _dir, _db) = setup().await;
    assert_ne!(stand.resume_url(), stand.ws_url());
    assert_eq!(stand.resume_url_connections(), 0);
    // Op 7 (reconnect): serenity always resumes after it. (An abrupt drop may
    // look to serenity like a clean end of stream, after which its next
    // heartbeat fails and it re-identifies instead.)
    stand.reconnect();
    stand.wait_resumed(T, 1).await;
    assert_eq!(
        stand.resume_url_connections(),
        1,
        "resumed on resume_gateway_url"
    );
    assert_eq!(stand.identifies(), 1, "resumed, not re-identified");
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_follow_up_after_a_public_defer_edits_the_thinking_message() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    let sid = open_practice_of(&db, STUDENT).await.unwrap().id;
    // A practice button pressed by someone else is refused before any defer: private.
    let id = stand.button(OTHER, thread, &format!("cc:end:{sid}"));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["type"], 4);
    assert_eq!(cb.json["data"]["flags"], 64);
    // The End button defers publicly; its answer edits the "thinking" message,
    // as on Discord, instead of posting another.
    let id = stand.button(STUDENT, thread, &format!("cc:end:{sid}"));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["type"], 5);
    assert_eq!(cb.json["data"]["flags"].as_u64().unwrap_or(0) & 64, 0);
    answered_with(&stand, id, "Follow-up").await;
    let shown: Vec<_> = stand
        .messages_in(thread)
        .into_iter()
        .filter(|m| m.to_string().contains("Follow-up"))
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0]["flags"].as_u64().unwrap_or(0) & (64 | 128), 0);

    // An error after a public defer is told privately: the thinking message is
    // deleted, so the apology does not become it.
    stand.fail("PATCH", "/webhooks/", 1, 403, 50013);
    let id = stand.slash(
        STUDENT,
        thread,
        "say",
        json!([{"name": "text", "type": 3, "value": "How did you get into this field?"}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["type"], 5, "a public defer");
    let apology = answered_with(&stand, id, "permissions I need").await;
    assert_eq!(apology.json["flags"], 64, "{}", apology.json);
    let deleted = stand
        .wait_for_request(T, |r| {
            r.method == "DELETE" && r.path.ends_with(&format!("/token-{id}/messages/@original"))
        })
        .await;
    assert_eq!(deleted.status, 204);
    let public_apology = stand.messages_in(thread).iter().any(|m| {
        m.to_string().contains("permissions I need") && m["flags"].as_u64().unwrap_or(0) & 64 == 0
    });
    assert!(!public_apology, "the apology went public");
    bot.stop().await;
}

/// A manager's `/setup` (the fixture's member may do everything).
async fn use_dms(stand: &StandIn) {
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "setup",
        json!([{"name": "use_threads", "type": 5, "value": false}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert!(text_of(&cb).contains("DMs"), "{}", cb.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_dms_are_answered_where_the_student_asked_and_leave_no_practice() {
    let (stand, bot, _dir, db) = setup().await;
    use_dms(&stand).await;
    stand.close_dms(STUDENT);
    let opts = json!([{"name": "start", "type": 1, "options": []}]);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "practice", opts);
    let r = answered_with(&stand, id, "DMs are closed").await;
    assert_no_internal_text(&r);
    let dm = dm_channel_id(STUDENT);
    let refused =
        stand.count_requests(|r| r.path == format!("/channels/{dm}/messages") && r.status == 403);
    assert_eq!(refused, 1, "a 403 is not retried");
    assert!(
        open_practice_of(&db, STUDENT).await.is_none(),
        "no orphan practice"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_permissions_and_an_archived_thread_are_answered_clearly() {
    let (stand, bot, _dir, _db) = setup().await;
    // No permission to make threads here, and DMs closed: nowhere to practise.
    stand.deny(TEXT_CHANNEL_ID, 50013);
    stand.close_dms(STUDENT);
    let opts = json!([{"name": "start", "type": 1, "options": []}]);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "practice", opts);
    answered_with(&stand, id, "DMs are closed").await;

    // A practice whose thread the bot may no longer post in (50001).
    let (stand, bot2, _dir2, _db2) = {
        bot.stop().await;
        setup().await
    };
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    stand.deny(thread, 50001);
    let end = json!([{"name": "end", "type": 1, "options": []}]);
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "practice", end.clone());
    let r = answered_with(&stand, id, "permissions I need").await;
    assert_no_internal_text(&r);

    // An archived and locked thread (50083).
    let (stand, bot3, _dir3, _db3) = {
        bot2.stop().await;
        setup().await
    };
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    stand.thread_update(thread, |t| {
        t["thread_metadata"]["archived"] = json!(true);
        t["thread_metadata"]["locked"] = json!(true);
    });
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "practice", end);
    answered_with(&stand, id, "archived").await;
    bot3.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_is_refused_to_members_who_cannot_manage_the_server() {
    let (stand, bot, _dir, _db) = setup().await;
    // Discord's command permissions can be overridden: the bot checks the member itself.
    let id = stand.slash_with(
        OTHER,
        TEXT_CHANNEL_ID,
        "setup",
        json!([{"name": "use_threads", "type": 5, "value": false}]),
        |p| p["member"]["permissions"] = json!("3072"),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.json["data"]["flags"], 64);
    assert!(text_of(&cb).contains("Manage Server"), "{}", cb.json);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_message_content_a_practice_thread_gets_a_one_time_say_hint() {
    let (stand, bot, _dir, _db) = setup_opts(Opts {
        message_content: false,
        ..Opts::default()
    })
    .await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    let before = stand.count_requests(|r| r.path == path);
    // Discord strips the text: the bot did not ask for MESSAGE_CONTENT.
    stand.message(STUDENT, thread, REQUEST);
    let hint = stand
        .wait_for_request(T, |r| r.path == path && text_of(r).contains("/say"))
        .await;
    assert_eq!(hint.status, 200);
    stand.message(STUDENT, thread, "How did you get into this field?");
    // The hint is not repeated: the next thing posted is the /say conversation.
    let id = stand.slash(
        STUDENT,
        thread,
        "say",
        json!([{"name": "text", "type": 3, "value": REQUEST}]),
    );
    answered_with(&stand, id, "Request accepted").await;
    let hints = stand.count_requests(|r| r.path == path && text_of(r).contains("/say"));
    assert_eq!(hints, 1);
    assert_eq!(stand.count_requests(|r| r.path == path), before + 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_me_deletes_the_practice_thread_the_bot_opened() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "forget-me", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;
    let id = stand.button(STUDENT, TEXT_CHANNEL_ID, &format!("cc:forget:{STUDENT}"));
    let r = answered_with(&stand, id, "1 practice thread").await;
    assert!(text_of(&r).contains("deleted 1 session"), "{}", r.json);
    let del = stand
        .wait_for_request(T, |r| {
            r.method == "DELETE" && r.path == format!("/channels/{thread}")
        })
        .await;
    assert_eq!(del.status, 200);
    assert!(stand.channel(thread).is_none(), "the thread is gone");
    assert!(open_practice_of(&db, STUDENT).await.is_none());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_retried_after_discord_acted_is_not_an_error() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    let sid = open_practice_of(&db, STUDENT).await.unwrap().id;
    // Discord takes the button's answer, then the bot sees a 500: its retry gets 40060.
    stand.fail_after_acting("POST", "/interactions/", 1, 500);
    let id = stand.button(STUDENT, thread, &format!("cc:hint:{sid}"));
    let calls = stand.wait_for_requests(T, 2, callback_for(id)).await;
    assert_eq!(
        calls.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 400]
    );
    // Nothing else: no apology for an answer the student already has.
    let later = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    stand.wait_for_request(T, callback_for(later)).await;
    let token = format!("/token-{id}");
    assert_eq!(stand.count_requests(|r| r.path.contains(&token)), 2);
    bot.stop().await;
}

/// Regression: the store finds a session by its thread *or* the server channel
/// the thread hangs off, so a student's message in that public channel used to
/// be answered there, in public.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_in_a_thread_is_never_answered_in_the_public_channel() {
    let (stand, bot, _dir, _db) = setup().await;
    let thread = start_practice(&stand).await;
    let public = format!("/channels/{TEXT_CHANNEL_ID}/messages");
    stand.message(STUDENT, TEXT_CHANNEL_ID, REQUEST);
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "say",
        json!([{"name": "text", "type": 3, "value": REQUEST}]),
    );
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(
        cb.json["data"]["flags"], 64,
        "refused privately: {}",
        cb.json
    );
    // The practice itself still answers in its thread, and nothing went to the channel.
    let r = say_in(&stand, thread, STUDENT, REQUEST).await;
    assert!(text_of(&r).contains("Request accepted"), "{}", r.json);
    assert_eq!(stand.count_requests(|r| r.path == public), 0);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_me_says_which_threads_it_could_not_delete() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    stand.deny(thread, 50013);
    let id = stand.button(STUDENT, TEXT_CHANNEL_ID, &format!("cc:forget:{STUDENT}"));
    let r = answered_with(&stand, id, "could not delete 1 thread").await;
    assert!(text_of(&r).contains("deleted 1 session"), "{}", r.json);
    assert!(stand.channel(thread).is_some());
    // The stored data went all the same, and the 403 was not repeated.
    assert!(open_practice_of(&db, STUDENT).await.is_none());
    assert_eq!(
        stand.count_requests(|r| r.method == "DELETE" && r.path == format!("/channels/{thread}")),
        1
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stand_in_that_does_not_answer_never_sends_the_bot_to_discord() {
    // Nothing listens here: serenity would fall back to wss://gateway.discord.gg.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let store = Store::connect(&db).await.unwrap();
    let config = BotConfig {
        api_base: Some(base),
        message_content: true,
        request_timeout: Some(Duration::from_secs(2)),
        max_reidentifies: None,
    };
    let err = build_client("test-token", config, Data::new(engine(), store))
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("not connecting anywhere else"),
        "{err}"
    );
    // And a stand-in URL off this machine is refused by name.
    let store = Store::connect(&db).await.unwrap();
    let config = BotConfig {
        api_base: Some("https://discord.example.org".into()),
        message_content: true,
        request_timeout: None,
        max_reidentifies: None,
    };
    let err = build_client("test-token", config, Data::new(engine(), store))
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("loopback"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trace_log_holds_no_token_and_no_practice_text() {
    let (stand, bot, _dir, _db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    let secret_question = "What surprised you most in your first year on the team?";
    say_in(&stand, thread, STUDENT, secret_question).await;
    let id = stand.slash(
        STUDENT,
        thread,
        "say",
        json!([{"name": "text", "type": 3, "value": "Which skills matter most to you now?"}]),
    );
    stand.wait_for_request(T, callback_for(id)).await;
    // A failed request with a token in its URL is logged too.
    stand.fail("PATCH", "/webhooks/", 1, 500, 0);
    let id = stand.slash(
        STUDENT,
        TEXT_CHANNEL_ID,
        "practice",
        json!([{"name": "end", "type": 1, "options": []}]),
    );
    stand.wait_for_request(T, callback_for(id)).await;
    // The failure is logged before the bot sends that follow-up again.
    let retried = stand
        .wait_until(T, |s| {
            let reqs = s.requests();
            let failed = reqs
                .iter()
                .position(|r| r.path.starts_with("/webhooks/") && r.status == 500)?;
            let path = &reqs[failed].path;
            reqs[failed + 1..]
                .iter()
                .any(|r| &r.path == path && r.status == 200)
                .then_some(())
        })
        .await;
    assert!(retried.is_some(), "the failed follow-up was not sent again");
    bot.stop().await;
    let log = trace_log().text();
    let token = format!("token-{id}");
    assert!(log.contains("slash commands"), "the log was captured");
    assert!(log.contains("<token>"), "a URL token was redacted");
    for secret in [
        "test-token",
        "Dear Ms Raman",
        "surprised you most",
        "Which skills matter",
        token.as_str(),
    ] {
        assert!(!log.contains(secret), "{secret:?} is in the log");
    }
    assert!(
        !regex_like_token(&log),
        "an interaction token is in the log"
    );
}

/// Whether the log holds a stand-in interaction token (`token-` and 18 digits).
fn regex_like_token(log: &str) -> bool {
    log.match_indices("token-").any(|(i, _)| {
        log[i + 6..]
            .chars()
            .take(18)
            .filter(|c| c.is_ascii_digit())
            .count()
            == 18
    })
}

// ==== issue 10: the outbox (replies survive a restart) and answers after a defer that are
// ==== safe to repeat. Helpers and tests of this section only.

/// The replies the store still holds for posting.
async fn waiting_replies(db: &str) -> Vec<coffeechat::store::PendingReply> {
    let store = Store::connect(db).await.unwrap();
    store.all_replies_waiting().await.unwrap()
}

/// Waits until no reply is waiting in the store (a reply's row goes right
/// after Discord answers its last message, so not before the stand-in sees it).
async fn drained(db: &str) {
    let deadline = Instant::now() + T;
    loop {
        let left = waiting_replies(db).await.len();
        if left == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "{left} replies still waiting");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many messages `channel` holds now whose body contains `text`.
fn shown(stand: &StandIn, channel: u64, text: &str) -> usize {
    stand
        .messages_in(channel)
        .iter()
        .filter(|m| m.to_string().contains(text))
        .count()
}

/// Starts another bot on `db`, as a restart does, and waits until it has identified.
async fn restart_bot(stand: &StandIn, db: &str) -> Bot {
    let before = stand.identifies();
    let bot = start_bot(stand, db).await;
    stand
        .wait_until(T, |s| (s.identifies() > before).then_some(()))
        .await
        .expect("the new bot did not identify");
    bot
}

/// The statuses of the requests matching `pred`, in order.
fn statuses(stand: &StandIn, pred: impl Fn(&Request) -> bool) -> Vec<u16> {
    stand
        .requests()
        .iter()
        .filter(|r| pred(r))
        .map(|r| r.status)
        .collect()
}

/// No message in `channel` is one of the bot's apologies (an error answered).
fn assert_no_apology(stand: &StandIn, channel: u64) {
    for m in stand.messages_in(channel) {
        let t = m.to_string();
        for apology in ["Sorry, something went wrong", "Discord is busy right now"] {
            assert!(!t.contains(apology), "an apology was shown: {t}");
        }
    }
}

/// Sends `/say text` in `channel` and returns the interaction id.
fn say_command(stand: &StandIn, channel: u64, text: &str) -> u64 {
    stand.slash(
        STUDENT,
        channel,
        "say",
        json!([{"name": "text", "type": 3, "value": text}]),
    )
}

/// The real thing: a bot process is killed (SIGKILL) after it stored a turn and
/// while the reply's post is in flight (held by the stand-in, never done). The
/// next bot, on the same database, posts that reply at READY, with the nonce the
/// dead process used, exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_lost_to_a_crash_is_posted_once_by_the_next_bot() {
    let stand = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_coffeechat"))
        .arg("bot")
        .env("DISCORD_TOKEN", "test-token")
        .env("COFFEECHAT_DISCORD_API", stand.base_url())
        .env("DATABASE_URL", &db)
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    let _held = stand.hang("POST", &path, 1);
    stand.message(STUDENT, thread, REQUEST);
    let lost = stand
        .wait_for_request(T, |r| r.path == path && r.status == 0)
        .await;
    // The turn and its reply were stored before the post was attempted.
    let waiting = waiting_replies(&db).await;
    assert_eq!(waiting.len(), 1, "the reply waits in the outbox");
    assert_eq!(lost.json["nonce"], waiting[0].nonce.as_str());
    child.kill().await.unwrap();
    assert!(!child.wait().await.unwrap().success());
    assert_eq!(
        shown(&stand, thread, "Priya Raman"),
        1,
        "only the brief so far"
    );

    let bot = restart_bot(&stand, &db).await;
    let posted = stand
        .wait_for_request(T, |r| r.path == path && r.status == 200 && r.at > lost.at)
        .await;
    assert_eq!(posted.json["nonce"], lost.json["nonce"], "the same nonce");
    assert_eq!(posted.json["enforce_nonce"], true);
    assert_eq!(posted.json["embeds"], lost.json["embeds"], "the same reply");
    assert_eq!(posted.json["components"], lost.json["components"]);
    let ok = stand
        .wait_until(T, |_| {
            let n = stand
                .messages_in(thread)
                .iter()
                .filter(|m| m["embeds"] == lost.json["embeds"])
                .count();
            (n == 1).then_some(())
        })
        .await;
    assert!(ok.is_some(), "the reply is shown once");
    drained(&db).await;
    // The practice goes on from there.
    let r = say_in(&stand, thread, STUDENT, "How did you get into this field?").await;
    assert!(text_of(&r).contains("Priya Raman"), "{}", r.json);
    assert_eq!(
        stand
            .messages_in(thread)
            .iter()
            .filter(|m| m["embeds"] == lost.json["embeds"])
            .count(),
        1
    );
    assert_no_pings(&stand);
    bot.stop().await;
}

/// A reply that failed (Resend offered) is posted by the next bot at READY;
/// the student's Resend afterwards finds nothing waiting and posts nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_reply_is_posted_once_after_a_restart_and_resend_adds_nothing() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    fail_reply_to(&stand, thread, REQUEST).await;
    assert_eq!(shown(&stand, thread, "Request accepted"), 0);
    let sid = open_practice_of(&db, STUDENT).await.unwrap().id;
    assert_eq!(waiting_replies(&db).await.len(), 1);
    bot.stop().await;

    let bot = restart_bot(&stand, &db).await;
    stand
        .wait_for_request(T, |r| {
            r.path == path && r.status == 200 && text_of(r).contains("Request accepted")
        })
        .await;
    drained(&db).await;
    // The old notice's Resend: nothing left to send, and it says so.
    let id = stand.button(STUDENT, thread, &format!("cc:resend:{sid}"));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(
        cb.json["type"], 6,
        "acknowledged without a message of its own"
    );
    let settled = answered_with(&stand, id, "Nothing is waiting").await;
    assert_eq!(settled.method, "PATCH");
    assert_eq!(settled.json["components"], json!([]), "the button is gone");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(shown(&stand, thread, "Request accepted"), 1);
    assert_eq!(
        stand.count_requests(|r| r.path == path && text_of(r).contains("Request accepted")),
        6,
        "5 failed attempts by the first bot, 1 post by the second"
    );
    assert_no_pings(&stand);
    bot.stop().await;
}

/// A reply that failed, and that the next bot could not post at READY either
/// (a permission missing then), is posted once by the student's Resend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_after_a_restart_posts_the_waiting_reply_once() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    fail_reply_to(&stand, thread, REQUEST).await;
    let sid = open_practice_of(&db, STUDENT).await.unwrap().id;
    bot.stop().await;

    // At READY the new bot may not post there: the reply keeps waiting (no notice).
    stand.fail("POST", &path, 1, 403, 50013);
    let bot = restart_bot(&stand, &db).await;
    stand
        .wait_for_request(T, |r| r.path == path && r.status == 403)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(waiting_replies(&db).await.len(), 1);
    assert_eq!(shown(&stand, thread, "Request accepted"), 0);
    assert_eq!(shown(&stand, thread, "reply could not be sent"), 1);

    // The permission is back; the student presses the old notice's Resend.
    let id = stand.button(STUDENT, thread, &format!("cc:resend:{sid}"));
    let posted = stand
        .wait_for_request(T, |r| {
            r.path == path && r.status == 200 && text_of(r).contains("Request accepted")
        })
        .await;
    assert_eq!(posted.json["enforce_nonce"], true);
    answered_with(&stand, id, "now posted below").await;
    drained(&db).await;
    // A second press finds nothing waiting.
    let again = stand.button(STUDENT, thread, &format!("cc:resend:{sid}"));
    answered_with(&stand, again, "Nothing is waiting").await;
    assert_eq!(shown(&stand, thread, "Request accepted"), 1);
    // Someone else's press changes nothing.
    let other = stand.button(OTHER, thread, &format!("cc:resend:{sid}"));
    answered_with(&stand, other, "Only the student").await;
    assert_eq!(shown(&stand, thread, "Request accepted"), 1);
    bot.stop().await;
}

/// A reply still waiting is posted before the next one, by a message and by
/// `/say` alike (whose thinking message, above both, is removed then).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_replies_are_posted_in_order_before_the_next_one() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    let posted_after = |since: Instant| {
        let path = path.clone();
        move |r: &Request| r.path == path && r.status == 200 && r.at > since
    };
    let notice = fail_reply_to(&stand, thread, REQUEST).await;
    // The next message: the waiting reply first, then its own.
    stand.message(STUDENT, thread, "How did you get into this field?");
    let posts = stand.wait_for_requests(T, 2, posted_after(notice.at)).await;
    assert!(
        text_of(&posts[0]).contains("Request accepted"),
        "{}",
        posts[0].json
    );
    assert!(!text_of(&posts[1]).contains("Request accepted"));
    assert!(
        text_of(&posts[1]).contains("Priya Raman"),
        "{}",
        posts[1].json
    );
    drained(&db).await;

    // Again with /say after a failed reply.
    stand.fail("POST", &path, 5, 500, 0);
    stand.message(STUDENT, thread, "What's the hardest part of your job?");
    let notice = stand
        .wait_for_requests(T, 2, |r| {
            r.path == path && r.status == 200 && text_of(r).contains("reply could not be sent")
        })
        .await
        .pop()
        .unwrap();
    let id = say_command(&stand, thread, "What advice would you give me?");
    let posts = stand.wait_for_requests(T, 2, posted_after(notice.at)).await;
    assert!(
        !text_of(&posts[0]).contains("What advice") && text_of(&posts[0]).contains("Priya Raman"),
        "the waiting reply first: {}",
        posts[0].json
    );
    assert!(
        text_of(&posts[1]).contains("**You:** What advice"),
        "then the /say reply: {}",
        posts[1].json
    );
    let deleted = stand
        .wait_for_request(T, |r| {
            r.method == "DELETE" && r.path.ends_with(&format!("/token-{id}/messages/@original"))
        })
        .await;
    assert_eq!(deleted.status, 204);
    let loading = stand
        .messages_in(thread)
        .iter()
        .filter(|m| m["flags"].as_u64().unwrap_or(0) & 128 != 0)
        .count();
    assert_eq!(loading, 0, "no message is left thinking");
    drained(&db).await;
    assert_eq!(shown(&stand, thread, "What advice would you give me"), 1);
    bot.stop().await;
}

/// Every Discord request of a `/say` acted on, then answered 500: the defer
/// (its retry gets 40060), the answer (an edit of the thinking message, sent
/// again) and any follow-up (a retried follow-up would show twice). The
/// student sees one answer and no apology.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_after_discord_acted_on_the_answer_to_say_shows_it_once() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    stand.fail_after_acting("POST", "/interactions/", 1, 500);
    stand.fail_after_acting("PATCH", "/webhooks/", 1, 500);
    stand.fail_after_acting("POST", "/webhooks/", 1, 500);
    let id = say_command(&stand, thread, "How did you get into this field?");
    let calls = stand.wait_for_requests(T, 2, callback_for(id)).await;
    assert_eq!(
        calls.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 400],
        "the defer, sent again, is already acknowledged"
    );
    let original = format!("/token-{id}/messages/@original");
    let edits = stand
        .wait_for_requests(T, 2, |r| r.method == "PATCH" && r.path.ends_with(&original))
        .await;
    assert_eq!(
        edits.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200]
    );
    assert_eq!(edits[0].json, edits[1].json, "the same edit, sent again");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(shown(&stand, thread, "How did you get into this field?"), 1);
    assert_eq!(
        statuses(&stand, |r| r.method == "POST"
            && r.path.starts_with("/webhooks/")),
        Vec::<u16>::new(),
        "no follow-up, which a retry could have shown twice"
    );
    let answer: Vec<_> = stand
        .messages_in(thread)
        .into_iter()
        .filter(|m| m.to_string().contains("How did you get into this field?"))
        .collect();
    assert_eq!(
        answer[0]["flags"].as_u64().unwrap_or(0) & (64 | 128),
        0,
        "public, and no longer thinking"
    );
    assert_no_apology(&stand, thread);
    drained(&db).await;
    bot.stop().await;
}

/// A `/say` whose answer takes two messages (a long thank-you note and the
/// scorecard it earns): the first edits the thinking message, the second is a
/// channel message with the reply's nonce. Both acted on, then answered 500:
/// each is shown once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_after_discord_acted_on_a_long_answer_shows_each_part_once() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    say_in(&stand, thread, STUDENT, "How did you get into this field?").await;
    let end = json!([{"name": "end", "type": 1, "options": []}]);
    let id = stand.slash(STUDENT, thread, "practice", end);
    answered_with(&stand, id, "Done").await;
    let sentence = "Thank you for your time today and for the story of how you began. ";
    let note = sentence.repeat(3900 / sentence.len());
    assert!(note.chars().count() <= 4000);
    let path = format!("/channels/{thread}/messages");
    stand.fail_after_acting("PATCH", "/webhooks/", 1, 500);
    stand.fail_after_acting("POST", &path, 1, 500);
    let id = say_command(&stand, thread, &note);
    let original = format!("/token-{id}/messages/@original");
    let edits = stand
        .wait_for_requests(T, 2, |r| r.method == "PATCH" && r.path.ends_with(&original))
        .await;
    assert_eq!(
        edits.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200]
    );
    assert!(text_of(&edits[1]).contains("**You:** Thank you"));
    let rest = stand
        .wait_for_requests(T, 2, |r| r.path == path && r.at > edits[0].at)
        .await;
    assert_eq!(
        rest.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200]
    );
    assert_eq!(rest[0].json["nonce"], rest[1].json["nonce"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(shown(&stand, thread, "**You:** Thank you"), 1);
    assert_eq!(shown(&stand, thread, "Scorecard:"), 1);
    drained(&db).await;
    assert_within_limits(&stand);
    assert_no_pings(&stand);
    bot.stop().await;
}

/// The End and Scorecard buttons, with the defer, the answer's edit and any
/// follow-up each acted on then answered 500: one answer each, no apology.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_after_discord_acted_on_the_answer_to_a_button_shows_it_once() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    let sid = open_practice_of(&db, STUDENT).await.unwrap().id;
    for (button, shows) in [("end", "Follow-up note"), ("card", "Scorecard:")] {
        stand.fail_after_acting("POST", "/interactions/", 1, 500);
        stand.fail_after_acting("PATCH", "/webhooks/", 1, 500);
        stand.fail_after_acting("POST", "/webhooks/", 1, 500);
        let id = stand.button(STUDENT, thread, &format!("cc:{button}:{sid}"));
        let calls = stand.wait_for_requests(T, 2, callback_for(id)).await;
        assert_eq!(
            calls.iter().map(|r| r.status).collect::<Vec<_>>(),
            [500, 400]
        );
        let original = format!("/token-{id}/messages/@original");
        let edits = stand
            .wait_for_requests(T, 2, |r| r.method == "PATCH" && r.path.ends_with(&original))
            .await;
        assert_eq!(
            edits.iter().map(|r| r.status).collect::<Vec<_>>(),
            [500, 200]
        );
        assert!(text_of(&edits[1]).contains(shows), "{}", edits[1].json);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(shown(&stand, thread, shows), 1, "{button}");
        // No follow-up at all: nothing that a retry could have shown twice.
        assert_eq!(
            statuses(&stand, |r| r.method == "POST"
                && r.path.starts_with("/webhooks/")),
            Vec::<u16>::new()
        );
    }
    assert_no_apology(&stand, thread);
    drained(&db).await;
    bot.stop().await;
}

/// A reply still waiting when the student ends that practice (its End-it
/// button) or deletes their data (`/forget-me`) is dropped: a later bot does
/// not post it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_ended_or_forgotten_drops_its_waiting_replies() {
    let (stand, bot, _dir, db) = setup().await;
    let notice = |thread: u64| {
        let path = format!("/channels/{thread}/messages");
        move |r: &Request| {
            r.path == path && r.status == 200 && text_of(r).contains("reply could not be sent")
        }
    };
    let first = start_practice(&stand).await;
    stand.fail("POST", &format!("/channels/{first}/messages"), 5, 500, 0);
    stand.message(STUDENT, first, REQUEST);
    stand.wait_for_request(T, notice(first)).await;
    let sid = open_practice_of(&db, STUDENT).await.unwrap().id;
    assert_eq!(waiting_replies(&db).await.len(), 1);
    let id = stand.button(STUDENT, first, &format!("cc:abandon:{sid}"));
    answered_with(&stand, id, "Practice ended").await;
    drained(&db).await;

    // Another student's reply fails, and they delete their data.
    let second = start_practice_for(&stand, OTHER).await;
    assert_ne!(first, second);
    stand.fail("POST", &format!("/channels/{second}/messages"), 5, 500, 0);
    stand.message(OTHER, second, REQUEST);
    stand.wait_for_request(T, notice(second)).await;
    assert_eq!(waiting_replies(&db).await.len(), 1);
    let id = stand.slash(OTHER, TEXT_CHANNEL_ID, "forget-me", json!([]));
    stand.wait_for_request(T, callback_for(id)).await;
    let id = stand.button(OTHER, TEXT_CHANNEL_ID, &format!("cc:forget:{OTHER}"));
    answered_with(&stand, id, "deleted 1 session").await;
    drained(&db).await;

    bot.stop().await;
    let bot = restart_bot(&stand, &db).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(shown(&stand, first, "Request accepted"), 0);
    assert_eq!(
        stand.count_requests(|r| r.status == 200 && text_of(r).contains("Request accepted")),
        0,
        "never posted anywhere"
    );
    bot.stop().await;
}

/// A waiting reply whose channel no longer exists (10003) is dropped at READY,
/// without a notice nobody could see.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_reply_whose_channel_is_gone_is_dropped() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    let path = format!("/channels/{thread}/messages");
    fail_reply_to(&stand, thread, REQUEST).await;
    bot.stop().await;
    stand.fail("POST", &path, 1, 404, 10003);
    let bot = restart_bot(&stand, &db).await;
    stand
        .wait_for_request(T, |r| r.path == path && r.status == 404)
        .await;
    drained(&db).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        stand.count_requests(|r| r.path == path),
        1 + 5 + 1 + 1,
        "brief, 5 failed attempts, the notice, one try at READY: no retry, no new notice"
    );
    bot.stop().await;
}

// ============================================================================
// Gateway after READY (issue 10): refusals that serenity 0.12.5 would answer
// with IDENTIFY for ever, the blips and outages that must not stop the bot,
// and no way out to Discord's real hosts, not even by DNS.
// ============================================================================

/// A connected bot (commands registered) that may re-identify `max_reidentifies`
/// times in a row without READY. The heartbeat is short: serenity notices a
/// socket Discord closed only when its next heartbeat fails.
async fn connected_bot(max_reidentifies: u32) -> (StandIn, Bot, tempfile::TempDir) {
    let stand = StandIn::start().await;
    stand.set_heartbeat_interval(300);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let bot = start_bot_opts(
        &stand,
        &db,
        Opts {
            max_reidentifies: Some(max_reidentifies),
            ..Opts::default()
        },
    )
    .await;
    stand.wait_ready(T).await;
    stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    assert_eq!(
        stand.count_requests(|r| r.path == "/users/@me"),
        0,
        "the gateway watch costs no request at start (serenity's voice initialise)"
    );
    (stand, bot, dir)
}

/// Waits until the bot has been sent READY (and GUILD_CREATE) `n` times in all.
async fn wait_readies(stand: &StandIn, n: usize) {
    let seen = stand
        .wait_until(T, |s| {
            let readies = s
                .frames()
                .iter()
                .filter(|f| !f.from_bot && f.payload["t"] == "GUILD_CREATE")
                .count();
            (readies >= n).then_some(())
        })
        .await;
    assert!(seen.is_some(), "fewer than {n} READYs within {T:?}");
}

/// Waits until the bot answers a command: it has read READY (or RESUMED) on
/// its current connection, not only been sent it. (A connection that dies
/// between the stand-in sending READY and the bot reading it is an IDENTIFY
/// without READY for the bot.)
async fn answers_a_command(stand: &StandIn) {
    let id = stand.slash(STUDENT, TEXT_CHANNEL_ID, "tips", json!([]));
    let cb = stand.wait_for_request(T, callback_for(id)).await;
    assert_eq!(cb.status, 204);
}

/// A connected bot answers a command; then its session expires, so its RESUME
/// after op 7 gets op 9, and Discord closes the new IDENTIFY with `code`. With
/// `max_reidentifies` 1 the bot identifies once more, then stops by itself.
/// Returns the line it stopped with.
async fn refused_after_ready(code: u16) -> String {
    let (stand, bot, _dir) = connected_bot(1).await;
    answers_a_command(&stand).await;
    stand.close_on_identify(code);
    stand.expire_session();
    stand.reconnect();
    let gateway_url = bot.gateway_url.clone();
    let err = bot.ended().await.unwrap_err();
    let frames = stand.frames();
    assert!(
        frames.iter().any(|f| f.from_bot && f.payload["op"] == 6),
        "the bot tried to RESUME first"
    );
    assert!(
        frames
            .iter()
            .any(|f| !f.from_bot && f.payload["op"] == 9 && f.payload["d"] == false),
        "and was told its session cannot be resumed"
    );
    assert_eq!(stand.resumes(), 0);
    assert_eq!(
        stand.identifies(),
        2,
        "the first IDENTIFY and one re-identify after READY, no more"
    );
    assert_eq!(
        *gateway_url.lock().await,
        "",
        "no later connection can be made"
    );
    assert!(!err.contains('\n'), "{err}");
    assert!(err.contains("no READY"), "{err}");
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharding_required_after_ready_stops_the_bot_with_one_line() {
    let err = refused_after_ready(4011).await;
    assert!(
        err.contains("4010/4011") && err.contains("sharding"),
        "{err}"
    );
}

/// 4010 takes the same path in serenity 0.12.5 as 4011 (an error it swallows).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_shard_after_ready_stops_the_bot_with_one_line() {
    let err = refused_after_ready(4010).await;
    assert!(err.contains("4010/4011"), "{err}");
}

/// serenity 0.12.5 does not know 4012: it restarts the shard at once instead
/// of waiting for a heartbeat to fail, and the count stops it all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_api_version_after_ready_stops_the_bot_with_one_line() {
    let err = refused_after_ready(4012).await;
    assert!(err.contains("4012") && err.contains("update"), "{err}");
}

/// Control: restarts that end in READY, resumes and dropped sockets are not
/// refusals. With the smallest limit, one restart not set back by its READY
/// would stop the bot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blips_with_a_good_resume_or_reidentify_never_stop_the_bot() {
    let (stand, bot, _dir) = connected_bot(1).await;
    // Op 9, not resumable: the shard restarts and identifies again.
    stand.invalidate_session(false);
    wait_readies(&stand, 2).await;
    answers_a_command(&stand).await;
    // A session that expired: RESUME, op 9, a restart, IDENTIFY.
    stand.expire_session();
    stand.reconnect();
    wait_readies(&stand, 3).await;
    answers_a_command(&stand).await;
    assert_eq!(stand.identifies(), 3);
    // A dropped socket: resumed, or restarted and identified again.
    let before = stand.resumes() + stand.identifies();
    stand.drop_socket();
    let back = stand
        .wait_until(T, |s| {
            (s.resumes() + s.identifies() > before && s.connected()).then_some(())
        })
        .await;
    assert!(
        back.is_some(),
        "the bot did not come back after a dropped socket (stopped: {})",
        bot.task.is_finished()
    );
    answers_a_command(&stand).await;
    // Op 7: resumed.
    let resumes = stand.resumes();
    stand.reconnect();
    stand.wait_resumed(T, resumes + 1).await;
    answers_a_command(&stand).await;
    assert!(!bot.task.is_finished(), "the bot stopped");
    assert_eq!(*bot.gateway_url.lock().await, stand.resume_url());
    bot.stop().await;
}

/// Control: an outage in which no connection gets as far as HELLO (so no
/// IDENTIFY is sent) does not stop the bot, however many connections fail;
/// it identifies again once the gateway is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_outage_without_hello_never_stops_the_bot() {
    let (stand, bot, _dir) = connected_bot(1).await;
    stand.refuse_gateway(true);
    stand.drop_socket();
    // serenity tries to resume, then restarts the shard, whose new connections
    // (every 5 seconds, on the resume URL too: serenity keeps one URL) are
    // refused: more failed connections than the limit of restarts.
    let refused = stand
        .wait_until(Duration::from_secs(40), |s| {
            (s.refused_connections().len() >= 3).then_some(())
        })
        .await;
    assert!(
        refused.is_some(),
        "the bot did not try to connect again: {:?}",
        stand.refused_connections()
    );
    assert_eq!(stand.identifies(), 1, "no HELLO, so no IDENTIFY");
    assert!(!bot.task.is_finished(), "the bot stopped during the outage");
    stand.refuse_gateway(false);
    wait_readies(&stand, 2).await;
    answers_a_command(&stand).await;
    // It came back with a new IDENTIFY: the shard had been restarted, so the
    // refused connections were the restarted shard's, not only RESUME attempts.
    assert_eq!(stand.identifies(), 2);
    assert!(!bot.task.is_finished(), "the bot stopped");
    bot.stop().await;
}

/// The `coffeechat bot` binary with the default limit: sharding required from
/// the start, it identifies `MAX_REIDENTIFIES + 1` times, then exits with one
/// line (and does not wait for serenity's shards to wind down).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_binary_stops_on_sharding_required_with_the_default_limit() {
    let stand = StandIn::start().await;
    stand.close_on_identify(4011);
    stand.set_heartbeat_interval(300);
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::time::timeout(
        Duration::from_secs(90),
        bot_binary(&stand.base_url(), dir.path()).output(),
    )
    .await
    .expect("hang guard: the bot did not stop")
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.trim().lines().last().unwrap_or("");
    assert!(
        last.starts_with("error:") && last.contains("4010/4011") && last.contains("sharding"),
        "{err}"
    );
    assert_eq!(
        stand.identifies(),
        u64::from(coffeechat::bot::MAX_REIDENTIFIES) + 1
    );
}

/// Set in the copy of [`the_bot_never_reaches_discords_hosts_not_even_by_dns`]
/// that runs inside the network namespace.
const NETNS_CHILD: &str = "COFFEECHAT_TEST_NETNS_CHILD";

/// A bot pointed at a stand-in never reaches Discord's real hosts, not even by
/// DNS. The test runs itself again inside `unshare -rnm` (a network namespace
/// with only loopback, and a mount namespace whose /etc/resolv.conf names
/// 127.0.0.1), where a DNS recorder listens on 127.0.0.1:53; there the bot
/// binary (a) connects to a stand-in and answers a practice exchange, and (b)
/// is pointed at stand-ins that do not answer `GET /gateway`, where serenity
/// falls back to wss://gateway.discord.gg. No DNS query may be made; a lookup
/// made on purpose afterwards must be recorded, so the test can fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_never_reaches_discords_hosts_not_even_by_dns() {
    if std::env::var_os(NETNS_CHILD).is_some() {
        return netns_child().await;
    }
    let dir = tempfile::tempdir().unwrap();
    let resolv = dir.path().join("resolv.conf");
    std::fs::write(
        &resolv,
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
    )
    .unwrap();
    const ENTER: &str = r#"ip link set lo up && mount --bind "$0" /etc/resolv.conf && exec "$@""#;
    let probe = tokio::process::Command::new("unshare")
        .args(["-rnm", "sh", "-c", ENTER])
        .arg(&resolv)
        .arg("true")
        .output()
        .await;
    if let Err(why) = namespace_usable(&probe) {
        // Straight to stderr: the test harness does not capture this, so a skip is always seen.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the_bot_never_reaches_discords_hosts_not_even_by_dns: \
             `unshare -rnm` with `ip` and `mount` is not usable here ({why})"
        );
        return;
    }
    let out = tokio::process::Command::new("unshare")
        .args(["-rnm", "sh", "-c", ENTER])
        .arg(&resolv)
        .arg(std::env::current_exe().unwrap())
        .args([
            "the_bot_never_reaches_discords_hosts_not_even_by_dns",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(NETNS_CHILD, "1")
        .env_remove("RUST_LOG")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), out)
        .await
        .expect("hang guard: the run in the namespace did not end")
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the run in the namespace failed:\n{stdout}\n{stderr}"
    );
    let result = stdout
        .lines()
        .find_map(|l| l.find("netns result:").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("the run in the namespace did not happen:\n{stdout}\n{stderr}"));
    assert_eq!(
        result,
        "netns result: practice answered, 2 bots refused to connect elsewhere, \
         0 DNS queries from the bot, the control lookup recorded"
    );
}

/// Why `unshare -rnm` cannot be used here, if it cannot.
fn namespace_usable(probe: &std::io::Result<std::process::Output>) -> Result<(), String> {
    match probe {
        Err(e) => Err(e.to_string()),
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        )),
    }
}

/// Records every DNS query sent to 127.0.0.1:53 (its name) and answers NXDOMAIN.
async fn dns_recorder() -> Arc<std::sync::Mutex<Vec<String>>> {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:53")
        .await
        .expect("bind 127.0.0.1:53 inside the namespace");
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = socket.recv_from(&mut buf).await {
            let query = &buf[..n];
            let (name, end) = dns_question(query);
            record.lock().unwrap().push(name);
            if let Some(end) = end {
                // The header and question back, with QR, RA and NXDOMAIN, nothing else.
                let mut answer = query[..end].to_vec();
                answer[2] = 0x80 | (query[2] & 0x01);
                answer[3] = 0x83;
                answer[4..12].copy_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
                let _ = socket.send_to(&answer, from).await;
            }
        }
    });
    seen
}

/// The name a DNS query asks for, and where its first question ends (if it is whole).
fn dns_question(q: &[u8]) -> (String, Option<usize>) {
    let mut labels = Vec::new();
    let mut i = 12;
    while let Some(&len) = q.get(i) {
        if len == 0 {
            let end = (i + 5 <= q.len()).then_some(i + 5);
            return (labels.join("."), end);
        }
        let label = q.get(i + 1..i + 1 + usize::from(len));
        let Some(label) = label else { break };
        labels.push(String::from_utf8_lossy(label).into_owned());
        i += 1 + usize::from(len);
    }
    (format!("(unreadable query) {}", labels.join(".")), None)
}

/// The `coffeechat bot` binary pointed at `api`, with its own database.
fn bot_binary(api: &str, dir: &std::path::Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_coffeechat"));
    cmd.arg("bot")
        .env("DISCORD_TOKEN", "test-token")
        .env("COFFEECHAT_DISCORD_API", api)
        .env("DATABASE_URL", format!("sqlite://{}/bot.db", dir.display()))
        .env_remove("RUST_LOG")
        .kill_on_drop(true);
    cmd
}

/// The part of the test that runs inside the namespace.
async fn netns_child() {
    let resolv = std::fs::read_to_string("/etc/resolv.conf").unwrap();
    assert!(
        resolv.contains("nameserver 127.0.0.1"),
        "not inside the namespace: {resolv}"
    );
    let queries = dns_recorder().await;

    // (a) A connected bot answers a practice exchange.
    let stand = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut bot = bot_binary(&stand.base_url(), dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    stand
        .wait_for_request(T, |r| r.method == "PUT" && r.path.ends_with("/commands"))
        .await;
    let thread = start_practice(&stand).await;
    let reply = say_in(&stand, thread, STUDENT, REQUEST).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    bot.kill().await.unwrap();

    // (b) Stand-ins that do not answer GET /gateway: one that is not there,
    // one that fails it. serenity would fall back to Discord's own gateway.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_base = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let failing = StandIn::start().await;
    failing.fail("GET", "/gateway", 1, 500, 0);
    let mut refused = 0;
    for base in [dead_base, failing.base_url()] {
        let dir = tempfile::tempdir().unwrap();
        let ended = tokio::time::timeout(T, bot_binary(&base, dir.path()).output()).await;
        let asked = queries.lock().unwrap().clone();
        assert!(asked.is_empty(), "DNS queries from the bot: {asked:?}");
        let out = ended
            .expect("hang guard: the bot neither connected nor stopped")
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.trim().lines().last().unwrap_or("");
        assert!(!out.status.success(), "{err}");
        assert!(last.contains("not connecting anywhere else"), "{err}");
        refused += 1;
    }
    assert_eq!(
        failing.count_requests(|r| r.method == "GET" && r.path == "/gateway"),
        1,
        "the failing stand-in was asked"
    );

    let during = queries.lock().unwrap().clone();
    assert!(during.is_empty(), "DNS queries from the bot: {during:?}");
    // Control: a lookup made here does reach the recorder.
    let looked = tokio::net::lookup_host("gateway.discord.gg:443")
        .await
        .map(|a| a.collect::<Vec<_>>());
    assert!(looked.is_err(), "{looked:?}");
    let control = queries.lock().unwrap().clone();
    assert!(
        control.iter().any(|q| q == "gateway.discord.gg"),
        "the control lookup was not recorded: {control:?}"
    );
    println!(
        "netns result: practice answered, {refused} bots refused to connect elsewhere, \
         {} DNS queries from the bot, the control lookup recorded",
        during.len()
    );
}

/// A sign-off closes the meeting; `/practice end` typed after it by habit
/// reminds the student of the note instead of finishing without it, and the
/// note they then write is scored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practice_end_after_a_sign_off_reminds_of_the_note() {
    let (stand, bot, _dir, db) = setup().await;
    let thread = start_practice(&stand).await;
    say_in(&stand, thread, STUDENT, REQUEST).await;
    say_in(
        &stand,
        thread,
        STUDENT,
        "How did you end up in backend work?",
    )
    .await;
    let closed = say_in(
        &stand,
        thread,
        STUDENT,
        "Thank you so much, I won't keep you any longer. Have a great day!",
    )
    .await;
    assert!(
        text_of(&closed).contains("Follow-up note"),
        "{}",
        closed.json
    );
    let path = format!("/channels/{thread}/messages");
    let id = stand.slash(
        STUDENT,
        thread,
        "practice",
        json!([{"name": "end", "type": 1, "options": []}]),
    );
    stand.wait_for_request(T, callback_for(id)).await;
    let reminder = stand
        .wait_for_request(T, |r| {
            r.path == path && r.status == 200 && text_of(r).contains("already over")
        })
        .await;
    assert!(
        !text_of(&reminder).contains("Scorecard:"),
        "{}",
        reminder.json
    );
    let open = open_practice_of(&db, STUDENT).await.expect("still open");
    assert_eq!(open.session.phase.as_str(), "follow_up");
    say_in(
        &stand,
        thread,
        STUDENT,
        "Thank you for the chat today; your advice about code reviews stuck with me.",
    )
    .await;
    let card = stand
        .wait_for_request(T, |r| r.path == path && text_of(r).contains("Scorecard:"))
        .await;
    // The note was read and answered, not skipped.
    assert!(text_of(&card).contains("writes back"), "{}", card.json);
    assert!(open_practice_of(&db, STUDENT).await.is_none(), "finished");
    assert_no_pings(&stand);
    bot.stop().await;
}
