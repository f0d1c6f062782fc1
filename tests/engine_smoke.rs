use coffeechat::classify::Classifier;
use coffeechat::engine::Engine;

#[test]
fn smoke() {
    let set = coffeechat::scenario::load::load_embedded().unwrap();
    let e = Engine::new(set, Classifier::new());
    let mut s = e.start("software-backend", 1).unwrap();
    let ev = e.send(&mut s, "Dear Ms Raman, my name is Sam, a student of Dr. Ellis, who suggested I contact you because of your experience. Could I have 20 minutes for a chat over coffee? I promise to keep it to 20 minutes. I'm not asking for a job.").unwrap();
    println!("{ev:#?}");
    for m in [
        "I'm hoping to move into backend work.",
        "How did you get into this field?",
        "What's the hardest part of your job?",
        "What advice would you give me?",
        "Is there anyone else I should talk to?",
        "Thank you so much!",
    ] {
        let ev = e.send(&mut s, m).unwrap();
        println!("{m}\n{ev:#?}");
    }
    e.end_conversation(&mut s).unwrap();
    e.send(
        &mut s,
        "Thank you for your time. I wrote to Marcus. I'll keep you posted.",
    )
    .unwrap();
    e.finish(&mut s).unwrap();
    let card = e.scorecard(&s).unwrap();
    println!("{}", serde_json::to_string_pretty(&card).unwrap());
}
