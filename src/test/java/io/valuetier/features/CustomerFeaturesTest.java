package io.valuetier.features;

import static io.valuetier.TransactionFixtures.line;
import static io.valuetier.TransactionFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Customer features" (docs/methods.md) features on a hand-made fixture. D = 2026-06-30, W = 365: the window is
 * (2025-06-30, 2026-06-30], the previous window (2024-06-30, 2025-06-30].
 */
class CustomerFeaturesTest {
  private static final LocalDate D = LocalDate.of(2026, 6, 30);
  private static final double EPS = 1e-9;
  private static Map<String, Row> features;

  @BeforeAll
  static void compute() {
    Dataset<Row> transactions = raw(
        // A: two orders in W (one on D at 23:59:59, one on the first day of W) and a return on O2.
        line("O1", "A", "2026-06-30 23:59:59", "100.00", "60.00", "X"),
        line("O1", "A", "2026-06-30 23:59:59", "50.00", "20.00", "Y"),
        line("O2", "A", "2025-07-01 00:00:00", "200.00", "150.00", "X"),
        line("O2", "A", "2026-01-15 09:00:00", "-50.00", "0.00", "X"),
        // A: the last day before W, so the previous window; and an order after D (rejected).
        line("O3", "A", "2025-06-30 12:00:00", "300.00", "100.00", "Z"),
        line("O9", "A", "2026-07-01 00:00:00", "999.00", "1.00", "X"),
        // B: a single order.
        line("O4", "B", "2026-03-01 10:00:00", "80.00", "30.00", "W"),
        // C: no order in W, one in the previous window.
        line("O5", "C", "2024-12-01 08:00:00", "500.00", "400.00", "X"),
        // E: only an order before both windows.
        line("O6", "E", "2023-01-01 08:00:00", "40.00", "10.00", "X"));
    Dataset<Row> accepted = TransactionValidation.accepted(TransactionValidation.flag(transactions, D));
    features = new HashMap<>();
    for (Row r : new CustomerFeatures(D, 365, true).apply(accepted).collectAsList()) {
      features.put(r.getAs(Columns.CUSTOMER_ID), r);
    }
  }

  @Test
  void oneRowPerCustomerWithHistory() {
    assertEquals(4, features.size(), features.keySet().toString());
  }

  @Test
  void customerWithReturnAndWindowBoundaries() {
    Row a = features.get("A");
    assertEquals(0, (int) a.getAs(Columns.RECENCY_DAYS), "last order on D itself");
    assertEquals(2L, (long) a.getAs(Columns.FREQUENCY), "O1 and O2; O3 is before W, O9 after D");
    assertEquals(new BigDecimal("300.00"), a.getAs(Columns.MONETARY), "100 + 50 + 200 - 50");
    assertEquals(new BigDecimal("70.00"), a.getAs(Columns.PROFIT), "40 + 30 + 50 - 50");
    assertEquals(70.0 / 300.0, a.<Double>getAs(Columns.MARGIN), EPS);
    assertEquals(150.0, a.<Double>getAs(Columns.AVG_ORDER_VALUE), EPS);
    assertEquals(365, (int) a.getAs(Columns.TENURE_DAYS), "first order 2025-06-30");
    assertEquals(2.0 / 3.0, a.<Double>getAs(Columns.CATEGORY_BREADTH), EPS, "X, Y of X, Y, W sold in W");
    assertEquals(new BigDecimal("300.00"), a.getAs(Columns.MONETARY_PREV));
    assertEquals(0.0, a.<Double>getAs(Columns.GROWTH), EPS);
  }

  @Test
  void singleOrderCustomer() {
    Row b = features.get("B");
    assertEquals(121, (int) b.getAs(Columns.RECENCY_DAYS));
    assertEquals(1L, (long) b.getAs(Columns.FREQUENCY));
    assertEquals(new BigDecimal("80.00"), b.getAs(Columns.MONETARY));
    assertEquals(new BigDecimal("50.00"), b.getAs(Columns.PROFIT));
    assertEquals(0.625, b.<Double>getAs(Columns.MARGIN), EPS);
    assertEquals(80.0, b.<Double>getAs(Columns.AVG_ORDER_VALUE), EPS);
    assertEquals(121, (int) b.getAs(Columns.TENURE_DAYS));
    assertEquals(1.0 / 3.0, b.<Double>getAs(Columns.CATEGORY_BREADTH), EPS);
    assertEquals(new BigDecimal("0.00"), b.getAs(Columns.MONETARY_PREV));
    assertNull(b.getAs(Columns.GROWTH), "no previous revenue: growth undefined");
  }

  @Test
  void customerWithNoOrderInWindow() {
    Row c = features.get("C");
    assertEquals(576, (int) c.getAs(Columns.RECENCY_DAYS));
    assertEquals(0L, (long) c.getAs(Columns.FREQUENCY));
    assertEquals(new BigDecimal("0.00"), c.getAs(Columns.MONETARY));
    assertEquals(new BigDecimal("0.00"), c.getAs(Columns.PROFIT));
    assertNull(c.getAs(Columns.MARGIN));
    assertNull(c.getAs(Columns.AVG_ORDER_VALUE));
    assertEquals(0.0, c.<Double>getAs(Columns.CATEGORY_BREADTH), EPS);
    assertEquals(new BigDecimal("500.00"), c.getAs(Columns.MONETARY_PREV));
    assertEquals(-1.0, c.<Double>getAs(Columns.GROWTH), EPS);

    Row e = features.get("E");
    assertEquals(1276, (int) e.getAs(Columns.RECENCY_DAYS));
    assertEquals(1276, (int) e.getAs(Columns.TENURE_DAYS));
    assertEquals(new BigDecimal("0.00"), e.getAs(Columns.MONETARY_PREV));
    assertNull(e.getAs(Columns.GROWTH));
  }

  @Test
  void withoutCostThereIsNoProfit() {
    Dataset<Row> noCost = raw(line("O1", "A", "2026-06-01 10:00:00", "10.00", null, "X")).drop(Columns.COST);
    Row a = new CustomerFeatures(D, 365, false)
        .apply(TransactionValidation.accepted(TransactionValidation.flag(noCost, D))).first();
    assertNull(a.getAs(Columns.PROFIT));
    assertNull(a.getAs(Columns.MARGIN));
    assertEquals(new BigDecimal("10.00"), a.getAs(Columns.MONETARY));
  }
}
