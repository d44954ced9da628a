package io.valuetier.lifetime;

import static io.valuetier.TransactionFixtures.line;
import static io.valuetier.TransactionFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.SparkTestSession;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Which days are purchase days: the worked example of docs/lifetime-value.md ("Purchase days"),
 * with exact decimal sums.
 */
class PurchaseHistoryTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 21);

  @Test
  void theFourKindsOfDay() {
    Map<String, Row> histories = SparkTestSession.byCustomer(new PurchaseHistory(D).apply(
        TransactionValidation.accepted(TransactionValidation.flag(raw(
            // Customer A, one day of each kind:
            line("A1", "A", "2026-11-01 10:00:00", "10.00", null, "X"),   // 1 Nov: a purchase
            line("A2", "A", "2026-11-03 10:00:00", "0.10", null, "X"),    // 3 Nov: 0.10 + 0.20 - 0.30 = 0 exactly,
            line("A3", "A", "2026-11-03 11:00:00", "0.20", null, "X"),    //        with a negative line: cancelled
            line("A4", "A", "2026-11-03 12:00:00", "-0.30", null, "X"),   //        the same day, no purchase
            line("A5", "A", "2026-11-06 10:00:00", "0.00", null, "X"),    // 6 Nov: net 0, no negative line: free
            line("A6", "A", "2026-11-08 10:00:00", "-5.00", null, "X"),   // 8 Nov: returns only, no purchase
            line("A7", "A", "2026-11-11 10:00:00", "30.00", null, "X"),   // 11 Nov: 30 - 10 = 20 > 0: a purchase
            line("A8", "A", "2026-11-11 15:00:00", "-10.00", null, "X"),
            // Customer F: only free orders; customer R: only an order and its same-day cancellation.
            line("F1", "F", "2026-11-10 10:00:00", "0.00", null, "X"),
            line("R1", "R", "2026-11-10 10:00:00", "0.10", null, "X"),
            line("R2", "R", "2026-11-10 10:00:00", "0.20", null, "X"),
            line("R3", "R", "2026-11-10 11:00:00", "-0.30", null, "X")), D))));

    // A: purchase days 1, 6 and 11 Nov; x = 2 repeats, t_x = 10 days, T = 20 days (1 to 21 Nov),
    // mean repeat spend (0.00 + 20.00) / 2 = 10.00.
    Row a = histories.get("A");
    assertEquals(2, (int) a.getAs(Columns.REPEAT_PURCHASES));
    assertEquals(10, (int) a.getAs(Columns.PURCHASE_SPAN_DAYS));
    assertEquals(20, (int) a.getAs(Columns.CUSTOMER_AGE_DAYS));
    assertEquals(10.0, (double) a.getAs(Columns.MEAN_REPEAT_SPEND), 0.0);
    // F: one purchase day (10 Nov), no repeats, 11 days old.
    Row f = histories.get("F");
    assertEquals(0, (int) f.getAs(Columns.REPEAT_PURCHASES));
    assertEquals(11, (int) f.getAs(Columns.CUSTOMER_AGE_DAYS));
    assertNull(f.getAs(Columns.MEAN_REPEAT_SPEND));
    // R: no purchase day at all, so no history (0.1 + 0.2 - 0.3 as doubles is 5.6e-17, not 0).
    assertEquals(java.util.Set.of("A", "F"), histories.keySet());
  }
}
