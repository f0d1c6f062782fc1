//! Unit tests of the engine's rules.

use super::*;

#[test]
fn stance_thresholds() {
    assert_eq!(stance_for(3, Temperament::Generous, false), Stance::Ally);
    assert_eq!(
        stance_for(3, Temperament::Sceptical, false),
        Stance::Neutral
    );
    assert_eq!(stance_for(5, Temperament::Busy, true), Stance::Neutral);
    assert_eq!(stance_for(-2, Temperament::Busy, false), Stance::Assessor);
}

#[test]
fn the_stance_change_comes_before_the_reply_it_colours() {
    let set = crate::scenario::load::load_embedded().unwrap();
    let e = Engine::new(set, Classifier::new());
    let (mut s, _) = e.start_accepted("nursing-icu", 5).unwrap();
    e.send(
        &mut s,
        "I'm hoping to work in critical care after I qualify.",
    )
    .unwrap();
    e.send(&mut s, "What is it like working at your hospital?")
        .unwrap();
    let ev = e
        .send(&mut s, "What's the hardest part of the job?")
        .unwrap();
    let pos = |f: &dyn Fn(&Event) -> bool| ev.iter().position(f);
    let change = pos(&|x| {
        matches!(
            x,
            Event::StanceChanged {
                to: Stance::Ally,
                ..
            }
        )
    })
    .expect("becomes an ally");
    let insight = pos(&|x| matches!(x, Event::InsightShared { .. })).expect("shares an insight");
    let say = pos(&|x| matches!(x, Event::Say { .. })).expect("replies");
    assert!(change < insight && insight < say, "{ev:?}");
}

#[test]
fn a_job_ask_in_the_request_rules_out_an_ally() {
    let set = crate::scenario::load::load_embedded().unwrap();
    let e = Engine::new(set, Classifier::new());
    let req = "Hi, I'm Sam, a student. Are you hiring? I'd love an internship on your team. Could we chat for 15 minutes?";
    let story = [
        "I'm hoping to work in backend engineering.",
        "How did you get into this field?",
        "Could you tell me about your career path?",
        "What advice would you give someone like me?",
        "What other careers did you consider?",
        "What do you enjoy most about your work?",
    ];
    let mut met = 0;
    for seed in 1..200 {
        let mut s = e.start("software-backend", seed).unwrap();
        e.send(&mut s, req).unwrap();
        if s.phase != Phase::Conversation {
            continue;
        }
        met += 1;
        for m in story {
            if s.phase == Phase::Conversation {
                e.send(&mut s, m).unwrap();
            }
        }
        assert_ne!(s.stance, Stance::Ally, "seed {seed}");
    }
    assert!(met > 0, "no seed accepted the job-asking request");
}

#[test]
fn clean_strips_controls_and_caps_length() {
    let s = clean(&format!("a\u{0}b\u{7}c{}", "x".repeat(10_000)));
    assert!(s.starts_with("abc"));
    assert_eq!(s.chars().count(), MAX_MESSAGE_CHARS);
}

#[test]
fn commands_are_parsed_once_into_inputs() {
    assert_eq!(Input::parse(" /end "), Input::End);
    assert_eq!(Input::parse("/skip"), Input::Skip);
    assert_eq!(Input::parse("/HINT"), Input::Hint);
    assert_eq!(Input::parse("/status please"), Input::Status);
    assert_eq!(Input::parse("/quit"), Input::Quit);
    assert_eq!(Input::parse("/help"), Input::Unknown("/help".into()));
    assert_eq!(
        Input::parse("/ 20 minutes?"),
        Input::Say("/ 20 minutes?".into())
    );
    assert_eq!(Input::parse("and/or"), Input::Say("and/or".into()));
}

fn engine() -> Engine {
    let set = crate::scenario::load::load_embedded().expect("scenarios");
    Engine::new(set, Classifier::new())
}

#[test]
fn an_unknown_command_gets_help_and_never_reaches_the_professional() {
    let e = engine();
    let (mut s, _) = e.start_accepted("software-backend", 3).expect("start");
    let out = e.step(&mut s, Input::parse("/help")).expect("step");
    assert!(
        matches!(out.events.as_slice(), [Event::Help { .. }]),
        "{:?}",
        out.events
    );
    assert!(s.turns.is_empty());
    let mut r = e.start("software-backend", 3).expect("start");
    let out = e.step(&mut r, Input::parse("/end")).expect("step");
    assert!(out.finished && out.abandoned && out.scorecard.is_none());
    assert!(r.request_text.is_none(), "/end never becomes the request");
}

#[test]
fn a_polite_sign_off_ends_the_meeting() {
    let e = engine();
    let (mut s, _) = e.start_accepted("software-backend", 4).expect("start");
    e.step(
        &mut s,
        Input::Say("How did you end up in backend work?".into()),
    )
    .expect("step");
    let out = e
        .step(
            &mut s,
            Input::Say("Thank you so much, I won't keep you any longer. Have a great day!".into()),
        )
        .expect("step");
    assert_eq!(s.phase, Phase::FollowUp, "{:?}", out.events);
    assert_eq!(s.ended_by, Some(EndedBy::Student));
}

/// A session whose conversation closed by the student's sign-off.
fn signed_off(e: &Engine) -> Session {
    let (mut s, _) = e.start_accepted("software-backend", 4).expect("start");
    for text in [
        "How did you end up in backend work?",
        "Thank you so much, I won't keep you any longer. Have a great day!",
    ] {
        e.step(&mut s, Input::Say(text.into())).expect("step");
    }
    assert_eq!(s.phase, Phase::FollowUp);
    s
}

#[test]
fn end_typed_after_a_sign_off_reminds_of_the_note_once() {
    // Found playing in my own words: "thanks, I'll let you go" closes the
    // meeting, and the /end typed after it by habit used to skip the note.
    let e = engine();
    let mut s = signed_off(&e);
    let out = e.step(&mut s, Input::parse("/end")).expect("step");
    assert_eq!(out.events, vec![Event::NoteReminder]);
    assert!(!out.finished && s.phase == Phase::FollowUp);
    let out = e
        .step(
            &mut s,
            Input::Say(
                "Thank you for your time today; your advice on code review stuck with me.".into(),
            ),
        )
        .expect("step");
    assert!(out.finished && !s.notes.is_empty());
    // A second /end means it: the student finishes without a note.
    let mut s = signed_off(&e);
    e.step(&mut s, Input::parse("/end")).expect("step");
    assert!(e.step(&mut s, Input::parse("/end")).expect("step").finished);
    // /skip never asks twice.
    let mut s = signed_off(&e);
    assert!(
        e.step(&mut s, Input::parse("/skip"))
            .expect("step")
            .finished
    );
    // After the student's own /end, a second /end finishes as before.
    let (mut s, _) = e.start_accepted("software-backend", 4).expect("start");
    e.step(&mut s, Input::parse("/end")).expect("step");
    assert_eq!(s.phase, Phase::FollowUp);
    assert!(e.step(&mut s, Input::parse("/end")).expect("step").finished);
}

#[test]
fn a_refused_request_may_be_revised_twice_then_gets_a_request_only_card() {
    let e = engine();
    let poor = "hey can u give me a job";
    let mut s = e.start("journalism-editor", 1).expect("start");
    let mut finished = None;
    for _ in 0..tuning::REQUEST_TRIES {
        let out = e.step(&mut s, Input::Say(poor.into())).expect("step");
        if s.accepted() {
            return; // the rare yes
        }
        if out.finished {
            finished = Some(out);
            break;
        }
        assert!(out
            .events
            .iter()
            .any(|x| matches!(x, Event::RequestRetry { .. })));
    }
    let out = finished.expect("finished after the last try");
    assert_eq!(s.attempts.len(), tuning::REQUEST_TRIES);
    let card = out.scorecard.expect("card");
    assert!(card.request_only);
}

#[test]
fn the_professional_never_says_the_same_sentence_twice() {
    let e = engine();
    let (mut s, _) = e.start_accepted("software-backend", 9).expect("start");
    for _ in 0..12 {
        if s.phase != Phase::Conversation {
            break;
        }
        e.step(
            &mut s,
            Input::Say("What is a typical day like for you?".into()),
        )
        .expect("step");
    }
    let mut seen = std::collections::HashSet::new();
    for t in s.conversation_turns() {
        for x in lines::sentences(&t.reply) {
            assert!(seen.insert(x.clone()), "said twice: {x}");
        }
    }
}

#[test]
fn a_hint_in_the_request_phase_helps_with_the_request() {
    let e = engine();
    let mut s = e.start("journalism-editor", 2).expect("start");
    let out = e.step(&mut s, Input::Hint).expect("hint");
    match out.events.as_slice() {
        [Event::Hint { item, topic, .. }] => {
            assert!(item.starts_with("ask."), "{item}");
            assert!(topic.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert!(s.turns.is_empty() && s.request_text.is_none());
}

#[test]
fn a_compound_message_gets_its_main_question_answered_and_the_rest_acknowledged() {
    let e = engine();
    let (mut s, _) = e.start_accepted("software-backend", 6).expect("start");
    e.step(
        &mut s,
        Input::Say("How did you get started, what is hard, and what do you love about it?".into()),
    )
    .expect("step");
    let t = s.conversation_turns().last().expect("turn");
    let d = defaults::get();
    assert!(
        d.reactions
            .compound
            .iter()
            .any(|l| t.reply.contains(l.as_str())),
        "{}",
        t.reply
    );
    assert_eq!(
        t.counted()
            .iter()
            .filter(|x| x.verdict() == Verdict::Good)
            .count(),
        1
    );
}

#[test]
fn quoting_the_professional_is_never_a_job_ask() {
    // "You mentioned apprenticeship" echoes their word; it asks nothing for the student.
    let e = engine();
    let (mut s, _) = e.start_accepted("trades-electrician", 2).expect("start");
    e.step(
        &mut s,
        Input::Say("How did you end up doing this work?".into()),
    )
    .expect("step");
    let before = s.stance;
    e.step(
        &mut s,
        Input::Say("You mentioned apprenticeship there. What was that like for you?".into()),
    )
    .expect("step");
    let t = s.conversation_turns().last().expect("turn");
    assert!(!t.counts(Topic::JobAsk), "{t:?}");
    assert!(s.stance >= before);
    assert!(listen::quotes_them("You mentioned the start-up went bust."));
    assert!(!listen::quotes_them(
        "You mentioned openings, could I apply?"
    ));
}

#[test]
fn the_mutual_contact_is_greeted_only_when_the_request_names_them() {
    let e = engine();
    let sc = e.scenario("ux-research").expect("scenario").clone();
    let neutral = "Subject: Psychology student curious about UX research\n\nDear Mr Herrera, I'm Sam, \
a second-year psychology student. I read your article on testing with older patients and would love to \
hear how you got into UX research; I'm not looking for a job. Could we have a 20-minute video call in \
the next few weeks? I'll keep to time.";
    let named = neutral.replace(
        "I read your article on testing with older patients and",
        "Priya Raman suggested I write to you, and I",
    );
    let accepted_with = |text: &str| -> Vec<String> {
        (1..=12)
            .filter_map(|seed| {
                let mut s = e.start("ux-research", seed).expect("start");
                let out = e.step(&mut s, Input::Say(text.into())).expect("step");
                out.events.into_iter().find_map(|ev| match ev {
                    Event::RequestAnswered {
                        outcome: RequestOutcome::Accepted,
                        text,
                        ..
                    } => Some(text),
                    _ => None,
                })
            })
            .collect()
    };
    let plain = accepted_with(neutral);
    assert!(
        plain.len() >= 6,
        "a good request is mostly accepted: {plain:?}"
    );
    assert!(plain.iter().all(|t| !t.contains("Priya")), "{plain:?}");
    // Somebody else named: not the contact of the brief, so no greeting for Priya.
    let other = named.replace("Priya Raman", "Dr Chen");
    let elsewhere = accepted_with(&other);
    assert!(elsewhere.len() >= 6, "{elsewhere:?}");
    assert!(
        elsewhere.iter().all(|t| !t.contains("Priya")),
        "{elsewhere:?}"
    );
    let greeted = accepted_with(&named);
    assert!(greeted.len() >= 6, "{greeted:?}");
    assert!(
        greeted.iter().all(|t| sc
            .request
            .accept_named
            .iter()
            .any(|l| t.starts_with(l.as_str()))),
        "{greeted:?}"
    );
}

#[test]
fn a_contact_is_recognised_by_any_part_of_their_name() {
    use super::request::mentions_name;
    assert!(mentions_name(
        "Tomas Herrera passed on your name",
        "Tomás Herrera"
    ));
    assert!(mentions_name(
        "my tutor Ms. Byrne gave me your number",
        "Ms Byrne"
    ));
    assert!(mentions_name("Priya's colleague here", "Priya Raman"));
    assert!(!mentions_name("Ms Grant gave me your number", "Ms Byrne"));
    assert!(!mentions_name("Dr Chen suggested I write", "Dr. Ellis"));
    assert!(!mentions_name("Seanna suggested I call", "Sean"));
}
