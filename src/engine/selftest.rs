//! Runs the `[[tests]]` written inside scenario files (`coffeechat scenarios test`).

use super::{Engine, Input, Phase};
use crate::scenario::Scenario;

/// The result of one scenario test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub scenario: String,
    pub name: String,
    /// What differed from the expectations; empty when the test passed.
    pub failures: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every test of one scenario.
pub fn run(engine: &Engine, sc: &Scenario) -> Vec<Outcome> {
    sc.tests
        .iter()
        .map(|t| {
            let mut failures = Vec::new();
            match engine.start_accepted(&sc.id, t.seed.unwrap_or(1)) {
                Err(e) => failures.push(e.to_string()),
                Ok((mut s, _)) => {
                    for line in &t.say {
                        if s.phase != Phase::Conversation {
                            failures.push(format!("the meeting ended before \"{line}\""));
                            break;
                        }
                        if let Err(e) = engine.step(&mut s, Input::Say(line.clone())) {
                            failures.push(e.to_string());
                        }
                    }
                    let last = s.conversation_turns().last();
                    if let (Some(want), Some(turn)) = (t.expect_topic, last) {
                        if turn.topic != want {
                            failures.push(format!(
                                "\"{}\" was read as {} (expected {want})",
                                turn.message, turn.topic
                            ));
                        }
                    }
                    if let Some(want) = t.expect_stance {
                        if s.stance != want {
                            failures.push(format!("stance is {} (expected {want})", s.stance));
                        }
                    }
                    if let Some(id) = &t.expect_insight {
                        if !s.revealed.contains(id) {
                            failures.push(format!(
                                "insight `{id}` was not revealed (revealed: {:?})",
                                s.revealed
                            ));
                        }
                    }
                    if let Some(want) = t.expect_referral {
                        if s.referral_offered != want {
                            failures.push(format!(
                                "referral offered: {} (expected {want})",
                                s.referral_offered
                            ));
                        }
                    }
                    if let Some(want) = t.expect_ended {
                        let ended = s.phase != Phase::Conversation;
                        if ended != want {
                            failures.push(format!("meeting ended: {ended} (expected {want})"));
                        }
                    }
                }
            }
            Outcome {
                scenario: sc.id.clone(),
                name: t.name.clone(),
                failures,
            }
        })
        .collect()
}
