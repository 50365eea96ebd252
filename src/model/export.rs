//! Parameters as bytes that know their network: a record for a flash page,
//! a file or a serial line, refused with a typed [`Error`] by any network
//! of another layout, and when a byte is corrupted.
//!
//! # Format (version 1)
//!
//! All integers little-endian; `P` is [`Network::parameter_len`]:
//!
//! | offset | bytes | field |
//! |---:|---:|---|
//! | 0 | 4 | magic, ASCII `VNPR` |
//! | 4 | 2 | format version: 1 |
//! | 6 | 2 | content: 0 = parameters (other values are reserved) |
//! | 8 | 4 | the layer list's [`fingerprint`] |
//! | 12 | 4 | `P`, the number of `f32` that follow |
//! | 16 | `4·P` | the parameters in the flat layout of [`crate::model`], each `f32::to_le_bytes` |
//! | `16 + 4·P` | 4 | CRC-32 of bytes `0 .. 16 + 4·P` |
//!
//! The CRC is the common CRC-32 (IEEE 802.3, reflected polynomial
//! `0xEDB88320`, initial value and final XOR `0xFFFFFFFF`: Python's
//! `zlib.crc32`), so a host can check a record without this crate. It
//! detects every burst of errors up to 32 bits long (so any corrupted byte
//! or word) in a record of any length, and every error of up to three bits
//! in records of up to about 11 KB.
//!
//! The record may be followed by anything (the rest of an erased flash
//! page): the header says where it ends.

use super::Network;
use crate::activations::ActivationKind;
use crate::layers::{validate, Layer};
use crate::shape::{batch_rows, batch_rows_mut, copy};
use crate::Error;

/// The magic bytes that open a record.
pub const MAGIC: [u8; 4] = *b"VNPR";

/// The format version this crate writes and reads.
pub const VERSION: u16 = 1;

/// The content field of a parameter record.
const PARAMETERS: u16 = 0;

/// The bytes before the parameters.
pub const HEADER_LEN: usize = 16;

/// One step of the reflected CRC-32, four bits at a time (a 64-byte table
/// instead of 1 KiB, for flash).
const NIBBLES: [u32; 16] = {
    let mut table = [0_u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 4 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// The CRC-32 register after `byte` (before the final XOR).
#[inline]
const fn crc_byte(crc: u32, byte: u8) -> u32 {
    let crc = crc ^ byte as u32;
    let crc = (crc >> 4) ^ NIBBLES[(crc & 15) as usize];
    (crc >> 4) ^ NIBBLES[(crc & 15) as usize]
}

/// The register after `bytes`.
const fn crc_bytes(mut crc: u32, bytes: &[u8]) -> u32 {
    let mut i = 0;
    while i < bytes.len() {
        crc = crc_byte(crc, bytes[i]);
        i += 1;
    }
    crc
}

/// CRC-32 of `bytes` (IEEE, as `zlib.crc32`).
///
/// ```
/// use vanillanets::model::export::crc32;
///
/// assert_eq!(crc32(b"123456789"), 0xCBF4_3926); // the standard check value
/// assert_eq!(crc32(b""), 0);
/// ```
#[must_use]
pub const fn crc32(bytes: &[u8]) -> u32 {
    !crc_bytes(!0, bytes)
}

/// A 32-bit fingerprint of a layer list's layout: CRC-32 of each layer's
/// kind and sizes (Dense: inputs and outputs as 64-bit numbers, so every
/// target agrees; a built-in activation: its kind, and LeakyReLU's slope
/// bits). Two lists of the same parameter count but other widths, another
/// order or another activation get different fingerprints (barring a
/// 1 in 2³² collision). A [`Layer::Custom`] activation counts only as "a
/// custom activation": which one is not known to the crate.
///
/// Also for the raw `&[f32]` form: export the fingerprint beside the
/// parameters and let the compiler check it.
///
/// ```
/// use vanillanets::activations::ActivationKind::{ReLU, Softmax};
/// use vanillanets::layers::{Dense, Layer};
/// use vanillanets::model::export::fingerprint;
///
/// const A: [Layer; 4] = [Layer::Dense(Dense::new(2, 8)), Layer::Activation(ReLU),
///                        Layer::Dense(Dense::new(8, 3)), Layer::Activation(Softmax)];
/// const B: [Layer; 6] = [Layer::Dense(Dense::new(2, 6)), Layer::Activation(ReLU),
///                        Layer::Dense(Dense::new(6, 3)), Layer::Activation(ReLU),
///                        Layer::Dense(Dense::new(3, 3)), Layer::Activation(Softmax)];
/// // Both have 51 parameters, but not the same layout.
/// assert_ne!(fingerprint(&A), fingerprint(&B));
/// const EXPORTED_FOR: u32 = fingerprint(&A); // written out by the host's export
/// const _: () = assert!(fingerprint(&A) == EXPORTED_FOR); // fails the build on a change
/// ```
#[must_use]
pub const fn fingerprint(layers: &[Layer<'_>]) -> u32 {
    let mut crc = !0;
    let mut i = 0;
    while i < layers.len() {
        match &layers[i] {
            Layer::Dense(d) => {
                crc = crc_byte(crc, b'D');
                crc = crc_bytes(crc, &(d.inputs() as u64).to_le_bytes());
                crc = crc_bytes(crc, &(d.outputs() as u64).to_le_bytes());
            }
            Layer::Activation(kind) => {
                crc = crc_byte(crc, b'A');
                crc = match kind {
                    ActivationKind::Linear => crc_byte(crc, 0),
                    ActivationKind::ReLU => crc_byte(crc, 1),
                    ActivationKind::LeakyReLU { slope } => {
                        crc_bytes(crc_byte(crc, 2), &slope.to_bits().to_le_bytes())
                    }
                    ActivationKind::Sigmoid => crc_byte(crc, 3),
                    ActivationKind::Tanh => crc_byte(crc, 4),
                    ActivationKind::Softmax => crc_byte(crc, 5),
                };
            }
            Layer::Custom(_) => crc = crc_byte(crc, b'C'),
        }
        i += 1;
    }
    !crc
}

/// The bytes of a parameter record of `layers`: `16 + 4·P + 4`
/// (saturating, like the other sizes).
///
/// ```
/// use vanillanets::activations::ActivationKind::Sigmoid;
/// use vanillanets::layers::{Dense, Layer};
/// use vanillanets::model::export::record_len;
///
/// const NET: [Layer; 2] = [Layer::Dense(Dense::new(2, 1)), Layer::Activation(Sigmoid)];
/// let page = [0xFF_u8; record_len(&NET)]; // 16 + 3 · 4 + 4
/// assert_eq!(page.len(), 32);
/// ```
#[must_use]
pub const fn record_len(layers: &[Layer<'_>]) -> usize {
    Network::parameter_len(layers)
        .saturating_mul(4)
        .saturating_add(HEADER_LEN + 4)
}

/// Writes the record of `params` for `layers` into the start of `out` and
/// returns its length ([`record_len`]); the rest of `out` is untouched.
///
/// # Errors
/// The layer list's errors ([`Network::new`]), [`Error::LengthMismatch`]
/// for `params`, [`Error::Truncated`] when `out` is shorter than the record.
/// On error nothing is written.
///
/// ```
/// use vanillanets::activations::ActivationKind::Sigmoid;
/// use vanillanets::layers::{Dense, Layer};
/// use vanillanets::model::export::{read, record_len, write};
///
/// const NET: [Layer; 2] = [Layer::Dense(Dense::new(2, 1)), Layer::Activation(Sigmoid)];
/// let mut page = [0xFF_u8; 64];
/// let n = write(&NET, &[4.0, -4.0, 0.5], &mut page)?;
/// assert_eq!(n, record_len(&NET));
/// let mut params = [0.0_f32; 3];
/// read(&NET, &page, &mut params)?;
/// assert_eq!(params, [4.0, -4.0, 0.5]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub fn write(layers: &[Layer<'_>], params: &[f32], out: &mut [u8]) -> Result<usize, Error> {
    let shape = validate(layers)?;
    crate::shape::check_len("params", shape.parameters, params.len())?;
    let count = u32::try_from(shape.parameters).map_err(|_| Error::ShapeOverflow {
        rows: shape.parameters,
        cols: 4,
    })?;
    let len = record_len(layers);
    let given = out.len();
    let out = out
        .get_mut(..len)
        .ok_or(Error::Truncated { needed: len, given })?;
    let (header, rest) = out.split_at_mut(HEADER_LEN.min(len));
    let mut fields = [0_u8; HEADER_LEN];
    put(&mut fields, 0, &MAGIC);
    put(&mut fields, 4, &VERSION.to_le_bytes());
    put(&mut fields, 6, &PARAMETERS.to_le_bytes());
    put(&mut fields, 8, &fingerprint(layers).to_le_bytes());
    put(&mut fields, 12, &count.to_le_bytes());
    put(header, 0, &fields);
    let mut crc = crc_bytes(!0, &fields);
    let mut words = batch_rows_mut(rest, 4);
    // `params` first: `zip` stops on it without taking the CRC's word.
    for (p, word) in params.iter().zip(&mut words) {
        let bytes = p.to_le_bytes();
        put(word, 0, &bytes);
        crc = crc_bytes(crc, &bytes);
    }
    put(words.into_remainder(), 0, &(!crc).to_le_bytes());
    Ok(len)
}

/// Checks the record at the start of `bytes` against `layers` and copies
/// its parameters into `params` (`P` elements). Everything is checked
/// before `params` is written: magic, version, content, fingerprint,
/// count, length and checksum.
///
/// # Errors
/// The layer list's errors ([`Network::new`]); [`Error::NotARecord`],
/// [`Error::UnsupportedFormat`], [`Error::FingerprintMismatch`] (a record
/// of another layout), [`Error::LengthMismatch`] for the record's count
/// (`"count"`) or for `params`, [`Error::Truncated`] when `bytes` ends
/// before the record does, [`Error::ChecksumMismatch`] (a corrupted byte).
/// On error `params` is untouched.
///
/// ```
/// use vanillanets::activations::ActivationKind::Sigmoid;
/// use vanillanets::layers::{Dense, Layer};
/// use vanillanets::model::export::{read, write};
/// use vanillanets::Error;
///
/// const NET: [Layer; 2] = [Layer::Dense(Dense::new(2, 1)), Layer::Activation(Sigmoid)];
/// let mut page = [0_u8; 32];
/// write(&NET, &[4.0, -4.0, 0.5], &mut page)?;
/// page[20] ^= 1; // one flipped bit in a weight
/// let mut params = [0.0_f32; 3];
/// assert!(matches!(read(&NET, &page, &mut params), Err(Error::ChecksumMismatch { .. })));
/// assert_eq!(params, [0.0; 3]); // untouched
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub fn read(layers: &[Layer<'_>], bytes: &[u8], params: &mut [f32]) -> Result<(), Error> {
    let payload = check(layers, bytes)?;
    crate::shape::check_len("params", payload.len() / 4, params.len())?;
    for (p, bytes) in params.iter_mut().zip(batch_rows(payload, 4)) {
        *p = f32::from_bits(word(bytes, 0));
    }
    Ok(())
}

/// Checks the record at the start of `bytes` against `layers` without
/// copying anything, and returns its parameter bytes (`4·P`).
///
/// # Errors
/// As [`read`], except for `params`.
pub fn check<'b>(layers: &[Layer<'_>], bytes: &'b [u8]) -> Result<&'b [u8], Error> {
    let shape = validate(layers)?;
    let given = bytes.len();
    let truncated = |needed| Error::Truncated { needed, given };
    let header = bytes.get(..HEADER_LEN).ok_or(truncated(HEADER_LEN))?;
    if header.get(..4) != Some(&MAGIC[..]) {
        return Err(Error::NotARecord);
    }
    let version = u16::from_le_bytes([byte(header, 4), byte(header, 5)]);
    let content = u16::from_le_bytes([byte(header, 6), byte(header, 7)]);
    if version != VERSION || content != PARAMETERS {
        return Err(Error::UnsupportedFormat { version, content });
    }
    let found = word(header, 8);
    let expected = fingerprint(layers);
    if found != expected {
        return Err(Error::FingerprintMismatch { expected, found });
    }
    let count = usize::try_from(word(header, 12)).unwrap_or(usize::MAX);
    crate::shape::check_len("count", shape.parameters, count)?;
    let len = record_len(layers);
    let record = bytes.get(..len).ok_or(truncated(len))?;
    let (body, stored) = record
        .split_at_checked(len.saturating_sub(4))
        .ok_or(truncated(len))?;
    let found = word(stored, 0);
    let expected = crc32(body);
    if found != expected {
        return Err(Error::ChecksumMismatch { expected, found });
    }
    Ok(body.get(HEADER_LEN..).unwrap_or(&[]))
}

/// `to[at..] = from` as far as both reach (no panic path).
#[inline]
fn put(to: &mut [u8], at: usize, from: &[u8]) {
    copy(from, to.get_mut(at..).unwrap_or(&mut []));
}

/// `bytes[at]`, or 0 past the end.
#[inline]
fn byte(bytes: &[u8], at: usize) -> u8 {
    bytes.get(at).copied().unwrap_or(0)
}

/// The little-endian `u32` at `at`, 0s past the end.
#[inline]
fn word(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([
        byte(bytes, at),
        byte(bytes, at + 1),
        byte(bytes, at + 2),
        byte(bytes, at + 3),
    ])
}
