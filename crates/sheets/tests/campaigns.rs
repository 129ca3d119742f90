#![allow(clippy::unwrap_used)]
//! A campaign's target list read from a file, with the lines kept.

use phongdich_sheets::campaigns::read_target_list;

#[test]
fn a_list_keeps_its_lines_and_reports_rows_naming_nobody() {
    let dir = std::env::temp_dir().join(format!("pd-targets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("list.csv");
    std::fs::write(
        &path,
        "Họ tên,Mã hồ sơ,Số CCCD/CMND\nAn,#12,\nBình,,022085000123\nCường,abc,\n,,\nDũng,,\n",
    )
    .unwrap();
    let list = read_target_list(&path).unwrap();
    assert_eq!(list.person_ids, [12]);
    assert_eq!(list.national_ids, ["022085000123"]);
    assert_eq!(list.line_of("person_ids[0]"), Some(2));
    assert_eq!(list.line_of("national_ids[0]"), Some(3));
    let lines: Vec<u64> = list.errors.iter().map(|e| e.0).collect();
    assert_eq!(lines, [4, 6]);

    std::fs::write(&path, "Họ tên,Ngày sinh\nAn,1990\n").unwrap();
    assert!(read_target_list(&path).is_err(), "no column naming people");
    std::fs::remove_dir_all(&dir).unwrap();
}
