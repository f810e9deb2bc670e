//! Renderings of a [`crate::Cleaned`] document: the annotated unified diff,
//! the JSON record, and the annotated hunks that the review screen and the
//! HTML report (both in the command-line crate) show. All read the same
//! removal list.

pub mod annotate;
pub mod diff;
pub mod json;
