#!/usr/bin/env python3
"""The peers Taskwire is compared with, on the same trivial function and machine.

Dask distributed (a LocalCluster of 2 worker processes, one thread each) and joblib (loky, 2
processes): the blocking round trip of one call (p50/p99 ms) and the throughput of one fan-out
of N calls. joblib is measured twice: as users get it (automatic batching) and with
batch_size=1, one call per message, as Taskwire sends them. Writes JSON to the file given.
Run with Debian's /usr/bin/python3, which has python3-distributed and python3-joblib.
"""
import argparse
import json
import platform
import sys
import time


def inc(x):
    return x + 1


def latency_figure(name, samples_ns, note):
    s = sorted(samples_ns)
    rank = lambda p: s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))] / 1e6
    return name, {"value": rank(50), "unit": "ms", "n": len(s), "p50": rank(50), "p99": rank(99), "note": note}


def throughput_figure(name, calls, seconds, note):
    return name, {"value": calls / seconds, "unit": "calls/s", "n": calls, "note": note % (calls, seconds)}


def check(results, first):
    wrong = sum(1 for i, r in enumerate(results) if r != first + i + 1)
    if wrong:
        raise SystemExit("%d results are wrong" % wrong)


def timed_fanout(run_all, first, calls):
    """Runs one fan-out of inc over `calls` arguments from `first` on; checks it, returns its seconds."""
    t0 = time.perf_counter()
    results = run_all(range(first, first + calls))
    seconds = time.perf_counter() - t0
    check(results, first)
    return seconds


def dask_figures(args):
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        check(client.gather(client.map(inc, range(args.warmup), pure=False)), 0)
        for i in range(args.warmup // 10):
            client.submit(inc, i, pure=False).result()
        samples = []
        for i in range(args.latency_calls):
            t0 = time.perf_counter_ns()
            r = client.submit(inc, i, pure=False).result()
            samples.append(time.perf_counter_ns() - t0)
            assert r == i + 1
        yield latency_figure("dask_call_latency", samples, "client.submit(inc, i).result(), LocalCluster of 2 processes")
        seconds = timed_fanout(lambda xs: client.gather(client.map(inc, xs, pure=False)), 1_000_000,
                               args.fanout_calls)
        yield throughput_figure("dask_fanout_throughput", args.fanout_calls, seconds,
                                "client.gather(client.map(inc, range(%d))) in %.2f s, 2 worker processes")
        # A three-step pipeline per key, each step's future passed as the next step's argument.
        keys = args.pipeline_keys
        t0 = time.perf_counter()
        last = [client.submit(inc, client.submit(inc, client.submit(inc, k, pure=False), pure=False), pure=False)
                for k in range(keys)]
        results = client.gather(last)
        seconds = time.perf_counter() - t0
        wrong = sum(1 for k, r in enumerate(results) if r != k + 3)
        if wrong:
            raise SystemExit("%d pipeline results are wrong" % wrong)
        yield throughput_figure("dask_steps_futures", 3 * keys, seconds,
                                "inc(inc(inc(k))) by client.submit with futures as arguments: %d calls in %.2f s")


def step_after(x, ms):
    time.sleep(ms / 1000)
    return x + 1


def sum_after(values, ms):
    time.sleep(ms / 1000)
    return sum(values)


def dask_dag_figures(args):
    """Issue 25's DAG: design points x (sims -> one-to-one recos -> merge), calls of DAG_MS ms, 2 workers."""
    from dask.distributed import Client, LocalCluster, as_completed
    points, keys, ms = 3, 12, 50
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.gather(client.map(inc, range(args.warmup), pure=False))
        best = None
        for _ in range(1 if args.pipeline_keys < 1000 else 3):
            t0 = time.perf_counter()
            merges = []
            for p in range(points):
                sims = [client.submit(step_after, p * 1000 + k, ms, pure=False) for k in range(keys)]
                recos = [client.submit(step_after, s, ms, pure=False) for s in sims]
                merges.append(client.submit(sum_after, recos, ms, pure=False))
            times = []
            for future in as_completed(merges):
                future.result()
                times.append(time.perf_counter() - t0)
            first, last = min(times) * 1000, max(times) * 1000
            best = (first, last) if best is None or last < best[1] else best
        note = "%d design points x (%d sims -> %d recos -> merge) of %d ms by client.submit with futures, " \
               "LocalCluster of 2 processes" % (points, keys, keys, ms)
        calls = points * (2 * keys + 1)
        yield "dask_dag_first_merge", {"value": best[0], "unit": "ms", "n": calls, "note": "the first merge, " + note}
        yield "dask_dag_makespan", {"value": best[1], "unit": "ms", "n": calls, "note": "the last merge, " + note}


def joblib_figures(args):
    from joblib import Parallel, delayed
    with Parallel(n_jobs=2, backend="loky") as parallel:
        check(parallel(delayed(inc)(i) for i in range(args.warmup)), 0)
        samples = []
        for i in range(args.latency_calls):
            t0 = time.perf_counter_ns()
            r = parallel([delayed(inc)(i)])
            samples.append(time.perf_counter_ns() - t0)
            assert r == [i + 1]
        yield latency_figure("joblib_call_latency", samples, "Parallel(n_jobs=2, backend='loky')([delayed(inc)(i)])")
        seconds = timed_fanout(lambda xs: parallel(delayed(inc)(i) for i in xs), 1_000_000, args.fanout_calls)
        yield throughput_figure("joblib_fanout_throughput", args.fanout_calls, seconds,
                                "Parallel(n_jobs=2, backend='loky') over %d calls in %.2f s, automatic batching")
    with Parallel(n_jobs=2, backend="loky", batch_size=1) as parallel:
        check(parallel(delayed(inc)(i) for i in range(args.warmup)), 0)
        seconds = timed_fanout(lambda xs: parallel(delayed(inc)(i) for i in xs), 2_000_000, args.fanout_calls)
        yield throughput_figure("joblib_fanout_throughput_unbatched", args.fanout_calls, seconds,
                                "the same with batch_size=1, one call per message: %d calls in %.2f s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-calls", type=int, default=1000)
    parser.add_argument("--fanout-calls", type=int, default=10000)
    parser.add_argument("--warmup", type=int, default=2000)
    parser.add_argument("--pipeline-keys", type=int, default=1000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import dask
    import distributed
    import joblib
    figures = {}
    for produce in (dask_figures, dask_dag_figures, joblib_figures):
        for name, figure in produce(args):
            print("peers: %s = %.4g %s" % (name, figure["value"], figure["unit"]), file=sys.stderr)
            figures[name] = figure
    versions = {"python": platform.python_version(), "dask": dask.__version__,
                "distributed": distributed.__version__, "joblib": joblib.__version__}
    with open(args.out, "w") as out:
        json.dump({"versions": versions, "figures": figures}, out, indent=2)


if __name__ == "__main__":
    main()
