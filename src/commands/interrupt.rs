//! Ctrl-C, SIGTERM and SIGHUP: the first one asks the running command to
//! stop starting work (what is finished is kept, every file is whole); a
//! second one exits at once.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first interrupt: start no new work.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Whether an interrupt has asked to stop.
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Installs the handler (once per process); `kept` says what an interrupt
/// keeps, for the message printed when it arrives.
pub fn install(kept: &'static str) {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let installed = ctrlc::set_handler(move || {
            if STOP.swap(true, Ordering::SeqCst) {
                note!("\nsecond interrupt: exiting now");
                std::process::exit(130);
            }
            note!("\ninterrupt: stopping; {kept} (interrupt again to exit at once)");
        });
        if let Err(e) = installed {
            note!("warning: cannot catch interrupts ({e}); Ctrl-C stops at once");
        }
    });
}
