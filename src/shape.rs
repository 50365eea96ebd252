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

/// The rows of a row-major batch with `cols` columns, front to back; a
/// last partial row is left out (as `chunks_exact` does).
///
/// Callers have validated `cols > 0` wherever there are rows; `max(1)` does
/// not change that `cols`, it only keeps an empty row from repeating. Unlike
/// `chunks_exact`, whose constructor divides by the chunk length and whose
/// `zip` asks for the length of both sides, these iterators only compare
/// and split: no division and no assertion, so no panic path at any
/// opt-level, whether the compiler inlines them or not.
#[inline]
pub(crate) fn batch_rows<T>(values: &[T], cols: usize) -> Rows<'_, T> {
    Rows {
        rest: values,
        cols: cols.max(1),
    }
}

/// [`batch_rows`], mutable.
#[inline]
pub(crate) fn batch_rows_mut<T>(values: &mut [T], cols: usize) -> RowsMut<'_, T> {
    RowsMut {
        rest: values,
        cols: cols.max(1),
    }
}

/// The iterator of [`batch_rows`].
#[derive(Clone, Debug)]
pub(crate) struct Rows<'a, T> {
    rest: &'a [T],
    cols: usize,
}

impl<'a, T> Rows<'a, T> {
    /// The elements after the last whole row returned so far (all of them
    /// once the iterator is done: the partial row).
    #[inline]
    pub(crate) fn remainder(&self) -> &'a [T] {
        self.rest
    }
}

impl<'a, T> Iterator for Rows<'a, T> {
    type Item = &'a [T];

    #[inline]
    fn next(&mut self) -> Option<&'a [T]> {
        let (row, rest) = self.rest.split_at_checked(self.cols)?;
        self.rest = rest;
        Some(row)
    }
}

/// The iterator of [`batch_rows_mut`].
#[derive(Debug)]
pub(crate) struct RowsMut<'a, T> {
    rest: &'a mut [T],
    cols: usize,
}

impl<'a, T> RowsMut<'a, T> {
    /// The elements after the last whole row returned so far.
    #[inline]
    pub(crate) fn into_remainder(self) -> &'a mut [T] {
        self.rest
    }
}

impl<'a, T> Iterator for RowsMut<'a, T> {
    type Item = &'a mut [T];

    #[inline]
    fn next(&mut self) -> Option<&'a mut [T]> {
        if self.rest.len() < self.cols {
            return None;
        }
        let (row, rest) = core::mem::take(&mut self.rest).split_at_mut_checked(self.cols)?;
        self.rest = rest;
        Some(row)
    }
}

/// `to = from` over the shorter of the two (callers pass equal lengths;
/// unlike `copy_from_slice`, no panic path).
#[inline]
pub(crate) fn copy<T: Copy>(from: &[T], to: &mut [T]) {
    for (t, &f) in to.iter_mut().zip(from) {
        *t = f;
    }
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
