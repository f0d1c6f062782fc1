//! Persistence with sqlx: SQLite by default (one file, nothing to set up),
//! PostgreSQL for a bot that many processes share. Both run the same migrations
//! (`migrations/`, embedded with `sqlx::migrate!`) and the same code.
//!
//! What it owns: users (platform + external id), guild settings, sessions (the
//! whole serialised engine [`Session`], RNG state included), their turns,
//! per-item scores, and the outbox of replies not posted yet. What it must not
//! do: know Discord, or the engine's rules; it stores what the engine and the
//! front end produced and gives it back unchanged.
//!
//! # One code path: `sqlx::AnyPool`
//!
//! The alternative was an enum of a `SqlitePool` and a `PgPool` with every query
//! written twice (or behind a macro). The store's needs fit inside what the Any
//! driver carries (TEXT, BIGINT, NULL; no JSON, bool or timestamp columns), and
//! `$n` placeholders, `ON CONFLICT`, `RETURNING` and partial indexes mean the same
//! on both databases, so one set of queries and one migration set serve both and
//! the test suite exercises exactly the code that runs in production, whichever
//! backend. The price: values are converted at the edges (`u32` totals, `bool`
//! flags as 0/1, ids as text), and backend-specific tuning happens only in
//! [`Store::connect`] (SQLite pragmas).
//!
//! # Durability
//!
//! "Every turn is committed before the reply is sent": [`Store::record_turns`]
//! appends the new turn rows and saves the whole engine state in ONE transaction,
//! so after a crash the open session resumes with the same phase, clock, stance
//! and RNG state. SQLite runs in WAL mode with `synchronous=FULL` (a committed
//! turn survives power loss, not only a process crash), foreign keys on and a
//! busy timeout, so concurrent writers wait instead of failing.
//!
//! A front end that shows a reply (the Discord bot) queues it with the turn it
//! answers, in the same transaction ([`Store::record_turns_with_reply`],
//! [`Store::finish_session_with_reply`], [`Store::abandon_session_with_reply`]):
//! the outbox. It removes the row once the reply is posted
//! ([`Store::reply_posted`]), and after a stop or a crash finds what is left
//! with [`Store::all_replies_waiting`]. A row carries an opaque body and a key
//! (`nonce`) the front end uses to post it at most once.
//!
//! A write to a session first checks that the caller's copy continues what is
//! stored (no fewer turns; the last stored turn matches), so a stale copy (two
//! messages racing in one thread) gets [`StoreError::Conflict`] instead of
//! silently overwriting the newer state; a finished session refuses writes with
//! [`StoreError::SessionFinished`].
//!
//! # Text
//!
//! Text is stored exactly as given, except NUL characters: PostgreSQL cannot hold
//! them in TEXT, so they are removed from every text value on both backends alike.
//! The serialised engine state is JSON, which escapes NUL as `\u0000`, so the
//! restored [`Session`] is always exact.
//!
//! # Example
//!
//! ```no_run
//! # async fn demo(engine: &coffeechat::engine::Engine) -> Result<(), Box<dyn std::error::Error>> {
//! use coffeechat::store::{Placement, Store, StoreError};
//!
//! let store = Store::connect(&Store::default_sqlite_url()).await?; // runs migrations
//! let user = store.upsert_user("local", "sam", "Sam").await?;
//!
//! // Resume the open session if there is one, or start a new one.
//! let (id, mut session) = match store.open_session_for(&user).await? {
//!     Some(open) => (open.id, open.session),
//!     None => {
//!         let session = engine.start("software-backend", 7)?;
//!         match store.create_session(&user, &session, &Placement::default()).await {
//!             Ok(id) => (id, session),
//!             // Another process started one in between: offer to resume or end it.
//!             Err(StoreError::SessionAlreadyOpen { id }) => return Err(format!("open: {id}").into()),
//!             Err(e) => return Err(e.into()),
//!         }
//!     }
//! };
//!
//! engine.send(&mut session, "Dear Ms Raman, ...")?;
//! store.record_turns(&id, &session).await?; // commit BEFORE showing the reply
//!
//! engine.finish(&mut session)?;
//! let card = engine.scorecard(&session)?;
//! store.finish_session(&id, &session, &card).await?;
//! for row in store.history(&user, 10).await? {
//!     println!("{} {} {:?}", row.started_at, row.scenario_id, row.score_total);
//! }
//! # Ok(()) }
//! ```

use crate::engine::{Phase, Session};
use crate::score::Scorecard;
use rand::Rng;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Store errors. Messages never contain the database URL or its password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or reached.
    #[error("cannot open the database ({backend}): {reason}; check the database URL")]
    Connect {
        backend: &'static str,
        reason: String,
    },
    /// A migration failed (or a released migration file was edited).
    #[error("database migration failed: {0}")]
    Migrate(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A stored session's JSON cannot be turned back into an engine session
    /// (or a session could not be serialised); the first field is the session id.
    #[error("stored session {0} cannot be read back: {1}")]
    Corrupt(String, String),
    /// The user already has an unfinished session; `id` is that session, so the
    /// caller can offer to resume or end it.
    #[error("you already have a practice session in progress (id {id})")]
    SessionAlreadyOpen { id: SessionId },
    /// No session has this id.
    #[error("no session with id {0}")]
    NoSuchSession(SessionId),
    /// The session was finished or abandoned; it takes no more turns.
    #[error("session {0} has already ended")]
    SessionFinished(SessionId),
    /// The caller's copy of the session does not continue the stored one (it is
    /// older, or another writer moved the session on); reload it and retry.
    #[error("session {0} was changed elsewhere; reload it and try again")]
    Conflict(SessionId),
    /// The URL names neither SQLite nor PostgreSQL.
    #[error("unsupported database URL: use sqlite://... or postgres://...")]
    UnsupportedUrl,
}

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// `"sqlite"` or `"postgres"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A user's stored id (random, 16 hex digits; not the platform's id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(pub String);

/// A session's stored id (random, 16 hex digits).
pub type SessionId = String;

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// `discord`, `local`, ...
    pub platform: String,
    /// The id on that platform (a Discord user id, an OS user name).
    pub external_id: String,
    pub display_name: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Where a Discord session lives (all `None` in the terminal).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub guild_id: Option<String>,
    pub channel_id: Option<String>,
    pub thread_id: Option<String>,
}

/// A session read back from the store, with the engine state restored.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub id: SessionId,
    pub user_id: UserId,
    /// The engine session exactly as last saved (phase, clock, stance, RNG).
    pub session: Session,
    pub placement: Placement,
    /// Unix milliseconds.
    pub started_at: i64,
    /// Unix milliseconds of the last write.
    pub updated_at: i64,
    /// Unix milliseconds; `None` while the session is open.
    pub finished_at: Option<i64>,
    /// `None` while open, and for abandoned sessions.
    pub score_total: Option<u32>,
}

/// One line of a user's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: SessionId,
    pub scenario_id: String,
    /// The engine phase last saved (`request`, `conversation`, `follow_up`, `done`).
    pub phase: String,
    /// Unix milliseconds.
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub score_total: Option<u32>,
    /// Turns stored for the session.
    pub turns: u32,
}

impl HistoryRow {
    /// Ended without a score (the student gave up, or ended before the request).
    pub fn abandoned(&self) -> bool {
        self.finished_at.is_some() && self.score_total.is_none()
    }
}

/// A stored turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnRow {
    /// 0-based position in the session.
    pub idx: i64,
    pub phase: String,
    pub message: String,
    pub topic: String,
    pub verdict: String,
    pub reply: String,
    pub stance: String,
    /// Minutes on the meeting clock after this turn.
    pub minutes_used: i64,
    /// Unix milliseconds when the turn was committed.
    pub created_at: i64,
}

/// One guide item's score in a finished session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRow {
    /// Advice item id, e.g. `talk.no_job`.
    pub item_id: String,
    pub points: i64,
    pub max: i64,
}

/// A guild's settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuildSettings {
    pub guild_id: String,
    /// The channel where `/practice` is meant to be used, if one was chosen.
    pub practice_channel_id: Option<String>,
    /// `true`: practise in private threads; `false`: move to the student's DMs.
    pub use_threads: bool,
}

/// A reply to post after a write, queued in the same transaction (the outbox).
///
/// The store keeps it as given: what it holds is the front end's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply {
    /// Where it is to be posted (a channel or thread id).
    pub channel_id: String,
    /// What to show, as the front end serialised it.
    pub body: String,
    /// The front end's key for posting it at most once (on Discord, the message nonce).
    pub nonce: String,
}

/// A queued reply that is not (wholly) posted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReply {
    pub id: String,
    pub session_id: SessionId,
    /// Its place among the session's replies: 1, 2, ... in the order they were queued.
    pub seq: i64,
    pub channel_id: String,
    pub body: String,
    pub nonce: String,
    /// How many of the reply's messages are already posted.
    pub parts_sent: u32,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// What [`Store::forget_user`] deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forgotten {
    pub sessions: u64,
    pub turns: u64,
    pub scores: u64,
    /// Replies that were still waiting to be posted.
    pub replies: u64,
    /// 1 if the user existed, else 0.
    pub users: u64,
}

/// What [`Store::info`] reports about the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreInfo {
    pub backend: Backend,
    /// Migrations applied successfully.
    pub migrations_applied: i64,
    /// Migrations this build embeds.
    pub migrations_known: usize,
    /// SQLite only: `journal_mode` (`wal`).
    pub sqlite_journal_mode: Option<String>,
    /// SQLite only: `synchronous` (2 = FULL).
    pub sqlite_synchronous: Option<i64>,
    /// SQLite only: whether foreign keys are enforced.
    pub sqlite_foreign_keys: Option<bool>,
}

/// The store: a connection pool, cheap to clone and share between tasks.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn new_id() -> String {
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

/// PostgreSQL TEXT cannot hold NUL, so it is removed everywhere, on both backends.
fn no_nul(s: &str) -> String {
    s.replace('\0', "")
}

fn opt_no_nul(s: &Option<String>) -> Option<String> {
    s.as_deref().map(no_nul)
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
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

/// Decodes `%XX` escapes (as sqlx does for SQLite file names); a `%` not
/// followed by two hex digits stays as it is.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |i: usize| b.get(i).and_then(|c| (*c as char).to_digit(16));
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file an SQLite URL names (`None` for in-memory databases).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(percent_decode(path)))
}

/// Makes sure the directory of an SQLite file exists, so the file can be created on first use.
fn prepare_sqlite_path(url: &str) {
    let Some(path) = sqlite_file(url) else {
        return;
    };
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                // Connecting will fail with its own error; say why here.
                tracing::warn!(error = %e, "cannot create the database directory");
            }
        }
    }
}

impl Store {
    /// The URL of an SQLite file at `path` (created with its directories on
    /// first use). Characters that URLs reserve (`%`, `?`, `#`, space) are
    /// escaped, so any path works.
    pub fn sqlite_url(path: &Path) -> String {
        let mut s = String::from("sqlite://");
        for c in path.to_string_lossy().chars() {
            match c {
                '%' => s.push_str("%25"),
                '?' => s.push_str("%3F"),
                '#' => s.push_str("%23"),
                ' ' => s.push_str("%20"),
                c => s.push(c),
            }
        }
        s.push_str("?mode=rwc");
        s
    }

    /// The default database: `<data dir>/coffeechat/coffeechat.db` (the `dirs`
    /// crate's local data directory, e.g. `~/.local/share` on Linux), or the
    /// file named by `COFFEECHAT_DB` when that is set.
    pub fn default_sqlite_url() -> String {
        let path = std::env::var_os("COFFEECHAT_DB")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                dirs::data_local_dir()
                    .unwrap_or_else(|| PathBuf::from("."))
                    .join("coffeechat")
                    .join("coffeechat.db")
            });
        Self::sqlite_url(&path)
    }

    /// Connects and runs the migrations (a no-op when they are all applied).
    ///
    /// `url` is `sqlite://path/to/file.db` (the file and its directories are
    /// created if missing; `?mode=rwc` is implied) or `postgres://user@host/db`.
    /// Errors never repeat the URL or its password.
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
            .acquire_timeout(Duration::from_secs(5));
        if backend == Backend::Sqlite {
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    // Switching to WAL needs an exclusive lock that a busy timeout
                    // does not wait for, so only switch when the file is not WAL yet.
                    let mode: String = sqlx::query("PRAGMA journal_mode")
                        .fetch_one(&mut *conn)
                        .await?
                        .try_get(0)?;
                    if !mode.eq_ignore_ascii_case("wal") {
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                    }
                    for pragma in [
                        // Deleted rows are overwritten, so `/forget-me` leaves no text in the file.
                        "PRAGMA secure_delete = ON",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 10000",
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
        tracing::info!(backend = backend.as_str(), "database ready");
        Ok(Store { pool, backend })
    }

    /// Which database this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Reports migrations and (SQLite) the durability settings in force.
    pub async fn info(&self) -> Result<StoreInfo, StoreError> {
        let applied: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success = $1")
                .bind(true)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
        let mut info = StoreInfo {
            backend: self.backend,
            migrations_applied: applied,
            migrations_known: MIGRATOR.iter().count(),
            sqlite_journal_mode: None,
            sqlite_synchronous: None,
            sqlite_foreign_keys: None,
        };
        if self.backend == Backend::Sqlite {
            let mut conn = self.pool.acquire().await?;
            let mode: String = sqlx::query("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            let sync: i64 = sqlx::query("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            let fk: i64 = sqlx::query("PRAGMA foreign_keys")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            info.sqlite_journal_mode = Some(mode.to_ascii_lowercase());
            info.sqlite_synchronous = Some(sync);
            info.sqlite_foreign_keys = Some(fk != 0);
        }
        Ok(info)
    }

    /// Finds or creates the user `platform` + `external_id` (e.g. `discord` +
    /// a user id, `local` + an OS user name) and refreshes the display name.
    /// Safe to call from many tasks at once: they all get the same id.
    pub async fn upsert_user(
        &self,
        platform: &str,
        external_id: &str,
        display_name: &str,
    ) -> Result<UserId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO users (id, platform, external_id, display_name, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (platform, external_id) DO UPDATE SET display_name = excluded.display_name \
             RETURNING id",
        )
        .bind(new_id())
        .bind(no_nul(platform))
        .bind(no_nul(external_id))
        .bind(no_nul(display_name))
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(UserId(row.try_get("id")?))
    }

    /// Looks a user up without creating one.
    pub async fn find_user(
        &self,
        platform: &str,
        external_id: &str,
    ) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT id FROM users WHERE platform = $1 AND external_id = $2")
            .bind(no_nul(platform))
            .bind(no_nul(external_id))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(UserId(r.try_get("id")?))).transpose()
    }

    /// A stored user by id.
    pub async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT id, platform, external_id, display_name, created_at FROM users WHERE id = $1",
        )
        .bind(&id.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(User {
                id: UserId(r.try_get("id")?),
                platform: r.try_get("platform")?,
                external_id: r.try_get("external_id")?,
                display_name: r.try_get("display_name")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }

    /// The id of the user's unfinished session, without reading its state.
    async fn open_session_id(&self, user: &UserId) -> Result<Option<SessionId>, StoreError> {
        let row = sqlx::query("SELECT id FROM sessions WHERE user_id = $1 AND finished_at IS NULL")
            .bind(&user.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("id")?)).transpose()
    }

    /// Stores a new session for `user` (with any turns it already has) and
    /// returns its id.
    ///
    /// Fails with [`StoreError::SessionAlreadyOpen`] (naming the open session)
    /// if the user has an unfinished one; a partial unique index enforces this
    /// even when two processes start a session at the same moment.
    pub async fn create_session(
        &self,
        user: &UserId,
        s: &Session,
        at: &Placement,
    ) -> Result<SessionId, StoreError> {
        if let Some(id) = self.open_session_id(user).await? {
            return Err(StoreError::SessionAlreadyOpen { id });
        }
        let id = new_id();
        let state = state_json(&id, s)?;
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let res = sqlx::query(
            "INSERT INTO sessions (id, user_id, scenario_id, seed, phase, state_json, turn_count, \
             guild_id, channel_id, thread_id, started_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(&user.0)
        .bind(no_nul(&s.scenario_id))
        // The seed is kept in full in the state JSON; this column (two's
        // complement for seeds above i64::MAX) is for looking at.
        .bind(s.seed as i64)
        .bind(s.phase.as_str())
        .bind(state)
        .bind(0i64)
        .bind(opt_no_nul(&at.guild_id))
        .bind(opt_no_nul(&at.channel_id))
        .bind(opt_no_nul(&at.thread_id))
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await;
        if let Err(e) = res {
            drop(tx);
            // The partial unique index caught a concurrent start.
            if let Some(open) = self.open_session_id(user).await? {
                return Err(StoreError::SessionAlreadyOpen { id: open });
            }
            return Err(e.into());
        }
        Self::append_turns(&mut tx, &id, s, 0, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn append_turns(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &str,
        s: &Session,
        from: usize,
        now: i64,
    ) -> Result<usize, StoreError> {
        for (i, t) in s.turns.iter().enumerate().skip(from) {
            sqlx::query(
                "INSERT INTO turns (session_id, idx, phase, message, topic, verdict, reply, stance, \
                 minutes_used, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
        sqlx::query(
            "UPDATE sessions SET state_json = $1, phase = $2, turn_count = $3, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(state_json(id, s)?)
        .bind(s.phase.as_str())
        .bind(s.turns.len() as i64)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(s.turns.len().saturating_sub(from))
    }

    /// Opens a write on a session and checks that `s` continues what is stored;
    /// returns the number of turns already stored.
    ///
    /// The first statement is a write, so SQLite takes its write lock at once
    /// (waiting for other writers) instead of failing to upgrade a read lock.
    async fn lock_session(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &str,
        s: &Session,
        now: i64,
    ) -> Result<usize, StoreError> {
        let touched = sqlx::query("UPDATE sessions SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if touched == 0 {
            return Err(StoreError::NoSuchSession(id.to_string()));
        }
        let row = sqlx::query("SELECT turn_count, finished_at FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        let finished: Option<i64> = row.try_get("finished_at")?;
        if finished.is_some() {
            return Err(StoreError::SessionFinished(id.to_string()));
        }
        let stored = usize::try_from(row.try_get::<i64, _>("turn_count")?.max(0)).unwrap_or(0);
        if stored > s.turns.len() {
            return Err(StoreError::Conflict(id.to_string()));
        }
        if let Some(last) = stored.checked_sub(1).and_then(|i| s.turns.get(i)) {
            let row =
                sqlx::query("SELECT message, reply FROM turns WHERE session_id = $1 AND idx = $2")
                    .bind(id)
                    .bind((stored - 1) as i64)
                    .fetch_optional(&mut **tx)
                    .await?;
            let same = match row {
                Some(r) => {
                    let message: String = r.try_get("message")?;
                    let reply: String = r.try_get("reply")?;
                    message == no_nul(&last.message) && reply == no_nul(&last.reply)
                }
                None => false,
            };
            if !same {
                return Err(StoreError::Conflict(id.to_string()));
            }
        }
        Ok(stored)
    }

    /// Appends the turns of `s` not stored yet (those past the stored count)
    /// and saves the whole engine state (phase, clock, stance, RNG), in one
    /// transaction; returns how many turns were appended. Call it after each
    /// engine step and before replying to the student.
    ///
    /// Fails with [`StoreError::NoSuchSession`], [`StoreError::SessionFinished`],
    /// or [`StoreError::Conflict`] when `s` does not continue the stored session.
    pub async fn record_turns(&self, id: &str, s: &Session) -> Result<usize, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let stored = Self::lock_session(&mut tx, id, s, now).await?;
        let added = Self::append_turns(&mut tx, id, s, stored, now).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// [`Store::record_turns`], and queues the reply to the new turns in the
    /// outbox in the same transaction: if the process stops before the reply
    /// is posted, it is still there to post ([`Store::all_replies_waiting`]).
    /// Remove it with [`Store::reply_posted`] once it is posted.
    pub async fn record_turns_with_reply(
        &self,
        id: &str,
        s: &Session,
        reply: &NewReply,
    ) -> Result<PendingReply, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let stored = Self::lock_session(&mut tx, id, s, now).await?;
        Self::append_turns(&mut tx, id, s, stored, now).await?;
        let queued = Self::queue_reply(&mut tx, id, reply, now).await?;
        tx.commit().await?;
        Ok(queued)
    }

    /// Saves the engine state after a step that added no turn (e.g. the
    /// conversation was ended). The same as [`Store::record_turns`], which
    /// also stores any new turns, so nothing is lost if there were some.
    pub async fn save_state(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        self.record_turns(id, s).await.map(|_| ())
    }

    /// Ends a session with its score: stores any remaining turns and the final
    /// state, one row per guide item, the total and the scorecard JSON, and
    /// `finished_at`, in one transaction. The user may then start a new session.
    pub async fn finish_session(
        &self,
        id: &str,
        s: &Session,
        card: &Scorecard,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        Self::finish_in(&mut tx, id, s, card, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// [`Store::finish_session`], and queues the reply that shows its end in
    /// the same transaction (see [`Store::record_turns_with_reply`]).
    pub async fn finish_session_with_reply(
        &self,
        id: &str,
        s: &Session,
        card: &Scorecard,
        reply: &NewReply,
    ) -> Result<PendingReply, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        Self::finish_in(&mut tx, id, s, card, now).await?;
        let queued = Self::queue_reply(&mut tx, id, reply, now).await?;
        tx.commit().await?;
        Ok(queued)
    }

    async fn finish_in(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &str,
        s: &Session,
        card: &Scorecard,
        now: i64,
    ) -> Result<(), StoreError> {
        let card_json = serde_json::to_string(card)
            .map_err(|e| StoreError::Corrupt(id.to_string(), e.to_string()))?;
        let stored = Self::lock_session(tx, id, s, now).await?;
        Self::append_turns(tx, id, s, stored, now).await?;
        sqlx::query("DELETE FROM scores WHERE session_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for item in &card.items {
            sqlx::query(
                "INSERT INTO scores (session_id, item_id, points, max_points) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(no_nul(&item.id))
            .bind(i64::from(item.points))
            .bind(i64::from(item.max))
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query(
            "UPDATE sessions SET score_total = $1, scorecard_json = $2, finished_at = $3, phase = $4 \
             WHERE id = $5",
        )
        .bind(i64::from(card.total))
        .bind(no_nul(&card_json))
        .bind(now)
        .bind(Phase::Done.as_str())
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Closes an open session without a score: the student walked away from
    /// it. Its turns stay for history; replies of it still waiting to be
    /// posted are dropped (nobody is reading that practice any more). Returns
    /// `false` if there was no open session with this id (nothing changes then).
    pub async fn abandon_session(&self, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !Self::close_in(&mut tx, id, now_ms()).await? {
            return Ok(false);
        }
        sqlx::query("DELETE FROM outbox WHERE session_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Closes an open session without a score as the result of a step (the
    /// engine ended it, e.g. before a request was sent) and queues the reply
    /// that says so, after any replies still waiting. `None` if there was no
    /// open session with this id (nothing is queued then).
    pub async fn abandon_session_with_reply(
        &self,
        id: &str,
        reply: &NewReply,
    ) -> Result<Option<PendingReply>, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        if !Self::close_in(&mut tx, id, now).await? {
            return Ok(None);
        }
        let queued = Self::queue_reply(&mut tx, id, reply, now).await?;
        tx.commit().await?;
        Ok(Some(queued))
    }

    async fn close_in(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE sessions SET finished_at = $1, updated_at = $1 WHERE id = $2 AND finished_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    // ---- the outbox -------------------------------------------------------

    /// Queues `reply` after the session's other waiting replies, inside `tx`.
    async fn queue_reply(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        session_id: &str,
        reply: &NewReply,
        now: i64,
    ) -> Result<PendingReply, StoreError> {
        let seq: i64 = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM outbox WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("next")?;
        let queued = PendingReply {
            id: new_id(),
            session_id: session_id.to_string(),
            seq,
            channel_id: no_nul(&reply.channel_id),
            body: no_nul(&reply.body),
            nonce: no_nul(&reply.nonce),
            parts_sent: 0,
            created_at: now,
        };
        sqlx::query(
            "INSERT INTO outbox (id, session_id, seq, channel_id, body, nonce, parts_sent, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&queued.id)
        .bind(&queued.session_id)
        .bind(queued.seq)
        .bind(&queued.channel_id)
        .bind(&queued.body)
        .bind(&queued.nonce)
        .bind(0i64)
        .bind(queued.created_at)
        .execute(&mut **tx)
        .await?;
        Ok(queued)
    }

    const REPLY_COLS: &'static str =
        "id, session_id, seq, channel_id, body, nonce, parts_sent, created_at";

    fn pending(row: &AnyRow) -> Result<PendingReply, StoreError> {
        Ok(PendingReply {
            id: row.try_get("id")?,
            session_id: row.try_get("session_id")?,
            seq: row.try_get("seq")?,
            channel_id: row.try_get("channel_id")?,
            body: row.try_get("body")?,
            nonce: row.try_get("nonce")?,
            parts_sent: to_u32(row.try_get("parts_sent")?),
            created_at: row.try_get("created_at")?,
        })
    }

    /// The session's replies still waiting to be posted, in the order they were queued.
    pub async fn replies_waiting(&self, session_id: &str) -> Result<Vec<PendingReply>, StoreError> {
        let q = format!(
            "SELECT {} FROM outbox WHERE session_id = $1 ORDER BY seq",
            Self::REPLY_COLS
        );
        let rows = sqlx::query(&q)
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(Self::pending).collect()
    }

    /// Every reply still waiting, oldest first (each session's in its order),
    /// for a front end that starts again after a stop or a crash.
    pub async fn all_replies_waiting(&self) -> Result<Vec<PendingReply>, StoreError> {
        let q = format!(
            "SELECT {} FROM outbox ORDER BY created_at, session_id, seq",
            Self::REPLY_COLS
        );
        let rows = sqlx::query(&q).fetch_all(&self.pool).await?;
        rows.iter().map(Self::pending).collect()
    }

    /// Records that the first `parts_sent` messages of a reply are posted
    /// (never moves backwards). `false` if the reply is no longer waiting.
    pub async fn reply_progress(&self, id: &str, parts_sent: u32) -> Result<bool, StoreError> {
        let n = sqlx::query("UPDATE outbox SET parts_sent = $1 WHERE id = $2 AND parts_sent <= $1")
            .bind(i64::from(parts_sent))
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if n == 1 {
            return Ok(true);
        }
        let still = sqlx::query("SELECT id FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(still.is_some())
    }

    /// Removes a reply that is posted. `false` if it was already gone.
    pub async fn reply_posted(&self, id: &str) -> Result<bool, StoreError> {
        let n = sqlx::query("DELETE FROM outbox WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Drops every reply of the session still waiting (it can no longer be
    /// posted, e.g. its channel is gone); returns how many went.
    pub async fn drop_replies(&self, session_id: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM outbox WHERE session_id = $1")
            .bind(session_id)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Drops replies queued more than `age` ago (too old to be worth posting;
    /// the turns they answer stay, reply text included); returns how many went.
    pub async fn drop_replies_older_than(&self, age: Duration) -> Result<u64, StoreError> {
        let age = i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
        Ok(sqlx::query("DELETE FROM outbox WHERE created_at < $1")
            .bind(now_ms().saturating_sub(age))
            .execute(&self.pool)
            .await?
            .rows_affected())
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
            updated_at: row.try_get("updated_at")?,
            finished_at: row.try_get("finished_at")?,
            score_total: total.map(to_u32),
            id,
        })
    }

    const SESSION_COLS: &'static str =
        "id, user_id, state_json, score_total, guild_id, channel_id, \
         thread_id, started_at, updated_at, finished_at";

    /// The user's unfinished session, if any, with the engine state restored.
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

    /// Any session (open or finished) by id.
    pub async fn get_session(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let q = format!("SELECT {} FROM sessions WHERE id = $1", Self::SESSION_COLS);
        let row = sqlx::query(&q).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(Self::stored).transpose()
    }

    /// The unfinished session living in a Discord thread or channel.
    pub async fn session_in_channel(
        &self,
        channel_id: &str,
    ) -> Result<Option<StoredSession>, StoreError> {
        let q = format!(
            "SELECT {} FROM sessions WHERE (thread_id = $1 OR channel_id = $1) \
             AND finished_at IS NULL ORDER BY started_at DESC",
            Self::SESSION_COLS
        );
        let row = sqlx::query(&q)
            .bind(no_nul(channel_id))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::stored).transpose()
    }

    /// Every unfinished session, oldest first (to resume them after a restart).
    pub async fn open_sessions(&self) -> Result<Vec<StoredSession>, StoreError> {
        let q = format!(
            "SELECT {} FROM sessions WHERE finished_at IS NULL ORDER BY started_at, id",
            Self::SESSION_COLS
        );
        let rows = sqlx::query(&q).fetch_all(&self.pool).await?;
        rows.iter().map(Self::stored).collect()
    }

    /// The user's sessions (open, finished and abandoned), newest first, at
    /// most `limit` of them.
    pub async fn history(&self, user: &UserId, limit: u32) -> Result<Vec<HistoryRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, scenario_id, phase, started_at, finished_at, score_total, turn_count \
             FROM sessions WHERE user_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
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
                    score_total: total.map(to_u32),
                    turns: to_u32(r.try_get("turn_count")?),
                })
            })
            .collect()
    }

    /// `(finished_at, total)` of the user's scored sessions, oldest first, for
    /// a progress chart (times in unix milliseconds, totals 0-100).
    pub async fn scores_over_time(&self, user: &UserId) -> Result<Vec<(i64, u32)>, StoreError> {
        let rows = sqlx::query(
            "SELECT finished_at, score_total FROM sessions \
             WHERE user_id = $1 AND score_total IS NOT NULL AND finished_at IS NOT NULL \
             ORDER BY finished_at, started_at, id",
        )
        .bind(&user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("finished_at")?, to_u32(r.try_get("score_total")?))))
            .collect()
    }

    /// The stored scorecard JSON of a finished session (`None` if the session
    /// does not exist or has no score).
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
            "SELECT idx, phase, message, topic, verdict, reply, stance, minutes_used, created_at \
             FROM turns WHERE session_id = $1 ORDER BY idx",
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
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Per-item scores of a finished session, by item id.
    pub async fn scores(&self, session_id: &str) -> Result<Vec<ScoreRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT item_id, points, max_points FROM scores WHERE session_id = $1 ORDER BY item_id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScoreRow {
                    item_id: r.try_get("item_id")?,
                    points: r.try_get("points")?,
                    max: r.try_get("max_points")?,
                })
            })
            .collect()
    }

    /// Creates or replaces a guild's settings (the creation time is kept).
    pub async fn set_guild_settings(&self, g: &GuildSettings) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO guild_settings (guild_id, practice_channel_id, use_threads, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (guild_id) DO UPDATE SET practice_channel_id = excluded.practice_channel_id, \
             use_threads = excluded.use_threads, updated_at = excluded.updated_at",
        )
        .bind(no_nul(&g.guild_id))
        .bind(opt_no_nul(&g.practice_channel_id))
        .bind(i64::from(g.use_threads))
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A guild's settings, if it has any.
    pub async fn get_guild_settings(
        &self,
        guild_id: &str,
    ) -> Result<Option<GuildSettings>, StoreError> {
        let row = sqlx::query(
            "SELECT guild_id, practice_channel_id, use_threads FROM guild_settings WHERE guild_id = $1",
        )
        .bind(no_nul(guild_id))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let t: i64 = r.try_get("use_threads")?;
            Ok(GuildSettings {
                guild_id: r.try_get("guild_id")?,
                practice_channel_id: r.try_get("practice_channel_id")?,
                use_threads: t != 0,
            })
        })
        .transpose()
    }

    /// Deletes everything stored about the user `platform` + `external_id`
    /// (replies waiting to be posted, turns, scores, sessions, the user row) in one transaction, and says how
    /// much went. Nothing of any other user is touched. Unknown users delete
    /// nothing.
    pub async fn forget_user(
        &self,
        platform: &str,
        external_id: &str,
    ) -> Result<Forgotten, StoreError> {
        let (platform, external_id) = (no_nul(platform), no_nul(external_id));
        let user = "SELECT id FROM users WHERE platform = $1 AND external_id = $2";
        let sessions = format!("SELECT id FROM sessions WHERE user_id IN ({user})");
        let mut tx = self.pool.begin().await?;
        let mut deleted = [0u64; 5];
        // Children first, so the counts are exact whether or not cascades run.
        for (n, sql) in deleted.iter_mut().zip([
            format!("DELETE FROM outbox WHERE session_id IN ({sessions})"),
            format!("DELETE FROM turns WHERE session_id IN ({sessions})"),
            format!("DELETE FROM scores WHERE session_id IN ({sessions})"),
            format!("DELETE FROM sessions WHERE user_id IN ({user})"),
            format!("DELETE FROM users WHERE id IN ({user})"),
        ]) {
            *n = sqlx::query(&sql)
                .bind(&platform)
                .bind(&external_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let [replies, turns, scores, sessions, users] = deleted;
        let out = Forgotten {
            sessions,
            turns,
            scores,
            replies,
            users,
        };
        tx.commit().await?;
        if self.backend == Backend::Sqlite {
            // The write-ahead log still holds the old pages; fold it into the
            // (securely deleted) file and empty it.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(out)
    }
}

fn state_json(id: &str, s: &Session) -> Result<String, StoreError> {
    // JSON escapes NUL as \u0000, so the text itself never contains one.
    serde_json::to_string(s).map_err(|e| StoreError::Corrupt(id.to_string(), e.to_string()))
}

/// Removes the URL (and so any password in it) from an error message.
fn redact(msg: &str, url: &str) -> String {
    let mut m = msg.replace(url, "<database url>");
    if let Some((_, rest)) = url.split_once("://") {
        if let Some((cred, _)) = rest.rsplit_once('@') {
            if let Some((_, pw)) = cred.split_once(':') {
                for secret in [pw.to_string(), percent_decode(pw)] {
                    if !secret.is_empty() {
                        m = m.replace(&secret, "***");
                    }
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
        let url = "postgres://bob:s3cr%40t@db:5432/x";
        let m = redact(
            "failed to connect to postgres://bob:s3cr%40t@db:5432/x: password s3cr@t rejected",
            url,
        );
        assert!(!m.contains("s3cr"), "{m}");
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

    #[test]
    fn sqlite_urls_escape_and_decode_paths() {
        let p = Path::new("/tmp/a dir/50%#1?.db");
        let url = Store::sqlite_url(p);
        assert!(!url[..url.len() - "?mode=rwc".len()].contains(['?', '#', ' ']));
        assert_eq!(sqlite_file(&url).as_deref(), Some(p));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(
            sqlite_file("sqlite:rel/x.db"),
            Some(PathBuf::from("rel/x.db"))
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
