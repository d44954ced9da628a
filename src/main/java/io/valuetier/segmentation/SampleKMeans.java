package io.valuetier.segmentation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** k-means and MLlib's squared-Euclidean silhouette on a sample held on the driver, for choosing k without Spark jobs. */
final class SampleKMeans {
  /** k-means++ draws per k; the one of least within-cluster sum of squares is kept. */
  static final int RESTARTS = 3;

  private SampleKMeans() {}

  /** Centers, the nearest center of each point (lowest index on ties), and the within-cluster sum of squares. */
  record Clustering(double[][] centers, int[] cluster, double cost) {}

  /** The k of highest silhouette (the lowest such k on ties) and the silhouette of each k tried, in order. */
  record Selection(int k, Map<Integer, Double> silhouetteByK) {}

  /** Clusters {@code x} at every k in [low, high] and scores each by {@link #silhouette}. */
  static Selection select(double[][] x, int low, int high, long seed, int maxIterations) {
    Map<Integer, Double> byK = new LinkedHashMap<>();
    int best = -1;
    for (int k = low; k <= high; k++) {
      double score = silhouette(x, fit(x, k, seed, maxIterations).cluster(), k);
      byK.put(k, score);
      if (best < 0 || score > byK.get(best)) {
        best = k;
      }
    }
    return new Selection(best, byK);
  }

  /**
   * k-means of {@code x}: {@link #RESTARTS} k-means++ starts drawn from one {@code Random(seed)}, each
   * followed by Lloyd iterations until no assignment changes or {@code maxIterations}.
   */
  static Clustering fit(double[][] x, int k, long seed, int maxIterations) {
    if (x.length == 0 || k < 1) {
      throw new IllegalArgumentException("k-means of " + x.length + " points into " + k + " clusters");
    }
    Random random = new Random(seed);
    Clustering best = null;
    for (int r = 0; r < RESTARTS; r++) {
      Clustering c = lloyd(x, plusPlus(x, k, random), maxIterations);
      if (best == null || c.cost() < best.cost()) {
        best = c;
      }
    }
    return best;
  }

  /** k-means++: the first center uniformly at random, each next one with probability ∝ squared distance to the nearest chosen. */
  static double[][] plusPlus(double[][] x, int k, Random random) {
    int n = x.length;
    double[][] centers = new double[k][];
    centers[0] = x[random.nextInt(n)].clone();
    double[] d2 = new double[n];
    for (int i = 0; i < n; i++) {
      d2[i] = sqdist(x[i], centers[0]);
    }
    for (int c = 1; c < k; c++) {
      double total = 0;
      int last = -1;
      for (int i = 0; i < n; i++) {
        total += d2[i];
        if (d2[i] > 0) {
          last = i;
        }
      }
      int pick;
      if (last < 0) {
        pick = random.nextInt(n); // fewer distinct points than k: a duplicate center, whose cluster stays empty
      } else {
        double u = random.nextDouble() * total;
        pick = last; // if rounding leaves u past the running sum
        double sum = 0;
        for (int i = 0; i < n; i++) {
          sum += d2[i];
          if (d2[i] > 0 && sum > u) {
            pick = i;
            break;
          }
        }
      }
      centers[c] = x[pick].clone();
      for (int i = 0; i < n; i++) {
        d2[i] = Math.min(d2[i], sqdist(x[i], centers[c]));
      }
    }
    return centers;
  }

  /** Lloyd iterations from {@code start}; the returned assignment is always the nearest center of each point. */
  static Clustering lloyd(double[][] x, double[][] start, int maxIterations) {
    double[][] centers = new double[start.length][];
    for (int c = 0; c < start.length; c++) {
      centers[c] = start[c].clone();
    }
    int[] cluster = nearest(x, centers);
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      centers = means(x, cluster, centers);
      int[] next = nearest(x, centers);
      boolean changed = !Arrays.equals(next, cluster);
      cluster = next;
      if (!changed) {
        break;
      }
    }
    double cost = 0;
    for (int i = 0; i < x.length; i++) {
      cost += sqdist(x[i], centers[cluster[i]]);
    }
    return new Clustering(centers, cluster, cost);
  }

  /**
   * The mean of each cluster's points. An empty cluster first takes the point farthest from its own
   * center (the first such point; each point given at most once); when every point sits on its
   * center there is nothing to split and the empty cluster keeps its center.
   */
  private static double[][] means(double[][] x, int[] assigned, double[][] centers) {
    int n = x.length;
    int k = centers.length;
    int d = centers[0].length;
    int[] cluster = assigned.clone();
    long[] size = new long[k];
    for (int c : cluster) {
      size[c]++;
    }
    double[] far = null;
    for (int c = 0; c < k; c++) {
      if (size[c] > 0) {
        continue;
      }
      if (far == null) {
        far = new double[n];
        for (int i = 0; i < n; i++) {
          far[i] = sqdist(x[i], centers[cluster[i]]);
        }
      }
      int farthest = -1;
      for (int i = 0; i < n; i++) {
        if (far[i] > 0 && (farthest < 0 || far[i] > far[farthest]) && size[cluster[i]] > 1) {
          farthest = i;
        }
      }
      if (farthest >= 0) {
        size[cluster[farthest]]--;
        cluster[farthest] = c;
        size[c] = 1;
        far[farthest] = 0;
      }
    }
    double[][] sum = new double[k][d];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < d; f++) {
        sum[cluster[i]][f] += x[i][f];
      }
    }
    double[][] next = new double[k][];
    for (int c = 0; c < k; c++) {
      if (size[c] == 0) {
        next[c] = centers[c].clone();
        continue;
      }
      next[c] = new double[d];
      for (int f = 0; f < d; f++) {
        next[c][f] = sum[c][f] / size[c];
      }
    }
    return next;
  }

  /** The index of each point's nearest center, the lowest index on ties. */
  static int[] nearest(double[][] x, double[][] centers) {
    int[] cluster = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      int best = 0;
      double bestDistance = sqdist(x[i], centers[0]);
      for (int c = 1; c < centers.length; c++) {
        double distance = sqdist(x[i], centers[c]);
        if (distance < bestDistance) {
          best = c;
          bestDistance = distance;
        }
      }
      cluster[i] = best;
    }
    return cluster;
  }

  /**
   * The silhouette as MLlib's ClusteringEvaluator computes it (squared Euclidean distance; Spark 4.1
   * {@code SquaredEuclideanSilhouette} and {@code Silhouette.pointSilhouetteCoefficient}), in
   * O(n·k·d): per cluster C its size N, Y = Σy and Ψ = Σ|y|², so the mean squared distance from x to
   * the points of C is |x|² + Ψ/N − 2·x·Y/N. For x's own cluster that mean is multiplied by N/(N − 1),
   * which makes it the mean over the other points (x adds 0): a. b = the least such mean over the
   * other non-empty clusters. s = 1 − a/b when a < b, b/a − 1 when a > b, else 0 (that is
   * (b − a)/max(a, b)); s = 0 in a singleton cluster; the result is the mean of s over all points.
   * Empty clusters take no part; with fewer than two non-empty clusters (MLlib refuses those) 0.
   *
   * @param cluster each point's cluster, in [0, k)
   */
  static double silhouette(double[][] x, int[] cluster, int k) {
    int n = x.length;
    if (n == 0) {
      return 0.0;
    }
    int d = x[0].length;
    double[][] featureSum = new double[k][d];
    double[] squaredNormSum = new double[k];
    long[] size = new long[k];
    double[] squaredNorm = new double[n];
    for (int i = 0; i < n; i++) {
      int c = cluster[i];
      squaredNorm[i] = dot(x[i], x[i]);
      for (int f = 0; f < d; f++) {
        featureSum[c][f] += x[i][f];
      }
      squaredNormSum[c] += squaredNorm[i];
      size[c]++;
    }
    int nonEmpty = 0;
    for (long s : size) {
      nonEmpty += s > 0 ? 1 : 0;
    }
    if (nonEmpty < 2) {
      return 0.0;
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      int own = cluster[i];
      if (size[own] == 1) {
        continue; // a singleton cluster: s = 0
      }
      double b = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        if (c != own && size[c] > 0) {
          b = Math.min(b, meanSquaredDistance(x[i], squaredNorm[i], featureSum[c], squaredNormSum[c], size[c]));
        }
      }
      double a = meanSquaredDistance(x[i], squaredNorm[i], featureSum[own], squaredNormSum[own], size[own])
          * size[own] / (size[own] - 1);
      if (a < b) {
        total += 1 - a / b;
      } else if (a > b) {
        total += b / a - 1;
      }
    }
    return total / n;
  }

  /** Mean squared distance from a point to the {@code size} points of a cluster, from the cluster's sums. */
  private static double meanSquaredDistance(double[] x, double squaredNorm, double[] featureSum, double squaredNormSum,
      long size) {
    return squaredNorm + squaredNormSum / size - 2 * dot(x, featureSum) / size;
  }

  static double sqdist(double[] a, double[] b) {
    double s = 0;
    for (int f = 0; f < a.length; f++) {
      double diff = a[f] - b[f];
      s += diff * diff;
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int f = 0; f < a.length; f++) {
      s += a[f] * b[f];
    }
    return s;
  }
}
