//! Files in and out: finding inputs, reading them safely, writing outputs
//! atomically and knowing which outputs are up to date. The engine itself
//! never touches the file system (JSON Lines streams are cleaned by
//! [`deboil::jsonl`], from any reader to any writer).

pub mod manifest;
pub mod read;
pub mod walk;
pub mod write;

pub use manifest::{MANIFEST_NAME, Manifest, fingerprint};
pub use read::{BOM, Decoded, EncodingChoice, Input, ReadError, ReadOptions, read_input};
pub use walk::{Source, WalkOptions, collect_sources};
pub use write::{is_temporary, remove_stale_temporaries, same_file, temp_beside, write_atomic};
