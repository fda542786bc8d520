//! The World.
