package io.valuetier.grading;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.io.File;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Two-level AHP: dimension weight × local weight, a CR per matrix, and the shipped example by hand. */
class AhpHierarchyTest {
  private static final String INDICATORS = "tiering.scoring.indicators = ["
      + "{ name = spend, column = monetary, method = percentile },"
      + "{ name = margin, column = margin, method = percentile },"
      + "{ name = frequency, column = frequency, method = percentile },"
      + "{ name = recency, column = recency_days, method = percentile, higher-is-better = false } ]\n";

  @Test
  void shippedHierarchyExampleGivesTheHandWorkedWeightsAndScore() {
    TieringConfig config = TieringConfig.load(Optional.of(new File("conf/example-hierarchy.conf")));
    TieringConfig.Scoring s = config.scoring();
    // [[1, 3], [1/3, 1]]: 3/4 and 1/4; [[1, 1], [1, 1]]: 1/2 each. Global = dimension × local.
    assertEquals(0.75 * 0.75, s.weights().get("spend"), 1e-9);
    assertEquals(0.75 * 0.25, s.weights().get("margin"), 1e-9);
    assertEquals(0.25 * 0.5, s.weights().get("tenure"), 1e-9);
    assertEquals(0.25 * 0.5, s.weights().get("breadth"), 1e-9);
    Map<String, Double> summary = s.summary();
    assertEquals(0.5625, summary.get("weight.spend"), 1e-9);
    assertEquals(0.75, summary.get("dimension.value"), 1e-9);
    assertEquals(0.25, summary.get("dimension.relationship"), 1e-9);
    assertEquals(0.0, summary.get("cr.tiering.scoring.ahp.matrix"), 1e-12);
    assertEquals(0.0, summary.get("cr.tiering.scoring.ahp.dimensions.value.matrix"), 1e-12);
    assertEquals(0.0, summary.get("cr.tiering.scoring.ahp.dimensions.relationship.matrix"), 1e-12);

    StructType schema = new StructType()
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.MONETARY, TransactionValidation.MONEY)
        .add(Columns.MARGIN, DataTypes.DoubleType)
        .add(Columns.TENURE_DAYS, DataTypes.IntegerType)
        .add(Columns.CATEGORY_BREADTH, DataTypes.DoubleType);
    Row r = new CompositeScore(s).apply(frame(schema,
        new Object[] {"w", new BigDecimal("12000000.00"), 0.15, 1825, 0.30})).first();
    // 0.5625·100 + 0.1875·90 + 0.125·100 + 0.125·80 = 56.25 + 16.875 + 12.5 + 10 = 95.625.
    assertEquals(95.625, r.<Double>getAs(Columns.VALUE_SCORE), 1e-9);
    assertEquals("Strategic", r.getAs(Columns.VALUE_GRADE));
  }

  @Test
  void threeByThreeDimensionMatrixAndASingleIndicatorDimension() {
    // Dimensions by Saaty's classic matrix (weights 0.637, 0.258, 0.105; CR 0.0332, AhpTest);
    // value compares spend and margin 1 : 4 → 0.2, 0.8; frequency and recency stand alone.
    TieringConfig.Scoring s = TieringConfig.parse(INDICATORS + "tiering.scoring.ahp {"
        + " criteria = [value, loyalty, activity], matrix = [[1, 3, 5], [\"1/3\", 1, 3], [\"1/5\", \"1/3\", 1]],"
        + " dimensions { value { indicators = [spend, margin], matrix = [[1, \"1/4\"], [4, 1]] },"
        + " loyalty { indicators = [frequency] }, activity { indicators = [recency] } } }").scoring();
    assertEquals(0.637 * 0.2, s.weights().get("spend"), 5e-4);
    assertEquals(0.637 * 0.8, s.weights().get("margin"), 5e-4);
    assertEquals(0.258, s.weights().get("frequency"), 5e-4);
    assertEquals(0.105, s.weights().get("recency"), 5e-4);
    assertEquals(1.0, s.weights().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
    assertEquals(0.0332, s.summary().get("cr.tiering.scoring.ahp.matrix"), 1e-4);
    assertTrue(!s.summary().containsKey("cr.tiering.scoring.ahp.dimensions.loyalty.matrix"), "no matrix, no CR");
  }

  @Test
  void anInconsistentSubMatrixIsNamedInTheError() {
    // Inside "value": spend ≻ margin 9:1, margin ≻ frequency 9:1, frequency ≻ spend 9:1: CR = 6.1303 (AhpTest).
    TieringException e = assertThrows(TieringException.class, () -> TieringConfig.parse(INDICATORS
        + "tiering.scoring.ahp { criteria = [value, activity], matrix = [[1, 2], [\"1/2\", 1]],"
        + " dimensions { value { indicators = [spend, margin, frequency],"
        + " matrix = [[1, 9, \"1/9\"], [\"1/9\", 1, 9], [9, \"1/9\", 1]] }, activity { indicators = [recency] } } }"));
    assertTrue(e.getMessage().startsWith(
        "tiering.scoring.ahp.dimensions.value.matrix: the AHP matrix is inconsistent, CR = 6.1303"), e.getMessage());
  }

  @Test
  void badHierarchiesAreConfigurationErrors() {
    String dims = "tiering.scoring.ahp { criteria = [value, activity], matrix = [[1, 2], [\"1/2\", 1]], dimensions { ";
    TieringException missing = assertThrows(TieringException.class, () -> TieringConfig.parse(INDICATORS + dims
        + "value { indicators = [spend, margin], matrix = [[1, 2], [\"1/2\", 1]] }, activity { indicators = [recency] } } }"));
    assertEquals("tiering.scoring.ahp.dimensions must place each indicator [spend, margin, frequency, recency] in one"
        + " dimension, got [spend, margin, recency]", missing.getMessage());
    TieringException twice = assertThrows(TieringException.class, () -> TieringConfig.parse(INDICATORS + dims
        + "value { indicators = [spend, margin, frequency], matrix = [[1, 1, 1], [1, 1, 1], [1, 1, 1]] },"
        + " activity { indicators = [recency, spend], matrix = [[1, 1], [1, 1]] } } }"));
    assertEquals("tiering.scoring.ahp: indicator spend is in more than one dimension", twice.getMessage());
    TieringException noMatrix = assertThrows(TieringException.class, () -> TieringConfig.parse(INDICATORS + dims
        + "value { indicators = [spend, margin, frequency] }, activity { indicators = [recency] } } }"));
    assertEquals("tiering.scoring.ahp.dimensions.value: 3 indicators need a matrix", noMatrix.getMessage());
    TieringException criteria = assertThrows(TieringException.class, () -> TieringConfig.parse(INDICATORS
        + "tiering.scoring.ahp { criteria = [value, risk], matrix = [[1, 2], [\"1/2\", 1]], dimensions { "
        + "value { indicators = [spend, margin, frequency], matrix = [[1, 1, 1], [1, 1, 1], [1, 1, 1]] },"
        + " activity { indicators = [recency] } } }"));
    assertTrue(criteria.getMessage().startsWith("tiering.scoring.ahp.criteria [value, risk] must name each dimension"),
        criteria.getMessage());
    TieringException size = assertThrows(TieringException.class, () -> TieringConfig.parse(INDICATORS + dims
        + "value { indicators = [spend, margin, frequency], matrix = [[1, 2], [\"1/2\", 1]] },"
        + " activity { indicators = [recency] } } }"));
    assertEquals("tiering.scoring.ahp.dimensions.value.matrix has 2 rows for 3 indicators", size.getMessage());
  }

  @Test
  void flatConfigurationsKeepTheirWeights() {
    // The shipped 4 × 4 matrix (AhpTest): the same weights as before hierarchies existed.
    TieringConfig.Scoring s = TieringConfig.parse("").scoring();
    assertEquals(0.4673, s.weights().get("spend"), 1e-4);
    assertEquals(0.0954, s.weights().get("margin"), 1e-4);
    assertEquals(0.0115, s.summary().get("cr.tiering.scoring.ahp.matrix"), 1e-4);
    assertTrue(s.dimensionWeights().isEmpty());
    // Given weights: normalized, no matrix.
    TieringConfig.Scoring given = TieringConfig.load(Optional.of(new File("conf/example-worked.conf"))).scoring();
    assertEquals(0.40, given.summary().get("weight.spend"), 1e-12);
    assertEquals(4, given.summary().size());
  }
}
