//! The `practice --script --json` and `questions` commands, end to end through the binary.

use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_coffeechat"));
    c.env_remove("DATABASE_URL");
    c
}

fn model_script(dir: &std::path::Path) -> std::path::PathBuf {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/transcripts/model.txt"
    ))
    .unwrap();
    let text = raw
        .replace("{subject}", "")
        .replace("{name}", "Priya Raman")
        .replace("{role}", "senior backend engineer")
        .replace("{org}", "Northwind Logistics")
        .replace("{field}", "software engineering")
        .replace("{referral}", "Tomás Herrera");
    let p = dir.join("model.txt");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn scripted_replay_prints_the_documented_json() {
    let dir = tempfile::tempdir().unwrap();
    let script = model_script(dir.path());
    let out = bin()
        .args([
            "practice",
            "--scenario",
            "software-backend",
            "--seed",
            "3",
            "--json",
            "--no-save",
            "--script",
        ])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["accepted"].is_boolean());
    assert!(["ally", "neutral", "assessor"].contains(&v["final_stance"].as_str().unwrap()));
    assert!(v["referral_offered"].is_boolean());
    let total = v["score"]["total"].as_u64().unwrap();
    assert!(total <= 100);
    if v["accepted"].as_bool().unwrap() {
        assert!(["student", "professional", "time"].contains(&v["ended_by"].as_str().unwrap()));
        let items = v["score"]["items"].as_object().unwrap();
        assert!(items.contains_key("talk.their_story"));
        for (id, item) in items {
            assert!(coffeechat::advice::get(id).is_some(), "unknown item {id}");
            assert!(item["points"].is_i64());
            assert!(item["evidence"].is_array());
        }
        let turns = v["turns"].as_array().unwrap();
        assert!(turns.len() > 3);
        for t in turns {
            for k in [
                "message",
                "topic",
                "verdict",
                "reply",
                "stance",
                "minutes_used",
            ] {
                assert!(!t[k].is_null(), "turn lacks {k}: {t}");
            }
        }
    }
    // The same seed gives byte-identical output.
    let again = bin()
        .args([
            "practice",
            "--scenario",
            "software-backend",
            "--seed",
            "3",
            "--json",
            "--no-save",
            "--script",
        ])
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn a_declined_request_runs_no_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rude.txt");
    std::fs::write(
        &p,
        "hey r u hiring? gimme a job\n---\nHow did you get into this field?\n---\n/end\n---\nthx",
    )
    .unwrap();
    let mut declined = 0;
    for seed in 1..=10 {
        let out = bin()
            .args([
                "practice",
                "--scenario",
                "software-backend",
                "--json",
                "--no-save",
                "--seed",
            ])
            .arg(seed.to_string())
            .arg("--script")
            .arg(&p)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        if !v["accepted"].as_bool().unwrap() {
            declined += 1;
            assert!(v["ended_by"].is_null());
            let turns = v["turns"].as_array().unwrap();
            assert_eq!(turns.len(), 1, "only the request is a turn: {v}");
            assert!(v["score"]["total"].as_u64().unwrap() < 20);
        }
    }
    assert!(
        declined >= 7,
        "a rude job ask should mostly be declined or ignored ({declined}/10)"
    );
}

#[test]
fn unknown_scenario_and_missing_script_are_one_line_errors() {
    let out = bin()
        .args([
            "practice",
            "--scenario",
            "nope",
            "--script",
            "x.txt",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no scenario `nope`"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let out = bin()
        .args([
            "practice",
            "--scenario",
            "software-backend",
            "--script",
            "/nonexistent/x.txt",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reading script"));
}

#[test]
fn questions_lists_the_bank_by_topic() {
    let out = bin()
        .args(["questions", "--topic", "career_path"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("talk.their_story"));
    assert!(!s.contains("talk.referral"));
    let out = bin()
        .args(["questions", "--topic", "job_ask"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = bin()
        .args(["questions", "--topic", "nonsense"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown topic"));
}

#[test]
fn the_bot_explains_a_missing_token_and_an_unreachable_database_in_one_line() {
    let out = bin()
        .args(["bot"])
        .env_remove("DISCORD_TOKEN")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DISCORD_TOKEN is not set"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let out = bin()
        .args(["bot"])
        .env("DISCORD_TOKEN", "not-a-real-token")
        .env(
            "DATABASE_URL",
            "postgres://nobody:secret-pw@127.0.0.1:1/none",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot open the database (postgres)"), "{err}");
    assert!(
        !err.contains("secret-pw") && !err.contains("not-a-real-token"),
        "secrets leaked: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
