//! Failed sign-ins slow down further attempts on the same account.
//!
//! Every attempt counts from the moment it begins (so concurrent guesses cannot all slip in
//! before the first one fails) until it succeeds. After [`FREE_FAILURES`] attempts without a
//! success, each further attempt must wait a delay that
//! doubles from one second up to [`MAX_DELAY`]; until then attempts are refused with
//! `RATE_LIMITED` before any password is hashed. The cap means an attacker can slow the real
//! owner down to one try a minute but never lock them out, and a success clears the count.
//! The state is in memory, per server copy: it bounds guessing per copy, not globally.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FREE_FAILURES: u32 = 5;
const MAX_DELAY: Duration = Duration::from_secs(60);
/// Accounts tracked at once; past this, entries whose delay has run out are forgotten.
const MAX_TRACKED: usize = 100_000;

#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

/// Attempts without a success since the last one, and when the latest began.
#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next attempt may be made.
    fn allowed_from(&self) -> Instant {
        match self.count.checked_sub(FREE_FAILURES) {
            None => self.last,
            Some(over) => {
                let delay = Duration::from_secs(1u64 << over.min(6)).min(MAX_DELAY);
                self.last + delay
            }
        }
    }
}

impl SignInThrottle {
    /// Starts an attempt on `account`, counted as failed until [`Self::succeeded`] says
    /// otherwise; or how long the account must wait first.
    pub fn begin(&self, account: &str) -> Result<(), Duration> {
        let Ok(mut failures) = self.failures.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        if let Some(from) = failures.get(account).map(Failures::allowed_from)
            && from > now
        {
            return Err(from - now);
        }
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, entry| entry.allowed_from() + MAX_DELAY > now);
        }
        let entry = failures
            .entry(account.to_owned())
            .or_insert(Failures { count: 0, last: now });
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        Ok(())
    }

    pub fn succeeded(&self, account: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(account);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_attempts_and_a_success_clears_them() {
        let throttle = SignInThrottle::default();
        // Attempts count as they begin: concurrent ones cannot all get in.
        for _ in 0..FREE_FAILURES {
            assert_eq!(throttle.begin("a@example.com"), Ok(()));
        }
        let wait = throttle.begin("a@example.com").expect_err("slowed down");
        assert!(
            wait <= Duration::from_secs(1) && wait > Duration::from_millis(900),
            "{wait:?}"
        );
        assert_eq!(
            throttle.begin("b@example.com"),
            Ok(()),
            "other accounts are not slowed"
        );
        throttle.succeeded("a@example.com");
        assert_eq!(throttle.begin("a@example.com"), Ok(()));
    }
}
