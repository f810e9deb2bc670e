#!/usr/bin/env python3
"""Leakage control for experiment 17: a linear second pass under the Python protocol.

What it measures: a logistic regression on exactly the shipped second pass's
225 context features (from `fit_model --stage1-only --dump-dense`), trained
per outer fold on the other folds' rows (soft labels, the dump's page
weights). fit_model fits the same model with a nested (inner) CV for the
training rows' first-pass logits; the Python scripts (second_pass_gbdt.py,
sequence_gru.py) take the outer-fold OOF logits instead. If this control
scores about what fit_model's nested baseline does, the shortcut does not
inflate the other learners' numbers; the gap, if any, is its size.

Commands:
  venv/bin/python control_logreg.py --dense dense_s1.f32 --out lr_ctx.f32
  ./score.sh lr_ctx.f32
"""
import argparse
import time

import numpy as np
import torch

NSTRUCT, NCTX = 41, 225
NCOLS = 9 + NSTRUCT + NCTX


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dense", required=True)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--l2", type=float, default=1e-6)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(1)
    t0 = time.time()
    d = np.fromfile(args.dense, dtype="<f4").reshape(-1, NCOLS)
    X = torch.from_numpy(np.ascontiguousarray(d[:, 50:50 + NCTX]))
    y = torch.from_numpy(d[:, 5].copy())
    w = torch.from_numpy(d[:, 6].copy())
    fold = d[:, 2].astype(int)
    out = np.zeros(len(d), dtype=np.float32)
    for f in sorted(set(fold)):
        tr = np.flatnonzero((fold != f) & (d[:, 6] > 0))
        lin = torch.nn.Linear(NCTX, 1, bias=False)  # column 0 is the bias feature
        torch.nn.init.zeros_(lin.weight)
        opt = torch.optim.Adam(lin.parameters(), lr=0.01)
        g = np.random.default_rng(f)
        for ep in range(args.epochs):
            g.shuffle(tr)
            for s in range(0, len(tr), 4096):
                i = torch.from_numpy(tr[s:s + 4096])
                z = lin(X[i]).squeeze(1)
                loss = (torch.nn.functional.binary_cross_entropy_with_logits(z, y[i], reduction="none")
                        * w[i]).sum() / w[i].sum() + args.l2 * lin.weight.pow(2).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
        te = fold == f
        with torch.no_grad():
            out[te] = lin(X[torch.from_numpy(np.flatnonzero(te))]).squeeze(1).numpy()
        print(f"fold {f} done ({time.time()-t0:.0f}s)", flush=True)
    out[d[:, 7] > 0] = 0.0
    out.astype("<f4").tofile(args.out)


if __name__ == "__main__":
    main()
