//! The workload of one replication, drawn so that every topology sees the very
//! same items (common random numbers, DESIGN.md §5): arrival times, item
//! types, efforts and coupling draws depend only on (seed, replication,
//! stream, item index), never on the topology or on the order of events.

use rand::{Rng, RngExt};

use super::purpose;
use crate::engine::{Dist, ReplicationStreams, SimRng, child};
use crate::scenario::{Arrivals, Scenario};

/// One task of a drawn item.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDraw {
    /// Person-days of work.
    pub effort: f64,
    /// The other stream whose component this task must change, if coupled.
    pub coupled_to: Option<usize>,
    /// Whether the task must change the shared platform component.
    pub platform: bool,
    /// A uniform draw in [0, 1) deciding whether the task leaves a defect.
    pub defect_draw: f64,
    /// A uniform draw in [0, 1) deciding whether a review catches that defect.
    pub catch_draw: f64,
}

/// A drawn item: its type and its tasks (in the item type's order).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDraw {
    /// Index of the item type.
    pub item_type: usize,
    /// The tasks' draws.
    pub tasks: Vec<TaskDraw>,
}

struct StreamSource {
    interarrival: Option<(Dist, SimRng)>,
    attributes: SimRng,
    next_index: u64,
}

/// Draws the items of every stream of one replication, in arrival order.
pub struct WorkloadSource {
    streams: Vec<StreamSource>,
}

impl WorkloadSource {
    /// The workload of the replication whose streams are `rngs`.
    pub fn new(scenario: &Scenario, rngs: &ReplicationStreams) -> Self {
        let streams = scenario
            .workload
            .streams
            .iter()
            .enumerate()
            .map(|(k, s)| StreamSource {
                interarrival: match &s.arrivals {
                    Arrivals::Open(d) => Some((
                        d.scaled(1.0 / scenario.workload.load),
                        rngs.stream(purpose::arrivals(k)),
                    )),
                    Arrivals::Closed { .. } => None,
                },
                attributes: rngs.stream(purpose::item_attributes(k)),
                next_index: 0,
            })
            .collect();
        Self { streams }
    }

    /// Time from one arrival of open stream `k` to the next (`None` for a
    /// closed stream).
    pub fn next_interarrival(&mut self, k: usize) -> Option<f64> {
        self.streams[k]
            .interarrival
            .as_mut()
            .map(|(d, rng)| d.sample(rng))
    }

    /// The next item of stream `k` and its index within the stream.
    pub fn next_item(&mut self, scenario: &Scenario, k: usize) -> (u64, ItemDraw) {
        let source = &mut self.streams[k];
        let index = source.next_index;
        source.next_index += 1;
        // One parent draw per item: the item's own draws stay aligned across
        // parameter values even when a distribution consumes a variable
        // number of numbers (rejection sampling).
        let mut rng = child(&mut source.attributes);
        (index, draw_item(scenario, k, &mut rng))
    }
}

fn draw_item(scenario: &Scenario, k: usize, rng: &mut SimRng) -> ItemDraw {
    let stream = &scenario.workload.streams[k];
    let total: f64 = stream.mix.iter().map(|m| m.weight).sum();
    let u = rng.random::<f64>() * total;
    let mut acc = 0.0;
    let mut item_type = stream.mix[stream.mix.len() - 1].item_type;
    for m in &stream.mix {
        acc += m.weight;
        if u < acc {
            item_type = m.item_type;
            break;
        }
    }
    let others = scenario.workload.streams.len() as u64 - 1;
    let coupling = scenario.architecture.coupling;
    let arch = &scenario.architecture;
    let tasks = scenario.workload.item_types[item_type]
        .tasks
        .iter()
        .map(|t| {
            let effort = t.effort.sample(rng);
            let coupled_draw = rng.random::<f64>();
            let target_draw = rng.next_u64();
            let defect_draw = rng.random::<f64>();
            let catch_draw = rng.random::<f64>();
            let platform_draw = rng.random::<f64>();
            let coupled_to = (others > 0 && coupled_draw < coupling).then(|| {
                let j = (target_draw % others) as usize;
                if j >= k { j + 1 } else { j }
            });
            TaskDraw {
                effort,
                coupled_to,
                platform: platform_draw < arch.platform && arch.platform_skills.contains(&t.skill),
                defect_draw,
                catch_draw,
            }
        })
        .collect();
    ItemDraw { item_type, tasks }
}
