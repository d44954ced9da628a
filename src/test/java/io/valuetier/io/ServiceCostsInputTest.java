package io.valuetier.io;

import static io.valuetier.TransactionFixtures.line;
import static io.valuetier.TransactionFixtures.raw;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional service_costs table is read like the other optional tables, with its required columns. */
class ServiceCostsInputTest {
  @TempDir Path dir;

  @Test
  void readWhenPresentAndCheckedForItsColumns() {
    var spark = SparkTestSession.get();
    String input = dir.resolve("input").toString();
    raw(line("o1", "C1", "2026-06-01 10:00:00", "10.00", "4.00", "X")).write().parquet(input + "/transactions");
    TieringConfig.Input config = TieringConfig.parse("").input();
    assertTrue(InputTables.read(spark, config, input).serviceCosts().isEmpty(), "absent: no table, no error");

    spark.range(2).selectExpr("'C1' as customer_id", "cast(5 as decimal(18,2)) as cost", "'2026-05' as period")
        .write().mode(SaveMode.Overwrite).parquet(input + "/service_costs");
    assertEquals(2, InputTables.read(spark, config, input).serviceCosts().orElseThrow().count());

    spark.range(1).select(lit("C1").as(Columns.CUSTOMER_ID), lit("2026-05").as(Columns.COST_PERIOD))
        .write().mode(SaveMode.Overwrite).parquet(input + "/service_costs");
    TieringException e = assertThrows(TieringException.class, () -> InputTables.read(spark, config, input));
    assertEquals("input table service_costs: missing required column cost", e.getMessage());
    // A mapped name is applied first, as for every input table.
    TieringConfig.Input mapped = TieringConfig.parse("tiering.input.columns { cost = amount_spent }").input();
    spark.range(1).select(lit("C1").as(Columns.CUSTOMER_ID), lit(3.0).as("amount_spent"), lit("2026-05").as(Columns.COST_PERIOD))
        .write().mode(SaveMode.Overwrite).parquet(input + "/service_costs");
    assertTrue(Optional.of(InputTables.read(spark, mapped, input).serviceCosts().orElseThrow().columns())
        .map(java.util.Arrays::asList).orElseThrow().contains(Columns.COST));
  }
}
