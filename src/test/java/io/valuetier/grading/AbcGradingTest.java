package io.valuetier.grading;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.config.TieringConfig;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AbcGradingTest {
  private static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.PROFIT, TransactionValidation.MONEY);
  private static final TieringConfig.Abc PARETO = new TieringConfig.Abc(0.80, 0.95);

  private static Object[] customer(String id, String profit) {
    return new Object[] {id, new BigDecimal("1000.00"), profit == null ? null : new BigDecimal(profit)};
  }

  private static Map<String, Row> grade(boolean byProfit, Object[]... rows) {
    Map<String, Row> byId = new HashMap<>();
    for (Row r : new AbcGrading(PARETO, byProfit).apply(frame(SCHEMA, rows)).collectAsList()) {
      byId.put(r.getAs(Columns.CUSTOMER_ID), r);
    }
    return byId;
  }

  /**
   * Profits 50, 30, 10, 10 (tie), 0, -20: the positive total is 100. In order c1 (50 %), c2 (80 %:
   * reaches 80 %, so A ends here), c3 (90 %) before c4 by id (100 %: needed to reach 95 %, so B),
   * then the zero and negative contributors in C with the share staying at 100 %.
   */
  @Test
  void classesAndSharesByHand() {
    Map<String, Row> g = grade(true,
        customer("c6", "-20.00"), customer("c4", "10.00"), customer("c1", "50.00"),
        customer("c5", "0.00"), customer("c3", "10.00"), customer("c2", "30.00"));
    String[][] expected = {{"c1", "A", "0.5"}, {"c2", "A", "0.8"}, {"c3", "B", "0.9"}, {"c4", "B", "1.0"},
        {"c5", "C", "1.0"}, {"c6", "C", "1.0"}};
    for (String[] e : expected) {
      Row r = g.get(e[0]);
      assertEquals(e[1], r.getAs(Columns.ABC_CLASS), "class of " + e[0]);
      assertEquals(Double.parseDouble(e[2]), r.<Double>getAs(Columns.CUMULATIVE_SHARE), 1e-12, "share of " + e[0]);
    }
  }

  @Test
  void tiesAreBrokenByCustomerId() {
    // Five equal contributors of 20 %: the first four by id reach exactly 80 % (A); the fifth is B.
    Map<String, Row> g = grade(true, customer("e", "5.00"), customer("d", "5.00"), customer("b", "5.00"),
        customer("a", "5.00"), customer("c", "5.00"));
    for (String id : new String[] {"a", "b", "c", "d"}) {
      assertEquals("A", g.get(id).getAs(Columns.ABC_CLASS), "class of " + id);
    }
    assertEquals("B", g.get("e").getAs(Columns.ABC_CLASS));
    assertEquals(0.8, g.get("d").<Double>getAs(Columns.CUMULATIVE_SHARE), 1e-12);
  }

  @Test
  void noPositiveContributionMeansEveryoneIsC() {
    Map<String, Row> g = grade(true, customer("a", "0.00"), customer("b", "-5.00"));
    assertEquals("C", g.get("a").getAs(Columns.ABC_CLASS));
    assertEquals("C", g.get("b").getAs(Columns.ABC_CLASS));
    assertNull(g.get("a").getAs(Columns.CUMULATIVE_SHARE));
  }

  /** Many range partitions: the per-partition offsets must give the same answer as one running sum. */
  @Test
  void matchesASequentialRunningSumAcrossPartitions() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 1; i <= 2000; i++) {
      rows.add(customer(String.format("c%05d", i), (i % 7 == 0 ? "-" : "") + (i % 97) + ".00"));
    }
    Map<String, Row> g;
    var spark = io.valuetier.SparkTestSession.get();
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", "8");
    try {
      g = grade(true, rows.toArray(Object[][]::new));
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
    }
    // Reference: sort on the driver and walk the list once.
    rows.sort((x, y) -> {
      int byProfit = ((BigDecimal) y[2]).compareTo((BigDecimal) x[2]);
      return byProfit != 0 ? byProfit : ((String) x[0]).compareTo((String) y[0]);
    });
    double total = rows.stream().mapToDouble(r -> Math.max(0, ((BigDecimal) r[2]).doubleValue())).sum();
    double running = 0;
    for (Object[] r : rows) {
      double positive = Math.max(0, ((BigDecimal) r[2]).doubleValue());
      String expected = positive > 0 && running / total < 0.80 ? "A" : positive > 0 && running / total < 0.95 ? "B" : "C";
      running += positive;
      Row got = g.get((String) r[0]);
      assertEquals(expected, got.getAs(Columns.ABC_CLASS), "class of " + r[0]);
      assertEquals(running / total, got.<Double>getAs(Columns.CUMULATIVE_SHARE), 1e-9, "share of " + r[0]);
    }
  }

  @Test
  void withoutCostRevenueDecides() {
    Object[][] rows = {
        {"a", new BigDecimal("90.00"), null}, {"b", new BigDecimal("10.00"), null}};
    Map<String, Row> byId = new HashMap<>();
    for (Row r : new AbcGrading(PARETO, false).apply(frame(SCHEMA, rows)).collectAsList()) {
      byId.put(r.getAs(Columns.CUSTOMER_ID), r);
    }
    assertEquals("A", byId.get("a").getAs(Columns.ABC_CLASS));
    assertEquals("B", byId.get("b").getAs(Columns.ABC_CLASS), "90 % reached before b; b closes 100 %");
  }
}
