//! The figures of rapid situation reports, computed from the records: one
//! grouped query per table gives every figure of every commune of the scope
//! (`figures_by_unit`), and a report is their sum over the units below it —
//! so a district's figure equals the sum of its communes' by construction.
//! Records kept by a district or province themselves (oxygen equipment of a
//! district centre) are keyed by that unit and count from its level up.
//! Medians (turnaround, response times) are computed at the report's own
//! level from the underlying rows.

use crate::response::responses_window;
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
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChildFigures {
    pub unit_code: String,
    pub unit_name: String,
    pub figures: Figures,
}

/// Which figures to count: all, or leave out those that stand now whatever
/// the period ([`CURRENT_ONLY`]) — a dashboard counts them once, not for
/// each of its periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counts {
    All,
    Flows,
}

/// Figures counted as they stand now, whatever the period: the classes, the
/// F1s' follow-up and the capacity (the most expensive to count).
pub(crate) const CURRENT_ONLY: [&str; 14] = [
    "f1",
    "f2",
    "f3",
    "f4",
    "f1_quarantined",
    "f1_reviewed",
    "f1_sampled",
    "f1_negative",
    "f1_positive",
    "f1_pending",
    "beds",
    "beds_occupied",
    "oxygen_equipment",
    "oxygen_lent",
];

/// The scope's condition on `alias`, as ` AND …` with its parameter.
pub(crate) fn cond(scope: &Scope, alias: &str, n: usize) -> (String, Option<String>) {
    match scope.condition(alias, n) {
        Some((c, p)) => (format!(" AND {c}"), Some(p)),
        None => (String::new(), None),
    }
}

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

fn median_f64(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
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

    /// [`Self::figures_by_unit`], leaving out with `Counts::Flows` the
    /// [`CURRENT_ONLY`] figures, which do not depend on the period.
    pub(crate) async fn figures_of(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
        wave_start: NaiveDate,
        counts: Counts,
    ) -> Result<HashMap<String, Figures>> {
        let all = counts == Counts::All;
        let (f, t, w) = (from.to_string(), to.to_string(), wave_start.to_string());
        let (start, end) = responses_window(from, to);
        let mut out: HashMap<String, Figures> = HashMap::new();
        let run = |sql: String, binds: Vec<String>, param: Option<String>| async move {
            let mut q = sqlx::query(&sql);
            for b in &binds {
                q = q.bind(b.as_str());
            }
            if let Some(p) = &param {
                q = q.bind(p.as_str());
            }
            q.fetch_all(&self.read).await
        };

        // Cases: new by where found, in treatment, recovered, deceased, since the wave began.
        let (c, p) = cond(scope, "c", 4);
        let rows = run(
            format!(
                "SELECT c.commune_code AS unit, \
                 SUM(CASE WHEN c.confirmed_on BETWEEN $1 AND $2 THEN 1 ELSE 0 END) AS f0_new, \
                 SUM(CASE WHEN c.confirmed_on BETWEEN $1 AND $2 AND c.source_kind <> 'imported' AND c.detected_where <> 'quarantine' THEN 1 ELSE 0 END) AS f0_new_community, \
                 SUM(CASE WHEN c.confirmed_on BETWEEN $1 AND $2 AND c.source_kind <> 'imported' AND c.detected_where = 'quarantine' THEN 1 ELSE 0 END) AS f0_new_quarantine, \
                 SUM(CASE WHEN c.confirmed_on BETWEEN $1 AND $2 AND c.source_kind = 'imported' THEN 1 ELSE 0 END) AS f0_new_imported, \
                 SUM(CASE WHEN c.course = 'home' THEN 1 ELSE 0 END) AS f0_home, \
                 SUM(CASE WHEN c.course IN ('hospital', 'icu') THEN 1 ELSE 0 END) AS f0_hospital, \
                 SUM(CASE WHEN c.course = 'recovered' AND c.negative_on BETWEEN $1 AND $2 THEN 1 ELSE 0 END) AS f0_recovered, \
                 SUM(CASE WHEN c.course = 'deceased' AND SUBSTR(c.updated_at, 1, 10) BETWEEN $1 AND $2 THEN 1 ELSE 0 END) AS f0_deceased, \
                 SUM(CASE WHEN c.confirmed_on BETWEEN $3 AND $2 THEN 1 ELSE 0 END) AS f0_cumulative \
                 FROM cases c WHERE 1 = 1{c} GROUP BY c.commune_code"
            ),
            vec![f.clone(), t.clone(), w.clone()],
            p,
        )
        .await?;
        accumulate(
            &rows,
            &[
                "f0_new",
                "f0_new_community",
                "f0_new_quarantine",
                "f0_new_imported",
                "f0_home",
                "f0_hospital",
                "f0_recovered",
                "f0_deceased",
                "f0_cumulative",
            ],
            &mut out,
        )?;

        // F1–F4 now, and how far each F1's follow-up has gone.
        if all {
            let (c, p) = cond(scope, "k", 1);
            let rows = run(
            format!(
                "SELECT k.commune_code AS unit, \
                 SUM(CASE WHEN k.level = 1 THEN 1 ELSE 0 END) AS f1, SUM(CASE WHEN k.level = 2 THEN 1 ELSE 0 END) AS f2, \
                 SUM(CASE WHEN k.level = 3 THEN 1 ELSE 0 END) AS f3, SUM(CASE WHEN k.level = 4 THEN 1 ELSE 0 END) AS f4 \
                 FROM person_classes k WHERE k.level > 0{c} GROUP BY k.commune_code"
            ),
            vec![],
            p,
        )
        .await?;
            accumulate(&rows, &["f1", "f2", "f3", "f4"], &mut out)?;
            let (c, p) = cond(scope, "k", 1);
            let rows = run(
            format!(
                "SELECT x.unit, SUM(x.quarantined) AS f1_quarantined, \
                 SUM(CASE WHEN x.quarantined = 1 OR x.status IS NOT NULL THEN 1 ELSE 0 END) AS f1_reviewed, \
                 SUM(CASE WHEN x.status IS NOT NULL THEN 1 ELSE 0 END) AS f1_sampled, \
                 SUM(CASE WHEN x.status = 'negative' THEN 1 ELSE 0 END) AS f1_negative, \
                 SUM(CASE WHEN x.status = 'positive' THEN 1 ELSE 0 END) AS f1_positive, \
                 SUM(CASE WHEN x.status IN ('collected', 'pool_positive', 'resample') THEN 1 ELSE 0 END) AS f1_pending \
                 FROM (SELECT k.commune_code AS unit, \
                   CASE WHEN EXISTS (SELECT 1 FROM quarantine_orders o WHERE o.person_id = k.person_id AND o.status = 'active') THEN 1 ELSE 0 END AS quarantined, \
                   (SELECT s.status FROM samples s WHERE s.person_id = k.person_id AND s.collected_on >= k.since_on ORDER BY s.id DESC LIMIT 1) AS status \
                   FROM person_classes k WHERE k.level = 1{c}) x GROUP BY x.unit"
            ),
            vec![],
            p,
        )
        .await?;
            accumulate(
                &rows,
                &[
                    "f1_quarantined",
                    "f1_reviewed",
                    "f1_sampled",
                    "f1_negative",
                    "f1_positive",
                    "f1_pending",
                ],
                &mut out,
            )?;
        }

        // F1 newly traced: a first entry at level 1 during the period. The
        // period's level-1 entries come from an index (`class_history_level_at`).
        // Below a province the unit's people are few: their ids, from the unit
        // index, filter the entries before any person row is read (`+` keeps
        // the planner from walking the unit's people into the history
        // instead — 5,600 look-ups a commune at 1 M people). A province's are
        // nearly everyone, so there the join reads each entry's person.
        let small = scope
            .root()
            .is_some_and(|u| matches!(u.level(), UnitLevel::Commune | UnitLevel::District));
        let (c, p) = if small {
            match scope.condition("u", 3) {
                Some((c, p)) => (
                    format!(" AND +h.person_id IN (SELECT u.id FROM persons u WHERE {c})"),
                    Some(p),
                ),
                None => (String::new(), None),
            }
        } else {
            cond(scope, "q", 3)
        };
        let rows = run(
            format!(
                "SELECT q.commune_code AS unit, COUNT(DISTINCT h.person_id) AS f1_new FROM class_history h \
                 JOIN persons q ON q.id = h.person_id WHERE h.level = 1 AND h.at >= $1 AND h.at < $2{c} GROUP BY q.commune_code"
            ),
            vec![start.clone(), end.clone()],
            p,
        )
        .await?;
        accumulate(&rows, &["f1_new"], &mut out)?;

        // Quarantine now, and releases during the period.
        let (c, p) = cond(scope, "o", 3);
        let rows = run(
            format!(
                "SELECT o.commune_code AS unit, \
                 SUM(CASE WHEN o.status = 'active' AND o.kind = 'centralised' THEN 1 ELSE 0 END) AS quarantine_centralised, \
                 SUM(CASE WHEN o.status = 'active' AND o.kind = 'home' THEN 1 ELSE 0 END) AS quarantine_home, \
                 SUM(CASE WHEN o.status = 'released' AND o.released_on BETWEEN $1 AND $2 THEN 1 ELSE 0 END) AS quarantine_released \
                 FROM quarantine_orders o WHERE 1 = 1{c} GROUP BY o.commune_code"
            ),
            vec![f.clone(), t.clone()],
            p,
        )
        .await?;
        accumulate(
            &rows,
            &[
                "quarantine_centralised",
                "quarantine_home",
                "quarantine_released",
            ],
            &mut out,
        )?;

        // Samples taken; results of individual samples and of pools (a pool is one test).
        let (c, p) = cond(scope, "s", 3);
        let rows = run(
            format!(
                "SELECT s.commune_code AS unit, COUNT(*) AS samples_taken FROM samples s \
                 WHERE s.collected_on BETWEEN $1 AND $2{c} GROUP BY s.commune_code"
            ),
            vec![f.clone(), t.clone()],
            p,
        )
        .await?;
        accumulate(&rows, &["samples_taken"], &mut out)?;
        for (join, alias) in [
            ("samples s ON s.id = r.sample_id", "s"),
            ("pools s ON s.id = r.pool_id", "s"),
        ] {
            let (c, p) = cond(scope, alias, 3);
            let rows = run(
                format!(
                    "SELECT s.commune_code AS unit, COUNT(*) AS tests_done, \
                     SUM(CASE WHEN r.outcome = 'positive' THEN 1 ELSE 0 END) AS tests_positive, \
                     SUM(CASE WHEN r.outcome = 'negative' THEN 1 ELSE 0 END) AS tests_negative \
                     FROM test_results r JOIN {join} WHERE r.resulted_on BETWEEN $1 AND $2{c} GROUP BY s.commune_code"
                ),
                vec![f.clone(), t.clone()],
                p,
            )
            .await?;
            accumulate(
                &rows,
                &["tests_done", "tests_positive", "tests_negative"],
                &mut out,
            )?;
        }

        // Alerts raised (and escalated) during the period; open now.
        let (c, p) = cond(scope, "a", 3);
        let rows = run(
            format!(
                "SELECT a.commune_code AS unit, \
                 SUM(CASE WHEN a.raised_at >= $1 AND a.raised_at < $2 THEN 1 ELSE 0 END) AS alerts_raised, \
                 SUM(CASE WHEN a.raised_at >= $1 AND a.raised_at < $2 AND a.escalations > 0 THEN 1 ELSE 0 END) AS alerts_escalated, \
                 SUM(CASE WHEN a.status = 'open' THEN 1 ELSE 0 END) AS alerts_open \
                 FROM treatment_alerts a WHERE 1 = 1{c} GROUP BY a.commune_code"
            ),
            vec![start.clone(), end.clone()],
            p,
        )
        .await?;
        accumulate(
            &rows,
            &["alerts_raised", "alerts_escalated", "alerts_open"],
            &mut out,
        )?;

        // Capacity now: beds of the places, oxygen equipment where it is kept.
        if all {
            let (c, p) = cond(scope, "pl", 1);
            let rows = run(
            format!(
                "SELECT pl.commune_code AS unit, SUM(b.capacity) AS beds, \
                 SUM((SELECT COUNT(*) FROM admissions ad WHERE ad.place_id = b.place_id AND ad.bed_type = b.bed_type AND ad.discharged_on IS NULL)) AS beds_occupied \
                 FROM places pl JOIN place_beds b ON b.place_id = pl.id WHERE 1 = 1{c} GROUP BY pl.commune_code"
            ),
            vec![],
            p,
        )
        .await?;
            accumulate(&rows, &["beds", "beds_occupied"], &mut out)?;
            let (c, p) = cond(scope, "e", 1);
            let rows = run(
            format!(
                "SELECT e.unit_code AS unit, SUM(CASE WHEN e.status <> 'retired' THEN 1 ELSE 0 END) AS oxygen_equipment, \
                 SUM(CASE WHEN e.status = 'lent' THEN 1 ELSE 0 END) AS oxygen_lent \
                 FROM oxygen_equipment e WHERE 1 = 1{c} GROUP BY e.unit_code"
            ),
            vec![],
            p,
        )
        .await?;
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

    /// [`Self::report_figures`]; with `Counts::Flows`, without the
    /// [`CURRENT_ONLY`] figures (left at 0) and the medians.
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
        if !scope.contains(&unit) || unit.level == UnitLevel::Hamlet {
            return Err(crate::StoreError::not_found("unit", unit_code));
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
        let mut holder: HashMap<String, String> = HashMap::new();
        if !children.is_empty() {
            for d in self.descendants(&unit.code).await? {
                if let Some(child) = children.iter().find(|c| d.lineage().any(|x| x == c.code)) {
                    holder.insert(d.code.clone(), child.code.clone());
                }
            }
        }
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
                Counts::All => self.report_rates(&within, from, to).await?,
                Counts::Flows => Rates::default(),
            },
            figures: total,
            children: parts,
        })
    }

    /// Medians of the unit's period: sample → result days, alert response minutes.
    async fn report_rates(&self, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Result<Rates> {
        let (c, p) = cond(scope, "s", 3);
        let sql = format!(
            "SELECT s.collected_on, r.resulted_on FROM test_results r JOIN samples s ON s.id = r.sample_id \
             WHERE r.resulted_on BETWEEN $1 AND $2{c}"
        );
        let mut q = sqlx::query(&sql)
            .bind(from.to_string())
            .bind(to.to_string());
        if let Some(p) = &p {
            q = q.bind(p.as_str());
        }
        let mut days = Vec::new();
        for r in q.fetch_all(&self.read).await? {
            let a: String = r.try_get("collected_on")?;
            let b: String = r.try_get("resulted_on")?;
            if let (Ok(a), Ok(b)) = (
                NaiveDate::parse_from_str(&a, "%Y-%m-%d"),
                NaiveDate::parse_from_str(&b, "%Y-%m-%d"),
            ) {
                days.push((b - a).num_days() as f64);
            }
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
            turnaround_days: median_f64(days),
            minutes_to_acknowledge: times.median_minutes_to_acknowledge,
            minutes_to_act: times.median_minutes_to_act,
        })
    }
}
