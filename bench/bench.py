"""Benchmark of the tiering job at several sizes, with a DuckDB reference for the feature stage.

Started by bench/run.sh (which prepares bench/.venv and builds the job); see bench/README.md.
Per size: generate (or reuse) the data set, then REPEAT times, interleaved, the DuckDB reference
and the whole job on a fresh warehouse; stage times come from the run's run_summary table.
Progress goes to stderr; the Markdown report goes to stdout and to bench/results/.
"""

import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

import duckdb

import duckdb_features

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
LOCAL_SH = os.path.join(ROOT, "jobs", "local.sh")
AS_OF = "2026-11-21"  # also the generator's --end-date
SEED = 7
CONFIG = os.path.join(ROOT, "conf", "local.conf")
DEFAULT_SIZES = [400, 10_000, 100_000, 1_000_000, 5_000_000]
STAGE_LINE = re.compile(r"\bstage (\S+)\s+([0-9]+(?:\.[0-9]+)?) s\b")
USAGE = """usage: bench/run.sh [CUSTOMERS ...]     (default: 400 10000 100000 1000000 5000000)
environment: REPEAT (3), BENCH_DATA (/tmp/bench-data), BENCH_WORK (/tmp/bench-work),
             DRIVER_MEMORY (4g, the job's JVM heap), DUCKDB_THREADS (2), BENCH_KEEP=1 keeps warehouses,
             BENCH_RESULTS (bench/results)"""


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Failure(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Running things


def run_measured(cmd, log_path, env=None, cwd=ROOT):
    """Runs cmd with stdout+stderr to log_path; returns (exit code, wall seconds, peak RSS in KiB).

    The peak RSS is the child's own ru_maxrss from wait4 (what /usr/bin/time -v reports as
    "Maximum resident set size"): jobs/local.sh execs java, so the child is the job's JVM.
    """
    with open(log_path, "wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_maxrss


def tail(path, lines=25):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def job_env():
    env = dict(os.environ)
    env["DRIVER_MEMORY"] = driver_memory()
    return env


def driver_memory():
    return os.environ.get("DRIVER_MEMORY") or "4g"


def jar_path():
    return os.path.join(ROOT, "target", "value-tiering-0.1.0-SNAPSHOT.jar")


def ensure_built(work):
    """Builds the job if its sources changed (jobs/local.sh does it on any call), outside any timing."""
    path = os.path.join(work, "build.log")
    code, wall, _ = run_measured([LOCAL_SH, "--help"], path, env=job_env())
    if code != 0:
        raise Failure(f"jobs/local.sh --help failed (exit {code}), the build is broken:\n{tail(path)}")
    with open(path, errors="replace") as f:
        rebuilt = "building (mvn package)" in f.read()
    if rebuilt:
        log(f"built the job ({wall:.0f} s, not timed)")
    return os.path.getmtime(jar_path())


# --------------------------------------------------------------------------------------------
# Data sets


def dataset(size, data_root, work):
    """The cached data set of `size` customers; generated when absent (untimed, but recorded)."""
    path = os.path.join(data_root, f"customers-{size}")
    marker = os.path.join(path, ".bench-complete")
    info = {"path": path, "generated_now": False}
    if not os.path.exists(marker):
        if os.path.exists(path):
            # Not made by the benchmark (no marker): maybe someone else's data, so never deleted here.
            raise Failure(f"{path} exists but has no .bench-complete marker, so the benchmark did not make it: "
                          f"remove it or point BENCH_DATA elsewhere")
        tmp = path + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)  # an interrupted generation of the benchmark's own
        os.makedirs(data_root, exist_ok=True)
        cmd = [LOCAL_SH, "generate", "--customers", str(size), "--seed", str(SEED), "--end-date", AS_OF,
               "--output", tmp]
        log(f"generating {size:,} customers into {path} ...")
        glog = os.path.join(work, "generate.log")
        code, wall, rss = run_measured(cmd, glog, env=job_env())
        if code != 0:
            raise Failure(f"generate failed (exit {code}); log {glog}:\n{tail(glog)}")
        os.rename(tmp, path)
        with open(marker, "w") as f:
            json.dump({"command": " ".join(cmd[1:]).replace(tmp, path), "seconds": wall, "peak_rss_kib": rss,
                       "created": dt.datetime.now().isoformat(timespec="seconds")}, f)
        info["generated_now"] = True
        log(f"generated in {wall:.0f} s, peak RSS {rss / 2**20:.1f} GiB")
    with open(marker) as f:
        info["generation"] = json.load(f)
    info["transactions_bytes"] = sum(
        e.stat().st_size for e in os.scandir(os.path.join(path, "transactions")) if e.name.endswith(".parquet"))
    return info


# --------------------------------------------------------------------------------------------
# One measurement of each side


def run_duckdb(data_dir, work, repeat, threads):
    out = os.path.join(work, f"duckdb-features-{repeat}.parquet")
    dlog = os.path.join(work, f"duckdb-{repeat}.log")
    cmd = [sys.executable, os.path.join(BENCH, "duckdb_features.py"), "--input", data_dir, "--as-of", AS_OF,
           "--output", out, "--threads", str(threads), "--temp-dir", os.path.join(work, "duckdb-tmp")]
    code, wall, rss = run_measured(cmd, dlog)
    if code != 0:
        raise Failure(f"DuckDB reference failed (exit {code}); log {dlog}:\n{tail(dlog)}")
    with open(dlog) as f:
        result = json.loads(f.read().strip().splitlines()[-1])
    result.update({"process_wall_seconds": wall, "peak_rss_kib": rss, "log": dlog})
    return result


def run_help(work, repeat):
    """Wall seconds of `jobs/local.sh --help`: the JVM's own start-up, the floor under any run."""
    ensure_built(work)
    code, wall, _ = run_measured([LOCAL_SH, "--help"], os.path.join(work, f"help-{repeat}.log"), env=job_env())
    if code != 0:
        raise Failure(f"jobs/local.sh --help failed (exit {code})")
    return wall


def run_job(data_dir, work, repeat):
    jar_mtime = ensure_built(work)  # a source edit since the last run would otherwise be built inside the timing
    warehouse = os.path.join(work, f"warehouse-{repeat}")
    shutil.rmtree(warehouse, ignore_errors=True)
    jlog = os.path.join(work, f"job-{repeat}.log")
    cmd = [LOCAL_SH, "run", "--as-of", AS_OF, "--input", data_dir, "--warehouse", warehouse, "--config", CONFIG]
    code, wall, rss = run_measured(cmd, jlog, env=job_env())
    with open(jlog, errors="replace") as f:
        text = f.read()
    if code != 0:
        raise Failure(f"job run failed (exit {code}); log {jlog}:\n{tail(jlog)}")
    logged = [(m.group(1), float(m.group(2))) for m in STAGE_LINE.finditer(text)]
    summary = read_run_summary(warehouse)
    if summary is None:  # the progress lines carry the counts too
        read = re.search(r"stage validate .*?\b([0-9]+) rows read, [0-9]+ accepted, ([0-9]+) rejected", text)
        customers = re.search(r"stage features .*?\b([0-9]+) customers", text)
        if not (logged and read and customers):
            raise Failure(f"neither run_summary nor the log's stage lines give the figures; log {jlog}")
        summary = {"stage_seconds": dict(logged), "rows_read": int(read.group(1)),
                   "rows_rejected": int(read.group(2)), "customers": int(customers.group(1)), "source": "log"}
    stages = summary["stage_seconds"]
    order = [name for name, _ in logged] + [s for s in stages if s not in {n for n, _ in logged}]
    return {
        "wall_seconds": wall,
        "peak_rss_kib": rss,
        "stage_seconds": {s: stages[s] for s in order if s in stages},
        "figures_source": summary.get("source", "run_summary"),
        "rows_read": summary["rows_read"],
        "rows_rejected": summary["rows_rejected"],
        "customers": summary["customers"],
        "k": summary.get("k"),
        "rebuilt_during_run": "building (mvn package)" in text,
        "jar_mtime": jar_mtime,
        "jar_changed_during_run": os.path.getmtime(jar_path()) != jar_mtime,
        "warehouse": warehouse,
        "log": jlog,
    }


def catalog(warehouse):
    from pyiceberg.catalog.sql import SqlCatalog
    return SqlCatalog("lake", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")


def read_run_summary(warehouse):
    try:
        rows = catalog(warehouse).load_table("tiering.run_summary").scan().to_arrow().to_pylist()
    except Exception as e:  # noqa: BLE001 - fall back to the log lines, and say so
        log(f"warning: cannot read run_summary ({type(e).__name__}: {e}); using the log's stage lines")
        return None
    row = rows[-1]
    row["stage_seconds"] = dict(row["stage_seconds"])  # pyarrow gives a map as (key, value) pairs
    return row


# --------------------------------------------------------------------------------------------
# Do both compute the same thing?


def agreement_check(data_dir, warehouse, reference_parquet, threads, work):
    """Compares the job's customer_features with the DuckDB reference on aggregates and per customer."""
    t = catalog(warehouse).load_table("tiering.customer_features")
    job = t.scan(selected_fields=("customer_id", *duckdb_features.FEATURE_COLUMNS)).to_arrow()
    con = duckdb_features.connect(threads, os.path.join(work, "duckdb-tmp"))
    con.register("job", job)
    con.execute(f"CREATE TABLE ref AS SELECT * FROM read_parquet('{reference_parquet}')")
    started = time.perf_counter()
    con.execute(f"CREATE TABLE strict AS {duckdb_features.features_sql(con, data_dir, AS_OF, strict=True)}")
    strict_seconds = time.perf_counter() - started

    def aggregates(table):
        c, m, f, p = con.execute(f"SELECT COUNT(*), SUM(monetary), SUM(frequency), SUM(profit) FROM {table}").fetchone()
        return {"customers": int(c), "sum_monetary": str(m), "sum_frequency": int(f), "sum_profit": str(p)}

    result = {"job": aggregates("job"), "duckdb": aggregates("ref"), "duckdb_strict": aggregates("strict"),
              "duckdb_strict_seconds": strict_seconds}
    # Per customer, job vs strict reference: exact for integers and decimals, 1e-9 relative for doubles.
    doubles = {"margin", "avg_order_value", "category_breadth", "growth"}
    differs = []
    for c in duckdb_features.FEATURE_COLUMNS:
        if c in doubles:
            differs.append(f"SUM(CASE WHEN NOT ((j.{c} IS NULL AND s.{c} IS NULL) OR "
                           f"abs(j.{c} - s.{c}) <= 1e-9 * greatest(abs(s.{c}), 1)) THEN 1 ELSE 0 END) AS {c}")
        else:
            differs.append(f"SUM(CASE WHEN j.{c} IS DISTINCT FROM s.{c} THEN 1 ELSE 0 END) AS {c}")
    row = con.execute(f"""
        SELECT SUM(CASE WHEN j.customer_id IS NULL THEN 1 ELSE 0 END) AS only_duckdb,
               SUM(CASE WHEN s.customer_id IS NULL THEN 1 ELSE 0 END) AS only_job,
               {", ".join(differs)}
        FROM job j FULL OUTER JOIN strict s ON j.customer_id = s.customer_id""").fetchone()
    names = ["only_in_duckdb_strict", "only_in_job"] + duckdb_features.FEATURE_COLUMNS
    result["per_customer_vs_strict"] = {n: int(v or 0) for n, v in zip(names, row)}
    result["per_customer_agree"] = all(v == 0 for v in result["per_customer_vs_strict"].values())
    result["aggregates_agree_strict"] = result["job"] == result["duckdb_strict"]
    con.close()
    return result


# --------------------------------------------------------------------------------------------
# Machine and report


def machine_info():
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    pom = open(os.path.join(ROOT, "pom.xml")).read()

    def prop(name):
        m = re.search(f"<{name}>([^<]+)</{name}>", pom)
        return m.group(1) if m else "?"

    def git(*args):
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT).stdout.strip()

    return {
        "hostname": socket.gethostname(),
        "cores": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 2**20, 1),
        "os": f"{platform.system()} {platform.release()}",
        "java_version": java,
        "spark": prop("spark.version"),
        "iceberg": prop("iceberg.version"),
        "spark_master": os.environ.get("SPARK_MASTER", "local[*]"),
        "driver_memory": driver_memory(),
        "duckdb": duckdb.__version__,
        "python": platform.python_version(),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_uncommitted_files": len([l for l in git("status", "--porcelain", "--untracked-files=no").splitlines() if l]),
        "load_average_at_start": os.getloadavg(),
    }


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(size_result):
    runs = size_result["runs"]
    stages = []
    for r in runs:
        stages += [s for s in r["job"]["stage_seconds"] if s not in stages]
    stage_med = {s: med([r["job"]["stage_seconds"].get(s) for r in runs]) for s in stages}
    first = runs[0]["job"]
    m = {
        "rows_read": first["rows_read"],
        "customers": first["customers"],
        "stages": stages,
        "stage_seconds": stage_med,
        "stage_seconds_min": {s: min(r["job"]["stage_seconds"].get(s, float("inf")) for r in runs) for s in stages},
        "stage_seconds_max": {s: max(r["job"]["stage_seconds"].get(s, 0.0) for r in runs) for s in stages},
        "sum_of_stages": med([sum(r["job"]["stage_seconds"].values()) for r in runs]),
        "wall_seconds": med([r["job"]["wall_seconds"] for r in runs]),
        "wall_seconds_all": [r["job"]["wall_seconds"] for r in runs],
        "peak_rss_kib": med([r["job"]["peak_rss_kib"] for r in runs]),
        "peak_rss_kib_max": max(r["job"]["peak_rss_kib"] for r in runs),
        "duckdb_seconds": med([r["duckdb"]["seconds"] for r in runs]),
        "duckdb_seconds_all": [r["duckdb"]["seconds"] for r in runs],
        "duckdb_peak_rss_kib": med([r["duckdb"]["peak_rss_kib"] for r in runs]),
        "help_seconds": med([r.get("help_seconds") for r in runs]),
    }
    rvf = [sum(r["job"]["stage_seconds"].get(s, 0.0) for s in ("read", "validate", "features")) for r in runs]
    m["read_validate_features"] = med(rvf)
    d = m["duckdb_seconds"]
    m["ratio_features"] = stage_med.get("features") / d if stage_med.get("features") and d else None
    m["ratio_read_validate_features"] = m["read_validate_features"] / d if d else None
    m["ratio_wall_duckdb"] = m["wall_seconds"] / d if d else None
    h = m["help_seconds"]
    m["ratio_wall_help"] = m["wall_seconds"] / h if h else None
    m["builds"] = len({r["job"]["jar_mtime"] for r in runs})
    m["rebuilt_or_jar_changed"] = m["builds"] > 1 or any(
        r["job"]["rebuilt_during_run"] or r["job"]["jar_changed_during_run"] for r in runs)
    return m


def fmt_s(x):
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def fmt_rate(x):
    if x is None:
        return "–"
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def fmt_x(ratio):
    return f"{ratio:.1f}×" if ratio else "–"


def gib(kib):
    return f"{kib / 2**20:.2f} GiB" if kib is not None else "–"


def report(results):
    mach, sizes = results["machine"], results["sizes"]
    out = []
    w = out.append
    w(f"# Benchmark {results['date']} on {mach['hostname']}")
    w("")
    w(f"Command: `{results['command']}` — {results['repeat']} repeat(s) per size, DuckDB and the job "
      f"interleaved (DuckDB, job, DuckDB, job, …); figures are medians unless said otherwise.")
    w("")
    w("| machine | |")
    w("|---|---|")
    w(f"| cores | {mach['cores']} ({mach['cpu']}) |")
    w(f"| memory | {mach['memory_gib']} GiB |")
    w(f"| java -version | {' / '.join(mach['java_version'])} |")
    w(f"| job | Spark {mach['spark']} `{mach['spark_master']}`, Iceberg {mach['iceberg']}, "
      f"driver heap `-Xmx{mach['driver_memory']}`, git {mach['git_commit']}"
      f"{' + %d uncommitted files' % mach['git_uncommitted_files'] if mach['git_uncommitted_files'] else ''} |")
    w(f"| DuckDB | {mach['duckdb']} (Python {mach['python']}), threads = {results['duckdb_threads']} |")
    w(f"| OS | {mach['os']} |")
    w(f"| load average (1, 5, 15 min) | at start {' '.join('%.2f' % x for x in mach['load_average_at_start'])}, "
      f"at end {' '.join('%.2f' % x for x in mach.get('load_average_at_end', []))} |")
    w("")

    stages = []
    for s in sizes:
        stages += [x for x in s["summary"]["stages"] if x not in stages]
    w("## Summary")
    w("")
    w("Stage columns: median seconds of each stage (`run_summary.stage_seconds`). *wall*: the whole "
      "`jobs/local.sh run` process, JVM start to exit. *rows/s*: transaction rows read ÷ median wall. "
      "*peak RSS*: the job JVM's maximum resident set size. *DuckDB*: the customer features (docs/methods.md) to Parquet "
      "(median seconds). *f÷D*: job `features` stage ÷ DuckDB; *rvf÷D*: job read + validate + features ÷ DuckDB; "
      "*wall÷D*: the job's wall ÷ DuckDB; *help*: `jobs/local.sh --help` (JVM start-up only) and *wall÷help*.")
    w("")
    w("| customers | rows | " + " | ".join(stages) + " | wall | rows/s | peak RSS | DuckDB | f÷D | rvf÷D | wall÷D | help | wall÷help |")
    w("|---:|---:|" + "---:|" * len(stages) + "---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        m = s["summary"]
        cells = [f"{s['size']:,}", f"{m['rows_read']:,}"] + [fmt_s(m["stage_seconds"].get(x)) for x in stages]
        cells += [fmt_s(m["wall_seconds"]), fmt_rate(m["rows_read"] / m["wall_seconds"]), gib(m["peak_rss_kib"]),
                  fmt_s(m["duckdb_seconds"]),
                  fmt_x(m["ratio_features"]), fmt_x(m["ratio_read_validate_features"]),
                  fmt_x(m["ratio_wall_duckdb"]), fmt_s(m["help_seconds"]), fmt_x(m["ratio_wall_help"])]
        w("| " + " | ".join(cells) + " |")
    w("")

    if len(sizes) > 1:
        w("## Scaling")
        w("")
        w("Time ratio between consecutive sizes against the ratio of rows: equal means linear scaling.")
        w("")
        w("| from → to | rows ratio | wall ratio | sum of stages ratio | features ratio | DuckDB ratio |")
        w("|---|---:|---:|---:|---:|---:|")
        for a, b in zip(sizes, sizes[1:]):
            ma, mb = a["summary"], b["summary"]

            def ratio(key, sub=None):
                x = ma[key] if sub is None else ma[key].get(sub)
                y = mb[key] if sub is None else mb[key].get(sub)
                return f"{y / x:.2f}" if x and y else "–"
            w(f"| {a['size']:,} → {b['size']:,} | {mb['rows_read'] / ma['rows_read']:.2f} | {ratio('wall_seconds')} | "
              f"{ratio('sum_of_stages')} | {ratio('stage_seconds', 'features')} | {ratio('duckdb_seconds')} |")
        w("")

    for s in sizes:
        m = s["summary"]
        w(f"## {s['size']:,} customers")
        w("")
        gen = s["data"]["generation"]
        w(f"Data `{s['data']['path']}`: {m['rows_read']:,} transaction rows "
          f"({s['data']['transactions_bytes'] / 2**20:.0f} MiB of Parquet), {m['customers']:,} customers graded; "
          f"generated in {gen['seconds']:.0f} s (peak RSS {gib(gen['peak_rss_kib'])}), "
          f"{'now' if s['data']['generated_now'] else 'reused from the cache'}.")
        w("")
        w("Per stage (rows/s: transaction rows read ÷ median seconds of the stage):")
        w("")
        w("| stage | median s | min – max s | rows/s |")
        w("|---|---:|---:|---:|")
        for x in m["stages"]:
            sec = m["stage_seconds"][x]
            w(f"| {x} | {fmt_s(sec)} | {fmt_s(m['stage_seconds_min'][x])} – {fmt_s(m['stage_seconds_max'][x])} | "
              f"{fmt_rate(m['rows_read'] / sec) if sec else '–'} |")
        w(f"| sum of stages | {fmt_s(m['sum_of_stages'])} | | {fmt_rate(m['rows_read'] / m['sum_of_stages'])} |")
        w(f"| **end to end (wall)** | **{fmt_s(m['wall_seconds'])}** | "
          f"{fmt_s(min(m['wall_seconds_all']))} – {fmt_s(max(m['wall_seconds_all']))} | "
          f"{fmt_rate(m['rows_read'] / m['wall_seconds'])} |")
        w("")
        w(f"Job peak RSS {gib(m['peak_rss_kib'])} (max {gib(m['peak_rss_kib_max'])}). "
          f"DuckDB features: median {fmt_s(m['duckdb_seconds'])} s "
          f"(runs {', '.join(fmt_s(x) for x in m['duckdb_seconds_all'])}), peak RSS {gib(m['duckdb_peak_rss_kib'])}. "
          f"Job `features` ÷ DuckDB = **{fmt_x(m['ratio_features'])}**; "
          f"read + validate + features ({fmt_s(m['read_validate_features'])} s) ÷ DuckDB = "
          f"**{fmt_x(m['ratio_read_validate_features'])}**. (The job's `features` stage starts from validated rows "
          f"cached by `validate` and also computes the credit features from invoices; DuckDB reads the "
          f"Parquet files, applies the simple validity filter and computes the transaction features only.)")
        if m["rebuilt_or_jar_changed"]:
            w("")
            w("**Warning:** the sources changed and the job was rebuilt between or during these runs: "
              "they mix builds.")
        c = s.get("check")
        if c:
            w("")
            w("Agreement check (job's `customer_features` of repeat 1 vs the DuckDB reference):")
            w("")
            w("| | customers | sum of monetary | sum of frequency | sum of profit |")
            w("|---|---:|---:|---:|---:|")
            for label, key in (("job", "job"), ("DuckDB, simple filter (timed)", "duckdb"),
                               ("DuckDB, the job's validity rules (untimed)", "duckdb_strict")):
                a = c[key]
                w(f"| {label} | {a['customers']:,} | {a['sum_monetary']} | {a['sum_frequency']:,} | {a['sum_profit']} |")
            w("")
            diffs = {k: v for k, v in c["per_customer_vs_strict"].items() if v}
            w("Per customer, job vs DuckDB with the job's validity rules, all ten features: "
              + ("**identical** for every customer (decimals and integers exact, doubles within 1e-9)."
                 if c["per_customer_agree"] else f"**differences**: {diffs}."))
            w("The simple filter differs from the job only by the rows it does not reject (exact duplicate "
              "lines, negative cost).")
        w("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(USAGE)
        return 0
    try:
        sizes = [int(a.replace("_", "")) for a in argv] or DEFAULT_SIZES
        if any(s <= 0 for s in sizes):
            raise ValueError
    except ValueError:
        print(f"bench: error: sizes must be positive integers, got {' '.join(argv)}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        repeat = int(os.environ.get("REPEAT", "3"))
        threads = int(os.environ.get("DUCKDB_THREADS", "2"))
        if repeat < 1 or threads < 1:
            raise ValueError
    except ValueError:
        print("bench: error: REPEAT and DUCKDB_THREADS must be positive integers", file=sys.stderr)
        return 2
    sizes = sorted(set(sizes))
    data_root = os.path.abspath(os.environ.get("BENCH_DATA") or "/tmp/bench-data")
    work_root = os.path.abspath(os.environ.get("BENCH_WORK") or "/tmp/bench-work")
    results_dir = os.path.abspath(os.environ.get("BENCH_RESULTS") or os.path.join(BENCH, "results"))
    keep = os.environ.get("BENCH_KEEP") == "1"

    now = dt.datetime.now()
    results = {
        "date": now.date().isoformat(),
        "started": now.isoformat(timespec="seconds"),
        "command": "REPEAT=%d bench/run.sh %s" % (repeat, " ".join(str(s) for s in sizes)),
        "repeat": repeat,
        "duckdb_threads": threads,
        "as_of": AS_OF,
        "seed": SEED,
        "window_days": duckdb_features.WINDOW_DAYS,
        "data_root": data_root,
        "work_root": work_root,
        "machine": machine_info(),
        "sizes": [],
    }
    try:
        os.makedirs(work_root, exist_ok=True)
        ensure_built(work_root)
        for size in sizes:
            work = os.path.join(work_root, f"customers-{size}")
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            data = dataset(size, data_root, work)
            entry = {"size": size, "data": data, "runs": []}
            for r in range(1, repeat + 1):
                log(f"{size:,} customers, repeat {r}/{repeat}: DuckDB ...")
                ref = run_duckdb(data["path"], work, r, threads)
                log(f"  DuckDB {ref['seconds']:.2f} s, {ref['customers']:,} customers; job ...")
                job = run_job(data["path"], work, r)
                log(f"  job {job['wall_seconds']:.1f} s wall, peak RSS {job['peak_rss_kib'] / 2**20:.2f} GiB, "
                    f"stages {', '.join(f'{k} {v:.1f}' for k, v in job['stage_seconds'].items())}")
                if r == 1:
                    log("  agreement check (job customer_features vs DuckDB) ...")
                    entry["check"] = agreement_check(data["path"], job["warehouse"], ref["output"], threads, work)
                    log(f"  agreement: {entry['check']['job']} vs strict {entry['check']['duckdb_strict']}; "
                        f"per customer agree = {entry['check']['per_customer_agree']}")
                if not keep:
                    shutil.rmtree(job["warehouse"], ignore_errors=True)
                os.remove(ref["output"])
                help_seconds = run_help(work, r)
                log(f"  jobs/local.sh --help {help_seconds:.1f} s")
                entry["runs"].append({"repeat": r, "duckdb": ref, "job": job, "help_seconds": help_seconds})
            entry["summary"] = summarize(entry)
            results["sizes"].append(entry)
            shutil.rmtree(os.path.join(work, "duckdb-tmp"), ignore_errors=True)
    except Failure as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = os.getloadavg()

    text = report(results)
    os.makedirs(results_dir, exist_ok=True)
    base = os.path.join(results_dir, f"{results['date']}-{results['machine']['hostname']}")
    n, stem = 2, base
    while os.path.exists(stem + ".md") or os.path.exists(stem + ".json"):  # never overwrite an earlier run
        stem, n = f"{base}-{n}", n + 1
    with open(stem + ".md", "w") as f:
        f.write(text + "\n")
    with open(stem + ".json", "w") as f:
        json.dump(results, f, indent=2, default=str)
        f.write("\n")
    print(text)
    log(f"results: {os.path.relpath(stem, ROOT)}.md and .json")
    agree = all(s["check"]["per_customer_agree"] for s in results["sizes"] if "check" in s)
    if not agree:
        log("warning: the job's customer_features and the DuckDB reference disagree (see the report)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
