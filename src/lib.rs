//! The `deboil` command-line tool's library: what the binary adds to the
//! engine ([`deboil`], text in, removals out) — finding, reading and
//! writing files ([`batch`]), the review plan ([`plan`]), the HTML report
//! ([`report`]), what a group of files is ([`group`]) and the files and
//! JSON Lines files learning reads ([`learn`]). The commands themselves
//! (arguments, messages, exit codes) are in the binary, `src/cli/`.

pub mod batch;
pub mod group;
pub mod learn;
pub mod plan;
pub mod report;
