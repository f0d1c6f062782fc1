//! Test support shared by the end-to-end suites.
pub mod discord;
