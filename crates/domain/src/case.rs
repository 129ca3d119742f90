//! A case (F0) as typed and its checked form: the closed vocabularies of a
//! case (test kind, source kind, course, where it was detected) as enums, and
//! the pure checks of its fields (formats, dates in order and not in the
//! future, the course and its dates agreeing). What needs the records — the
//! person, the sources, the codes being free — the store checks.

use crate::contact::parse_date;
use crate::error::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::choice::{choice, one_of};

choice!(
    /// The test that confirmed a case.
    TestKind { RtPcr = "rt_pcr", Antigen = "antigen" }
);

choice!(
    /// Where a case's infection came from.
    SourceKind {
        Case = "case",
        Cluster = "cluster",
        Imported = "imported",
        OtherProvince = "other_province",
        Investigating = "investigating",
    }
);

choice!(
    /// Where a case is treated, or how its illness ended.
    Course {
        Home = "home",
        Hospital = "hospital",
        Icu = "icu",
        Recovered = "recovered",
        Deceased = "deceased",
        TransferredOut = "transferred_out",
    }
);

choice!(
    /// Where a case was found.
    DetectedWhere {
        Community = "community",
        Quarantine = "quarantine",
        Checkpoint = "checkpoint",
        Hospital = "hospital",
    }
);

/// A case as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CaseInput {
    pub person_id: i64,
    pub confirmed_on: String,
    pub sample_on: String,
    /// Empty when asymptomatic.
    pub onset_on: String,
    /// `rt_pcr` or `antigen`.
    pub test_kind: String,
    /// `case` (a known case), `cluster`, `imported`, `other_province` (came
    /// from another province: `origin_province`), `investigating`.
    pub source_kind: String,
    /// The case code, cluster name or country code behind `source_kind`.
    pub source_ref: String,
    /// `home`, `hospital`, `icu`, `recovered`, `deceased`, `transferred_out`.
    pub course: String,
    pub hospital: String,
    /// `community`, `quarantine`, `checkpoint`, `hospital`.
    pub detected_where: String,
    /// The day the case tested negative (end of its transmission period).
    pub negative_on: String,
    /// The national case number its authority gave (`BN1234`; typed loosely,
    /// a bare number counts); unique nationally.
    pub official_code: String,
    /// The province's own case number; unique within the province.
    pub local_code: String,
    /// Every source, as written in case lists: `BN1, BN2`, `BN1; Chợ X`,
    /// `BN3 và Anh` (case numbers, cluster names, countries). Each part must
    /// resolve or the case is refused. When empty, `source_kind` and
    /// `source_ref` give the one source.
    pub infected_by: String,
    /// The day of exposure to those sources, when known (dates the links).
    pub exposure_on: String,
    /// Discharged recovered on this day.
    pub recovered_on: String,
    /// Died on this day.
    pub died_on: String,
    /// For `other_province`: the province the case came from — its code
    /// (`79`) or name (`TP. Hồ Chí Minh`, `Binh Duong`); required there, never
    /// the case's own. Given alone, the source kind is `other_province`.
    pub origin_province: String,
    /// Optionally its district, by code (`769`) or name, within that province.
    pub origin_district: String,
}

impl CaseInput {
    /// The usual case found by a test in the community, source still under
    /// investigation, treated at home — what a positive lab result confirms.
    pub fn found_in_community(
        person_id: i64,
        confirmed_on: &str,
        sample_on: &str,
        test_kind: &str,
    ) -> CaseInput {
        CaseInput {
            person_id,
            confirmed_on: confirmed_on.into(),
            sample_on: sample_on.into(),
            test_kind: test_kind.into(),
            source_kind: "investigating".into(),
            course: "home".into(),
            detected_where: "community".into(),
            ..CaseInput::default()
        }
    }

    /// Check the case's own fields on `today`, every error at once. An empty
    /// confirmation is today; an empty test kind RT-PCR; an empty source kind
    /// `other_province` when an origin is given, else `investigating`; an
    /// empty course follows the dates (death, recovery) else `home`; an empty
    /// detection place `community`.
    pub fn parse(&self, today: NaiveDate) -> Result<NewCase, Invalid> {
        let input = self;
        let mut errors = Vec::new();
        let confirmed = if input.confirmed_on.trim().is_empty() {
            Some(today)
        } else {
            optional_date("confirmed_on", &input.confirmed_on, &mut errors)
        };
        let sample_on = optional_date("sample_on", &input.sample_on, &mut errors);
        let onset_on = optional_date("onset_on", &input.onset_on, &mut errors);
        let negative_on = optional_date("negative_on", &input.negative_on, &mut errors);
        let exposure_on = optional_date("exposure_on", &input.exposure_on, &mut errors);
        let recovered_on = optional_date("recovered_on", &input.recovered_on, &mut errors);
        let died_on = optional_date("died_on", &input.died_on, &mut errors);
        let official_code = match input.official_code.trim() {
            "" => None,
            typed => {
                let code = crate::case_code::national(typed);
                if code.is_none() {
                    errors.push(FieldError::new(
                        "official_code",
                        "invalid_case_number",
                        format!("Mã BN «{typed}» không hợp lệ: BN và số (BN1234)."),
                        format!("Case number “{typed}” is invalid: BN and a number (BN1234)."),
                    ));
                }
                code
            }
        };
        let local_code = match input.local_code.trim() {
            "" => None,
            typed => {
                let code = crate::case_code::local(typed);
                if code.is_none() {
                    errors.push(FieldError::new(
                        "local_code",
                        "invalid_local_number",
                        format!(
                            "Mã ca của tỉnh «{typed}» không hợp lệ: chữ, số, - . / _, tối đa 40 ký tự."
                        ),
                        format!(
                            "Province case number “{typed}” is invalid: letters, digits, - . / _, at most 40."
                        ),
                    ));
                }
                code
            }
        };
        let test_kind = one_of::<TestKind>(
            "test_kind",
            if input.test_kind.is_empty() {
                "rt_pcr"
            } else {
                &input.test_kind
            },
            &mut errors,
        );
        let source_kind = one_of::<SourceKind>(
            "source_kind",
            match input.source_kind.trim() {
                "" if !input.origin_province.trim().is_empty() => "other_province",
                "" => "investigating",
                k => k,
            },
            &mut errors,
        );
        let course = one_of::<Course>(
            "course",
            match (input.course.trim(), &died_on, &recovered_on) {
                ("", Some(_), _) => "deceased",
                ("", None, Some(_)) => "recovered",
                ("", None, None) => "home",
                (c, _, _) => c,
            },
            &mut errors,
        );
        let detected_where = one_of::<DetectedWhere>(
            "detected_where",
            if input.detected_where.is_empty() {
                "community"
            } else {
                &input.detected_where
            },
            &mut errors,
        );
        let text = |s: &str| Some(crate::text::clean(s)).filter(|s| !s.is_empty());
        let source_ref = text(&input.source_ref);
        if input.infected_by.trim().is_empty()
            && matches!(
                source_kind,
                Some(SourceKind::Case | SourceKind::Cluster | SourceKind::Imported)
            )
            && source_ref.is_none()
        {
            errors.push(FieldError::new(
                "source_ref",
                "required",
                "Cần ghi nguồn lây: mã ca bệnh, tên ổ dịch hoặc mã quốc gia.",
                "Give the source: a case code, a cluster name or a country code.",
            ));
        }
        if input.infected_by.trim().is_empty()
            && source_kind == Some(SourceKind::OtherProvince)
            && input.origin_province.trim().is_empty()
            && source_ref.is_none()
        {
            errors.push(FieldError::new(
                "origin_province",
                "required",
                "Ca từ tỉnh khác: cần tỉnh/thành phố nơi về (mã hoặc tên).",
                "A case from another province needs the province of origin (code or name).",
            ));
        }
        if course == Some(Course::Recovered) && recovered_on.is_none() && negative_on.is_none() {
            errors.push(FieldError::new(
                "recovered_on",
                "required",
                "Ca khỏi bệnh cần ngày khỏi (ra viện) hoặc ngày xét nghiệm âm tính.",
                "A recovered case needs its day of recovery (discharge) or of the negative test.",
            ));
        }
        if course == Some(Course::Deceased) && died_on.is_none() {
            errors.push(FieldError::new(
                "died_on",
                "required",
                "Ca tử vong cần ngày tử vong.",
                "A deceased case needs its day of death.",
            ));
        }
        if died_on.is_some() && course != Some(Course::Deceased) {
            errors.push(FieldError::new(
                "died_on",
                "course_mismatch",
                "Có ngày tử vong nhưng tình trạng không phải «tử vong».",
                "A death date is given but the course is not “deceased”.",
            ));
        }
        if recovered_on.is_some()
            && course != Some(Course::Recovered)
            && course != Some(Course::Deceased)
        {
            errors.push(FieldError::new(
                "recovered_on",
                "course_mismatch",
                "Có ngày ra viện (khỏi) nhưng tình trạng không phải «khỏi».",
                "A recovery date is given but the course is not “recovered”.",
            ));
        }
        if let (Some(r), Some(c)) = (recovered_on, confirmed)
            && r < c
        {
            errors.push(FieldError::new(
                "recovered_on",
                "before_confirmation",
                "Ngày khỏi trước ngày khẳng định.",
                "The recovery date is before the confirmation.",
            ));
        }
        for (field, d) in [
            ("confirmed_on", confirmed),
            ("sample_on", sample_on),
            ("onset_on", onset_on),
            ("exposure_on", exposure_on),
            ("recovered_on", recovered_on),
            ("died_on", died_on),
        ] {
            if d.is_some_and(|d| d > today) {
                errors.push(FieldError::new(
                    field,
                    "in_future",
                    "Ngày ở tương lai.",
                    "The date is in the future.",
                ));
            }
        }
        if let (Some(s), Some(c)) = (sample_on, confirmed)
            && s > c
        {
            errors.push(FieldError::new(
                "sample_on",
                "after_confirmation",
                "Ngày lấy mẫu sau ngày khẳng định.",
                "The sample date is after the confirmation.",
            ));
        }
        match (
            confirmed,
            test_kind,
            source_kind,
            course,
            detected_where,
            errors.is_empty(),
        ) {
            (
                Some(confirmed_on),
                Some(test_kind),
                Some(source_kind),
                Some(course),
                Some(detected_where),
                true,
            ) => Ok(NewCase {
                confirmed_on,
                sample_on,
                onset_on,
                test_kind,
                source_kind,
                source_ref,
                course,
                hospital: text(&input.hospital),
                detected_where,
                negative_on,
                official_code,
                local_code,
                infected_by: input.infected_by.trim().to_owned(),
                exposure_on,
                recovered_on,
                died_on,
                origin_province: input.origin_province.trim().to_owned(),
                origin_district: input.origin_district.trim().to_owned(),
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

fn optional_date(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        return None;
    }
    parse_date(field, s).map_err(|e| errors.push(e)).ok()
}

/// A case's own fields, checked ([`CaseInput::parse`]); its sources and
/// origin are still as typed, for the store to resolve against its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub confirmed_on: NaiveDate,
    pub sample_on: Option<NaiveDate>,
    pub onset_on: Option<NaiveDate>,
    pub test_kind: TestKind,
    pub source_kind: SourceKind,
    pub source_ref: Option<String>,
    pub course: Course,
    pub hospital: Option<String>,
    pub detected_where: DetectedWhere,
    pub negative_on: Option<NaiveDate>,
    /// The national case number, normalised (`BN1234`).
    pub official_code: Option<String>,
    pub local_code: Option<String>,
    /// The sources as typed (trimmed).
    pub infected_by: String,
    pub exposure_on: Option<NaiveDate>,
    pub recovered_on: Option<NaiveDate>,
    pub died_on: Option<NaiveDate>,
    /// The origin as typed (trimmed), for `other_province`.
    pub origin_province: String,
    pub origin_district: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choice::Choice;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 8, 10).unwrap()
    }

    fn codes(e: Invalid) -> Vec<(String, &'static str)> {
        e.0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    fn round_trip<T: Choice + PartialEq + std::fmt::Debug>() {
        for v in T::ALL {
            assert_eq!(T::from_str_exact(v.as_str()), Some(*v));
            let mut errors = Vec::new();
            assert_eq!(
                one_of::<T>("f", &v.as_str().to_uppercase(), &mut errors),
                Some(*v)
            );
            assert!(errors.is_empty());
        }
    }

    #[test]
    fn every_word_round_trips() {
        round_trip::<TestKind>();
        round_trip::<SourceKind>();
        round_trip::<Course>();
        round_trip::<DetectedWhere>();
        assert_eq!(Course::TransferredOut.as_str(), "transferred_out");
        assert_eq!(
            serde_json::to_string(&Course::TransferredOut).unwrap(),
            "\"transferred_out\""
        );
        assert_eq!(TestKind::from_stored("pcr"), None);
    }

    #[test]
    fn a_community_case_parses_with_its_defaults() {
        let c = CaseInput::found_in_community(1, "2021-08-09", "08/08/2021", "")
            .parse(today())
            .unwrap();
        assert_eq!(c.confirmed_on, NaiveDate::from_ymd_opt(2021, 8, 9).unwrap());
        assert_eq!(c.sample_on, NaiveDate::from_ymd_opt(2021, 8, 8));
        assert_eq!(c.test_kind, TestKind::RtPcr);
        assert_eq!(c.source_kind, SourceKind::Investigating);
        assert_eq!(c.course, Course::Home);
        assert_eq!(c.detected_where, DetectedWhere::Community);
        let empty = CaseInput::default().parse(today()).unwrap();
        assert_eq!(empty.confirmed_on, today());
        assert_eq!(empty.course, Course::Home);
    }

    #[test]
    fn course_and_source_follow_the_dates_and_origin() {
        let c = CaseInput {
            died_on: "2021-08-09".into(),
            origin_province: " 79 ".into(),
            ..CaseInput::default()
        }
        .parse(today())
        .unwrap();
        assert_eq!(c.course, Course::Deceased);
        assert_eq!(c.source_kind, SourceKind::OtherProvince);
        assert_eq!(c.origin_province, "79");
        let r = CaseInput {
            confirmed_on: "2021-08-01".into(),
            recovered_on: "2021-08-09".into(),
            ..CaseInput::default()
        }
        .parse(today())
        .unwrap();
        assert_eq!(r.course, Course::Recovered);
    }

    #[test]
    fn each_refusal_names_its_field_and_code() {
        let one = |input: CaseInput| codes(input.parse(today()).unwrap_err());
        let e = |f: &str, c: &'static str| vec![(f.to_owned(), c)];
        assert_eq!(
            one(CaseInput {
                confirmed_on: "10.08".into(),
                ..Default::default()
            }),
            e("confirmed_on", "invalid_date")
        );
        assert_eq!(
            one(CaseInput {
                test_kind: "pcr".into(),
                ..Default::default()
            }),
            e("test_kind", "invalid_choice")
        );
        assert_eq!(
            one(CaseInput {
                source_kind: "case".into(),
                ..Default::default()
            }),
            e("source_ref", "required")
        );
        assert_eq!(
            one(CaseInput {
                source_kind: "other_province".into(),
                ..Default::default()
            }),
            e("origin_province", "required")
        );
        assert_eq!(
            one(CaseInput {
                course: "recovered".into(),
                ..Default::default()
            }),
            e("recovered_on", "required")
        );
        assert_eq!(
            one(CaseInput {
                course: "deceased".into(),
                ..Default::default()
            }),
            e("died_on", "required")
        );
        assert_eq!(
            one(CaseInput {
                course: "home".into(),
                died_on: "2021-08-01".into(),
                ..Default::default()
            }),
            e("died_on", "course_mismatch")
        );
        assert_eq!(
            one(CaseInput {
                course: "icu".into(),
                recovered_on: "2021-08-10".into(),
                ..Default::default()
            }),
            e("recovered_on", "course_mismatch")
        );
        assert_eq!(
            one(CaseInput {
                confirmed_on: "2021-08-05".into(),
                recovered_on: "2021-08-04".into(),
                ..Default::default()
            }),
            e("recovered_on", "before_confirmation")
        );
        assert_eq!(
            one(CaseInput {
                onset_on: "2021-08-11".into(),
                ..Default::default()
            }),
            e("onset_on", "in_future")
        );
        assert_eq!(
            one(CaseInput {
                confirmed_on: "2021-08-05".into(),
                sample_on: "2021-08-06".into(),
                ..Default::default()
            }),
            e("sample_on", "after_confirmation")
        );
        assert_eq!(
            one(CaseInput {
                official_code: "XY".into(),
                ..Default::default()
            }),
            e("official_code", "invalid_case_number")
        );
        assert_eq!(
            one(CaseInput {
                detected_where: "market".into(),
                ..Default::default()
            }),
            e("detected_where", "invalid_choice")
        );
    }

    #[test]
    fn every_error_is_collected_at_once() {
        let err = CaseInput {
            sample_on: "x".into(),
            test_kind: "pcr".into(),
            course: "gone".into(),
            detected_where: "market".into(),
            onset_on: "2030-01-01".into(),
            ..CaseInput::default()
        }
        .parse(today())
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "sample_on",
                "test_kind",
                "course",
                "detected_where",
                "onset_on"
            ]
        );
        assert!(
            err.0
                .iter()
                .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
        );
        assert!(err.0[1].message_vi.contains("rt_pcr, antigen"));
    }
}
