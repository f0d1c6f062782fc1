//! `coffeechat questions [--topic T]`: the question bank, grouped by topic.

use crate::questions;
use crate::topic::Topic;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct QuestionsArgs {
    /// Only this topic (e.g. career_path).
    #[arg(long)]
    pub topic: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: QuestionsArgs) -> anyhow::Result<ExitCode> {
    let topics: Vec<Topic> = match &args.topic {
        Some(t) => {
            let topic: Topic = t.parse()?;
            if questions::for_topic(topic).is_empty() {
                anyhow::bail!(
                    "`{topic}` is a topic to avoid, so the bank has no questions for it; try career_path or advice"
                );
            }
            vec![topic]
        }
        None => questions::topics(),
    };
    if args.json {
        let all: Vec<_> = topics
            .iter()
            .flat_map(|t| questions::for_topic(*t))
            .collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(ExitCode::SUCCESS);
    }
    for t in topics {
        println!("{} ({})", t.label(), t.as_str());
        for q in questions::for_topic(t) {
            println!("  - {}  [{}]", q.text, q.item);
        }
        println!();
    }
    Ok(ExitCode::SUCCESS)
}
