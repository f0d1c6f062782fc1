//! The fairness suite: claims about what the score and the professional do,
//! checked on transcripts written in several voices, on several scenarios and
//! seeds. Every claim goes through `Engine::step`, as the front ends do.
//!
//! Claims (issue 9): a keyword-free thoughtful conversation scores at least 85
//! and within 10 of one built from the sample questions; sharing what draws
//! you to the field never costs; disguised job asks make an assessor and
//! withhold the referral; `/end` straight after acceptance scores at most 15;
//! one crammed message at most 55; a specific note beats a generic one; no
//! sentence of the professional's is said twice in a conversation; a question
//! that refers back to a reply is answered from it in at least 3 of 4 cases.

use coffeechat::classify::Classifier;
use coffeechat::engine::{Engine, Input, Outcome, Phase, Session};
use coffeechat::scenario::Stance;
use coffeechat::score::Scorecard;
use std::collections::HashSet;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let set = coffeechat::scenario::load::load_embedded().expect("shipped scenarios load");
        Engine::new(set, Classifier::new())
    })
}

/// A strong request in a student's own words, filled for each scenario.
fn request(id: &str) -> String {
    let e = engine();
    let sc = e.scenario(id).expect("scenario");
    let subject = if sc.meeting.medium == coffeechat::scenario::Medium::Email {
        format!(
            "Subject: A student hoping to learn about {} from you\n\n",
            sc.field.to_lowercase()
        )
    } else {
        String::new()
    };
    format!(
        "{subject}Dear {name},\n\nI'm Jordan Pike, a second-year student at Eastbrook College; my tutor pointed me to you \
because of your experience as {role} at {org}. I'm weighing up {field} as a path and would value your perspective. \
Would you have 15 minutes for a short, informal chat sometime in the next few weeks? I'll keep to the 15 minutes. \
I'm not looking for a job or a referral, just your view of the work.\n\nWith thanks,\nJordan Pike",
        name = sc.professional.name,
        role = sc.professional.role.to_lowercase(),
        org = sc.organization.name,
        field = sc.field.to_lowercase(),
    )
}

/// One student move: a message, a command, or a question that picks up
/// something the professional just said (built from their last reply).
#[derive(Clone, Copy)]
enum Move {
    Say(&'static str),
    PickUp(&'static str),
}

/// Picks the most specific word of the last reply (the longest content word).
fn hook(reply: &str) -> Option<String> {
    const SKIP: &[&str] = &[
        "because",
        "something",
        "actually",
        "honestly",
        "everyone",
        "probably",
        "different",
        "whatever",
        "yourself",
        "people",
        "really",
        "though",
        "through",
        "thought",
        "challenging",
        "rewarding",
        "experience",
        "anything",
        "everything",
        "interesting",
        "important",
        "question",
        "questions",
        "sometimes",
        "anyway",
        "looking",
        "working",
        "career",
        "someone",
        "thinking",
        "things",
        "about",
        "would",
        "could",
        "should",
        "there",
        "their",
        "where",
        "which",
        "while",
        "years",
        "after",
        "before",
        "again",
    ];
    reply
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.chars().count() >= 5 && !SKIP.contains(&w.to_lowercase().as_str()))
        .max_by_key(|w| w.chars().count())
        .map(|w| w.to_lowercase())
}

struct Run {
    session: Session,
    card: Scorecard,
    outcomes: Vec<Outcome>,
}

fn run(id: &str, seed: u64, req: &str, moves: &[Move], note: Option<&str>) -> Run {
    let e = engine();
    let mut s = e.start(id, seed).expect("start");
    let mut outcomes = vec![e
        .step(&mut s, Input::Say(req.to_string()))
        .expect("request")];
    for m in moves {
        if s.phase != Phase::Conversation {
            break;
        }
        let text = match m {
            Move::Say(t) => t.to_string(),
            Move::PickUp(template) => {
                let last = s
                    .conversation_turns()
                    .last()
                    .map(|t| t.reply.clone())
                    .unwrap_or_default();
                match hook(&last) {
                    Some(w) => template.replace("{w}", &w),
                    None => continue,
                }
            }
        };
        outcomes.push(e.step(&mut s, Input::parse(&text)).expect("step"));
    }
    if s.phase == Phase::Conversation {
        outcomes.push(e.step(&mut s, Input::End).expect("end"));
    }
    if s.phase == Phase::Request {
        outcomes.push(e.step(&mut s, Input::End).expect("end"));
    }
    if s.phase == Phase::FollowUp {
        let input = note.map_or(Input::End, |n| Input::Say(n.to_string()));
        outcomes.push(e.step(&mut s, input).expect("note"));
    }
    let card = outcomes
        .iter()
        .rev()
        .find_map(|o| o.scorecard.clone())
        .expect("a finished session has a scorecard");
    Run {
        session: s,
        card,
        outcomes,
    }
}

const NOTE: &str = "Dear {name},\n\nThank you for the conversation this week. What you said about how your path \
took shape, and about the hard parts of the job, changed how I'm planning my next year: I've decided to take the \
option you suggested and I'll get in touch with the colleague you mentioned. I'll let you know how it goes.\n\nJordan";

fn note_for(id: &str) -> String {
    NOTE.replace(
        "{name}",
        &engine().scenario(id).expect("sc").professional.name,
    )
}

/// Thoughtful, in a student's own words, avoiding the sample questions' wording.
const THOUGHTFUL: &[Move] = &[
    Move::Say("Really glad we could do this. I'm leaning towards this line of work once I finish my course, mostly because I like solving practical problems for real people."),
    Move::Say("How did you end up doing what you do now? I'd love to hear the route you took."),
    Move::PickUp("You mentioned {w} there. What was that like for you?"),
    Move::Say("Which parts of the work wear you down, if any?"),
    Move::Say("And on a good week, what makes it feel worth it?"),
    Move::Say("Looking back, what would you tell your younger self starting out?"),
    Move::Say("Who else do you think would be good for me to speak with?"),
    Move::Say("Would you mind if I dropped you a line now and then to let you know how I'm getting on?"),
    Move::Say("Thanks so much for sharing all of that, it's been a big help."),
];

/// A second voice: casual, short messages, still keyword-free.
const CASUAL: &[Move] = &[
    Move::Say("hi, thanks for fitting me in! honestly I think I want to end up doing something like your job, it's why I asked"),
    Move::Say("so how did you land where you are now?"),
    Move::PickUp("wait, {w}? how did that happen?"),
    Move::Say("what's the part of it that gets to you?"),
    Move::Say("what do you get out of it that keeps you there?"),
    Move::Say("if you were me right now, what would you do first?"),
    Move::Say("is there anybody else you'd point me to?"),
    Move::Say("mind if I message you later on to say how it went?"),
    Move::Say("thank you, this was really useful"),
];

/// Built from the sample questions' wording.
const SAMPLE: &[Move] = &[
    Move::Say("Thanks so much for making the time to talk with me."),
    Move::Say(
        "I'm hoping to move into this field after I graduate, which is why your path interests me.",
    ),
    Move::Say("Could you walk me through how your career has unfolded so far?"),
    Move::Say("What do you find most challenging about your work?"),
    Move::Say("What do you find most rewarding about what you do?"),
    Move::Say("What advice would you give someone in my position?"),
    Move::Say("Is there anyone else you think I should talk to?"),
    Move::Say("Would it be alright if I kept in touch with you?"),
    Move::Say("Thank you so much, this has been really helpful."),
];

const SCENARIOS: &[&str] = &[
    "software-backend",
    "ux-research",
    "public-policy",
    "game-design",
];

#[test]
fn a_keyword_free_thoughtful_conversation_scores_like_the_sample_questions() {
    let mut compared = 0;
    let mut report = Vec::new();
    for (vname, voice) in [("thoughtful", THOUGHTFUL), ("casual", CASUAL)] {
        for sc in engine().scenarios().iter() {
            let id = &sc.id;
            for seed in 1..=3 {
                let req = request(id);
                let note = note_for(id);
                let own = run(id, seed, &req, voice, Some(&note));
                let sample = run(id, seed, &req, SAMPLE, Some(&note));
                if !own.session.accepted() || !sample.session.accepted() {
                    continue;
                }
                compared += 1;
                report.push(format!(
                    "{id}/{seed} ({vname}): own words {} vs sample {}",
                    own.card.total, sample.card.total
                ));
                assert!(
                    own.card.total >= 85,
                    "{id}/{seed}: the thoughtful conversation scored {}: {:#?}",
                    own.card.total,
                    own.card
                        .items
                        .iter()
                        .map(|i| (i.id.as_str(), i.points, i.max))
                        .collect::<Vec<_>>()
                );
                assert!(
                    own.card.total + 10 >= sample.card.total,
                    "{id}/{seed}: own words {} vs sample questions {}",
                    own.card.total,
                    sample.card.total
                );
            }
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        compared >= 8,
        "too few accepted runs to compare ({compared})"
    );
}

#[test]
fn sharing_what_draws_you_to_the_field_never_costs_a_point() {
    let without: &[Move] = &[
        Move::Say("How did you first find your way into this work?"),
        Move::Say("What is hardest about it day to day?"),
        Move::Say("What keeps you in it?"),
        Move::Say("Thank you, that was really useful."),
    ];
    let with_goal: &[Move] = &[
        Move::Say("How did you first find your way into this work?"),
        Move::Say("What is hardest about it day to day?"),
        Move::Say("What keeps you in it?"),
        Move::Say("Part of why I'm asking: I've always wanted a job where I can see the difference I make, and this field seems to offer that."),
        Move::Say("Thank you, that was really useful."),
    ];
    let compound: &[Move] = &[
        Move::Say("I'd like to work in this area after my degree, so I'm curious: how did you first find your way into it?"),
        Move::Say("What is hardest about it day to day?"),
        Move::Say("What keeps you in it?"),
        Move::Say("Thank you, that was really useful."),
    ];
    for id in SCENARIOS {
        for seed in 1..=3 {
            let req = request(id);
            let base = run(id, seed, &req, without, None);
            if !base.session.accepted() {
                continue;
            }
            for (name, moves) in [("extra message", with_goal), ("in the question", compound)] {
                let other = run(id, seed, &req, moves, None);
                assert!(
                    other.card.total >= base.card.total,
                    "{id}/{seed} ({name}): sharing a goal cost points: {} < {}",
                    other.card.total,
                    base.card.total
                );
                let g = other.card.item("talk.share_goals").map_or(0, |i| i.points);
                assert_eq!(g, 5, "{id}/{seed} ({name}): the goal was not credited");
                for i in &base.card.items {
                    let o = other.card.item(&i.id).map_or(0, |x| x.points);
                    assert!(
                        o >= i.points,
                        "{id}/{seed} ({name}): {} fell from {} to {o}",
                        i.id,
                        i.points
                    );
                }
            }
        }
    }
}

#[test]
fn disguised_job_asks_make_an_assessor_and_withhold_the_referral() {
    let asks = [
        "Would you be willing to keep my CV on file in case anything opens up on your team?",
        "Do you reckon I'd be a good fit here some day?",
        "If a junior spot came up, could you put a word in for me?",
    ];
    for id in ["software-backend", "ux-research"] {
        for (n, ask) in asks.iter().enumerate() {
            let seed = n as u64 + 1;
            let moves = [
                Move::Say("How did you end up doing what you do now?"),
                Move::Say(ask),
                Move::Say("Who else do you think would be good for me to speak with?"),
            ];
            let r = run(id, seed, &request(id), &moves, None);
            if !r.session.accepted() {
                continue;
            }
            assert_eq!(r.session.stance, Stance::Assessor, "{id}: \"{ask}\"");
            assert!(
                !r.session.referral_offered,
                "{id}: \"{ask}\" still got a referral"
            );
            assert!(
                r.card.item("talk.no_job").is_some_and(|i| i.points < 0),
                "{id}: \"{ask}\" cost nothing"
            );
        }
    }
}

#[test]
fn ending_straight_after_acceptance_scores_at_most_15() {
    for sc in engine().scenarios().iter() {
        let id = &sc.id;
        for seed in 1..=3 {
            let r = run(
                id,
                seed,
                &request(id),
                &[Move::Say("/end")],
                Some(&note_for(id)),
            );
            if !r.session.accepted() {
                continue;
            }
            assert!(
                r.card.total <= 15,
                "{id}/{seed}: /end after acceptance scored {}",
                r.card.total
            );
            assert!(
                r.card
                    .top_changes
                    .iter()
                    .all(|c| !c.item.starts_with("talk.")),
                "{id}/{seed}: coached a conversation that did not happen: {:?}",
                r.card.top_changes
            );
        }
    }
}

#[test]
fn one_crammed_message_scores_at_most_55() {
    let cram = "Hi, thanks for meeting! I want to go into this field. How did you get started, what's the hardest part, \
what do you love about it, what's a normal day, what courses helped, how is the industry doing, what would you do \
differently, what else did you consider, who else should I talk to, and can we stay in touch? Thanks!";
    for sc in engine().scenarios().iter() {
        let id = &sc.id;
        for seed in 1..=3 {
            let r = run(
                id,
                seed,
                &request(id),
                &[Move::Say(cram)],
                Some(&note_for(id)),
            );
            if !r.session.accepted() {
                continue;
            }
            assert!(
                r.card.total <= 55,
                "{id}/{seed}: one crammed message scored {}",
                r.card.total
            );
        }
    }
}

#[test]
fn a_specific_thank_you_note_beats_a_generic_one() {
    let generic = "Thanks for your time.";
    for id in SCENARIOS {
        for seed in 1..=3 {
            let req = request(id);
            let a = run(id, seed, &req, THOUGHTFUL, Some(&note_for(id)));
            let b = run(id, seed, &req, THOUGHTFUL, Some(generic));
            if !a.session.accepted() {
                continue;
            }
            assert!(
                a.card.total > b.card.total,
                "{id}/{seed}: specific note {} vs generic {}",
                a.card.total,
                b.card.total
            );
        }
    }
}

fn sentences(text: &str) -> Vec<String> {
    text.split(['.', '!', '?'])
        .map(|x| {
            x.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || c.is_whitespace())
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|x| x.split_whitespace().count() >= 3)
        .collect()
}

#[test]
fn no_sentence_of_the_professional_is_said_twice_in_a_conversation() {
    let repetitive: &[Move] = &[
        Move::Say("What does a normal day look like?"),
        Move::Say("And a typical day, what's in it?"),
        Move::Say("What do you spend most of your day on?"),
        Move::Say("What's an ordinary working day like for you?"),
        Move::Say("Thanks!"),
        Move::Say("Thanks again!"),
        Move::Say("Cheers, thank you."),
        Move::Say("Who else should I talk to?"),
        Move::Say("Anyone else you'd suggest?"),
        Move::Say("Is there someone else I could contact?"),
    ];
    let mut checked = 0;
    for sc in engine().scenarios().iter() {
        for seed in 1..=4 {
            for moves in [THOUGHTFUL, SAMPLE, repetitive] {
                let r = run(
                    &sc.id,
                    seed,
                    &request(&sc.id),
                    moves,
                    Some(&note_for(&sc.id)),
                );
                let mut seen = HashSet::new();
                for o in &r.outcomes {
                    for ev in &o.events {
                        let text = match ev {
                            coffeechat::engine::Event::Say { text, .. }
                            | coffeechat::engine::Event::ConversationEnded { text, .. } => text,
                            _ => continue,
                        };
                        for x in sentences(text) {
                            assert!(
                                seen.insert(x.clone()),
                                "{}/{seed}: said twice: \"{x}\"",
                                sc.id
                            );
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn a_question_referring_back_to_a_reply_is_answered_from_it() {
    let openers = [
        "How did you end up doing what you do now?",
        "What wears you down about the work?",
        "What does a normal week involve?",
        "What would you tell someone like me starting out?",
    ];
    let pickups = [
        "You mentioned {w}. Could you tell me more about that?",
        "Going back to the {w} bit, how did that play out?",
        "Interesting, {w}? What was that like?",
    ];
    let (mut asked, mut answered) = (0, 0);
    for sc in engine().scenarios().iter() {
        let id = sc.id.as_str();
        for seed in 1..=3u64 {
            for (i, opener) in openers.iter().enumerate() {
                let e = engine();
                let (mut s, _) = e.start_accepted(id, seed * 10 + i as u64).expect("start");
                e.step(&mut s, Input::Say(opener.to_string()))
                    .expect("step");
                let Some(prev) = s.conversation_turns().last().map(|t| t.reply.clone()) else {
                    continue;
                };
                let Some(w) = hook(&prev) else { continue };
                let q = pickups[(seed as usize + i) % pickups.len()].replace("{w}", &w);
                e.step(&mut s, Input::Say(q.clone())).expect("step");
                let Some(t) = s.conversation_turns().last() else {
                    continue;
                };
                asked += 1;
                // The answer picks up what was referred to: it comes from that
                // reply's follow-ups and shares a content word with the reply.
                let reply_words: HashSet<String> = words(&prev);
                let shares = words(&t.reply).iter().any(|x| reply_words.contains(x))
                    || t.reply.to_lowercase().contains(&stem(&w));
                if t.follow_up && shares {
                    answered += 1;
                } else {
                    eprintln!("not picked up: {prev:?} / {q:?} -> {:?}", t.reply);
                }
            }
        }
    }
    eprintln!("referring back answered in {answered} of {asked}");
    assert!(asked >= 12);
    assert!(
        answered * 4 >= asked * 3,
        "referring back answered in only {answered} of {asked}"
    );
}

/// The first five letters of a word: "estimating" and "estimates" share it.
fn stem(w: &str) -> String {
    w.chars().take(5).collect()
}

fn words(text: &str) -> HashSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5)
        .map(str::to_string)
        .collect()
}

#[test]
fn acceptance_follows_the_request_and_the_temperament() {
    let poor = "hi can i interview you about your job sometime";
    for sc in engine().scenarios().iter() {
        let id = sc.id.as_str();
        let strong = request(id);
        let mut yes_strong = 0;
        let mut yes_poor = 0;
        for seed in 1..=10 {
            let mut s = engine().start(id, seed).expect("start");
            engine()
                .step(&mut s, Input::Say(strong.clone()))
                .expect("step");
            yes_strong += usize::from(s.accepted());
            let mut p = engine().start(id, seed).expect("start");
            engine()
                .step(&mut p, Input::Say(poor.to_string()))
                .expect("step");
            yes_poor += usize::from(p.accepted());
        }
        let t = sc.professional.temperament;
        eprintln!(
            "{id} ({}): strong request accepted {yes_strong}/10, poor {yes_poor}/10",
            t.as_str()
        );
        if t != coffeechat::scenario::Temperament::Sceptical {
            assert!(
                yes_strong >= 9,
                "{id}: strong request accepted {yes_strong}/10"
            );
        }
        assert!(yes_poor <= 1, "{id}: poor request accepted {yes_poor}/10");
    }
}

/// Warms an ally with story questions, then asks who else to talk to three times.
#[test]
fn asking_again_for_someone_else_gives_a_second_name_then_an_honest_answer() {
    let e = engine();
    for sc in e.scenarios().iter() {
        let (mut s, _) = e.start_accepted(&sc.id, 2).expect("start");
        for m in [
            "I'm keen to build a career in this area once I finish studying.",
            "How did you end up in this line of work?",
            "What would you tell someone like me who is just starting?",
            "What first got you through the door?",
        ] {
            e.step(&mut s, Input::Say(m.into())).expect("step");
        }
        if s.stance != Stance::Ally || s.phase != Phase::Conversation {
            continue;
        }
        let mut names = Vec::new();
        for m in [
            "Is there anyone else you think I should talk to?",
            "Is there anyone else you'd suggest I reach out to?",
            "Anyone else at all I could contact?",
        ] {
            if s.phase != Phase::Conversation {
                break;
            }
            let out = e.step(&mut s, Input::Say(m.into())).expect("step");
            for ev in &out.events {
                if let coffeechat::engine::Event::ReferralOffered { name, .. } = ev {
                    names.push(name.clone());
                }
            }
        }
        let introducer_free = names.iter().all(|n| !sc.brief.contains(n.as_str()));
        assert!(
            introducer_free,
            "{}: referred to the introducer {names:?}",
            sc.id
        );
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(
            distinct.len(),
            names.len(),
            "{}: the same name twice",
            sc.id
        );
        if names.len() == 2 && s.phase == Phase::Conversation {
            let last = s.conversation_turns().last().expect("turn");
            assert!(
                !last.reply.is_empty() && !last.referral,
                "{}: a third ask gets an honest answer, not a name",
                sc.id
            );
        }
    }
}

#[test]
fn reporting_back_counts_however_the_student_refers_to_the_person() {
    let e = engine();
    let notes = [
        "Thank you for your time. I've already emailed {name} as you suggested, and I'll keep you posted.",
        "Thank you so much. I wrote to the colleague you recommended yesterday and I'll let you know how it goes.",
        "Many thanks. I've contacted the {role} you mentioned; I'll keep you updated.",
    ];
    let mut checked = 0;
    for seed in 1..=6 {
        let (mut s, _) = e.start_accepted("software-backend", seed).expect("start");
        for m in [
            "I'd love to work on backend systems after I graduate.",
            "How did you end up in backend engineering?",
            "What would you tell someone like me who is just starting?",
            "Is there anyone else you think I should talk to?",
        ] {
            if s.phase == Phase::Conversation {
                e.step(&mut s, Input::Say(m.into())).expect("step");
            }
        }
        if !s.referral_offered || s.phase != Phase::Conversation {
            continue;
        }
        e.step(&mut s, Input::End).expect("end");
        let sc = e.scenario("software-backend").expect("sc");
        let n = notes[(seed as usize) % notes.len()]
            .replace("{name}", &sc.referral.name)
            .replace("{role}", "UX researcher");
        let out = e.step(&mut s, Input::Say(n.clone())).expect("note");
        let card = out.scorecard.expect("card");
        let item = card.item("after.referral_done").expect("item");
        assert_eq!(item.points, item.max, "not credited: {n}");
        checked += 1;
    }
    assert!(checked >= 2, "too few referrals to check ({checked})");
}

#[test]
fn the_clock_warning_and_their_words_tell_one_story() {
    let e = engine();
    for sc in e.scenarios().iter() {
        let (mut s, _) = e.start_accepted(&sc.id, 5).expect("start");
        let qs = [
            "How did you get started?",
            "What is hardest about the work?",
            "What keeps you going?",
            "What is a normal day like?",
            "What would you do differently?",
            "Which courses helped most?",
            "How is the field changing?",
            "What else did you consider doing?",
            "What is your organisation like to work for?",
            "What do you enjoy most?",
            "What surprised you most?",
            "What would you tell your younger self?",
        ];
        for q in qs {
            if s.phase != Phase::Conversation {
                break;
            }
            let out = e.step(&mut s, Input::Say(q.into())).expect("step");
            let warn = out.events.iter().find_map(|ev| match ev {
                coffeechat::engine::Event::ClockWarning { minutes_left } => Some(*minutes_left),
                _ => None,
            });
            if let Some(left) = warn {
                let said = out
                    .events
                    .iter()
                    .rev()
                    .find_map(|ev| match ev {
                        coffeechat::engine::Event::Say { text, .. } => Some(text.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let numbers: Vec<u32> = said
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|x| x.parse().ok())
                    .collect();
                assert!(
                    numbers.iter().all(|n| *n == left),
                    "{}: clock says {left} left, they say {said:?}",
                    sc.id
                );
            }
        }
        // They leave at the time plus a small grace, never long after.
        assert!(
            s.minutes_left() >= -5,
            "{}: still talking {} over",
            sc.id,
            -s.minutes_left()
        );
    }
}

#[test]
fn a_session_stored_before_this_change_loads_and_finishes() {
    let e = engine();
    let mut s = e.start("software-backend", 3).expect("start");
    e.step(&mut s, Input::Say(request("software-backend")))
        .expect("request");
    if s.phase == Phase::Conversation {
        e.step(&mut s, Input::Say("How did you get into this work?".into()))
            .expect("step");
    }
    // Strip every field this change added, as an older version stored it.
    let mut v = serde_json::to_value(&s).expect("json");
    let obj = v.as_object_mut().expect("object");
    for k in [
        "attempts",
        "said",
        "referrals_named",
        "referral_names",
        "abandoned",
        "by_exchange",
    ] {
        obj.remove(k);
    }
    if let Some(turns) = obj.get_mut("turns").and_then(|t| t.as_array_mut()) {
        for t in turns {
            if let Some(t) = t.as_object_mut() {
                t.remove("penalised");
                t.remove("also");
                t.remove("follow_up");
            }
        }
    }
    let mut old: Session = serde_json::from_value(v).expect("an older session loads");
    if old.phase == Phase::Conversation {
        e.step(&mut old, Input::Say("What do you enjoy most?".into()))
            .expect("step");
    }
    let out = e.step(&mut old, Input::Finish).expect("finish");
    assert!(out.finished && out.scorecard.is_some());
}

#[test]
fn a_refused_request_can_be_revised_and_the_card_shows_what_changed() {
    let e = engine();
    let weak = "Hello, I am a student. Can I interview you about your career sometime?";
    for seed in 1..=10 {
        let mut s = e.start("finance-analyst", seed).expect("start");
        e.step(&mut s, Input::Say(weak.into())).expect("first try");
        if s.phase != Phase::Request {
            continue;
        }
        let out = e
            .step(&mut s, Input::Say(request("finance-analyst")))
            .expect("second try");
        let card = if out.finished {
            out.scorecard
        } else if s.phase == Phase::Request {
            e.step(&mut s, Input::End).expect("end").scorecard
        } else {
            e.step(&mut s, Input::Finish).expect("finish").scorecard
        }
        .expect("card");
        let persist = card.item("ask.persist").expect("ask.persist on the card");
        assert!(
            persist.note.contains("Try 1") && persist.note.contains("changed"),
            "{}",
            persist.note
        );
        return;
    }
    panic!("the weak request was never refused");
}

#[test]
fn an_unsure_reading_costs_nothing_and_gets_a_question_back() {
    let e = engine();
    let candidates = [
        "Do you reckon I'd be a good fit here some day?",
        "I've done a bit of coding myself, mostly small things.",
        "How big is the company these days?",
        "I suppose openings are rare?",
        "My project last year was similar, I think.",
        "Is the pay any good?",
    ];
    let (s0, _) = e.start_accepted("software-backend", 1).expect("start");
    let unsure: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| {
            let r = e.classify(Some(&s0), c);
            r.verdict == coffeechat::topic::Verdict::Bad && !r.penalised
        })
        .collect();
    for text in unsure {
        let (mut s, _) = e.start_accepted("software-backend", 1).expect("start");
        let before = s.stance;
        e.step(&mut s, Input::Say(text.into())).expect("step");
        assert_eq!(
            s.stance, before,
            "{text}: an unsure reading moved the stance"
        );
        e.step(&mut s, Input::End).expect("end");
        let card = e
            .step(&mut s, Input::End)
            .expect("skip")
            .scorecard
            .expect("card");
        for i in &card.items {
            assert!(
                i.points >= 0 && !i.evidence.iter().any(|x| x == text),
                "{text}: quoted or charged under {}",
                i.id
            );
        }
    }
}
