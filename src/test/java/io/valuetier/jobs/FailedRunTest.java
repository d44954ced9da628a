package io.valuetier.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.Failures;
import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.generate.SyntheticData;
import io.valuetier.io.Lake;
import io.valuetier.schema.Tables;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that fails after Spark started leaves a FAILED run_summary row with its cause, if a lake is there. */
class FailedRunTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 21);
  @TempDir static Path dir;
  private static SparkSession spark;
  private static String input;
  /** No rejected row allowed: the generator plants bad rows (0.2 %), so validation refuses to publish. */
  private static TieringConfig strict;

  @BeforeAll
  static void generate() throws Exception {
    spark = SparkTestSession.get();
    input = dir.resolve("input").toString();
    new SyntheticData(new SyntheticData.Spec(200, 3, D, 1, 0.01)).write(spark, input);
    File conf = dir.resolve("strict.conf").toFile();
    Files.writeString(conf.toPath(), "tiering { lake.catalog = failed, quality.max-rejected-share = 0 }");
    strict = TieringConfig.load(Optional.of(conf));
  }

  @Test
  void aFailedRunOverAnExistingLakeRecordsFailedWithTheCause() {
    String warehouse = dir.resolve("lake").toString();
    Lake.open(spark, strict, warehouse); // an existing lake: its catalog and namespace

    TieringException e = assertThrows(TieringException.class,
        () -> new TieringJob(spark, strict, D).run(input, warehouse, false));

    assertTrue(e.getMessage().startsWith("rejected "), e.getMessage());
    List<Row> runs = spark.table("failed.tiering." + Tables.RUN_SUMMARY).collectAsList();
    assertEquals(1, runs.size());
    Row run = runs.get(0);
    assertEquals("FAILED", run.getAs("status"));
    assertEquals(Failures.describe(e), run.getAs("error"));
    assertEquals(java.sql.Date.valueOf(D), run.getAs("snapshot_date"));
    assertTrue(run.<scala.collection.Map<String, Double>>getAs("stage_seconds").contains("read"), "stages that ran");
    assertFalse(spark.catalog().tableExists("failed.tiering." + Tables.CUSTOMER_TIERS), "nothing else written");
  }

  @Test
  void aFailedRunWithoutALakeCreatesNone() {
    Path warehouse = dir.resolve("no-lake");

    assertThrows(TieringException.class, () -> new TieringJob(spark, strict, D).run(input, warehouse.toString(), false));

    assertFalse(Files.exists(warehouse.resolve("catalog.db")), "a failure must not create a lake");
  }

  @Test
  void aSucceededRowHasNoError() {
    Row row = io.valuetier.summary.RunSummary.failed("id", "hash", java.time.Instant.EPOCH, "segment", java.util.Map.of())
        .toFrame(spark).first();
    assertNull(row.getAs("error"));
  }
}
