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

/// A 1 MB file whose sheet unpacks to 300 MiB.
fn bomb(path: &std::path::Path) {
    support::xlsx(path, |out| {
        support::row(out, 1, &["Họ và tên", "Mã xã"]);
        write!(out, "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..300 {
            out.write_all(&chunk).unwrap();
        }
        write!(out, "</t></is></c></row>").unwrap();
    });
}

/// Rewrites every size the zip file declares for `part` (local header and
/// central directory) to `size`, as a hostile tool would.
fn lie_about_size(path: &std::path::Path, part: &str, size: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let name = part.as_bytes();
    let mut i = 0;
    while i + 46 < bytes.len() {
        let sig = u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
        // (signature, offset of the uncompressed size, offset of the name length, header length)
        let layout = match sig {
            0x0403_4b50 => Some((22, 26, 30)),
            0x0201_4b50 => Some((24, 28, 46)),
            _ => None,
        };
        if let Some((at_size, at_len, header)) = layout {
            let len =
                u16::from_le_bytes(bytes[i + at_len..i + at_len + 2].try_into().unwrap()) as usize;
            if bytes.get(i + header..i + header + len) == Some(name) {
                bytes[i + at_size..i + at_size + 4].copy_from_slice(&size.to_le_bytes());
            }
        }
        i += 1;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_zip_bomb_is_refused_while_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.xlsx");
    bomb(&path);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 2 << 20, "the bomb is small: {size} bytes");
    let before = peak_kib();
    let error = SheetReader::open(&path).expect_err("refused");
    let grown_mib = (peak_kib().saturating_sub(before)) / 1024;
    assert!(
        matches!(&error, SheetError::XlsxTooLarge { part, limit } if part == "xl/worksheets/sheet1.xml" && *limit == 256 << 20),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.contains("268435456") && text.contains("giải nén") && text.contains("zip bomb"));
    assert!(grown_mib < 32, "memory grew by {grown_mib} MiB");

    // The same bomb declaring its sheet 1,000 bytes: what it unpacks to is
    // counted, not what it declares.
    let liar = dir.path().join("noi-doi.xlsx");
    std::fs::copy(&path, &liar).unwrap();
    lie_about_size(&liar, "xl/worksheets/sheet1.xml", 1000);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&liar).unwrap()).unwrap();
    assert_eq!(
        zip.by_name("xl/worksheets/sheet1.xml").unwrap().size(),
        1000
    );
    let before = peak_kib();
    let error = SheetReader::open(&liar).expect_err("refused");
    let grown_mib = (peak_kib().saturating_sub(before)) / 1024;
    assert!(
        matches!(
            &error,
            SheetError::XlsxTooLarge { .. } | SheetError::Xlsx(_)
        ),
        "{error}"
    );
    assert!(grown_mib < 32, "memory grew by {grown_mib} MiB");
}
