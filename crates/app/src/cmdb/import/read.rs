//! Reading an import file, streamed: CSV (the first row names the columns) or JSON
//! (an array of objects). Each record comes out as named cells with its line; a file
//! that cannot be read (a broken quote, text that is not UTF-8, malformed JSON) is
//! one error naming the line.

use std::cell::Cell as Shared;
use std::fmt;
use std::io::{BufReader, Read};
use std::rc::Rc;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The largest record a file may hold: a longer one is almost always a quote left open.
pub const MAX_RECORD: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" | "text/csv" => Some(Format::Csv),
            "json" | "application/json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format a file name says (`.csv`, `.json`).
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        path.extension().and_then(|e| e.to_str()).and_then(Format::parse)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// A cell: text from CSV, a JSON value from JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Json(Value),
}

/// One record of the file: its line (in JSON, the line its object ends on) and its
/// cells by column name. In JSON, `attributes` are spread into their own cells and
/// `from`/`to` objects become `from.<code>`/`to.<code>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: u64,
    pub cells: Vec<(String, Cell)>,
}

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub line: Option<u64>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn at(line: u64, message: impl Into<String>) -> FileError {
    FileError { line: Some(line), message: message.into() }
}

/// Reads every record, handing each to `each` with the bytes read so far; stops early
/// when `each` returns false. Returns the number of records.
pub fn read(format: Format, r: impl Read, each: impl FnMut(Record, u64) -> bool) -> Result<u64, FileError> {
    match format {
        Format::Csv => read_csv(r, each),
        Format::Json => read_json(r, each),
    }
}

fn read_csv(r: impl Read, mut each: impl FnMut(Record, u64) -> bool) -> Result<u64, FileError> {
    let mut rd = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(r);
    let header: Vec<String> = rd
        .byte_headers()
        .map_err(|e| csv_error(&e))?
        .iter()
        .enumerate()
        .map(|(i, h)| match std::str::from_utf8(h) {
            Ok(s) => Ok(s.trim().to_string()),
            Err(_) => Err(at(1, format!("column {}: the header is not UTF-8 text (save the file as UTF-8)", i + 1))),
        })
        .collect::<Result<_, _>>()?;
    if header.is_empty() || header.iter().all(String::is_empty) {
        return Err(at(1, "the first row names no columns"));
    }
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            return Err(at(1, format!("column {} has no name", i + 1)));
        }
        if header[..i].contains(h) {
            return Err(at(1, format!("column '{h}' appears twice")));
        }
    }
    let mut n = 0;
    let mut rec = csv::ByteRecord::new();
    loop {
        match rd.read_byte_record(&mut rec) {
            Ok(false) => return Ok(n),
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e)),
        }
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.as_slice().len() > MAX_RECORD {
            return Err(at(line, "a record of over 1 MiB: is a quote left open?"));
        }
        let mut cells = Vec::with_capacity(header.len());
        for (name, field) in header.iter().zip(rec.iter()) {
            let text =
                std::str::from_utf8(field).map_err(|_| at(line, format!("column '{name}' is not UTF-8 text (save the file as UTF-8)")))?;
            cells.push((name.clone(), Cell::Text(text.to_string())));
        }
        n += 1;
        // Where the reader stands: past the record's quotes, delimiters and line end.
        let bytes = rd.position().byte();
        if !each(Record { line, cells }, bytes) {
            return Ok(n);
        }
    }
}

fn csv_error(e: &csv::Error) -> FileError {
    let line = e.position().map(csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len}: is a quote left open or a separator unquoted?")
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text (save the file as UTF-8)".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => e.to_string(),
    };
    FileError { line, message }
}

/// Counts lines and bytes under the JSON parser (which reads one byte at a time from
/// the buffered reader below, so the count is where the parser is).
struct Counting<R> {
    inner: BufReader<R>,
    line: Rc<Shared<u64>>,
    bytes: Rc<Shared<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.line.set(self.line.get() + newlines);
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
}

fn read_json(r: impl Read, each: impl FnMut(Record, u64) -> bool) -> Result<u64, FileError> {
    let line = Rc::new(Shared::new(1));
    let bytes = Rc::new(Shared::new(0));
    let counting = Counting { inner: BufReader::with_capacity(64 * 1024, r), line: line.clone(), bytes: bytes.clone() };
    let mut de = serde_json::Deserializer::from_reader(counting);
    let seed = Records { each, line, bytes, n: 0 };
    let n = seed.deserialize(&mut de).map_err(|e| json_error(&e))?;
    de.end().map_err(|e| json_error(&e))?;
    Ok(n)
}

fn json_error(e: &serde_json::Error) -> FileError {
    if e.is_io() {
        return FileError { line: None, message: format!("cannot read the file: {e}") };
    }
    let text = e.to_string();
    let message = text.split(" at line ").next().unwrap_or(&text).to_string();
    FileError { line: Some(e.line() as u64), message: format!("{message} (column {})", e.column()) }
}

/// Visits the top-level array, one element at a time.
struct Records<F> {
    each: F,
    line: Rc<Shared<u64>>,
    bytes: Rc<Shared<u64>>,
    n: u64,
}

impl<'de, F: FnMut(Record, u64) -> bool> DeserializeSeed<'de> for Records<F> {
    type Value = u64;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Record, u64) -> bool> Visitor<'de> for Records<F> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of objects, one per CI or relation")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<u64, A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            self.n += 1;
            let record = Record { line: self.line.get(), cells: cells(v) };
            if !(self.each)(record, self.bytes.get()) {
                // The rest is not read: stopping is the caller's choice, not an error.
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                break;
            }
        }
        Ok(self.n)
    }
}

/// An object's cells (see [`Record`]); anything else is one nameless cell the row
/// check refuses.
fn cells(v: Value) -> Vec<(String, Cell)> {
    let Value::Object(m) = v else { return vec![(String::new(), Cell::Json(v))] };
    let mut out = Vec::with_capacity(m.len());
    for (k, v) in m {
        match (k.as_str(), v) {
            ("attributes", Value::Object(attrs)) => out.extend(attrs.into_iter().map(|(a, v)| (a, Cell::Json(v)))),
            ("from" | "to", Value::Object(keys)) => spread(&mut out, &k, keys),
            (_, v) => out.push((k, Cell::Json(v))),
        }
    }
    out
}

fn spread(out: &mut Vec<(String, Cell)>, end: &str, keys: Map<String, Value>) {
    out.extend(keys.into_iter().map(|(a, v)| (format!("{end}.{a}"), Cell::Json(v))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(format: Format, text: &[u8]) -> Result<Vec<Record>, FileError> {
        let mut out = Vec::new();
        read(format, text, |r, _| {
            out.push(r);
            true
        })?;
        Ok(out)
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn csv_rows_come_with_their_lines() {
        let rows = all(Format::Csv, b"\xEF\xBB\xBFname,serial_number\ndb-01,SN1\n\"web, 02\",\"S\nN2\"\nx,y\n").unwrap();
        assert_eq!(rows[0], Record { line: 2, cells: vec![("name".into(), text("db-01")), ("serial_number".into(), text("SN1"))] });
        assert_eq!(rows[1].cells[0].1, text("web, 02"));
        assert_eq!(rows[2].line, 5);
    }

    #[test]
    fn broken_csv_names_the_line() {
        let e = all(Format::Csv, b"name,serial_number\ndb-01,SN1\n\"db-02,SN2\ndb-03,SN3\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("quote"), "{e}");
        let e = all(Format::Csv, b"name,serial_number\ndb-01,SN1\nd\xe9j\xe0,SN2\n").unwrap_err();
        assert_eq!(e.to_string(), "line 3: column 'name' is not UTF-8 text (save the file as UTF-8)");
        assert!(all(Format::Csv, b"name,name\n").unwrap_err().message.contains("twice"));
        assert!(all(Format::Csv, b"").is_err());
    }

    #[test]
    fn json_objects_spread_attributes_and_ends() {
        let rows = all(
            Format::Json,
            br#"[
  {"name": "db-01", "attributes": {"serial_number": "SN1"}},
  {"from": {"serial_number": "SN1"}, "type": "runs_on", "to": "CI0000002"}
]"#,
        )
        .unwrap();
        assert_eq!(rows[0].line, 2);
        // Key order follows serde_json's map, which depends on its features.
        assert!(rows[0].cells.contains(&("serial_number".into(), Cell::Json("SN1".into()))), "{:?}", rows[0].cells);
        assert!(rows[1].cells.iter().any(|(n, _)| n == "from.serial_number"), "{:?}", rows[1].cells);
        assert_eq!(rows[1].line, 3);
        let e = all(Format::Json, b"[\n {\"name\": \"a\"},\n {\"name\": }\n]").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(all(Format::Json, b"{\"name\": \"a\"}").is_err(), "not an array");
    }
}
