//! The lines every professional falls back on when a scenario leaves a list
//! empty, read from `scenarios/defaults/lines.toml` (embedded in the binary).
//!
//! Owns: the fallback wording, kept in a data file like every other line the
//! professional says. Must not: hold engine rules.

use serde::Deserialize;
use std::sync::OnceLock;

const TEXT: &str = include_str!("../../scenarios/defaults/lines.toml");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultReactions {
    #[serde(default)]
    pub clarify: Vec<String>,
    #[serde(default)]
    pub repeat: Vec<String>,
    #[serde(default)]
    pub compound: Vec<String>,
    #[serde(default)]
    pub sign_off: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultReferral {
    #[serde(default)]
    pub only_one: Vec<String>,
}

/// Every fallback list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultLines {
    #[serde(default)]
    pub reactions: DefaultReactions,
    #[serde(default)]
    pub referral: DefaultReferral,
    #[serde(default)]
    pub after: super::AfterReplies,
}

/// Parses a defaults file (exposed for its test).
pub fn parse(text: &str) -> Result<DefaultLines, toml::de::Error> {
    toml::from_str(text)
}

/// The embedded defaults; empty lists if the file were ever broken (its test
/// makes sure it is not), never a panic.
pub fn get() -> &'static DefaultLines {
    static D: OnceLock<DefaultLines> = OnceLock::new();
    D.get_or_init(|| parse(TEXT).unwrap_or_default())
}

/// `own` when it has lines, else the default list.
pub fn or<'a>(own: &'a [String], fallback: &'a [String]) -> &'a [String] {
    if own.is_empty() {
        fallback
    } else {
        own
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_defaults_parse_and_are_not_empty() {
        let d = super::parse(super::TEXT).expect("defaults parse");
        assert!(d.reactions.clarify.len() >= 3);
        assert!(d.reactions.repeat.len() >= 5);
        assert!(!d.referral.only_one.is_empty());
        assert!(!d.after.warm.is_empty() && !d.after.polite.is_empty());
    }
}
