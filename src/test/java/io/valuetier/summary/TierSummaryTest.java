package io.valuetier.summary;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TierSummaryTest {
  private static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.PROFIT, TransactionValidation.MONEY)
      .add(Columns.MARGIN, DataTypes.DoubleType)
      .add(Columns.RECENCY_DAYS, DataTypes.IntegerType)
      .add(Columns.FREQUENCY, DataTypes.LongType)
      .add(Columns.ABC_CLASS, DataTypes.StringType)
      .add(Columns.LIFECYCLE_STAGE, DataTypes.StringType);

  private static Object[] c(String id, int monetary, int profit, int recency, long frequency, String abc, String stage) {
    BigDecimal m = new BigDecimal(monetary).setScale(2);
    return new Object[] {id, m, new BigDecimal(profit).setScale(2), profit / (double) monetary, recency, frequency, abc, stage};
  }

  @Test
  void sharesRevenueAndTreatmentsByHand() {
    Map<String, String> methods = new LinkedHashMap<>();
    methods.put("abc", Columns.ABC_CLASS);
    methods.put("lifecycle", Columns.LIFECYCLE_STAGE);
    Map<String, Map<String, String>> treatments = Map.of("abc", Map.of("A", "Dedicated account manager"));
    // Revenue 600 + 200 + 150 + 50 = 1000.
    Map<String, Row> rows = new HashMap<>();
    for (Row r : TierSummary.of(frame(SCHEMA,
            c("a", 600, 120, 10, 6, "A", "Maturity"), c("b", 200, 20, 30, 2, "A", "Growth"),
            c("c", 150, 30, 50, 3, "B", "Maturity"), c("d", 50, 5, 200, 1, "C", "Decline")),
        methods, treatments).collectAsList()) {
      rows.put(r.getAs(TierSummary.METHOD) + "/" + r.getAs(TierSummary.GRADE), r);
    }
    Row a = rows.get("abc/A");
    assertEquals(2L, (long) a.getAs(TierSummary.CUSTOMERS));
    assertEquals(50.0, a.<Double>getAs(TierSummary.CUSTOMER_SHARE_PCT), 1e-9);
    assertEquals(new BigDecimal("800.00"), ((BigDecimal) a.getAs(TierSummary.REVENUE)).setScale(2));
    assertEquals(80.0, a.<Double>getAs(TierSummary.REVENUE_SHARE_PCT), 1e-9);
    assertEquals(new BigDecimal("140.00"), ((BigDecimal) a.getAs(Columns.PROFIT)).setScale(2));
    assertEquals((0.2 + 0.1) / 2, a.<Double>getAs(TierSummary.AVG_MARGIN), 1e-9);
    assertEquals(20.0, a.<Double>getAs(TierSummary.AVG_RECENCY_DAYS), 1e-9);
    assertEquals(4.0, a.<Double>getAs(TierSummary.AVG_FREQUENCY), 1e-9);
    assertEquals("Dedicated account manager", a.getAs(TierSummary.TREATMENT));
    assertEquals(15.0, rows.get("abc/B").<Double>getAs(TierSummary.REVENUE_SHARE_PCT), 1e-9);
    assertEquals(5.0, rows.get("abc/C").<Double>getAs(TierSummary.REVENUE_SHARE_PCT), 1e-9);
    assertNull(rows.get("abc/B").getAs(TierSummary.TREATMENT), "no treatment configured for B");
    assertEquals(75.0, rows.get("lifecycle/Maturity").<Double>getAs(TierSummary.REVENUE_SHARE_PCT), 1e-9);

    for (String method : methods.keySet()) {
      double customers = 0;
      double revenue = 0;
      for (Map.Entry<String, Row> e : rows.entrySet()) {
        if (e.getKey().startsWith(method + "/")) {
          customers += e.getValue().<Double>getAs(TierSummary.CUSTOMER_SHARE_PCT);
          revenue += e.getValue().<Double>getAs(TierSummary.REVENUE_SHARE_PCT);
        }
      }
      assertEquals(100.0, customers, 1e-9, "customer shares of " + method);
      assertEquals(100.0, revenue, 1e-9, "revenue shares of " + method);
    }
  }

  @Test
  void theMeanMarginIsTheSameOnAnyPartitionLayout() {
    // Margins k/97 for k = 1..500 (no finite binary form), one grade: a double sum in another order
    // can end in other last digits; the exact mean is 250.5/97.
    Object[][] rows = new Object[500][];
    for (int k = 1; k <= 500; k++) {
      rows[k - 1] = new Object[] {"c" + k, new BigDecimal(97).setScale(2), new BigDecimal(k).setScale(2), k / 97.0, 1, 1L,
          "A", "Maturity"};
    }
    Map<String, String> methods = Map.of("abc", Columns.ABC_CLASS);
    java.util.Set<Double> means = new java.util.HashSet<>();
    for (int partitions : new int[] {1, 3, 7, 16}) {
      Row r = TierSummary.of(frame(SCHEMA, rows).repartition(partitions), methods, Map.of()).first();
      means.add(r.getAs(TierSummary.AVG_MARGIN));
    }
    assertEquals(1, means.size(), means.toString());
    assertEquals(250.5 / 97, means.iterator().next(), 1e-12);
  }

  @Test
  void revenueSharesDivideByTheExactTotalOnAnyLayout() {
    // Revenues 0.10, 0.20 and 0.30: as doubles, 0.1 + 0.2 + 0.3 = 0.6000000000000001 but
    // 0.3 + 0.2 + 0.1 = 0.6, so a double total depends on the order the grades arrive in; the
    // exact total is 0.60, and each share is revenue * 100 / 0.6 in doubles.
    Object[][] rows = {
        {"a", new BigDecimal("0.10"), BigDecimal.ZERO.setScale(2), 0.0, 1, 1L, "A", "Maturity"},
        {"b", new BigDecimal("0.20"), BigDecimal.ZERO.setScale(2), 0.0, 1, 1L, "B", "Maturity"},
        {"c", new BigDecimal("0.30"), BigDecimal.ZERO.setScale(2), 0.0, 1, 1L, "C", "Maturity"}};
    Map<String, Double> expected = Map.of("A", 0.1 * 100.0 / 0.6, "B", 0.2 * 100.0 / 0.6, "C", 0.3 * 100.0 / 0.6);
    for (int partitions : new int[] {1, 2, 3}) {
      for (Row r : TierSummary.of(frame(SCHEMA, rows).repartition(partitions), Map.of("abc", Columns.ABC_CLASS), Map.of())
          .collectAsList()) {
        String grade = r.getAs(TierSummary.GRADE);
        assertEquals(expected.get(grade), r.<Double>getAs(TierSummary.REVENUE_SHARE_PCT), 0.0, grade + " on " + partitions);
      }
    }
  }
}
