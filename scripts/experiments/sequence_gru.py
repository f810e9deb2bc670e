#!/usr/bin/env python3
"""Sequence model over a page's lines for the content model (experiment 17).

What it measures: whether a bidirectional GRU that reads every row of a page
in order (inputs: the dense features of `fit_model --stage1-only
--dump-dense`, i.e. the out-of-fold first-pass logit, 41 structural and 225
context features; optionally a hashed bag-of-words embedding of the line's
text from `fit_model --dump`) beats the shipped stacked logistic second
pass. Out-of-fold logits (f32 per row, dump order) go to
`fit_model --scores FILE` for the real decision and exact eval scoring.

Folds: column 2 of the dense dump (= folds.tsv, both dumps of a page in one
fold); for fold f the network is trained on the other folds' pages only.
Same caveat as second_pass_gbdt.py: the training pages' first-pass logits
are out-of-fold for their own page but come from first-pass models fitted
on folds that include f.

Commands (CPU, 2 threads):
  venv/bin/python sequence_gru.py --dense dense_s1.f32 --out gru.f32 [--bow dump_base.jsonl]
  ./score.sh gru.f32
"""
import argparse
import json
import re
import time
import zlib

import numpy as np
import torch
import torch.nn as nn

NSTRUCT, NCTX = 41, 225
NCOLS = 9 + NSTRUCT + NCTX
WORD = re.compile(r"\w+")


def bow_ids(path, buckets, max_words=32):
    """Hashed word ids per row (dump order), padded with 0, from the JSONL dump."""
    rows = []
    with open(path) as f:
        for line in f:
            t = json.loads(line)["text"].lower()
            ids = [1 + zlib.crc32(w.encode()) % (buckets - 1) for w in WORD.findall(t)[:max_words]]
            rows.append(ids)
    out = np.zeros((len(rows), max_words), dtype=np.int64)
    for i, ids in enumerate(rows):
        out[i, :len(ids)] = ids
    return out


class Net(nn.Module):
    def __init__(self, nin, hidden, bow_buckets, bow_dim):
        super().__init__()
        self.bow = nn.EmbeddingBag(bow_buckets, bow_dim, mode="mean", padding_idx=0) if bow_buckets else None
        self.inp = nn.Sequential(nn.Linear(nin + (bow_dim if bow_buckets else 0), 64), nn.ReLU())
        self.gru = nn.GRU(64, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=0.1)
        self.head = nn.Sequential(nn.Linear(2 * hidden + 64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x, lens, words=None):
        if self.bow is not None:
            b, t, m = words.shape
            e = self.bow(words.reshape(b * t, m)).reshape(b, t, -1)
            x = torch.cat([x, e], dim=2)
        h0 = self.inp(x)
        packed = nn.utils.rnn.pack_padded_sequence(h0, lens, batch_first=True, enforce_sorted=False)
        h, _ = self.gru(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        return self.head(torch.cat([h, h0], dim=2)).squeeze(2)


def batches(pages, max_rows, shuffle, rng):
    """Groups pages (lists of row index arrays) into batches of similar length."""
    order = sorted(range(len(pages)), key=lambda i: len(pages[i]))
    out, cur, cur_max = [], [], 0
    for i in order:
        n = len(pages[i])
        if cur and max(cur_max, n) * (len(cur) + 1) > max_rows:
            out.append(cur)
            cur, cur_max = [], 0
        cur.append(i)
        cur_max = max(cur_max, n)
    if cur:
        out.append(cur)
    if shuffle:
        rng.shuffle(out)
    return out


def tensors(batch, pages, X, y, w, words):
    lens = [len(pages[i]) for i in batch]
    T = max(lens)
    xb = np.zeros((len(batch), T, X.shape[1]), dtype=np.float32)
    yb = np.zeros((len(batch), T), dtype=np.float32)
    wb = np.zeros((len(batch), T), dtype=np.float32)
    wd = np.zeros((len(batch), T, words.shape[1]), dtype=np.int64) if words is not None else None
    for j, i in enumerate(batch):
        r = pages[i]
        xb[j, :len(r)] = X[r]
        yb[j, :len(r)] = y[r]
        wb[j, :len(r)] = w[r]
        if wd is not None:
            wd[j, :len(r)] = words[r]
    return (torch.from_numpy(xb), torch.tensor(lens), torch.from_numpy(yb), torch.from_numpy(wb),
            torch.from_numpy(wd) if wd is not None else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dense", required=True)
    ap.add_argument("--bow", help="fit_model --dump JSONL, for a hashed bag of words per line")
    ap.add_argument("--buckets", type=int, default=1 << 18)
    ap.add_argument("--bow-dim", type=int, default=16)
    ap.add_argument("--hidden", type=int, default=48)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--max-rows", type=int, default=16000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--folds", default="", help="only these folds (debug)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    t0 = time.time()
    d = np.fromfile(args.dense, dtype="<f4").reshape(-1, NCOLS)
    X = np.concatenate([d[:, 1:2], np.log1p(d[:, 4:5]), d[:, 7:9], d[:, 9:9 + NSTRUCT],
                        d[:, 50:50 + NCTX]], axis=1).astype(np.float32)
    y, w, fold = d[:, 5].copy(), d[:, 6].copy(), d[:, 2].astype(int)
    starts = np.flatnonzero(d[:, 3] == 0)
    ends = np.append(starts[1:], len(d))
    pages = [np.arange(s, e) for s, e in zip(starts, ends)]
    pfold = fold[starts]
    words = bow_ids(args.bow, args.buckets) if args.bow else None
    del d
    print(f"{len(X)} rows, {len(pages)} pages, {X.shape[1]} inputs, loaded in {time.time()-t0:.0f}s",
          flush=True)
    out = np.zeros(len(X), dtype=np.float32)
    folds = [int(f) for f in args.folds.split(",")] if args.folds else sorted(set(pfold))
    for f in folds:
        tr = [p for p, g in zip(pages, pfold) if g != f]
        te = [p for p, g in zip(pages, pfold) if g == f]
        rows = np.concatenate(tr)
        mu = X[rows].mean(0)
        sd = X[rows].std(0) + 1e-6
        Xs = ((X - mu) / sd).astype(np.float32)
        net = Net(X.shape[1], args.hidden, args.buckets if words is not None else 0, args.bow_dim)
        opt = torch.optim.Adam(net.parameters(), lr=args.lr)
        steps = args.epochs * len(batches(tr, args.max_rows, False, rng))
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
        for ep in range(args.epochs):
            net.train()
            tot, tw = 0.0, 0.0
            for b in batches(tr, args.max_rows, True, rng):
                xb, lens, yb, wb, wd = tensors(b, tr, Xs, y, w, words)
                z = net(xb, lens, wd)
                loss = (nn.functional.binary_cross_entropy_with_logits(z, yb, reduction="none") * wb).sum()
                opt.zero_grad()
                (loss / wb.sum().clamp(min=1)).backward()
                nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                opt.step()
                sched.step()
                tot += loss.item()
                tw += wb.sum().item()
            print(f"fold {f} epoch {ep}: train logloss {tot/tw:.4f} ({time.time()-t0:.0f}s)", flush=True)
        net.eval()
        with torch.no_grad():
            for b in batches(te, args.max_rows, False, rng):
                xb, lens, yb, wb, wd = tensors(b, te, Xs, y, w, words)
                z = net(xb, lens, wd).numpy()
                for j, i in enumerate(b):
                    out[te[i]] = z[j, :len(te[i])]
        m = np.concatenate(te)
        m = m[w[m] > 0]
        p = 1 / (1 + np.exp(-out[m].astype(np.float64)))
        ll = -np.sum(w[m] * (y[m] * np.log(p + 1e-9) + (1 - y[m]) * np.log(1 - p + 1e-9))) / w[m].sum()
        print(f"fold {f}: test logloss {ll:.4f} ({time.time()-t0:.0f}s)", flush=True)
        # Saved after every fold (rows of folds not yet run stay 0).
        out.astype("<f4").tofile(args.out)
    # Claimed rows are never decided; 0 as in the real pipeline.
    claimed = np.fromfile(args.dense, dtype="<f4").reshape(-1, NCOLS)[:, 7] > 0
    out[claimed] = 0.0
    out.astype("<f4").tofile(args.out)
    print(f"done in {time.time()-t0:.0f}s")


if __name__ == "__main__":
    main()
