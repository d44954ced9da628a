package io.valuetier.grading;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import io.valuetier.features.CreditFeatures;
import io.valuetier.schema.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lifecycle stages, credit features and score, value–potential quadrants on hand-made fixtures. */
class CustomerStagesTest {
  private static final TieringConfig DEFAULTS = TieringConfig.load(Optional.empty());
  private static final LocalDate D = LocalDate.of(2026, 6, 30);

  @Test
  void oneCustomerPerLifecycleStageWithBoundaries() {
    StructType schema = new StructType()
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.FREQUENCY, DataTypes.LongType)
        .add(Columns.TENURE_DAYS, DataTypes.IntegerType)
        .add(Columns.RECENCY_DAYS, DataTypes.IntegerType)
        .add(Columns.GROWTH, DataTypes.DoubleType);
    // Defaults: acquisition below 90 days of tenure, growth beyond ±20 %, inactive after 90 days.
    Map<String, Row> s = SparkTestSession.byCustomer(CustomerStages.withLifecycleStage(frame(schema,
        new Object[] {"lost", 0L, 500, 400, null},
        new Object[] {"new", 2L, 89, 5, null},
        new Object[] {"tenure90", 2L, 90, 5, 0.0},
        new Object[] {"growing", 5L, 400, 10, 0.2001},
        new Object[] {"growth20", 5L, 400, 10, 0.20},
        new Object[] {"shrinking", 5L, 400, 10, -0.2001},
        new Object[] {"minus20", 5L, 400, 10, -0.20},
        new Object[] {"inactive91", 1L, 400, 91, 0.0},
        new Object[] {"recency90", 1L, 400, 90, 0.0},
        new Object[] {"firstYearBuyer", 3L, 200, 10, null}), DEFAULTS.lifecycle()));
    String[][] expected = {
        {"lost", "Lost"}, {"new", "Acquisition"}, {"tenure90", "Maturity"}, {"growing", "Growth"},
        {"growth20", "Maturity"}, {"shrinking", "Decline"}, {"minus20", "Maturity"}, {"inactive91", "Decline"},
        {"recency90", "Maturity"}, {"firstYearBuyer", "Growth"}};
    for (String[] e : expected) {
      assertEquals(e[1], s.get(e[0]).getAs(Columns.LIFECYCLE_STAGE), e[0]);
    }
  }

  private static final StructType INVOICES = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.DUE_DATE, DataTypes.DateType)
      .add(Columns.PAID_DATE, DataTypes.DateType);

  private static Object[] invoice(String customer, String due, String paid) {
    return new Object[] {customer, Date.valueOf(due), paid == null ? null : Date.valueOf(paid)};
  }

  @Test
  void creditFeaturesAndScore() {
    StructType ids = new StructType().add(Columns.CUSTOMER_ID, DataTypes.StringType);
    Dataset<Row> customers = frame(ids, new Object[] {"punctual"}, new Object[] {"late"}, new Object[] {"unpaid"},
        new Object[] {"none"});
    Dataset<Row> invoices = frame(INVOICES,
        invoice("punctual", "2026-03-01", "2026-02-25"),
        invoice("punctual", "2026-04-01", "2026-04-01"),        // paid on the due date: on time
        invoice("late", "2026-03-01", "2026-03-11"),            // 10 days late
        invoice("late", "2026-04-01", "2026-04-01"),            // on time
        invoice("late", "2025-06-30", "2025-09-01"),            // due before W: ignored
        invoice("unpaid", "2026-06-10", null),                  // open, 20 days past due on D
        invoice("unpaid", "2026-06-20", "2026-07-05"),          // paid after D: open on D, 10 days late
        invoice("unpaid", "2026-07-10", null));                 // not yet due: not in W
    Dataset<Row> withCredit = new CreditFeatures(D, 365).apply(customers, Optional.of(invoices));
    Map<String, Row> s = SparkTestSession.byCustomer(CustomerStages.withCreditScore(withCredit, DEFAULTS.credit()));

    Row punctual = s.get("punctual");
    assertEquals(1.0, punctual.<Double>getAs(Columns.ON_TIME_RATE), 1e-12);
    assertEquals(0.0, punctual.<Double>getAs(Columns.AVG_DAYS_LATE), 1e-12);
    assertEquals(0L, (long) punctual.getAs(Columns.OVERDUE_OPEN));
    assertEquals(100.0, punctual.<Double>getAs(Columns.CREDIT_SCORE), 1e-9);

    // Late: 1 of 2 on time, (10 + 0) / 2 = 5 days late: 100·(0.7·0.5 + 0.3·(1 − 5/60)) = 62.5.
    Row late = s.get("late");
    assertEquals(0.5, late.<Double>getAs(Columns.ON_TIME_RATE), 1e-12);
    assertEquals(5.0, late.<Double>getAs(Columns.AVG_DAYS_LATE), 1e-12);
    assertEquals(62.5, late.<Double>getAs(Columns.CREDIT_SCORE), 1e-9);

    // Unpaid on D: none on time, (20 + 10) / 2 = 15 days late, 2 open past due:
    // 100·(0 + 0.3·(1 − 15/60)) − 2·10 = 22.5 − 20 = 2.5.
    Row unpaid = s.get("unpaid");
    assertEquals(0.0, unpaid.<Double>getAs(Columns.ON_TIME_RATE), 1e-12);
    assertEquals(15.0, unpaid.<Double>getAs(Columns.AVG_DAYS_LATE), 1e-12);
    assertEquals(2L, (long) unpaid.getAs(Columns.OVERDUE_OPEN));
    assertEquals(2.5, unpaid.<Double>getAs(Columns.CREDIT_SCORE), 1e-9);

    Row none = s.get("none");
    assertNull(none.getAs(Columns.ON_TIME_RATE));
    assertNull(none.getAs(Columns.CREDIT_SCORE), "no invoices: no credit score, not a made-up one");
  }

  @ParameterizedTest
  @ValueSource(strings = {Columns.CLV, Columns.GROWTH})
  void valuePotentialQuadrants(String potential) {
    StructType schema = new StructType()
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.VALUE_SCORE, DataTypes.DoubleType)
        .add(potential, DataTypes.DoubleType);
    // Potential 0.1, 0.2, 0.3, 0.4, 0.5: median 0.3, so 0.4 and 0.5 are high potential. Value threshold 60.
    Map<String, Row> s = SparkTestSession.byCustomer(CustomerStages.withValuePotential(frame(schema,
        new Object[] {"S", 80.0, 0.5}, new Object[] {"A", 80.0, 0.1}, new Object[] {"B", 40.0, 0.4},
        new Object[] {"C", 40.0, 0.2}, new Object[] {"C2", 60.0, 0.3}, new Object[] {"unknown", 90.0, null}),
        new TieringConfig.ValuePotential(60, potential)));
    for (String id : new String[] {"S", "A", "B", "C"}) {
      assertEquals(id, s.get(id).getAs(Columns.VALUE_POTENTIAL), id);
    }
    assertEquals("C", s.get("C2").getAs(Columns.VALUE_POTENTIAL), "60 is not above the threshold, 0.3 not above the median");
    assertEquals("A", s.get("unknown").getAs(Columns.VALUE_POTENTIAL), "unknown potential counts as low");
  }
}
