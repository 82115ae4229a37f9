//! The workload of one replication, drawn so that every topology sees the very
//! same items (common random numbers, docs/model.md, "Randomness"): arrival times, item
//! types, efforts and coupling draws depend only on (seed, replication,
//! stream, item index), never on the topology or on the order of events.

use std::cell::RefCell;

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

impl StreamSource {
    /// The source of stream `k` of `model` in the replication whose streams
    /// are `rngs`.
    fn new(model: &ModelSpec, rngs: &ReplicationStreams, k: usize) -> Self {
        let s = &model.workload.streams[k];
        Self {
            interarrival: match &s.arrivals {
                Arrivals::Open(d) => Some((
                    d.scaled(1.0 / model.workload.load),
                    rngs.stream(purpose::arrivals(k)),
                )),
                Arrivals::Closed { .. } => None,
            },
            attributes: rngs.stream(purpose::item_attributes(k)),
            next_index: 0,
        }
    }
}

/// Draws the items of every stream of one replication, in arrival order.
#[derive(Debug)]
pub struct WorkloadSource<'a> {
    model: &'a ModelSpec,
    streams: Vec<StreamSource>,
    /// `platform_skill[item type][task]`: whether the task's skill is one
    /// the shared platform needs.
    platform_skill: Vec<Vec<bool>>,
    /// Where the open streams' draws are read from when they are shared
    /// with the replication's other topologies.
    shared: Option<Reader<'a>>,
}

/// Where an item's efforts come from: drawn from its own generator, or
/// read from the draws a [`SharedWorkload`] made of it (their bits).
enum Efforts<'e> {
    Draw(crate::engine::EntityRng),
    Read(&'e [u64]),
}

impl Efforts<'_> {
    /// The effort of task `t`, of distribution `d`.
    #[inline]
    fn next(&mut self, t: usize, d: &Dist) -> f64 {
        match self {
            Efforts::Draw(rng) => d.sample(rng),
            Efforts::Read(bits) => f64::from_bits(bits[t]),
        }
    }
}

impl<'a> WorkloadSource<'a> {
    /// The workload of the replication whose streams are `rngs`.
    pub fn new(model: &'a ModelSpec, rngs: &ReplicationStreams) -> Self {
        Self::reading(model, rngs, None)
    }

    /// The workload of the replication whose streams are `rngs`, its open
    /// streams' draws read from `shared` if given: the very numbers
    /// [`new`](Self::new) would draw, drawn once for every reader.
    pub fn reading(
        model: &'a ModelSpec,
        rngs: &ReplicationStreams,
        shared: Option<Reader<'a>>,
    ) -> Self {
        let streams = (0..model.workload.streams.len())
            .map(|k| StreamSource::new(model, rngs, k))
            .collect();
        let platform_skill = model
            .workload
            .per_task(|t| model.architecture.platform_skills.contains(&t.skill));
        Self {
            model,
            streams,
            platform_skill,
            shared,
        }
    }

    /// Time from one arrival of open stream `k` to the next (`None` for a
    /// closed stream).
    pub fn next_interarrival(&mut self, k: usize) -> Option<f64> {
        let (d, rng) = self.streams[k].interarrival.as_mut()?;
        Some(match self.shared {
            Some(r) => r.workload.borrow_mut().gap(r.reader, k),
            None => d.sample(rng),
        })
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
        // One call of `draw_item` for both ways, so that `task` stays inlined.
        let mut guard;
        let (key, item_type, mut efforts) = match self.shared {
            Some(r) if source.interarrival.is_some() => {
                guard = r.workload.borrow_mut();
                let (key, item_type, at) = guard.item(self.model, r.reader, k);
                let tasks = self.model.workload.item_types[item_type].tasks.len();
                (key, item_type, Efforts::Read(guard.words(k, at, tasks)))
            }
            _ => {
                let key = entity_key(&mut source.attributes);
                let item_type = item_type(self.model, k, key);
                (key, item_type, Efforts::Draw(entity_rng(key)))
            }
        };
        self.draw_item(k, key, item_type, task, &mut efforts);
        (index, item_type)
    }

    /// The tasks of the item of stream `k` whose key is `key` and whose
    /// type is `item_type`, each handed to `task`, their efforts taken from
    /// `efforts` in the tasks' order.
    #[inline]
    fn draw_item(
        &self,
        k: usize,
        key: u64,
        item_type: usize,
        mut task: impl FnMut(usize, usize, TaskDraw),
        efforts: &mut Efforts<'_>,
    ) {
        let model = self.model;
        let others = model.workload.streams.len() - 1;
        let arch = &model.architecture;
        let defects = model.quality.defect_probability > 0.0;
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
                    effort: efforts.next(t, &spec.effort),
                    coupled_to,
                    platform,
                    defect_draw,
                    catch_draw,
                },
            );
        }
    }
}

/// The item type of the item of stream `k` whose key is `key`, among the
/// stream's mix.
#[inline]
fn item_type(model: &ModelSpec, k: usize, key: u64) -> usize {
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
    item_type
}

/// One reader's place in a [`SharedWorkload`]: the workload and the
/// reader's number (the topology's place in the replication).
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// The shared draws.
    pub workload: &'a RefCell<SharedWorkload>,
    /// This reader's number, below the workload's number of readers.
    pub reader: usize,
}

/// The draws of one replication's open streams (interarrival times, item
/// keys, types and efforts), made once and read by each of the
/// replication's topologies in turn: the common random numbers of
/// docs/model.md, "Randomness", without drawing them again for every
/// topology.
///
/// An open stream's draws are a sequence that every topology reads in the
/// same order (its items arrive at the same instants in every topology),
/// so each reader only keeps its place in it; what every reader has read
/// is dropped by [`trim`](Self::trim). Closed streams, whose items arrive
/// when the topology completes one, are not shared: each reader draws
/// those itself, the same numbers again.
#[derive(Debug)]
pub struct SharedWorkload {
    /// `streams[k]`: the draws of open stream `k` (`None`: closed).
    streams: Vec<Option<SharedStream>>,
    /// `places[reader][k]`: where reader `reader` is in stream `k`'s draws;
    /// `None` once it reads no more.
    places: Vec<Option<Vec<Place>>>,
}

/// The draws made so far of one open stream, from the first one some reader
/// has not read yet.
#[derive(Debug)]
struct SharedStream {
    source: StreamSource,
    /// Each item's key, its type and then its efforts' bits, one after
    /// another; `words[0]` is word number `word_base` of the stream.
    words: Vec<u64>,
    word_base: u64,
    /// The interarrival times; `gaps[0]` is number `gap_base`.
    gaps: Vec<f64>,
    gap_base: u64,
}

/// A reader's next word and next interarrival time in a stream.
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    word: u64,
    gap: u64,
}

impl SharedWorkload {
    /// The open streams' draws of `model` in the replication whose streams
    /// are `rngs`, for `readers` readers, none drawn yet.
    pub fn new(model: &ModelSpec, rngs: &ReplicationStreams, readers: usize) -> Self {
        let streams: Vec<Option<SharedStream>> = (0..model.workload.streams.len())
            .map(|k| {
                let source = StreamSource::new(model, rngs, k);
                source.interarrival.is_some().then(|| SharedStream {
                    source,
                    words: Vec::new(),
                    word_base: 0,
                    gaps: Vec::new(),
                    gap_base: 0,
                })
            })
            .collect();
        let places = vec![Some(vec![Place::default(); streams.len()]); readers];
        Self { streams, places }
    }

    /// Reader `reader`'s next interarrival time of open stream `k`, drawn if
    /// no reader has read it yet.
    #[inline]
    fn gap(&mut self, reader: usize, k: usize) -> f64 {
        let place = &mut self.places[reader]
            .as_mut()
            .expect("a retired reader reads no more")[k];
        let s = self.streams[k]
            .as_mut()
            .expect("only open streams are shared");
        let i = (place.gap - s.gap_base) as usize;
        place.gap += 1;
        if i == s.gaps.len() {
            let (d, rng) = s.source.interarrival.as_mut().expect("an open stream");
            s.gaps.push(d.sample(rng));
        }
        s.gaps[i]
    }

    /// Reader `reader`'s next item of open stream `k`: its key, its item
    /// type and where its efforts are (see [`words`](Self::words)); drawn
    /// if no reader has read it yet.
    #[inline]
    fn item(&mut self, model: &ModelSpec, reader: usize, k: usize) -> (u64, usize, usize) {
        let place = &mut self.places[reader]
            .as_mut()
            .expect("a retired reader reads no more")[k];
        let s = self.streams[k]
            .as_mut()
            .expect("only open streams are shared");
        let i = (place.word - s.word_base) as usize;
        if i == s.words.len() {
            let key = entity_key(&mut s.source.attributes);
            let item_type = item_type(model, k, key);
            s.words.push(key);
            s.words.push(item_type as u64);
            let mut rng = entity_rng(key);
            for spec in &model.workload.item_types[item_type].tasks {
                s.words.push(spec.effort.sample(&mut rng).to_bits());
            }
        }
        let key = s.words[i];
        let item_type = s.words[i + 1] as usize;
        let tasks = model.workload.item_types[item_type].tasks.len();
        place.word += 2 + tasks as u64;
        (key, item_type, i + 2)
    }

    /// The bits of the `tasks` efforts of open stream `k` from word `at` on.
    #[inline]
    fn words(&self, k: usize, at: usize, tasks: usize) -> &[u64] {
        let s = self.streams[k]
            .as_ref()
            .expect("only open streams are shared");
        &s.words[at..at + tasks]
    }

    /// Reader `reader` reads no more (its simulation has ended): what only
    /// it had still to read can go.
    pub fn retire(&mut self, reader: usize) {
        self.places[reader] = None;
    }

    /// Drops the draws every reader still reading has read.
    pub fn trim(&mut self) {
        for (k, stream) in self.streams.iter_mut().enumerate() {
            let Some(s) = stream else { continue };
            let active = self.places.iter().flatten().map(|p| p[k]);
            let (word, gap) = active.fold(
                (
                    s.word_base + s.words.len() as u64,
                    s.gap_base + s.gaps.len() as u64,
                ),
                |(w, g), p| (w.min(p.word), g.min(p.gap)),
            );
            s.words.drain(..(word - s.word_base) as usize);
            s.word_base = word;
            s.gaps.drain(..(gap - s.gap_base) as usize);
            s.gap_base = gap;
        }
    }

    /// The draws kept, in 8-byte words (for bounds on memory).
    pub fn kept_words(&self) -> usize {
        self.streams
            .iter()
            .flatten()
            .map(|s| s.words.len() + s.gaps.len())
            .sum()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngFactory;

    fn prime_video() -> crate::scenario::Scenario {
        let b = crate::scenario::bundled::find("prime-video").unwrap();
        crate::scenario::load_str(b.file_name, b.text, &[]).unwrap()
    }

    /// Items and interarrival times of stream `k`, `n` of each.
    fn read(source: &mut WorkloadSource<'_>, k: usize, n: usize) -> Vec<(u64, ItemDraw, f64)> {
        (0..n)
            .map(|_| {
                let (index, item) = source.next_item(k);
                (index, item, source.next_interarrival(k).unwrap())
            })
            .collect()
    }

    #[test]
    fn shared_draws_are_the_draws_and_are_dropped_once_read_by_all() {
        let sc = prime_video();
        let model = &sc.model;
        let rngs = RngFactory::new(3).replication(1);
        let shared = RefCell::new(SharedWorkload::new(model, &rngs, 2));
        let reader = |reader| {
            Some(Reader {
                workload: &shared,
                reader,
            })
        };
        let mut alone = WorkloadSource::new(model, &rngs);
        let (mut a, mut b) = (
            WorkloadSource::reading(model, &rngs, reader(0)),
            WorkloadSource::reading(model, &rngs, reader(1)),
        );
        let expected = read(&mut alone, 0, 30);
        assert!(expected.iter().any(|(_, d, _)| d.tasks.len() > 1));
        assert_eq!(read(&mut a, 0, 30), expected);
        let kept = shared.borrow().kept_words();
        assert!(kept >= 30 * 3, "30 items and gaps kept: {kept} words");
        assert_eq!(read(&mut b, 0, 30), expected);
        shared.borrow_mut().trim();
        assert_eq!(shared.borrow().kept_words(), 0, "both have read everything");
        // One reader ahead: what the other has yet to read stays, until it
        // retires.
        let ahead = read(&mut a, 0, 5);
        assert_eq!(ahead, read(&mut alone, 0, 5));
        shared.borrow_mut().trim();
        assert!(shared.borrow().kept_words() >= 5 * 3);
        shared.borrow_mut().retire(1);
        shared.borrow_mut().trim();
        assert_eq!(shared.borrow().kept_words(), 0);
        // Another stream is untouched by all this.
        assert_eq!(read(&mut a, 1, 10), read(&mut alone, 1, 10));
    }
}
