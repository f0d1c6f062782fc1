//! The shipped scenario set, the validator's `file:line:column` reports on broken
//! fixtures, the published schema, and the `scenarios` commands.

use coffeechat::scenario::load;
use coffeechat::scenario::{Medium, Temperament};
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scenarios")
        .join(name)
}

fn check(name: &str) -> Vec<String> {
    load::check_paths(&[fixture(name)])
        .unwrap()
        .iter()
        .map(|d| {
            let s = d.to_string();
            // Paths are printed as given; keep the part from the fixture folder on.
            s[s.find(name).unwrap_or(0)..].to_string()
        })
        .collect()
}

#[test]
fn the_shipped_set_is_broad() {
    let set = load::load_embedded().unwrap();
    assert!(set.len() >= 8, "{} scenarios", set.len());
    let fields: HashSet<&str> = set.iter().map(|s| s.field.as_str()).collect();
    assert!(fields.len() >= 6, "{fields:?}");
    for m in [Medium::Coffee, Medium::Video, Medium::Phone, Medium::Email] {
        assert!(
            set.iter().any(|s| s.meeting.medium == m),
            "no {m:?} scenario"
        );
    }
    for t in [
        Temperament::Generous,
        Temperament::Busy,
        Temperament::Sceptical,
    ] {
        assert!(
            set.iter().any(|s| s.professional.temperament == t),
            "no {t:?} scenario"
        );
    }
    for s in set.iter() {
        assert!(s.insights.len() >= 2, "{}", s.id);
        assert!(s.tests.len() >= 3 || s.id == "software-backend", "{}", s.id);
    }
    // Referrals form links between scenarios.
    assert!(set.iter().filter(|s| s.referral.scenario.is_some()).count() >= 6);
}

#[test]
fn an_unknown_key_is_reported_with_its_position() {
    let d = check("unknown-key");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("unknown-key/a.toml:19:1: unknown field `busyness_level`"),
        "{}",
        d[0]
    );
    assert!(d[0].contains("hint:"));
}

#[test]
fn a_missing_topic_is_reported() {
    let d = check("missing-topic");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].contains("a.toml:72:2: no replies for topic `outlook`"),
        "{}",
        d[0]
    );
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let d = check("many");
    let want = [
        "a.toml:3:1: invalid id `Software Backend`",
        "a.toml:19:1: busyness 1.5 is outside 0.0-1.0",
        "a.toml:25:1: minutes 90 is outside 5-60",
        "a.toml:43:1: `meeting.dismiss` has no lines",
        "a.toml:221:3: unknown placeholder `{facts}`",
        "a.toml:278:1: no insight `no-such-insight` in this scenario",
    ];
    assert_eq!(d.len(), want.len(), "{d:#?}");
    for (got, w) in d.iter().zip(want) {
        assert!(got.contains(w), "{got} should contain {w}");
    }
}

#[test]
fn duplicate_ids_and_bad_references_are_errors() {
    let d = check("dupes");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].contains("b.toml:3:1: duplicate scenario id `software-backend`"),
        "{}",
        d[0]
    );
    assert!(d[0].contains("dupes/a.toml"));
    let d = check("badref");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].contains("a.toml:245:1: referral names unknown scenario `ux-reserch`"),
        "{}",
        d[0]
    );
    assert!(d[0].contains("did you mean ux-research?"));
}

#[test]
fn the_loader_refuses_a_broken_set() {
    let err = load::load_dir(&fixture("many")).unwrap_err().to_string();
    // Loaded on its own, the referral to `ux-research` is unknown too: 7 problems,
    // reported on one line that names the first and says how to see them all.
    assert!(err.contains("7 problem(s)"), "{err}");
    assert!(err.contains("a.toml:3:1: invalid id"), "{err}");
    assert!(err.contains("coffeechat scenarios check"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(load::load_dir(&fixture("does-not-exist")).is_err());
}

#[test]
fn the_published_schema_is_up_to_date() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/scenario.schema.json"
    ))
    .unwrap();
    assert_eq!(
        committed,
        coffeechat::cli::scenarios::schema_json(),
        "run `coffeechat scenarios schema > scenarios/scenario.schema.json`"
    );
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_coffeechat"))
}

#[test]
fn check_command_exits_1_and_lists_everything() {
    let out = bin()
        .args(["scenarios", "check"])
        .arg(fixture("many"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        s.lines().filter(|l| l.contains("a.toml:")).count(),
        6,
        "{s}"
    );
    let out = bin().args(["scenarios", "check"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // --scenarios with a broken directory is refused by every command.
    let out = bin()
        .args(["practice", "--scenarios"])
        .arg(fixture("many"))
        .args(["--script", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid id `Software Backend`"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn list_and_test_commands() {
    let out = bin()
        .args(["scenarios", "list", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 8);
    assert!(v[0]["professional"]["name"].is_string());
    let out = bin().args(["scenarios", "test"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{s}");
    assert!(s.contains(" passed, 0 failed"));
}
