//! The crate's one error type.

use core::fmt;

/// Why a call was refused.
///
/// Every fallible function in the crate validates all of its arguments before
/// it writes anything, so when one of these comes back **no output element,
/// gradient or cached value has changed**.
///
/// ```
/// use vanillanets::activations::{Activation, ReLU};
/// use vanillanets::Error;
///
/// let mut out = [7.0_f32; 3];
/// let err = ReLU.forward(&[1.0, 2.0], 1, 3, &mut out).unwrap_err();
/// assert_eq!(err, Error::LengthMismatch { argument: "inputs", expected: 3, actual: 2 });
/// assert_eq!(out, [7.0; 3]); // untouched
/// ```
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `rows * cols` does not fit in a `usize`.
    ShapeOverflow {
        /// The rows that were passed.
        rows: usize,
        /// The columns that were passed.
        cols: usize,
    },
    /// The shape has no elements where the operation needs at least one: a
    /// Softmax or cross-entropy row with zero classes, or a mean over zero
    /// samples.
    EmptyShape {
        /// The rows that were passed.
        rows: usize,
        /// The columns that were passed.
        cols: usize,
    },
    /// A slice's length is not the one the shape asks for.
    LengthMismatch {
        /// The parameter's name: `"inputs"`, `"output"`, `"dvalues"`,
        /// `"dinputs"`, `"labels"`, ...
        argument: &'static str,
        /// The length the shape asks for.
        expected: usize,
        /// The length that was passed.
        actual: usize,
    },
    /// `rows * cols` is larger than a buffer's compile-time capacity.
    CapacityExceeded {
        /// `rows * cols` of the call.
        required: usize,
        /// The buffer's capacity `N`.
        capacity: usize,
    },
    /// `backward` was called on a buffer that has not run `forward` yet.
    BackwardBeforeForward,
    /// A layer's input width is not the width of the layer before it (or,
    /// for the first layer, of the model's inputs).
    LayerMismatch {
        /// The index of the layer in the model's list.
        layer: usize,
        /// The width the layer before it produces.
        expected: usize,
        /// The width this layer takes.
        actual: usize,
    },
    /// A model has no [`crate::layers::Dense`] layer, so neither its input
    /// width nor anything to train is known.
    NoDenseLayer,
    /// A caller-provided memory arena is smaller than its sizing function
    /// says (see [`crate::model::Model::training_len`]).
    ArenaTooSmall {
        /// The `f32` elements needed.
        needed: usize,
        /// The `f32` elements given.
        given: usize,
    },
    /// An optimizer hyperparameter or a training option is out of range:
    /// a learning rate that is not finite and `> 0`, a momentum or beta
    /// outside `[0, 1)`, an epsilon not finite and `> 0` (each also as the
    /// `f32` the step uses), a negative or non-finite decay, a zero
    /// micro-batch, a LeakyReLU layer's slope not finite and `> 0`, ...
    InvalidHyperparameter {
        /// Its name, as in the constructor's documentation.
        name: &'static str,
    },
    /// The targets are not of a form the loss takes: class indices for
    /// [`crate::losses::BinaryCrossEntropy`] or
    /// [`crate::losses::MeanSquaredError`], or for a regression metric;
    /// [`crate::targets::Targets::Values`] for a categorical loss.
    UnsupportedTargets,
    /// A class index is at or past the number of classes.
    LabelOutOfRange {
        /// The row whose label is bad.
        row: usize,
        /// The label that was passed.
        label: usize,
        /// The number of classes (`cols`).
        classes: usize,
    },
    /// The bytes do not open with the magic of a parameter record
    /// ([`crate::model::export`]): not a record, or an erased page.
    NotARecord,
    /// A record of a format version or content this crate does not read.
    UnsupportedFormat {
        /// The record's version field.
        version: u16,
        /// The record's content field.
        content: u16,
    },
    /// A record was written for another layer layout (see
    /// [`crate::model::export::fingerprint`]), even if it has as many
    /// parameters.
    FingerprintMismatch {
        /// The fingerprint of the layers it was read for.
        expected: u32,
        /// The fingerprint in the record.
        found: u32,
    },
    /// A record's CRC-32 does not match its bytes: it was corrupted.
    ChecksumMismatch {
        /// The CRC-32 of the bytes read.
        expected: u32,
        /// The CRC-32 stored in the record.
        found: u32,
    },
    /// Fewer bytes than a record needs: a record cut short, or an output
    /// buffer too small for one.
    Truncated {
        /// The bytes needed: the record's, or the header's 16 when even the
        /// header is cut.
        needed: usize,
        /// The bytes given.
        given: usize,
    },
    /// An input value is NaN or infinite where the model refuses it: in
    /// [`crate::model::Model::fit`], `evaluate` and `predict` (training on
    /// it could write NaN into the parameters even when the loss stays
    /// finite, e.g. `-inf` through ReLU).
    NonFiniteInput {
        /// The sample (row) of the first such value.
        row: usize,
        /// Its feature (column).
        column: usize,
    },
}

impl Error {
    /// A one-byte code for this variant, for firmware that reports errors
    /// without text: over a serial line, in a status register, on LEDs.
    ///
    /// The codes are **stable**: a variant keeps its code in every later
    /// version, a code is never reused or renumbered, and a new variant
    /// takes the next free code. `0` is never an error's code, so a status
    /// byte can use it for "no error". The fields (lengths, names, ...) are
    /// not in the code; [`Error::message`] gives the variant's text.
    ///
    /// | code | variant |
    /// |---:|---|
    /// | 0 | (never used: free for "no error") |
    /// | 1 | [`Error::ShapeOverflow`] |
    /// | 2 | [`Error::EmptyShape`] |
    /// | 3 | [`Error::LengthMismatch`] |
    /// | 4 | [`Error::CapacityExceeded`] |
    /// | 5 | [`Error::BackwardBeforeForward`] |
    /// | 6 | [`Error::LayerMismatch`] |
    /// | 7 | [`Error::NoDenseLayer`] |
    /// | 8 | [`Error::ArenaTooSmall`] |
    /// | 9 | [`Error::InvalidHyperparameter`] |
    /// | 10 | [`Error::UnsupportedTargets`] |
    /// | 11 | [`Error::LabelOutOfRange`] |
    /// | 12 | [`Error::NotARecord`] |
    /// | 13 | [`Error::UnsupportedFormat`] |
    /// | 14 | [`Error::FingerprintMismatch`] |
    /// | 15 | [`Error::ChecksumMismatch`] |
    /// | 16 | [`Error::Truncated`] |
    /// | 17 | [`Error::NonFiniteInput`] |
    /// | 18 to 255 | free, taken in order by later variants |
    ///
    /// In a firmware, printing the code costs a few dozen bytes of flash
    /// where `{:?}` costs kilobytes (docs/firmware.md measures both).
    ///
    /// ```
    /// use vanillanets::activations::{Activation, ReLU};
    /// use vanillanets::Error;
    ///
    /// let mut out = [0.0_f32; 3];
    /// let err = ReLU.forward(&[1.0, 2.0], 1, 3, &mut out).unwrap_err();
    /// assert_eq!(err.code(), 3); // LengthMismatch
    /// assert_eq!(Error::BackwardBeforeForward.code(), 5);
    /// ```
    #[must_use]
    pub const fn code(&self) -> u8 {
        match self {
            Error::ShapeOverflow { .. } => 1,
            Error::EmptyShape { .. } => 2,
            Error::LengthMismatch { .. } => 3,
            Error::CapacityExceeded { .. } => 4,
            Error::BackwardBeforeForward => 5,
            Error::LayerMismatch { .. } => 6,
            Error::NoDenseLayer => 7,
            Error::ArenaTooSmall { .. } => 8,
            Error::InvalidHyperparameter { .. } => 9,
            Error::UnsupportedTargets => 10,
            Error::LabelOutOfRange { .. } => 11,
            Error::NotARecord => 12,
            Error::UnsupportedFormat { .. } => 13,
            Error::FingerprintMismatch { .. } => 14,
            Error::ChecksumMismatch { .. } => 15,
            Error::Truncated { .. } => 16,
            Error::NonFiniteInput { .. } => 17,
        }
    }

    /// A short, fixed English text for this variant, without its fields:
    /// printing it needs no `core::fmt`, only a byte write. `Display` gives
    /// the full message with the fields. The text may be reworded between
    /// versions; match on the variant or on [`Error::code`] instead.
    ///
    /// ```
    /// use vanillanets::Error;
    ///
    /// let err = Error::LengthMismatch { argument: "inputs", expected: 3, actual: 2 };
    /// assert_eq!(err.message(), "slice length does not match the shape");
    /// ```
    #[must_use]
    pub const fn message(&self) -> &'static str {
        match self {
            Error::ShapeOverflow { .. } => "shape overflows usize",
            Error::EmptyShape { .. } => "shape is empty where an element is needed",
            Error::LengthMismatch { .. } => "slice length does not match the shape",
            Error::CapacityExceeded { .. } => "shape exceeds the buffer's capacity",
            Error::BackwardBeforeForward => "backward called before forward",
            Error::LayerMismatch { .. } => "layer width does not match the layer before",
            Error::NoDenseLayer => "the model has no dense layer",
            Error::ArenaTooSmall { .. } => "the arena is too small for the model",
            Error::InvalidHyperparameter { .. } => "a hyperparameter or option is out of range",
            Error::UnsupportedTargets => "the loss does not take targets of this form",
            Error::LabelOutOfRange { .. } => "a class label is out of range",
            Error::NotARecord => "the bytes are not a parameter record",
            Error::UnsupportedFormat { .. } => "the record's format is not supported",
            Error::FingerprintMismatch { .. } => "the record is for another layer layout",
            Error::ChecksumMismatch { .. } => "the record's checksum does not match",
            Error::Truncated { .. } => "too few bytes for the record",
            Error::NonFiniteInput { .. } => "an input is NaN or infinite",
        }
    }
}

/// The decimal digits, one `&str` each, so [`write_usize`] needs no buffer.
const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// `n` in decimal, most significant digit first, ignoring the formatter's
/// width and flags (as the inner arguments of `write!` would). Smaller in
/// flash than `usize`'s `Display`, which pads and handles every flag.
fn write_usize(f: &mut fmt::Formatter<'_>, n: usize) -> fmt::Result {
    // The digits, least significant first; only divisions by the constant
    // 10, so no division-by-zero check. 39 places hold a 128-bit usize.
    let mut digits = [0_u8; 39];
    let mut len = 0;
    let mut rest = n;
    for d in digits.iter_mut() {
        *d = (rest % 10) as u8;
        rest /= 10;
        len += 1;
        if rest == 0 {
            break;
        }
    }
    for &d in digits.iter().take(len).rev() {
        f.write_str(DIGITS.get(usize::from(d)).copied().unwrap_or("?"))?;
    }
    Ok(())
}

/// `texts[0]`, `numbers[0]`, `texts[1]`, `numbers[1]`, ...: static text
/// and decimal numbers in turn, without `fmt::Arguments` (one loop instead
/// of a `write!` per message keeps `Display` small in flash).
fn write_parts(f: &mut fmt::Formatter<'_>, texts: &[&str], numbers: &[usize]) -> fmt::Result {
    let mut numbers = numbers.iter();
    for text in texts {
        f.write_str(text)?;
        if let Some(&n) = numbers.next() {
            write_usize(f, n)?;
        }
    }
    Ok(())
}

/// The full message, with the fields: `` `inputs` has length 2, but the
/// shape needs 3 ``. Written as static text and hand-formatted numbers, so
/// a firmware that prints it links no integer formatting or padding code.
///
/// ```
/// use vanillanets::Error;
///
/// let err = Error::LengthMismatch { argument: "inputs", expected: 3, actual: 2 };
/// assert_eq!(err.to_string(), "`inputs` has length 2, but the shape needs 3");
/// ```
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (texts, numbers): (&[&str], &[usize]) = match *self {
            Error::ShapeOverflow { rows, cols } => {
                (&["shape ", "x", " overflows usize"], &[rows, cols])
            }
            Error::EmptyShape { rows, cols } => (
                &[
                    "shape ",
                    "x",
                    " is empty where at least one element is needed",
                ],
                &[rows, cols],
            ),
            Error::LengthMismatch {
                argument,
                expected,
                actual,
            } => {
                f.write_str("`")?;
                f.write_str(argument)?;
                (
                    &["` has length ", ", but the shape needs "],
                    &[actual, expected],
                )
            }
            Error::CapacityExceeded { required, capacity } => (
                &["", " elements exceed the buffer's capacity of "],
                &[required, capacity],
            ),
            Error::BackwardBeforeForward => (&["backward called before forward"], &[]),
            Error::LayerMismatch {
                layer,
                expected,
                actual,
            } => (
                &["layer ", " takes ", " inputs, but the layer before gives "],
                &[layer, actual, expected],
            ),
            Error::NoDenseLayer => (&["the model has no dense layer"], &[]),
            Error::ArenaTooSmall { needed, given } => (
                &["the arena holds ", " elements, but the model needs "],
                &[given, needed],
            ),
            Error::InvalidHyperparameter { name } => {
                f.write_str("`")?;
                f.write_str(name)?;
                (&["` is out of range"], &[])
            }
            Error::UnsupportedTargets => (&["the loss does not take targets of this form"], &[]),
            Error::LabelOutOfRange {
                row,
                label,
                classes,
            } => (
                &["label ", " in row ", " is out of range for ", " classes"],
                &[label, row, classes],
            ),
            Error::NotARecord => (&["the bytes are not a parameter record"], &[]),
            Error::UnsupportedFormat { version, content } => (
                &["record format version ", ", content ", " is not supported"],
                &[usize::from(version), usize::from(content)],
            ),
            Error::FingerprintMismatch { expected, found } => (
                &["the record's layer fingerprint is ", ", the layers' is "],
                &[found as usize, expected as usize],
            ),
            Error::ChecksumMismatch { expected, found } => (
                &["the record's CRC-32 is ", ", its bytes give "],
                &[found as usize, expected as usize],
            ),
            Error::Truncated { needed, given } => (
                &["", " bytes given, but the record needs "],
                &[given, needed],
            ),
            Error::NonFiniteInput { row, column } => (
                &["the input in row ", ", column ", " is NaN or infinite"],
                &[row, column],
            ),
        };
        write_parts(f, texts, numbers)
    }
}

/// A `&str` field in `Debug` as `"text"`, without `str`'s escaping: the
/// crate's names are plain ASCII, and escaping links Unicode tables of
/// about 2 KB into a firmware.
struct Quoted(&'static str);

impl fmt::Debug for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        f.write_str(self.0)?;
        f.write_str("\"")
    }
}

/// The same text as `#[derive(Debug)]` would give (`{:#?}` too), for
/// the crate's names, which need no escaping: `LengthMismatch { argument:
/// "inputs", expected: 3, actual: 2 }`. Written by hand so that a firmware
/// printing it does not link `str`'s escaping and its Unicode tables.
///
/// ```
/// use vanillanets::Error;
///
/// let err = Error::LengthMismatch { argument: "inputs", expected: 3, actual: 2 };
/// assert_eq!(
///     format!("{err:?}"),
///     r#"LengthMismatch { argument: "inputs", expected: 3, actual: 2 }"#
/// );
/// ```
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::ShapeOverflow { rows, cols } => f
                .debug_struct("ShapeOverflow")
                .field("rows", &rows)
                .field("cols", &cols)
                .finish(),
            Error::EmptyShape { rows, cols } => f
                .debug_struct("EmptyShape")
                .field("rows", &rows)
                .field("cols", &cols)
                .finish(),
            Error::LengthMismatch {
                argument,
                expected,
                actual,
            } => f
                .debug_struct("LengthMismatch")
                .field("argument", &Quoted(argument))
                .field("expected", &expected)
                .field("actual", &actual)
                .finish(),
            Error::CapacityExceeded { required, capacity } => f
                .debug_struct("CapacityExceeded")
                .field("required", &required)
                .field("capacity", &capacity)
                .finish(),
            Error::BackwardBeforeForward => f.write_str("BackwardBeforeForward"),
            Error::LayerMismatch {
                layer,
                expected,
                actual,
            } => f
                .debug_struct("LayerMismatch")
                .field("layer", &layer)
                .field("expected", &expected)
                .field("actual", &actual)
                .finish(),
            Error::NoDenseLayer => f.write_str("NoDenseLayer"),
            Error::ArenaTooSmall { needed, given } => f
                .debug_struct("ArenaTooSmall")
                .field("needed", &needed)
                .field("given", &given)
                .finish(),
            Error::InvalidHyperparameter { name } => f
                .debug_struct("InvalidHyperparameter")
                .field("name", &Quoted(name))
                .finish(),
            Error::UnsupportedTargets => f.write_str("UnsupportedTargets"),
            Error::LabelOutOfRange {
                row,
                label,
                classes,
            } => f
                .debug_struct("LabelOutOfRange")
                .field("row", &row)
                .field("label", &label)
                .field("classes", &classes)
                .finish(),
            Error::NotARecord => f.write_str("NotARecord"),
            Error::UnsupportedFormat { version, content } => f
                .debug_struct("UnsupportedFormat")
                .field("version", &version)
                .field("content", &content)
                .finish(),
            Error::FingerprintMismatch { expected, found } => f
                .debug_struct("FingerprintMismatch")
                .field("expected", &expected)
                .field("found", &found)
                .finish(),
            Error::ChecksumMismatch { expected, found } => f
                .debug_struct("ChecksumMismatch")
                .field("expected", &expected)
                .field("found", &found)
                .finish(),
            Error::Truncated { needed, given } => f
                .debug_struct("Truncated")
                .field("needed", &needed)
                .field("given", &given)
                .finish(),
            Error::NonFiniteInput { row, column } => f
                .debug_struct("NonFiniteInput")
                .field("row", &row)
                .field("column", &column)
                .finish(),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::Error;
    use std::format;
    use std::string::ToString;

    /// One value of every variant, with the code it must keep forever
    /// (written out here, not taken from `Error::code`).
    const PINNED: [(Error, u8); 17] = [
        (Error::ShapeOverflow { rows: 3, cols: 4 }, 1),
        (Error::EmptyShape { rows: 0, cols: 4 }, 2),
        (
            Error::LengthMismatch {
                argument: "inputs",
                expected: 3,
                actual: 2,
            },
            3,
        ),
        (
            Error::CapacityExceeded {
                required: 20,
                capacity: 16,
            },
            4,
        ),
        (Error::BackwardBeforeForward, 5),
        (
            Error::LayerMismatch {
                layer: 2,
                expected: 16,
                actual: 8,
            },
            6,
        ),
        (Error::NoDenseLayer, 7),
        (
            Error::ArenaTooSmall {
                needed: 100,
                given: 99,
            },
            8,
        ),
        (
            Error::InvalidHyperparameter {
                name: "learning_rate",
            },
            9,
        ),
        (Error::UnsupportedTargets, 10),
        (
            Error::LabelOutOfRange {
                row: 1,
                label: 3,
                classes: 3,
            },
            11,
        ),
        (Error::NotARecord, 12),
        (
            Error::UnsupportedFormat {
                version: 2,
                content: 0,
            },
            13,
        ),
        (
            Error::FingerprintMismatch {
                expected: 7,
                found: 8,
            },
            14,
        ),
        (
            Error::ChecksumMismatch {
                expected: 1,
                found: 4_294_967_295,
            },
            15,
        ),
        (
            Error::Truncated {
                needed: 32,
                given: 16,
            },
            16,
        ),
        (Error::NonFiniteInput { row: 4, column: 1 }, 17),
    ];

    /// Its position in `PINNED`. No wildcard arm: a new variant does not
    /// compile until it is added here and to `PINNED` with the next code.
    fn position(e: &Error) -> usize {
        match e {
            Error::ShapeOverflow { .. } => 0,
            Error::EmptyShape { .. } => 1,
            Error::LengthMismatch { .. } => 2,
            Error::CapacityExceeded { .. } => 3,
            Error::BackwardBeforeForward => 4,
            Error::LayerMismatch { .. } => 5,
            Error::NoDenseLayer => 6,
            Error::ArenaTooSmall { .. } => 7,
            Error::InvalidHyperparameter { .. } => 8,
            Error::UnsupportedTargets => 9,
            Error::LabelOutOfRange { .. } => 10,
            Error::NotARecord => 11,
            Error::UnsupportedFormat { .. } => 12,
            Error::FingerprintMismatch { .. } => 13,
            Error::ChecksumMismatch { .. } => 14,
            Error::Truncated { .. } => 15,
            Error::NonFiniteInput { .. } => 16,
        }
    }

    #[test]
    fn codes_are_pinned_distinct_and_never_zero() {
        for (i, (e, code)) in PINNED.iter().enumerate() {
            assert_eq!(position(e), i, "{e:?} out of place in PINNED");
            assert_eq!(e.code(), *code, "{e:?}");
            assert_ne!(e.code(), 0);
        }
        for (i, (a, _)) in PINNED.iter().enumerate() {
            for (b, _) in &PINNED[i + 1..] {
                assert_ne!(a.code(), b.code(), "{a:?} and {b:?}");
                assert_ne!(a.message(), b.message(), "{a:?} and {b:?}");
            }
        }
        // The fields are not part of the code.
        let other = Error::LengthMismatch {
            argument: "labels",
            expected: 1,
            actual: 0,
        };
        assert_eq!(other.code(), 3);
    }

    #[test]
    fn messages_are_short_single_lines() {
        for (e, _) in PINNED {
            let m = e.message();
            assert!(!m.is_empty() && m.len() <= 48, "{m:?}");
            assert!(m.is_ascii() && !m.contains('\n'), "{m:?}");
        }
    }

    #[test]
    fn display_gives_the_fields() {
        let expected = [
            "shape 3x4 overflows usize",
            "shape 0x4 is empty where at least one element is needed",
            "`inputs` has length 2, but the shape needs 3",
            "20 elements exceed the buffer's capacity of 16",
            "backward called before forward",
            "layer 2 takes 8 inputs, but the layer before gives 16",
            "the model has no dense layer",
            "the arena holds 99 elements, but the model needs 100",
            "`learning_rate` is out of range",
            "the loss does not take targets of this form",
            "label 3 in row 1 is out of range for 3 classes",
            "the bytes are not a parameter record",
            "record format version 2, content 0 is not supported",
            "the record's layer fingerprint is 8, the layers' is 7",
            "the record's CRC-32 is 4294967295, its bytes give 1",
            "16 bytes given, but the record needs 32",
            "the input in row 4, column 1 is NaN or infinite",
        ];
        for ((e, _), text) in PINNED.iter().zip(expected) {
            assert_eq!(e.to_string(), text);
            // The formatter's width and flags do not reach the numbers.
            assert_eq!(format!("{e:>80}"), text);
        }
    }

    #[test]
    fn display_numbers_at_the_edges() {
        for n in [0, 1, 9, 10, 99, 100, 4_294_967_295, usize::MAX] {
            let e = Error::ShapeOverflow { rows: n, cols: n };
            assert_eq!(e.to_string(), format!("shape {n}x{n} overflows usize"));
        }
    }

    /// What `#[derive(Debug)]` gives, to compare the hand-written impl with.
    #[derive(Debug)]
    #[allow(dead_code)] // only read through Debug
    enum Derived {
        ShapeOverflow {
            rows: usize,
            cols: usize,
        },
        EmptyShape {
            rows: usize,
            cols: usize,
        },
        LengthMismatch {
            argument: &'static str,
            expected: usize,
            actual: usize,
        },
        CapacityExceeded {
            required: usize,
            capacity: usize,
        },
        BackwardBeforeForward,
        LayerMismatch {
            layer: usize,
            expected: usize,
            actual: usize,
        },
        NoDenseLayer,
        ArenaTooSmall {
            needed: usize,
            given: usize,
        },
        InvalidHyperparameter {
            name: &'static str,
        },
        UnsupportedTargets,
        LabelOutOfRange {
            row: usize,
            label: usize,
            classes: usize,
        },
        NotARecord,
        UnsupportedFormat {
            version: u16,
            content: u16,
        },
        FingerprintMismatch {
            expected: u32,
            found: u32,
        },
        ChecksumMismatch {
            expected: u32,
            found: u32,
        },
        Truncated {
            needed: usize,
            given: usize,
        },
        NonFiniteInput {
            row: usize,
            column: usize,
        },
    }

    fn derived(e: Error) -> Derived {
        match e {
            Error::ShapeOverflow { rows, cols } => Derived::ShapeOverflow { rows, cols },
            Error::EmptyShape { rows, cols } => Derived::EmptyShape { rows, cols },
            Error::LengthMismatch {
                argument,
                expected,
                actual,
            } => Derived::LengthMismatch {
                argument,
                expected,
                actual,
            },
            Error::CapacityExceeded { required, capacity } => {
                Derived::CapacityExceeded { required, capacity }
            }
            Error::BackwardBeforeForward => Derived::BackwardBeforeForward,
            Error::LayerMismatch {
                layer,
                expected,
                actual,
            } => Derived::LayerMismatch {
                layer,
                expected,
                actual,
            },
            Error::NoDenseLayer => Derived::NoDenseLayer,
            Error::ArenaTooSmall { needed, given } => Derived::ArenaTooSmall { needed, given },
            Error::InvalidHyperparameter { name } => Derived::InvalidHyperparameter { name },
            Error::UnsupportedTargets => Derived::UnsupportedTargets,
            Error::LabelOutOfRange {
                row,
                label,
                classes,
            } => Derived::LabelOutOfRange {
                row,
                label,
                classes,
            },
            Error::NotARecord => Derived::NotARecord,
            Error::UnsupportedFormat { version, content } => {
                Derived::UnsupportedFormat { version, content }
            }
            Error::FingerprintMismatch { expected, found } => {
                Derived::FingerprintMismatch { expected, found }
            }
            Error::ChecksumMismatch { expected, found } => {
                Derived::ChecksumMismatch { expected, found }
            }
            Error::Truncated { needed, given } => Derived::Truncated { needed, given },
            Error::NonFiniteInput { row, column } => Derived::NonFiniteInput { row, column },
        }
    }

    #[test]
    fn debug_is_the_derived_text() {
        for (e, _) in PINNED {
            assert_eq!(format!("{e:?}"), format!("{:?}", derived(e)));
            assert_eq!(format!("{e:#?}"), format!("{:#?}", derived(e)));
        }
    }
}
