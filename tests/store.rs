//! One suite of store tests, run against SQLite always (a temp file) and against
//! PostgreSQL when `COFFEECHAT_TEST_POSTGRES_URL` is set (an admin URL; each
//! PostgreSQL test creates a fresh database of its own and drops it afterwards,
//! so tests run in parallel). Without the variable each PostgreSQL test says it
//! was skipped and returns.

use coffeechat::classify::Classifier;
use coffeechat::engine::{Engine, Phase, Session};
use coffeechat::store::{GuildSettings, NewReply, Placement, Store, StoreError, UserId};
use std::future::Future;
use std::sync::OnceLock;

const PG_ENV: &str = "COFFEECHAT_TEST_POSTGRES_URL";

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        Engine::new(
            coffeechat::scenario::load::load_embedded().unwrap(),
            Classifier::new(),
        )
    })
}

const REQUEST: &str = "Dear Ms Raman, my name is Sam Lee, a student of Dr. Ellis, who suggested I write because of your \
experience. Could I have 20 minutes for a short chat over coffee? I promise to keep to 20 minutes. I'm not asking for a job.";
const MESSAGES: &[&str] = &[
    "I'm hoping to move into backend engineering.",
    "How did you get into this field?",
    "What's the hardest part of your job?",
    "What advice would you give me?",
    "Is there anyone else I should talk to?",
];

/// A `software-backend` session whose request was accepted (the seed is
/// searched, deterministically, so the same call always gives the same session).
fn accepted_session() -> Session {
    for seed in 1..100 {
        let mut s = engine().start("software-backend", seed).unwrap();
        engine().send(&mut s, REQUEST).unwrap();
        if s.phase == Phase::Conversation {
            return s;
        }
    }
    panic!("no seed accepted the model request");
}

fn json(s: &Session) -> serde_json::Value {
    serde_json::to_value(s).unwrap()
}

fn rand_hex() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    format!("{:016x}", h.finish())
}

/// Runs `f` with the URL of a fresh, empty database of the given backend
/// ("sqlite" or "postgres"); returns without running it (saying so) when
/// PostgreSQL is not configured.
async fn with_db<F, Fut>(backend: &str, f: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if backend == "sqlite" {
        let dir = tempfile::tempdir().unwrap();
        // A directory that does not exist yet: the store must create it.
        let url = Store::sqlite_url(&dir.path().join("nested dir").join("test.db"));
        f(url).await;
        return;
    }
    let Ok(admin_url) = std::env::var(PG_ENV) else {
        eprintln!("skipped: {PG_ENV} is not set, so this PostgreSQL store test did not run");
        return;
    };
    use sqlx::Connection;
    let name = format!("cc_test_{}", rand_hex());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = admin_url.split('?').next().unwrap_or(&admin_url);
    let base = base.rsplit_once('/').map_or(base, |x| x.0);
    // Run the test as a task, so its database is dropped even when it fails.
    let outcome = tokio::spawn(f(format!("{base}/{name}"))).await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Runs `f` against a freshly migrated store of the given backend.
async fn with_store<F, Fut>(backend: &str, f: F)
where
    F: FnOnce(Store, String) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_db(backend, |url| async move {
        let store = Store::connect(&url).await.unwrap();
        f(store, url).await;
    })
    .await;
}

macro_rules! store_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::with_store("sqlite", super::cases::$name).await; })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::with_store("postgres", super::cases::$name).await; })*
        }
    };
}

store_tests!(
    migrations_are_idempotent,
    a_session_round_trips_and_continues_identically,
    turns_survive_a_dropped_store,
    one_open_session_per_user,
    racing_starts_open_exactly_one_session,
    stale_or_finished_sessions_refuse_writes,
    history_scores_and_progress,
    forget_user_deletes_only_that_user,
    concurrent_writers_lose_nothing,
    racing_upserts_agree_on_one_user,
    hostile_text_round_trips,
    guild_settings_keep_their_creation_time,
    replies_are_queued_with_their_turn_and_wait_in_order,
    a_stale_write_queues_no_reply,
    queued_replies_survive_a_dropped_store,
    ending_a_session_keeps_or_drops_its_waiting_replies,
    racing_replies_to_one_session_keep_their_order,
    old_or_undeliverable_replies_can_be_dropped,
);

mod cases {
    use super::*;

    /// Starts a session for a new user and records `n` messages turn by turn.
    async fn started(store: &Store, who: &str, n: usize) -> (UserId, String, Session) {
        let user = store.upsert_user("discord", who, who).await.unwrap();
        let mut s = accepted_session();
        let id = store
            .create_session(&user, &s, &Placement::default())
            .await
            .unwrap();
        for m in &MESSAGES[..n] {
            engine().send(&mut s, m).unwrap();
            assert_eq!(store.record_turns(&id, &s).await.unwrap(), 1);
        }
        (user, id, s)
    }

    async fn finish(store: &Store, id: &str, s: &mut Session) -> coffeechat::score::Scorecard {
        engine().finish(s).unwrap();
        let card = engine().scorecard(s).unwrap();
        store.finish_session(id, s, &card).await.unwrap();
        card
    }

    pub async fn migrations_are_idempotent(store: Store, url: String) {
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".sql")
            })
            .count();
        let info = store.info().await.unwrap();
        assert_eq!(info.migrations_known, files);
        assert_eq!(info.migrations_applied, files as i64);
        let user = store.upsert_user("local", "x", "X").await.unwrap();
        // Connecting again re-runs the migrator: nothing to apply, no error, data kept.
        for _ in 0..2 {
            let again = Store::connect(&url).await.unwrap();
            assert_eq!(again.info().await.unwrap().migrations_applied, files as i64);
            assert_eq!(
                again.find_user("local", "x").await.unwrap(),
                Some(user.clone())
            );
        }
        if store.backend() == coffeechat::store::Backend::Sqlite {
            assert_eq!(info.sqlite_journal_mode.as_deref(), Some("wal"));
            assert_eq!(info.sqlite_synchronous, Some(2), "synchronous=FULL");
            assert_eq!(info.sqlite_foreign_keys, Some(true));
        }
    }

    pub async fn a_session_round_trips_and_continues_identically(store: Store, _url: String) {
        let (user, _id, mut live) = started(&store, "42", 2).await;
        let open = store.open_session_for(&user).await.unwrap().unwrap();
        let mut restored = open.session;
        // Exactly the same state, RNG included.
        assert_eq!(json(&restored), json(&live));
        for m in &MESSAGES[2..] {
            engine().send(&mut live, m).unwrap();
            engine().send(&mut restored, m).unwrap();
        }
        let replies = |s: &Session| s.turns.iter().map(|t| t.reply.clone()).collect::<Vec<_>>();
        assert_eq!(replies(&restored), replies(&live));
        assert_eq!(restored.phase, live.phase);
        assert_eq!(restored.stance, live.stance);
        assert_eq!(restored.minutes_used, live.minutes_used);
        assert_eq!(json(&restored), json(&live));
        engine().finish(&mut live).unwrap();
        engine().finish(&mut restored).unwrap();
        assert_eq!(
            serde_json::to_value(engine().scorecard(&restored).unwrap()).unwrap(),
            serde_json::to_value(engine().scorecard(&live).unwrap()).unwrap()
        );
    }

    pub async fn turns_survive_a_dropped_store(store: Store, url: String) {
        let user = store.upsert_user("discord", "7", "Kim").await.unwrap();
        let mut s = accepted_session();
        let at = Placement {
            guild_id: Some("1".into()),
            channel_id: Some("2".into()),
            thread_id: Some("3".into()),
        };
        let id = store.create_session(&user, &s, &at).await.unwrap();
        for m in MESSAGES {
            engine().send(&mut s, m).unwrap();
            store.record_turns(&id, &s).await.unwrap();
        }
        drop(store); // the process "dies" without finishing the session
        let reopened = Store::connect(&url).await.unwrap();
        let open = reopened.open_sessions().await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].id, id);
        assert_eq!(open[0].user_id, user);
        assert_eq!(open[0].placement, at);
        assert_eq!(open[0].finished_at, None);
        assert_eq!(json(&open[0].session), json(&s));
        assert_eq!(
            reopened.session_in_channel("3").await.unwrap().unwrap().id,
            id
        );
        assert_eq!(
            reopened.session_in_channel("2").await.unwrap().unwrap().id,
            id
        );
        assert!(reopened.session_in_channel("4").await.unwrap().is_none());
        let turns = reopened.turns(&id).await.unwrap();
        assert_eq!(turns.len(), s.turns.len());
        for (i, (row, t)) in turns.iter().zip(&s.turns).enumerate() {
            assert_eq!(row.idx, i as i64);
            assert_eq!(row.phase, t.phase.as_str());
            assert_eq!(row.message, t.message);
            assert_eq!(row.topic, t.topic.as_str());
            assert_eq!(row.verdict, t.verdict.as_str());
            assert_eq!(row.reply, t.reply);
            assert_eq!(row.stance, t.stance.as_str());
            assert_eq!(row.minutes_used, i64::from(t.minutes_used));
            assert!(row.created_at > 0);
        }
    }

    pub async fn one_open_session_per_user(store: Store, _url: String) {
        let (user, id, mut s) = started(&store, "1", 1).await;
        match store
            .create_session(&user, &accepted_session(), &Placement::default())
            .await
        {
            Err(StoreError::SessionAlreadyOpen { id: open }) => assert_eq!(open, id),
            other => panic!("expected SessionAlreadyOpen, got {other:?}"),
        }
        // Another user is not affected.
        let other = store.upsert_user("discord", "2", "B").await.unwrap();
        store
            .create_session(&other, &accepted_session(), &Placement::default())
            .await
            .unwrap();
        finish(&store, &id, &mut s).await;
        assert!(store.open_session_for(&user).await.unwrap().is_none());
        let second = store
            .create_session(&user, &accepted_session(), &Placement::default())
            .await
            .unwrap();
        // Abandoning also frees the slot.
        assert!(store.abandon_session(&second).await.unwrap());
        assert!(!store.abandon_session(&second).await.unwrap());
        assert!(!store.abandon_session("no-such-id").await.unwrap());
        let third = store
            .create_session(&user, &accepted_session(), &Placement::default())
            .await
            .unwrap();
        assert_eq!(
            store.open_session_for(&user).await.unwrap().unwrap().id,
            third
        );
        assert_eq!(store.open_sessions().await.unwrap().len(), 2);
    }

    pub async fn racing_starts_open_exactly_one_session(store: Store, _url: String) {
        let user = store.upsert_user("discord", "racer", "R").await.unwrap();
        let s = accepted_session();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (store, user, s) = (store.clone(), user.clone(), s.clone());
                tokio::spawn(
                    async move { store.create_session(&user, &s, &Placement::default()).await },
                )
            })
            .collect();
        let mut created = Vec::new();
        let mut refused = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(id) => created.push(id),
                Err(StoreError::SessionAlreadyOpen { id }) => refused.push(id),
                Err(e) => panic!("unexpected error: {e}"),
            }
        }
        assert_eq!(created.len(), 1, "exactly one start wins");
        assert_eq!(refused.len(), 7);
        assert!(refused.iter().all(|id| *id == created[0]));
        assert_eq!(store.history(&user, 100).await.unwrap().len(), 1);
    }

    pub async fn stale_or_finished_sessions_refuse_writes(store: Store, _url: String) {
        let (_user, id, s) = started(&store, "stale", 2).await;
        let mut ahead = s.clone();
        engine().send(&mut ahead, MESSAGES[2]).unwrap();
        store.record_turns(&id, &ahead).await.unwrap();

        // An older copy (fewer turns) must not roll the session back.
        match store.record_turns(&id, &s).await {
            Err(StoreError::Conflict(c)) => assert_eq!(c, id),
            other => panic!("expected Conflict, got {other:?}"),
        }
        // A copy that went another way (same length, different last turn) neither.
        let mut diverged = s.clone();
        engine().send(&mut diverged, MESSAGES[4]).unwrap();
        assert!(matches!(
            store.record_turns(&id, &diverged).await,
            Err(StoreError::Conflict(_))
        ));
        let kept = store.get_session(&id).await.unwrap().unwrap();
        assert_eq!(json(&kept.session), json(&ahead));
        assert_eq!(store.turns(&id).await.unwrap().len(), ahead.turns.len());

        // Saving the same state again adds nothing and is fine.
        assert_eq!(store.record_turns(&id, &ahead).await.unwrap(), 0);
        store.save_state(&id, &ahead).await.unwrap();

        assert!(matches!(
            store.record_turns("no-such-id", &ahead).await,
            Err(StoreError::NoSuchSession(_))
        ));
        let mut done = ahead.clone();
        finish(&store, &id, &mut done).await;
        let mut late = done.clone();
        late.turns.push(late.turns[1].clone());
        assert!(matches!(
            store.record_turns(&id, &late).await,
            Err(StoreError::SessionFinished(_))
        ));
        let card = engine().scorecard(&done).unwrap();
        assert!(matches!(
            store.finish_session(&id, &done, &card).await,
            Err(StoreError::SessionFinished(_))
        ));
        assert_eq!(store.turns(&id).await.unwrap().len(), done.turns.len());
    }

    pub async fn history_scores_and_progress(store: Store, _url: String) {
        let user = store.upsert_user("discord", "9", "H").await.unwrap();
        let mut ids = Vec::new();
        let mut totals = Vec::new();
        for n in 0..3 {
            let mut s = accepted_session();
            let id = store
                .create_session(&user, &s, &Placement::default())
                .await
                .unwrap();
            for m in &MESSAGES[..n + 1] {
                engine().send(&mut s, m).unwrap();
                store.record_turns(&id, &s).await.unwrap();
            }
            let card = finish(&store, &id, &mut s).await;
            let mut want: Vec<(String, i64, i64)> = card
                .items
                .iter()
                .map(|i| (i.id.clone(), i64::from(i.points), i64::from(i.max)))
                .collect();
            want.sort();
            let got: Vec<(String, i64, i64)> = store
                .scores(&id)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.item_id, r.points, r.max))
                .collect();
            assert_eq!(got, want);
            let stored_card = store.scorecard_json(&id).await.unwrap().unwrap();
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&stored_card).unwrap(),
                serde_json::to_value(&card).unwrap()
            );
            assert_eq!(
                store.get_session(&id).await.unwrap().unwrap().score_total,
                Some(card.total)
            );
            ids.push((id, s.turns.len()));
            totals.push(card.total);
            // Distinct start times, so "newest first" has one right answer.
            tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        }
        // A fourth session, abandoned, and another user's session.
        let (abandoned, _) = {
            let s = accepted_session();
            let id = store
                .create_session(&user, &s, &Placement::default())
                .await
                .unwrap();
            store.abandon_session(&id).await.unwrap();
            (id, s)
        };
        started(&store, "someone-else", 1).await;

        let h = store.history(&user, 10).await.unwrap();
        let order: Vec<&str> = h.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            order,
            vec![abandoned.as_str(), &ids[2].0, &ids[1].0, &ids[0].0],
            "newest first"
        );
        assert!(h[0].abandoned() && h[0].score_total.is_none() && h[0].phase == "conversation");
        for (row, ((_, turns), total)) in h[1..].iter().zip(ids.iter().zip(&totals).rev()) {
            assert_eq!(row.scenario_id, "software-backend");
            assert_eq!(row.phase, "done");
            assert_eq!(row.score_total, Some(*total));
            assert_eq!(row.turns as usize, *turns);
            assert!(!row.abandoned());
            assert!(row.finished_at.unwrap() >= row.started_at);
        }
        assert_eq!(store.history(&user, 2).await.unwrap().len(), 2);
        let progress: Vec<u32> = store
            .scores_over_time(&user)
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(progress, totals, "oldest first, scored sessions only");
    }

    pub async fn forget_user_deletes_only_that_user(store: Store, _url: String) {
        let mut scored = Vec::new();
        for who in ["a", "b"] {
            let (user, id, mut s) = started(&store, who, 2).await;
            let card = finish(&store, &id, &mut s).await;
            scored.push((user, id, s.turns.len(), card.items.len()));
        }
        // "a" also has an open session.
        let (_, open_a, open_s) = {
            let user = &scored[0].0;
            let mut s = accepted_session();
            let id = store
                .create_session(user, &s, &Placement::default())
                .await
                .unwrap();
            engine().send(&mut s, MESSAGES[0]).unwrap();
            store
                .record_turns_with_reply(&id, &s, &reply("a's reply"))
                .await
                .unwrap();
            (user.clone(), id, s)
        };
        // "b" has a reply waiting too.
        let (_b_user, b_open, mut s) = started(&store, "b-open", 0).await;
        engine().send(&mut s, MESSAGES[0]).unwrap();
        store
            .record_turns_with_reply(&b_open, &s, &reply("b's reply"))
            .await
            .unwrap();
        store
            .set_guild_settings(&GuildSettings {
                guild_id: "g".into(),
                practice_channel_id: None,
                use_threads: true,
            })
            .await
            .unwrap();

        let gone = store.forget_user("discord", "a").await.unwrap();
        assert_eq!(gone.users, 1);
        assert_eq!(gone.sessions, 2);
        assert_eq!(gone.turns as usize, scored[0].2 + open_s.turns.len());
        assert_eq!(gone.scores as usize, scored[0].3);
        assert_eq!(gone.replies, 1, "a's waiting reply");
        assert!(store.replies_waiting(&open_a).await.unwrap().is_empty());
        let left: Vec<String> = store
            .all_replies_waiting()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.body)
            .collect();
        assert_eq!(left, ["b's reply"], "b's waiting reply is untouched");
        let a = &scored[0].0;
        assert!(store.find_user("discord", "a").await.unwrap().is_none());
        assert!(store.get_user(a).await.unwrap().is_none());
        assert!(store.history(a, 10).await.unwrap().is_empty());
        assert!(store.get_session(&scored[0].1).await.unwrap().is_none());
        assert!(store.turns(&scored[0].1).await.unwrap().is_empty());
        assert!(store.scores(&scored[0].1).await.unwrap().is_empty());
        assert!(store.turns(&open_a).await.unwrap().is_empty());
        let open: Vec<String> = store
            .open_sessions()
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(open, [b_open], "only the other user's practice is open");

        // "b" is untouched, and so are the guild's settings.
        let (b, b_id, b_turns, b_items) = &scored[1];
        assert_eq!(store.history(b, 10).await.unwrap().len(), 1);
        assert_eq!(store.turns(b_id).await.unwrap().len(), *b_turns);
        assert_eq!(store.scores(b_id).await.unwrap().len(), *b_items);
        assert!(store.get_guild_settings("g").await.unwrap().is_some());

        assert_eq!(
            store.forget_user("discord", "nobody").await.unwrap(),
            Default::default()
        );
        // Coming back later starts from nothing.
        let again = store.upsert_user("discord", "a", "A").await.unwrap();
        assert_ne!(&again, a);
        assert!(store.history(&again, 10).await.unwrap().is_empty());
    }

    pub async fn concurrent_writers_lose_nothing(store: Store, _url: String) {
        let tasks: Vec<_> = (0..8)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let user = store
                        .upsert_user("discord", &format!("c{n}"), "C")
                        .await
                        .unwrap();
                    let mut s = accepted_session();
                    let id = store
                        .create_session(&user, &s, &Placement::default())
                        .await
                        .unwrap();
                    for m in MESSAGES {
                        engine().send(&mut s, &format!("{m} (writer {n})")).unwrap();
                        store.record_turns(&id, &s).await.unwrap();
                        tokio::task::yield_now().await;
                    }
                    if n % 2 == 0 {
                        engine().finish(&mut s).unwrap();
                        let card = engine().scorecard(&s).unwrap();
                        store.finish_session(&id, &s, &card).await.unwrap();
                    }
                    (id, s)
                })
            })
            .collect();
        for t in tasks {
            let (id, s) = t.await.unwrap();
            let turns = store.turns(&id).await.unwrap();
            let messages: Vec<&str> = turns.iter().map(|t| t.message.as_str()).collect();
            let want: Vec<&str> = s.turns.iter().map(|t| t.message.as_str()).collect();
            assert_eq!(messages, want);
            assert_eq!(
                json(&store.get_session(&id).await.unwrap().unwrap().session),
                json(&s)
            );
        }
        assert_eq!(store.open_sessions().await.unwrap().len(), 4);
    }

    pub async fn racing_upserts_agree_on_one_user(store: Store, _url: String) {
        let tasks: Vec<_> = (0..8)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .upsert_user("discord", "same", &format!("name {n}"))
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut ids = Vec::new();
        for t in tasks {
            ids.push(t.await.unwrap());
        }
        assert!(ids.iter().all(|id| *id == ids[0]));
        let renamed = store.upsert_user("discord", "same", "Final").await.unwrap();
        assert_eq!(renamed, ids[0]);
        let user = store.get_user(&renamed).await.unwrap().unwrap();
        assert_eq!(user.display_name, "Final");
        assert_eq!(
            (user.platform.as_str(), user.external_id.as_str()),
            ("discord", "same")
        );
        // Same external id on another platform is another user.
        assert_ne!(
            store.upsert_user("local", "same", "L").await.unwrap(),
            renamed
        );
    }

    pub async fn hostile_text_round_trips(store: Store, _url: String) {
        let hostile = [
            "Robert'); DROP TABLE users;--".to_string(),
            "'); DROP TABLE sessions; --".to_string(),
            "emoji 👩‍💻🇨🇦 and \"double\" 'single' `back` \\ quotes, $1 ? %s placeholders".to_string(),
            "NUL\0in\0the\0middle\0".to_string(),
            "é".repeat(5_000) + &"x".repeat(5_000),
            "line\nbreaks\r\n\ttabs and \u{7f}\u{1b}[31m escapes".to_string(),
        ];
        let stored = |s: &str| s.replace('\0', "");
        assert_eq!(hostile[4].chars().count(), 10_000);

        let name = hostile.concat();
        let user = store
            .upsert_user("discord", &hostile[0], &name)
            .await
            .unwrap();
        let u = store.get_user(&user).await.unwrap().unwrap();
        assert_eq!(u.display_name, stored(&name));
        assert_eq!(u.external_id, hostile[0]);
        assert_eq!(
            store.find_user("discord", &hostile[0]).await.unwrap(),
            Some(user.clone())
        );

        let mut s = accepted_session();
        let at = Placement {
            guild_id: Some(hostile[1].clone()),
            channel_id: Some(hostile[3].clone()),
            thread_id: Some(hostile[2].clone()),
        };
        let id = store.create_session(&user, &s, &at).await.unwrap();
        // The engine cleans what students type; the store must hold whatever
        // it is given, so put the text straight into the turns.
        let base = s.turns.len();
        for (i, h) in hostile.iter().enumerate() {
            let mut t = s.turns[0].clone();
            t.message = h.clone();
            t.reply = hostile[(i + 1) % hostile.len()].clone();
            s.turns.push(t);
        }
        s.notes.push(hostile[3].clone());
        store.record_turns(&id, &s).await.unwrap();
        let turns = store.turns(&id).await.unwrap();
        for (i, h) in hostile.iter().enumerate() {
            assert_eq!(turns[base + i].message, stored(h));
            assert_eq!(
                turns[base + i].reply,
                stored(&hostile[(i + 1) % hostile.len()])
            );
        }
        // NUL and all: the engine state comes back exactly (JSON escapes NUL).
        let back = store.get_session(&id).await.unwrap().unwrap();
        assert_eq!(json(&back.session), json(&s));
        assert_eq!(back.session.turns[base + 3].message, hostile[3]);
        assert_eq!(
            back.placement,
            Placement {
                guild_id: Some(stored(&hostile[1])),
                channel_id: Some(stored(&hostile[3])),
                thread_id: Some(stored(&hostile[2])),
            }
        );
        // A further turn after the NUL-bearing ones still continues the session.
        engine().send(&mut s, MESSAGES[1]).unwrap();
        assert_eq!(store.record_turns(&id, &s).await.unwrap(), 1);
        assert_eq!(
            store
                .session_in_channel(&hostile[2])
                .await
                .unwrap()
                .unwrap()
                .id,
            id
        );

        let g = GuildSettings {
            guild_id: hostile[1].clone(),
            practice_channel_id: Some(hostile[4].clone()),
            use_threads: false,
        };
        store.set_guild_settings(&g).await.unwrap();
        assert_eq!(
            store.get_guild_settings(&hostile[1]).await.unwrap(),
            Some(g)
        );
        // The tables are all still there.
        assert_eq!(store.history(&user, 5).await.unwrap().len(), 1);
    }

    pub async fn guild_settings_keep_their_creation_time(store: Store, url: String) {
        assert!(store.get_guild_settings("g").await.unwrap().is_none());
        let g = GuildSettings {
            guild_id: "g".into(),
            practice_channel_id: Some("c".into()),
            use_threads: false,
        };
        store.set_guild_settings(&g).await.unwrap();
        assert_eq!(
            store.get_guild_settings("g").await.unwrap(),
            Some(g.clone())
        );
        let times = || async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&url).await.unwrap();
            let row: (i64, i64) = sqlx::query_as(
                "SELECT created_at, updated_at FROM guild_settings WHERE guild_id = $1",
            )
            .bind("g")
            .fetch_one(&pool)
            .await
            .unwrap();
            pool.close().await;
            row
        };
        let (created, updated) = times().await;
        assert!(created > 0 && updated == created);
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        let g2 = GuildSettings {
            use_threads: true,
            practice_channel_id: None,
            ..g
        };
        store.set_guild_settings(&g2).await.unwrap();
        assert_eq!(store.get_guild_settings("g").await.unwrap(), Some(g2));
        let (created2, updated2) = times().await;
        assert_eq!(created2, created, "the creation time is kept");
        assert!(updated2 > updated);
        assert!(store.get_guild_settings("other").await.unwrap().is_none());
    }

    /// A reply for the outbox, told apart by its body.
    fn reply(body: &str) -> NewReply {
        NewReply {
            channel_id: "thread-1".into(),
            body: body.into(),
            nonce: format!("nonce-{body}"),
        }
    }

    fn bodies(rows: &[coffeechat::store::PendingReply]) -> Vec<&str> {
        rows.iter().map(|r| r.body.as_str()).collect()
    }

    pub async fn replies_are_queued_with_their_turn_and_wait_in_order(store: Store, _url: String) {
        let (_user, id, mut s) = started(&store, "outbox", 0).await;
        assert!(store.replies_waiting(&id).await.unwrap().is_empty());
        let hostile = "{\"cards\": [\"é👩‍💻 '); DROP TABLE outbox;--\"]}\0";
        let mut queued = Vec::new();
        for (i, m) in MESSAGES[..3].iter().enumerate() {
            engine().send(&mut s, m).unwrap();
            let body = if i == 1 {
                hostile.to_string()
            } else {
                format!("reply {i}")
            };
            let r = store
                .record_turns_with_reply(&id, &s, &reply(&body))
                .await
                .unwrap();
            assert_eq!(r.seq, i as i64 + 1);
            assert_eq!((r.parts_sent, r.session_id.as_str()), (0, id.as_str()));
            queued.push(r);
        }
        // The turns and their replies were stored together (after the request).
        assert_eq!(store.turns(&id).await.unwrap().len(), 1 + 3);
        let waiting = store.replies_waiting(&id).await.unwrap();
        assert_eq!(waiting, queued, "read back exactly as queued, in order");
        assert_eq!(
            bodies(&waiting),
            ["reply 0", hostile.trim_end_matches('\0'), "reply 2"],
            "NUL is dropped, everything else kept"
        );
        assert_eq!(waiting[0].channel_id, "thread-1");
        assert_eq!(waiting[0].nonce, "nonce-reply 0");
        assert!(waiting[0].created_at > 0);
        assert_eq!(store.all_replies_waiting().await.unwrap(), waiting);

        // Progress is kept and never moves backwards.
        assert!(store.reply_progress(&queued[0].id, 2).await.unwrap());
        assert!(store.reply_progress(&queued[0].id, 1).await.unwrap());
        assert_eq!(store.replies_waiting(&id).await.unwrap()[0].parts_sent, 2);

        // Posted replies go; the others stay in order.
        assert!(store.reply_posted(&queued[1].id).await.unwrap());
        assert!(
            !store.reply_posted(&queued[1].id).await.unwrap(),
            "already gone"
        );
        assert!(!store.reply_progress(&queued[1].id, 1).await.unwrap());
        assert_eq!(
            bodies(&store.replies_waiting(&id).await.unwrap()),
            ["reply 0", "reply 2"]
        );
        // A later reply still comes after every one queued before.
        engine().send(&mut s, MESSAGES[3]).unwrap();
        let r = store
            .record_turns_with_reply(&id, &s, &reply("reply 3"))
            .await
            .unwrap();
        assert_eq!(r.seq, 4);
        assert_eq!(
            bodies(&store.replies_waiting(&id).await.unwrap()),
            ["reply 0", "reply 2", "reply 3"]
        );
    }

    pub async fn a_stale_write_queues_no_reply(store: Store, _url: String) {
        let (_user, id, s) = started(&store, "stale-reply", 1).await;
        let mut ahead = s.clone();
        engine().send(&mut ahead, MESSAGES[1]).unwrap();
        store
            .record_turns_with_reply(&id, &ahead, &reply("kept"))
            .await
            .unwrap();
        // Another handler's older copy is refused, and its reply with it.
        let mut stale = s.clone();
        engine().send(&mut stale, MESSAGES[4]).unwrap();
        assert!(matches!(
            store
                .record_turns_with_reply(&id, &stale, &reply("stale"))
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store
                .record_turns_with_reply("no-such-id", &ahead, &reply("none"))
                .await,
            Err(StoreError::NoSuchSession(_))
        ));
        assert_eq!(bodies(&store.replies_waiting(&id).await.unwrap()), ["kept"]);
        assert_eq!(store.all_replies_waiting().await.unwrap().len(), 1);
        // A finished session takes no more turns, and so no more replies.
        let mut done = ahead.clone();
        engine().finish(&mut done).unwrap();
        let card = engine().scorecard(&done).unwrap();
        store
            .finish_session_with_reply(&id, &done, &card, &reply("card"))
            .await
            .unwrap();
        assert!(matches!(
            store
                .finish_session_with_reply(&id, &done, &card, &reply("card again"))
                .await,
            Err(StoreError::SessionFinished(_))
        ));
        assert_eq!(
            bodies(&store.replies_waiting(&id).await.unwrap()),
            ["kept", "card"]
        );
    }

    pub async fn queued_replies_survive_a_dropped_store(store: Store, url: String) {
        let (_user, id, mut s) = started(&store, "crash", 1).await;
        engine().send(&mut s, MESSAGES[1]).unwrap();
        let queued = store
            .record_turns_with_reply(&id, &s, &reply("after the crash"))
            .await
            .unwrap();
        drop(store); // the process "dies" before the reply is posted
        let reopened = Store::connect(&url).await.unwrap();
        assert_eq!(
            reopened.all_replies_waiting().await.unwrap(),
            std::slice::from_ref(&queued)
        );
        assert!(reopened.reply_posted(&queued.id).await.unwrap());
        drop(reopened);
        let again = Store::connect(&url).await.unwrap();
        assert!(again.all_replies_waiting().await.unwrap().is_empty());
    }

    pub async fn ending_a_session_keeps_or_drops_its_waiting_replies(store: Store, _url: String) {
        // Finishing: the scorecard's reply comes after the one still waiting,
        // and both wait after the session is closed.
        let (_u, finished, mut s) = started(&store, "finish", 0).await;
        engine().send(&mut s, MESSAGES[0]).unwrap();
        store
            .record_turns_with_reply(&finished, &s, &reply("last answer"))
            .await
            .unwrap();
        engine().finish(&mut s).unwrap();
        let card = engine().scorecard(&s).unwrap();
        let r = store
            .finish_session_with_reply(&finished, &s, &card, &reply("scorecard"))
            .await
            .unwrap();
        assert_eq!(r.seq, 2);
        let row = store.get_session(&finished).await.unwrap().unwrap();
        assert_eq!(row.score_total, Some(card.total));
        assert_eq!(
            store.scores(&finished).await.unwrap().len(),
            card.items.len()
        );
        assert_eq!(
            bodies(&store.replies_waiting(&finished).await.unwrap()),
            ["last answer", "scorecard"]
        );

        // Ended by a step (e.g. before a request): its reply is queued after
        // the waiting ones, once.
        let (_u, ended, mut s) = started(&store, "ended", 0).await;
        engine().send(&mut s, MESSAGES[0]).unwrap();
        store
            .record_turns_with_reply(&ended, &s, &reply("answer"))
            .await
            .unwrap();
        let r = store
            .abandon_session_with_reply(&ended, &reply("ended"))
            .await
            .unwrap()
            .expect("it was open");
        assert_eq!(r.seq, 2);
        assert!(store
            .get_session(&ended)
            .await
            .unwrap()
            .unwrap()
            .finished_at
            .is_some());
        assert!(store
            .abandon_session_with_reply(&ended, &reply("twice"))
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            bodies(&store.replies_waiting(&ended).await.unwrap()),
            ["answer", "ended"]
        );
        // Abandoned by the student: what was still waiting is dropped...
        let (_u, walked, mut s) = started(&store, "walked", 0).await;
        engine().send(&mut s, MESSAGES[0]).unwrap();
        store
            .record_turns_with_reply(&walked, &s, &reply("unread"))
            .await
            .unwrap();
        assert!(store.abandon_session(&walked).await.unwrap());
        assert!(store.replies_waiting(&walked).await.unwrap().is_empty());
        assert_eq!(store.turns(&walked).await.unwrap().len(), 2, "turns stay");
        // ...but abandoning a session that is already closed drops nothing.
        assert!(!store.abandon_session(&finished).await.unwrap());
        assert!(!store.abandon_session(&ended).await.unwrap());
        assert_eq!(store.replies_waiting(&finished).await.unwrap().len(), 2);
        assert_eq!(store.replies_waiting(&ended).await.unwrap().len(), 2);
        assert_eq!(store.all_replies_waiting().await.unwrap().len(), 4);
    }

    pub async fn racing_replies_to_one_session_keep_their_order(store: Store, _url: String) {
        // Writers on several sessions at once, each session's replies in its order.
        let tasks: Vec<_> = (0..6)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let (_u, id, mut s) = started(&store, &format!("race{n}"), 0).await;
                    for (i, m) in MESSAGES.iter().enumerate() {
                        engine().send(&mut s, m).unwrap();
                        let r = store
                            .record_turns_with_reply(&id, &s, &reply(&format!("{n}:{i}")))
                            .await
                            .unwrap();
                        assert_eq!(r.seq, i as i64 + 1);
                        tokio::task::yield_now().await;
                    }
                    id
                })
            })
            .collect();
        for (n, t) in tasks.into_iter().enumerate() {
            let id = t.await.unwrap();
            let want: Vec<String> = (0..MESSAGES.len()).map(|i| format!("{n}:{i}")).collect();
            assert_eq!(bodies(&store.replies_waiting(&id).await.unwrap()), want);
        }
        assert_eq!(
            store.all_replies_waiting().await.unwrap().len(),
            6 * MESSAGES.len()
        );
    }

    pub async fn old_or_undeliverable_replies_can_be_dropped(store: Store, _url: String) {
        let (_u, a, mut s) = started(&store, "old-a", 0).await;
        engine().send(&mut s, MESSAGES[0]).unwrap();
        store
            .record_turns_with_reply(&a, &s, &reply("a0"))
            .await
            .unwrap();
        engine().send(&mut s, MESSAGES[1]).unwrap();
        store
            .record_turns_with_reply(&a, &s, &reply("a1"))
            .await
            .unwrap();
        let (_u, b, mut t) = started(&store, "old-b", 0).await;
        engine().send(&mut t, MESSAGES[0]).unwrap();
        store
            .record_turns_with_reply(&b, &t, &reply("b0"))
            .await
            .unwrap();
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(store.drop_replies_older_than(hour).await.unwrap(), 0);
        assert_eq!(store.drop_replies(&a).await.unwrap(), 2);
        assert_eq!(bodies(&store.all_replies_waiting().await.unwrap()), ["b0"]);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(
            store
                .drop_replies_older_than(std::time::Duration::from_millis(5))
                .await
                .unwrap(),
            1
        );
        assert!(store.all_replies_waiting().await.unwrap().is_empty());
        assert_eq!(store.turns(&b).await.unwrap().len(), 2, "the turns stay");
    }
}

/// A database made by an earlier release (the first `applied` migrations)
/// with data in it is upgraded by `Store::connect`, data kept: from every
/// earlier release, so each migration is also run on a database that has rows.
mod upgrade {
    use super::*;

    async fn from_release(url: String, applied: usize) {
        use sqlx::migrate::Migrator;
        use std::borrow::Cow;
        let all = sqlx::migrate!("./migrations");
        let older = Migrator {
            migrations: Cow::Owned(all.migrations[..applied].to_vec()),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        sqlx::any::install_default_drivers();
        if let Some(path) = url.strip_prefix("sqlite://") {
            // Store::connect creates the file; here the test makes it itself.
            let path = path.split('?').next().unwrap().replace("%20", " ");
            std::fs::create_dir_all(std::path::Path::new(&path).parent().unwrap()).unwrap();
        }
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        older.run(&pool).await.unwrap();
        sqlx::query("INSERT INTO guild_settings (guild_id, practice_channel_id, use_threads, updated_at) VALUES ($1, $2, $3, $4)")
            .bind("old-guild")
            .bind("chan")
            .bind(0i64)
            .bind(1_700_000_000_000i64)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO users (id, platform, external_id, display_name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind("u1")
            .bind("discord")
            .bind("old-user")
            .bind("Old")
            .bind(1i64)
            .execute(&pool)
            .await
            .unwrap();
        // An open session with its turns, as the release stored it.
        let mut s = accepted_session();
        engine().send(&mut s, MESSAGES[0]).unwrap();
        sqlx::query(
            "INSERT INTO sessions (id, user_id, scenario_id, seed, phase, state_json, turn_count, \
             thread_id, started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind("s1")
        .bind("u1")
        .bind(&s.scenario_id)
        .bind(s.seed as i64)
        .bind(s.phase.as_str())
        .bind(serde_json::to_string(&s).unwrap())
        .bind(s.turns.len() as i64)
        .bind("thread-9")
        .bind(2i64)
        .bind(2i64)
        .execute(&pool)
        .await
        .unwrap();
        for (i, t) in s.turns.iter().enumerate() {
            sqlx::query(
                "INSERT INTO turns (session_id, idx, phase, message, topic, verdict, reply, stance, \
                 minutes_used, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind("s1")
            .bind(i as i64)
            .bind(t.phase.as_str())
            .bind(&t.message)
            .bind(t.topic.as_str())
            .bind(t.verdict.as_str())
            .bind(&t.reply)
            .bind(t.stance.as_str())
            .bind(i64::from(t.minutes_used))
            .bind(3i64)
            .execute(&pool)
            .await
            .unwrap();
        }
        let turns = s.turns.len();
        pool.close().await;

        let store = Store::connect(&url).await.unwrap();
        let info = store.info().await.unwrap();
        assert_eq!(info.migrations_applied, all.migrations.len() as i64);
        assert_eq!(
            store.get_guild_settings("old-guild").await.unwrap(),
            Some(GuildSettings {
                guild_id: "old-guild".into(),
                practice_channel_id: Some("chan".into()),
                use_threads: false,
            })
        );
        let user = store
            .find_user("discord", "old-user")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user, UserId("u1".into()));
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let (created,): (i64,) =
            sqlx::query_as("SELECT created_at FROM guild_settings WHERE guild_id = $1")
                .bind("old-guild")
                .fetch_one(&pool)
                .await
                .unwrap();
        if applied < 2 {
            assert_eq!(created, 1_700_000_000_000, "backfilled from updated_at");
        }
        // 0003: the outbox starts empty, and the old session goes on with replies queued.
        assert!(store.all_replies_waiting().await.unwrap().is_empty());
        let open = store.session_in_channel("thread-9").await.unwrap().unwrap();
        assert_eq!(json(&open.session), json(&s));
        let mut s = open.session;
        engine().send(&mut s, MESSAGES[1]).unwrap();
        let r = store
            .record_turns_with_reply(
                "s1",
                &s,
                &NewReply {
                    channel_id: "thread-9".into(),
                    body: "{}".into(),
                    nonce: "1".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(r.seq, 1);
        assert_eq!(store.turns("s1").await.unwrap().len(), turns + 1);
        // /forget-me reaches the upgraded rows and the new ones alike.
        let gone = store.forget_user("discord", "old-user").await.unwrap();
        assert_eq!(
            (gone.sessions, gone.turns, gone.replies),
            (1, turns as u64 + 1, 1)
        );
    }

    async fn from_every_release(backend: &str) {
        let releases = sqlx::migrate!("./migrations").migrations.len();
        for applied in 1..releases {
            with_db(backend, move |url| from_release(url, applied)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        from_every_release("sqlite").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        from_every_release("postgres").await;
    }
}

/// Released migration files never change (see `migrations/README.md`): a
/// database that applied one stores its checksum and refuses to start if the
/// file differs. Add the line for each new file here.
#[test]
fn released_migrations_are_unchanged() {
    const RELEASED: &[(i64, &str)] = &[
        (1, "b2009af561658a0e31ed148f232a7112"),
        (2, "737efb1284efa9d96fbdff453d3d66ff"),
        (3, "7b73958ce8f6954bfbd98c751a10c1aa"),
    ];
    let all = sqlx::migrate!("./migrations");
    let got: Vec<(i64, String)> = all
        .iter()
        .map(|m| {
            let hex: String = m.checksum.iter().map(|b| format!("{b:02x}")).collect();
            (m.version, hex[..32].to_string())
        })
        .collect();
    for (i, (version, sum)) in got.iter().enumerate() {
        assert_eq!(
            *version,
            i as i64 + 1,
            "migrations are numbered 1, 2, 3, ..."
        );
        match RELEASED.iter().find(|r| r.0 == *version) {
            Some((_, pinned)) => assert_eq!(
                sum, pinned,
                "migration {version} was edited after release; add a new migration instead"
            ),
            None => panic!("new migration {version}: add ({version}, \"{sum}\") to RELEASED"),
        }
    }
    assert_eq!(
        got.len(),
        RELEASED.len(),
        "a released migration file was deleted"
    );
}

/// Connection errors are one clear line that never shows the password.
#[tokio::test]
async fn bad_urls_fail_clearly_without_secrets() {
    assert!(matches!(
        Store::connect("mysql://u:pw@localhost/x").await,
        Err(StoreError::UnsupportedUrl)
    ));
    // Nothing listens on port 1 of the loopback address.
    let err = Store::connect("postgres://someone:hunter2secret@127.0.0.1:1/db")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            err,
            StoreError::Connect {
                backend: "postgres",
                ..
            }
        ),
        "{text}"
    );
    assert!(
        !text.contains("hunter2secret") && !text.contains("someone:"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let err = Store::connect(&format!(
        "sqlite://{}?mode=ro",
        dir.path().join("missing.db").display()
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Connect {
                backend: "sqlite",
                ..
            }
        ),
        "{err}"
    );
}

/// The default file is created on first use, with its directories, even when
/// the path has characters that URLs reserve.
#[tokio::test]
async fn sqlite_file_is_created_on_first_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("a b#c")
        .join("50% ?done")
        .join("coffee chat.db");
    let store = Store::connect(&Store::sqlite_url(&path)).await.unwrap();
    store.upsert_user("local", "me", "Me").await.unwrap();
    assert!(path.is_file(), "{} was not created", path.display());
    // A plain URL without `mode=rwc` creates the file too.
    let plain = dir.path().join("plain").join("x.db");
    Store::connect(&format!("sqlite://{}", plain.display()))
        .await
        .unwrap();
    assert!(plain.is_file());
}

/// The real thing: a process recording turns is killed (SIGKILL, no clean-up)
/// right after a turn was committed; the next process finds the open session
/// with every turn and the exact engine state.
mod killed_process {
    use super::*;
    use tokio::io::{AsyncBufReadExt, BufReader};

    const CHILD_URL: &str = "COFFEECHAT_STORE_TEST_CHILD_URL";
    const MARK: &str = "CHILD-COMMITTED";

    /// In the child: record turn by turn, announce, then wait to be killed.
    async fn child(url: String) {
        let store = Store::connect(&url).await.unwrap();
        let user = store.upsert_user("local", "crash", "Crash").await.unwrap();
        let mut s = accepted_session();
        let id = store
            .create_session(&user, &s, &Placement::default())
            .await
            .unwrap();
        for m in MESSAGES {
            engine().send(&mut s, m).unwrap();
            store.record_turns(&id, &s).await.unwrap();
        }
        println!("{MARK} {id} {}", s.turns.len());
        // Bounded: the parent kills this process long before.
        tokio::time::sleep(std::time::Duration::from_secs(120)).await;
        std::process::exit(3);
    }

    async fn run(backend: &str, test_name: &'static str) {
        if let Ok(url) = std::env::var(CHILD_URL) {
            child(url).await;
            return;
        }
        with_db(backend, move |url| async move {
            let mut proc = tokio::process::Command::new(std::env::current_exe().unwrap())
                .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
                .env(CHILD_URL, &url)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::inherit())
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let mut lines = BufReader::new(proc.stdout.take().unwrap()).lines();
            let mut announced = None;
            while let Some(line) = lines.next_line().await.unwrap() {
                // libtest may print "test NAME ... " on the same line first.
                if let Some((_, rest)) = line.split_once(MARK) {
                    announced = Some(rest.trim().to_string());
                    break;
                }
            }
            let announced = announced.expect("the child process did not record its turns");
            proc.kill().await.unwrap(); // SIGKILL: no destructors, no checkpoint
            let status = proc.wait().await.unwrap();
            assert!(!status.success());
            let (id, n) = announced.split_once(' ').unwrap();
            let n: usize = n.parse().unwrap();

            let store = Store::connect(&url).await.unwrap();
            let open = store.open_sessions().await.unwrap();
            assert_eq!(open.len(), 1);
            assert_eq!(open[0].id, id);
            assert_eq!(store.turns(id).await.unwrap().len(), n);
            // The same conversation, uninterrupted, gives the same state.
            let mut replay = accepted_session();
            for m in MESSAGES {
                engine().send(&mut replay, m).unwrap();
            }
            assert_eq!(json(&open[0].session), json(&replay));
            // And it goes on: the next turn is recorded after the old ones.
            let mut s = open[0].session.clone();
            engine()
                .send(&mut s, "Thank you, that was really helpful.")
                .unwrap();
            assert_eq!(store.record_turns(id, &s).await.unwrap(), 1);
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run("sqlite", "killed_process::sqlite").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run("postgres", "killed_process::postgres").await;
    }
}

/// `/forget-me` on SQLite: the deleted text is gone from the database file and
/// its write-ahead log, not just unlinked (`secure_delete`, then a checkpoint).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgotten_text_does_not_stay_in_the_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forget.db");
    let store = Store::connect(&Store::sqlite_url(&path)).await.unwrap();
    let marker = "Zebracorn-Forget-Marker-9137";
    store.upsert_user("discord", "42", marker).await.unwrap();
    store
        .upsert_user("discord", "43", "someone else")
        .await
        .unwrap();
    store.forget_user("discord", "42").await.unwrap();
    for file in [path.clone(), dir.path().join("forget.db-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "{} still holds the forgotten name",
            file.display()
        );
    }
}
