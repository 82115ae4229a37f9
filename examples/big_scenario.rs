//! Writes a generated big-organization scenario (docs/performance.md, "Big
//! organizations") to standard output, for `orgsim run` or `check`:
//!
//! ```text
//! cargo run --release --example big_scenario -- streams 1000 [ITEMS] > /tmp/s1000.toml
//! cargo run --release --example big_scenario -- swarming 10000 [ITEMS] > /tmp/w10000.toml
//! ```
//!
//! ITEMS (default 300,000) sets the horizon so that about that many items
//! arrive; the expected number is printed to standard error.

#[path = "../benches/support/big.rs"]
mod big;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: big_scenario streams|swarming N [ITEMS]";
    let (Some(kind), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let items: f64 = args
        .get(2)
        .and_then(|i| i.parse().ok())
        .unwrap_or(300_000.0);
    let warmup = 20.0;
    let (rate, text) = match kind.as_str() {
        "streams" => {
            let rate = big::STREAM_RATE * n as f64;
            let horizon = big::horizon_for(items, rate, warmup);
            (rate, big::streams(n, warmup, horizon))
        }
        "swarming" => {
            let rate = big::swarming_rate(n);
            let horizon = big::horizon_for(items, rate, warmup);
            (rate, big::swarming(n, warmup, horizon))
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let horizon: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("horizon = "))
        .and_then(|h| h.parse().ok())
        .unwrap_or(0.0);
    eprintln!(
        "expected items: {:.0}",
        big::expected_items(rate, warmup, horizon)
    );
    print!("{text}");
}
