#!/usr/bin/env python3
"""Experiment 17 helper: weighted log-loss of score files on one fold's rows, and
mixing one fold's rows of a file into another (for a one-fold pilot through
fit_model --scores). Usage:
  fold_logloss.py dense_s1.f32 FOLD a.f32 b.f32 ...
  fold_logloss.py --mix dense_s1.f32 FOLD pilot.f32 base.f32 out.f32
"""
import sys
import numpy as np
NCOLS = 275
if sys.argv[1] == "--mix":
    dense, f, pilot, base, out = sys.argv[2:7]
    d = np.memmap(dense, dtype="<f4", mode="r").reshape(-1, NCOLS)
    m = d[:, 2] == int(f)
    b = np.fromfile(base, dtype="<f4"); p = np.fromfile(pilot, dtype="<f4")
    b[m] = p[m]; b.tofile(out)
    sys.exit()
d = np.memmap(sys.argv[1], dtype="<f4", mode="r").reshape(-1, NCOLS)
f = int(sys.argv[2])
m = (d[:, 2] == f) & (d[:, 6] > 0)
y = d[m, 5].astype(np.float64); w = d[m, 6].astype(np.float64)
for path in sys.argv[3:]:
    z = np.fromfile(path, dtype="<f4")[m].astype(np.float64)
    p = 1 / (1 + np.exp(-z))
    ll = -np.sum(w * (y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9))) / w.sum()
    print(f"{path}: fold {f} weighted logloss {ll:.4f}")
