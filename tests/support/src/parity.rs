//! The one reader of the committed parity files (`tests/data/parity/`, the
//! format of each folder in its README.md): where they are, their records
//! (comment and blank lines skipped, the rest split into words) and the
//! words' values (IEEE bits in lowercase hex, class indices in decimal).
//! Each test turns the records into its own cases; what the words mean is
//! the test's business, how they are read is here.
//!
//! The firmware checks print their results in the same hex words, and read
//! them with [`f32_hex`] too.

use std::fs;
use std::path::{Path, PathBuf};

/// The parity folder `tests/data/parity/<sub>` (`""` for the folder itself).
pub fn folder(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/parity")
        .join(sub)
}

/// The text of `path`; panics naming the file if it cannot be read.
pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `.txt` files of `dir`, sorted by name; panics if there are none, so
/// that a moved folder cannot pass by checking nothing.
pub fn txt_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{}: no .txt files", dir.display());
    paths
}

/// The records of a parity file: every line that is neither blank nor a
/// `#` comment, as its 1-based line number and its words (split on
/// whitespace).
pub fn records(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        (!line.is_empty() && !line.starts_with('#'))
            .then(|| (i + 1, line.split_ascii_whitespace().collect()))
    })
}

/// An `f32` written as its IEEE bits in exactly 8 hex digits
/// (`3f800000` is 1.0, `80000000` is -0.0).
pub fn f32_hex(word: &str) -> f32 {
    f32::from_bits(hex(word, 8) as u32)
}

/// An `f64` written as its IEEE bits in exactly 16 hex digits
/// (`3ff0000000000000` is 1.0).
pub fn f64_hex(word: &str) -> f64 {
    f64::from_bits(hex(word, 16))
}

/// A count or class index, in decimal.
pub fn decimal(word: &str) -> usize {
    word.parse()
        .unwrap_or_else(|e| panic!("{word:?} is not a decimal number: {e}"))
}

/// The values of one field, decoded by the rule of its name.
#[derive(Clone, Debug)]
pub enum Values {
    /// 8 hex digits per value.
    F32(Vec<f32>),
    /// 16 hex digits per value.
    F64(Vec<f64>),
    /// Decimal class indices (the field `labels`).
    Labels(Vec<usize>),
}

/// The words of the field `name`: `labels` (and `labels_val`) in decimal, a name ending in
/// `f64_suffix` as [`f64_hex`], any other as [`f32_hex`].
pub fn values(name: &str, f64_suffix: &str, words: &[&str]) -> Values {
    if name == "labels" || name == "labels_val" {
        Values::Labels(words.iter().map(|w| decimal(w)).collect())
    } else if name.ends_with(f64_suffix) {
        Values::F64(words.iter().map(|w| f64_hex(w)).collect())
    } else {
        Values::F32(words.iter().map(|w| f32_hex(w)).collect())
    }
}

fn hex(word: &str, digits: usize) -> u64 {
    assert_eq!(word.len(), digits, "{word:?} is not {digits} hex digits");
    u64::from_str_radix(word, 16).unwrap_or_else(|e| panic!("{word:?} is not hex: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_words_are_ieee_bits() {
        assert_eq!(f32_hex("3f800000"), 1.0);
        assert_eq!(f32_hex("80000000").to_bits(), 0x8000_0000);
        assert!(f32_hex("7fc00000").is_nan());
        assert_eq!(f64_hex("3ff0000000000000"), 1.0);
        assert_eq!(decimal("12"), 12);
        assert!(matches!(values("labels", "64", &["3"]), Values::Labels(v) if v == [3]));
        assert!(matches!(values("x64", "64", &["3ff0000000000000"]), Values::F64(v) if v == [1.0]));
        assert!(matches!(values("x", "64", &["3f800000"]), Values::F32(v) if v == [1.0]));
    }

    #[test]
    #[should_panic(expected = "is not 8 hex digits")]
    fn a_short_word_is_refused() {
        f32_hex("3f8000");
    }

    #[test]
    fn records_skip_comments_and_blank_lines() {
        let text = "# header\n\ncase a  b\n  # indented comment\nx 1 2\n";
        let got: Vec<_> = records(text).collect();
        assert_eq!(got, [(3, vec!["case", "a", "b"]), (5, vec!["x", "1", "2"])]);
    }

    #[test]
    fn the_folder_holds_the_committed_files() {
        assert!(txt_files(&folder(""))
            .iter()
            .any(|p| p.ends_with("sums.txt")));
        assert!(!txt_files(&folder("metrics")).is_empty());
    }
}
