//! The categories an item's lead time is split into along its critical path
//! (docs/model.md, "Metrics").

/// Where a stretch of an item's lead time went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// A person working on the task.
    Work,
    /// Waiting in a team's backlog for a free person of the right skill.
    Queue,
    /// Being handed over between people or teams.
    Handoff,
    /// Waiting for the receiving team's next planning boundary.
    Cadence,
    /// Waiting for, and getting, a team leader's decision.
    Decision,
    /// Waiting for, and getting, the executive's decision.
    Escalation,
    /// Paused while its person was pulled to a temporary project.
    Interrupted,
    /// Redoing work to fix a defect caught in review.
    Rework,
    /// Waiting for, and getting, a bar raiser's review.
    Review,
    /// Held back by a WIP limit: in its stream's backlog before the item is
    /// started, or before a team's intake while the team is at its limit.
    Blocked,
}

impl Category {
    /// The number of categories.
    pub const COUNT: usize = 10;

    /// Every category, in the order of the output files.
    pub const ALL: [Category; Category::COUNT] = [
        Category::Work,
        Category::Queue,
        Category::Handoff,
        Category::Cadence,
        Category::Decision,
        Category::Escalation,
        Category::Interrupted,
        Category::Rework,
        Category::Review,
        Category::Blocked,
    ];

    /// Whether it is the last variant. An exhaustive match, so that a new
    /// category must say where it stands, and `COUNT` and `ALL` follow.
    const fn is_last(self) -> bool {
        match self {
            Category::Blocked => true,
            Category::Work
            | Category::Queue
            | Category::Handoff
            | Category::Cadence
            | Category::Decision
            | Category::Escalation
            | Category::Interrupted
            | Category::Rework
            | Category::Review => false,
        }
    }

    /// The category's name in output files (`work`, `queue`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Category::Work => "work",
            Category::Queue => "queue",
            Category::Handoff => "handoff",
            Category::Cadence => "cadence",
            Category::Decision => "decision",
            Category::Escalation => "escalation",
            Category::Interrupted => "interrupted",
            Category::Rework => "rework",
            Category::Review => "review",
            Category::Blocked => "blocked",
        }
    }

    /// How the report names the category (its legend entry and table row).
    pub const fn label(self) -> &'static str {
        self.name()
    }

    /// Whether the category is part of the coordination delay
    /// (handoff + cadence + decision + escalation).
    pub fn is_coordination(self) -> bool {
        matches!(
            self,
            Category::Handoff | Category::Cadence | Category::Decision | Category::Escalation
        )
    }
}

// `ALL` holds every category once, at the index of its discriminant (which
// `Breakdown` indexes by); a category missing from `ALL` fails to compile.
const _: () = {
    let mut i = 0;
    while i < Category::COUNT {
        assert!(Category::ALL[i] as usize == i);
        i += 1;
    }
    assert!(Category::ALL[Category::COUNT - 1].is_last());
};

/// Time per category, in days.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Breakdown(pub [f64; Category::COUNT]);

impl Breakdown {
    /// Time spent in `c`.
    pub fn get(&self, c: Category) -> f64 {
        self.0[c as usize]
    }

    /// Adds `days` to `c`.
    pub fn add(&mut self, c: Category, days: f64) {
        self.0[c as usize] += days;
    }

    /// Adds every category of `other`.
    pub fn add_all(&mut self, other: &Breakdown) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// Sum over all categories.
    pub fn total(&self) -> f64 {
        self.0.iter().sum()
    }

    /// Sum of the coordination categories.
    pub fn coordination(&self) -> f64 {
        Category::ALL
            .iter()
            .filter(|c| c.is_coordination())
            .map(|&c| self.get(c))
            .sum()
    }
}
