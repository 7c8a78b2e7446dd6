//! The two phases of a step that run in parallel: the update of every
//! neuron and the delivery of the step's spikes.
//!
//! The neurons are cut into chunks of [`CHUNK`]; a [`Plan`] gives each chunk
//! to one member of the team (contiguous shares of about equal size, the
//! same every step). A member updates its chunks, then, after a barrier,
//! delivers every spike of the step into the ring buffers of its chunks
//! (the same memory, still in its core's cache). No two members write the
//! same place, and each ring-buffer entry receives its sum in the same order
//! (projection, spike, synapse) however the neurons are shared out, so the
//! results do not depend on the number of members.

use crate::connect::Csr;
use crate::engine::{CHUNK, Projection};
use crate::model::{NeuronModel, Port, Spike, StepIo};
use crate::rng::Key;
use std::marker::PhantomData;
use std::ops::Range;

/// A slice whose disjoint parts the members of a team write during a phase.
pub(crate) struct Parts<'a, T> {
    ptr: *mut T,
    len: usize,
    _life: PhantomData<&'a mut [T]>,
}

// SAFETY: `Parts` hands out references only through its unsafe methods,
// whose callers guarantee that no two live references overlap when one of
// them is mutable; `T: Send` lets the values be used on another thread.
unsafe impl<T: Send> Sync for Parts<'_, T> {}
unsafe impl<T: Send> Send for Parts<'_, T> {}

impl<'a, T> Parts<'a, T> {
    pub(crate) fn new(s: &'a mut [T]) -> Parts<'a, T> {
        Parts {
            ptr: s.as_mut_ptr(),
            len: s.len(),
            _life: PhantomData,
        }
    }

    /// The part `r`, to write.
    ///
    /// # Safety
    /// No other reference into `r` may be live while the result is.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn part(&self, r: Range<usize>) -> &mut [T] {
        assert!(r.start <= r.end && r.end <= self.len, "part out of range");
        // SAFETY: in bounds (checked), and exclusive by the caller's promise.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(r.start), r.end - r.start) }
    }

    /// The part `r`, to read.
    ///
    /// # Safety
    /// No mutable reference into `r` may be live while the result is.
    pub(crate) unsafe fn read(&self, r: Range<usize>) -> &[T] {
        assert!(r.start <= r.end && r.end <= self.len, "part out of range");
        // SAFETY: in bounds (checked), and not written by the caller's promise.
        unsafe { std::slice::from_raw_parts(self.ptr.add(r.start), r.end - r.start) }
    }
}

/// What the update of a chunk leaves for the rest of the step. Each on
/// cache lines of its own: the members write their chunks' outputs side by
/// side, and a line shared by two of them would travel between their cores
/// at every write.
#[derive(Clone, Debug, Default)]
#[repr(align(128))]
pub(crate) struct ChunkOut {
    /// Its spikes (chunk-local neuron indices), in neuron order.
    pub spikes: Vec<Spike>,
    /// The first non-finite value found: (variable, neuron, value).
    pub fault: Option<(usize, usize, f64)>,
}

/// One chunk of a population.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chunk {
    pub pop: usize,
    /// Index of the chunk's first neuron in the population.
    pub first: usize,
    pub len: usize,
    /// The member that updates it (and delivers into it).
    pub member: usize,
}

/// Who does what in a step, fixed for a run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Plan {
    pub members: usize,
    /// Every chunk, populations in order.
    pub chunks: Vec<Chunk>,
    /// Per population, its chunks (indices into `chunks`).
    pub pop_chunks: Vec<Range<usize>>,
    /// Per member: the ranges of neurons `(pop, lo, hi)` it owns.
    pub ranges: Vec<Vec<(usize, usize, usize)>>,
}

impl Plan {
    /// Share populations of the given sizes evenly among `members`: member
    /// `m` gets the neurons `[N·m/M, N·(m+1)/M)` of the network (populations
    /// in order, bounds rounded to [`ALIGN`]).
    pub(crate) fn new(sizes: &[usize], members: usize) -> Plan {
        let members = members.max(1);
        let total: usize = sizes.iter().sum();
        let bounds: Vec<usize> = (0..=members)
            .map(|m| (total as u128 * m as u128 / members as u128) as usize)
            .collect();
        Plan::with_bounds(sizes, &bounds)
    }

    /// Member `m` gets the neurons `[bounds[m], bounds[m + 1])` of the
    /// network (populations in order; inner bounds rounded to [`ALIGN`]),
    /// cut into chunks of at most [`CHUNK`] neurons.
    pub(crate) fn with_bounds(sizes: &[usize], bounds: &[usize]) -> Plan {
        let members = bounds.len().saturating_sub(1).max(1);
        let total: usize = sizes.iter().sum();
        let bound = |m: usize| -> usize {
            if m == 0 {
                0
            } else if m >= members {
                total
            } else {
                bounds[m].next_multiple_of(ALIGN).min(total)
            }
        };
        let mut chunks = Vec::new();
        let mut pop_chunks = Vec::new();
        let mut ranges = vec![Vec::new(); members];
        let mut base = 0; // index in the network of the population's first neuron
        for (pop, &size) in sizes.iter().enumerate() {
            let start = chunks.len();
            for (member, mine) in ranges.iter_mut().enumerate() {
                let lo = bound(member).clamp(base, base + size) - base;
                let hi = bound(member + 1).clamp(base, base + size) - base;
                if lo >= hi {
                    continue;
                }
                mine.push((pop, lo, hi));
                for first in (lo..hi).step_by(CHUNK) {
                    chunks.push(Chunk {
                        pop,
                        first,
                        len: CHUNK.min(hi - first),
                        member,
                    });
                }
            }
            pop_chunks.push(start..chunks.len());
            base += size;
        }
        Plan {
            members,
            chunks,
            pop_chunks,
            ranges,
        }
    }

    /// The network index of each member's first neuron, and the total.
    pub(crate) fn bounds(&self, sizes: &[usize]) -> Vec<usize> {
        let mut base = vec![0; sizes.len() + 1];
        for (k, s) in sizes.iter().enumerate() {
            base[k + 1] = base[k] + s;
        }
        let mut b: Vec<usize> = self
            .ranges
            .iter()
            .map(|r| r.first().map_or(usize::MAX, |&(pop, lo, _)| base[pop] + lo))
            .collect();
        // A member without neurons starts where the next one does.
        let total = base[sizes.len()];
        let mut next = total;
        for x in b.iter_mut().rev() {
            if *x == usize::MAX {
                *x = next;
            }
            next = *x;
        }
        b.push(total);
        b
    }

    /// Shares that would make every member take about as long, given how
    /// long each took (`busy`, any unit) for its current share: each share
    /// moves halfway towards being proportional to its member's speed.
    /// `None` when the shares are balanced within 2 % already.
    pub(crate) fn rebalanced(&self, sizes: &[usize], busy: &[f64]) -> Option<Vec<usize>> {
        let bounds = self.bounds(sizes);
        let share: Vec<f64> = bounds.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
        let total: f64 = share.iter().sum();
        if busy.len() != share.len() || busy.iter().any(|&b| b <= 0.0) || total <= 0.0 {
            return None;
        }
        let (lo, hi) = busy
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), &b| (lo.min(b), hi.max(b)));
        if hi <= 1.02 * lo {
            return None;
        }
        let speed: Vec<f64> = share.iter().zip(busy).map(|(s, b)| s / b).collect();
        let sum: f64 = speed.iter().sum();
        let mut out = vec![0usize];
        let mut acc = 0.0;
        for (s, v) in share.iter().zip(&speed) {
            acc += 0.5 * s + 0.5 * total * v / sum;
            out.push((acc.round() as usize).min(total as usize));
        }
        if let Some(last) = out.last_mut() {
            *last = total as usize;
        }
        (out != bounds).then_some(out)
    }
}

/// Members' shares start at multiples of this many neurons: 128 bytes of a
/// state variable, so that no cache line (nor the pair the hardware
/// prefetches together) is written by two members.
const ALIGN: usize = 16;

/// A population as the phases see it.
pub(crate) struct PopView<'a> {
    pub model: &'a dyn NeuronModel,
    pub ports: &'a [Port],
    pub key: Key,
    pub size: usize,
    /// State, per variable.
    pub vars: Vec<Parts<'a, f64>>,
    /// Ring buffers, per port (every slot: `slots × size`).
    pub ring: Vec<Parts<'a, f64>>,
    pub i_ext: &'a [f64],
    /// The variable transmitted by a rate-coded population.
    pub output: Option<usize>,
}

/// Everything a member needs for its share of a step.
pub(crate) struct StepView<'a> {
    pub plan: &'a Plan,
    pub pops: Vec<PopView<'a>>,
    pub projs: &'a [Projection],
    pub incoming: &'a [Vec<usize>],
    /// Per chunk, what its update left.
    pub outs: Parts<'a, ChunkOut>,
    pub step: u64,
    pub steps: u64,
    pub dt: f64,
    pub slots: usize,
}

impl StepView<'_> {
    /// Update `member`'s chunks by one step, clear the ring-buffer slot they
    /// consumed, and look for non-finite values.
    pub(crate) fn update(&self, member: usize) {
        let (n, dt) = (self.step, self.dt);
        let t = n as f64 * dt;
        let slot = (n % self.slots as u64) as usize;
        // Reused from chunk to chunk (no allocation per chunk).
        let mut vars: Vec<&mut [f64]> = Vec::new();
        let mut inputs: Vec<&mut [f64]> = Vec::new();
        for (ci, ch) in self.plan.chunks.iter().enumerate() {
            if ch.member != member {
                continue;
            }
            let p = &self.pops[ch.pop];
            let own = ch.first..ch.first + ch.len;
            let at = slot * p.size + ch.first..slot * p.size + ch.first + ch.len;
            // SAFETY: chunk `ci` belongs to this member alone, and in this
            // phase nobody else touches its neurons, its part of the slot,
            // its spikes or its fault.
            vars.clear();
            inputs.clear();
            let out = unsafe {
                vars.extend(p.vars.iter().map(|v| v.part(own.clone())));
                inputs.extend(p.ring.iter().map(|r| r.part(at.clone())));
                &mut self.outs.part(ci..ci + 1)[0]
            };
            let ChunkOut { spikes, fault } = out;
            spikes.clear();
            *fault = None;
            let io = StepIo {
                t,
                dt,
                step: n,
                first: ch.first,
                ports: p.ports,
                port_input: &[],
                i_ext: p.i_ext.get(own.clone()).unwrap_or(&[]),
                rng: p.key,
            };
            // The update also clears the slot it consumed, while it is in
            // this core's cache.
            p.model.step_and_clear(&io, &mut inputs, &mut vars, spikes);
            // Look for a NaN or infinity with a cheap scan; only then find the
            // culprit. Every step the first variable (the membrane potential,
            // into which every other state variable feeds within a step); all
            // of them every 64 steps and at the end.
            let scan_all = n % 64 == 63 || n + 1 == self.steps;
            for (vi, v) in vars
                .iter()
                .enumerate()
                .take(if scan_all { usize::MAX } else { 1 })
            {
                // OR of "exponent all ones" over the slice: an integer
                // reduction the compiler vectorises.
                let bad = v.iter().fold(0u64, |acc, x| {
                    acc | u64::from((x.to_bits() >> 52) & 0x7ff == 0x7ff)
                });
                if bad != 0
                    && let Some(i) = v.iter().position(|x| !x.is_finite())
                {
                    *fault = Some((vi, ch.first + i, v[i]));
                    break;
                }
            }
        }
    }

    /// Gather the step's spikes per population (neuron order) into
    /// `spikes_now`, and append them to the populations' recorders (time
    /// of the step `t` plus each spike's offset). Called by one member during
    /// delivery, when no one writes the chunks' outputs.
    pub(crate) fn collect(
        &self,
        t: f64,
        spikes_now: &mut [Vec<Spike>],
        recorders: &mut [Option<Vec<(f64, u32)>>],
    ) {
        // SAFETY: nobody writes the chunks' outputs during delivery.
        let outs = unsafe { self.outs.read(0..self.plan.chunks.len()) };
        for s in spikes_now.iter_mut() {
            s.clear();
        }
        for (ch, out) in self.plan.chunks.iter().zip(outs) {
            if let Some(now) = spikes_now.get_mut(ch.pop) {
                now.extend(out.spikes.iter().map(|s| Spike {
                    neuron: s.neuron + ch.first as u32,
                    offset: s.offset,
                }));
            }
        }
        for (rec, now) in recorders.iter_mut().zip(spikes_now.iter()) {
            if let Some(rec) = rec {
                rec.extend(now.iter().map(|s| (t + s.offset, s.neuron)));
            }
        }
    }

    /// Ask the memory system for every row `member` will walk in this
    /// delivery, all at once (their offsets, then their targets), so that
    /// the cache misses overlap instead of coming one after another.
    fn prefetch_rows(&self, member: usize, outs: &[ChunkOut]) {
        for pass in 0..2 {
            for &(pop, _, _) in &self.plan.ranges[member] {
                for &k in &self.incoming[pop] {
                    let pr = &self.projs[k];
                    let csr = &pr.csr;
                    if self.pops[pr.pre].output.is_some() {
                        continue;
                    }
                    for ci in self.plan.pop_chunks[pr.pre].clone() {
                        let first = self.plan.chunks[ci].first;
                        for sp in &outs[ci].spikes {
                            let i = first + sp.neuron as usize;
                            if i + 1 >= csr.offsets.len() {
                                continue;
                            }
                            if pass == 0 {
                                hint(&csr.offsets[i]);
                            } else if let Some(t) = csr.targets.get(csr.row(i)) {
                                for line in t.chunks(16) {
                                    hint(line.as_ptr());
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Deliver every spike (and rate-coded output) of the step into
    /// `member`'s ranges of the ring buffers.
    pub(crate) fn deliver(&self, member: usize) {
        let (n, slots) = (self.step as usize, self.slots);
        // SAFETY: nobody writes the chunks' outputs during delivery.
        let outs = unsafe { self.outs.read(0..self.plan.chunks.len()) };
        prefetch_outs(outs);
        self.prefetch_rows(member, outs);
        for &(pop, lo, hi) in &self.plan.ranges[member] {
            let p = &self.pops[pop];
            let whole = lo == 0 && hi == p.size;
            let (lo32, hi32) = (lo as u32, hi as u32);
            for &k in &self.incoming[pop] {
                let pr = &self.projs[k];
                let csr = &pr.csr;
                // SAFETY: the range's part of every slot of this port belongs to
                // this member in this phase; the reference dies with this
                // iteration, before the next projection takes it again.
                let mut ring = unsafe {
                    let r = &p.ring[pr.port];
                    (0..slots)
                        .map(|s| r.part(s * p.size + lo..s * p.size + hi))
                        .collect::<Vec<_>>()
                };
                // The part of a row (targets sorted) that lands in the range:
                // counted rather than bisected, so that the row's cache lines
                // load at once instead of one dependent probe after another.
                let part = |row: Range<usize>| -> Range<usize> {
                    if whole {
                        return row;
                    }
                    let t = &csr.targets[row.clone()];
                    let below =
                        |bound: u32| t.iter().map(|&x| usize::from(x < bound)).sum::<usize>();
                    row.start + below(lo32)..row.start + below(hi32)
                };
                let pre = &self.pops[pr.pre];
                if let Some(ov) = pre.output {
                    // SAFETY: nobody writes state during delivery.
                    let out = unsafe { pre.vars[ov].read(0..pre.size) };
                    let slot = &mut ring[(n + pr.delay as usize) % slots];
                    for (i, r) in out.iter().enumerate() {
                        for s in part(csr.row(i)) {
                            slot[(csr.targets[s] - lo32) as usize] += csr.weight(s) as f64 * r;
                        }
                    }
                    continue;
                }
                for ci in self.plan.pop_chunks[pr.pre].clone() {
                    let first = self.plan.chunks[ci].first;
                    let spikes = &outs[ci].spikes;
                    for sp in spikes {
                        let row = part(csr.row(first + sp.neuron as usize));
                        deliver_row(csr, row, pr.delay, n, lo32, &mut ring);
                    }
                }
            }
        }
    }
}

/// Add one row's synapses (already cut to the range starting at `lo`) to
/// the ring buffer.
#[inline]
fn deliver_row(
    csr: &Csr,
    row: Range<usize>,
    delay: u32,
    n: usize,
    lo: u32,
    ring: &mut [&mut [f64]],
) {
    let slots = ring.len();
    match (&csr.delays, csr.shared) {
        (None, true) => {
            let slot = &mut ring[(n + delay as usize) % slots];
            let w = csr.weight(0) as f64;
            for &t in &csr.targets[row] {
                slot[(t - lo) as usize] += w;
            }
        }
        (None, false) => {
            let slot = &mut ring[(n + delay as usize) % slots];
            for s in row {
                slot[(csr.targets[s] - lo) as usize] += csr.weights[s] as f64;
            }
        }
        (Some(delays), _) => {
            for s in row {
                let k = (n + delays[s] as usize) % slots;
                ring[k][(csr.targets[s] - lo) as usize] += csr.weight(s) as f64;
            }
        }
    }
}

/// Ask the memory system for every chunk's spikes at once (most were
/// written by other cores): the chunks' outputs, then their spikes.
fn prefetch_outs(outs: &[ChunkOut]) {
    for o in outs {
        hint(o);
    }
    for o in outs {
        for line in o.spikes.chunks(4) {
            hint(line.as_ptr());
        }
    }
}

/// Tell the memory system that `p` will be read soon (nothing else
/// happens: a prefetch has no effect on memory).
#[inline(always)]
fn hint<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, and SSE is part of
    // every x86-64 processor.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_shares_the_neurons_evenly_into_contiguous_ranges() {
        let sizes = [3 * CHUNK + 5, 10, 0, CHUNK];
        let total: usize = sizes.iter().sum();
        for members in [1, 2, 3, 8] {
            let plan = Plan::new(&sizes, members);
            // Every neuron of every population is in exactly one member's
            // range, and in exactly one chunk of that member.
            for (pop, &size) in sizes.iter().enumerate() {
                let mut covered: Vec<(usize, usize, usize)> = plan
                    .ranges
                    .iter()
                    .enumerate()
                    .flat_map(|(m, r)| r.iter().filter(|r| r.0 == pop).map(move |r| (r.1, r.2, m)))
                    .collect();
                covered.sort_unstable();
                let mut at = 0;
                for (lo, hi, m) in covered {
                    assert_eq!(lo, at);
                    let cut: Vec<_> = plan.chunks[plan.pop_chunks[pop].clone()]
                        .iter()
                        .filter(|c| c.member == m)
                        .collect();
                    assert_eq!(cut.first().map(|c| c.first), Some(lo));
                    assert_eq!(cut.iter().map(|c| c.len).sum::<usize>(), hi - lo);
                    assert!(cut.iter().all(|c| c.len <= CHUNK));
                    at = hi;
                }
                assert_eq!(at, size);
            }
            // Shares differ by less than two alignment steps.
            let share: Vec<usize> = plan
                .ranges
                .iter()
                .map(|r| r.iter().map(|x| x.2 - x.1).sum())
                .collect();
            let (lo, hi) = (share.iter().min(), share.iter().max());
            assert!(
                hi.zip(lo).is_some_and(|(h, l)| h - l < 2 * ALIGN),
                "{share:?}"
            );
            assert_eq!(share.iter().sum::<usize>(), total);
        }
        assert_eq!(Plan::new(&[10], 1).ranges, vec![vec![(0, 0, 10)]]);
    }

    #[test]
    fn rebalancing_moves_neurons_from_the_slower_member() {
        let sizes = [6000, 2000];
        let plan = Plan::new(&sizes, 2);
        assert_eq!(plan.bounds(&sizes), vec![0, 4000, 8000]);
        // Balanced within 2 %: nothing moves.
        assert_eq!(plan.rebalanced(&sizes, &[100.0, 101.0]), None);
        // Member 0 took twice as long: its share shrinks, halfway towards
        // the share that would equalise the times (8000/3 neurons).
        let b = plan.rebalanced(&sizes, &[2.0, 1.0]).expect("moves");
        assert_eq!((b[0], b[2]), (0, 8000));
        let want = (4000.0 + 8000.0 / 3.0) / 2.0;
        assert!((b[1] as f64 - want).abs() < 1.0, "{b:?}");
        // The new plan still covers every neuron once, member 0 with fewer.
        let next = Plan::with_bounds(&sizes, &b);
        let nb = next.bounds(&sizes);
        assert!(nb[1] < 4000 && nb[1].is_multiple_of(ALIGN), "{nb:?}");
        let total: usize = next.chunks.iter().map(|c| c.len).sum();
        assert_eq!(total, 8000);
        // Repeated, the shares converge to equal times.
        let mut plan = Plan::new(&sizes, 2);
        for _ in 0..20 {
            let bounds = plan.bounds(&sizes);
            // Member 0's neurons cost twice as much as member 1's.
            let busy = [2.0 * bounds[1] as f64, (bounds[2] - bounds[1]) as f64];
            match plan.rebalanced(&sizes, &busy) {
                Some(b) => plan = Plan::with_bounds(&sizes, &b),
                None => break,
            }
        }
        let b = plan.bounds(&sizes);
        assert!((b[1] as f64 - 8000.0 / 3.0).abs() < 100.0, "{b:?}");
    }
}
