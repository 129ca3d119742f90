//! Testing campaigns: "sample every F1 in Hạ Long by 16:00 tomorrow". A
//! campaign names a unit, a target group (all F1 there, everyone living
//! there, or a list), a pool size and a deadline, and runs in rounds (every
//! few days when it repeats). Each round keeps the people it targeted when it
//! began (`campaign_targets`); its progress is read live from their samples
//! taken during the round, so nothing has to be kept in step by hand.
//!
//! Jurisdiction: a campaign is ordered, repeated and closed only inside the
//! actor's unit; it is seen by the units above and below its own, and every
//! figure and list counts only the targets inside the reader's jurisdiction.
//!
//! History may be entered late: a round's first day `starts_on` may lie in the
//! past (from 2020-01-01, not after today) and its deadline after that day
//! began; the F1 targets of a round are the current F1s whose class began by
//! its deadline day. Target groups: `f1` (every F1 living there), `unit`
//! (everyone living there except known F0), `list` (people by record number or
//! national ID, refused whole if one line does not match). Pool size: 5 for F1
//! and lists, 10 for a whole unit by default; 1–20. Targets are a snapshot with
//! unit columns. A round's progress is computed from the latest sample of each
//! target taken in its window `[starts_on, next round's start)`: not sampled /
//! pending (collected, pool positive, inconclusive) / negative / positive,
//! grouped by the units one level below (districts under a province, communes
//! otherwise), and the list behind each figure uses the same query. Samples and
//! pools may name the campaign (`campaign_id`), which gives a pool its size.
//! A lockdown area's people (`lockdown`) are those registered inside it
//! within the actor's scope when the campaign begins; its later rounds test
//! the same people, as a list's do.

use crate::sql::QueryBuilder;
use crate::{Actor, Result, Scope, Store, StoreError, Unit, audit};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
pub use phongdich_domain::campaign::{CampaignInput, TargetKind, parse_deadline};
use phongdich_domain::campaign::{NewCampaign, parse_round_start};
use phongdich_domain::{FieldError, Invalid, Permission, UnitCode, UnitLevel};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignRound {
    pub round_no: i64,
    pub starts_on: String,
    /// `yyyy-mm-dd HH:MM`, local time.
    pub deadline: String,
    /// People targeted by this round (all of them, whatever the reader's unit).
    pub targeted: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub unit_code: String,
    pub unit_name: String,
    /// `f1`, `unit`, `list` or `lockdown`.
    pub target: String,
    /// For `lockdown`: the area whose people it tests.
    pub lockdown_id: Option<i64>,
    pub pool_size: i64,
    pub every_days: Option<i64>,
    pub teams: Vec<String>,
    /// `open` or `closed`.
    pub status: String,
    pub created_by: String,
    pub created_at: String,
    /// Oldest first; the last is the current round.
    pub rounds: Vec<CampaignRound>,
    /// When the next round is due, for a repeated campaign still open.
    pub next_round_on: Option<String>,
}

impl Campaign {
    pub fn current_round(&self) -> Option<&CampaignRound> {
        self.rounds.last()
    }
}

/// Progress of one unit in a round. `sampled` = `negative` + `positive` +
/// `pending`; `targeted` = `sampled` + `not_sampled`.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct UnitProgress {
    pub unit_code: String,
    pub unit_name: String,
    pub targeted: i64,
    pub sampled: i64,
    pub negative: i64,
    pub positive: i64,
    /// Sampled and waiting: for the lab, or for a new sample (pool positive, inconclusive).
    pub pending: i64,
    pub not_sampled: i64,
}

impl UnitProgress {
    fn add(&mut self, o: &UnitProgress) {
        self.targeted += o.targeted;
        self.sampled += o.sampled;
        self.negative += o.negative;
        self.positive += o.positive;
        self.pending += o.pending;
        self.not_sampled += o.not_sampled;
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignProgress {
    pub campaign: Campaign,
    pub round_no: i64,
    pub deadline: String,
    /// The deadline has passed with people still not sampled.
    pub overdue: bool,
    /// The unit the figures are broken down under.
    pub within: String,
    /// Everything within the reader's jurisdiction.
    pub total: UnitProgress,
    /// One row per unit one level below `within` (per commune under a commune).
    pub units: Vec<UnitProgress>,
}

/// One targeted person and where they stand in the round.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignPerson {
    pub person_id: i64,
    pub full_name: String,
    pub birth_year: i64,
    pub commune_code: String,
    pub commune_name: String,
    pub household_id: Option<i64>,
    /// `not_sampled`, `pending`, `negative` or `positive`.
    pub status: String,
    /// The sample's own status (`collected`, `pool_positive`, `resample`, …).
    pub sample_status: Option<String>,
    pub sample_code: Option<String>,
    pub pool_code: Option<String>,
    pub collected_on: Option<String>,
}

/// One page of the people behind a campaign figure, and how many there are.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignPeople {
    /// Everyone of the list, across all pages.
    pub total: i64,
    /// The window this page is (`offset`, `limit`).
    pub paging: crate::Paging,
    pub people: Vec<CampaignPerson>,
}

/// The figures' names, also the `status` filter of the lists behind them.
pub const PROGRESS_STATUSES: [&str; 6] = [
    "targeted",
    "sampled",
    "negative",
    "positive",
    "pending",
    "not_sampled",
];

fn invalid(
    field: &str,
    code: &'static str,
    vi: impl Into<String>,
    en: impl Into<String>,
) -> StoreError {
    Invalid(vec![FieldError::new(field, code, vi, en)]).into()
}

fn show(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// The scope condition restricting `alias` to the tree under `unit`, its
/// value bound in `b`'s turn (`1 = 1`, nothing bound, for the whole country).
fn under(b: &mut QueryBuilder, unit: &str, alias: &str) -> Result<String> {
    let code = UnitCode::parse(unit).map_err(Invalid::from)?;
    Ok(Scope::unit(code)
        .filter_sql(b, alias)
        .unwrap_or_else(|| "1 = 1".into()))
}

fn round_from_row(r: &AnyRow) -> Result<CampaignRound> {
    Ok(CampaignRound {
        round_no: r.try_get("round_no")?,
        starts_on: r.try_get("starts_on")?,
        deadline: r.try_get("deadline")?,
        targeted: r.try_get("targeted")?,
    })
}

impl Store {
    /// Whether a campaign of `unit` is seen by `scope`: inside it, or above it.
    async fn sees(&self, scope: &Scope, unit: &Unit) -> Result<bool> {
        if scope.contains(unit) {
            return Ok(true);
        }
        Ok(match scope.root() {
            Some(root) => self
                .unit(root.as_str())
                .await?
                .lineage()
                .any(|c| c == unit.code),
            None => false,
        })
    }

    /// Order a campaign: its first round begins today — or on the day given,
    /// for a campaign entered after the fact — with the target group as it
    /// stands now (for F1: those exposed by the round's deadline).
    pub async fn create_campaign(
        &self,
        actor: &Actor,
        input: &CampaignInput,
        now_local: NaiveDateTime,
    ) -> Result<Campaign> {
        actor.require(Permission::RunCampaigns)?;
        let today = now_local.date();
        let parsed = input.parse(today);
        let mut errors = match &parsed {
            Ok(_) => Vec::new(),
            Err(Invalid(e)) => e.clone(),
        };
        // The people of a lockdown area: the area must be the actor's to
        // test (its unit in their scope); the campaign's unit is the area's
        // (a hamlet's commune), and one typed must agree with it.
        let mut lockdown_people = None;
        let mut unit_code = input.unit_code.trim().to_owned();
        if input.lockdown_id.is_some() && !input.target.trim().eq_ignore_ascii_case("lockdown") {
            errors.push(FieldError::new(
                "lockdown_id",
                "not_this_target",
                "Khu phong tỏa chỉ dùng với đối tượng «người trong khu phong tỏa» (lockdown).",
                "A lockdown area goes only with the target “the people inside a lockdown area” (lockdown).",
            ));
        }
        if input.target.trim().eq_ignore_ascii_case("lockdown")
            && let Some(id) = input.lockdown_id
        {
            match self.lockdown_targets(&actor.scope, id).await {
                Ok((area_unit, people)) => {
                    if unit_code.is_empty() {
                        unit_code = area_unit.clone();
                    }
                    if unit_code != area_unit {
                        errors.push(FieldError::new(
                            "unit_code",
                            "not_the_area",
                            format!("Khu phong tỏa số {id} thuộc đơn vị mã {area_unit}, không phải {unit_code}."),
                            format!("Lockdown area {id} lies in unit {area_unit}, not {unit_code}."),
                        ));
                    }
                    lockdown_people = Some(people);
                }
                Err(StoreError::NotFound { .. }) => errors.push(FieldError::new(
                    "lockdown_id",
                    "not_found",
                    format!("Không có khu phong tỏa số {id} trong phạm vi của bạn."),
                    format!("No lockdown area {id} within your jurisdiction."),
                )),
                Err(e) => return Err(e),
            }
        }
        let unit = match self.unit(&unit_code).await {
            // A campaign is a province's or below: the whole country is no target group.
            Ok(u)
                if actor.scope.contains(&u)
                    && !matches!(u.level, UnitLevel::Hamlet | UnitLevel::National) =>
            {
                Some(u)
            }
            Ok(_) | Err(StoreError::NotFound { .. }) | Err(StoreError::Invalid(_)) => {
                errors.push(FieldError::new(
                    "unit_code",
                    "not_found",
                    format!(
                        "Không có đơn vị «{}» trong phạm vi của bạn.",
                        input.unit_code.trim()
                    ),
                    format!(
                        "No unit “{}” within your jurisdiction.",
                        input.unit_code.trim()
                    ),
                ));
                None
            }
            Err(e) => return Err(e),
        };
        let (Ok(campaign), Some(unit), true) = (parsed, unit, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        let NewCampaign {
            name,
            target,
            pool_size,
            every_days,
            starts_on,
            deadline,
            teams,
            ..
        } = campaign;
        let target = target.as_str();
        let list = match (target, lockdown_people) {
            ("list", _) => self.resolve_list(&unit, input).await?,
            ("lockdown", Some(people)) => people,
            _ => Vec::new(),
        };
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (name, unit_code, province_code, district_code, commune_code, target_kind, \
             pool_size, every_days, teams, status, created_by, created_at, lockdown_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $12) RETURNING id",
        )
        .bind(name.as_str())
        .bind(unit.code.as_str())
        .bind(unit.province_code.as_str())
        .bind(unit.district_code.as_deref())
        .bind(unit.commune_code.as_deref())
        .bind(target)
        .bind(pool_size)
        .bind(every_days)
        .bind(teams.join("\n"))
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .bind((target == "lockdown").then_some(input.lockdown_id).flatten())
        .fetch_one(&mut *tx)
        .await?;
        let round_id =
            insert_round(&mut tx, actor, id, 1, starts_on, deadline, &self.stamp()).await?;
        let targeted = fill_round(
            &mut tx,
            round_id,
            target,
            &unit.code,
            &list,
            None,
            deadline.date(),
        )
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "campaign",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&serde_json::json!({
                "name": name, "unit_code": unit.code, "target": target, "pool_size": pool_size,
                "every_days": every_days, "teams": teams, "starts_on": starts_on.to_string(),
                "deadline": show(deadline),
                "targeted": targeted,
            })),
        )
        .await?;
        tx.commit().await?;
        self.campaign(&actor.scope, id, today).await
    }

    /// The people of a list, each in the campaign's unit: every line that
    /// does not match is refused, and nothing is created.
    async fn resolve_list(&self, unit: &Unit, input: &CampaignInput) -> Result<Vec<i64>> {
        let mut errors = Vec::new();
        let mut ids = Vec::new();
        let mut b = QueryBuilder::numbered(String::new(), 1);
        let cond = under(&mut b, &unit.code, "p")?;
        let by_id = format!(
            "SELECT p.id FROM persons p WHERE p.id = $1 AND p.merged_into IS NULL AND {cond}"
        );
        for (i, id) in input.person_ids.iter().enumerate() {
            let found: Option<i64> = b
                .bind_scalar_onto(sqlx::query_scalar(&by_id).bind(*id))
                .fetch_optional(&self.read)
                .await?;
            match found {
                Some(id) => ids.push(id),
                None => errors.push(FieldError::new(
                    format!("person_ids[{i}]"),
                    "not_found",
                    format!("Không có hồ sơ #{id} ở {}.", unit.name),
                    format!("No record #{id} in {}.", unit.name),
                )),
            }
        }
        let by_nid = format!(
            "SELECT p.id FROM persons p WHERE p.national_id = $1 AND p.merged_into IS NULL AND {cond}"
        );
        for (i, nid) in input.national_ids.iter().enumerate() {
            let field = format!("national_ids[{i}]");
            let parsed = match phongdich_domain::person::NationalId::parse(nid) {
                Ok(n) => n,
                Err(mut e) => {
                    e.field = field;
                    errors.push(e);
                    continue;
                }
            };
            let found: Option<i64> = b
                .bind_scalar_onto(sqlx::query_scalar(&by_nid).bind(parsed.as_str()))
                .fetch_optional(&self.read)
                .await?;
            match found {
                Some(id) => ids.push(id),
                None => errors.push(FieldError::new(
                    field,
                    "not_found",
                    format!(
                        "Không có ai mang số giấy tờ {} ở {}.",
                        parsed.as_str(),
                        unit.name
                    ),
                    format!(
                        "Nobody with ID number {} in {}.",
                        parsed.as_str(),
                        unit.name
                    ),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// A campaign the scope sees, with its rounds.
    pub async fn campaign(&self, scope: &Scope, id: i64, today: NaiveDate) -> Result<Campaign> {
        let row = sqlx::query(
            "SELECT c.id, c.name, c.unit_code, u.name AS unit_name, c.target_kind, c.pool_size, c.every_days, \
             c.teams, c.status, c.created_by, c.created_at, c.lockdown_id FROM campaigns c JOIN units u ON u.code = c.unit_code \
             WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .ok_or_else(|| StoreError::not_found(crate::error::Entity::Campaign, id))?;
        let unit = self.unit(&row.try_get::<String, _>("unit_code")?).await?;
        if !self.sees(scope, &unit).await? {
            return Err(StoreError::not_found(crate::error::Entity::Campaign, id));
        }
        let rounds = sqlx::query(
            "SELECT r.round_no, r.starts_on, r.deadline, \
             (SELECT COUNT(*) FROM campaign_targets t WHERE t.round_id = r.id) AS targeted \
             FROM campaign_rounds r WHERE r.campaign_id = $1 ORDER BY r.round_no",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(round_from_row)
        .collect::<Result<Vec<_>>>()?;
        let every_days: Option<i64> = row.try_get("every_days")?;
        let status: String = row.try_get("status")?;
        let next_round_on = match (every_days, rounds.last(), status.as_str()) {
            (Some(d), Some(last), "open") => NaiveDate::parse_from_str(&last.starts_on, "%Y-%m-%d")
                .ok()
                .map(|s| (s + chrono::Days::new(d as u64)).max(today).to_string()),
            _ => None,
        };
        let teams: String = row.try_get("teams")?;
        Ok(Campaign {
            id,
            name: row.try_get("name")?,
            unit_code: unit.code.clone(),
            unit_name: row.try_get("unit_name")?,
            target: row.try_get("target_kind")?,
            lockdown_id: row.try_get("lockdown_id")?,
            pool_size: row.try_get("pool_size")?,
            every_days,
            teams: teams
                .lines()
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            status,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            rounds,
            next_round_on,
        })
    }

    /// The campaigns the scope sees, open ones first, newest first.
    pub async fn campaigns(&self, scope: &Scope, today: NaiveDate) -> Result<Vec<Campaign>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM campaigns ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, id DESC LIMIT 500",
        )
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::new();
        for id in ids {
            match self.campaign(scope, id, today).await {
                Ok(c) => out.push(c),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// A campaign the actor may run: inside the actor's unit, and open.
    async fn runnable(&self, actor: &Actor, id: i64, today: NaiveDate) -> Result<Campaign> {
        actor.require(Permission::RunCampaigns)?;
        let c = self.campaign(&actor.scope, id, today).await?;
        let unit = self.unit(&c.unit_code).await?;
        if !actor.scope.contains(&unit) {
            return Err(StoreError::Forbidden {
                permission: Permission::RunCampaigns,
            });
        }
        if c.status != "open" {
            return Err(StoreError::conflict(
                "Đợt xét nghiệm này đã kết thúc.",
                "This campaign is closed.",
            ));
        }
        Ok(c)
    }

    /// Start the next round today — or on `starts_on`, a day already past,
    /// for rounds entered after the fact: the target group as it stands now
    /// (the same list for a list campaign), and a deadline as far from its
    /// first day as the first round's was from its start.
    pub async fn start_round(
        &self,
        actor: &Actor,
        id: i64,
        starts_on: Option<&str>,
        now_local: NaiveDateTime,
    ) -> Result<Campaign> {
        let today = now_local.date();
        let c = self.runnable(actor, id, today).await?;
        let (Some(first), Some(last)) = (c.rounds.first(), c.rounds.last()) else {
            return Err(StoreError::not_found(
                crate::error::Entity::CampaignRound,
                id,
            ));
        };
        let starts =
            parse_round_start(starts_on.unwrap_or_default(), today).map_err(Invalid::from)?;
        if last.starts_on >= starts.to_string() {
            return Err(StoreError::conflict(
                format!(
                    "Vòng hiện tại bắt đầu ngày {}; vòng sau bắt đầu từ ngày hôm sau.",
                    last.starts_on
                ),
                format!(
                    "The current round began on {}; the next can begin the day after at the earliest.",
                    last.starts_on
                ),
            ));
        }
        let first_start = NaiveDate::parse_from_str(&first.starts_on, "%Y-%m-%d")
            .map_err(|e| StoreError::Data(e.to_string()))?
            .and_time(NaiveTime::MIN);
        let span = parse_deadline(&first.deadline)
            .map(|d| d - first_start)
            .unwrap_or_else(|| chrono::Duration::days(1));
        let deadline = starts.and_time(NaiveTime::MIN) + span;
        let round_no = last.round_no + 1;
        let mut tx = self.write.begin().await?;
        let previous: i64 = sqlx::query_scalar(
            "SELECT id FROM campaign_rounds WHERE campaign_id = $1 AND round_no = $2",
        )
        .bind(id)
        .bind(last.round_no)
        .fetch_one(&mut *tx)
        .await?;
        let round_id = insert_round(
            &mut tx,
            actor,
            id,
            round_no,
            starts,
            deadline,
            &self.stamp(),
        )
        .await?;
        let targeted = fill_round(
            &mut tx,
            round_id,
            &c.target,
            &c.unit_code,
            &[],
            Some(previous),
            deadline.date(),
        )
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "campaign_round",
            &format!("{id}/{round_no}"),
            Some(&c.unit_code),
            None::<&()>,
            Some(&serde_json::json!({
                "campaign": id, "round_no": round_no, "starts_on": starts.to_string(),
                "deadline": show(deadline), "targeted": targeted,
            })),
        )
        .await?;
        tx.commit().await?;
        self.campaign(&actor.scope, id, today).await
    }

    /// Close a campaign: no more rounds, no more samples counted to it.
    pub async fn close_campaign(
        &self,
        actor: &Actor,
        id: i64,
        today: NaiveDate,
    ) -> Result<Campaign> {
        let c = self.runnable(actor, id, today).await?;
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE campaigns SET status = 'closed' WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "update",
            "campaign",
            &id.to_string(),
            Some(&c.unit_code),
            Some(&serde_json::json!({ "status": "open" })),
            Some(&serde_json::json!({ "status": "closed" })),
        )
        .await?;
        tx.commit().await?;
        self.campaign(&actor.scope, id, today).await
    }

    /// The round's id and its sampling window `[starts_on, next start)`.
    async fn round_window(&self, id: i64, round_no: i64) -> Result<(i64, String, String)> {
        let r = sqlx::query(
            "SELECT r.id, r.starts_on, COALESCE((SELECT n.starts_on FROM campaign_rounds n \
             WHERE n.campaign_id = r.campaign_id AND n.round_no = r.round_no + 1), '9999-12-31') AS ends_on \
             FROM campaign_rounds r WHERE r.campaign_id = $1 AND r.round_no = $2",
        )
        .bind(id)
        .bind(round_no)
        .fetch_optional(&self.read)
        .await?
        .ok_or_else(|| StoreError::not_found(crate::error::Entity::CampaignRound, format!("{id}/{round_no}")))?;
        Ok((
            r.try_get("id")?,
            r.try_get("starts_on")?,
            r.try_get("ends_on")?,
        ))
    }

    /// Live progress of a round (the current one by default), broken down by
    /// the units one level below `within` (the campaign's unit by default),
    /// counting only targets inside the reader's jurisdiction.
    pub async fn campaign_progress(
        &self,
        scope: &Scope,
        id: i64,
        round_no: Option<i64>,
        within: Option<&str>,
        now_local: NaiveDateTime,
    ) -> Result<CampaignProgress> {
        let campaign = self.campaign(scope, id, now_local.date()).await?;
        let round = match round_no {
            Some(n) => campaign.rounds.iter().find(|r| r.round_no == n),
            None => campaign.current_round(),
        }
        .cloned()
        .ok_or_else(|| {
            StoreError::not_found(
                crate::error::Entity::CampaignRound,
                format!("{id}/{round_no:?}"),
            )
        })?;
        let within = within
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .unwrap_or(&campaign.unit_code)
            .to_owned();
        let within_unit = self.unit(&within).await?;
        let group = match within_unit.level {
            UnitLevel::National => "province_code",
            UnitLevel::Province => "district_code",
            _ => "commune_code",
        };
        let (round_id, starts, ends) = self.round_window(id, round.round_no).await?;
        let mut b = QueryBuilder::numbered(String::new(), 3);
        let wcond = under(&mut b, &within, "t")?;
        let [scond] = scope.and_filters(&mut b, ["t"]);
        let sql = format!(
            "SELECT x.unit_code, u.name AS unit_name, COUNT(*) AS targeted, \
             SUM(CASE WHEN s.status IS NULL THEN 1 ELSE 0 END) AS not_sampled, \
             SUM(CASE WHEN s.status = 'negative' THEN 1 ELSE 0 END) AS negative, \
             SUM(CASE WHEN s.status = 'positive' THEN 1 ELSE 0 END) AS positive \
             FROM (SELECT t.{group} AS unit_code, {LATEST_SAMPLE} AS sample_id \
                   FROM campaign_targets t WHERE t.round_id = $1 AND {wcond}{scond}) x \
             LEFT JOIN samples s ON s.id = x.sample_id \
             JOIN units u ON u.code = x.unit_code \
             GROUP BY x.unit_code, u.name ORDER BY u.name"
        );
        b.push(&sql);
        let q = b.bind_onto(
            sqlx::query(b.sql())
                .bind(round_id)
                .bind(starts.as_str())
                .bind(ends.as_str()),
        );
        let mut total = UnitProgress {
            unit_code: within_unit.code.clone(),
            unit_name: within_unit.name.clone(),
            ..Default::default()
        };
        let mut units = Vec::new();
        for r in q.fetch_all(&self.read).await? {
            let targeted: i64 = r.try_get("targeted")?;
            let not_sampled: i64 = r.try_get("not_sampled")?;
            let negative: i64 = r.try_get("negative")?;
            let positive: i64 = r.try_get("positive")?;
            let sampled = targeted - not_sampled;
            let u = UnitProgress {
                unit_code: r.try_get("unit_code")?,
                unit_name: r.try_get("unit_name")?,
                targeted,
                sampled,
                negative,
                positive,
                pending: sampled - negative - positive,
                not_sampled,
            };
            total.add(&u);
            units.push(u);
        }
        let overdue =
            total.not_sampled > 0 && parse_deadline(&round.deadline).is_some_and(|d| d < now_local);
        Ok(CampaignProgress {
            round_no: round.round_no,
            deadline: round.deadline.clone(),
            overdue,
            within,
            total,
            units,
            campaign,
        })
    }

    /// The people behind one figure of a round: `status` one of
    /// [`PROGRESS_STATUSES`], `unit` any unit under the campaign's. Within the
    /// reader's jurisdiction; by commune and household, so a team can walk it.
    #[allow(clippy::too_many_arguments)]
    pub async fn campaign_people(
        &self,
        scope: &Scope,
        id: i64,
        round_no: Option<i64>,
        unit: Option<&str>,
        status: &str,
        paging: crate::Paging,
        today: NaiveDate,
    ) -> Result<CampaignPeople> {
        if !PROGRESS_STATUSES.contains(&status) {
            return Err(invalid(
                "status",
                "invalid",
                format!("Trạng thái phải là: {}.", PROGRESS_STATUSES.join(", ")),
                format!(
                    "The status must be one of: {}.",
                    PROGRESS_STATUSES.join(", ")
                ),
            ));
        }
        let campaign = self.campaign(scope, id, today).await?;
        let round_no = round_no
            .or(campaign.current_round().map(|r| r.round_no))
            .unwrap_or(1);
        let (round_id, starts, ends) = self.round_window(id, round_no).await?;
        let unit = unit
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(&campaign.unit_code);
        let mut b = QueryBuilder::numbered(String::new(), 3);
        let wcond = under(&mut b, unit, "t")?;
        let [scond] = scope.and_filters(&mut b, ["t"]);
        let filter = match status {
            "sampled" => "s.id IS NOT NULL",
            "negative" => "s.status = 'negative'",
            "positive" => "s.status = 'positive'",
            "pending" => "s.status IN ('collected', 'pool_positive', 'resample')",
            "not_sampled" => "s.id IS NULL",
            _ => "1 = 1",
        };
        let from = format!(
            "FROM (SELECT t.person_id, {LATEST_SAMPLE} AS sample_id \
                   FROM campaign_targets t WHERE t.round_id = $1 AND {wcond}{scond}) x \
             JOIN persons p ON p.id = x.person_id \
             LEFT JOIN samples s ON s.id = x.sample_id \
             WHERE {filter}"
        );
        b.push(&from);
        let total: i64 = b
            .bind_scalar_onto(
                sqlx::query_scalar(&format!("SELECT COUNT(*) {}", b.sql()))
                    .bind(round_id)
                    .bind(starts.as_str())
                    .bind(ends.as_str()),
            )
            .fetch_one(&self.read)
            .await?;
        let sql = format!(
            "SELECT x.person_id, p.full_name, p.birth_year, p.commune_code, p.household_id, \
             (SELECT u.name FROM units u WHERE u.code = p.commune_code) AS commune_name, \
             s.status AS sample_status, s.code AS sample_code, s.collected_on, \
             (SELECT code FROM pools WHERE id = s.pool_id) AS pool_code \
             {} ORDER BY p.commune_code, p.household_id, p.id LIMIT {} OFFSET {}",
            b.sql(),
            paging.limit,
            paging.offset
        );
        let q = b.bind_onto(
            sqlx::query(&sql)
                .bind(round_id)
                .bind(starts.as_str())
                .bind(ends.as_str()),
        );
        let mut out = Vec::new();
        for r in q.fetch_all(&self.read).await? {
            let sample_status: Option<String> = r.try_get("sample_status")?;
            let status = match sample_status.as_deref() {
                None => "not_sampled",
                Some("negative") => "negative",
                Some("positive") => "positive",
                Some(_) => "pending",
            };
            out.push(CampaignPerson {
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                birth_year: r.try_get("birth_year")?,
                commune_code: r.try_get("commune_code")?,
                commune_name: r.try_get("commune_name")?,
                household_id: r.try_get("household_id")?,
                status: status.into(),
                sample_status,
                sample_code: r.try_get("sample_code")?,
                pool_code: r.try_get("pool_code")?,
                collected_on: r.try_get("collected_on")?,
            });
        }
        Ok(CampaignPeople {
            total,
            paging,
            people: out,
        })
    }

    /// The pool size of an open campaign the scope sees, for a sample taken
    /// under it.
    pub(crate) async fn campaign_for_sample(
        &self,
        scope: &Scope,
        id: i64,
        today: NaiveDate,
    ) -> Result<Campaign> {
        let c = self.campaign(scope, id, today).await?;
        if c.status != "open" {
            return Err(invalid(
                "campaign_id",
                "closed",
                "Đợt xét nghiệm này đã kết thúc.",
                "This campaign is closed.",
            ));
        }
        Ok(c)
    }
}

/// The latest sample of target `t` taken in the round's window (`$2`, `$3`).
const LATEST_SAMPLE: &str = "(SELECT s.id FROM samples s WHERE s.person_id = t.person_id \
    AND s.collected_on >= $2 AND s.collected_on < $3 ORDER BY s.id DESC LIMIT 1)";

async fn insert_round(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    campaign_id: i64,
    round_no: i64,
    starts_on: NaiveDate,
    deadline: NaiveDateTime,
    stamp: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO campaign_rounds (campaign_id, round_no, starts_on, deadline, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(campaign_id)
    .bind(round_no)
    .bind(starts_on.to_string())
    .bind(show(deadline))
    .bind(actor.name.as_str())
    .bind(stamp)
    .fetch_one(&mut **tx)
    .await?)
}

/// Put the target group into a round: F1s or residents of the unit as they
/// stand now, the given list, or (for a list campaign's later rounds) the
/// previous round's people. Returns how many. F1s are those whose class began
/// by the round's deadline day `by` — always so for a round of today; for a
/// round entered after the fact, an F1 traced since is not its target (an F1
/// whose class has already ended is no longer one, and is not either).
async fn fill_round(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    round_id: i64,
    target: &str,
    unit: &str,
    list: &[i64],
    previous: Option<i64>,
    by: NaiveDate,
) -> Result<u64> {
    const COLUMNS: &str = "INSERT INTO campaign_targets (round_id, person_id, province_code, district_code, commune_code, hamlet_code) \
        SELECT $1, p.id, p.province_code, p.district_code, p.commune_code, p.hamlet_code FROM persons p";
    let mut b = QueryBuilder::numbered(String::new(), 1);
    let cond = under(&mut b, unit, "p")?;
    let sql = match (target, previous) {
        ("f1", _) => format!(
            "{COLUMNS} JOIN person_classes c ON c.person_id = p.id \
             WHERE c.level = 1 AND c.since_on <= '{by}' AND p.merged_into IS NULL AND {cond}"
        ),
        ("unit", _) => format!(
            "{COLUMNS} WHERE p.merged_into IS NULL AND {cond} AND NOT EXISTS \
             (SELECT 1 FROM person_classes c WHERE c.person_id = p.id AND c.level = 0)"
        ),
        (_, Some(prev)) => format!(
            "{COLUMNS} JOIN campaign_targets o ON o.person_id = p.id AND o.round_id = {prev} \
             WHERE p.merged_into IS NULL AND {cond}"
        ),
        _ => {
            let mut n = 0;
            for chunk in list.chunks(500) {
                let ids = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!("{COLUMNS} WHERE p.id IN ({ids}) AND {cond}");
                n += b
                    .bind_onto(sqlx::query(&sql).bind(round_id))
                    .execute(&mut **tx)
                    .await?
                    .rows_affected();
            }
            return Ok(n);
        }
    };
    Ok(b.bind_onto(sqlx::query(&sql).bind(round_id))
        .execute(&mut **tx)
        .await?
        .rows_affected())
}
