//! Ids of what a model specification names: skills, streams and teams, each
//! the position of its entry (in `ModelSpec::people`, `Workload::streams`,
//! and the team order of `topology::team_names`). The front end resolves the
//! names of a file to ids once; the model never looks a name up.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The id of the entry at `index` (a scenario has far fewer
            /// than 2^32 of them: its file is at most 1 MiB).
            pub const fn new(index: usize) -> Self {
                Self(index as u32)
            }

            /// The position of the entry.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A skill: its position in `ModelSpec::people`.
    SkillId
);
id!(
    /// A stream of demand: its position in `Workload::streams`.
    StreamId
);
id!(
    /// A team of one topology: its position among the topology's teams
    /// (`topology::team_names`, `Organization::teams`).
    TeamId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_position() {
        assert_eq!(SkillId::new(3).index(), 3);
        assert!(StreamId::new(1) < StreamId::new(2));
        assert_ne!(TeamId::new(0), TeamId::new(1));
    }
}
