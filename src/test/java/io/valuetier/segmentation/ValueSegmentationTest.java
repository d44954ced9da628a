package io.valuetier.segmentation;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.config.TieringConfig;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
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

class ValueSegmentationTest {
  private static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.RECENCY_DAYS, DataTypes.IntegerType)
      .add(Columns.FREQUENCY, DataTypes.LongType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.PROFIT, TransactionValidation.MONEY)
      .add(Columns.MARGIN, DataTypes.DoubleType)
      .add(Columns.TENURE_DAYS, DataTypes.IntegerType);

  /** Three well separated groups of 20: big recent spenders, middling buyers, dormant customers. */
  private static Dataset<Row> threeGroups() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(row("top" + i, 1 + i % 5, 60 + i, 20000 + 100 * i, 0.30, 1500 + i));
      rows.add(row("mid" + i, 50 + i, 6 + i % 3, 800 + 10 * i, 0.25, 500 + i));
      rows.add(row("dormant" + i, 700 + 5 * i, 0, 0, null, 900 + i));
    }
    return frame(SCHEMA, rows.toArray(Object[][]::new));
  }

  /** {@code copies} of the three groups, each customer's id suffixed by its copy: 60 × copies customers. */
  private static Dataset<Row> threeGroups(int copies) {
    List<Object[]> rows = new ArrayList<>();
    for (int c = 0; c < copies; c++) {
      for (int i = 0; i < 20; i++) {
        rows.add(row("top" + i + "-" + c, 1 + (i + c) % 5, 60 + i, 20000 + 100 * i + c, 0.30, 1500 + i));
        rows.add(row("mid" + i + "-" + c, 50 + i, 6 + (i + c) % 3, 800 + 10 * i + c, 0.25, 500 + i));
        rows.add(row("dormant" + i + "-" + c, 700 + 5 * i, 0, 0, null, 900 + i + c));
      }
    }
    return frame(SCHEMA, rows.toArray(Object[][]::new));
  }

  private static Object[] row(String id, int recency, long frequency, int monetary, Double margin, int tenure) {
    BigDecimal m = new BigDecimal(monetary).setScale(2);
    BigDecimal profit = margin == null ? BigDecimal.ZERO.setScale(2) : m.multiply(BigDecimal.valueOf(margin)).setScale(2);
    return new Object[] {id, recency, frequency, m, profit, margin, tenure};
  }

  private static TieringConfig.Segmentation config(int k, int kMin, int kMax, long seed) {
    TieringConfig.Segmentation d = TieringConfig.load(Optional.empty()).segmentation();
    return config(k, kMin, kMax, seed, d.selectionSampleSize(), d.fitSampleSize());
  }

  private static TieringConfig.Segmentation config(int k, int kMin, int kMax, long seed, int selection, int fit) {
    TieringConfig.Segmentation d = TieringConfig.load(Optional.empty()).segmentation();
    // The fixture has the "Customer features" (docs/methods.md) features only (no predicted value).
    return new TieringConfig.Segmentation(k, d.keepK(), kMin, kMax, seed, d.maxIterations(), selection,
        fit, d.rankBy(), List.of("recency", "frequency", "monetary", "margin", "tenure"), d.names(),
        d.naming(), d.refit());
  }

  private static Map<String, String> segments(TieringConfig.Segmentation config, Dataset<Row> features) {
    ValueSegmentation segmentation = new ValueSegmentation(config);
    ValueSegmentation.Fitted fitted = segmentation.fit(features);
    Map<String, String> byId = new HashMap<>();
    for (Row r : segmentation.assign(fitted.model(), features).collectAsList()) {
      byId.put(r.getAs(Columns.CUSTOMER_ID), r.<Integer>getAs(Columns.SEGMENT_ID) + ":" + r.getAs(Columns.SEGMENT));
    }
    return byId;
  }

  @Test
  void namesFollowValueOrderWhateverTheSeed() {
    Dataset<Row> features = threeGroups();
    // Different seeds start k-means differently, so the raw cluster ids permute; names must not.
    for (long seed : new long[] {1, 7, 12345}) {
      Map<String, String> s = segments(config(3, 3, 3, seed), features);
      for (int i = 0; i < 20; i++) {
        assertEquals("1:Top", s.get("top" + i), "seed " + seed);
        assertEquals("2:Ordinary", s.get("mid" + i), "seed " + seed);
        assertEquals("3:Dormant", s.get("dormant" + i), "seed " + seed);
      }
    }
  }

  @Test
  void sameInputAndSeedGiveTheSameSegments() {
    Dataset<Row> features = threeGroups();
    TieringConfig.Segmentation c = config(4, 4, 4, 42);
    assertEquals(segments(c, features), segments(c, features));
  }

  @Test
  void kChosenBySilhouetteFindsTheThreeGroups() {
    ValueSegmentation.Fitted fitted = new ValueSegmentation(config(0, 2, 5, 42)).fit(threeGroups());
    assertEquals(List.of(2, 3, 4, 5), new ArrayList<>(fitted.silhouetteByK().keySet()));
    assertEquals(3, fitted.k(), "silhouette by k: " + fitted.silhouetteByK());
    assertTrue(fitted.silhouette() > 0.5, "well separated groups: " + fitted.silhouette());
  }

  @Test
  void theSamplesAndTheFitDependOnTheIdsAndTheSeedNotOnThePartitions() {
    // 3,000 customers; samples of 500 and 1,000 drawn from them. The same rows in 1 partition and
    // in 11 (in another order) must give the same customers and, so, the same model to the last bit.
    Dataset<Row> one = threeGroups(50).coalesce(1);
    Dataset<Row> eleven = threeGroups(50).repartition(11);
    List<String> a = ids(ValueSegmentation.sampleOf(one, 3000, 500, 42));
    List<String> b = ids(ValueSegmentation.sampleOf(eleven, 3000, 500, 42));
    assertEquals(a, b);
    // Each customer kept with probability 1/6: 500 expected, standard deviation 20.4.
    assertTrue(Math.abs(a.size() - 500) < 100, "sample of " + a.size());
    assertTrue(!a.equals(ids(ValueSegmentation.sampleOf(one, 3000, 500, 43))), "another seed, other customers");

    TieringConfig.Segmentation c = config(0, 2, 5, 42, 500, 1000);
    ValueSegmentation.Fitted f1 = new ValueSegmentation(c).fit(one);
    ValueSegmentation.Fitted f11 = new ValueSegmentation(c).fit(eleven);
    assertEquals(3, f1.k());
    assertEquals(f1.k(), f11.k());
    assertEquals(f1.silhouetteByK(), f11.silhouetteByK());
    assertEquals(java.util.Arrays.deepToString(centers(f1)), java.util.Arrays.deepToString(centers(f11)));
  }

  private static List<String> ids(Dataset<Row> sample) {
    List<String> ids = new ArrayList<>();
    sample.select(Columns.CUSTOMER_ID).collectAsList().forEach(r -> ids.add(r.getString(0)));
    return ids;
  }

  private static double[][] centers(ValueSegmentation.Fitted fitted) {
    org.apache.spark.ml.clustering.KMeansModel kMeans = (org.apache.spark.ml.clustering.KMeansModel)
        fitted.model().stages()[fitted.model().stages().length - 1];
    return java.util.Arrays.stream(kMeans.clusterCenters()).map(org.apache.spark.ml.linalg.Vector::toArray)
        .toArray(double[][]::new);
  }
}
