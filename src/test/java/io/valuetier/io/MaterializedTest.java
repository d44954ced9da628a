package io.valuetier.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.valuetier.SparkTestSession;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A step keeps its result and lets go of its sub-steps' rows; a released step is gone. */
class MaterializedTest {
  private static Set<Integer> kept(SparkSession spark) {
    return new HashSet<>(JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().keySet());
  }

  @Test
  void aStepKeepsOnlyItsResult() {
    SparkSession spark = SparkTestSession.get();
    try (Materialized.Scope scope = Materialized.scope(spark)) {
      Set<Integer> before = kept(spark);
      Dataset<Row> result = Materialized.step(() -> {
        Dataset<Row> first = Materialized.of(spark.range(0, 100).select(col("id").as("x")));
        Dataset<Row> second = Materialized.of(first.withColumn("y", col("x").multiply(2)));
        return second.withColumn("z", col("y").plus(1));
      });
      Set<Integer> added = kept(spark);
      added.removeAll(before);
      assertEquals(1, added.size(), "only the result's rows stay: " + added);
      // By hand: sum of 0..99 = 4950; y = 2x, z = 2x + 1.
      Row sums = result.agg(sum("y"), sum("z")).first();
      assertEquals(9900L, sums.getLong(0));
      assertEquals(10000L, sums.getLong(1));

      Materialized.release(result);
      // Nothing of the step is left. (Compared with what this step added, not with all that was kept
      // before: rows an earlier test let go of without blocking may disappear meanwhile.)
      Set<Integer> left = kept(spark);
      left.removeAll(before);
      assertEquals(Set.of(), left);
      Set<Integer> stillKept = kept(spark);
      stillKept.retainAll(added);
      assertEquals(Set.of(), stillKept);
      assertThrows(IllegalArgumentException.class, () -> Materialized.release(spark.range(3).toDF()));
    }
  }
}
