//! The one clock: "now" and "today" as Vietnam's (UTC+7, no daylight saving),
//! whatever the server's zone. Every date rule (day 7 of a quarantine, a
//! report's day, an overdue test) counts in Vietnam days, so the server, the
//! store and the pages take their time from one [`Clock`], handed to them,
//! and tests set it to a fixed instant or move it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use std::sync::{Arc, RwLock};

/// Vietnam's offset from UTC.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is within ±24 hours")
}

/// The time source: the system's, or one a test sets. Cheap to clone; clones
/// share the set time.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    /// The system's time.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock standing at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(RwLock::new(at))),
        }
    }

    /// Moves a fixed clock (and its clones) to `at`; a system clock ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(fixed) = &self.fixed {
            *fixed.write().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    /// Now, as an instant.
    pub fn now_utc(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(fixed) => *fixed.read().unwrap_or_else(|e| e.into_inner()),
            None => Utc::now(),
        }
    }

    /// Now on Vietnam's wall clock.
    pub fn now(&self) -> NaiveDateTime {
        self.now_utc().with_timezone(&vietnam()).naive_local()
    }

    /// Today in Vietnam.
    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }

    /// Now as stored in the database: RFC 3339, UTC, milliseconds.
    pub fn stamp(&self) -> String {
        self.now_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn vietnam_days_begin_at_17_utc() {
        // 16:59 UTC on 4 December is 23:59 in Hà Nội; 17:00 UTC is the 5th.
        let clock = Clock::fixed(Utc.with_ymd_and_hms(2021, 12, 4, 16, 59, 0).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2021, 12, 4).unwrap());
        let shared = clock.clone();
        clock.set(Utc.with_ymd_and_hms(2021, 12, 4, 17, 0, 0).unwrap());
        assert_eq!(
            shared.today(),
            NaiveDate::from_ymd_opt(2021, 12, 5).unwrap()
        );
        assert_eq!(shared.now().format("%H:%M").to_string(), "00:00");
        assert_eq!(shared.stamp(), "2021-12-04T17:00:00.000Z");
    }

    #[test]
    fn the_system_clock_moves_and_ignores_set() {
        let clock = Clock::system();
        let before = clock.now_utc();
        clock.set(Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap());
        assert!(clock.now_utc() >= before);
    }
}
