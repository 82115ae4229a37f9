//! The reorganization as a transition (docs/model.md, "The reorganization
//! as a transition"): the organization a transition switches to, when, and
//! which of its people changed team and so relearn at the ramp's pace.

use super::spec::Ramp;
use super::topology::Organization;

/// The switch of a transition, as the simulation sees it.
#[derive(Debug, Clone)]
pub struct Transition {
    /// The organization after the switch (the source is the transition's
    /// own [`Organization`]).
    pub to: Organization,
    /// The day of the switch.
    pub at: f64,
    /// How moved people relearn; `None`: at full efficiency at once.
    pub ramp: Option<Ramp>,
    /// `moved[team][skill]`: the share of the people of `skill` of team
    /// `team` of `to` who changed team at the switch (0 where it has none).
    pub moved: Vec<Vec<f64>>,
}

impl Transition {
    /// The switch from `from` to `to` at day `at`, the people matched per
    /// skill by team name.
    pub fn new(from: &Organization, to: Organization, at: f64, ramp: Option<Ramp>) -> Self {
        let moved = moved_shares(from, &to);
        Self {
            to,
            at,
            ramp,
            moved,
        }
    }

    /// The efficiency of the people of `skill` of team `team` of `to` at
    /// `now` (after the switch): see [`Relearning::efficiency`]; 1 without
    /// a ramp.
    pub fn efficiency(&self, team: usize, skill: usize, now: f64) -> f64 {
        self.relearning()
            .map_or(1.0, |r| r.efficiency(team, skill, now))
    }

    /// People of `to` who changed team at the switch (rounded to whole
    /// people) and all its people.
    pub fn moved_people(&self) -> (u32, u32) {
        let mut moved = 0.0;
        let mut people = 0;
        for (team, shares) in self.to.teams.iter().zip(&self.moved) {
            for (&n, &m) in team.people.iter().zip(shares) {
                moved += f64::from(n) * m;
                people += n;
            }
        }
        (moved.round() as u32, people)
    }

    /// How the people of `to` relearn, if the transition has a ramp.
    pub fn relearning(&self) -> Option<Relearning> {
        self.ramp.map(|ramp| Relearning {
            at: self.at,
            ramp,
            moved: self.moved.clone(),
        })
    }
}

/// How the people of the organization after a switch relearn: what the
/// work of each team and skill needs to know of the transition.
#[derive(Debug, Clone)]
pub struct Relearning {
    /// The day of the switch.
    pub at: f64,
    /// The moved people's efficiency over time.
    pub ramp: Ramp,
    /// See [`Transition::moved`].
    pub moved: Vec<Vec<f64>>,
}

impl Relearning {
    /// The efficiency of the people of `skill` of team `team` at `now`,
    /// as one share of full speed for the whole group (the pools do not
    /// know persons): those who stayed work at 1, the moved share `m` at
    /// the ramp's `e(t)`, so a task started at `now` takes its effort over
    /// `1 - m (1 - e(now - at))` (docs/model.md, "The reorganization as a
    /// transition").
    #[inline]
    pub fn efficiency(&self, team: usize, skill: usize, now: f64) -> f64 {
        let m = self.moved[team][skill];
        1.0 - m * (1.0 - self.ramp.efficiency(now - self.at))
    }
}

/// `moved[team][skill]` of [`Transition::moved`]: a person of `skill` in a
/// team of `to` stayed when `from` has a team of the same name with people
/// of that skill, up to their number; everyone else moved.
pub fn moved_shares(from: &Organization, to: &Organization) -> Vec<Vec<f64>> {
    to.teams
        .iter()
        .map(|team| {
            let before = from.teams.iter().find(|t| t.name == team.name);
            team.people
                .iter()
                .enumerate()
                .map(|(s, &now)| {
                    if now == 0 {
                        return 0.0;
                    }
                    let stayed = before.map_or(0, |b| b.people[s].min(now));
                    f64::from(now - stayed) / f64::from(now)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::Ramp;
    use crate::model::topology::Team;

    fn org(teams: &[(&str, [u32; 2])]) -> Organization {
        let model = crate::model::spec::ModelSpec::station(1.0, 2.0, 1).expect("a station");
        let mut o = crate::model::topology::build(&model, &model.topologies[0]);
        o.teams = teams
            .iter()
            .map(|(name, people)| Team {
                name: (*name).to_owned(),
                people: people.to_vec(),
                owns: vec![],
                leader_attention: 1.0,
                owns_platform: false,
                wip_limit: None,
                cross: vec![],
            })
            .collect();
        o
    }

    #[test]
    fn people_stay_where_a_team_of_the_same_name_has_their_skill() {
        let from = org(&[("eng", [4, 0]), ("qa", [0, 2]), ("tv", [1, 1])]);
        let to = org(&[("tv", [2, 1]), ("eng", [2, 0]), ("web", [2, 1])]);
        let m = moved_shares(&from, &to);
        // tv keeps its one eng of two and its qa; eng keeps 2 of its 4;
        // web is new: everyone moved.
        assert_eq!(m, vec![vec![0.5, 0.0], vec![0.0, 0.0], vec![1.0, 1.0]]);
    }

    #[test]
    fn the_ramp_climbs_linearly_from_start_to_one_and_stays() {
        let ramp = Ramp {
            days: 90.0,
            start: 0.5,
        };
        assert_eq!(ramp.efficiency(0.0), 0.5);
        assert_eq!(ramp.efficiency(45.0), 0.75);
        assert_eq!(ramp.efficiency(90.0), 1.0);
        assert_eq!(ramp.efficiency(400.0), 1.0);
        let from = org(&[("eng", [2, 0])]);
        let to = org(&[("eng", [1, 0]), ("tv", [1, 0])]);
        let t = Transition::new(&from, to, 100.0, Some(ramp));
        // eng's one person stayed; tv's moved, at 0.5 + 0.5 * 30/90.
        assert_eq!(t.efficiency(0, 0, 130.0), 1.0);
        assert!((t.efficiency(1, 0, 130.0) - (0.5 + 0.5 / 3.0)).abs() < 1e-15);
        let flat = Transition::new(&from, t.to.clone(), 100.0, None);
        assert_eq!(flat.efficiency(1, 0, 100.0), 1.0);
    }
}
