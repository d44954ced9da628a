"""The whole job with its input and its lake on an S3-API object store, next to the same run on
local disk (`bench/run.sh object-store [CUSTOMERS ...]`, default 1,000,000; docs/performance.md, "On object
storage").

For each size: the benchmark's data set (bench.py's, generated once) is uploaded to
s3://raw/bench-<size>/ on jobs/object-store.sh (moto's S3 server on 127.0.0.1), then REPEAT times,
alternating, the job runs on local disk (embedded catalog) and on the store (input read through
S3A, tables written through Iceberg's S3FileIO, Iceberg's JDBC catalog in a local SQLite file).
Wall seconds are the `jobs/local.sh run` process's; stage seconds its log's stage lines.
"""

import json
import os
import shutil
import subprocess
import sys
import time

import boto3
from boto3.s3.transfer import TransferConfig

import bench
from bench import AS_OF, CONFIG, LOCAL_SH, STAGE_LINE, Failure, log, med, run_measured

PORT = os.environ.get("OBJECT_STORE_PORT", "9000")
STATE = os.path.join(bench.ROOT, "target", "object-store")


def store(command):
    env = {**os.environ, "VENV": os.path.join(bench.BENCH, ".venv"), "OBJECT_STORE_PORT": PORT}
    subprocess.run([os.path.join(bench.ROOT, "jobs", "object-store.sh"), command], check=True, env=env,
                   stdout=sys.stderr)


def credentials():
    """The store's address and key as jobs/object-store.sh wrote them (the job reads them from the environment)."""
    out = {}
    with open(os.path.join(STATE, "credentials.env")) as f:
        for line in f:
            if "=" in line:
                key, value = line.strip().split("=", 1)
                out[key] = value
    return out


def upload(client, local_dir, bucket, prefix):
    config = TransferConfig(multipart_chunksize=16 * 2**20, max_concurrency=4)
    total = 0
    for folder, _, files in os.walk(local_dir):
        for name in files:
            path = os.path.join(folder, name)
            if name.startswith("."):
                continue
            client.upload_file(path, bucket, f"{prefix}/{os.path.relpath(path, local_dir)}", Config=config)
            total += os.path.getsize(path)
    return total


def run(cmd, log_path, env):
    code, wall, rss = run_measured(cmd, log_path, env=env)
    with open(log_path, errors="replace") as f:
        text = f.read()
    if code != 0:
        raise Failure(f"{' '.join(cmd)} failed (exit {code}); log {log_path}:\n{bench.tail(log_path)}")
    return {"wall_seconds": wall, "peak_rss_kib": rss,
            "stage_seconds": {m.group(1): float(m.group(2)) for m in STAGE_LINE.finditer(text)}}


def main(sizes):
    repeat = int(os.environ.get("REPEAT", "3"))
    data_root = os.environ.get("BENCH_DATA", "/tmp/bench-data")
    work_root = os.environ.get("BENCH_WORK", "/tmp/bench-work") + "-store"
    os.makedirs(work_root, exist_ok=True)
    bench.ensure_built(work_root)
    store("start")
    try:
        creds = credentials()
        env = {**bench.job_env(), **creds}
        client = boto3.client("s3", endpoint_url=creds["OBJECT_STORE_ENDPOINT"], region_name=creds["AWS_REGION"],
                              aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])
        results = []
        for size in sizes:
            work = os.path.join(work_root, f"customers-{size}")
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            data = bench.dataset(size, data_root, work)
            started = time.monotonic()
            uploaded = upload(client, data["path"], "raw", f"bench-{size}")
            log(f"uploaded {uploaded / 2**20:.0f} MiB to s3://raw/bench-{size} in {time.monotonic() - started:.0f} s")
            local, remote = [], []
            for i in range(repeat):
                warehouse = os.path.join(work, f"local-{i}")
                local.append(run([LOCAL_SH, "run", "--as-of", AS_OF, "--input", data["path"], "--warehouse", warehouse,
                                  "--config", CONFIG], os.path.join(work, f"local-{i}.log"), env))
                conf = os.path.join(work, f"store-{i}.conf")
                with open(conf, "w") as f:
                    f.write(open(CONFIG).read() + "\n"
                            "tiering.lake { type = custom, properties {\n"
                            "  catalog-impl = org.apache.iceberg.jdbc.JdbcCatalog, jdbc.schema-version = V1\n"
                            f'  uri = "jdbc:sqlite:{work}/store-{i}.db" }} }}\n'
                            f'tiering.object-store {{ endpoint = "{creds["OBJECT_STORE_ENDPOINT"]}", '
                            f'region = {creds["AWS_REGION"]}, path-style-access = true }}\n')
                remote.append(run([LOCAL_SH, "run", "--as-of", AS_OF, "--input", f"s3a://raw/bench-{size}",
                                   "--warehouse", f"s3://lake/bench-{size}-{i}", "--config", conf],
                                  os.path.join(work, f"store-{i}.log"), env))
                log(f"{size:,} customers, run {i + 1}/{repeat}: local {local[-1]['wall_seconds']:.1f} s, "
                    f"store {remote[-1]['wall_seconds']:.1f} s")
                shutil.rmtree(warehouse, ignore_errors=True)
            results.append({"customers": size, "input_bytes": uploaded, "local": local, "store": remote})
        report(results)
    finally:
        store("stop")


def report(results):
    stages = []
    for r in results:
        for side in ("local", "store"):
            for run_ in r[side]:
                stages += [s for s in run_["stage_seconds"] if s not in stages]
    lines = [f"| customers | where | {' | '.join(stages)} | **wall** | peak RSS | store ÷ local |",
             "|---|---|" + "---|" * len(stages) + "---|---|---|"]
    for r in results:
        walls = {side: med([x["wall_seconds"] for x in r[side]]) for side in ("local", "store")}
        for side in ("local", "store"):
            cells = [f"{med([x['stage_seconds'].get(s, 0.0) for x in r[side]]):.1f}" for s in stages]
            rss = med([x["peak_rss_kib"] for x in r[side]]) / 2**20
            ratio = f"{walls['store'] / walls['local']:.2f}×" if side == "store" else ""
            lines.append(f"| {r['customers']:,} | {side} | {' | '.join(cells)} | **{walls[side]:.1f}** | "
                         f"{rss:.1f} GiB | {ratio} |")
        lines.append("")
        lines.append(f"{r['customers']:,} customers: walls local {[round(x['wall_seconds'], 1) for x in r['local']]}, "
                     f"store {[round(x['wall_seconds'], 1) for x in r['store']]} s; "
                     f"input {r['input_bytes'] / 2**20:.0f} MiB")
    text = "\n".join(lines)
    print(text)
    out = os.environ.get("BENCH_RESULTS", os.path.join(bench.BENCH, "results"))
    os.makedirs(out, exist_ok=True)
    stem = os.path.join(out, time.strftime("%Y-%m-%d") + "-object-store")
    with open(stem + ".md", "w") as f:
        f.write(text + "\n")
    with open(stem + ".json", "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    try:
        main([int(a) for a in sys.argv[1:]] or [1_000_000])
    except Failure as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(1)
