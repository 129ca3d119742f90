//! Choosing a person by name. Every form that names a person (a contact, a
//! sample, pool members, a cluster member, an admission) renders
//! [`person_input`]: one text field that takes a name (diacritics optional,
//! a birth year after it narrows namesakes), a phone, a national ID or a
//! record number (`#123`). `/static/picker.js` turns it into an ARIA 1.2
//! combobox that lists matches as one types (from `/persons/pick`, an HTML
//! fragment: name, birth year, hamlet and commune by name, the phone's last
//! digits) and offers to register a new person when nobody matches. Without
//! JavaScript the field is a plain search: the server resolves the text
//! ([`resolve_person`]); one match is taken, several are listed in the
//! field's error for the user to pick by record number, none is an error
//! too — a typed name never becomes somebody by default. `/persons/pick`
//! without `fragment` is a full search page for the same purpose.

use super::{Page, PageResult, encode, layout};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use phongdich_domain::access::mask;
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{Person, PersonQuery, Store, StoreError};
use serde::Deserialize;
use std::collections::HashMap;

/// How many people the picker lists, and how many an ambiguous name names
/// in its error.
const SHOWN: i64 = 8;

/// What was typed in a person field.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PersonRef {
    Empty,
    /// A record number: `#123`, `123` (up to eight digits, no leading zero —
    /// longer digit strings are phones and national IDs), or a picked label
    /// ending in `(#123)`.
    Id(i64),
    /// A name, phone or national ID to search for.
    Text(String),
}

pub(super) fn person_ref(typed: &str) -> PersonRef {
    let t = typed.trim();
    if t.is_empty() {
        return PersonRef::Empty;
    }
    if let Some(inner) = t.strip_suffix(')')
        && let Some(at) = inner.rfind("(#")
        && let Ok(id) = inner[at + 2..].trim().parse::<i64>()
    {
        return PersonRef::Id(id);
    }
    let digits = t.strip_prefix('#').unwrap_or(t).trim();
    if !digits.is_empty()
        && digits.len() <= 8
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (t.starts_with('#') || !digits.starts_with('0'))
        && let Ok(id) = digits.parse::<i64>()
    {
        return PersonRef::Id(id);
    }
    PersonRef::Text(t.to_owned())
}

/// The text a picked person leaves in the field: enough to read back whom
/// was chosen, and the record number the server reads.
pub(super) fn picked_value(p: &Person) -> String {
    format!("{} · {} (#{})", p.full_name, p.birth_year, p.id)
}

/// People matching a typed text within the reader's scope: a trailing
/// four-digit year keeps only those born that year.
async fn matches(
    store: &Store,
    page: &Page,
    text: &str,
    limit: i64,
) -> Result<(Vec<Person>, bool), StoreError> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let year = match words.last() {
        Some(w) if words.len() > 1 && w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()) => {
            let y = w.parse::<i64>().ok();
            words.pop();
            y
        }
        _ => None,
    };
    let query = PersonQuery {
        q: Some(words.join(" ")),
        limit: Some(if year.is_some() { 500 } else { limit }),
        sort: Some("name".to_owned()),
        ..PersonQuery::default()
    };
    let (mut people, mut more) = store.search_persons(&page.actor.scope, &query).await?;
    if let Some(y) = year {
        people.retain(|p| p.birth_year == y);
        more = people.len() as i64 > limit;
        people.truncate(limit as usize);
    }
    Ok((people, more))
}

/// The hamlet (or commune) names of these people's addresses.
async fn place_names(
    store: &Store,
    people: &[Person],
) -> Result<HashMap<String, String>, StoreError> {
    let mut codes: Vec<&str> = Vec::with_capacity(people.len() * 2);
    for p in people {
        codes.push(&p.commune_code);
        if let Some(h) = &p.hamlet_code {
            codes.push(h);
        }
    }
    store.unit_names(&codes).await
}

/// Where a person lives, by name: "Thôn 3, Xã Tân An".
fn place(p: &Person, names: &HashMap<String, String>) -> String {
    let commune = names
        .get(&p.commune_code)
        .cloned()
        .unwrap_or_else(|| p.commune_code.clone());
    match p
        .hamlet_code
        .as_ref()
        .map(|h| names.get(h).cloned().unwrap_or_else(|| h.clone()))
    {
        Some(h) => format!("{h}, {commune}"),
        None => commune,
    }
}

/// One line telling namesakes apart, for errors: "Nguyễn Văn An, 1985, Thôn 3, Xã Tân An — #123".
fn describe(p: &Person, names: &HashMap<String, String>) -> String {
    format!(
        "{}, {}, {} — #{}",
        p.full_name,
        p.birth_year,
        place(p, names),
        p.id
    )
}

/// The record number of the person a field names, or the field's error.
/// `Ok(None)` when the field is empty (the caller decides whether it must
/// be filled). Store failures other than "nobody" are the caller's.
pub(super) async fn resolve_person(
    store: &Store,
    page: &Page,
    field: &str,
    typed: &str,
) -> Result<Result<Option<i64>, FieldError>, StoreError> {
    let text = match person_ref(typed) {
        PersonRef::Empty => return Ok(Ok(None)),
        PersonRef::Id(id) => return Ok(Ok(Some(id))),
        PersonRef::Text(t) => t,
    };
    let (people, more) = matches(store, page, &text, SHOWN).await?;
    Ok(match people.as_slice() {
        [one] if !more => Ok(Some(one.id)),
        [] => Err(FieldError::new(
            field,
            "person_not_found",
            format!(
                "Không tìm thấy ai khớp “{text}” trong địa bàn của bạn: hãy sửa từ khoá hoặc đăng ký người mới."
            ),
            format!(
                "Nobody in your area matches “{text}”: change the words or register a new person."
            ),
        )),
        many => {
            let names = place_names(store, many).await?;
            let list = many
                .iter()
                .map(|p| describe(p, &names))
                .collect::<Vec<_>>()
                .join("; ");
            let and_more_vi = if more {
                " và những người khác"
            } else {
                ""
            };
            let and_more_en = if more { " and others" } else { "" };
            Err(FieldError::new(
                field,
                "person_ambiguous",
                format!(
                    "Có nhiều người khớp “{text}”: {list}{and_more_vi}. Hãy chọn một người (gõ mã # của người đó, hoặc thêm năm sinh)."
                ),
                format!(
                    "Several people match “{text}”: {list}{and_more_en}. Choose one (type their # number, or add the birth year)."
                ),
            ))
        }
    })
}

/// Several people in one field, separated by commas or semicolons, each
/// resolved as [`resolve_person`] does; the errors name each part.
pub(super) async fn resolve_people(
    store: &Store,
    page: &Page,
    field: &str,
    typed: &str,
) -> Result<Result<Vec<i64>, Vec<FieldError>>, StoreError> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    // "12 13 14" is three record numbers; "Nguyễn Văn An" one name.
    let parts = typed.split([',', ';', '\n']).flat_map(|part| {
        if part
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'#' || b.is_ascii_whitespace())
        {
            part.split_whitespace().collect::<Vec<_>>()
        } else {
            vec![part]
        }
    });
    for part in parts {
        match resolve_person(store, page, field, part).await? {
            Ok(Some(id)) => ids.push(id),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    Ok(if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    })
}

/// The field a form names a person with. `many` lets it take several,
/// separated by commas.
pub(super) fn person_input(
    l: Lang,
    id: &str,
    name: &str,
    label: (&str, &str),
    value: &str,
    many: bool,
    required: bool,
) -> Markup {
    html! {
        label for=(id) { (l.t(label.0, label.1)) }
        input id=(id) name=(name) value=(value) data-person=(if many { "many" } else { "one" })
            autocomplete="off" autocapitalize="words" spellcheck="false" required[required]
            placeholder=(l.t("Gõ tên, SĐT, CCCD hoặc mã #", "Type a name, phone, ID or #number"));
        small.muted { (l.t("Gõ tên không dấu cũng được; thêm năm sinh để phân biệt người trùng tên. ", "Diacritics optional; add the birth year to tell namesakes apart. "))
            a href="/persons/pick" target="_blank" rel="noopener" { (l.t("Tìm trong sổ người dân", "Search the registry")) } }
    }
}

/// People named on a page: their names (those within the reader's scope)
/// and case numbers, read once for the page.
#[derive(Default)]
pub(super) struct Names {
    people: HashMap<i64, Person>,
    cases: HashMap<i64, String>,
}

impl Names {
    pub(super) async fn of(store: &Store, page: &Page, ids: &[i64]) -> Result<Names, StoreError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        Ok(Names {
            people: store.persons_by_ids(&page.actor.scope, &ids).await?,
            cases: store.case_codes_of(&ids).await?,
        })
    }

    /// "Nguyễn Văn An (BN1234)" — the name, and the case number of an F0;
    /// someone outside the reader's scope is only their number.
    pub(super) fn text(&self, id: i64) -> String {
        let name = self
            .people
            .get(&id)
            .map_or_else(|| format!("#{id}"), |p| p.full_name.clone());
        match self.cases.get(&id) {
            Some(code) => format!("{name} ({code})"),
            None => name,
        }
    }

    /// A link to the person's record, by name, the record number in its tooltip.
    pub(super) fn link(&self, id: i64) -> Markup {
        html! { a href={ "/persons/" (id) } title={ "#" (id) } { (self.text(id)) } }
    }
}

/// The units a form may name, by name: the reader's own unit, then each
/// district under it with its communes. `None` when there are too many to
/// list (the whole country: 10,603 communes) — then the code is typed.
pub(super) type UnitGroups = Option<Vec<(String, Vec<phongdich_store::Unit>)>>;

pub(super) async fn units_to_choose(store: &Store, page: &Page) -> Result<UnitGroups, StoreError> {
    let Some(home) = page.actor.scope.home() else {
        return Ok(None);
    };
    let home = store.unit(home.as_str()).await?;
    let Some(communes) = store.communes_within(&page.actor.scope, 2000).await? else {
        return Ok(None);
    };
    let mut groups = vec![(home.name.clone(), vec![home.clone()])];
    match home.level {
        phongdich_domain::UnitLevel::Province => {
            for d in store.children(&home.code).await? {
                let mut list = vec![d.clone()];
                list.extend(
                    communes
                        .iter()
                        .filter(|c| c.district_code.as_deref() == Some(d.code.as_str()))
                        .cloned(),
                );
                groups.push((d.name.clone(), list));
            }
        }
        phongdich_domain::UnitLevel::District => groups[0].1.extend(communes),
        _ => {}
    }
    Ok(Some(groups))
}

/// A unit chosen by name from [`units_to_choose`] (the code in each
/// option's tooltip), or typed as a code when the list would be too long.
pub(super) fn unit_field(
    l: Lang,
    name: &str,
    label: (&str, &str),
    value: &str,
    errors: &[FieldError],
    groups: &UnitGroups,
) -> Markup {
    let Some(groups) = groups else {
        return super::text_field(l, name, label, value, errors, "required");
    };
    let invalid = errors.iter().any(|e| e.field == name);
    let one = groups.iter().map(|g| g.1.len()).sum::<usize>() == 1;
    html! {
        div.field.invalid[invalid] {
            label for={ "f-" (name) } { (l.t(label.0, label.1)) }
            select id={ "f-" (name) } name=(name) required aria-invalid=[invalid.then_some("true")] {
                @if !one { option value="" selected[value.trim().is_empty()] { (l.t("— Chọn —", "— Choose —")) } }
                @for (group, units) in groups {
                    optgroup label=(group) {
                        @for u in units { option value=(u.code) title=(u.code) selected[u.code == value.trim()] { (u.name) } }
                    }
                }
            }
            (super::field_error(l, errors, name))
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct PickQuery {
    #[serde(default)]
    q: String,
    /// One person by record number (the picker fills a field with them
    /// after "register a new person" comes back).
    #[serde(default)]
    id: Option<i64>,
    /// `1`: only the list's options, for the picker script.
    #[serde(default)]
    fragment: Option<u8>,
}

async fn pick(State(s): State<AppState>, page: Page, Query(q): Query<PickQuery>) -> PageResult {
    page.require(Permission::ViewPersons)?;
    let l = page.lang;
    let text = q.q.trim().to_owned();
    // One person by number (asked for, or typed), else a search.
    let by_id = q.id.or(match person_ref(&text) {
        PersonRef::Id(id) => Some(id),
        _ => None,
    });
    let (people, more) = if let Some(id) = by_id {
        let found = s
            .store
            .persons_by_ids(&page.actor.scope, &[id])
            .await
            .map_err(|e| page.fail(e))?;
        let live = found.into_values().filter(|p| p.merged_into.is_none());
        (live.collect::<Vec<_>>(), false)
    } else if text.chars().count() < 2 {
        (Vec::new(), false)
    } else {
        matches(&s.store, &page, &text, SHOWN)
            .await
            .map_err(|e| page.fail(e))?
    };
    let names = place_names(&s.store, &people)
        .await
        .map_err(|e| page.fail(e))?;
    let phone = |p: &Person| p.phone.as_deref().map(mask).unwrap_or_default();
    let can_add = page.can(Permission::EditPersons);
    if q.fragment.is_some() {
        let new_href = format!("/persons/new?full_name={}", encode(&text));
        let body = html! {
            @for p in &people {
                li role="option" aria-selected="false" data-value=(picked_value(p)) {
                    strong { (p.full_name) }
                    " "
                    span.muted { (p.birth_year) " · " (place(p, &names)) @if let Some(_) = &p.phone { " · " (l.t("ĐT ", "Ph. ")) (phone(p)) } " · #" (p.id) }
                }
            }
            @if people.is_empty() && q.id.is_none() {
                li.none aria-disabled="true" { (l.t("Không có ai khớp.", "Nobody matches.")) }
            }
            @if more {
                li.none aria-disabled="true" { (l.t("Còn người khác: gõ thêm (năm sinh, tên đệm).", "More match: type more (birth year, middle name).")) }
            }
            @if can_add && q.id.is_none() && !text.is_empty() {
                li role="option" aria-selected="false" data-new=(new_href) { "+ " (l.t("Đăng ký người mới: ", "Register a new person: ")) strong { (text) } }
            }
        };
        return Ok((
            [
                (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (axum::http::header::CACHE_CONTROL, "no-store"),
            ],
            body.into_string(),
        )
            .into_response());
    }
    Ok(layout(
        &page,
        l.t("Tìm người", "Find a person"),
        html! {
            h1 { (l.t("Tìm người", "Find a person")) }
            form.filters method="get" action="/persons/pick" role="search" {
                div.field {
                    label for="pick-q" { (l.t("Tên (không dấu cũng được), năm sinh, SĐT hoặc CCCD", "Name (diacritics optional), birth year, phone or national ID")) }
                    input #pick-q type="search" name="q" value=(text) autofocus;
                }
                button type="submit" { (l.t("Tìm", "Search")) }
            }
            @if !text.is_empty() && people.is_empty() {
                p.muted { (l.t("Không có ai khớp.", "Nobody matches.")) }
            }
            @if !people.is_empty() {
                p.muted { (l.t("Chép mã # của người cần chọn vào ô trong biểu mẫu.", "Copy the # number of the person into the form's field.")) }
                div.table-wrap { table.responsive {
                    thead { tr {
                        th { (l.t("Họ và tên", "Full name")) }
                        th { (l.t("Năm sinh", "Born")) }
                        th { (l.t("Nơi ở", "Lives in")) }
                        th { (l.t("Điện thoại", "Phone")) }
                        th { (l.t("Mã", "Number")) }
                    } }
                    tbody { @for p in &people { tr {
                        td data-label=(l.t("Họ và tên", "Full name")) { a href={ "/persons/" (p.id) } { (p.full_name) } }
                        td data-label=(l.t("Năm sinh", "Born")) { (p.birth_year) }
                        td data-label=(l.t("Nơi ở", "Lives in")) { (place(p, &names)) }
                        td.mono data-label=(l.t("Điện thoại", "Phone")) { (phone(p)) }
                        td.mono data-label=(l.t("Mã", "Number")) { "#" (p.id) }
                    } } }
                } }
                @if more { p.muted { (l.t("Còn người khác khớp: gõ thêm năm sinh hoặc tên đệm.", "More people match: add the birth year or middle name.")) } }
            }
            @if can_add {
                p { a.button.secondary href={ "/persons/new?full_name=" (encode(&text)) } { (l.t("Đăng ký người mới", "Register a new person")) } }
            }
        },
    ))
}

async fn script() -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("picker.js"),
    )
        .into_response()
}

/// This module's routes; merged once in [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/persons/pick", get(pick))
        .route("/static/picker.js", get(script))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_typed_is_read_as_a_number_or_a_text() {
        assert_eq!(person_ref("  "), PersonRef::Empty);
        assert_eq!(person_ref("#123"), PersonRef::Id(123));
        assert_eq!(person_ref("123"), PersonRef::Id(123));
        assert_eq!(person_ref("# 7"), PersonRef::Id(7));
        assert_eq!(person_ref("Nguyễn Văn An · 1985 (#42)"), PersonRef::Id(42));
        // A phone and a national ID are searched, not taken as numbers.
        assert_eq!(
            person_ref("0912345678"),
            PersonRef::Text("0912345678".into())
        );
        assert_eq!(
            person_ref("079085001234"),
            PersonRef::Text("079085001234".into())
        );
        assert_eq!(person_ref("123456789"), PersonRef::Text("123456789".into()));
        assert_eq!(
            person_ref("nguyen van an"),
            PersonRef::Text("nguyen van an".into())
        );
        assert_eq!(person_ref("An (#x)"), PersonRef::Text("An (#x)".into()));
    }
}
