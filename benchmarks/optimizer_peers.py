#!/usr/bin/env python3
"""Optuna's samplers on the problems of Taskwire's optimiser benchmark (OptimizerScenarios.java).

The same functions, spaces, budgets, reference points and metrics; Optuna asks one trial at a time
(q=1) where Taskwire's row asks several. GPSampler (a GP with log EI, or log EHVI for several
objectives), TPESampler and NSGAIISampler, each seeded 1..N. A noisy problem is told noisy values
and scored on the true values of the points evaluated, as BoTorch's tutorials score them.

Needs optuna (and torch, scipy for GPSampler); run.sh skips it, with a note, where pip has none.
Writes JSON rows {problem, method, q, budget, values[]} to the file given.
"""
import argparse
import json
import math
import time

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)

HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
              [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
              [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def branin(u, v):
    a = v - 5.1 / (4 * math.pi ** 2) * u * u + 5 / math.pi * u - 6
    return a * a + 10 * (1 - 1 / (8 * math.pi)) * math.cos(u) + 10


def hartmann6(x):
    s = 0.0
    for i in range(4):
        s += HARTMANN_ALPHA[i] * math.exp(-sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2 for j in range(6)))
    return -s


def branin_currin(x0, x1):
    currin = (1 - (math.exp(-1 / (2 * x1)) if x1 > 0 else 0.0)) * (2300 * x0 ** 3 + 1900 * x0 ** 2 + 2092 * x0 + 60) \
        / (100 * x0 ** 3 + 500 * x0 ** 2 + 4 * x0 + 20)
    return branin(15 * x0 - 5, 15 * x1), currin


def dtlz2(x):
    g = sum((xi - 0.5) ** 2 for xi in x[1:])
    return (1 + g) * math.cos(x[0] * math.pi / 2), (1 + g) * math.sin(x[0] * math.pi / 2)


def hypervolume_2d(points, ref):
    front = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    hv, best1 = 0.0, ref[1]
    for f1, f2 in front:
        if f2 < best1:
            hv += (ref[0] - f1) * (best1 - f2)
            best1 = f2
    return hv


def unit(trial, d):
    return [trial.suggest_float("x%d" % i, 0, 1) for i in range(d)]


# name -> (objectives, budget, evaluate(trial, rng) -> (told, true), score(list of true values))
PROBLEMS = {
    "Branin": (1, 30, lambda t, r: (lambda f: (f, f))(branin(t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15))),
               lambda ys: min(ys) - 0.397887),
    "Hartmann-6": (1, 60, lambda t, r: (lambda f: (f, f))(hartmann6(unit(t, 6))), lambda ys: min(ys) + 3.32237),
    "BraninCurrin": (2, 40, lambda t, r: (lambda f: (f, f))(branin_currin(*unit(t, 2))),
                     lambda ys: hypervolume_2d(ys, (18, 6))),
    "DTLZ2": (2, 60, lambda t, r: (lambda f: (f, f))(dtlz2(unit(t, 6))), lambda ys: hypervolume_2d(ys, (1.1, 1.1))),
    "noisy BraninCurrin": (2, 86, lambda t, r: (lambda f: ((f[0] + 15.19 * r.standard_normal(),
                                                            f[1] + 0.63 * r.standard_normal()), f))(
        branin_currin(*unit(t, 2))), lambda ys: hypervolume_2d(ys, (18, 6))),
    "noisy Hartmann-6": (1, 70, lambda t, r: (lambda f: (f + 0.25 * r.standard_normal(), f))(hartmann6(unit(t, 6))),
                         lambda ys: -min(ys)),
}


def sampler(method, seed, objectives):
    if method == "optuna-gp":
        return optuna.samplers.GPSampler(seed=seed)
    if method == "optuna-tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=objectives > 1)
    return optuna.samplers.NSGAIISampler(seed=seed)


def run(problem, method, seed):
    objectives, budget, evaluate, score = PROBLEMS[problem]
    study = optuna.create_study(directions=["minimize"] * objectives, sampler=sampler(method, seed, objectives))
    rng = np.random.default_rng(seed)
    truths = []

    def objective(trial):
        told, true = evaluate(trial, rng)
        truths.append(true)
        return told

    study.optimize(objective, n_trials=budget)
    return score(truths)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default="", help="comma-separated problems")
    args = parser.parse_args()
    rows = []
    for problem, (objectives, budget, _, _) in PROBLEMS.items():
        if args.only and problem not in args.only.split(","):
            continue
        methods = ["optuna-gp", "optuna-tpe"] + (["optuna-nsga2"] if objectives > 1 else [])
        for method in methods:
            t0 = time.perf_counter()
            values = [run(problem, method, seed) for seed in range(1, args.seeds + 1)]
            seconds = time.perf_counter() - t0
            rows.append({"problem": problem, "method": method, "q": 1, "budget": budget, "values": values,
                         "secondsPerTrial": seconds / (args.seeds * budget), "note": "optuna " + optuna.__version__})
            print("%s, %s: %.4g ± %.2g (%.2f s per trial)" % (problem, method, np.mean(values),
                  np.std(values, ddof=1) / math.sqrt(len(values)) if len(values) > 1 else 0,
                  seconds / (args.seeds * budget)), flush=True)
            with open(args.out, "w") as f:
                json.dump({"optuna": optuna.__version__, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
