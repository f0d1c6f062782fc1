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
        assert!(s.tests.len() >= 3, "{}", s.id);
        // Every professional can refer the student to the professional of another scenario.
        let target = s.referral.scenario.as_deref();
        assert!(
            target.is_some_and(|t| t != s.id && set.get(t).is_some()),
            "{}: referral {target:?}",
            s.id
        );
    }
}

#[test]
fn every_reply_has_variants_in_each_tone() {
    // The authoring guideline: 2-3 variants for ally and neutral, 1-2 for assessor,
    // so a second question on a topic does not get the same words back.
    let set = load::load_embedded().unwrap();
    for s in set.iter() {
        for (topic, lines) in &s.replies {
            let (a, n, x) = (lines.ally.len(), lines.neutral.len(), lines.assessor.len());
            assert!(
                (2..=3).contains(&a) && (2..=3).contains(&n) && (1..=2).contains(&x),
                "{} {topic}: {a} ally, {n} neutral, {x} assessor",
                s.id
            );
        }
    }
}

#[test]
fn the_fixture_base_is_sound() {
    // Every file in kinds/ is this one with one kind of mistake, so the problems
    // reported there come from that mistake alone.
    assert_eq!(check("base.toml"), Vec::<String>::new());
}

/// Each kind of mistake, the file that shows it, and every `file:line:column: message`
/// expected, in order (message prefixes; hints are checked separately).
const KINDS: &[(&str, &[&str])] = &[
    ("syntax", &["syntax.toml:3:19: invalid basic string"]),
    ("wrong-type", &["wrong-type.toml:18:11: invalid type: string \"twenty\", expected u32"]),
    ("bad-enum", &["bad-enum.toml:12:15: unknown variant `grumpy`, expected one of `generous`, `busy`, `sceptical`"]),
    ("unknown-topic", &["unknown-topic.toml:47:1: unknown variant `salary`, expected one of `career_path`"]),
    ("missing-key", &["missing-key.toml:1:1: missing field `field`"]),
    ("unknown-key", &["unknown-key.toml:15:1: unknown field `warmt`, expected one of"]),
    ("bad-id", &["bad-id.toml:2:1: invalid id `Fixture Base`"]),
    (
        "out-of-range",
        &[
            "out-of-range.toml:13:1: busyness 1.5 is outside 0.0-1.0",
            "out-of-range.toml:14:1: patience 0 is outside 1..10",
            "out-of-range.toml:15:1: warmth -4 is outside -3..3",
            "out-of-range.toml:19:1: minutes 90 is outside 5-60",
        ],
    ),
    (
        "empty-lists",
        &[
            "empty-lists.toml:22:1: `meeting.farewell` has no lines",
            "empty-lists.toml:36:1: `replies.entry.neutral` has no lines",
            "empty-lists.toml:57:10: empty line",
            "empty-lists.toml:63:1: `referral.hold_back` has no lines",
        ],
    ),
    ("missing-reply", &["missing-reply.toml:34:2: no replies for topic `outlook`"]),
    ("not-good-topic", &["not-good-topic.toml:48:1: `job_ask` is not a good topic; replies to it go under [reactions]"]),
    ("phone-without-ready-now", &["phone-without-ready-now.toml:25:2: a phone scenario needs `ready_now` lines"]),
    ("ready-now-not-phone", &["ready-now-not-phone.toml:29:1: `ready_now` only applies to phone scenarios"]),
    (
        "too-long",
        &[
            "too-long.toml:3:1: `title` is 90 characters; the limit is 80",
            "too-long.toml:5:1: `summary` is 205 characters; the limit is 200",
            "too-long.toml:19:22: line is 1505 characters; the limit is 1500",
        ],
    ),
    (
        "placeholders",
        &[
            "placeholders.toml:54:14: unknown placeholder `{name}` (hint: no placeholders are filled in here",
            "placeholders.toml:62:10: unknown placeholder `{fact}` (hint: only {name} and {role} are filled in here)",
            "placeholders.toml:69:1: unknown placeholder `{org}`",
        ],
    ),
    (
        "insights",
        &[
            "insights.toml:74:1: duplicate insight id `a-secret` (also insight 1)",
            "insights.toml:75:1: insight topic `job_ask` is not a good topic",
            "insights.toml:84:1: no insight `no-secret` in this scenario",
        ],
    ),
    ("referral-unknown", &["referral-unknown.toml:62:1: referral names unknown scenario `nursing-uci` (hint: did you mean nursing-icu?)"]),
    ("referral-mismatch", &["referral-mismatch.toml:60:1: referral name `Kim Other` is not the professional of scenario `nursing-icu` (Amara Okafor) (hint: set referral.name = \"Amara Okafor\""]),
    ("referral-self", &["referral-self.toml:62:1: a referral must point to another scenario, not to this one"]),
    ("bad-avatar", &["bad-avatar.toml:15:1: avatar_url `ftp://example.com/me.png` is not an https:// address"]),
    (
        "tests",
        &[
            "tests.toml:79:1: duplicate test name (also test 1)",
            "tests.toml:80:1: a test needs at least one line to say",
        ],
    ),
];

#[test]
fn every_kind_of_error_is_located_exactly() {
    let files = std::fs::read_dir(fixture("kinds")).unwrap().count();
    assert_eq!(
        files,
        KINDS.len(),
        "a fixture in kinds/ has no expectation here"
    );
    for (kind, want) in KINDS {
        let got = check(&format!("kinds/{kind}.toml"));
        let got: Vec<&str> = got.iter().map(|g| g.trim_start_matches("kinds/")).collect();
        assert_eq!(got.len(), want.len(), "{kind}: {got:#?}");
        for (g, w) in got.iter().zip(want.iter()) {
            assert!(g.starts_with(w), "{kind}:\n got  {g}\n want {w}");
            assert!(g.contains(" (hint: "), "{kind}: no hint in {g}");
        }
    }
}

#[test]
fn an_unreadable_path_is_a_problem_not_a_crash() {
    let d = load::check_paths(&[fixture("does-not-exist.toml")]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].to_string()
            .contains("does-not-exist.toml:1:1: cannot read"),
        "{}",
        d[0]
    );
    let empty = tempfile::tempdir().unwrap();
    let d = load::check_paths(&[empty.path().to_path_buf()]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("no scenario files"), "{}", d[0]);
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
    // Both places of a duplicate are reported, each pointing at the other.
    let d = check("dupes");
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[0].starts_with("dupes/a.toml:3:1: duplicate scenario id `software-backend` (also at ")
            && d[0].contains("dupes/b.toml:3:1)"),
        "{}",
        d[0]
    );
    assert!(
        d[1].starts_with("dupes/b.toml:3:1: duplicate scenario id `software-backend` (also at ")
            && d[1].contains("dupes/a.toml:3:1)"),
        "{}",
        d[1]
    );
    let d = check("badref");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].starts_with("badref/a.toml:245:1: referral names unknown scenario `ux-reserch`"),
        "{}",
        d[0]
    );
    assert!(d[0].contains("did you mean ux-research?"));
}

#[test]
fn the_loader_refuses_a_broken_set() {
    let err = load::load_dir(&fixture("many")).unwrap_err().to_string();
    // The same 6 problems `check` lists (its referral to the shipped `ux-research`
    // is fine), reported on one line that names the first and says how to see them all.
    assert!(err.contains("6 problem(s)"), "{err}");
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
    let rows = v.as_array().unwrap();
    assert!(rows.len() >= 8);
    for r in rows {
        for key in ["id", "title", "field", "medium", "temperament"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
        assert!(r["minutes"].is_u64(), "{r}");
        for key in ["name", "role", "organization"] {
            assert!(r["professional"][key].is_string(), "{key} in {r}");
        }
    }
    // The table for people: a header, then one row per scenario.
    let out = bin().args(["scenarios", "list"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("TEMPERAMENT"),
        "{table}"
    );
    assert_eq!(lines.len(), rows.len() + 1, "{table}");
    assert!(
        lines.iter().any(|l| l.starts_with("nursing-icu ")
            && l.contains(" phone ")
            && l.contains(" busy ")
            && l.contains("Amara Okafor, ICU Charge Nurse, St Brigid's Hospital")),
        "{table}"
    );

    let out = bin().args(["scenarios", "test"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{s}");
    assert!(s.contains(" passed, 0 failed"), "{s}");
    assert!(!s.contains("FAIL"), "{s}");
    // Only the named scenario's tests run.
    let out = bin()
        .args(["scenarios", "test", "nursing-icu"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{s}");
    assert!(s
        .lines()
        .filter(|l| l.starts_with("PASS "))
        .all(|l| l.starts_with("PASS nursing-icu ")));
    let out = bin()
        .args(["scenarios", "test", "no-such-id"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nursing-icu"));
}

#[test]
fn a_failing_scenario_test_says_what_differed() {
    let out = bin()
        .args(["scenarios", "--scenarios"])
        .arg(fixture("selftest"))
        .arg("test")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    let want = [
        "PASS fixture-base · a story question keeps the meeting going",
        "FAIL fixture-base · wrong on purpose",
        "     stance is neutral (expected assessor)",
        "     insight `a-secret` was not revealed (revealed: [])",
        "1 passed, 1 failed",
    ];
    assert_eq!(s.lines().collect::<Vec<_>>(), want, "{s}");
}

#[test]
fn a_folder_that_check_passes_always_loads() {
    // A new file that refers to a shipped scenario: `check` accepts it, and so must
    // `--scenarios DIR`, or staff would see "ok" and then a refusal.
    let base = std::fs::read_to_string(fixture("base.toml")).unwrap();
    let text = base.replace(
        "name = \"Kim Other\"\nrole = \"another tester\"",
        "name = \"Amara Okafor\"\nrole = \"ICU charge nurse\"\nscenario = \"nursing-icu\"",
    );
    assert_ne!(text, base);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("new.toml"), text).unwrap();
    assert_eq!(load::check_paths(&[dir.path().to_path_buf()]), vec![]);
    let set = load::load_dir(dir.path()).unwrap();
    assert_eq!(set.ids().collect::<Vec<_>>(), ["fixture-base"]);
}
