//! SIGINT (Ctrl-C) and SIGTERM during a batch that writes files: the files
//! being written are finished (each atomically), no new one is started, and
//! the run ends with status 130 saying how to finish the job (run the same
//! command again). A second signal ends the process at once; outputs are
//! still never partial, because each is a temporary file until it is
//! renamed, and the next run removes temporaries left behind.
//!
//! Installed only by the commands that write files (`clean --out`,
//! `apply`, and `clean --jsonl --output`, which removes its unfinished
//! output); elsewhere Ctrl-C keeps its default meaning.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit status of an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Set once SIGINT or SIGTERM arrives.
#[derive(Clone)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Catches SIGINT and SIGTERM from now on.
    pub fn install() -> Interrupt {
        let flag = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Registered first, so it sees the flag as the earlier signal
            // left it: the second signal exits at once.
            let _ = signal_hook::flag::register_conditional_shutdown(
                sig,
                i32::from(EXIT_INTERRUPTED),
                Arc::clone(&flag),
            );
            let _ = signal_hook::flag::register(sig, Arc::clone(&flag));
        }
        Interrupt(flag)
    }

    /// True once a signal arrived: start no more files.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The message of an interrupted run.
pub fn message(not_done: usize) -> String {
    format!(
        "interrupted: {not_done} files not written; every output written is complete; \
         run the same command again to finish"
    )
}
