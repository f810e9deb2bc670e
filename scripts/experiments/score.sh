#!/bin/sh
# Scores external per-row logits (f32, dump order) with fit_model's real decision
# (shipped settings: switch penalty 2, prose floor 0.05, prose bias 1.5) and the
# exact eval scoring, over a bias grid. Usage: score.sh SCORES.f32 [BIASES]
# (experiment 17; paths as run in /work/exp17 with the exp17 worktree build)
S=$1; B=${2:-0,0.5,1,1.5,2,2.25,2.5,3,3.5}
RAYON_NUM_THREADS=2 /work/wt-exp17/target/release/examples/fit_model /work/shared/corpus/wcxb-dev \
  --cv-only --scores "$S" --penalty 2 --prose-floor 0.05 --prose-bias 1.5 --biases "$B" \
  > "${S%.f32}.report" 2> "${S%.f32}.report.err"
