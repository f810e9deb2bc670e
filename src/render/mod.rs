//! Renderings of a [`crate::Cleaned`] document: the annotated unified diff,
//! the JSON record, and the HTML report (with the annotated hunks it shares
//! with the review TUI). All read the same removal list.

pub mod annotate;
pub mod diff;
pub mod html;
pub mod json;
