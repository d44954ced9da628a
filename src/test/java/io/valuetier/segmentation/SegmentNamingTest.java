package io.valuetier.segmentation;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.valuetier.config.TieringConfig;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import io.valuetier.segmentation.SegmentationDecision.Label;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Segment names from profiles relative to the population, with the default rules (Top, Dormant, New). */
class SegmentNamingTest {
  private static final TieringConfig.Segmentation DEFAULTS = TieringConfig.load(Optional.empty()).segmentation();

  private static Map<Integer, String> names(List<Label> labels) {
    Map<Integer, String> m = new HashMap<>();
    labels.forEach(l -> m.put(l.cluster(), l.segmentId() + ":" + l.segment()));
    return m;
  }

  @Test
  void rulesNameByProfileAndTheRestByValueRank() {
    // k = 4 (names Top, Important, Ordinary, Dormant), 10 customers each. Population means:
    // value (1000+400+300+50)/4 = 437.5, recency (10+20+40+400)/4 = 117.5, tenure (800+30+700+900)/4 = 607.5.
    // Cluster 3: recency 400/117.5 = 3.4x >= 2 -> Dormant. Cluster 1: tenure 30/607.5 = 0.05x <= 0.5 and
    // recency 20/117.5 = 0.17x <= 1 -> New. Cluster 0 is value rank 1 -> Top. Cluster 2 is rank 3 and no
    // rule fits it (recency 0.34x, tenure 1.15x): the rank-3 name, Ordinary, not Important.
    List<SegmentNaming.Profile> profiles = List.of(
        new SegmentNaming.Profile(0, 10, 1000, 10, 20, 800),
        new SegmentNaming.Profile(1, 10, 400, 20, 2, 30),
        new SegmentNaming.Profile(2, 10, 300, 40, 5, 700),
        new SegmentNaming.Profile(3, 10, 50, 400, 1, 900));
    List<Label> labels = new SegmentNaming(DEFAULTS).name(profiles);
    assertEquals(Map.of(0, "1:Top", 1, "2:New", 2, "3:Ordinary", 3, "4:Dormant"), names(labels));
    assertEquals("rule Dormant (recency >= 2.0x)", labels.get(3).namedBy());
    assertEquals("value rank 3 of 4", labels.get(2).namedBy());
  }

  @Test
  void equalValueSegmentsAreToldApartByRecencyAndTenureWhateverTheClusterIds() {
    // Two segments of equal mean value 500: young and active (recency 7, tenure 30) and long
    // inactive (recency 310, tenure 910); a top segment (value 20000, recency 3, tenure 1500).
    // Population recency (3+7+310)/3 = 106.7: 310 is 2.9x -> Dormant; tenure (1500+30+910)/3 = 813.3:
    // 30 is 0.04x, recency 0.07x -> New. The value tie is broken by lower recency: New is segment 2.
    int[][] orders = {{0, 1, 2}, {2, 0, 1}, {1, 2, 0}};
    for (int[] ids : orders) {
      List<SegmentNaming.Profile> profiles = List.of(
          new SegmentNaming.Profile(ids[0], 20, 20000, 3, 60, 1500),
          new SegmentNaming.Profile(ids[1], 20, 500, 7, 2, 30),
          new SegmentNaming.Profile(ids[2], 20, 500, 310, 2, 910));
      Map<Integer, String> n = names(new SegmentNaming(DEFAULTS).name(profiles));
      assertEquals("1:Top", n.get(ids[0]));
      assertEquals("2:New", n.get(ids[1]));
      assertEquals("3:Dormant", n.get(ids[2]));
    }
  }

  private static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.RECENCY_DAYS, DataTypes.IntegerType)
      .add(Columns.FREQUENCY, DataTypes.LongType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.PROFIT, TransactionValidation.MONEY)
      .add(Columns.MARGIN, DataTypes.DoubleType)
      .add(Columns.TENURE_DAYS, DataTypes.IntegerType);

  private static Object[] row(String id, int recency, long frequency, int monetary, int tenure) {
    BigDecimal m = new BigDecimal(monetary).setScale(2);
    return new Object[] {id, recency, frequency, m, m.multiply(new BigDecimal("0.25")).setScale(2), 0.25, tenure};
  }

  @Test
  void kMeansSegmentsOfEqualMeanMonetaryGetNewAndDormantWhateverTheSeed() {
    // 20 customers each: top (recency 1..5, spend 20000+), new (recency 5..9, tenure 20..39, spend
    // 500) and dormant (recency 300..319, tenure 900..919, spend 500): new and dormant have exactly
    // the same mean monetary. Means: recency 3 / 7 / 309.5 (population 106.5: dormant 2.9x, new
    // 0.07x); tenure 1509.5 / 29.5 / 909.5 (population 816.2: new 0.04x).
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(row("top" + i, 1 + i % 5, 60 + i, 20000 + 100 * i, 1500 + i));
      rows.add(row("new" + i, 5 + i % 5, 2, 500, 20 + i));
      rows.add(row("dormant" + i, 300 + i, 2, 500, 900 + i));
    }
    Dataset<Row> features = frame(SCHEMA, rows.toArray(Object[][]::new));
    for (long seed : new long[] {1, 7, 12345}) {
      TieringConfig.Segmentation c = new TieringConfig.Segmentation(3, DEFAULTS.keepK(), 3, 3, seed,
          DEFAULTS.maxIterations(), DEFAULTS.selectionSampleSize(), DEFAULTS.fitSampleSize(), DEFAULTS.rankBy(),
          List.of("recency", "frequency", "monetary", "margin", "tenure"), DEFAULTS.names(), DEFAULTS.naming(),
          DEFAULTS.refit());
      ValueSegmentation segmentation = new ValueSegmentation(c);
      Dataset<Row> assigned = segmentation.assign(segmentation.fit(features).model(), features);
      Map<String, String> byId = new HashMap<>();
      for (Row r : assigned.collectAsList()) {
        byId.put(r.getAs(Columns.CUSTOMER_ID), r.<Integer>getAs(Columns.SEGMENT_ID) + ":" + r.getAs(Columns.SEGMENT));
      }
      for (int i = 0; i < 20; i++) {
        assertEquals("1:Top", byId.get("top" + i), "seed " + seed);
        assertEquals("2:New", byId.get("new" + i), "seed " + seed);
        assertEquals("3:Dormant", byId.get("dormant" + i), "seed " + seed);
      }
    }
  }

  @Test
  void minimumCostAssignmentFindsTheCheapestMatching() {
    // Greedy row by row would take (0,0)=1 then (1,1)=10: 11. The optimum swaps: (0,1)+(1,0) = 2+3 = 5.
    assertEquals(List.of(1, 0), java.util.Arrays.stream(Assignment.minimumCost(new double[][] {{1, 2}, {3, 10}}))
        .boxed().toList());
    // 3x3 worked by hand over the 6 permutations: [2,0,1] costs 1+1+1 = 3, every other one at least 6.
    assertEquals(List.of(2, 0, 1), java.util.Arrays.stream(Assignment.minimumCost(
        new double[][] {{5, 5, 1}, {1, 5, 5}, {5, 1, 5}})).boxed().toList());
  }
}
