#!/usr/bin/env python3
"""Non-linear second pass for the content model (experiment 17).

What it measures: whether a gradient-boosted second pass (LightGBM) on the
dense features `fit_model --stage1-only --dump-dense` writes (out-of-fold
first-pass logit, the 41 structural features, the 225 second-pass context
features computed on the OOF first-pass logits), optionally with
neighbour windows (+-1..3 rows of the same page) and page-level aggregates,
beats the shipped stacked logistic second pass. It writes out-of-fold logits
(f32, one per row, in dump order) for `fit_model --scores FILE`, which runs
the real decision (`ContentModel::decide`) and the exact eval scoring.

Folds: column 2 of the dense dump (fit_model's `fold_of`, the same as
folds.tsv; both dumps of a page in one fold). For outer fold f the GBDT is
trained on the rows of pages in the other folds and predicts fold f.
Caveat (documented in the report): the training rows' first-pass logits are
out-of-fold w.r.t. their own page, but came from first-pass models that
were fitted on folds that include f (fit_model itself uses an inner CV for
this). The `--learner logreg` control measures how much that shortcut is
worth for a linear second pass (compare with fit_model's nested number).

Commands (2 threads):
  cargo run --release --example fit_model -- /work/shared/corpus/wcxb-dev \
      --cv-only --stage1-only --inner 0 --dump-dense /work/exp17/dense_s1.f32 \
      --penalty 2 --prose-floor 0.05 --prose-bias 1.5
  RAYON_NUM_THREADS=2 venv/bin/python second_pass_gbdt.py --dense dense_s1.f32 \
      --variant full --out gbdt_full.f32
  cargo run --release --example fit_model -- /work/shared/corpus/wcxb-dev \
      --cv-only --scores /work/exp17/gbdt_full.f32 --penalty 2 \
      --prose-floor 0.05 --prose-bias 1.5 --biases -1,-0.5,0,0.5,1,1.5,2,2.5,3
"""
import argparse
import time

import numpy as np

NSTRUCT = 41
NCTX = 225
NCOLS = 9 + NSTRUCT + NCTX
# Dense columns: 0 page id, 1 dump, 2 fold, 3 row, 4 tokens, 5 label,
# 6 weight, 7 claimed, 8 first-pass logit (OOF), 9..50 structural,
# 50..275 second-pass context features.


def load(path):
    a = np.fromfile(path, dtype="<f4")
    assert a.size % NCOLS == 0, (a.size, NCOLS)
    return a.reshape(-1, NCOLS)


def page_index(d):
    """Page number of every row (rows of a page are contiguous, row 0 starts one)."""
    starts = d[:, 3] == 0
    return np.cumsum(starts) - 1


def shifted(x, page, o):
    """x of the row o rows away in the same page, NaN if none."""
    n = len(x)
    out = np.full_like(x, np.nan)
    if o > 0:
        ok = page[o:] == page[:-o]
        out[:-o][ok] = x[o:][ok]
    else:
        o = -o
        ok = page[:-o] == page[o:]
        out[o:][ok] = x[:-o][ok]
    return out


def group_stat(vals, mask, page, npages, fn):
    out = np.full(npages, np.nan, dtype=np.float64)
    order = np.argsort(page, kind="stable")
    bounds = np.searchsorted(page[order], np.arange(npages + 1))
    for p in range(npages):
        idx = order[bounds[p]:bounds[p + 1]]
        idx = idx[mask[idx]]
        if len(idx):
            out[p] = fn(vals[idx])
    return out


def features(d, variant):
    page = page_index(d)
    npages = page[-1] + 1
    z = d[:, 8].astype(np.float64)
    claimed = d[:, 7] > 0
    tokens = d[:, 4]
    cols = [d[:, 1:2], d[:, 4:5], d[:, 7:9], d[:, 9:9 + NSTRUCT], d[:, 50:50 + NCTX]]
    names = ["dump", "tokens", "claimed", "z"] + [f"s{i}" for i in range(NSTRUCT)] + [
        f"c{i}" for i in range(NCTX)]
    if variant in ("window", "full"):
        # Neighbour windows of the structural features and of tokens, +-1..3.
        base = np.concatenate([d[:, 4:5], d[:, 9:9 + NSTRUCT]], axis=1)
        for o in (-3, -2, -1, 1, 2, 3):
            sh = np.stack([shifted(base[:, j], page, o) for j in range(base.shape[1])], axis=1)
            cols.append(sh)
            names += [f"n{o}_{j}" for j in range(base.shape[1])]
        # Neighbour z further out (context has +-3 already): +-4..6.
        for o in (-6, -5, -4, 4, 5, 6):
            cols.append(shifted(d[:, 8], page, o)[:, None])
            names.append(f"z{o}")
    if variant in ("page", "full"):
        open_ = (~claimed) & (tokens > 0)
        stats = []
        for fn in (np.mean, np.std, np.max, np.min, lambda v: np.percentile(v, 25),
                   np.median, lambda v: np.percentile(v, 75), len):
            stats.append(group_stat(z, open_, page, npages, fn))
        tok_tot = group_stat(tokens.astype(np.float64), open_, page, npages, np.sum)
        nrows = np.bincount(page, minlength=npages).astype(np.float64)
        nclaimed = np.bincount(page, weights=claimed.astype(np.float64), minlength=npages)
        S = np.stack(stats + [tok_tot, nrows, nclaimed / nrows], axis=1)
        cols.append(S[page].astype(np.float32))
        names += [f"pg{i}" for i in range(S.shape[1])]
        # Row relative to its page: z minus page max / median, rank of z.
        rel = np.stack([z - S[page, 2], z - S[page, 5]], axis=1)
        # Percentile rank of z among the page's open rows.
        rank = np.full(len(z), np.nan)
        order = np.lexsort((z, page))
        ps = page[order]
        bounds = np.searchsorted(ps, np.arange(npages + 1))
        for p in range(npages):
            idx = order[bounds[p]:bounds[p + 1]]
            if len(idx) > 1:
                rank[idx] = np.arange(len(idx)) / (len(idx) - 1)
        # Token-share position: tokens of open rows before this row / page total.
        tok_open = np.where(open_, tokens, 0).astype(np.float64)
        cum = np.cumsum(tok_open)
        first = np.searchsorted(page, np.arange(npages))  # page rows are contiguous
        before = cum - tok_open - (cum[first] - tok_open[first])[page]
        tokpos = before / np.maximum(tok_tot[page], 1)
        cols.append(np.stack([rel[:, 0], rel[:, 1], rank, tokpos], axis=1).astype(np.float32))
        names += ["z_minus_max", "z_minus_med", "z_rank", "tok_pos"]
    X = np.concatenate([c.astype(np.float32) for c in cols], axis=1)
    return X, names, page


def fit_predict(X, d, learner, args):
    fold = d[:, 2].astype(int)
    y = d[:, 5].astype(np.float64)
    w = d[:, 6].astype(np.float64)
    out = np.zeros(len(X), dtype=np.float32)
    for f in sorted(set(fold)):
        t0 = time.time()
        tr = (fold != f) & (w > 0)
        te = fold == f
        if learner == "lgbm":
            import lightgbm as lgb
            params = dict(objective="cross_entropy", learning_rate=args.lr,
                          num_leaves=args.leaves, min_data_in_leaf=200,
                          feature_fraction=0.5, bagging_fraction=0.8, bagging_freq=1,
                          lambda_l2=1.0, num_threads=args.threads, verbose=-1,
                          seed=1, max_bin=63)
            ds = lgb.Dataset(X[tr], label=y[tr], weight=w[tr], free_raw_data=True)
            m = lgb.train(params, ds, num_boost_round=args.rounds)
            out[te] = m.predict(X[te], raw_score=True)
        else:
            from sklearn.linear_model import LogisticRegression
            # Soft labels: each row twice, weighted by label and 1 - label.
            Xt = np.nan_to_num(X[tr])
            Xa = np.concatenate([Xt, Xt])
            ya = np.concatenate([np.ones(tr.sum()), np.zeros(tr.sum())])
            wa = np.concatenate([w[tr] * y[tr], w[tr] * (1 - y[tr])])
            keep = wa > 0
            m = LogisticRegression(C=args.C, max_iter=300)
            m.fit(Xa[keep], ya[keep], sample_weight=wa[keep])
            out[te] = m.decision_function(np.nan_to_num(X[te]))
        print(f"fold {f}: {tr.sum()} train rows, {te.sum()} test rows, {time.time()-t0:.0f}s",
              flush=True)
    # Claimed rows are never decided; keep them 0 as the real pipeline does.
    out[d[:, 7] > 0] = 0.0
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dense", required=True)
    ap.add_argument("--variant", default="base", choices=["base", "window", "page", "full", "ctx"])
    ap.add_argument("--learner", default="lgbm", choices=["lgbm", "logreg"])
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--leaves", type=int, default=63)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    t0 = time.time()
    d = load(args.dense)
    if args.variant == "ctx":
        # Only what the shipped second pass sees (its 225 context features).
        X, names = d[:, 50:50 + NCTX].copy(), [f"c{i}" for i in range(NCTX)]
    else:
        X, names, _ = features(d, args.variant)
    print(f"{len(d)} rows, {X.shape[1]} features, built in {time.time()-t0:.0f}s", flush=True)
    out = fit_predict(X, d, args.learner, args)
    out.astype("<f4").tofile(args.out)
    # Weighted log-loss of the OOF logits on the weighted rows, for a quick read.
    w = d[:, 6]
    y = d[:, 5]
    m = w > 0
    p = 1 / (1 + np.exp(-out[m].astype(np.float64)))
    ll = -np.sum(w[m] * (y[m] * np.log(p + 1e-9) + (1 - y[m]) * np.log(1 - p + 1e-9))) / w[m].sum()
    z1 = d[m, 8].astype(np.float64)
    p1 = 1 / (1 + np.exp(-z1))
    ll1 = -np.sum(w[m] * (y[m] * np.log(p1 + 1e-9) + (1 - y[m]) * np.log(1 - p1 + 1e-9))) / w[m].sum()
    print(f"weighted logloss: this {ll:.4f}, first pass {ll1:.4f}; total {time.time()-t0:.0f}s")


if __name__ == "__main__":
    main()
