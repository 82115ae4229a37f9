//! Reading an event log (docs/model.md, "What the fit assumes"): one row per
//! task execution, or a tracker export of one row per item (`key, project,
//! created, resolved`, the reduced fit). Every problem is reported with its
//! line, all at once; `lenient` skips bad rows instead and counts why.

use std::collections::BTreeMap;
use std::io::Read;

use super::calendar::{Stamp, WorkCalendar, parse_stamp};

/// What a column of the log means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The item (`case:concept:name`; `key` in a tracker export).
    Item,
    /// Its stream (`case:stream`; `project`).
    Stream,
    /// Its item type (`case:type`).
    Type,
    /// When it arrived (`case:created`; `created`).
    Created,
    /// The task (`concept:name`).
    Task,
    /// The team (`org:group`).
    Team,
    /// The skill (`org:role`).
    Skill,
    /// The person (`org:resource`).
    Person,
    /// When the work started (`start_timestamp`).
    Start,
    /// When it ended (`time:timestamp`; `resolved`).
    End,
}

impl Role {
    /// Every role, in the order of the default header.
    pub const ALL: [Role; 10] = [
        Role::Item,
        Role::Stream,
        Role::Type,
        Role::Created,
        Role::Task,
        Role::Team,
        Role::Skill,
        Role::Person,
        Role::Start,
        Role::End,
    ];

    /// The role's name in `--column ROLE=NAME`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Item => "item",
            Role::Stream => "stream",
            Role::Type => "type",
            Role::Created => "created",
            Role::Task => "task",
            Role::Team => "team",
            Role::Skill => "skill",
            Role::Person => "person",
            Role::Start => "start",
            Role::End => "end",
        }
    }

    /// The process-mining column name read by default.
    pub fn default_column(self) -> &'static str {
        match self {
            Role::Item => "case:concept:name",
            Role::Stream => "case:stream",
            Role::Type => "case:type",
            Role::Created => "case:created",
            Role::Task => "concept:name",
            Role::Team => "org:group",
            Role::Skill => "org:role",
            Role::Person => "org:resource",
            Role::Start => "start_timestamp",
            Role::End => "time:timestamp",
        }
    }

    /// The column of a tracker export (Jira) read when the default is absent.
    fn tracker_column(self) -> Option<&'static str> {
        match self {
            Role::Item => Some("key"),
            Role::Stream => Some("project"),
            Role::Created => Some("created"),
            Role::End => Some("resolved"),
            _ => None,
        }
    }

    /// The role named `name`.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// How to read a log.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--column ROLE=NAME`: columns renamed.
    pub columns: Vec<(Role, String)>,
    /// The working calendar for dates and datetimes.
    pub calendar: WorkCalendar,
    /// Skip bad rows (and count them by reason) instead of failing.
    pub lenient: bool,
}

impl ReadOptions {
    /// Reads one `--column ROLE=NAME`.
    pub fn parse_column(text: &str) -> Result<(Role, String), String> {
        let (role, name) = text
            .split_once('=')
            .ok_or_else(|| format!("--column {text:?}: expected ROLE=NAME, e.g. item=Key"))?;
        let role = Role::parse(role.trim()).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
            format!(
                "--column {text:?}: unknown role {role:?}; the roles are {}",
                names.join(", ")
            )
        })?;
        if name.is_empty() {
            return Err(format!("--column {text:?}: the column name is empty"));
        }
        Ok((role, name.to_string()))
    }
}

/// Names interned to small numbers, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Every name, by number.
    pub names: Vec<String>,
    index: BTreeMap<String, u32>,
}

impl Names {
    /// The number of `name`, given one if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The name of number `i`.
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }
}

/// One task execution (or, in a tracker export, one item).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// The line of the file it was read from.
    pub line: u64,
    /// The item.
    pub item: u32,
    /// The task (0 in a tracker export).
    pub task: u32,
    /// The team (0 when the log has none).
    pub team: u32,
    /// The skill (the task's name when the log has none).
    pub skill: u32,
    /// The person, if the log has them.
    pub person: Option<u32>,
    /// When the work started, if the log says.
    pub start: Option<f64>,
    /// When it ended.
    pub end: f64,
}

/// One item of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its stream.
    pub stream: u32,
    /// Its item type.
    pub item_type: u32,
    /// When it arrived (its first start, or its first end, when the log has
    /// no creation time).
    pub created: f64,
    /// Its rows, by index in [`EventLog::rows`], in order of start.
    pub rows: Vec<usize>,
}

impl Item {
    /// When its last task ended.
    pub fn done(&self, log: &EventLog) -> f64 {
        self.rows
            .iter()
            .map(|&r| log.rows[r].end)
            .fold(f64::MIN, f64::max)
    }
}

/// Whether a log has a row per task execution or a row per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// One row per task execution: the full fit.
    Tasks,
    /// One row per item (a tracker export): the reduced fit.
    Items,
}

/// A log read and checked.
#[derive(Debug, Clone)]
pub struct EventLog {
    /// What each row is.
    pub kind: LogKind,
    /// Which optional columns the log has.
    pub has: BTreeMap<Role, String>,
    /// Whether its timestamps were dates (converted by the calendar).
    pub calendar_times: bool,
    /// Items, streams, types, tasks, teams, skills, persons.
    pub items: Names,
    /// See `items`.
    pub streams: Names,
    /// See `items`.
    pub types: Names,
    /// See `items`.
    pub tasks: Names,
    /// See `items`.
    pub teams: Names,
    /// See `items`.
    pub skills: Names,
    /// See `items`.
    pub persons: Names,
    /// The rows kept.
    pub rows: Vec<Row>,
    /// The items, by number.
    pub item_data: Vec<Item>,
    /// Rows skipped (under `lenient`) per reason.
    pub skipped: BTreeMap<String, u64>,
    /// Data rows read.
    pub rows_read: u64,
    /// The time origin subtracted from every timestamp (working days since
    /// 2000-01-03 for a calendar log, 0 for a numeric one).
    pub origin: f64,
}

/// A log that cannot be read: every problem found, each `FILE:LINE: ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogError {
    /// The problems, in line order.
    pub problems: Vec<String>,
}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 50;
        for p in self.problems.iter().take(SHOWN) {
            writeln!(f, "{p}")?;
        }
        if self.problems.len() > SHOWN {
            writeln!(f, "... and {} more problems", self.problems.len() - SHOWN)?;
        }
        write!(
            f,
            "{} problem(s) in the log; fix them, or pass --lenient to skip those rows (and have them counted)",
            self.problems.len()
        )
    }
}

impl std::error::Error for LogError {}

/// What a row said, before the checks that need the whole log.
struct Raw {
    line: u64,
    item: String,
    stream: Option<String>,
    item_type: Option<String>,
    created: Option<Stamp>,
    task: String,
    team: Option<String>,
    skill: Option<String>,
    person: Option<String>,
    start: Option<Stamp>,
    end: Stamp,
}

/// Bookkeeping of problems: errors with lines, or skips by reason.
struct Problems<'a> {
    file: &'a str,
    lenient: bool,
    errors: Vec<(u64, String)>,
    skipped: BTreeMap<String, u64>,
}

impl Problems<'_> {
    fn report(&mut self, line: u64, reason: &str, detail: String) {
        if self.lenient {
            *self.skipped.entry(reason.to_string()).or_default() += 1;
        } else {
            self.errors
                .push((line, format!("{}:{line}: {reason}: {detail}", self.file)));
        }
    }
}

/// Reads the log in `input` (named `file` in messages).
pub fn read(file: &str, input: impl Read, options: &ReadOptions) -> Result<EventLog, LogError> {
    let fail = |m: String| LogError { problems: vec![m] };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| fail(format!("{file}: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let find = |name: &str| header.iter().position(|h| h == name);
    let mut columns: BTreeMap<Role, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (role, name) in &options.columns {
        match find(name) {
            Some(i) => {
                columns.insert(*role, i);
            }
            None => problems.push(format!(
                "{file}:1: --column {}={name}: the header has no column {name:?} (it has {})",
                role.name(),
                header.join(", ")
            )),
        }
    }
    if !problems.is_empty() {
        return Err(LogError { problems });
    }
    for role in Role::ALL {
        if columns.contains_key(&role) {
            continue;
        }
        if let Some(i) = find(role.default_column()) {
            columns.insert(role, i);
        }
    }
    let kind = if columns.contains_key(&Role::Task) {
        LogKind::Tasks
    } else {
        for role in Role::ALL {
            if !columns.contains_key(&role)
                && let Some(i) = role.tracker_column().and_then(find)
            {
                columns.insert(role, i);
            }
        }
        LogKind::Items
    };
    let required: &[Role] = match kind {
        LogKind::Tasks => &[Role::Item, Role::Task, Role::End],
        LogKind::Items => &[Role::Item, Role::Created, Role::End],
    };
    let missing: Vec<&Role> = required
        .iter()
        .filter(|r| !columns.contains_key(r))
        .collect();
    if !missing.is_empty() {
        let what: Vec<String> = missing
            .iter()
            .map(|r| {
                let tracker = r
                    .tracker_column()
                    .map_or(String::new(), |t| format!(" or {t:?}"));
                format!(
                    "{} ({:?}{tracker}, or --column {}=NAME)",
                    r.name(),
                    r.default_column(),
                    r.name()
                )
            })
            .collect();
        return Err(fail(format!(
            "{file}:1: the header ({}) lacks the column(s) {}; a log has one row per task execution (item, task, end at least) or one per item (key, created, resolved)",
            header.join(", "),
            what.join("; ")
        )));
    }
    let mut p = Problems {
        file,
        lenient: options.lenient,
        errors: Vec::new(),
        skipped: BTreeMap::new(),
    };
    let mut raws = Vec::new();
    let mut rows_read = 0;
    let mut record = csv::StringRecord::new();
    let mut numeric = None::<(bool, u64)>;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |pos| pos.line());
                p.report(line, "unreadable row", e.to_string());
                if e.position().is_none() {
                    break;
                }
                continue;
            }
        }
        rows_read += 1;
        let line = record.position().map_or(0, |pos| pos.line());
        let get = |role: Role| {
            columns
                .get(&role)
                .and_then(|&i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let stamp = |role: Role,
                     p: &mut Problems,
                     numeric: &mut Option<(bool, u64)>|
         -> Result<Option<Stamp>, ()> {
            let Some(text) = get(role) else {
                return Ok(None);
            };
            match parse_stamp(text, &options.calendar) {
                Ok(s) => {
                    let is_num = matches!(s, Stamp::Days(_));
                    match *numeric {
                        None => *numeric = Some((is_num, line)),
                        Some((n, first)) if n != is_num => {
                            p.report(
                                line,
                                "mixed time formats",
                                format!(
                                    "{}: {text:?} is {} but line {first} had {}",
                                    role.name(),
                                    if is_num { "a number" } else { "a date" },
                                    if n { "numbers" } else { "dates" }
                                ),
                            );
                            return Err(());
                        }
                        _ => {}
                    }
                    Ok(Some(s))
                }
                Err(e) => {
                    p.report(line, "unparsable time", format!("{}: {e}", role.name()));
                    Err(())
                }
            }
        };
        let Some(item) = get(Role::Item) else {
            p.report(
                line,
                "no item",
                format!("the {} column is empty", Role::Item.name()),
            );
            continue;
        };
        let task = match kind {
            LogKind::Tasks => match get(Role::Task) {
                Some(t) => t.to_string(),
                None => {
                    p.report(line, "no task", "the task column is empty".to_string());
                    continue;
                }
            },
            LogKind::Items => "item".to_string(),
        };
        let (Ok(created), Ok(start), Ok(end)) = (
            stamp(Role::Created, &mut p, &mut numeric),
            stamp(Role::Start, &mut p, &mut numeric),
            stamp(Role::End, &mut p, &mut numeric),
        ) else {
            continue;
        };
        let Some(end) = end else {
            p.report(
                line,
                "no end time",
                "the end column is empty (an unfinished task?)".to_string(),
            );
            continue;
        };
        if kind == LogKind::Items && created.is_none() {
            p.report(
                line,
                "no created time",
                "the created column is empty".to_string(),
            );
            continue;
        }
        raws.push(Raw {
            line,
            item: item.to_string(),
            stream: get(Role::Stream).map(String::from),
            item_type: get(Role::Type).map(String::from),
            created,
            task,
            team: get(Role::Team).map(String::from),
            skill: get(Role::Skill).map(String::from),
            person: get(Role::Person).map(String::from),
            start,
            end,
        });
    }
    let calendar_times = numeric.is_some_and(|(n, _)| !n);
    let value = |s: Stamp| s.working();
    let origin = if calendar_times {
        raws.iter()
            .flat_map(|r| [r.created, r.start, Some(r.end)])
            .flatten()
            .map(value)
            .fold(f64::INFINITY, f64::min)
    } else {
        0.0
    };
    let origin = if origin.is_finite() { origin } else { 0.0 };
    let mut log = EventLog {
        kind,
        has: columns
            .keys()
            .map(|&r| (r, header[columns[&r]].clone()))
            .collect(),
        calendar_times,
        items: Names::default(),
        streams: Names::default(),
        types: Names::default(),
        tasks: Names::default(),
        teams: Names::default(),
        skills: Names::default(),
        persons: Names::default(),
        rows: Vec::new(),
        item_data: Vec::new(),
        skipped: BTreeMap::new(),
        rows_read,
        origin,
    };
    let t = |s: Stamp| value(s) - origin;
    for r in raws {
        let (start, end) = (r.start.map(t), t(r.end));
        let created = r.created.map(t);
        // Order is checked on the clock: two times of one day off are the
        // same working time, but one still comes first.
        let (start_clock, end_clock) = (r.start.map(Stamp::clock), r.end.clock());
        let created_clock = r.created.map(Stamp::clock);
        if let Some(s) = start
            && start_clock.is_some_and(|sc| end_clock < sc)
        {
            p.report(
                r.line,
                "end before start",
                format!("ends at {end} working days, before it starts at {s}"),
            );
            continue;
        }
        if let Some(c) = created
            && created_clock.is_some_and(|cc| cc > start_clock.unwrap_or(end_clock))
        {
            let what = if kind == LogKind::Items {
                "end before created"
            } else {
                "work before the item was created"
            };
            p.report(
                r.line,
                what,
                format!(
                    "created at {c} working days, after the work {} at {}",
                    if start.is_some() { "starts" } else { "ends" },
                    start.unwrap_or(end)
                ),
            );
            continue;
        }
        let stream = log.streams.intern(r.stream.as_deref().unwrap_or("all"));
        let type_name = r
            .item_type
            .unwrap_or_else(|| log.streams.name(stream).to_string());
        let item_type = log.types.intern(&type_name);
        let item = log.items.intern(&r.item);
        let task = log.tasks.intern(&r.task);
        let team = log.teams.intern(r.team.as_deref().unwrap_or("team"));
        let skill = log.skills.intern(r.skill.as_deref().unwrap_or(&r.task));
        let person = r.person.as_deref().map(|x| log.persons.intern(x));
        if item as usize == log.item_data.len() {
            log.item_data.push(Item {
                stream,
                item_type,
                created: created.unwrap_or(f64::INFINITY),
                rows: Vec::new(),
            });
        }
        let data = &mut log.item_data[item as usize];
        if data.stream != stream || data.item_type != item_type {
            p.report(
                r.line,
                "item changes stream or type",
                format!(
                    "item {:?} was of stream {:?}, type {:?} on its first row",
                    r.item,
                    log.streams.name(data.stream),
                    log.types.name(data.item_type)
                ),
            );
            continue;
        }
        if let Some(c) = created
            && data.created.is_finite()
            && !data.rows.is_empty()
            && c != data.created
        {
            p.report(
                r.line,
                "item changes creation time",
                format!(
                    "item {:?} was created at {} on an earlier row, {c} here",
                    r.item, data.created
                ),
            );
            continue;
        }
        if kind == LogKind::Items && !data.rows.is_empty() {
            p.report(
                r.line,
                "duplicate item",
                format!("item {:?} has an earlier row", r.item),
            );
            continue;
        }
        data.created = created.unwrap_or(data.created.min(start.unwrap_or(end)));
        data.rows.push(log.rows.len());
        log.rows.push(Row {
            line: r.line,
            item,
            task,
            team,
            skill,
            person,
            start,
            end,
        });
    }
    check_persons(&mut log, &mut p);
    if !p.errors.is_empty() {
        p.errors.sort_by_key(|e| e.0);
        return Err(LogError {
            problems: p.errors.into_iter().map(|e| e.1).collect(),
        });
    }
    for item in &mut log.item_data {
        item.rows.sort_by(|&a, &b| {
            let (x, y) = (&log.rows[a], &log.rows[b]);
            x.start
                .unwrap_or(x.end)
                .total_cmp(&y.start.unwrap_or(y.end))
                .then(a.cmp(&b))
        });
    }
    log.item_data.retain(|i| !i.rows.is_empty());
    log.skipped = p.skipped;
    Ok(log)
}

/// A person on two tasks at once: the later-starting row is reported
/// (skipped under `lenient`; the item keeps its other rows).
fn check_persons(log: &mut EventLog, p: &mut Problems) {
    let mut by_person: Vec<Vec<usize>> = vec![Vec::new(); log.persons.len()];
    for (i, r) in log.rows.iter().enumerate() {
        if let (Some(person), Some(_)) = (r.person, r.start) {
            by_person[person as usize].push(i);
        }
    }
    let mut dropped = vec![false; log.rows.len()];
    for rows in &mut by_person {
        rows.sort_by(|&a, &b| {
            log.rows[a]
                .start
                .unwrap()
                .total_cmp(&log.rows[b].start.unwrap())
                .then(a.cmp(&b))
        });
        let mut busy_until = f64::MIN;
        let mut busy_line = 0;
        for &i in rows.iter() {
            let r = &log.rows[i];
            let start = r.start.unwrap();
            if start < busy_until {
                p.report(
                    r.line,
                    "a person on two tasks at once",
                    format!(
                        "{:?} starts here at {start} while still on the task of line {busy_line} (until {busy_until})",
                        log.persons.name(r.person.unwrap())
                    ),
                );
                dropped[i] = true;
                continue;
            }
            busy_until = r.end;
            busy_line = r.line;
        }
    }
    if dropped.iter().any(|&d| d) {
        // Renumber the rows kept.
        let mut new_index = vec![usize::MAX; log.rows.len()];
        let mut kept = Vec::with_capacity(log.rows.len());
        for (i, r) in log.rows.iter().enumerate() {
            if !dropped[i] {
                new_index[i] = kept.len();
                kept.push(*r);
            }
        }
        log.rows = kept;
        for item in &mut log.item_data {
            item.rows = item
                .rows
                .iter()
                .map(|&r| new_index[r])
                .filter(|&r| r != usize::MAX)
                .collect();
        }
    }
}
