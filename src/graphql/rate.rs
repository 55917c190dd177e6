//! Request budgets per client, refilled continuously (`governor`'s GCRA): credential checks per
//! minute per address (sign-in and sign-up floods from one place), and query cost per minute
//! per user, or per address without a token. A request over a budget is refused whole with
//! `RATE_LIMITED` and `retryAfter` (HTTP 429 with `Retry-After`), before anything runs.
//!
//! The per-account throttle of failed sign-ins (`accounts/throttle.rs`) counts per field and
//! is always on; these count per request and are off unless configured, because a benchmark
//! or an office behind one address signs in thousands of users a minute. State is in memory,
//! per server copy.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

/// Every so many charges, keys whose budget is full again are forgotten, so the state stays
/// as large as the clients of the last minute.
const FORGET_EVERY: u64 = 4_096;

/// Who a budget belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Client {
    User(Uuid),
    Address(IpAddr),
    /// No address known (a request that did not come over TCP: the tests' router).
    Unknown,
}

/// The configured budgets; `None` is unlimited.
pub struct RateLimits {
    credentials: Option<DefaultKeyedRateLimiter<Client>>,
    cost: Option<DefaultKeyedRateLimiter<Client>>,
    charges: AtomicU64,
}

impl RateLimits {
    /// `credentials`: credential-checking requests per minute per address; `cost`: nodes per
    /// minute per user (or address). 0 turns a budget off.
    pub fn new(credentials: u32, cost: u32) -> Self {
        let limiter =
            |per_minute: u32| NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        Self {
            credentials: limiter(credentials),
            cost: limiter(cost),
            charges: AtomicU64::new(0),
        }
    }

    pub fn is_off(&self) -> bool {
        self.credentials.is_none() && self.cost.is_none()
    }
}

/// A request's client and the budgets it draws on; request data the schema reads.
#[derive(Clone)]
pub struct Budget {
    pub limits: Arc<RateLimits>,
    /// The signed-in user, whose cost budget it draws on.
    pub user: Option<Uuid>,
    pub address: Option<IpAddr>,
}

impl Budget {
    /// Takes a request's cost and credential checks from the budgets: `Err(wait)` when one of
    /// them is short (and then nothing is taken from the other).
    pub fn charge(&self, cost: u64, credentials: u64) -> Result<(), Duration> {
        let limits = &self.limits;
        if limits.charges.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            for limiter in [&limits.credentials, &limits.cost].into_iter().flatten() {
                limiter.retain_recent();
            }
        }
        let address = self.address.map_or(Client::Unknown, Client::Address);
        if credentials > 0
            && let Some(limiter) = &limits.credentials
        {
            take(limiter, &address, credentials)?;
        }
        if let Some(limiter) = &limits.cost {
            let client = self.user.map_or(address, Client::User);
            take(limiter, &client, cost.max(1))?;
        }
        Ok(())
    }
}

fn take(limiter: &DefaultKeyedRateLimiter<Client>, client: &Client, amount: u64) -> Result<(), Duration> {
    let amount = NonZeroU32::new(u32::try_from(amount).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
    match limiter.check_key_n(client, amount) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(not_until)) => Err(not_until.wait_time_from(DefaultClock::default().now())),
        // More than a whole minute's budget: it never fits.
        Err(_) => Err(Duration::from_secs(60)),
    }
}
