//! Every Discord request the bot makes goes through [`retry`]: a deadline per
//! attempt and a bounded number of attempts.
//!
//! - **Timeouts.** serenity's HTTP client has no timeout of its own; the reqwest
//!   client built in [`super::build_http`] has [`REQUEST_TIMEOUT`], and each
//!   attempt here also has a deadline ([`Policy::attempt`]), because in
//!   production serenity's rate limiter would otherwise wait out 429s forever
//!   inside one call.
//! - **What is retried.** A 429 (Discord did not act on the request), a 5xx
//!   (500, 502, 503, 504) and a transport failure (timeout, connection refused or
//!   reset), each after a backoff with jitter. Never a 401 or 403 (repeating them
//!   gets the bot's IP banned), nor any other 4xx.
//! - **`retry_after`.** In production serenity's rate limiter is on: it reads the
//!   `X-RateLimit-*` headers and sleeps for `retry_after` itself, so a 429 rarely
//!   reaches this code. With the limiter off (the local stand-in), serenity 0.12.5
//!   returns the 429 at once and keeps neither its headers nor `retry_after` (its
//!   `ErrorResponse` holds only status, URL, method and the body's
//!   `code`/`message`); the backoff here stands in for it, short enough that a
//!   retried interaction callback still lands inside the 3-second window.
//!   `tests/discord_e2e.rs` measures both facts.
//! - **No duplicates.** A 5xx or a timeout may come after Discord acted, so a
//!   retried message send carries a `nonce` with `enforce_nonce` (see
//!   [`super::reply::post`]): Discord returns the first message instead of
//!   posting a second.

use poise::serenity_prelude as serenity;
use rand::Rng;
use std::future::Future;
use std::time::Duration;

/// The reqwest timeout of every Discord HTTP request in production.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How often and how long to wait, and how long one attempt may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The wait before the first retry; each later wait doubles, up to `max_wait`.
    pub first_wait: Duration,
    pub max_wait: Duration,
    /// The deadline of one attempt (the rate limiter's own waits included).
    pub attempt: Duration,
}

/// Waits of about 0.4, 0.8, 1.6 and 1.6 seconds: two retries still fit in an
/// interaction's 3-second window, four cover a limit that resets within 4.4 s.
pub const DEFAULT_POLICY: Policy = Policy {
    retries: 4,
    first_wait: Duration::from_millis(400),
    max_wait: Duration::from_millis(1600),
    attempt: Duration::from_secs(15),
};

impl Policy {
    /// The longest wait before retry number `retry` (1-based).
    pub fn wait(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(16);
        self.first_wait.saturating_mul(factor).min(self.max_wait)
    }

    /// The wait actually slept: between half of [`Self::wait`] and all of it, so
    /// many handlers hitting the same limit do not retry in step.
    pub fn jittered(&self, retry: u32) -> Duration {
        let full = self.wait(retry);
        let half = full / 2;
        let extra = rand::thread_rng().gen_range(0..=half.as_millis() as u64);
        half + Duration::from_millis(extra)
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

/// The error an attempt that passed its deadline is reported as.
pub const TIMED_OUT: &str = "the Discord request timed out";

/// Whether sending the request again may succeed: 429, 5xx, a timeout or a
/// connection failure. 401 and 403 never are.
pub fn is_transient(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            matches!(r.status_code.as_u16(), 429 | 500 | 502 | 503 | 504)
        }
        serenity::Error::Http(serenity::HttpError::Request(r)) => {
            r.is_timeout() || r.is_connect() || (r.is_request() && r.status().is_none())
        }
        serenity::Error::Other(m) => *m == TIMED_OUT,
        _ => false,
    }
}

/// Runs a Discord call with [`DEFAULT_POLICY`].
pub async fn retry<T, F, Fut>(f: F) -> Result<T, serenity::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, serenity::Error>>,
{
    retry_with(DEFAULT_POLICY, f).await
}

/// Runs a Discord call, sending it again after a transient failure as `policy`
/// says. Any other result, and the last failure, is returned as it is.
pub async fn retry_with<T, F, Fut>(policy: Policy, mut f: F) -> Result<T, serenity::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, serenity::Error>>,
{
    let mut retries = 0u32;
    loop {
        let out = match tokio::time::timeout(policy.attempt, f()).await {
            Ok(out) => out,
            Err(_) => Err(serenity::Error::Other(TIMED_OUT)),
        };
        match out {
            Err(e) if is_transient(&e) && retries < policy.retries => {
                retries += 1;
                let wait = policy.jittered(retries);
                // Described without the URL: webhook and interaction URLs carry tokens.
                tracing::warn!(
                    retry = retries,
                    wait_ms = wait.as_millis() as u64,
                    error = %super::error::describe(&e),
                    "Discord request failed; sending again"
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
        attempt: Duration::from_secs(5),
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
    async fn server_errors_are_sent_again() {
        for s in [500, 502, 503, 504] {
            let (out, calls) = run(&[s]).await;
            assert_eq!(out.unwrap(), 1);
            assert_eq!(calls, 2, "{s} was not retried");
        }
    }

    #[tokio::test]
    async fn a_hung_attempt_times_out_and_the_retries_are_bounded() {
        let calls = AtomicU32::new(0);
        let p = Policy {
            attempt: Duration::from_millis(20),
            ..FAST
        };
        let out: Result<(), _> = retry_with(p, || {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::pending()
        })
        .await;
        assert!(is_transient(&out.unwrap_err()));
        assert_eq!(calls.load(Ordering::SeqCst), 1 + p.retries);
    }

    #[tokio::test]
    async fn unauthorised_forbidden_and_other_errors_are_never_retried() {
        for s in [401, 403, 404, 400, 405] {
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
        for r in 1..=p.retries {
            let j = p.jittered(r);
            assert!(j >= p.wait(r) / 2 && j <= p.wait(r), "{j:?}");
        }
    }
}
