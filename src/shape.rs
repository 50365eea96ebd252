//! Shape checks shared by every kernel: `rows * cols` without overflow, and
//! slice lengths against it. Nothing here panics.

use crate::Error;

/// `rows * cols`, or [`Error::ShapeOverflow`].
#[inline]
pub(crate) fn elements(rows: usize, cols: usize) -> Result<usize, Error> {
    rows.checked_mul(cols)
        .ok_or(Error::ShapeOverflow { rows, cols })
}

/// `rows * cols` where a row must have at least one column (Softmax, the
/// cross-entropies, the per-row means). A row of zero classes has no meaning,
/// even in an empty batch, so `cols == 0` is [`Error::EmptyShape`] whatever
/// `rows` is; `rows == 0` alone is an empty batch and is allowed.
#[inline]
pub(crate) fn elements_with_classes(rows: usize, cols: usize) -> Result<usize, Error> {
    if cols == 0 {
        return Err(Error::EmptyShape { rows, cols });
    }
    elements(rows, cols)
}

/// `Ok(())` when `slice.len() == expected`, else [`Error::LengthMismatch`]
/// naming `argument`.
#[inline]
pub(crate) fn check_len(
    argument: &'static str,
    expected: usize,
    actual: usize,
) -> Result<(), Error> {
    if expected == actual {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            argument,
            expected,
            actual,
        })
    }
}

/// The rows of a row-major batch with `cols` columns.
///
/// Callers have validated `cols > 0` wherever there are rows; `max(1)` does
/// not change that `cols`, it only makes `chunks_exact`'s `chunk_size != 0`
/// assertion provably dead, so no panic path survives optimisation.
#[inline(always)]
pub(crate) fn batch_rows(values: &[f32], cols: usize) -> core::slice::ChunksExact<'_, f32> {
    values.chunks_exact(cols.max(1))
}

/// [`batch_rows`], mutable.
#[inline(always)]
pub(crate) fn batch_rows_mut(
    values: &mut [f32],
    cols: usize,
) -> core::slice::ChunksExactMut<'_, f32> {
    values.chunks_exact_mut(cols.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(
            elements(usize::MAX, 2),
            Err(Error::ShapeOverflow {
                rows: usize::MAX,
                cols: 2
            })
        );
        assert_eq!(elements(usize::MAX, 1), Ok(usize::MAX));
        assert_eq!(elements(0, usize::MAX), Ok(0));
    }

    #[test]
    fn zero_classes_is_empty() {
        assert_eq!(
            elements_with_classes(0, 0),
            Err(Error::EmptyShape { rows: 0, cols: 0 })
        );
        assert_eq!(elements_with_classes(0, 3), Ok(0));
    }

    #[test]
    fn length_check_names_the_argument() {
        assert_eq!(check_len("x", 3, 3), Ok(()));
        assert_eq!(
            check_len("x", 3, 4),
            Err(Error::LengthMismatch {
                argument: "x",
                expected: 3,
                actual: 4
            })
        );
    }
}
