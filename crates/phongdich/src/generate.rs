//! Seeded, deterministic generator of realistic Vietnamese people living in
//! households, for `phongdich demo` and the benchmarks.
//!
//! The same seed, communes, count and `today` give the same people, field for
//! field. Every generated row passes [`PersonInput::parse`]: names with
//! diacritics, a population pyramid, couples and their children sharing an
//! address, CCCD numbers consistent with sex and birth year, real mobile
//! prefixes, and no national ID or phone number used twice in a run.
//! [`corrupt`] turns a good row into the kind of mistake real tracing
//! spreadsheets are full of.

use chrono::{Datelike, Days, Months, NaiveDate};
use fastrand::Rng;
use phongdich_domain::unit::PROVINCE_CODES_2021;
use phongdich_domain::{Birth, PersonInput, Sex, UnitCode, UnitLevel};

/// A commune to place people in, with the hamlet codes that exist under it ("06649-001"...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GenCommune {
    pub code: String,
    pub hamlets: Vec<String>,
    pub urban: bool,
    /// The province the commune lies in (2021 GSO code, e.g. 1 for Hà Nội): the
    /// birth-registration province of most CCCD numbers generated there.
    pub province_code: u32,
}

/// One generated person: the raw input as a user would type it, plus the household it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GenPerson {
    pub input: PersonInput,
    pub household: u64,
}

// ---------------------------------------------------------------------------
// Name tables. Weights are per ten thousand people (GSO / surname studies).

/// Surnames with their frequencies. "Hoàng" and "Vũ" stand for the pairs
/// Hoàng/Huỳnh and Vũ/Võ, resolved by region (see [`surname`]).
const SURNAMES: &[(&str, u32)] = &[
    ("Nguyễn", 3800),
    ("Trần", 1100),
    ("Lê", 950),
    ("Phạm", 700),
    ("Hoàng", 500),
    ("Phan", 450),
    ("Vũ", 390),
    ("Đặng", 210),
    ("Bùi", 200),
    ("Đỗ", 140),
    ("Hồ", 130),
    ("Ngô", 130),
    ("Dương", 100),
    ("Lý", 50),
    ("Đinh", 90),
    ("Trương", 85),
    ("Đào", 80),
    ("Đoàn", 75),
    ("Trịnh", 70),
    ("Lương", 65),
    ("Mai", 60),
    ("Hà", 60),
    ("Cao", 50),
    ("Lâm", 45),
    ("Tô", 35),
    ("Lưu", 35),
    ("Vương", 30),
    ("Thái", 30),
    ("Tạ", 30),
    ("Chu", 30),
    ("Quách", 25),
    ("Kiều", 20),
    ("Triệu", 20),
    ("Phùng", 20),
    ("Châu", 20),
    ("Lại", 15),
    ("Văn", 15),
    ("Thân", 12),
    ("Từ", 12),
    ("Tống", 12),
    ("Giang", 10),
    ("Hứa", 10),
    ("Khúc", 8),
    ("Nghiêm", 8),
    ("Tăng", 8),
    ("Mạc", 8),
    ("La", 8),
    ("Diệp", 6),
    ("Doãn", 6),
    ("Ông", 6),
    ("Âu", 5),
    ("Khổng", 4),
];

/// Male middle names other than "Văn", which is drawn by birth cohort.
const MALE_MIDDLE: &[&str] = &[
    "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Xuân", "Gia", "Đình", "Ngọc", "Trung", "Hoàng",
    "Anh", "Duy", "Tuấn", "Bảo", "Quang", "Tiến", "Mạnh", "Việt", "Hải", "Thành", "Trọng", "Khắc",
    "Đăng", "Huy", "Nhật", "Phúc",
];

/// Female middle names other than "Thị", which is drawn by birth cohort.
const FEMALE_MIDDLE: &[&str] = &[
    "Ngọc", "Thu", "Thanh", "Kim", "Phương", "Bảo", "Hồng", "Thùy", "Minh", "Mai", "Khánh", "Hải",
    "Diệu", "Quỳnh", "Bích", "Lan", "Mỹ", "Tuyết", "Thúy", "Hoài", "Tú", "Yến", "Cẩm", "Hà", "Như",
    "Gia",
];

/// The second middle name after "Thị" ("Nguyễn Thị Thu Hương").
const AFTER_THI: &[&str] = &[
    "Thu", "Thanh", "Ngọc", "Kim", "Minh", "Hồng", "Mỹ", "Bích", "Lan", "Hải", "Phương", "Thúy",
];

const MALE_GIVEN: &[&str] = &[
    "An",
    "Anh",
    "Bảo",
    "Bình",
    "Chiến",
    "Chính",
    "Công",
    "Cường",
    "Dũng",
    "Duy",
    "Dương",
    "Đạt",
    "Định",
    "Đông",
    "Đức",
    "Giang",
    "Hải",
    "Hào",
    "Hậu",
    "Hiển",
    "Hiếu",
    "Hiệp",
    "Hòa",
    "Hoàng",
    "Huy",
    "Hùng",
    "Hưng",
    "Khải",
    "Khang",
    "Khánh",
    "Khoa",
    "Khôi",
    "Kiên",
    "Lâm",
    "Long",
    "Lộc",
    "Lợi",
    "Luân",
    "Lực",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Ninh",
    "Phát",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Quý",
    "Sơn",
    "Tài",
    "Tâm",
    "Tân",
    "Thái",
    "Thắng",
    "Thành",
    "Thịnh",
    "Thông",
    "Thuận",
    "Tiến",
    "Toàn",
    "Trọng",
    "Trung",
    "Trường",
    "Tú",
    "Tuấn",
    "Tùng",
    "Vinh",
    "Việt",
    "Vũ",
];

const FEMALE_GIVEN: &[&str] = &[
    "An",
    "Anh",
    "Ánh",
    "Bích",
    "Châu",
    "Chi",
    "Cúc",
    "Diệp",
    "Diệu",
    "Dung",
    "Duyên",
    "Đào",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hân",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huệ",
    "Huyền",
    "Hương",
    "Hường",
    "Khánh",
    "Lan",
    "Lệ",
    "Liên",
    "Liễu",
    "Linh",
    "Loan",
    "Lụa",
    "Ly",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhàn",
    "Nhi",
    "Nhung",
    "Như",
    "Oanh",
    "Phương",
    "Phượng",
    "Quyên",
    "Quỳnh",
    "Sen",
    "Tâm",
    "Thảo",
    "Thắm",
    "Thơm",
    "Thu",
    "Thủy",
    "Thúy",
    "Thư",
    "Thương",
    "Trang",
    "Trâm",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Xuân",
    "Yến",
];

// ---------------------------------------------------------------------------
// Places, schools, workplaces.

/// Heroes and scholars that streets and schools are named after.
const FAMOUS: &[&str] = &[
    "Nguyễn Trãi",
    "Lê Lợi",
    "Trần Phú",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Chu Văn An",
    "Lê Quý Đôn",
    "Nguyễn Du",
    "Kim Đồng",
    "Võ Thị Sáu",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Phan Bội Châu",
    "Hùng Vương",
    "Ngô Quyền",
    "Lê Hồng Phong",
    "Nguyễn Bỉnh Khiêm",
    "Nguyễn Đình Chiểu",
    "Tô Hiến Thành",
    "Lương Thế Vinh",
    "Nguyễn Văn Trỗi",
    "Lê Văn Tám",
    "Đinh Tiên Hoàng",
    "Phan Chu Trinh",
    "Huỳnh Thúc Kháng",
    "Nguyễn Khuyến",
    "Trưng Vương",
    "Hai Bà Trưng",
    "Điện Biên Phủ",
    "Hoàng Hoa Thám",
    "Phan Đình Phùng",
    "Nguyễn Thị Minh Khai",
];

const KINDERGARTENS: &[&str] = &[
    "Hoa Sen",
    "Hoa Mai",
    "Hoa Hồng",
    "Sơn Ca",
    "Họa Mi",
    "Tuổi Thơ",
    "Ánh Dương",
    "Bình Minh",
    "Sao Mai",
    "Hướng Dương",
];

const MARKETS: &[&str] = &[
    "Mới",
    "Trung tâm",
    "Đầu Cầu",
    "Ga",
    "Cầu",
    "Đình",
    "Bến",
    "Hôm",
    "Chiều",
    "Đông",
    "Cây Gạo",
    "Xanh",
];

const BRANDS: &[&str] = &[
    "Hưng Thịnh",
    "Phú Cường",
    "Thành Công",
    "An Phát",
    "Minh Long",
    "Tân Tiến",
    "Đại Phát",
    "Việt Hàn",
    "Phú Thịnh",
    "Hoàng Long",
    "Sao Mai",
    "Bình Minh",
    "Tiến Đạt",
    "Thăng Long",
    "Hồng Hà",
    "Trường Sơn",
    "Đông Á",
    "Nam Việt",
    "Quang Minh",
    "Hải Âu",
    "Kim Long",
    "Vạn Xuân",
    "Tân Á",
    "Đức Anh",
];

const INDUSTRIES: &[&str] = &[
    "May mặc",
    "Giày da",
    "Điện tử",
    "Thực phẩm",
    "Cơ khí",
    "Bao bì",
    "Chế biến gỗ",
    "Nhựa",
    "Dệt may",
    "Linh kiện điện tử",
    "Thủy sản",
    "Gạch men",
];

const UNIVERSITIES: &[&str] = &[
    "Trường Đại học Sư phạm",
    "Trường Đại học Y Dược",
    "Trường Đại học Kinh tế",
    "Trường Đại học Bách khoa",
    "Trường Đại học Công nghiệp",
    "Trường Đại học Nông Lâm",
    "Trường Đại học Giao thông Vận tải",
    "Trường Đại học Luật",
    "Trường Đại học Thủy lợi",
    "Học viện Ngân hàng",
    "Trường Cao đẳng Y tế",
    "Trường Cao đẳng Nghề",
];

const FISHING_PORTS: &[&str] = &[
    "Cửa Hội",
    "Sa Huỳnh",
    "Lạch Bạng",
    "Tắc Cậu",
    "Sông Đốc",
    "Hòn Rớ",
    "Cát Bà",
    "Quy Nhơn",
    "Phan Thiết",
    "Thọ Quang",
];

const HIGHWAYS: &[&str] = &["1A", "5", "10", "14", "18", "20", "21", "32", "51", "91"];

/// Named villages for rural hamlets ("Thôn Đông"...).
const VILLAGES: &[&str] = &[
    "Đông",
    "Đoài",
    "Nam",
    "Bắc",
    "Trung",
    "Thượng",
    "Hạ",
    "Tiền",
    "Hậu",
    "Phú Mỹ",
    "An Lạc",
    "Tân Lập",
    "Đồng Tâm",
    "Hòa Bình",
    "Quyết Tiến",
    "Thắng Lợi",
    "Đại Đồng",
    "Yên Khê",
    "Vân Tràng",
    "Phú Xuân",
    "Làng Mới",
    "Đình Trung",
    "Cầu Gạch",
    "Văn Giáp",
];

// ---------------------------------------------------------------------------
// Occupations.

#[derive(Debug, Clone, Copy)]
enum Wp {
    None,
    Factory,
    Company,
    School,
    Market,
    Office,
    Health,
    Transport,
    Build,
    Port,
    Police,
    Army,
    Shop,
}

/// (occupation, weight for men, weight for women, kind of workplace).
type Job = (&'static str, u32, u32, Wp);

const RURAL_JOBS: &[Job] = &[
    ("nông dân", 300, 300, Wp::None),
    ("công nhân", 180, 220, Wp::Factory),
    ("buôn bán", 40, 110, Wp::Market),
    ("thợ xây", 110, 10, Wp::Build),
    ("lao động tự do", 70, 50, Wp::None),
    ("kinh doanh tự do", 50, 50, Wp::None),
    ("giáo viên", 15, 50, Wp::School),
    ("cán bộ", 30, 20, Wp::Office),
    ("lái xe", 50, 2, Wp::Transport),
    ("ngư dân", 35, 3, Wp::Port),
    ("nội trợ", 0, 70, Wp::None),
    ("thợ may", 5, 40, Wp::None),
    ("thợ cơ khí", 35, 2, Wp::None),
    ("điều dưỡng", 3, 12, Wp::Health),
    ("bộ đội", 12, 1, Wp::Army),
    ("", 30, 30, Wp::None),
];

const URBAN_JOBS: &[Job] = &[
    ("công nhân", 170, 190, Wp::Factory),
    ("nhân viên văn phòng", 120, 160, Wp::Company),
    ("buôn bán", 70, 130, Wp::Market),
    ("kinh doanh tự do", 100, 90, Wp::None),
    ("giáo viên", 20, 60, Wp::School),
    ("cán bộ", 50, 45, Wp::Office),
    ("lái xe", 70, 3, Wp::Transport),
    ("thợ xây", 60, 5, Wp::Build),
    ("nội trợ", 0, 60, Wp::None),
    ("bác sĩ", 15, 15, Wp::Health),
    ("điều dưỡng", 5, 25, Wp::Health),
    ("kỹ sư", 50, 15, Wp::Company),
    ("giao hàng", 35, 5, Wp::None),
    ("bảo vệ", 30, 3, Wp::Company),
    ("lao động tự do", 50, 35, Wp::None),
    ("công an", 15, 4, Wp::Police),
    ("thợ may", 3, 20, Wp::None),
    ("nhân viên bán hàng", 25, 50, Wp::Shop),
    ("thợ sửa xe", 20, 0, Wp::None),
    ("", 25, 30, Wp::None),
];

// ---------------------------------------------------------------------------
// Phones.

/// Mobile prefixes since the 2018 conversion, weighted by rough market share
/// (Viettel, VinaPhone, MobiFone).
const MOBILE_PREFIXES: &[(&str, u32)] = &[
    ("032", 4),
    ("033", 5),
    ("034", 4),
    ("035", 4),
    ("036", 4),
    ("037", 4),
    ("038", 4),
    ("039", 4),
    ("086", 5),
    ("096", 7),
    ("097", 8),
    ("098", 8),
    ("081", 2),
    ("082", 2),
    ("083", 2),
    ("084", 2),
    ("085", 2),
    ("088", 3),
    ("091", 6),
    ("094", 4),
    ("070", 2),
    ("076", 1),
    ("077", 1),
    ("078", 1),
    ("079", 2),
    ("089", 2),
    ("090", 5),
    ("093", 3),
];

/// Landline area code of a province (since 2017), by 2021 GSO province code.
fn area_code(province: u32) -> &'static str {
    match province {
        1 => "024",
        2 => "0219",
        4 => "0206",
        6 => "0209",
        8 => "0207",
        10 => "0214",
        11 => "0215",
        12 => "0213",
        14 => "0212",
        15 => "0216",
        17 => "0218",
        19 => "0208",
        20 => "0205",
        22 => "0203",
        24 => "0204",
        25 => "0210",
        26 => "0211",
        27 => "0222",
        30 => "0220",
        31 => "0225",
        33 => "0221",
        34 => "0227",
        35 => "0226",
        36 => "0228",
        37 => "0229",
        38 => "0237",
        40 => "0238",
        42 => "0239",
        44 => "0232",
        45 => "0233",
        46 => "0234",
        48 => "0236",
        49 => "0235",
        51 => "0255",
        52 => "0256",
        54 => "0257",
        56 => "0258",
        58 => "0259",
        60 => "0252",
        62 => "0260",
        64 => "0269",
        66 => "0262",
        67 => "0261",
        68 => "0263",
        70 => "0271",
        72 => "0276",
        74 => "0274",
        75 => "0251",
        77 => "0254",
        79 => "028",
        80 => "0272",
        82 => "0273",
        83 => "0275",
        84 => "0294",
        86 => "0270",
        87 => "0277",
        89 => "0296",
        91 => "0297",
        92 => "0292",
        93 => "0293",
        94 => "0299",
        95 => "0291",
        96 => "0290",
        _ => "024",
    }
}

/// First two digits of the old 9-digit CMND issued in a province.
fn cmnd_prefix(province: u32) -> u32 {
    match province {
        1 => 1,
        79 => 2,
        31 => 3,
        11 | 12 => 4,
        14 => 5,
        10 | 15 => 6,
        2 | 8 => 7,
        4 | 20 => 8,
        6 | 19 => 9,
        22 => 10,
        17 => 11,
        24 | 27 => 12,
        25 | 26 => 13,
        30 | 33 => 14,
        34 => 15,
        35..=37 => 16,
        38 => 17,
        40 | 42 => 18,
        44..=46 => 19,
        48 | 49 => 20,
        51 | 52 => 21,
        54 | 56 => 22,
        62 | 64 => 23,
        66 | 67 => 24,
        68 => 25,
        58 | 60 => 26,
        75 | 77 => 27,
        70 | 74 => 28,
        72 => 29,
        80 => 30,
        82 => 31,
        83 => 32,
        84 | 86 => 33,
        87 => 34,
        89 => 35,
        92..=94 => 36,
        91 => 37,
        95 | 96 => 38,
        _ => 1,
    }
}

// ---------------------------------------------------------------------------
// Small helpers.

/// SplitMix64: turns a seed and a salt into independent-looking keys.
fn mix(z: u64) -> u64 {
    let z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, stable across Rust releases (unlike `DefaultHasher`).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn reverse_digits(mut x: u64, digits: u32) -> u64 {
    let mut r = 0;
    for _ in 0..digits {
        r = r * 10 + x % 10;
        x /= 10;
    }
    r
}

/// A keyed bijection of `0..10^digits`, so that consecutive counters give
/// unique but random-looking number tails.
fn scramble(x: u64, digits: u32, key: u64) -> u64 {
    let m = 10u64.pow(digits);
    let x = ((x % m) * 7_368_787 + key % m) % m;
    let x = reverse_digits(x, digits);
    (x * 3_257_117 + (key >> 32) % m) % m
}

/// A uniformly chosen element of a non-empty constant table.
fn one<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

/// A weighted choice from a non-empty constant table.
fn pick<T: Copy>(rng: &mut Rng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|e| e.1).sum();
    let mut r = rng.u32(0..total.max(1));
    for &(item, w) in table {
        if r < w {
            return item;
        }
        r -= w;
    }
    table[table.len() - 1].0
}

fn percent(rng: &mut Rng, p: u32) -> bool {
    rng.u32(0..100) < p
}

fn valid_province(code: u32) -> bool {
    PROVINCE_CODES_2021.contains(&code)
}

/// A province other than `home` where someone was born.
fn other_province(rng: &mut Rng, home: Option<u32>) -> u32 {
    loop {
        let p = one(rng, &PROVINCE_CODES_2021);
        if Some(p) != home {
            return p;
        }
    }
}

// ---------------------------------------------------------------------------
// Hamlets.

/// Names of hamlets for a commune: urban → "Tổ dân phố 1".., rural → "Thôn 1".. or "Thôn Đông"…; count between 4 and 12, deterministic from (seed, commune code).
pub(crate) fn hamlet_names(seed: u64, commune_code: &str, urban: bool) -> Vec<String> {
    let mut rng = Rng::with_seed(mix(seed ^ fnv(commune_code)) ^ u64::from(urban));
    let count = rng.usize(4..=12);
    if urban {
        return (1..=count).map(|i| format!("Tổ dân phố {i}")).collect();
    }
    if rng.bool() {
        return (1..=count).map(|i| format!("Thôn {i}")).collect();
    }
    let mut names: Vec<&str> = VILLAGES.to_vec();
    rng.shuffle(&mut names);
    names
        .into_iter()
        .take(count)
        .map(|n| format!("Thôn {n}"))
        .collect()
}

// ---------------------------------------------------------------------------
// The generator.

/// A commune with the places its people study, work and shop, fixed per run.
struct Place {
    code: String,
    hamlets: Vec<String>,
    /// Relative hamlet sizes, cumulative.
    hamlet_cum: Vec<u32>,
    urban: bool,
    /// The commune's province, when it is a valid 2021 code.
    province: Option<u32>,
    /// Central and southern naming (Huỳnh, Võ) and addresses (hẻm).
    south: bool,
    streets: [&'static str; 4],
    kindergarten: String,
    primary: String,
    secondary: String,
    high: String,
    market: String,
    factories: [String; 3],
}

impl Place {
    fn new(seed: u64, c: &GenCommune) -> Self {
        let mut rng = Rng::with_seed(mix(seed ^ fnv(&c.code)).wrapping_add(1));
        let province = valid_province(c.province_code).then_some(c.province_code);
        let mut hamlet_cum = Vec::with_capacity(c.hamlets.len());
        let mut total = 0;
        for _ in &c.hamlets {
            total += rng.u32(2..=6);
            hamlet_cum.push(total);
        }
        let factory = |rng: &mut Rng| {
            let kind = if rng.bool() { "TNHH" } else { "CP" };
            format!(
                "Công ty {kind} {} {}",
                one(rng, INDUSTRIES),
                one(rng, BRANDS)
            )
        };
        let factories = [factory(&mut rng), factory(&mut rng), factory(&mut rng)];
        Place {
            code: c.code.clone(),
            hamlets: c.hamlets.clone(),
            hamlet_cum,
            urban: c.urban,
            province,
            south: province.is_some_and(|p| p >= 48),
            streets: [
                one(&mut rng, FAMOUS),
                one(&mut rng, FAMOUS),
                one(&mut rng, FAMOUS),
                one(&mut rng, FAMOUS),
            ],
            kindergarten: format!("Trường Mầm non {}", one(&mut rng, KINDERGARTENS)),
            primary: format!("Trường Tiểu học {}", one(&mut rng, FAMOUS)),
            secondary: format!("Trường THCS {}", one(&mut rng, FAMOUS)),
            high: format!("Trường THPT {}", one(&mut rng, FAMOUS)),
            market: format!("Chợ {}", one(&mut rng, MARKETS)),
            factories,
        }
    }

    fn hamlet(&self, rng: &mut Rng) -> String {
        let Some(&total) = self.hamlet_cum.last() else {
            return String::new();
        };
        let r = rng.u32(0..total);
        let i = self.hamlet_cum.partition_point(|&c| c <= r);
        self.hamlets.get(i).cloned().unwrap_or_default()
    }

    /// A street address as written on a household registration.
    fn address(&self, rng: &mut Rng) -> String {
        let street = one(rng, &self.streets);
        let n = rng.u32(1..=250);
        let m = rng.u32(1..=120);
        let r = rng.u32(0..100);
        if self.urban && self.south {
            match r {
                0..40 => format!("{n}/{m} đường {street}"),
                40..70 => format!("Số {n}, hẻm {m}, đường {street}"),
                _ => format!("Số {n} đường {street}"),
            }
        } else if self.urban {
            match r {
                0..45 => format!("Số {n}, ngõ {m}, phố {street}"),
                45..60 => format!("Số {n}, ngõ {m}"),
                60..85 => format!("Số {n} phố {street}"),
                _ => format!("Số {n}, ngách {}/{m}, phố {street}", rng.u32(1..=40)),
            }
        } else {
            let k = rng.u32(1..=12);
            match r {
                0..40 if self.south => format!("Tổ {k}"),
                0..40 => format!("Xóm {k}"),
                40..55 => format!("Đội {k}"),
                55..75 => String::new(),
                75..93 => format!("Số {n}, đường {street}"),
                _ => format!("Số {n}, Quốc lộ {}", one(rng, HIGHWAYS)),
            }
        }
    }

    fn workplace(&self, rng: &mut Rng, wp: Wp) -> String {
        let level = if self.urban { "phường" } else { "xã" };
        match wp {
            Wp::None => String::new(),
            Wp::Factory => {
                if percent(rng, 85) {
                    self.factories[rng.usize(..self.factories.len())].clone()
                } else {
                    String::new()
                }
            }
            Wp::Company => match rng.u32(0..100) {
                0..10 => format!("Ngân hàng TMCP {}", one(rng, BRANDS)),
                10..40 => format!("Công ty CP Công nghệ {}", one(rng, BRANDS)),
                40..70 => format!("Công ty TNHH Thương mại {}", one(rng, BRANDS)),
                _ => format!("Công ty TNHH Dịch vụ {}", one(rng, BRANDS)),
            },
            Wp::School => match rng.u32(0..4) {
                0 => self.kindergarten.clone(),
                1 => self.primary.clone(),
                2 => self.secondary.clone(),
                _ => self.high.clone(),
            },
            Wp::Market => {
                if percent(rng, 70) {
                    self.market.clone()
                } else {
                    String::new()
                }
            }
            Wp::Office => match rng.u32(0..10) {
                0..5 => format!("UBND {level}"),
                5..7 if self.urban => "UBND thành phố".to_owned(),
                5..7 => "UBND huyện".to_owned(),
                7 => "Kho bạc Nhà nước".to_owned(),
                8 => "Chi cục Thuế khu vực".to_owned(),
                _ => "Bưu điện".to_owned(),
            },
            Wp::Health => match rng.u32(0..3) {
                0 => format!("Trạm Y tế {level}"),
                1 => "Trung tâm Y tế".to_owned(),
                _ => "Bệnh viện Đa khoa tỉnh".to_owned(),
            },
            Wp::Transport => match rng.u32(0..10) {
                0..4 => String::new(),
                4..7 => format!("Hợp tác xã Vận tải {}", one(rng, BRANDS)),
                7..9 => format!("Công ty Taxi {}", one(rng, BRANDS)),
                _ => format!("Nhà xe {}", one(rng, BRANDS)),
            },
            Wp::Build => {
                if percent(rng, 30) {
                    format!("Công ty CP Xây dựng {}", one(rng, BRANDS))
                } else {
                    String::new()
                }
            }
            Wp::Port => {
                if percent(rng, 40) {
                    format!("Cảng cá {}", one(rng, FISHING_PORTS))
                } else {
                    String::new()
                }
            }
            Wp::Police => {
                if percent(rng, 60) {
                    format!("Công an {level}")
                } else {
                    "Công an tỉnh".to_owned()
                }
            }
            Wp::Army => match rng.u32(0..3) {
                0 => String::new(),
                1 => "Bộ Chỉ huy Quân sự tỉnh".to_owned(),
                _ => "Ban Chỉ huy Quân sự huyện".to_owned(),
            },
            Wp::Shop => match rng.u32(0..3) {
                0 => format!("Siêu thị {}", one(rng, BRANDS)),
                1 => format!("Cửa hàng điện máy {}", one(rng, BRANDS)),
                _ => self.market.clone(),
            },
        }
    }

    /// An occupation and workplace fitting age and sex.
    fn job(&self, rng: &mut Rng, age: u32, male: bool) -> (&'static str, String) {
        match age {
            0..=2 => ("", String::new()),
            3..=5 => {
                let school = if percent(rng, 75) {
                    self.kindergarten.clone()
                } else {
                    String::new()
                };
                ("", school)
            }
            6..=10 => ("học sinh", self.primary.clone()),
            11..=14 => ("học sinh", self.secondary.clone()),
            15..=17 if percent(rng, 85) => ("học sinh", self.high.clone()),
            18..=22 if percent(rng, if self.urban { 45 } else { 30 }) => {
                ("sinh viên", one(rng, UNIVERSITIES).to_owned())
            }
            _ => {
                let retirement = if male { 60 } else { 55 };
                if age >= retirement {
                    let pension = if self.urban { 45 } else { 20 };
                    let r = rng.u32(0..100);
                    if r < pension {
                        return ("hưu trí", String::new());
                    }
                    if age >= 75 || r >= 70 {
                        return ("", String::new());
                    }
                }
                self.adult_job(rng, male)
            }
        }
    }

    fn adult_job(&self, rng: &mut Rng, male: bool) -> (&'static str, String) {
        let table = if self.urban { URBAN_JOBS } else { RURAL_JOBS };
        let weight = |j: &Job| if male { j.1 } else { j.2 };
        let total: u32 = table.iter().map(weight).sum();
        let mut r = rng.u32(0..total.max(1));
        for job in table {
            let w = weight(job);
            if r < w {
                return (job.0, self.workplace(rng, job.3));
            }
            r -= w;
        }
        ("", String::new())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Head,
    Spouse,
    Child,
    Elder,
}

#[derive(Debug, Clone, Copy)]
struct Member {
    male: bool,
    age: u32,
    surname: &'static str,
    role: Role,
}

/// Household sizes (1–7) with their share in percent; mean ≈ 3.5.
const HOUSEHOLD_SIZES: &[(usize, u32)] =
    &[(1, 10), (2, 19), (3, 22), (4, 26), (5, 13), (6, 6), (7, 4)];

/// A surname, with Hoàng/Huỳnh and Vũ/Võ resolved the way the regions write them.
fn surname(rng: &mut Rng, south: bool) -> &'static str {
    let s = pick(rng, SURNAMES);
    let southern = percent(rng, if south { 70 } else { 5 });
    match (s, southern) {
        ("Hoàng", true) => "Huỳnh",
        ("Vũ", true) => "Võ",
        _ => s,
    }
}

/// A full name: surname, middle name(s) by birth cohort, given name.
fn full_name(rng: &mut Rng, surname: &str, male: bool, year: i32) -> String {
    let mut s = String::with_capacity(40);
    s.push_str(surname);
    s.push(' ');
    let middle = if male {
        let van = match year {
            ..1980 => 55,
            1980..2000 => 35,
            _ => 12,
        };
        if percent(rng, van) {
            "Văn"
        } else {
            let m = one(rng, MALE_MIDDLE);
            if year >= 1990 && percent(rng, 6) {
                s.push_str(m);
                s.push(' ');
                one(rng, MALE_MIDDLE)
            } else {
                m
            }
        }
    } else {
        let thi = match year {
            ..1980 => 78,
            1980..2000 => 55,
            _ => 22,
        };
        if percent(rng, thi) {
            if percent(rng, 15) {
                s.push_str("Thị ");
                one(rng, AFTER_THI)
            } else {
                "Thị"
            }
        } else {
            let m = one(rng, FEMALE_MIDDLE);
            if year >= 1990 && percent(rng, 8) {
                s.push_str(m);
                s.push(' ');
                one(rng, FEMALE_MIDDLE)
            } else {
                m
            }
        }
    };
    s.push_str(middle);
    s.push(' ');
    let names = if male { MALE_GIVEN } else { FEMALE_GIVEN };
    let mut given = one(rng, names);
    for _ in 0..3 {
        if given != middle {
            break;
        }
        given = one(rng, names);
    }
    s.push_str(given);
    s
}

/// A birth date giving exactly `age` completed years on `today`.
fn birth_date(rng: &mut Rng, today: NaiveDate, age: u32) -> NaiveDate {
    let anchor = today
        .checked_sub_months(Months::new(12 * age))
        .unwrap_or(today);
    anchor
        .checked_sub_days(Days::new(rng.u64(0..365)))
        .unwrap_or(anchor)
}

struct Generator {
    rng: Rng,
    today: NaiveDate,
    /// Oldest age whose birth year is still ≥ 1900.
    max_age: u32,
    places: Vec<Place>,
    place_cum: Vec<u64>,
    remaining: usize,
    household: u64,
    /// The current household, last member first.
    buffer: Vec<GenPerson>,
    members: Vec<Member>,
    /// Per (province, century/sex digit, year of birth) CCCD serials.
    cccd_counters: Vec<u32>,
    cmnd_counter: u64,
    mobile_counters: Vec<u64>,
    landline_counter: u64,
    key: u64,
}

const CCCD_SLOTS: usize = 97 * 10 * 100;

impl Generator {
    fn new(seed: u64, communes: &[GenCommune], n: usize, today: NaiveDate) -> Self {
        let places: Vec<Place> = communes.iter().map(|c| Place::new(seed, c)).collect();
        let mut place_cum = Vec::with_capacity(places.len());
        let mut total = 0u64;
        for p in &places {
            total += if p.urban { 3 } else { 1 };
            place_cum.push(total);
        }
        let max_age = u32::try_from(today.year() - 1901).unwrap_or(0).min(100);
        Generator {
            rng: Rng::with_seed(mix(seed)),
            today,
            max_age,
            remaining: if places.is_empty() { 0 } else { n },
            places,
            place_cum,
            household: 0,
            buffer: Vec::with_capacity(8),
            members: Vec::with_capacity(8),
            cccd_counters: vec![0; CCCD_SLOTS],
            cmnd_counter: 0,
            mobile_counters: vec![0; MOBILE_PREFIXES.len()],
            landline_counter: 0,
            key: mix(seed ^ 0x05ee_d1d5),
        }
    }

    fn age(&mut self, age: u32) -> u32 {
        age.min(self.max_age)
    }

    /// Fill `self.members` with one household of `size` people.
    fn compose(&mut self, size: usize, south: bool) {
        let rng = &mut self.rng;
        let mut out = std::mem::take(&mut self.members);
        out.clear();
        let m = |male, age, surname, role| Member {
            male,
            age,
            surname,
            role,
        };
        match size {
            1 => {
                let r = rng.u32(0..100);
                let (male, age) = if r < 45 {
                    (percent(rng, 35), 58 + rng.u32(0..=16) + rng.u32(0..=14))
                } else if r < 85 {
                    (percent(rng, 55), rng.u32(19..=35))
                } else {
                    (rng.bool(), rng.u32(36..=64))
                };
                out.push(m(male, age, surname(rng, south), Role::Head));
            }
            2 => {
                let r = rng.u32(0..100);
                if r < 75 {
                    // Old couples, empty nests, newly-weds.
                    let husband = if r < 35 {
                        52 + rng.u32(0..=16) + rng.u32(0..=16)
                    } else if r < 55 {
                        rng.u32(42..=62)
                    } else {
                        rng.u32(22..=37)
                    };
                    let wife = (husband as i32 - rng.i32(-2..=5)).max(18) as u32;
                    out.push(m(true, husband, surname(rng, south), Role::Head));
                    out.push(m(false, wife, surname(rng, south), Role::Spouse));
                } else if r < 90 {
                    self.members = out;
                    self.family(1, true, 0, south);
                    return;
                } else {
                    let parent_male = percent(rng, 30);
                    let parent = rng.u32(65..=90);
                    let child = parent - rng.u32(22..=38);
                    let parent_surname = surname(rng, south);
                    let child_surname = if parent_male {
                        parent_surname
                    } else {
                        surname(rng, south)
                    };
                    out.push(m(parent_male, parent, parent_surname, Role::Head));
                    out.push(m(rng.bool(), child, child_surname, Role::Child));
                }
            }
            _ => {
                let single = percent(rng, 10);
                let mut elders = match size {
                    3 => 0,
                    4 => usize::from(percent(rng, 25)),
                    _ if percent(rng, 55) => 1 + usize::from(percent(rng, 45)),
                    _ => 0,
                };
                let adults = if single { 1 } else { 2 };
                while adults + elders >= size {
                    elders -= 1;
                }
                let children = size - adults - elders;
                self.members = out;
                self.family(children, single, elders, south);
                return;
            }
        }
        for p in &mut out {
            p.age = p.age.min(self.max_age);
        }
        self.members = out;
    }

    /// Parents (or a single parent), `k` children and `elders` grandparents.
    fn family(&mut self, k: usize, single: bool, elders: usize, south: bool) {
        let rng = &mut self.rng;
        let out = &mut self.members;
        // Mother's age at her first child, gaps between children.
        let first = rng.u32(20..=30);
        let mut gaps = [0u32; 7];
        let mut total = 0;
        for g in gaps.iter_mut().take(k.saturating_sub(1)) {
            *g = rng.u32(1..=5);
            total += *g;
        }
        // Nobody gives birth after 42.
        while first + total > 42 {
            if let Some(g) = gaps.iter_mut().filter(|g| **g > 1).max() {
                *g -= 1;
                total -= 1;
            } else {
                break;
            }
        }
        // Eldest child living at home is at most 30.
        let span = 30u32.saturating_sub(total);
        let eldest = total + rng.u32(0..=span).min(rng.u32(0..=span + 20));
        let mother = first + eldest;
        let father = (mother as i32 + rng.i32(-2..=5)).max(20) as u32;
        let father_surname = surname(rng, south);
        let mother_surname = surname(rng, south);
        let member = |male, age, surname, role| Member {
            male,
            age,
            surname,
            role,
        };
        let father_present = !single || percent(rng, 25);
        let mother_present = !single || !father_present;
        if father_present {
            out.push(member(true, father, father_surname, Role::Head));
        }
        if mother_present {
            let role = if father_present {
                Role::Spouse
            } else {
                Role::Head
            };
            out.push(member(false, mother, mother_surname, role));
        }
        let mut age = eldest;
        for gap in gaps.iter().take(k) {
            out.push(member(rng.bool(), age, father_surname, Role::Child));
            age = age.saturating_sub(*gap);
        }
        if elders > 0 {
            let paternal = father_present && (!mother_present || percent(rng, 70));
            let (parent, line) = if paternal {
                (father, father_surname)
            } else {
                (mother, mother_surname)
            };
            let grandfather = (parent + rng.u32(22..=35)).min(96);
            let grandmother = grandfather.saturating_sub(rng.u32(0..=5)).max(parent + 18);
            if elders == 2 {
                out.push(member(true, grandfather, line, Role::Elder));
                out.push(member(false, grandmother, surname(rng, south), Role::Elder));
            } else if percent(rng, 65) {
                out.push(member(false, grandmother, surname(rng, south), Role::Elder));
            } else {
                out.push(member(true, grandfather, line, Role::Elder));
            }
        }
        let max_age = self.max_age;
        for p in out.iter_mut() {
            p.age = p.age.min(max_age);
        }
    }

    fn cccd(&mut self, province: u32, male: bool, year: i32) -> Option<String> {
        let century = u32::try_from((year - 1900) / 100).ok()?;
        let digit = century * 2 + u32::from(!male);
        if digit > 9 || province > 96 {
            return None;
        }
        let yy = u32::try_from(year.rem_euclid(100)).ok()?;
        let slot = ((province * 10 + digit) * 100 + yy) as usize;
        let counter = self.cccd_counters.get_mut(slot)?;
        if *counter >= 1_000_000 {
            return None;
        }
        let serial = scramble(u64::from(*counter), 6, self.key ^ mix(slot as u64));
        *counter += 1;
        Some(format!("{province:03}{digit}{yy:02}{serial:06}"))
    }

    fn cmnd(&mut self, province: u32) -> Option<String> {
        if self.cmnd_counter >= 10_000_000 {
            return None;
        }
        let serial = scramble(self.cmnd_counter, 7, self.key ^ 0xc4d);
        self.cmnd_counter += 1;
        Some(format!("{:02}{serial:07}", cmnd_prefix(province)))
    }

    /// A fresh mobile number, written the way people write it.
    fn mobile(&mut self) -> String {
        let prefix = pick(&mut self.rng, &MOBILE_PREFIXES_INDEXED);
        for i in 0..MOBILE_PREFIXES.len() {
            let idx = (prefix + i) % MOBILE_PREFIXES.len();
            let counter = &mut self.mobile_counters[idx];
            if *counter >= 10_000_000 {
                continue;
            }
            let serial = scramble(*counter, 7, self.key ^ mix(idx as u64 + 7));
            *counter += 1;
            let p = MOBILE_PREFIXES[idx].0;
            let (a, b, c) = (serial / 1_000_000, serial / 1000 % 1000, serial % 1000);
            return match self.rng.u32(0..100) {
                0..88 => format!("{p}{serial:07}"),
                88..95 => format!("{p}{a} {b:03} {c:03}"),
                95..98 => format!("{p}{a}.{b:03}.{c:03}"),
                _ => format!("+84 {}{a} {b:03} {c:03}", &p[1..]),
            };
        }
        String::new()
    }

    /// A fresh landline in the province's area code.
    fn landline(&mut self, province: u32) -> String {
        if self.landline_counter >= 1_000_000 {
            return String::new();
        }
        let serial = scramble(self.landline_counter, 6, self.key ^ 0x1a2d);
        self.landline_counter += 1;
        let area = area_code(province);
        // 11 digits in all: 024 3xxx xxxx, 0225 3xx xxxx.
        let lead = if area.len() == 3 { "38" } else { "3" };
        if self.rng.bool() {
            format!("{area}{lead}{serial:06}")
        } else {
            format!("({area}) {lead}{serial:06}")
        }
    }

    /// Generate the next household into the buffer.
    fn fill(&mut self) {
        self.household += 1;
        let total = self.place_cum.last().copied().unwrap_or(1);
        let r = self.rng.u64(0..total);
        let pi = self
            .place_cum
            .partition_point(|&c| c <= r)
            .min(self.places.len().saturating_sub(1));
        let (urban, south, local) = {
            let p = &self.places[pi];
            (p.urban, p.south, p.province)
        };
        let size = pick(&mut self.rng, HOUSEHOLD_SIZES).min(self.remaining);
        self.compose(size, south);
        let members = std::mem::take(&mut self.members);

        let rng = &mut self.rng;
        let place = &self.places[pi];
        let hamlet = place.hamlet(rng);
        let address = place.address(rng);
        let poor = percent(rng, if urban { 3 } else { 6 });
        let migrant = local.is_none() || percent(rng, if urban { 25 } else { 6 });
        let origin = if migrant {
            other_province(rng, local)
        } else {
            local.unwrap_or(1)
        };
        let alone = members.len() == 1;

        self.buffer.clear();
        for m in &members {
            let person = self.person(pi, m, &hamlet, &address, origin, local, poor, alone);
            self.buffer.push(GenPerson {
                input: person,
                household: self.household,
            });
        }
        // A few households still have a landline, in the name of its oldest
        // member without a mobile.
        if percent(&mut self.rng, if urban { 6 } else { 3 }) {
            let oldest = members
                .iter()
                .zip(&self.buffer)
                .enumerate()
                .filter(|(_, (m, p))| m.age >= 18 && p.input.phone.is_empty())
                .max_by_key(|(_, (m, _))| m.age)
                .map(|(i, _)| i);
            if let Some(i) = oldest {
                let phone = self.landline(local.unwrap_or(origin));
                self.buffer[i].input.phone = phone;
            }
        }
        self.buffer.reverse();
        self.members = members;
    }

    #[allow(clippy::too_many_arguments)]
    fn person(
        &mut self,
        pi: usize,
        m: &Member,
        hamlet: &str,
        address: &str,
        origin: u32,
        local: Option<u32>,
        poor: bool,
        alone: bool,
    ) -> PersonInput {
        let age = self.age(m.age);
        let rng = &mut self.rng;
        let birth = birth_date(rng, self.today, age);
        let year = birth.year();
        let full_name = full_name(rng, m.surname, m.male, year);
        let birth_text = if percent(rng, 70) {
            format!("{:02}/{:02}/{:04}", birth.day(), birth.month(), year)
        } else {
            year.to_string()
        };
        // Children were born where they live; a spouse may have married in.
        let born_in = match m.role {
            Role::Child => local.unwrap_or(origin),
            Role::Spouse if percent(rng, 20) => other_province(rng, local),
            _ => origin,
        };
        let (occupation, workplace) = self.places[pi].job(rng, age, m.male);
        let mut vulnerabilities = String::new();
        let mut add = |key: &str| {
            if !vulnerabilities.is_empty() {
                vulnerabilities.push(',');
            }
            vulnerabilities.push_str(key);
        };
        if alone && age >= 70 && percent(rng, 65) {
            add("elderly_alone");
        }
        if rng.u32(0..1000) < if age >= 60 { 40 } else { 11 } {
            add("disability");
        }
        if age >= 50 && rng.u32(0..1000) < if age >= 65 { 110 } else { 60 } {
            add("chronic_disease");
        }
        if !m.male && (20..=40).contains(&age) && m.role != Role::Child && percent(rng, 5) {
            add("pregnant");
        }
        if poor {
            add("poor_household");
        }

        let national_id = if age >= 14 {
            let r = rng.u32(0..1000);
            if r < 850 || (r < 950 && year > 2002) {
                self.cccd(born_in, m.male, year).unwrap_or_default()
            } else if r < 950 {
                self.cmnd(born_in).unwrap_or_default()
            } else {
                String::new()
            }
        } else {
            String::new()
        };
        let mobile_share = match age {
            0..=14 => 0,
            15..=17 => 55,
            18..=59 => 85,
            60..=74 => 50,
            _ => 20,
        };
        let phone = if percent(&mut self.rng, mobile_share) {
            self.mobile()
        } else {
            String::new()
        };
        let place = &self.places[pi];
        PersonInput {
            full_name,
            birth: birth_text,
            sex: if m.male { "Nam" } else { "Nữ" }.to_owned(),
            national_id,
            phone,
            commune_code: place.code.clone(),
            hamlet_code: hamlet.to_owned(),
            street_address: address.to_owned(),
            occupation: occupation.to_owned(),
            workplace,
            vulnerabilities,
            age: String::new(),
        }
    }
}

/// `MOBILE_PREFIXES` as (index, weight), to pick an index.
const MOBILE_PREFIXES_INDEXED: [(usize, u32); MOBILE_PREFIXES.len()] = {
    let mut out = [(0usize, 0u32); MOBILE_PREFIXES.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = (i, MOBILE_PREFIXES[i].1);
        i += 1;
    }
    out
};

impl Iterator for Generator {
    type Item = GenPerson;

    fn next(&mut self) -> Option<GenPerson> {
        if self.remaining == 0 {
            return None;
        }
        if self.buffer.is_empty() {
            self.fill();
        }
        let person = self.buffer.pop()?;
        self.remaining -= 1;
        Some(person)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Generator {}

/// People in households: iterator yielding exactly n persons, deterministic for (seed, communes, n, today).
///
/// Communes are chosen in proportion to their size (urban communes hold three
/// times the people of rural ones). With no communes it yields nothing. The
/// iterator owns its data, so it does not borrow `communes`.
pub(crate) fn people(
    seed: u64,
    communes: &[GenCommune],
    n: usize,
    today: NaiveDate,
) -> impl ExactSizeIterator<Item = GenPerson> + use<> {
    Generator::new(seed, communes, n, today)
}

// ---------------------------------------------------------------------------
// Corruption.

/// Corrupt a valid row into a realistically invalid one (bad phone, 10-digit ID, empty name, birth in future, unknown sex, CCCD inconsistent with sex...), deterministic from rng. Used to sprinkle ~1% bad rows into benchmark files.
pub(crate) fn corrupt(rng: &mut Rng, input: &mut PersonInput) {
    match rng.u32(0..100) {
        0..18 => corrupt_phone(rng, input),
        18..32 => input.national_id = bad_id_digits(rng),
        32..44 => {
            input.full_name = match rng.u32(0..4) {
                0 => String::new(),
                1 => input
                    .full_name
                    .split_whitespace()
                    .next_back()
                    .unwrap_or("Lan")
                    .to_owned(),
                2 => format!("{} 2", input.full_name.trim()),
                _ => "N.V. An".to_owned(),
            }
        }
        44..58 => {
            input.birth = match rng.u32(0..6) {
                // A slip of the finger: 2091 for 1991.
                0 | 1 => format!(
                    "{:02}/{:02}/20{}",
                    rng.u32(1..=28),
                    rng.u32(1..=12),
                    rng.u32(90..=99)
                ),
                2 => format!("31/02/{}", rng.u32(1950..=2010)),
                3 => format!("{:02}/13/{}", rng.u32(1..=28), rng.u32(1950..=2010)),
                4 => format!("18{}", rng.u32(10..=89)),
                _ => format!("năm {}", rng.u32(50..=99)),
            }
        }
        58..68 => {
            input.sex = ["", "X", "Khác", "1", "?", "không rõ"][rng.usize(..6)].to_owned();
        }
        68..82 => match inconsistent_cccd(rng, input) {
            Some(id) => input.national_id = id,
            None => input.national_id = bad_id_digits(rng),
        },
        82..90 => corrupt_unit(rng, input),
        _ => {
            let word = ["bệnh tim", "người già", "tàn tật", "tiểu đường", "F0"][rng.usize(..5)];
            if input.vulnerabilities.trim().is_empty() {
                input.vulnerabilities = word.to_owned();
            } else {
                input.vulnerabilities = format!("{}, {word}", input.vulnerabilities);
            }
        }
    }
}

fn corrupt_phone(rng: &mut Rng, input: &mut PersonInput) {
    input.phone = match rng.u32(0..3) {
        // The 11-digit mobile prefixes retired in 2018.
        0 => format!("016{}{:07}", rng.u32(2..=9), rng.u32(0..10_000_000)),
        // A digit dropped.
        1 => {
            let mut p = input.phone.trim().to_owned();
            if p.chars().filter(char::is_ascii_digit).count() >= 10 {
                p.pop();
                p
            } else {
                format!("09{:07}", rng.u32(0..10_000_000))
            }
        }
        _ => format!("04{:08}", rng.u32(0..100_000_000)),
    };
}

fn bad_id_digits(rng: &mut Rng) -> String {
    match rng.u32(0..3) {
        0 => format!("{:010}", rng.u64(0..10_000_000_000)),
        1 => format!("{:011}", rng.u64(0..100_000_000_000)),
        _ => format!("0O1{:09}", rng.u64(0..1_000_000_000)),
    }
}

/// A CCCD whose fourth digit contradicts the sex, or whose year digits
/// contradict the birth year, given on the row.
fn inconsistent_cccd(rng: &mut Rng, input: &PersonInput) -> Option<String> {
    let sex = Sex::parse(&input.sex).ok()?;
    let year = Birth::parse(&input.birth, NaiveDate::MAX).ok()?.year();
    let century = u32::try_from((year - 1900) / 100).ok()?;
    let female = u32::from(sex == Sex::Female);
    let yy = u32::try_from(year.rem_euclid(100)).ok()?;
    let (digit, yy) = if rng.bool() {
        (century * 2 + (1 - female), yy)
    } else {
        (century * 2 + female, (yy + rng.u32(1..=9)) % 100)
    };
    if digit > 9 {
        return None;
    }
    let province = one(rng, &PROVINCE_CODES_2021);
    Some(format!(
        "{province:03}{digit}{yy:02}{:06}",
        rng.u32(0..1_000_000)
    ))
}

fn corrupt_unit(rng: &mut Rng, input: &mut PersonInput) {
    let commune = UnitCode::parse_at(&input.commune_code, Some(UnitLevel::Commune))
        .ok()
        .filter(|c| c.level() == UnitLevel::Commune)
        .and_then(|c| c.as_str().parse::<u32>().ok());
    match (commune, rng.u32(0..3)) {
        // A hamlet of the neighbouring commune.
        (Some(c), 0 | 1) => {
            input.hamlet_code = format!("{:05}-{:03}", (c + 1) % 100_000, rng.u32(1..=12));
        }
        _ => {
            input.commune_code = match rng.u32(0..3) {
                0 => String::new(),
                1 => format!("{}a", input.commune_code.trim()),
                _ => format!("{:06}", rng.u32(100_000..1_000_000)),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use phongdich_domain::{NationalId, PhoneNumber};
    use std::collections::HashSet;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 9, 1).unwrap()
    }

    fn communes() -> Vec<GenCommune> {
        [
            ("06649", true, 1),
            ("06652", false, 1),
            ("06655", false, 1),
            ("26734", true, 79),
            ("31120", false, 92),
            ("09999", false, 24),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (code, urban, province_code))| GenCommune {
            code: code.to_owned(),
            // The last commune has no hamlets.
            hamlets: if i == 5 {
                Vec::new()
            } else {
                (1..=hamlet_names(7, code, urban).len())
                    .map(|h| format!("{code}-{h:03}"))
                    .collect()
            },
            urban,
            province_code,
        })
        .collect()
    }

    #[test]
    fn generate_people_all_parse_and_ids_are_unique() {
        let communes = communes();
        let people: Vec<GenPerson> = people(42, &communes, 20_000, today()).collect();
        assert_eq!(people.len(), 20_000);
        let mut ids = HashSet::new();
        let mut phones = HashSet::new();
        let mut cccd = 0;
        for p in &people {
            let parsed = match p.input.parse(today()) {
                Ok(parsed) => parsed,
                Err(e) => panic!("{:?}: {e:?}", p.input),
            };
            if let Some(id) = &parsed.national_id {
                assert!(ids.insert(id.as_str().to_owned()), "duplicate ID {id:?}");
                assert_eq!(NationalId::parse(id.as_str()).unwrap(), *id);
                if id.cccd_sex_and_year().is_some() {
                    cccd += 1;
                }
            }
            if let Some(phone) = &parsed.phone {
                assert_eq!(PhoneNumber::parse(&p.input.phone).unwrap(), *phone);
                assert!(
                    phones.insert(phone.as_str().to_owned()),
                    "duplicate phone {phone:?}"
                );
            }
            assert!(["Nam", "Nữ"].contains(&p.input.sex.as_str()));
            assert_eq!(
                phongdich_domain::text::clean(&p.input.full_name),
                p.input.full_name
            );
        }
        assert!(cccd > 10_000, "{cccd} CCCDs");
        assert!(phones.len() > 10_000, "{} phones", phones.len());
    }

    #[test]
    fn generate_households_are_families() {
        let people: Vec<GenPerson> = people(3, &communes(), 20_000, today()).collect();
        let mut sizes = Vec::new();
        let mut expected = 1;
        let mut start = 0;
        for i in 1..=people.len() {
            if i == people.len() || people[i].household != people[start].household {
                let hh = &people[start..i];
                assert_eq!(hh[0].household, expected, "consecutive household ids");
                expected += 1;
                assert!((1..=7).contains(&hh.len()));
                let first = &hh[0].input;
                for p in hh {
                    assert_eq!(p.input.commune_code, first.commune_code);
                    assert_eq!(p.input.hamlet_code, first.hamlet_code);
                    assert_eq!(p.input.street_address, first.street_address);
                    if let Some(h) = p.input.hamlet_code.get(..5) {
                        assert_eq!(h, p.input.commune_code);
                    }
                }
                sizes.push(hh.len());
                start = i;
            }
        }
        let mean = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
        assert!((3.2..3.8).contains(&mean), "mean household size {mean}");

        // Population shape: sex ratio, age groups, ID and phone shares.
        let parsed: Vec<_> = people
            .iter()
            .map(|p| p.input.parse(today()).unwrap())
            .collect();
        let n = parsed.len() as f64;
        let share = |f: &dyn Fn(&phongdich_domain::NewPerson) -> bool| {
            parsed.iter().filter(|p| f(p)).count() as f64 / n
        };
        let age = |p: &phongdich_domain::NewPerson| 2021 - p.birth.year();
        let male = share(&|p| p.sex == Sex::Male);
        let children = share(&|p| age(p) < 15);
        let old = share(&|p| age(p) >= 60);
        let dated = share(&|p| p.birth.date().is_some());
        let nguyen = share(&|p| p.full_name.starts_with("Nguyễn "));
        let poor = share(&|p| {
            p.vulnerabilities
                .contains(&phongdich_domain::Vulnerability::PoorHousehold)
        });
        eprintln!(
            "male {male:.3} <15 {children:.3} 60+ {old:.3} dated {dated:.3} Nguyễn {nguyen:.3} poor {poor:.3}"
        );
        let mut pyramid = [0usize; 10];
        for p in &parsed {
            pyramid[(age(p) / 10).clamp(0, 9) as usize] += 1;
        }
        eprintln!("{pyramid:?}");
        assert!((0.46..0.54).contains(&male));
        assert!((0.17..0.32).contains(&children));
        assert!((0.07..0.22).contains(&old));
        assert!((0.65..0.75).contains(&dated));
        assert!((0.33..0.43).contains(&nguyen));
        for p in parsed.iter().filter(|p| age(p) < 14) {
            assert!(p.national_id.is_none() && p.phone.is_none());
        }
        let adults: Vec<_> = parsed.iter().filter(|p| age(p) >= 15).collect();
        let with_cccd = adults
            .iter()
            .filter(|p| matches!(p.national_id, Some(NationalId::Cccd(_))))
            .count() as f64
            / adults.len() as f64;
        let with_phone =
            adults.iter().filter(|p| p.phone.is_some()).count() as f64 / adults.len() as f64;
        eprintln!("adults with CCCD {with_cccd:.3}, with phone {with_phone:.3}");
        assert!((0.78..0.92).contains(&with_cccd));
        assert!((0.68..0.85).contains(&with_phone));
    }

    #[test]
    fn generate_is_deterministic() {
        let communes = communes();
        let a: Vec<_> = people(9, &communes, 3_000, today()).collect();
        let b: Vec<_> = people(9, &communes, 3_000, today()).collect();
        let c: Vec<_> = people(10, &communes, 3_000, today()).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(people(9, &communes, 0, today()).count(), 0);
        assert_eq!(people(9, &[], 10, today()).count(), 0);
        assert_eq!(people(9, &communes, 1, today()).count(), 1);
    }

    #[test]
    fn generate_hamlet_names() {
        for code in ["06649", "06652", "26734", "00001"] {
            for urban in [true, false] {
                let names = hamlet_names(1, code, urban);
                assert!((4..=12).contains(&names.len()), "{names:?}");
                assert_eq!(names, hamlet_names(1, code, urban));
                let unique: HashSet<_> = names.iter().collect();
                assert_eq!(unique.len(), names.len());
                for n in &names {
                    let prefix = if urban { "Tổ dân phố " } else { "Thôn " };
                    assert!(n.starts_with(prefix), "{n}");
                }
            }
        }
        let all: HashSet<Vec<String>> = (0..20)
            .map(|seed| hamlet_names(seed, "06652", false))
            .collect();
        assert!(all.len() > 3);
    }

    #[test]
    fn generate_corrupt_rows_fail_to_parse() {
        let mut rng = Rng::with_seed(5);
        for p in people(11, &communes(), 2_000, today()) {
            let mut input = p.input;
            let before = input.clone();
            corrupt(&mut rng, &mut input);
            assert!(
                input.parse(today()).is_err(),
                "still valid: {before:?} → {input:?}"
            );
        }
    }

    #[test]
    fn generate_names_are_nfc() {
        let lists = [
            MALE_MIDDLE,
            FEMALE_MIDDLE,
            AFTER_THI,
            MALE_GIVEN,
            FEMALE_GIVEN,
            FAMOUS,
            VILLAGES,
        ];
        for name in lists
            .iter()
            .flat_map(|l| l.iter())
            .chain(SURNAMES.iter().map(|s| &s.0))
        {
            assert_eq!(phongdich_domain::text::clean(name), *name);
        }
        assert!(MALE_GIVEN.len() >= 60 && FEMALE_GIVEN.len() >= 60);
    }

    /// `cargo test --release -p phongdich generate_million -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn generate_million_is_fast_and_unique() {
        let communes = communes();
        let start = std::time::Instant::now();
        let mut ids = HashSet::new();
        let mut phones = HashSet::new();
        let mut count = 0;
        for p in people(1, &communes, 1_000_000, today()) {
            count += 1;
            if !p.input.national_id.is_empty() {
                assert!(ids.insert(p.input.national_id));
            }
            if !p.input.phone.is_empty() {
                let phone = PhoneNumber::parse(&p.input.phone).unwrap();
                assert!(phones.insert(phone));
            }
        }
        assert_eq!(count, 1_000_000);
        eprintln!("1,000,000 people (with checks) in {:?}", start.elapsed());
        let start = std::time::Instant::now();
        let n = people(1, &communes, 1_000_000, today()).count();
        eprintln!("{n} people in {:?}", start.elapsed());
    }
}
