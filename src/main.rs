//! The `deboil` binary: parse arguments, run, map the outcome to an exit
//! code (0 ok, 1 something found, 2 error). Everything else is in `cli`.

mod cli;

use clap::{CommandFactory, FromArgMatches};
use cli::log;
use std::process::ExitCode;

fn main() -> ExitCode {
    return_large_buffers();
    // Parsed in two steps: the matches also say which flags were given on
    // the command line, which the configuration file must not override.
    let matches = cli::args::Cli::command().get_matches();
    let args = match cli::args::Cli::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    match cli::run(args, &matches) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`deboil diff ... | head`) is not an error.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            match err.downcast_ref::<deboil::Error>() {
                Some(e) if !e.diagnostics().is_empty() => {
                    for d in e.diagnostics() {
                        log::error(d);
                    }
                }
                _ => log::error(format_args!("{err:#}")),
            }
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}

/// Makes glibc give every buffer of 256 KiB or more back to the system when
/// it is freed. By default glibc raises that threshold (up to 32 MiB) each
/// time a big buffer is freed and then keeps such buffers in its heap: a
/// stream of documents then holds on to the largest ones seen (peak RSS
/// streaming 2 GB of JSONL with `-j 2`: 109 MB before, 98 MB after). Set
/// first thing: set after the rules are compiled, the heap they leave
/// behind keeps a 300 MB stream at 107 MB instead of 96. The price is some
/// 5,000 more page faults while compiling (≈20 ms a run) and ≈0.05 s more
/// system time per 24 MB directory run (heap-top trims); a 4 MiB
/// `M_TRIM_THRESHOLD` saves the latter but lifts the 2 GB stream from 96.5
/// to 99 MB. Other allocators return memory on their own.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_buffers() {
    // SAFETY: `mallopt` only sets a malloc parameter; it is called first
    // thing in `main`, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 10);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_buffers() {}
