//! `deboil clean --jsonl`: JSON Lines from standard input or files (gzip and
//! zstd by extension) to standard output or `--output FILE`.
//!
//! Reading and decompressing run on their own thread, and so do compressing
//! and writing, each a bounded number of blocks ahead, so that the rayon
//! workers cleaning a chunk are not left waiting on either end while memory
//! stays bounded.

use super::args::CleanArgs;
use super::interrupt::{self, Interrupt};
use super::log;
use super::progress::Progress;
use super::summary::Summary;
use super::{EXIT_ERROR, EXIT_OK, build_engine, with_threads};
use anyhow::Context;
use deboil::Engine;
use deboil::jsonl::{self, StreamError, StreamOptions, StreamStats};
use deboil_cli::batch::same_file;
use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Bytes per block handed between threads. Spent blocks are sent back to
/// the thread that fills them: a stream allocates a handful, not one per
/// MiB (each fresh one costs page faults).
const BLOCK: usize = 1 << 20;
/// Blocks in flight between a thread and the cleaning loop.
const DEPTH: usize = 2;

pub fn run(args: CleanArgs) -> anyhow::Result<u8> {
    let engine = if args.learning.learn {
        None
    } else {
        Some(build_engine(&args.common)?)
    };
    let opts = StreamOptions {
        field: args.field.clone(),
        group_by: args.learning.group_by.clone(),
        on_error: args.on_error.into(),
        max_line: args.common.max_size,
        ..StreamOptions::default()
    };
    let inputs: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    for p in &inputs {
        if p.is_dir() {
            anyhow::bail!(
                "{}: is a directory; --jsonl reads files or standard input",
                p.display()
            );
        }
        if let Some(out) = &args.output {
            if p.as_os_str() != "-" && same_file(p, out) {
                anyhow::bail!(
                    "--output {} is the input {}: inputs are never modified",
                    out.display(),
                    p.display()
                );
            }
        }
    }
    with_threads(args.common.threads, || {
        let engine = match engine {
            Some(e) => e,
            None => learned_engine(&args, &inputs)?,
        };
        stream_all(&engine, &args, &inputs, &opts)
    })?
}

/// `--learn`: learns from the JSON Lines files first (both passes read them
/// again, so standard input cannot be learned from).
fn learned_engine(args: &CleanArgs, inputs: &[PathBuf]) -> anyhow::Result<Engine> {
    if inputs.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!(
            "--learn reads its input twice, and standard input can be read only once: \
             name the JSON Lines files (`deboil clean --jsonl --learn dump.jsonl`), or learn \
             first with `deboil learn --jsonl FILE -o pack.toml`, then clean with \
             `deboil clean --jsonl --rules pack.toml`"
        );
    }
    super::learn::learned_engine_jsonl(&args.common, &args.learning, inputs, &args.field)
}

fn stream_all(
    engine: &Engine,
    args: &CleanArgs,
    inputs: &[PathBuf],
    opts: &StreamOptions,
) -> anyhow::Result<u8> {
    let start = Instant::now();
    let total = inputs
        .iter()
        .map(|p| (p.as_os_str() != "-").then(|| p.metadata().ok().map(|m| m.len())))
        .sum::<Option<Option<u64>>>()
        .flatten();
    let progress = Progress::bytes(total);
    // An output file is only put in place when the stream is done: on
    // Ctrl-C, stop and remove it rather than die and leave the temporary.
    // Standard output keeps Ctrl-C's default meaning.
    let interrupt = args.output.is_some().then(Interrupt::install);
    let mut output = Output::open(args.output.as_deref())?;
    let mut interrupted = false;
    let mut stats = StreamStats::default();
    let mut failed = None;
    let mut done_before = 0u64;
    for path in inputs {
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        let counter = Arc::new(AtomicU64::new(0));
        let mut input = open_input(path, Arc::clone(&counter))
            .with_context(|| format!("cannot read {name}"))?
            .stop_on(interrupt.clone());
        let result = jsonl::clean_stream(
            engine,
            &mut input,
            &mut output,
            opts,
            &mut stats,
            |line, e| progress.error(format_args!("{name}:{line}: {e}")),
            |_| progress.set_position(done_before + counter.load(Ordering::Relaxed)),
        );
        done_before += counter.load(Ordering::Relaxed);
        match result {
            Ok(()) => {}
            Err(StreamError::Line { line, error }) => {
                failed = Some(format!(
                    "{name}:{line}: stopped at this line (--on-error fail): {error}"
                ));
                break;
            }
            // A closed pipe downstream is not an error (see main).
            Err(StreamError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                return Err(e.into());
            }
            Err(StreamError::Io(_)) if interrupt.as_ref().is_some_and(Interrupt::is_set) => {
                interrupted = true;
                break;
            }
            Err(StreamError::Io(e)) => {
                return Err(anyhow::Error::new(e).context(format!("{name}: cannot clean")));
            }
            Err(e) => return Err(anyhow::Error::new(e).context(format!("{name}: cannot clean"))),
        }
    }
    progress.finish();
    match &failed {
        _ if interrupted => output.abandon()?,
        Some(f) => {
            output.abandon()?;
            log::error(f);
        }
        None => output.finish()?,
    }
    let summary = Summary {
        mode: "jsonl",
        lines: Some(stats.lines),
        documents: Some(stats.documents),
        bytes_read: stats.bytes_in,
        bytes_in: stats.text_in,
        bytes_out: stats.text_out,
        errors: stats.errors,
        ..Summary::default()
    }
    .finish(start.elapsed());
    // Standard output carries the data: with --json the summary record goes
    // to standard error, in place of the human line.
    if args.json {
        // Asked for by --json, so printed even with -q.
        eprintln!("{}", summary.json());
    } else {
        log::note(summary.line());
    }
    if interrupted {
        let dest = args.output.as_deref().unwrap_or(Path::new("-"));
        log::error(format_args!(
            "interrupted: {} not written (it is put in place only when the stream \
             is done); run the same command again",
            dest.display()
        ));
        return Ok(interrupt::EXIT_INTERRUPTED);
    }
    Ok(if summary.errors > 0 || failed.is_some() {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

/// How a file is compressed, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Codec {
    Plain,
    Gzip,
    Zstd,
}

impl Codec {
    fn of(path: &Path) -> Codec {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => Codec::Gzip,
            Some("zst") | Some("zstd") => Codec::Zstd,
            _ => Codec::Plain,
        }
    }
}

/// Counts the bytes read from the underlying file (compressed bytes for
/// compressed files), for the progress bar.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub(super) fn open_input(path: &Path, count: Arc<AtomicU64>) -> io::Result<Prefetch> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(Counting {
            inner: io::stdin(),
            count,
        })
    } else {
        Box::new(Counting {
            inner: File::open(path)?,
            count,
        })
    };
    let decoded: Box<dyn Read + Send> = match Codec::of(path) {
        Codec::Plain => raw,
        // Multi-member: `cat a.gz b.gz` is one valid gzip stream.
        Codec::Gzip => Box::new(flate2::read::MultiGzDecoder::new(io::BufReader::new(raw))),
        Codec::Zstd => Box::new(zstd::stream::read::Decoder::new(raw)?),
    };
    Ok(Prefetch::spawn(decoded))
}

/// A reader running on its own thread, up to [`DEPTH`] blocks ahead.
pub(super) struct Prefetch {
    rx: Receiver<io::Result<Vec<u8>>>,
    /// Set: reading fails once a signal arrived (see [`Prefetch::stop_on`]).
    stop: Option<Interrupt>,
    /// Read blocks go back to the reader thread to be filled again.
    spent: SyncSender<Vec<u8>>,
    block: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Prefetch {
    fn spawn(mut inner: Box<dyn Read + Send>) -> Prefetch {
        let (tx, rx) = sync_channel(DEPTH);
        let (spent, reuse) = sync_channel::<Vec<u8>>(DEPTH + 1);
        std::thread::spawn(move || {
            loop {
                let mut block = reuse.try_recv().unwrap_or_default();
                block.resize(BLOCK, 0);
                let n = match read_full(&mut inner, &mut block) {
                    Ok(n) => n,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                block.truncate(n);
                // The receiver is gone when the stream stopped early.
                if n == 0 || tx.send(Ok(block)).is_err() {
                    return;
                }
            }
        });
        Prefetch {
            rx,
            stop: None,
            spent,
            block: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl Prefetch {
    /// Makes reading fail with [`Stopped`] once `stop` is set, even while
    /// the input is idle (a pipe with nothing to say): the cleaning loop
    /// then ends at its next read.
    pub(super) fn stop_on(mut self, stop: Option<Interrupt>) -> Prefetch {
        self.stop = stop;
        self
    }

    /// The next block from the reader thread; `None` once it is gone.
    fn next_block(&self) -> Option<io::Result<Vec<u8>>> {
        let Some(stop) = &self.stop else {
            return self.rx.recv().ok();
        };
        loop {
            match self.rx.recv_timeout(STOP_POLL) {
                Ok(block) => return Some(block),
                Err(RecvTimeoutError::Timeout) if stop.is_set() => {
                    return Some(Err(io::Error::other(Stopped)));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

/// How often an idle [`Prefetch`] looks at its stop flag.
const STOP_POLL: Duration = Duration::from_millis(50);

/// The error reading returns after a signal.
#[derive(Debug)]
pub(super) struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Stopped {}

/// Reads until `buf` is full or the input ends; decoders return short reads.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl Read for Prefetch {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Prefetch {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.stop.as_ref().is_some_and(Interrupt::is_set) {
            return Err(io::Error::other(Stopped));
        }
        while self.pos >= self.block.len() && !self.done {
            match self.next_block() {
                Some(Ok(block)) => {
                    let spent = std::mem::replace(&mut self.block, block);
                    // A full pool or a finished reader: the block is dropped.
                    let _ = self.spent.try_send(spent);
                    self.pos = 0;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                None => self.done = true,
            }
        }
        Ok(&self.block[self.pos.min(self.block.len())..])
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
    }
}

/// Where the cleaned lines go: a writer thread feeding standard output or
/// a temporary file (through its encoder) that replaces `--output` at the end.
struct Output {
    tx: Option<SyncSender<Vec<u8>>>,
    /// Blocks the writer thread has written, to be filled again.
    reuse: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<io::Result<Option<tempfile::NamedTempFile>>>>,
    dest: Option<PathBuf>,
    pending: Vec<u8>,
}

impl Output {
    fn open(dest: Option<&Path>) -> anyhow::Result<Output> {
        let (tx, rx) = sync_channel::<Vec<u8>>(DEPTH);
        let (spent, reuse) = sync_channel::<Vec<u8>>(DEPTH + 1);
        let thread = match dest {
            None => std::thread::spawn(move || {
                let mut out = io::stdout().lock();
                copy_blocks(rx, &spent, &mut out)?;
                out.flush()?;
                Ok(None)
            }),
            Some(path) => {
                let tmp = deboil_cli::batch::temp_beside(path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                let codec = Codec::of(path);
                std::thread::spawn(move || write_encoded(tmp, codec, rx, spent).map(Some))
            }
        };
        Ok(Output {
            tx: Some(tx),
            reuse,
            thread: Some(thread),
            dest: dest.map(Path::to_path_buf),
            pending: Vec::with_capacity(BLOCK),
        })
    }

    fn send(&mut self, block: Vec<u8>) -> io::Result<()> {
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(block).is_ok());
        if sent {
            return Ok(());
        }
        // The writer stopped: its own error says why.
        match self.join() {
            Err(e) => Err(e),
            Ok(_) => Err(io::Error::other("output closed")),
        }
    }

    fn join(&mut self) -> io::Result<Option<tempfile::NamedTempFile>> {
        self.tx = None;
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked"))),
            None => Ok(None),
        }
    }

    /// Writes everything and puts the output file in place.
    fn finish(&mut self) -> anyhow::Result<()> {
        self.flush()?;
        let tmp = self.join()?;
        if let (Some(tmp), Some(dest)) = (tmp, &self.dest) {
            tmp.persist(dest)
                .map_err(|e| e.error)
                .with_context(|| format!("cannot write {}", dest.display()))?;
        }
        Ok(())
    }

    /// Stops after a fatal line: standard output keeps what was written, an
    /// output file is left as it was.
    fn abandon(&mut self) -> anyhow::Result<()> {
        self.flush()?;
        drop(self.join()?);
        Ok(())
    }
}

impl Drop for Output {
    /// An output abandoned by an error: wait for the writer, so that its
    /// temporary file is removed before the process exits.
    fn drop(&mut self) {
        let _ = self.join();
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Blocks are filled to exactly `BLOCK`, so a big document never
        // grows one that is then kept for reuse.
        let mut rest = buf;
        while !rest.is_empty() {
            let take = rest.len().min(BLOCK - self.pending.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == BLOCK {
                let mut next = self.reuse.try_recv().unwrap_or_default();
                next.clear();
                next.reserve_exact(BLOCK);
                let block = std::mem::replace(&mut self.pending, next);
                self.send(block)?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let block = std::mem::take(&mut self.pending);
            self.send(block)?;
        }
        Ok(())
    }
}

/// Writes every block from `rx` to `w`, handing each back for reuse (a
/// full pool drops it).
fn copy_blocks(
    rx: Receiver<Vec<u8>>,
    spent: &SyncSender<Vec<u8>>,
    w: &mut impl Write,
) -> io::Result<()> {
    for block in rx {
        w.write_all(&block)?;
        let _ = spent.try_send(block);
    }
    Ok(())
}

fn write_encoded(
    tmp: tempfile::NamedTempFile,
    codec: Codec,
    rx: Receiver<Vec<u8>>,
    spent: SyncSender<Vec<u8>>,
) -> io::Result<tempfile::NamedTempFile> {
    let file = io::BufWriter::with_capacity(BLOCK, tmp);
    let finish_plain = |mut w: io::BufWriter<tempfile::NamedTempFile>| {
        w.flush()?;
        w.into_inner().map_err(io::IntoInnerError::into_error)
    };
    match codec {
        Codec::Plain => {
            let mut w = file;
            copy_blocks(rx, &spent, &mut w)?;
            finish_plain(w)
        }
        Codec::Gzip => {
            let mut w = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            copy_blocks(rx, &spent, &mut w)?;
            finish_plain(w.finish()?)
        }
        Codec::Zstd => {
            let mut w = zstd::stream::write::Encoder::new(file, 3)?;
            copy_blocks(rx, &spent, &mut w)?;
            finish_plain(w.finish()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_by_extension() {
        assert_eq!(Codec::of(Path::new("a.jsonl")), Codec::Plain);
        assert_eq!(Codec::of(Path::new("a.jsonl.gz")), Codec::Gzip);
        assert_eq!(Codec::of(Path::new("a.jsonl.zst")), Codec::Zstd);
    }

    #[test]
    fn output_keeps_every_byte_across_blocks() {
        // Writes smaller than, equal to and larger than a block, so blocks
        // are split, filled exactly, recycled and flushed half full.
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl");
        let mut out = Output::open(Some(&dest)).unwrap();
        let mut expected = Vec::new();
        for (i, len) in [10, BLOCK - 10, 5, 3 * BLOCK + 7, BLOCK, 1, 2 * BLOCK]
            .into_iter()
            .enumerate()
        {
            let piece: Vec<u8> = (0..len).map(|j| ((i * 31 + j) % 251) as u8).collect();
            out.write_all(&piece).unwrap();
            expected.extend_from_slice(&piece);
        }
        out.finish().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), expected);
    }

    #[test]
    fn prefetch_reads_everything_in_order() {
        let data: Vec<u8> = (0..3 * BLOCK + 17).map(|i| (i % 251) as u8).collect();
        let mut p = Prefetch::spawn(Box::new(io::Cursor::new(data.clone())));
        let mut got = Vec::new();
        p.read_to_end(&mut got).unwrap();
        assert_eq!(got, data);
    }
}
