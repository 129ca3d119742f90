//! The figures of rapid situation reports, read from the rows each commune
//! keeps (`figures` module, refreshed first so they equal the records):
//! every commune's figures of the scope (`figures_by_unit`), and a report as
//! their sum over the units below it — so a district's figure equals the sum
//! of its communes' by construction. Records kept by a district or province
//! themselves (oxygen equipment of a district centre) are keyed by that unit
//! and count from its level up. Medians (turnaround, response times) are
//! computed at the report's own level.
//!
//! `figures_by_unit` refreshes the scope's kept rows, then sums each commune's
//! days up to the period's end in one grouped query (flows of the period's
//! days, stocks of all days up to its end, new F0 since the wave began);
//! capacity (beds as they are now, beds occupied and oxygen lent at the
//! period's end) is counted from its small tables each time. `report_figures`
//! sums them for a unit and for each unit one level below (`holders_below`:
//! each unit's code and its holder one level below, codes only), so the
//! national unit's figure is the sum of the 63 provinces' (`tests/national.rs`;
//! `f0_cumulative` counts from the default wave start there, as the national
//! unit has no wave-start setting of its own). Medians: sample → result days
//! from `figure_turnaround`, minutes to take and to act on alerts from the
//! alerts. Periods are Vietnam's days; columns stamped in UTC are bucketed at
//! UTC+7.

use crate::figures::{DAY_KEYS, STOCK_KEYS, median_of_counts};
use crate::response::responses_window;
use crate::sql::QueryBuilder;
use crate::{Result, Scope, Store};
use chrono::NaiveDate;
use phongdich_domain::report::{Figures, Rates};
use phongdich_domain::{UnitCode, UnitLevel};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::HashMap;

/// A unit's report figures for a period, with the units one level below.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportFigures {
    pub unit_code: String,
    pub unit_name: String,
    pub from: String,
    pub to: String,
    /// The first day counted in `f0_cumulative`.
    pub wave_start: String,
    pub figures: Figures,
    pub rates: Rates,
    /// The units one level below, each with its figures (they add up to
    /// `figures`, with what the unit keeps itself).
    pub children: Vec<ChildFigures>,
    /// F0 in treatment at the period's end who were confirmed before
    /// `wave_start`: counted in `f0_active` (and at home, in hospital…) but
    /// not in `f0_cumulative`, so the report says how many — without it a
    /// report of a wave declared to start after some cases reads as if it
    /// contradicted itself (issue 18, bug 6). 0 in reports sent before it
    /// was counted, and for a hamlet.
    #[serde(default)]
    pub f0_active_before_wave: i64,
    /// Lockdowns, green zones, the directive and the week's levels on the
    /// last day (`None` for a hamlet, on the dashboard, and in reports sent
    /// before it was part of the report).
    #[serde(default)]
    pub zones: Option<super::zone_report::ZoneSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChildFigures {
    pub unit_code: String,
    pub unit_name: String,
    pub figures: Figures,
}

/// Which figures to count: all, or only those kept per commune and day
/// (leaving out capacity, counted from its small tables, and the medians) —
/// a dashboard counts capacity once, not for each of its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counts {
    /// Everything, the zones section too: the rapid report.
    All,
    /// Every figure and the medians, not the zones section: the dashboard,
    /// which draws its own.
    Figures,
    Kept,
}

/// The figures counted from their small tables at the end of the period
/// (capacity), not kept per commune and day.
pub(crate) const CAPACITY: [&str; 4] = ["beds", "beds_occupied", "oxygen_equipment", "oxygen_lent"];

/// Add each row's named columns to the figures of its unit (`unit` column).
fn accumulate(
    rows: &[sqlx::any::AnyRow],
    keys: &[&str],
    into: &mut HashMap<String, Figures>,
) -> Result<()> {
    for r in rows {
        let unit: Option<String> = r.try_get("unit")?;
        let Some(unit) = unit.filter(|u| !u.is_empty()) else {
            continue;
        };
        let f = into.entry(unit).or_default();
        for key in keys {
            let n: Option<i64> = r.try_get(*key)?;
            if let Some(slot) = f.slot(key) {
                *slot += n.unwrap_or(0);
            }
        }
    }
    Ok(())
}

impl Store {
    /// Every figure of every unit of the scope that has records, keyed by the
    /// unit that holds them (a commune, or a district or province for what it
    /// keeps itself), for the days `from..=to` (Vietnam's days).
    pub async fn figures_by_unit(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
        wave_start: NaiveDate,
    ) -> Result<HashMap<String, Figures>> {
        self.figures_of(scope, from, to, wave_start, Counts::All)
            .await
    }

    /// [`Self::figures_by_unit`], leaving out with `Counts::Kept` the
    /// [`CAPACITY`] figures.
    pub(crate) async fn figures_of(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
        wave_start: NaiveDate,
        counts: Counts,
    ) -> Result<HashMap<String, Figures>> {
        let mut out: HashMap<String, Figures> = HashMap::new();
        if scope.root().is_some_and(|u| u.level() == UnitLevel::Hamlet) {
            // Hamlets keep no figures of their own.
            return Ok(out);
        }
        self.refresh_figures(scope).await?;
        let (f, t, w) = (from.to_string(), to.to_string(), wave_start.to_string());
        // `b` numbered after the hand-numbered `binds`, its text pushed.
        let run = |b: QueryBuilder, binds: Vec<String>| async move {
            let mut q = sqlx::query(b.sql());
            for v in &binds {
                q = q.bind(v.as_str());
            }
            b.bind_onto(q).fetch_all(&self.read).await
        };

        // What happened during the period, the F0 since the wave began, and
        // every stock at the end of the period's last day (the sum of its
        // changes up to it), from the communes' days (`figures` module).
        let mut b = QueryBuilder::numbered(String::new(), 3);
        let [c] = scope.and_filters(&mut b, ["d"]);
        let sums: Vec<String> = DAY_KEYS
            .iter()
            .map(|k| {
                format!("CAST(SUM(CASE WHEN d.day >= $1 THEN d.{k} ELSE 0 END) AS BIGINT) AS {k}")
            })
            .chain(
                STOCK_KEYS
                    .iter()
                    .map(|k| format!("CAST(SUM(d.{k}) AS BIGINT) AS {k}")),
            )
            .collect();
        b.push(&format!(
            "SELECT d.commune_code AS unit, {}, \
             CAST(SUM(CASE WHEN d.day >= $3 THEN d.f0_new ELSE 0 END) AS BIGINT) AS f0_cumulative \
             FROM figure_days d WHERE d.day <= $2{c} GROUP BY d.commune_code",
            sums.join(", ")
        ));
        let rows = run(b, vec![f.clone(), t.clone(), w.clone()]).await?;
        accumulate(&rows, &DAY_KEYS, &mut out)?;
        accumulate(&rows, &STOCK_KEYS, &mut out)?;
        accumulate(&rows, &["f0_cumulative"], &mut out)?;

        // Capacity: beds of the places (as they are now: their changes are
        // not dated) and those occupied at the end of the period (admitted
        // by then, not yet discharged); oxygen equipment where it is kept,
        // and lent at the end of the period (small tables, counted each
        // time).
        if counts != Counts::Kept {
            let mut b = QueryBuilder::numbered(String::new(), 1);
            let [c] = scope.and_filters(&mut b, ["pl"]);
            b.push(&format!(
                "SELECT pl.commune_code AS unit, CAST(SUM(b.capacity) AS BIGINT) AS beds, \
                 CAST(SUM((SELECT COUNT(*) FROM admissions ad WHERE ad.place_id = b.place_id AND ad.bed_type = b.bed_type \
                   AND ad.admitted_on <= $1 AND (ad.discharged_on IS NULL OR ad.discharged_on > $1))) AS BIGINT) AS beds_occupied \
                 FROM places pl JOIN place_beds b ON b.place_id = pl.id WHERE 1 = 1{c} GROUP BY pl.commune_code"
            ));
            let rows = run(b, vec![t.clone()]).await?;
            accumulate(&rows, &["beds", "beds_occupied"], &mut out)?;
            let mut b = QueryBuilder::numbered(String::new(), 1);
            let [c] = scope.and_filters(&mut b, ["e"]);
            let lent = crate::sql::vietnam_day(self.dialect, "ol.lent_at");
            let returned = crate::sql::vietnam_day(self.dialect, "ol.returned_at");
            b.push(&format!(
                "SELECT e.unit_code AS unit, SUM(CASE WHEN e.status <> 'retired' THEN 1 ELSE 0 END) AS oxygen_equipment, \
                 CAST(SUM((SELECT COUNT(*) FROM oxygen_loans ol WHERE ol.equipment_id = e.id AND {lent} <= $1 \
                   AND (ol.returned_at IS NULL OR {returned} > $1))) AS BIGINT) AS oxygen_lent \
                 FROM oxygen_equipment e WHERE 1 = 1{c} GROUP BY e.unit_code"
            ));
            let rows = run(b, vec![t.clone()]).await?;
            accumulate(&rows, &["oxygen_equipment", "oxygen_lent"], &mut out)?;
        }
        Ok(out)
    }

    /// A unit's report figures for `from..=to`: the sum over the units below
    /// it (by construction), its medians, and each unit one level below.
    pub async fn report_figures(
        &self,
        scope: &Scope,
        unit_code: &str,
        from: NaiveDate,
        to: NaiveDate,
        wave_start: NaiveDate,
    ) -> Result<ReportFigures> {
        self.report_of(scope, unit_code, from, to, wave_start, Counts::All)
            .await
    }

    /// [`Self::report_figures`]; with `Counts::Kept`, without the
    /// [`CAPACITY`] figures (left at 0) and the medians.
    pub(crate) async fn report_of(
        &self,
        scope: &Scope,
        unit_code: &str,
        from: NaiveDate,
        to: NaiveDate,
        wave_start: NaiveDate,
        counts: Counts,
    ) -> Result<ReportFigures> {
        let unit = self.unit(unit_code).await?;
        if !scope.contains(&unit) {
            return Err(crate::StoreError::not_found(
                crate::error::Entity::Unit,
                unit_code,
            ));
        }
        if unit.level == UnitLevel::Hamlet {
            let period = crate::FigurePeriod {
                from,
                to,
                wave_start,
            };
            return Ok(ReportFigures {
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                from: from.to_string(),
                to: to.to_string(),
                wave_start: wave_start.to_string(),
                figures: self.hamlet_figures(scope, &unit.code, period).await?,
                rates: Rates::default(),
                children: Vec::new(),
                f0_active_before_wave: 0,
                zones: None,
            });
        }
        let code = UnitCode::parse(&unit.code).map_err(phongdich_domain::Invalid::from)?;
        let within = Scope::unit(code);
        let by_unit = self
            .figures_of(&within, from, to, wave_start, counts)
            .await?;
        // A commune's report has no units below it (hamlets keep no records
        // of their own here), so the tree is read only above a commune.
        let children = match unit.level {
            UnitLevel::Commune => Vec::new(),
            _ => self.children(&unit.code).await?,
        };
        // Which unit one level below holds each key: itself, or its ancestor.
        let holder = if children.is_empty() {
            HashMap::new()
        } else {
            self.holders_below(&unit).await?
        };
        let mut total = Figures::default();
        let mut parts: Vec<ChildFigures> = children
            .iter()
            .filter(|c| c.level != UnitLevel::Hamlet)
            .map(|c| ChildFigures {
                unit_code: c.code.clone(),
                unit_name: c.name.clone(),
                figures: Figures::default(),
            })
            .collect();
        for (key, f) in &by_unit {
            total.add(f);
            if let Some(child) = holder
                .get(key)
                .and_then(|h| parts.iter_mut().find(|c| &c.unit_code == h))
            {
                child.figures.add(f);
            }
        }
        Ok(ReportFigures {
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            from: from.to_string(),
            to: to.to_string(),
            wave_start: wave_start.to_string(),
            rates: match counts {
                Counts::All | Counts::Figures => self.report_rates(&within, from, to).await?,
                Counts::Kept => Rates::default(),
            },
            figures: total,
            children: parts,
            f0_active_before_wave: self.active_before_wave(&within, to, wave_start).await?,
            zones: match counts {
                Counts::All => Some(self.zone_summary(&within, from, to).await?),
                Counts::Figures | Counts::Kept => None,
            },
        })
    }

    /// F0 of the scope in treatment at the end of `to` (their last course
    /// step begun by then is home, hospital, intensive care or unplaced — as
    /// the figures count `f0_active`) who were confirmed before `wave_start`.
    async fn active_before_wave(
        &self,
        scope: &Scope,
        to: NaiveDate,
        wave_start: NaiveDate,
    ) -> Result<i64> {
        let mut b = QueryBuilder::numbered(
            "SELECT COUNT(*) AS n FROM cases c WHERE c.confirmed_on < $1 AND c.confirmed_on <= $2 \
             AND (SELECT s.course FROM case_courses s WHERE s.case_id = c.id AND s.from_on <= $2 \
                  ORDER BY s.from_on DESC, s.id DESC LIMIT 1) IN ('home', 'hospital', 'icu', 'unplaced')",
            2,
        );
        scope.push_filter(&mut b, "c");
        let q = b.bind_onto(
            sqlx::query(b.sql())
                .bind(wave_start.to_string())
                .bind(to.to_string()),
        );
        Ok(q.fetch_one(&self.read).await?.try_get("n")?)
    }

    /// Medians of the unit's period: sample → result days, alert response minutes.
    async fn report_rates(&self, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Result<Rates> {
        // Days from sample to result, counted per commune and day (the
        // figures were refreshed by the report that asks for them).
        let mut b = QueryBuilder::numbered(
            "SELECT t.days_taken, CAST(SUM(t.tests) AS BIGINT) AS n FROM figure_turnaround t \
             WHERE t.day BETWEEN $1 AND $2",
            2,
        );
        scope.push_filter(&mut b, "t");
        b.push(" GROUP BY t.days_taken");
        let q = b.bind_onto(
            sqlx::query(b.sql())
                .bind(from.to_string())
                .bind(to.to_string()),
        );
        let mut days = std::collections::BTreeMap::new();
        for r in q.fetch_all(&self.read).await? {
            days.insert(
                r.try_get::<i64, _>("days_taken")?,
                r.try_get::<Option<i64>, _>("n")?.unwrap_or(0),
            );
        }
        let (start, end) = responses_window(from, to);
        let times = self
            .response_times(
                scope,
                chrono::DateTime::parse_from_rfc3339(&start)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .unwrap_or_default(),
                chrono::DateTime::parse_from_rfc3339(&end)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .unwrap_or_default(),
            )
            .await?;
        Ok(Rates {
            turnaround_days: median_of_counts(&days),
            minutes_to_acknowledge: times.median_minutes_to_acknowledge,
            minutes_to_act: times.median_minutes_to_act,
        })
    }
}
