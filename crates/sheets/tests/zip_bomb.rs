#![allow(clippy::unwrap_used)]
//! A zip bomb (issue 16 §1): a small XLSX file whose one cell unpacks to
//! 300 MiB is refused while it is unpacked, naming the limit, without the
//! memory it would take. Alone in its test binary, so that the peak memory
//! measured is this test's.

mod support;

use phongdich_sheets::{SheetError, SheetReader};

/// Peak resident memory of this process, in KiB (Linux).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_zip_bomb_is_refused_while_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.xlsx");
    support::xlsx(&path, |out| {
        support::row(out, 1, &["Họ và tên", "Mã xã"]);
        write!(out, "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..300 {
            out.write_all(&chunk).unwrap();
        }
        write!(out, "</t></is></c></row>").unwrap();
    });
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 2 << 20, "the bomb is small: {size} bytes");
    let before = peak_kib();
    let error = SheetReader::open(&path).err().expect("refused");
    let grown_mib = (peak_kib().saturating_sub(before)) / 1024;
    assert!(
        matches!(&error, SheetError::XlsxTooLarge { part, limit } if part == "xl/worksheets/sheet1.xml" && *limit == 256 << 20),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.contains("268435456") && text.contains("giải nén") && text.contains("zip bomb"));
    assert!(grown_mib < 32, "memory grew by {grown_mib} MiB");
}
