//! The guide's advice, item by item, in coffeechat's own words.
//!
//! Owns: the stable item ids of `shared/guide/ADVICE.md`, the advice text the
//! bot shows and the source guides each item rests on. Every score names one of
//! these items. Must not: copy the guides' sentences; the text here is ours.

use serde::Serialize;

/// When in the informational-interview process an item applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Before,
    Request,
    Conversation,
    After,
    Persona,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Before,
        Stage::Request,
        Stage::Conversation,
        Stage::After,
        Stage::Persona,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Before => "before",
            Stage::Request => "request",
            Stage::Conversation => "conversation",
            Stage::After => "after",
            Stage::Persona => "persona",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Before => "Before: preparation",
            Stage::Request => "The request",
            Stage::Conversation => "During the conversation",
            Stage::After => "After",
            Stage::Persona => "How the professional reacts",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// One item of advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// Stable id, e.g. `talk.no_job`.
    pub id: &'static str,
    pub stage: Stage,
    /// A few words naming the item.
    pub title: &'static str,
    /// The advice in coffeechat's own words.
    pub text: &'static str,
    /// Source guides: `000`..`004` (see `shared/guide/ADVICE.md`).
    pub sources: &'static [&'static str],
}

macro_rules! item {
    ($id:literal, $stage:ident, $title:literal, $text:literal, [$($src:literal),*]) => {
        Advice { id: $id, stage: Stage::$stage, title: $title, text: $text, sources: &[$($src),*] }
    };
}

/// Every item, in the order of `ADVICE.md`.
pub static ITEMS: &[Advice] = &[
    item!("prep.goal", Before, "Know your aim",
        "Arrive with a direction, even a tentative one: the field or path you are weighing and what you hope to find out. People lose patience with a visitor who cannot say what they are after.",
        ["000", "003", "004"]),
    item!("prep.research", Before, "Do the homework",
        "Look up the person and their organisation beforehand. Spend the meeting on what only they can tell you, not on facts their website or a quick search already gives.",
        ["001", "002", "003", "004"]),
    item!("prep.questions", Before, "Script your questions",
        "Draft the four or five questions you most want answered, so the time goes where it matters to you.",
        ["000", "002", "004"]),
    item!("prep.materials", Before, "Have your materials ready",
        "Keep notes, your contact details and a CV within reach, but hand over the CV only when they ask for it.",
        ["002", "004"]),
    item!("ask.brief", Request, "Short and clean request",
        "Make the first message brief, focused and free of slips; a busy reader decides in seconds.",
        ["000", "004"]),
    item!("ask.identify", Request, "Say who you are",
        "Introduce yourself, explain how you came to them (a shared contact, school, event) and say what you would like from the meeting.",
        ["002"]),
    item!("ask.time", Request, "Ask for a fixed, small slot",
        "Request a specific short slot, somewhere between ten and thirty minutes, and promise to stick to it; an open-ended ask is easy to refuse.",
        ["000", "001", "003", "004"]),
    item!("ask.no_job", Request, "Rule out the job ask",
        "Say plainly that you are looking for insight, not a position or a recommendation.",
        ["002", "003"]),
    item!("ask.framing", Request, "Call it a chat",
        "Describe the meeting as a conversation, a coffee or a quick chat; the word \"interview\" sounds like a hiring process.",
        ["003"]),
    item!("ask.expertise", Request, "Appeal to their experience",
        "Tell them why them: their experience, their reputation, or the mutual contact who pointed you their way.",
        ["003"]),
    item!("ask.subject", Request, "A subject line that is clearly not spam",
        "By email, give the message a plain, specific subject line that says who you are and what you seek.",
        ["004"]),
    item!("ask.persist", Request, "Keep asking",
        "Silence and refusals are normal from busy people. Send several requests and do not take a no personally.",
        ["000", "001"]),
    item!("ask.ready_now", Request, "Be ready on the spot",
        "When you phone and they say now suits them, have your questions ready and start straight away.",
        ["004"]),
    item!("talk.no_job", Conversation, "Gather information, don't job-hunt",
        "Keep the conversation about learning. Asking for a job or a referral to a post turns a helper into a judge and can end the meeting.",
        ["000", "001", "002", "003"]),
    item!("talk.their_story", Conversation, "Let them tell their story",
        "Invite them to talk about their own path and what they would advise. People enjoy this, and it turns them into allies who may speak up for you.",
        ["002", "003", "001"]),
    item!("talk.no_pitch", Conversation, "Don't sell yourself",
        "This is not the place to list your strengths; the moment you pitch, they start assessing you instead of helping.",
        ["002"]),
    item!("talk.topics", Conversation, "Cover the ground that matters",
        "Use the time on what only an insider knows: how they got in, what is hard and what is rewarding, what prepared them, life at their organisation, roads not taken, whether they are glad they chose it, useful courses, and where the field is heading.",
        ["000", "001", "002", "003"]),
    item!("talk.share_goals", Conversation, "Say what you're aiming for",
        "Tell them, in a sentence or two and honestly, what you hope to do and why the field draws you; it lets them tailor their advice.",
        ["003"]),
    item!("talk.time", Conversation, "Respect the clock",
        "Finish within the time you asked for; offering to stop on time earns goodwill.",
        ["000", "004"]),
    item!("talk.notes", Conversation, "Take notes",
        "Write down what you hear; it shows respect and you will want the details later.",
        ["002", "004"]),
    item!("talk.referral", Conversation, "Ask who else to talk to",
        "Before you leave, ask whether there is someone else you should speak with to learn more.",
        ["000", "002"]),
    item!("talk.keep_in_touch", Conversation, "Ask to stay in touch",
        "Ask if you may stay in contact and how they prefer to hear from you.",
        ["002", "003"]),
    item!("talk.thanks", Conversation, "Thank them",
        "Thank them for their time before you part.",
        ["004"]),
    item!("talk.professional", Conversation, "Be professional",
        "Be punctual, keep the appointment, dress for it even on a call, and offer to pay for the coffee.",
        ["001", "002", "004"]),
    item!("after.thanks", After, "Send a thank-you",
        "Follow up soon with a short thank-you by email or card.",
        ["000", "001", "002", "004"]),
    item!("after.referral_done", After, "Report back on their lead",
        "If they gave you a name and you got in touch, mention it; it shows their help went somewhere.",
        ["000"]),
    item!("after.update", After, "Keep them posted",
        "Let them know later how your plans and decisions turn out.",
        ["003"]),
    item!("persona.busy", Persona, "They are busy",
        "Busy people drown in messages and screen their calls; a request may be ignored or turned down.",
        ["000", "001"]),
    item!("persona.likes_advice", Persona, "People like to advise",
        "Most people enjoy giving advice and talking about their own work; flattery of their expertise or a shared contact is hard to refuse.",
        ["001", "003"]),
    item!("persona.assessor", Persona, "A job ask makes an assessor",
        "Ask for a job or a recommendation and they start judging whether you are worth it; ask outright and they may want you gone within minutes.",
        ["002", "003"]),
    item!("persona.ally", Persona, "A story question makes an ally",
        "Ask for their story and they start helping: they may vouch for you, introduce colleagues or become a mentor.",
        ["001", "002", "003"]),
    item!("persona.no_goal", Persona, "No goal, no interest",
        "With someone who has no idea what they want, they lose interest quickly.",
        ["003"]),
    item!("persona.googleable", Persona, "Searchable questions disappoint",
        "A question that basic research would answer leaves a poor impression.",
        ["001", "004"]),
    item!("persona.knows", Persona, "They know why you came",
        "They know that talking careers means you want work some day; if they like you and can help, they will, without being asked.",
        ["003"]),
];

/// Looks an item up by id.
pub fn get(id: &str) -> Option<&'static Advice> {
    ITEMS.iter().find(|a| a.id == id)
}

/// The items of one stage.
pub fn for_stage(stage: Stage) -> impl Iterator<Item = &'static Advice> {
    ITEMS.iter().filter(move |a| a.stage == stage)
}

/// A short source list as shown to users, e.g. `guides 000, 002`.
pub fn sources_label(a: &Advice) -> String {
    format!("guides {}", a.sources.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_cover_every_topic_item() {
        let mut seen = HashSet::new();
        for a in ITEMS {
            assert!(seen.insert(a.id), "duplicate id {}", a.id);
            assert!(!a.sources.is_empty(), "{} has no source", a.id);
        }
        for t in crate::topic::Topic::ALL {
            for id in t.advice_items() {
                assert!(get(id).is_some(), "topic {t} names unknown item {id}");
            }
        }
    }

    #[test]
    fn advice_matches_the_shared_item_list_when_present() {
        // The shared guide is beside the repo in development and CI; every id it
        // lists must exist here, and no id here may be missing from it.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/guide/ADVICE.md");
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: shared/guide/ADVICE.md not found beside the repo");
            return;
        };
        let shared: HashSet<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("| "))
            .filter_map(|l| l.split(" |").next())
            .filter(|id| id.contains('.') && !id.contains(' '))
            .collect();
        let ours: HashSet<&str> = ITEMS.iter().map(|a| a.id).collect();
        assert_eq!(shared, ours);
    }

    #[test]
    fn advice_is_in_our_own_words() {
        // No run of eight words from the guides may appear in our advice text.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/guide");
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("skipped: shared/guide not found beside the repo");
            return;
        };
        let norm = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| w.to_lowercase())
                .collect()
        };
        let mut grams = HashSet::new();
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                let words = norm(&std::fs::read_to_string(e.path()).unwrap_or_default());
                for w in words.windows(8) {
                    grams.insert(w.join(" "));
                }
            }
        }
        for a in ITEMS {
            for w in norm(a.text).windows(8) {
                assert!(
                    !grams.contains(&w.join(" ")),
                    "{} copies the guide: {:?}",
                    a.id,
                    w
                );
            }
        }
    }
}
