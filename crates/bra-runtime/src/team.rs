//! A team of threads that stays awake for the length of a run.
//!
//! A step of a large network runs in parallel every few tens of
//! microseconds. A general-purpose pool puts its idle workers to sleep
//! between such regions, and waking one costs about as much as a step of a
//! 10,000-neuron network. A [`Team`] keeps its workers waiting actively
//! between regions (spinning, then yielding, and only after [`PARK_AFTER`]
//! without work, sleeping); every region runs one job on every member
//! (`run_members`), which knows its index, so the same member does the same
//! share of the work every step (module `phase`) and that share's state
//! stays in its core's cache.

use std::cell::UnsafeCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a worker waits actively for the next region before it sleeps.
pub const PARK_AFTER: Duration = Duration::from_micros(500);

/// A job: called once per member with the member's index (0 is the caller).
type Job = *const (dyn Fn(usize) + Sync);
/// The panic payload of a member.
type Payload = Box<dyn std::any::Any + Send>;

/// A value alone on its cache lines: the counters members spin on must not
/// share a line with counters others write.
#[repr(align(128))]
struct Line<T>(T);

impl<T> std::ops::Deref for Line<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

struct Shared {
    /// Members, the calling thread included.
    size: usize,
    /// Bumped once per region; a worker runs the job when it sees a new value.
    epoch: Line<AtomicU64>,
    /// The region's job; written only while every worker waits for a new epoch.
    job: UnsafeCell<Option<Job>>,
    /// Workers done with the current region.
    done: Line<AtomicUsize>,
    /// Workers asleep (or about to sleep) on `wake`.
    sleepers: AtomicUsize,
    quit: AtomicBool,
    /// Members arrived at the current barrier.
    arrived: Line<AtomicUsize>,
    /// Barriers passed.
    generation: Line<AtomicU64>,
    /// A member panicked in the current region (barriers stop waiting).
    poisoned: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
    panic: Mutex<Option<Payload>>,
}

// SAFETY: `job` is written by the owner only between regions (when every
// worker has reported `done` and waits for the next epoch) and read by the
// workers only after they observe the epoch bump that publishes it (SeqCst
// store / load); the job itself is `Sync`.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

/// Threads that run the regions of a run; dropped at the run's end.
pub struct Team {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl Team {
    /// A team of `size` members: the calling thread and `size - 1` workers.
    /// Fails when the operating system refuses a thread.
    pub fn new(size: usize) -> std::io::Result<Team> {
        let size = size.max(1);
        let shared = Arc::new(Shared {
            size,
            epoch: Line(AtomicU64::new(0)),
            job: UnsafeCell::new(None),
            done: Line(AtomicUsize::new(0)),
            sleepers: AtomicUsize::new(0),
            quit: AtomicBool::new(false),
            arrived: Line(AtomicUsize::new(0)),
            generation: Line(AtomicU64::new(0)),
            poisoned: AtomicBool::new(false),
            lock: Mutex::new(()),
            wake: Condvar::new(),
            panic: Mutex::new(None),
        });
        let mut team = Team {
            shared,
            workers: Vec::new(),
        };
        for member in 1..size {
            let shared = team.shared.clone();
            let handle = std::thread::Builder::new()
                .name(format!("bra-team-{member}"))
                .spawn(move || work(&shared, member))?;
            team.workers.push(handle);
        }
        Ok(team)
    }

    /// Members, the calling thread included.
    pub fn size(&self) -> usize {
        self.shared.size
    }

    /// Run `job(member, barrier)` on every member at once (member 0 is the
    /// calling thread) and wait for all of them. Inside, `barrier.wait()`
    /// returns when every member has reached it; it returns `false` when a
    /// member panicked, and the job should then return. A panic is raised
    /// again here, after every member has stopped.
    pub fn run_members(&self, job: impl Fn(usize, &Barrier) + Sync) {
        let barrier = Barrier {
            shared: &self.shared,
        };
        if self.shared.size == 1 {
            job(0, &barrier);
            return;
        }
        self.run(&|member| job(member, &barrier));
    }

    /// Run `job(member)` on every member at once and wait for all of them.
    fn run(&self, job: &(dyn Fn(usize) + Sync)) {
        let s = &*self.shared;
        // Every member is idle: reset what a panic may have left behind.
        s.arrived.store(0, Ordering::SeqCst);
        s.poisoned.store(false, Ordering::SeqCst);
        // SAFETY: the job outlives this call, which returns only after every
        // worker has finished with it (`done` reaches `size - 1`), and no
        // worker reads `job` outside a region.
        let erased: Job = unsafe {
            std::mem::transmute::<*const (dyn Fn(usize) + Sync + '_), Job>(
                job as *const (dyn Fn(usize) + Sync),
            )
        };
        unsafe { *s.job.get() = Some(erased) };
        s.done.store(0, Ordering::SeqCst);
        s.epoch.fetch_add(1, Ordering::SeqCst);
        if s.sleepers.load(Ordering::SeqCst) > 0 {
            let _guard = s.lock.lock().unwrap_or_else(|e| e.into_inner());
            s.wake.notify_all();
        }
        let mine = catch_unwind(AssertUnwindSafe(|| job(0)));
        if mine.is_err() {
            s.poisoned.store(true, Ordering::SeqCst);
        }
        let mut spins = 0u32;
        while s.done.load(Ordering::Acquire) < s.size - 1 {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(64) {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        unsafe { *s.job.get() = None };
        if let Err(p) = mine {
            resume_unwind(p);
        }
        let theirs = s.panic.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(p) = theirs {
            resume_unwind(p);
        }
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        self.shared.quit.store(true, Ordering::SeqCst);
        {
            let _guard = self.shared.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.shared.wake.notify_all();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

/// A meeting point of every member inside a region ([`Team::run_members`]).
pub struct Barrier<'a> {
    shared: &'a Shared,
}

impl Barrier<'_> {
    /// Wait until every member has arrived. Returns `false` (at once) when
    /// a member has panicked: the caller should then stop its work.
    pub fn wait(&self) -> bool {
        let s = self.shared;
        if s.size == 1 {
            return true;
        }
        let generation = s.generation.load(Ordering::SeqCst);
        if s.arrived.fetch_add(1, Ordering::SeqCst) + 1 == s.size {
            s.arrived.store(0, Ordering::SeqCst);
            s.generation.fetch_add(1, Ordering::SeqCst);
        } else {
            let mut spins = 0u32;
            while s.generation.load(Ordering::SeqCst) == generation {
                if s.poisoned.load(Ordering::SeqCst) {
                    return false;
                }
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(64) {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
        }
        !s.poisoned.load(Ordering::SeqCst)
    }
}

/// A worker's life: wait for a region, run its share, report, repeat.
fn work(s: &Shared, member: usize) {
    let mut seen = 0u64;
    loop {
        // Wait for the next region: spin, then yield, then sleep.
        let since = Instant::now();
        let mut spins = 0u32;
        loop {
            let e = s.epoch.load(Ordering::SeqCst);
            if e != seen {
                seen = e;
                break;
            }
            if s.quit.load(Ordering::SeqCst) {
                return;
            }
            spins = spins.wrapping_add(1);
            if spins < 256 {
                std::hint::spin_loop();
                continue;
            }
            if since.elapsed() < PARK_AFTER {
                std::thread::yield_now();
                continue;
            }
            s.sleepers.fetch_add(1, Ordering::SeqCst);
            {
                let mut guard = s.lock.lock().unwrap_or_else(|e| e.into_inner());
                while s.epoch.load(Ordering::SeqCst) == seen && !s.quit.load(Ordering::SeqCst) {
                    guard = s.wake.wait(guard).unwrap_or_else(|e| e.into_inner());
                }
            }
            s.sleepers.fetch_sub(1, Ordering::SeqCst);
            spins = 0;
        }
        // SAFETY: published before the epoch bump just observed, and kept
        // alive by `Team::run` until this worker reports `done`.
        if let Some(job) = unsafe { *s.job.get() } {
            let r = catch_unwind(AssertUnwindSafe(|| unsafe { (*job)(member) }));
            if let Err(p) = r {
                s.poisoned.store(true, Ordering::SeqCst);
                *s.panic.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
            }
        }
        s.done.fetch_add(1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each member adds its index + 1 to a counter `rounds` times; the sum
    /// says every member ran every region exactly once.
    fn count_members(team: &Team, rounds: u64) -> u64 {
        let total = std::sync::atomic::AtomicU64::new(0);
        for _ in 0..rounds {
            team.run_members(|m, _| {
                total.fetch_add(m as u64 + 1, Ordering::Relaxed);
            });
        }
        total.load(Ordering::Relaxed)
    }

    #[test]
    fn every_member_runs_every_region_once_whatever_the_team_size() {
        for size in [1, 2, 3, 8] {
            let team = Team::new(size).expect("threads");
            assert_eq!(team.size(), size);
            let once = (size * (size + 1) / 2) as u64;
            assert_eq!(count_members(&team, 200), 200 * once, "size {size}");
        }
    }

    #[test]
    fn a_barrier_separates_the_phases_of_a_region() {
        use std::sync::atomic::AtomicU64;
        for size in [1, 2, 3, 8] {
            let team = Team::new(size).expect("threads");
            for _ in 0..100 {
                // Each member writes its slot, waits, then reads every slot:
                // all writes must be visible after the barrier.
                let slots: Vec<AtomicU64> = (0..size).map(|_| AtomicU64::new(0)).collect();
                let sums: Vec<AtomicU64> = (0..size).map(|_| AtomicU64::new(0)).collect();
                team.run_members(|m, barrier| {
                    slots[m].store(m as u64 + 1, Ordering::Relaxed);
                    assert!(barrier.wait());
                    let sum = slots.iter().map(|x| x.load(Ordering::Relaxed)).sum();
                    sums[m].store(sum, Ordering::Relaxed);
                    assert!(barrier.wait());
                });
                let want = (size * (size + 1) / 2) as u64;
                assert!(sums.iter().all(|x| x.load(Ordering::Relaxed) == want));
            }
        }
    }

    #[test]
    fn a_panic_before_a_barrier_does_not_hang_the_others() {
        let team = Team::new(3).expect("threads");
        let r = catch_unwind(AssertUnwindSafe(|| {
            team.run_members(|m, barrier| {
                assert!(m != 1, "member one fails");
                barrier.wait();
            });
        }));
        assert!(r.is_err());
        // The team still works afterwards.
        assert_eq!(count_members(&team, 5), 5 * 6);
    }

    #[test]
    fn a_sleeping_team_wakes_up() {
        let team = Team::new(2).expect("threads");
        assert_eq!(count_members(&team, 1), 3);
        std::thread::sleep(PARK_AFTER * 4);
        assert_eq!(count_members(&team, 1), 3);
    }

    #[test]
    fn a_panic_in_a_member_reaches_the_caller() {
        let team = Team::new(2).expect("threads");
        let r = catch_unwind(AssertUnwindSafe(|| {
            team.run_members(|m, _| assert!(m != 1, "member one fails"));
        }));
        assert!(r.is_err());
        assert_eq!(count_members(&team, 4), 4 * 3);
    }
}
