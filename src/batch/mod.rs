//! Files in and out: finding inputs, reading them safely, writing outputs
//! atomically. The engine itself never touches the file system.

pub mod read;
pub mod walk;
pub mod write;

pub use read::{Input, ReadError, ReadOptions, read_input};
pub use walk::{Source, WalkOptions, collect_sources};
pub use write::write_atomic;
