//! Training: the crate's `Model` against the real VanillaNets 1.0.1, and
//! the behaviour and errors of the training API.
//!
//! | module | what it checks |
//! |---|---|
//! | `data` | the reader of `tests/data/parity/training/*.txt` (on the shared parity reader of `tests/support`) |
//! | `parity` | every recorded run: epoch losses, learning rates, path, metric, final parameters, predictions |
//! | `behaviour` | micro-batches, mini-batches and shuffling, inference, export and reload, NaN, early stopping, metrics |
//! | `errors` | every error of the training API, exactly, and that nothing changed, one module per API |
//! | `fixtures` | what `behaviour` and `errors` share: a model's setup on the test's own buffers, fit helpers, bits |

mod data;

mod parity;

mod behaviour;

mod errors;

mod fixtures;
