//! A team of threads that stays awake for the length of a run.
//!
//! A step of a large network is split across threads twice (update, then
//! delivery), every few tens of microseconds. A general-purpose pool puts its
//! idle workers to sleep between such regions, and waking one costs about as
//! much as a step of a 10,000-neuron network. A [`Team`] keeps its workers
//! waiting actively between regions (spinning, then yielding, and only after
//! [`PARK_AFTER`] without work, sleeping), and it always gives the same share
//! of a region's tasks to the same thread: a chunk of neurons is updated on
//! the same core every step, so its state stays in that core's cache.
//!
//! Which thread runs a task never changes a result: tasks write disjoint data
//! and every sum is formed in a fixed order (see `engine`).

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

/// A pointer to the tasks of a region, shared by the members; each task is
/// visited by exactly one member.
struct Tasks<T>(*mut T);
// SAFETY: members touch disjoint tasks (see `Team::for_each`), and `T: Send`.
unsafe impl<T: Send> Sync for Tasks<T> {}

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

    /// Run `f` on every task, splitting the tasks into one contiguous share
    /// per member with about the same total `cost` ([`owners`]). The split
    /// depends only on the costs and the team's size, so a task list of the
    /// same shape goes to the same threads every time. Returns when every
    /// task is done; a panic in `f` is raised again here, after every member
    /// has stopped.
    pub fn for_each<T: Send>(
        &self,
        tasks: &mut [T],
        cost: impl Fn(&T) -> usize,
        f: impl Fn(&mut T) + Sync,
    ) {
        let costs: Vec<usize> = tasks.iter().map(cost).collect();
        self.for_each_owned(tasks, &owners(&costs, self.size()), f);
    }

    /// Run `f` on every task, task `i` on member `owner[i]` (taken modulo
    /// the team's size). Returns when every task is done.
    pub fn for_each_owned<T: Send>(
        &self,
        tasks: &mut [T],
        owner: &[usize],
        f: impl Fn(&mut T) + Sync,
    ) {
        let size = self.shared.size;
        if size == 1 || tasks.len() <= 1 {
            tasks.iter_mut().for_each(f);
            return;
        }
        let len = tasks.len();
        let ptr = Tasks(tasks.as_mut_ptr());
        let job = |member: usize| {
            let ptr = &ptr;
            for i in 0..len {
                if owner.get(i).map_or(0, |o| o % size) == member {
                    // SAFETY: `i < len`, each index belongs to exactly one
                    // member, and `tasks` stays borrowed until every member
                    // is done.
                    f(unsafe { &mut *ptr.0.add(i) });
                }
            }
        };
        self.run(&job);
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

/// The member of each task when tasks of the given costs are split into
/// `members` contiguous shares of about equal total cost.
pub fn owners(costs: &[usize], members: usize) -> Vec<usize> {
    let bounds = split(costs, members.max(1));
    let mut owner = vec![0; costs.len()];
    for (m, w) in bounds.windows(2).enumerate() {
        owner[w[0]..w[1]].fill(m);
    }
    owner
}

/// Split tasks of the given costs into `parts` contiguous shares of about
/// equal total cost: share `k` is `bounds[k]..bounds[k + 1]`.
fn split(costs: &[usize], parts: usize) -> Vec<usize> {
    let total: usize = costs.iter().sum();
    let mut bounds = Vec::with_capacity(parts + 1);
    bounds.push(0);
    let mut acc = 0usize;
    let mut i = 0;
    for k in 1..parts {
        // The share ends where the running cost first reaches k/parts of the total.
        let goal = (total as u128 * k as u128).div_ceil(parts as u128) as usize;
        while i < costs.len() && acc + costs[i] / 2 < goal {
            acc += costs[i];
            i += 1;
        }
        bounds.push(i);
    }
    bounds.push(costs.len());
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_balances_contiguous_shares() {
        assert_eq!(split(&[1, 1, 1, 1], 2), vec![0, 2, 4]);
        assert_eq!(split(&[4, 1, 1, 1, 1], 2), vec![0, 1, 5]);
        assert_eq!(split(&[1, 1], 4), vec![0, 1, 1, 2, 2]);
        assert_eq!(split(&[], 3), vec![0, 0, 0, 0]);
        // Shares are increasing and cover everything.
        let b = split(&[3, 7, 2, 9, 1, 1, 5, 4], 3);
        assert!(b.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!((b[0], b[3]), (0, 8));
        assert_eq!(owners(&[4, 1, 1, 1, 1], 2), vec![0, 1, 1, 1, 1]);
    }

    #[test]
    fn every_task_runs_once_whatever_the_team_size() {
        for size in [1, 2, 3, 8] {
            let team = Team::new(size).expect("threads");
            for round in 0..200u64 {
                let mut tasks: Vec<(u64, u32)> = (0..17).map(|i| (i, 0)).collect();
                team.for_each(
                    &mut tasks,
                    |t| t.0 as usize + 1,
                    |t| {
                        t.1 += 1;
                        t.0 = t.0 * 3 + round;
                    },
                );
                assert!(tasks.iter().all(|t| t.1 == 1), "size {size}: {tasks:?}");
                assert!(
                    tasks
                        .iter()
                        .enumerate()
                        .all(|(i, t)| t.0 == i as u64 * 3 + round)
                );
            }
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
        let mut tasks = vec![0u8; 6];
        team.for_each(&mut tasks, |_| 1, |t| *t = 1);
        assert_eq!(tasks, vec![1; 6]);
    }

    #[test]
    fn a_sleeping_team_wakes_up() {
        let team = Team::new(2).expect("threads");
        let mut tasks = vec![0u32; 4];
        team.for_each(&mut tasks, |_| 1, |t| *t += 1);
        std::thread::sleep(PARK_AFTER * 4);
        team.for_each(&mut tasks, |_| 1, |t| *t += 1);
        assert_eq!(tasks, vec![2; 4]);
    }

    #[test]
    fn a_panic_in_a_task_reaches_the_caller() {
        let team = Team::new(2).expect("threads");
        let mut tasks: Vec<u32> = (0..8).collect();
        let r = catch_unwind(AssertUnwindSafe(|| {
            team.for_each(&mut tasks, |_| 1, |t| assert!(*t != 7, "task seven"));
        }));
        assert!(r.is_err());
        // The team still works afterwards.
        team.for_each(&mut tasks, |_| 1, |t| *t += 1);
        assert_eq!(tasks, (1..9).collect::<Vec<u32>>());
    }
}
