#!/usr/bin/env python3
"""Where a run's time goes, from its Spark event log: per pipeline stage (the job groups the job
sets, see jobs/Stages.java), the Spark stages that took longest, with their rows, shuffle and spill.

    bench/profile.py EVENT_LOG_FILE [--top N]

Write an event log with  JAVA_TOOL_OPTIONS="-Dspark.eventLog.enabled=true
-Dspark.eventLog.dir=file:///tmp/events" jobs/local.sh run ...  (standard library only).
"""
import argparse
import collections
import json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args()
    group_of_job, group_of_stage, stages = {}, {}, {}
    with open(args.log) as f:
        for line in f:
            e = json.loads(line)
            kind = e["Event"]
            if kind == "SparkListenerJobStart":
                group = (e.get("Properties") or {}).get("spark.jobGroup.id", "(none)").split(":")[-1]
                group_of_job[e["Job ID"]] = group
                for s in e.get("Stage IDs", []):
                    group_of_stage.setdefault(s, group)
            elif kind == "SparkListenerStageCompleted":
                info = e["Stage Info"]
                if "Completion Time" not in info or "Submission Time" not in info:
                    continue
                acc = {a["Name"]: a.get("Value") for a in info.get("Accumulables", [])}
                stages[info["Stage ID"]] = {
                    "name": info["Stage Name"],
                    "seconds": (info["Completion Time"] - info["Submission Time"]) / 1000,
                    "tasks": info["Number of Tasks"],
                    "input_rows": int(acc.get("internal.metrics.input.recordsRead", 0) or 0),
                    "shuffle_read_mb": int(acc.get("internal.metrics.shuffle.read.remoteBytesRead", 0) or 0) / 2**20
                    + int(acc.get("internal.metrics.shuffle.read.localBytesRead", 0) or 0) / 2**20,
                    "shuffle_write_mb": int(acc.get("internal.metrics.shuffle.write.bytesWritten", 0) or 0) / 2**20,
                    "spill_mb": int(acc.get("internal.metrics.diskBytesSpilled", 0) or 0) / 2**20,
                    "gc_s": int(acc.get("internal.metrics.jvmGCTime", 0) or 0) / 1000,
                }
    by_group = collections.defaultdict(list)
    for sid, s in stages.items():
        by_group[group_of_stage.get(sid, "(none)")].append((sid, s))
    for group, items in by_group.items():
        total = sum(s["seconds"] for _, s in items)
        print(f"\n== {group}: {len(items)} Spark stages, {total:.1f} s summed stage time")
        for sid, s in sorted(items, key=lambda i: -i[1]["seconds"])[: args.top]:
            print(f"  stage {sid:4d} {s['seconds']:7.1f} s  tasks {s['tasks']:4d}  in {s['input_rows']:>10,d} rows"
                  f"  shuffle r/w {s['shuffle_read_mb']:7.1f}/{s['shuffle_write_mb']:7.1f} MB"
                  f"  spill {s['spill_mb']:6.1f} MB  gc {s['gc_s']:5.1f} s  {s['name'][:60]}")


if __name__ == "__main__":
    main()
