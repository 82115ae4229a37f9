//! Helpers every layer may use and that use no other layer: atomic file
//! writes, the staging and locking of an output folder, timestamps and
//! number formatting.

pub mod atomic;
pub mod fmt;
pub mod lock;
pub mod staging;
pub mod time;
