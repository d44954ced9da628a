package io.valuetier.quality;

import static io.valuetier.SparkTestSession.frame;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.valuetier.features.CustomerFeatures;
import io.valuetier.quality.TransactionValidation.Rules;
import io.valuetier.schema.Columns;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** What validation passes on is the user's data: ids, business dates and quarantined values (issue 14). */
class ReadAsSuppliedTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 21);

  private static final StructType TEXT = new StructType()
      .add(Columns.ORDER_ID, DataTypes.StringType)
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.ORDER_TS, DataTypes.StringType)
      .add(Columns.AMOUNT, DataTypes.StringType)
      .add(Columns.CATEGORY, DataTypes.StringType)
      .add("StockCode", DataTypes.StringType);

  @Test
  void idsAreTrimmedOfUnicodeBlanksAndJoinTheirCustomer() {
    Dataset<Row> flagged = TransactionValidation.flag(frame(TEXT,
        new Object[] {"O1", "C1", "2026-11-01", "5", "X", "S1"},
        new Object[] {"\u00A0O2\t", "\u00A0C1\u3000", "2026-11-02", "6", "X", "S1"}), D);
    ValidatedTransactions v = ValidatedTransactions.reconcile(flagged, false, 2);
    assertEquals(2, v.rowsAccepted());
    assertEquals(List.of("C1"), v.accepted().select(Columns.CUSTOMER_ID).distinct().as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(List.of("O1", "O2"), v.accepted().select(Columns.ORDER_ID).orderBy(Columns.ORDER_ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void aDuplicateKeepsItsTextAndTheWholeLineUnderTheUsersNames() throws Exception {
    // Mapping category = Country: the frame holds "category", the user's file "Country".
    Rules mapped = new Rules(Map.of(Columns.CATEGORY, "Country"), List.of(), ZoneId.of("UTC"));
    Object[] line = {"O1", "C1", "2026-11-01 09:00", "5.0", "DE", "S1"};
    Dataset<Row> flagged = TransactionValidation.flag(frame(TEXT, line, line), D, mapped);
    ValidatedTransactions v = ValidatedTransactions.reconcile(flagged, false, 2);
    assertEquals(Map.of("duplicate_line", 1L), v.rejectedByReason());
    Row q = v.rejected().first();
    assertEquals("5.0", q.getAs(Columns.AMOUNT), "as written, not the parsed 5.00");
    assertEquals("2026-11-01 09:00", q.getAs(Columns.ORDER_TS));
    assertEquals(new ObjectMapper().readTree(
            "{\"order_id\":\"O1\",\"customer_id\":\"C1\",\"order_ts\":\"2026-11-01 09:00\",\"amount\":\"5.0\","
                + "\"Country\":\"DE\",\"StockCode\":\"S1\"}"),
        new ObjectMapper().readTree((String) q.getAs(TransactionValidation.SOURCE_ROW)));
  }

  @Test
  void businessDateRecencyAndTenureFollowTheTimeZone() {
    StructType zoned = new StructType()
        .add(Columns.ORDER_ID, DataTypes.StringType)
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.ORDER_TS, DataTypes.TimestampType)
        .add(Columns.AMOUNT, DataTypes.StringType);
    // 15:01Z on the 21st: 15:01 on the 21st in UTC, 00:01 on the 22nd in Tokyo (UTC+9).
    Dataset<Row> raw = frame(zoned, new Object[] {"O1", "C1", Timestamp.from(Instant.parse("2026-11-21T15:01:00Z")), "5"});
    LocalDate asOf = LocalDate.of(2026, 11, 22);
    Row utc = features(raw, asOf, Rules.DEFAULT);
    assertEquals(java.sql.Date.valueOf("2026-11-21"), utc.getAs(Columns.LAST_ORDER_DATE));
    assertEquals(1, (int) utc.getAs(Columns.RECENCY_DAYS));
    assertEquals(1, (int) utc.getAs(Columns.TENURE_DAYS));
    Row tokyo = features(raw, asOf, Rules.DEFAULT.withZone(ZoneId.of("Asia/Tokyo")));
    assertEquals(java.sql.Date.valueOf("2026-11-22"), tokyo.getAs(Columns.LAST_ORDER_DATE));
    assertEquals(0, (int) tokyo.getAs(Columns.RECENCY_DAYS));
    assertEquals(0, (int) tokyo.getAs(Columns.TENURE_DAYS));
    // As of the 21st the order is tomorrow's in Tokyo, today's in UTC.
    assertEquals(Map.of("future_order_date", 1L), ValidatedTransactions.reconcile(
        TransactionValidation.flag(raw, D, Rules.DEFAULT.withZone(ZoneId.of("Asia/Tokyo"))), false, 1).rejectedByReason());
    assertEquals(1, ValidatedTransactions.reconcile(TransactionValidation.flag(raw, D), false, 1).rowsAccepted());
  }

  private static Row features(Dataset<Row> raw, LocalDate asOf, Rules rules) {
    ValidatedTransactions v = ValidatedTransactions.reconcile(TransactionValidation.flag(raw, asOf, rules), false, 1);
    assertEquals(1, v.rowsAccepted());
    return new CustomerFeatures(asOf, 365, false).apply(v.accepted()).where(col(Columns.CUSTOMER_ID).equalTo("C1")).first();
  }
}
