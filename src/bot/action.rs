//! Custom ids of the bot's buttons and modals, parsed once into [`Action`].
//!
//! Every id the bot puts on a component is made by [`Action::custom_id`] and read
//! back by [`Action::parse`]; nothing else formats or splits them. The format is
//! `cc:<verb>[:<argument>]`, at most 100 characters as Discord requires (a
//! session id or a user id is far shorter).

/// What a button or modal of the bot asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A hint for the practice.
    Hint(String),
    /// End the conversation (or finish, in the follow-up phase).
    End(String),
    /// Show (and so finish) the scorecard.
    Card(String),
    /// Show where an open practice stands.
    Resume(String),
    /// End an open practice without scoring it.
    Abandon(String),
    /// Post the last reply again, after it failed to post.
    Resend(String),
    /// Confirm `/forget-me`; only this Discord user may press it.
    Forget(u64),
    /// The form of `/check request`.
    Draft,
}

impl Action {
    /// The component's `custom_id`.
    pub fn custom_id(&self) -> String {
        match self {
            Action::Hint(s) => format!("cc:hint:{s}"),
            Action::End(s) => format!("cc:end:{s}"),
            Action::Card(s) => format!("cc:card:{s}"),
            Action::Resume(s) => format!("cc:resume:{s}"),
            Action::Abandon(s) => format!("cc:abandon:{s}"),
            Action::Resend(s) => format!("cc:resend:{s}"),
            Action::Forget(u) => format!("cc:forget:{u}"),
            Action::Draft => "cc:draft".to_string(),
        }
    }

    /// Reads a `custom_id`; `None` for anything the bot did not make.
    pub fn parse(id: &str) -> Option<Action> {
        let rest = id.strip_prefix("cc:")?;
        if rest == "draft" {
            return Some(Action::Draft);
        }
        let (verb, arg) = rest.split_once(':')?;
        if arg.is_empty() {
            return None;
        }
        let s = arg.to_string();
        Some(match verb {
            "hint" => Action::Hint(s),
            "end" => Action::End(s),
            "card" => Action::Card(s),
            "resume" => Action::Resume(s),
            "abandon" => Action::Abandon(s),
            "resend" => Action::Resend(s),
            "forget" => Action::Forget(arg.parse().ok()?),
            _ => return None,
        })
    }

    /// The practice session the action is about, if any.
    pub fn session(&self) -> Option<&str> {
        match self {
            Action::Hint(s)
            | Action::End(s)
            | Action::Card(s)
            | Action::Resume(s)
            | Action::Abandon(s)
            | Action::Resend(s) => Some(s),
            Action::Forget(_) | Action::Draft => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_as_itself() {
        let all = [
            Action::Hint("a1".into()),
            Action::End("a1".into()),
            Action::Card("a1".into()),
            Action::Resume("a1".into()),
            Action::Abandon("a1".into()),
            Action::Resend("a1".into()),
            Action::Forget(600_000_000_000_000_001),
            Action::Draft,
        ];
        for a in all {
            let id = a.custom_id();
            assert!(id.chars().count() <= 100, "{id}");
            assert_eq!(Action::parse(&id), Some(a));
        }
    }

    #[test]
    fn ids_the_bot_did_not_make_are_none() {
        for id in [
            "",
            "cc:",
            "cc:end",
            "cc:end:",
            "cc:fly:x",
            "xx:end:1",
            "cc:forget:abc",
            "cc:draft:x",
        ] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
    }
}
