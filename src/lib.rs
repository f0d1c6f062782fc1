//! coffeechat: practise informational interviews against a scripted, busy professional.
//!
//! The crate is one library with a thin binary (`src/main.rs`). The engine
//! (`scenario`, `classify`, `session`, `engine`, `score`) is synchronous, does no I/O beyond
//! reading scenario files and knows nothing of Discord; the front ends
//! (`terminal`, `bot`) and the `store` drive it. See `docs/ARCHITECTURE.md`.
#![warn(clippy::unwrap_used)]

pub mod advice;
pub mod chart;
pub mod classify;
pub mod cli;
pub mod engine;
pub mod feedback;
pub mod measure;
pub mod questions;
pub mod scenario;
pub mod score;
pub mod session;
pub mod store;
pub mod terminal;
pub mod topic;

pub mod bot;
