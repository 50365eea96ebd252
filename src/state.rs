//! The one way the buffers track what their cache holds.

/// What a buffer has cached since it was made or last ran forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// Nothing yet.
    Empty,
    /// A forward's output (and whatever its backward reads). A
    /// [`crate::LossBuffer`] has no forward and never is in this state.
    Forwarded,
    /// A backward's gradient too.
    Backwarded,
}
