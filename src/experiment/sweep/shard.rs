//! `--shard K/N`: the K-th of N deterministic, balanced slices of a grid.
//!
//! Point `i` (in grid order, from 0) belongs to shard `(i mod N) + 1`: the
//! shards' sizes differ by at most one, and each shard takes points from the
//! whole grid, so a grid whose cost grows along an axis (rising load) is
//! still shared fairly.

use std::fmt;
use std::str::FromStr;

/// One slice of a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, from 1.
    pub index: usize,
    /// N, at least 1.
    pub count: usize,
}

impl Shard {
    /// Whether point `i` belongs to this shard.
    pub fn contains(&self, point: usize) -> bool {
        point % self.count + 1 == self.index
    }

    /// The shard point `i` belongs to, among `count`.
    pub fn of(point: usize, count: usize) -> Shard {
        Shard {
            index: point % count + 1,
            count,
        }
    }

    /// The folder name of this shard's results: `shard-K-of-N`.
    pub fn folder_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }

    /// The points of a grid of `len` points that belong to this shard.
    pub fn points(&self, len: usize) -> Vec<usize> {
        (self.index - 1..len).step_by(self.count).collect()
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with `1 <= K <= N`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            |why: &str| format!("--shard {s}: {why} (expected K/N with 1 <= K <= N, e.g. 2/8)");
        let (k, n) = s.split_once('/').ok_or_else(|| bad("no `/`"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| bad("K is not a whole number"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| bad("N is not a whole number"))?;
        if n == 0 {
            return Err(bad("N must be at least 1"));
        }
        if k == 0 || k > n {
            return Err(bad(&format!("K must be between 1 and {n}")));
        }
        Ok(Shard { index: k, count: n })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/2", "0/2", "1/0", "2", "a/2", "1/b", "-1/2", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn shards_partition_the_grid_evenly() {
        let n = 3;
        let mut seen = [0; 10];
        for k in 1..=n {
            let s = Shard { index: k, count: n };
            let pts = s.points(10);
            assert!(pts.len() == 3 || pts.len() == 4);
            for p in pts {
                assert!(s.contains(p));
                assert_eq!(Shard::of(p, n), s);
                seen[p] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
        assert!(Shard { index: 5, count: 5 }.points(3).is_empty());
    }
}
