"""DuckDB reference for the benchmark: the customer features (docs/methods.md) computed by DuckDB.

Same definitions as src/main/java/io/valuetier/features/CustomerFeatures.java (as-of date D, window
W: D-W < order date <= D), on the same Parquet files, written to a Parquet file so that every
customer is materialized. Only the transaction features: the job's "features" stage also joins
the credit features from invoices, which this reference leaves out.

Run as a script it is one timed measurement and prints one JSON line:
  python bench/duckdb_features.py --input DIR --as-of 2026-11-21 --output OUT.parquet [--threads 2]

Validity: by default the simple filter (non-null customer_id, order_id, order_ts and amount, order
date <= D). strict=True applies every rule of TransactionValidation that this generator's data can
break (also: blank ids, negative cost, exact duplicate lines), which the benchmark uses untimed to
check that both engines compute the same thing.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time

import duckdb

WINDOW_DAYS = 365  # tiering.window-days of conf/defaults.conf (conf/local.conf keeps it)
FEATURE_COLUMNS = [
    "recency_days", "frequency", "monetary", "profit", "margin", "avg_order_value", "tenure_days",
    "category_breadth", "monetary_prev", "growth",
]
LINE_COLUMNS = ["order_id", "customer_id", "order_ts", "amount", "cost", "quantity", "category", "channel"]


def connect(threads, temp_dir=None):
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    # The job's session time zone (Sessions.java): order dates are UTC dates of order_ts.
    con.execute("SET TimeZone = 'UTC'")
    if temp_dir:
        con.execute(f"SET temp_directory = '{temp_dir}'")
    return con


def transactions_glob(input_dir):
    return os.path.join(os.path.abspath(input_dir), "transactions", "*.parquet")


def features_sql(con, input_dir, as_of, window_days=WINDOW_DAYS, strict=False):
    """The SELECT computing one row per customer with any valid transaction on or before D."""
    d = dt.date.fromisoformat(as_of)
    start = d - dt.timedelta(days=window_days)        # window W: start < order_date <= d
    prev_start = d - dt.timedelta(days=2 * window_days)  # previous window: prev_start < order_date <= start
    src = f"read_parquet('{transactions_glob(input_dir)}')"
    columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
    has_cost = "cost" in columns
    date_col = "order_ts" if "order_ts" in columns else "order_date"

    def col(c):
        return c if c in columns else f"NULL AS {c}"

    ts = f"CAST({date_col} AS TIMESTAMP)"
    if strict:
        # TransactionValidation: trimmed ids ('' is null), the row checks, then an exact copy of an
        # earlier accepted line (all eight canonical columns equal) is a duplicate: one of each stays.
        def trimmed(c):
            return f"NULLIF(trim(CAST({c} AS VARCHAR)), '')"
        lines = ", ".join([f"{trimmed('order_id')} AS order_id", f"{trimmed('customer_id')} AS customer_id",
                           f"{ts} AS order_ts"] + [col(c) for c in LINE_COLUMNS[3:]])
        where = (f"{trimmed('customer_id')} IS NOT NULL AND {trimmed('order_id')} IS NOT NULL "
                 f"AND {date_col} IS NOT NULL AND amount IS NOT NULL AND CAST({ts} AS DATE) <= DATE '{d}'"
                 + (" AND (cost IS NULL OR cost >= 0)" if has_cost else ""))
        valid = f"SELECT DISTINCT {lines} FROM {src} WHERE {where}"
    else:
        lines = ", ".join(["order_id", "customer_id", f"{ts} AS order_ts", "amount", col("cost"), col("category")])
        valid = (f"SELECT {lines} FROM {src} WHERE customer_id IS NOT NULL AND order_id IS NOT NULL "
                 f"AND {date_col} IS NOT NULL AND amount IS NOT NULL AND CAST({ts} AS DATE) <= DATE '{d}'")

    profit = (f"COALESCE(SUM(amount - cost) FILTER (WHERE in_w), 0)::DECIMAL(18,2)" if has_cost
              else "NULL::DECIMAL(18,2)")
    return f"""
WITH valid AS ({valid}),
t AS (
  SELECT customer_id, order_id, amount, cost, category, CAST(order_ts AS DATE) AS order_date,
         CAST(order_ts AS DATE) > DATE '{start}' AS in_w,
         CAST(order_ts AS DATE) > DATE '{prev_start}' AND CAST(order_ts AS DATE) <= DATE '{start}' AS in_prev
  FROM valid
),
sold AS (SELECT COUNT(DISTINCT category) FILTER (WHERE in_w) AS n FROM t),
agg AS (
  SELECT customer_id,
         MIN(order_date) AS first_order_date,
         MAX(order_date) AS last_order_date,
         COUNT(DISTINCT order_id) FILTER (WHERE in_w) AS frequency,
         COALESCE(SUM(amount) FILTER (WHERE in_w), 0)::DECIMAL(18,2) AS monetary,
         {profit} AS profit,
         COALESCE(SUM(amount) FILTER (WHERE in_prev), 0)::DECIMAL(18,2) AS monetary_prev,
         COUNT(DISTINCT category) FILTER (WHERE in_w) AS categories_w
  FROM t GROUP BY customer_id
)
SELECT customer_id,
       DATE '{d}' - last_order_date AS recency_days,
       frequency,
       monetary,
       profit,
       CASE WHEN monetary > 0 THEN profit::DOUBLE / monetary::DOUBLE END AS margin,
       CASE WHEN frequency > 0 THEN monetary::DOUBLE / frequency END AS avg_order_value,
       DATE '{d}' - first_order_date AS tenure_days,
       CASE WHEN sold.n > 0 THEN categories_w::DOUBLE / sold.n END AS category_breadth,
       monetary_prev,
       CASE WHEN monetary_prev > 0
            THEN (monetary::DOUBLE - monetary_prev::DOUBLE) / monetary_prev::DOUBLE END AS growth,
       first_order_date,
       last_order_date
FROM agg CROSS JOIN sold
"""


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", required=True, help="data set directory holding transactions/*.parquet")
    p.add_argument("--as-of", required=True, help="as-of date D, YYYY-MM-DD")
    p.add_argument("--output", required=True, help="Parquet file to write the features to")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--window-days", type=int, default=WINDOW_DAYS)
    p.add_argument("--temp-dir", default=None, help="where DuckDB may spill")
    a = p.parse_args(argv)

    con = connect(a.threads, a.temp_dir)
    sql = features_sql(con, a.input, a.as_of, a.window_days)
    if os.path.exists(a.output):
        os.remove(a.output)
    started = time.perf_counter()
    con.execute(f"COPY ({sql}) TO '{a.output}' (FORMAT parquet)")
    seconds = time.perf_counter() - started
    customers = con.execute(f"SELECT COUNT(*) FROM read_parquet('{a.output}')").fetchone()[0]
    print(json.dumps({
        "seconds": seconds,
        "customers": customers,
        "threads": int(con.execute("SELECT current_setting('threads')").fetchone()[0]),
        "memory_limit": con.execute("SELECT current_setting('memory_limit')").fetchone()[0],
        "duckdb_version": duckdb.__version__,
        "output": a.output,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
