//! What the mechanisms' unit tests share: a scenario from text, its first
//! topology, and a context over a fresh calendar and arena.

use super::arena::{Arena, TaskRef, new_task};
use super::{Cx, Event};
use crate::engine::Calendar;
use crate::model::ids::Slot;
use crate::model::spec::ModelSpec;
use crate::model::topology::{self, Organization};
use crate::scenario;

/// The model of the scenario `text` (its tables after `[simulation]`,
/// which is a run of 100 days with no warm-up), which must be valid. Only
/// these tests read a scenario file: the model itself never does.
pub(crate) fn model(text: &str) -> ModelSpec {
    let text = format!(
        "name = \"test\"\n[simulation]\nwarmup = 0\nhorizon = 100\nreplications = 1\nseed = 1\n{text}"
    );
    scenario::load_str("test.toml", &text, &[])
        .expect("a valid test scenario")
        .model
}

/// The organization of the scenario's first topology.
pub(crate) fn org(sc: &ModelSpec) -> Organization {
    org_at(sc, 0)
}

/// The organization of the scenario's topology `i`.
pub(crate) fn org_at(sc: &ModelSpec, i: usize) -> Organization {
    topology::build(sc, &sc.topologies[i])
}

/// A matrix of a `dev` and a `qa` department (`dev` people of dev, one of
/// qa) for one stream whose items need dev, then qa.
pub(crate) fn dev_qa_matrix(dev: u32) -> Organization {
    org(&model(&format!(
        r#"
[[workload.streams]]
name = "s"
interarrival = {{ dist = "constant", value = 1 }}
item = "job"
[workload.items.job]
tasks = [
  {{ name = "a", skill = "dev", effort = {{ dist = "constant", value = 1 }} }},
  {{ name = "b", skill = "qa", effort = {{ dist = "constant", value = 1 }}, after = ["a"] }},
]
[organization]
people = {{ dev = {dev}, qa = 1 }}
[[topologies]]
name = "matrix"
kind = "matrix"
"#
    )))
}

/// A calendar and an arena for a mechanism under test.
pub(crate) struct Bench {
    pub(crate) cal: Calendar<Event>,
    pub(crate) items: Arena,
}

impl Bench {
    /// An empty calendar at time 0 and an empty arena.
    pub(crate) fn new() -> Self {
        Self {
            cal: Calendar::new(),
            items: Arena::new(4, 4),
        }
    }

    /// The context a mechanism receives.
    pub(crate) fn cx(&mut self) -> Cx<'_> {
        Cx {
            cal: &mut self.cal,
            items: &mut self.items,
        }
    }

    /// A new item of stream 0 at the current time with one task for
    /// `team` needing `skill`, of `effort` person-days (`request`: the team
    /// does not own the stream).
    pub(crate) fn item(
        &mut self,
        team: usize,
        skill: usize,
        effort: f64,
        request: bool,
    ) -> TaskRef {
        let now = self.cal.now();
        let slot: Slot = self.items.new_item(0, now, false);
        let item = self.items.item(slot);
        item.tasks.push(new_task(now, team, skill, effort, request));
        item.remaining = 1;
        TaskRef::new(slot, 0)
    }

    /// Runs the calendar to the next event at or before `until`, returning it.
    pub(crate) fn next(&mut self, until: f64) -> Option<Event> {
        self.cal.pop_until(until)
    }
}
