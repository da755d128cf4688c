//! Byte encodings of the index: unsigned LEB128 varints and posting lists
//! (sorted record numbers) in the smallest of three forms.

/// How a posting list is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListKind {
    /// First record number, then each gap less one, as varints.
    Delta = 0,
    /// `varint lo`, then bytes `lo..`: bit `i` (least significant first) of
    /// byte `j` is record `(lo + j) * 8 + i`.
    Bitmap = 1,
    /// The records *not* in the list, as [`ListKind::Delta`].
    Complement = 2,
}

impl ListKind {
    pub fn from_code(code: u8) -> Option<ListKind> {
        match code {
            0 => Some(ListKind::Delta),
            1 => Some(ListKind::Bitmap),
            2 => Some(ListKind::Complement),
            _ => None,
        }
    }
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7F) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*pos`, advancing it; `None` when the bytes end first
/// or the value overflows.
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        if shift > 63 {
            return None;
        }
        v |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

fn delta(ids: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut prev: Option<u32> = None;
    for &id in ids {
        let v = match prev {
            None => id,
            Some(p) => id - p - 1,
        };
        put_varint(&mut out, u64::from(v));
        prev = Some(id);
    }
    out
}

fn bitmap(ids: &[u32]) -> Vec<u8> {
    let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
        return vec![0];
    };
    let lo = first / 8;
    let mut out = Vec::new();
    put_varint(&mut out, u64::from(lo));
    let start = out.len();
    out.resize(start + (last / 8 - lo) as usize + 1, 0);
    for &id in ids {
        out[start + (id / 8 - lo) as usize] |= 1 << (id % 8);
    }
    out
}

/// Encodes a sorted, duplicate-free list of record numbers below `universe`
/// in its smallest form (the lower kind on a tie).
pub fn encode_list(ids: &[u32], universe: u32) -> (ListKind, Vec<u8>) {
    debug_assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let mut best = (ListKind::Delta, delta(ids));
    let b = bitmap(ids);
    if b.len() < best.1.len() {
        best = (ListKind::Bitmap, b);
    }
    // The complement only pays when most records are in the list.
    if ids.len() as u64 * 2 > u64::from(universe) {
        let mut absent = Vec::with_capacity(universe as usize - ids.len());
        let mut it = ids.iter().peekable();
        for id in 0..universe {
            if it.peek() == Some(&&id) {
                it.next();
            } else {
                absent.push(id);
            }
        }
        let c = delta(&absent);
        if c.len() < best.1.len() {
            best = (ListKind::Complement, c);
        }
    }
    best
}

fn decode_delta(bytes: &[u8]) -> Option<Vec<u32>> {
    let mut out: Vec<u32> = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let v = u32::try_from(get_varint(bytes, &mut pos)?).ok()?;
        let id = match out.last() {
            None => v,
            Some(&p) => p.checked_add(v)?.checked_add(1)?,
        };
        out.push(id);
    }
    Some(out)
}

/// Decodes a list stored as `kind`; `None` on malformed bytes.
pub fn decode_list(kind: ListKind, bytes: &[u8], universe: u32) -> Option<Vec<u32>> {
    match kind {
        ListKind::Delta => decode_delta(bytes),
        ListKind::Bitmap => {
            let mut pos = 0;
            let lo = u32::try_from(get_varint(bytes, &mut pos)?).ok()?;
            let mut out = Vec::new();
            for (j, &b) in bytes[pos..].iter().enumerate() {
                for i in 0..8 {
                    if b & (1 << i) != 0 {
                        out.push((lo + j as u32) * 8 + i);
                    }
                }
            }
            Some(out)
        }
        ListKind::Complement => {
            let absent = decode_delta(bytes)?;
            let mut it = absent.iter().peekable();
            let mut out = Vec::new();
            for id in 0..universe {
                if it.peek() == Some(&&id) {
                    it.next();
                } else {
                    out.push(id);
                }
            }
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_reject_truncation() {
        let values = [0u64, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX)];
        let mut bytes = Vec::new();
        for v in values {
            put_varint(&mut bytes, v);
        }
        assert_eq!(bytes[..4], [0, 1, 127, 0x80]);
        let mut pos = 0;
        for v in values {
            assert_eq!(get_varint(&bytes, &mut pos), Some(v));
        }
        assert_eq!(pos, bytes.len());
        let mut pos = 0;
        assert_eq!(get_varint(&[0x80, 0x80], &mut pos), None);
    }

    #[test]
    fn sparse_lists_are_deltas() {
        let ids = [3, 4, 200, 70_000];
        let (kind, bytes) = encode_list(&ids, 100_000);
        assert_eq!(kind, ListKind::Delta);
        // 3, gap 0, gap 195, gap 69799 (3 bytes)
        assert_eq!(bytes.len(), 1 + 1 + 2 + 3);
        assert_eq!(
            decode_list(kind, &bytes, 100_000).as_deref(),
            Some(&ids[..])
        );
    }

    #[test]
    fn middling_lists_are_bitmaps() {
        let ids: Vec<u32> = (0..1000).filter(|i| i % 3 == 0).collect();
        let (kind, bytes) = encode_list(&ids, 1000);
        assert_eq!(kind, ListKind::Bitmap);
        assert_eq!(bytes.len(), 1 + 125);
        assert_eq!(decode_list(kind, &bytes, 1000), Some(ids));
        // A bitmap starts at the byte of its first record.
        let ids: Vec<u32> = (800..900).collect();
        let (kind, bytes) = encode_list(&ids, 1000);
        assert_eq!(kind, ListKind::Bitmap);
        assert_eq!(bytes.len(), 1 + 13);
        assert_eq!(decode_list(kind, &bytes, 1000), Some(ids));
    }

    #[test]
    fn nearly_full_lists_are_complements() {
        let ids: Vec<u32> = (0..1000).filter(|&i| i != 5 && i != 999).collect();
        let (kind, bytes) = encode_list(&ids, 1000);
        assert_eq!(kind, ListKind::Complement);
        assert_eq!(bytes, [5, 0xE1, 0x07]); // 5, then gap 993 = 0x3E1
        assert_eq!(decode_list(kind, &bytes, 1000), Some(ids));
        let all: Vec<u32> = (0..10).collect();
        let (kind, bytes) = encode_list(&all, 10);
        assert_eq!((kind, bytes.len()), (ListKind::Complement, 0));
        assert_eq!(decode_list(kind, &bytes, 10), Some(all));
    }

    #[test]
    fn malformed_lists_are_rejected() {
        assert_eq!(decode_list(ListKind::Delta, &[0x80], 10), None);
        assert_eq!(ListKind::from_code(3), None);
    }
}
