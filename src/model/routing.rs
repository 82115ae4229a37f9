//! Which team does a task (docs/model.md, "Topologies").

use super::topology::Organization;

/// Precomputed routing of one organization.
#[derive(Debug, Clone)]
pub struct Routing {
    /// `owner_with_skill[stream][skill]`: the first team that owns the
    /// stream and has the skill.
    owner_with_skill: Vec<Vec<Option<usize>>>,
    /// `direct[stream][skill]`: where a task goes when neither coupling nor
    /// the platform sends it elsewhere: the owner with the skill, else the
    /// team with the most people of the skill (ties: first declared; so a
    /// skill nobody has, which no validated task needs, goes to the first
    /// team, where it would wait for ever).
    direct: Vec<Vec<usize>>,
    /// `owner[stream]`: the first team that owns the stream, if any.
    owner: Vec<Option<usize>>,
    /// `platform[skill]`: the team owning the platform, if it has the skill.
    platform: Vec<Option<usize>>,
    /// `owners[stream]`: the teams that own the stream, in order (one at
    /// most in a validated topology; a list, not a teams × streams table,
    /// whose size would grow with the square of the organization).
    owners: Vec<Vec<usize>>,
}

impl Routing {
    /// The routing table of `org` for `streams` streams and `skills` skills.
    /// An organization has at least one team (every topology generator and
    /// every custom topology makes one).
    pub fn new(org: &Organization, streams: usize, skills: usize) -> Self {
        let mut owners: Vec<Vec<usize>> = vec![Vec::new(); streams];
        for (i, t) in org.teams.iter().enumerate() {
            for &k in &t.owns {
                if k < streams && !owners[k].contains(&i) {
                    owners[k].push(i);
                }
            }
        }
        let owner_with_skill: Vec<Vec<Option<usize>>> = owners
            .iter()
            .map(|teams| {
                (0..skills)
                    .map(|s| teams.iter().copied().find(|&t| org.teams[t].can_do(s)))
                    .collect()
            })
            .collect();
        let largest: Vec<usize> = (0..skills)
            .map(|s| {
                // The most people of the skill; between equals, the most
                // capacity of people cross-trained in it.
                let cross = |t: &crate::model::Team| {
                    (t.cross.iter().filter(|c| c.to.index() == s))
                        .map(|c| f64::from(c.count) * c.efficiency)
                        .sum::<f64>()
                };
                let mut best = 0;
                for (i, t) in org.teams.iter().enumerate() {
                    let b = &org.teams[best];
                    if t.people[s] > b.people[s]
                        || (t.people[s] == b.people[s] && cross(t) > cross(b))
                    {
                        best = i;
                    }
                }
                best
            })
            .collect();
        let owner = owners.iter().map(|teams| teams.first().copied()).collect();
        let platform_team = org.teams.iter().position(|t| t.owns_platform);
        let platform = (0..skills)
            .map(|s| platform_team.filter(|&t| org.teams[t].can_do(s)))
            .collect();
        let direct = owner_with_skill
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&largest)
                    .map(|(owner, largest)| owner.unwrap_or(*largest))
                    .collect()
            })
            .collect();
        Self {
            owner_with_skill,
            direct,
            owner,
            platform,
            owners,
        }
    }

    /// The team that does a task of `stream` needing `skill`, which may have
    /// to change the shared platform (`platform`) or another stream's
    /// component (`coupled`): the platform's owner team if the task touches
    /// the platform and that team has the skill, else the owner of the
    /// coupled stream if it has the skill, else the owner of the item's own
    /// stream if it has the skill, else the team with the most people of
    /// that skill.
    #[inline]
    pub fn route(
        &self,
        stream: usize,
        skill: usize,
        coupled: Option<usize>,
        platform: bool,
    ) -> usize {
        if platform && let Some(team) = self.platform[skill] {
            return team;
        }
        if let Some(team) = coupled.and_then(|j| self.owner_with_skill[j][skill]) {
            return team;
        }
        self.direct[stream][skill]
    }

    /// The team that owns `stream` (where its items are handed over from).
    pub fn owner(&self, stream: usize) -> Option<usize> {
        self.owner[stream]
    }

    /// Whether `team` owns `stream`: its tasks of that stream are internal.
    pub fn owns(&self, team: usize, stream: usize) -> bool {
        self.owners[stream].contains(&team)
    }
}
