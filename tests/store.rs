//! One suite of store tests, run against SQLite always and against PostgreSQL
//! when `COFFEECHAT_TEST_POSTGRES_URL` is set (each PostgreSQL test gets a fresh
//! database of its own, so tests run in parallel).

use coffeechat::classify::Classifier;
use coffeechat::engine::{Engine, Phase, Session};
use coffeechat::store::{GuildSettings, Placement, Store, StoreError};
use std::future::Future;
use std::sync::OnceLock;

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

/// A session whose request was accepted (the seed is searched, deterministically).
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

/// Runs `f` against a fresh store of the given backend.
async fn with_store<F, Fut>(backend: &str, f: F)
where
    F: FnOnce(Store, String) -> Fut,
    Fut: Future<Output = ()>,
{
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}/nested/dir/test.db", dir.path().display());
            let store = Store::connect(&url).await.unwrap();
            f(store, url).await;
        }
        _ => {
            let Ok(admin_url) = std::env::var("COFFEECHAT_TEST_POSTGRES_URL") else {
                eprintln!("skipped: COFFEECHAT_TEST_POSTGRES_URL is not set, so the PostgreSQL store test did not run");
                return;
            };
            use sqlx::Connection;
            let name = format!("cc_test_{:016x}", rand_id());
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .unwrap();
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |x| x.0);
            let url = format!("{base}/{name}");
            let store = Store::connect(&url).await.unwrap();
            f(store, url).await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    }
}

fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    h.finish()
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
    turns_survive_a_crash,
    one_open_session_per_user,
    history_scores_and_progress,
    forget_user_deletes_only_that_user,
    concurrent_writers_lose_nothing,
    hostile_text_round_trips,
    guild_settings,
);

mod cases {
    use super::*;

    pub async fn migrations_are_idempotent(_store: Store, url: String) {
        // Connecting again re-runs the migrator: nothing to apply, no error.
        let again = Store::connect(&url).await.unwrap();
        let u = again.upsert_user("local", "x", "X").await.unwrap();
        assert_eq!(again.upsert_user("local", "x", "X2").await.unwrap(), u);
    }

    pub async fn a_session_round_trips_and_continues_identically(store: Store, _url: String) {
        let user = store.upsert_user("discord", "42", "Sam").await.unwrap();
        let mut live = accepted_session();
        let id = store
            .create_session(&user, &live, &Placement::default())
            .await
            .unwrap();
        for m in &MESSAGES[..2] {
            engine().send(&mut live, m).unwrap();
            store.record_turns(&id, &live).await.unwrap();
        }
        let mut restored = store
            .open_session_for(&user)
            .await
            .unwrap()
            .unwrap()
            .session;
        for m in &MESSAGES[2..] {
            engine().send(&mut live, m).unwrap();
            engine().send(&mut restored, m).unwrap();
        }
        let replies = |s: &Session| s.turns.iter().map(|t| t.reply.clone()).collect::<Vec<_>>();
        assert_eq!(replies(&restored), replies(&live));
        assert_eq!(restored.stance, live.stance);
        assert_eq!(restored.minutes_used, live.minutes_used);
    }

    pub async fn turns_survive_a_crash(store: Store, url: String) {
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
        assert_eq!(open[0].session.turns.len(), s.turns.len());
        assert_eq!(open[0].placement, at);
        let by_thread = reopened.session_in_channel("3").await.unwrap().unwrap();
        assert_eq!(by_thread.id, id);
        let turns = reopened.turns(&id).await.unwrap();
        assert_eq!(turns.len(), s.turns.len());
        assert_eq!(turns.last().unwrap().message, MESSAGES[MESSAGES.len() - 1]);
        assert_eq!(turns[1].topic, s.turns[1].topic.as_str());
    }

    pub async fn one_open_session_per_user(store: Store, _url: String) {
        let user = store.upsert_user("discord", "1", "A").await.unwrap();
        let mut s = accepted_session();
        let id = store
            .create_session(&user, &s, &Placement::default())
            .await
            .unwrap();
        match store.create_session(&user, &s, &Placement::default()).await {
            Err(StoreError::SessionAlreadyOpen { id: open }) => assert_eq!(open, id),
            other => panic!("expected SessionAlreadyOpen, got {other:?}"),
        }
        engine().finish(&mut s).unwrap();
        let card = engine().scorecard(&s).unwrap();
        store.finish_session(&id, &s, &card).await.unwrap();
        assert!(store.open_session_for(&user).await.unwrap().is_none());
        let again = accepted_session();
        store
            .create_session(&user, &again, &Placement::default())
            .await
            .unwrap();
    }

    pub async fn history_scores_and_progress(store: Store, _url: String) {
        let user = store.upsert_user("discord", "9", "H").await.unwrap();
        let mut totals = Vec::new();
        for n in 0..3 {
            let mut s = accepted_session();
            let id = store
                .create_session(&user, &s, &Placement::default())
                .await
                .unwrap();
            for m in &MESSAGES[..n + 1] {
                engine().send(&mut s, m).unwrap();
            }
            engine().finish(&mut s).unwrap();
            let card = engine().scorecard(&s).unwrap();
            totals.push(card.total);
            store.finish_session(&id, &s, &card).await.unwrap();
            let scores = store.scores(&id).await.unwrap();
            assert_eq!(scores.len(), card.items.len());
            assert!(scores.iter().any(|(item, _, _)| item == "talk.their_story"));
            let json = store.scorecard_json(&id).await.unwrap().unwrap();
            assert!(json.contains("\"total\""));
            tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        }
        let h = store.history(&user, 10).await.unwrap();
        assert_eq!(h.len(), 3);
        assert!(h[0].started_at >= h[2].started_at, "newest first");
        assert!(h
            .iter()
            .all(|r| r.score_total.is_some() && r.phase == "done"));
        let progress: Vec<u32> = store
            .scores_over_time(&user)
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(progress, totals);
    }

    pub async fn forget_user_deletes_only_that_user(store: Store, _url: String) {
        let a = store.upsert_user("discord", "a", "A").await.unwrap();
        let b = store.upsert_user("discord", "b", "B").await.unwrap();
        for u in [&a, &b] {
            let mut s = accepted_session();
            let id = store
                .create_session(u, &s, &Placement::default())
                .await
                .unwrap();
            engine().send(&mut s, MESSAGES[1]).unwrap();
            engine().finish(&mut s).unwrap();
            let card = engine().scorecard(&s).unwrap();
            store.finish_session(&id, &s, &card).await.unwrap();
        }
        let gone = store.forget_user("discord", "a").await.unwrap();
        assert_eq!(gone.users, 1);
        assert_eq!(gone.sessions, 1);
        assert!(gone.turns >= 2 && gone.scores > 5, "{gone:?}");
        assert!(store.find_user("discord", "a").await.unwrap().is_none());
        assert!(store.history(&a, 10).await.unwrap().is_empty());
        assert_eq!(store.history(&b, 10).await.unwrap().len(), 1);
        assert_eq!(
            store.forget_user("discord", "nobody").await.unwrap().users,
            0
        );
    }

    pub async fn concurrent_writers_lose_nothing(store: Store, _url: String) {
        let mut tasks = Vec::new();
        for n in 0..6 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
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
                    engine().send(&mut s, m).unwrap();
                    store.record_turns(&id, &s).await.unwrap();
                }
                (id, s.turns.len())
            }));
        }
        for t in tasks {
            let (id, n) = t.await.unwrap();
            assert_eq!(store.turns(&id).await.unwrap().len(), n);
        }
        assert_eq!(store.open_sessions().await.unwrap().len(), 6);
    }

    pub async fn hostile_text_round_trips(store: Store, _url: String) {
        let user = store
            .upsert_user("discord", "h", "Robert'); DROP TABLE users;--")
            .await
            .unwrap();
        let mut s = accepted_session();
        let id = store
            .create_session(&user, &s, &Placement::default())
            .await
            .unwrap();
        let hostile = [
            "'); DROP TABLE sessions; --".to_string(),
            "emoji 👩‍💻 and \"quotes\" and $1 placeholders ?".to_string(),
            "x".repeat(4000),
        ];
        for m in &hostile {
            engine().send(&mut s, m).unwrap();
        }
        store.record_turns(&id, &s).await.unwrap();
        let turns = store.turns(&id).await.unwrap();
        for (m, t) in hostile.iter().zip(turns.iter().skip(1)) {
            assert_eq!(&t.message, m);
        }
        // NUL never reaches the engine's turns, but a display name may carry one.
        store.upsert_user("discord", "nul", "a\0b").await.unwrap();
        let restored = store.get_session(&id).await.unwrap().unwrap();
        assert_eq!(restored.session.turns.len(), s.turns.len());
    }

    pub async fn guild_settings(store: Store, _url: String) {
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
        let g2 = GuildSettings {
            use_threads: true,
            ..g
        };
        store.set_guild_settings(&g2).await.unwrap();
        assert_eq!(store.get_guild_settings("g").await.unwrap(), Some(g2));
    }
}
