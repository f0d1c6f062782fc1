//! The bot's own retry of Discord's 429 (Too Many Requests).
//!
//! In production serenity's rate limiter is on: it reads the `X-RateLimit-*`
//! headers, waits before a request would hit a limit and, on a 429, sleeps for
//! `retry_after` and sends again, so a 429 rarely reaches the bot. Against the
//! local stand-in the limiter must be off (serenity ignores the base URL while it
//! is on), and then serenity 0.12.5 returns a 429 at once as
//! `Error::Http(UnsuccessfulRequest)` after a single request. Its
//! `ErrorResponse` keeps only the status, URL, method and the body's
//! `code`/`message`: the headers and `retry_after` are dropped (a body without
//! `code`, as Discord's 429 usually is, does not even decode). The bot therefore
//! cannot see `retry_after` on this path and waits a bounded backoff instead,
//! short enough that a retried interaction callback still lands inside
//! Discord's 3-second window. `tests/discord_e2e.rs` measures both facts.
//!
//! Only a 429 is retried: a 429 means Discord did not act on the request, so
//! sending it again cannot duplicate a message. 401 and 403 are never retried
//! (repeating them gets the bot's IP banned), nor is anything else.

use poise::serenity_prelude as serenity;
use std::future::Future;
use std::time::Duration;

/// How often and how long to wait on a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The wait before the first retry; each later wait doubles, up to `max_wait`.
    pub first_wait: Duration,
    pub max_wait: Duration,
}

/// Waits of 0.4, 0.8, 1.6 and 1.6 seconds: two retries still fit in an
/// interaction's 3-second window, four cover a limit that resets within 4.4 s.
pub const DEFAULT_POLICY: Policy = Policy {
    retries: 4,
    first_wait: Duration::from_millis(400),
    max_wait: Duration::from_millis(1600),
};

impl Policy {
    /// The wait before retry number `retry` (1-based).
    pub fn wait(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(16);
        self.first_wait.saturating_mul(factor).min(self.max_wait)
    }
}

/// The HTTP status of a failed Discord call, if it got as far as a response.
pub fn status_of(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            Some(r.status_code.as_u16())
        }
        _ => None,
    }
}

/// Whether an error is Discord's 429.
pub fn is_rate_limited(e: &serenity::Error) -> bool {
    status_of(e) == Some(429)
}

/// Runs a Discord call with [`DEFAULT_POLICY`].
pub async fn retry<T, F, Fut>(f: F) -> Result<T, serenity::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, serenity::Error>>,
{
    retry_with(DEFAULT_POLICY, f).await
}

/// Runs a Discord call, sending it again after a 429 as `policy` says. Any other
/// result, and the last 429, is returned as it is.
pub async fn retry_with<T, F, Fut>(policy: Policy, mut f: F) -> Result<T, serenity::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, serenity::Error>>,
{
    let mut retries = 0u32;
    loop {
        match f().await {
            Err(e) if is_rate_limited(&e) && retries < policy.retries => {
                retries += 1;
                let wait = policy.wait(retries);
                // The URL is not logged: webhook and interaction URLs carry tokens.
                tracing::warn!(
                    retry = retries,
                    wait_ms = wait.as_millis() as u64,
                    "rate limited by Discord (429); sending again"
                );
                tokio::time::sleep(wait).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    async fn error(status: u16, body: &str) -> serenity::Error {
        let resp = axum::http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
            .unwrap();
        let resp = reqwest::Response::from(resp);
        let er = serenity::ErrorResponse::from_response(resp, reqwest::Method::POST).await;
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(er))
    }

    const FAST: Policy = Policy {
        retries: 3,
        first_wait: Duration::from_millis(1),
        max_wait: Duration::from_millis(2),
    };

    async fn run(statuses: &[u16]) -> (Result<u32, serenity::Error>, u32) {
        let calls = AtomicU32::new(0);
        let out = retry_with(FAST, || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) as usize;
            match statuses.get(n) {
                Some(&s) => Err(error(s, r#"{"message": "no", "code": 0}"#).await),
                None => Ok(n as u32),
            }
        })
        .await;
        (out, calls.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn a_429_is_sent_again_until_it_succeeds() {
        let (out, calls) = run(&[429, 429]).await;
        assert_eq!(out.unwrap(), 2);
        assert_eq!(calls, 3);
    }

    #[tokio::test]
    async fn retries_are_bounded() {
        let (out, calls) = run(&[429; 10]).await;
        assert_eq!(status_of(&out.unwrap_err()), Some(429));
        assert_eq!(calls, 1 + FAST.retries);
    }

    #[tokio::test]
    async fn unauthorised_forbidden_and_other_errors_are_never_retried() {
        for s in [401, 403, 404, 400, 500] {
            let (out, calls) = run(&[s, s]).await;
            assert_eq!(status_of(&out.unwrap_err()), Some(s));
            assert_eq!(calls, 1, "{s} was retried");
        }
    }

    #[tokio::test]
    async fn discords_429_body_without_code_is_still_a_429() {
        let e = error(
            429,
            r#"{"message": "You are being rate limited.", "retry_after": 0.2, "global": false}"#,
        )
        .await;
        assert!(is_rate_limited(&e));
    }

    #[test]
    fn waits_double_up_to_the_cap_and_fit_an_interaction_window() {
        let p = DEFAULT_POLICY;
        let waits: Vec<u128> = (1..=p.retries).map(|r| p.wait(r).as_millis()).collect();
        assert_eq!(waits, [400, 800, 1600, 1600]);
        // Two retries of an interaction callback leave time before the 3 s deadline.
        assert!(p.wait(1) + p.wait(2) < Duration::from_secs(2));
        assert_eq!(p.wait(40), p.max_wait);
    }
}
