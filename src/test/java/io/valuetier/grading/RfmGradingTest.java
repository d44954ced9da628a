package io.valuetier.grading;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmGradingTest {
  private static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.RECENCY_DAYS, DataTypes.IntegerType)
      .add(Columns.FREQUENCY, DataTypes.LongType)
      .add(Columns.MONETARY, TransactionValidation.MONEY);

  private static Object[] customer(String id, int recency, long frequency, int monetary) {
    return new Object[] {id, recency, frequency, new BigDecimal(monetary).setScale(2)};
  }

  /**
   * Ten active customers whose values are 1..10 (recency days), 1..10 (orders) and 10..100
   * (money) in an order chosen so that each of the eight high/low combinations occurs. With ten
   * values the quintile cut points are the 2nd, 4th, 6th and 8th smallest, so values pair up into
   * scores 1..5; each score's mean is 3 and "high" means a score of 4 or 5 (R: recency 1-4 days,
   * F: 7-10 orders, M: 70-100).
   */
  private static Dataset<Row> tenActivePlusOneLost() {
    return frame(SCHEMA,
        customer("c01", 1, 10, 100), // R5 F5 M5 Important value
        customer("c02", 2, 1, 90),   // R5 F1 M5 Important development
        customer("c03", 9, 9, 80),   // R1 F5 M4 Important retention
        customer("c04", 10, 2, 70),  // R1 F1 M4 Important win-back
        customer("c05", 3, 8, 10),   // R4 F4 M1 General value
        customer("c06", 4, 3, 20),   // R4 F2 M1 General development
        customer("c07", 5, 7, 30),   // R3 F4 M2 General retention
        customer("c08", 6, 4, 40),   // R3 F2 M2 General win-back
        customer("c09", 7, 5, 50),   // R2 F3 M3 General win-back
        customer("c10", 8, 6, 60),   // R2 F3 M3 General win-back
        customer("c11", 400, 0, 0)); // not active in W: lowest scores, excluded from cut points and means
  }

  @Test
  void scoresAndAllEightSegmentsByHand() {
    Map<String, Row> byId = new HashMap<>();
    for (Row r : RfmGrading.withRfmScores(tenActivePlusOneLost()).collectAsList()) {
      byId.put(r.getAs(Columns.CUSTOMER_ID), r);
    }
    Object[][] expected = {
        {"c01", 5, 5, 5, RfmGrading.IMPORTANT_VALUE},
        {"c02", 5, 1, 5, RfmGrading.IMPORTANT_DEVELOPMENT},
        {"c03", 1, 5, 4, RfmGrading.IMPORTANT_RETENTION},
        {"c04", 1, 1, 4, RfmGrading.IMPORTANT_WIN_BACK},
        {"c05", 4, 4, 1, RfmGrading.GENERAL_VALUE},
        {"c06", 4, 2, 1, RfmGrading.GENERAL_DEVELOPMENT},
        {"c07", 3, 4, 2, RfmGrading.GENERAL_RETENTION},
        {"c08", 3, 2, 2, RfmGrading.GENERAL_WIN_BACK},
        {"c09", 2, 3, 3, RfmGrading.GENERAL_WIN_BACK},
        {"c10", 2, 3, 3, RfmGrading.GENERAL_WIN_BACK},
        {"c11", 1, 1, 1, RfmGrading.GENERAL_WIN_BACK},
    };
    for (Object[] e : expected) {
      Row r = byId.get((String) e[0]);
      String ctx = "customer " + e[0] + ": " + r;
      assertEquals(e[1], r.getAs(Columns.R_SCORE), ctx);
      assertEquals(e[2], r.getAs(Columns.F_SCORE), ctx);
      assertEquals(e[3], r.getAs(Columns.M_SCORE), ctx);
      assertEquals(e[4], r.getAs(Columns.RFM_SEGMENT), ctx);
    }
    Set<String> segments = new HashSet<>();
    byId.values().forEach(r -> segments.add(r.getAs(Columns.RFM_SEGMENT)));
    assertEquals(8, segments.size(), "all eight segments reachable: " + segments);
  }

  @Test
  void equalValuesGetEqualScores() {
    // Frequencies 1,1,1,1,1,1,2,3,4,5: cut points (2nd, 4th, 6th, 8th smallest) are 1, 1, 1, 3.
    // Six customers with one order share score 1; 2 and 3 orders exceed three cuts (4); 4 and 5 all (5).
    long[] frequencies = {1, 1, 1, 1, 1, 1, 2, 3, 4, 5};
    int[] expected = {1, 1, 1, 1, 1, 1, 4, 4, 5, 5};
    Object[][] rows = new Object[frequencies.length][];
    for (int i = 0; i < frequencies.length; i++) {
      rows[i] = customer(String.format("c%02d", i), 10, frequencies[i], 100);
    }
    List<Row> scored = RfmGrading.withRfmScores(frame(SCHEMA, rows)).orderBy(Columns.CUSTOMER_ID).collectAsList();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], (int) scored.get(i).getAs(Columns.F_SCORE), "frequency " + frequencies[i]);
      // Everyone has the same recency and money: one score for all, and never "high".
      assertEquals(scored.get(0).<Integer>getAs(Columns.R_SCORE), scored.get(i).<Integer>getAs(Columns.R_SCORE));
      assertEquals(scored.get(0).<Integer>getAs(Columns.M_SCORE), scored.get(i).<Integer>getAs(Columns.M_SCORE));
    }
  }
}
