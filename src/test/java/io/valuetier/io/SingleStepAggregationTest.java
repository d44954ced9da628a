package io.valuetier.io;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.junit.jupiter.api.Test;

/** Aggregations over rows already partitioned by their keys run in one step, with the same results. */
class SingleStepAggregationTest {
  /** Rows 1..1000 spread by key = n % 7: each key's count and sum follow from the arithmetic series. */
  private static Dataset<Row> numbers(SparkSession spark) {
    return spark.range(1, 1001).select(col("id").mod(7).as("key"), col("id").as("n")).repartition(col("key"));
  }

  /** Per key: {count, sum, count of even n} of 1..1000 by residue mod 7, worked out term by term. */
  private static Map<Long, long[]> expected() {
    Map<Long, long[]> byKey = new TreeMap<>();
    for (long n = 1; n <= 1000; n++) {
      long[] v = byKey.computeIfAbsent(n % 7, k -> new long[3]);
      v[0]++;
      v[1] += n;
      v[2] += n % 2 == 0 ? 1 : 0;
    }
    return byKey;
  }

  @Test
  void anAggregateOverRowsPartitionedByItsKeysIsOneCompleteStep() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> grouped = numbers(spark).groupBy("key")
        .agg(count(lit(1)).as("rows"), sum("n").as("total"), avg("n").as("mean"),
            count(when(col("n").mod(2).equalTo(0), lit(1))).as("even"));
    List<Row> rows = grouped.collectAsList();
    List<HashAggregateExec> aggregates = SparkTestSession.planNodes(grouped, HashAggregateExec.class);
    assertEquals(1, aggregates.size(), grouped.queryExecution().toString());
    assertTrue(aggregates.get(0).aggregateExpressions().forall(e -> e.mode().toString().equals("Complete")));
    assertRows(rows);
  }

  @Test
  void anAggregateThatNeedsAShuffleKeepsItsPartialStep() {
    SparkSession spark = SparkTestSession.get();
    // Partitioned by n, grouped by key: the partial step shrinks the rows before the shuffle.
    Dataset<Row> grouped = spark.range(1, 1001).select(col("id").mod(7).as("key"), col("id").as("n"))
        .repartition(col("n")).groupBy("key").agg(count(lit(1)).as("rows"));
    assertEquals(7, grouped.collectAsList().size());
    List<String> modes = new ArrayList<>();
    SparkTestSession.planNodes(grouped, HashAggregateExec.class)
        .forEach(a -> a.aggregateExpressions().foreach(e -> modes.add(e.mode().toString())));
    assertEquals(List.of("Final", "Partial"), modes.stream().sorted().toList());
  }

  @Test
  void aDistinctCountKeepsSparksOwnPlanAndItsResult() {
    SparkSession spark = SparkTestSession.get();
    // Distinct values of n % 10 per key: every residue mod 10 meets every residue mod 7 in 1..1000.
    Dataset<Row> grouped = numbers(spark).groupBy("key").agg(countDistinct(col("n").mod(10)).as("tens"));
    for (Row r : grouped.collectAsList()) {
      assertEquals(10L, r.getLong(1), r.toString());
    }
  }

  @Test
  void theCompleteStepKeepsItsResultsWhenTheHashMapSpills() {
    SparkSession spark = SparkTestSession.get();
    // Spark's test switch: the hash map falls back to sorting and merging after two keys.
    String fallback = "spark.sql.TungstenAggregate.testFallbackStartsAt";
    spark.conf().set(fallback, "1, 2");
    try {
      Dataset<Row> grouped = numbers(spark).groupBy("key")
          .agg(count(lit(1)).as("rows"), sum("n").as("total"), avg("n").as("mean"),
              count(when(col("n").mod(2).equalTo(0), lit(1))).as("even"));
      assertRows(grouped.collectAsList());
      List<HashAggregateExec> aggregates = SparkTestSession.planNodes(grouped, HashAggregateExec.class);
      assertEquals(1, aggregates.size());
      // It did spill: the tasks fell back to sorting.
      assertTrue(aggregates.get(0).metrics().apply("numTasksFallBacked").value() > 0);
    } finally {
      spark.conf().unset(fallback);
    }
  }

  private static void assertRows(List<Row> rows) {
    Map<Long, long[]> expected = expected();
    assertEquals(expected.size(), rows.size());
    for (Row r : rows) {
      long[] v = expected.get(r.getLong(0));
      assertEquals(v[0], r.getLong(1), r.toString());
      assertEquals(v[1], r.getLong(2), r.toString());
      assertEquals((double) v[1] / v[0], r.getDouble(3), 1e-9, r.toString());
      assertEquals(v[2], r.getLong(4), r.toString());
    }
  }
}
