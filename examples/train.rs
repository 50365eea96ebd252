//! The main job: train three small models, one per row of the task table,
//! with the crate's activations and losses.
//!
//! - binary classification (points inside a circle): ReLU hidden layer,
//!   Sigmoid output, BinaryCrossEntropy (chained backward);
//! - multiclass classification (the classic 3-class spiral): ReLU hidden
//!   layer, Softmax output, fused Softmax + cross-entropy backward;
//! - regression (a noisy sine): ReLU hidden layer, Linear output,
//!   MeanSquaredError.
//!
//! Each data set is generated here from a fixed seed, with a separate test
//! set from another seed. The dense layer and the Adam step are written out
//! below in a few lines; the activations and losses are the crate's, with
//! their outputs and gradients cached in fixed-capacity buffers.
//!
//! Run: `cargo run --release --example train`

use vanillanets::activations::{Activation, ActivationKind, Linear, ReLU, Sigmoid, Softmax};
use vanillanets::losses::{
    backward_path, BackwardPath, BinaryCrossEntropy, Labels, Loss, LossKind, MeanSquaredError,
    SoftmaxCrossEntropy,
};
use vanillanets::{ActivationBuffer, Error};

const HIDDEN: usize = 64;
/// Capacity of every buffer: the largest batch (300 samples) × 64 units.
const CAP: usize = 300 * HIDDEN;

/// xorshift32: a tiny deterministic generator, so no data is downloaded.
struct Rng(u32);

impl Rng {
    fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 / (1u32 << 24) as f32
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f32 {
        let u = self.uniform().max(1e-7);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// A fully connected layer `y = x W + b` with its Adam state.
struct Dense {
    n_in: usize,
    n_out: usize,
    w: Vec<f32>,
    b: Vec<f32>,
    dw: Vec<f32>,
    db: Vec<f32>,
    moments: [Vec<f32>; 4], // m_w, v_w, m_b, v_b
}

impl Dense {
    fn new(n_in: usize, n_out: usize, rng: &mut Rng) -> Self {
        let scale = (2.0 / n_in as f32).sqrt();
        let w = (0..n_in * n_out).map(|_| scale * rng.normal()).collect();
        // Random biases spread the ReLU kinks over the input range.
        let b = (0..n_out).map(|_| 0.5 * rng.normal()).collect();
        let z = |n| vec![0.0; n];
        Dense {
            n_in,
            n_out,
            w,
            b,
            dw: z(n_in * n_out),
            db: z(n_out),
            moments: [z(n_in * n_out), z(n_in * n_out), z(n_out), z(n_out)],
        }
    }

    fn forward(&self, x: &[f32], out: &mut Vec<f32>) {
        out.clear();
        for row in x.chunks_exact(self.n_in) {
            out.extend_from_slice(&self.b);
            let o = out.len() - self.n_out;
            for (&xi, w_row) in row.iter().zip(self.w.chunks_exact(self.n_out)) {
                for (y, &w) in out[o..].iter_mut().zip(w_row) {
                    *y += xi * w;
                }
            }
        }
    }

    /// Stores dW = xᵀ dv and db = Σ dv; returns dx = dv Wᵀ.
    fn backward(&mut self, x: &[f32], dv: &[f32]) -> Vec<f32> {
        self.dw.fill(0.0);
        self.db.fill(0.0);
        let mut dx = vec![0.0; x.len()];
        let rows = x.chunks_exact(self.n_in).zip(dv.chunks_exact(self.n_out));
        for ((x_row, dv_row), dx_row) in rows.zip(dx.chunks_exact_mut(self.n_in)) {
            for (db, &g) in self.db.iter_mut().zip(dv_row) {
                *db += g;
            }
            for (i, (&xi, dxi)) in x_row.iter().zip(dx_row.iter_mut()).enumerate() {
                let w_row = &self.w[i * self.n_out..(i + 1) * self.n_out];
                let dw_row = &mut self.dw[i * self.n_out..(i + 1) * self.n_out];
                for ((dw, &w), &g) in dw_row.iter_mut().zip(w_row).zip(dv_row) {
                    *dw += xi * g;
                    *dxi += w * g;
                }
            }
        }
        dx
    }

    /// One Adam step (β₁ = 0.9, β₂ = 0.999) at step `t` (from 1).
    fn adam(&mut self, lr: f32, t: i32) {
        let [mw, vw, mb, vb] = &mut self.moments;
        for (p, g, m, v) in [
            (&mut self.w, &self.dw, mw, vw),
            (&mut self.b, &self.db, mb, vb),
        ] {
            for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                *m = 0.9 * *m + 0.1 * g;
                *v = 0.999 * *v + 0.001 * g * g;
                let m_hat = *m / (1.0 - 0.9_f32.powi(t));
                let v_hat = *v / (1.0 - 0.999_f32.powi(t));
                *p -= lr * m_hat / (v_hat.sqrt() + 1e-7);
            }
        }
    }
}

/// Two dense layers with a ReLU between them and `A` on the output.
struct Model<A> {
    dense1: Dense,
    dense2: Dense,
    hidden: Box<ActivationBuffer<ReLU, CAP>>,
    output: Box<ActivationBuffer<A, CAP>>,
    z1: Vec<f32>,
    z2: Vec<f32>,
}

impl<A: Activation> Model<A> {
    fn new(n_in: usize, n_out: usize, activation: A, rng: &mut Rng) -> Self {
        Model {
            dense1: Dense::new(n_in, HIDDEN, rng),
            dense2: Dense::new(HIDDEN, n_out, rng),
            hidden: Box::new(ActivationBuffer::new(ReLU)),
            output: Box::new(ActivationBuffer::new(activation)),
            z1: Vec::new(),
            z2: Vec::new(),
        }
    }

    /// inputs → dense1 → ReLU → dense2 → output activation (cached).
    fn forward(&mut self, x: &[f32], rows: usize) -> Result<&[f32], Error> {
        self.dense1.forward(x, &mut self.z1);
        let h = self.hidden.forward(&self.z1, rows, HIDDEN)?;
        self.dense2.forward(h, &mut self.z2);
        self.output.forward(&self.z2, rows, self.dense2.n_out)
    }

    /// Backward from the gradient w.r.t. the output activation's *inputs*
    /// (the logits), then one Adam step.
    fn backward_from_logits(
        &mut self,
        x: &[f32],
        dlogits: &[f32],
        lr: f32,
        t: i32,
    ) -> Result<(), Error> {
        let dh = self.dense2.backward(self.hidden.output(), dlogits);
        let dz1 = self.hidden.backward(&dh)?;
        self.dense1.backward(x, dz1);
        self.dense1.adam(lr, t);
        self.dense2.adam(lr, t);
        Ok(())
    }

    /// The chained path: the loss gradient through the output activation's
    /// own backward, then the rest.
    fn backward_chained(&mut self, x: &[f32], dloss: &[f32], lr: f32, t: i32) -> Result<(), Error> {
        let dlogits = self.output.backward(dloss)?.to_vec();
        self.backward_from_logits(x, &dlogits, lr, t)
    }
}

fn circle(n: usize, rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
    let mut x = Vec::with_capacity(2 * n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let (a, b) = (2.0 * rng.uniform() - 1.0, 2.0 * rng.uniform() - 1.0);
        x.extend([a, b]);
        y.push(if a * a + b * b < 0.5 { 1.0 } else { 0.0 });
    }
    (x, y)
}

/// The classic 3-class spiral: `per_class` points per arm, noise 0.2.
fn spiral(per_class: usize, rng: &mut Rng) -> (Vec<f32>, Vec<usize>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for class in 0..3 {
        for i in 0..per_class {
            let r = i as f32 / (per_class - 1) as f32;
            let t = class as f32 * 4.0 + r * 4.0 + 0.2 * rng.normal();
            x.extend([r * (2.5 * t).sin(), r * (2.5 * t).cos()]);
            y.push(class);
        }
    }
    (x, y)
}

fn noisy_sine(n: usize, rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..n).map(|_| rng.uniform()).collect();
    let y = x
        .iter()
        .map(|&x| (std::f32::consts::TAU * x).sin() + 0.05 * rng.normal())
        .collect();
    (x, y)
}

fn binary_classification() -> Result<f32, Error> {
    println!("binary classification: circle, 2 -> 64 ReLU -> 1 Sigmoid, BinaryCrossEntropy");
    let mut rng = Rng(0x2545_F491);
    let (x, y) = circle(200, &mut rng);
    let (x_test, y_test) = circle(300, &mut Rng(0x1234_5678));
    let mut model = Model::new(2, 1, Sigmoid, &mut rng);
    assert_eq!(
        backward_path(ActivationKind::Sigmoid, LossKind::BinaryCrossEntropy),
        BackwardPath::Chained
    );
    let n = y.len();
    let mut dloss = vec![0.0; n];
    for epoch in 1..=1000 {
        let p = model.forward(&x, n)?;
        let loss = BinaryCrossEntropy.calculate(p, &y, n, 1)?;
        BinaryCrossEntropy.backward(p, &y, n, 1, &mut dloss)?;
        model.backward_chained(&x, &dloss, 0.01, epoch)?;
        if epoch == 1 || epoch % 250 == 0 {
            println!("  epoch {epoch:5}  loss {loss:.4}");
        }
    }
    let p = model.forward(&x_test, y_test.len())?;
    let hits = p
        .iter()
        .zip(&y_test)
        .filter(|(&p, &y)| (p > 0.5) == (y > 0.5))
        .count();
    let accuracy = hits as f32 / y_test.len() as f32;
    let positive = y_test.iter().filter(|&&y| y > 0.5).count() as f32 / y_test.len() as f32;
    println!(
        "  test accuracy {:.1}% on {} points (majority class: {:.1}%)\n",
        100.0 * accuracy,
        y_test.len(),
        100.0 * positive.max(1.0 - positive)
    );
    Ok(accuracy)
}

fn multiclass_classification() -> Result<f32, Error> {
    println!("multiclass classification: spiral, 2 -> 64 ReLU -> 3 Softmax, fused cross-entropy");
    let mut rng = Rng(0x9E37_79B9);
    let (x, y) = spiral(100, &mut rng);
    let (x_test, y_test) = spiral(100, &mut Rng(0x0BAD_5EED));
    let mut model = Model::new(2, 3, Softmax, &mut rng);
    assert_eq!(
        backward_path(
            ActivationKind::Softmax,
            LossKind::SparseCategoricalCrossEntropy
        ),
        BackwardPath::Fused
    );
    let n = y.len();
    let labels = Labels::Classes(&y);
    let mut dlogits = vec![0.0; n * 3];
    for epoch in 1..=2000 {
        let p = model.forward(&x, n)?;
        let loss = SoftmaxCrossEntropy.calculate(p, labels, n, 3)?;
        // Fused: straight from the softmax output to the logits' gradient.
        SoftmaxCrossEntropy.backward(p, labels, n, 3, &mut dlogits)?;
        model.backward_from_logits(&x, &dlogits, 0.05, epoch)?;
        if epoch == 1 || epoch % 500 == 0 {
            println!("  epoch {epoch:5}  loss {loss:.4}");
        }
    }
    let p = model.forward(&x_test, y_test.len())?;
    let hits = p
        .chunks_exact(3)
        .zip(&y_test)
        .filter(|(row, &t)| {
            let best = (0..3).fold(0, |b, j| if row[j] > row[b] { j } else { b });
            best == t
        })
        .count();
    let accuracy = hits as f32 / y_test.len() as f32;
    println!(
        "  test accuracy {:.1}% on {} points (chance: 33.3%)\n",
        100.0 * accuracy,
        y_test.len()
    );
    Ok(accuracy)
}

fn regression() -> Result<f32, Error> {
    println!("regression: noisy sine, 1 -> 64 ReLU -> 1 Linear, MeanSquaredError");
    let mut rng = Rng(0xDEAD_BEEF);
    let (x, y) = noisy_sine(200, &mut rng);
    let (x_test, y_test) = noisy_sine(300, &mut Rng(0xC0FF_EE11));
    let mut model = Model::new(1, 1, Linear, &mut rng);
    let n = y.len();
    let mut dloss = vec![0.0; n];
    for epoch in 1..=3000 {
        let p = model.forward(&x, n)?;
        let loss = MeanSquaredError.calculate(p, &y, n, 1)?;
        MeanSquaredError.backward(p, &y, n, 1, &mut dloss)?;
        model.backward_chained(&x, &dloss, 0.005, epoch)?;
        if epoch == 1 || epoch % 750 == 0 {
            println!("  epoch {epoch:5}  loss {loss:.4}");
        }
    }
    let p = model.forward(&x_test, y_test.len())?;
    let mean = y_test.iter().sum::<f32>() / y_test.len() as f32;
    let ss_res: f32 = p.iter().zip(&y_test).map(|(p, y)| (y - p) * (y - p)).sum();
    let ss_tot: f32 = y_test.iter().map(|y| (y - mean) * (y - mean)).sum();
    let r2 = 1.0 - ss_res / ss_tot;
    println!("  test R² {r2:.4} on {} points\n", y_test.len());
    Ok(r2)
}

fn main() -> Result<(), Error> {
    let binary = binary_classification()?;
    let multiclass = multiclass_classification()?;
    let r2 = regression()?;
    println!(
        "summary: binary accuracy {:.1}%, spiral accuracy {:.1}%, sine R² {:.4}",
        100.0 * binary,
        100.0 * multiclass,
        r2
    );
    Ok(())
}
