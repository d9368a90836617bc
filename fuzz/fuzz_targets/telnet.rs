//! The telnet decoder on whatever a server sends, cut into reads anywhere, and the encoder's
//! output read back through the decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netkit::net::telnet::{Decoder, Encoder};
use netkit::net::trace::Trace;

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;

/// Feeds `input` in reads of `size` bytes and returns (data, replies).
fn decode(input: &[u8], size: usize) -> (Vec<u8>, Vec<u8>) {
    let mut decoder = Decoder::new(Trace::default());
    let (mut data, mut replies) = (Vec::new(), Vec::new());
    for chunk in input.chunks(size) {
        decoder.feed(chunk, &mut data, &mut replies);
    }
    (data, replies)
}

fn encode(input: &[u8], size: usize) -> Vec<u8> {
    let mut encoder = Encoder::new();
    let mut out = Vec::new();
    for chunk in input.chunks(size) {
        encoder.encode(chunk, &mut out);
    }
    encoder.finish(&mut out);
    out
}

fuzz_target!(|input: &[u8]| {
    // the first byte says where the reads are cut
    let Some((&cut, stream)) = input.split_first() else {
        return;
    };
    let size = usize::from(cut % 16) + 1;

    // where a read ends changes nothing
    let whole = decode(stream, stream.len().max(1));
    let (data, replies) = decode(stream, size);
    assert_eq!(whole, (data.clone(), replies.clone()), "reads of {size}");
    // never more data than was sent; every answer is one refusal or one agreement
    assert!(data.len() <= stream.len());
    assert_eq!(replies.len() % 3, 0);
    for answer in replies.chunks(3) {
        assert_eq!(answer[0], IAC);
        assert!(matches!(answer[1], WONT | DO | DONT), "{answer:?}");
    }

    // what the user types reaches the server as typed, with lines ending in CR LF
    let encoded = encode(stream, size);
    let mut expected = Vec::with_capacity(stream.len() * 2);
    let mut previous = None;
    for &byte in stream {
        if byte == b'\n' && previous != Some(b'\r') {
            expected.push(b'\r');
        }
        expected.push(byte);
        previous = Some(byte);
    }
    assert_eq!(decode(&encoded, size), (expected, Vec::new()));
});
