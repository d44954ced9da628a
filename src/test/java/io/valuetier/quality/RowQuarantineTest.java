package io.valuetier.quality;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.schema.Columns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.valuetier.quality.TransactionValidation.Reason;
import io.valuetier.quality.TransactionValidation.Rules;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
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

  /** Text lines with a column the product does not map (a line-level export: the product code). */
  private static final StructType LINES = TEXT.add("product_code", DataTypes.StringType);

  /** Zoned timestamps (instants), as Parquet timestamps adjusted to UTC. */
  private static final StructType ZONED = new StructType()
      .add(Columns.ORDER_ID, DataTypes.StringType)
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.ORDER_TS, DataTypes.TimestampType)
      .add(Columns.AMOUNT, DataTypes.StringType)
      .add(Columns.COST, DataTypes.StringType);

  /** Naive timestamps (wall clock without a zone). */
  private static final StructType NAIVE = new StructType()
      .add(Columns.ORDER_ID, DataTypes.StringType)
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.ORDER_TS, DataTypes.TimestampNTZType)
      .add(Columns.AMOUNT, DataTypes.StringType)
      .add(Columns.COST, DataTypes.StringType);

  private static final Object[] GOOD = {"G1", "C1", "2026-11-01 10:00:00", "10.00", "4.00"};
  private static final Rules UTC = Rules.DEFAULT;
  private static final Rules TOKYO = Rules.DEFAULT.withZone(ZoneId.of("Asia/Tokyo"));
  private static final Rules NEW_YORK = Rules.DEFAULT.withZone(ZoneId.of("America/New_York"));

  private static Object[] zoned(String order, String instant) {
    return new Object[] {order, "C2", java.sql.Timestamp.from(Instant.parse(instant)), "5", "1"};
  }

  private static Object[] naive(String order, String wallClock) {
    return new Object[] {order, "C2", LocalDateTime.parse(wallClock), "5", "1"};
  }

  private static Object[] line(String order, String ts, String amount, String productCode) {
    return new Object[] {order, "C2", ts, amount, "1", productCode};
  }

  private static Object[] good(StructType schema) {
    if (schema == FLOATING) {
      return new Object[] {"G1", "C1", "2026-11-01 10:00:00", 10.0, 4.0};
    } else if (schema == LINES) {
      return new Object[] {"G1", "C1", "2026-11-01 10:00:00", "10.00", "4.00", "P0"};
    } else if (schema == ZONED) {
      return zoned("G1", "2026-11-01T10:00:00Z");
    } else if (schema == NAIVE) {
      return naive("G1", "2026-11-01T10:00:00");
    }
    return GOOD;
  }

  private static Object[] text(String order, String customer, String ts, String amount, String cost) {
    return new Object[] {order, customer, ts, amount, cost};
  }

  private static List<Object[]> rows(Object[]... rows) {
    return java.util.Arrays.asList(rows);
  }

  /** The cases of {@link #rowCases()} under the default rules, then those that need other rules. */
  static Stream<Arguments> cases() {
    return Stream.concat(rowCases().map(a -> Arguments.of(a.get()[0], a.get()[1], UTC, a.get()[2], a.get()[3])),
        ruleCases());
  }

  /**
   * Input read as the user supplied it (issue 14): every column counts for duplicates, ids blank
   * in any Unicode sense, business dates in the configured time zone, at 23:59 and 00:01 around
   * the as-of date D = 2026-11-21.
   */
  static Stream<Arguments> ruleCases() {
    return Stream.of(
        Arguments.of("tab customer_id", TEXT, UTC, rows(text("O1", "\t", "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_CUSTOMER_ID, 1L)),
        Arguments.of("no-break space customer_id", TEXT, UTC, rows(text("O1", "\u00A0", "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_CUSTOMER_ID, 1L)),
        Arguments.of("ideographic space customer_id", TEXT, UTC, rows(text("O1", "\u3000", "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_CUSTOMER_ID, 1L)),
        Arguments.of("zero-width space customer_id", TEXT, UTC, rows(text("O1", "\u200B\uFEFF", "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_CUSTOMER_ID, 1L)),
        Arguments.of("mixed Unicode blanks order_id", TEXT, UTC, rows(text("\t\u00A0\u3000 \u2009", "C2", "2026-11-01", "5", "1")),
            Map.of(Reason.NULL_ORDER_ID, 1L)),
        Arguments.of("id with inner ideographic space is an id", TEXT, UTC,
            rows(text("O1", "C\u30002", "2026-11-01", "5", "1")), Map.of()),
        Arguments.of("unmapped distinguishing column: not duplicates", LINES, UTC,
            rows(line("O1", "2026-11-01 09:00:00", "5", "P1"), line("O1", "2026-11-01 09:00:00", "5", "P2"),
                line("O1", "2026-11-01 09:00:00", "5", "P3")),
            Map.of()),
        Arguments.of("true duplicates with unmapped columns equal", LINES, UTC,
            rows(line("O1", "2026-11-01 09:00:00", "5", "P1"), line("O1", "2026-11-01 09:00:00", "5", "P1"),
                line("O1", "2026-11-01 09:00:00", "5", "P1"), line("O1", "2026-11-01 09:00:00", "5", "P2")),
            Map.of(Reason.DUPLICATE_LINE, 2L)),
        Arguments.of("lines that differ only in an unmapped null", LINES, UTC,
            rows(line("O1", "2026-11-01 09:00:00", "5", null), line("O1", "2026-11-01 09:00:00", "5", "")),
            Map.of()),
        Arguments.of("narrower rule: unique by order_id and product_code", LINES,
            UTC.withUniqueColumns(List.of(Columns.ORDER_ID, "product_code")),
            rows(line("O1", "2026-11-01 09:00:00", "5", "P1"), line("O1", "2026-11-01 09:00:00", "6", "P1"),
                line("O1", "2026-11-01 09:00:00", "7", "P1"), line("O1", "2026-11-01 09:00:00", "5", "P2")),
            Map.of(Reason.DUPLICATE_LINE, 2L)),
        Arguments.of("zoned 23:59 / 00:01 in UTC", ZONED, UTC,
            rows(zoned("O1", "2026-11-21T23:59:00Z"), zoned("O2", "2026-11-22T00:01:00Z")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)),
        // 14:59Z is 23:59 in Tokyo (UTC+9) on the 21st; 15:01Z is 00:01 on the 22nd, after D.
        Arguments.of("zoned 23:59 / 00:01 in Asia/Tokyo", ZONED, TOKYO,
            rows(zoned("O1", "2026-11-21T14:59:00Z"), zoned("O2", "2026-11-21T15:01:00Z")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)),
        // New York is UTC-5 in November: 04:59Z on the 22nd is 23:59 on the 21st (in UTC: after D).
        Arguments.of("zoned 23:59 / 00:01 in America/New_York", ZONED, NEW_YORK,
            rows(zoned("O1", "2026-11-22T04:59:00Z"), zoned("O2", "2026-11-22T05:01:00Z")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)),
        Arguments.of("naive 23:59 / 00:01 in Asia/Tokyo", NAIVE, TOKYO,
            rows(naive("O1", "2026-11-21T23:59:00"), naive("O2", "2026-11-22T00:01:00")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)),
        Arguments.of("naive 23:59 / 00:01 in America/New_York", NAIVE, NEW_YORK,
            rows(naive("O1", "2026-11-21T23:59:00"), naive("O2", "2026-11-22T00:01:00")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)),
        // Text: an offset makes an instant (00:01 at +09:00 is 15:01Z on the 21st), none a wall clock.
        Arguments.of("text with and without offset in UTC", TEXT, UTC,
            rows(text("O1", "C2", "2026-11-22T00:01:00+09:00", "5", "1"), text("O2", "C2", "2026-11-22 00:01:00", "5", "1")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)),
        Arguments.of("text with offset and Z in Asia/Tokyo", TEXT, TOKYO,
            rows(text("O1", "C2", "2026-11-21T23:59:00+09:00", "5", "1"), text("O2", "C2", "2026-11-21T15:01:00Z", "5", "1"),
                text("O3", "C2", "2026-11-21 23:59:00", "5", "1")),
            Map.of(Reason.FUTURE_ORDER_DATE, 1L)));
  }

  static Stream<Arguments> rowCases() {
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badRowsAreQuarantinedWithTheirReason(String name, StructType schema, Rules rules, List<Object[]> rows,
      Map<Reason, Long> expectedRejected) throws Exception {
    List<Object[]> all = new ArrayList<>();
    all.add(good(schema));
    all.addAll(rows);
    Dataset<Row> flagged = TransactionValidation.flag(frame(schema, all.toArray(Object[][]::new)), D, rules);
    ValidatedTransactions v = ValidatedTransactions.reconcile(flagged, true, all.size());

    Map<String, Long> expected = new TreeMap<>();
    expectedRejected.forEach((reason, n) -> expected.put(reason.code(), n));
    assertEquals(expected, v.rejectedByReason(), name);
    long rejected = expected.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(all.size() - rejected, v.rowsAccepted(), "accepted rows of " + name);
    assertEquals(v.rowsRead(), v.rowsAccepted() + v.rowsRejected(), "reconciliation of " + name);
    // validate counts in one aggregation, keeping nothing: the same counts.
    ValidatedTransactions counted = ValidatedTransactions.counted(flagged, true, all.size());
    assertEquals(expected, counted.rejectedByReason(), "validate's counts of " + name);
    assertEquals(all.size() - rejected, counted.rowsAccepted(), "validate's accepted rows of " + name);
    // The good row is never lost, and the quarantine keeps the original text of each bad row.
    assertEquals(1, v.accepted().where(org.apache.spark.sql.functions.col(Columns.ORDER_ID).equalTo("G1")).count());
    List<Row> quarantined = v.rejected().collectAsList();
    assertEquals(rejected, quarantined.size());
    for (Row q : quarantined) {
      if (schema == TEXT || schema == LINES) {
        // The whole line as read, unmapped columns included, is one of the fixture's bad lines.
        JsonNode source = JSON.readTree((String) q.getAs(TransactionValidation.SOURCE_ROW));
        Object[] original = rows.stream().filter(r -> asJson(schema, r).equals(source)).findFirst()
            .orElseThrow(() -> new AssertionError("source row " + source + " of " + name + " is no fixture line"));
        assertEquals(original[0], q.getAs(Columns.ORDER_ID), "original order_id kept: " + q);
        assertEquals(original[1], q.getAs(Columns.CUSTOMER_ID), "original customer_id kept: " + q);
        assertEquals(original[3], q.getAs(Columns.AMOUNT), "original amount kept as written: " + q);
      } else {
        assertTrue(rows.stream().anyMatch(r -> java.util.Objects.equals(r[0], q.getAs(Columns.ORDER_ID))),
            "no fixture row for " + q);
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode asJson(StructType schema, Object[] row) {
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    for (int i = 0; i < row.length; i++) {
      fields.put(schema.fieldNames()[i], row[i]);
    }
    return JSON.valueToTree(fields);
  }
}
