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
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

  // Issue 14: the user's column names in errors, and files of one table with different schemas.

  private static TieringConfig config(String hocon) {
    return TieringConfig.parse(hocon);
  }

  @Test
  void wrongTypeNamesTheUsersColumnAndTheProductColumn() {
    String input = write(goodLines(3).withColumnRenamed(Columns.CUSTOMER_ID, "CustomerID")
        .withColumn("CustomerID", lit(17.0)));
    assertEquals("input table transactions: column CustomerID (mapped to customer_id) has type double, "
        + "expected text or an integer id", validateError(input, config("tiering.input.columns { customer_id = CustomerID }")));
  }

  @Test
  void missingMappedColumnNamesTheUsersColumn() {
    String input = write(goodLines(3).withColumnRenamed(Columns.AMOUNT, "Net"));
    assertEquals("input table transactions: missing required column NetAmount (mapped to amount) "
        + "(expected a decimal number (decimal, double, integer or numeric text))",
        validateError(input, config("tiering.input.columns { amount = NetAmount }")));
  }

  /** Writes each frame as one Parquet file transactions/part-i.parquet, in the order given. */
  private String writeFiles(Dataset<Row>... parts) throws Exception {
    Path table = dir.resolve("input").resolve("transactions");
    Files.createDirectories(table);
    for (int i = 0; i < parts.length; i++) {
      Path tmp = dir.resolve("tmp-" + i);
      parts[i].coalesce(1).write().mode(SaveMode.Overwrite).parquet(tmp.toString());
      try (var files = Files.list(tmp)) {
        Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        Files.move(part, table.resolve("part-" + i + ".parquet"));
      }
    }
    return dir.resolve("input").toString();
  }

  /** 4 good lines per file, different orders in each. */
  private static Dataset<Row> lines(String prefix) {
    return raw(line(prefix + "1", "C1", "2026-11-01 10:00:00", "10.00", "4.00", "X"),
        line(prefix + "2", "C2", "2026-11-02 10:00:00", "20.00", "4.00", "X"),
        line(prefix + "3", "C3", "2026-11-03 10:00:00", "30.00", "4.00", "X"),
        line(prefix + "4", "C1", "2026-11-04 10:00:00", "40.00", "4.00", "X"));
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> costInOneFileOnly() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(true, "part-0.parquet", "part-1.parquet"),
        org.junit.jupiter.params.provider.Arguments.of(false, "part-1.parquet", "part-0.parquet"));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "cost missing from the {1}")
  @org.junit.jupiter.params.provider.MethodSource("costInOneFileOnly")
  void costInOneFileOnlyStopsByDefault(boolean firstLacksCost, String without, String with) throws Exception {
    Dataset<Row> a = lines("A");
    Dataset<Row> b = lines("B");
    String input = firstLacksCost ? writeFiles(a.drop(Columns.COST), b) : writeFiles(a, b.drop(Columns.COST));
    assertEquals("input table transactions: the files differ in schema: column cost missing from " + without
        + ", present in " + with + " (tiering.input.schema-drift = fail-required)", validateError(input));

    // Reconciled on request: the file without cost reads as null cost there, and says so.
    ValidatedTransactions v = new TieringJob(SparkTestSession.get(), config("tiering.input.schema-drift = reconcile"), D)
        .validate(input);
    assertEquals(8, v.rowsRead());
    assertEquals(8, v.rowsAccepted());
    assertEquals(v.rowsRead(), v.rowsAccepted() + v.rowsRejected());
    assertEquals(Map.of("transactions/" + without, "missing cost"), v.schemaDrift());
    assertEquals(4, v.accepted().where(org.apache.spark.sql.functions.col(Columns.COST).isNull()).count());
  }

  @Test
  void anExtraColumnInOneFileIsReconciledAndReported() throws Exception {
    String input = writeFiles(lines("A"), lines("B").withColumn("StockCode", lit("S1")));
    ValidatedTransactions v = new TieringJob(SparkTestSession.get(), DEFAULTS, D).validate(input);
    assertEquals(8, v.rowsRead());
    assertEquals(8, v.rowsAccepted());
    assertEquals(0, v.rowsRejected());
    assertEquals(Map.of("transactions/part-0.parquet", "missing StockCode"), v.schemaDrift());

    assertEquals("input table transactions: the files differ in schema: column StockCode missing from part-0.parquet, "
        + "present in part-1.parquet (tiering.input.schema-drift = fail)",
        validateError(input, config("tiering.input.schema-drift = fail")));
  }

  @Test
  void aColumnOfDifferentTypesStopsTheRun() throws Exception {
    String input = writeFiles(lines("A"), lines("B").withColumn(Columns.AMOUNT, lit("20.00")));
    assertEquals("input table transactions: the files differ in the type of column amount: "
        + "int64 (DECIMAL(18,2)) in part-0.parquet; binary (STRING) in part-1.parquet",
        validateError(input, config("tiering.input.schema-drift = reconcile")));
  }

  @Test
  void unmappedColumnsTellOrderLinesApart() throws Exception {
    // A line-level export: category mapped to the country, product code and price not mapped.
    // One invoice of 40 lines, each a different product at the same quantity and amount, plus
    // one true copy of line 7: exactly one duplicate (hand count).
    StructType export = new StructType()
        .add("InvoiceNo", DataTypes.StringType).add("CustomerID", DataTypes.StringType)
        .add("InvoiceDate", DataTypes.StringType).add("LineTotal", DataTypes.StringType)
        .add("Country", DataTypes.StringType).add("StockCode", DataTypes.StringType)
        .add("UnitPrice", DataTypes.StringType);
    java.util.List<Object[]> rows = new java.util.ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      rows.add(new Object[] {"536365", "17850", "2026-11-01 08:26:00", "15.30", "United Kingdom", "S" + i, "2.55"});
    }
    rows.add(rows.get(6).clone());
    String input = write(SparkTestSession.frame(export, rows.toArray(Object[][]::new)));
    TieringConfig mapped = config("tiering.input.columns { order_id = InvoiceNo, customer_id = CustomerID, "
        + "order_ts = InvoiceDate, amount = LineTotal, category = Country }");
    ValidatedTransactions v = new TieringJob(SparkTestSession.get(), mapped, D).validate(input);
    assertEquals(41, v.rowsRead());
    assertEquals(40, v.rowsAccepted());
    assertEquals(Map.of("duplicate_line", 1L), v.rejectedByReason());
    assertEquals(v.rowsRead(), v.rowsAccepted() + v.rowsRejected());
    String source = v.rejected().first().getAs("source_row");
    assertTrue(source.contains("\"StockCode\":\"S7\"") && source.contains("\"Country\":\"United Kingdom\""), source);

    // A narrower rule named in the user's columns: one line per invoice and product code.
    TieringConfig narrow = config("tiering.input.columns { order_id = InvoiceNo, customer_id = CustomerID, "
        + "order_ts = InvoiceDate, amount = LineTotal, category = Country }\n"
        + "tiering.input.unique-columns = [InvoiceNo]\ntiering.quality.max-rejected-share = 1");
    ValidatedTransactions one = new TieringJob(SparkTestSession.get(), narrow, D).validate(input);
    assertEquals(Map.of("duplicate_line", 40L), one.rejectedByReason());
    assertEquals(1, one.rowsAccepted());
  }

  @Test
  void aUniqueColumnTheFilesDoNotHaveIsNamed() {
    String input = write(goodLines(3).withColumnRenamed(Columns.ORDER_ID, "InvoiceNo"));
    assertEquals("tiering.input.unique-columns: input table transactions has no column StockCode (columns: "
        + "[InvoiceNo, customer_id, order_ts, amount, cost, quantity, category, channel])",
        validateError(input, config("tiering.input.columns { order_id = InvoiceNo }\n"
            + "tiering.input.unique-columns = [InvoiceNo, StockCode]")));
  }
}
