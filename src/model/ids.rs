//! Typed indices of one replication: 32 bits each, so that an event that
//! carries one stays small, and a team cannot be passed where a pool is meant.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            #[doc = concat!("The ", $what, " at index `i`.")]
            #[inline]
            pub fn new(i: usize) -> Self {
                Self(u32::try_from(i).expect(concat!("fewer than 2^32 of ", $what, "s")))
            }

            #[doc = concat!("The index of the ", $what, ".")]
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A team of the organization, in the topology's order.
    TeamId,
    "team"
);
id!(
    /// A skill, in the order of the scenario's `[organization]` people.
    SkillId,
    "skill"
);
id!(
    /// A demand stream, in the scenario's order.
    StreamId,
    "stream"
);
id!(
    /// The people of one skill in one team (see `run::work::Pools::id`).
    PoolId,
    "pool"
);
id!(
    /// A slot of the arena of items in flight.
    Slot,
    "slot"
);

impl PoolId {
    /// The pool at index `i` of a replication's pools, which no memory could
    /// make 2^32 long (checked in debug builds only: this is on the hot path).
    #[inline]
    pub(crate) fn of_index(i: usize) -> Self {
        debug_assert!(u32::try_from(i).is_ok(), "a pool index beyond 32 bits");
        Self(i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_comes_back_as_it_went_in() {
        assert_eq!(PoolId::new(7).index(), 7);
        assert_ne!(TeamId::new(1), TeamId::new(2));
    }

    #[test]
    #[should_panic(expected = "fewer than 2^32 of slots")]
    fn an_index_beyond_32_bits_is_refused() {
        Slot::new(1 << 32);
    }
}
