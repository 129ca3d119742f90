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
    /// Added to the system's time: a clock that runs, set to another day
    /// (the demo's replay of a wave).
    offset: chrono::TimeDelta,
}

impl Clock {
    /// The system's time.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that runs from `at` now on, as the system's does: the time
    /// of a replayed day that still moves (`phongdich demo --clock`).
    pub fn starting_at(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: None,
            offset: at - Utc::now(),
        }
    }

    /// A clock standing at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(RwLock::new(at))),
            offset: chrono::TimeDelta::zero(),
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
            None => Utc::now() + self.offset,
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

    /// The Vietnam day of a stored instant (RFC 3339); `None` when it is not one.
    pub fn local_day_of(&self, stamp: &str) -> Option<NaiveDate> {
        DateTime::parse_from_rfc3339(stamp)
            .ok()
            .map(|t| t.with_timezone(&vietnam()).date_naive())
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
    fn a_clock_started_on_another_day_runs_from_it() {
        let at = Utc.with_ymd_and_hms(2021, 8, 15, 2, 0, 0).unwrap();
        let clock = Clock::starting_at(at);
        let first = clock.now_utc();
        assert!((first - at).num_seconds().abs() < 5, "{first}");
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2021, 8, 15).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(clock.now_utc() > first, "it runs");
    }

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
