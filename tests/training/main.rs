//! Training: the crate's `Model` against the real VanillaNets 1.0.1, and
//! the behaviour and errors of the training API.
//!
//! | module | what it checks |
//! |---|---|
//! | `data` | the reader of `tests/data/parity/training/*.txt` (no dependencies) |
//! | `parity` | every recorded run: epoch losses, learning rates, path, metric, final parameters, predictions |
//! | `behaviour` | micro-batches, mini-batches and shuffling, export and reload, NaN, early stopping |
//! | `errors` | every error of the new API, exactly, and that nothing changed |

mod data;

mod parity;

mod behaviour;

mod errors;
