//! Micro-batches, mini-batches and shuffling: each gives the bits of the
//! equivalent run without it.

use vanillanets::layers::Layer;
use vanillanets::losses::LossKind;
use vanillanets::metrics::Targets;
use vanillanets::model::{FitOptions, Shuffle};
use vanillanets::optimizers::Optimizer;

use super::{
    adam, classes_of, classification, params_for, sgd_momentum, train, values, CCE, CLASSIFIER,
    MSE, REGRESSOR,
};
use crate::fixtures::{batches, bits, fit_losses, setup};

/// Full batch in one micro-batch, or in micro-batches of 1, 3, 5, 7, 11
/// (some partial): the gradients add up to the same bits, so every
/// parameter, prediction and learning rate is the same bits, and the epoch
/// loss too: the per-sample losses of all the micro-batches go through one
/// pairwise tree over the epoch's rows.
#[test]
fn micro_batches_accumulate_to_the_full_batch() {
    let rows = 12;
    let x = values(rows * 3, 1, 1.5);
    let classes = classes_of(&x, rows);
    let y = values(rows * 2, 2, 1.0);
    let runs: [(&'static [Layer<'static>], LossKind, Optimizer, Targets<'_>); 3] = [
        (&CLASSIFIER, CCE, adam(), Targets::Classes(&classes)),
        (&REGRESSOR, MSE, sgd_momentum(), Targets::Values(&y)),
        (&REGRESSOR, MSE, adam(), Targets::Values(&y)),
    ];
    for (layers, loss, optimizer, targets) in runs {
        let p0 = params_for(layers, 3);
        let run = |micro| {
            let s = setup(layers, loss, optimizer, micro);
            train(s, &p0, &x, targets, rows, FitOptions::epochs(25))
        };
        let full = run(rows);
        assert_eq!(full.steps, 25);
        for micro in [1, 3, 5, 7, 11] {
            let part = run(micro);
            assert_eq!(
                bits(&part.params),
                bits(&full.params),
                "{loss:?} micro {micro}"
            );
            assert_eq!(
                bits(&part.predictions),
                bits(&full.predictions),
                "{loss:?} micro {micro}"
            );
            assert_eq!(part.learning_rates, full.learning_rates);
            assert_eq!(part.steps, full.steps);
            assert_eq!(
                bits(&part.losses),
                bits(&full.losses),
                "{loss:?} micro {micro}: epoch losses"
            );
        }
    }
}

/// 10 samples in batches of 4: three steps per epoch, the last on the two
/// samples left, with its gradient their mean (the same bits as a
/// full-batch fit on those two samples alone, continuing the same
/// optimizer state).
#[test]
fn mini_batches_use_the_last_partial_batch() {
    let rows = 10;
    let (x, classes, p0) = classification(rows, 4, 1.2);
    let opt = adam();
    let s = setup(&CLASSIFIER, CCE, opt, 4);
    let mini = train(s, &p0, &x, Targets::Classes(&classes), rows, batches(1, 4));
    assert_eq!(mini.steps, 3);
    assert_eq!(mini.fit.epochs, 1);
    // The learning rate reported is the last step's (step 2, decayed).
    assert_eq!(mini.learning_rates, vec![opt.learning_rate(2)]);

    // The same three steps as three full-batch fits of one model.
    let mut buffers = s.owned(p0.clone());
    let mut model = buffers.model();
    let mut batch_losses = vec![];
    for (start, len) in [(0, 4), (4, 4), (8, 2)] {
        let x = &x[start * 3..(start + len) * 3];
        let t = Targets::Classes(&classes[start..start + len]);
        let (fit, _) = fit_losses(&mut model, x, t, len, FitOptions::epochs(1));
        batch_losses.push((fit.loss, len));
    }
    assert_eq!(model.steps(), 3);
    assert_eq!(bits(model.parameters()), bits(&mini.params));
    // The epoch loss is the mean over all ten samples, each before its step.
    let mean: f64 = batch_losses
        .iter()
        .map(|&(l, n)| f64::from(l) * n as f64)
        .sum::<f64>()
        / rows as f64;
    assert!(
        (f64::from(mini.losses[0]) - mean).abs() <= 1e-6 * mean,
        "{} vs {mean}",
        mini.losses[0]
    );
}

/// Five epochs of three batches are fifteen steps; a batch larger than the
/// data set is the full batch.
#[test]
fn mini_batches_count_steps_and_a_large_batch_is_the_full_batch() {
    let rows = 10;
    let x = values(rows * 3, 4, 1.2);
    let classes = classes_of(&x, rows);
    let t = Targets::Classes(&classes);
    let p0 = params_for(&CLASSIFIER, 5);
    let s = |micro| setup(&CLASSIFIER, CCE, adam(), micro);
    let five = train(s(3), &p0, &x, t, rows, batches(5, 4));
    assert_eq!(five.steps, 15);
    assert_eq!(five.losses.len(), 5);
    let full = train(s(rows), &p0, &x, t, rows, FitOptions::epochs(4));
    let big = train(s(rows), &p0, &x, t, rows, batches(4, 64));
    assert_eq!(big.steps, 4);
    assert_eq!(bits(&big.params), bits(&full.params));
    assert_eq!(bits(&big.losses), bits(&full.losses));
}

/// Shuffled mini-batches: the same seed gives the same bits, the index
/// buffer holds a permutation, and one shuffled epoch is the in-order epoch
/// on the permuted data.
#[test]
fn shuffling_is_deterministic_per_seed() {
    let rows = 10;
    let x = values(rows * 3, 6, 1.2);
    let y = values(rows * 2, 7, 1.0);
    let p0 = params_for(&REGRESSOR, 8);
    let s = setup(&REGRESSOR, MSE, sgd_momentum(), 3);
    let run = |seed: u64, epochs: usize| {
        let mut order = [usize::MAX; 10];
        let shuffle = Some(Shuffle {
            indices: &mut order,
            seed,
        });
        let options = FitOptions {
            shuffle,
            ..batches(epochs, 4)
        };
        let t = train(s, &p0, &x, Targets::Values(&y), rows, options);
        (t, order)
    };
    let (a, order_a) = run(11, 6);
    let (b, order_b) = run(11, 6);
    assert_eq!(a.steps, 18);
    assert_eq!(bits(&a.params), bits(&b.params));
    assert_eq!(bits(&a.losses), bits(&b.losses));
    assert_eq!(order_a, order_b);
    let mut sorted = order_a;
    sorted.sort_unstable();
    assert_eq!(sorted, core::array::from_fn(|i| i));
    let (c, _) = run(12, 6);
    assert_ne!(
        bits(&a.params),
        bits(&c.params),
        "another seed, another order"
    );

    // One epoch: the order it used is the one left in the buffer.
    let (one, order) = run(5, 1);
    assert_ne!(
        order,
        core::array::from_fn(|i| i),
        "seed 5 permutes 10 items"
    );
    let xs: Vec<f32> = order
        .iter()
        .flat_map(|&i| x[3 * i..3 * i + 3].to_vec())
        .collect();
    let ys: Vec<f32> = order
        .iter()
        .flat_map(|&i| y[2 * i..2 * i + 2].to_vec())
        .collect();
    let in_order = train(s, &p0, &xs, Targets::Values(&ys), rows, batches(1, 4));
    assert_eq!(bits(&one.params), bits(&in_order.params));
    assert_eq!(bits(&one.losses), bits(&in_order.losses));
}
