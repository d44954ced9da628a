package io.valuetier.grading;

import io.valuetier.TieringException;

/**
 * Analytic Hierarchy Process weights (docs/methods.md, "Composite value score and value grade"): the principal eigenvector of a positive reciprocal
 * pairwise-comparison matrix, with Saaty's consistency index and ratio.
 */
public final class Ahp {
  /** Saaty's random consistency index RI for n = 1..10. */
  private static final double[] RANDOM_INDEX = {0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49};
  /** A matrix at or above this consistency ratio is rejected. */
  public static final double MAX_CONSISTENCY_RATIO = 0.10;
  private static final int MAX_ITERATIONS = 1000;
  private static final double TOLERANCE = 1e-12;

  /** Weights summing to 1, λmax, CI = (λmax − n)/(n − 1) and CR = CI / RI. */
  public record Result(double[] weights, double lambdaMax, double consistencyIndex, double consistencyRatio) {}

  private Ahp() {}

  /** Computes the weights; {@code name} names the matrix in error messages. */
  public static Result weights(String name, double[][] matrix) {
    int n = matrix.length;
    TieringException.check(n >= 1 && n <= RANDOM_INDEX.length, "%s: AHP needs 1 to %d criteria, got %d",
        name, RANDOM_INDEX.length, n);
    checkReciprocal(name, matrix);
    double[] w = principalEigenvector(matrix);
    double lambda = 0;
    for (int i = 0; i < n; i++) {
      double row = 0;
      for (int j = 0; j < n; j++) {
        row += matrix[i][j] * w[j];
      }
      lambda += row / w[i];
    }
    lambda /= n;
    double ci = n <= 2 ? 0 : (lambda - n) / (n - 1);
    double cr = n <= 2 ? 0 : ci / RANDOM_INDEX[n - 1];
    return new Result(w, lambda, ci, cr);
  }

  /** Like {@link #weights}, but a matrix with CR ≥ 0.10 is a configuration error. */
  public static Result consistentWeights(String name, double[][] matrix) {
    Result r = weights(name, matrix);
    TieringException.check(r.consistencyRatio() < MAX_CONSISTENCY_RATIO,
        "%s: the AHP matrix is inconsistent, CR = %.4f (must be below %.2f; λmax = %.4f, CI = %.4f)",
        name, r.consistencyRatio(), MAX_CONSISTENCY_RATIO, r.lambdaMax(), r.consistencyIndex());
    return r;
  }

  /** Power iteration: converges for positive matrices (Perron–Frobenius). */
  private static double[] principalEigenvector(double[][] a) {
    int n = a.length;
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0 / n);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double[] next = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          next[i] += a[i][j] * w[j];
        }
        sum += next[i];
      }
      double change = 0;
      for (int i = 0; i < n; i++) {
        next[i] /= sum;
        change = Math.max(change, Math.abs(next[i] - w[i]));
      }
      w = next;
      if (change < TOLERANCE) {
        break;
      }
    }
    return w;
  }

  private static void checkReciprocal(String name, double[][] a) {
    int n = a.length;
    for (int i = 0; i < n; i++) {
      TieringException.check(a[i].length == n, "%s: row %d has %d entries, expected %d", name, i + 1, a[i].length, n);
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        TieringException.check(a[i][j] > 0, "%s: entry (%d, %d) must be positive, got %s", name, i + 1, j + 1, a[i][j]);
        // Reciprocals written as decimals (0.333 for 1/3) are accepted within 2 %.
        TieringException.check(Math.abs(a[i][j] * a[j][i] - 1) <= 0.02,
            "%s: entries (%d, %d) = %s and (%d, %d) = %s are not reciprocal", name, i + 1, j + 1, a[i][j],
            j + 1, i + 1, a[j][i]);
      }
    }
  }
}
