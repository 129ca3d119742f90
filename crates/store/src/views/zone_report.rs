//! The rapid report's zones section (domain-rules §9: "lockdown areas
//! (where, since when)"): on the report's last day, the lockdowns holding in
//! or over the unit with the people registered inside, the green zones still
//! green and those lost within the period, the directive that applies at the
//! unit, and the week's epidemic levels of its communes with their change
//! since the week before. Every item is dated in the records (a lockdown's
//! start and lifting, a zone's declaration and loss, a directive's period, a
//! published week), so the section of a past report reads as it was on that
//! day; it is frozen with the report's figures when the report is sent.

use crate::lockdowns::Lockdown;
use crate::{Result, Scope, Store, StoreError};
use chrono::NaiveDate;
use phongdich_domain::lockdown::last_day;
use serde::{Deserialize, Serialize};

/// A lockdown holding on the report's last day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportLockdown {
    pub id: i64,
    /// Where: the drawn place's name and its unit, or the unit.
    pub place: String,
    pub from_on: NaiveDate,
    /// Its last day as the records say when the section is computed (a
    /// sent report keeps it as it was then).
    pub until: NaiveDate,
    /// People registered inside, within the report's unit, as registered
    /// when the section is computed.
    pub people: i64,
}

/// A green zone lost within the report's period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportZoneLost {
    pub id: i64,
    pub name: String,
    pub lost_on: NaiveDate,
    pub case_code: Option<String>,
}

/// The directive applying at the unit on the report's last day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportDirective {
    pub directive: String,
    pub unit_name: String,
    pub from_on: NaiveDate,
    pub decision: String,
}

/// Lockdowns listed in the section at most (the count says how many hold).
pub(crate) const LISTED: usize = 100;

/// The week's levels of the unit's communes: the last complete week
/// (Monday–Sunday) ending on or before the report's last day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportLevels {
    pub week_start: NaiveDate,
    /// Communes by level 1–4 (index 0 = level 1): published, else proposed.
    pub by_level: [i64; 4],
    /// Communes without a level (no population to count over).
    pub without_level: i64,
    /// Communes whose level rose, or fell, since last week's published one.
    pub up: i64,
    pub down: i64,
}

impl ReportLevels {
    /// A week's communes counted by level (published, else proposed), and
    /// how many rose or fell since last week's published level.
    pub fn of(w: &crate::WeekLevels) -> ReportLevels {
        let mut r = ReportLevels {
            week_start: w.week_start,
            by_level: [0; 4],
            without_level: 0,
            up: 0,
            down: 0,
        };
        for c in &w.communes {
            match c.published.or(c.proposed.level.map(i64::from)) {
                Some(v @ 1..=4) => {
                    r.by_level[(v - 1) as usize] += 1;
                    match c.previous {
                        Some(p) if v > p => r.up += 1,
                        Some(p) if v < p => r.down += 1,
                        _ => {}
                    }
                }
                _ => r.without_level += 1,
            }
        }
        r
    }
}

/// The rapid report's zones section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ZoneSummary {
    /// Lockdowns holding on the last day: all of them counted, the first
    /// hundred listed.
    #[serde(default)]
    pub lockdowns_in_force: i64,
    pub lockdowns: Vec<ReportLockdown>,
    /// Green zones green on the last day.
    pub green_zones: i64,
    pub green_zones_lost: Vec<ReportZoneLost>,
    pub directive: Option<ReportDirective>,
    /// `None` before the first rule set (12/10/2021) or above a province.
    pub levels: Option<ReportLevels>,
}

fn place_of(l: &Lockdown) -> String {
    match &l.place {
        Some(p) => format!("{p} — {}", l.unit_name),
        None if !l.addresses.is_empty() => format!("{} ({})", l.unit_name, l.addresses.join("; ")),
        None => l.unit_name.clone(),
    }
}

impl Store {
    /// The zones section of `unit`'s report for `from..=to` (the unit's own
    /// scope: the caller has checked the reader holds it).
    pub(crate) async fn zone_summary(
        &self,
        unit: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ZoneSummary> {
        let holding = self.lockdowns(unit, Some(to)).await?;
        let mut lockdowns = Vec::new();
        for l in holding.iter().take(LISTED) {
            let people = self.lockdown_people_count(unit, l).await?;
            lockdowns.push(ReportLockdown {
                id: l.id,
                place: place_of(l),
                from_on: l.from_on,
                until: last_day(l.planned_until, l.lifted_on),
                people,
            });
        }
        let zones = self.green_zones(unit).await?;
        let green_zones = zones
            .iter()
            .filter(|z| {
                z.declared_on <= to
                    && z.lost_on.is_none_or(|d| d > to)
                    && z.withdrawn_on.is_none_or(|d| d > to)
            })
            .count() as i64;
        let green_zones_lost = zones
            .iter()
            .filter_map(|z| {
                let d = z.lost_on?;
                (from <= d && d <= to).then(|| ReportZoneLost {
                    id: z.id,
                    name: z.name.clone(),
                    lost_on: d,
                    case_code: z.lost_case.as_ref().map(|c| c.code.clone()),
                })
            })
            .collect();
        let directive = match unit.root() {
            Some(root) => self
                .directives_on(unit, root.as_str(), to)
                .await?
                .applies
                .map(|a| ReportDirective {
                    directive: a.directive,
                    unit_name: a.unit_name,
                    from_on: a.from_on,
                    decision: a.decision,
                }),
            None => None,
        };
        let levels = if unit.root().is_none() {
            None
        } else {
            // The last complete week: a report ending mid-week does not
            // count the days after it.
            use chrono::Datelike;
            let week_end = if to.weekday() == chrono::Weekday::Sun {
                to
            } else {
                phongdich_domain::levels::week_of(to) - chrono::Days::new(1)
            };
            match self.week_levels(unit, week_end).await {
                Ok(w) => Some(ReportLevels::of(&w)),
                // Before the first rule set: no levels that week.
                Err(StoreError::Invalid(_)) => None,
                Err(e) => return Err(e),
            }
        };
        Ok(ZoneSummary {
            lockdowns_in_force: holding.len() as i64,
            lockdowns,
            green_zones,
            green_zones_lost,
            directive,
            levels,
        })
    }
}
