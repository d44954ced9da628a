package io.valuetier.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SampleKMeansTest {
  private static final double[][] LINE = {{0}, {1}, {10}, {11}};

  @Test
  void silhouetteOfTwoPairsByHand() {
    // Clusters {0, 1} and {10, 11}, squared distances. Every point has a = 1 (its partner at distance 1).
    // b: for 0, (10² + 11²)/2 = 110.5; for 1, (9² + 10²)/2 = 90.5; for 10, (10² + 9²)/2 = 90.5;
    // for 11, (11² + 10²)/2 = 110.5. s = (b − a)/b: 109.5/110.5 twice and 89.5/90.5 twice.
    double expected = (2 * 109.5 / 110.5 + 2 * 89.5 / 90.5) / 4;
    assertEquals(expected, SampleKMeans.silhouette(LINE, new int[] {0, 0, 1, 1}, 2), 1e-12);
  }

  @Test
  void silhouetteWithASingletonAndAMisplacedPointByHand() {
    // Clusters {0} and {1, 10, 11}. 0 is alone: s = 0.
    // 1: a = (9² + 10²)/2 = 90.5, b = 1² = 1, a > b so s = b/a − 1 = 1/90.5 − 1.
    // 10: a = (9² + 1²)/2 = 41, b = 10² = 100, s = 1 − 41/100 = 0.59.
    // 11: a = (10² + 1²)/2 = 50.5, b = 11² = 121, s = 1 − 50.5/121 = 70.5/121.
    double expected = (0 + (1 / 90.5 - 1) + 0.59 + 70.5 / 121) / 4;
    assertEquals(expected, SampleKMeans.silhouette(LINE, new int[] {0, 1, 1, 1}, 2), 1e-12);
  }

  @Test
  void oneNonEmptyClusterScoresZero() {
    assertEquals(0.0, SampleKMeans.silhouette(LINE, new int[] {1, 1, 1, 1}, 3));
  }

  @Test
  void silhouetteAgreesWithMllib() {
    Random random = new Random(7);
    int n = 300;
    double[][] centers = new double[4][3];
    for (double[] c : centers) {
      for (int f = 0; f < 3; f++) {
        c[f] = 4 * random.nextGaussian();
      }
    }
    double[][] x = new double[n][3];
    for (int i = 0; i < n; i++) {
      double[] c = centers[random.nextInt(4)];
      for (int f = 0; f < 3; f++) {
        x[i][f] = c[f] + 2 * random.nextGaussian();
      }
    }
    // Nearest of the true centers (so groups overlap and some s are negative), plus one singleton cluster.
    int[] cluster = SampleKMeans.nearest(x, centers);
    cluster[17] = 4;
    StructType schema = new StructType().add("features", new VectorUDT()).add("prediction", DataTypes.IntegerType);
    Object[][] rows = new Object[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = new Object[] {Vectors.dense(x[i]), cluster[i]};
    }
    double mllib = new ClusteringEvaluator().setFeaturesCol("features").setPredictionCol("prediction")
        .setMetricName("silhouette").evaluate(SparkTestSession.frame(schema, rows));
    assertEquals(mllib, SampleKMeans.silhouette(x, cluster, 5), 1e-9);
  }

  /** 100 points around each of (0, 0), (10, 0) and (0, 10), standard deviation 1. */
  private static double[][] blobs(long seed) {
    Random random = new Random(seed);
    double[][] truth = {{0, 0}, {10, 0}, {0, 10}};
    List<double[]> points = new ArrayList<>();
    for (double[] c : truth) {
      for (int i = 0; i < 100; i++) {
        points.add(new double[] {c[0] + random.nextGaussian(), c[1] + random.nextGaussian()});
      }
    }
    return points.toArray(double[][]::new);
  }

  @Test
  void recoversWellSeparatedBlobs() {
    SampleKMeans.Clustering c = SampleKMeans.fit(blobs(3), 3, 42, 40);
    double[][] found = c.centers().clone();
    Arrays.sort(found, Comparator.<double[]>comparingDouble(p -> p[1]).thenComparingDouble(p -> p[0]));
    // The mean of 100 points of standard deviation 1 is within 0.1 per coordinate (1 sd): 0.5 is 5 sd.
    double[][] expected = {{0, 0}, {10, 0}, {0, 10}};
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(expected[i], found[i], 0.5, "centers " + Arrays.deepToString(found));
    }
    for (int b = 0; b < 3; b++) {
      for (int i = 1; i < 100; i++) {
        assertEquals(c.cluster()[100 * b], c.cluster()[100 * b + i], "blob " + b + " split");
      }
    }
  }

  @Test
  void selectionPicksThreeForThreeBlobs() {
    SampleKMeans.Selection s = SampleKMeans.select(blobs(5), 2, 6, 42, 40);
    assertEquals(List.of(2, 3, 4, 5, 6), new ArrayList<>(s.silhouetteByK().keySet()));
    assertEquals(3, s.k(), "silhouette by k: " + s.silhouetteByK());
    assertTrue(s.silhouetteByK().get(3) > 0.7, "silhouette by k: " + s.silhouetteByK());
  }

  @Test
  void sameSeedSameResult() {
    double[][] x = blobs(11);
    SampleKMeans.Clustering a = SampleKMeans.fit(x, 4, 99, 40);
    SampleKMeans.Clustering b = SampleKMeans.fit(x, 4, 99, 40);
    assertArrayEquals(a.cluster(), b.cluster());
    assertEquals(Arrays.deepToString(a.centers()), Arrays.deepToString(b.centers()));
    assertEquals(SampleKMeans.select(x, 2, 6, 99, 40), SampleKMeans.select(x, 2, 6, 99, 40));
  }

  @Test
  void fewerDistinctPointsThanClustersLeavesAnEmptyCluster() {
    double[][] x = {{0}, {0}, {0}, {5}, {5}};
    SampleKMeans.Clustering c = SampleKMeans.fit(x, 3, 1, 40);
    assertEquals(0.0, c.cost());
    assertEquals(1.0, SampleKMeans.silhouette(x, c.cluster(), 3), 1e-12);
  }
}
