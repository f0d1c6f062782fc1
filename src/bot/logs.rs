//! Logging with nothing secret in it, whatever the level: redaction in one place.
//!
//! Two guards sit between every log event and its output:
//!
//! - **Caps** ([`caps`]): serenity logs whole gateway payloads (students' message
//!   text) at `debug` and `trace`; the HTTP and WebSocket crates under it log
//!   request details at those levels. These targets are capped at `info`
//!   whatever `RUST_LOG` asks for. The bot's own code never logs message text
//!   at any level.
//! - **A redacting writer** ([`Redacting`]): every formatted line has the
//!   tokens in webhook and interaction URLs cut out (serenity's `info` logs and
//!   its errors' `Debug` output carry them) and every registered secret (the
//!   bot token, registered by [`super::build_http`]) replaced.
//!
//! The secrets registry is process-wide on purpose: a log line may be written
//! by any task, and the token must be redacted from all of them.

use std::io::{self, Write};
use std::sync::{Arc, RwLock};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers a value that must never appear in a log line (the bot token).
pub fn add_secret(secret: &str) {
    let s = secret.trim();
    // Very short values would redact ordinary words; a real token is ~70 characters.
    if s.len() < 8 {
        return;
    }
    let mut g = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !g.iter().any(|x| x == s) {
        g.push(s.to_string());
    }
}

/// A line with URL tokens and registered secrets cut out.
pub fn redact(line: &str) -> String {
    let mut out = super::error::redact_url(line);
    let g = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    for s in g.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "<secret>");
        }
    }
    out
}

/// The crates whose `debug`/`trace` output carries message text or request
/// details, capped at `info`; everything else passes to the usual filter.
pub fn caps() -> Targets {
    let mut t = Targets::new().with_default(LevelFilter::TRACE);
    for target in [
        "serenity",
        "poise",
        "hyper",
        "hyper_util",
        "h2",
        "reqwest",
        "rustls",
        "tungstenite",
        "tokio_tungstenite",
        "async_tungstenite",
        "axum",
        "tower",
        "tower_http",
    ] {
        t = t.with_target(target, LevelFilter::INFO);
    }
    t.with_target("sqlx", LevelFilter::WARN)
}

/// A [`MakeWriter`] whose writers redact every line before passing it on.
#[derive(Clone)]
pub struct Redacting<M>(pub M);

/// One writer of [`Redacting`].
pub struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // The fmt layer writes each event with one call, so a token is never split.
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

/// A log kept in memory (for tests that read back what was logged).
#[derive(Clone, Default)]
pub struct Memory(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl Memory {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for Memory {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Memory {
    type Writer = Memory;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_url_tokens_never_reach_the_output() {
        add_secret("MTIzNDU2Nzg5.secret-bot-token.value");
        let mem = Memory::default();
        let w = Redacting(mem.clone());
        let mut out = w.make_writer();
        out.write_all(
            b"GET /webhooks/1/abcDEF123/messages/@original with Bot MTIzNDU2Nzg5.secret-bot-token.value\n",
        )
        .unwrap();
        let text = mem.text();
        assert!(!text.contains("abcDEF123"), "{text}");
        assert!(!text.contains("secret-bot-token"), "{text}");
        assert!(text.contains("/webhooks/1/<token>/messages"), "{text}");
    }
}
