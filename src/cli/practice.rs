//! `coffeechat practice`: an interactive or scripted practice session in the terminal.
//!
//! Interactive: brief, request (revised up to twice after a no), conversation
//! (`/end`, `/hint`, `/status`, `/quit`; other commands get help), follow-up
//! note, scorecard. Every input goes through `Engine::step`; this file only
//! reads lines and prints what the engine returns. Scripted (`--script FILE`): replays the file and
//! prints the result (as JSON with `--json`). Either way the session is saved.

use super::ScenarioArgs;
use crate::classify::Classifier;
use crate::engine::{script, Engine, Input, Phase, Session};
use crate::store::{Placement, Store, UserId};
use crate::terminal;
use anyhow::{bail, Context};
use rand::Rng;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct PracticeArgs {
    /// The scenario to practise (default: chosen at random).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Seed for the professional's randomness; the same seed replays a conversation exactly.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replay the student's messages from FILE (blocks separated by lines of `---`).
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Print the result as one JSON object (with --script).
    #[arg(long, requires = "script")]
    pub json: bool,
    /// Do not save the session.
    #[arg(long)]
    pub no_save: bool,
    /// Database URL (default: an SQLite file in the user's data directory).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
}

pub fn run(args: PracticeArgs) -> anyhow::Result<ExitCode> {
    let set = super::load_scenarios(&args.scenarios)?;
    let engine = Engine::new(set, Classifier::new());
    let seed = args
        .seed
        .unwrap_or_else(|| rand::thread_rng().gen_range(1..1_000_000));
    let scenario = match &args.scenario {
        Some(id) => {
            if engine.scenarios().get(id).is_none() {
                let ids: Vec<&str> = engine.scenarios().ids().collect();
                bail!("no scenario `{id}`; choose one of: {}", ids.join(", "));
            }
            id.clone()
        }
        None => {
            let ids: Vec<&str> = engine.scenarios().ids().collect();
            if ids.is_empty() {
                bail!("no scenarios loaded");
            }
            ids[(seed as usize) % ids.len()].to_string()
        }
    };
    let mut saver = Saver::new(args.database_url.as_deref(), args.no_save);
    if let Some(path) = &args.script {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading script {}", path.display()))?;
        let parsed = script::parse(&text);
        if parsed.request.is_empty() {
            bail!(
                "the script {} is empty: its first block must be the request",
                path.display()
            );
        }
        let (session, replay) = script::run(&engine, &scenario, seed, &parsed)?;
        saver.finish(&engine, &session);
        if args.json {
            println!("{}", serde_json::to_string(&replay)?);
        } else {
            let sc = engine.scenario(&scenario)?;
            for t in &session.turns {
                println!("you ({}): {}", t.topic, t.message);
                if !t.reply.is_empty() {
                    println!("{}: {}", sc.professional.name, t.reply);
                }
            }
            print!("{}", terminal::scorecard(&engine.scorecard(&session)?));
        }
        return Ok(ExitCode::SUCCESS);
    }
    interactive(&engine, &scenario, seed, &mut saver)
}

/// Saves the terminal session to the store as it goes: created after the
/// request, each turn recorded as it happens, the scorecard at the end.
/// A store problem is reported once and practice goes on unsaved.
struct Saver {
    rt: Option<tokio::runtime::Runtime>,
    store: Option<Store>,
    user: Option<UserId>,
    id: Option<String>,
}

impl Saver {
    fn new(url: Option<&str>, disabled: bool) -> Self {
        let mut me = Saver {
            rt: None,
            store: None,
            user: None,
            id: None,
        };
        if disabled {
            return me;
        }
        let url = url.map_or_else(Store::default_sqlite_url, str::to_string);
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("note: not saving this session ({e})");
                return me;
            }
        };
        let who = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "local".into());
        let res = rt.block_on(async {
            let store = Store::connect(&url).await?;
            let user = store.upsert_user("local", &who, &who).await?;
            // A session left open by a crash or /quit is closed so a new one can start.
            if let Some(open) = store.open_session_for(&user).await? {
                store.abandon_session(&open.id).await?;
            }
            Ok::<_, crate::store::StoreError>((store, user))
        });
        match res {
            Ok((store, user)) => {
                me.store = Some(store);
                me.user = Some(user);
                me.rt = Some(rt);
            }
            Err(e) => eprintln!("note: not saving this session: {e}"),
        }
        me
    }

    fn run<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&Store, &UserId, Option<&str>) -> T,
    ) -> Option<T::Output>
    where
        T: std::future::Future<Output = Result<Option<String>, crate::store::StoreError>>,
    {
        let (Some(rt), Some(store), Some(user)) = (&self.rt, &self.store, &self.user) else {
            return None;
        };
        match rt.block_on(f(store, user, self.id.as_deref())) {
            Ok(new_id) => {
                if new_id.is_some() {
                    self.id = new_id;
                }
                Some(Ok(None))
            }
            Err(e) => {
                eprintln!("note: could not save ({what}): {e}; this session will not be saved");
                self.store = None;
                None
            }
        }
    }

    /// Records the session's state and new turns (creating it on first call).
    fn record(&mut self, s: &Session) {
        let snapshot = s.clone();
        self.run("turn", |store, user, id| {
            let store = store.clone();
            let user = user.clone();
            let id = id.map(str::to_string);
            async move {
                match id {
                    None => Ok(Some(
                        store
                            .create_session(&user, &snapshot, &Placement::default())
                            .await?,
                    )),
                    Some(id) => {
                        store.record_turns(&id, &snapshot).await?;
                        Ok(None)
                    }
                }
            }
        });
    }

    fn finish(&mut self, engine: &Engine, s: &Session) {
        self.record(s);
        let Ok(card) = engine.scorecard(s) else {
            return;
        };
        let snapshot = s.clone();
        self.run("scorecard", |store, _user, id| {
            let store = store.clone();
            let id = id.map(str::to_string);
            async move {
                if let Some(id) = id {
                    store.finish_session(&id, &snapshot, &card).await?;
                }
                Ok(None)
            }
        });
    }

    fn abandon(&mut self) {
        self.run("quit", |store, _user, id| {
            let store = store.clone();
            let id = id.map(str::to_string);
            async move {
                if let Some(id) = id {
                    store.abandon_session(&id).await?;
                }
                Ok(None)
            }
        });
    }

    fn saved_where(&self) -> Option<&'static str> {
        self.store.as_ref().map(|s| s.backend().as_str())
    }
}

/// Reads one message: one line, or for the request and the note several lines
/// until a lone `.` (a `...` prompt shows the message is still open). A command
/// on the first line is returned at once.
fn read_message(
    input: &mut impl BufRead,
    out: &mut impl Write,
    multi: bool,
) -> anyhow::Result<Option<String>> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(if lines.is_empty() {
                None
            } else {
                Some(lines.join("\n"))
            });
        }
        let l = line.trim_end_matches(['\n', '\r']).to_string();
        if multi {
            if l.trim() == "." {
                break;
            }
            if lines.is_empty() && l.trim().starts_with('/') {
                return Ok(Some(l.trim().to_string()));
            }
            lines.push(l);
            write!(out, "... ")?;
            out.flush()?;
        } else {
            if l.trim().is_empty() && lines.is_empty() {
                continue;
            }
            lines.push(l);
            break;
        }
    }
    Ok(Some(lines.join("\n")))
}

fn interactive(
    engine: &Engine,
    scenario: &str,
    seed: u64,
    saver: &mut Saver,
) -> anyhow::Result<ExitCode> {
    let sc = engine.scenario(scenario)?;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout();
    let mut s = engine.start(scenario, seed)?;
    println!("{}", terminal::brief(sc));
    println!("(seed {seed}: `coffeechat practice --scenario {scenario} --seed {seed}` replays this professional's choices)");
    println!("\nWrite your request. End it with a line containing only `.` (/hint for help with it, /quit to leave).");
    let mut card = None;
    loop {
        let multi = s.phase != Phase::Conversation;
        if s.phase == Phase::Conversation {
            print!("{} you> ", terminal::clock(&s));
        } else {
            print!("you> ");
        }
        out.flush()?;
        let Some(msg) = read_message(&mut input, &mut out, multi)? else {
            println!();
            break;
        };
        if msg.trim().is_empty() {
            continue;
        }
        let before = s.turns.len();
        let outcome = engine.step(&mut s, Input::parse(&msg))?;
        print!("{}", terminal::events(sc, &outcome.events));
        if outcome.abandoned {
            saver.abandon();
            println!("Left the session. Nothing is scored.");
            return Ok(ExitCode::SUCCESS);
        }
        if s.turns.len() != before || outcome.finished {
            saver.record(&s);
        }
        if outcome.finished {
            card = outcome.scorecard;
            break;
        }
        if s.phase == Phase::FollowUp && s.notes.is_empty() {
            println!(
                "(End the note with a line containing only `.`; /skip to finish without one.)"
            );
        }
    }
    let card = match card {
        Some(c) => c,
        None => {
            let o = engine.step(&mut s, Input::Finish)?;
            match o.scorecard {
                Some(c) => c,
                None => engine.scorecard(&s)?,
            }
        }
    };
    saver.finish(engine, &s);
    print!("{}", terminal::scorecard(&card));
    if let Some(db) = saver.saved_where() {
        println!("(saved to the {db} store)");
    }
    Ok(ExitCode::SUCCESS)
}
