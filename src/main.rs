//! The `coffeechat` binary: parses the command line and hands over to `coffeechat::cli`.
#![warn(clippy::unwrap_used)]

fn main() -> std::process::ExitCode {
    coffeechat::cli::main()
}
