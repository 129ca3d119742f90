//! Reading a CSV or XLSX file as a header and text rows. Each row keeps the line
//! number the user sees (text-editor line for CSV, sheet row for XLSX) so that an
//! import report can say "dòng 17" and be found in the file.

use crate::{Format, SheetError};
use calamine::{Data, DataRef, ExcelDateTime, ExcelDateTimeType, Reader, SheetType, Xlsx};
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

/// How much of a CSV file is looked at to guess its delimiter.
const SNIFF_BYTES: u64 = 64 * 1024;

/// A file opened for reading: the header row and then data rows with their
/// 1-based line numbers in the file (header = line 1, so the first data row is
/// line 2). Fully blank rows are skipped, but still counted in line numbers.
pub struct SheetReader {
    headers: Vec<String>,
    file_size: u64,
    source: Source,
}

impl std::fmt::Debug for SheetReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetReader")
            .field("headers", &self.headers)
            .field("file_size", &self.file_size)
            .finish_non_exhaustive()
    }
}

/// Bounds on what a file may hold, checked while it is read so that a
/// hostile or broken file is refused before it takes memory (issue 16).
/// The defaults suit every import: a commune's list is a few thousand rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one cell's text (Excel itself holds at most 32,767 characters).
    pub cell_bytes: usize,
    /// Line breaks one quoted CSV cell may span; past them (or to the end of
    /// the file) its quote is taken to be unclosed.
    pub quoted_lines: u64,
    /// Columns of a row.
    pub columns: usize,
    /// Data rows of an XLSX sheet, which is held whole in memory while it is
    /// read. A CSV file is streamed and has no row limit (the people bench
    /// imports a million rows); the web's upload limit bounds it there.
    pub xlsx_rows: u64,
    /// Uncompressed bytes of any one part of an XLSX file (a sheet, the
    /// shared strings), and of all its parts together.
    pub xlsx_part_bytes: u64,
    pub xlsx_total_bytes: u64,
    /// Cells covered by the shared formulas of one part (the reader expands
    /// each shared formula's range cell by cell), and shared formulas' indexes.
    pub xlsx_shared_formula_cells: u64,
    pub xlsx_shared_formulas: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cell_bytes: 32 * 1024,
            quoted_lines: 10,
            columns: 256,
            xlsx_rows: 200_000,
            xlsx_part_bytes: 256 * 1024 * 1024,
            xlsx_total_bytes: 512 * 1024 * 1024,
            xlsx_shared_formula_cells: 2_000_000,
            xlsx_shared_formulas: 100_000,
        }
    }
}

/// The file under the CSV reader, noting where each non-blank line starts
/// and its number, so a record's line is the line an editor shows its first
/// character on — whatever the line endings (`\r\n` counts once), blank
/// lines and quoted line breaks before it. (The csv crate's own count was
/// off on CRLF files, and its record positions may include the blank lines
/// skipped before a record.)
///
/// It also follows the csv crate's quoting rules, so that a quote that never
/// closes — which the csv crate takes to the end of the file without a word —
/// and a cell past [`Limits::cell_bytes`] are errors raised as soon as they are
/// read, naming the line the cell began on.
struct LineCounter<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// The line being read (1-based) and whether nothing but `\r` was read on it yet.
    line: u64,
    at_line_start: bool,
    /// The byte before was a `\r`: a `\n` now ends no new line (CRLF), while
    /// a bare `\r` ends one, as the csv crate reads it (old Mac files).
    after_cr: bool,
    /// `(offset, line)` of each non-blank line start not yet passed.
    starts: std::collections::VecDeque<(u64, u64)>,
    delimiter: u8,
    limits: Limits,
    cell: Cell,
    /// An error found past the bytes already handed on, for the next read.
    pending: Option<SheetError>,
    /// The error last raised (the csv crate sees only an I/O error).
    raised: Option<SheetError>,
}

/// Where the CSV reader stands within a cell.
#[derive(Clone, Copy)]
enum Cell {
    Start,
    Unquoted {
        line: u64,
        bytes: usize,
    },
    Quoted {
        line: u64,
        bytes: usize,
        breaks: u64,
    },
    /// A quote inside a quoted cell: closes it, or `""` for a quote.
    QuoteInQuoted {
        line: u64,
        bytes: usize,
        breaks: u64,
    },
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(e) = self.pending.take() {
            return Err(self.raise(e));
        }
        let n = self.inner.read(buf)?;
        if let (0, Cell::Quoted { line, .. }) = (n, self.cell) {
            return Err(self.raise(self.unclosed(line)));
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            let at = self.offset + i as u64;
            if at < 3 && BOM.get(at as usize) == Some(&b) {
                continue;
            }
            if let Err(e) = self.step(b) {
                self.offset += i as u64;
                if i == 0 {
                    return Err(self.raise(e));
                }
                // The bytes before the bad cell go on, so every row before it is read.
                self.pending = Some(e);
                return Ok(i);
            }
            match b {
                b'\n' => {
                    if !self.after_cr {
                        self.line += 1;
                    }
                    self.at_line_start = true;
                }
                b'\r' => {
                    self.line += 1;
                    self.at_line_start = true;
                }
                _ if self.at_line_start => {
                    self.starts.push_back((at, self.line));
                    self.at_line_start = false;
                }
                _ => {}
            }
            self.after_cr = b == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    fn new(inner: R, delimiter: u8, limits: Limits) -> Self {
        LineCounter {
            inner,
            offset: 0,
            line: 1,
            at_line_start: true,
            after_cr: false,
            starts: Default::default(),
            delimiter,
            limits,
            cell: Cell::Start,
            pending: None,
            raised: None,
        }
    }

    /// Keeps `e` for [`next_csv_row`] and gives the csv crate an I/O error.
    fn raise(&mut self, e: SheetError) -> std::io::Error {
        let io = std::io::Error::other(e.to_string());
        self.raised = Some(e);
        io
    }

    fn unclosed(&self, line: u64) -> SheetError {
        SheetError::UnclosedQuote {
            line,
            max_lines: self.limits.quoted_lines,
            max_bytes: self.limits.cell_bytes,
        }
    }

    /// One byte through the csv crate's quoting rules (a quote opens a
    /// quoted cell only as its first byte; `""` inside one is a quote).
    fn step(&mut self, b: u8) -> Result<(), SheetError> {
        let ends_cell = b == self.delimiter || b == b'\n' || b == b'\r';
        let max = self.limits.cell_bytes;
        self.cell = match self.cell {
            Cell::Start | Cell::Unquoted { .. } | Cell::QuoteInQuoted { .. } if ends_cell => {
                Cell::Start
            }
            Cell::Start if b == b'"' => Cell::Quoted {
                line: self.line,
                bytes: 0,
                breaks: 0,
            },
            // `""` inside a quoted cell: a quote, and the cell goes on.
            Cell::QuoteInQuoted {
                line,
                bytes,
                breaks,
            } if b == b'"' => Cell::Quoted {
                line,
                bytes: bytes + 1,
                breaks,
            },
            Cell::Start => Cell::Unquoted {
                line: self.line,
                bytes: 1,
            },
            Cell::Unquoted { line, bytes } | Cell::QuoteInQuoted { line, bytes, .. } => {
                if bytes >= max {
                    return Err(SheetError::CellTooLarge { line, limit: max });
                }
                Cell::Unquoted {
                    line,
                    bytes: bytes + 1,
                }
            }
            Cell::Quoted {
                line,
                bytes,
                breaks,
            } if b == b'"' => Cell::QuoteInQuoted {
                line,
                bytes,
                breaks,
            },
            Cell::Quoted {
                line,
                bytes,
                breaks,
            } => {
                let ends_line = b == b'\r' || (b == b'\n' && !self.after_cr);
                let breaks = breaks + u64::from(ends_line);
                if breaks > self.limits.quoted_lines || (bytes >= max && breaks > 0) {
                    return Err(self.unclosed(line));
                }
                if bytes >= max {
                    return Err(SheetError::CellTooLarge { line, limit: max });
                }
                Cell::Quoted {
                    line,
                    bytes: bytes + 1,
                    breaks,
                }
            }
        };
        Ok(())
    }

    /// The line of the first non-blank line starting at or after `byte`
    /// (calls with non-decreasing `byte`).
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.starts.front().is_some_and(|&(at, _)| at < byte) {
            self.starts.pop_front();
        }
        self.starts.front().map_or(self.line, |&(_, line)| line)
    }
}

enum Source {
    Csv {
        reader: Box<csv::Reader<LineCounter<File>>>,
        record: csv::StringRecord,
        done: bool,
    },
    /// The sheet's non-blank data rows, read on open.
    Xlsx {
        rows: std::collections::VecDeque<XlsxRow>,
        data_rows: u64,
    },
}

impl SheetReader {
    /// Opens a `.csv` (UTF-8, BOM optional, `,` `;` or tab delimited) or the first
    /// worksheet of an `.xlsx` file and reads its header row.
    pub fn open(path: &Path) -> Result<SheetReader, SheetError> {
        SheetReader::open_with(path, Limits::default())
    }

    /// [`SheetReader::open`] with other [`Limits`] than the defaults.
    pub fn open_with(path: &Path, limits: Limits) -> Result<SheetReader, SheetError> {
        let format = Format::from_path(path)?;
        let open_err = |source| SheetError::Open {
            path: path.to_owned(),
            source,
        };
        let file = File::open(path).map_err(open_err)?;
        let file_size = file.metadata().map_err(open_err)?.len();
        let (headers, source) = match format {
            Format::Csv => open_csv(file, limits)?,
            Format::Xlsx => open_xlsx(file, limits)?,
        };
        Ok(SheetReader {
            headers,
            file_size,
            source,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Total data rows when cheaply known (XLSX: yes; CSV: `None`), for a progress bar.
    pub fn len_hint(&self) -> Option<u64> {
        match &self.source {
            Source::Csv { .. } => None,
            Source::Xlsx { data_rows, .. } => Some(*data_rows),
        }
    }

    /// Bytes of the file, for a progress bar over CSV.
    pub fn file_size(&self) -> u64 {
        self.file_size
    }

    /// Bytes of a CSV file read so far. An XLSX file is read whole on open, so
    /// this is its full size.
    pub fn position_bytes(&self) -> u64 {
        match &self.source {
            Source::Csv { reader, .. } => reader.position().byte(),
            Source::Xlsx { .. } => self.file_size,
        }
    }

    /// Next data row: its line and its cells, padded with "" to the header length.
    /// A row refused on its own ([`SheetError::is_row_error`]: a line that is
    /// not UTF-8, a formula without a value) is reported and skipped; other
    /// errors end the file.
    pub fn next_row(&mut self) -> Option<Result<(u64, Vec<String>), SheetError>> {
        let width = self.headers.len();
        let (line, mut cells) = match &mut self.source {
            Source::Csv {
                reader,
                record,
                done,
            } => {
                if *done {
                    return None;
                }
                match next_csv_row(reader, record) {
                    Ok(Some(row)) => row,
                    Ok(None) => {
                        *done = true;
                        return None;
                    }
                    Err(e) => {
                        *done = !e.is_row_error();
                        return Some(Err(e));
                    }
                }
            }
            Source::Xlsx { rows, .. } => match rows.pop_front()? {
                (line, Ok(cells)) => (line, cells),
                (_, Err(e)) => return Some(Err(e)),
            },
        };
        if cells.len() < width {
            cells.resize(width, String::new());
        }
        // Control characters (issue 16 §7): the row is refused, as a request's text is.
        for (col, cell) in cells.iter().enumerate() {
            if let Some(c) = phongdich_domain::text::forbidden_char(cell) {
                let column = self
                    .headers
                    .get(col)
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .unwrap_or_else(|| column_letters(col as u32));
                return Some(Err(SheetError::ControlCharacter {
                    line,
                    column,
                    code: format!("U+{:04X}", u32::from(c)),
                }));
            }
        }
        Some(Ok((line, cells)))
    }
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// Header cells trimmed, without the empty cells a trailing delimiter leaves.
fn header_row(mut cells: Vec<String>) -> Vec<String> {
    while cells.last().is_some_and(|c| c.trim().is_empty()) {
        cells.pop();
    }
    cells.iter().map(|c| c.trim().to_owned()).collect()
}

fn open_csv(mut file: File, limits: Limits) -> Result<(Vec<String>, Source), SheetError> {
    let mut prefix = Vec::new();
    file.by_ref().take(SNIFF_BYTES).read_to_end(&mut prefix)?;
    file.rewind()?;
    let delimiter = sniff_delimiter(&prefix);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(LineCounter::new(file, delimiter, limits));
    let mut record = csv::StringRecord::new();
    let (_, headers) = next_csv_row(&mut reader, &mut record)?.ok_or(SheetError::EmptyFile)?;
    let source = Source::Csv {
        reader: Box::new(reader),
        record,
        done: false,
    };
    Ok((header_row(headers), source))
}

/// The most frequent of `,` `;` and tab outside quotes on the first non-blank line;
/// `,` when none occurs. Vietnamese Excel exports use `;` (the decimal mark is `,`).
fn sniff_delimiter(prefix: &[u8]) -> u8 {
    const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in prefix {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted && counts.iter().any(|&n| n > 0) => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    // `rev` so that ties go to the earlier, more usual delimiter.
    DELIMITERS
        .into_iter()
        .zip(counts)
        .rev()
        .max_by_key(|&(_, n)| n)
        .filter(|&(_, n)| n > 0)
        .map_or(b',', |(d, _)| d)
}

/// The next non-blank CSV record with the file line it starts on.
fn next_csv_row(
    reader: &mut csv::Reader<LineCounter<File>>,
    record: &mut csv::StringRecord,
) -> Result<Option<(u64, Vec<String>)>, SheetError> {
    loop {
        match reader.read_record(record) {
            Ok(false) => return Ok(None),
            Ok(true) => {
                let byte = record.position().map_or(0, csv::Position::byte);
                let line = reader.get_mut().line_at(byte);
                let limit = reader.get_ref().limits.columns;
                if record.len() > limit {
                    return Err(SheetError::TooManyColumns { line, limit });
                }
                let cells: Vec<String> = record.iter().map(str::to_owned).collect();
                if !is_blank(&cells) {
                    return Ok(Some((line, cells)));
                }
            }
            Err(e) => {
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { pos, .. } => SheetError::Encoding {
                        line: reader
                            .get_mut()
                            .line_at(pos.as_ref().map_or(0, csv::Position::byte)),
                    },
                    // A limit the line counter found.
                    csv::ErrorKind::Io(_) => reader.get_mut().raised.take().unwrap_or(e.into()),
                    _ => e.into(),
                });
            }
        }
    }
}

/// Unpacks every part of an XLSX file into nothing, counting: a part or a
/// whole past its limit is refused before calamine reads any of it (a zip
/// bomb — a small file unpacking to gigabytes — takes no memory here). The
/// sizes the zip file declares are checked first, then the bytes it really
/// unpacks to, since a hostile file can declare anything.
fn check_xlsx_size(file: &mut File, limits: Limits) -> Result<(), SheetError> {
    let zip_err = |e: zip::result::ZipError| SheetError::Xlsx(e.to_string());
    let mut archive = zip::ZipArchive::new(BufReader::new(&mut *file)).map_err(zip_err)?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(zip_err)?;
        let name = part.name().to_owned();
        let too_large = |limit| SheetError::XlsxTooLarge {
            part: name.clone(),
            limit,
        };
        if part.size() > limits.xlsx_part_bytes {
            return Err(too_large(limits.xlsx_part_bytes));
        }
        let unpacked = if name.ends_with(".xml") {
            check_references(
                part.by_ref().take(limits.xlsx_part_bytes + 1),
                &name,
                limits,
            )?
        } else {
            std::io::copy(
                &mut part.by_ref().take(limits.xlsx_part_bytes + 1),
                &mut std::io::sink(),
            )?
        };
        if unpacked > limits.xlsx_part_bytes {
            return Err(too_large(limits.xlsx_part_bytes));
        }
        total += unpacked;
        if total > limits.xlsx_total_bytes {
            return Err(too_large(limits.xlsx_total_bytes));
        }
    }
    drop(archive);
    file.rewind()?;
    Ok(())
}

/// Excel's own limits: a sheet has 1,048,576 rows and 16,384 columns (XFD).
const EXCEL_ROWS: u64 = 1_048_576;
const EXCEL_COLUMNS: u64 = 16_384;

/// The longest XML tag read (its name and attributes); Excel's are a few
/// hundred bytes.
const MAX_TAG_BYTES: usize = 64 * 1024;

/// Where the reference check stands in an XML part.
#[derive(Clone, Copy, PartialEq)]
enum Xml {
    Text,
    /// Inside `<…>`, and inside a quoted attribute value when `Some`.
    Tag(Option<u8>),
    /// Inside `<!--…-->`, `<![CDATA[…]]>` or `<?…?>`, until the terminator.
    Skip(&'static [u8]),
}

/// Reads an XML part as calamine will, refusing the references calamine
/// turns into arithmetic or allocations before it reads them (found by
/// fuzzing, issue 16): a cell or row reference past Excel's limits (its
/// arithmetic overflows), a shared formula's range (expanded cell by cell:
/// the total area of a part's shared formulas is bounded) and a shared
/// formula's index (an allocation size). Only tags are looked at, byte by
/// byte, so a text of any size takes no memory; quoted attribute values,
/// comments, CDATA and processing instructions are skipped as XML reads
/// them. Returns the bytes the part unpacks to.
fn check_references(mut part: impl Read, name: &str, limits: Limits) -> Result<u64, SheetError> {
    let mut state = Xml::Text;
    let mut tag: Vec<u8> = Vec::new();
    let mut shared_cells = 0u64;
    let mut total = 0u64;
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match part.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        total += n as u64;
        for &b in &chunk[..n] {
            state = match state {
                Xml::Text if b == b'<' => {
                    tag.clear();
                    Xml::Tag(None)
                }
                Xml::Text => Xml::Text,
                Xml::Skip(end) => {
                    tag.push(b);
                    if tag.ends_with(end) {
                        tag.clear();
                        Xml::Text
                    } else {
                        if tag.len() > end.len() {
                            tag.drain(..tag.len() - end.len());
                        }
                        Xml::Skip(end)
                    }
                }
                Xml::Tag(None) if b == b'>' => {
                    check_tag(&tag, name, limits, &mut shared_cells)?;
                    Xml::Text
                }
                Xml::Tag(quote) => {
                    if tag.len() >= MAX_TAG_BYTES {
                        return Err(SheetError::XlsxTooLarge {
                            part: name.to_owned(),
                            limit: MAX_TAG_BYTES as u64,
                        });
                    }
                    tag.push(b);
                    match quote {
                        Some(q) if b == q => Xml::Tag(None),
                        Some(q) => Xml::Tag(Some(q)),
                        None if b == b'"' || b == b'\'' => Xml::Tag(Some(b)),
                        None => {
                            let skip = match tag.as_slice() {
                                b"!--" => Some(Xml::Skip(b"-->")),
                                b"![CDATA[" => Some(Xml::Skip(b"]]>")),
                                b"?" => Some(Xml::Skip(b"?>")),
                                _ => None,
                            };
                            if skip.is_some() {
                                // The terminator is looked for from here.
                                tag.clear();
                            }
                            skip.unwrap_or(Xml::Tag(None))
                        }
                    }
                }
            };
        }
    }
    Ok(total)
}

/// The references of one tag (`c r`, `row r`, `dimension ref`, and a shared
/// `f`'s `ref` and `si`), as calamine reads them: raw attribute values,
/// keys without a prefix.
fn check_tag(
    tag: &[u8],
    part: &str,
    limits: Limits,
    shared_cells: &mut u64,
) -> Result<(), SheetError> {
    let name_end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')
        .unwrap_or(tag.len());
    let local = tag[..name_end]
        .rsplit(|&b| b == b':')
        .next()
        .unwrap_or_default();
    if !matches!(local, b"c" | b"row" | b"f" | b"dimension") {
        return Ok(());
    }
    let refused = |value: &[u8]| SheetError::XlsxReference {
        part: part.to_owned(),
        value: String::from_utf8_lossy(value).chars().take(40).collect(),
    };
    let (mut shared, mut si, mut range) = (false, None, None);
    for (key, value) in attributes(&tag[name_end..]) {
        match (local, key) {
            (b"c", b"r") => {
                cell_reference(value).ok_or_else(|| refused(value))?;
            }
            (b"row", b"r") => {
                let row = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse::<u64>().ok());
                if !row.is_some_and(|r| (1..=EXCEL_ROWS).contains(&r)) {
                    return Err(refused(value));
                }
            }
            (b"dimension" | b"f", b"ref") => {
                range = Some((range_area(value).ok_or_else(|| refused(value))?, value));
            }
            (b"f", b"t") => shared = value == b"shared",
            (b"f", b"si") => si = Some(value),
            _ => {}
        }
    }
    if local == b"f" && shared {
        if let Some(si) = si {
            let index = std::str::from_utf8(si)
                .ok()
                .and_then(|v| v.parse::<u64>().ok());
            if index.is_none_or(|i| i >= limits.xlsx_shared_formulas) {
                return Err(refused(si));
            }
        }
        if let Some((area, value)) = range {
            *shared_cells += area;
            if *shared_cells > limits.xlsx_shared_formula_cells {
                return Err(refused(value));
            }
        }
    }
    Ok(())
}

/// The `key="value"` pairs of a tag after its name, raw; stops at the first
/// malformed one (the XML reader refuses the tag there).
fn attributes(mut rest: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        let trim = |s: &[u8]| -> usize { s.iter().take_while(|b| b.is_ascii_whitespace()).count() };
        rest = &rest[trim(rest)..];
        let eq = rest.iter().position(|&b| b == b'=')?;
        let key = rest[..eq].trim_ascii();
        rest = &rest[eq + 1..];
        rest = &rest[trim(rest)..];
        let quote = *rest.first().filter(|q| **q == b'"' || **q == b'\'')?;
        let close = rest[1..].iter().position(|&b| b == quote)?;
        let value = &rest[1..=close];
        rest = &rest[close + 2..];
        Some((key, value))
    })
}

/// A cell reference ("B7", "$B$7", "b7") within Excel's limits: its row and
/// column, from 1.
fn cell_reference(value: &[u8]) -> Option<(u64, u64)> {
    let text = std::str::from_utf8(value).ok()?.replace('$', "");
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let column = letters.bytes().fold(0u64, |n, c| {
        n * 26 + u64::from(c.to_ascii_uppercase() - b'A') + 1
    });
    if digits.len() > 7 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let row: u64 = digits.parse().ok()?;
    ((1..=EXCEL_ROWS).contains(&row) && column <= EXCEL_COLUMNS).then_some((row, column))
}

/// The number of cells of a reference ("A1") or range ("A1:C9").
fn range_area(value: &[u8]) -> Option<u64> {
    let mut ends = value.split(|&b| b == b':');
    let first = cell_reference(ends.next()?)?;
    let last = match ends.next() {
        Some(end) => cell_reference(end)?,
        None => first,
    };
    if ends.next().is_some() {
        return None;
    }
    Some((first.0.abs_diff(last.0) + 1) * (first.1.abs_diff(last.1) + 1))
}

/// A data row of a sheet: its line and its cells, or why it is refused.
type XlsxRow = (u64, Result<Vec<String>, SheetError>);

fn open_xlsx(mut file: File, limits: Limits) -> Result<(Vec<String>, Source), SheetError> {
    check_xlsx_size(&mut file, limits)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(BufReader::new(file))?;
    let name = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .ok_or(SheetError::EmptyFile)?;
    // Cell by cell, not calamine's Range: a range is as large as the
    // rectangle from the first cell to the last, so two cells far apart
    // would ask for gigabytes.
    let mut cells = workbook.worksheet_cells_reader(&name)?;
    let mut rows: std::collections::VecDeque<XlsxRow> = Default::default();
    let mut headers: Option<Vec<String>> = None;
    let mut current: Option<(u32, Vec<String>, Option<String>)> = None;
    let mut finish = |row: Option<(u32, Vec<String>, Option<String>)>,
                      rows: &mut std::collections::VecDeque<XlsxRow>|
     -> Result<(), SheetError> {
        let Some((index, cells, formula)) = row else {
            return Ok(());
        };
        let line = u64::from(index) + 1;
        if is_blank(&cells) && formula.is_none() {
            return Ok(());
        }
        if headers.is_none() {
            headers = Some(cells);
            return Ok(());
        }
        if rows.len() as u64 >= limits.xlsx_rows {
            return Err(SheetError::TooManyRows {
                line,
                limit: limits.xlsx_rows,
            });
        }
        rows.push_back(match formula {
            Some(cell) => (line, Err(SheetError::FormulaWithoutValue { line, cell })),
            None => (line, Ok(cells)),
        });
        Ok(())
    };
    while let Some(cell) = cells.next_cell()? {
        let (row, col) = cell.get_position();
        let line = u64::from(row) + 1;
        if col as usize >= limits.columns {
            return Err(SheetError::TooManyColumns {
                line,
                limit: limits.columns,
            });
        }
        if let Some(&(previous, ..)) = current.as_ref() {
            // Excel writes rows in order; a row going back would give lines
            // out of order and split rows.
            if row < previous {
                return Err(SheetError::RowsOutOfOrder {
                    line,
                    after: u64::from(previous) + 1,
                });
            }
            if row != previous {
                finish(current.take(), &mut rows)?;
            }
        }
        let (_, texts, formula) = current.get_or_insert_with(|| (row, Vec::new(), None));
        let value = cell.get_value();
        let text = match value {
            // A cell element with no value: a formula Excel never computed
            // (calamine yields no cell for an empty one).
            DataRef::Empty => {
                formula.get_or_insert_with(|| cell_name(row, col));
                String::new()
            }
            DataRef::SharedString(s) => (*s).to_owned(),
            other => cell_text(&Data::from(other.clone())),
        };
        if text.len() > limits.cell_bytes {
            return Err(SheetError::CellTooLarge {
                line,
                limit: limits.cell_bytes,
            });
        }
        let col = col as usize;
        if texts.len() <= col {
            texts.resize(col + 1, String::new());
        }
        texts[col] = text;
    }
    finish(current.take(), &mut rows)?;
    drop(cells);
    let headers = headers.ok_or(SheetError::EmptyFile)?;
    let data_rows = rows.len() as u64;
    Ok((header_row(headers), Source::Xlsx { rows, data_rows }))
}

/// A cell's name as Excel shows it: column letters and row number ("C5").
fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// A column's letters as Excel shows them ("A", "AB"), from 0.
fn column_letters(col: u32) -> String {
    let (mut letters, mut n) = (Vec::new(), col + 1);
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// A cell as the user sees it: whole numbers without ".0", dates as DD/MM/YYYY.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) => iso_datetime_text(s),
        Data::Error(e) => e.to_string(),
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        (f as i64).to_string()
    } else {
        f.to_string()
    }
}

/// An Excel serial date. calamine hides the workbook's date system and whether
/// the cell is a duration, so both are recovered by comparing with known values.
fn datetime_text(dt: &ExcelDateTime) -> String {
    let serial = dt.as_f64();
    let kind = ExcelDateTimeType::DateTime;
    if *dt == ExcelDateTime::new(serial, kind, false) {
        serial_text(serial)
    } else if *dt == ExcelDateTime::new(serial, kind, true) {
        serial_text(serial + 1462.0)
    } else {
        number_text(serial)
    }
}

/// A 1900-system serial: days since 1899-12-30 (Excel counts a false 29/02/1900,
/// so earlier serials are one day off), the fraction being the time of day.
fn serial_text(serial: f64) -> String {
    let total = (serial * 86_400.0).round() as i64;
    let (days, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
    let time = match (secs / 3600, secs / 60 % 60, secs % 60) {
        (h, m, 0) => format!("{h:02}:{m:02}"),
        (h, m, s) => format!("{h:02}:{m:02}:{s:02}"),
    };
    if days == 0 {
        return time;
    }
    let days = if days < 60 { days + 1 } else { days };
    let (y, m, d) = civil_from_days(days - 25_569);
    if secs == 0 {
        format!("{d:02}/{m:02}/{y:04}")
    } else {
        format!("{d:02}/{m:02}/{y:04} {time}")
    }
}

/// (year, month, day) of a count of days since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD[THH:MM:SS]` as `DD/MM/YYYY[ HH:MM:SS]`; anything else unchanged.
fn iso_datetime_text(s: &str) -> String {
    let b = s.as_bytes();
    let is_date = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !is_date {
        return s.to_owned();
    }
    let date = format!("{}/{}/{}", &s[8..10], &s[5..7], &s[..4]);
    match s[10..].trim_start_matches(['T', ' ']) {
        "" | "00:00:00" => date,
        time => format!("{date} {time}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\n\nname\n"), b',');
    }

    #[test]
    fn serials_become_vietnamese_dates() {
        assert_eq!(serial_text(25_569.0), "01/01/1970");
        assert_eq!(serial_text(44_197.0), "01/01/2021");
        assert_eq!(serial_text(1.0), "01/01/1900");
        assert_eq!(serial_text(61.0), "01/03/1900");
        assert_eq!(serial_text(44_197.5), "01/01/2021 12:00");
        assert_eq!(serial_text(0.25), "06:00");
        assert_eq!(iso_datetime_text("2021-05-03T00:00:00"), "03/05/2021");
        assert_eq!(
            iso_datetime_text("2021-05-03T07:30:00"),
            "03/05/2021 07:30:00"
        );
        assert_eq!(iso_datetime_text("07:30:00"), "07:30:00");
    }

    #[test]
    fn whole_numbers_lose_the_fraction() {
        assert_eq!(number_text(22_085_001_234.0), "22085001234");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(1.5), "1.5");
    }
}

#[cfg(test)]
mod reference_tests {
    use super::*;

    fn check(xml: &str) -> Result<u64, SheetError> {
        check_references(
            xml.as_bytes(),
            "xl/worksheets/sheet1.xml",
            Limits::default(),
        )
    }

    #[test]
    fn references_are_read_as_the_xml_reader_reads_them() {
        // Past the limits, in either quote, with a prefix on the element.
        for bad in [
            r#"<c r="XFE1"/>"#,
            r#"<x:c r='A1048577'/>"#,
            r#"<c t="n" r="AAAAAAAAAAAAAA1"><v>1</v></c>"#,
            r#"<c foo=">" r="ZZZZ1"/>"#,
            r#"<row r="0"/>"#,
            r#"<dimension ref="A1:XFD1048577"/>"#,
            r#"<f t="shared" si="100000" ref="A1:A2"/>"#,
            r#"<f t="shared" si="0" ref="A1:Z100000"/>"#,
        ] {
            assert!(
                matches!(check(bad), Err(SheetError::XlsxReference { .. })),
                "{bad}"
            );
        }
        // Comments, CDATA, processing instructions and text are not tags;
        // a prefixed attribute is not calamine's `r`.
        for good in [
            r#"<?xml version="1.0"?><!-- <c r="XFE1"/> --><c r="$B$7" x:r="XFE1"/>"#,
            r#"<is><t><![CDATA[<c r="XFE1"/>]]></t></is><t>a > b "q</t><c r="xfd1048576"/>"#,
            r#"<?pi don't <c r="XFE1"/>?><row r="1048576"/><f t="shared" si="3" ref="A1:A1000000"/>"#,
        ] {
            assert_eq!(check(good).unwrap(), good.len() as u64, "{good}");
        }
    }
}
