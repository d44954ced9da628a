package io.valuetier.quality;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.valuetier.schema.Columns;
import io.valuetier.quality.TransactionValidation.Reason;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per row-level problem of "Validation and quarantine" (docs/methods.md): each fixture holds one good row plus the bad row(s); the
 * bad rows must land in quarantine with their reason and original text, the good row must be
 * accepted, and rows read = accepted + rejected.
 */
class RowQuarantineTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 21);

  /** Text-typed input: every value arrives as a string, as from a CSV-born Parquet file. */
  private static final StructType TEXT = new StructType()
      .add(Columns.ORDER_ID, DataTypes.StringType)
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.ORDER_TS, DataTypes.StringType)
      .add(Columns.AMOUNT, DataTypes.StringType)
      .add(Columns.COST, DataTypes.StringType);

  /** Floating-point amounts, where NaN and infinities can occur. */
  private static final StructType FLOATING = new StructType()
      .add(Columns.ORDER_ID, DataTypes.StringType)
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.ORDER_TS, DataTypes.StringType)
      .add(Columns.AMOUNT, DataTypes.DoubleType)
      .add(Columns.COST, DataTypes.DoubleType);

  private static final Object[] GOOD = {"G1", "C1", "2026-11-01 10:00:00", "10.00", "4.00"};

  private static Object[] text(String order, String customer, String ts, String amount, String cost) {
    return new Object[] {order, customer, ts, amount, cost};
  }

  private static List<Object[]> rows(Object[]... rows) {
    return java.util.Arrays.asList(rows);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("null customer_id", TEXT, rows(text("O1", null, "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_CUSTOMER_ID, 1L)),
        Arguments.of("blank customer_id", TEXT, rows(text("O1", "  ", "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_CUSTOMER_ID, 1L)),
        Arguments.of("null order_id", TEXT, rows(text(null, "C2", "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_ORDER_ID, 1L)),
        Arguments.of("null order date", TEXT, rows(text("O1", "C2", null, "5", "1")),
            Map.of(Reason.NULL_ORDER_DATE, 1L)),
        Arguments.of("unparseable order date", TEXT, rows(text("O1", "C2", "31/02/2026", "5", "1")),
            Map.of(Reason.UNPARSEABLE_ORDER_DATE, 1L)),
        Arguments.of("null amount", TEXT, rows(text("O1", "C2", "2026-11-01", null, "1")),
            Map.of(Reason.NULL_AMOUNT, 1L)),
        Arguments.of("unparseable amount", TEXT, rows(text("O1", "C2", "2026-11-01", "12,50x", "1")),
            Map.of(Reason.UNPARSEABLE_AMOUNT, 1L)),
        Arguments.of("unparseable cost", TEXT, rows(text("O1", "C2", "2026-11-01", "5", "abc")),
            Map.of(Reason.UNPARSEABLE_COST, 1L)),
        Arguments.of("order after the as-of date", TEXT,
            rows(text("O1", "C2", "2026-11-22 00:00:00", "5", "1"), text("O2", "C2", "2026-11-21 23:59:59", "5", "1")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)),
        Arguments.of("negative cost", TEXT, rows(text("O1", "C2", "2026-11-01", "5", "-1")),
            Map.of(Reason.NEGATIVE_COST, 1L)),
        Arguments.of("exact duplicate lines", TEXT,
            rows(text("O1", "C2", "2026-11-01 09:00:00", "5", "1"), text("O1", "C2", "2026-11-01 09:00:00", "5", "1"),
                text("O1", "C2", "2026-11-01 09:00:00", "5", "1"), text("O1", "C2", "2026-11-01 09:00:00", "6", "1")),
            Map.of(Reason.DUPLICATE_LINE, 2L)),
        Arguments.of("return (negative amount) is valid", TEXT, rows(text("O1", "C2", "2026-11-02", "-5", "0")),
            Map.of()),
        Arguments.of("NaN amount", FLOATING, rows(new Object[] {"O1", "C2", "2026-11-01", Double.NaN, 1.0}),
            Map.of(Reason.NON_FINITE_AMOUNT, 1L)),
        Arguments.of("infinite amount", FLOATING,
            rows(new Object[] {"O1", "C2", "2026-11-01", Double.POSITIVE_INFINITY, 1.0},
                new Object[] {"O2", "C2", "2026-11-01", Double.NEGATIVE_INFINITY, 1.0}),
            Map.of(Reason.NON_FINITE_AMOUNT, 2L)),
        Arguments.of("infinite cost", FLOATING, rows(new Object[] {"O1", "C2", "2026-11-01", 5.0, Double.POSITIVE_INFINITY}),
            Map.of(Reason.NON_FINITE_AMOUNT, 1L)));
  }

  /** Duplicates are otherwise valid rows, kept as their parsed values: compare numbers as numbers. */
  private static void assertSameAmount(String expected, String actual, String message) {
    try {
      assertEquals(0, new java.math.BigDecimal(expected).compareTo(new java.math.BigDecimal(actual)), message);
    } catch (NumberFormatException | NullPointerException notANumber) {
      assertEquals(expected, actual, message);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badRowsAreQuarantinedWithTheirReason(String name, StructType schema, List<Object[]> rows,
      Map<Reason, Long> expectedRejected) {
    List<Object[]> all = new ArrayList<>();
    all.add(schema == FLOATING ? new Object[] {"G1", "C1", "2026-11-01 10:00:00", 10.0, 4.0} : GOOD);
    all.addAll(rows);
    Dataset<Row> flagged = TransactionValidation.flag(frame(schema, all.toArray(Object[][]::new)), D);
    ValidatedTransactions v = ValidatedTransactions.reconcile(flagged, true, all.size());

    Map<String, Long> expected = new TreeMap<>();
    expectedRejected.forEach((reason, n) -> expected.put(reason.code(), n));
    assertEquals(expected, v.rejectedByReason(), name);
    long rejected = expected.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(all.size() - rejected, v.rowsAccepted(), "accepted rows of " + name);
    assertEquals(v.rowsRead(), v.rowsAccepted() + v.rowsRejected(), "reconciliation of " + name);
    // The good row is never lost, and the quarantine keeps the original text of each bad row.
    assertEquals(1, v.accepted().where(org.apache.spark.sql.functions.col(Columns.ORDER_ID).equalTo("G1")).count());
    List<Row> quarantined = v.rejected().collectAsList();
    assertEquals(rejected, quarantined.size());
    for (Row q : quarantined) {
      Object[] original = rows.stream()
          .filter(r -> java.util.Objects.equals(r[0], q.getAs(Columns.ORDER_ID)))
          .findFirst().orElseThrow(() -> new AssertionError("no fixture row for " + q));
      if (schema == TEXT) {
        assertEquals(original[1], q.getAs(Columns.CUSTOMER_ID), "original customer_id kept: " + q);
        assertSameAmount((String) original[3], q.getAs(Columns.AMOUNT), "original amount kept: " + q);
      }
    }
  }
}
