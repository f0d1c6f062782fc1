//! Persistence with sqlx: SQLite by default (one file, zero set-up), PostgreSQL
//! for many processes. Both run the same migrations and the same code.
//!
//! One code path through `sqlx::AnyPool`: the queries are plain portable SQL with
//! `$n` placeholders (which SQLite also accepts) and only the types Any supports
//! (TEXT, BIGINT), so a second hand-written backend is not needed.
//!
//! Durability: every turn is committed, together with the whole serialised
//! engine session (RNG included), in one transaction before the caller replies.
//! SQLite runs in WAL mode with `synchronous=FULL`.
//!
//! ```no_run
//! # async fn demo(engine: &coffeechat::engine::Engine) -> Result<(), coffeechat::store::StoreError> {
//! use coffeechat::store::{Placement, Store};
//! let store = Store::connect(&Store::default_sqlite_url()).await?;
//! let user = store.upsert_user("local", "sam", "Sam").await?;
//! let mut session = engine.start("software-backend", 7).expect("scenario");
//! let id = store.create_session(&user, &session, &Placement::default()).await?;
//! engine.send(&mut session, "Dear Ms Raman, ...").expect("live session");
//! store.record_turns(&id, &session).await?;      // before replying
//! # Ok(()) }
//! ```
//!
//! Text is stored as given, except NUL characters, which PostgreSQL cannot hold
//! in TEXT: they are removed on both backends so the two behave alike.

use crate::engine::{Phase, Session};
use crate::score::Scorecard;
use rand::Rng;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::time::{SystemTime, UNIX_EPOCH};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Store errors. Messages never contain the database URL or its password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database ({backend}): {reason}; check DATABASE_URL")]
    Connect {
        backend: &'static str,
        reason: String,
    },
    #[error("database migration failed: {0}")]
    Migrate(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("stored session {0} cannot be read back: {1}")]
    Corrupt(String, String),
    #[error("you already have a practice session in progress (id {id})")]
    SessionAlreadyOpen { id: String },
    #[error("no session with id {0}")]
    NoSuchSession(String),
    #[error("unsupported database URL: use sqlite://... or postgres://...")]
    UnsupportedUrl,
}

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A user's stored id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(pub String);

/// Where a Discord session lives (all empty in the terminal).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub guild_id: Option<String>,
    pub channel_id: Option<String>,
    pub thread_id: Option<String>,
}

/// A session read back from the store.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub id: String,
    pub user_id: UserId,
    pub session: Session,
    pub placement: Placement,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub score_total: Option<u32>,
}

/// One line of `/history`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: String,
    pub scenario_id: String,
    pub phase: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub score_total: Option<u32>,
}

/// A stored turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnRow {
    pub idx: i64,
    pub phase: String,
    pub message: String,
    pub topic: String,
    pub verdict: String,
    pub reply: String,
    pub stance: String,
    pub minutes_used: i64,
}

/// A guild's settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuildSettings {
    pub guild_id: String,
    pub practice_channel_id: Option<String>,
    pub use_threads: bool,
}

/// What `forget_user` deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forgotten {
    pub sessions: u64,
    pub turns: u64,
    pub scores: u64,
    pub users: u64,
}

/// The store: a pool, shared by clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn new_id() -> String {
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

fn no_nul(s: &str) -> String {
    s.replace('\0', "")
}

fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// Makes sure the directory of an SQLite file exists, so the file can be created on first use.
fn prepare_sqlite_path(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
}

impl Store {
    /// The default database: an SQLite file in the user's data directory
    /// (`COFFEECHAT_DB` names another file).
    pub fn default_sqlite_url() -> String {
        let path = std::env::var_os("COFFEECHAT_DB")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                dirs::data_local_dir()
                    .unwrap_or_else(|| std::path::PathBuf::from("."))
                    .join("coffeechat")
                    .join("coffeechat.db")
            });
        format!("sqlite://{}?mode=rwc", path.display())
    }

    /// Connects and runs the migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            prepare_sqlite_path(&url);
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let mut opts = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            // Fail fast on an unreachable server rather than retrying for half a minute.
            .acquire_timeout(std::time::Duration::from_secs(5));
        if backend == Backend::Sqlite {
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool = opts.connect(&url).await.map_err(|e| StoreError::Connect {
            backend: backend.as_str(),
            reason: redact(&e.to_string(), &url),
        })?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migrate(redact(&e.to_string(), &url)))?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Finds or creates a user; the display name is refreshed.
    pub async fn upsert_user(
        &self,
        platform: &str,
        external_id: &str,
        display_name: &str,
    ) -> Result<UserId, StoreError> {
        let row = sqlx::query("SELECT id FROM users WHERE platform = $1 AND external_id = $2")
            .bind(platform)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(r) = row {
            let id: String = r.try_get("id")?;
            sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
                .bind(no_nul(display_name))
                .bind(&id)
                .execute(&self.pool)
                .await?;
            return Ok(UserId(id));
        }
        let id = new_id();
        let res = sqlx::query(
            "INSERT INTO users (id, platform, external_id, display_name, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(platform)
        .bind(external_id)
        .bind(no_nul(display_name))
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match res {
            Ok(_) => Ok(UserId(id)),
            // Another task inserted the same user first: use theirs.
            Err(_) => {
                let r =
                    sqlx::query("SELECT id FROM users WHERE platform = $1 AND external_id = $2")
                        .bind(platform)
                        .bind(external_id)
                        .fetch_one(&self.pool)
                        .await?;
                Ok(UserId(r.try_get("id")?))
            }
        }
    }

    /// Looks a user up without creating one.
    pub async fn find_user(
        &self,
        platform: &str,
        external_id: &str,
    ) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT id FROM users WHERE platform = $1 AND external_id = $2")
            .bind(platform)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(UserId(r.try_get("id")?)),
            None => None,
        })
    }

    /// Stores a new session (and any turns it already has). Fails with
    /// [`StoreError::SessionAlreadyOpen`] if the user has an unfinished one.
    pub async fn create_session(
        &self,
        user: &UserId,
        s: &Session,
        at: &Placement,
    ) -> Result<String, StoreError> {
        if let Some(open) = self.open_session_for(user).await? {
            return Err(StoreError::SessionAlreadyOpen { id: open.id });
        }
        let id = new_id();
        let state =
            serde_json::to_string(s).map_err(|e| StoreError::Corrupt(id.clone(), e.to_string()))?;
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let res = sqlx::query(
            "INSERT INTO sessions (id, user_id, scenario_id, seed, phase, state_json, turn_count, guild_id, channel_id, thread_id, started_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(&user.0)
        .bind(&s.scenario_id)
        .bind(s.seed as i64)
        .bind(s.phase.as_str())
        .bind(no_nul(&state))
        .bind(0i64)
        .bind(at.guild_id.clone())
        .bind(at.channel_id.clone())
        .bind(at.thread_id.clone())
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await;
        if let Err(e) = res {
            // The partial unique index caught a concurrent start.
            if let Some(open) = self.open_session_for(user).await? {
                return Err(StoreError::SessionAlreadyOpen { id: open.id });
            }
            return Err(e.into());
        }
        Self::append_turns(&mut tx, &id, s, 0).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn append_turns(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &str,
        s: &Session,
        from: usize,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        for (i, t) in s.turns.iter().enumerate().skip(from) {
            sqlx::query(
                "INSERT INTO turns (session_id, idx, phase, message, topic, verdict, reply, stance, minutes_used, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(t.phase.as_str())
            .bind(no_nul(&t.message))
            .bind(t.topic.as_str())
            .bind(t.verdict.as_str())
            .bind(no_nul(&t.reply))
            .bind(t.stance.as_str())
            .bind(i64::from(t.minutes_used))
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        let state = serde_json::to_string(s)
            .map_err(|e| StoreError::Corrupt(id.to_string(), e.to_string()))?;
        sqlx::query("UPDATE sessions SET state_json = $1, phase = $2, turn_count = $3, updated_at = $4 WHERE id = $5")
            .bind(no_nul(&state))
            .bind(s.phase.as_str())
            .bind(s.turns.len() as i64)
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Appends the turns not stored yet and saves the whole state, in one
    /// transaction. Call it before replying to the student.
    pub async fn record_turns(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let stored = Self::lock_session(&mut tx, id).await?;
        Self::append_turns(&mut tx, id, s, stored).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a write transaction on a session with a write, so SQLite takes its
    /// write lock first (waiting for other writers) instead of failing to upgrade
    /// a read; returns the number of turns already stored.
    async fn lock_session(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &str,
    ) -> Result<usize, StoreError> {
        let touched = sqlx::query("UPDATE sessions SET updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if touched == 0 {
            return Err(StoreError::NoSuchSession(id.to_string()));
        }
        let row = sqlx::query("SELECT turn_count FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        let stored: i64 = row.try_get("turn_count")?;
        Ok(stored.max(0) as usize)
    }

    /// Saves the state without new turns (e.g. after `/end`).
    pub async fn save_state(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        self.record_turns(id, s).await
    }

    /// Marks a session finished with its scorecard and per-item scores.
    pub async fn finish_session(
        &self,
        id: &str,
        s: &Session,
        card: &Scorecard,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let stored = Self::lock_session(&mut tx, id).await?;
        Self::append_turns(&mut tx, id, s, stored).await?;
        sqlx::query("DELETE FROM scores WHERE session_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for item in &card.items {
            sqlx::query("INSERT INTO scores (session_id, item_id, points, max_points) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(&item.id)
                .bind(i64::from(item.points))
                .bind(i64::from(item.max))
                .execute(&mut *tx)
                .await?;
        }
        let card_json = serde_json::to_string(card)
            .map_err(|e| StoreError::Corrupt(id.to_string(), e.to_string()))?;
        sqlx::query("UPDATE sessions SET score_total = $1, scorecard_json = $2, finished_at = $3, phase = $4 WHERE id = $5")
            .bind(i64::from(card.total))
            .bind(no_nul(&card_json))
            .bind(now_ms())
            .bind(Phase::Done.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a session without a score (the student abandoned it).
    pub async fn abandon_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET finished_at = $1 WHERE id = $2 AND finished_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    fn stored(row: &AnyRow) -> Result<StoredSession, StoreError> {
        let id: String = row.try_get("id")?;
        let state: String = row.try_get("state_json")?;
        let session: Session = serde_json::from_str(&state)
            .map_err(|e| StoreError::Corrupt(id.clone(), e.to_string()))?;
        let total: Option<i64> = row.try_get("score_total")?;
        Ok(StoredSession {
            user_id: UserId(row.try_get("user_id")?),
            session,
            placement: Placement {
                guild_id: row.try_get("guild_id")?,
                channel_id: row.try_get("channel_id")?,
                thread_id: row.try_get("thread_id")?,
            },
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            score_total: total.map(|t| t.clamp(0, 100) as u32),
            id,
        })
    }

    const SESSION_COLS: &'static str = "id, user_id, state_json, score_total, guild_id, channel_id, thread_id, started_at, finished_at";

    /// The user's unfinished session, if any.
    pub async fn open_session_for(
        &self,
        user: &UserId,
    ) -> Result<Option<StoredSession>, StoreError> {
        let q = format!(
            "SELECT {} FROM sessions WHERE user_id = $1 AND finished_at IS NULL",
            Self::SESSION_COLS
        );
        let row = sqlx::query(&q)
            .bind(&user.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::stored).transpose()
    }

    /// Any session by id.
    pub async fn get_session(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let q = format!("SELECT {} FROM sessions WHERE id = $1", Self::SESSION_COLS);
        let row = sqlx::query(&q).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(Self::stored).transpose()
    }

    /// The unfinished session living in a Discord channel or thread.
    pub async fn session_in_channel(
        &self,
        channel_id: &str,
    ) -> Result<Option<StoredSession>, StoreError> {
        let q = format!(
            "SELECT {} FROM sessions WHERE (thread_id = $1 OR channel_id = $2) AND finished_at IS NULL",
            Self::SESSION_COLS
        );
        let row = sqlx::query(&q)
            .bind(channel_id)
            .bind(channel_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::stored).transpose()
    }

    /// Every unfinished session (to resume after a restart).
    pub async fn open_sessions(&self) -> Result<Vec<StoredSession>, StoreError> {
        let q = format!(
            "SELECT {} FROM sessions WHERE finished_at IS NULL ORDER BY started_at",
            Self::SESSION_COLS
        );
        let rows = sqlx::query(&q).fetch_all(&self.pool).await?;
        rows.iter().map(Self::stored).collect()
    }

    /// The user's sessions, newest first.
    pub async fn history(&self, user: &UserId, limit: u32) -> Result<Vec<HistoryRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, scenario_id, phase, started_at, finished_at, score_total FROM sessions \
             WHERE user_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        )
        .bind(&user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let total: Option<i64> = r.try_get("score_total")?;
                Ok(HistoryRow {
                    id: r.try_get("id")?,
                    scenario_id: r.try_get("scenario_id")?,
                    phase: r.try_get("phase")?,
                    started_at: r.try_get("started_at")?,
                    finished_at: r.try_get("finished_at")?,
                    score_total: total.map(|t| t.clamp(0, 100) as u32),
                })
            })
            .collect()
    }

    /// Finished scores, oldest first, for the progress chart.
    pub async fn scores_over_time(&self, user: &UserId) -> Result<Vec<(i64, u32)>, StoreError> {
        let rows = sqlx::query(
            "SELECT finished_at, score_total FROM sessions WHERE user_id = $1 AND score_total IS NOT NULL \
             ORDER BY finished_at ASC",
        )
        .bind(&user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let at: Option<i64> = r.try_get("finished_at")?;
                let t: i64 = r.try_get("score_total")?;
                Ok((at.unwrap_or(0), t.clamp(0, 100) as u32))
            })
            .collect()
    }

    /// The stored scorecard JSON of a finished session.
    pub async fn scorecard_json(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT scorecard_json FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => r.try_get("scorecard_json")?,
            None => None,
        })
    }

    /// A session's stored turns, in order.
    pub async fn turns(&self, session_id: &str) -> Result<Vec<TurnRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT idx, phase, message, topic, verdict, reply, stance, minutes_used FROM turns \
             WHERE session_id = $1 ORDER BY idx",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TurnRow {
                    idx: r.try_get("idx")?,
                    phase: r.try_get("phase")?,
                    message: r.try_get("message")?,
                    topic: r.try_get("topic")?,
                    verdict: r.try_get("verdict")?,
                    reply: r.try_get("reply")?,
                    stance: r.try_get("stance")?,
                    minutes_used: r.try_get("minutes_used")?,
                })
            })
            .collect()
    }

    /// Per-item scores of a finished session.
    pub async fn scores(&self, session_id: &str) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT item_id, points, max_points FROM scores WHERE session_id = $1 ORDER BY item_id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("item_id")?,
                    r.try_get("points")?,
                    r.try_get("max_points")?,
                ))
            })
            .collect()
    }

    pub async fn set_guild_settings(&self, g: &GuildSettings) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM guild_settings WHERE guild_id = $1")
            .bind(&g.guild_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO guild_settings (guild_id, practice_channel_id, use_threads, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(&g.guild_id)
            .bind(g.practice_channel_id.clone())
            .bind(i64::from(g.use_threads))
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn get_guild_settings(
        &self,
        guild_id: &str,
    ) -> Result<Option<GuildSettings>, StoreError> {
        let row = sqlx::query("SELECT guild_id, practice_channel_id, use_threads FROM guild_settings WHERE guild_id = $1")
            .bind(guild_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => {
                let t: i64 = r.try_get("use_threads")?;
                Some(GuildSettings {
                    guild_id: r.try_get("guild_id")?,
                    practice_channel_id: r.try_get("practice_channel_id")?,
                    use_threads: t != 0,
                })
            }
            None => None,
        })
    }

    /// Deletes everything stored about a user.
    pub async fn forget_user(
        &self,
        platform: &str,
        external_id: &str,
    ) -> Result<Forgotten, StoreError> {
        let Some(user) = self.find_user(platform, external_id).await? else {
            return Ok(Forgotten::default());
        };
        let mut tx = self.pool.begin().await?;
        let sub = "SELECT id FROM sessions WHERE user_id = $1";
        let turns = sqlx::query(&format!("DELETE FROM turns WHERE session_id IN ({sub})"))
            .bind(&user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let scores = sqlx::query(&format!("DELETE FROM scores WHERE session_id IN ({sub})"))
            .bind(&user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let users = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(&user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(Forgotten {
            sessions,
            turns,
            scores,
            users,
        })
    }
}

/// Removes the URL (and so any password in it) from an error message.
fn redact(msg: &str, url: &str) -> String {
    let mut m = msg.replace(url, "<database url>");
    if let Some((_, rest)) = url.split_once("://") {
        if let Some((cred, _)) = rest.split_once('@') {
            if let Some((_, pw)) = cred.split_once(':') {
                if !pw.is_empty() {
                    m = m.replace(pw, "***");
                }
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_passwords() {
        let url = "postgres://bob:s3cret@db:5432/x";
        let m = redact(
            "failed to connect to postgres://bob:s3cret@db:5432/x: password s3cret rejected",
            url,
        );
        assert!(!m.contains("s3cret"), "{m}");
    }

    #[test]
    fn backends_from_urls() {
        assert_eq!(backend_of("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            backend_of("postgresql://h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(backend_of("mysql://h/db").is_err());
    }
}
