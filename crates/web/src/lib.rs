//! The browser playground: three nodes running in this tab, a console
//! for each, the topology with its links, and live panels of what the
//! cluster holds (global names, locks, process groups, registered names).
//!
//! One reducer-style store (`store.rs`) owns the session and is changed
//! only through [`store::Action`]s; components take what they show as
//! props and send actions back (DESIGN.md invariant 7).
mod diagram;
mod lesson;
mod numbers;
mod panels;
mod store;
mod topology;
mod ui;

pub use store::{Action, Store};
pub use ui::App;

/// Starts the app in the page's body.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<App>::new().render();
}
