//! The boundaries the guide draws, as small tables: indirect job asks, goals
//! versus pitches, questions about the person at a named organisation, the
//! referral, courtesy and small talk; and the request and note readings, each
//! case one a career counsellor would judge the same way.

use coffeechat::classify::Classifier;
use coffeechat::engine::request::{evaluate_note_in, evaluate_request, NoteContext};
use coffeechat::scenario::{load::load_embedded, Medium};
use coffeechat::topic::{Topic, Verdict};
use std::sync::OnceLock;

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(Classifier::new)
}

/// Every text must read as one of `topics`.
fn reads_as(table: &[(&str, &[Topic])]) {
    let mut wrong = Vec::new();
    for (text, topics) in table {
        let got = classifier().classify(text, None);
        if !topics.contains(&got.topic) {
            wrong.push(format!("{text:?}: {} (wanted {topics:?})", got.topic));
        }
    }
    assert!(wrong.is_empty(), "misread:\n{}", wrong.join("\n"));
}

/// Every text must get `verdict`.
fn verdict_is(verdict: Verdict, texts: &[&str]) {
    let mut wrong = Vec::new();
    for text in texts {
        let got = classifier().classify(text, None);
        if got.verdict != verdict {
            wrong.push(format!("{text:?}: {} ({})", got.topic, got.verdict));
        }
    }
    assert!(wrong.is_empty(), "wanted {verdict}:\n{}", wrong.join("\n"));
}

#[test]
fn a_job_ask_is_a_job_ask_however_indirect_and_whichever_company_it_names() {
    use Topic::JobAsk;
    reads_as(&[
        ("Is Deloitte taking on graduates this year?", &[JobAsk]),
        ("Do you think I would fit in at Monzo some day?", &[JobAsk]),
        (
            "Could you keep my CV on file in case something opens up?",
            &[JobAsk],
        ),
        (
            "Please let me know of any openings on your team.",
            &[JobAsk],
        ),
        (
            "joining a team like yours is what I have hoped for since first year",
            &[JobAsk],
        ),
        (
            "if something comes up on your side I would be glad to hear",
            &[JobAsk],
        ),
        (
            "Would you be willing to pass my portfolio to your studio lead?",
            &[JobAsk],
        ),
    ]);
}

#[test]
fn an_indirect_job_ask_costs_points_only_when_surely_read() {
    for text in [
        "Could you keep my CV on file in case something opens up?",
        "Is your firm hiring graduates this year?",
    ] {
        let c = classifier().classify(text, None);
        assert!(c.penalised, "{text:?} should cost points: {c:?}");
    }
}

#[test]
fn what_draws_you_to_the_field_is_a_goal_and_a_list_of_merits_is_a_pitch() {
    use Topic::{SelfPitch, ShareGoals};
    reads_as(&[
        (
            "What draws me to nursing is being with people on their hardest days.",
            &[ShareGoals],
        ),
        (
            "I hope to work on housing policy because I grew up in temporary accommodation.",
            &[ShareGoals],
        ),
        (
            "My aim is to end up designing levels, it's the part of games I love most.",
            &[ShareGoals],
        ),
        (
            "I have a 3.8 GPA, two internships and I led the robotics society.",
            &[SelfPitch],
        ),
        (
            "I'm fluent in Python, SQL and Tableau and I topped my cohort in statistics.",
            &[SelfPitch],
        ),
    ]);
}

#[test]
fn sharing_a_goal_never_costs_a_point() {
    for text in [
        "What draws me to nursing is being with people on their hardest days.",
        "I've wanted to build bridges since I was a kid, that's why I'm studying civil engineering.",
    ] {
        let c = classifier().classify(text, None);
        assert!(!c.penalised, "{text:?} costs points: {c:?}");
    }
}

#[test]
fn questions_about_the_person_at_a_named_organisation_are_good_ground() {
    verdict_is(
        Verdict::Good,
        &[
            "What made you choose Arup over the other firms?",
            "What surprised you most after joining the Guardian?",
            "What does a normal week look like for you at Ubisoft?",
            "Do you enjoy the culture at PwC?",
        ],
    );
}

#[test]
fn researchable_is_what_the_scenarios_public_facts_answer() {
    let set = load_embedded().expect("shipped scenarios load");
    for sc in set.iter() {
        let name = &sc.organization.name;
        let fact = format!("When was {name} founded?");
        let c = classifier().classify(&fact, Some(&sc.organization));
        assert_eq!(c.topic, Topic::Researchable, "{fact}");
        let person = format!("What made you want to work at {name}?");
        let c = classifier().classify(&person, Some(&sc.organization));
        assert_eq!(c.verdict, Verdict::Good, "{person}: {}", c.topic);
    }
}

#[test]
fn using_their_name_is_part_of_the_referral() {
    use Topic::Referral;
    reads_as(&[
        (
            "Would it be all right to mention your name when I write to her?",
            &[Referral],
        ),
        (
            "Can I say you suggested I get in touch with him?",
            &[Referral],
        ),
        (
            "Is there anyone else you think I should talk to?",
            &[Referral],
        ),
    ]);
}

#[test]
fn scheduling_introductions_and_thanks_are_courtesy_and_small_talk_is_off_topic() {
    use Topic::{Courtesy, OffTopic};
    reads_as(&[
        (
            "would a short call one afternoon next week suit you?",
            &[Courtesy],
        ),
        (
            "Someone in the placements office pointed me your way.",
            &[Courtesy],
        ),
        ("Thanks so much, that's really helpful.", &[Courtesy]),
        (
            "Did you get up to anything nice at the weekend?",
            &[OffTopic],
        ),
        ("Do you play any sport in your free time?", &[OffTopic]),
    ]);
}

#[test]
fn closing_questions_ask_for_advice() {
    reads_as(&[
        (
            "Is there anything I should have asked you but didn't?",
            &[Topic::Advice],
        ),
        (
            "What do you wish you had known when you were where I am?",
            &[Topic::Advice],
        ),
    ]);
}

#[test]
fn a_compound_message_reports_every_act_and_a_red_flag_anywhere_counts() {
    let c = classifier().classify(
        "I've always wanted to work in conservation. How did you get your first job in it?",
        None,
    );
    assert_eq!(c.acts.len(), 2, "{c:?}");
    assert_eq!(c.verdict, Verdict::Good, "{c:?}");
    assert!(c.acts.iter().any(|a| a.topic == Topic::ShareGoals), "{c:?}");
    let c = classifier().classify(
        "I'd like to work in conservation after my degree, so I'm curious: how did you find your way in?",
        None,
    );
    assert_eq!(c.verdict, Verdict::Good, "{c:?}");
    assert!(
        c.acts.iter().any(|a| a.topic == Topic::ShareGoals),
        "the goal is an act of its own: {c:?}"
    );
    let c = classifier().classify(
        "Thanks, that's really useful. Is your team hiring at the moment?",
        None,
    );
    assert_eq!(c.topic, Topic::JobAsk, "{c:?}");
}

// ---- requests and notes, read by meaning ----

fn request(text: &str, medium: Medium, item: &str) -> i32 {
    let r = evaluate_request(classifier(), text, medium, None);
    r.check(item).map_or(i32::MIN, |c| c.points)
}

#[test]
fn a_first_name_year_and_course_say_who_you_are() {
    let t = "Hi Ms Grant, I'm Tom, a second-year geography student. Dr Sykes suggested I write. \
Could I have 20 minutes of your time for a short call about your work in flood planning?";
    let r = evaluate_request(classifier(), t, Medium::Phone, None);
    let id = r.check("ask.identify").expect("identify is scored");
    assert!(id.points >= 4, "{id:?}");
    assert!(!id.note.contains("who you are"), "{id:?}");
}

#[test]
fn wanting_a_perspective_rather_than_a_post_rules_out_a_job_ask() {
    let t = "Dear Dr Chen, I'm a final-year pharmacy student. I'm after your perspective on \
hospital pharmacy rather than a post. Could you spare 20 minutes for a call?";
    assert_eq!(request(t, Medium::Phone, "ask.no_job"), 4);
}

#[test]
fn a_job_ruled_out_in_a_comma_spliced_sentence_still_counts() {
    // Found playing a conversation in my own words: two clauses joined by a
    // comma, the second about what the student hopes to hear.
    let t = "Hi Ms Okafor, my name is Lina and I'm a second-year nursing student at Riverside \
College. My clinical instructor said you'd be a good person to ask about critical care. I'm not \
looking for a job, I'd just love to hear how you ended up in the ICU. Could we have a 15-minute \
phone call in the next two weeks?";
    assert_eq!(request(t, Medium::Phone, "ask.no_job"), 4);
}

#[test]
fn asking_by_email_is_the_right_framing_for_an_email_only_contact() {
    let t = "Subject: Journalism student with three questions about local news\n\nDear Ms Park, \
I'm a journalism student at Leeds. Would you be willing to answer a few questions by email? \
I know how busy you are and will keep them short.";
    assert_eq!(request(t, Medium::Email, "ask.framing"), 3);
}

#[test]
fn the_name_of_a_programming_language_is_not_text_speak() {
    let t = "Dear Mr Ito, I'm a second-year physics student at Bristol and I write most of my \
lab code in C and R. Professor Lund suggested I contact you about scientific software. Would \
you have 20 minutes for a video call in the next few weeks? I'm not looking for a job, only \
hoping to learn how you got into the field.";
    let r = evaluate_request(classifier(), t, Medium::Video, None);
    let b = r.check("ask.brief").expect("brief is scored");
    assert_eq!(b.points, 5, "{b:?}");
}

#[test]
fn a_long_but_specific_subject_line_is_not_junk() {
    let t = "Subject: Second-year nursing student at Leeds hoping to learn about paediatric \
intensive care nursing\n\nDear Ms Okafor, I'm a nursing student. Could I have 20 minutes?";
    assert!(request(t, Medium::Email, "ask.subject") >= 2);
    let junk = "Subject: HELLO!!! QUICK QUESTION\n\nDear Ms Okafor, I'm a nursing student.";
    assert_eq!(request(junk, Medium::Email, "ask.subject"), 1);
}

#[test]
fn offering_a_resume_in_case_it_helps_is_not_a_job_ask_but_asking_to_pass_it_on_is() {
    let offer = "Hello Ms Diaz, I'm a third-year accounting student. Professor Hall suggested \
I write to you. Could I have 15 minutes to hear how you moved into forensic audit? I can send \
my resume in case it helps.";
    let r = evaluate_request(classifier(), offer, Medium::Coffee, None);
    assert!(!r.job_ask, "{:?}", r.check("ask.no_job"));
    let ask = "Hello Ms Diaz, I'm a third-year accounting student. Could you pass my CV on to \
your hiring manager and keep it on file for graduate roles?";
    let r = evaluate_request(classifier(), ask, Medium::Coffee, None);
    assert!(r.job_ask);
    assert_eq!(r.check("ask.no_job").map(|c| c.points), Some(-4));
}

fn note(
    text: &str,
    referral: Option<&str>,
    said: &[&str],
) -> coffeechat::engine::request::NoteReport {
    let said: Vec<String> = said.iter().map(|s| s.to_string()).collect();
    evaluate_note_in(
        classifier(),
        &[text.to_string()],
        NoteContext {
            referral,
            said: &said,
        },
    )
}

fn points(r: &coffeechat::engine::request::NoteReport, item: &str) -> i32 {
    r.checks
        .iter()
        .find(|c| c.item == item)
        .map_or(i32::MIN, |c| c.points)
}

const SAID: &[&str] = &[
    "Applications for the summer internships open in September, so start your portfolio over the summer.",
    "Learning SQL early made the biggest difference for me.",
];

#[test]
fn warm_gratitude_without_the_word_thank_counts_as_thanks() {
    let r = note(
        "Dear Ms Rao, I really appreciated you making time for me on Tuesday, it meant a lot. \
I'll let you know how my applications go.",
        None,
        SAID,
    );
    assert!(points(&r, "after.thanks") >= 5, "{:?}", r.checks);
}

#[test]
fn a_one_line_thx_does_not_get_full_marks() {
    let r = note("thx for the chat!!", None, SAID);
    assert!(points(&r, "after.thanks") <= 2, "{:?}", r.checks);
}

#[test]
fn quoting_their_advice_about_internship_timing_is_not_a_job_ask() {
    let r = note(
        "Dear Ms Rao, thank you for your time yesterday. You mentioned that applications for \
the summer internships open in September, so I have started my portfolio now. I'll keep you posted.",
        None,
        SAID,
    );
    assert!(!r.job_ask, "{:?}", r.checks);
    assert_eq!(points(&r, "after.thanks"), 8, "{:?}", r.checks);
}

#[test]
fn a_job_ask_after_quoting_them_is_still_a_job_ask() {
    // Repeating their words makes a clause harmless, not the ask that follows it.
    let r = note(
        "Dear Ms Rao, thank you for your time yesterday. You mentioned that your team has \
openings this summer, so could you put me forward for one of the internships?",
        None,
        SAID,
    );
    assert!(r.job_ask, "{:?}", r.checks);
}

#[test]
fn reporting_back_on_the_person_you_mentioned_counts_without_their_name() {
    let r = note(
        "Thank you again for the conversation. I've written to the person you mentioned and \
we are talking next week.",
        Some("Marcus Lee"),
        SAID,
    );
    assert_eq!(points(&r, "after.referral_done"), 3, "{:?}", r.checks);
}

#[test]
fn a_specific_note_beats_a_generic_one() {
    let specific = note(
        "Dear Ms Rao, thank you for meeting me. Your point about learning SQL early stuck with \
me, so I've signed up for the database module. I'll let you know how it goes.",
        None,
        SAID,
    );
    let generic = note(
        "Dear Ms Rao, thank you for meeting me. It was very helpful and I learned a lot. I'll \
let you know how things go.",
        None,
        SAID,
    );
    let total = |r: &coffeechat::engine::request::NoteReport| -> i32 {
        r.checks.iter().map(|c| c.points).sum()
    };
    assert!(
        total(&specific) > total(&generic),
        "specific {:?} generic {:?}",
        specific.checks,
        generic.checks
    );
}

#[test]
fn a_hidden_job_ask_in_a_note_costs() {
    let r = note(
        "Thank you for your time. If anything opens up on your team, I would love to be \
considered.",
        None,
        SAID,
    );
    assert!(r.job_ask, "{:?}", r.checks);
    assert!(points(&r, "after.thanks") < 0, "{:?}", r.checks);
}
