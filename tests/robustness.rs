//! No input text panics the engine: empty, huge, any Unicode, control
//! characters, markdown, mentions, in every phase of every scenario.

use coffeechat::classify::Classifier;
use coffeechat::engine::{Engine, Input, Phase};
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        Engine::new(
            coffeechat::scenario::load::load_embedded().expect("scenarios"),
            Classifier::new(),
        )
    })
}

/// Drives a whole session with the given messages, checking invariants as it goes.
fn drive(scenario_idx: usize, seed: u64, msgs: &[String]) {
    let e = engine();
    let ids: Vec<&str> = e.scenarios().ids().collect();
    let id = ids[scenario_idx % ids.len()];
    let (mut s, _) = e.start_accepted(id, seed).expect("start");
    for m in msgs {
        if s.phase == Phase::Done {
            break;
        }
        let before = s.turns.len();
        let out = e
            .step(&mut s, Input::Say(m.clone()))
            .expect("a message in a live phase never errors");
        let visible = m.chars().any(|c| !c.is_whitespace() && !c.is_control());
        assert_eq!(
            s.turns.len(),
            before + usize::from(visible),
            "every message with visible text makes exactly one turn (blank ones none)"
        );
        let _ = coffeechat::terminal::events(e.scenario(id).expect("sc"), &out.events);
        if let Some(t) = s.turns.last() {
            assert!(t.message.chars().count() <= coffeechat::engine::MAX_MESSAGE_CHARS);
            assert!(!t
                .message
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'));
        }
    }
    if s.phase == Phase::Conversation {
        e.step(&mut s, Input::End).expect("end");
    }
    if s.phase != Phase::Done {
        e.step(&mut s, Input::Finish).expect("finish");
    }
    let card = e.scorecard(&s).expect("card");
    assert!(card.total <= 100);
    let json = serde_json::to_string(&s).expect("serialise");
    let _: coffeechat::engine::Session = serde_json::from_str(&json).expect("round trip");
}

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" \n\t ".to_string()),
        Just("@everyone @here <@123456789012345678> <@&42> <#1>".to_string()),
        Just("**bold** __u__ ~~s~~ ```rust\nfn x(){}\n``` > quote ||spoiler||".to_string()),
        Just("\u{0}\u{1}\u{7}\u{1b}[31mred\u{1b}[0m\r\n\u{feff}\u{200b}\u{202e}".to_string()),
        Just("e\u{301}\u{301}\u{301} 👩‍👩‍👧‍👦 🇳🇱 ﷽ 𝕏".to_string()),
        Just("x".repeat(10_000)),
        Just("are you hiring? ".repeat(700)),
        ".*",
        "\\PC{0,300}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn no_message_panics_the_engine(idx in 0usize..16, seed in any::<u64>(), msgs in proptest::collection::vec(hostile(), 1..12)) {
        drive(idx, seed, &msgs);
    }

    #[test]
    fn no_request_panics_the_engine(idx in 0usize..16, seed in any::<u64>(), req in hostile()) {
        let e = engine();
        let ids: Vec<&str> = e.scenarios().ids().collect();
        let id = ids[idx % ids.len()];
        let mut s = e.start(id, seed).expect("start");
        e.step(&mut s, Input::Say(req.clone())).expect("request");
        // Accepted, refused with tries left, or nothing visible to read.
        prop_assert!(matches!(s.phase, Phase::Conversation | Phase::Request | Phase::Done));
        let _ = e.scorecard(&s).expect("card");
        let _ = coffeechat::engine::request::evaluate_request(e.classifier(), &req, coffeechat::scenario::Medium::Email, None);
    }
}

#[test]
fn every_hostile_sample_in_every_scenario() {
    let samples: Vec<String> = vec![
        String::new(),
        "x".repeat(10_000),
        "\u{0}".repeat(50),
        "@everyone".into(),
        "🙂".repeat(3000),
        "---\n/end\n---".into(),
    ];
    for i in 0..engine().scenarios().len() {
        drive(i, 9, &samples);
    }
}
