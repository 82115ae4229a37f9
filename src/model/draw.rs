//! The workload of one replication, drawn so that every topology sees the very
//! same items (common random numbers, docs/model.md, "Randomness"): arrival times, item
//! types, efforts and coupling draws depend only on (seed, replication,
//! stream, item index), never on the topology or on the order of events.

use super::purpose;
use super::spec::{Arrivals, ModelSpec};
use crate::engine::{Dist, ReplicationStreams, SimRng, entity_key, entity_rng, keyed_unit};

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

#[derive(Debug)]
struct StreamSource {
    interarrival: Option<(Dist, SimRng)>,
    attributes: SimRng,
    next_index: u64,
}

/// Draws the items of every stream of one replication, in arrival order.
#[derive(Debug)]
pub struct WorkloadSource<'a> {
    model: &'a ModelSpec,
    streams: Vec<StreamSource>,
    /// `platform_skill[item type][task]`: whether the task's skill is one
    /// the shared platform needs.
    platform_skill: Vec<Vec<bool>>,
}

impl<'a> WorkloadSource<'a> {
    /// The workload of the replication whose streams are `rngs`.
    pub fn new(model: &'a ModelSpec, rngs: &ReplicationStreams) -> Self {
        let streams = model
            .workload
            .streams
            .iter()
            .enumerate()
            .map(|(k, s)| StreamSource {
                interarrival: match &s.arrivals {
                    Arrivals::Open(d) => Some((
                        d.scaled(1.0 / model.workload.load),
                        rngs.stream(purpose::arrivals(k)),
                    )),
                    Arrivals::Closed { .. } => None,
                },
                attributes: rngs.stream(purpose::item_attributes(k)),
                next_index: 0,
            })
            .collect();
        let platform_skill = model
            .workload
            .per_task(|t| model.architecture.platform_skills.contains(&t.skill));
        Self {
            model,
            streams,
            platform_skill,
        }
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
    pub fn next_item(&mut self, k: usize) -> (u64, ItemDraw) {
        let mut tasks = Vec::new();
        let (index, item_type) = self.next_item_each(k, |_, _, draw| tasks.push(draw));
        (index, ItemDraw { item_type, tasks })
    }

    /// Draws the next item of stream `k`, handing each of its tasks, in the
    /// item type's order, to `task` (with the item type and the task's
    /// index); returns the item's index within the stream and its item type.
    ///
    /// Each item has a key (one draw of the stream's generator). Its task
    /// efforts come one after another from the key's sequential generator
    /// (a distribution may consume any number of them); every other draw
    /// (item type, coupling, platform, defect, catch) is read directly at a
    /// fixed counter of its own, and only when the mechanism is on. So the
    /// same item has the same efforts and the same attributes in every
    /// topology and at every parameter value of a sweep.
    #[inline]
    pub fn next_item_each(
        &mut self,
        k: usize,
        task: impl FnMut(usize, usize, TaskDraw),
    ) -> (u64, usize) {
        let source = &mut self.streams[k];
        let index = source.next_index;
        source.next_index += 1;
        let key = entity_key(&mut source.attributes);
        let item_type = self.draw_item(k, key, task);
        (index, item_type)
    }

    #[inline]
    fn draw_item(&self, k: usize, key: u64, mut task: impl FnMut(usize, usize, TaskDraw)) -> usize {
        let model = self.model;
        let stream = &model.workload.streams[k];
        let mut item_type = stream.mix[stream.mix.len() - 1].item_type;
        if stream.mix.len() > 1 {
            let total: f64 = stream.mix.iter().map(|m| m.weight).sum();
            let u = keyed_unit(key, counter::MIX) * total;
            let mut acc = 0.0;
            for m in &stream.mix {
                acc += m.weight;
                if u < acc {
                    item_type = m.item_type;
                    break;
                }
            }
        }
        let others = model.workload.streams.len() - 1;
        let arch = &model.architecture;
        let defects = model.quality.defect_probability > 0.0;
        let mut efforts = entity_rng(key);
        for (t, spec) in model.workload.item_types[item_type]
            .tasks
            .iter()
            .enumerate()
        {
            let draw = |attribute| keyed_unit(key, counter::task(t, attribute));
            let coupled_to = (others > 0
                && arch.coupling > 0.0
                && draw(counter::COUPLED) < arch.coupling)
                .then(|| {
                    let j = ((draw(counter::TARGET) * others as f64) as usize).min(others - 1);
                    if j >= k { j + 1 } else { j }
                });
            let platform = arch.platform > 0.0
                && self.platform_skill[item_type][t]
                && draw(counter::PLATFORM) < arch.platform;
            let (defect_draw, catch_draw) = if defects {
                (draw(counter::DEFECT), draw(counter::CATCH))
            } else {
                (1.0, 1.0)
            };
            task(
                item_type,
                t,
                TaskDraw {
                    effort: spec.effort.sample(&mut efforts),
                    coupled_to,
                    platform,
                    defect_draw,
                    catch_draw,
                },
            );
        }
        item_type
    }
}

/// The counters of an item's random-access draws (see
/// [`keyed_unit`]): far beyond any number of sequential effort draws.
mod counter {
    /// The item type, among the stream's mix.
    pub(super) const MIX: u64 = 1 << 32;
    /// Whether a task must change another stream's component.
    pub(super) const COUPLED: u64 = 0;
    /// Which other stream's component.
    pub(super) const TARGET: u64 = 1;
    /// Whether a task must change the shared platform.
    pub(super) const PLATFORM: u64 = 2;
    /// Whether a task leaves a defect.
    pub(super) const DEFECT: u64 = 3;
    /// Whether a review catches that defect.
    pub(super) const CATCH: u64 = 4;

    /// The counter of `attribute` of task `t`.
    pub(super) fn task(t: usize, attribute: u64) -> u64 {
        MIX + 1 + 8 * t as u64 + attribute
    }
}
