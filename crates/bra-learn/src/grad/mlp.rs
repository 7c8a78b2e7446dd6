//! A feed-forward chain of rate layers with backpropagation (Rumelhart,
//! Hinton & Williams 1986): the reference gradient for backprop diffusion
//! and the deep networks of orthogonal initialisation.

use super::common;
use ndarray::{Array1, Array2, Axis};

/// A unit nonlinearity (the `rate` model's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// tanh.
    Tanh,
    /// Identity.
    Linear,
    /// max(0, x).
    Relu,
    /// 1 / (1 + e^-x).
    Sigmoid,
    /// clip(x, 0, 1).
    HardSigmoid,
}

impl Act {
    /// From the `rate` model's `nonlinearity`.
    pub fn from_name(name: &str) -> Act {
        match name {
            "linear" => Act::Linear,
            "relu" => Act::Relu,
            "sigmoid" => Act::Sigmoid,
            "hard_sigmoid" => Act::HardSigmoid,
            _ => Act::Tanh,
        }
    }
    /// f(a).
    pub fn f(self, a: f64) -> f64 {
        match self {
            Act::Tanh => a.tanh(),
            Act::Linear => a,
            Act::Relu => a.max(0.0),
            Act::Sigmoid => 1.0 / (1.0 + (-a).exp()),
            Act::HardSigmoid => a.clamp(0.0, 1.0),
        }
    }
    /// f'(a).
    pub fn df(self, a: f64) -> f64 {
        match self {
            Act::Tanh => 1.0 - a.tanh().powi(2),
            Act::Linear => 1.0,
            Act::Relu => f64::from(a > 0.0),
            Act::Sigmoid => {
                let s = 1.0 / (1.0 + (-a).exp());
                s * (1.0 - s)
            }
            Act::HardSigmoid => f64::from(a > 0.0 && a < 1.0),
        }
    }
}

/// Layers `x_l = f_l(W_l x_{l-1} + b_l)`; the last layer's output is the
/// class scores (logits).
#[derive(Clone, Debug)]
pub struct Mlp {
    /// `w[l]`: `n_{l+1} × n_l`.
    pub w: Vec<Array2<f64>>,
    /// Biases.
    pub b: Vec<Array1<f64>>,
    /// Nonlinearity of each layer after the input.
    pub act: Vec<Act>,
}

/// A forward pass: activities `x_0..x_L` and pre-activations `a_1..a_L`.
#[derive(Clone, Debug)]
pub struct Pass {
    /// Activities, input first.
    pub x: Vec<Array2<f64>>,
    /// Pre-activations.
    pub a: Vec<Array2<f64>>,
}

/// Gradients of every weight and bias, and the error `δ_l = ∂loss/∂a_l` of each layer.
#[derive(Clone, Debug)]
pub struct MlpGrads {
    /// Of the weights.
    pub w: Vec<Array2<f64>>,
    /// Of the biases.
    pub b: Vec<Array1<f64>>,
    /// Errors per layer.
    pub delta: Vec<Array2<f64>>,
}

impl MlpGrads {
    /// Every entry in one vector.
    pub fn flat(&self) -> Vec<f64> {
        let mut v = common::concat(self.w.iter().map(common::flat));
        v.extend(common::concat(self.b.iter().map(common::flat1)));
        v
    }
}

impl Mlp {
    /// Number of weight layers.
    pub fn depth(&self) -> usize {
        self.w.len()
    }

    /// Forward pass of a batch.
    pub fn forward(&self, x: &Array2<f64>) -> Pass {
        let mut xs = vec![x.clone()];
        let mut as_ = Vec::new();
        for l in 0..self.depth() {
            let a = xs[l].dot(&self.w[l].t()) + &self.b[l];
            xs.push(a.mapv(|v| self.act[l].f(v)));
            as_.push(a);
        }
        Pass { x: xs, a: as_ }
    }

    /// Backpropagate `dout = ∂loss/∂x_L` (batch-summed loss).
    pub fn backward(&self, pass: &Pass, dout: &Array2<f64>) -> MlpGrads {
        let depth = self.depth();
        let mut delta = vec![Array2::zeros((0, 0)); depth];
        let mut gw = vec![Array2::zeros((0, 0)); depth];
        let mut gb = vec![Array1::zeros(0); depth];
        let mut g = dout.clone();
        for l in (0..depth).rev() {
            let d = g * &pass.a[l].mapv(|v| self.act[l].df(v));
            gw[l] = d.t().dot(&pass.x[l]);
            gb[l] = d.sum_axis(Axis(0));
            g = d.dot(&self.w[l]);
            delta[l] = d;
        }
        MlpGrads {
            w: gw,
            b: gb,
            delta,
        }
    }

    /// Class scores.
    pub fn predict(&self, x: &Array2<f64>) -> Array2<f64> {
        let mut p = self.forward(x);
        p.x.pop().unwrap_or_default()
    }

    /// Mutable views of every parameter (weights, then biases).
    pub fn params_mut(&mut self) -> Vec<&mut [f64]> {
        let mut v: Vec<&mut [f64]> = self.w.iter_mut().map(common::flat_mut).collect();
        v.extend(
            self.b
                .iter_mut()
                .map(|b| b.as_slice_mut().unwrap_or(&mut [])),
        );
        v
    }
}
