package io.valuetier.quality;

import static io.valuetier.TransactionFixtures.line;
import static io.valuetier.TransactionFixtures.raw;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.jobs.TieringJob;
import io.valuetier.schema.Columns;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole-input problems (docs/methods.md, "Validation and quarantine"; issue 4): each stops the run with one line naming what is wrong. */
class InputValidationTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 21);
  private static final TieringConfig DEFAULTS = TieringConfig.load(Optional.empty());

  @TempDir Path dir;

  private static Dataset<Row> goodLines(int n) {
    Object[][] lines = new Object[n][];
    for (int i = 0; i < n; i++) {
      lines[i] = line("O" + i, "C" + (i % 7), "2026-11-0" + (1 + i % 9) + " 10:00:00", (10 + i) + ".00", "4.00", "X");
    }
    return raw(lines);
  }

  private String write(Dataset<Row> transactions) {
    String input = dir.resolve("input").toString();
    transactions.write().mode(SaveMode.Overwrite).parquet(input + "/transactions");
    return input;
  }

  private String validateError(String input) {
    return validateError(input, DEFAULTS);
  }

  private String validateError(String input, TieringConfig config) {
    TieringException e = assertThrows(TieringException.class,
        () -> new TieringJob(SparkTestSession.get(), config, D).validate(input));
    return e.getMessage();
  }

  @Test
  void missingRequiredColumn() {
    String input = write(goodLines(3).drop(Columns.CUSTOMER_ID));
    assertEquals("input table transactions: missing required column customer_id (expected text or an integer id)",
        validateError(input));
  }

  @Test
  void missingDateColumnNamesBothAccepted() {
    String input = write(goodLines(3).drop(Columns.ORDER_TS));
    assertEquals("input table transactions: missing required column order_date (or order_ts) "
        + "(expected a timestamp, a date or date text)", validateError(input));
  }

  @Test
  void wrongType() {
    String input = write(goodLines(3).withColumn(Columns.AMOUNT, lit(true)));
    assertEquals("input table transactions: column amount has type boolean, expected a decimal number "
        + "(decimal, double, integer or numeric text)", validateError(input));
  }

  @Test
  void mappedColumnNamesAreAppliedFirst() throws Exception {
    String input = write(goodLines(5).withColumnRenamed(Columns.CUSTOMER_ID, "cust_no"));
    assertTrue(validateError(input).contains("missing required column customer_id"));
    File conf = dir.resolve("mapped.conf").toFile();
    Files.writeString(conf.toPath(), "tiering.input.columns { customer_id = cust_no }");
    ValidatedTransactions v = new TieringJob(SparkTestSession.get(), TieringConfig.load(Optional.of(conf)), D)
        .validate(input);
    assertEquals(5, v.rowsAccepted());
  }

  @Test
  void missingAndEmptyInput() throws Exception {
    String missing = dir.resolve("nowhere").toString();
    assertEquals("input table transactions: path " + missing + "/transactions does not exist", validateError(missing));

    String empty = dir.resolve("empty").toString();
    Files.createDirectories(Path.of(empty, "transactions"));
    assertEquals("input table transactions: no Parquet files at " + empty + "/transactions", validateError(empty));

    String noRows = write(goodLines(3).limit(0));
    assertEquals("input table transactions has no rows", validateError(noRows));
  }

  @Test
  void corruptFileIsNamed() throws Exception {
    String input = write(goodLines(20));
    Path corrupt = Path.of(input, "transactions", "part-99999-corrupt.snappy.parquet");
    Files.write(corrupt, "PAR1 this is not a parquet file at all PAR1".getBytes());
    String message = validateError(input);
    assertTrue(message.startsWith("input table transactions: cannot read"), message);
    assertTrue(message.contains("part-99999-corrupt.snappy.parquet"), message);
  }

  @Test
  void asOfBeforeAllDataRejectsEverything() {
    String input = write(goodLines(10));
    TieringException e = assertThrows(TieringException.class,
        () -> new TieringJob(SparkTestSession.get(), DEFAULTS, LocalDate.of(2020, 1, 1)).validate(input));
    assertEquals("rejected 100.00 % of transaction rows (10 of 10), above the ceiling of 5.00 % "
        + "(tiering.quality.max-rejected-share); reasons: {future_order_date=10}", e.getMessage());
  }

  @Test
  void allRowsBad() {
    String input = write(goodLines(4).withColumn(Columns.CUSTOMER_ID, lit(null).cast("string")));
    assertEquals("rejected 100.00 % of transaction rows (4 of 4), above the ceiling of 5.00 % "
        + "(tiering.quality.max-rejected-share); reasons: {null_customer_id=4}", validateError(input));
  }

  @Test
  void rejectionCeiling() {
    // 19 good rows and 1 negative cost: 5 % is at the ceiling and passes; 2 of 20 (10 %) fail.
    Dataset<Row> good = goodLines(19);
    Dataset<Row> oneBad = raw(line("B1", "C1", "2026-11-01 10:00:00", "5.00", "-1.00", "X"));
    ValidatedTransactions v = new TieringJob(SparkTestSession.get(), DEFAULTS, D).validate(write(good.union(oneBad)));
    assertEquals(19, v.rowsAccepted());
    assertEquals(1, v.rowsRejected());

    Dataset<Row> twoBad = raw(line("B1", "C1", "2026-11-01 10:00:00", "5.00", "-1.00", "X"),
        line("B2", "C1", "2026-11-01 10:00:00", "5.00", "-1.00", "X"));
    assertEquals("rejected 10.00 % of transaction rows (2 of 20), above the ceiling of 5.00 % "
        + "(tiering.quality.max-rejected-share); reasons: {negative_cost=2}",
        validateError(write(goodLines(18).union(twoBad))));
  }
}
