//! The parameter record (`model::export`): its bytes against an
//! independent encoder (Python's `struct` and `zlib.crc32`, below), and
//! every way a record can be wrong refused before anything is written.

use proptest::prelude::*;
use vanillanets::activations::ActivationKind::{LeakyReLU, ReLU, Sigmoid, Softmax};
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::model::export::{check, crc32, fingerprint, read, record_len, write};
use vanillanets::model::{Model, Network};
use vanillanets::optimizers::{Optimizer, Sgd};
use vanillanets::Error;

/// 2-1 Sigmoid.
const SMALL: [Layer; 2] = [Layer::Dense(Dense::new(2, 1)), Layer::Activation(Sigmoid)];
/// 2-8-3: 51 parameters.
const WIDE: [Layer; 4] = [
    Layer::Dense(Dense::new(2, 8)),
    Layer::Activation(ReLU),
    Layer::Dense(Dense::new(8, 3)),
    Layer::Activation(Softmax),
];
/// 2-6-3-3: also 51 parameters.
const DEEP: [Layer; 6] = [
    Layer::Dense(Dense::new(2, 6)),
    Layer::Activation(ReLU),
    Layer::Dense(Dense::new(6, 3)),
    Layer::Activation(ReLU),
    Layer::Dense(Dense::new(3, 3)),
    Layer::Activation(Softmax),
];
/// 3-3-2 with LeakyReLU(0.1).
const LEAKY: [Layer; 4] = [
    Layer::Dense(Dense::new(3, 3)),
    Layer::Activation(LeakyReLU { slope: 0.1 }),
    Layer::Dense(Dense::new(3, 2)),
    Layer::Activation(Softmax),
];

/// Python, from the format's description in `model::export`:
///
/// ```python
/// def fp(layers):  # ('D', inputs, outputs) | ('A', kind) | ('A', 2, slope)
///     b = b''
///     for l in layers:
///         if l[0] == 'D': b += b'D' + struct.pack('<QQ', l[1], l[2])
///         else: b += b'A' + bytes([l[1]]) + (struct.pack('<f', l[2]) if l[1] == 2 else b'')
///     return zlib.crc32(b)
/// body = b'VNPR' + struct.pack('<HHII', 1, 0, fp(SMALL), 3) + struct.pack('<3f', 4.0, -4.0, 0.5)
/// record = body + struct.pack('<I', zlib.crc32(body))
/// ```
const SMALL_RECORD: &str = "564e505201000000e60715e40300000000008040000080c00000003f6a432919";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn crc32_check_values() {
    // The catalogue's check value of CRC-32/ISO-HDLC, and zlib.crc32's.
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(
        crc32(b"The quick brown fox jumps over the lazy dog"),
        0x414F_A339
    );
    assert_eq!(crc32(&[]), 0);
}

#[test]
fn fingerprints_match_the_python_encoder() {
    assert_eq!(fingerprint(&SMALL), 0xe415_07e6);
    assert_eq!(fingerprint(&WIDE), 0xc30e_c775);
    assert_eq!(fingerprint(&DEEP), 0xd2e1_11e2);
    assert_eq!(fingerprint(&LEAKY), 0xa5a0_e70c);
    // Another slope, another layout.
    let other = [
        LEAKY[0],
        Layer::Activation(LeakyReLU { slope: 0.2 }),
        LEAKY[2],
        LEAKY[3],
    ];
    assert_ne!(fingerprint(&other), fingerprint(&LEAKY));
}

#[test]
fn record_bytes_match_the_python_encoder() {
    let mut out = [0xAA_u8; 40];
    let n = write(&SMALL, &[4.0, -4.0, 0.5], &mut out).unwrap();
    assert_eq!(n, 32);
    assert_eq!(n, record_len(&SMALL));
    assert_eq!(&out[..n], &hex(SMALL_RECORD)[..]);
    assert_eq!(&out[n..], &[0xAA; 8], "past the record: untouched");
}

#[test]
fn another_layout_of_the_same_size_is_refused() {
    assert_eq!(Network::parameter_len(&WIDE), Network::parameter_len(&DEEP));
    let params: Vec<f32> = (0..51).map(|i| i as f32 * 0.25).collect();
    let mut page = vec![0_u8; record_len(&WIDE)];
    write(&WIDE, &params, &mut page).unwrap();
    let mut into = [9.0_f32; 51];
    assert_eq!(
        read(&DEEP, &page, &mut into),
        Err(Error::FingerprintMismatch {
            expected: 0xd2e1_11e2,
            found: 0xc30e_c775
        })
    );
    assert_eq!(into, [9.0; 51]);
    read(&WIDE, &page, &mut into).unwrap();
    assert_eq!(&into[..], &params[..]);
}

#[test]
fn every_flipped_bit_is_refused_and_nothing_written() {
    let good = hex(SMALL_RECORD);
    for bit in 0..good.len() * 8 {
        let mut bad = good.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let mut into = [7.0_f32; 3];
        let err = read(&SMALL, &bad, &mut into).unwrap_err();
        assert_eq!(into, [7.0; 3], "bit {bit}");
        let expected_kind = match bit / 8 {
            0..=3 => Error::NotARecord.code(),
            4..=7 => 13,  // UnsupportedFormat
            8..=11 => 14, // FingerprintMismatch
            12..=15 => Error::LengthMismatch {
                argument: "",
                expected: 0,
                actual: 0,
            }
            .code(),
            _ => 15, // ChecksumMismatch, in the parameters or the CRC itself
        };
        assert_eq!(err.code(), expected_kind, "bit {bit}: {err:?}");
    }
}

#[test]
fn short_input_and_output_are_refused() {
    let good = hex(SMALL_RECORD);
    for len in 0..good.len() {
        let mut into = [7.0_f32; 3];
        assert_eq!(
            read(&SMALL, &good[..len], &mut into),
            Err(Error::Truncated {
                needed: if len < 16 { 16 } else { 32 },
                given: len
            }),
            "{len} bytes"
        );
        assert_eq!(into, [7.0; 3]);
        let mut out = vec![0x55_u8; len];
        assert_eq!(
            write(&SMALL, &[1.0, 2.0, 3.0], &mut out),
            Err(Error::Truncated {
                needed: 32,
                given: len
            })
        );
        assert!(out.iter().all(|&b| b == 0x55), "{len} bytes: written");
    }
}

#[test]
fn other_errors() {
    let good = hex(SMALL_RECORD);
    let mut into = [7.0_f32; 4];
    assert_eq!(
        read(&SMALL, &good, &mut into),
        Err(Error::LengthMismatch {
            argument: "params",
            expected: 3,
            actual: 4
        })
    );
    assert_eq!(into, [7.0; 4]);
    let mut erased = [0xFF_u8; 64];
    assert_eq!(check(&SMALL, &erased), Err(Error::NotARecord));
    assert_eq!(
        write(&SMALL, &[1.0, 2.0], &mut erased),
        Err(Error::LengthMismatch {
            argument: "params",
            expected: 3,
            actual: 2
        })
    );
    assert_eq!(erased, [0xFF; 64]);
    assert_eq!(check(&[], &good), Err(Error::NoDenseLayer));
    // A record followed by an erased page reads.
    erased[..32].copy_from_slice(&good);
    let mut into = [0.0_f32; 3];
    read(&SMALL, &erased, &mut into).unwrap();
    assert_eq!(into, [4.0, -4.0, 0.5]);
}

#[test]
fn model_exports_and_loads_its_parameters() {
    const SGD: Optimizer = Optimizer::Sgd(Sgd::DEFAULT);
    let mut params: Vec<f32> = (0..51).map(|i| (i as f32 - 25.0) / 8.0).collect();
    let mut memory = vec![0.0_f32; Model::training_len(&WIDE, &SGD, 2)];
    let loss = LossKind::SparseCategoricalCrossEntropy;
    let model = Model::new(&WIDE, loss, SGD, 2, &mut params, &mut memory).unwrap();
    let mut page = vec![0_u8; record_len(&WIDE) + 10];
    assert_eq!(model.export_parameters(&mut page), Ok(record_len(&WIDE)));

    let mut other = vec![0.0_f32; 51];
    let mut memory = vec![0.0_f32; Model::training_len(&DEEP, &SGD, 2)];
    let mut deep = Model::new(&DEEP, loss, SGD, 2, &mut other, &mut memory).unwrap();
    assert!(matches!(
        deep.load_parameters(&page),
        Err(Error::FingerprintMismatch { .. })
    ));
    assert!(deep.parameters().iter().all(|&p| p == 0.0));

    let mut copy = vec![0.0_f32; 51];
    let mut memory = vec![0.0_f32; Model::training_len(&WIDE, &SGD, 2)];
    let mut wide = Model::new(&WIDE, loss, SGD, 2, &mut copy, &mut memory).unwrap();
    wide.load_parameters(&page).unwrap();
    let expected: Vec<f32> = (0..51).map(|i| (i as f32 - 25.0) / 8.0).collect();
    assert_eq!(wide.parameters(), &expected[..]);
}

proptest! {
    /// Any bits round-trip exactly, NaN payloads and signed zeros included.
    #[test]
    fn any_bits_round_trip(bits in proptest::collection::vec(any::<u32>(), 51)) {
        let params: Vec<f32> = bits.iter().map(|&b| f32::from_bits(b)).collect();
        let mut page = vec![0_u8; record_len(&DEEP)];
        write(&DEEP, &params, &mut page).unwrap();
        prop_assert_eq!(u32::from_le_bytes(page[page.len() - 4..].try_into().unwrap()),
                        crc32(&page[..page.len() - 4]));
        let mut back = vec![0.0_f32; 51];
        read(&DEEP, &page, &mut back).unwrap();
        let back: Vec<u32> = back.iter().map(|p| p.to_bits()).collect();
        prop_assert_eq!(back, bits);
    }
}

#[test]
fn network_from_a_flash_page() {
    let mut page = [0xFF_u8; 256];
    let params: Vec<f32> = (0..51).map(|i| (i as f32 - 25.0) / 16.0).collect();
    write(&WIDE, &params, &mut page).unwrap();
    let mut ram = [3.0_f32; 51];
    assert!(matches!(
        Network::from_record(&DEEP, &page, &mut ram),
        Err(Error::FingerprintMismatch { .. })
    ));
    assert_eq!(ram, [3.0; 51]);
    let net = Network::from_record(&WIDE, &page, &mut ram).unwrap();
    let direct = Network::new(&WIDE, &params).unwrap();
    let (mut s1, mut s2) = ([0.0_f32; 16], [0.0_f32; 16]);
    let (mut a, mut b) = ([0.0_f32; 3], [0.0_f32; 3]);
    net.predict(&[0.3, -0.7], 1, &mut s1, &mut a).unwrap();
    direct.predict(&[0.3, -0.7], 1, &mut s2, &mut b).unwrap();
    assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits));
}
