//! Validation errors that name the field at fault and explain it in Vietnamese and English.

use serde::Serialize;

/// One thing wrong with one field of an input, said in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The input field at fault, as named in the API (`national_id`, `phone`, …).
    pub field: String,
    /// A stable machine-readable code (`invalid_format`, `required`, …).
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: &'static str,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code,
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }

    pub fn required(field: &str, label_vi: &str, label_en: &str) -> Self {
        Self::new(
            field,
            "required",
            format!("Thiếu {label_vi}."),
            format!("{label_en} is required."),
        )
    }
}

/// The name a reader knows a field by, in Vietnamese and English (the
/// headers of the import templates): reasons in import reports and on pages
/// say "Họ và tên: …", not `full_name: …`. `None` for a field without one.
pub fn field_label(field: &str) -> Option<(&'static str, &'static str)> {
    Some(match field {
        "full_name" => ("Họ và tên", "Full name"),
        "birth" => ("Ngày sinh", "Date of birth"),
        "sex" => ("Giới tính", "Sex"),
        "national_id" | "national_ids" => ("Số CCCD/CMND", "National ID"),
        "phone" => ("Số điện thoại", "Phone"),
        "commune_code" => ("Mã xã", "Commune code"),
        "hamlet_code" => ("Mã thôn", "Hamlet code"),
        "street_address" => ("Địa chỉ", "Address"),
        "occupation" => ("Nghề nghiệp", "Occupation"),
        "workplace" => ("Nơi làm việc", "Workplace"),
        "household" | "household_id" => ("Hộ gia đình", "Household"),
        "person_id" | "person_ids" => ("Người", "Person"),
        "other_person_id" => ("Người tiếp xúc", "Contact person"),
        "date" => ("Ngày tiếp xúc", "Contact date"),
        "setting" => ("Hoàn cảnh tiếp xúc", "Setting"),
        "distance_m" => ("Khoảng cách (m)", "Distance (m)"),
        "duration_min" => ("Thời gian (phút)", "Duration (min)"),
        "confirmed_on" => ("Ngày khẳng định", "Confirmed on"),
        "sample_on" => ("Ngày lấy mẫu", "Sampled on"),
        "onset_on" => ("Ngày khởi phát", "Onset"),
        "test_kind" => ("Loại xét nghiệm", "Test"),
        "course" => ("Tình trạng", "Course"),
        "hospital" => ("Nơi điều trị", "Hospital"),
        "detected_where" => ("Nơi phát hiện", "Found where"),
        "negative_on" => ("Ngày âm tính", "Negative on"),
        "recovered_on" => ("Ngày khỏi bệnh", "Recovered on"),
        "died_on" => ("Ngày tử vong", "Died on"),
        "official_code" => ("Mã BN (quốc gia)", "National case number"),
        "local_code" => ("Mã ca của tỉnh", "Province case number"),
        "infected_by" => ("Lây từ", "Infected by"),
        "exposure_on" => ("Ngày tiếp xúc nguồn", "Exposure date"),
        "origin_province" => ("Tỉnh nguồn lây", "Origin province"),
        "origin_district" => ("Huyện nguồn lây", "Origin district"),
        "source_kind" | "source_ref" | "source" => ("Nguồn lây", "Source"),
        "code" => ("Mã mẫu", "Sample code"),
        "outcome" => ("Kết quả", "Outcome"),
        "ct" => ("Giá trị Ct", "Ct values"),
        "resulted_on" => ("Ngày có kết quả", "Result date"),
        "lab" => ("Phòng xét nghiệm", "Lab"),
        "specimen" => ("Bệnh phẩm", "Specimen"),
        "collected_on" => ("Ngày lấy mẫu", "Sampled on"),
        _ => return None,
    })
}

impl FieldError {
    /// The message after the field's name in each language, as an import
    /// report's reason: `Họ và tên: Thiếu họ và tên.` / `Full name: …`; a
    /// field with no label keeps its own name, an index its brackets
    /// (`Số CCCD/CMND [2]: …`).
    pub fn labelled(&self) -> (String, String) {
        let (base, index) = match self.field.split_once('[') {
            Some((b, rest)) => (b, format!(" [{rest}")),
            None => (self.field.as_str(), String::new()),
        };
        let (vi, en) = field_label(base).unwrap_or((base, base));
        (
            format!("{vi}{index}: {}", self.message_vi),
            format!("{en}{index}: {}", self.message_en),
        )
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} / {}",
            self.field, self.message_vi, self.message_en
        )
    }
}

/// Every problem found in one input, so a user can fix them all at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Invalid(vec![e])
    }
}

impl std::error::Error for FieldError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_names_the_field_as_readers_know_it() {
        let e = FieldError::required("full_name", "họ và tên", "Full name");
        assert_eq!(
            e.labelled(),
            (
                "Họ và tên: Thiếu họ và tên.".to_owned(),
                "Full name: Full name is required.".to_owned()
            )
        );
        let e = FieldError::new("national_ids[2]", "invalid", "Sai.", "Wrong.");
        assert_eq!(e.labelled().0, "Số CCCD/CMND [2]: Sai.");
        let e = FieldError::new("zzz", "invalid", "Sai.", "Wrong.");
        assert_eq!(
            e.labelled(),
            ("zzz: Sai.".to_owned(), "zzz: Wrong.".to_owned())
        );
    }
}
