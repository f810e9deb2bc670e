//! Renderings of a [`crate::Cleaned`] document: the annotated unified diff
//! and the JSON record. Both read the same removal list.

pub mod diff;
pub mod json;
