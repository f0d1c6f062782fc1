//! Scenarios: the data that makes each professional behave as they do.
//!
//! Owns: the file format ([`model`]), loading and validation ([`load`]) and the
//! in-memory set the engine reads ([`ScenarioSet`]). Must not: do any I/O beyond
//! reading scenario files, or know about Discord.

pub mod defaults;
pub mod diagnostic;
pub mod load;
pub mod model;
pub mod validate;

pub use load::{Diagnostic, LoadError};
pub use model::*;

/// A validated set of scenarios, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct ScenarioSet {
    scenarios: Vec<Scenario>,
}

impl ScenarioSet {
    /// Builds a set from scenarios that have already been validated.
    pub fn new(mut scenarios: Vec<Scenario>) -> Self {
        scenarios.sort_by(|a, b| a.id.cmp(&b.id));
        ScenarioSet { scenarios }
    }

    pub fn get(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Scenario> {
        self.scenarios.iter()
    }

    pub fn len(&self) -> usize {
        self.scenarios.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scenarios.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.scenarios.iter().map(|s| s.id.as_str())
    }
}
