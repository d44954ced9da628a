package io.valuetier.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.joins.ShuffledHashJoinExec;
import org.junit.jupiter.api.Test;

/** The customer-level session settings: their partition counts, and joins that keep the wide side in place. */
class SessionsTest {
  @Test
  void customerPartitionsArePerTwoHundredThousandCustomersAndAtLeastTwo() {
    assertEquals(2, Sessions.customerPartitionsFor(400, 2));
    assertEquals(1, Sessions.customerPartitionsFor(400, 1));
    assertEquals(2, Sessions.customerPartitionsFor(200_001, 8));
    assertEquals(5, Sessions.customerPartitionsFor(1_000_000, 2));
    assertEquals(25, Sessions.customerPartitionsFor(5_000_000, 2));
    assertEquals(4000, Sessions.customerPartitionsFor(10_000_000_000L, 2));
  }

  @Test
  void aKeptCustomerStepIsJoinedWithoutShufflingItAgain() {
    SparkSession spark = SparkTestSession.get();
    String partitions = spark.conf().get("spark.sql.shuffle.partitions");
    String adaptive = spark.conf().get("spark.sql.adaptive.enabled");
    String broadcast = spark.conf().get("spark.sql.autoBroadcastJoinThreshold");
    try (Materialized.Scope kept = Materialized.scope(spark)) {
      // At a million customers neither side would be broadcast; these thousand rows must not be either.
      spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
      Sessions.sizeForCustomers(spark, TieringConfig.load(Optional.empty()), 1_000_000);
      Dataset<Row> ids = spark.range(0, 1000).select(col("id").cast("string").as("customer_id"));
      Dataset<Row> wide = Materialized.of(ids.withColumn("a", col("customer_id").cast("long"))
          .groupBy("customer_id").agg(max("a").as("a")));
      Dataset<Row> narrow = Materialized.of(ids.orderBy(col("customer_id").desc()));
      Dataset<Row> joined = Joins.withNarrow(wide, narrow, "inner");
      assertEquals(1000, joined.count());
      // Hashed, not sorted: the wide rows stream through the join as they are.
      assertEquals(1, SparkTestSession.planNodes(joined, ShuffledHashJoinExec.class).size(), joined.queryExecution().toString());
      assertEquals(0, SparkTestSession.planNodes(joined, SortExec.class).size(), joined.queryExecution().toString());
      // Only the narrow side, range-partitioned by its sort, is shuffled for the join.
      assertEquals(1, SparkTestSession.planNodes(joined, ShuffleExchangeExec.class).size(),
          joined.queryExecution().toString());
      assertEquals(5, wide.rdd().getNumPartitions());
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", partitions);
      spark.conf().set("spark.sql.adaptive.enabled", adaptive);
      spark.conf().set("spark.sql.autoBroadcastJoinThreshold", broadcast);
    }
  }
}
