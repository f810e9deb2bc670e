//! rayon thread pools that survive `fork()`.
//!
//! A forked child inherits a copy of the parent's memory but none of its
//! threads: a rayon pool made before the fork (the global one included)
//! still looks alive in the child, and the first parallel call there waits
//! forever for workers that do not exist. Spark's Python workers,
//! datatrove's and `multiprocessing`'s "fork" start method all fork a
//! process that may already have cleaned. So the binding never uses rayon's
//! global pool: it keeps its own pools, tagged with the process id that made
//! them, and makes new ones when the id changes.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuildError, ThreadPoolBuilder};
use std::sync::{Arc, Mutex, PoisonError};

/// The pools of one process: by thread count (0: rayon's default count).
struct Pools {
    pid: u32,
    by_threads: Vec<(usize, Arc<ThreadPool>)>,
}

static POOLS: Mutex<Option<Pools>> = Mutex::new(None);

/// The pool of `threads` threads (`None`: rayon's default, all cores or
/// `RAYON_NUM_THREADS`) for this process, made on first use.
fn pool(threads: Option<usize>) -> Result<Arc<ThreadPool>, ThreadPoolBuildError> {
    let key = threads.unwrap_or(0);
    let pid = std::process::id();
    // A panic elsewhere cannot leave the list half-updated: recover it.
    let mut guard = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if guard.as_ref().is_some_and(|p| p.pid != pid) {
        // Made by the parent before a fork: its threads are not ours.
        // Dropping it would signal those absent threads; leak it instead
        // (once per fork, a few hundred bytes).
        if let Some(stale) = guard.take() {
            std::mem::forget(stale);
        }
    }
    let pools = guard.get_or_insert_with(|| Pools {
        pid,
        by_threads: Vec::new(),
    });
    if let Some((_, p)) = pools.by_threads.iter().find(|(n, _)| *n == key) {
        return Ok(Arc::clone(p));
    }
    let p = Arc::new(ThreadPoolBuilder::new().num_threads(key).build()?);
    pools.by_threads.push((key, Arc::clone(&p)));
    Ok(p)
}

/// `f` applied to every item, results in input order: on the calling
/// thread for `threads == Some(1)`, else on this process's pool of that
/// size.
pub(crate) fn map<T, R, F>(
    threads: Option<usize>,
    items: &[T],
    f: F,
) -> Result<Vec<R>, ThreadPoolBuildError>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync + Send,
{
    if threads == Some(1) {
        return Ok(items.iter().enumerate().map(|(i, t)| f(i, t)).collect());
    }
    let pool = pool(threads)?;
    Ok(pool.install(|| items.par_iter().enumerate().map(|(i, t)| f(i, t)).collect()))
}

/// `threads=0` is refused: rayon would read it as "all cores".
pub(crate) fn check(threads: Option<usize>) -> PyResult<()> {
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads must be at least 1"));
    }
    Ok(())
}

/// The Python error for a pool that could not start.
pub(crate) fn start_error(threads: Option<usize>, e: &ThreadPoolBuildError) -> PyErr {
    PyRuntimeError::new_err(format!("cannot start {threads:?} threads: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_reused_within_a_process() {
        let a = pool(Some(2)).unwrap();
        let b = pool(Some(2)).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.current_num_threads(), 2);
    }

    #[test]
    fn map_keeps_order_on_any_thread_count() {
        let items: Vec<usize> = (0..1000).collect();
        for threads in [None, Some(1), Some(3)] {
            let got = map(threads, &items, |i, x| i + x).unwrap();
            assert_eq!(got, items.iter().map(|x| 2 * x).collect::<Vec<_>>());
        }
    }
}
