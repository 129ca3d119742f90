//! Small helpers several store modules share: hashing and secrets, and
//! Vietnam's time. Nothing here knows a table.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A fresh random secret, hex-encoded.
pub(crate) fn secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub(crate) fn sha256(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

/// Vietnam's time (UTC+7, no daylight saving): times are typed and shown in
/// it whatever the server's own zone.
pub use phongdich_domain::clock::vietnam;
