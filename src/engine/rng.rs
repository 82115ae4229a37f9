//! Random-number streams, built in exactly one place.
//!
//! Every stream is a `Xoshiro256PlusPlus` generator whose output is fixed by
//! its algorithm, so a seed gives the same numbers on every platform and with
//! every version of `rand`. A stream is named by `(seed, replication,
//! purpose)`: the master generator is seeded from `seed` (SplitMix64 expansion,
//! as `SeedableRng::seed_from_u64` documents), then jumped ahead by
//! `replication · 2^192 + purpose · 2^128` steps. Distinct names therefore
//! start at least 2^128 draws apart on the generator's single cycle: the
//! streams provably never overlap, whatever the thread count or run order.

use std::sync::Mutex;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every random draw in a simulation.
pub type SimRng = Xoshiro256PlusPlus;

/// Up to this many replications, `replication` long jumps (2^192 draws, about
/// 4,000 instructions each) reach a replication's root faster than one
/// general jump, whose 256 polynomial squarings cost about 800,000 (the
/// whole of a short run's set-up otherwise). Both land on the same state.
const LONG_JUMPS_CHEAPER: u64 = 128;

/// Builds the independent, reproducible random streams of one experiment.
#[derive(Debug, Clone)]
pub struct RngFactory {
    master: Xoshiro256PlusPlus,
}

impl RngFactory {
    /// A factory for the experiment whose master seed is `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            master: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// The root of one replication's streams: `replication · 2^192` draws
    /// ahead of the master. Build it once per replication; its streams are
    /// then cheap to make.
    pub fn replication(&self, replication: u64) -> ReplicationStreams {
        ReplicationStreams::new(self.root(replication))
    }

    /// The generator state `replication · 2^192` draws ahead of the master.
    fn root(&self, replication: u64) -> SimRng {
        let mut root = self.master.clone();
        if replication <= LONG_JUMPS_CHEAPER {
            for _ in 0..replication {
                root.long_jump();
            }
        } else {
            // Little-endian 256-bit jump distance: replication · 2^192.
            root.jump_n(&[0, 0, 0, replication]);
        }
        root
    }

    /// The roots of `count` consecutive replications from `first` on: the same
    /// as calling [`replication`](Self::replication) for each, but one long
    /// jump (2^192 draws) per replication instead of a general jump each.
    pub fn replications(&self, first: u64, count: usize) -> Vec<ReplicationStreams> {
        let mut out = Vec::with_capacity(count);
        let mut root = self.root(first);
        for _ in 0..count {
            out.push(ReplicationStreams::new(root.clone()));
            root.long_jump();
        }
        out
    }

    /// The stream for one `purpose` in one `replication`.
    pub fn stream(&self, replication: u64, purpose: u64) -> SimRng {
        self.replication(replication).stream(purpose)
    }
}

/// The streams of one replication, each named by a small purpose number.
///
/// Every topology of a replication asks for the same streams, and each
/// costs `purpose` jumps (about 4,000 instructions each) to reach: the
/// start of each stream is kept once reached, so a replication jumps at most
/// as many times as its largest purpose, whatever the number of topologies.
#[derive(Debug)]
pub struct ReplicationStreams {
    /// `starts[p]`: the start of stream `p`, for the purposes reached so far
    /// (`starts[0]` is the replication's root).
    starts: Mutex<Vec<SimRng>>,
}

impl Clone for ReplicationStreams {
    fn clone(&self) -> Self {
        Self {
            starts: Mutex::new(self.reached().clone()),
        }
    }
}

impl ReplicationStreams {
    fn new(root: SimRng) -> Self {
        Self {
            starts: Mutex::new(vec![root]),
        }
    }

    /// The starts reached so far (a panic elsewhere cannot leave them
    /// inconsistent: each is pushed whole).
    fn reached(&self) -> std::sync::MutexGuard<'_, Vec<SimRng>> {
        self.starts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The stream for `purpose`: `purpose · 2^128` draws ahead of the
    /// replication's root. Purposes are small numbers (one jump each).
    pub fn stream(&self, purpose: u64) -> SimRng {
        let purpose = usize::try_from(purpose).expect("purposes are small numbers");
        let mut starts = self.reached();
        while starts.len() <= purpose {
            let mut next = starts[starts.len() - 1].clone();
            next.jump();
            starts.push(next);
        }
        starts[purpose].clone()
    }
}

/// The generator of one entity (such as one work item): SplitMix64, whose
/// state is a single number, so that making one per entity costs one draw of
/// its parent and nothing else.
pub type EntityRng = rand_xoshiro::SplitMix64;

/// The golden-ratio increment of SplitMix64's state.
const SPLITMIX_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The key of a new entity: one draw of `parent`. Its draws are then the
/// same however many numbers each of them consumes: sequential ones from
/// [`entity_rng`], random-access ones from [`keyed_unit`].
#[inline]
pub fn entity_key(parent: &mut SimRng) -> u64 {
    use rand::Rng;
    parent.next_u64()
}

/// The sequential generator of the entity whose key is `key`.
#[inline]
pub fn entity_rng(key: u64) -> EntityRng {
    EntityRng::seed_from_u64(key)
}

/// Draw number `counter` of the entity whose key is `key`, as a uniform
/// number in [0, 1): output `counter` of the SplitMix64 sequence
/// [`entity_rng`] gives, computed directly, so that a draw that is not needed
/// costs nothing and skipping it moves no other. Callers use counters from
/// 2^32 on, which the sequential draws never reach.
#[inline]
pub fn keyed_unit(key: u64, counter: u64) -> f64 {
    let mut z = key.wrapping_add(counter.wrapping_add(1).wrapping_mul(SPLITMIX_GAMMA));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    // The top 53 bits as a multiple of 2^-53, as rand's `StandardUniform` does.
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_name_same_numbers_different_name_different_numbers() {
        let f = RngFactory::new(7);
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(f.stream(3, 5), |r, _: u64| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(f.stream(3, 5), |r, _: u64| Some(r.next_u64()))
            .collect();
        let c: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(f.stream(3, 6), |r, _: u64| Some(r.next_u64()))
            .collect();
        let d: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(f.stream(4, 5), |r, _: u64| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn a_root_reached_by_long_jumps_is_the_one_a_general_jump_reaches() {
        let f = RngFactory::new(11);
        for r in [0, 1, 2, 7, LONG_JUMPS_CHEAPER, LONG_JUMPS_CHEAPER + 1, 1000] {
            let mut direct = f.master.clone();
            direct.jump_n(&[0, 0, 0, r]);
            let mut ours = f.root(r);
            for _ in 0..4 {
                assert_eq!(ours.next_u64(), direct.next_u64(), "replication {r}");
            }
        }
    }

    #[test]
    fn purpose_jumps_equal_one_long_jump_n() {
        let f = RngFactory::new(5);
        let mut direct = f.master.clone();
        direct.jump_n(&[0, 0, 3, 2]);
        let mut ours = f.stream(2, 3);
        for _ in 0..8 {
            assert_eq!(ours.next_u64(), direct.next_u64());
        }
    }

    #[test]
    fn consecutive_replications_equal_individual_ones() {
        let f = RngFactory::new(9);
        for (i, r) in f.replications(3, 4).iter().enumerate() {
            let mut a = r.stream(2);
            let mut b = f.stream(3 + i as u64, 2);
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    /// A stream's start is kept once reached: asking in any order, or from a
    /// clone, gives the very streams a fresh replication gives.
    #[test]
    fn kept_starts_do_not_change_the_streams() {
        let f = RngFactory::new(13);
        let shared = f.replication(2);
        let first: Vec<u64> = [5, 2, 7, 0, 5].map(|p| shared.stream(p).next_u64()).into();
        let copy = shared.clone();
        for (i, p) in [5u64, 2, 7, 0, 5].into_iter().enumerate() {
            let fresh = f.replication(2).stream(p).next_u64();
            assert_eq!(first[i], fresh, "purpose {p}");
            assert_eq!(copy.stream(p).next_u64(), fresh, "purpose {p}, clone");
        }
        assert_ne!(first[0], first[1]);
    }

    #[test]
    fn keyed_units_are_the_entity_sequence_read_at_random() {
        use rand::RngExt;
        let key = 0x1234_5678_9abc_def0;
        let mut sequential = entity_rng(key);
        for counter in 0..16 {
            let u: f64 = sequential.random();
            assert_eq!(keyed_unit(key, counter), u, "draw {counter}");
        }
    }

    #[test]
    fn jump_matches_the_library_jumps() {
        let f = RngFactory::new(11);
        let mut by_hand = Xoshiro256PlusPlus::seed_from_u64(11);
        by_hand.long_jump();
        by_hand.long_jump();
        by_hand.jump();
        let mut ours = f.stream(2, 1);
        for _ in 0..8 {
            assert_eq!(ours.next_u64(), by_hand.next_u64());
        }
    }
}
