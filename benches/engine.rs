//! Engine benchmarks: one full turn (classify, update state, choose reply,
//! score) and loading every shipped scenario. Figures go to docs/BENCHMARKS.md.

use coffeechat::classify::Classifier;
use coffeechat::engine::Engine;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const MESSAGES: &[&str] = &[
    "Could you tell me about your career path so far?",
    "thx!! hw did u get into this field tbh",
    "What's the hardest part of the job, honestly?",
    "Thanks, that's great - are you hiring at the moment?",
    "I'm hoping to move into this area because I love solving real problems for people, and your path interests me.",
    "Where is your head office located?",
];

fn full_turn(c: &mut Criterion) {
    let set = coffeechat::scenario::load::load_embedded().expect("scenarios");
    let engine = Engine::new(set, Classifier::new());
    let id = engine
        .scenarios()
        .ids()
        .next()
        .expect("a scenario")
        .to_string();
    let (base, _) = engine.start_accepted(&id, 1).expect("start");
    let mut i = 0usize;
    c.bench_function("full_turn", |b| {
        b.iter_batched(
            || base.clone(),
            |mut s| {
                i = (i + 1) % MESSAGES.len();
                let ev = engine.send(&mut s, black_box(MESSAGES[i])).expect("send");
                let card = engine.scorecard(&s).expect("card");
                black_box((ev, card.total))
            },
            criterion::BatchSize::SmallInput,
        )
    });
    let classifier = engine.classifier().clone();
    c.bench_function("classify_only", |b| {
        b.iter(|| {
            i = (i + 1) % MESSAGES.len();
            black_box(classifier.classify(black_box(MESSAGES[i]), None))
        })
    });
}

fn load_scenarios(c: &mut Criterion) {
    c.bench_function("load_all_scenarios", |b| {
        b.iter(|| black_box(coffeechat::scenario::load::load_embedded().expect("scenarios")))
    });
    let data = coffeechat::classify::training_text();
    c.bench_function("classifier_train", |b| {
        b.iter(|| black_box(Classifier::from_data(black_box(&data))))
    });
}

criterion_group!(benches, full_turn, load_scenarios);
criterion_main!(benches);
